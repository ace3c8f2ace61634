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
