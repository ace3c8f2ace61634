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
	K4ACTL_CMD_CAPTURE,
};

/**
 * struct k4actl_args - a parsed command line
 * @cmd: what to do
 * @topic: K4ACTL_CMD_HELP: the command asked about, K4ACTL_CMD_NONE for all
 * @json: list --json
 * @dry_run: plan --dry-run
 * @depth_mode: plan --mode, capture --depth: a k4a depth mode id (capture:
 *              0 for --depth off)
 * @frames: capture --frames
 * @out: capture --out
 * @force: capture --force
 * @color: capture --color
 * @fps: capture --fps
 * @units: capture --units, or NULL for every unit
 * @timeout_s: capture --timeout
 * @no_plan: capture --no-plan
 */
struct k4actl_args {
	enum k4actl_cmd cmd;
	enum k4actl_cmd topic;
	bool json;
	bool dry_run;
	u32 depth_mode;
	u64 frames;
	const char *out;
	bool force;
	struct k4actl_cap_color color;
	u32 fps;
	const char *units;
	u32 timeout_s;
	bool no_plan;
};

enum k4actl_cmd k4actl_cmd_from_name(const char *name);
u32 k4actl_depth_mode_from_word(const char *word);
int k4actl_args_parse(int argc, char *const argv[], struct k4actl_args *a, char *err,
		      size_t len);
void k4actl_help_print(FILE *f, enum k4actl_cmd topic);

#endif /* K4ACTL_ARGS_H */
