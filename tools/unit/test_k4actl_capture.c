// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/capture.c and the capture options of
 * userspace/args.c: frames of simulated rigs (delays, jitter, arrival in any
 * order, lost frames, late starters) grouped into the sets of the pulses
 * that triggered them, the spread statistics, the CSV files, the progress
 * line and the option words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>
#include <linux/videodev2.h>

#include "args.h"
#include "capture.h"
#include "k4a_test.h"

/* Parse "k4actl capture ..." given as words; NULL-terminated. */
static int parse(struct k4actl_args *a, char *err, const char *w0, ...)
{
	char *argv[24] = { "k4actl", "capture" };
	int argc = 2;
	va_list ap;
	const char *w;

	va_start(ap, w0);
	for (w = w0; w && argc < 23; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return k4actl_args_parse(argc, argv, a, err, 200);
}

static void t_args(void)
{
	struct k4actl_args a;
	char err[200];

	CHECK_EQ(parse(&a, err, "-n", "20", "-o", "out", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_CAPTURE);
	CHECK_EQ(a.frames, 20);
	CHECK(!strcmp(a.out, "out"));
	CHECK_EQ(a.fps, 30);
	CHECK_EQ(a.depth_mode, 2);
	CHECK_EQ(a.color.fmt, K4A_COLOR_MJPG);
	CHECK_EQ(a.color.width, 1280);
	CHECK_EQ(a.color.height, 720);
	CHECK(a.timeout == K4ACTL_CAPTURE_TIMEOUT_S);
	CHECK_EQ(a.clock_bound_us, K4ACTL_CAPTURE_CLOCK_BOUND_US);
	CHECK(!a.force && !a.no_plan && !a.units);

	CHECK_EQ(parse(&a, err, "--frames=5", "--out=/tmp/x", "--force", "--color", "nv12",
		       "--fps", "5", "--depth", "nfov-binned", "--units", "A1,B2",
		       "--timeout", "10", "--no-plan", "--clock-bound", "50", NULL), 0);
	CHECK_EQ(a.frames, 5);
	CHECK(!strcmp(a.out, "/tmp/x"));
	CHECK(a.force && a.no_plan);
	CHECK_EQ(a.color.fmt, K4A_COLOR_NV12);
	CHECK_EQ(a.fps, 5);
	CHECK_EQ(a.depth_mode, 1);
	CHECK(!strcmp(a.units, "A1,B2"));
	CHECK(a.timeout == 10.0);
	CHECK_EQ(a.clock_bound_us, 50);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--clock-bound=0", NULL), 0);
	CHECK_EQ(a.clock_bound_us, 0);
	CHECK(a.settle == 0);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--settle", "60", NULL), 0);
	CHECK(a.settle == 60);

	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--depth=off", "--color=mjpg:4096x3072",
		       "--fps=15", NULL), 0);
	CHECK_EQ(a.depth_mode, 0);
	CHECK_EQ(a.color.width, 4096);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--depth", "wfov", "--fps", "15", NULL), 0);
	CHECK_EQ(a.depth_mode, 4);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--depth", "passive-ir", NULL), 0);
	CHECK_EQ(a.depth_mode, 5);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--help", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_CAPTURE);
}

static void t_args_errors(void)
{
	struct k4actl_args a;
	char err[200];

	CHECK_EQ(parse(&a, err, NULL), -EINVAL);
	CHECK(strstr(err, "-n N"));
	CHECK_EQ(parse(&a, err, "-n", "3", NULL), -EINVAL);
	CHECK(strstr(err, "-o DIR"));
	CHECK_EQ(parse(&a, err, "-o", "d", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "0", "-o", "d", NULL), -EINVAL);
	CHECK(strstr(err, "'--frames'"));
	CHECK_EQ(parse(&a, err, "-n", "1x", "-o", "d", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "-1", "-o", "d", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1000001", "-o", "d", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "--out=", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--fps", "10", NULL), -EINVAL);
	CHECK(strstr(err, "5, 15 or 30"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--depth", "nfov2", NULL), -EINVAL);
	CHECK(strstr(err, "no depth mode 'nfov2'"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--depth", "wfov", NULL), -EINVAL);
	CHECK(strstr(err, "wfov_unbinned does not run at 30 fps"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--color", "rgb", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--color", "mjpg:640x480", NULL), -EINVAL);
	CHECK(strstr(err, "no mjpg 640x480"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--color", "mjpg:4096x3072", NULL),
		 -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--units", "A,,B", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--units", "A,A", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--timeout", "0", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--clock-bound", "-1", NULL), -EINVAL);
	CHECK(strstr(err, "'--clock-bound' needs microseconds"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--clock-bound", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--settle", "-3", NULL), -EINVAL);
	CHECK(strstr(err, "'--settle -3'"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--settle", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--json", NULL), -EINVAL);
	CHECK(strstr(err, "'capture' has no option '--json'"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "extra", NULL), -EINVAL);
	CHECK(strstr(err, "'capture' takes no argument 'extra'"));
	CHECK_EQ(parse(&a, err, "-n", "1", "-o", "d", "--framesx=3", NULL), -EINVAL);
}

static void t_words(void)
{
	char s[4][K4A_SERIAL_MAX_LEN + 1];
	struct k4actl_cap_color c;
	unsigned int n;

	CHECK_EQ(k4actl_cap_color_parse("mjpg", &c), 0);
	CHECK(c.fmt == K4A_COLOR_MJPG && c.width == 1280 && c.height == 720);
	CHECK_EQ(k4actl_cap_color_parse("yuyv:1280x720", &c), 0);
	CHECK(c.fmt == K4A_COLOR_YUY2);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:3840x2160", &c), 0);
	CHECK(c.width == 3840 && c.height == 2160);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:1280", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:1280x", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:1280x720x", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("mjpg:1234567x720", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("MJPG", &c), -EINVAL);
	CHECK_EQ(k4actl_cap_color_parse("mjp", &c), -EINVAL);
	CHECK(!strcmp(k4actl_cap_color_ext(K4A_COLOR_MJPG), "jpg"));
	CHECK(!strcmp(k4actl_cap_color_ext(K4A_COLOR_NV12), "nv12"));
	CHECK(!strcmp(k4actl_cap_color_ext(K4A_COLOR_YUY2), "yuyv"));
	CHECK_EQ(k4actl_cap_color_fourcc(K4A_COLOR_MJPG), V4L2_PIX_FMT_MJPEG);
	CHECK_EQ(k4actl_cap_color_fourcc(K4A_COLOR_YUY2), V4L2_PIX_FMT_YUYV);
	CHECK_EQ(k4actl_cap_depth_fourcc(1), V4L2_PIX_FMT_K4A_NFOV_2X2BINNED);
	CHECK_EQ(k4actl_cap_depth_fourcc(2), V4L2_PIX_FMT_K4A_NFOV_UNBINNED);
	CHECK_EQ(k4actl_cap_depth_fourcc(5), V4L2_PIX_FMT_K4A_PASSIVE_IR);
	CHECK_EQ(k4actl_cap_depth_fourcc(0), 0);
	CHECK_EQ(k4actl_cap_depth_fourcc(6), 0);
	CHECK(!strcmp(k4actl_cap_depth_word(0), "off"));
	CHECK(!strcmp(k4actl_cap_depth_word(3), "wfov_2x2binned"));

	CHECK_EQ(k4actl_cap_serials_parse("000123456701", s, 4, &n), 0);
	CHECK_EQ(n, 1);
	CHECK(!strcmp(s[0], "000123456701"));
	CHECK_EQ(k4actl_cap_serials_parse("a,b,c", s, 4, &n), 0);
	CHECK_EQ(n, 3);
	CHECK(!strcmp(s[2], "c"));
	CHECK_EQ(k4actl_cap_serials_parse("a,b,c,d,e", s, 4, &n), -E2BIG);
	CHECK_EQ(k4actl_cap_serials_parse("", s, 4, &n), -EINVAL);
	CHECK_EQ(k4actl_cap_serials_parse("a,", s, 4, &n), -EINVAL);
	CHECK_EQ(k4actl_cap_serials_parse(",a", s, 4, &n), -EINVAL);
	CHECK_EQ(k4actl_cap_serials_parse("a,b,a", s, 4, &n), -EINVAL);
	CHECK_EQ(k4actl_cap_serials_parse("12345678901234567890123456", s, 4, &n), -EINVAL);
}

/*
 * A simulated rig: unit u's colour frame of pulse k starts at
 * T0 + k * P + sub[u] (+ jitter), its depth frame dd[u] later (+ an offset
 * like the one between the colour and the depth exposure); frames arrive
 * after a latency of their own and are fed to the grouping in arrival order.
 */
#define SIM_MAX		2048
#define T0_NS		1000000000000ll

struct sim_ev {
	s64 arrive;
	struct k4actl_cap_frame f;
	int pulse;
};

struct sim {
	unsigned int n;
	s64 period;
	s64 sub[K4ACTL_MAX_UNITS];
	s64 dd[K4ACTL_MAX_UNITS];
	struct sim_ev ev[SIM_MAX];
	unsigned int nev;
	/* results */
	unsigned int sets, complete;
	int set_pulse[SIM_MAX];
	bool set_complete[SIM_MAX];
	bool set_consistent[SIM_MAX];
	s64 set_spread[SIM_MAX];
	unsigned int drops;
	struct k4actl_match *m;
};

static u32 sim_rand_state = 12345;

static u32 sim_rand(void)
{
	sim_rand_state = sim_rand_state * 1103515245u + 12345u;
	return sim_rand_state >> 8;
}

static int sim_ev_cmp(const void *a, const void *b)
{
	const struct sim_ev *x = a, *y = b;

	return x->arrive < y->arrive ? -1 : x->arrive > y->arrive;
}

/* Pulse number a frame of the simulation came from: kept in the top of ts. */
static int sim_pulse_of(const struct sim *s, const struct k4actl_cap_frame *f)
{
	s64 base = f->ts_ns - T0_NS - s->sub[f->unit] -
		   (f->stream == K4ACTL_CAP_DEPTH ? s->dd[f->unit] + 2000000 : 0);

	return (int)((base + s->period / 2) / s->period);
}

static void sim_set_done(void *ctx, const struct k4actl_cap_set *set, bool complete)
{
	struct sim *s = ctx;
	unsigned int u, k;
	int pulse = -1;
	bool same = true;

	for (u = 0; u < s->n; u++) {
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++) {
			int p;

			if (!set->have[u][k])
				continue;
			p = sim_pulse_of(s, &set->f[u][k]);
			if (pulse < 0)
				pulse = p;
			else if (p != pulse)
				same = false;
		}
	}
	if (s->sets < SIM_MAX) {
		s->set_pulse[s->sets] = pulse;
		s->set_complete[s->sets] = complete;
		s->set_consistent[s->sets] = same;
		s->set_spread[s->sets] = k4actl_set_spread_ns(s->m, set);
	}
	s->sets++;
	s->complete += complete;
}

static void sim_drop(void *ctx, const struct k4actl_cap_frame *f)
{
	struct sim *s = ctx;

	(void)f;
	s->drops++;
}

static void sim_init(struct sim *s, struct k4actl_match *m, unsigned int n, u32 fps,
		     bool depth)
{
	unsigned int u;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->period = 1000000000ll / fps;
	s->m = m;
	for (u = 0; u < n; u++) {
		s->sub[u] = 0;
		s->dd[u] = (s64)u * 166667;
	}
	k4actl_match_init(m, n, depth, s->period);
	m->set_done = sim_set_done;
	m->frame_drop = sim_drop;
	m->ctx = s;
}

static void sim_delays(struct sim *s)
{
	unsigned int u;

	for (u = 0; u < s->n; u++) {
		s->m->delay_ns[u][K4ACTL_CAP_COLOR] = s->sub[u];
		s->m->delay_ns[u][K4ACTL_CAP_DEPTH] = s->sub[u] + s->dd[u];
	}
}

/* Frame of pulse @k of unit @u, stream @st; @lat_ns: its latency. */
static void sim_frame(struct sim *s, unsigned int u, unsigned int st, int k, s64 jitter_ns,
		      s64 lat_ns)
{
	struct sim_ev *e = &s->ev[s->nev++];
	s64 ts = T0_NS + (s64)k * s->period + s->sub[u] + jitter_ns;

	if (st == K4ACTL_CAP_DEPTH)
		ts += s->dd[u] + 2000000;
	memset(e, 0, sizeof(*e));
	e->f.unit = u;
	e->f.stream = st;
	e->f.seq = (u32)k;
	e->f.ts_ns = ts;
	e->arrive = ts + lat_ns;
	e->pulse = k;
}

static s64 sim_jitter(s64 max_ns)
{
	return (s64)(sim_rand() % (u32)(2 * max_ns + 1)) - max_ns;
}

static void sim_run(struct sim *s)
{
	unsigned int i;

	qsort(s->ev, s->nev, sizeof(s->ev[0]), sim_ev_cmp);
	for (i = 0; i < s->nev; i++) {
		/* every unit runs in step once its first frames are through */
		if (i == s->nev / 8)
			s->m->ready = true;
		k4actl_match_add(s->m, &s->ev[i].f);
	}
}

/* Three units, delays, jitter, latencies up to several frame periods. */
static void t_match_rig(void)
{
	static struct k4actl_match m;
	static struct sim s;
	unsigned int u, i, bad = 0;
	int k;

	sim_init(&s, &m, 3, 30, true);
	s.sub[1] = 0;
	s.sub[2] = 5000000;	/* a subordinate delayed by 5 ms */
	sim_delays(&s);
	for (k = 0; k < 200; k++) {
		for (u = 0; u < 3; u++) {
			sim_frame(&s, u, K4ACTL_CAP_COLOR, k, sim_jitter(40000),
				  30000000 + (s64)(sim_rand() % 40000000));
			sim_frame(&s, u, K4ACTL_CAP_DEPTH, k, sim_jitter(40000),
				  20000000 + (s64)(sim_rand() % 70000000));
		}
	}
	sim_run(&s);
	k4actl_match_flush(&m);
	CHECK_EQ(s.sets, 200);
	/* the sets before ready are not recorded: complete only after them */
	CHECK_EQ(s.complete + m.startup, 200);
	CHECK_EQ(s.complete, m.complete);
	CHECK_EQ(s.drops, 0);
	for (i = 0; i < s.sets && i < SIM_MAX; i++) {
		if (!s.set_consistent[i] || s.set_pulse[i] != (int)i)
			bad++;
		if (s.set_spread[i] > 80000)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(m.incomplete, 0);
	CHECK_EQ(m.unmatched, 0);
	CHECK_EQ(k4actl_match_gaps(&m), 0);
	CHECK_EQ(m.complete + m.startup, 200);
	CHECK(m.startup > 0);	/* the sets before ready */
}

/* Frames of one pulse lost: the set is incomplete, no frame lands elsewhere. */
static void t_match_losses(void)
{
	static struct k4actl_match m;
	static struct sim s;
	unsigned int u, i, bad = 0;
	int k;

	sim_init(&s, &m, 3, 15, true);
	sim_delays(&s);
	for (k = 0; k < 100; k++) {
		for (u = 0; u < 3; u++) {
			if (!(u == 2 && k == 50))	/* a dropped colour frame */
				sim_frame(&s, u, K4ACTL_CAP_COLOR, k, sim_jitter(100000),
					  10000000 + (s64)(sim_rand() % 60000000));
			if (!(u == 1 && (k == 60 || k == 61)))	/* two dropped depth frames */
				sim_frame(&s, u, K4ACTL_CAP_DEPTH, k, sim_jitter(100000),
					  40000000 + (s64)(sim_rand() % 60000000));
		}
	}
	/* the master's colour frame of pulse 70 is lost: its set does not exist */
	for (i = 0; i < s.nev; i++)
		if (s.ev[i].f.unit == 0 && s.ev[i].f.stream == K4ACTL_CAP_COLOR &&
		    s.ev[i].pulse == 70)
			s.ev[i] = s.ev[--s.nev];
	sim_run(&s);
	k4actl_match_flush(&m);
	CHECK_EQ(s.sets, 99);
	for (i = 0; i < s.sets && i < SIM_MAX; i++) {
		bool lost = s.set_pulse[i] == 50 || s.set_pulse[i] == 60 || s.set_pulse[i] == 61;
		bool start = i < m.startup;

		if (!s.set_consistent[i] || s.set_complete[i] == (lost || start) ||
		    s.set_pulse[i] == 70)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(m.startup > 0 && m.startup < 50);
	CHECK_EQ(s.complete + m.startup, 96);
	CHECK_EQ(m.incomplete, 3);
	CHECK_EQ(m.unmatched, 5);	/* pulse 70: 2 colour, 3 depth frames */
	CHECK_EQ(s.drops, 5);
	CHECK_EQ(m.node[2][K4ACTL_CAP_COLOR].gaps, 1);
	CHECK_EQ(m.node[1][K4ACTL_CAP_DEPTH].gaps, 2);
	CHECK_EQ(m.node[0][K4ACTL_CAP_COLOR].gaps, 1);
	CHECK_EQ(k4actl_match_gaps(&m), 4);
}

/* A unit that starts late: the sets before it are the start, not losses. */
static void t_match_late_start(void)
{
	static struct k4actl_match m;
	static struct sim s;
	unsigned int u, i;
	int k;

	sim_init(&s, &m, 2, 5, false);
	sim_delays(&s);
	for (k = 0; k < 40; k++)
		for (u = 0; u < 2; u++)
			if (u == 0 || k >= 10)
				sim_frame(&s, u, K4ACTL_CAP_COLOR, k, 0, 50000000);
	qsort(s.ev, s.nev, sizeof(s.ev[0]), sim_ev_cmp);
	for (i = 0; i < s.nev; i++) {
		if (s.ev[i].f.unit == 1)
			m.ready = true;
		k4actl_match_add(&m, &s.ev[i].f);
	}
	k4actl_match_flush(&m);
	CHECK_EQ(s.sets, 40);
	CHECK_EQ(s.complete, 30);
	CHECK_EQ(m.startup, 10);
	CHECK_EQ(m.incomplete, 0);
	CHECK_EQ(m.complete, 30);
	CHECK_EQ(m.unmatched, 0);
	CHECK(m.started);
}

/* Frames of other units ahead of their set's reference frame wait for it. */
static void t_match_ahead(void)
{
	static struct k4actl_match m;
	static struct sim s;
	unsigned int i;
	int k;

	sim_init(&s, &m, 2, 30, true);
	sim_delays(&s);
	m.ready = true;
	for (k = 0; k < 50; k++) {
		sim_frame(&s, 0, K4ACTL_CAP_COLOR, k, 0, 100000000);	/* 3 periods late */
		sim_frame(&s, 0, K4ACTL_CAP_DEPTH, k, 0, 1000000);
		sim_frame(&s, 1, K4ACTL_CAP_COLOR, k, 0, 1000000);
		sim_frame(&s, 1, K4ACTL_CAP_DEPTH, k, 0, 2000000);
	}
	sim_run(&s);
	m.ready = true;
	k4actl_match_flush(&m);
	CHECK_EQ(s.sets, 50);
	CHECK_EQ(s.complete, 50);
	for (i = 0; i < 50; i++)
		CHECK(s.set_consistent[i] && s.set_pulse[i] == (int)i);
	CHECK_EQ(m.unmatched, 0);
	CHECK_EQ(s.drops, 0);
}

/* A unit that never delivers: sets are made final by the window, incomplete. */
static void t_match_silent_unit(void)
{
	static struct k4actl_match m;
	static struct sim s;
	int k;

	sim_init(&s, &m, 2, 30, false);
	sim_delays(&s);
	m.ready = true;
	for (k = 0; k < 100; k++)
		sim_frame(&s, 0, K4ACTL_CAP_COLOR, k, 0, 1000000);
	sim_run(&s);
	CHECK_EQ(s.sets, 100 - K4ACTL_CAP_WINDOW);
	CHECK_EQ(s.complete, 0);
	CHECK_EQ(m.count, K4ACTL_CAP_WINDOW);
	CHECK(!m.started);
	CHECK_EQ(m.startup, 100 - K4ACTL_CAP_WINDOW);
	k4actl_match_flush(&m);
	CHECK_EQ(s.sets, 100);
	CHECK_EQ(m.tail, K4ACTL_CAP_WINDOW);
	CHECK_EQ(m.count, 0);
}

/* A frame half a period off every set belongs to none; a second one for a place too. */
static void t_match_edges(void)
{
	static struct k4actl_match m;
	static struct sim s;
	struct k4actl_cap_frame f = { 0 };

	sim_init(&s, &m, 2, 30, false);
	sim_delays(&s);
	m.ready = true;
	f.unit = 0;
	f.ts_ns = T0_NS;
	k4actl_match_add(&m, &f);
	f.unit = 1;
	f.ts_ns = T0_NS + 100;
	k4actl_match_add(&m, &f);	/* completes set 0 */
	CHECK_EQ(s.complete, 1);
	CHECK(m.started);
	f.unit = 0;
	f.seq = 1;
	f.ts_ns = T0_NS + s.period;
	k4actl_match_add(&m, &f);
	f.unit = 1;
	f.seq = 1;
	f.ts_ns = T0_NS + s.period - s.period / 2 - 1000;	/* between the two sets */
	k4actl_match_add(&m, &f);
	CHECK_EQ(m.unmatched, 1);
	f.seq = 2;
	f.ts_ns = T0_NS + s.period + 10;
	k4actl_match_add(&m, &f);
	CHECK_EQ(s.complete, 2);
	CHECK_EQ(m.node[1][K4ACTL_CAP_COLOR].gaps, 0);
	f.seq = 3;
	f.ts_ns = T0_NS + s.period + 20;	/* a second frame for set 1: no set left */
	k4actl_match_add(&m, &f);
	CHECK_EQ(m.unmatched, 2);
	CHECK_EQ(s.drops, 2);
}

static void t_spread(void)
{
	s64 v[200];
	struct k4actl_spread st;
	unsigned int i;

	k4actl_spread_stats(v, 0, &st);
	CHECK_EQ(st.n, 0);
	CHECK_EQ(st.max_ns, 0);
	v[0] = 7;
	k4actl_spread_stats(v, 1, &st);
	CHECK(st.p50_ns == 7 && st.p99_ns == 7 && st.max_ns == 7);
	for (i = 0; i < 200; i++)
		v[i] = (s64)((i * 37) % 200) * 10;	/* 0, 10, ..., 1990 shuffled */
	k4actl_spread_stats(v, 200, &st);
	CHECK_EQ(st.p50_ns, 990);	/* rank 100 */
	CHECK_EQ(st.p99_ns, 1970);	/* rank 198 */
	CHECK_EQ(st.max_ns, 1990);
	for (i = 1; i < 200; i++)
		CHECK(v[i - 1] <= v[i]);
}

static void t_csv(void)
{
	static const char *const serials[] = { "S0", "S1" };
	struct k4actl_cap_cell c[2][K4ACTL_CAP_STREAMS];
	struct k4actl_cap_unit_info info[2] = {
		{ "k4a0", "S0", "master", 0, 0 },
		{ "k4a1", "S1", "subordinate", 0, 167 },
	};
	struct k4actl_cap_color col = { K4A_COLOR_MJPG, 1280, 720 };
	struct k4a_out o;
	char *s, line[200];

	k4actl_cap_csv_header(k4a_out_open(&o), serials, 2, true);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "set,S0_color_seq,S0_color_ticks,S0_color_ts_ns,S0_depth_seq,"
		      "S0_depth_ticks,S0_depth_ts_ns,S0_color_arrival_ns,S0_color_clock_err_ns,"
		      "S1_color_seq,S1_color_ticks,S1_color_ts_ns,S1_depth_seq,S1_depth_ticks,"
		      "S1_depth_ts_ns,S1_color_arrival_ns,S1_color_clock_err_ns\n"));
	free(s);
	k4actl_cap_csv_header(k4a_out_open(&o), serials, 1, false);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "set,S0_color_seq,S0_color_ticks,S0_color_ts_ns,S0_color_arrival_ns,"
		      "S0_color_clock_err_ns\n"));
	free(s);

	memset(c, 0, sizeof(c));
	c[0][0] = (struct k4actl_cap_cell){ true, 5, 1000, true, 90000, 1500, 20 };
	c[0][1] = (struct k4actl_cap_cell){ true, 4, 1200, true, 90010, 0, 0 };
	c[1][0] = (struct k4actl_cap_cell){ true, 7, 1001, false, 0, 0, 0 };
	k4actl_cap_csv_row(k4a_out_open(&o), 3, c, 2, true);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "3,5,90000,1000,4,90010,1200,1500,20,7,,1001,,,,,\n"));
	free(s);
	k4actl_cap_csv_row(k4a_out_open(&o), 0, c, 1, false);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "0,5,90000,1000,1500,20\n"));
	free(s);

	k4actl_cap_units_csv(k4a_out_open(&o), info, 2, &col, 5, 1);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "unit,serial,role,subordinate_delay_us,depth_delay_us,color_format,fps,"
		      "depth_mode\n"
		      "k4a0,S0,master,0,0,mjpg:1280x720,5,nfov_2x2binned\n"
		      "k4a1,S1,subordinate,0,167,mjpg:1280x720,5,nfov_2x2binned\n"));
	free(s);

	k4actl_cap_progress(line, sizeof(line), 120, 300, 3, 0, 2);
	CHECK(!strcmp(line, "capture: 120/300 sets, 3 units, 0 incomplete, 2 gaps"));
	k4actl_cap_progress(line, sizeof(line), 1, 1, 1, 0, 0);
	CHECK(!strcmp(line, "capture: 1/1 sets, 1 unit, 0 incomplete, 0 gaps"));
}

int main(void)
{
	RUN(t_args);
	RUN(t_args_errors);
	RUN(t_words);
	RUN(t_match_rig);
	RUN(t_match_losses);
	RUN(t_match_late_start);
	RUN(t_match_ahead);
	RUN(t_match_silent_unit);
	RUN(t_match_edges);
	RUN(t_spread);
	RUN(t_csv);
	return k4a_test_done();
}
