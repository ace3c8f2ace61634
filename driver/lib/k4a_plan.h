/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_plan.h - sync modes, per-unit delay validation and multi-unit delay
 * planning (laser interference avoidance). See
 * Documentation/delay-planning.rst.
 */
#ifndef K4A_PLAN_H
#define K4A_PLAN_H

#include "k4a_types.h"

/*
 * enum k4a_sync_mode (K4A_SYNC_STANDALONE 0, K4A_SYNC_MASTER 1,
 * K4A_SYNC_SUBORDINATE 2: the SET_SYS_CFG mode word) and the words for it
 * come from the project's uAPI header, which has no dependencies and is
 * usable from kernel, host tests and userspace alike.
 */
#include <linux/k4a.h>

#define K4A_SYNC_MODE_COUNT	3

/* Recommended start-to-start spacing of laser pulses of different units. */
#define K4A_PLAN_SPACING_US	160
/*
 * Narrowest spacing k4a_plan_rig() falls back to: what the vendor's own
 * ten-unit NFOV layout (unit i at i x 160 us) leaves between the last unit's
 * pulse and the first unit's next one, 1575 - 1440 us.
 */
#define K4A_PLAN_MIN_SPACING_US	135
/* Largest rig the planner handles (the vendor's maximum for NFOV). */
#define K4A_PLAN_MAX_UNITS	10
/* min_gap_us when no two laser pulses can meet (one unit, passive IR). */
#define K4A_PLAN_GAP_NONE	U32_MAX

/**
 * struct k4a_plan_unit - sync settings of one unit
 * @role: enum k4a_sync_mode value
 * @sub_delay_us: subordinate_delay_off_master_usec
 * @depth_delay_us: depth_delay_off_color_usec
 */
struct k4a_plan_unit {
	u32 role;
	s32 sub_delay_us;
	s32 depth_delay_us;
};

const char *k4a_sync_mode_name(u32 mode);
int k4a_sync_mode_from_name(const char *name);
const char *k4a_sync_check(u32 mode, s64 sub_delay_us, s64 depth_delay_us,
			   u32 fps);
int k4a_sync_validate(u32 mode, s64 sub_delay_us, s64 depth_delay_us, u32 fps);

int k4a_plan_delays(u32 n_units, u32 depth_mode_id, u32 fps, u32 spacing_us,
		    struct k4a_plan_unit *out);
int k4a_plan_rig(u32 n_units, u32 depth_mode_id, u32 fps,
		 struct k4a_plan_unit *out, u32 *spacing_us);
int k4a_plan_check(u32 n, const struct k4a_plan_unit *u, u32 depth_mode_id,
		   u32 fps, u32 *min_gap_us);
int k4a_plan_min_gap(u32 n, const struct k4a_plan_unit *u, u32 depth_mode_id,
		     u32 fps, u32 *min_gap_us);

#endif /* K4A_PLAN_H */
