/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4actl.h - definitions shared by every part of k4actl, the rig helper of
 * the k4a driver (Documentation/k4actl.rst).
 */
#ifndef K4ACTL_H
#define K4ACTL_H

/* Exit status of every command. */
#define K4ACTL_EXIT_OK		0	/* done */
#define K4ACTL_EXIT_FAIL	1	/* the operation failed (read, write, permission) */
#define K4ACTL_EXIT_USAGE	2	/* bad command line */
#define K4ACTL_EXIT_RIG		3	/* no units, contradictory cabling, impossible plan */

/* Most units k4actl handles at once (the delay planner takes at most 10). */
#define K4ACTL_MAX_UNITS	32

#endif /* K4ACTL_H */
