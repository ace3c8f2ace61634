/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the core_* selftests that look at what the device was told:
 * the emulator's MCU command log ("cmdlog U"), the per-stream debugfs files
 * of a unit, and the USB device nodes of a unit's two halves.
 */
#ifndef K4A_CORE_CMD_H
#define K4A_CORE_CMD_H

#include <libgen.h>
#include <limits.h>

#include "core_lib.h"

#define CMDLOG_MAX	4096

/**
 * struct cmdlog - MCU commands one emulated unit received since a clear
 * @total: every command since the clear (more than @n if the ring wrapped)
 * @n: entries in @half and @name
 * @half: 'd' or 'c' for each command, oldest first
 * @name: opcode name of each command
 */
struct cmdlog {
	unsigned long total;
	unsigned int n;
	char half[CMDLOG_MAX];
	char name[CMDLOG_MAX][32];
};

static inline int cmdlog_clear(unsigned int unit)
{
	return core_ctl(NULL, 0, "cmdlog %u clear", unit);
}

/* Read the command log of @unit; 0 or -1. */
static inline int cmdlog_get(unsigned int unit, struct cmdlog *log)
{
	static char text[CMDLOG_MAX * 64];
	char *line, *save = NULL;
	unsigned long seq;
	char half[16], op[16], name[32];

	memset(log, 0, sizeof(*log));
	if (core_ctl(text, sizeof(text), "cmdlog %u", unit))
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "total %lu", &log->total) == 1)
			continue;
		if (sscanf(line, "%lu %15s %15s %31s", &seq, half, op, name) != 4 ||
		    log->n >= CMDLOG_MAX)
			continue;
		log->half[log->n] = half[0];
		snprintf(log->name[log->n], sizeof(log->name[0]), "%s", name);
		log->n++;
	}
	return log->total == log->n ? 0 : -1;
}

/* How many commands named @name went to half @half ('d', 'c', or 0: either). */
static inline int cmdlog_count(const struct cmdlog *log, char half, const char *name)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < log->n; i++)
		if ((!half || log->half[i] == half) && !strcmp(log->name[i], name))
			n++;
	return n;
}

/*
 * The commands of half @half in order, space separated, into @out (for
 * comparing sequences and for messages).
 */
static inline const char *cmdlog_seq(const struct cmdlog *log, char half, char *out, size_t len)
{
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < log->n && used + 1 < len; i++) {
		if (half && log->half[i] != half)
			continue;
		used += snprintf(out + used, len - used, "%s%s", used ? " " : "", log->name[i]);
	}
	return out;
}

/* Write @s to the unit's debugfs file @file (start, stop, fps); 0 or -errno. */
static inline int core_dbg_write(const char *unit, const char *file, const char *s)
{
	char p[512];

	snprintf(p, sizeof(p), CORE_DEBUGFS "/%.64s/%.16s", strrchr(unit, '/') + 1, file);
	return core_write_str(p, s);
}

/*
 * Frames a running stream ("color" or "depth") has seen since it started
 * (delivered, or dropped for lack of a buffer or as bad: its next sequence
 * number), from the unit's debugfs "streams" file; -1 if it does not run.
 */
static inline long long core_stream_seq(const char *unit, const char *stream)
{
	char p[512], buf[512], key[32], *at;

	snprintf(p, sizeof(p), CORE_DEBUGFS "/%.64s/streams", strrchr(unit, '/') + 1);
	if (core_read(p, buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(key, sizeof(key), "\n%s frames=", stream);
	at = strstr(buf, key);
	at = at ? strstr(at, " sequence=") : NULL;
	return at ? strtoll(at + strlen(" sequence="), NULL, 10) : -1;
}

/* The unit's state word into @v. */
static inline int core_state(const char *unit, char *v, size_t len)
{
	return core_read(core_attr(unit, "state"), v, len) > 0 ? 0 : -1;
}

/* /dev/bus/usb/BBB/DDD of the unit's half @half ("depth" or "color"). */
static inline int core_usb_node(const char *unit, const char *half, char *out, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX], p[PATH_MAX + 16], v[32];
	unsigned int bus, dev;

	snprintf(link, sizeof(link), "%s/%s", unit, half);
	if (!realpath(link, real))
		return -1;
	/* the link points at an interface; its parent is the USB device */
	dirname(real);
	snprintf(p, sizeof(p), "%s/busnum", real);
	if (core_read(p, v, sizeof(v)) <= 0 || sscanf(v, "%u", &bus) != 1)
		return -1;
	snprintf(p, sizeof(p), "%s/devnum", real);
	if (core_read(p, v, sizeof(v)) <= 0 || sscanf(v, "%u", &dev) != 1)
		return -1;
	snprintf(out, len, "/dev/bus/usb/%03u/%03u", bus, dev);
	return 0;
}

/* The name of the unit's interface @half ("depth"/"color"), e.g. 3-1:1.0. */
static inline int core_intf_name(const char *unit, const char *half, char *out, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];

	snprintf(link, sizeof(link), "%s/%s", unit, half);
	if (!realpath(link, real))
		return -1;
	snprintf(out, len, "%s", strrchr(real, '/') + 1);
	return 0;
}

#endif /* K4A_CORE_CMD_H */
