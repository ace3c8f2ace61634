// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_clock.c: arbitrary observation
 * streams. The input is a program of operations (add an observation,
 * absolute or relative to the previous one, with realistic or wild steps;
 * map; reset; unwrap; re-init; frames of a pulse train; sharing the rate
 * with a second estimator, fed its own observations, in a rig). After every step the documented guarantees
 * are checked and the target aborts if one breaks:
 *  - right after adding (d, a), a successful map of d is <= a;
 *  - within one state the map never decreases with increasing ticks;
 *  - a newer tick never maps before the previous newest tick's mapping
 *    unless its own arrival forbids it (or the estimator restarted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_clock.h"
#include "fuzz.h"

static struct k4a_clock c, peer;
static struct k4a_clock_rig rig;
static u64 d, a, prev_d, prev_m, fd, pd, pa;
static int have_prev;

static void add(void)
{
	u32 restarts = c.stat_restarts;
	u64 m;
	s32 q;

	k4a_clock_add(&c, d, a);
	if (k4a_clock_train_ratio(&c, &q))
		check(q >= -K4A_CLOCK_TRAIN_MAX_PPM * 1000 && q <= K4A_CLOCK_TRAIN_MAX_PPM * 1000);
	if (c.stat_restarts != restarts)
		have_prev = 0;
	if (k4a_clock_map(&c, d, &m))
		return;
	check(m <= a);
	check(!(have_prev && d > prev_d && m < prev_m && a >= prev_m));
	if (!have_prev || d > prev_d) {
		prev_d = d;
		prev_m = m;
		have_prev = 1;
	}
}

static void probe(u64 x1, u64 x2)
{
	u64 m1, m2;

	if (x1 > x2) {
		u64 t = x1;

		x1 = x2;
		x2 = t;
	}
	if (!k4a_clock_map(&c, x1, &m1) && !k4a_clock_map(&c, x2, &m2))
		check(m1 <= m2);
	(void)k4a_clock_error_ns(&c);
	(void)k4a_clock_ppm_x1000(&c);
	/* locked implies mapped */
	check(!k4a_clock_locked(&c) || k4a_clock_ready(&c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };

	k4a_clock_init(&c, 90000);
	k4a_clock_init(&peer, 90000);
	memset(&rig, 0, sizeof(rig));
	d = 1000;
	a = 1000000000;
	fd = 5000;
	pd = 7000;
	pa = 1000000000;
	have_prev = 0;
	while (r.left) {
		switch (take(&r, 1) % 14) {
		case 0:		/* absolute observation */
			d = take(&r, 8);
			a = take(&r, 8);
			add();
			break;
		case 1:		/* wild step */
			d += take(&r, 2);
			a += take(&r, 4);
			add();
			break;
		case 2:		/* a frame: 33.3 ms of ticks, latency jitter up to ~3 ms */
		case 3:
			d += 3000 + (s8)take(&r, 1);
			a += 33333333 + take(&r, 2) * 50;
			add();
			break;
		case 4:		/* out of order: a little back in ticks */
			d -= take(&r, 1);
			a += take(&r, 2);
			add();
			break;
		case 5:		/* probes around the newest tick */
			probe(d - take(&r, 2), d + take(&r, 2));
			probe(take(&r, 8), d);
			break;
		case 6:
			k4a_clock_reset(&c);
			have_prev = 0;
			break;
		case 7:
			(void)k4a_clock_unwrap(&c, (u32)take(&r, 4));
			break;
		case 8:
			k4a_clock_init(&c, (u32)take(&r, 4));
			have_prev = 0;
			break;
		case 9:		/* a pulse train: 5 fps, 30 fps or any period */
			k4a_clock_train_start(take(&r, 1) & 1 ? &peer : &c,
					      (u32)(take(&r, 1) & 1 ? 18000 : take(&r, 3)));
			break;
		case 10:	/* a frame near the train's next period */
			fd += c.train.period + (s8)take(&r, 1);
			k4a_clock_frame(&c, fd);
			k4a_clock_frame(&peer, fd + take(&r, 1));
			break;
		case 11:	/* a frame anywhere */
			fd = take(&r, 8);
			k4a_clock_frame(&c, fd);
			break;
		case 12:	/* share: any role, any slot (32 is none) */
			k4a_clock_rig_update(&rig, (u32)(take(&r, 1) % 33),
					     (u8)(take(&r, 1) % 4), &c);
			break;
		case 13:	/* the peer: an observation, then it shares */
			pd += 433 + (s8)take(&r, 1);
			pa += 4807692 + take(&r, 2) * 20;
			k4a_clock_add(&peer, pd, pa);
			k4a_clock_rig_update(&rig, (u32)(take(&r, 1) % 33),
					     (u8)(take(&r, 1) % 3), &peer);
			break;
		}
	}
	return 0;
}
