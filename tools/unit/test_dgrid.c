// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for driver/lib/k4a_dgrid.c
 *
 * A simulated unit knows the true host time of every device tick. Colour
 * frames start on the VSYNC grid of the device clock; depth exposures are
 * centre-aligned with them and shifted by the depth delay (or, colour off,
 * run on their own grid); a depth frame's transfer starts when its exposure
 * ends and takes a transfer time plus jitter. The unit's clock estimator is
 * fed as the colour stream feeds it (SCR observations every 4 ms). Each
 * depth frame is timed when its transfer completes, as the driver does, and
 * compared with its true start of exposure.
 */
#include <math.h>
#include <stdlib.h>
#include "k4a_test.h"

#include "k4a_dgrid.h"
#include "k4a_modes.h"

static u64 rng_state;

static u64 rng(void)
{
	u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u64 urand(u64 n)
{
	return n ? rng() % n : 0;
}

struct sim {
	/* configuration */
	u32 fps;
	double ppm;		/* device clock runs fast by this much */
	double grid_ppm;	/* frame period in device ticks off nominal (a
				 * subordinate: its frames follow the master) */
	u64 color_lag_ns;	/* a colour frame completes this long after its
				 * exposure ends (0: 1 ms) */
	u32 c_exp_us;		/* colour exposure (0: colour off) */
	u32 d_exp_us;		/* depth exposure */
	s32 delay_ticks;	/* depth delay off colour */
	u64 xfer_ns;		/* true transfer time */
	u64 jitter_ns;		/* extra delivery latency: uniform below this */
	u32 floor_pct;		/* share of transfers without jitter */
	u32 xfer_min_ns;	/* the bound the driver is given */
	u32 drop_every;		/* the device drops every Nth frame (0: none) */
	u32 frames;
	u32 stall_at;		/* frames stall_at..+stall_len arrive at once */
	u32 stall_len;
	u32 measure_from;	/* frame index from which errors are checked */
	u64 host0;		/* host time of tick 0 */

	/* results */
	u32 timed, checked, checked_color, slot_ok, bursts, clamps, bad_order, late;
	u32 locked, locked_bad;	/* frames said locked; of them bursts or clamped */
	u32 src[3];
	u64 max_err_ns;
	u64 max_tick_err;	/* |slot ticks - true ticks|, colour grid */
	u64 last_ts;
};

/* True host ns of a device time in ticks (between ticks too). */
static u64 sim_host_f(const struct sim *s, double ticks)
{
	return s->host0 + (u64)(ticks * 1e9 / 90000.0 / (1.0 + s->ppm * 1e-6));
}

/* True host ns of a device tick. */
static u64 sim_host(const struct sim *s, u64 ticks)
{
	return sim_host_f(s, (double)ticks);
}

static u64 sim_ticks(const struct sim *s, u64 host)
{
	if (host < s->host0)
		return 0;
	return (u64)((double)(host - s->host0) * 90000.0 / 1e9 *
		     (1.0 + s->ppm * 1e-6));
}

/* Start of frame period @n of the grid, device ticks (the device's integers). */
static u64 sim_grid(const struct sim *s, u64 n)
{
	return (u64)llround((double)n * (90000.0 / s->fps) * (1.0 + s->grid_ppm * 1e-6));
}

/*
 * Run the simulation: events in host time order. The unit clock gets SCR
 * observations every 4 ms while colour runs; colour frames feed the grid
 * when they complete (1 ms after their exposure ends).
 */
static void sim_run(struct sim *s)
{
	struct k4a_clock uc;
	struct k4a_dgrid g;
	struct k4a_dgrid_out o;
	u64 p = 90000 / s->fps, c_exp = s->c_exp_us * 9 / 100;
	u64 scr_next, n, arrival;
	u64 stall_until = 0, next_color = 1;
	double soe_off, d_exp = s->d_exp_us * 0.09, eoe;

	k4a_clock_init(&uc, 90000);
	k4a_dgrid_init(&g);
	REQUIRE(!k4a_dgrid_start(&g, s->fps, s->d_exp_us, s->xfer_min_ns,
				  s->delay_ticks));
	/* the device's exposures are exact, its tick counts whole */
	soe_off = s->c_exp_us ? ((double)s->c_exp_us - s->d_exp_us) * 0.09 / 2 +
		  s->delay_ticks : s->delay_ticks;
	scr_next = s->host0;
	s->last_ts = 0;
	for (n = 1; n <= s->frames; n++) {
		double soe_f = (double)sim_grid(s, n) + soe_off;
		u64 soe = (u64)floor(soe_f);

		eoe = soe_f + d_exp;
		arrival = sim_host_f(s, eoe) + s->xfer_ns;
		if (urand(100) >= s->floor_pct)
			arrival += urand(s->jitter_ns);
		if (n == s->stall_at)
			stall_until = sim_host_f(s, eoe + s->stall_len * p) +
				      s->xfer_ns;
		if (arrival < stall_until)
			arrival = stall_until;

		/* What happened on the colour side before this arrival. */
		while (s->c_exp_us && scr_next <= arrival) {
			u64 a = scr_next + 100000 +
				(urand(4) ? urand(1000000) : urand(20000));

			if (a <= arrival)
				k4a_clock_add(&uc, sim_ticks(s, scr_next), a);
			scr_next += 4000000;
		}
		while (s->c_exp_us &&
		       sim_host(s, sim_grid(s, next_color) + c_exp) +
		       (s->color_lag_ns ? s->color_lag_ns : 1000000) <= arrival) {
			k4a_dgrid_color(&g, sim_grid(s, next_color),
					s->c_exp_us * 1000ULL);
			next_color++;
		}
		if (s->drop_every && n % s->drop_every == 0)
			continue;

		k4a_dgrid_frame(&g, &uc, arrival, &o);
		s->timed++;
		s->src[o.source]++;
		if (o.ts_ns > arrival)
			s->late++;
		if (o.ts_ns < s->last_ts)
			s->bad_order++;
		s->last_ts = o.ts_ns;
		if (o.burst)
			s->bursts++;
		if (o.clamped)
			s->clamps++;
		if (o.locked) {
			s->locked++;
			s->locked_bad += o.burst || o.clamped;
		}
		if (n >= s->measure_from &&
		    (n < s->stall_at || n > s->stall_at + s->stall_len + 1)) {
			u64 truth = sim_host_f(s, soe_f);
			u64 bias = s->xfer_ns > s->xfer_min_ns ?
				   s->xfer_ns - s->xfer_min_ns : 0;
			u64 err;

			/* The cadence fits arrivals: its floor includes the
			 * transfer time beyond the bound the driver knows.
			 */
			if (o.source == K4A_DGRID_CADENCE)
				truth += bias;
			err = o.ts_ns > truth ? o.ts_ns - truth :
			      truth - o.ts_ns;
			s->checked++;
			if (o.source == K4A_DGRID_COLOR)
				s->checked_color++;
			if (err > s->max_err_ns)
				s->max_err_ns = err;
			if (o.source != K4A_DGRID_COLOR || o.ticks == soe)
				s->slot_ok++;
			if (o.source == K4A_DGRID_COLOR) {
				u64 te = o.ticks > soe ? o.ticks - soe : soe - o.ticks;

				if (te > s->max_tick_err)
					s->max_tick_err = te;
			}
		}
	}
}

static void sim_default(struct sim *s, u32 fps)
{
	memset(s, 0, sizeof(*s));
	s->fps = fps;
	s->ppm = 250;
	s->c_exp_us = 10000;
	s->d_exp_us = 12725;
	s->xfer_ns = 14000000;
	s->jitter_ns = 2000000;
	s->floor_pct = 25;
	s->xfer_min_ns = 10621520;
	s->frames = 30 * fps;
	s->measure_from = 2 * fps;
	s->host0 = 5000000000ULL;
	rng_state = 0x9e3779b97f4a7c15ULL;
}

static void sim_report(const char *what, const struct sim *s)
{
	NOTE("%s: %u frames, %u checked, max error %llu us, bound %u colour %u cadence %u, bursts %u, clamped %u, locked %u",
	     what, s->timed, s->checked,
	     (unsigned long long)(s->max_err_ns / 1000), s->src[0], s->src[1],
	     s->src[2], s->bursts, s->clamps, s->locked);
}

/* Colour runs: every depth frame lands on its colour-grid slot. */
static void t_color_grid(void)
{
	static const u32 rates[] = { 30, 15, 5 };
	struct sim s;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		sim_default(&s, rates[i]);
		sim_run(&s);
		sim_report("colour grid", &s);
		CHECK_EQ(s.late, 0);
		CHECK_EQ(s.bad_order, 0);
		CHECK_EQ(s.slot_ok, s.checked);
		/*
		 * From 2 s on every frame is timed on the colour grid; before,
		 * the depth cadence's own fit may be ready a moment earlier.
		 */
		CHECK_EQ(s.checked_color, s.checked);
		CHECK_CMP(s.src[K4A_DGRID_CADENCE], <=, 2);
		CHECK_CMP(s.max_err_ns, <, 200000);
		CHECK_EQ(s.bursts, 0);
	}
}

/* The depth delay and the mode's exposure shift the slot. */
static void t_color_delay(void)
{
	static const s32 delays[] = { -3000, -15, 0, 15, 2999 };
	struct sim s;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		sim_default(&s, 30);
		s.delay_ticks = delays[i];
		s.d_exp_us = 20245;
		s.c_exp_us = 33000;
		sim_run(&s);
		CHECK_EQ(s.slot_ok, s.checked);
		CHECK_CMP(s.max_err_ns, <, 200000);
		CHECK_EQ(s.late, 0);
		CHECK_EQ(s.bad_order, 0);
	}
	sim_default(&s, 15);
	s.d_exp_us = 1600;
	s.c_exp_us = 500;
	sim_run(&s);
	CHECK_EQ(s.slot_ok, s.checked);
	CHECK_CMP(s.max_err_ns, <, 200000);
}

/*
 * A subordinate: its frames follow the master's pulses, so their period in
 * its own ticks is off nominal by the two clocks' difference (up to 200 ppm
 * in a rig of +-100 ppm crystals, 3.6 ticks a period at 5 fps). When the
 * latest colour frame is a period ahead of the depth frame (a large colour
 * frame takes longer to arrive), the slot lies on the grid measured from
 * the colour frames, not a nominal period back from it.
 */
static void t_subordinate_grid(void)
{
	static const double gppm[] = { -200, -45, 120, 200 };
	struct sim s;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		sim_default(&s, 5);
		s.grid_ppm = gppm[i];
		s.c_exp_us = 33000;
		s.d_exp_us = 20245;
		s.delay_ticks = 120;
		s.frames = 300;
		s.measure_from = 20;
		/* a large colour frame completes after the depth frame of its pulse */
		s.color_lag_ns = 80000000;
		sim_run(&s);
		NOTE("grid %+.0f ppm off nominal: slot off by at most %llu ticks",
		     gppm[i], (unsigned long long)s.max_tick_err);
		/* the device's own rounding of its tick counts */
		CHECK_CMP(s.max_tick_err, <=, 1);
		CHECK_EQ(s.late, 0);
		CHECK_EQ(s.bad_order, 0);
		CHECK(s.src[K4A_DGRID_COLOR] > 250);
	}
}

/*
 * The grid kept to a part of a tick: a subordinate's colour frames start
 * between ticks (its period runs 150 ppm long in its own ticks) and the
 * device reports the tick it started in; half the colour exposure less half
 * the depth exposure is 302.85 ticks. With an exact clock every depth frame
 * lies up to one tick before its true start, as the colour frame it is
 * derived from, about half a tick on average; the depth frame of odd pulses
 * arrives before the colour frame of its own pulse (timed from the one
 * before).
 */
static void t_subtick(void)
{
	const double p = 18000.0 * (1.0 + 150e-6), tick_ns = 1e9 / 90000.0;
	const double half = (8330.0 - 1600.0) * 0.09 / 2.0;
	const s32 delay = 15;
	const u64 host0 = 1000000000ULL;
	struct k4a_clock uc;
	struct k4a_dgrid g;
	struct k4a_dgrid_out o;
	double sum = 0, lo = 0, hi = -1e9;
	u64 t = 0, pts;
	u32 n, cnt = 0;

	k4a_clock_init(&uc, 90000);
	k4a_dgrid_init(&g);
	REQUIRE(!k4a_dgrid_start(&g, 5, 1600, 0, delay));
	for (n = 1; n <= 120; n++) {
		double x = 1000.3 + n * p, d = x + half + delay, err;
		u64 arrival = host0 + (u64)llround((d + 144.0) * tick_ns) + 2000000;

		/* observations without latency up to the arrival */
		for (; host0 + (u64)llround(t * tick_ns) <= arrival; t += 360)
			k4a_clock_add(&uc, t, host0 + (u64)llround(t * tick_ns));
		pts = (u64)floor(x);
		if (!(n & 1))
			k4a_dgrid_color(&g, pts, 8330000);
		k4a_dgrid_frame(&g, &uc, arrival, &o);
		if (n & 1)
			k4a_dgrid_color(&g, pts, 8330000);
		if (n <= 20 || o.source != K4A_DGRID_COLOR)
			continue;
		err = (double)o.ts_ns - (double)host0 - d * tick_ns;
		sum += err;
		cnt++;
		lo = err < lo ? err : lo;
		hi = err > hi ? err : hi;
	}
	NOTE("depth start of exposure off by %.2f..%.2f us, %.2f us on average",
	     lo / 1000, hi / 1000, sum / cnt / 1000);
	CHECK_CMP(cnt, >=, 95);
	CHECK(lo > -tick_ns - 200 && hi < 200);
	CHECK(fabs(sum / cnt + tick_ns / 2) < 1500);
}

/* Colour off: the cadence of the transfers gives the grid. */
static void t_cadence(void)
{
	static const u32 rates[] = { 30, 15, 5 };
	struct sim s;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		sim_default(&s, rates[i]);
		s.c_exp_us = 0;
		sim_run(&s);
		sim_report("cadence", &s);
		CHECK_EQ(s.late, 0);
		CHECK_EQ(s.bad_order, 0);
		CHECK_CMP(s.src[K4A_DGRID_CADENCE], >=, s.checked);
		CHECK_CMP(s.max_err_ns, <, 500000);
		CHECK_EQ(s.bursts, 0);
	}
}

/* Frames the device drops leave a gap the grid sees. */
static void t_device_drops(void)
{
	struct sim s;

	sim_default(&s, 30);
	s.drop_every = 7;
	sim_run(&s);
	sim_report("colour grid, every 7th dropped", &s);
	CHECK_EQ(s.slot_ok, s.checked);
	CHECK_CMP(s.max_err_ns, <, 200000);

	sim_default(&s, 30);
	s.c_exp_us = 0;
	s.drop_every = 7;
	sim_run(&s);
	sim_report("cadence, every 7th dropped", &s);
	CHECK_CMP(s.max_err_ns, <, 500000);
	CHECK_EQ(s.late, 0);
	CHECK_EQ(s.bad_order, 0);
}

/*
 * A stall: several transfers complete at once. They are flagged, claim no
 * lock, stay before their arrival and in order, and the frames after are
 * right again.
 */
static void t_stall(void)
{
	struct sim s;

	sim_default(&s, 30);
	s.stall_at = 200;
	s.stall_len = 4;
	sim_run(&s);
	sim_report("colour grid, 4-frame stall", &s);
	CHECK_CMP(s.bursts, >=, 1);
	/* the frames around it still say locked; the bursts do not */
	CHECK_CMP(s.locked, >, s.timed / 2);
	CHECK_EQ(s.locked_bad, 0);
	CHECK_EQ(s.late, 0);
	CHECK_EQ(s.bad_order, 0);
	CHECK_EQ(s.slot_ok, s.checked);
	CHECK_CMP(s.max_err_ns, <, 200000);

	sim_default(&s, 30);
	s.c_exp_us = 0;
	s.stall_at = 200;
	s.stall_len = 4;
	sim_run(&s);
	sim_report("cadence, 4-frame stall", &s);
	CHECK_CMP(s.bursts, >=, 1);
	CHECK_EQ(s.locked_bad, 0);
	CHECK_EQ(s.late, 0);
	CHECK_EQ(s.bad_order, 0);
	CHECK_CMP(s.max_err_ns, <, 500000);
}

/* Before any grid: the arrival bound. */
static void t_bound(void)
{
	struct k4a_clock uc;
	struct k4a_dgrid g;
	struct k4a_dgrid_out o;

	k4a_clock_init(&uc, 90000);
	k4a_dgrid_init(&g);
	REQUIRE(!k4a_dgrid_start(&g, 30, 12725, 10000000, 0));
	k4a_dgrid_frame(&g, &uc, 1000000000ULL, &o);
	CHECK_EQ(o.source, K4A_DGRID_BOUND);
	CHECK_EQ_U64(o.ts_ns, 1000000000ULL - 10000000 - 12725000);
	CHECK_EQ(o.clamped, false);
	/* Arrival earlier than exposure plus transfer: saturates at 0. */
	REQUIRE(!k4a_dgrid_start(&g, 30, 12725, 10000000, 0));
	k4a_dgrid_frame(&g, &uc, 5000, &o);
	CHECK_EQ_U64(o.ts_ns, 0);
	k4a_dgrid_frame(&g, &uc, 4000, &o);	/* time going back: clamped */
	CHECK_EQ_U64(o.ts_ns, 0);
}

/* The device clock restarts (colour start) while depth runs. */
static void t_clock_reset(void)
{
	struct k4a_clock uc;
	struct k4a_dgrid g;
	struct k4a_dgrid_out o;
	u64 t, last = 0, late = 0, back = 0, color = 0, n;

	k4a_clock_init(&uc, 90000);
	k4a_dgrid_init(&g);
	REQUIRE(!k4a_dgrid_start(&g, 30, 12725, 10000000, 0));
	/* 5 s on a clock at tick 10^7, then a restart to 0. */
	for (n = 0; n < 300; n++) {
		u64 dev = (n < 150 ? 10000000 : 0) + (n % 150) * 3000;

		t = 2000000000ULL + n * 33333333ULL;
		if (n == 150) {
			k4a_clock_reset(&uc);
			k4a_dgrid_clock_reset(&g);
		}
		k4a_clock_add(&uc, dev, t - 20000000);
		k4a_dgrid_color(&g, dev, 10000000);
		k4a_dgrid_frame(&g, &uc, t, &o);
		if (o.ts_ns > t)
			late++;
		if (o.ts_ns < last)
			back++;
		if (o.source == K4A_DGRID_COLOR)
			color++;
		last = o.ts_ns;
	}
	CHECK_EQ(late, 0);
	CHECK_EQ(back, 0);
	CHECK_CMP(color, >, 200);
}

/* Random input: never after the arrival, never backwards. */
static void t_random(void)
{
	struct k4a_clock uc;
	struct k4a_dgrid g;
	struct k4a_dgrid_out o;
	u64 t = 1000, last, bad = 0;
	unsigned int i, r;

	rng_state = 12345;
	for (r = 0; r < 50; r++) {
		k4a_clock_init(&uc, 90000);
		k4a_dgrid_init(&g);
		REQUIRE(!k4a_dgrid_start(&g, 30, 1600, urand(20000000),
					  (s32)urand(6000) - 3000));
		last = 0;
		for (i = 0; i < 2000; i++) {
			t += urand(100000000);
			switch (urand(4)) {
			case 0:
				k4a_clock_add(&uc, urand(1ULL << 34), t);
				break;
			case 1:
				k4a_dgrid_color(&g, urand(1ULL << 34),
						urand(3000000000ULL));
				break;
			case 2:
				if (!urand(50))
					k4a_dgrid_clock_reset(&g);
				break;
			default:
				k4a_dgrid_frame(&g, &uc, t, &o);
				if (o.ts_ns > t || o.ts_ns < last)
					bad++;
				last = o.ts_ns;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

static void t_helpers(void)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_name("nfov_unbinned");
	struct k4a_dgrid g;

	REQUIRE(m);
	CHECK_EQ(k4a_dgrid_exposure_us(m->pulses, m->pulse_us, m->idle_us,
				       m->exposure_us), 12725);
	m = k4a_depth_mode_by_name("wfov_unbinned");
	REQUIRE(m);
	CHECK_EQ(k4a_dgrid_exposure_us(m->pulses, m->pulse_us, m->idle_us,
				       m->exposure_us), 20245);
	m = k4a_depth_mode_by_name("passive_ir");
	REQUIRE(m);
	CHECK_EQ(k4a_dgrid_exposure_us(m->pulses, m->pulse_us, m->idle_us,
				       m->exposure_us), 1600);
	CHECK_EQ(k4a_dgrid_xfer_ns(5310760, 2000), 10621520);
	CHECK_EQ(k4a_dgrid_xfer_ns(U32_MAX, U32_MAX), U32_MAX);

	k4a_dgrid_init(&g);
	CHECK_EQ(k4a_dgrid_start(&g, 7, 1000, 0, 0), -EINVAL);
	CHECK_EQ(k4a_dgrid_start(&g, 30, 40000, 0, 0), -EINVAL);
	CHECK_EQ(k4a_dgrid_start(&g, 5, 199999, 0, 0), 0);
	CHECK_EQ(g.period_ticks, 18000);
	CHECK_EQ(g.exp_ticks, 17999);
}

int main(void)
{
	RUN(t_helpers);
	RUN(t_bound);
	RUN(t_color_grid);
	RUN(t_color_delay);
	RUN(t_subordinate_grid);
	RUN(t_subtick);
	RUN(t_cadence);
	RUN(t_device_drops);
	RUN(t_stall);
	RUN(t_clock_reset);
	RUN(t_random);
	return k4a_test_done();
}
