// SPDX-License-Identifier: GPL-2.0
/*
 * Unit lifetime against slow, busy and reset devices: a unit goes away
 * while its first NV read is still running, the NV read powers the sensor
 * whatever streams, readers of the jack files cannot monopolise the colour
 * MCU, a transport error at bind is not retried, calibration data that
 * fills the read buffer is refused, and a USB reset of either half (or a
 * system suspend) keeps the unit and its settings.
 *
 * Assertions are on order and counts, never on how long something took;
 * durations are printed.
 */
#include <pthread.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>

#include "kselftest_harness.h"
#include "core_cmd.h"

/* the emulator's NV blob */
#define NV_BLOB_SIZE	((size_t)1153433)
/* Per piece of a slowed MCU reply; well under the driver's 2 s stage timeout. */
#define SLOW_PIECE_MS	1000

static int read_blob(const char *path, size_t *got)
{
	static char buf[2 * 1024 * 1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*got = 0;
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*got += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

struct nv_reader {
	char path[512];
	int ret;
	size_t got;
	double done;
};

static void *nv_reader_run(void *arg)
{
	struct nv_reader *r = arg;

	r->ret = read_blob(r->path, &r->got);
	r->done = core_now();
	return NULL;
}

/* Wait until unit @u's command log shows @name (the command reached it). */
static int wait_cmd(unsigned int u, const char *name, double timeout)
{
	static struct cmdlog log;
	double t0 = core_now();

	while (core_now() - t0 < CORE_BOUND(timeout)) {
		if (!cmdlog_get(u, &log) && cmdlog_count(&log, 0, name))
			return core_waited(0, name, t0, timeout);
		core_sleep_ms(50);
	}
	return core_waited(-1, name, t0, timeout);
}

FIXTURE(life) {
	char unit[256];
	unsigned long long from;
	struct cmdlog log;
};

/*
 * Two emulated units, unit 0 plugged and formed with default settings, unit
 * 1 unplugged (a second unit to bind while unit 0 is busy).
 */
FIXTURE_SETUP(life)
{
	char serial[32];

	if (access(CORE_DEBUGFS, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units());
	ASSERT_EQ(0, core_emu_start(2, NULL));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 60, NULL));
	core_serial(0, serial, sizeof(serial));
	ASSERT_EQ(0, core_unit_path(serial, self->unit, sizeof(self->unit)));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
	self->from = core_kmsg_seq();
	ASSERT_EQ(0, cmdlog_clear(0));
}

FIXTURE_TEARDOWN(life)
{
	EXPECT_EQ(0, core_kmsg_problems(self->from));
	EXPECT_EQ(0, core_unplug_all(2));
	core_emu_stop();
}

/*
 * The first NV read takes dozens of slow pieces. Another unit's probe
 * completes while it runs; an unbind of the colour half returns while it is
 * still running (no k4a probe or disconnect waits for it), and the read then
 * ends with ENODEV at its next piece.
 */
TEST_F_TIMEOUT(life, nv_read_vs_unbind, 300)
{
	char drv[] = CORE_DRV "/unbind", color[64], serial[32], other[256];
	struct nv_reader r = { .ret = 1 };
	double t_start, t_probe, t_unbind;
	pthread_t th;

	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 color"));
	ASSERT_EQ(0, core_intf_name(self->unit, "color", color, sizeof(color)));
	snprintf(r.path, sizeof(r.path), "%s", core_attr(self->unit, "ir_sensor_calibration"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "mcudelay 0 depth %d", SLOW_PIECE_MS));
	t_start = core_now();
	ASSERT_EQ(0, pthread_create(&th, NULL, nv_reader_run, &r));
	ASSERT_EQ(0, wait_cmd(0, "NV_DATA_GET", 60));

	/* Another unit binds and forms while the read runs. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 depth"));
	EXPECT_EQ(0, core_wait_units(2, 60, NULL));
	t_probe = core_now();
	EXPECT_EQ(0, r.done) TH_LOG("the read ended before the other unit formed");

	/* The unbind returns while the read is still going. */
	EXPECT_EQ(0, core_write_str(drv, color));
	t_unbind = core_now();
	pthread_join(th, NULL);
	EXPECT_LT(t_unbind, r.done);
	EXPECT_EQ(-ENODEV, r.ret) TH_LOG("read: %d after %zu bytes", r.ret, r.got);
	core_note("other unit formed %.2f s into the read, unbind returned at %.2f s, read ended at %.2f s (%d)",
		  t_probe - t_start, t_unbind - t_start, r.done - t_start, r.ret);

	/* Nothing is stuck: the half binds again and the unit reads its blob. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "mcudelay 0 depth 0"));
	EXPECT_EQ(0, core_write_str(CORE_DRV "/bind", color));
	ASSERT_EQ(0, core_wait_units(2, 60, NULL));
	core_serial(0, serial, sizeof(serial));
	ASSERT_EQ(0, core_unit_path(serial, other, sizeof(other)));
	EXPECT_EQ(0, read_blob(core_attr(other, "ir_sensor_calibration"), &r.got));
	EXPECT_EQ(NV_BLOB_SIZE, r.got);
}

/*
 * The sensor must be powered for the NV read whatever runs: powered for the
 * read when no depth stream runs (colour streaming or not), left alone when
 * one does.
 */
TEST_F_TIMEOUT(life, nv_read_powers_sensor, 120)
{
	const char *nv = core_attr(self->unit, "ir_sensor_calibration");
	char seq[512];
	size_t got;

	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, read_blob(nv, &got));
	EXPECT_EQ(NV_BLOB_SIZE, got);
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ("DEPTH_POWER_ON NV_DATA_GET DEPTH_POWER_OFF",
		     cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));

	/* A fresh unit, depth streaming: the read powers nothing. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 both"));
	ASSERT_EQ(0, core_wait_units(0, 60, NULL));
	ASSERT_EQ(0, core_wait_usb(0, 0, 60));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 60, NULL));
	ASSERT_EQ(0, core_unit_path("000123456701", self->unit, sizeof(self->unit)));
	nv = core_attr(self->unit, "ir_sensor_calibration");
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, read_blob(nv, &got));
	EXPECT_EQ(NV_BLOB_SIZE, got);
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ("NV_DATA_GET", cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
	/* ... and the stream's stop powers it down. */
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ("DEPTH_STREAM_STOP DEPTH_STOP DEPTH_POWER_OFF",
		     cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
}

#define READERS	4
#define READ_LOOP_MS	2000

/* Unprivileged readers of the jack files: at most one command per 100 ms. */
TEST_F_TIMEOUT(life, jack_readers, 120)
{
	const char *files[] = { "sync_in_jack", "sync_out_jack" };
	struct passwd *pw = getpwnam("nobody");
	double t0, t1, w0, w1;
	unsigned int i;
	int jack;
	pid_t pid[READERS];
	int status, allowed;

	ASSERT_NE(NULL, pw);
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, cmdlog_clear(0));
	t0 = core_now();
	for (i = 0; i < READERS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			char path[512], v[64];

			snprintf(path, sizeof(path), "%s",
				 core_attr(self->unit, files[i % 2]));
			if (setgid(pw->pw_gid) || setuid(pw->pw_uid))
				_exit(2);
			while (core_now() - t0 < READ_LOOP_MS / 1000.0)
				if (core_read(path, v, sizeof(v)) <= 0)
					_exit(1);
			_exit(0);
		}
	}
	/* A settings change in the middle is served, not queued behind them. */
	core_sleep_ms(READ_LOOP_MS / 2);
	w0 = core_now();
	EXPECT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	w1 = core_now();
	for (i = 0; i < READERS; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) TH_LOG("reader %u", i);
	}
	t1 = core_now();
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	jack = cmdlog_count(&self->log, 'c', "GET_JACK_STATE");
	/*
	 * One refresh per 100 ms (counted in jiffies: 4 ms steps at HZ=250),
	 * plus the first one and the sync_mode write's own read.
	 */
	allowed = (int)((t1 - t0) / 0.096) + 2;
	EXPECT_GE(allowed, jack) TH_LOG("%d jack reads in %.2f s", jack, t1 - t0);
	core_note("%d readers for %.2f s: %d GET_JACK_STATE commands; sync_mode write took %.3f s",
		  READERS, t1 - t0, jack, w1 - w0);
}

/* A transport error at bind is not retried like a "not ready" status. */
TEST_F_TIMEOUT(life, bind_transport_error, 120)
{
	unsigned long long mark;

	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
	ASSERT_EQ(0, core_wait_units(0, 60, NULL));
	ASSERT_EQ(0, core_wait_usb(0, 1, 60));
	ASSERT_EQ(0, cmdlog_clear(0));
	mark = core_kmsg_seq();
	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 depth.stall"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
	ASSERT_EQ(0, core_wait_usb(1, 1, 60));
	EXPECT_EQ(0, core_wait_kmsg(mark, "cannot read firmware versions", 3, 1, 60));
	EXPECT_EQ(1, core_kmsg_count(mark, "cannot read firmware versions", 3, true));
	EXPECT_EQ(0, core_units());
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_EQ(1, cmdlog_count(&self->log, 'd', "COMPONENT_VERSION_GET"));
	/* Replugged without the fault: the unit forms. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
	ASSERT_EQ(0, core_wait_usb(0, 1, 60));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
	EXPECT_EQ(0, core_wait_units(1, 60, NULL));
}

/* Calibration text that fills the last, largest read buffer is refused. */
TEST_F_TIMEOUT(life, calibration_fills_buffer, 180)
{
	static const struct { unsigned int bytes; bool kept; } c[] = {
		{ 10240 + 9 * 5120 - 1, true },
		{ 10240 + 9 * 5120, false },
	};
	char serial[32];
	unsigned int i;
	size_t got;

	core_serial(0, serial, sizeof(serial));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
		ASSERT_EQ(0, core_wait_units(0, 60, NULL));
		ASSERT_EQ(0, core_ctl(NULL, 0, "calib 0 %u", c[i].bytes));
		ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
		ASSERT_EQ(0, core_wait_units(1, 60, NULL));
		ASSERT_EQ(0, core_unit_path(serial, self->unit, sizeof(self->unit)));
		/* the attribute reads back what was kept; nothing if refused */
		EXPECT_EQ(0, read_blob(core_attr(self->unit, "calibration"), &got));
		EXPECT_EQ(c[i].kept ? c[i].bytes : 0, got) TH_LOG("%u bytes", c[i].bytes);
	}
}

/* Reset one half through usbfs. */
static int usb_reset(const char *unit, const char *half)
{
	char node[64];
	int fd, ret;

	if (core_usb_node(unit, half, node, sizeof(node)))
		return -ENOENT;
	fd = open(node, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, USBDEVFS_RESET, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * USB reset of either half: the unit stays (same name, no dissolve), its
 * settings hold, and a running configuration is sent to the reset half
 * again.
 */
TEST_F_TIMEOUT(life, usb_reset, 900)
{
	static const char *const halves[] = { "depth", "color" };
	char name[256], v[64], seq[512];
	long long frames;
	unsigned int i;

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "subordinate_delay_off_master_usec"),
				    "500"));
	snprintf(name, sizeof(name), "%s", self->unit);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, usb_reset(self->unit, halves[i])) TH_LOG("%s", halves[i]);
		EXPECT_EQ(1, core_units());
		EXPECT_EQ(0, access(name, F_OK)) TH_LOG("after resetting %s", halves[i]);
		ASSERT_LT(0, core_read(core_attr(self->unit, "sync_mode"), v, sizeof(v)));
		EXPECT_STREQ("subordinate", v);
		ASSERT_LT(0, core_read(core_attr(self->unit,
						 "subordinate_delay_off_master_usec"), v, sizeof(v)));
		EXPECT_STREQ("500", v);
	}
	/*
	 * With streams running the reset half is told again what it runs: the
	 * depth half its start sequence, the colour half (while depth does not
	 * run: the device refuses a configuration then) the configuration.
	 */
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth color"));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, cmdlog_clear(0));
		EXPECT_EQ(0, usb_reset(self->unit, halves[i])) TH_LOG("%s", halves[i]);
		ASSERT_EQ(0, cmdlog_get(0, &self->log));
		if (i == 0) {
			EXPECT_STREQ("READ_PRODUCT_SN DEPTH_STREAM_STOP DEPTH_STOP "
				     "DEPTH_MODE_SET DEPTH_FPS_SET DEPTH_START DEPTH_STREAM_START",
				     cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
		} else {
			EXPECT_EQ(0, cmdlog_count(&self->log, 0, "SET_SYS_CFG"));
		}
		ASSERT_EQ(0, core_state(self->unit, v, sizeof(v)));
		EXPECT_STREQ("streaming", v);
	}
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "depth"));
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, usb_reset(self->unit, "color"));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	/* the IMU stream that feeds the unit's clock stops and starts with colour */
	EXPECT_STREQ("IMU_STREAM_STOP SET_SYS_CFG IMU_STREAM_START",
		     cmdlog_seq(&self->log, 'c', seq, sizeof(seq)));

	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
	/*
	 * A standalone unit's colour stream runs again after a reset of its
	 * colour half: frames keep coming.
	 */
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	for (i = 0; i < CORE_WAIT_S * 10 && core_stream_seq(self->unit, "color") < 3; i++)
		usleep(100000);
	frames = core_stream_seq(self->unit, "color");
	EXPECT_LE(3, frames);
	EXPECT_EQ(0, usb_reset(self->unit, "color"));
	for (i = 0; i < CORE_WAIT_S * 10 &&
	     core_stream_seq(self->unit, "color") < frames + 3; i++)
		usleep(100000);
	EXPECT_LE(frames + 3, core_stream_seq(self->unit, "color"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
	EXPECT_EQ(0, core_kmsg_count(self->from, "dissolved", 7, true));
	EXPECT_EQ(0, core_kmsg_count(self->from, "k4a", 3, true));
}

/*
 * A system suspend cycle (freeze, with the pm_test hook ending it after the
 * devices were suspended): the unit stays. Skipped when the cycle ends
 * before the devices were suspended (on the bench the USB/IP host
 * controller refuses to suspend with devices attached).
 */
TEST_F_TIMEOUT(life, system_freeze, 180)
{
	char v[64];
	int ret;

	if (access("/sys/power/pm_test", W_OK) || access("/sys/power/state", W_OK))
		SKIP(return, "no /sys/power/pm_test in this kernel");
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "master"));
	ASSERT_EQ(0, core_write_str("/sys/power/pm_test", "devices"));
	ret = core_write_str("/sys/power/state", "freeze");
	core_write_str("/sys/power/pm_test", "none");
	core_note("freeze with pm_test=devices: %s", ret ? strerror(-ret) : "completed");
	/*
	 * Only a cycle that suspended the devices tests anything. The USB/IP
	 * host controller refuses to suspend with devices attached, before
	 * the devices themselves were suspended.
	 */
	if (core_kmsg_count(self->from, "PM: suspend entry", 7, false) <= 0 ||
	    core_kmsg_count(self->from, "failed to suspend", 7, false) > 0)
		SKIP(return, "the cycle ended before the devices were suspended (%s)",
		     ret ? strerror(-ret) : "completed");
	EXPECT_EQ(1, core_units());
	ASSERT_LT(0, core_read(core_attr(self->unit, "sync_mode"), v, sizeof(v)));
	EXPECT_STREQ("master", v);
	EXPECT_EQ(0, core_kmsg_count(self->from, "dissolved", 7, true));
	/* The MCUs answer again. */
	core_sleep_ms(150);
	EXPECT_LT(0, core_read(core_attr(self->unit, "sync_out_jack"), v, sizeof(v)));
	EXPECT_STREQ("connected", v);
}

TEST_HARNESS_MAIN
