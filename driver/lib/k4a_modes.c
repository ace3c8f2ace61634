// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_modes.c - frame rates, 90 kHz tick conversions, depth and colour mode
 * tables of the Azure Kinect DK.
 *
 * Facts: depth modes and raw sizes from the depth MCU protocol, laser timing
 * from the vendor's multi-camera documentation, colour modes from the SDK's
 * configuration validation.
 */
#include "k4a_modes.h"

/* Frame rates, fastest first (shortest V4L2 frame interval first). */
static const u32 k4a_fps_list[] = { 30, 15, 5 };

/**
 * k4a_fps_valid() - whether the device supports a frame rate
 * @fps: frames per second
 *
 * Return: true for 5, 15 and 30.
 */
bool k4a_fps_valid(u32 fps)
{
	return fps == 5 || fps == 15 || fps == 30;
}

/**
 * k4a_fps_get() - enumerate the supported frame rates
 * @index: 0, 1, 2, ...
 *
 * Return: 30, 15, 5 for index 0, 1, 2; 0 past the end.
 */
u32 k4a_fps_get(u32 index)
{
	if (index >= K4A_ARRAY_SIZE(k4a_fps_list))
		return 0;
	return k4a_fps_list[index];
}

/**
 * k4a_frame_period_us() - frame period as the SDK computes it
 * @fps: frames per second
 *
 * Return: 1000000 / @fps in integer arithmetic (200000, 66666, 33333), or 0
 * if @fps is not supported. This is the bound the SDK applies to the sync
 * delays.
 */
u32 k4a_frame_period_us(u32 fps)
{
	if (!k4a_fps_valid(fps))
		return 0;
	return 1000000U / fps;
}

/**
 * k4a_frame_period_ticks() - exact frame period in device ticks
 * @fps: frames per second
 *
 * Return: 18000, 6000 or 3000 ticks, or 0 if @fps is not supported.
 */
u32 k4a_frame_period_ticks(u32 fps)
{
	if (!k4a_fps_valid(fps))
		return 0;
	return K4A_TICK_HZ / fps;
}

/**
 * k4a_us_to_ticks() - microseconds to 90 kHz ticks, as the SDK encodes delays
 * @us: microseconds, any sign
 *
 * Computes @us * 9 / 100 truncated toward zero without overflowing for any
 * input.
 *
 * Return: ticks.
 */
s64 k4a_us_to_ticks(s64 us)
{
	s32 rem;
	s64 q = k4a_div_s64_rem(us, 100, &rem);

	/* q and rem carry the same sign, so the sum truncates toward zero. */
	return q * 9 + rem * 9 / 100;
}

/**
 * k4a_ticks_to_us() - 90 kHz ticks to microseconds, as the SDK converts
 * device timestamps
 * @ticks: ticks, any sign
 *
 * Computes @ticks * 100 / 9 truncated toward zero; saturates to S64_MAX or
 * S64_MIN where the result does not fit (|@ticks| beyond about 8.3e17).
 *
 * Return: microseconds.
 */
s64 k4a_ticks_to_us(s64 ticks)
{
	s32 rem;
	s64 q = k4a_div_s64_rem(ticks, 9, &rem);
	s64 part;

	if (q > S64_MAX / 100)
		return S64_MAX;
	if (q < S64_MIN / 100)
		return S64_MIN;
	q *= 100;
	part = rem * 100 / 9;
	if (part > 0 && q > S64_MAX - part)
		return S64_MAX;
	if (part < 0 && q < S64_MIN - part)
		return S64_MIN;
	return q + part;
}

/**
 * k4a_ticks_to_us_enc() - the microsecond value that encodes to @ticks
 * @ticks: ticks, any sign
 *
 * Several microsecond values encode to the same tick count. This returns
 * the one closest to zero, i.e. ceil(|@ticks| * 100 / 9) with the sign of
 * @ticks, so that k4a_us_to_ticks(k4a_ticks_to_us_enc(t)) == t for every t
 * (saturated like k4a_ticks_to_us()).
 *
 * Return: microseconds.
 */
s64 k4a_ticks_to_us_enc(s64 ticks)
{
	u64 mag = ticks < 0 ? 0 - (u64)ticks : (u64)ticks;
	u32 rem;
	u64 q = k4a_div_u64_rem(mag, 9, &rem);
	u64 us;

	if (q > (u64)S64_MAX / 100)
		return ticks < 0 ? S64_MIN : S64_MAX;
	/* At most S64_MAX + 93 here: no u64 overflow. */
	us = q * 100 + (rem * 100 + 8) / 9;
	if (ticks >= 0)
		return us > (u64)S64_MAX ? S64_MAX : (s64)us;
	if (us > (u64)S64_MAX)
		return S64_MIN;
	return -(s64)us;
}

/**
 * k4a_us_quantize() - the delay the device really applies for @us
 * @us: microseconds, any sign
 *
 * The device works in whole ticks: @us is encoded with k4a_us_to_ticks()
 * and the result is reported back as the microsecond value closest to zero
 * with the same encoding. Quantising is therefore idempotent and writing a
 * quantised value back selects the same tick count again.
 *
 * Return: microseconds, |result| <= |@us|.
 */
s64 k4a_us_quantize(s64 us)
{
	return k4a_ticks_to_us_enc(k4a_us_to_ticks(us));
}

#define K4A_XFER(raw)	((((raw) + 1023U) / 1024U) * 1024U)

static const struct k4a_depth_mode k4a_depth_modes[] = {
	{
		.name = "nfov_2x2binned", .id = 1, .sensor_mode = 4,
		.raw_bytes = 5310760, .xfer_bytes = K4A_XFER(5310760U),
		.width = 320, .height = 288, .max_fps = 30,
		.idle_us = 1450, .pulses = K4A_LASER_PULSES,
		.pulse_us = K4A_LASER_PULSE_US, .exposure_us = 12800,
	},
	{
		.name = "nfov_unbinned", .id = 2, .sensor_mode = 4,
		.raw_bytes = 5310760, .xfer_bytes = K4A_XFER(5310760U),
		.width = 640, .height = 576, .max_fps = 30,
		.idle_us = 1450, .pulses = K4A_LASER_PULSES,
		.pulse_us = K4A_LASER_PULSE_US, .exposure_us = 12800,
	},
	{
		.name = "wfov_2x2binned", .id = 3, .sensor_mode = 7,
		.raw_bytes = 3777232, .xfer_bytes = K4A_XFER(3777232U),
		.width = 512, .height = 512, .max_fps = 30,
		.idle_us = 1450, .pulses = K4A_LASER_PULSES,
		.pulse_us = K4A_LASER_PULSE_US, .exposure_us = 12800,
	},
	{
		.name = "wfov_unbinned", .id = 4, .sensor_mode = 5,
		.raw_bytes = 9438664, .xfer_bytes = K4A_XFER(9438664U),
		.width = 1024, .height = 1024, .max_fps = 15,
		.idle_us = 2390, .pulses = K4A_LASER_PULSES,
		.pulse_us = K4A_LASER_PULSE_US, .exposure_us = 20300,
	},
	{
		.name = "passive_ir", .id = 5, .sensor_mode = 3,
		.raw_bytes = 1678024, .xfer_bytes = K4A_XFER(1678024U),
		.width = 1024, .height = 1024, .max_fps = 30,
		.idle_us = 0, .pulses = 0, .pulse_us = 0, .exposure_us = 1600,
	},
};

/**
 * k4a_depth_mode_get() - enumerate the depth modes
 * @index: 0, 1, 2, ...
 *
 * Return: the mode at @index (in id order) or NULL past the end.
 */
const struct k4a_depth_mode *k4a_depth_mode_get(u32 index)
{
	if (index >= K4A_ARRAY_SIZE(k4a_depth_modes))
		return NULL;
	return &k4a_depth_modes[index];
}

/**
 * k4a_depth_mode_by_id() - look a depth mode up by its k4a number
 * @id: 1..5
 *
 * Return: the mode or NULL (0 = depth off is not a mode).
 */
const struct k4a_depth_mode *k4a_depth_mode_by_id(u32 id)
{
	u32 i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4a_depth_modes); i++)
		if (k4a_depth_modes[i].id == id)
			return &k4a_depth_modes[i];
	return NULL;
}

/**
 * k4a_depth_mode_by_name() - look a depth mode up by name
 * @name: NUL-terminated name, exact match (e.g. "nfov_unbinned")
 *
 * Return: the mode or NULL.
 */
const struct k4a_depth_mode *k4a_depth_mode_by_name(const char *name)
{
	u32 i;

	if (!name)
		return NULL;
	for (i = 0; i < K4A_ARRAY_SIZE(k4a_depth_modes); i++)
		if (!strcmp(k4a_depth_modes[i].name, name))
			return &k4a_depth_modes[i];
	return NULL;
}

/**
 * k4a_depth_mode_valid() - whether a depth mode runs at a frame rate
 * @id: depth mode number
 * @fps: frames per second
 *
 * Return: true if @id exists, @fps is supported and within the mode's limit.
 */
bool k4a_depth_mode_valid(u32 id, u32 fps)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(id);

	return m && k4a_fps_valid(fps) && fps <= m->max_fps;
}

static const struct k4a_color_mode k4a_color_modes[] = {
	{ K4A_COLOR_MJPG, 1280, 720, 30 },
	{ K4A_COLOR_MJPG, 1920, 1080, 30 },
	{ K4A_COLOR_MJPG, 2560, 1440, 30 },
	{ K4A_COLOR_MJPG, 2048, 1536, 30 },
	{ K4A_COLOR_MJPG, 3840, 2160, 30 },
	{ K4A_COLOR_MJPG, 4096, 3072, 15 },
	{ K4A_COLOR_NV12, 1280, 720, 30 },
	{ K4A_COLOR_YUY2, 1280, 720, 30 },
};

/**
 * k4a_color_mode_get() - enumerate the colour mode table
 * @index: 0, 1, 2, ...
 *
 * The table is grouped by format; within a format the order is the SDK's
 * resolution order. A V4L2 ENUM_FRAMESIZES handler walks it and counts the
 * entries of the requested format.
 *
 * Return: the entry at @index or NULL past the end.
 */
const struct k4a_color_mode *k4a_color_mode_get(u32 index)
{
	if (index >= K4A_ARRAY_SIZE(k4a_color_modes))
		return NULL;
	return &k4a_color_modes[index];
}

/**
 * k4a_color_mode_find() - look a colour format/resolution pair up
 * @fmt: pixel format
 * @width: width in pixels
 * @height: height in pixels
 *
 * Return: the table entry or NULL.
 */
const struct k4a_color_mode *k4a_color_mode_find(enum k4a_color_fmt fmt,
						 u32 width, u32 height)
{
	u32 i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4a_color_modes); i++) {
		const struct k4a_color_mode *m = &k4a_color_modes[i];

		if (m->fmt == fmt && m->width == width && m->height == height)
			return m;
	}
	return NULL;
}

/**
 * k4a_color_mode_valid() - whether the colour camera supports a mode
 * @fmt: pixel format
 * @width: width in pixels
 * @height: height in pixels
 * @fps: frames per second
 *
 * Return: true if the pair exists and @fps is a supported rate within its
 * limit (4096x3072 runs at 15 fps at most).
 */
bool k4a_color_mode_valid(enum k4a_color_fmt fmt, u32 width, u32 height,
			  u32 fps)
{
	const struct k4a_color_mode *m;

	m = k4a_color_mode_find(fmt, width, height);
	return m && k4a_fps_valid(fps) && fps <= m->max_fps;
}

/* Exposure times (us) the colour sensor runs at, per mains frequency. */
static const u32 k4a_exposure_50hz[] = {
	500, 1250, 2500, 10000, 20000, 30000, 40000, 50000, 60000, 80000,
	100000, 120000, 130000,
};

static const u32 k4a_exposure_60hz[] = {
	500, 1250, 2500, 8330, 16670, 33330, 41670, 50000, 66670, 83330,
	100000, 116670, 133330,
};

/**
 * k4a_color_exposure_snap() - exposure time the colour camera really uses
 * @us: requested exposure in microseconds
 * @hz50: the power line frequency setting is 50 Hz (else 60 Hz)
 * @fps: frame rate; the exposure never exceeds its frame period (0: no
 *       limit)
 *
 * The camera runs at a fixed set of exposure times that avoid flicker under
 * mains lighting, as the vendor host software maps them: a request goes up
 * to the first table entry at or above it (the longest entry if none is).
 * An entry longer than the frame period cannot be used; the longest entry
 * within it is taken then (the shortest entry if none fits).
 *
 * Return: the exposure time in microseconds.
 */
u32 k4a_color_exposure_snap(u32 us, bool hz50, u32 fps)
{
	const u32 *t = hz50 ? k4a_exposure_50hz : k4a_exposure_60hz;
	u32 n = hz50 ? K4A_ARRAY_SIZE(k4a_exposure_50hz) :
		K4A_ARRAY_SIZE(k4a_exposure_60hz);
	u32 period = fps ? k4a_frame_period_us(fps) : 0;
	u32 i = 0;

	while (i < n - 1 && t[i] < us)
		i++;
	if (period)
		while (i > 0 && t[i] > period)
			i--;
	return t[i];
}
