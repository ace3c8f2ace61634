// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_dgrid.c: arbitrary sequences of
 * colour frames, clock observations, clock restarts, stream starts and depth
 * transfers with arbitrary arrival times. After every depth frame the
 * documented guarantees are checked:
 *  - the timestamp is never later than the transfer's arrival;
 *  - it never goes before the previous frame's timestamp of the stream
 *    (arrivals themselves never go backwards: they are completion times);
 *  - the source is one of the three, and a colour-grid frame names ticks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_dgrid.h"
#include "fuzz.h"

static struct k4a_clock uc;
static struct k4a_dgrid g;
static u64 now, dev, last_ts;
static int have_ts;

static void start(u32 sel, u32 exp_us, u32 xfer, s32 delay)
{
	static const u32 rates[] = { 30, 15, 5, 7 };

	if (!k4a_dgrid_start(&g, rates[sel % 4], exp_us, xfer, delay))
		have_ts = 0;
}

static void frame(void)
{
	struct k4a_dgrid_out o;

	k4a_dgrid_frame(&g, &uc, now, &o);
	check(o.ts_ns <= now);
	check(!have_ts || o.ts_ns >= last_ts);
	check(o.source <= K4A_DGRID_CADENCE);
	check(o.source == K4A_DGRID_COLOR || !o.ticks);
	/* a shared slot or a clamped time never claims a lock */
	check(!o.locked || (!o.burst && !o.clamped));
	last_ts = o.ts_ns;
	have_ts = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };

	k4a_clock_init(&uc, 90000);
	k4a_dgrid_init(&g);
	now = 1000000000;
	dev = 100000;
	have_ts = 0;
	start(0, 12725, 10000000, 0);
	while (r.left) {
		switch (take(&r, 1) % 10) {
		case 0:		/* a colour frame a period on, SCR with it */
		case 1:
			dev += 3000 + (s8)take(&r, 1);
			now += 33333333 + take(&r, 2) * 50;
			k4a_clock_add(&uc, dev, now);
			k4a_dgrid_color(&g, dev - take(&r, 2), take(&r, 2) * 11111);
			break;
		case 2:		/* a depth transfer a little later */
		case 3:
		case 4:
			now += take(&r, 3);
			frame();
			break;
		case 5:		/* a burst: no time passes */
			frame();
			break;
		case 6:		/* anything */
			dev = take(&r, 8);
			now += take(&r, 5);
			k4a_clock_add(&uc, dev, now);
			k4a_dgrid_color(&g, take(&r, 8), take(&r, 8));
			break;
		case 7:
			k4a_clock_reset(&uc);
			k4a_dgrid_clock_reset(&g);
			dev = take(&r, 2);
			break;
		case 8:
			start((u32)take(&r, 1), (u32)take(&r, 3),
			      (u32)take(&r, 4), (s32)take(&r, 2) - 32768);
			break;
		case 9:		/* a long gap, or time standing still */
			now += take(&r, 1) * 100000000ULL;
			break;
		}
	}
	return 0;
}
