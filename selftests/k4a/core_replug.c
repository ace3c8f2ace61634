// SPDX-License-Identifier: GPL-2.0
/*
 * k4a unit lifetime: 50 cycles of unplugging (cleanly or by surprise) and
 * replugging random halves of three emulated cameras. After every step the
 * set of units is exactly the set of cameras with both halves present, each
 * re-formed unit has its sync settings back, an attribute file held open
 * across an unplug returns -ENODEV, the kernel log stays clean, every unit
 * is released (unit numbers are reused) and the module unloads at the end.
 */
#include "kselftest_harness.h"
#include "core_lib.h"

#define UNITS	3
#define CYCLES	50

static const char *const want_mode[UNITS] = { "subordinate", "master", "standalone" };
static const char *const want_sub[UNITS] = { "1000", "0", "0" };
static const char *const want_depth[UNITS] = { "-500", "200", "-100" };

static int unit_of(unsigned int i, char *path, size_t len)
{
	char serial[32];

	core_serial(i, serial, sizeof(serial));
	return core_unit_path(serial, path, len);
}

static bool settings_ok(unsigned int i)
{
	char unit[256], v[64];

	if (unit_of(i, unit, sizeof(unit)))
		return false;
	if (core_read(core_attr(unit, "sync_mode"), v, sizeof(v)) <= 0 ||
	    strcmp(v, want_mode[i]))
		return false;
	if (core_read(core_attr(unit, "subordinate_delay_off_master_usec"), v,
		      sizeof(v)) <= 0 || strcmp(v, want_sub[i]))
		return false;
	return core_read(core_attr(unit, "depth_delay_off_color_usec"), v,
			 sizeof(v)) > 0 && !strcmp(v, want_depth[i]);
}

FIXTURE(replug) {
	unsigned long long from;
};

FIXTURE_SETUP(replug)
{
	char unit[256];
	unsigned int i;

	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units());
	ASSERT_EQ(0, core_emu_start(UNITS, NULL));
	self->from = core_kmsg_seq();
	for (i = 0; i < UNITS; i++)
		ASSERT_EQ(0, core_ctl(NULL, 0, "plug %u both", i));
	ASSERT_EQ(0, core_wait_units(UNITS, 60, NULL));
	/* Cables for the modes, then the settings to be kept across replugs. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 0 in 1"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "jack 1 out 1"));
	for (i = 0; i < UNITS; i++) {
		ASSERT_EQ(0, unit_of(i, unit, sizeof(unit)));
		ASSERT_EQ(0, core_write_str(core_attr(unit, "sync_mode"), want_mode[i]));
		ASSERT_EQ(0, core_write_str(core_attr(unit, "subordinate_delay_off_master_usec"),
					    want_sub[i]));
		ASSERT_EQ(0, core_write_str(core_attr(unit, "depth_delay_off_color_usec"),
					    want_depth[i]));
		ASSERT_TRUE(settings_ok(i));
	}
}

FIXTURE_TEARDOWN(replug)
{
	core_unplug_all(UNITS);
	core_emu_stop();
}

TEST_F_TIMEOUT(replug, open_handle_enodev, 120)
{
	char unit[256], buf[64];
	int fd_mode, fd_jack;

	ASSERT_EQ(0, unit_of(0, unit, sizeof(unit)));
	fd_mode = open(core_attr(unit, "sync_mode"), O_RDWR);
	ASSERT_LE(0, fd_mode);
	fd_jack = open(core_attr(unit, "sync_in_jack"), O_RDONLY);
	ASSERT_LE(0, fd_jack);
	ASSERT_LT(0, pread(fd_mode, buf, sizeof(buf), 0));
	ASSERT_EQ(0, core_ctl(NULL, 0, "disconnect 0 color"));
	ASSERT_EQ(0, core_wait_units(UNITS - 1, 20, NULL));
	ASSERT_EQ(0, core_wait_usb(UNITS, UNITS - 1, 20));
	errno = 0;
	EXPECT_EQ(-1, pread(fd_mode, buf, sizeof(buf), 0));
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(fd_mode, "standalone", 10, 0));
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, pread(fd_jack, buf, sizeof(buf), 0));
	EXPECT_EQ(ENODEV, errno);
	close(fd_mode);
	close(fd_jack);
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 color"));
	ASSERT_EQ(0, core_wait_units(UNITS, 20, NULL));
	EXPECT_TRUE(settings_ok(0));
	EXPECT_EQ(0, core_kmsg_problems(self->from));
}

TEST_F_TIMEOUT(replug, random_halves, 900)
{
	static const char *const half[2] = { "depth", "color" };
	bool plugged[UNITS][2];
	unsigned int seed = getenv("K4A_SEED") ? (unsigned int)atoi(getenv("K4A_SEED")) : 4242;
	double t0 = core_now(), gone_max = 0, back_max = 0, gone_sum = 0, back_sum = 0;
	unsigned int cycle, i, k, surprises = 0, doubles = 0;
	char unit[256];
	int expect;

	srand(seed);
	memset(plugged, 1, sizeof(plugged));
	for (cycle = 0; cycle < CYCLES; cycle++) {
		unsigned int u = (unsigned int)rand() % UNITS;
		unsigned int h = (unsigned int)rand() % 2;
		bool surprise = rand() % 2, both = rand() % 4 == 0;
		double t, dt;

		surprises += surprise;
		doubles += both;
		ASSERT_EQ(0, core_ctl(NULL, 0, "%s %u %s", surprise ? "disconnect" : "unplug",
				      u, both ? "both" : half[h]));
		plugged[u][h] = false;
		if (both)
			plugged[u][!h] = false;
		for (expect = 0, i = 0; i < UNITS; i++)
			expect += plugged[i][0] && plugged[i][1];
		t = core_now();
		ASSERT_EQ(0, core_wait_units(expect, 20, &dt))
			TH_LOG("cycle %u: %d units, want %d", cycle, core_units(), expect);
		gone_sum += dt;
		{
			int nd = 0, nc = 0;

			for (i = 0; i < UNITS; i++) {
				nd += plugged[i][0];
				nc += plugged[i][1];
			}
			ASSERT_EQ(0, core_wait_usb(nd, nc, 20)) TH_LOG("cycle %u", cycle);
		}
		if (dt > gone_max)
			gone_max = dt;
		/* The other units are untouched. */
		for (i = 0; i < UNITS; i++)
			if (i != u)
				EXPECT_TRUE(settings_ok(i)) TH_LOG("cycle %u unit %u", cycle, i);

		for (k = 0; k < 2; k++) {
			if (plugged[u][k])
				continue;
			ASSERT_EQ(0, core_ctl(NULL, 0, "plug %u %s", u, half[k]));
			plugged[u][k] = true;
		}
		t = core_now();
		ASSERT_EQ(0, core_wait_units(UNITS, 30, &dt))
			TH_LOG("cycle %u: %d units after replug", cycle, core_units());
		(void)t;
		back_sum += dt;
		if (dt > back_max)
			back_max = dt;
		EXPECT_TRUE(settings_ok(u)) TH_LOG("cycle %u: unit %u settings lost", cycle, u);
	}
	core_note("%u cycles (seed %u, %u surprise, %u both halves) in %.1f s; units gone after unplug avg %.3f max %.3f s, back after plug avg %.2f max %.2f s",
	       CYCLES, seed, surprises, doubles, core_now() - t0, gone_sum / CYCLES, gone_max,
	       back_sum / CYCLES, back_max);

	EXPECT_EQ(0, core_kmsg_problems(self->from));
	/* Only informational lines from k4a: nothing at error level. */
	EXPECT_EQ(0, core_kmsg_count(self->from, "k4a", 3, true));

	/* Everything released: with all units gone, numbering starts again at k4a0. */
	ASSERT_EQ(0, core_unplug_all(UNITS));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 2 both"));
	ASSERT_EQ(0, core_wait_units(1, 20, NULL));
	ASSERT_EQ(0, unit_of(2, unit, sizeof(unit)));
	EXPECT_STREQ(CORE_CLASS "/k4a0", unit);
	ASSERT_EQ(0, core_unplug_all(UNITS));
	EXPECT_EQ(0, core_module_unload());
	EXPECT_FALSE(core_module_loaded());
	EXPECT_NE(0, access(CORE_CLASS, F_OK));
	EXPECT_EQ(0, core_module_load());
}

/* Read and write every unit's attributes in a loop until killed. */
static void hammer(unsigned int seed)
{
	static const char *const ro[] = {
		"sync_in_jack", "sync_out_jack", "state", "serial", "firmware_version",
		"subordinate_delay_off_master_usec", "depth_delay_off_color_usec",
	};
	static char blob[2 * 1024 * 1024];
	char v[128];
	unsigned int k;
	int fd;

	srand(seed);
	for (;;) {
		DIR *d = opendir(CORE_CLASS);
		struct dirent *e;
		char unit[256];

		while (d && (e = readdir(d))) {
			if (strncmp(e->d_name, "k4a", 3))
				continue;
			snprintf(unit, sizeof(unit), CORE_CLASS "/%.64s", e->d_name);
			for (k = 0; k < sizeof(ro) / sizeof(ro[0]); k++)
				core_read(core_attr(unit, ro[rand() % (int)(sizeof(ro) / sizeof(ro[0]))]),
					  v, sizeof(v));
			/* Rewrite the current mode: a jack read under the unit lock. */
			if (core_read(core_attr(unit, "sync_mode"), v, sizeof(v)) > 0)
				core_write_str(core_attr(unit, "sync_mode"), v);
			if (rand() % 8 == 0) {
				fd = open(core_attr(unit, "ir_sensor_calibration"), O_RDONLY);
				if (fd >= 0) {
					while (read(fd, blob, sizeof(blob)) > 0)
						;
					close(fd);
				}
			}
		}
		if (d)
			closedir(d);
	}
}

/* Attribute traffic from two processes while halves come and go by surprise. */
TEST_F_TIMEOUT(replug, concurrent_io, 600)
{
	pid_t kids[2];
	unsigned int cycle, i, u, h;
	int st;

	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (!kids[i]) {
			hammer(100 + i);
			_exit(0);
		}
	}
	srand(77);
	for (cycle = 0; cycle < 20; cycle++) {
		u = (unsigned int)rand() % UNITS;
		h = (unsigned int)rand() % 2;
		ASSERT_EQ(0, core_ctl(NULL, 0, "disconnect %u %s", u, h ? "color" : "depth"));
		core_sleep_ms((unsigned int)rand() % 300);
		ASSERT_EQ(0, core_wait_usb(UNITS - !h, UNITS - h, 20)) TH_LOG("cycle %u", cycle);
		ASSERT_EQ(0, core_ctl(NULL, 0, "plug %u %s", u, h ? "color" : "depth"));
		ASSERT_EQ(0, core_wait_units(UNITS, 30, NULL)) TH_LOG("cycle %u", cycle);
	}
	for (i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &st, 0);
	}
	for (i = 0; i < UNITS; i++)
		EXPECT_TRUE(settings_ok(i)) TH_LOG("unit %u", i);
	EXPECT_EQ(0, core_kmsg_problems(self->from));
	core_note("20 surprise disconnects under attribute traffic: %d k4a log lines at error level",
		  core_kmsg_count(self->from, "k4a", 3, true));
}

TEST_HARNESS_MAIN
