// SPDX-License-Identifier: GPL-2.0
/*
 * k4a units: the depth (097c) and colour (097d) USB devices of 1, 3 and 8
 * emulated cameras are paired into units whatever the attach order
 * (all depth halves first, all colour halves first, interleaved), each
 * unit links to the right halves, and pairing is refused for mismatched
 * serials and for devices without a Container ID. Prints the time from the
 * attach of a unit's second half to the unit's appearance in sysfs.
 */
#include "kselftest_harness.h"
#include "core_lib.h"

/* Interfaces k4a binds: depth 1, colour 3 (VideoControl, VideoStreaming, vendor). */
#define IF_DEPTH	1
#define IF_COLOR	3

enum order { DEPTH_FIRST, COLOR_FIRST, INTERLEAVED };

struct step {
	unsigned int unit;
	bool color;
};

/* Build the attach sequence for @n units in @order. */
static unsigned int plan(unsigned int n, enum order order, struct step *s)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		s[k].unit = i;
		s[k++].color = order == COLOR_FIRST ||
			       (order == INTERLEAVED && (i & 1));
	}
	for (i = 0; i < n; i++) {
		s[k].unit = i;
		s[k++].color = !s[i].color;
	}
	return k;
}

static bool link_to(const char *unit, const char *name, const char *pid,
		    const char *serial)
{
	char p[512], v[64];

	snprintf(p, sizeof(p), "%.200s/%.32s/../idProduct", unit, name);
	if (core_read(p, v, sizeof(v)) <= 0 || strcmp(v, pid))
		return false;
	snprintf(p, sizeof(p), "%.200s/%.32s/../serial", unit, name);
	if (core_read(p, v, sizeof(v)) <= 0 || strcmp(v, serial))
		return false;
	snprintf(p, sizeof(p), "%.200s/%.32s/k4a_unit/serial", unit, name);
	return core_read(p, v, sizeof(v)) > 0 && !strcmp(v, serial);
}

/* Interfaces bound to k4a that carry a k4a_unit link. */
static int unit_links(void)
{
	DIR *d = opendir(CORE_DRV);
	struct dirent *e;
	char p[512];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		snprintf(p, sizeof(p), CORE_DRV "/%.64s/k4a_unit/serial", e->d_name);
		if (strchr(e->d_name, ':') && !access(p, R_OK))
			n++;
	}
	closedir(d);
	return n;
}

FIXTURE(form) {
	unsigned long long from;
};

FIXTURE_VARIANT(form) {
	unsigned int n;
	enum order order;
	const char *name;
};

FIXTURE_VARIANT_ADD(form, n1_depth_first) { 1, DEPTH_FIRST, "depth-first" };
FIXTURE_VARIANT_ADD(form, n1_color_first) { 1, COLOR_FIRST, "colour-first" };
FIXTURE_VARIANT_ADD(form, n1_interleaved) { 1, INTERLEAVED, "interleaved" };
FIXTURE_VARIANT_ADD(form, n3_depth_first) { 3, DEPTH_FIRST, "depth-first" };
FIXTURE_VARIANT_ADD(form, n3_color_first) { 3, COLOR_FIRST, "colour-first" };
FIXTURE_VARIANT_ADD(form, n3_interleaved) { 3, INTERLEAVED, "interleaved" };
FIXTURE_VARIANT_ADD(form, n8_depth_first) { 8, DEPTH_FIRST, "depth-first" };
FIXTURE_VARIANT_ADD(form, n8_color_first) { 8, COLOR_FIRST, "colour-first" };
FIXTURE_VARIANT_ADD(form, n8_interleaved) { 8, INTERLEAVED, "interleaved" };

FIXTURE_SETUP(form)
{
	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units()) TH_LOG("units left over from an earlier test");
	ASSERT_EQ(0, core_emu_start(variant->n, NULL));
	self->from = core_kmsg_seq();
}

FIXTURE_TEARDOWN(form)
{
	EXPECT_EQ(0, core_unplug_all(variant->n));
	core_emu_stop();
}

TEST_F_TIMEOUT(form, units_form, 600)
{
	struct step s[16];
	unsigned int steps = plan(variant->n, variant->order, s);
	bool plugged[8][2] = { { false } };
	double t0 = core_now(), tmin = 1e9, tmax = 0, tsum = 0;
	int bound = 0, formed = 0;
	unsigned int i;

	for (i = 0; i < steps; i++) {
		unsigned int u = s[i].unit;
		bool completes = plugged[u][!s[i].color];
		double tp = core_now(), dt;

		ASSERT_EQ(0, core_ctl(NULL, 0, "plug %u %s", u,
				      s[i].color ? "color" : "depth"));
		plugged[u][s[i].color] = true;
		bound += s[i].color ? IF_COLOR : IF_DEPTH;
		formed += completes;
		/* The next half is attached only once this one is bound. */
		ASSERT_EQ(0, core_wait_bound(bound, 30))
			TH_LOG("step %u: %d interfaces bound, want %d", i,
			       core_bound_interfaces(), bound);
		ASSERT_EQ(0, core_wait_units(formed, 20, NULL))
			TH_LOG("step %u: %d units, want %d", i, core_units(),
			       formed);
		if (completes) {
			dt = core_now() - tp;
			tsum += dt;
			if (dt < tmin)
				tmin = dt;
			if (dt > tmax)
				tmax = dt;
		}
	}
	core_note("%u units %s: %u attaches in %.2f s; unit formed after its second half's attach: min %.2f avg %.2f max %.2f s",
	       variant->n, variant->name, steps, core_now() - t0, tmin,
	       tsum / variant->n, tmax);

	for (i = 0; i < variant->n; i++) {
		char serial[32], unit[256], v[64];

		core_serial(i, serial, sizeof(serial));
		ASSERT_EQ(0, core_unit_path(serial, unit, sizeof(unit)))
			TH_LOG("no unit with serial %s", serial);
		EXPECT_TRUE(link_to(unit, "depth", "097c", serial));
		EXPECT_TRUE(link_to(unit, "color", "097d", serial));
		EXPECT_LT(0, core_read(core_attr(unit, "state"), v, sizeof(v)));
		EXPECT_STREQ("idle", v);
	}
	/* The depth and the VideoControl interface of every unit lead to it. */
	EXPECT_EQ(2 * (int)variant->n, unit_links());
	EXPECT_EQ(0, core_kmsg_count(self->from, NULL, 4, true));
	EXPECT_EQ(0, core_kmsg_problems(self->from));
}

FIXTURE(refuse) {
	unsigned long long from;
};

FIXTURE_SETUP(refuse)
{
	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units());
	ASSERT_EQ(0, core_emu_start(2, NULL));
	self->from = core_kmsg_seq();
}

FIXTURE_TEARDOWN(refuse)
{
	EXPECT_EQ(0, core_unplug_all(2));
	core_emu_stop();
}

/* Colour iSerialNumber differs from the depth MCU serial: no unit. */
TEST_F_TIMEOUT(refuse, serial_mismatch, 120)
{
	char serial[32], unit[256];

	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 1 desc.serial"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 depth"));
	ASSERT_EQ(0, core_wait_bound(IF_DEPTH, 30));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 color"));
	/* The colour probe is refused, so none of its interfaces is bound. */
	EXPECT_EQ(0, core_wait_kmsg(self->from, "refusing to pair", 7, 1, 3));
	core_sleep_ms(1000);
	EXPECT_EQ(IF_DEPTH, core_bound_interfaces());
	EXPECT_EQ(0, core_units());
	EXPECT_EQ(1, core_kmsg_count(self->from, "refusing to pair", 7, true));
	/* A good unit next to it still forms. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 30, NULL));
	core_serial(0, serial, sizeof(serial));
	EXPECT_EQ(0, core_unit_path(serial, unit, sizeof(unit)));
	/* Fixed descriptors: the unit forms after a replug. */
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 1 both"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 1 desc.clear"));
	ASSERT_EQ(0, core_wait_usb(1, 1, 30));
	ASSERT_EQ(0, core_wait_bound(IF_DEPTH + IF_COLOR, 30));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 both"));
	ASSERT_EQ(0, core_wait_units(2, 30, NULL));
	EXPECT_EQ(0, core_kmsg_problems(self->from));
}

/*
 * Two cameras reporting the same Container ID: the serial decides, so each
 * colour device still pairs with its own depth device.
 */
TEST_F_TIMEOUT(refuse, duplicate_container_id, 120)
{
	char serial[32], unit[256];
	unsigned int i;

	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 1 desc.dupcid"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
	ASSERT_EQ(0, core_wait_bound(IF_DEPTH, 30));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 depth"));
	ASSERT_EQ(0, core_wait_bound(2 * IF_DEPTH, 30));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 1 color"));
	ASSERT_EQ(0, core_wait_units(1, 30, NULL));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 color"));
	ASSERT_EQ(0, core_wait_units(2, 30, NULL));
	for (i = 0; i < 2; i++) {
		core_serial(i, serial, sizeof(serial));
		ASSERT_EQ(0, core_unit_path(serial, unit, sizeof(unit)));
		EXPECT_TRUE(link_to(unit, "depth", "097c", serial));
		EXPECT_TRUE(link_to(unit, "color", "097d", serial));
	}
	EXPECT_EQ(0, core_kmsg_count(self->from, "refusing to pair", 7, true));
	EXPECT_EQ(0, core_kmsg_problems(self->from));
}

/* A device without BOS Container ID cannot be paired and is not bound. */
TEST_F_TIMEOUT(refuse, no_container_id, 120)
{
	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 desc.nocid"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 color"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 depth"));
	EXPECT_EQ(0, core_wait_kmsg(self->from, "no BOS Container ID", 7, 2, 4));
	core_sleep_ms(1000);
	EXPECT_EQ(0, core_bound_interfaces());
	EXPECT_EQ(0, core_units());
	EXPECT_LE(2, core_kmsg_count(self->from, "no BOS Container ID", 7,
				     true));
	ASSERT_EQ(0, core_ctl(NULL, 0, "unplug 0 both"));
	ASSERT_EQ(0, core_ctl(NULL, 0, "fault 0 desc.clear"));
	ASSERT_EQ(0, core_wait_usb(0, 0, 30));
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 30, NULL));
	EXPECT_EQ(0, core_kmsg_problems(self->from));
}

/* A colour device without UVC function is bound on its vendor interface. */
TEST(color_without_uvc)
{
	char serial[32], unit[256], v[64];
	unsigned long long from;

	ASSERT_EQ(0, core_module_load());
	ASSERT_EQ(0, core_units());
	ASSERT_EQ(0, core_emu_start(1, "--no-uvc"));
	from = core_kmsg_seq();
	ASSERT_EQ(0, core_ctl(NULL, 0, "plug 0 both"));
	ASSERT_EQ(0, core_wait_units(1, 30, NULL));
	EXPECT_EQ(IF_DEPTH + 1, core_bound_interfaces());
	core_serial(0, serial, sizeof(serial));
	ASSERT_EQ(0, core_unit_path(serial, unit, sizeof(unit)));
	EXPECT_TRUE(link_to(unit, "color", "097d", serial));
	EXPECT_LT(0, core_read(core_attr(unit, "color/bInterfaceClass"), v, sizeof(v)));
	EXPECT_STREQ("ff", v);
	EXPECT_LT(0, core_read(core_attr(unit, "sync_in_jack"), v, sizeof(v)));
	EXPECT_EQ(0, core_kmsg_count(from, NULL, 4, true));
	EXPECT_EQ(0, core_unplug_all(1));
	core_emu_stop();
}

TEST_HARNESS_MAIN
