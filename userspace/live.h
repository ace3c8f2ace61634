/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - k4actl: what start, stop, status and watch read and write while
 * the rig runs: sysfs files read afresh (no udev cache), sync_state waited
 * for with poll(2), the start gate, the frame period of a colour node, and
 * the processes holding the units' video nodes (procs.c).
 */
#ifndef K4ACTL_LIVE_H
#define K4ACTL_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "health.h"
#include "order.h"
#include "unit.h"

/* live.c */
s64 k4actl_now_ns(void);
int k4actl_file_read(const char *path, char *buf, size_t len);
int k4actl_unit_file_read(const struct k4actl_unit *u, const char *file, char *buf,
			  size_t len);
int k4actl_unit_file_write(const struct k4actl_unit *u, const char *file, const char *val);
bool k4actl_unit_gone(const struct k4actl_unit *u);
void k4actl_live_read(const struct k4actl_unit *u, struct k4actl_live *l);
int k4actl_sst_open(const struct k4actl_unit *u);
enum k4actl_sst k4actl_sst_read(int fd);
int k4actl_sst_poll(const int *fd, unsigned int n, int timeout_ms);
int k4actl_node_devnum(const struct k4actl_unit *u, const char *link, dev_t *dev);
s64 k4actl_color_period_ns(const struct k4actl_unit *u);

/* procs.c */
#define K4ACTL_MAX_HOLDERS	128

/**
 * struct k4actl_devnum - a video node of the rig
 * @dev: its device number
 * @unit: index of its unit
 */
struct k4actl_devnum {
	dev_t dev;
	unsigned int unit;
};

int k4actl_holders_find(const struct k4actl_devnum *nodes, unsigned int n,
			struct k4actl_holder *h, unsigned int max, unsigned int *count,
			unsigned int *unreadable);
bool k4actl_pid_alive(pid_t pid);

#endif /* K4ACTL_LIVE_H */
