// SPDX-License-Identifier: GPL-2.0
/*
 * k4a per-unit sysfs ABI against an emulated unit: identity attributes,
 * sync_mode and the two delays round-trip (reads give the 90 kHz-quantised
 * value), a corpus of bad values is refused with the right errno and no
 * state change, the jack attributes follow the emulator's cables live, the
 * settings are locked (-EBUSY) while the unit is started, and the start
 * gate enforces the rules that need the stream set before it sends
 * SET_SYS_CFG (checked on the emulator's side).
 */

#include "kselftest_harness.h"
#include "core_lib.h"

#define NV_BLOB_SIZE	1153433
#define PERIOD_30	33333

static const char *const writable[] = {
	"sync_mode",
	"subordinate_delay_off_master_usec",
	"depth_delay_off_color_usec",
};

/* Reference for the quantisation: usec -> ticks (truncated) -> usec that encodes to it. */
static long long quant(long long us)
{
	long long t = us * 9 / 100, m = t < 0 ? -t : t, r = (m * 100 + 8) / 9;

	return t < 0 ? -r : r;
}

struct snap {
	char mode[32], sub[32], depth[32];
};

static int snap(const char *unit, struct snap *s)
{
	if (core_read(core_attr(unit, writable[0]), s->mode, sizeof(s->mode)) <= 0 ||
	    core_read(core_attr(unit, writable[1]), s->sub, sizeof(s->sub)) <= 0 ||
	    core_read(core_attr(unit, writable[2]), s->depth, sizeof(s->depth)) <= 0)
		return -1;
	return 0;
}

static bool same(const struct snap *a, const struct snap *b)
{
	return !strcmp(a->mode, b->mode) && !strcmp(a->sub, b->sub) &&
	       !strcmp(a->depth, b->depth);
}

/* Value of "key=value" in the emulator's dump of unit 0. */
static int emu_value(const char *key, char *out, size_t len)
{
	char dump[16384], pat[64], *p;
	size_t n;

	if (core_ctl(dump, sizeof(dump), "dump 0"))
		return -1;
	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(dump, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	n = strcspn(p, " \n");
	if (n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int dbg_write(const char *unit, const char *file, const char *s)
{
	char p[512];

	snprintf(p, sizeof(p), CORE_DEBUGFS "/%.64s/%.16s", strrchr(unit, '/') + 1,
		 file);
	return core_write_str(p, s);
}

FIXTURE(attrs) {
	char unit[256];
	unsigned long long from;
};

FIXTURE_SETUP(attrs)
{
	ASSERT_EQ(0, core_one_unit(self->unit, sizeof(self->unit)));
	self->from = core_kmsg_seq();
}

FIXTURE_TEARDOWN(attrs)
{
	EXPECT_EQ(0, core_kmsg_problems(self->from));
	EXPECT_EQ(0, core_unplug_all(1));
	core_emu_stop();
}

TEST_F(attrs, identity)
{
	static char blob[2 * 1024 * 1024], blob2[2 * 1024 * 1024];
	char v[256], serial[32];
	const char *p;
	struct stat st;
	double t0, t1, t2;
	ssize_t n, m;
	int fd;

	core_serial(0, serial, sizeof(serial));
	ASSERT_LT(0, core_read(core_attr(self->unit, "serial"), v, sizeof(v)));
	EXPECT_STREQ(serial, v);
	ASSERT_LT(0, core_read(core_attr(self->unit, "firmware_version"), v,
			       sizeof(v)));
	EXPECT_STREQ("color=1.6.110 depth=1.6.79 audio=1.6.14 depth_sensor=6109.7 build=release signature=msft",
		     v);
	ASSERT_LT(0, core_read(core_attr(self->unit, "sync_mode_available"), v,
			       sizeof(v)));
	EXPECT_STREQ("standalone master subordinate", v);
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("idle", v);

	/* Calibration JSON, read at probe. */
	fd = open(core_attr(self->unit, "calibration"), O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, blob, sizeof(blob) - 1);
	close(fd);
	ASSERT_LT(1000, n);
	blob[n] = '\0';
	EXPECT_EQ('{', blob[0]);
	EXPECT_NE(NULL, strstr(blob, "CalibrationInformation"));
	EXPECT_EQ((size_t)n, strlen(blob));

	/* NV tag 2 blob, read from the device on the first read only. */
	t0 = core_now();
	fd = open(core_attr(self->unit, "ir_sensor_calibration"), O_RDONLY);
	ASSERT_LE(0, fd);
	n = 0;
	while ((m = read(fd, blob + n, sizeof(blob) - n)) > 0)
		n += m;
	close(fd);
	t1 = core_now();
	EXPECT_EQ(NV_BLOB_SIZE, n);
	fd = open(core_attr(self->unit, "ir_sensor_calibration"), O_RDONLY);
	ASSERT_LE(0, fd);
	m = pread(fd, blob2, sizeof(blob2), 0);
	close(fd);
	t2 = core_now();
	EXPECT_EQ(NV_BLOB_SIZE > 4096 ? 4096 : NV_BLOB_SIZE, m);
	EXPECT_EQ(0, memcmp(blob, blob2, (size_t)m));
	core_note("ir_sensor_calibration: %zd bytes, first read %.2f s, cached read %.3f s",
	       n, t1 - t0, t2 - t1);

	/* Permissions: writes root-only, the NV blob root-only. */
	p = core_attr(self->unit, "sync_mode");
	ASSERT_EQ(0, stat(p, &st));
	EXPECT_EQ(0644, (int)(st.st_mode & 0777));
	ASSERT_EQ(0, stat(core_attr(self->unit, "subordinate_delay_off_master_usec"), &st));
	EXPECT_EQ(0644, (int)(st.st_mode & 0777));
	ASSERT_EQ(0, stat(core_attr(self->unit, "depth_delay_off_color_usec"), &st));
	EXPECT_EQ(0644, (int)(st.st_mode & 0777));
	ASSERT_EQ(0, stat(core_attr(self->unit, "sync_in_jack"), &st));
	EXPECT_EQ(0444, (int)(st.st_mode & 0777));
	ASSERT_EQ(0, stat(core_attr(self->unit, "ir_sensor_calibration"), &st));
	EXPECT_EQ(0400, (int)(st.st_mode & 0777));
	ASSERT_EQ(0, stat(core_attr(self->unit, "calibration"), &st));
	EXPECT_EQ(0444, (int)(st.st_mode & 0777));
}

TEST_F(attrs, sync_mode_roundtrip)
{
	CORE_ATTR(m, self->unit, "sync_mode");
	char v[64];

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	EXPECT_EQ(0, core_write_str(m, "subordinate\n"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("subordinate", v);
	EXPECT_EQ(0, core_write_str(m, "master"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("master", v);
	EXPECT_EQ(0, core_write_str(m, "standalone\n"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("standalone", v);
	/* Writing the value read back is accepted. */
	EXPECT_EQ(0, core_write_str(m, "standalone"));
}

TEST_F(attrs, sync_mode_needs_cables)
{
	CORE_ATTR(m, self->unit, "sync_mode");
	char v[64];

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 0"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 0"));
	EXPECT_EQ(-EINVAL, core_write_str(m, "subordinate"));
	EXPECT_EQ(-EINVAL, core_write_str(m, "master"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("standalone", v);
	EXPECT_EQ(1, core_kmsg_count(self->from, "subordinate needs a cable in Sync In", 7, false));
	EXPECT_EQ(1, core_kmsg_count(self->from, "master needs a cable in Sync Out", 7, false));
	/* Only the matching cable counts. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	EXPECT_EQ(-EINVAL, core_write_str(m, "subordinate"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 0"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	EXPECT_EQ(-EINVAL, core_write_str(m, "master"));
	ASSERT_LT(0, core_read(m, v, sizeof(v)));
	EXPECT_STREQ("standalone", v);
}

TEST_F(attrs, delay_roundtrip)
{
	static const long long sub[] = { 0, 1, 11, 12, 99, 100, 101, 160, 16667, 33332, 33333 };
	static const long long dep[] = { -33333, -16667, -160, -12, -11, -1, 0, 1, 11, 12, 80, 33333 };
	CORE_ATTR(s, self->unit, "subordinate_delay_off_master_usec");
	CORE_ATTR(d, self->unit, "depth_delay_off_color_usec");
	char v[64], w[64];
	unsigned int i;

	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(w, sizeof(w), "%lld\n", sub[i]);
		EXPECT_EQ(0, core_write_str(s, w)) TH_LOG("write %lld", sub[i]);
		ASSERT_LT(0, core_read(s, v, sizeof(v)));
		EXPECT_EQ(quant(sub[i]), atoll(v)) TH_LOG("wrote %lld", sub[i]);
		/* The value read back selects the same device value again. */
		EXPECT_EQ(0, core_write_str(s, v));
		ASSERT_LT(0, core_read(s, w, sizeof(w)));
		EXPECT_STREQ(v, w);
	}
	for (i = 0; i < sizeof(dep) / sizeof(dep[0]); i++) {
		snprintf(w, sizeof(w), "%lld", dep[i]);
		EXPECT_EQ(0, core_write_str(d, w)) TH_LOG("write %lld", dep[i]);
		ASSERT_LT(0, core_read(d, v, sizeof(v)));
		EXPECT_EQ(quant(dep[i]), atoll(v)) TH_LOG("wrote %lld", dep[i]);
		EXPECT_EQ(0, core_write_str(d, v));
		ASSERT_LT(0, core_read(d, w, sizeof(w)));
		EXPECT_STREQ(v, w);
	}
	/* A sign and leading zeros are plain decimal. */
	EXPECT_EQ(0, core_write_str(d, "+0100"));
	ASSERT_LT(0, core_read(d, v, sizeof(v)));
	EXPECT_STREQ("100", v);
}

TEST_F(attrs, sub_delay_only_in_subordinate)
{
	CORE_ATTR(s, self->unit, "subordinate_delay_off_master_usec");
	CORE_ATTR(m, self->unit, "sync_mode");
	char v[64];

	EXPECT_EQ(-EINVAL, core_write_str(s, "100"));
	EXPECT_EQ(0, core_write_str(s, "0"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	ASSERT_EQ(0, core_write_str(m, "master"));
	EXPECT_EQ(-EINVAL, core_write_str(s, "100"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_write_str(m, "subordinate"));
	EXPECT_EQ(0, core_write_str(s, "100"));
	/* Leaving subordinate mode drops the delay it alone may carry. */
	ASSERT_EQ(0, core_write_str(m, "standalone"));
	ASSERT_LT(0, core_read(s, v, sizeof(v)));
	EXPECT_STREQ("0", v);
	/* Bad input is the caller's to see in the errno: debug level only. */
	EXPECT_EQ(0, core_kmsg_count(self->from, "only in subordinate mode", 6, false));
}

struct bad {
	const char *data;
	size_t len;
	int err;
};

#define B(s, e) { s, sizeof(s) - 1, e }

TEST_F(attrs, bad_values)
{
	static char big[8192];
	static const struct bad common[] = {
		B("\n", EINVAL), B(" ", EINVAL), B("  \n", EINVAL), B("\t", EINVAL),
		B(" 10", EINVAL), B("10 ", EINVAL), B("1 0", EINVAL), B("10\n\n", EINVAL),
		B("\n10", EINVAL), B("abc", EINVAL), B("0x10", EINVAL), B("1e3", EINVAL),
		B("+", EINVAL), B("-", EINVAL), B("--5", EINVAL), B("5-", EINVAL),
		B("\0", EINVAL), B("10\0", EINVAL), B("10\0junk", EINVAL),
		B("master\0", EINVAL), B("Master", EINVAL), B("MASTER", EINVAL),
		B("stand alone", EINVAL), B("master\n\n", EINVAL), B("subordinat", EINVAL),
		B("subordinates", EINVAL), B("2", EINVAL), B("-1", EINVAL),
		B("99999999999999999999999", EINVAL), B("9223372036854775808", EINVAL),
		B("-9223372036854775809", EINVAL), B("2147483648", EINVAL),
		B("33334", EINVAL), B("-33334", EINVAL), B("\xff\xfe", EINVAL),
	};
	struct snap before, after;
	unsigned int a, i;
	int ret;

	/* Start from a non-default state so that any change shows. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, writable[1]), "1000"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, writable[2]), "-500"));
	ASSERT_EQ(0, snap(self->unit, &before));
	EXPECT_STREQ("1000", before.sub);
	EXPECT_STREQ("-500", before.depth);

	for (a = 0; a < 3; a++) {
		CORE_ATTR(p, self->unit, writable[a]);

		for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
			/* "2" is a valid delay, "-1" a valid depth delay. */
			if ((a >= 1 && !strcmp(common[i].data, "2")) ||
			    (a == 2 && !strcmp(common[i].data, "-1")))
				continue;
			ret = core_write(p, common[i].data, common[i].len);
			EXPECT_EQ(-common[i].err, ret)
				TH_LOG("%s: case %u (%zu bytes)", writable[a], i, common[i].len);
			ASSERT_EQ(0, snap(self->unit, &after));
			EXPECT_TRUE(same(&before, &after))
				TH_LOG("%s: case %u changed state", writable[a], i);
		}
		/* Overlong (sysfs passes at most one page on). */
		memset(big, '1', sizeof(big));
		EXPECT_EQ(-EINVAL, core_write(p, big, 40));
		EXPECT_EQ(-EINVAL, core_write(p, big, 4096));
		EXPECT_EQ(-EINVAL, core_write(p, big, 5000));
		/* A write of zero bytes is a no-op in sysfs itself. */
		EXPECT_EQ(0, core_write(p, "", 0));
		ASSERT_EQ(0, snap(self->unit, &after));
		EXPECT_TRUE(same(&before, &after));
	}
	/* Bad input is the caller's to see in the errno: debug level only. */
	EXPECT_EQ(0, core_kmsg_count(self->from, "invalid value", 6, false));
}

TEST_F(attrs, jack_live)
{
	static const struct { int in, out; } c[] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 }, { 0, 0 } };
	CORE_ATTR(ji, self->unit, "sync_in_jack");
	CORE_ATTR(jo, self->unit, "sync_out_jack");
	char v[64];
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in %d", c[i].in));
		ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out %d", c[i].out));
		/* Readers may get a value up to 100 ms old. */
		core_sleep_ms(150);
		ASSERT_LT(0, core_read(ji, v, sizeof(v)));
		EXPECT_STREQ(c[i].in ? "connected" : "disconnected", v);
		ASSERT_LT(0, core_read(jo, v, sizeof(v)));
		EXPECT_STREQ(c[i].out ? "connected" : "disconnected", v);
	}
	/* A real cable between two units counts too: Sync In from a generator. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "cable 0 gen"));
	core_sleep_ms(150);
	ASSERT_LT(0, core_read(ji, v, sizeof(v)));
	EXPECT_STREQ("connected", v);
	ASSERT_EQ(0, core_ctl(NULL, 0, "cable 0 none"));
	core_sleep_ms(150);
	ASSERT_LT(0, core_read(ji, v, sizeof(v)));
	EXPECT_STREQ("disconnected", v);
}

TEST_F(attrs, busy_while_started)
{
	struct snap before, after;
	char v[64];

	ASSERT_EQ(0, snap(self->unit, &before));
	ASSERT_EQ(0, dbg_write(self->unit, "start", "color depth"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("streaming", v);
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
	EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, writable[1]), "0"));
	EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, writable[2]), "100"));
	/* Malformed input is still -EINVAL. */
	EXPECT_EQ(-EINVAL, core_write_str(core_attr(self->unit, "sync_mode"), "bogus"));
	/* A second start is refused too. */
	EXPECT_EQ(-EBUSY, dbg_write(self->unit, "start", "color"));
	ASSERT_EQ(0, snap(self->unit, &after));
	EXPECT_TRUE(same(&before, &after));
	/* The errno tells the caller; nothing above debug level is logged. */
	EXPECT_EQ(0, core_kmsg_count(self->from, "refused", 6, false));
	EXPECT_EQ(0, core_kmsg_count(self->from, "invalid value", 6, false));
	ASSERT_EQ(0, dbg_write(self->unit, "stop", "\n"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("idle", v);
	EXPECT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
}

TEST_F(attrs, start_gate)
{
	CORE_ATTR(m, self->unit, "sync_mode");
	char v[64];

	/* Master: armed until colour runs; SET_SYS_CFG carries mode 1. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	ASSERT_EQ(0, core_write_str(m, "master"));
	EXPECT_EQ(0, dbg_write(self->unit, "start", "depth"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("armed", v);
	EXPECT_EQ(0, dbg_write(self->unit, "start", "color"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("streaming", v);
	ASSERT_EQ(0, emu_value("sync_mode", v, sizeof(v)));
	EXPECT_STREQ("master", v);
	ASSERT_EQ(0, dbg_write(self->unit, "stop", "\n"));

	/* Master with a cable in Sync In: refused before the device sees it. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	EXPECT_EQ(-EINVAL, dbg_write(self->unit, "start", "color depth"));

	/* Subordinate with both delays: values arrive in ticks. */
	ASSERT_EQ(0, core_write_str(m, "subordinate"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, writable[1]), "1000"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, writable[2]), "-500"));
	EXPECT_EQ(0, dbg_write(self->unit, "start", "color depth"));
	ASSERT_EQ(0, emu_value("sync_mode", v, sizeof(v)));
	EXPECT_STREQ("subordinate", v);
	ASSERT_EQ(0, emu_value("sub_delay_ticks", v, sizeof(v)));
	EXPECT_STREQ("90", v);
	ASSERT_EQ(0, emu_value("depth_delay_ticks", v, sizeof(v)));
	EXPECT_STREQ("-45", v);
	ASSERT_EQ(0, dbg_write(self->unit, "stop", "\n"));

	/* The depth delay needs both streams: armed with colour alone. */
	EXPECT_EQ(0, dbg_write(self->unit, "start", "color"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("armed", v);
	ASSERT_EQ(0, dbg_write(self->unit, "stop", "color"));
	/* Sync In cable pulled after the mode was set: refused at start. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 0"));
	EXPECT_EQ(-EINVAL, dbg_write(self->unit, "start", "color depth"));
	ASSERT_LT(0, core_read(core_attr(self->unit, "state"), v, sizeof(v)));
	EXPECT_STREQ("idle", v);
	/* Nothing to start, or an unknown stream. */
	EXPECT_EQ(-EINVAL, dbg_write(self->unit, "start", "\n"));
	EXPECT_EQ(-EINVAL, dbg_write(self->unit, "start", "ir"));
	/* Standalone, no delays: accepted; the device gets mode 0. */
	ASSERT_EQ(0, core_write_str(m, "standalone"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, writable[2]), "0"));
	EXPECT_EQ(0, dbg_write(self->unit, "start", "depth"));
	ASSERT_EQ(0, emu_value("sync_mode", v, sizeof(v)));
	EXPECT_STREQ("standalone", v);
	ASSERT_EQ(0, dbg_write(self->unit, "stop", "\n"));
}

TEST_HARNESS_MAIN
