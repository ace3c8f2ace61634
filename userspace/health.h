/* SPDX-License-Identifier: GPL-2.0 */
/*
 * health.h - k4actl: a unit's live values (sync state, start gate, health/
 * counters, clock/ estimator), the 'status' table and JSON, and what
 * 'watch' derives from two readings: frame rates, drops, and the spread of
 * the units' latest colour frames.
 *
 * Pure code: live.c reads the values; the only output goes to a FILE.
 */
#ifndef K4ACTL_HEALTH_H
#define K4ACTL_HEALTH_H

#include <stdbool.h>
#include <stdio.h>

#include "k4a_types.h"

/* Text values of a unit. */
enum k4actl_live_text {
	K4ACTL_L_SERIAL,
	K4ACTL_L_SYNC_MODE,
	K4ACTL_L_SYNC_STATE,
	K4ACTL_L_START_GATE,
	K4ACTL_L_SYNC_IN,
	K4ACTL_L_SYNC_OUT,
	K4ACTL_L_TEXT_COUNT
};

/* Numeric values of a unit (decimal files). */
enum k4actl_live_num {
	K4ACTL_L_COLOR_FRAMES,
	K4ACTL_L_COLOR_DROPPED,
	K4ACTL_L_COLOR_GAPS,
	K4ACTL_L_DEPTH_FRAMES,
	K4ACTL_L_DEPTH_DROPPED,
	K4ACTL_L_DEPTH_GAPS,
	K4ACTL_L_CLOCK_LOCKED,
	K4ACTL_L_CLOCK_ERROR_NS,
	K4ACTL_L_RATE_ERROR_PPB,
	K4ACTL_L_CLOCK_SHARED,
	K4ACTL_L_FRAME_OFFSET_NS,
	K4ACTL_L_COLOR_SOE_NS,
	K4ACTL_L_SUB_DELAY_US,
	K4ACTL_L_NUM_COUNT
};

/**
 * struct k4actl_num - a numeric value as read
 * @err: 0, or the positive errno of the read (ENODATA: no value yet,
 *       ENOENT: a driver without the file, EPROTO: not a number)
 * @v: the value (u64 files are taken as signed: no value reaches 2^63)
 */
struct k4actl_num {
	int err;
	long long v;
};

/**
 * struct k4actl_live - one reading of a unit
 * @name: "k4aN"
 * @gone: its directory is gone (unplugged); only @name and, as known before,
 *        the serial and sync_mode texts are set (the others "?")
 * @text: text values, by enum k4actl_live_text ("?" when unreadable)
 * @num: numeric values, by enum k4actl_live_num
 * @t_ns: CLOCK_MONOTONIC when the reading was taken
 */
struct k4actl_live {
	char name[32];
	bool gone;
	char text[K4ACTL_L_TEXT_COUNT][64];
	struct k4actl_num num[K4ACTL_L_NUM_COUNT];
	s64 t_ns;
};

extern const char *const k4actl_live_text_file[K4ACTL_L_TEXT_COUNT];
extern const char *const k4actl_live_num_file[K4ACTL_L_NUM_COUNT];

void k4actl_num_parse(struct k4actl_num *n, const char *text, int err);
const char *k4actl_live_json_key(const char *file);
void k4actl_status_print(FILE *f, const struct k4actl_live *u, unsigned int n);
unsigned int k4actl_status_faults(FILE *f, const struct k4actl_live *u, unsigned int n);
void k4actl_status_print_json(FILE *f, const struct k4actl_live *u, unsigned int n);

/* Spread of the latest colour frames of a rig. */
#define K4ACTL_SPREAD_NONE	(-1LL)

s64 k4actl_fold(s64 x, s64 period);
s64 k4actl_period_guess(const s64 *deltas, unsigned int n);
int k4actl_offsets(const struct k4actl_live *u, unsigned int n, int master, s64 period_ns,
		   s64 *offset, bool *have);

/**
 * struct k4actl_watch - what 'watch' keeps between refreshes
 * @refreshes: refreshes shown so far
 * @spread_ns: the latest spread, K4ACTL_SPREAD_NONE if none
 * @worst_ns: the largest spread since watch started, or K4ACTL_SPREAD_NONE
 * @period_ns: the master's colour frame period, 0 if unknown
 * @why: when there is no spread, why ("no master", ...)
 */
struct k4actl_watch {
	unsigned int refreshes;
	s64 spread_ns;
	s64 worst_ns;
	s64 period_ns;
	const char *why;
};

bool k4actl_rate(const struct k4actl_live *prev, const struct k4actl_live *cur,
		 enum k4actl_live_num id, double *fps);
bool k4actl_delta(const struct k4actl_live *prev, const struct k4actl_live *cur,
		  enum k4actl_live_num id, long long *d);
void k4actl_watch_update(struct k4actl_watch *w, const struct k4actl_live *u, unsigned int n,
			 int master, s64 *offset, bool *have);
void k4actl_watch_print(FILE *f, const struct k4actl_watch *w, const struct k4actl_live *prev,
			const struct k4actl_live *cur, unsigned int n, const s64 *offset,
			const bool *have);

#endif /* K4ACTL_HEALTH_H */
