// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-clock-replay: run a bench's clock observations through the clock
 * estimator (driver/lib/k4a_clock.c) on the host, so that an estimator change
 * can be judged on the observations of a real guest run before it goes into
 * the kernel (Documentation/timestamps.rst, "Replaying a run").
 *
 *   k4a-clock-replay [--rig | --oracle] [--fps N] OBS SIDELOG > frames.txt
 *   k4a-tsstat [--skip S] frames.txt
 *
 * OBS: the observations the driver made, one per line, as the kprobe event
 * of `bench-time.sh ... dump` prints them (bench-time-N-J.obs); the fields
 * used are "c=0xADDR dev=TICKS host=NS" (ADDR tells the estimators apart).
 * SIDELOG: the emulator's side log of the same run (bench-time-N-J.side).
 *
 * Every estimator with at least MIN_OBS observations is replayed from its
 * last device clock reset (the ticks going back by more than 10 s). It is
 * matched to the unit whose true clock (a line through the ticks and true
 * starts of exposure of the unit's colour frames in the side log) puts the
 * most of its observations after the event and less than 20 ms late (of
 * several such, the one they are least late on on average). Each of
 * the unit's colour frames is then mapped with the estimator as it stood
 * when the emulator sent the frame's last byte, and printed as k4a-tsstat's
 * input: F SERIAL color COUNTER TS GT SENT 0 CLAIM ERR LOCK, where CLAIM is 1
 * if the estimator was locked with an error bound of at most 50 us, ERR is
 * that bound in ns and LOCK whether it was locked. A frame from before the
 * estimator maps has its arrival (SENT) for TS and ERR -1, as the driver
 * stamps it, so that the times after the first frame compare with the
 * bench's own figures. Colour delays
 * are taken as 0 (bench-time configures none). The estimators run side by
 * side, observations and frames in the order of their host times.
 *
 * --rig: the units form one rig as the driver's do (struct k4a_clock_rig):
 * each unit's colour frames feed its estimator's pulse train
 * (k4a_clock_frame(), the nominal period from --fps, default 5) and every
 * fit shares its rate. The master is the unit whose frames lie on its own
 * frame grid (all the same ticks modulo the period); every other unit is a
 * subordinate.
 *
 * --oracle: instead of the estimator, each unit's true clock (the line above)
 * with the lowest latency its observations have shown so far: what the
 * observations allow at best to a mapping that rests on them, knowing each
 * clock's rate exactly. Its frame lines carry 0 for CLAIM, ERR and LOCK; a
 * frame before the unit's first observation has its arrival, as above.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_clock.h"

#define MAX_EST		64
#define MAX_UNITS	16
#define MIN_OBS		5000
#define RESET_TICKS	900000		/* 10 s at 90 kHz */
#define CLAIM_NS	50000

struct obs {
	uint64_t dev, host;
};

struct frame {
	uint64_t counter, ticks, soe, sent;
};

struct est {
	uint64_t addr;
	struct obs *o;
	size_t n, cap;
};

struct unit {
	char serial[32];
	struct frame *f;
	size_t n, cap;
};

static struct est est[MAX_EST];
static struct unit units[MAX_UNITS];
static unsigned int nest, nunits;

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 4096;
	p = realloc(p, *cap * size);
	if (!p) {
		fprintf(stderr, "k4a-clock-replay: out of memory\n");
		exit(1);
	}
	return p;
}

static int read_obs(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " c=0x");
		uint64_t a, d, h;
		unsigned int i;

		if (!p || sscanf(p, " c=0x%" SCNx64 " dev=%" SCNu64 " host=%" SCNu64,
				 &a, &d, &h) != 3)
			continue;
		for (i = 0; i < nest && est[i].addr != a; i++)
			;
		if (i == nest) {
			if (nest == MAX_EST)
				continue;
			est[nest++].addr = a;
		}
		est[i].o = grow(est[i].o, &est[i].cap, est[i].n, sizeof(struct obs));
		est[i].o[est[i].n++] = (struct obs){ d, h };
	}
	fclose(f);
	return 0;
}

static int read_side(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char serial[32], stream[16];
		uint64_t cnt, ticks, soe, sent;
		unsigned int i;

		if (sscanf(line, "%31s %15s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			   serial, stream, &cnt, &ticks, &soe, &sent) != 6 ||
		    strcmp(stream, "color") || !sent)
			continue;
		for (i = 0; i < nunits && strcmp(units[i].serial, serial); i++)
			;
		if (i == nunits) {
			if (nunits == MAX_UNITS)
				continue;
			snprintf(units[nunits++].serial, sizeof(units[0].serial), "%s", serial);
		}
		units[i].f = grow(units[i].f, &units[i].cap, units[i].n, sizeof(struct frame));
		units[i].f[units[i].n++] = (struct frame){ cnt, ticks, soe, sent };
	}
	fclose(f);
	return 0;
}

/* The true clock of @u from its colour frames at or after @from ticks: soe = a + b ticks. */
static int truth(const struct unit *u, uint64_t from, double *a, double *b)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0, x0 = (double)from;
	size_t i;

	for (i = 0; i < u->n; i++) {
		double x, y;

		if (u->f[i].ticks < from)
			continue;
		x = (double)u->f[i].ticks - x0;
		y = (double)u->f[i].soe;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		k++;
	}
	if (k < 10 || k * sxx - sx * sx <= 0)
		return -1;
	*b = (k * sxy - sx * sy) / (k * sxx - sx * sx);
	*a = (sy - *b * sx) / k - *b * x0;
	return 0;
}

/* The estimator each unit's colour frames belong to, from its last reset. */
static const struct est *uest[MAX_UNITS];
static size_t ustart[MAX_UNITS];

static void match(const struct est *e)
{
	size_t start = 0, i, j, best_hits = 0;
	double best_late = 0;
	int best = -1;

	for (i = 1; i < e->n; i++)
		if (e->o[i].dev + RESET_TICKS < e->o[i - 1].dev)
			start = i;
	for (i = 0; i < nunits; i++) {
		double a, b, sum = 0;
		size_t hits = 0;

		if (truth(&units[i], e->o[start].dev, &a, &b))
			continue;
		for (j = start; j < e->n; j++) {
			double late = (double)e->o[j].host - (a + b * (double)e->o[j].dev);

			if (late > 0 && late < 20e6) {
				hits++;
				sum += late;
			}
		}
		/*
		 * The units' clocks reset at one pulse and part by their rate
		 * difference only: another unit's clock that runs below this
		 * one's true clock fits every observation too, later. Of the
		 * clocks that fit the most, the one they are least late on.
		 */
		if (hits > best_hits || (hits && hits == best_hits && sum / hits < best_late)) {
			best_hits = hits;
			best_late = sum / hits;
			best = (int)i;
		}
	}
	if (best < 0) {
		fprintf(stderr, "k4a-clock-replay: estimator %#" PRIx64 ": no unit's clock fits its observations\n",
			e->addr);
		return;
	}
	fprintf(stderr, "k4a-clock-replay: estimator %#" PRIx64 ": %s, %zu observations, %zu of them fit\n",
		e->addr, units[best].serial, e->n - start, best_hits);
	uest[best] = e;
	ustart[best] = start;
}

/* Whether @u's colour frames from @from ticks on lie on its own grid of @period. */
static bool on_own_grid(const struct unit *u, uint64_t from, uint32_t period)
{
	size_t i, n = 0;
	uint64_t r = 0;

	for (i = 0; i < u->n; i++) {
		if (u->f[i].ticks < from)
			continue;
		if (n++ && u->f[i].ticks % period != r)
			return false;
		r = u->f[i].ticks % period;
	}
	return n > 1;
}

/*
 * The replay's cursor: per unit, the next observation of its estimator and
 * the next of its colour frames, from the estimator's last reset on.
 */
static size_t oi[MAX_UNITS], fi[MAX_UNITS];

static void cursor_start(unsigned int u)
{
	const struct est *e = uest[u];

	oi[u] = ustart[u];
	fi[u] = 0;
	while (fi[u] < units[u].n && units[u].f[fi[u]].ticks < e->o[ustart[u]].dev)
		fi[u]++;
}

/*
 * The unit whose next event (an observation, or a colour frame when its
 * last byte was sent) comes first in host time; -1 when none is left.
 * *frame says which kind it is.
 */
static int next_event(bool *frame)
{
	uint64_t t = UINT64_MAX;
	unsigned int u;
	int next = -1;

	for (u = 0; u < nunits; u++) {
		if (!uest[u])
			continue;
		if (oi[u] < uest[u]->n && uest[u]->o[oi[u]].host < t) {
			t = uest[u]->o[oi[u]].host;
			next = (int)u;
			*frame = false;
		}
		if (fi[u] < units[u].n && units[u].f[fi[u]].sent < t) {
			t = units[u].f[fi[u]].sent;
			next = (int)u;
			*frame = true;
		}
	}
	return next;
}

/* A frame before its unit maps: the arrival, as the driver stamps it. */
static void print_unmapped(const struct unit *un, const struct frame *f)
{
	printf("F %s color %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0 -1 0\n",
	       un->serial, f->counter, f->sent, f->soe, f->sent);
}

/*
 * The oracle: every unit's colour frames on its true clock, raised by the
 * lowest latency of its observations so far (observation and frame events
 * in the order of their host times, as replay_all() takes them).
 */
static void oracle_all(void)
{
	double a[MAX_UNITS], b[MAX_UNITS], low[MAX_UNITS];
	unsigned int u;
	bool frame;
	int next;

	for (u = 0; u < nunits; u++) {
		if (uest[u] && truth(&units[u], uest[u]->o[ustart[u]].dev, &a[u], &b[u]))
			uest[u] = NULL;
		if (!uest[u])
			continue;
		low[u] = INFINITY;
		cursor_start(u);
	}
	while ((next = next_event(&frame)) >= 0) {
		u = (unsigned int)next;
		if (!frame) {
			const struct obs *o = &uest[u]->o[oi[u]++];
			double late = (double)o->host - (a[u] + b[u] * (double)o->dev);

			if (late < low[u])
				low[u] = late;
		} else {
			const struct frame *f = &units[u].f[fi[u]++];
			const struct est *e = uest[u];

			if (f->ticks > e->o[e->n - 1].dev)
				continue;
			if (isinf(low[u]))
				print_unmapped(&units[u], f);
			else
				printf("F %s color %" PRIu64 " %.0f %" PRIu64 " %" PRIu64 " 0 0 0 0\n",
				       units[u].serial, f->counter,
				       a[u] + b[u] * (double)f->ticks + low[u], f->soe, f->sent);
		}
	}
}

static void replay_all(bool rig, uint32_t period)
{
	static struct k4a_clock_rig the_rig;
	struct k4a_clock *c[MAX_UNITS] = { NULL };
	uint8_t role[MAX_UNITS];
	unsigned int u;
	bool frame;
	int next;

	for (u = 0; u < nunits; u++) {
		const struct est *e = uest[u];

		if (!e)
			continue;
		c[u] = calloc(1, sizeof(*c[u]));
		if (!c[u])
			exit(1);
		k4a_clock_init(c[u], 90000);
		role[u] = K4A_CLOCK_ROLE_NONE;
		if (rig) {
			k4a_clock_train_start(c[u], period);
			role[u] = on_own_grid(&units[u], e->o[ustart[u]].dev, period) ?
				  K4A_CLOCK_ROLE_MASTER : K4A_CLOCK_ROLE_SUBORDINATE;
			fprintf(stderr, "k4a-clock-replay: %s: %s\n", units[u].serial,
				role[u] == K4A_CLOCK_ROLE_MASTER ? "master" : "subordinate");
		}
		cursor_start(u);
	}
	while ((next = next_event(&frame)) >= 0) {
		u = (unsigned int)next;
		if (!frame) {
			const struct obs *o = &uest[u]->o[oi[u]++];
			uint32_t fits = c[u]->fits;

			k4a_clock_add(c[u], o->dev, o->host);
			if (rig && c[u]->fits != fits)
				k4a_clock_rig_update(&the_rig, u, role[u], c[u]);
		} else {
			const struct frame *f = &units[u].f[fi[u]++];
			const struct est *e = uest[u];
			uint64_t ts;

			if (f->ticks > e->o[e->n - 1].dev)
				continue;
			k4a_clock_frame(c[u], f->ticks);
			if (k4a_clock_map(c[u], f->ticks, &ts)) {
				print_unmapped(&units[u], f);
				continue;
			}
			printf("F %s color %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 %d %u %d\n",
			       units[u].serial, f->counter, ts, f->soe, f->sent,
			       k4a_clock_locked(c[u]) && k4a_clock_error_ns(c[u]) <= CLAIM_NS,
			       k4a_clock_error_ns(c[u]), k4a_clock_locked(c[u]));
		}
	}
	for (u = 0; u < nunits; u++) {
		if (c[u] && rig)
			fprintf(stderr, "k4a-clock-replay: %s: rate %+.3f ppm, shared %d, refused %u\n",
				units[u].serial, k4a_clock_ppm_x1000(c[u]) / 1000.0, c[u]->shared,
				c[u]->stat_refused);
		free(c[u]);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: k4a-clock-replay [--rig | --oracle] [--fps N] OBS SIDELOG\n"
		   "       > frames.txt\n"
		   "       (then k4a-tsstat frames.txt)\n");
}

int main(int argc, char **argv)
{
	unsigned int i, fps = 5;
	bool rig = false, oracle = false;
	int a = 1;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[a], "--rig")) {
			rig = true;
		} else if (!strcmp(argv[a], "--oracle")) {
			oracle = true;
		} else if (!strcmp(argv[a], "--fps") && a + 1 < argc) {
			fps = (unsigned int)atoi(argv[++a]);
			if (fps != 5 && fps != 15 && fps != 30) {
				fprintf(stderr, "k4a-clock-replay: --fps: 5, 15 or 30\n");
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - a != 2) {
		usage(stderr);
		return 2;
	}
	if (read_obs(argv[a]) || read_side(argv[a + 1])) {
		fprintf(stderr, "k4a-clock-replay: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < nest; i++)
		if (est[i].n >= MIN_OBS)
			match(&est[i]);
	if (oracle)
		oracle_all();
	else
		replay_all(rig, 90000 / fps);
	return 0;
}
