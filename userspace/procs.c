// SPDX-License-Identifier: GPL-2.0
/*
 * procs.c - k4actl: the processes holding the rig's video nodes open.
 *
 * Every /proc/PID/fd/N is stat(2)ed through its link: a character device
 * whose st_rdev is a node of the rig counts, whatever the name the process
 * opened it by. Another user's fd directory is unreadable without root; such
 * processes are counted, not found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live.h"

/* The unit bits of the rig's nodes a process holds; 0 for none. */
static unsigned int k4actl_pid_units(const char *pid, const struct k4actl_devnum *nodes,
				     unsigned int n, bool *unreadable)
{
	char path[PATH_MAX];
	unsigned int units = 0, i;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d) {
		*unreadable = errno == EACCES || errno == EPERM;
		return 0;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, 0) || !S_ISCHR(st.st_mode))
			continue;
		for (i = 0; i < n; i++)
			if (st.st_rdev == nodes[i].dev)
				units |= 1u << nodes[i].unit;
	}
	closedir(d);
	return units;
}

static void k4actl_pid_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (k4actl_file_read(path, buf, len) || !buf[0])
		snprintf(buf, len, "?");
}

/**
 * k4actl_holders_find() - the processes holding nodes of the rig open
 * @nodes: the rig's video nodes
 * @n: how many
 * @h: the processes found (this one excluded), by process id
 * @max: room in @h
 * @count: how many were found (those beyond @max are not stored)
 * @unreadable: processes whose open files could not be read (another user's)
 *
 * Return: 0, or -errno of opendir("/proc").
 */
int k4actl_holders_find(const struct k4actl_devnum *nodes, unsigned int n,
			struct k4actl_holder *h, unsigned int max, unsigned int *count,
			unsigned int *unreadable)
{
	pid_t self = getpid();
	struct dirent *e;
	DIR *d;

	*count = 0;
	*unreadable = 0;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		bool denied = false;
		unsigned int units;
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self)
			continue;
		units = k4actl_pid_units(e->d_name, nodes, n, &denied);
		if (denied)
			(*unreadable)++;
		if (!units)
			continue;
		if (*count < max) {
			h[*count].pid = (pid_t)pid;
			h[*count].units = units;
			h[*count].master = false;
			k4actl_pid_comm((pid_t)pid, h[*count].comm, sizeof(h[*count].comm));
		}
		(*count)++;
	}
	closedir(d);
	return 0;
}

/**
 * k4actl_pid_alive() - whether a process still exists (a zombie counts as
 * gone: it holds no file)
 * @pid: the process
 */
bool k4actl_pid_alive(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (k4actl_file_read(path, buf, sizeof(buf)))
		return false;
	p = strrchr(buf, ')');
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}
