// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_plan.c - sync modes, per-unit delay validation and multi-unit delay
 * planning.
 *
 * Laser model (vendor documentation): during one depth exposure the laser
 * fires K4A_LASER_PULSES pulses of pulse_us, separated by idle_us, so pulse
 * starts repeat every pulse_us + idle_us. The train starts at a fixed point
 * of the unit's frame, shifted by the unit's delays as the device applies
 * them: subordinate_delay_off_master and depth_delay_off_color, each
 * truncated to whole 90 kHz ticks. Frames repeat every frame period
 * (exactly 90000 / fps ticks) on every synchronised unit.
 *
 * Two units interfere when pulses of both start closer than the spacing
 * (160 us recommended: 125 us of pulse plus margin for timing resolution).
 * Times are computed exactly in units of 1/9 us: a tick is 100 units, a
 * microsecond 9.
 */
#include "k4a_plan.h"
#include "k4a_modes.h"

#define K4A_UNITS_PER_US	9
#define K4A_UNITS_PER_TICK	100

static const char *const k4a_sync_mode_names[K4A_SYNC_MODE_COUNT] = {
	[K4A_SYNC_STANDALONE] = K4A_SYNC_WORD_STANDALONE,
	[K4A_SYNC_MASTER] = K4A_SYNC_WORD_MASTER,
	[K4A_SYNC_SUBORDINATE] = K4A_SYNC_WORD_SUBORDINATE,
};

/**
 * k4a_sync_mode_name() - word for a sync mode
 * @mode: enum k4a_sync_mode value
 *
 * Return: "standalone", "master", "subordinate", or NULL if @mode is invalid.
 */
const char *k4a_sync_mode_name(u32 mode)
{
	if (mode >= K4A_SYNC_MODE_COUNT)
		return NULL;
	return k4a_sync_mode_names[mode];
}

/**
 * k4a_sync_mode_from_name() - parse a sync mode word
 * @name: NUL-terminated word; one trailing newline is accepted (sysfs)
 *
 * Return: the enum k4a_sync_mode value, or -EINVAL.
 */
int k4a_sync_mode_from_name(const char *name)
{
	u32 i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < K4A_SYNC_MODE_COUNT; i++) {
		const char *w = k4a_sync_mode_names[i];
		size_t n = strlen(w);

		if (strncmp(name, w, n))
			continue;
		if (!name[n] || (name[n] == '\n' && !name[n + 1]))
			return (int)i;
	}
	return -EINVAL;
}

/**
 * k4a_sync_check() - check one unit's sync settings like the SDK does
 * @mode: enum k4a_sync_mode value
 * @sub_delay_us: subordinate_delay_off_master_usec
 * @depth_delay_us: depth_delay_off_color_usec
 * @fps: frame rate
 *
 * The subordinate delay is only allowed in subordinate mode and must lie in
 * 0..P; the depth delay must lie in -P..P, where P = 1000000 / @fps
 * (integer) is the SDK's frame period.
 *
 * Return: NULL if valid, else the rule that is broken, as a short phrase.
 */
const char *k4a_sync_check(u32 mode, s64 sub_delay_us, s64 depth_delay_us,
			   u32 fps)
{
	s64 period = k4a_frame_period_us(fps);

	if (mode >= K4A_SYNC_MODE_COUNT)
		return "unknown sync mode";
	if (!period)
		return "unsupported frame rate";
	if (mode != K4A_SYNC_SUBORDINATE && sub_delay_us)
		return "subordinate delay set outside subordinate mode";
	if (sub_delay_us < 0)
		return "subordinate delay is negative";
	if (sub_delay_us > period)
		return "subordinate delay exceeds one frame period";
	if (depth_delay_us < -period || depth_delay_us > period)
		return "depth delay exceeds one frame period";
	return NULL;
}

/**
 * k4a_sync_validate() - k4a_sync_check() as an error code
 * @mode: enum k4a_sync_mode value
 * @sub_delay_us: subordinate_delay_off_master_usec
 * @depth_delay_us: depth_delay_off_color_usec
 * @fps: frame rate
 *
 * Return: 0 or -EINVAL.
 */
int k4a_sync_validate(u32 mode, s64 sub_delay_us, s64 depth_delay_us, u32 fps)
{
	if (k4a_sync_check(mode, sub_delay_us, depth_delay_us, fps))
		return -EINVAL;
	return 0;
}

/* Start of a unit's laser train relative to the frame, in 1/9 us units. */
static s64 k4a_plan_offset(const struct k4a_plan_unit *u)
{
	return (k4a_us_to_ticks(u->sub_delay_us) +
		k4a_us_to_ticks(u->depth_delay_us)) * K4A_UNITS_PER_TICK;
}

/**
 * k4a_plan_min_gap() - smallest distance between laser pulse starts of two
 * different units
 * @n: number of units
 * @u: their settings
 * @depth_mode_id: depth mode shared by all units
 * @fps: frame rate shared by all units
 * @min_gap_us: result in microseconds, rounded down; K4A_PLAN_GAP_NONE for
 *              a single unit or a mode without laser
 *
 * Every unit is validated with k4a_sync_validate(). A rig of several units
 * must be synchronised: no standalone unit and at most one master (the
 * others subordinates; all subordinates means an external sync source).
 * Delays are truncated to ticks as the device does before distances are
 * taken, and pulses of consecutive frames are included.
 *
 * Return: 0 or -EINVAL.
 */
int k4a_plan_min_gap(u32 n, const struct k4a_plan_unit *u, u32 depth_mode_id,
		     u32 fps, u32 *min_gap_us)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(depth_mode_id);
	s64 pl, f, best = S64_MAX;
	u32 i, j, masters = 0;
	int np;

	if (!u || !min_gap_us || !n || n > K4A_PLAN_MAX_UNITS ||
	    !k4a_depth_mode_valid(depth_mode_id, fps))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (k4a_sync_validate(u[i].role, u[i].sub_delay_us,
				      u[i].depth_delay_us, fps))
			return -EINVAL;
		if (u[i].role == K4A_SYNC_MASTER)
			masters++;
		if (n > 1 && u[i].role == K4A_SYNC_STANDALONE)
			return -EINVAL;
	}
	if (masters > 1)
		return -EINVAL;

	*min_gap_us = K4A_PLAN_GAP_NONE;
	if (n == 1 || !m->pulses)
		return 0;

	np = (int)m->pulses;
	pl = (s64)(m->pulse_us + m->idle_us) * K4A_UNITS_PER_US;
	f = (s64)k4a_frame_period_ticks(fps) * K4A_UNITS_PER_TICK;
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			s64 d = k4a_plan_offset(&u[j]) - k4a_plan_offset(&u[i]);
			s32 rem;
			int fm, k;

			/* f <= 1.8e6, |d| <= 2 frames: both fit the helper */
			k4a_div_s64_rem(d, (s32)f, &rem);
			if (rem < 0)
				rem += (s32)f;
			for (fm = -1; fm <= 1; fm++) {
				for (k = 1 - np; k < np; k++) {
					s64 v = rem + fm * f + k * pl;

					if (v < 0)
						v = -v;
					if (v < best)
						best = v;
				}
			}
		}
	}
	*min_gap_us = (u32)k4a_div_s64(best, K4A_UNITS_PER_US);
	return 0;
}

/**
 * k4a_plan_check() - validate a rig and check it for laser interference
 * @n: number of units
 * @u: their settings
 * @depth_mode_id: depth mode shared by all units
 * @fps: frame rate shared by all units
 * @min_gap_us: the smallest pulse distance, as k4a_plan_min_gap()
 *
 * Return: 0 if every two units' pulses start at least K4A_PLAN_SPACING_US
 * apart; -ERANGE if some are closer (@min_gap_us says how close); -EINVAL
 * for invalid settings as k4a_plan_min_gap().
 */
int k4a_plan_check(u32 n, const struct k4a_plan_unit *u, u32 depth_mode_id,
		   u32 fps, u32 *min_gap_us)
{
	int ret = k4a_plan_min_gap(n, u, depth_mode_id, fps, min_gap_us);

	if (ret)
		return ret;
	return *min_gap_us >= K4A_PLAN_SPACING_US ? 0 : -ERANGE;
}

/**
 * k4a_plan_delays() - interleave the depth lasers of a synchronised rig
 * @n_units: number of units, 1..K4A_PLAN_MAX_UNITS
 * @depth_mode_id: depth mode shared by all units
 * @fps: frame rate shared by all units
 * @spacing_us: required distance between pulse starts of any two units
 *              (K4A_PLAN_SPACING_US recommended; at least one pulse length)
 * @out: @n_units results
 *
 * Unit 0 becomes the master and the others subordinates (a single unit
 * stays standalone). Colour stays aligned on every unit (subordinate delay
 * 0); unit i's depth is delayed by i steps of the smallest whole number of
 * ticks not shorter than @spacing_us. Each delay is given as the
 * microsecond value closest to zero that encodes to its tick count, so the
 * device applies exactly the planned steps. Pulses of the last unit must
 * also stay @spacing_us ahead of the first unit's next pulse. For a mode
 * without laser every delay is 0.
 *
 * Return: 0; -EINVAL for invalid arguments; -ENOSPC if @n_units do not fit
 * into one pulse period at @spacing_us. @out is undefined on error.
 */
int k4a_plan_delays(u32 n_units, u32 depth_mode_id, u32 fps, u32 spacing_us,
		    struct k4a_plan_unit *out)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(depth_mode_id);
	u32 period = k4a_frame_period_us(fps), gap, i, step = 0;
	int ret;

	if (!out || !n_units || n_units > K4A_PLAN_MAX_UNITS ||
	    !k4a_depth_mode_valid(depth_mode_id, fps))
		return -EINVAL;
	if (m->pulses) {
		if (spacing_us < m->pulse_us || spacing_us > period)
			return -EINVAL;
		/* ceil(spacing * 9 / 100) ticks; spacing <= 200000 here */
		step = (spacing_us * 9 + 99) / 100;
	}
	for (i = 0; i < n_units; i++) {
		s64 us = k4a_ticks_to_us_enc((s64)step * i);

		if (us > period)
			return -ENOSPC;
		out[i].role = n_units == 1 ? K4A_SYNC_STANDALONE :
			      i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER;
		out[i].sub_delay_us = 0;
		out[i].depth_delay_us = (s32)us;
	}
	ret = k4a_plan_min_gap(n_units, out, depth_mode_id, fps, &gap);
	if (ret)
		return ret;
	return gap >= spacing_us ? 0 : -ENOSPC;
}

/**
 * k4a_plan_rig() - plan a rig at the widest spacing it fits
 * @n_units: number of units, 1..K4A_PLAN_MAX_UNITS
 * @depth_mode_id: depth mode shared by all units
 * @fps: frame rate shared by all units
 * @out: @n_units results, as k4a_plan_delays()
 * @spacing_us: the spacing the plan keeps
 *
 * k4a_plan_delays() at K4A_PLAN_SPACING_US; a rig that does not fit is
 * planned at the widest narrower spacing it fits, down to
 * K4A_PLAN_MIN_SPACING_US (ten NFOV units: 14-tick steps, 155.6 us).
 *
 * Return: 0; -EINVAL for invalid arguments; -ENOSPC if @n_units do not fit
 * even at K4A_PLAN_MIN_SPACING_US. @out and @spacing_us are undefined on
 * error.
 */
int k4a_plan_rig(u32 n_units, u32 depth_mode_id, u32 fps,
		 struct k4a_plan_unit *out, u32 *spacing_us)
{
	u32 sp;
	int ret = -ENOSPC;

	if (!spacing_us)
		return -EINVAL;
	for (sp = K4A_PLAN_SPACING_US; sp >= K4A_PLAN_MIN_SPACING_US; sp--) {
		ret = k4a_plan_delays(n_units, depth_mode_id, fps, sp, out);
		if (ret != -ENOSPC)
			break;
	}
	if (!ret)
		*spacing_us = sp;
	return ret;
}
