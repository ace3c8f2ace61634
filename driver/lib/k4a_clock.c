// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_clock.c - map device clock ticks to host time (CLOCK_MONOTONIC ns).
 *
 * Model: an observation is (d, a): device ticks d of an event and the host
 * time a at which the host learnt about it. a = T(d) + L where T is the
 * unknown affine map from device ticks to host time (offset and a rate that
 * differs from nominal by up to a few hundred ppm) and L >= 0 is the
 * delivery latency, which has a floor and an unbounded, often heavy tail.
 * The floor carries the information, so T is estimated as the lower
 * envelope of the observations: the line that lies on or below every
 * sample of a sliding window and is as high as possible at a chosen point
 * (a linear program whose optimum is an edge of the window's lower convex
 * hull). Documentation/timestamps.rst explains the choices and figures.
 *
 * All arithmetic is integer. Points inside the window are stored relative
 * to the window's first point (x in ticks, y in ns minus nominal time), so
 * the geometry works on small numbers; the rate is kept as a Q32.32
 * deviation from nominal in ns per tick.
 */
#include "k4a_clock.h"

#define NSEC_PER_SEC_U64	1000000000ULL
/* Residuals are clamped to +-2^30 ns so the hull arithmetic cannot overflow. */
#define K4A_CLOCK_Y_LIMIT	1073741824LL
/* Least-squares weights: 16, 8, 4, 2, 1, then 0 (k4a_clock_weigh()) */
#define K4A_CLOCK_LS_LEVELS	5
/* ... in steps of at least this many ns. */
#define K4A_CLOCK_LS_SLACK_NS	1000
/* Distances (as nominal ns) beyond 2^62 are refused by k4a_clock_map(). */
#define K4A_CLOCK_NS_LIMIT	4611686018427387904ULL
#define K4A_CLOCK_HZ_MIN	1000U
#define K4A_CLOCK_HZ_MAX	10000000U

static u64 sat_add_u64(u64 a, u64 b)
{
	return a > U64_MAX - b ? U64_MAX : a + b;
}

/* (a * b) >> 32 for unsigned operands, saturating at U64_MAX. */
static u64 mul_shr32(u64 a, u64 b)
{
	u64 ah = a >> 32, al = (u32)a, bh = b >> 32, bl = (u32)b;
	u64 hh = ah * bh, r;

	if (hh >> 32)
		return U64_MAX;
	r = hh << 32;
	r = sat_add_u64(r, ah * bl);
	r = sat_add_u64(r, al * bh);
	r = sat_add_u64(r, (al * bl) >> 32);
	return r;
}

static u64 abs_s64(s64 v)
{
	return v < 0 ? 0 - (u64)v : (u64)v;
}

static s64 sat_s64(bool neg, u64 mag)
{
	if (mag > (u64)S64_MAX)
		return neg ? S64_MIN : S64_MAX;
	return neg ? -(s64)mag : (s64)mag;
}

/* x * q / 2^32, signed, truncated toward zero, saturating. */
static s64 mul_q32(s64 x, s64 q)
{
	return sat_s64((x < 0) != (q < 0), mul_shr32(abs_s64(x), abs_s64(q)));
}

/* Nominal host nanoseconds for @dt ticks, exact, saturating. */
static u64 nominal_ns(const struct k4a_clock *c, u64 dt)
{
	u32 rem;
	u64 q = k4a_div_u64_rem(dt, c->hz, &rem);

	if (q > U64_MAX / NSEC_PER_SEC_U64)
		return U64_MAX;
	return sat_add_u64(q * NSEC_PER_SEC_U64,
			   k4a_div_u64((u64)rem * NSEC_PER_SEC_U64, c->hz));
}

static s64 nominal_ns_s(const struct k4a_clock *c, s64 dt)
{
	return sat_s64(dt < 0, nominal_ns(c, abs_s64(dt)));
}

/* Host-time offset of a line of skew @skew @dt ticks after its reference. */
static s64 skew_offset(const struct k4a_clock *c, s64 skew, s64 dt)
{
	s64 a = nominal_ns_s(c, dt), b = mul_q32(dt, skew);

	if (b > 0 && a > S64_MAX - b)
		return S64_MAX;
	if (b < 0 && a < S64_MIN - b)
		return S64_MIN;
	return a + b;
}

/* Host-time offset of the fitted line @dt ticks after the reference. */
static s64 line_offset(const struct k4a_clock *c, s64 dt)
{
	return skew_offset(c, c->skew_q32, dt);
}

/*
 * The line through @ref with skew @skew at @dev; false if @dev is absurdly
 * far from the reference.
 */
static bool ref_line_at(const struct k4a_clock *c,
			const struct k4a_clock_pt *ref, s64 skew, u64 dev,
			u64 *host)
{
	u64 dist = dev >= ref->dev ? dev - ref->dev : ref->dev - dev;
	s64 off;

	/* Beyond 2^62 ns (146 years) of nominal time: refuse, never wrap. */
	if (nominal_ns(c, dist) > K4A_CLOCK_NS_LIMIT)
		return false;
	off = skew_offset(c, skew, dev >= ref->dev ? (s64)dist : -(s64)dist);
	if (off >= 0)
		*host = sat_add_u64(ref->host, (u64)off);
	else
		*host = abs_s64(off) > ref->host ?
			0 : ref->host - abs_s64(off);
	return true;
}

/* The fitted line at @dev; false if @dev is absurdly far from the reference. */
static bool line_at(const struct k4a_clock *c, u64 dev, u64 *host)
{
	return ref_line_at(c, &c->ref, c->skew_q32, dev, host);
}

/* The window's lower envelope (see k4a_clock_fit()) at @dev. */
static bool hull_at(const struct k4a_clock *c, u64 dev, u64 *host)
{
	return ref_line_at(c, &c->hull_ref, c->hull_skew_q32, dev, host);
}

/**
 * k4a_clock_init() - set up an estimator
 * @c: estimator
 * @nominal_hz: nominal device clock frequency (90000 for the Azure Kinect;
 *              values outside 1 kHz..10 MHz are replaced by 90000)
 */
void k4a_clock_init(struct k4a_clock *c, u32 nominal_hz)
{
	memset(c, 0, sizeof(*c));
	if (nominal_hz < K4A_CLOCK_HZ_MIN || nominal_hz > K4A_CLOCK_HZ_MAX)
		nominal_hz = 90000;
	c->hz = nominal_hz;
	c->bucket_ticks = nominal_hz / K4A_CLOCK_BUCKET_DIV;
}

/**
 * k4a_clock_reset() - forget every observation
 * @c: estimator
 *
 * For a device clock reset (colour start, first sync pulse): the device
 * counts from zero again, so old observations and the monotonic guard no
 * longer apply. The mapping is unavailable (-EAGAIN) until enough new
 * observations arrive. Statistics are kept.
 */
void k4a_clock_reset(struct k4a_clock *c)
{
	c->have_prior = false;
	c->used = 0;
	c->newest = 0;
	c->bucket_ticks = c->hz / K4A_CLOCK_BUCKET_DIV;
	c->first_b = 0;
	c->fit_valid = false;
	c->skew_q32 = 0;
	c->err_ns = U32_MAX;
	c->have_mark = false;
	c->have_last = false;
	c->have_wrap = false;
	c->samples = 0;
	c->n_cand = 0;
	c->n = 0;
	k4a_clock_train_start(c, c->train.period);
	c->own_valid = false;
	c->hint_valid = false;
	c->shared = false;
}

/*
 * Observations contradicted the fit (the device clock jumped, or the window
 * held only late observations and prompt ones came): start again from the
 * new ones, keeping the rate measured so far (one crystal, whatever its
 * count did) so that mappings go on while the window fills again.
 */
static void k4a_clock_restart(struct k4a_clock *c, bool jump)
{
	bool prior = c->fit_valid || c->have_prior;
	s64 skew = c->fit_valid ? c->skew_q32 : c->prior_skew_q32;
	u32 err = c->fit_valid ? c->err_ns : c->prior_err_ns;

	struct k4a_clock_train train = c->train;

	k4a_clock_reset(c);
	/* the counter went on: its frames are still on the train */
	if (!jump)
		c->train = train;
	c->have_prior = prior;
	c->prior_skew_q32 = skew;
	c->prior_err_ns = err;
	c->stat_restarts++;
	if (jump)
		c->stat_jumps++;
}

/**
 * k4a_clock_unwrap() - extend a 32-bit device counter to 64 bits
 * @c: estimator (keeps the last extended value; cleared by a reset)
 * @ticks32: the counter's low 32 bits
 *
 * Successive values may move forward by up to 2^31 - 1 ticks (6.6 hours at
 * 90 kHz) or back by up to 2^31 ticks; the result follows the shortest way
 * and never goes below zero.
 *
 * Return: the 64-bit tick count.
 */
u64 k4a_clock_unwrap(struct k4a_clock *c, u32 ticks32)
{
	u32 delta;

	if (!c->have_wrap) {
		c->have_wrap = true;
		c->wrap_last = ticks32;
		return ticks32;
	}
	delta = ticks32 - (u32)c->wrap_last;
	if (delta < 0x80000000U) {
		c->wrap_last += delta;
	} else {
		u64 back = 0x100000000ULL - delta;

		c->wrap_last = back > c->wrap_last ?
			       ticks32 : c->wrap_last - back;
	}
	return c->wrap_last;
}

/* Collect the window's points in tick order into the scratch arrays. */
static void k4a_clock_collect(struct k4a_clock *c, u8 *slot)
{
	u64 first_b = c->newest >= K4A_CLOCK_BUCKETS - 1 ?
		      c->newest - (K4A_CLOCK_BUCKETS - 1) : 0;
	const struct k4a_clock_pt *p0 = NULL;
	u64 b;

	c->n = 0;
	for (b = first_b; b <= c->newest; b++) {
		u32 s = (u32)(b % K4A_CLOCK_BUCKETS);
		const struct k4a_clock_pt *p = &c->pt[s];
		s64 dy;

		if (!(c->used & (1ULL << s)) || c->bucket[s] != b)
			continue;
		if (!p0)
			p0 = p;
		/* Same window, so the tick distance is below 2^31. */
		c->x[c->n] = (u32)(p->dev - p0->dev);
		/*
		 * Wrapping difference read as signed, then made relative to
		 * nominal time (below 2^31 ticks, so below 2^62 ns for any
		 * accepted rate: no overflow unless dy is near S64_MIN).
		 */
		dy = (s64)(p->host - p0->host);
		if (dy < S64_MIN / 2)
			dy = S64_MIN / 2;
		dy -= (s64)nominal_ns(c, c->x[c->n]);
		if (dy > K4A_CLOCK_Y_LIMIT)
			dy = K4A_CLOCK_Y_LIMIT;
		if (dy < -K4A_CLOCK_Y_LIMIT)
			dy = -K4A_CLOCK_Y_LIMIT;
		c->y[c->n] = dy;
		slot[c->n] = (u8)s;
		c->n++;
	}
}

/* z-component of (a - o) x (b - o); > 0 for a counter-clockwise turn. */
static s64 cross(const struct k4a_clock *c, u32 o, u32 a, u32 b)
{
	s64 ax = (s64)c->x[a] - c->x[o], ay = c->y[a] - c->y[o];
	s64 bx = (s64)c->x[b] - c->x[o], by = c->y[b] - c->y[o];

	return ax * by - ay * bx;
}

/* Skew (Q32 ns/tick) of the segment from point i to point j, clamped. */
static s64 segment_skew(const struct k4a_clock *c, u32 i, u32 j)
{
	u64 dx = c->x[j] - c->x[i];
	s64 dy = c->y[j] - c->y[i];
	u64 lim = k4a_div_u64(nominal_ns(c, dx) * K4A_CLOCK_MAX_PPM, 1000000);
	u64 mag = abs_s64(dy);

	if (mag > lim)
		mag = lim;
	/* mag <= 2^31 * 1000 ppm of a second-scale span: the shift fits. */
	return sat_s64(dy < 0, k4a_div64_u64(mag << 32, dx));
}

/* Keep the three smallest values seen in @r (ascending). */
static void keep_smallest3(u64 *r, u64 v)
{
	if (v < r[0]) {
		r[2] = r[1];
		r[1] = r[0];
		r[0] = v;
	} else if (v < r[1]) {
		r[2] = r[1];
		r[1] = v;
	} else if (v < r[2]) {
		r[2] = v;
	}
}

/**
 * struct k4a_clock_line - a line fitted over the scratch points
 * @skew: rate deviation, Q32.32 ns per tick
 * @lo: index of the point the line touches (smallest residual)
 * @best: that residual (y - skew * x)
 * @base: length in ticks of the hull edge that gave the rate
 */
struct k4a_clock_line {
	s64 skew;
	u32 lo;
	s64 best;
	u32 base;
};

/*
 * Fit the lower envelope over the scratch points, leaving out point @skip
 * (pass c->n to use them all). Needs at least one point.
 *
 * The line below every point that is highest at the middle of the window
 * (it minimises the mean residual when the samples are spread evenly in
 * time) runs along the lower convex hull edge over the middle: its slope is
 * the rate. The highest line of that rate below every point touches the
 * point with the smallest residual (an end of that edge unless the rate
 * was clamped).
 */
static void k4a_clock_fit_line(struct k4a_clock *c, u32 skip,
			       struct k4a_clock_line *l)
{
	u32 i, h = 0, k = 0, first = skip ? 0 : 1, last = c->n - 1, mid;
	bool any = false;

	if (skip == last)
		last--;
	for (i = 0; i < c->n; i++) {
		if (i == skip)
			continue;
		while (h >= 2 &&
		       cross(c, c->hull[h - 2], c->hull[h - 1], i) <= 0)
			h--;
		c->hull[h++] = (u8)i;
	}
	mid = c->x[first] + (c->x[last] - c->x[first]) / 2;
	l->base = c->x[last] - c->x[first];
	l->skew = 0;
	if (h >= 2) {
		while (k + 2 < h && c->x[c->hull[k + 1]] <= mid)
			k++;
		l->skew = segment_skew(c, c->hull[k], c->hull[k + 1]);
		l->base = c->x[c->hull[k + 1]] - c->x[c->hull[k]];
	}
	l->lo = 0;
	l->best = 0;
	for (i = 0; i < c->n; i++) {
		s64 r;

		if (i == skip)
			continue;
		r = c->y[i] - mul_q32(c->x[i], l->skew);
		if (!any || r < l->best) {
			any = true;
			l->best = r;
			l->lo = i;
		}
	}
}

/*
 * How densely the points reach line @l, leaving out @skip and the touching
 * point: the third smallest residual above it (scaled up when fewer points
 * lie above it), 0 when none does.
 */
static u64 k4a_clock_gap(const struct k4a_clock *c, u32 skip,
			 const struct k4a_clock_line *l)
{
	u64 r3[3] = { U64_MAX, U64_MAX, U64_MAX };
	u32 i;

	for (i = 0; i < c->n; i++) {
		s64 r;

		if (i == skip || i == l->lo)
			continue;
		r = c->y[i] - mul_q32(c->x[i], l->skew) - l->best;
		if (r > 2)
			keep_smallest3(r3, (u64)r);
	}
	if (r3[2] != U64_MAX)
		return r3[2];
	if (r3[1] != U64_MAX)
		return r3[1] * 3 / 2;
	if (r3[0] != U64_MAX)
		return r3[0] * 3;
	return 0;
}

/* @v / 2^@k, truncated toward zero. */
static s64 shr_s64(s64 v, u32 k)
{
	return v < 0 ? -(s64)(abs_s64(v) >> k) : (s64)((u64)v >> k);
}

/*
 * The rate (Q32 skew, clamped to K4A_CLOCK_MAX_PPM like a hull edge) of the
 * least-squares line through the scratch points, each weighted by c->w;
 * false if the weighted points do not span two distinct ticks. Integer only:
 * the ticks are centred and scaled below 2^20, the residuals are below 2^31
 * and the weights at most 16, so the sums over at most 64 points stay below
 * 2^62.
 */
static bool k4a_clock_ls(const struct k4a_clock *c, s64 *skew)
{
	u64 sw = 0, sx = 0, sxx = 0, q, r, mag, lim;
	s64 sy = 0, sxy = 0, mx, my;
	u32 i, sh = 0;

	for (i = 0; i < c->n; i++) {
		sw += c->w[i];
		sx += (u64)c->w[i] * c->x[i];
		sy += c->w[i] * c->y[i];
	}
	if (!sw)
		return false;
	mx = (s64)k4a_div64_u64(sx, sw);
	my = k4a_div64_s64(sy, (s64)sw);
	while ((c->x[c->n - 1] >> sh) >= (1U << 20))
		sh++;
	for (i = 0; i < c->n; i++) {
		s64 dx, dy;

		if (!c->w[i])
			continue;
		dx = shr_s64((s64)c->x[i] - mx, sh);
		dy = c->y[i] - my;
		sxx += (u64)(c->w[i] * dx * dx);
		sxy += c->w[i] * dx * dy;
	}
	if (!sxx)
		return false;
	/* skew: sxy / sxx ns per 2^sh ticks, sxy * 2^(32 - sh) / sxx in Q32 */
	while (sxx >= (1ULL << 31)) {
		sxx >>= 1;
		sxy = shr_s64(sxy, 1);
	}
	mag = abs_s64(sxy);
	q = k4a_div64_u64(mag, sxx);
	r = mag - q * sxx;
	lim = k4a_div_u64(((u64)K4A_CLOCK_MAX_PPM * 1000) << 32, c->hz);
	if (q >= lim)
		mag = lim;
	else
		mag = (q << (32 - sh)) + k4a_div64_u64(r << (32 - sh), sxx);
	if (mag > lim)
		mag = lim;
	*skew = sat_s64(sxy < 0, mag);
	return true;
}

/*
 * Weigh the scratch points by their residual r from line @skew: 16 >> k for
 * r - min in [k * E, (k + 1) * E), 0 from 5 E on, where E is how far above
 * the lowest the lowest quarter of the points reaches (at least
 * K4A_CLOCK_LS_SLACK_NS). Where observations are sparse (a bucket holds one
 * or two: a slow stream without the IMU) only some buckets reach a sharp
 * floor, maybe fewer than a quarter: when the lowest quarter reaches
 * K4A_CLOCK_SPARSE_JUMP times higher than the lowest eighth, E is the
 * lowest eighth's spread, so the buckets above the floor count for nothing.
 */
static void k4a_clock_weigh(struct k4a_clock *c, s64 skew)
{
	u64 e, e8, k;
	u32 i, j;
	s64 r;

	for (i = 0; i < c->n; i++) {
		r = c->y[i] - mul_q32(c->x[i], skew);
		for (j = i; j > 0 && c->res[j - 1] > r; j--)
			c->res[j] = c->res[j - 1];
		c->res[j] = r;
	}
	e = (u64)(c->res[c->n / 4] - c->res[0]);
	e8 = (u64)(c->res[c->n / 8] - c->res[0]);
	/* e < 2^32 (residuals are clamped to +-2^30 ns): no overflow */
	if ((u64)c->samples < (u64)K4A_CLOCK_SPARSE_OBS *
	    (c->newest - c->first_b + 1) &&
	    e > (u64)K4A_CLOCK_SPARSE_JUMP * e8)
		e = e8;
	if (e < K4A_CLOCK_LS_SLACK_NS)
		e = K4A_CLOCK_LS_SLACK_NS;
	c->e_ns = e;
	for (i = 0; i < c->n; i++) {
		r = c->y[i] - mul_q32(c->x[i], skew) - c->res[0];
		k = k4a_div64_u64((u64)(r > 0 ? r : 0), e);
		c->w[i] = k >= K4A_CLOCK_LS_LEVELS ? 0 : (u8)(16 >> k);
	}
}

/*
 * The window's rate from weighted least squares over its points, a point's
 * weight halving with every E of its height above the lowest (see
 * k4a_clock_weigh()). A hull edge rests on the two extreme points at its
 * ends, so when the floor is reached only now and then (a loaded host) its
 * rate is off by their scatter over the edge's length, and the line jumps
 * when the window's middle passes to the next edge. The weights average the
 * scatter of the low points over the whole window, leave out the late ones
 * (stalls, heavy tails) and, where some points reach a sharp floor and the
 * others lie far above it, use the floor's points alone. Two passes: the
 * first weighs from the hull line @hull_skew, the second from the first
 * pass's line.
 */
static bool k4a_clock_ls_skew(struct k4a_clock *c, s64 hull_skew, s64 *skew)
{
	s64 s;

	k4a_clock_weigh(c, hull_skew);
	if (!k4a_clock_ls(c, &s))
		return false;
	k4a_clock_weigh(c, s);
	return k4a_clock_ls(c, skew);
}

/* A skew (Q32 ns per tick off nominal) as parts per billion of nominal. */
static s64 k4a_clock_skew_ppb(const struct k4a_clock *c, s64 skew)
{
	/* |skew| <= 1000 ppm of 1e9/hz ns: the product fits in s64 */
	return k4a_div64_s64(skew * (s64)c->hz, 1LL << 32);
}

/* Parts per billion (|ppb| below 2^31) as a skew. */
static s64 k4a_clock_ppb_skew(const struct k4a_clock *c, s64 ppb)
{
	return k4a_div64_s64(ppb * (1LL << 32), (s64)c->hz);
}

/*
 * How much a window's least-squares rate counts in the rig (after the pass
 * that left its weights in c->w and its scatter in c->e_ns): the weighted
 * spread of its ticks, sum w (x - mean)^2 with x in units of 4096 ticks,
 * over the square of how far its lowest points scatter (E of
 * k4a_clock_weigh(), at least K4A_CLOCK_RIG_SCATTER_NS, in units of
 * 256 ns). A rate's precision grows with the first and falls with the
 * second: a window of a host that delivered in bursts counts for little.
 * x < 2^19 and w <= 16 over 64 points keep every sum below 2^59.
 */
static u32 k4a_clock_weight(const struct k4a_clock *c)
{
	u64 sw = 0, sx = 0, sxx = 0, v, e;
	u32 i;

	for (i = 0; i < c->n; i++) {
		u64 x = c->x[i] >> 12;

		sw += c->w[i];
		sx += c->w[i] * x;
		sxx += c->w[i] * x * x;
	}
	if (!sw)
		return 0;
	v = k4a_div64_u64(sw * sxx - sx * sx, sw);
	e = (c->e_ns > K4A_CLOCK_RIG_SCATTER_NS ? c->e_ns :
	     K4A_CLOCK_RIG_SCATTER_NS) / 256;
	/* v < 2^48, e < 2^24: the shift and the square fit */
	v = k4a_div64_u64(v << 8, e * e);
	return v > U32_MAX ? U32_MAX : (u32)v;
}

/* A unit's rate (ppb off nominal) as its pulse source's, given its ratio. */
static s64 k4a_clock_to_source(s64 ppb, s32 ratio_ppb)
{
	return ppb + ratio_ppb + k4a_div64_s64(ppb * ratio_ppb, 1000000000);
}

/* The source's rate (ppb off nominal) as a unit's of that ratio. */
static s64 k4a_clock_from_source(s64 ppb, s32 ratio_ppb)
{
	return k4a_div64_s64((ppb - ratio_ppb) * 1000000000,
			     1000000000 + (s64)ratio_ppb);
}

/*
 * The rig's rate for this unit: the other units' measurements (the hint of
 * k4a_clock_rig_update()) and this window's own, each as the pulse source's
 * rate, weighted by their spreads, then as this unit's rate again. Used
 * only while it lies within K4A_CLOCK_RIG_TOL_PPB plus K4A_CLOCK_RIG_TOL_ERR
 * times the window's uncertainty (@err over its @span ticks) of the unit's
 * own rate:
 * a unit that is in fact triggered by another train (a second rig) keeps
 * its own rate, and its measurement leaves the pool (c->own_valid).
 */
static bool k4a_clock_share(struct k4a_clock *c, u64 err, u32 span, s64 *skew)
{
	s64 own, r, s, d;
	u64 span_ms, tol;
	s32 q;

	if (!c->hint_valid || !k4a_clock_train_ratio(c, &q))
		return false;
	span_ms = k4a_div_u64(nominal_ns(c, span), 1000000);
	if (!span_ms)
		return false;
	own = k4a_clock_to_source(c->own_ppb, q);
	r = k4a_div64_s64(c->hint_sum + (s64)c->own_w * own,
			  (s64)(c->hint_w + c->own_w));
	s = k4a_clock_from_source(r, q);
	if (abs_s64(s) > (u64)K4A_CLOCK_MAX_PPM * 1000)
		return false;
	/* err / span in ppb; err < 2^35 ns: the product fits */
	tol = K4A_CLOCK_RIG_TOL_PPB +
	      k4a_div64_u64(err * 1000 * K4A_CLOCK_RIG_TOL_ERR, span_ms);
	d = s - c->own_ppb;
	if (abs_s64(d) > tol) {
		c->stat_refused++;
		c->own_valid = false;
		return false;
	}
	*skew = k4a_clock_ppb_skew(c, s);
	return true;
}

static void k4a_clock_fit(struct k4a_clock *c)
{
	struct k4a_clock_line l, o;
	u8 slot[K4A_CLOCK_BUCKETS];
	u64 gap, err;
	u32 pass, span, i;
	s64 skew, ls, hull_end;

	for (pass = 0;; pass++) {
		k4a_clock_collect(c, slot);
		if (!c->n) {
			c->fit_valid = false;
			return;
		}
		k4a_clock_fit_line(c, c->n, &l);
		if (c->n < 3 || pass >= 2)
			break;
		/*
		 * Latency is never negative, so a genuine observation cannot
		 * sit far below the envelope of the others, unless the others
		 * themselves lie far above their floor (a stalled host): if
		 * the touching point sits more than K4A_CLOCK_EARLY_NS below
		 * the others' envelope, plus twice how far above it they
		 * scatter, its ticks are garbage. Evict it and refit.
		 */
		k4a_clock_fit_line(c, l.lo, &o);
		gap = k4a_clock_gap(c, l.lo, &o);
		if (gap > K4A_CLOCK_Y_LIMIT)
			gap = K4A_CLOCK_Y_LIMIT;
		if (c->y[l.lo] - mul_q32(c->x[l.lo], o.skew) - o.best >=
		    -(s64)(K4A_CLOCK_EARLY_NS + 2 * gap))
			break;
		c->used &= ~(1ULL << slot[l.lo]);
		c->stat_outliers++;
	}
	c->hull_skew_q32 = l.skew;
	c->hull_ref = c->pt[slot[l.lo]];
	span = c->x[c->n - 1];

	/*
	 * Uncertainty: the residuals of the other points nearest the hull
	 * line show how densely the samples reach the latency floor, hence
	 * how far above the floor the touching points may sit. 1.5 x the
	 * third smallest gives the intercept term; the rate term grows with
	 * the extrapolation from the reference relative to the edge length.
	 * Calibrated in simulation to cover about 90-95% of mapping errors.
	 */
	gap = k4a_clock_gap(c, c->n, &l);
	/* gap < 2^34 and base, x < 2^29: no overflow below. */
	err = gap * 3 / 2;
	if (l.base)
		err += k4a_div64_u64(err * (span - c->x[l.lo]), l.base);

	/*
	 * The mapping: the rate from least squares once the window has
	 * enough points (else the hull edge's), or the rig's shared rate
	 * (k4a_clock_share()), the line touching the point with the smallest
	 * residual so that it lies on or below every point. Where it parts
	 * from the hull line at the newest point, the bound grows by that
	 * much. The hull line stays the envelope that tells observations too
	 * early to be true (k4a_clock_add()). The least-squares rate is this
	 * unit's share of the rig's rate from three points on.
	 */
	hull_end = l.best + mul_q32(span, l.skew);
	skew = l.skew;
	c->own_valid = false;
	c->shared = false;
	if (c->n >= K4A_CLOCK_MIN_POINTS && k4a_clock_ls_skew(c, l.skew, &ls)) {
		c->own_ppb = (s32)k4a_clock_skew_ppb(c, ls);
		c->own_w = k4a_clock_weight(c);
		/* a rate at the clamp is no measurement */
		c->own_valid = c->own_w > 0 &&
			       abs_s64(c->own_ppb) < K4A_CLOCK_MAX_PPM * 1000;
		if (c->n >= K4A_CLOCK_LS_POINTS)
			skew = ls;
	}
	if (c->own_valid && k4a_clock_share(c, err, span, &skew))
		c->shared = true;
	if (skew != l.skew) {
		l.skew = skew;
		for (i = 0; i < c->n; i++) {
			s64 r = c->y[i] - mul_q32(c->x[i], skew);

			if (!i || r < l.best) {
				l.best = r;
				l.lo = i;
			}
		}
		err += abs_s64(l.best + mul_q32(span, l.skew) - hull_end);
	}
	if (c->fits < U32_MAX)
		c->fits++;
	c->skew_q32 = l.skew;
	c->ref = c->pt[slot[l.lo]];
	c->err_ns = err > U32_MAX ? U32_MAX : (u32)err;

	c->fit_valid = c->n >= K4A_CLOCK_MIN_POINTS &&
		       (u64)span * 1000 >= (u64)K4A_CLOCK_MIN_SPAN_MS * c->hz;
	if (c->fit_valid) {
		c->have_prior = false;
	} else if (c->have_prior) {
		/* The rate from before the restart, below every new point. */
		u32 i, lo = 0;
		s64 best = 0;

		for (i = 0; i < c->n; i++) {
			s64 r = c->y[i] - mul_q32(c->x[i], c->prior_skew_q32);

			if (!i || r < best) {
				best = r;
				lo = i;
			}
		}
		c->skew_q32 = c->prior_skew_q32;
		c->ref = c->pt[slot[lo]];
		c->hull_skew_q32 = c->skew_q32;
		c->hull_ref = c->ref;
		c->err_ns = c->prior_err_ns > K4A_CLOCK_PRIOR_ERR_NS ?
			    c->prior_err_ns : K4A_CLOCK_PRIOR_ERR_NS;
		c->fit_valid = true;
	}
}

/* Whether observation (dev, host) beats the stored one of its bucket. */
static bool lower_than(const struct k4a_clock *c,
		       const struct k4a_clock_pt *old, u64 dev, u64 host)
{
	s64 dx = (s64)(dev - old->dev);
	s64 dy = (s64)(host - old->host);

	return dy < line_offset(c, dx);
}

/*
 * Whether (dev, host) and @p could both be observations of one clock: host
 * times apart by the nominal time of the tick distance, within the rate
 * tolerance and K4A_CLOCK_CHAIN_TOL_NS of latency difference, and at most
 * K4A_CLOCK_CHAIN_S apart.
 */
static bool k4a_clock_consistent(const struct k4a_clock *c,
				 const struct k4a_clock_pt *p, u64 dev,
				 u64 host)
{
	u64 dd = dev >= p->dev ? dev - p->dev : p->dev - dev;
	u64 nom, tol, d;

	if (dd > (u64)c->hz * K4A_CLOCK_CHAIN_S)
		return false;
	nom = nominal_ns(c, dd);
	tol = K4A_CLOCK_CHAIN_TOL_NS +
	      k4a_div_u64(nom * K4A_CLOCK_MAX_PPM, 1000000);
	/* |host difference - nominal| <= tol, computed modulo 2^64 */
	d = dev >= p->dev ? host - p->host - nom : p->host - host - nom;
	return d + tol <= 2 * tol;
}

/*
 * Record a suspicious observation. Returns true when it is the
 * K4A_CLOCK_MAX_OUTLIERS-th in a row and the row is self-consistent (ticks
 * and host time advance together at about the nominal rate): the device
 * clock really changed and the estimator must restart.
 */
static bool k4a_clock_suspect(struct k4a_clock *c, u64 dev, u64 host)
{
	bool cont = false;

	c->stat_outliers++;
	if (c->n_cand && dev >= c->cand.dev)
		cont = k4a_clock_consistent(c, &c->cand, dev, host);
	c->n_cand = cont ? c->n_cand + 1 : 1;
	c->cand.dev = dev;
	c->cand.host = host;
	return c->n_cand >= K4A_CLOCK_MAX_OUTLIERS;
}

/*
 * The observations since the last restart span the whole window: double the
 * bucket width, keeping the lower point of each merged pair, so that the
 * window covers twice the time. A longer window reaches the latency floor
 * more often at both ends, which is what the rate rests on.
 */
static void k4a_clock_widen(struct k4a_clock *c)
{
	u64 wused = 0;
	u32 s, t;

	for (s = 0; s < K4A_CLOCK_BUCKETS; s++) {
		u64 nb;

		if (!(c->used & (1ULL << s)) ||
		    c->newest - c->bucket[s] >= K4A_CLOCK_BUCKETS)
			continue;
		nb = c->bucket[s] / 2;
		t = (u32)(nb % K4A_CLOCK_BUCKETS);
		if (!(wused & (1ULL << t)) ||
		    lower_than(c, &c->wpt[t], c->pt[s].dev, c->pt[s].host)) {
			c->wpt[t] = c->pt[s];
			c->wbucket[t] = nb;
			wused |= 1ULL << t;
		}
	}
	for (t = 0; t < K4A_CLOCK_BUCKETS; t++) {
		c->pt[t] = c->wpt[t];
		c->bucket[t] = c->wbucket[t];
	}
	c->used = wused;
	c->newest /= 2;
	c->first_b /= 2;
	c->bucket_ticks *= 2;
}

/*
 * A held-back observation's ticks still map (to no later than its arrival,
 * through c->last): a mapping handed out like any other, which a later
 * tick must not undercut, even after a refit lowered the line. Beyond the
 * mark, raise the mark's time to that mapping. Its ticks stay: ticks that
 * contradict the fit must not hold the genuine ones below them down.
 */
static void k4a_clock_mark_held(struct k4a_clock *c, u64 dev, u64 host)
{
	u64 v;

	if (!c->fit_valid || !c->have_mark || dev <= c->mark.dev ||
	    !line_at(c, dev, &v))
		return;
	if (v > host)
		v = host;
	if (v > c->mark.host)
		c->mark.host = v;
}

/**
 * k4a_clock_add() - feed one observation
 * @c: estimator
 * @dev_ticks: device timestamp of an event (e.g. a frame's FramePTS)
 * @host_ns: host CLOCK_MONOTONIC time at which the event's data arrived
 *
 * Observations may come from several streams of one unit and slightly out
 * of order. Inconsistent input does no harm: an observation is held back
 * as suspicious if it arrived more than K4A_CLOCK_EARLY_NS plus twice the
 * fit's error bound before the fitted line allows (its ticks lie in the
 * future), if its ticks are more than
 * K4A_CLOCK_BACKSTEP_MS behind the newest ones, if it is older than the
 * window, or, while there is no fit yet, if it does not agree with the
 * previous accepted observation at the nominal rate. K4A_CLOCK_MAX_OUTLIERS
 * self-consistent suspicious observations in a row mean the device clock
 * was reset or jumped: the estimator restarts from them. A garbage
 * observation that slipped into the window while the fit was not yet
 * established is evicted once the others show it lies below the envelope.
 */
void k4a_clock_add(struct k4a_clock *c, u64 dev_ticks, u64 host_ns)
{
	u64 b, line;
	bool suspect = false, jump = true, changed = false;
	u32 s;

	b = k4a_div_u64(dev_ticks, c->bucket_ticks);
	if (c->have_mark && c->mark.dev > dev_ticks &&
	    c->mark.dev - dev_ticks >
	    k4a_div_u64((u64)c->hz * K4A_CLOCK_BACKSTEP_MS, 1000)) {
		suspect = true;
	} else if (c->fit_valid && (!hull_at(c, dev_ticks, &line) ||
				    (line > host_ns &&
				     line - host_ns > K4A_CLOCK_EARLY_NS +
				     2 * (u64)c->err_ns))) {
		suspect = true;
		/* Early by less than a stall can make: the floor, not ticks. */
		jump = !hull_at(c, dev_ticks, &line) ||
		       line - host_ns > K4A_CLOCK_CHAIN_TOL_NS;
	} else if (c->samples && b < c->newest &&
		   c->newest - b >= K4A_CLOCK_BUCKETS) {
		suspect = true;
	} else if (!c->fit_valid && c->samples &&
		   !k4a_clock_consistent(c, &c->acc, dev_ticks, host_ns)) {
		suspect = true;
	}
	if (suspect) {
		if (!k4a_clock_suspect(c, dev_ticks, host_ns)) {
			k4a_clock_mark_held(c, dev_ticks, host_ns);
			goto out;
		}
		k4a_clock_restart(c, jump);
		/* the restart went back to the narrowest buckets */
		b = k4a_div_u64(dev_ticks, c->bucket_ticks);
	}
	c->n_cand = 0;

	if (!c->samples) {
		c->first_b = b;
		c->first_dev = dev_ticks;
	} else {
		while (c->bucket_ticks < (c->hz / K4A_CLOCK_BUCKET_DIV) <<
		       K4A_CLOCK_WIDEN_MAX &&
		       b >= c->first_b + K4A_CLOCK_BUCKETS) {
			k4a_clock_widen(c);
			b = k4a_div_u64(dev_ticks, c->bucket_ticks);
			changed = true;
		}
	}
	if (!c->samples || b > c->newest) {
		c->newest = b;
		changed = true;
	}
	s = (u32)(b % K4A_CLOCK_BUCKETS);
	if (!(c->used & (1ULL << s)) || c->bucket[s] != b ||
	    lower_than(c, &c->pt[s], dev_ticks, host_ns)) {
		c->pt[s].dev = dev_ticks;
		c->pt[s].host = host_ns;
		c->bucket[s] = b;
		c->used |= 1ULL << s;
		changed = true;
	}
	if (c->samples < U32_MAX)
		c->samples++;
	c->acc.dev = dev_ticks;
	c->acc.host = host_ns;
	/* Most observations change no bucket minimum: the fit stands. */
	if (changed)
		k4a_clock_fit(c);

	/*
	 * The mark is the newest tick with the highest mapping handed out so
	 * far for it or any older tick; later ticks never map below it. It is
	 * never lowered: when an arrival is earlier than the mark (input that
	 * contradicts the model), the map clamps to that arrival through
	 * c->last instead and the conflict is counted.
	 */
	if (c->fit_valid && (!c->have_mark || dev_ticks > c->mark.dev)) {
		if (!line_at(c, dev_ticks, &line) || line > host_ns)
			line = host_ns;
		if (c->have_mark && line < c->mark.host) {
			if (c->mark.host > host_ns)
				c->stat_conflicts++;
			line = c->mark.host;
		}
		c->mark.dev = dev_ticks;
		c->mark.host = line;
		c->have_mark = true;
	} else if (c->fit_valid && c->have_mark && dev_ticks == c->mark.dev &&
		   host_ns < c->mark.host) {
		c->stat_conflicts++;
	}
out:
	c->last.dev = dev_ticks;
	c->last.host = host_ns;
	c->have_last = true;
}

/**
 * k4a_clock_map() - convert device ticks to host time
 * @c: estimator
 * @dev_ticks: device ticks to convert
 * @host_ns: result, CLOCK_MONOTONIC ns
 *
 * Guarantees, for any input sequence:
 *  - right after k4a_clock_add(d, a), the mapping of any tick <= d is <= a:
 *    a mapped time is never later than the arrival of the observation it
 *    belongs to ("never in the future");
 *  - for one state, the mapping never decreases with increasing ticks;
 *  - the mapping of a tick at or after the newest observation is never
 *    earlier than a mapping handed out before for an observation or an
 *    older tick, unless the first guarantee forbids it (input contradicting
 *    the model; counted in stat_conflicts).
 *
 * Return: 0; -EAGAIN while too few observations are known (callers use the
 * arrival time then); -ERANGE if @dev_ticks is absurdly far from the
 * observations (more than 2^62 ns, about 146 years, at the nominal rate).
 */
int k4a_clock_map(const struct k4a_clock *c, u64 dev_ticks, u64 *host_ns)
{
	u64 v;

	if (!c->fit_valid)
		return -EAGAIN;
	if (!line_at(c, dev_ticks, &v))
		return -ERANGE;
	if (c->have_mark) {
		if (dev_ticks >= c->mark.dev && v < c->mark.host)
			v = c->mark.host;
		else if (dev_ticks < c->mark.dev && v > c->mark.host)
			v = c->mark.host;
	}
	if (c->have_last && dev_ticks <= c->last.dev && v > c->last.host)
		v = c->last.host;
	*host_ns = v;
	return 0;
}

/**
 * k4a_clock_error_ns() - uncertainty of a mapping near the newest observation
 * @c: estimator
 *
 * An estimate, not a hard bound: the residual of the sample closest to the
 * fitted floor (how densely the observations reach the latency floor),
 * scaled up by the extrapolation distance from the touching point relative
 * to the window span.
 *
 * Return: nanoseconds; U32_MAX while the mapping is unavailable.
 */
u32 k4a_clock_error_ns(const struct k4a_clock *c)
{
	return c->fit_valid ? c->err_ns : U32_MAX;
}

/**
 * k4a_clock_ready() - whether k4a_clock_map() returns mappings
 * @c: estimator
 *
 * Return: true once enough observations span enough time.
 */
bool k4a_clock_ready(const struct k4a_clock *c)
{
	return c->fit_valid;
}

/**
 * k4a_clock_locked() - whether the mapping has settled
 * @c: estimator
 *
 * Return: true once a line fitted to the observations since the last
 * restart maps (not the rate kept through a restart alone) and those
 * observations span K4A_CLOCK_LOCK_SPAN_MS.
 */
bool k4a_clock_locked(const struct k4a_clock *c)
{
	if (!c->fit_valid || c->have_prior || !c->samples ||
	    c->acc.dev < c->first_dev)
		return false;
	return c->acc.dev - c->first_dev >=
	       k4a_div_u64((u64)c->hz * K4A_CLOCK_LOCK_SPAN_MS, 1000);
}

/**
 * k4a_clock_ppm_x1000() - fitted rate deviation from nominal
 * @c: estimator
 *
 * Return: host nanoseconds per device tick relative to nominal, in parts per
 * billion (positive: the device clock runs slow); 0 without a fit.
 */
s32 k4a_clock_ppm_x1000(const struct k4a_clock *c)
{
	if (!c->fit_valid)
		return 0;
	return (s32)k4a_clock_skew_ppb(c, c->skew_q32);
}

/**
 * k4a_clock_train_start() - follow the frames of a sync pulse train
 * @c: estimator
 * @period_ticks: nominal frame period in device ticks (0, or more than a
 *                second: do not follow)
 *
 * For a unit in a wired rig (master or subordinate): its frames' start of
 * exposure ticks (k4a_clock_frame()) then tell its clock rate relative to
 * the clock that makes the pulses (k4a_clock_train_ratio()). Forgets the
 * frames seen so far; so does k4a_clock_reset().
 */
void k4a_clock_train_start(struct k4a_clock *c, u32 period_ticks)
{
	memset(&c->train, 0, sizeof(c->train));
	/* a frame period of more than a second is no train of this device */
	c->train.period = period_ticks <= c->hz ? period_ticks : 0;
}

/* Count the frame at t->last, t->periods after the train's first. */
static void k4a_clock_train_add(struct k4a_clock_train *t)
{
	/* 2000 ppm of at most 2^38 ticks, plus 2 ticks a step, 2^24 steps */
	s32 r = (s32)(s64)(t->last - t->first - t->periods * t->period);
	u32 i = t->frames % K4A_CLOCK_TRAIN_BLOCK;

	if (t->frames < K4A_CLOCK_TRAIN_BLOCK) {
		t->sum_k += t->periods;
		t->sum_r += r;
	}
	t->k[i] = (u32)t->periods;
	t->r[i] = r;
	if (t->frames < U32_MAX)
		t->frames++;
}

/**
 * k4a_clock_frame() - a frame's start of exposure, in device ticks
 * @c: estimator
 * @dev_ticks: the frame's start of exposure
 *
 * A frame a whole number of periods after the previous one, off by at most
 * K4A_CLOCK_TRAIN_MAX_PPM of the distance (plus two ticks), continues the
 * train; any other frame (ticks going back, less than half a period on, or
 * off the train) starts it again. Frames lost in between do no harm.
 */
void k4a_clock_frame(struct k4a_clock *c, u64 dev_ticks)
{
	struct k4a_clock_train *t = &c->train;

	if (!t->period)
		return;
	if (t->frames && dev_ticks == t->last)
		return;
	if (t->frames && dev_ticks > t->last &&
	    dev_ticks - t->last < 1ULL << 31) {
		u64 d = dev_ticks - t->last;
		u64 n = k4a_div_u64(d + t->period / 2, t->period);
		u64 nom = n * t->period;
		u64 off = d > nom ? d - nom : nom - d;

		/*
		 * 2^24 periods (six days at 30 fps) or 2^38 ticks end a train,
		 * so that a residual stays below 2^30 ticks
		 */
		if (n && off <= k4a_div_u64(nom * K4A_CLOCK_TRAIN_MAX_PPM,
					    1000000) + 2 &&
		    t->periods + n < 1ULL << 24 &&
		    (t->periods + n) * t->period < 1ULL << 38) {
			t->periods += n;
			t->last = dev_ticks;
			k4a_clock_train_add(t);
			return;
		}
	}
	t->frames = 0;
	t->periods = 0;
	t->first = dev_ticks;
	t->last = dev_ticks;
	t->sum_k = 0;
	t->sum_r = 0;
	k4a_clock_train_add(t);
}

/**
 * k4a_clock_train_ratio() - the unit's clock rate over the pulse source's
 * @c: estimator
 * @ppb: result: device ticks per nominal tick of the source, minus one, in
 *       parts per billion (0 for the master, whose own grid makes the train)
 *
 * The ticks of a frame are its true start rounded to a whole tick: from the
 * first and the last frame alone, the ratio is good to 2 ticks over the
 * span (22 ppm after one second, 0.4 ppm after a minute). Once the train
 * holds twice K4A_CLOCK_TRAIN_BLOCK frames, the mean of its first and of
 * its last K4A_CLOCK_TRAIN_BLOCK frames take their place, averaging the
 * rounding out where the ratio moves the frames across tick boundaries.
 *
 * Return: true once at least three frames on the train span
 * K4A_CLOCK_TRAIN_MIN_MS, with a ratio within K4A_CLOCK_TRAIN_MAX_PPM.
 */
bool k4a_clock_train_ratio(const struct k4a_clock *c, s32 *ppb)
{
	const struct k4a_clock_train *t = &c->train;
	u64 nom, sk = 0;
	s64 sr = 0, num, den;
	u32 i;

	if (!t->period || t->frames < 3)
		return false;
	nom = t->periods * t->period;
	if (nom * 1000 < (u64)c->hz * K4A_CLOCK_TRAIN_MIN_MS)
		return false;
	if (t->frames < 2 * K4A_CLOCK_TRAIN_BLOCK) {
		/* every step within 2000 ppm + 2 ticks: |num| < nom / 256 */
		num = (s64)(t->last - t->first - nom);
		den = (s64)nom;
	} else {
		for (i = 0; i < K4A_CLOCK_TRAIN_BLOCK; i++) {
			sk += t->k[i];
			sr += t->r[i];
		}
		/* block means: (sr / b - sum_r / b) / ((sk - sum_k) / b * P) */
		num = sr - t->sum_r;
		den = (s64)((sk - t->sum_k) * t->period);
		if (den <= 0)
			return false;
	}
	/* |num| < den / 256: halving both keeps the ratio; the product fits */
	while (abs_s64(num) >= 1LL << 32) {
		num /= 2;
		den /= 2;
	}
	num = k4a_div64_s64(num * 1000000000, den);
	/* a ratio beyond what two clocks' tolerances allow is not a train */
	if (abs_s64(num) > (u64)K4A_CLOCK_TRAIN_MAX_PPM * 1000)
		return false;
	*ppb = (s32)num;
	return true;
}

/**
 * k4a_clock_rig_update() - share a unit's rate measurement with its rig
 * @r: the rig
 * @slot: the unit's slot (below K4A_CLOCK_RIG_MEMBERS)
 * @role: the unit's enum k4a_clock_role now
 * @c: the unit's estimator
 *
 * Stores the unit's latest measurement (its window's least-squares rate as
 * the pulse source's rate, weighted by the window's spread) and hands the
 * others' to @c for its next fits. A rig shares only while at most one of
 * its members is a master (measured or not: the caller registers a unit as
 * soon as it streams): two masters are two rigs, and which unit follows
 * which cannot be told here. With none, the subordinates follow a source
 * off the host (an external sync generator, or a master on another host),
 * and their ratios are to that source's pulses. A unit that follows
 * another source than the rest is refused by its own measurement
 * (k4a_clock_share()). A unit with role K4A_CLOCK_ROLE_NONE neither gives
 * nor takes.
 */
void k4a_clock_rig_update(struct k4a_clock_rig *r, u32 slot, u8 role,
			  struct k4a_clock *c)
{
	struct k4a_clock_rig_member *m;
	u32 i, masters = 0;
	s64 sum = 0;
	u64 w = 0;
	s32 q;

	c->hint_valid = false;
	if (slot >= K4A_CLOCK_RIG_MEMBERS)
		return;
	m = &r->m[slot];
	m->role = role;
	m->valid = role != K4A_CLOCK_ROLE_NONE && c->own_valid &&
		   c->fit_valid && !c->have_prior &&
		   k4a_clock_train_ratio(c, &q);
	if (m->valid) {
		m->rate_ppb = (s32)k4a_clock_to_source(c->own_ppb, q);
		m->weight = c->own_w;
	}
	if (role == K4A_CLOCK_ROLE_NONE)
		return;
	for (i = 0; i < K4A_CLOCK_RIG_MEMBERS; i++) {
		const struct k4a_clock_rig_member *o = &r->m[i];

		if (o->role == K4A_CLOCK_ROLE_MASTER)
			masters++;
		if (!o->valid || i == slot)
			continue;
		/* |rate| < 2^22, weight < 2^32, 32 members: below 2^59 */
		sum += (s64)o->weight * o->rate_ppb;
		w += o->weight;
	}
	if (masters > 1 || !w)
		return;
	c->hint_valid = true;
	c->hint_sum = sum;
	c->hint_w = w;
}

/**
 * k4a_clock_rig_leave() - a unit's measurement no longer counts
 * @r: the rig
 * @slot: the unit's slot
 */
void k4a_clock_rig_leave(struct k4a_clock_rig *r, u32 slot)
{
	if (slot < K4A_CLOCK_RIG_MEMBERS)
		memset(&r->m[slot], 0, sizeof(r->m[slot]));
}
