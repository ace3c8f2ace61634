/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - k4actl: the command line and the help texts.
 *
 * Pure code: no libudev, no sysfs; the only output goes to a FILE.
 */
#ifndef K4ACTL_ARGS_H
#define K4ACTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "capture.h"
#include "k4a_types.h"

enum k4actl_cmd {
	K4ACTL_CMD_NONE,
	K4ACTL_CMD_HELP,
	K4ACTL_CMD_VERSION,
	K4ACTL_CMD_LIST,
	K4ACTL_CMD_TOPOLOGY,
	K4ACTL_CMD_PLAN,
	K4ACTL_CMD_START,
	K4ACTL_CMD_STOP,
	K4ACTL_CMD_STATUS,
	K4ACTL_CMD_WATCH,
	K4ACTL_CMD_CAPTURE,
};

/* Defaults of the waits and of watch, in seconds. */
#define K4ACTL_ARM_TIMEOUT_S	60.0	/* start: every unit armed */
#define K4ACTL_LOCK_TIMEOUT_S	10.0	/* start: every subordinate locked */
#define K4ACTL_STOP_TIMEOUT_S	10.0	/* stop: every unit idle */
#define K4ACTL_INTERVAL_S	1.0	/* watch: between two refreshes */
#define K4ACTL_CAPTURE_TIMEOUT_S 30.0	/* capture: arming, coming in step, a pause */
#define K4ACTL_CAPTURE_CLOCK_BOUND_US 1000	/* capture: clock error bound to wait for */

/**
 * struct k4actl_args - a parsed command line
 * @cmd: what to do
 * @topic: K4ACTL_CMD_HELP: the command asked about, K4ACTL_CMD_NONE for all
 * @json: list --json, status --json
 * @dry_run: plan --dry-run, stop --dry-run
 * @no_plan: start --no-plan, capture --no-plan
 * @depth_mode: plan --mode, start --mode, capture --depth: a k4a depth mode id
 *              (capture: 0 for --depth off)
 * @timeout: start --timeout (arming), stop --timeout, capture --timeout, in
 *           seconds
 * @lock_timeout: start --lock-timeout, in seconds
 * @interval: watch --interval, in seconds
 * @count: watch --count, 0 for no end
 * @frames: capture --frames
 * @out: capture --out
 * @force: capture --force
 * @color: capture --color
 * @fps: capture --fps
 * @units: capture --units, or NULL for every unit
 * @clock_bound_us: capture --clock-bound: the clock error bound (us) every
 *                  unit reaches before sets are recorded, 0 for none
 * @settle: capture --settle: seconds the rig streams after that before the
 *          first set is recorded, 0 for none
 */
struct k4actl_args {
	enum k4actl_cmd cmd;
	enum k4actl_cmd topic;
	bool json;
	bool dry_run;
	bool no_plan;
	u32 depth_mode;
	double timeout;
	double lock_timeout;
	double interval;
	unsigned int count;
	u64 frames;
	const char *out;
	bool force;
	struct k4actl_cap_color color;
	u32 fps;
	const char *units;
	u32 clock_bound_us;
	double settle;
};

enum k4actl_cmd k4actl_cmd_from_name(const char *name);
u32 k4actl_depth_mode_from_word(const char *word);
int k4actl_seconds_parse(const char *s, double *secs);
int k4actl_args_parse(int argc, char *const argv[], struct k4actl_args *a, char *err,
		      size_t len);
void k4actl_help_print(FILE *f, enum k4actl_cmd topic);

#endif /* K4ACTL_ARGS_H */
