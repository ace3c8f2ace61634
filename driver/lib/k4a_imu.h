/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_imu.h - the IMU packets of the colour MCU's stream endpoint (0x82),
 * read by the driver as clock observations (Documentation/timestamps.rst).
 */
#ifndef K4A_IMU_H
#define K4A_IMU_H

#include "k4a_types.h"

/* Largest packet the device sends: header and 8 gyro + 8 accel samples. */
#define K4A_IMU_PACKET_MAX	252
#define K4A_IMU_HEADER_LEN	28
#define K4A_IMU_SAMPLE_LEN	14
#define K4A_IMU_MAX_SAMPLES	8

int k4a_imu_newest_pts(const u8 *p, size_t len, u64 *pts);

#endif /* K4A_IMU_H */
