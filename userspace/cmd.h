/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - k4actl: the commands and what they share (k4actl.c, run.c).
 */
#ifndef K4ACTL_CMD_H
#define K4ACTL_CMD_H

#include <stdbool.h>

#include "args.h"
#include "sched.h"
#include "topo.h"
#include "unit.h"

/* The units as read by k4actl_load(), sorted by name, and their jacks. */
extern struct k4actl_unit k4actl_units[K4ACTL_MAX_UNITS];
extern struct k4actl_jacks k4actl_jacks[K4ACTL_MAX_UNITS];

/* k4actl.c */
void k4actl_err_start(void);
__attribute__((format(printf, 1, 2)))
void k4actl_err(const char *fmt, ...);
int k4actl_load(unsigned int *n, bool json);
int k4actl_infer(unsigned int *n, struct k4actl_topo *t);
/* Say why writing attribute @id of @u failed (K4ACTL_A_COUNT: another file) and what to do. */
void k4actl_access_hint(const struct k4actl_unit *u, enum k4actl_attr_id id);
int k4actl_plan_write(const struct k4actl_sched *s);
bool k4actl_plan_matches(const struct k4actl_sched *s);

/* run.c */
int k4actl_cmd_start(const struct k4actl_args *a);
int k4actl_cmd_stop(const struct k4actl_args *a);
int k4actl_cmd_status(const struct k4actl_args *a);
int k4actl_cmd_watch(const struct k4actl_args *a);

#endif /* K4ACTL_CMD_H */
