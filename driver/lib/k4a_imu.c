// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_imu.c - IMU packets of the colour MCU's stream endpoint.
 *
 * Layout (little endian, packed): a 28-byte header whose u32 at offset 14 is
 * the gyro sample count G and whose u32 at offset 24 is the accel sample
 * count A, then G gyro samples and A accel samples of 14 bytes each: u64
 * time in 90 kHz device ticks, three s16 axes. At most 8 samples of each
 * kind, 252 bytes in all.
 */
#include "k4a_imu.h"

#define K4A_IMU_OFF_GYRO_COUNT		14
#define K4A_IMU_OFF_ACCEL_COUNT		24

static u64 k4a_imu_get_le64(const u8 *p)
{
	return (u64)k4a_get_le32(p) | (u64)k4a_get_le32(p + 4) << 32;
}

/**
 * k4a_imu_newest_pts() - the latest sample time of an IMU packet
 * @p: the packet as received
 * @len: bytes received
 * @pts: the largest sample time of the packet, in device ticks
 *
 * The packet is untrusted: its sample counts must be at most 8 each, not
 * both zero, and the samples they declare must lie within @len (extra bytes
 * after them are ignored).
 *
 * Return: 0; -EINVAL for a packet shorter than its header or than the
 * samples it declares, or with impossible counts; -ENODATA for a packet
 * without samples. @pts is set only on success.
 */
int k4a_imu_newest_pts(const u8 *p, size_t len, u64 *pts)
{
	u32 g, a, i;
	u64 best = 0;

	if (!p || len < K4A_IMU_HEADER_LEN)
		return -EINVAL;
	g = k4a_get_le32(p + K4A_IMU_OFF_GYRO_COUNT);
	a = k4a_get_le32(p + K4A_IMU_OFF_ACCEL_COUNT);
	if (g > K4A_IMU_MAX_SAMPLES || a > K4A_IMU_MAX_SAMPLES)
		return -EINVAL;
	if (len < K4A_IMU_HEADER_LEN + (size_t)(g + a) * K4A_IMU_SAMPLE_LEN)
		return -EINVAL;
	if (!g && !a)
		return -ENODATA;
	for (i = 0; i < g + a; i++) {
		u64 t = k4a_imu_get_le64(p + K4A_IMU_HEADER_LEN +
					 i * K4A_IMU_SAMPLE_LEN);

		if (t > best)
			best = t;
	}
	*pts = best;
	return 0;
}

/**
 * k4a_imu_backlogged() - whether an IMU packet waited in a backlog
 * @pts: the packet's newest sample time (device ticks, low 32 bits)
 * @scr: a colour SCR (device ticks, low 32 bits) ...
 * @scr_ns: ... observed at this host time (ns): the device clock read @scr
 *          at that moment or before
 * @now_ns: the packet's arrival (ns)
 * @hz: nominal device clock frequency (at most 10 MHz)
 *
 * When the packet arrived, the device clock had gone on from @scr for at
 * least the host time since @scr_ns (less 1000 ppm of it: the rate a clock
 * may be off by). A packet whose newest sample lies more than
 * K4A_IMU_MAX_LAG_MS behind that waited in a queue. A late SCR observation
 * only makes the bound lower, so the test never takes a prompt packet for a
 * stale one.
 *
 * Return: true for a packet that waited in a backlog.
 */
bool k4a_imu_backlogged(u32 pts, u32 scr, u64 scr_ns, u64 now_ns, u32 hz)
{
	u64 el = now_ns > scr_ns ? now_ns - scr_ns : 0;
	u64 ticks;
	s64 lag;

	/* beyond ten seconds the SCR says nothing about now; nor a wild hz */
	if (el > 10000000000ULL || hz > 10000000)
		return false;
	el -= k4a_div_u64(el, 1000);
	/* el <= 10^10 and hz <= 10^7: the product fits */
	ticks = k4a_div_u64(el * hz, 1000000000);
	/* where the device clock stood at least, against the newest sample */
	lag = (s64)(s32)(scr + (u32)ticks - pts);
	return lag > (s64)k4a_div_u64((u64)hz * K4A_IMU_MAX_LAG_MS, 1000);
}
