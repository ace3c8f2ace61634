// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_dgrid.c - timing of raw depth frames.
 *
 * A depth frame enters the device's buffer when its exposure ends and
 * reaches the host as one bulk transfer; the driver learns only when that
 * transfer completed (its arrival). The exposures lie on a grid of one frame
 * period:
 *
 * - while colour runs, the colour frame grid: the device centre-aligns depth
 *   with colour and shifts it by the depth delay, so the depth exposure of a
 *   slot starts at colour_start + (colour_exp - depth_exp) / 2 + delay, in
 *   device ticks, which the unit's clock maps to host time (the grid is
 *   kept to 1/65536 tick: the colour frames are whole ticks apart only on
 *   the master, and the half exposures and the period are fractions);
 * - with colour off, the depth sensor's own cadence: slot numbers times the
 *   period, fitted against the arrivals by a second clock estimator (lower
 *   envelope: the quickest transfers pin the line).
 *
 * A transfer holds the latest frame whose exposure ended before it arrived:
 * a frame is sent once its exposure ended, and on a working link its
 * transfer takes less than a frame period. Slots only move forward: a
 * transfer that completes before a slot of its own is free (several
 * completed in a burst behind a stall) takes the slot after the previous
 * frame's, and its time is clamped to its arrival.
 *
 * Guarantees, for any input: a timestamp is never later than the arrival of
 * its transfer and never earlier than the previous frame's timestamp.
 */
#include "k4a_dgrid.h"
#include "k4a_modes.h"

#define K4A_NS_PER_S	1000000000U

/**
 * k4a_dgrid_init() - set up a depth timing state
 * @g: state
 */
void k4a_dgrid_init(struct k4a_dgrid *g)
{
	memset(g, 0, sizeof(*g));
	k4a_clock_init(&g->cad, K4A_TICK_HZ);
}

/**
 * k4a_dgrid_start() - a depth stream starts
 * @g: state
 * @fps: frame rate of the unit
 * @exp_us: depth exposure of the mode, microseconds
 * @xfer_ns: shortest time the transfer of one frame can take
 * @delay_ticks: the unit's depth delay off colour, device ticks (the sync
 *               settings do not change while a stream runs)
 *
 * Forgets the previous stream's frames; what the colour stream told about
 * the grid stays valid until the device clock restarts.
 *
 * Return: 0, or -EINVAL for an unsupported rate or an exposure longer than
 * a frame period.
 */
int k4a_dgrid_start(struct k4a_dgrid *g, u32 fps, u32 exp_us, u32 xfer_ns,
		    s32 delay_ticks)
{
	if (!k4a_fps_valid(fps) || exp_us > k4a_frame_period_us(fps))
		return -EINVAL;
	g->period_ticks = k4a_frame_period_ticks(fps);
	g->period_ns = K4A_NS_PER_S / fps;
	g->exp_ticks = (u32)k4a_us_to_ticks(exp_us);
	/* exp_us <= a frame period (1 s at most): the product fits */
	g->exp_q16 = k4a_div_u64((u64)exp_us * K4A_TICK_HZ << 16, 1000000U);
	g->exp_ns = exp_us * 1000U;
	g->xfer_ns = xfer_ns;
	g->delay = delay_ticks;
	g->have_last = false;
	k4a_clock_reset(&g->cad);
	g->have_slot = false;
	g->have_ts = false;
	g->stat_frames = 0;
	g->stat_bursts = 0;
	g->stat_clamped = 0;
	return 0;
}

/**
 * k4a_dgrid_exposure_us() - exposure of a depth mode from its layout
 * @pulses: laser pulses per exposure (0: passive)
 * @pulse_us: length of one pulse
 * @idle_us: idle time between two pulses
 * @exposure_us: exposure of a passive mode
 *
 * Return: the time from the first pulse's start to the last pulse's end,
 * or @exposure_us for a passive mode.
 */
u32 k4a_dgrid_exposure_us(u32 pulses, u32 pulse_us, u32 idle_us,
			  u32 exposure_us)
{
	u64 us;

	if (!pulses)
		return exposure_us;
	us = (u64)pulses * pulse_us + (u64)(pulses - 1) * idle_us;
	return us > U32_MAX ? U32_MAX : (u32)us;
}

/**
 * k4a_dgrid_xfer_ns() - shortest transfer time of a frame
 * @bytes: frame size
 * @ps_per_byte: the link's fastest payload rate, picoseconds per byte
 *
 * Return: nanoseconds, saturated.
 */
u32 k4a_dgrid_xfer_ns(u32 bytes, u32 ps_per_byte)
{
	u64 ns = (u64)bytes * ps_per_byte / 1000U;

	return ns > U32_MAX ? U32_MAX : (u32)ns;
}

/**
 * k4a_dgrid_color() - a colour frame with a device timestamp was seen
 * @g: state
 * @soe_ticks: its start of exposure, device ticks
 * @exp_ns: its exposure, ns
 */
void k4a_dgrid_color(struct k4a_dgrid *g, u64 soe_ticks, u64 exp_ns)
{
	u64 p = g->period_ticks, d, n;

	/* Far beyond any clock the estimator maps: not a usable anchor. */
	if (soe_ticks > (1ULL << 48))
		return;
	/*
	 * Count the frame periods since the first frame of the run, so that
	 * the grid's period in this unit's ticks is known: a subordinate's
	 * frames follow its master's clock, not its own.
	 */
	n = 0;
	if (g->have_color && p && soe_ticks > g->c_soe) {
		d = soe_ticks - g->c_soe;
		n = k4a_div64_u64(d + p / 2, p);
		if (!n || n > U32_MAX - g->c_periods ||
		    (d > n * p ? d - n * p : n * p - d) >
		    k4a_div_u64(n * p * K4A_DGRID_GRID_PPM, 1000000))
			n = 0;
	}
	if (n) {
		g->c_periods += (u32)n;
	} else {
		g->c_first = soe_ticks;
		g->c_periods = 0;
	}
	g->have_color = true;
	g->c_soe = soe_ticks;
	/* a longer exposure than a second is no frame's: clamp, no overflow */
	if (exp_ns > K4A_NS_PER_S)
		exp_ns = K4A_NS_PER_S;
	g->c_exp_q16 = k4a_div_u64(exp_ns * K4A_TICK_HZ << 16, K4A_NS_PER_S);
}

/*
 * The grid's period in this unit's device ticks, Q16: measured over the
 * colour frames of the run once they span K4A_DGRID_GRID_PERIODS periods,
 * else nominal.
 */
static u64 k4a_dgrid_period_q16(const struct k4a_dgrid *g)
{
	if (g->c_periods < K4A_DGRID_GRID_PERIODS)
		return (u64)g->period_ticks << 16;
	return k4a_div64_u64((g->c_soe - g->c_first) << 16, g->c_periods);
}

/**
 * k4a_dgrid_clock_reset() - the device clock restarts
 * @g: state
 *
 * The colour grid and the slots on it are forgotten until the next colour
 * frame.
 */
void k4a_dgrid_clock_reset(struct k4a_dgrid *g)
{
	g->have_color = false;
	g->have_last = false;
}

/* Nanoseconds to device ticks, nominal rate, without overflow. */
static u64 k4a_dgrid_ns_to_ticks(u64 ns)
{
	u32 rem;
	u64 q = k4a_div_u64_rem(ns, 100000U, &rem);

	return q * 9U + (u64)rem * 9U / 100000U;
}

/*
 * floor(v / 2^16) of the Q16 value v = -@mag (if @neg) or @mag, and the
 * rest, v minus that times 2^16, in @frac: [0, 2^16).
 */
static s64 k4a_q16_floor(bool neg, u64 mag, u32 *frac)
{
	if (!neg) {
		*frac = (u32)(mag & 0xffff);
		return (s64)(mag >> 16);
	}
	*frac = (u32)(-mag & 0xffff);
	return -(s64)((mag + 0xffff) >> 16);
}

/*
 * Start of exposure of grid point @k (signed) of the grid through @a plus
 * @af / 2^16 ticks with period @p16 (Q16): its whole device ticks in
 * @ticks, the rest in @frac (Q16, below one tick).
 */
static bool k4a_dgrid_point(s64 a, u32 af, u64 p16, s64 k, u64 *ticks,
			    u32 *frac)
{
	u64 m = (u64)(k < 0 ? -k : k) * p16;
	s64 off;

	/* af + k * p16 */
	if (k >= 0)
		off = k4a_q16_floor(false, m + af, frac);
	else if (m > af)
		off = k4a_q16_floor(true, m - af, frac);
	else
		off = k4a_q16_floor(false, af - m, frac);
	if (a + off < 0)
		return false;
	*ticks = (u64)(a + off);
	return true;
}

/* Where the exposure of grid point @k ends, in host time. */
static int k4a_dgrid_eoe(const struct k4a_dgrid *g, const struct k4a_clock *c,
			 s64 a, u32 af, u64 p16, s64 k, u64 *ns)
{
	u64 t;
	u32 frac;

	if (!k4a_dgrid_point(a, af, p16, k, &t, &frac))
		return -ERANGE;
	return k4a_clock_map(c, t + g->exp_ticks, ns);
}

/*
 * The slot on the colour grid of a transfer that arrived at @arrival: the
 * latest grid point whose exposure ended, in host time, by then. The grid
 * runs through the latest colour frame's depth exposure (centre-aligned,
 * shifted by the depth delay) with the period measured from the colour
 * frames (k4a_dgrid_period_q16()).
 */
static bool k4a_dgrid_color_slot(const struct k4a_dgrid *g,
				 const struct k4a_clock *c, u64 arrival,
				 u64 *ticks, u32 *frac)
{
	u64 p = g->period_ticks, p16, ref, est, ns;
	s64 a, k, e, off;
	u32 i, af;

	if (!g->have_color || !p)
		return false;
	p16 = k4a_dgrid_period_q16(g);
	/* Q16 ticks off the colour start: |off| < 2^35, no overflow */
	off = ((s64)g->c_exp_q16 - (s64)g->exp_q16) / 2 +
	      (s64)g->delay * 65536;
	a = (s64)g->c_soe + k4a_q16_floor(off < 0, off < 0 ? -(u64)off :
					  (u64)off, &af);

	/* Estimate at the nominal rate from the colour frame, then refine. */
	if (k4a_clock_map(c, g->c_soe, &ref))
		return false;
	if (arrival >= ref) {
		est = g->c_soe + k4a_dgrid_ns_to_ticks(arrival - ref);
	} else {
		est = k4a_dgrid_ns_to_ticks(ref - arrival);
		est = est < g->c_soe ? g->c_soe - est : 0;
	}
	if (est > (1ULL << 48))
		return false;
	/* floor((est - exp - a) / p), for either sign */
	e = (s64)est - (s64)g->exp_ticks - a;
	k = k4a_div64_s64(e, (s64)p);
	if (k * (s64)p > e)
		k--;
	/* Not a frame of this run's grid; and k * p16 must fit in 64 bits. */
	if (k > (1LL << 32) || k < -(1LL << 32))
		return false;
	for (i = 0; i < K4A_DGRID_MAX_STEPS; i++) {
		if (k4a_dgrid_eoe(g, c, a, af, p16, k, &ns))
			return false;	/* no exposure had ended yet */
		if (ns <= arrival)
			break;
		k--;
	}
	if (i == K4A_DGRID_MAX_STEPS)
		return false;
	for (i = 0; i < K4A_DGRID_MAX_STEPS; i++) {
		if (k4a_dgrid_eoe(g, c, a, af, p16, k + 1, &ns) || ns > arrival)
			break;
		k++;
	}
	return k4a_dgrid_point(a, af, p16, k, ticks, frac);
}

/*
 * The cadence slot of a transfer, counted from the first frame of the
 * stream: once the cadence estimator has a line, the latest slot whose
 * fitted arrival is at most a quarter period after @arrival (the line is
 * the quickest arrivals' floor, and a slot's transfer arrives on or just
 * above it); before, by the spacing of the arrivals. A transfer with no
 * slot of its own after the previous frame's (a burst) shares that slot.
 */
static u64 k4a_dgrid_cad_slot(struct k4a_dgrid *g, u64 arrival, bool *burst)
{
	u64 p = g->period_ticks, prev = g->slot, s, ns, gap, lim;
	u32 i;

	*burst = false;
	if (!g->have_slot)
		return 0;
	lim = arrival + g->period_ns / 4;
	if (!k4a_clock_map(&g->cad, prev * p, &ns)) {
		s = prev;
		if (lim > ns)
			s += k4a_div64_u64(lim - ns, g->period_ns);
		for (i = 0; i < K4A_DGRID_MAX_STEPS && s > prev; i++) {
			if (!k4a_clock_map(&g->cad, s * p, &ns) && ns <= lim)
				break;
			s--;
		}
		for (i = 0; i < K4A_DGRID_MAX_STEPS; i++) {
			if (k4a_clock_map(&g->cad, (s + 1) * p, &ns) ||
			    ns > lim)
				break;
			s++;
		}
	} else {
		gap = arrival > g->last_arrival ? arrival - g->last_arrival : 0;
		s = prev + k4a_div64_u64(gap + g->period_ns / 2, g->period_ns);
	}
	if (s <= prev) {
		*burst = true;
		return prev;
	}
	/* Slot ticks stay far below what the estimator can map. */
	return s > (1ULL << 40) ? 1ULL << 40 : s;
}

/**
 * k4a_dgrid_frame() - time a depth frame whose transfer just completed
 * @g: state, started
 * @unit_clock: the unit's device-to-host clock (fed by the colour stream)
 * @arrival_ns: completion time of the transfer, host ns
 * @out: result
 *
 * Uses the colour grid when a colour frame told where it lies and the
 * unit's clock maps; else the depth cadence once it is fitted; else the
 * upper bound from the arrival.
 */
void k4a_dgrid_frame(struct k4a_dgrid *g, const struct k4a_clock *unit_clock,
		     u64 arrival_ns, struct k4a_dgrid_out *out)
{
	u64 p = g->period_ticks, ticks = 0, ts = 0, slot, ns, lower;
	bool cburst, burst = false, done = false;
	u32 frac = 0;

	memset(out, 0, sizeof(*out));

	/* The cadence follows every frame, so it is ready when needed. */
	slot = k4a_dgrid_cad_slot(g, arrival_ns, &cburst);
	if (!cburst)
		k4a_clock_add(&g->cad, slot * p, arrival_ns);
	g->have_slot = true;
	g->slot = slot;
	g->last_arrival = arrival_ns;

	if (k4a_dgrid_color_slot(g, unit_clock, arrival_ns, &ticks, &frac)) {
		if (g->have_last && ticks < g->last_ticks + p / 2 &&
		    ticks + K4A_DGRID_RESTART_PERIODS * p > g->last_ticks) {
			/* No slot after the previous frame's yet: share it. */
			ticks = g->last_ticks;
			frac = g->last_frac;
			burst = true;
		}
		if (!k4a_clock_map(unit_clock, ticks, &ts)) {
			/* the part of a tick: 1e9 / (90000 * 2^16) ns each */
			ts += k4a_div_u64((u64)frac * 100000U, 589824U);
			g->have_last = true;
			g->last_ticks = ticks;
			g->last_frac = frac;
			out->ticks = ticks;
			out->source = K4A_DGRID_COLOR;
			out->err_ns = k4a_clock_error_ns(unit_clock);
			out->ppm_x1000 = k4a_clock_ppm_x1000(unit_clock);
			out->locked = k4a_clock_locked(unit_clock);
			done = true;
		}
	}
	if (!done && !k4a_clock_map(&g->cad, slot * p, &ns)) {
		lower = (u64)g->xfer_ns + g->exp_ns;
		ts = ns > lower ? ns - lower : 0;
		burst = cburst;
		out->source = K4A_DGRID_CADENCE;
		out->err_ns = k4a_clock_error_ns(&g->cad);
		out->ppm_x1000 = k4a_clock_ppm_x1000(&g->cad);
		out->locked = k4a_clock_locked(&g->cad);
		done = true;
	}
	if (!done) {
		lower = (u64)g->xfer_ns + g->exp_ns;
		ts = arrival_ns > lower ? arrival_ns - lower : 0;
		burst = cburst;
		out->source = K4A_DGRID_BOUND;
	}

	if (ts > arrival_ns) {
		ts = arrival_ns;
		out->clamped = true;
	}
	if (g->have_ts && ts < g->last_ts) {
		ts = g->last_ts;
		out->clamped = true;
	}
	g->have_ts = true;
	g->last_ts = ts;
	out->ts_ns = ts;
	out->burst = burst;
	/* a shared slot or a clamped time is not the frame's: no claim */
	if (burst || out->clamped)
		out->locked = false;
	g->stat_frames++;
	if (burst)
		g->stat_bursts++;
	if (out->clamped)
		g->stat_clamped++;
}
