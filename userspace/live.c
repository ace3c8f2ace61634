// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - k4actl: the files of a running rig, read afresh each time.
 *
 * sync_state is waited for as the ABI says: read the file, poll(2) it for
 * POLLPRI/POLLERR (the driver calls sysfs_notify() on every change), seek
 * to 0 and read again. The frame period of a colour node comes from
 * VIDIOC_G_PARM on the node opened read-only and non-blocking, which V4L2
 * allows beside the application that streams it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "live.h"

/**
 * k4actl_now_ns() - CLOCK_MONOTONIC in ns
 */
s64 k4actl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/**
 * k4actl_file_read() - read a small file, without its trailing newline
 * @path: the file
 * @buf: the text
 * @len: size of @buf
 *
 * Return: 0, or -errno of open(2) or read(2) (-ENODATA: the driver has no
 * value yet).
 */
int k4actl_file_read(const char *path, char *buf, size_t len)
{
	ssize_t got;
	int fd, ret = 0;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = read(fd, buf, len - 1);
	if (got < 0) {
		ret = -errno;
		got = 0;
	}
	buf[got] = '\0';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	close(fd);
	return ret;
}

/**
 * k4actl_unit_file_read() - read a file of a unit's directory
 * @u: the unit
 * @file: the file, relative to the unit's directory ("health/color_frames")
 * @buf: the text
 * @len: size of @buf
 *
 * Return: 0 or -errno (k4actl_file_read()).
 */
int k4actl_unit_file_read(const struct k4actl_unit *u, const char *file, char *buf,
			  size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", u->syspath, file);
	return k4actl_file_read(path, buf, len);
}

/**
 * k4actl_unit_file_write() - write a file of a unit's directory
 * @u: the unit
 * @file: the file ("start_gate")
 * @val: the value, without newline
 *
 * Return: 0, or the -errno of open(2) or of the driver's refusal.
 */
int k4actl_unit_file_write(const struct k4actl_unit *u, const char *file, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", u->syspath, file);
	return k4actl_file_write(path, val);
}

/**
 * k4actl_unit_gone() - whether a unit's directory went away (unplugged)
 * @u: the unit
 */
bool k4actl_unit_gone(const struct k4actl_unit *u)
{
	return access(u->syspath, F_OK) && errno == ENOENT;
}

/* A unit gone: what was read of it when k4actl began, to name it. */
static void k4actl_live_gone(const struct k4actl_unit *u, struct k4actl_live *l)
{
	const struct k4actl_value *serial = &u->attr[K4ACTL_A_SERIAL];
	const struct k4actl_value *mode = &u->attr[K4ACTL_A_SYNC_MODE];
	unsigned int k;

	l->gone = true;
	for (k = 0; k < K4ACTL_L_TEXT_COUNT; k++)
		snprintf(l->text[k], sizeof(l->text[k]), "?");
	if (!serial->err && serial->text[0])
		snprintf(l->text[K4ACTL_L_SERIAL], sizeof(l->text[0]), "%.63s", serial->text);
	if (!mode->err && mode->text[0])
		snprintf(l->text[K4ACTL_L_SYNC_MODE], sizeof(l->text[0]), "%.63s", mode->text);
}

/**
 * k4actl_live_read() - read a unit's live values
 * @u: the unit
 * @l: the reading; @l->gone if its directory is gone
 */
void k4actl_live_read(const struct k4actl_unit *u, struct k4actl_live *l)
{
	char buf[64];
	unsigned int k;

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", u->name);
	l->t_ns = k4actl_now_ns();
	if (k4actl_unit_gone(u)) {
		k4actl_live_gone(u, l);
		return;
	}
	for (k = 0; k < K4ACTL_L_TEXT_COUNT; k++) {
		int ret = k4actl_unit_file_read(u, k4actl_live_text_file[k], buf, sizeof(buf));

		snprintf(l->text[k], sizeof(l->text[k]), "%s", ret || !buf[0] ? "?" : buf);
	}
	for (k = 0; k < K4ACTL_L_NUM_COUNT; k++) {
		int ret = k4actl_unit_file_read(u, k4actl_live_num_file[k], buf, sizeof(buf));

		k4actl_num_parse(&l->num[k], buf, -ret);
	}
	if (k4actl_unit_gone(u))
		k4actl_live_gone(u, l);
}

/**
 * k4actl_sst_open() - open a unit's sync_state for k4actl_sst_read() and
 * k4actl_sst_poll()
 * @u: the unit
 *
 * Return: the file descriptor, or -errno.
 */
int k4actl_sst_open(const struct k4actl_unit *u)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/sync_state", u->syspath);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * k4actl_sst_read() - read sync_state again from the start of the file
 * @fd: from k4actl_sst_open()
 *
 * Return: the state; K4ACTL_SST_GONE if the unit went away (ENODEV, or no
 * @fd), K4ACTL_SST_UNKNOWN on another failure.
 */
enum k4actl_sst k4actl_sst_read(int fd)
{
	char buf[32];
	ssize_t got;

	if (fd < 0)
		return K4ACTL_SST_GONE;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return errno == ENODEV ? K4ACTL_SST_GONE : K4ACTL_SST_UNKNOWN;
	got = read(fd, buf, sizeof(buf) - 1);
	if (got < 0)
		return errno == ENODEV || errno == ENOENT ? K4ACTL_SST_GONE : K4ACTL_SST_UNKNOWN;
	if (!got)
		return K4ACTL_SST_GONE;
	buf[got] = '\0';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	return k4actl_sst_from_word(buf);
}

/**
 * k4actl_sst_poll() - wait until a sync_state changes
 * @fd: files of k4actl_sst_open() (negative ones are skipped)
 * @n: how many
 * @timeout_ms: at most this long
 *
 * Return: >0 if a file reports a change (or an error), 0 on timeout, -EINTR
 * for a signal, another -errno of poll(2).
 */
int k4actl_sst_poll(const int *fd, unsigned int n, int timeout_ms)
{
	struct pollfd p[K4ACTL_MAX_UNITS];
	unsigned int i;
	int ret;

	if (n > K4ACTL_MAX_UNITS)
		n = K4ACTL_MAX_UNITS;
	for (i = 0; i < n; i++) {
		p[i].fd = fd[i];
		p[i].events = POLLPRI | POLLERR;
		p[i].revents = 0;
	}
	ret = poll(p, n, timeout_ms);
	return ret < 0 ? -errno : ret;
}

/**
 * k4actl_node_devnum() - the device number of a unit's video node
 * @u: the unit
 * @link: "video_color", "meta_color", "video_depth" or "meta_depth"
 * @dev: the result, from the node's sysfs "dev" file
 *
 * Return: 0, -ENOENT for a node the unit does not have, another -errno.
 */
int k4actl_node_devnum(const struct k4actl_unit *u, const char *link, dev_t *dev)
{
	char file[64], buf[32];
	unsigned int ma, mi;
	int ret;

	snprintf(file, sizeof(file), "%s/dev", link);
	ret = k4actl_unit_file_read(u, file, buf, sizeof(buf));
	if (ret)
		return ret;
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return -EPROTO;
	*dev = makedev(ma, mi);
	return 0;
}

/**
 * k4actl_color_period_ns() - the frame period a unit's colour node runs at
 * @u: the unit (its colour node's device file)
 *
 * Return: the period in ns, or -errno (-ENOENT without colour node).
 */
s64 k4actl_color_period_ns(const struct k4actl_unit *u)
{
	struct v4l2_streamparm p;
	const char *node = u->node[K4ACTL_N_VIDEO_COLOR];
	struct v4l2_fract *f = &p.parm.capture.timeperframe;
	int fd, ret;

	if (!node[0])
		return -ENOENT;
	fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	ret = ioctl(fd, VIDIOC_G_PARM, &p) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if (!f->numerator || !f->denominator)
		return -EPROTO;
	return (s64)f->numerator * 1000000000LL / f->denominator;
}
