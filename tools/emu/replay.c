// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-clock-replay: run a bench's clock observations through the clock
 * estimator (driver/lib/k4a_clock.c) on the host, so that an estimator change
 * can be judged on the observations of a real guest run before it goes into
 * the kernel (Documentation/timestamps.rst, "Replaying a run").
 *
 *   k4a-clock-replay OBS SIDELOG > frames.txt
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
 * most of its observations after the event and less than 20 ms late. Each of
 * the unit's colour frames is then mapped with the estimator as it stood
 * when the emulator sent the frame's last byte, and printed as k4a-tsstat's
 * input: F SERIAL color COUNTER TS GT SENT 0 CLAIM, where CLAIM is 1 if the
 * estimator was locked with an error bound of at most 50 us. Colour delays
 * are taken as 0 (bench-time configures none).
 */
#include <errno.h>
#include <inttypes.h>
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

static void replay(const struct est *e)
{
	size_t start = 0, i, j, best_hits = 0;
	const struct unit *u = NULL;
	struct k4a_clock *c;

	for (i = 1; i < e->n; i++)
		if (e->o[i].dev + RESET_TICKS < e->o[i - 1].dev)
			start = i;
	for (i = 0; i < nunits; i++) {
		double a, b;
		size_t hits = 0;

		if (truth(&units[i], e->o[start].dev, &a, &b))
			continue;
		for (j = start; j < e->n; j++) {
			double late = (double)e->o[j].host - (a + b * (double)e->o[j].dev);

			hits += late > 0 && late < 20e6;
		}
		if (hits > best_hits) {
			best_hits = hits;
			u = &units[i];
		}
	}
	if (!u) {
		fprintf(stderr, "k4a-clock-replay: estimator %#" PRIx64 ": no unit's clock fits its observations\n",
			e->addr);
		return;
	}
	fprintf(stderr, "k4a-clock-replay: estimator %#" PRIx64 ": %s, %zu observations, %zu of them fit\n",
		e->addr, u->serial, e->n - start, best_hits);
	c = calloc(1, sizeof(*c));
	if (!c)
		exit(1);
	k4a_clock_init(c, 90000);
	j = start;
	for (i = 0; i < u->n; i++) {
		const struct frame *f = &u->f[i];
		uint64_t ts;

		if (f->ticks < e->o[start].dev || f->ticks > e->o[e->n - 1].dev)
			continue;
		for (; j < e->n && e->o[j].host <= f->sent; j++)
			k4a_clock_add(c, e->o[j].dev, e->o[j].host);
		if (k4a_clock_map(c, f->ticks, &ts))
			continue;
		printf("F %s color %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 %d\n",
		       u->serial, f->counter, ts, f->soe, f->sent,
		       k4a_clock_locked(c) && k4a_clock_error_ns(c) <= CLAIM_NS);
	}
	free(c);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 3 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: k4a-clock-replay OBS SIDELOG > frames.txt (then k4a-tsstat frames.txt)\n");
		return argc == 2 ? 0 : 2;
	}
	if (read_obs(argv[1]) || read_side(argv[2])) {
		fprintf(stderr, "k4a-clock-replay: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < nest; i++)
		if (est[i].n >= MIN_OBS)
			replay(&est[i]);
	return 0;
}
