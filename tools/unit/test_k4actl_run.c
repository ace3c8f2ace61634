// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/order.c and userspace/health.c: what k4actl
 * start waits for and says when a unit does not get there, the order in
 * which stop signals, the status table and JSON, and what watch derives
 * from two readings (frame rates, deltas, folding, the frame period, the
 * spread of a frame set).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "health.h"
#include "k4a_test.h"
#include "order.h"

#define MS	1000000LL
#define P30	(1000000000LL / 30)
#define P5	(1000000000LL / 5)

static void t_sst_words(void)
{
	CHECK_EQ(k4actl_sst_from_word("idle"), K4ACTL_SST_IDLE);
	CHECK_EQ(k4actl_sst_from_word("armed"), K4ACTL_SST_ARMED);
	CHECK_EQ(k4actl_sst_from_word("streaming"), K4ACTL_SST_STREAMING);
	CHECK_EQ(k4actl_sst_from_word("locked"), K4ACTL_SST_LOCKED);
	CHECK_EQ(k4actl_sst_from_word("lost"), K4ACTL_SST_LOST);
	CHECK_EQ(k4actl_sst_from_word("Locked"), K4ACTL_SST_UNKNOWN);
	CHECK_EQ(k4actl_sst_from_word(""), K4ACTL_SST_UNKNOWN);
	CHECK_EQ(k4actl_sst_from_word("gone"), K4ACTL_SST_UNKNOWN);
	CHECK(!strcmp(k4actl_sst_word(K4ACTL_SST_GONE), "gone"));
	CHECK(!strcmp(k4actl_sst_word(K4ACTL_SST_UNKNOWN), "?"));
	CHECK(!strcmp(k4actl_sst_word(K4ACTL_SST_LOCKED), "locked"));
	CHECK(!strcmp(k4actl_sst_word((enum k4actl_sst)99), "?"));
}

static void t_reached(void)
{
	enum k4actl_sst st;

	/* arming: master held (armed), subordinate armed or already locked */
	for (st = K4ACTL_SST_UNKNOWN; st <= K4ACTL_SST_GONE; st++) {
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_MASTER, K4ACTL_PHASE_ARM, st),
			 st == K4ACTL_SST_ARMED);
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_SUBORDINATE, K4ACTL_PHASE_ARM, st),
			 st == K4ACTL_SST_ARMED || st == K4ACTL_SST_LOCKED);
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_STANDALONE, K4ACTL_PHASE_ARM, st),
			 st == K4ACTL_SST_STREAMING);
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_MASTER, K4ACTL_PHASE_LOCK, st),
			 st == K4ACTL_SST_STREAMING);
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_SUBORDINATE, K4ACTL_PHASE_LOCK, st),
			 st == K4ACTL_SST_LOCKED);
		CHECK_EQ(k4actl_run_reached(K4A_SYNC_STANDALONE, K4ACTL_PHASE_LOCK, st),
			 st == K4ACTL_SST_STREAMING);
	}
}

static void rig(struct k4actl_run_unit *u, enum k4actl_sst m, enum k4actl_sst s1,
		enum k4actl_sst s2)
{
	static const char *const names[] = { "k4a0", "k4a1", "k4a2" };
	static const char *const serials[] = { "000123456700", "000123456701", "000123456702" };
	static const char *const colors[] = { "/dev/video0", "/dev/video4", "" };
	enum k4actl_sst st[] = { m, s1, s2 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u[i].name = names[i];
		u[i].serial = serials[i];
		u[i].role = i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER;
		u[i].st = st[i];
		u[i].color = colors[i];
		u[i].sync_in = i ? "connected" : "disconnected";
		u[i].state = NULL;
		u[i].depth_delay_us = 0;
	}
}

static char *diagnose(const struct k4actl_run_unit *u, unsigned int n, enum k4actl_phase ph)
{
	struct k4a_out o;

	k4actl_run_diagnose(k4a_out_open(&o), u, n, ph);
	return k4a_out_text(&o);
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static unsigned int lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void t_all_reached(void)
{
	struct k4actl_run_unit u[3];

	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED);
	CHECK(k4actl_run_all_reached(u, 3, K4ACTL_PHASE_ARM));
	CHECK(!k4actl_run_all_reached(u, 3, K4ACTL_PHASE_LOCK));
	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_IDLE);
	CHECK(!k4actl_run_all_reached(u, 3, K4ACTL_PHASE_ARM));
	rig(u, K4ACTL_SST_IDLE, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED);
	CHECK(!k4actl_run_all_reached(u, 3, K4ACTL_PHASE_ARM));
	rig(u, K4ACTL_SST_STREAMING, K4ACTL_SST_LOCKED, K4ACTL_SST_LOCKED);
	CHECK(k4actl_run_all_reached(u, 3, K4ACTL_PHASE_LOCK));
	CHECK(!k4actl_run_all_reached(u, 3, K4ACTL_PHASE_ARM));
	rig(u, K4ACTL_SST_STREAMING, K4ACTL_SST_LOCKED, K4ACTL_SST_GONE);
	CHECK(!k4actl_run_all_reached(u, 3, K4ACTL_PHASE_LOCK));
	CHECK(k4actl_run_all_reached(u, 0, K4ACTL_PHASE_LOCK));
}

static void t_diagnose_arm(void)
{
	struct k4actl_run_unit u[3];
	char *s;

	/* a subordinate whose application never started */
	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_IDLE);
	s = diagnose(u, 3, K4ACTL_PHASE_ARM);
	CHECK_EQ(lines(s), 1);
	CHECK(strstr(s, "  000123456702 (k4a2, subordinate) is idle: no application streams "
		     "it: start it (e.g. v4l2-ctl -d /dev/videoN --stream-mmap)\n"));
	CHECK(!strstr(s, "000123456701"));
	free(s);

	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_IDLE, K4ACTL_SST_ARMED);
	s = diagnose(u, 3, K4ACTL_PHASE_ARM);
	CHECK(strstr(s, "000123456701 (k4a1, subordinate) is idle: no application streams it: "
		     "start it (e.g. v4l2-ctl -d /dev/video4 --stream-mmap)"));
	free(s);

	/* the master's application not started */
	rig(u, K4ACTL_SST_IDLE, K4ACTL_SST_ARMED, K4ACTL_SST_LOCKED);
	s = diagnose(u, 3, K4ACTL_PHASE_ARM);
	CHECK_EQ(lines(s), 1);
	CHECK(strstr(s, "000123456700 (k4a0, master) is idle: start the master's application; "
		     "its streams wait behind the start gate (e.g. v4l2-ctl -d /dev/video0"));
	free(s);

	/* gone and lost say so */
	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_GONE, K4ACTL_SST_LOST);
	s = diagnose(u, 3, K4ACTL_PHASE_ARM);
	CHECK_EQ(lines(s), 2);
	CHECK(strstr(s, "000123456701 (k4a1, subordinate) is gone: it went away (unplugged?)"));
	CHECK(strstr(s, "000123456702 (k4a2, subordinate) is lost: state lost"));
	CHECK(strstr(s, "sync_in_jack reads connected"));
	free(s);

	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED);
	s = diagnose(u, 3, K4ACTL_PHASE_ARM);
	CHECK(!s[0]);
	free(s);
}

static void t_diagnose_lock(void)
{
	struct k4actl_run_unit u[3];
	char *s;

	/* a subordinate without pulses: the cable or the master's colour */
	rig(u, K4ACTL_SST_STREAMING, K4ACTL_SST_LOCKED, K4ACTL_SST_ARMED);
	u[2].sync_in = "disconnected";
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK_EQ(lines(s), 1);
	CHECK(strstr(s, "000123456702 (k4a2, subordinate) is armed: no pulses from the master: "
		     "check the sync cable into its Sync In (sync_in_jack reads disconnected) "
		     "and that the master streams colour\n"));
	free(s);

	/* the master armed with its gate open: no colour stream */
	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED);
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK_EQ(lines(s), 3);
	CHECK(strstr(s, "000123456700 (k4a0, master) is armed: its colour stream does not run"));
	CHECK(strstr(s, "stream /dev/video0 too"));
	free(s);

	/* the master's application ended */
	rig(u, K4ACTL_SST_IDLE, K4ACTL_SST_LOST, K4ACTL_SST_LOCKED);
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK_EQ(lines(s), 2);
	CHECK(strstr(s, "(k4a0, master) is idle: no application streams it"));
	CHECK(strstr(s, "(k4a1, subordinate) is lost: state lost: its frames came, then stopped"));
	free(s);

	/* no master: an external source */
	rig(u, K4ACTL_SST_LOCKED, K4ACTL_SST_ARMED, K4ACTL_SST_LOCKED);
	u[0].role = K4A_SYNC_SUBORDINATE;
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK_EQ(lines(s), 1);
	CHECK(strstr(s, "no pulses from the sync source"));
	free(s);

	/* a standalone unit that does not stream */
	rig(u, K4ACTL_SST_IDLE, K4ACTL_SST_LOCKED, K4ACTL_SST_LOCKED);
	u[0].role = K4A_SYNC_STANDALONE;
	s = diagnose(u, 1, K4ACTL_PHASE_LOCK);
	CHECK(strstr(s, "(k4a0, standalone) is idle: no application streams it: start it"));
	free(s);
	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_LOCKED, K4ACTL_SST_LOCKED);
	u[0].role = K4A_SYNC_STANDALONE;
	s = diagnose(u, 1, K4ACTL_PHASE_LOCK);
	CHECK(strstr(s, "a stream it needs does not run"));
	free(s);

	/* a depth delay with one of the two streams: not the cable */
	rig(u, K4ACTL_SST_STREAMING, K4ACTL_SST_LOCKED, K4ACTL_SST_ARMED);
	u[2].state = "armed";
	u[2].depth_delay_us = 333;
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK(strstr(s, "(k4a2, subordinate) is armed: only one of its colour and depth streams "
		     "runs, and its depth delay (333 us) is measured between them: start the "
		     "other too\n"));
	free(s);
	u[2].state = "streaming";
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK(strstr(s, "no pulses from the master"));
	free(s);

	rig(u, K4ACTL_SST_UNKNOWN, K4ACTL_SST_LOCKED, K4ACTL_SST_LOCKED);
	s = diagnose(u, 3, K4ACTL_PHASE_LOCK);
	CHECK(strstr(s, "is ?: its sync_state cannot be read"));
	free(s);
}

static void t_change_line(void)
{
	struct k4actl_run_unit u[3];
	struct k4a_out o;
	char *s;

	rig(u, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED, K4ACTL_SST_ARMED);
	k4actl_run_print_change(k4a_out_open(&o), 0.838, &u[2], K4ACTL_SST_IDLE);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "  +0.84 s  000123456702 subordinate: idle -> armed\n"));
	free(s);
	u[0].st = K4ACTL_SST_STREAMING;
	k4actl_run_print_change(k4a_out_open(&o), 12.5, &u[0], K4ACTL_SST_ARMED);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "  +12.50 s  000123456700 master: armed -> streaming\n"));
	free(s);
}

static void t_stop_order(void)
{
	struct k4actl_holder h[4] = {
		{ .pid = 300, .units = 1u << 2 },
		{ .pid = 100, .units = 1u << 1 },
		{ .pid = 500, .units = 1u << 0 },
		{ .pid = 200, .units = (1u << 0) | (1u << 1) },
	};
	int role[K4ACTL_MAX_UNITS] = {
		K4A_SYNC_MASTER, K4A_SYNC_SUBORDINATE, K4A_SYNC_SUBORDINATE,
	};

	k4actl_stop_order(h, 4, role);
	CHECK_EQ(h[0].pid, 200);
	CHECK(h[0].master);
	CHECK_EQ(h[1].pid, 500);
	CHECK(h[1].master);
	CHECK_EQ(h[2].pid, 100);
	CHECK(!h[2].master);
	CHECK_EQ(h[3].pid, 300);
	CHECK(!h[3].master);
	/* unit 31 is a unit like any other */
	h[0].units = 1u << 31;
	role[31] = K4A_SYNC_MASTER;
	k4actl_stop_order(h, 1, role);
	CHECK(h[0].master);
	k4actl_stop_order(h, 0, role);
}

static void t_num_parse(void)
{
	struct k4actl_num n;

	k4actl_num_parse(&n, "42", 0);
	CHECK_EQ(n.err, 0);
	CHECK_EQ(n.v, 42);
	k4actl_num_parse(&n, "-1500", 0);
	CHECK_EQ(n.err, 0);
	CHECK_EQ(n.v, -1500);
	k4actl_num_parse(&n, "1234567890123456789\n", 0);
	CHECK_EQ(n.err, 0);
	CHECK_EQ(n.v, 1234567890123456789LL);
	k4actl_num_parse(&n, "", 0);
	CHECK_EQ(n.err, EPROTO);
	k4actl_num_parse(&n, "x1", 0);
	CHECK_EQ(n.err, EPROTO);
	k4actl_num_parse(&n, "12 34", 0);
	CHECK_EQ(n.err, EPROTO);
	k4actl_num_parse(&n, "-", 0);
	CHECK_EQ(n.err, EPROTO);
	k4actl_num_parse(&n, "99999999999999999999", 0);
	CHECK_EQ(n.err, EPROTO);
	k4actl_num_parse(&n, "7", ENODATA);
	CHECK_EQ(n.err, ENODATA);
	CHECK_EQ(n.v, 0);
	CHECK(!strcmp(k4actl_live_json_key("health/color_frames"), "color_frames"));
	CHECK(!strcmp(k4actl_live_json_key("clock/error_ns"), "clock_error_ns"));
	CHECK(!strcmp(k4actl_live_json_key("sync_state"), "sync_state"));
}

static void t_fold(void)
{
	CHECK_EQ(k4actl_fold(0, P30), 0);
	CHECK_EQ(k4actl_fold(100, P30), 100);
	CHECK_EQ(k4actl_fold(-100, P30), -100);
	/* a unit one frame ahead or behind */
	CHECK_EQ(k4actl_fold(P30 + 250, P30), 250);
	CHECK_EQ(k4actl_fold(-P30 - 250, P30), -250);
	CHECK_EQ(k4actl_fold(-P30 + 250, P30), 250);
	CHECK_EQ(k4actl_fold(3 * P5 - 7, P5), -7);
	/* (-P/2, P/2] */
	CHECK_EQ(k4actl_fold(100, 200), 100);
	CHECK_EQ(k4actl_fold(-100, 200), 100);
	CHECK_EQ(k4actl_fold(101, 200), -99);
	CHECK_EQ(k4actl_fold(-99, 200), -99);
}

static void t_period_guess(void)
{
	s64 d[8] = { 0 };

	CHECK_EQ(k4actl_period_guess(d, 0), 0);
	d[0] = -5;
	d[1] = 0;
	CHECK_EQ(k4actl_period_guess(d, 2), 0);
	/* jittery 5 fps steps */
	d[0] = 199 * MS;
	d[1] = 201 * MS;
	d[2] = 200 * MS;
	CHECK_EQ(k4actl_period_guess(d, 3), P5);
	/* 30 fps, one reading that spans two frames */
	d[0] = 33 * MS;
	d[1] = 34 * MS;
	d[2] = 67 * MS;
	d[3] = 33 * MS;
	CHECK_EQ(k4actl_period_guess(d, 4), P30);
	d[0] = 66 * MS;
	d[1] = 67 * MS;
	d[2] = 133 * MS;
	CHECK_EQ(k4actl_period_guess(d, 3), 1000000000LL / 15);
}

/* A reading of a master and two subordinates, all streaming. */
static void live_rig(struct k4actl_live *l, s64 t_ns)
{
	unsigned int i, k;

	memset(l, 0, sizeof(*l) * 3);
	for (i = 0; i < 3; i++) {
		snprintf(l[i].name, sizeof(l[i].name), "k4a%u", i);
		snprintf(l[i].text[K4ACTL_L_SERIAL], 64, "00012345670%u", i);
		snprintf(l[i].text[K4ACTL_L_SYNC_MODE], 64, i ? "subordinate" : "master");
		snprintf(l[i].text[K4ACTL_L_SYNC_STATE], 64, i ? "locked" : "streaming");
		snprintf(l[i].text[K4ACTL_L_START_GATE], 64, "open");
		/* a daisy chain */
		snprintf(l[i].text[K4ACTL_L_SYNC_IN], 64, i ? "connected" : "disconnected");
		snprintf(l[i].text[K4ACTL_L_SYNC_OUT], 64, i < 2 ? "connected" : "disconnected");
		for (k = 0; k < K4ACTL_L_NUM_COUNT; k++)
			l[i].num[k].v = 0;
		l[i].num[K4ACTL_L_COLOR_FRAMES].v = 100;
		l[i].num[K4ACTL_L_DEPTH_FRAMES].v = 50;
		l[i].num[K4ACTL_L_CLOCK_LOCKED].v = 1;
		l[i].num[K4ACTL_L_CLOCK_SHARED].v = 0;
		l[i].num[K4ACTL_L_CLOCK_ERROR_NS].v = 12345;
		l[i].num[K4ACTL_L_RATE_ERROR_PPB].v = -2500;
		l[i].num[K4ACTL_L_FRAME_OFFSET_NS].v = 800;
		l[i].num[K4ACTL_L_COLOR_SOE_NS].v = 1000 * P5;
		l[i].t_ns = t_ns;
	}
}

static void t_rates(void)
{
	struct k4actl_live a[3], b[3];
	long long d;
	double fps;

	live_rig(a, 10 * 1000 * MS);
	live_rig(b, 12 * 1000 * MS);
	b[0].num[K4ACTL_L_COLOR_FRAMES].v = 160;
	b[0].num[K4ACTL_L_COLOR_DROPPED].v = 2;
	CHECK(k4actl_rate(&a[0], &b[0], K4ACTL_L_COLOR_FRAMES, &fps));
	CHECK(fps > 29.99 && fps < 30.01);
	CHECK(k4actl_delta(&a[0], &b[0], K4ACTL_L_COLOR_DROPPED, &d));
	CHECK_EQ(d, 2);
	CHECK(k4actl_rate(&a[0], &b[0], K4ACTL_L_DEPTH_FRAMES, &fps));
	CHECK(fps == 0);
	/* a stream that started again counts from 0 */
	b[1].num[K4ACTL_L_COLOR_FRAMES].v = 10;
	CHECK(k4actl_rate(&a[1], &b[1], K4ACTL_L_COLOR_FRAMES, &fps));
	CHECK(fps > 4.99 && fps < 5.01);
	/* nothing to compare with */
	CHECK(!k4actl_rate(NULL, &b[0], K4ACTL_L_COLOR_FRAMES, &fps));
	b[2].num[K4ACTL_L_COLOR_FRAMES].err = EIO;
	CHECK(!k4actl_rate(&a[2], &b[2], K4ACTL_L_COLOR_FRAMES, &fps));
	b[2].gone = true;
	CHECK(!k4actl_delta(&a[2], &b[2], K4ACTL_L_COLOR_GAPS, &d));
	CHECK(!k4actl_rate(&a[0], &a[0], K4ACTL_L_COLOR_FRAMES, &fps));
}

static void t_spread(void)
{
	struct k4actl_watch w = {
		.spread_ns = K4ACTL_SPREAD_NONE,
		.worst_ns = K4ACTL_SPREAD_NONE,
		.period_ns = P5,
	};
	struct k4actl_live l[3];
	s64 off[3];
	bool have[3];
	s64 m;

	live_rig(l, 0);
	m = l[0].num[K4ACTL_L_COLOR_SOE_NS].v;
	/* unit 1: 120 us late; unit 2: a frame ahead and 80 us early, with a 1000 us delay */
	l[1].num[K4ACTL_L_COLOR_SOE_NS].v = m + 120000;
	l[2].num[K4ACTL_L_SUB_DELAY_US].v = 1000;
	l[2].num[K4ACTL_L_COLOR_SOE_NS].v = m + P5 + 1000000 - 80000;
	CHECK_EQ(k4actl_offsets(l, 3, 0, P5, off, have), 2);
	CHECK(have[0] && have[1] && have[2]);
	CHECK_EQ(off[0], 0);
	CHECK_EQ(off[1], 120000);
	CHECK_EQ(off[2], -80000);
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK_EQ(w.spread_ns, 200000);
	CHECK_EQ(w.worst_ns, 200000);
	CHECK_EQ(w.refreshes, 1);

	/* both late: the master's 0 is the smallest */
	l[1].num[K4ACTL_L_COLOR_SOE_NS].v = m + 30000;
	l[2].num[K4ACTL_L_COLOR_SOE_NS].v = m - P5 + 1000000 + 50000;
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK_EQ(w.spread_ns, 50000);
	CHECK_EQ(w.worst_ns, 200000);

	/* a subordinate not locked has no offset */
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK(!have[2]);
	CHECK_EQ(w.spread_ns, 30000);
	/* nor one without color_soe_ns (an older driver) */
	l[1].num[K4ACTL_L_COLOR_SOE_NS].err = ENOENT;
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK_EQ(w.spread_ns, K4ACTL_SPREAD_NONE);
	CHECK(w.why && strstr(w.why, "no locked subordinate"));
	l[0].num[K4ACTL_L_COLOR_SOE_NS].err = ENOENT;
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK(w.why && strstr(w.why, "color_soe_ns"));
	l[0].num[K4ACTL_L_COLOR_SOE_NS].err = ENODATA;
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK(w.why && strstr(w.why, "does not stream colour"));
	k4actl_watch_update(&w, l, 3, -1, off, have);
	CHECK(w.why && strstr(w.why, "no master"));
	CHECK(!have[0] && !have[1] && !have[2]);
	w.period_ns = 0;
	k4actl_watch_update(&w, l, 3, 0, off, have);
	CHECK(w.why && strstr(w.why, "period unknown"));
	CHECK_EQ(w.worst_ns, 200000);
	CHECK_EQ(w.refreshes, 8);
	/* a gone master */
	live_rig(l, 0);
	l[0].gone = true;
	CHECK_EQ(k4actl_offsets(l, 3, 0, P5, off, have), -1);
}

static void t_status_text(void)
{
	struct k4actl_live l[3];
	struct k4a_out o;
	char *s;

	live_rig(l, 0);
	l[1].num[K4ACTL_L_CLOCK_ERROR_NS].err = ENODATA;
	l[1].num[K4ACTL_L_CLOCK_LOCKED].v = 0;
	l[1].num[K4ACTL_L_CLOCK_SHARED].v = 1;
	l[2].gone = true;
	k4actl_status_print(k4a_out_open(&o), l, 3);
	s = k4a_out_text(&o);
	CHECK_EQ(lines(s), 4);
	CHECK(!strncmp(s, "UNIT   SERIAL         ROLE        SYNC_STATE GATE   COLOUR f/d/g", 64));
	CHECK(strstr(s, "\nk4a0   000123456700   master      streaming  open   100/0/0          "
		     "50/0/0           yes       12.3    -2.500        0.8\n"));
	CHECK(strstr(s, "\nk4a1   000123456701   subordinate locked     open   100/0/0          "
		     "50/0/0           no           -    -2.500        0.8\n"));
	CHECK(strstr(s, "\nk4a2   000123456702   gone (unplugged?)\n"));
	free(s);

	/* locked at the rig's shared rate; a driver without clock/shared */
	live_rig(l, 0);
	l[0].num[K4ACTL_L_CLOCK_SHARED].v = 1;
	l[1].num[K4ACTL_L_CLOCK_SHARED].err = ENOENT;
	l[1].num[K4ACTL_L_CLOCK_SHARED].v = 1;
	k4actl_status_print(k4a_out_open(&o), l, 2);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "\nk4a0   000123456700   master      streaming  open   100/0/0          "
		     "50/0/0           rig       12.3    -2.500        0.8\n"));
	CHECK(strstr(s, "\nk4a1   000123456701   subordinate locked     open   100/0/0          "
		     "50/0/0           yes       12.3    -2.500        0.8\n"));
	free(s);
}

static char *faults(const struct k4actl_live *l, unsigned int n, unsigned int want)
{
	struct k4a_out o;

	CHECK_EQ(k4actl_status_faults(k4a_out_open(&o), l, n), want);
	return k4a_out_text(&o);
}

static void t_status_faults(void)
{
	struct k4actl_live l[3];
	char *s;

	/* running in step, or idle, or waiting for the master: nothing to say */
	live_rig(l, 0);
	s = faults(l, 3, 0);
	CHECK_EQ(strlen(s), 0);
	free(s);
	snprintf(l[0].text[K4ACTL_L_SYNC_STATE], 64, "armed");
	snprintf(l[1].text[K4ACTL_L_SYNC_STATE], 64, "armed");
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "idle");
	s = faults(l, 3, 0);
	CHECK_EQ(strlen(s), 0);
	free(s);

	/* the master's application stopped: the subordinates are lost */
	live_rig(l, 0);
	snprintf(l[0].text[K4ACTL_L_SYNC_STATE], 64, "idle");
	snprintf(l[1].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	s = faults(l, 3, 2);
	CHECK(starts(s, "problem: k4a1 (serial 000123456701), a subordinate, lost sync: its "
		     "frames came, then\n  stopped: no pulses arrive.\n  Its master k4a0 (serial "
		     "000123456700) is idle, not streaming: its colour stream\n  makes the "
		     "pulses. Restart the master's application.\n  It locks again by itself once "
		     "the pulses are back.\nproblem: k4a2 "));
	free(s);

	/* the master streams: the pulses are lost on the way; a cable pulled */
	live_rig(l, 0);
	snprintf(l[1].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	snprintf(l[2].text[K4ACTL_L_SYNC_IN], 64, "disconnected");
	s = faults(l, 3, 2);
	CHECK(strstr(s, "Its master k4a0 (serial 000123456700) streams, but its pulses do not "
		     "arrive:\n  check the sync cables from its Sync Out to this unit's Sync In"));
	CHECK(strstr(s, "problem: k4a2 (serial 000123456702), a subordinate, lost sync"));
	CHECK(strstr(s, "  Nothing is plugged into its Sync In any more: plug the sync cable "
		     "back in.\n"));
	/* said once: not again as a subordinate without Sync In cable */
	CHECK(!strstr(s, "is set to subordinate"));
	free(s);

	/* a subordinate armed while the master streams: no pulses */
	live_rig(l, 0);
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "armed");
	s = faults(l, 3, 1);
	CHECK(starts(s, "problem: k4a2 (serial 000123456702), a subordinate, is armed but gets "
		     "no pulses although\n  its master k4a0 (serial 000123456700) streams: check "
		     "the cable into its Sync In\n  (sync_in_jack reads connected)"));
	free(s);

	/* a unit gone: named by its serial; its subordinate lost for it */
	live_rig(l, 0);
	l[0].gone = true;
	snprintf(l[1].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	s = faults(l, 3, 3);
	CHECK(starts(s, "problem: k4a0 (serial 000123456700) is gone: unplugged, or it reset and "
		     "did not come\n  back. Plug it in again (the driver restores its sync "
		     "settings), then restart its\n  application"));
	CHECK(strstr(s, "  Its master k4a0 (serial 000123456700) is gone (see above).\n"));
	free(s);

	/* a master lost; a sync_state unreadable */
	live_rig(l, 0);
	snprintf(l[0].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	snprintf(l[2].text[K4ACTL_L_SYNC_STATE], 64, "?");
	s = faults(l, 3, 2);
	CHECK(starts(s, "problem: k4a0 (serial 000123456700), the master, lost its frames: they "
		     "came, then stopped\n  (a transfer failure, a reset). Check its USB "
		     "connection"));
	CHECK(strstr(s, "problem: k4a2 (serial 000123456702): its sync_state cannot be read"));
	free(s);

	/* roles the cables cannot serve: two masters, the second with Sync In occupied */
	live_rig(l, 0);
	snprintf(l[1].text[K4ACTL_L_SYNC_MODE], 64, "master");
	snprintf(l[1].text[K4ACTL_L_SYNC_STATE], 64, "idle");
	s = faults(l, 3, 2);
	CHECK(starts(s, "problem: k4a0 (serial 000123456700) and k4a1 (serial 000123456701) are "
		     "both set to master"));
	CHECK(strstr(s, "problem: k4a1 (serial 000123456701) is set to master, but its Sync In "
		     "is occupied"));
	free(s);

	/* no master here: an external source */
	live_rig(l, 0);
	snprintf(l[0].text[K4ACTL_L_SYNC_MODE], 64, "subordinate");
	snprintf(l[0].text[K4ACTL_L_SYNC_IN], 64, "connected");
	snprintf(l[0].text[K4ACTL_L_SYNC_STATE], 64, "lost");
	s = faults(l, 3, 1);
	CHECK(strstr(s, "No unit here is set to master: check the external sync source"));
	free(s);
}

static void t_status_json(void)
{
	struct k4actl_live l[3];
	struct k4a_out o;
	char *s;

	live_rig(l, 0);
	l[1].num[K4ACTL_L_CLOCK_ERROR_NS].err = ENODATA;
	l[1].num[K4ACTL_L_COLOR_SOE_NS].err = ENOENT;
	snprintf(l[1].text[K4ACTL_L_START_GATE], 64, "?");
	k4actl_status_print_json(k4a_out_open(&o), l, 2);
	s = k4a_out_text(&o);
	CHECK(starts(s, "[\n  {\n    \"name\": \"k4a0\",\n    \"gone\": false,\n"
		     "    \"serial\": \"000123456700\",\n    \"sync_mode\": \"master\",\n"));
	CHECK(strstr(s, "\"color_frames\": 100,\n"));
	CHECK(strstr(s, "\"clock_locked\": true,\n"));
	CHECK(strstr(s, "\"clock_shared\": false,\n"));
	CHECK(strstr(s, "\"clock_error_ns\": 12345,\n"));
	CHECK(strstr(s, "\"clock_rate_error_ppb\": -2500,\n"));
	CHECK(strstr(s, "\"clock_error_ns\": null,\n"));
	CHECK(strstr(s, "\"color_soe_ns\": null,\n"));
	CHECK(strstr(s, "\"start_gate\": null,\n"));
	CHECK(strstr(s, "\"subordinate_delay_off_master_usec\": 0\n  }\n]\n"));
	free(s);

	l[0].gone = true;
	k4actl_status_print_json(k4a_out_open(&o), l, 1);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "[\n  {\n    \"name\": \"k4a0\",\n    \"gone\": true\n  }\n]\n"));
	free(s);
	k4actl_status_print_json(k4a_out_open(&o), l, 0);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "[]\n"));
	free(s);
}

static void t_watch_text(void)
{
	struct k4actl_watch w = {
		.spread_ns = K4ACTL_SPREAD_NONE,
		.worst_ns = K4ACTL_SPREAD_NONE,
		.period_ns = P5,
	};
	struct k4actl_live a[3], b[3];
	struct k4a_out o;
	s64 off[3];
	bool have[3];
	char *s;

	live_rig(a, 0);
	k4actl_watch_update(&w, a, 3, 0, off, have);
	k4actl_watch_print(k4a_out_open(&o), &w, NULL, a, 3, off, have);
	s = k4a_out_text(&o);
	CHECK_EQ(lines(s), 5);
	CHECK(strstr(s, "\nk4a1   000123456701   subordinate locked          -     -     -      -"));
	CHECK(strstr(s, "\nspread 0.0 us, worst 0.0 us over 1 refresh; master frame period "
		     "200.0 ms\n"));
	free(s);

	live_rig(b, 1000 * MS);
	b[0].num[K4ACTL_L_COLOR_FRAMES].v = 105;
	b[1].num[K4ACTL_L_COLOR_FRAMES].v = 105;
	b[1].num[K4ACTL_L_COLOR_DROPPED].v = 1;
	b[1].num[K4ACTL_L_COLOR_SOE_NS].v += 1500;
	b[2].gone = true;
	k4actl_watch_update(&w, b, 3, 0, off, have);
	k4actl_watch_print(k4a_out_open(&o), &w, a, b, 3, off, have);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "\nk4a0   000123456700   master      streaming     5.0     0     0    0.0"));
	CHECK(strstr(s, "\nk4a1   000123456701   subordinate locked        5.0     1     0    0.0"
		     "     0     0     12.3        1.5\n"));
	CHECK(strstr(s, "\nk4a2   000123456702   gone (unplugged?)\n"));
	CHECK(strstr(s, "\nspread 1.5 us, worst 1.5 us over 2 refreshes;"));
	free(s);

	w.period_ns = 0;
	k4actl_watch_update(&w, b, 3, 0, off, have);
	k4actl_watch_print(k4a_out_open(&o), &w, b, b, 3, off, have);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "\nspread - (master's frame period unknown), worst 1.5 us over 3 "
		     "refreshes\n"));
	free(s);
}

int main(void)
{
	RUN(t_sst_words);
	RUN(t_reached);
	RUN(t_all_reached);
	RUN(t_diagnose_arm);
	RUN(t_diagnose_lock);
	RUN(t_change_line);
	RUN(t_stop_order);
	RUN(t_num_parse);
	RUN(t_fold);
	RUN(t_period_guess);
	RUN(t_rates);
	RUN(t_spread);
	RUN(t_status_text);
	RUN(t_status_faults);
	RUN(t_status_json);
	RUN(t_watch_text);
	return k4a_test_done();
}
