/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_clock.h - map device clock ticks to host time (CLOCK_MONOTONIC ns).
 *
 * See Documentation/timestamps.rst for the model, the estimator and its
 * guarantees.
 */
#ifndef K4A_CLOCK_H
#define K4A_CLOCK_H

#include "k4a_types.h"

/*
 * Sliding window: K4A_CLOCK_BUCKETS buckets of 1/K4A_CLOCK_BUCKET_DIV s at
 * first. Each time the observations since the last restart fill the window,
 * the buckets are widened (pairs merged, the lower point kept), up to
 * K4A_CLOCK_WIDEN_MAX times: 16 s of 0.25 s buckets, then 32 s of 0.5 s,
 * 64 s of 1 s and 128 s of 2 s buckets.
 */
#define K4A_CLOCK_BUCKETS	64
#define K4A_CLOCK_BUCKET_DIV	4
#define K4A_CLOCK_WIDEN_MAX	3
/* The fitted rate stays within this many ppm of the nominal rate. */
#define K4A_CLOCK_MAX_PPM	1000
/*
 * Locked (k4a_clock_locked()) once the observations since the last restart
 * span this many milliseconds: the first seconds of a stream tend to arrive
 * later than the rest, a shift of the whole window that no spread of the
 * observations shows (Documentation/timestamps.rst, "Locked").
 */
#define K4A_CLOCK_LOCK_SPAN_MS	2000
/* Mapping starts once the samples span this many milliseconds ... */
#define K4A_CLOCK_MIN_SPAN_MS	500
/* ... in at least this many buckets. */
#define K4A_CLOCK_MIN_POINTS	3
/* An arrival this far before the fitted line is not physical: outlier. */
#define K4A_CLOCK_EARLY_NS	5000000
/*
 * With at least this many buckets the rate comes from weighted least
 * squares over the window's points rather than from one hull edge.
 */
#define K4A_CLOCK_LS_POINTS	8
/*
 * Sparse observations: fewer than this many per bucket on average since
 * the last restart (a stream of a few frames a second, no IMU) ...
 */
#define K4A_CLOCK_SPARSE_OBS	4
/*
 * ... and the lowest quarter of the points reaching this many times higher
 * than the lowest eighth: the floor is sharp but held by few buckets, and
 * the least-squares weights are scaled by the lowest eighth instead.
 */
#define K4A_CLOCK_SPARSE_JUMP	3
/* This many consistent suspicious observations in a row: restart. */
#define K4A_CLOCK_MAX_OUTLIERS	3
/* Consistent: within this many seconds and this many ns of nominal pace. */
#define K4A_CLOCK_CHAIN_S	2
#define K4A_CLOCK_CHAIN_TOL_NS	250000000
/* Ticks going back by more than this (ms) while host time goes on: restart */
#define K4A_CLOCK_BACKSTEP_MS	1000
/*
 * After a restart, until the window is established again, the line runs at
 * the rate measured before it through the new observations, with at least
 * this error bound (ns): their latency floor is not known yet.
 */
#define K4A_CLOCK_PRIOR_ERR_NS	1000000

/*
 * Rate sharing across a rig (Documentation/timestamps.rst, "One rate for
 * the rig"). The frames of the units one sync pulse train triggers tell
 * each unit's clock rate relative to the train's source exactly; with that,
 * every unit's rate measurement is a measurement of the source's rate, and
 * the rig's units fit it together. A unit's frame ratio counts once its
 * frames span this many milliseconds ...
 */
#define K4A_CLOCK_TRAIN_MIN_MS	1000
/* ... and a frame off the train by more than this (ppm) restarts it. */
#define K4A_CLOCK_TRAIN_MAX_PPM	(2 * K4A_CLOCK_MAX_PPM)
/* Units sharing one rate (struct k4a_clock_rig). */
#define K4A_CLOCK_RIG_MEMBERS	32
/*
 * The shared rate is used while it stays within this many ppb of the unit's
 * own measurement, plus this many times that measurement's uncertainty (the
 * error bound over the window's span; the rate of a window's fit scatters
 * by several of those where the floor is seldom reached).
 */
#define K4A_CLOCK_RIG_TOL_PPB	5000
#define K4A_CLOCK_RIG_TOL_ERR	8
/*
 * A unit's measurement counts less, with the square, where its window's
 * lowest points scatter by more than this many ns.
 */
#define K4A_CLOCK_RIG_SCATTER_NS	50000

/**
 * struct k4a_clock_pt - one observation
 * @dev: device time in ticks
 * @host: host arrival time in ns
 */
struct k4a_clock_pt {
	u64 dev;
	u64 host;
};

/* Frames averaged at each end of the train (a power of two). */
#define K4A_CLOCK_TRAIN_BLOCK	16

/**
 * struct k4a_clock_train - the frames a sync pulse train triggered
 * @period: nominal frame period in device ticks (0: not tracked)
 * @frames: frames on the train since it (re)started
 * @periods: nominal periods from the first of them to the last
 * @first: ticks of the first of them
 * @last: ticks of the last of them
 * @sum_k: sum of the period numbers (since @first) of the first
 *         K4A_CLOCK_TRAIN_BLOCK frames
 * @sum_r: sum of their residuals: ticks since @first minus the nominal
 *         ticks of their period numbers
 * @k: period numbers of the last K4A_CLOCK_TRAIN_BLOCK frames (ring,
 *     indexed by frame count)
 * @r: their residuals
 */
struct k4a_clock_train {
	u32 period;
	u32 frames;
	u64 periods;
	u64 first;
	u64 last;
	u64 sum_k;
	s64 sum_r;
	u32 k[K4A_CLOCK_TRAIN_BLOCK];
	s32 r[K4A_CLOCK_TRAIN_BLOCK];
};

/**
 * enum k4a_clock_role - what a unit is in its rig
 * @K4A_CLOCK_ROLE_NONE: not in a rig (standalone, or not streaming)
 * @K4A_CLOCK_ROLE_MASTER: its own frame grid makes the pulses
 * @K4A_CLOCK_ROLE_SUBORDINATE: pulses on Sync In trigger its frames
 */
enum k4a_clock_role {
	K4A_CLOCK_ROLE_NONE,
	K4A_CLOCK_ROLE_MASTER,
	K4A_CLOCK_ROLE_SUBORDINATE,
};

/**
 * struct k4a_clock_rig_member - one unit's share of the rig's rate
 * @role: enum k4a_clock_role
 * @valid: @rate_ppb and @weight hold a measurement
 * @rate_ppb: the unit's measured rate, expressed as the rate of the pulse
 *            source's clock: host time per source tick relative to nominal,
 *            parts per billion
 * @weight: how much the measurement counts (see k4a_clock_rig_update())
 */
struct k4a_clock_rig_member {
	u8 role;
	bool valid;
	s32 rate_ppb;
	u32 weight;
};

/**
 * struct k4a_clock_rig - the units whose rates are fitted together
 * @m: one slot per unit
 *
 * No locking of its own: the caller serialises k4a_clock_rig_update() and
 * k4a_clock_rig_leave() calls on one rig.
 */
struct k4a_clock_rig {
	struct k4a_clock_rig_member m[K4A_CLOCK_RIG_MEMBERS];
};

/**
 * struct k4a_clock - per-unit device-to-host clock estimator
 * @hz: nominal device clock frequency
 * @bucket_ticks: width of one window bucket in ticks (doubled by each
 *                widening)
 * @first_b: bucket number (at the current width) of the first observation
 *           accepted since the last reset
 * @pt: lowest observation of each bucket (ring indexed by bucket number)
 * @bucket: bucket number held by each @pt slot, valid if @used has its bit
 * @used: bit i set if @pt[i] holds a sample
 * @newest: highest bucket number seen since the last reset
 * @fit_valid: @ref/@skew_q32 describe a usable line
 * @ref: an observation on the fitted line (all window samples lie on or above)
 * @skew_q32: fitted rate minus nominal rate, in ns per tick, Q32.32 signed
 * @hull_ref: an observation on the window's lower-envelope line (the hull
 *            edge over the window's middle), which tells observations too
 *            early to be true
 * @hull_skew_q32: that line's rate, as @skew_q32
 * @err_ns: uncertainty of a mapping near the newest sample
 * @have_mark: @mark is set
 * @mark: newest observed tick and the highest mapping handed out for it or
 *        an older tick, or for a held-back observation's newer ticks; the
 *        map is clamped around it so output never goes backwards
 * @have_last: @last is set
 * @last: the most recently added observation (raw)
 * @have_wrap: @wrap_last is set
 * @wrap_last: last value returned by k4a_clock_unwrap()
 * @have_prior: @prior_skew_q32 holds the rate of the fit before a restart:
 *              it maps until the window is established again
 * @prior_skew_q32: that rate, as @skew_q32
 * @prior_err_ns: the error bound of that fit
 * @samples: observations accepted since the last reset
 * @first_dev: ticks of the first observation accepted since the last reset
 * @acc: the most recently accepted observation
 * @n_cand: suspicious observations in a row, @cand the latest of them
 * @cand: the latest suspicious observation
 * @stat_outliers: suspicious observations held back or evicted, in total
 * @stat_restarts: restarts forced by inconsistent observations
 * @stat_jumps: those of them where the device ticks jumped (back by more
 *              than K4A_CLOCK_BACKSTEP_MS, behind the window, or ahead of
 *              the line by more than K4A_CLOCK_CHAIN_TOL_NS): the device
 *              clock changed, where the others followed a host stall (the
 *              window held only late observations)
 * @stat_conflicts: adds where the never-in-the-future bound overrode the
 *                  never-backwards bound (inconsistent input)
 * @train: the frames of the pulse train that triggers this unit
 * @own_valid: @own_ppb and @own_w hold this window's own rate measurement
 * @own_ppb: that rate (weighted least squares), relative to nominal, ppb
 * @own_w: its weight: the weighted spread of the window's ticks over the
 *         square of its points' scatter (k4a_clock_weight())
 * @fits: fits done, so that a caller sees when @own_ppb changed
 * @hint_valid: @hint_sum and @hint_w hold the other units' measurements
 * @hint_sum: their rates as the source's (rate_ppb) times their weights
 * @hint_w: the sum of their weights
 * @shared: the fitted line runs at the rig's shared rate
 * @stat_refused: fits where the shared rate was too far from the own one
 * @e_ns: scratch: how far the lowest quarter of the points reaches above the
 *        lowest, in the last least-squares weighing (k4a_clock_weigh())
 * @n: scratch: number of points in @x/@y
 * @x: scratch: window points, ticks after the first one
 * @y: scratch: window points, ns after the first one minus nominal time
 * @hull: scratch: indices of the lower convex hull of @x/@y
 * @w: scratch: the points' weights in a least-squares pass
 * @res: scratch: residuals of those points
 * @wpt: scratch: the merged points while the buckets are widened
 * @wbucket: scratch: their bucket numbers
 *
 * Fixed size, no allocation, no locking: the caller serialises all calls
 * for one clock (k4a_clock_map() only reads and may run concurrently with
 * other readers).
 */
struct k4a_clock {
	u32 hz;
	u32 bucket_ticks;
	u64 first_b;
	struct k4a_clock_pt pt[K4A_CLOCK_BUCKETS];
	u64 bucket[K4A_CLOCK_BUCKETS];
	u64 used;
	u64 newest;
	bool fit_valid;
	struct k4a_clock_pt ref;
	s64 skew_q32;
	struct k4a_clock_pt hull_ref;
	s64 hull_skew_q32;
	u32 err_ns;
	bool have_mark;
	struct k4a_clock_pt mark;
	bool have_last;
	struct k4a_clock_pt last;
	bool have_wrap;
	u64 wrap_last;
	bool have_prior;
	s64 prior_skew_q32;
	u32 prior_err_ns;
	u32 samples;
	u64 first_dev;
	struct k4a_clock_pt acc;
	u32 n_cand;
	struct k4a_clock_pt cand;
	u32 stat_outliers;
	u32 stat_restarts;
	u32 stat_jumps;
	u32 stat_conflicts;
	struct k4a_clock_train train;
	bool own_valid;
	s32 own_ppb;
	u32 own_w;
	u32 fits;
	bool hint_valid;
	s64 hint_sum;
	u64 hint_w;
	bool shared;
	u32 stat_refused;
	u64 e_ns;
	u32 n;
	u32 x[K4A_CLOCK_BUCKETS];
	s64 y[K4A_CLOCK_BUCKETS];
	u8 hull[K4A_CLOCK_BUCKETS];
	u8 w[K4A_CLOCK_BUCKETS];
	s64 res[K4A_CLOCK_BUCKETS];
	struct k4a_clock_pt wpt[K4A_CLOCK_BUCKETS];
	u64 wbucket[K4A_CLOCK_BUCKETS];
};

void k4a_clock_init(struct k4a_clock *c, u32 nominal_hz);
void k4a_clock_reset(struct k4a_clock *c);
u64 k4a_clock_unwrap(struct k4a_clock *c, u32 ticks32);
void k4a_clock_add(struct k4a_clock *c, u64 dev_ticks, u64 host_ns);
int k4a_clock_map(const struct k4a_clock *c, u64 dev_ticks, u64 *host_ns);
u32 k4a_clock_error_ns(const struct k4a_clock *c);
bool k4a_clock_ready(const struct k4a_clock *c);
bool k4a_clock_locked(const struct k4a_clock *c);
s32 k4a_clock_ppm_x1000(const struct k4a_clock *c);
void k4a_clock_train_start(struct k4a_clock *c, u32 period_ticks);
void k4a_clock_frame(struct k4a_clock *c, u64 dev_ticks);
bool k4a_clock_train_ratio(const struct k4a_clock *c, s32 *ppb);
void k4a_clock_rig_update(struct k4a_clock_rig *r, u32 slot, u8 role,
			  struct k4a_clock *c);
void k4a_clock_rig_leave(struct k4a_clock_rig *r, u32 slot);

#endif /* K4A_CLOCK_H */
