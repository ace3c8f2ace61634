// SPDX-License-Identifier: GPL-2.0
/*
 * udev.c - k4actl: units found and read through libudev (subsystem "k4a"),
 * settings written to their sysfs attribute files.
 *
 * A write is one write(2) of the value with a newline, so the errno the
 * driver returns (EBUSY, EINVAL, ...) reaches the caller unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libudev.h>
#include <linux/k4a.h>

#include "unit.h"

static void k4actl_read_attr(struct udev_device *d, const char *file, struct k4actl_value *v)
{
	const char *s;

	errno = 0;
	s = udev_device_get_sysattr_value(d, file);
	k4actl_value_set(v, s, s ? 0 : errno ? errno : EIO);
}

/* The device file of the node a unit's link points to, "" without link. */
static void k4actl_read_node(struct udev *udev, const char *syspath, const char *link,
			     char *out, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct udev_device *d;
	const char *node = NULL;
	int ret;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", syspath, link) >= sizeof(path))
		return;
	if (!realpath(path, real))
		return;
	d = udev_device_new_from_syspath(udev, real);
	if (d)
		node = udev_device_get_devnode(d);
	if (node) {
		ret = snprintf(out, len, "%s", node);
	} else {
		/* Not (yet) known to udev: the ABI names the file after the node. */
		const char *base = strrchr(real, '/');

		ret = snprintf(out, len, "/dev/%s", base ? base + 1 : real);
	}
	if (ret < 0 || (size_t)ret >= len)
		snprintf(out, len, "?");
	if (d)
		udev_device_unref(d);
}

static void k4actl_unit_fill(struct udev *udev, struct udev_device *d, struct k4actl_unit *u)
{
	const char *name = udev_device_get_sysname(d);
	unsigned int i;

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name ? name : "?");
	snprintf(u->syspath, sizeof(u->syspath), "%s", udev_device_get_syspath(d));
	for (i = 0; i < K4ACTL_A_COUNT; i++)
		k4actl_read_attr(d, k4actl_attr_file[i], &u->attr[i]);
	for (i = 0; i < K4ACTL_N_COUNT; i++)
		k4actl_read_node(udev, u->syspath, k4actl_node_link[i], u->node[i],
				 sizeof(u->node[i]));
}

/**
 * k4actl_units_read() - find and read every unit
 * @u: room for @max units
 * @max: size of @u
 * @n: the number of units found (more than @max with -E2BIG)
 *
 * Units are sorted by name. A unit that goes away while it is read keeps
 * the values read before (the others fail with ENODEV).
 *
 * Return: 0, -E2BIG for more than @max units, or -errno of libudev.
 */
int k4actl_units_read(struct k4actl_unit *u, unsigned int max, unsigned int *n)
{
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	struct udev *udev;
	unsigned int count = 0;
	int ret;

	*n = 0;
	udev = udev_new();
	if (!udev)
		return errno ? -errno : -ENOMEM;
	e = udev_enumerate_new(udev);
	if (!e) {
		ret = errno ? -errno : -ENOMEM;
		goto out_udev;
	}
	ret = udev_enumerate_add_match_subsystem(e, K4A_CLASS_NAME);
	if (!ret)
		ret = udev_enumerate_scan_devices(e);
	if (ret < 0)
		goto out_enum;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d;

		if (count >= max) {
			count++;
			continue;
		}
		d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		if (!d)
			continue;	/* gone since the scan */
		k4actl_unit_fill(udev, d, &u[count++]);
		udev_device_unref(d);
	}
	*n = count;
	if (count > max) {
		ret = -E2BIG;
		goto out_enum;
	}
	k4actl_units_sort(u, count);
	ret = 0;
out_enum:
	udev_enumerate_unref(e);
out_udev:
	udev_unref(udev);
	return ret;
}

/**
 * k4actl_unit_reread() - read a unit again, bypassing every cache
 * @u: the unit (its syspath), refilled
 *
 * Return: 0, -ENODEV if the unit is gone, or -errno of libudev.
 */
int k4actl_unit_reread(struct k4actl_unit *u)
{
	struct udev_device *d;
	struct udev *udev;
	int ret = 0;

	udev = udev_new();
	if (!udev)
		return errno ? -errno : -ENOMEM;
	d = udev_device_new_from_syspath(udev, u->syspath);
	if (d) {
		k4actl_unit_fill(udev, d, u);
		udev_device_unref(d);
	} else {
		ret = -ENODEV;
	}
	udev_unref(udev);
	return ret;
}

/**
 * k4actl_driver_loaded() - whether the k4a module is loaded
 */
bool k4actl_driver_loaded(void)
{
	struct udev_device *d;
	struct udev *udev;
	bool loaded;

	udev = udev_new();
	if (!udev)
		return true;	/* cannot tell: do not claim otherwise */
	d = udev_device_new_from_subsystem_sysname(udev, "module", "k4a");
	loaded = d != NULL;
	if (d)
		udev_device_unref(d);
	udev_unref(udev);
	return loaded;
}

/**
 * k4actl_unit_writable() - whether this process may write an attribute
 * @u: the unit
 * @id: the attribute
 *
 * Return: 0, or -errno of access(2) (-EACCES without permission).
 */
int k4actl_unit_writable(const struct k4actl_unit *u, enum k4actl_attr_id id)
{
	char path[PATH_MAX];

	k4actl_attr_path(u, id, path, sizeof(path));
	return access(path, W_OK) ? -errno : 0;
}

/* Whether this process has group @gid (effective or supplementary). */
static bool k4actl_in_group(gid_t gid)
{
	gid_t groups[256];
	int i, n;

	if (getegid() == gid)
		return true;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/**
 * k4actl_access_why() - why an attribute is not writable, for the hint
 * @u: the unit
 * @id: the attribute, which access(2) found not writable
 *
 * Return: what to fix: the udev rules (the file is not root:video 0664, as
 * 70-k4a.rules makes it), the membership of this process in group video, or
 * %K4ACTL_ACCESS_UNKNOWN.
 */
enum k4actl_access k4actl_access_why(const struct k4actl_unit *u, enum k4actl_attr_id id)
{
	char path[PATH_MAX];
	struct group *g;
	struct stat st;

	g = getgrnam("video");
	if (!g)
		return K4ACTL_ACCESS_NO_GROUP;
	k4actl_attr_path(u, id, path, sizeof(path));
	if (stat(path, &st))
		return K4ACTL_ACCESS_UNKNOWN;
	if (st.st_gid != g->gr_gid || !(st.st_mode & S_IWGRP))
		return K4ACTL_ACCESS_NO_RULES;
	if (!k4actl_in_group(g->gr_gid))
		return K4ACTL_ACCESS_NOT_MEMBER;
	return K4ACTL_ACCESS_UNKNOWN;
}

/**
 * k4actl_file_write() - write a sysfs attribute file
 * @path: the file
 * @val: the value, without newline
 *
 * Return: 0, or the -errno of open(2) or of the driver's refusal.
 */
int k4actl_file_write(const char *path, const char *val)
{
	char buf[K4ACTL_VALUE_MAX];
	ssize_t done;
	size_t len;
	int fd, ret = 0;

	len = (size_t)snprintf(buf, sizeof(buf), "%s\n", val);
	if (len >= sizeof(buf))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	done = write(fd, buf, len);
	if (done < 0)
		ret = -errno;
	else if ((size_t)done != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/**
 * k4actl_unit_write() - write one attribute
 * @u: the unit
 * @id: the attribute
 * @val: the value, without newline
 *
 * Return: 0, or the -errno of open(2) or of the driver's refusal.
 */
int k4actl_unit_write(const struct k4actl_unit *u, enum k4actl_attr_id id, const char *val)
{
	char path[PATH_MAX];

	k4actl_attr_path(u, id, path, sizeof(path));
	return k4actl_file_write(path, val);
}
