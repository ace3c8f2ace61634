// SPDX-License-Identifier: GPL-2.0
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcu.h"

void clk_init(struct devclock *c, double drift_ppm, int64_t now_ns, int64_t ticks)
{
	c->rate = TICKS_PER_SEC * 1e-9 * (1.0 + drift_ppm * 1e-6);
	c->epoch_ns = now_ns;
	c->epoch_ticks = ticks;
}

void clk_set_drift(struct devclock *c, double drift_ppm, int64_t now_ns)
{
	int64_t t = clk_ticks(c, now_ns);

	clk_init(c, drift_ppm, now_ns, t);
}

int64_t clk_ticks(const struct devclock *c, int64_t ns)
{
	return c->epoch_ticks + (int64_t)floor((double)(ns - c->epoch_ns) * c->rate);
}

int64_t clk_ns(const struct devclock *c, int64_t ticks)
{
	return c->epoch_ns + (int64_t)ceil((double)(ticks - c->epoch_ticks) / c->rate);
}

int64_t clk_dur_ns(const struct devclock *c, int64_t ticks)
{
	return (int64_t)llround((double)ticks / c->rate);
}

int64_t clk_span_ns(const struct devclock *c, int64_t dev_ns)
{
	return (int64_t)llround((double)dev_ns * (TICKS_PER_SEC * 1e-9) / c->rate);
}

void clk_reset(struct devclock *c, int64_t ns)
{
	c->epoch_ns = ns;
	c->epoch_ticks = 0;
}

uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x2545f4914f6cdd1dull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

int64_t jitter_sample(struct jitter *j)
{
	int64_t v = j->base_ns;
	double u;

	u = (double)(xorshift64(&j->rng) >> 11) / 9007199254740992.0;	/* [0,1) */
	switch (j->dist) {
	case JIT_UNIFORM:
		v += (int64_t)(u * (double)j->jit_ns);
		break;
	case JIT_PARETO: {
		/* Pareto alpha 1.5, scale jit/4, capped at 20 x jit */
		double x = (double)j->jit_ns / 4.0 * (pow(1.0 - u, -1.0 / 1.5) - 1.0);

		if (x > 20.0 * (double)j->jit_ns)
			x = 20.0 * (double)j->jit_ns;
		v += (int64_t)x;
		break;
	}
	case JIT_NONE:
		break;
	}
	if (j->spike_ppm && xorshift64(&j->rng) % 1000000u < j->spike_ppm)
		v += j->spike_ns;
	return v;
}

/* "BASE_US[,JIT_US[,uniform|pareto[,SPIKE_PPM[,SPIKE_US]]]]" */
int jitter_parse(const char *s, struct jitter *j)
{
	char dist[16] = "uniform";
	double base = 0, jit = 0, sus = 0;
	unsigned int ppm = 0;
	int n;

	n = sscanf(s, "%lf,%lf,%15[a-z],%u,%lf", &base, &jit, dist, &ppm, &sus);
	if (n < 1 || base < 0 || jit < 0 || sus < 0 || ppm > 1000000)
		return -1;
	j->base_ns = (int64_t)(base * 1000);
	j->jit_ns = (int64_t)(jit * 1000);
	if (!strcmp(dist, "uniform"))
		j->dist = jit > 0 ? JIT_UNIFORM : JIT_NONE;
	else if (!strcmp(dist, "pareto"))
		j->dist = JIT_PARETO;
	else if (!strcmp(dist, "none"))
		j->dist = JIT_NONE;
	else
		return -1;
	j->spike_ppm = ppm;
	j->spike_ns = (int64_t)(sus * 1000);
	return 0;
}

int64_t laser_idle_ns(uint32_t sensor_mode)
{
	switch (sensor_mode) {
	case SENSOR_MODE_NFOV:
	case SENSOR_MODE_QMP:
		return 1450000;
	case SENSOR_MODE_WFOV:
		return 2390000;
	}
	return 0;
}

int64_t depth_exposure_ns(uint32_t sensor_mode)
{
	int64_t idle = laser_idle_ns(sensor_mode);

	if (!idle)
		return 1600000;	/* passive IR */
	return LASER_PULSES * LASER_PULSE_NS + (LASER_PULSES - 1) * idle;
}

unsigned int laser_overlaps(int64_t a_ns, uint32_t a_mode, int64_t b_ns, uint32_t b_mode)
{
	int64_t ia = laser_idle_ns(a_mode), ib = laser_idle_ns(b_mode);
	unsigned int n = 0;
	int i, k;

	if (!ia || !ib)
		return 0;
	if (a_ns + depth_exposure_ns(a_mode) <= b_ns || b_ns + depth_exposure_ns(b_mode) <= a_ns)
		return 0;
	for (i = 0; i < LASER_PULSES; i++) {
		int64_t sa = a_ns + i * (LASER_PULSE_NS + ia);

		for (k = 0; k < LASER_PULSES; k++) {
			int64_t sb = b_ns + k * (LASER_PULSE_NS + ib);

			if (sa < sb + LASER_PULSE_NS && sb < sa + LASER_PULSE_NS)
				n++;
		}
	}
	return n;
}

/* ---- waking on time ------------------------------------------------------ */

/* the credit saved up: at most this many early wakes' worth */
#define PUNCTUAL_BURST_WAKES	20

void punctual_init(struct punctual *p, int64_t early_ns, uint32_t share_ppm, int64_t now)
{
	memset(p, 0, sizeof(*p));
	p->early_ns = early_ns > 0 ? early_ns : 0;
	p->share_ppm = share_ppm > 1000000 ? 1000000 : share_ppm;
	p->burst_ns = p->early_ns * PUNCTUAL_BURST_WAKES;
	p->credit_ns = p->burst_ns;
	p->last_ns = now;
}

/* "US[,PERCENT]": wake US early, busy-wait at most PERCENT of the time (default 5) */
int punctual_parse(const char *s, int64_t *early_ns, uint32_t *share_ppm)
{
	double us, pct = 5;
	char *end;

	us = strtod(s, &end);
	if (end == s || us < 0 || us > 10000)
		return -1;
	if (*end == ',') {
		const char *q = end + 1;

		pct = strtod(q, &end);
		if (end == q || pct < 0 || pct > 100)
			return -1;
	}
	if (*end)
		return -1;
	*early_ns = (int64_t)(us * 1000);
	*share_ppm = (uint32_t)(pct * 10000);
	return 0;
}

static void punctual_refill(struct punctual *p, int64_t now)
{
	int64_t dt = now - p->last_ns;

	if (dt <= 0)
		return;
	/* 1000 s refill any burst; the product stays below 10^18 */
	if (dt > 1000000000000LL)
		dt = 1000000000000LL;
	p->credit_ns += dt * (int64_t)p->share_ppm / 1000000;
	if (p->credit_ns > p->burst_ns)
		p->credit_ns = p->burst_ns;
	p->last_ns = now;
}

int64_t punctual_wake(struct punctual *p, int64_t now, int64_t due)
{
	punctual_refill(p, now);
	if (!p->early_ns || p->credit_ns < p->early_ns || due - p->early_ns <= now)
		return due;
	return due - p->early_ns;
}

bool punctual_spin(struct punctual *p, int64_t now, int64_t due)
{
	int64_t d = due - now;

	if (!p->early_ns || d <= 0 || d > p->early_ns)
		return false;
	punctual_refill(p, now);
	if (p->credit_ns < d) {
		p->short_wakes++;
		return false;
	}
	p->credit_ns -= d;
	p->spins++;
	p->spun_ns += (uint64_t)d;
	return true;
}
