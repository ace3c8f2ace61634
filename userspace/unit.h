/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - k4actl: what k4actl reads of a unit (Documentation/ABI/testing/
 * sysfs-driver-k4a) and how it shows it.
 *
 * unit.c is pure (parsing, ordering, the list output); udev.c fills and
 * writes units through libudev and sysfs.
 */
#ifndef K4ACTL_UNIT_H
#define K4ACTL_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "topo.h"

/* Attribute files of a unit that k4actl reads, in list order. */
enum k4actl_attr_id {
	K4ACTL_A_SERIAL,
	K4ACTL_A_FIRMWARE,
	K4ACTL_A_SYNC_MODE,
	K4ACTL_A_SYNC_IN,
	K4ACTL_A_SYNC_OUT,
	K4ACTL_A_SUB_DELAY,
	K4ACTL_A_DEPTH_DELAY,
	K4ACTL_A_STATE,
	K4ACTL_A_CLOCK_LOCKED,
	K4ACTL_A_COUNT
};

/* Links of a unit to its video nodes. */
enum k4actl_node_id {
	K4ACTL_N_VIDEO_COLOR,
	K4ACTL_N_META_COLOR,
	K4ACTL_N_VIDEO_DEPTH,
	K4ACTL_N_META_DEPTH,
	K4ACTL_N_COUNT
};

#define K4ACTL_VALUE_MAX	256
#define K4ACTL_PATH_MAX		512

/**
 * struct k4actl_value - one attribute as read
 * @err: 0, or the positive errno of the failed read
 * @text: the value without its trailing newline (empty on error)
 */
struct k4actl_value {
	int err;
	char text[K4ACTL_VALUE_MAX];
};

/**
 * struct k4actl_unit - one unit as read from sysfs
 * @name: "k4aN"
 * @syspath: its sysfs directory
 * @attr: the attributes, by enum k4actl_attr_id
 * @node: the device files of the video nodes, by enum k4actl_node_id ("" if
 *        the unit has no such node)
 */
struct k4actl_unit {
	char name[32];
	char syspath[K4ACTL_PATH_MAX];
	struct k4actl_value attr[K4ACTL_A_COUNT];
	char node[K4ACTL_N_COUNT][64];
};

extern const char *const k4actl_attr_file[K4ACTL_A_COUNT];
extern const char *const k4actl_node_link[K4ACTL_N_COUNT];

/* unit.c */
int k4actl_name_cmp(const char *a, const char *b);
void k4actl_units_sort(struct k4actl_unit *u, unsigned int n);
void k4actl_value_set(struct k4actl_value *v, const char *text, int err);
int k4actl_unit_jacks(const struct k4actl_unit *u, struct k4actl_jacks *j);
bool k4actl_units_unreadable(const struct k4actl_unit *u, unsigned int n);
void k4actl_list_print(FILE *f, const struct k4actl_unit *u, unsigned int n);
void k4actl_json_string(FILE *f, const char *s);
void k4actl_list_print_json(FILE *f, const struct k4actl_unit *u, unsigned int n);

/* udev.c */
int k4actl_units_read(struct k4actl_unit *u, unsigned int max, unsigned int *n);
int k4actl_unit_reread(struct k4actl_unit *u);
bool k4actl_driver_loaded(void);
int k4actl_unit_writable(const struct k4actl_unit *u, enum k4actl_attr_id id);
int k4actl_unit_write(const struct k4actl_unit *u, enum k4actl_attr_id id, const char *val);
int k4actl_file_write(const char *path, const char *val);

/* Why a sync attribute is not writable (k4actl_access_why()). */
enum k4actl_access {
	K4ACTL_ACCESS_UNKNOWN,		/* none of the below */
	K4ACTL_ACCESS_NO_GROUP,		/* the system has no group "video" */
	K4ACTL_ACCESS_NO_RULES,		/* the file is not group video, writable: no udev rules */
	K4ACTL_ACCESS_NOT_MEMBER,	/* the file is; this process is not in group video */
};
enum k4actl_access k4actl_access_why(const struct k4actl_unit *u, enum k4actl_attr_id id);
void k4actl_attr_path(const struct k4actl_unit *u, enum k4actl_attr_id id, char *buf,
		      size_t len);

#endif /* K4ACTL_UNIT_H */
