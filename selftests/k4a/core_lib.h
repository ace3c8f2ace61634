/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the core_* selftests: run the emulator (k4a-emu) in the
 * bench guest, talk to its control socket, load k4a.ko, find units in sysfs,
 * read and write attributes with errno, and scan the kernel log.
 */
#ifndef K4A_CORE_LIB_H
#define K4A_CORE_LIB_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CORE_SOCK	"/run/k4a-core-emu.sock"
#define CORE_CLASS	"/sys/class/k4a"
#define CORE_DRV	"/sys/bus/usb/drivers/k4a"
#define CORE_DEBUGFS	"/sys/kernel/debug/k4a"
#define CORE_SERIAL0	"000123456701"
#define CORE_PIDFILE	"/run/k4a-core-emu.pid"

static pid_t core_emu_pid = -1;

/*
 * Tests assert what holds on any machine; times are figures, printed. A wait is
 * for a condition, polled, and ends as soon as it holds: the timeout a caller
 * passes is what a quiet machine needs (a wait beyond it prints a note with the
 * time it took), the wait itself only gives up after CORE_WAIT_S, which only a
 * hang reaches.
 */
#define CORE_WAIT_S	300.0
#define CORE_BOUND(timeout)	((timeout) > CORE_WAIT_S ? (timeout) : CORE_WAIT_S)

/*
 * The harness kills a test case after its timeout: that too is only for a
 * hang. Every case gets CORE_SLOW times what it declares (or the default 30 s).
 */
#define CORE_SLOW	10
#ifdef TEST_F_TIMEOUT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	(30 * CORE_SLOW)
#undef TEST_F_TIMEOUT
#define TEST_F_TIMEOUT(fixture_name, test_name, timeout) \
	__TEST_F_IMPL(fixture_name, test_name, -1, (timeout) * CORE_SLOW)
#endif

/* A KTAP comment line, flushed at once (test cases run in forked children). */
__attribute__((format(printf, 1, 2)))
static inline void core_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline double core_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* After a wait that ended at once or gave up: a note when it took longer than @expected s. */
static inline int core_waited(int ret, const char *what, double t0, double expected)
{
	double dt = core_now() - t0;

	if (ret)
		core_note("%s: not after %.1f s", what, dt);
	else if (dt > expected)
		core_note("%s: after %.1f s (a quiet machine: within %.0f s)", what, dt, expected);
	return ret;
}

static inline void core_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Serial of emulated unit @i (the emulator counts up from its base). */
static inline void core_serial(unsigned int i, char *out, size_t len)
{
	snprintf(out, len, "%012llu", strtoull(CORE_SERIAL0, NULL, 10) + i);
}

/*
 * Send one command to the emulator's control socket. The reply (without the
 * final status line) goes to @out if not NULL. Returns 0 for "OK", 1 for
 * "ERR", -1 if the socket cannot be used.
 */
static inline int core_ctl(char *out, size_t outlen, const char *fmt, ...)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char line[512], buf[16384];
	size_t len = 0;
	ssize_t n;
	va_list ap;
	int fd, w;
	char *end;

	va_start(ap, fmt);
	w = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(line) - 1)
		return -1;
	line[w++] = '\n';
	strcpy(a.sun_path, CORE_SOCK);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, line, (size_t)w) != w) {
		close(fd);
		return -1;
	}
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	end = strrchr(buf, '\n');
	end = end ? end + 1 : buf;
	if (out && outlen) {
		size_t keep = (size_t)(end - buf);

		if (keep >= outlen)
			keep = outlen - 1;
		memcpy(out, buf, keep);
		out[keep] = '\0';
	}
	if (!strcmp(end, "OK"))
		return 0;
	return strncmp(end, "ERR", 3) ? -1 : 1;
}

/*
 * An emulator left running by a test that died (its teardown did not run)
 * still holds devices: end it, by the pid it recorded, and wait until its
 * devices are gone.
 */
static inline void core_emu_reap_stale(void)
{
	char comm[64] = "", p[64];
	FILE *f = fopen(CORE_PIDFILE, "r");
	int pid = 0, i;

	if (!f)
		return;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	unlink(CORE_PIDFILE);
	if (pid <= 1)
		return;
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	f = fopen(p, "r");
	if (!f)
		return;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	if (strncmp(comm, "k4a-emu", 7))
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 100 && !kill(pid, 0); i++)
		core_sleep_ms(50);
	if (!kill(pid, 0))
		kill(pid, SIGKILL);
	for (i = 0; i < CORE_WAIT_S * 50 && access("/sys/class/k4a/k4a0", F_OK) == 0; i++)
		core_sleep_ms(20);
}

/* Start k4a-emu with @units units and nothing plugged; extra args appended. */
static inline int core_emu_start(unsigned int units, const char *extra)
{
	const char *build = getenv("K4A_BUILD");
	char bin[512], n[16], *argv[24];
	int argc = 0, i;
	char *copy = NULL, *tok, *save = NULL;
	const char *out = getenv("K4A_OUT");
	char log[512];

	if (!build)
		return -1;
	snprintf(bin, sizeof(bin), "%s/bin/k4a-emu", build);
	snprintf(n, sizeof(n), "%u", units);
	snprintf(log, sizeof(log), "%s/k4a-emu-core.log", out ? out : "/tmp");
	core_emu_reap_stale();
	unlink(CORE_SOCK);
	argv[argc++] = bin;
	argv[argc++] = "-n";
	argv[argc++] = n;
	argv[argc++] = "-c";
	argv[argc++] = CORE_SOCK;
	argv[argc++] = "--plug";
	argv[argc++] = "none";
	if (extra) {
		copy = strdup(extra);
		for (tok = strtok_r(copy, " ", &save); tok && argc < 22;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	core_emu_pid = fork();
	if (core_emu_pid < 0) {
		free(copy);
		return -1;
	}
	if (!core_emu_pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, argv);
		_exit(127);
	}
	free(copy);
	{
		FILE *pf = fopen(CORE_PIDFILE, "w");

		if (pf) {
			fprintf(pf, "%d\n", (int)core_emu_pid);
			fclose(pf);
		}
	}
	for (i = 0; i < CORE_WAIT_S * 20; i++) {
		if (!core_ctl(NULL, 0, "dump 0"))
			return 0;
		if (waitpid(core_emu_pid, NULL, WNOHANG) == core_emu_pid) {
			core_emu_pid = -1;
			return -1;
		}
		core_sleep_ms(50);
	}
	return -1;
}

static inline void core_emu_stop(void)
{
	int i;

	if (core_emu_pid <= 0)
		return;
	core_ctl(NULL, 0, "quit");
	for (i = 0; i < 100; i++) {
		if (waitpid(core_emu_pid, NULL, WNOHANG) == core_emu_pid) {
			core_emu_pid = -1;
			unlink(CORE_PIDFILE);
			return;
		}
		core_sleep_ms(50);
	}
	kill(core_emu_pid, SIGKILL);
	waitpid(core_emu_pid, NULL, 0);
	core_emu_pid = -1;
	unlink(CORE_PIDFILE);
}

static inline bool core_module_loaded(void)
{
	return access("/sys/module/k4a", F_OK) == 0;
}

/* Load vhci-hcd, k4a's dependencies and k4a.ko ($K4A_KO) unless loaded. */
static inline int core_module_load(void)
{
	const char *ko = getenv("K4A_KO");
	char cmd[1024];
	int fd, ret;

	if (system("modprobe vhci-hcd"))
		return -1;
	if (core_module_loaded())
		return 0;
	if (!ko)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "for d in $(modinfo -F depends '%s' | tr , ' '); do modprobe \"$d\" || exit 1; done",
		 ko);
	if (system(cmd))
		return -1;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret ? -errno : 0;
}

static inline int core_module_unload(void)
{
	return syscall(SYS_delete_module, "k4a", O_NONBLOCK) ? -errno : 0;
}

/* Number of entries in a sysfs directory matching @prefix. */
static inline int core_count(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static inline int core_units(void)
{
	return core_count(CORE_CLASS, "k4a");
}

/*
 * Units whose creation has finished: the class entry appears inside device_add()
 * before the unit's attributes; its "color" link is made after device_add().
 */
static inline int core_units_ready(void)
{
	DIR *d = opendir(CORE_CLASS);
	struct dirent *e;
	char p[512];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "k4a", 3))
			continue;
		snprintf(p, sizeof(p), CORE_CLASS "/%.64s/color", e->d_name);
		n += access(p, F_OK) == 0;
	}
	closedir(d);
	return n;
}

/*
 * Wait until exactly @n units exist, each complete; returns 0, or -1 after
 * CORE_BOUND(@timeout) s (@timeout: what a quiet machine needs, see CORE_WAIT_S).
 */
static inline int core_wait_units(int n, double timeout, double *elapsed)
{
	double t0 = core_now();

	for (;;) {
		if (core_units() == n && core_units_ready() == n) {
			if (elapsed)
				*elapsed = core_now() - t0;
			return core_waited(0, "units formed", t0, timeout);
		}
		if (core_now() - t0 > CORE_BOUND(timeout))
			return core_waited(-1, "units formed", t0, timeout);
		core_sleep_ms(20);
	}
}

/* Read a sysfs file; trailing newline removed. Returns bytes or -errno. */
static inline int core_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

/* One write(2) of @len bytes; returns 0 if all were taken, else -errno. */
static inline int core_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

static inline int core_write_str(const char *path, const char *s)
{
	return core_write(path, s, strlen(s));
}

/* Path of the unit with @serial in /sys/class/k4a, or -1. */
static inline int core_unit_path(const char *serial, char *out, size_t len)
{
	DIR *d = opendir(CORE_CLASS);
	struct dirent *e;
	char p[512], s[64];
	int ret = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "k4a", 3))
			continue;
		snprintf(p, sizeof(p), CORE_CLASS "/%.64s/serial", e->d_name);
		if (core_read(p, s, sizeof(s)) > 0 && !strcmp(s, serial)) {
			snprintf(out, len, CORE_CLASS "/%.64s", e->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Declare a local path buffer @var for attribute @attr of @unit. */
#define CORE_ATTR(var, unit, attr) \
	char var[512]; \
	snprintf(var, sizeof(var), "%.200s/%.64s", unit, attr)

/*
 * Attribute @attr of unit @unit (a /sys/class/k4a/k4aN path), in one of four
 * rotating static buffers: use it at once, keep CORE_ATTR paths instead.
 */
static inline const char *core_attr(const char *unit, const char *attr)
{
	static char p[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(p[slot], sizeof(p[slot]), "%.200s/%.64s", unit, attr);
	return p[slot];
}

/* Sequence number of the next /dev/kmsg record. */
static inline unsigned long long core_kmsg_seq(void)
{
	char rec[8192];
	unsigned long long seq = 0, s;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	unsigned int pri;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (sscanf(rec, "%u,%llu,", &pri, &s) == 2)
			seq = s + 1;
	}
	close(fd);
	return seq;
}

/*
 * Count kernel log records since @from whose text contains @needle (NULL:
 * any) and whose level is at most @maxlevel (3 = err, 4 = warning, 7 =
 * all). Records are echoed as KTAP comments when @echo is set.
 */
static inline int core_kmsg_count(unsigned long long from, const char *needle,
				  unsigned int maxlevel, bool echo)
{
	char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	unsigned long long seq;
	unsigned int pri;
	int count = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (n < 0 && errno == EPIPE)) {
		const char *msg;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || sscanf(rec, "%u,%llu,", &pri, &seq) != 2 ||
		    seq < from || (pri & 7) > maxlevel)
			continue;
		if (needle && !strstr(msg, needle))
			continue;
		if (!needle && (strstr(msg, "taints kernel") ||
				strstr(msg, "module verification failed")))
			continue;
		/* the guest's own timing, which a slow or busy host upsets */
		if (!needle && (strstr(msg, "hrtimer: interrupt took") ||
				!strncmp(msg + 1, "clocksource: ", 13) ||
				strstr(msg, "Marking TSC unstable") ||
				strstr(msg, "RT throttling activated")))
			continue;
		count++;
		if (echo) {
			/* the text only, not the SUBSYSTEM=/DEVICE= lines after it */
			printf("# kmsg: %.*s\n", (int)strcspn(msg + 1, "\n"), msg + 1);
			fflush(stdout);
		}
	}
	close(fd);
	return count;
}

/*
 * Wait until at least @n kernel log records since @from contain @needle (level
 * at most @maxlevel); @timeout as for core_wait_units. Returns 0 or -1.
 */
static inline int core_wait_kmsg(unsigned long long from, const char *needle,
				 unsigned int maxlevel, int n, double timeout)
{
	double t0 = core_now();

	while (core_kmsg_count(from, needle, maxlevel, false) < n) {
		if (core_now() - t0 > CORE_BOUND(timeout))
			return core_waited(-1, needle, t0, timeout);
		core_sleep_ms(50);
	}
	return core_waited(0, needle, t0, timeout);
}

/* Kernel log records since @from that signal a kernel problem. */
static inline int core_kmsg_problems(unsigned long long from)
{
	static const char *const bad[] = {
		"WARNING", "BUG", "Oops", "general protection", "lockdep",
		"use-after-free", "refcount_t", "hung_task", "blocked for more",
	};
	unsigned int i;
	int n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		n += core_kmsg_count(from, bad[i], 7, true);
	return n;
}

/* Number of USB interfaces bound to k4a. */
static inline int core_bound_interfaces(void)
{
	DIR *d = opendir(CORE_DRV);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strchr(e->d_name, ':'))
			n++;
	closedir(d);
	return n;
}

static inline int core_wait_bound(int n, double timeout)
{
	double t0 = core_now();

	while (core_bound_interfaces() != n) {
		if (core_now() - t0 > CORE_BOUND(timeout))
			return core_waited(-1, "interfaces bound", t0, timeout);
		core_sleep_ms(20);
	}
	return core_waited(0, "interfaces bound", t0, timeout);
}

/* USB devices 045e:@pid ("097c" or "097d") present, bound or not. */
static inline int core_usb_count(const char *pid)
{
	DIR *d = opendir("/sys/bus/usb/devices");
	struct dirent *e;
	char p[512], v[16];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strchr(e->d_name, ':'))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%.64s/idVendor", e->d_name);
		if (core_read(p, v, sizeof(v)) <= 0 || strcmp(v, "045e"))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%.64s/idProduct", e->d_name);
		if (core_read(p, v, sizeof(v)) > 0 && !strcmp(v, pid))
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Wait until the kernel has removed the devices of an unplug (at most
 * @depth depth and @color colour devices left): plugging again before that
 * can race with the removal of the old device on the same port.
 */
static inline int core_wait_usb(int depth, int color, double timeout)
{
	double t0 = core_now();

	while (core_usb_count("097c") > depth || core_usb_count("097d") > color) {
		if (core_now() - t0 > CORE_BOUND(timeout))
			return core_waited(-1, "USB devices gone", t0, timeout);
		core_sleep_ms(20);
	}
	return core_waited(0, "USB devices gone", t0, timeout);
}

/* Unplug every half of @units units; wait until no unit and no half is left. */
static inline int core_unplug_all(unsigned int units)
{
	unsigned int i;

	for (i = 0; i < units; i++)
		core_ctl(NULL, 0, "unplug %u both", i);
	if (core_wait_units(0, 30, NULL) || core_wait_usb(0, 0, 30))
		return -1;
	return core_wait_bound(0, 30);
}

/*
 * The common fixture: debugfs mounted, k4a loaded with no unit, the emulator running one
 * unit, the unit formed and reset to standalone with no depth delay (settings are
 * remembered per serial, so every case starts from scratch). Its sysfs path goes to @unit.
 */
static inline int core_one_unit(char *unit, size_t len)
{
	char serial[32];

	if (access(CORE_DEBUGFS, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (core_module_load() || core_units() || core_emu_start(1, NULL) ||
	    core_ctl(NULL, 0, "plug 0 both") || core_wait_units(1, 30, NULL)) {
		core_note("no unit formed");
		return -1;
	}
	core_serial(0, serial, sizeof(serial));
	if (core_unit_path(serial, unit, len) ||
	    core_write_str(core_attr(unit, "sync_mode"), "standalone") ||
	    core_write_str(core_attr(unit, "depth_delay_off_color_usec"), "0")) {
		core_note("unit %s not reset", serial);
		return -1;
	}
	return 0;
}

#endif /* K4A_CORE_LIB_H */
