// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_imu.c: garbage IMU packets. The
 * parser must stay inside the given length and accept only packets whose
 * declared samples fit; the newest time it reports must be one of them.
 * The first 32 bytes also drive the backlog test: any times, and a packet
 * whose time is the SCR's plus the time since is never backlogged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_imu.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *p = malloc(size ? size : 1);
	u64 pts = 0xdeadbeef, t;
	u32 g, a, i;
	bool found = false;
	int r;

	if (!p)
		return 0;
	memcpy(p, data, size);
	if (size >= 32) {
		u32 scr = k4a_get_le32(p), hz = k4a_get_le32(p + 4);
		u64 scr_ns = (u64)k4a_get_le32(p + 8) | (u64)k4a_get_le32(p + 12) << 32;
		u64 el = k4a_get_le32(p + 16) % 10000000000ULL;

		(void)k4a_imu_backlogged(k4a_get_le32(p + 20), scr, scr_ns,
					 scr_ns + el, hz);
		if (scr_ns <= U64_MAX - el && hz <= 10000000)
			check(!k4a_imu_backlogged(scr + (u32)(el * hz / 1000000000), scr,
						  scr_ns, scr_ns + el, hz));
	}
	r = k4a_imu_newest_pts(p, size, &pts);
	if (r) {
		check(r == -EINVAL || r == -ENODATA);
		check(pts == 0xdeadbeef);
		free(p);
		return 0;
	}
	check(size >= K4A_IMU_HEADER_LEN);
	g = k4a_get_le32(p + 14);
	a = k4a_get_le32(p + 24);
	check(g <= K4A_IMU_MAX_SAMPLES && a <= K4A_IMU_MAX_SAMPLES && g + a);
	check(size >= K4A_IMU_HEADER_LEN + (size_t)(g + a) * K4A_IMU_SAMPLE_LEN);
	for (i = 0; i < g + a; i++) {
		const u8 *s = p + K4A_IMU_HEADER_LEN + i * K4A_IMU_SAMPLE_LEN;

		t = (u64)k4a_get_le32(s) | (u64)k4a_get_le32(s + 4) << 32;
		check(t <= pts);
		found |= t == pts;
	}
	check(found);
	free(p);
	return 0;
}
