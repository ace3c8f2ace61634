// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_syncst.c: arbitrary sequences of role
 * changes at any rate, frame arrivals, judgements (with clock restarts and
 * starvation) and colour frames on the frame grid, with time moving on by
 * arbitrary steps. After every step the documented guarantees are checked:
 *  - the state belongs to the role (no stream: idle; waiting: armed; own
 *    frames: streaming or lost; a subordinate: armed, locked or lost);
 *  - streaming or locked after a judgement means frames are not late, and
 *    the next judgement is due in the future, at most the bound (plus the
 *    start allowance) away; armed and lost ask for none;
 *  - the counters only grow, a loss is a change;
 *  - a grid offset exists only from a frame with a predecessor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_syncst.h"
#include "fuzz.h"

static const u8 allowed[4] = {
	[K4A_SYNCST_NONE] = 1 << K4A_SYNCST_IDLE,
	[K4A_SYNCST_WAIT] = 1 << K4A_SYNCST_ARMED,
	[K4A_SYNCST_OWN] = 1 << K4A_SYNCST_STREAMING | 1 << K4A_SYNCST_LOST,
	[K4A_SYNCST_SUB] = 1 << K4A_SYNCST_ARMED | 1 << K4A_SYNCST_LOCKED |
			   1 << K4A_SYNCST_LOST,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 rates[] = { 30, 15, 5, 0 };
	struct reader r = { data, size };
	struct k4a_syncst st;
	struct k4a_syncst_grid g;
	u64 now = 1000000000, next, changes = 0, lost = 0;
	u32 restarts = 0, seq = 0;
	u64 soe = 0;

	k4a_syncst_init(&st);
	k4a_syncst_grid_reset(&g);
	while (r.left) {
		switch (take(&r, 1) % 6) {
		case 0:		/* time passes */
			now += take(&r, 4);
			break;
		case 1:		/* a start or stop */
			k4a_syncst_set_role(&st, (enum k4a_syncst_role)
					    (take(&r, 1) % 5),
					    rates[take(&r, 1) % 4], now,
					    restarts);
			break;
		case 2:		/* a frame */
			k4a_syncst_frame(&st, now);
			break;
		case 3:		/* the watchdog */
			restarts += take(&r, 1) % 2;
			k4a_syncst_judge(&st, now, restarts, take(&r, 1) & 1,
					 &next);
			if (st.state == K4A_SYNCST_STREAMING ||
			    st.state == K4A_SYNCST_LOCKED) {
				check(next > now);
				check(next - now <= st.bound_ns + 1 +
				      K4A_SYNCST_START_MS * 1000000ULL);
			} else {
				check(!next);
			}
			break;
		case 4:		/* a colour frame */
			seq += (u32)take(&r, 1);
			soe += take(&r, 3) - 0x400000;
			k4a_syncst_grid_frame(&g, (u32)take(&r, 2), seq, soe);
			break;
		default:	/* a colour frame on the grid */
			seq++;
			soe += 3000;
			k4a_syncst_grid_frame(&g, 3000, seq, soe);
			check(!g.have_offset || g.offset_ns == 0);
			break;
		}
		check(st.role < 4 && st.state < K4A_SYNCST_COUNT);
		check(allowed[st.role] & (1 << st.state));
		check(st.changes >= changes && st.lost >= lost);
		check(st.lost - lost <= st.changes - changes);
		check(st.lost <= st.changes);
		changes = st.changes;
		lost = st.lost;
		check(!g.have_offset || g.have);
	}
	return 0;
}
