/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the capture helpers of the selftests (color_cap.c,
 * depth_cap.c): the monotonic clock, errno names, ioctl restarted on EINTR.
 */
#ifndef K4A_CAP_UTIL_H
#define K4A_CAP_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

/* CLOCK_MONOTONIC now, in ns (the clock of V4L2 buffer timestamps). */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The symbolic name of an errno value ("EINVAL"), "?" for an unknown one. */
static inline const char *ename(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

#endif /* K4A_CAP_UTIL_H */
