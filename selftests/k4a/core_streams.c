// SPDX-License-Identifier: GPL-2.0
/*
 * The per-stream start model, through the unit's debugfs files (the stand-in
 * for STREAMON/STREAMOFF/S_PARM until the video nodes exist): every order of
 * start and stop of the two streams, the state each step leaves, what the
 * device is told and in which order (the emulator's command log), the rules
 * that need the whole set of streams, one frame rate per unit, the quiet
 * stop at bind, and teardown with streams running.
 */
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "core_cmd.h"

FIXTURE(streams) {
	char unit[256];
	unsigned long long from;
	struct cmdlog log;
};

FIXTURE_SETUP(streams)
{
	ASSERT_EQ(0, core_one_unit(self->unit, sizeof(self->unit)));
	self->from = core_kmsg_seq();
	ASSERT_EQ(0, cmdlog_clear(0));
}

FIXTURE_TEARDOWN(streams)
{
	EXPECT_EQ(0, core_kmsg_problems(self->from));
	EXPECT_EQ(0, core_unplug_all(1));
	core_emu_stop();
}

#define EXPECT_STATE(want) do {						\
	char _v[32];							\
	ASSERT_EQ(0, core_state(self->unit, _v, sizeof(_v)));		\
	EXPECT_STREQ(want, _v);						\
} while (0)

static const char depth_start_seq[] =
	"DEPTH_MODE_SET DEPTH_FPS_SET DEPTH_START DEPTH_STREAM_START";
static const char depth_stop_seq[] = "DEPTH_STREAM_STOP DEPTH_STOP DEPTH_POWER_OFF";

/* Both streams, every start order and every stop order. */
TEST_F(streams, every_order)
{
	static const char *const names[] = { "color", "depth" };
	char seq[1024], want[256];
	unsigned int a, b;

	for (a = 0; a < 2; a++) {
		for (b = 0; b < 2; b++) {
			const char *first = names[a], *second = names[!a];
			const char *stop1 = names[b], *stop2 = names[!b];

			ASSERT_EQ(0, cmdlog_clear(0));
			EXPECT_EQ(0, core_dbg_write(self->unit, "start", first));
			EXPECT_STATE("streaming");
			/* settings are locked from the first stream on */
			EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, "sync_mode"),
							 "standalone"));
			EXPECT_EQ(-EBUSY, core_dbg_write(self->unit, "start", first));
			EXPECT_EQ(0, core_dbg_write(self->unit, "start", second));
			EXPECT_STATE("streaming");
			EXPECT_EQ(-EBUSY, core_dbg_write(self->unit, "start", second));
			ASSERT_EQ(0, cmdlog_get(0, &self->log));
			/* the configuration once, before anything else */
			EXPECT_EQ(1, cmdlog_count(&self->log, 'c', "SET_SYS_CFG"));
			EXPECT_STREQ("SET_SYS_CFG", self->log.name[0]);
			EXPECT_STREQ(depth_start_seq, cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));

			ASSERT_EQ(0, cmdlog_clear(0));
			EXPECT_EQ(0, core_dbg_write(self->unit, "stop", stop1));
			EXPECT_STATE("streaming");
			EXPECT_EQ(-EBUSY, core_write_str(core_attr(self->unit, "sync_mode"),
							 "standalone"));
			/* stopping a stream that does not run does nothing */
			EXPECT_EQ(0, core_dbg_write(self->unit, "stop", stop1));
			EXPECT_EQ(0, core_dbg_write(self->unit, "stop", stop2));
			EXPECT_STATE("idle");
			EXPECT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
			ASSERT_EQ(0, cmdlog_get(0, &self->log));
			EXPECT_EQ(0, cmdlog_count(&self->log, 'c', "SET_SYS_CFG"));
			snprintf(want, sizeof(want), "%s", depth_stop_seq);
			EXPECT_STREQ(want, cmdlog_seq(&self->log, 'd', seq, sizeof(seq)))
				TH_LOG("start %s %s, stop %s %s", first, second, stop1, stop2);
		}
	}
	/* Both in one write: started in the order written. */
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth color"));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ("SET_SYS_CFG", self->log.name[0]);
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
	EXPECT_STATE("idle");
	/* Unknown and repeated stream names. */
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "start", "ir"));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "start", "color color"));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "start", "\n"));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "stop", "ir"));
	EXPECT_STATE("idle");
}

/* One frame rate per unit while anything streams. */
TEST_F(streams, one_rate)
{
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "fps", "7"));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "fps", "x"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "fps", "15"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "fps", "15"));
	EXPECT_EQ(-EBUSY, core_dbg_write(self->unit, "fps", "30"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_EQ(1, cmdlog_count(&self->log, 'd', "DEPTH_FPS_SET"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "depth"));
	EXPECT_EQ(-EBUSY, core_dbg_write(self->unit, "fps", "5"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "color"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "fps", "30"));
}

/* Rules that need the whole set of streams decide the state. */
TEST_F(streams, whole_set_rules)
{
	/* A master's pulse is its colour frame sync: armed until colour runs. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 out 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "master"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	EXPECT_STATE("armed");
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	EXPECT_STATE("streaming");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "color"));
	EXPECT_STATE("armed");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "depth"));
	EXPECT_STATE("idle");
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	EXPECT_STATE("streaming");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));

	/* A non-zero depth delay is measured from colour: both streams. */
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "standalone"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "depth_delay_off_color_usec"), "200"));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "color"));
	EXPECT_STATE("armed");
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	EXPECT_STATE("streaming");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "color"));
	EXPECT_STATE("armed");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "depth"));
	EXPECT_STATE("idle");

	/*
	 * The start gate refuses the first stream (subordinate without a
	 * Sync In cable): nothing is sent, nothing runs.
	 */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_write_str(core_attr(self->unit, "sync_mode"), "subordinate"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 0"));
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "start", "depth"));
	EXPECT_EQ(-EINVAL, core_dbg_write(self->unit, "start", "color"));
	EXPECT_STATE("idle");
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_EQ(0, cmdlog_count(&self->log, 0, "SET_SYS_CFG"));
	EXPECT_EQ(0, cmdlog_count(&self->log, 0, "DEPTH_MODE_SET"));
	EXPECT_EQ(2, core_kmsg_count(self->from, "subordinate mode needs a cable in Sync In",
				     7, false));
}

/* A failing depth start leaves nothing running and the sensor powered down. */
TEST_F(streams, depth_start_fails)
{
	char seq[512];

	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 depth.status 0x101"));
	EXPECT_EQ(-EIO, core_dbg_write(self->unit, "start", "depth"));
	EXPECT_STATE("idle");
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ("DEPTH_MODE_SET DEPTH_STREAM_STOP DEPTH_STOP DEPTH_POWER_OFF",
		     cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
	/* The configuration was sent for it, and is sent again next time. */
	ASSERT_EQ(0, cmdlog_clear(0));
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_EQ(1, cmdlog_count(&self->log, 'c', "SET_SYS_CFG"));
	EXPECT_STATE("streaming");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
}

/* What a killed program left running is stopped at bind, quietly. */
TEST_F(streams, quiet_stop_at_bind)
{
	char seq[512];

	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	/* the emulator keeps its state across unplug: as if the host died */
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 both"));
	ASSERT_EQ(0, core_wait_units(0, 60, NULL));
	ASSERT_EQ(0, core_wait_usb(0, 0, 60));
	ASSERT_EQ(0, core_wait_bound(0, 60));
	ASSERT_EQ(0, cmdlog_clear(0));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 60, NULL));
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	cmdlog_seq(&self->log, 'd', seq, sizeof(seq));
	EXPECT_NE(NULL, strstr(seq, "READ_PRODUCT_SN")) TH_LOG("depth: %s", seq);
	EXPECT_NE(NULL, strstr(seq, "DEPTH_STREAM_STOP DEPTH_STOP")) TH_LOG("depth: %s", seq);
	EXPECT_EQ(1, cmdlog_count(&self->log, 'c', "IMU_STREAM_STOP"));
	EXPECT_EQ(0, core_kmsg_count(self->from, "k4a", 3, true));
	ASSERT_EQ(0, core_unit_path("000123456701", self->unit, sizeof(self->unit)));
	EXPECT_STATE("idle");
}

/*
 * Teardown with both streams running: the survivor's stream is stopped on
 * the device before it may pair again; the unit forms again idle.
 */
TEST_F(streams, teardown_stops_streams)
{
	char seq[512];

	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth color"));
	ASSERT_EQ(0, cmdlog_clear(0));
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 color"));
	ASSERT_EQ(0, core_wait_units(0, 60, NULL));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 color"));
	ASSERT_EQ(0, core_wait_units(1, 60, NULL));
	/* By the time the depth half paired again, its stream was stopped. */
	ASSERT_EQ(0, cmdlog_get(0, &self->log));
	EXPECT_STREQ(depth_stop_seq, cmdlog_seq(&self->log, 'd', seq, sizeof(seq)));
	ASSERT_EQ(0, core_unit_path("000123456701", self->unit, sizeof(self->unit)));
	EXPECT_STATE("idle");
	EXPECT_EQ(0, core_dbg_write(self->unit, "start", "depth"));
	EXPECT_STATE("streaming");
	EXPECT_EQ(0, core_dbg_write(self->unit, "stop", "\n"));
}

/*
 * The unit's add uevent comes once the unit is complete: when udev hears
 * it, the links to both halves, the back-links and the debugfs directory
 * exist.
 */
TEST_F(streams, add_uevent_after_links)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[8192], path[512], name[64];
	const char *dev = NULL;
	int fd, n, got = 0;
	struct timeval tv = { 60, 0 };

	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 color"));
	ASSERT_EQ(0, core_wait_units(0, 60, NULL));
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 color"));
	while (!got && (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		/* "add@/devices/.../k4a/k4aN" */
		if (strncmp(buf, "add@", 4) || !strstr(buf, "/k4a/k4a"))
			continue;
		dev = strrchr(buf, '/') + 1;
		snprintf(name, sizeof(name), "%s", dev);
		got = 1;
		/* checked at once, before anything else runs */
		snprintf(path, sizeof(path), CORE_CLASS "/%s/color", name);
		EXPECT_EQ(0, access(path, F_OK));
		snprintf(path, sizeof(path), CORE_CLASS "/%s/depth", name);
		EXPECT_EQ(0, access(path, F_OK));
		snprintf(path, sizeof(path), CORE_CLASS "/%s/depth/k4a_unit", name);
		EXPECT_EQ(0, access(path, F_OK));
		snprintf(path, sizeof(path), CORE_CLASS "/%s/color/k4a_unit", name);
		EXPECT_EQ(0, access(path, F_OK));
		snprintf(path, sizeof(path), CORE_DEBUGFS "/%s/start", name);
		EXPECT_EQ(0, access(path, F_OK));
	}
	close(fd);
	EXPECT_EQ(1, got);
}

TEST_HARNESS_MAIN
