/* SPDX-License-Identifier: GPL-2.0 */
/*
 * order.h - k4actl: what 'start' waits for and what 'stop' signals first,
 * and the words it says when a unit does not get there.
 *
 * Pure code: no libudev, no sysfs; the only output goes to a FILE.
 */
#ifndef K4ACTL_ORDER_H
#define K4ACTL_ORDER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "k4actl.h"

/* A unit's sync_state, plus what k4actl sees when it cannot read one. */
enum k4actl_sst {
	K4ACTL_SST_UNKNOWN,	/* unreadable, or a word k4actl does not know */
	K4ACTL_SST_IDLE,
	K4ACTL_SST_ARMED,
	K4ACTL_SST_STREAMING,
	K4ACTL_SST_LOCKED,
	K4ACTL_SST_LOST,
	K4ACTL_SST_GONE,	/* the unit's directory is gone: unplugged */
};

/* The two waits of 'start'. */
enum k4actl_phase {
	K4ACTL_PHASE_ARM,	/* the master's gate closed: every unit armed */
	K4ACTL_PHASE_LOCK,	/* the gate open: the master streams, subordinates locked */
};

/**
 * struct k4actl_run_unit - a unit as 'start' follows it
 * @name: "k4aN"
 * @serial: serial number
 * @role: its sync_mode (enum k4a_sync_mode)
 * @st: its latest sync_state
 * @color: device file of its colour node, "" if none
 * @sync_in: what its sync_in_jack read
 * @state: what its state file read ("armed": a stream its configuration
 *         needs does not run), NULL if unknown
 * @depth_delay_us: its depth_delay_off_color_usec (non-zero: colour and
 *                  depth must both stream)
 */
struct k4actl_run_unit {
	const char *name;
	const char *serial;
	int role;
	enum k4actl_sst st;
	const char *color;
	const char *sync_in;
	const char *state;
	int depth_delay_us;
};

enum k4actl_sst k4actl_sst_from_word(const char *word);
const char *k4actl_sst_word(enum k4actl_sst st);
bool k4actl_run_reached(int role, enum k4actl_phase ph, enum k4actl_sst st);
bool k4actl_run_all_reached(const struct k4actl_run_unit *u, unsigned int n,
			    enum k4actl_phase ph);
void k4actl_run_print_change(FILE *f, double secs, const struct k4actl_run_unit *u,
			     enum k4actl_sst from);
void k4actl_run_diagnose(FILE *f, const struct k4actl_run_unit *u, unsigned int n,
			 enum k4actl_phase ph);

/**
 * struct k4actl_holder - a process holding video nodes of the rig open
 * @pid: its process id
 * @comm: its command name (/proc/PID/comm)
 * @units: bit i set if it holds a node of unit i
 * @master: it holds a node of a master
 */
struct k4actl_holder {
	pid_t pid;
	char comm[32];
	unsigned int units;
	bool master;
};

void k4actl_stop_order(struct k4actl_holder *h, unsigned int n, const int *role);

#endif /* K4ACTL_ORDER_H */
