// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for driver/lib/k4a_imu.c: the newest sample time of an IMU
 * packet, and every way a packet can lie about its length.
 */
#include "k4a_test.h"
#include "k4a_imu.h"

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/* A packet of @g gyro and @a accel samples; sample i has time base + i. */
static size_t make(u8 *p, u32 g, u32 a, u64 base)
{
	u32 i;

	memset(p, 0, K4A_IMU_PACKET_MAX + 64);
	put32(p + 14, g);
	put32(p + 24, a);
	for (i = 0; i < g + a && i < 2 * K4A_IMU_MAX_SAMPLES; i++) {
		u64 t = base + i;

		put32(p + 28 + 14 * i, (u32)t);
		put32(p + 32 + 14 * i, (u32)(t >> 32));
	}
	return 28 + 14 * (size_t)(g + a);
}

static void t_valid(void)
{
	u8 p[K4A_IMU_PACKET_MAX + 64];
	u64 pts = 0;
	size_t n;

	n = make(p, 8, 8, 90000);
	CHECK_EQ(n, (size_t)K4A_IMU_PACKET_MAX);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), 0);
	CHECK_EQ_U64(pts, 90015);
	/* bytes after the declared samples are ignored */
	CHECK_EQ(k4a_imu_newest_pts(p, n + 40, &pts), 0);
	CHECK_EQ_U64(pts, 90015);
	/* the newest sample may sit anywhere, and times beyond 32 bits count */
	n = make(p, 2, 3, 0x100000000ULL);
	put32(p + 28 + 14 * 1, 7);
	put32(p + 32 + 14 * 1, 2);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), 0);
	CHECK_EQ_U64(pts, 0x200000007ULL);
	/* gyro alone, accel alone */
	n = make(p, 1, 0, 5);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), 0);
	CHECK_EQ_U64(pts, 5);
	n = make(p, 0, 1, 6);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), 0);
	CHECK_EQ_U64(pts, 6);
}

static void t_invalid(void)
{
	u8 p[K4A_IMU_PACKET_MAX + 64];
	u64 pts = 77;
	size_t n;

	n = make(p, 8, 8, 1000);
	/* short of the header, short of the samples */
	CHECK_EQ(k4a_imu_newest_pts(p, 0, &pts), -EINVAL);
	CHECK_EQ(k4a_imu_newest_pts(p, 27, &pts), -EINVAL);
	CHECK_EQ(k4a_imu_newest_pts(p, n - 1, &pts), -EINVAL);
	CHECK_EQ(k4a_imu_newest_pts(NULL, n, &pts), -EINVAL);
	/* more samples than a packet holds, counts that wrap */
	make(p, 9, 0, 1000);
	CHECK_EQ(k4a_imu_newest_pts(p, sizeof(p), &pts), -EINVAL);
	make(p, 0, 9, 1000);
	CHECK_EQ(k4a_imu_newest_pts(p, sizeof(p), &pts), -EINVAL);
	make(p, 0xffffffffu, 1, 1000);
	CHECK_EQ(k4a_imu_newest_pts(p, sizeof(p), &pts), -EINVAL);
	/* the emulator's imu.count fault: one more of each than sent */
	n = make(p, 8, 8, 1000);
	put32(p + 14, 9);
	put32(p + 24, 9);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), -EINVAL);
	/* no samples */
	n = make(p, 0, 0, 1000);
	CHECK_EQ(k4a_imu_newest_pts(p, n, &pts), -ENODATA);
	CHECK_EQ_U64(pts, 77);
}

/* A packet 100 ms or more behind where the device clock stood: backlogged. */
static void t_backlogged(void)
{
	const u32 hz = 90000;
	const u64 t0 = 5000000000ULL;

	/* prompt: the packet's time is about the SCR's plus the time since */
	CHECK(!k4a_imu_backlogged(1000 + 9000, 1000, t0, t0 + 100000000, hz));
	CHECK(!k4a_imu_backlogged(1000, 1000, t0, t0, hz));
	/* a packet newer than the SCR (the SCR itself was late) */
	CHECK(!k4a_imu_backlogged(50000, 1000, t0, t0 + 1000000, hz));
	/* 99 ms behind: still taken; 120 ms behind: waited in a queue */
	CHECK(!k4a_imu_backlogged(1000 + 18000 - 8910, 1000, t0, t0 + 200000000, hz));
	CHECK(k4a_imu_backlogged(1000 + 18000 - 10800, 1000, t0, t0 + 200000000, hz));
	/* 300 ms behind, as a full emulator ring delivers */
	CHECK(k4a_imu_backlogged(100000, 100000, t0, t0 + 300000000, hz));
	/* across the 32-bit wrap */
	CHECK(!k4a_imu_backlogged(0x10, 0xfffffff0u, t0, t0 + 1000000, hz));
	CHECK(k4a_imu_backlogged(0xfffff000u, 0x10, t0, t0 + 300000000, hz));
	/* an arrival before the SCR's observation counts as none since */
	CHECK(!k4a_imu_backlogged(1000, 1000, t0, t0 - 5000000, hz));
	/* an SCR more than ten seconds old says nothing */
	CHECK(!k4a_imu_backlogged(1000, 1000, t0, t0 + 11000000000ULL, hz));
	/* the rate allowance: 1000 ppm of 1 s, 90 ticks, on top of 100 ms */
	CHECK(!k4a_imu_backlogged(1000 + 90000 - 9000 - 90, 1000, t0, t0 + 1000000000, hz));
	CHECK(k4a_imu_backlogged(1000 + 90000 - 9000 - 92, 1000, t0, t0 + 1000000000, hz));
}

int main(void)
{
	RUN(t_valid);
	RUN(t_invalid);
	RUN(t_backlogged);
	return k4a_test_done();
}
