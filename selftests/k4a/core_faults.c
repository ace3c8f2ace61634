// SPDX-License-Identifier: GPL-2.0
/*
 * k4a command transport against the emulator's reply faults: a reply with
 * the wrong packet type, the wrong transaction id, a short status packet, a
 * failure status, no reply at all, or an over-long data stage gives a clean
 * error with the documented errno and one log line naming the opcode, and
 * the device works normally right afterwards. Covered on the colour MCU
 * (GET_JACK_STATE, SET_SYS_CFG) and on the depth MCU, both on a formed unit
 * (the on-demand NV read) and at probe (identity reads). A reply that comes
 * after its command timed out is not taken for the next command's. Firmware
 * versions below the minimum are refused at probe, below the suggested ones
 * noted.
 */

#include "kselftest_harness.h"
#include "core_lib.h"

#define NV_BLOB_SIZE	1153433

struct fault {
	const char *name;	/* emulator fault name after "depth."/"color." */
	int err;		/* errno of the failed operation */
	const char *log;	/* text of the kernel log line */
};

static const struct fault faults[] = {
	{ "reply_type", EPROTO, "wrong packet type" },
	{ "reply_id", EPROTO, "wrong transaction id" },
	{ "reply_len", EPROTO, "reply too short" },
	{ "status 0x101", EIO, "device status 0x101 (WRONG_COMMAND_STATE)" },
	{ "no_reply", ETIMEDOUT, "timed out" },
	{ "data_long", EPROTO, "over-long data stage" },
};

#define NFAULTS (sizeof(faults) / sizeof(faults[0]))

/* Longer than the age of the jack state readers may be served. */
#define JACK_AGE_MS	150

FIXTURE(xfer) {
	char unit[256];
	unsigned long long from;
};

FIXTURE_SETUP(xfer)
{
	ASSERT_EQ(0, core_one_unit(self->unit, sizeof(self->unit)));
	self->from = core_kmsg_seq();
}

FIXTURE_TEARDOWN(xfer)
{
	EXPECT_EQ(0, core_kmsg_problems(self->from));
	EXPECT_EQ(0, core_unplug_all(1));
	core_emu_stop();
}

/* Colour MCU, GET_JACK_STATE behind sync_in_jack. */
TEST_F_TIMEOUT(xfer, color_jack, 120)
{
	CORE_ATTR(ji, self->unit, "sync_in_jack");
	unsigned long long mark;
	unsigned int i;
	double t0, dt;
	char v[64];
	int ret;

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	for (i = 0; i < NFAULTS; i++) {
		mark = core_kmsg_seq();
		ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 color.%s", faults[i].name));
		/* Readers get a value up to 100 ms old: let it age. */
		core_sleep_ms(JACK_AGE_MS);
		t0 = core_now();
		ret = core_read(ji, v, sizeof(v));
		dt = core_now() - t0;
		EXPECT_EQ(-faults[i].err, ret) TH_LOG("fault %s", faults[i].name);
		EXPECT_EQ(1, core_kmsg_count(mark, "GET_JACK_STATE (0x80000006)", 3, true))
			TH_LOG("fault %s", faults[i].name);
		EXPECT_EQ(1, core_kmsg_count(mark, faults[i].log, 3, false))
			TH_LOG("fault %s: no log line with \"%s\"", faults[i].name, faults[i].log);
		core_note("color.%s: errno %d after %.2f s", faults[i].name, -ret, dt);
		/* Usable at once: the next command succeeds. */
		core_sleep_ms(JACK_AGE_MS);
		EXPECT_LT(0, core_read(ji, v, sizeof(v))) TH_LOG("after %s", faults[i].name);
		EXPECT_STREQ("connected", v);
		EXPECT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
		EXPECT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
	}
}

/* A halted endpoint: -EIO, the driver clears the halt, the next command works. */
TEST_F_TIMEOUT(xfer, color_stall, 60)
{
	static const unsigned int eps[] = { 0x04, 0x83 };
	CORE_ATTR(ji, self->unit, "sync_in_jack");
	unsigned int i;
	char v[64];

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, core_ctl(NULL, 0, "stall 0 color 0x%02x", eps[i]));
		core_sleep_ms(JACK_AGE_MS);
		EXPECT_EQ(-EIO, core_read(ji, v, sizeof(v))) TH_LOG("endpoint 0x%02x", eps[i]);
		core_sleep_ms(JACK_AGE_MS);
		EXPECT_LT(0, core_read(ji, v, sizeof(v))) TH_LOG("after 0x%02x", eps[i]);
		EXPECT_STREQ("connected", v);
	}
	EXPECT_LE(1, core_kmsg_count(self->from, "endpoint stalled", 3, true));
}

/*
 * Hold the colour MCU's replies for 2.6 s and read @ji: the read times out
 * (2 s) and the reply comes after the drain gave up. Returns the read's
 * duration in seconds.
 */
static double timed_out_jack_read(struct __test_metadata *_metadata, const char *ji)
{
	char v[64];
	double t0;

	core_sleep_ms(JACK_AGE_MS);
	EXPECT_EQ(0, core_ctl(NULL, 0, "mcuhold 0 color 2600"));
	t0 = core_now();
	EXPECT_EQ(-ETIMEDOUT, core_read(ji, v, sizeof(v)));
	return core_now() - t0;
}

/*
 * A busy MCU answers a timed-out command after the driver's drain gave up,
 * ahead of the next command's reply. The next command takes its own reply:
 * a read gets the jack state as it is now (the late reply holds the old one),
 * a command without data stage succeeds, and no malformed-reply error is
 * logged. If the host is so slow that the drain itself took the late reply,
 * the same holds (nothing late is left over); the note says which was seen.
 */
TEST_F_TIMEOUT(xfer, late_reply, 120)
{
	CORE_ATTR(ji, self->unit, "sync_in_jack");
	static const char *const bad[] = {
		"wrong packet type", "wrong transaction id", "reply too short",
		"over-long data stage", "babble",
	};
	char dbg[512], v[64];
	unsigned long long mark;
	unsigned int i;
	double dt[2];
	int nbad = 0;

	mark = core_kmsg_seq();
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	core_sleep_ms(JACK_AGE_MS);
	ASSERT_LT(0, core_read(ji, v, sizeof(v)));
	EXPECT_STREQ("connected", v);

	/* a read after a timed-out read: the device's state has changed since */
	dt[0] = timed_out_jack_read(_metadata, ji);
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 0"));
	core_sleep_ms(JACK_AGE_MS);
	EXPECT_LT(0, core_read(ji, v, sizeof(v)));
	EXPECT_STREQ("disconnected", v);

	/* a command without data stage (SET_SYS_CFG) after a timed-out read */
	dt[1] = timed_out_jack_read(_metadata, ji);
	snprintf(dbg, sizeof(dbg), CORE_DEBUGFS "/%.64s/start",
		 strrchr(self->unit, '/') + 1);
	EXPECT_EQ(0, core_write_str(dbg, "color depth"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("streaming", v);
	snprintf(dbg, sizeof(dbg), CORE_DEBUGFS "/%.64s/stop",
		 strrchr(self->unit, '/') + 1);
	EXPECT_EQ(0, core_write_str(dbg, "\n"));

	EXPECT_EQ(2, core_kmsg_count(mark, "timed out", 3, true));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		nbad += core_kmsg_count(mark, bad[i], 7, true);
	EXPECT_EQ(0, nbad) TH_LOG("malformed-reply errors logged (echoed above)");
	core_note("timed-out reads returned after %.2f and %.2f s; the late replies came %s",
		  dt[0], dt[1], dt[0] < 2.5 && dt[1] < 2.5 ?
		  "after the drain (read by the next command)" : "during the drain");
}

/* A fault on the jack read behind a sync_mode write leaves the mode alone. */
TEST_F_TIMEOUT(xfer, color_mode_write, 60)
{
	CORE_ATTR(m, self->unit, "sync_mode");
	char v[64];

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 color.reply_id"));
	EXPECT_EQ(-EPROTO, core_write_str(m, "subordinate"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("standalone", v);
	EXPECT_EQ(0, core_write_str(m, "subordinate"));
}

/* SET_SYS_CFG failures at the start gate: the unit stays idle. */
TEST_F_TIMEOUT(xfer, color_start, 60)
{
	char dbg[512], v[64];
	unsigned int i;

	snprintf(dbg, sizeof(dbg), CORE_DEBUGFS "/%.64s/start",
		 strrchr(self->unit, '/') + 1);
	for (i = 0; i < NFAULTS; i++) {
		/* A data stage fault waits for a read; SET_SYS_CFG has none. */
		if (!strcmp(faults[i].name, "data_long"))
			continue;
		ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 color.%s", faults[i].name));
		EXPECT_EQ(-faults[i].err, core_write_str(dbg, "color depth"))
			TH_LOG("fault %s", faults[i].name);
		ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
		EXPECT_STREQ("idle", v);
	}
	EXPECT_EQ(0, core_write_str(dbg, "color depth"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("streaming", v);
	snprintf(dbg, sizeof(dbg), CORE_DEBUGFS "/%.64s/stop",
		 strrchr(self->unit, '/') + 1);
	EXPECT_EQ(0, core_write_str(dbg, "\n"));
}

static ssize_t read_all(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, m;

	if (fd < 0)
		return -errno;
	while ((m = read(fd, buf + n, len - n)) > 0)
		n += m;
	if (m < 0)
		n = -errno;
	close(fd);
	return n;
}

/* Depth MCU on a formed unit: the NV blob read (power on, read, power off). */
TEST_F_TIMEOUT(xfer, depth_nv, 120)
{
	static char blob[2 * 1024 * 1024];
	CORE_ATTR(nv, self->unit, "ir_sensor_calibration");
	unsigned int i;
	ssize_t n;

	for (i = 0; i < NFAULTS; i++) {
		/* Over-long data cannot be told from a bigger blob here. */
		if (!strcmp(faults[i].name, "data_long"))
			continue;
		ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 depth.%s", faults[i].name));
		n = read_all(nv, blob, sizeof(blob));
		EXPECT_EQ(-faults[i].err, n) TH_LOG("fault %s", faults[i].name);
	}
	EXPECT_EQ(NV_BLOB_SIZE, read_all(nv, blob, sizeof(blob)));
	/* The faults landed on the depth MCU and named its commands. */
	EXPECT_LE(1, core_kmsg_count(self->from, "depth MCU: DEPTH_POWER_ON (0x000000f0)", 3, false));
}

/* Depth MCU at probe: the identity reads fail, the half is not bound; a replug binds it. */
TEST_F_TIMEOUT(xfer, depth_probe, 300)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NFAULTS; i++) {
		unsigned long long mark;

		ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
		ASSERT_EQ(0, core_wait_units(0, 20, NULL));
		ASSERT_EQ(0, core_wait_usb(0, 1, 20));
		ASSERT_EQ(0, core_wait_bound(3, 20));
		mark = core_kmsg_seq();
		ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 depth.%s", faults[i].name));
		ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
		if (!strcmp(faults[i].name, "status 0x101")) {
			/* "Not ready" status: retried as the vendor host does. */
			ret = core_wait_units(1, 20, NULL);
			EXPECT_EQ(0, ret) TH_LOG("fault %s", faults[i].name);
			continue;
		}
		/* The probe fails: nothing new bound, no unit. */
		ret = core_wait_kmsg(mark, "cannot read firmware versions", 3, 1, 15);
		EXPECT_EQ(0, ret) TH_LOG("fault %s", faults[i].name);
		core_sleep_ms(500);
		EXPECT_EQ(3, core_bound_interfaces()) TH_LOG("fault %s", faults[i].name);
		EXPECT_EQ(0, core_units());
		EXPECT_EQ(1, core_kmsg_count(mark, "cannot read firmware versions", 3, true))
			TH_LOG("fault %s", faults[i].name);
		/* Replugged without fault: the unit forms. */
		ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
		ASSERT_EQ(0, core_wait_usb(0, 1, 20));
		ASSERT_EQ(0, core_wait_bound(3, 20));
		ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
		EXPECT_EQ(0, core_wait_units(1, 20, NULL)) TH_LOG("after %s", faults[i].name);
	}
}

/* Plug the depth half again reporting @component at @version (emulator "firmware"). */
static void replug_depth_with(struct __test_metadata *_metadata, const char *component,
			      const char *version)
{
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 depth"));
	ASSERT_EQ(0, core_wait_units(0, 20, NULL));
	ASSERT_EQ(0, core_wait_usb(0, 1, 20));
	ASSERT_EQ(0, core_wait_bound(3, 20));
	ASSERT_EQ(0, core_ctl(NULL, 0, "firmware 0 %s %s", component, version));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
}

/*
 * Firmware below the minimum is refused at bind time with one error naming the component,
 * its version and the minimum; below the suggested version the unit forms with a notice.
 */
TEST_F_TIMEOUT(xfer, firmware_versions, 180)
{
	static const struct {
		const char *component, *old, *minimum, *ok, *word;
	} c[] = {
		{ "rgb", "1.5.91", "1.5.92", "1.6.110", "color" },
		{ "depth", "1.5.65", "1.5.66", "1.6.79", "depth" },
		{ "audio", "1.5.13", "1.5.14", "1.6.14", "audio" },
		{ "sensor", "5006.26", "5006.27", "6109.7", "depth_sensor" },
	};
	char line[256], attr[512], want[64];
	unsigned long long mark;
	unsigned int i;
	int n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mark = core_kmsg_seq();
		replug_depth_with(_metadata, c[i].component, c[i].old);
		/* the log has MAJOR.MINOR.BUILD for every component (build 0 for the sensor) */
		snprintf(line, sizeof(line), "%s firmware %s%s is older than the minimum %s%s",
			 c[i].word, c[i].old, strcmp(c[i].component, "sensor") ? "" : ".0",
			 c[i].minimum, strcmp(c[i].component, "sensor") ? "" : ".0");
		n = core_wait_kmsg(mark, "older than the minimum", 3, 1, 15);
		EXPECT_EQ(0, n) TH_LOG("%s %s", c[i].component, c[i].old);
		core_sleep_ms(500);
		EXPECT_EQ(1, core_kmsg_count(mark, line, 3, true)) TH_LOG("want '%s'", line);
		EXPECT_EQ(3, core_bound_interfaces()) TH_LOG("%s %s", c[i].component, c[i].old);
		EXPECT_EQ(0, core_units()) TH_LOG("%s %s", c[i].component, c[i].old);
		/* restored: binds again */
		replug_depth_with(_metadata, c[i].component, c[i].ok);
		EXPECT_EQ(0, core_wait_units(1, 20, NULL)) TH_LOG("%s %s", c[i].component, c[i].ok);
	}

	/* between minimum and suggested: a notice, the unit forms and reports the version */
	mark = core_kmsg_seq();
	replug_depth_with(_metadata, "depth", "1.6.78");
	ASSERT_EQ(0, core_wait_units(1, 20, NULL));
	EXPECT_EQ(1, core_kmsg_count(mark, "depth firmware 1.6.78 is older than the suggested 1.6.79",
				     5, true));
	EXPECT_EQ(0, core_kmsg_count(mark, NULL, 3, true));
	core_serial(0, want, sizeof(want));
	ASSERT_EQ(0, core_unit_path(want, self->unit, sizeof(self->unit)));
	snprintf(attr, sizeof(attr), "%s", core_attr(self->unit, "firmware_version"));
	ASSERT_LT(0, core_read(attr, line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, "depth=1.6.78 ")) TH_LOG("firmware_version: %s", line);
	replug_depth_with(_metadata, "depth", "1.6.79");
	EXPECT_EQ(0, core_wait_units(1, 20, NULL));
	EXPECT_EQ(0, core_kmsg_problems(mark));
}

/* A device that answers "busy" for a while after plug-in: identity reads are retried. */
TEST(boot_busy)
{
	unsigned long long from;
	double t0, dt;

	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units());
	ASSERT_EQ(0, core_emu_start(1, "--boot-ms 2500"));
	from = core_kmsg_seq();
	t0 = core_now();
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	EXPECT_EQ(0, core_wait_units(1, 30, &dt));
	core_note("unit formed %.2f s after plug with a 2.5 s busy boot", core_now() - t0);
	EXPECT_EQ(0, core_kmsg_count(from, "k4a", 3, true));
	EXPECT_EQ(0, core_kmsg_problems(from));
	EXPECT_EQ(0, core_unplug_all(1));
	core_emu_stop();
}

TEST_HARNESS_MAIN
