/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched.h - k4actl: the delays of a rig, planned by driver/lib/k4a_plan.c
 * from the inferred topology, and their text timing chart.
 *
 * Pure code: no libudev, no sysfs; the only output goes to a FILE.
 */
#ifndef K4ACTL_SCHED_H
#define K4ACTL_SCHED_H

#include <stdio.h>

#include "k4a_plan.h"
#include "topo.h"

enum k4actl_sched_err {
	K4ACTL_SCHED_OK,
	K4ACTL_SCHED_TOPO,	/* the cabling was refused (see the topology's error) */
	K4ACTL_SCHED_UNSYNCED,	/* several units without any sync cable */
	K4ACTL_SCHED_TOO_MANY,	/* more units than the planner takes */
	K4ACTL_SCHED_NO_FIT,	/* the units do not fit the mode's laser idle time */
	K4ACTL_SCHED_BAD_MODE,	/* not a depth mode */
};

/**
 * struct k4actl_sched - the planned settings of a rig
 * @err: K4ACTL_SCHED_OK, or why there is no plan
 * @n: number of planned units
 * @depth_mode: k4a depth mode id the plan is for
 * @fps: frame rate the plan was checked at (the mode's highest)
 * @capacity: largest rig the planner accepts in this mode
 * @spacing_us: the distance the plan keeps between laser pulse starts of two
 *              units: K4A_PLAN_SPACING_US, or narrower for a rig that only
 *              fits so (k4a_plan_rig())
 * @min_gap_us: smallest distance between laser pulse starts of two units
 *              (K4A_PLAN_GAP_NONE for one unit or a mode without laser)
 * @unit: per planned unit, its index in the topology's input, master first
 * @set: per planned unit, the settings to write
 */
struct k4actl_sched {
	enum k4actl_sched_err err;
	unsigned int n;
	u32 depth_mode;
	u32 fps;
	u32 capacity;
	u32 spacing_us;
	u32 min_gap_us;
	unsigned int unit[K4A_PLAN_MAX_UNITS];
	struct k4a_plan_unit set[K4A_PLAN_MAX_UNITS];
};

u32 k4actl_sched_capacity(u32 depth_mode);
int k4actl_sched_make(const struct k4actl_topo *t, u32 depth_mode, struct k4actl_sched *s);
void k4actl_sched_print_error(FILE *f, const struct k4actl_sched *s);
void k4actl_sched_print(FILE *f, const struct k4actl_sched *s, const struct k4actl_jacks *j);
void k4actl_chart_print(FILE *f, const struct k4actl_sched *s, const struct k4actl_jacks *j);

#endif /* K4ACTL_SCHED_H */
