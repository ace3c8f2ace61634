// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_syncst: the sync state of a unit, judged from when its frames arrive.
 *
 * The driver knows what the configuration and the started streams make of
 * the unit (enum k4a_syncst_role) and sets it on every start and stop; it
 * gives the arrival time of every frame of a running stream (a URB
 * completion: cheap, two stores) and judges from a watchdog work item at
 * the time the state machine asks for.
 *
 * Frames are "in step" when the newest arrived at most the bound after the
 * one before it and at most the bound ago; the bound is
 * K4A_SYNCST_PERIODS frame periods plus K4A_SYNCST_MARGIN_MS. A subordinate
 * is armed until its frames are in step, then locked; a unit that was
 * locked or streaming is lost when no frame arrived for longer than the
 * bound (a unit that makes its own frames has K4A_SYNCST_START_MS more for
 * its first one), or when the device clock restarted unannounced; it
 * returns once two new frames are in step again. A clock restart within
 * the bound after the unit locked belongs to its first pulse and is not a
 * loss.
 */
#include "k4a_syncst.h"

#define K4A_NS_PER_MS	1000000ULL
#define K4A_NS_PER_S	1000000000ULL

/* Offsets beyond this many ticks saturate (2^63 ns / (1e9 / 90000)). */
#define K4A_SYNCST_MAX_TICKS	(S64_MAX / 100000)

/**
 * k4a_syncst_init() - a unit that never streamed
 * @st: state machine
 */
void k4a_syncst_init(struct k4a_syncst *st)
{
	memset(st, 0, sizeof(*st));
	st->role = K4A_SYNCST_NONE;
	st->state = K4A_SYNCST_IDLE;
	st->bound_ns = k4a_syncst_bound_ns(0);
}

/**
 * k4a_syncst_bound_ns() - longest gap between frames in step
 * @fps: the unit's frame rate (5, 15 or 30; anything else counts as 30)
 *
 * Return: K4A_SYNCST_PERIODS frame periods plus K4A_SYNCST_MARGIN_MS, in
 * ns: 383 ms at 30 fps, 517 ms at 15, 1050 ms at 5.
 */
u64 k4a_syncst_bound_ns(u32 fps)
{
	if (fps != 5 && fps != 15 && fps != 30)
		fps = 30;
	return K4A_SYNCST_PERIODS * k4a_div_u64(K4A_NS_PER_S, fps) +
	       K4A_SYNCST_MARGIN_MS * K4A_NS_PER_MS;
}

static bool k4a_syncst_enter(struct k4a_syncst *st, u8 state, u64 now_ns)
{
	if (st->state == state)
		return false;
	st->state = state;
	st->entered_ns = now_ns;
	st->changes++;
	return true;
}

static void k4a_syncst_forget(struct k4a_syncst *st)
{
	st->last_ns = 0;
	st->prev_ns = 0;
}

static bool k4a_syncst_live(const struct k4a_syncst *st)
{
	return st->role == K4A_SYNCST_OWN || st->role == K4A_SYNCST_SUB;
}

/**
 * k4a_syncst_set_role() - the unit's configuration or streams changed
 * @st: state machine
 * @role: what they make of the unit now
 * @fps: the unit's frame rate
 * @now_ns: current time
 * @restarts: the unit's device clock jumps so far (k4a_clock.stat_jumps)
 *
 * A new role starts over: frames that arrived before do not count. No
 * stream: idle; waiting, or a subordinate: armed; own frames: streaming
 * (K4A_SYNCST_START_MS plus the bound for the first frame). The same role
 * again changes nothing.
 *
 * Return: true if the state changed.
 */
bool k4a_syncst_set_role(struct k4a_syncst *st, enum k4a_syncst_role role,
			 u32 fps, u64 now_ns, u32 restarts)
{
	static const u8 first[] = {
		[K4A_SYNCST_NONE] = K4A_SYNCST_IDLE,
		[K4A_SYNCST_WAIT] = K4A_SYNCST_ARMED,
		[K4A_SYNCST_OWN] = K4A_SYNCST_STREAMING,
		[K4A_SYNCST_SUB] = K4A_SYNCST_ARMED,
	};

	if ((unsigned int)role >= K4A_ARRAY_SIZE(first))
		role = K4A_SYNCST_NONE;
	st->bound_ns = k4a_syncst_bound_ns(fps);
	if (role == st->role)
		return false;
	st->role = role;
	st->since_ns = now_ns;
	st->restarts = restarts;
	k4a_syncst_forget(st);
	return k4a_syncst_enter(st, first[role], now_ns);
}

/**
 * k4a_syncst_frame() - a frame of a running stream arrived
 * @st: state machine
 * @now_ns: its arrival
 *
 * Return: true if the state may change with it (armed or lost): judge
 * soon.
 */
bool k4a_syncst_frame(struct k4a_syncst *st, u64 now_ns)
{
	if (!k4a_syncst_live(st))
		return false;
	st->prev_ns = st->last_ns;
	st->last_ns = now_ns ? now_ns : 1;
	return st->state == K4A_SYNCST_ARMED || st->state == K4A_SYNCST_LOST;
}

/* The state of frames in step: locked for a subordinate, else streaming. */
static u8 k4a_syncst_steady(const struct k4a_syncst *st)
{
	return st->role == K4A_SYNCST_SUB ? K4A_SYNCST_LOCKED :
	       K4A_SYNCST_STREAMING;
}

static u64 k4a_syncst_age(u64 now_ns, u64 then_ns)
{
	return now_ns > then_ns ? now_ns - then_ns : 0;
}

/* The two newest frames are in step, the newest is recent. */
static bool k4a_syncst_in_step(const struct k4a_syncst *st, u64 now_ns)
{
	return st->prev_ns && st->last_ns >= st->prev_ns &&
	       st->last_ns - st->prev_ns <= st->bound_ns &&
	       k4a_syncst_age(now_ns, st->last_ns) <= st->bound_ns;
}

/* Frames are judged stopped once this is older than the bound. */
static u64 k4a_syncst_ref(const struct k4a_syncst *st)
{
	u64 ref = st->last_ns, start;

	if (st->role == K4A_SYNCST_OWN) {
		start = st->since_ns + K4A_SYNCST_START_MS * K4A_NS_PER_MS;
		if (start > ref)
			ref = start;
	}
	return ref;
}

static bool k4a_syncst_lose(struct k4a_syncst *st, u8 cause, u64 now_ns)
{
	st->cause = cause;
	st->lost++;
	k4a_syncst_forget(st);
	return k4a_syncst_enter(st, K4A_SYNCST_LOST, now_ns);
}

/**
 * k4a_syncst_judge() - decide the state now
 * @st: state machine
 * @now_ns: current time
 * @restarts: the unit's device clock jumps so far (k4a_clock.stat_jumps)
 * @starved: no frame can arrive for want of a buffer (a depth stream alone
 *           whose application holds every buffer): silence proves nothing
 * @next_ns: set to when to judge again if no frame comes first; 0: only
 *           when a frame comes (k4a_syncst_frame() returns true)
 *
 * Armed (a subordinate) or lost: in step again means locked (subordinate)
 * or streaming. Locked or streaming: a clock restart (more than the bound
 * after the state was entered) or no frame for longer than the bound means
 * lost.
 *
 * Return: true if the state changed.
 */
bool k4a_syncst_judge(struct k4a_syncst *st, u64 now_ns, u32 restarts,
		      bool starved, u64 *next_ns)
{
	bool changed = false;

	*next_ns = 0;
	if (!k4a_syncst_live(st)) {
		st->restarts = restarts;
		return false;
	}
	switch (st->state) {
	case K4A_SYNCST_ARMED:
	case K4A_SYNCST_LOST:
		/* Restarts before the frames are in step are no loss. */
		st->restarts = restarts;
		if (k4a_syncst_in_step(st, now_ns))
			changed = k4a_syncst_enter(st, k4a_syncst_steady(st),
						   now_ns);
		break;
	case K4A_SYNCST_STREAMING:
	case K4A_SYNCST_LOCKED:
		if (starved && st->last_ns < now_ns)
			st->last_ns = now_ns;
		if (restarts != st->restarts) {
			st->restarts = restarts;
			if (k4a_syncst_age(now_ns, st->entered_ns) >
			    st->bound_ns)
				return k4a_syncst_lose(st,
						       K4A_SYNCST_CAUSE_CLOCK,
						       now_ns);
		}
		if (k4a_syncst_age(now_ns, k4a_syncst_ref(st)) > st->bound_ns)
			return k4a_syncst_lose(st, K4A_SYNCST_CAUSE_FRAMES,
					       now_ns);
		break;
	default:
		break;
	}
	/* Not lost: the bound has not passed since @ref. */
	if (st->state == K4A_SYNCST_STREAMING ||
	    st->state == K4A_SYNCST_LOCKED)
		*next_ns = k4a_syncst_ref(st) + st->bound_ns + 1;
	return changed;
}

/**
 * k4a_syncst_grid_reset() - a colour stream (re)starts: no previous frame
 * @g: grid
 */
void k4a_syncst_grid_reset(struct k4a_syncst_grid *g)
{
	memset(g, 0, sizeof(*g));
}

/**
 * k4a_syncst_grid_frame() - a colour frame with a device timestamp
 * @g: grid
 * @period_ticks: the stream's exact frame period in ticks (90000 / fps)
 * @seq: the frame's sequence number (frames dropped on the way count too)
 * @soe_ticks: its start of exposure, device ticks
 *
 * The grid expects the frame @seq minus the previous timed frame's sequence
 * number periods after that frame: a frame the driver dropped does not
 * move the grid, a frame the device never sent (a missed pulse) shows as
 * one period late. The offset is the deviation from that, in ns (signed,
 * positive: late). The first frame, and a frame whose ticks do not advance
 * (the device clock restarted), only anchor the grid and have no offset.
 */
void k4a_syncst_grid_frame(struct k4a_syncst_grid *g, u32 period_ticks,
			   u32 seq, u64 soe_ticks)
{
	u32 n = seq - g->seq;
	u64 expect, d;
	s64 ticks;

	if (!g->have || !period_ticks || !n || soe_ticks <= g->soe) {
		g->have_offset = false;
	} else {
		expect = g->soe + (u64)n * period_ticks;
		d = soe_ticks >= expect ? soe_ticks - expect :
		    expect - soe_ticks;
		if (d > K4A_SYNCST_MAX_TICKS)
			d = K4A_SYNCST_MAX_TICKS;
		ticks = soe_ticks >= expect ? (s64)d : -(s64)d;
		/* 1e9 / 90000 ns per tick */
		g->offset_ns = k4a_div_s64(ticks * 100000, 9);
		g->have_offset = true;
	}
	g->have = true;
	g->seq = seq;
	g->soe = soe_ticks;
}
