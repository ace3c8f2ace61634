// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for driver/lib/k4a_plan.c
 *
 * The reference for every gap is a brute force written independently of
 * the library: list every laser pulse start of every unit over seven
 * consecutive frames, in 1/9 us units, and take the smallest distance
 * between pulses of different units.
 */
#include <stdlib.h>
#include "k4a_test.h"
#include "k4a_plan.h"
#include "k4a_modes.h"

/* Brute-force minimum start-to-start distance, in 1/9 us; -1 if none. */
static long long ref_gap_units(unsigned int n, const struct k4a_plan_unit *u,
			       const struct k4a_depth_mode *m, unsigned int fps)
{
	long long frame = 100LL * (90000 / fps);
	long long pulse_period = 9LL * (m->pulse_us + m->idle_us);
	long long best = -1;
	unsigned int i, j, a, b, fi, fj;

	if (!m->pulses)
		return -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			/* The device truncates each delay to ticks (SDK encoding). */
			long long oi = 100LL * ((long long)u[i].sub_delay_us * 9 / 100 +
						(long long)u[i].depth_delay_us * 9 / 100);
			long long oj = 100LL * ((long long)u[j].sub_delay_us * 9 / 100 +
						(long long)u[j].depth_delay_us * 9 / 100);

			if (i == j)
				continue;
			for (fi = 0; fi < 7; fi++)
				for (fj = 0; fj < 7; fj++)
					for (a = 0; a < m->pulses; a++)
						for (b = 0; b < m->pulses; b++) {
							long long ti = oi + fi * frame + a * pulse_period;
							long long tj = oj + fj * frame + b * pulse_period;
							long long d = llabs(ti - tj);

							if (best < 0 || d < best)
								best = d;
						}
		}
	return best;
}

static void t_mode_words(void)
{
	u32 i;

	for (i = 0; i < K4A_SYNC_MODE_COUNT; i++) {
		char buf[32];
		const char *w = k4a_sync_mode_name(i);

		REQUIRE(w);
		CHECK_EQ(k4a_sync_mode_from_name(w), i);
		snprintf(buf, sizeof(buf), "%s\n", w);
		CHECK_EQ(k4a_sync_mode_from_name(buf), i);
		snprintf(buf, sizeof(buf), "%s\n\n", w);
		CHECK_EQ(k4a_sync_mode_from_name(buf), -EINVAL);
		snprintf(buf, sizeof(buf), "%s ", w);
		CHECK_EQ(k4a_sync_mode_from_name(buf), -EINVAL);
		snprintf(buf, sizeof(buf), " %s", w);
		CHECK_EQ(k4a_sync_mode_from_name(buf), -EINVAL);
		snprintf(buf, sizeof(buf), "%.*s", (int)strlen(w) - 1, w);
		CHECK_EQ(k4a_sync_mode_from_name(buf), -EINVAL);
	}
	CHECK(!strcmp(k4a_sync_mode_name(K4A_SYNC_STANDALONE), "standalone"));
	CHECK(!strcmp(k4a_sync_mode_name(K4A_SYNC_MASTER), "master"));
	CHECK(!strcmp(k4a_sync_mode_name(K4A_SYNC_SUBORDINATE), "subordinate"));
	CHECK(!k4a_sync_mode_name(3));
	CHECK(!k4a_sync_mode_name(U32_MAX));
	CHECK_EQ(k4a_sync_mode_from_name(NULL), -EINVAL);
	CHECK_EQ(k4a_sync_mode_from_name(""), -EINVAL);
	CHECK_EQ(k4a_sync_mode_from_name("\n"), -EINVAL);
	CHECK_EQ(k4a_sync_mode_from_name("Master"), -EINVAL);
	CHECK_EQ(k4a_sync_mode_from_name("slave"), -EINVAL);
	CHECK_EQ(k4a_sync_mode_from_name("master\0x"), K4A_SYNC_MASTER);
}

static void t_validate(void)
{
	static const u32 rates[] = { 5, 15, 30 };
	u32 i;

	for (i = 0; i < K4A_ARRAY_SIZE(rates); i++) {
		s64 p = 1000000 / rates[i];
		u32 f = rates[i];

		CHECK_EQ(k4a_sync_validate(K4A_SYNC_STANDALONE, 0, 0, f), 0);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_MASTER, 0, p, f), 0);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_MASTER, 0, -p, f), 0);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_MASTER, 0, p + 1, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_MASTER, 0, -p - 1, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_STANDALONE, 1, 0, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_MASTER, 160, 0, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, 0, 0, f), 0);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, p, -p, f), 0);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, p + 1, 0, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, -1, 0, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, S64_MIN, 0, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, 0, S64_MAX, f), -EINVAL);
		CHECK_EQ(k4a_sync_validate(3, 0, 0, f), -EINVAL);
	}
	CHECK_EQ(k4a_sync_validate(K4A_SYNC_STANDALONE, 0, 0, 0), -EINVAL);
	CHECK_EQ(k4a_sync_validate(K4A_SYNC_STANDALONE, 0, 0, 25), -EINVAL);
	CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, 33333, 0, 30), 0);
	CHECK_EQ(k4a_sync_validate(K4A_SYNC_SUBORDINATE, 33334, 0, 30), -EINVAL);
	/* the reason names the broken rule */
	CHECK(k4a_sync_check(K4A_SYNC_MASTER, 0, 0, 30) == NULL);
	CHECK(strstr(k4a_sync_check(3, 0, 0, 30), "mode"));
	CHECK(strstr(k4a_sync_check(K4A_SYNC_MASTER, 0, 0, 25), "frame rate"));
	CHECK(strstr(k4a_sync_check(K4A_SYNC_MASTER, 1, 0, 30), "outside subordinate"));
	CHECK(strstr(k4a_sync_check(K4A_SYNC_SUBORDINATE, -1, 0, 30), "negative"));
	CHECK(strstr(k4a_sync_check(K4A_SYNC_SUBORDINATE, 33334, 0, 30), "subordinate delay exceeds"));
	CHECK(strstr(k4a_sync_check(K4A_SYNC_SUBORDINATE, 0, -33334, 30), "depth delay"));
}

/* Every laser mode, rate and rig size at the recommended spacing and others. */
static void t_plan_sweep(void)
{
	static const u32 spacings[] = { 125, 155, 160, 200, 250, 400, 1000 };
	static struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS + 1];
	const struct k4a_depth_mode *m;
	u32 mi, fi, si, n, ok = 0, full = 0;

	for (mi = 0; (m = k4a_depth_mode_get(mi)); mi++) {
		if (!m->pulses)
			continue;
		for (fi = 0; k4a_fps_get(fi); fi++) {
			u32 fps = k4a_fps_get(fi);

			if (!k4a_depth_mode_valid(m->id, fps))
				continue;
			for (si = 0; si < K4A_ARRAY_SIZE(spacings); si++) {
				u32 sp = spacings[si];
				u32 step = (sp * 9 + 99) / 100;	/* ticks */
				long long pp = 9LL * (m->pulse_us + m->idle_us);

				for (n = 1; n <= K4A_PLAN_MAX_UNITS; n++) {
					/*
					 * Fits iff the last unit stays a spacing ahead
					 * of the first unit's next pulse.
					 */
					bool fits = n == 1 ||
						    pp - (long long)(n - 1) * step * 100 >= 9LL * sp;
					u32 gap = 0, i;
					int r;

					memset(u, 0xa5, sizeof(u));
					r = k4a_plan_delays(n, m->id, fps, sp, u);
					CHECK_EQ(r, fits ? 0 : -ENOSPC);
					if (r)
						continue;
					ok++;
					if (n == K4A_PLAN_MAX_UNITS)
						full++;
					for (i = 0; i < n; i++) {
						CHECK_EQ(u[i].role, n == 1 ? K4A_SYNC_STANDALONE :
							 i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER);
						CHECK_EQ(u[i].sub_delay_us, 0);
						/* Exactly i steps as the device encodes it. */
						CHECK_EQ(k4a_us_to_ticks(u[i].depth_delay_us),
							 (s64)i * step);
						CHECK_EQ(k4a_us_quantize(u[i].depth_delay_us),
							 u[i].depth_delay_us);
						CHECK(u[i].depth_delay_us >= 0);
						CHECK(u[i].depth_delay_us <= (s32)k4a_frame_period_us(fps));
					}
					CHECK_EQ(k4a_plan_min_gap(n, u, m->id, fps, &gap), 0);
					if (n == 1) {
						CHECK_EQ(gap, K4A_PLAN_GAP_NONE);
					} else {
						CHECK_EQ(gap, ref_gap_units(n, u, m, fps) / 9);
						CHECK(gap >= sp);
					}
					CHECK_EQ(k4a_plan_check(n, u, m->id, fps, &gap),
						 gap >= K4A_PLAN_SPACING_US ? 0 : -ERANGE);
				}
			}
		}
	}
	NOTE("%u plans made, %u of them with %u units", ok, full, K4A_PLAN_MAX_UNITS);
	CHECK(ok > 100);
}

static void t_plan_facts(void)
{
	static struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS];
	u32 gap = 0, i;

	/* NFOV at 160 us: 15-tick steps (166.7 us); nine units fit, ten do not. */
	CHECK_EQ(k4a_plan_delays(9, 2, 30, 160, u), 0);
	CHECK_EQ(u[1].depth_delay_us, 167);
	CHECK_EQ(u[8].depth_delay_us, 1334);
	CHECK_EQ(k4a_plan_check(9, u, 2, 30, &gap), 0);
	CHECK_EQ(gap, 166);
	NOTE("NFOV 30 fps, 9 units at 160 us: delays 0..%d us, min gap %u us",
	     u[8].depth_delay_us, gap);
	CHECK_EQ(k4a_plan_delays(10, 2, 30, 160, u), -ENOSPC);
	/* At 155 us (14 ticks = 155.6 us) ten NFOV units fit. */
	CHECK_EQ(k4a_plan_delays(10, 1, 30, 155, u), 0);
	CHECK_EQ(k4a_plan_min_gap(10, u, 1, 30, &gap), 0);
	CHECK_EQ(gap, 155);
	CHECK_EQ(k4a_plan_check(10, u, 1, 30, &gap), -ERANGE);
	/* WFOV unbinned idles 2390 us: ten units fit at 160 us. */
	CHECK_EQ(k4a_plan_delays(10, 4, 15, 160, u), 0);
	CHECK_EQ(k4a_plan_check(10, u, 4, 15, &gap), 0);
	/* Passive IR has no laser: nothing to interleave. */
	CHECK_EQ(k4a_plan_delays(10, 5, 30, 160, u), 0);
	for (i = 0; i < 10; i++)
		CHECK_EQ(u[i].depth_delay_us, 0);
	CHECK_EQ(k4a_plan_check(10, u, 5, 30, &gap), 0);
	CHECK_EQ(gap, K4A_PLAN_GAP_NONE);

	/*
	 * Writing i * 160 us as the vendor text suggests: the SDK encoding
	 * truncates 160 us to 14 ticks (155.6 us), so neighbours end up
	 * closer than 160 us.
	 */
	for (i = 0; i < 9; i++) {
		u[i].role = i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER;
		u[i].sub_delay_us = 0;
		u[i].depth_delay_us = (s32)(160 * i);
	}
	CHECK_EQ(k4a_plan_check(9, u, 2, 30, &gap), -ERANGE);
	CHECK_EQ(gap, 155);
	NOTE("9 units at i * 160 us as written: min gap %u us after tick truncation", gap);
}

/* The widest spacing a rig fits, from the recommended one down. */
static void t_plan_rig(void)
{
	static struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS + 1], ref[K4A_PLAN_MAX_UNITS];
	const struct k4a_depth_mode *m;
	u32 mi, fi, n, sp = 0, gap = 0, i;

	/* Ten NFOV units: 14-tick steps (155.6 us) at 155 us; nine keep 160. */
	CHECK_EQ(k4a_plan_rig(10, 2, 30, u, &sp), 0);
	CHECK_EQ(sp, 155);
	for (i = 0; i < 10; i++)
		CHECK_EQ(k4a_us_to_ticks(u[i].depth_delay_us), 14 * i);
	CHECK_EQ(u[9].depth_delay_us, 1400);
	CHECK_EQ(k4a_plan_min_gap(10, u, 2, 30, &gap), 0);
	CHECK_EQ(gap, 155);
	NOTE("NFOV 30 fps, 10 units: spacing %u us, delays 0..%d us, min gap %u us", sp,
	     u[9].depth_delay_us, gap);
	CHECK_EQ(k4a_plan_rig(9, 2, 30, u, &sp), 0);
	CHECK_EQ(sp, K4A_PLAN_SPACING_US);
	CHECK_EQ(u[8].depth_delay_us, 1334);

	/* Every laser mode, rate and size: the plan of the first spacing that fits. */
	for (mi = 0; (m = k4a_depth_mode_get(mi)); mi++) {
		for (fi = 0; k4a_fps_get(fi); fi++) {
			u32 fps = k4a_fps_get(fi);

			if (!k4a_depth_mode_valid(m->id, fps))
				continue;
			for (n = 1; n <= K4A_PLAN_MAX_UNITS; n++) {
				u32 want = K4A_PLAN_SPACING_US;

				while (want >= K4A_PLAN_MIN_SPACING_US &&
				       k4a_plan_delays(n, m->id, fps, want, ref))
					want--;
				/* every built-in mode takes the planner's largest rig */
				REQUIRE(want >= K4A_PLAN_MIN_SPACING_US);
				memset(u, 0xa5, sizeof(u));
				sp = 0;
				CHECK_EQ(k4a_plan_rig(n, m->id, fps, u, &sp), 0);
				CHECK_EQ(sp, want);
				CHECK(!memcmp(u, ref, n * sizeof(u[0])));
				CHECK_EQ(k4a_plan_min_gap(n, u, m->id, fps, &gap), 0);
				CHECK(gap >= sp);
				/* a pulse of 125 us never meets another one */
				CHECK(gap >= m->pulse_us);
			}
		}
	}

	CHECK_EQ(k4a_plan_rig(0, 2, 30, u, &sp), -EINVAL);
	CHECK_EQ(k4a_plan_rig(K4A_PLAN_MAX_UNITS + 1, 2, 30, u, &sp), -EINVAL);
	CHECK_EQ(k4a_plan_rig(2, 2, 25, u, &sp), -EINVAL);
	CHECK_EQ(k4a_plan_rig(2, 2, 30, NULL, &sp), -EINVAL);
	CHECK_EQ(k4a_plan_rig(2, 2, 30, u, NULL), -EINVAL);
}

static void t_plan_invalid(void)
{
	static struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS + 1];
	u32 gap;

	CHECK_EQ(k4a_plan_delays(0, 2, 30, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(K4A_PLAN_MAX_UNITS + 1, 2, 30, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(U32_MAX, 2, 30, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 0, 30, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 6, 30, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 2, 25, 160, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 4, 30, 160, u), -EINVAL);	/* WFOV unbinned max 15 */
	CHECK_EQ(k4a_plan_delays(2, 2, 30, 124, u), -EINVAL);	/* shorter than a pulse */
	CHECK_EQ(k4a_plan_delays(2, 2, 30, 0, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 2, 30, 33334, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 2, 30, U32_MAX, u), -EINVAL);
	CHECK_EQ(k4a_plan_delays(2, 2, 30, 160, NULL), -EINVAL);
	/* A spacing beyond one pulse period never fits two units. */
	CHECK_EQ(k4a_plan_delays(2, 2, 30, 2000, u), -ENOSPC);
	CHECK_EQ(k4a_plan_delays(1, 2, 30, 2000, u), 0);

	REQUIRE(k4a_plan_delays(3, 2, 30, 160, u) == 0);
	CHECK_EQ(k4a_plan_check(3, NULL, 2, 30, &gap), -EINVAL);
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, NULL), -EINVAL);
	CHECK_EQ(k4a_plan_check(0, u, 2, 30, &gap), -EINVAL);
	CHECK_EQ(k4a_plan_check(3, u, 2, 15, &gap), 0);
	CHECK_EQ(k4a_plan_check(3, u, 9, 30, &gap), -EINVAL);
	/* Two masters; a standalone unit in a rig; sub delay on the master. */
	u[1].role = K4A_SYNC_MASTER;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	u[1].role = K4A_SYNC_STANDALONE;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	u[1].role = K4A_SYNC_SUBORDINATE;
	u[0].sub_delay_us = 10;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	u[0].sub_delay_us = 0;
	u[2].sub_delay_us = 33334;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	u[2].sub_delay_us = 0;
	u[2].depth_delay_us = -33334;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	u[2].role = 7;
	u[2].depth_delay_us = 0;
	CHECK_EQ(k4a_plan_check(3, u, 2, 30, &gap), -EINVAL);
	/* All subordinates (external sync source) is a valid rig. */
	u[0].role = u[1].role = u[2].role = K4A_SYNC_SUBORDINATE;
	CHECK_EQ(k4a_plan_min_gap(3, u, 2, 30, &gap), 0);
	/* A single unit may be anything valid. */
	u[0].role = K4A_SYNC_STANDALONE;
	CHECK_EQ(k4a_plan_check(1, u, 2, 30, &gap), 0);
	CHECK_EQ(gap, K4A_PLAN_GAP_NONE);
}

/* Random valid rigs, delays anywhere in their ranges (frame wrap included). */
static void t_check_random(void)
{
	static struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS];
	static const u32 modes[] = { 1, 2, 3, 4 };
	u64 x = 0x1234567887654321ULL;
	u32 round, close = 0, far = 0;

	for (round = 0; round < 4000; round++) {
		u32 mode = modes[round % 4], fps = k4a_fps_get((round / 4) % 3), n, i, gap;
		const struct k4a_depth_mode *m = k4a_depth_mode_by_id(mode);
		s32 p;
		long long ref;
		int r;

		if (!k4a_depth_mode_valid(mode, fps))
			fps = 15;
		p = (s32)k4a_frame_period_us(fps);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 2 + (u32)(x % (K4A_PLAN_MAX_UNITS - 1));
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			u[i].role = i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER;
			u[i].sub_delay_us = i ? (s32)((x >> 8) % (u64)(p + 1)) : 0;
			/* Mostly small offsets (near interference), sometimes any. */
			if (x & 1)
				u[i].depth_delay_us = (s32)((x >> 20) % 3000);
			else
				u[i].depth_delay_us = (s32)((x >> 20) % (u64)(2 * p + 1)) - p;
		}
		r = k4a_plan_check(n, u, mode, fps, &gap);
		ref = ref_gap_units(n, u, m, fps);
		CHECK_EQ(gap, ref / 9);
		CHECK_EQ(r, ref >= 9 * K4A_PLAN_SPACING_US ? 0 : -ERANGE);
		if (r)
			close++;
		else
			far++;
	}
	NOTE("random rigs: %u interfering, %u clear", close, far);
	CHECK(close > 100 && far > 100);
}

int main(void)
{
	RUN(t_mode_words);
	RUN(t_validate);
	RUN(t_plan_sweep);
	RUN(t_plan_facts);
	RUN(t_plan_rig);
	RUN(t_plan_invalid);
	RUN(t_check_random);
	return k4a_test_done();
}
