/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_modes.h - frame rates, 90 kHz tick conversions, depth and colour mode
 * tables of the Azure Kinect DK.
 */
#ifndef K4A_MODES_H
#define K4A_MODES_H

#include "k4a_types.h"

/* The device clock: every device timestamp and delay is in 90 kHz ticks. */
#define K4A_TICK_HZ		90000U

/* Depth laser timing shared by every laser-based depth mode. */
#define K4A_LASER_PULSES	9U
#define K4A_LASER_PULSE_US	125U

bool k4a_fps_valid(u32 fps);
u32 k4a_frame_period_us(u32 fps);
u32 k4a_frame_period_ticks(u32 fps);
u32 k4a_fps_get(u32 index);

s64 k4a_us_to_ticks(s64 us);
s64 k4a_ticks_to_us(s64 ticks);
s64 k4a_ticks_to_us_enc(s64 ticks);
s64 k4a_us_quantize(s64 us);

/**
 * struct k4a_depth_mode - one depth sensor mode
 * @name: lower-case name, also used in the sysfs/CLI vocabulary
 * @id: k4a depth mode number (1..5)
 * @sensor_mode: argument of the DEPTH_MODE_SET command
 * @raw_bytes: exact size of one raw frame on the depth bulk endpoint
 * @xfer_bytes: @raw_bytes rounded up to 1024 (host read length)
 * @width: output image width after depth processing
 * @height: output image height after depth processing
 * @max_fps: highest frame rate of the mode
 * @idle_us: laser idle time between two pulses (0 without laser)
 * @pulses: laser pulses per exposure (0 for passive IR)
 * @pulse_us: length of one laser pulse in microseconds (0 without laser)
 * @exposure_us: sensor exposure per frame as documented by the vendor
 */
struct k4a_depth_mode {
	const char *name;
	u32 id;
	u32 sensor_mode;
	u32 raw_bytes;
	u32 xfer_bytes;
	u16 width, height;
	u32 max_fps;
	u32 idle_us;
	u32 pulses;
	u32 pulse_us;
	u32 exposure_us;
};

const struct k4a_depth_mode *k4a_depth_mode_by_id(u32 id);
const struct k4a_depth_mode *k4a_depth_mode_by_name(const char *name);
const struct k4a_depth_mode *k4a_depth_mode_get(u32 index);
bool k4a_depth_mode_valid(u32 id, u32 fps);

/**
 * enum k4a_color_fmt - colour pixel formats the camera sends over UVC
 * @K4A_COLOR_MJPG: Motion JPEG (4:2:2)
 * @K4A_COLOR_NV12: NV12, 1280x720 only
 * @K4A_COLOR_YUY2: YUY2, 1280x720 only
 */
enum k4a_color_fmt {
	K4A_COLOR_MJPG,
	K4A_COLOR_NV12,
	K4A_COLOR_YUY2,
};

/**
 * struct k4a_color_mode - one colour format/resolution pair
 * @fmt: pixel format
 * @width: width in pixels
 * @height: height in pixels
 * @max_fps: highest frame rate; every rate of k4a_fps_get() up to it is valid
 */
struct k4a_color_mode {
	enum k4a_color_fmt fmt;
	u16 width, height;
	u32 max_fps;
};

const struct k4a_color_mode *k4a_color_mode_get(u32 index);
const struct k4a_color_mode *k4a_color_mode_find(enum k4a_color_fmt fmt,
						 u32 width, u32 height);
bool k4a_color_mode_valid(enum k4a_color_fmt fmt, u32 width, u32 height,
			  u32 fps);

u32 k4a_color_exposure_snap(u32 us, bool hz50, u32 fps);

#endif /* K4A_MODES_H */
