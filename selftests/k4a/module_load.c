// SPDX-License-Identifier: GPL-2.0
/*
 * k4a.ko module lifecycle: loads and unloads cleanly many times in a row, leaves no error in the
 * kernel log, and carries the USB aliases that make udev load it for both USB halves of a unit.
 * Runs in the bench guest with K4A_KO pointing at the module built for the running kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "core_lib.h"

#define LOAD_CYCLES 20

static const char *module_path(void)
{
	const char *p = getenv("K4A_KO");

	return p && *p ? p : NULL;
}

static bool module_loaded(const char *name)
{
	char line[512];
	size_t n = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			found = true;
	fclose(f);
	return found;
}

/* Load the stock modules k4a.ko depends on (videodev, videobuf2, ...). */
static int load_dependencies(const char *ko)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "for d in $(modinfo -F depends '%s' | tr , ' '); do modprobe \"$d\" || exit 1; done",
		 ko);
	return system(cmd);
}

TEST(load_unload_cycles)
{
	const char *ko = module_path();
	unsigned long long from;
	int i;

	ASSERT_NE(NULL, ko) TH_LOG("K4A_KO is not set");
	ASSERT_EQ(0, access(ko, R_OK)) TH_LOG("cannot read %s", ko);
	ASSERT_FALSE(module_loaded("k4a")) TH_LOG("k4a is already loaded");
	ASSERT_EQ(0, load_dependencies(ko));
	from = core_kmsg_seq();

	for (i = 0; i < LOAD_CYCLES; i++) {
		int fd = open(ko, O_RDONLY | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0))
			TH_LOG("cycle %d: finit_module: %s", i, strerror(errno));
		close(fd);
		ASSERT_TRUE(module_loaded("k4a"));
		ASSERT_EQ(0, syscall(SYS_delete_module, "k4a", O_NONBLOCK))
			TH_LOG("cycle %d: delete_module: %s", i, strerror(errno));
		ASSERT_FALSE(module_loaded("k4a"));
	}
	TH_LOG("%d load/unload cycles", LOAD_CYCLES);
	EXPECT_EQ(0, core_kmsg_count(from, NULL, 4, true));
}

static bool modinfo_has_prefix(const char *ko, const char *field, const char *prefix)
{
	char cmd[1024], line[512];
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "modinfo -F %s '%s'", field, ko);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p))
		if (!strncasecmp(line, prefix, strlen(prefix)))
			found = true;
	pclose(p);
	return found;
}

TEST(usb_aliases)
{
	const char *ko = module_path();

	ASSERT_NE(NULL, ko);
	/* Depth half, vendor interface 0. */
	EXPECT_TRUE(modinfo_has_prefix(ko, "alias", "usb:v045Ep097Cd"));
	/* Colour half (UVC interfaces and the colour MCU interface). */
	EXPECT_TRUE(modinfo_has_prefix(ko, "alias", "usb:v045Ep097Dd"));
	/* No alias for other Microsoft devices (hubs, microphone). */
	EXPECT_FALSE(modinfo_has_prefix(ko, "alias", "usb:v045Ep097Ed"));
	EXPECT_TRUE(modinfo_has_prefix(ko, "license", "GPL"));
}

TEST_HARNESS_MAIN
