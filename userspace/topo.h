/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - k4actl: the wiring of a rig inferred from the units' sync jacks.
 *
 * Pure code: no libudev, no sysfs; the only output goes to a FILE. The rules
 * are described in Documentation/k4actl.rst.
 */
#ifndef K4ACTL_TOPO_H
#define K4ACTL_TOPO_H

#include <stdbool.h>
#include <stdio.h>

#include "k4actl.h"

/**
 * struct k4actl_jacks - what the inference knows of one unit
 * @name: unit name ("k4a0")
 * @serial: serial number, for messages
 * @sync_in: a cable is plugged into Sync In
 * @sync_out: a cable is plugged into Sync Out
 * @mode: the configured sync_mode (enum k4a_sync_mode), or -1 if unknown
 */
struct k4actl_jacks {
	const char *name;
	const char *serial;
	bool sync_in;
	bool sync_out;
	int mode;
};

/* Where the rig's sync signal comes from. */
enum k4actl_source {
	K4ACTL_SRC_NONE,	/* no cable at all: every unit is standalone */
	K4ACTL_SRC_MASTER,	/* one unit: Sync Out connected, Sync In free */
	K4ACTL_SRC_EXTERNAL,	/* every unit has Sync In: a generator, or a master elsewhere */
};

/* How the subordinates are fed, as far as the jacks tell. */
enum k4actl_layout {
	K4ACTL_LAYOUT_NONE,	/* no subordinate */
	K4ACTL_LAYOUT_DIRECT,	/* one subordinate, one cable */
	K4ACTL_LAYOUT_CHAIN,	/* every subordinate but one passes the signal on */
	K4ACTL_LAYOUT_STAR,	/* no subordinate passes it on: the source is split */
	K4ACTL_LAYOUT_UNKNOWN,	/* chain or star: cannot tell from jacks */
};

enum k4actl_topo_err {
	K4ACTL_TOPO_OK,
	K4ACTL_TOPO_NO_UNITS,
	K4ACTL_TOPO_TOO_MANY,		/* more than K4ACTL_MAX_UNITS */
	K4ACTL_TOPO_TWO_MASTERS,	/* several units with Sync Out but no Sync In */
	K4ACTL_TOPO_MASTER_SYNC_IN,	/* the only units driving Sync Out have Sync In occupied */
	K4ACTL_TOPO_NO_SOURCE,		/* Sync In connected, nothing drives it, not all have it */
	K4ACTL_TOPO_UNLINKED,		/* a unit without cable beside linked ones */
};

/**
 * struct k4actl_topo - the inferred rig
 * @err: K4ACTL_TOPO_OK, or why the cabling is refused (the rest is then unset)
 * @n: number of units
 * @source: where the sync signal comes from
 * @layout: how it reaches the subordinates
 * @subordinates: number of subordinates
 * @relays: subordinates whose Sync Out is connected
 * @master: index of the master (K4ACTL_SRC_MASTER only)
 * @order: unit indices, the master first, then the others in input order
 * @role: per unit index, the role the cabling gives it (enum k4a_sync_mode)
 */
struct k4actl_topo {
	enum k4actl_topo_err err;
	unsigned int n;
	enum k4actl_source source;
	enum k4actl_layout layout;
	unsigned int subordinates;
	unsigned int relays;
	unsigned int master;
	unsigned int order[K4ACTL_MAX_UNITS];
	int role[K4ACTL_MAX_UNITS];
};

int k4actl_topo_infer(unsigned int n, const struct k4actl_jacks *j, struct k4actl_topo *t);
void k4actl_topo_print(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j);
unsigned int k4actl_topo_print_faults(FILE *f, const char *prefix, unsigned int n,
				      const struct k4actl_jacks *j);
void k4actl_topo_print_notes(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j);
void k4actl_topo_print_error(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j);

#endif /* K4ACTL_TOPO_H */
