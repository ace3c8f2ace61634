// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for driver/lib/k4a_syncst.c: every transition of the sync
 * state machine with its cause, the bound per rate, the start allowance of
 * a unit that makes its own frames, starvation, clock restarts around a
 * lock, the colour frame grid offset, and a simulated subordinate whose
 * master stops and starts again under arrival jitter, judged as the driver
 * does (a watchdog at the time the state machine asks for, and at once
 * when a frame may change the state).
 */
#include "k4a_test.h"
#include "k4a_syncst.h"

#define MS 1000000ULL
#define T0 (1000 * MS)	/* the simulated boot was a while ago */

static void t_bound(void)
{
	CHECK_EQ_U64(k4a_syncst_bound_ns(30), 4 * 33333333ULL + 250 * MS);
	CHECK_EQ_U64(k4a_syncst_bound_ns(15), 4 * 66666666ULL + 250 * MS);
	CHECK_EQ_U64(k4a_syncst_bound_ns(5), 4 * 200000000ULL + 250 * MS);
	CHECK_EQ_U64(k4a_syncst_bound_ns(0), k4a_syncst_bound_ns(30));
	CHECK_EQ_U64(k4a_syncst_bound_ns(7), k4a_syncst_bound_ns(30));
}

static void t_roles(void)
{
	struct k4a_syncst st;

	k4a_syncst_init(&st);
	CHECK_EQ(st.state, K4A_SYNCST_IDLE);
	CHECK(!k4a_syncst_set_role(&st, K4A_SYNCST_NONE, 30, T0, 0));
	/* held by the gate, or a master without colour */
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_WAIT, 30, T0, 0));
	CHECK_EQ(st.state, K4A_SYNCST_ARMED);
	/* frames of a waiting unit do not count */
	CHECK(!k4a_syncst_frame(&st, T0 + MS));
	CHECK_EQ_U64(st.last_ns, 0);
	CHECK(!k4a_syncst_set_role(&st, K4A_SYNCST_WAIT, 30, T0 + MS, 0));
	/* the master's colour starts */
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_OWN, 30, T0 + 2 * MS, 0));
	CHECK_EQ(st.state, K4A_SYNCST_STREAMING);
	/* its colour stops under a running depth stream */
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_WAIT, 30, T0 + 3 * MS, 0));
	CHECK_EQ(st.state, K4A_SYNCST_ARMED);
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_NONE, 30, T0 + 4 * MS, 0));
	CHECK_EQ(st.state, K4A_SYNCST_IDLE);
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_SUB, 5, T0 + 5 * MS, 0));
	CHECK_EQ(st.state, K4A_SYNCST_ARMED);
	CHECK_EQ_U64(st.bound_ns, k4a_syncst_bound_ns(5));
	CHECK_EQ_U64(st.changes, 5);
	CHECK_EQ_U64(st.lost, 0);
	/* an out-of-range role is no role */
	CHECK(k4a_syncst_set_role(&st, (enum k4a_syncst_role)9, 5, T0, 0));
	CHECK_EQ(st.state, K4A_SYNCST_IDLE);
}

/* A subordinate at 5 fps: armed, locked, lost, locked again. */
static void t_subordinate(void)
{
	const u64 p = 200 * MS;
	struct k4a_syncst st;
	u64 next, t = T0, b;

	k4a_syncst_init(&st);
	k4a_syncst_set_role(&st, K4A_SYNCST_SUB, 5, t, 0);
	b = st.bound_ns;
	/* no pulses: armed, nothing to time */
	CHECK(!k4a_syncst_judge(&st, t + 10000 * MS, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_ARMED);
	CHECK_EQ_U64(next, 0);
	/* one frame is not yet a cadence */
	t += 20000 * MS;
	CHECK(k4a_syncst_frame(&st, t));
	CHECK(!k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_ARMED);
	CHECK_EQ_U64(next, 0);
	/* the second, one period later */
	t += p;
	CHECK(k4a_syncst_frame(&st, t));
	CHECK(k4a_syncst_judge(&st, t + MS, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	CHECK_EQ_U64(next, t + b + 1);
	/* frames go on: the watchdog stays quiet, no judging per frame */
	t += p;
	CHECK(!k4a_syncst_frame(&st, t));
	CHECK(!k4a_syncst_judge(&st, t + b, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	/* the master stops: lost once the bound has passed, not before */
	CHECK(!k4a_syncst_judge(&st, t + b, 0, false, &next));
	CHECK(k4a_syncst_judge(&st, t + b + 1, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	CHECK_EQ(st.cause, K4A_SYNCST_CAUSE_FRAMES);
	CHECK_EQ_U64(st.lost, 1);
	CHECK_EQ_U64(next, 0);
	/* the master again: two frames in step lock again */
	t += 60000 * MS;
	CHECK(k4a_syncst_frame(&st, t));
	CHECK(!k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	t += p;
	CHECK(k4a_syncst_frame(&st, t));
	CHECK(k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	CHECK_EQ_U64(st.changes, 4);	/* armed, locked, lost, locked */
	/* frames further apart than the bound are not in step */
	CHECK(k4a_syncst_judge(&st, t + b + 1, 0, false, &next));
	t += b + 2;
	k4a_syncst_frame(&st, t);
	t += b + 1;
	k4a_syncst_frame(&st, t);
	CHECK(!k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	/* in step but the newest too old when judged */
	k4a_syncst_frame(&st, t + p);
	CHECK(!k4a_syncst_judge(&st, t + p + b + 1, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	CHECK_EQ_U64(st.lost, 2);
	/* streams stop: idle, the counters stay */
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_NONE, 5, t, 0));
	CHECK_EQ(st.state, K4A_SYNCST_IDLE);
	CHECK_EQ_U64(st.lost, 2);
	CHECK(!k4a_syncst_frame(&st, t));
	CHECK(!k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ_U64(next, 0);
}

/* Clock restarts: at the first pulse no loss, later a loss. */
static void t_restarts(void)
{
	const u64 p = 33333333;
	struct k4a_syncst st;
	u64 next, t = T0, b;

	k4a_syncst_init(&st);
	k4a_syncst_set_role(&st, K4A_SYNCST_SUB, 30, t, 4);
	b = st.bound_ns;
	/* the first pulse resets the clock while armed */
	k4a_syncst_frame(&st, t += p);
	CHECK(!k4a_syncst_judge(&st, t, 5, false, &next));
	k4a_syncst_frame(&st, t += p);
	CHECK(k4a_syncst_judge(&st, t, 5, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	/* ... or is noticed just after the lock */
	k4a_syncst_frame(&st, t += p);
	CHECK(!k4a_syncst_judge(&st, t, 6, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	/* later: the device restarted on its own */
	while (t < T0 + 2 * b) {
		k4a_syncst_frame(&st, t += p);
		CHECK(!k4a_syncst_judge(&st, t, 6, false, &next));
	}
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	CHECK(k4a_syncst_judge(&st, t, 7, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	CHECK_EQ(st.cause, K4A_SYNCST_CAUSE_CLOCK);
	/* frames go on: two new ones in step, locked again */
	CHECK(k4a_syncst_frame(&st, t += p));
	CHECK(!k4a_syncst_judge(&st, t, 7, false, &next));
	CHECK(k4a_syncst_frame(&st, t += p));
	CHECK(k4a_syncst_judge(&st, t, 7, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	CHECK_EQ_U64(st.lost, 1);
}

/* A unit that makes its own frames: the first frame's allowance. */
static void t_own(void)
{
	const u64 p = 66666666;
	struct k4a_syncst st;
	u64 next, t = T0, b, s;

	k4a_syncst_init(&st);
	CHECK(k4a_syncst_set_role(&st, K4A_SYNCST_OWN, 15, t, 0));
	CHECK_EQ(st.state, K4A_SYNCST_STREAMING);
	b = st.bound_ns;
	s = K4A_SYNCST_START_MS * MS;
	CHECK(!k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ_U64(next, t + s + b + 1);
	CHECK(!k4a_syncst_judge(&st, t + s + b, 0, false, &next));
	CHECK(k4a_syncst_judge(&st, t + s + b + 1, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
	/* its frames come late: streaming once in step */
	t += s + b + 10;
	CHECK(k4a_syncst_frame(&st, t));
	CHECK(k4a_syncst_frame(&st, t + p));
	CHECK(k4a_syncst_judge(&st, t + p, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_STREAMING);
	CHECK_EQ_U64(next, t + p + b + 1);

	/* a quick first frame: the allowance still holds for a while */
	k4a_syncst_init(&st);
	k4a_syncst_set_role(&st, K4A_SYNCST_OWN, 15, T0, 0);
	CHECK(!k4a_syncst_frame(&st, T0 + p));
	CHECK(!k4a_syncst_judge(&st, T0 + p + b + 1, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_STREAMING);
	CHECK_EQ_U64(next, T0 + s + b + 1);
}

/* A depth stream whose application holds every buffer. */
static void t_starved(void)
{
	struct k4a_syncst st;
	u64 next, t = T0, b;

	k4a_syncst_init(&st);
	k4a_syncst_set_role(&st, K4A_SYNCST_SUB, 30, t, 0);
	b = st.bound_ns;
	k4a_syncst_frame(&st, t += MS);
	k4a_syncst_frame(&st, t += 33 * MS);
	CHECK(k4a_syncst_judge(&st, t, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	/* long silence, but no buffer: no evidence, the deadline moves */
	t += 10 * b;
	CHECK(!k4a_syncst_judge(&st, t, 0, true, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
	CHECK_EQ_U64(next, t + b + 1);
	/* buffers again, still no frame: lost after the bound */
	CHECK(!k4a_syncst_judge(&st, t + b, 0, false, &next));
	CHECK(k4a_syncst_judge(&st, t + b + 1, 0, false, &next));
	CHECK_EQ(st.state, K4A_SYNCST_LOST);
}

static void t_grid(void)
{
	struct k4a_syncst_grid g;

	k4a_syncst_grid_reset(&g);
	k4a_syncst_grid_frame(&g, 3000, 0, 100000);
	CHECK(!g.have_offset);
	/* on the grid */
	k4a_syncst_grid_frame(&g, 3000, 1, 103000);
	CHECK(g.have_offset);
	CHECK_EQ(g.offset_ns, 0);
	/* one tick late, then one early */
	k4a_syncst_grid_frame(&g, 3000, 2, 106001);
	CHECK_EQ(g.offset_ns, 11111);
	k4a_syncst_grid_frame(&g, 3000, 3, 109000);
	CHECK_EQ(g.offset_ns, -11111);
	/* two frames dropped by the driver (sequence numbers skipped) */
	k4a_syncst_grid_frame(&g, 3000, 6, 118000);
	CHECK_EQ(g.offset_ns, 0);
	/* a frame the device never sent (a missed pulse): one period */
	k4a_syncst_grid_frame(&g, 3000, 7, 124000);
	CHECK_EQ(g.offset_ns, 33333333);
	/* the clock restarted: anchor only */
	k4a_syncst_grid_frame(&g, 3000, 8, 500);
	CHECK(!g.have_offset);
	k4a_syncst_grid_frame(&g, 3000, 9, 3500);
	CHECK(g.have_offset);
	CHECK_EQ(g.offset_ns, 0);
	/* 5 fps, 90 ticks (1 ms) early */
	k4a_syncst_grid_frame(&g, 18000, 10, 21410);
	CHECK_EQ(g.offset_ns, -1000000);
	/* sequence numbers wrap */
	k4a_syncst_grid_reset(&g);
	k4a_syncst_grid_frame(&g, 3000, 0xffffffffU, 7000);
	k4a_syncst_grid_frame(&g, 3000, 1, 13000);
	CHECK_EQ(g.offset_ns, 0);
	/* huge values saturate instead of overflowing */
	k4a_syncst_grid_frame(&g, 3000, 2, 0xffffffffffffff00ULL);
	CHECK(g.have_offset);
	CHECK(g.offset_ns > 0);
	/* no period: no offset */
	k4a_syncst_grid_frame(&g, 0, 3, 0xffffffffffffff10ULL);
	CHECK(!g.have_offset);
}

static u64 rng_state = 88172645463325252ULL;

static u64 rnd(u64 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? rng_state % n : 0;
}

/*
 * A subordinate at each rate, judged as the driver does: frames with up to
 * two periods of arrival jitter never lose the lock; the master stops for
 * 5 s (lost within the bound after the last frame), starts again (locked
 * by the second frame); a stop of two periods plus the margin's half is no
 * loss.
 */
static void t_sim(void)
{
	static const u32 rates[] = { 30, 15, 5 };
	unsigned int r;

	for (r = 0; r < K4A_ARRAY_SIZE(rates); r++) {
		const u64 p = 1000000000ULL / rates[r];
		struct k4a_syncst st;
		u64 t = T0, frame = T0, next = 0, last = 0, lost_at = 0;
		u64 locked_at = 0, resumed = 0, gap = 0;
		unsigned int i, losses = 0;
		int phase = 0;	/* 0 running, 1 stopped, 2 running again */

		k4a_syncst_init(&st);
		k4a_syncst_set_role(&st, K4A_SYNCST_SUB, rates[r], t, 0);
		for (i = 0; i < 100000 && phase < 3; i++) {
			u64 arrive = frame + rnd(2 * p), when;
			bool kick = false;
			u64 n2;

			if (arrive <= last)
				arrive = last + 1;	/* completions in order */
			when = next && next < arrive ? next : arrive;
			t = when;
			if (when == arrive) {
				kick = k4a_syncst_frame(&st, arrive);
				last = arrive;
				frame += p;
				if (phase == 0 && frame > T0 + 20000 * MS) {
					/* the master stops for 5 s */
					frame += 5000 * MS;
					phase = 1;
				} else if (phase == 1) {
					phase = 2;
					resumed = arrive;
				} else if (phase == 2 &&
					   arrive > resumed + 5000 * MS) {
					phase = 3;
				}
			}
			if (kick || when == next) {
				if (k4a_syncst_judge(&st, t, 0, false, &n2)) {
					if (st.state == K4A_SYNCST_LOST) {
						losses++;
						lost_at = t;
						gap = t - last;
						CHECK(t - last > st.bound_ns);
						CHECK(t - last <=
						      st.bound_ns + 1);
					}
					if (st.state == K4A_SYNCST_LOCKED)
						locked_at = t;
				}
				next = n2;
			}
		}
		CHECK_EQ(phase, 3);
		CHECK_EQ(losses, 1);
		CHECK(lost_at > T0 + 20000 * MS);
		CHECK(locked_at > resumed);
		CHECK(locked_at <= resumed + 3 * p);
		CHECK_EQ(st.state, K4A_SYNCST_LOCKED);
		NOTE("%u fps: lost %.0f ms after the last frame, locked %.0f ms after the first new one",
		     rates[r], (double)gap / 1e6,
		     (double)(locked_at - resumed) / 1e6);
	}
}

int main(void)
{
	RUN(t_bound);
	RUN(t_roles);
	RUN(t_subordinate);
	RUN(t_restarts);
	RUN(t_own);
	RUN(t_starved);
	RUN(t_grid);
	RUN(t_sim);
	return k4a_test_done();
}
