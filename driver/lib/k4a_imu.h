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

/*
 * A packet whose newest sample lies this far behind where the device clock
 * stood when it arrived waited in a backlog: a late observation, and many
 * of them (a host that fell behind the IMU stream) look to the clock
 * estimator like a consistent floor that prompt observations lie below.
 */
#define K4A_IMU_MAX_LAG_MS	100

int k4a_imu_newest_pts(const u8 *p, size_t len, u64 *pts);
bool k4a_imu_backlogged(u32 pts, u32 scr, u64 scr_ns, u64 now_ns, u32 hz);

#endif /* K4A_IMU_H */
