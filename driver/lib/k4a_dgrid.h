/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_dgrid.h - timing of raw depth frames: which frame of the unit's frame
 * grid a completed depth transfer holds, and when its exposure started.
 *
 * Raw depth frames carry no timestamp the driver can read. Their exposures
 * lie on a grid of one frame period: the colour frame grid (colour and depth
 * are centre-aligned, shifted by the depth delay) while colour runs, else
 * the depth sensor's own cadence. See Documentation/depth.rst.
 */
#ifndef K4A_DGRID_H
#define K4A_DGRID_H

#include "k4a_clock.h"

/**
 * enum k4a_dgrid_source - how a depth timestamp was derived
 * @K4A_DGRID_BOUND: no grid yet: arrival minus the shortest transfer time
 *                   and the exposure, an upper bound
 * @K4A_DGRID_COLOR: the frame's slot on the colour frame grid, mapped
 *                   through the unit's clock
 * @K4A_DGRID_CADENCE: the frame's slot on the grid fitted to the depth
 *                     transfers' own arrivals (colour off)
 */
enum k4a_dgrid_source {
	K4A_DGRID_BOUND,
	K4A_DGRID_COLOR,
	K4A_DGRID_CADENCE,
};

/* A slot this many periods before the previous one: the clock restarted. */
#define K4A_DGRID_RESTART_PERIODS	4
/* Slot searches around an estimate step at most this far. */
#define K4A_DGRID_MAX_STEPS		8
/* Colour frames this many periods apart give the grid's period... */
#define K4A_DGRID_GRID_PERIODS		16
/* ... if every step between them is within this of nominal. */
#define K4A_DGRID_GRID_PPM		2000

/**
 * struct k4a_dgrid_out - timing of one depth frame
 * @ts_ns: start of exposure, host ns; never after the arrival, never before
 *         the previous frame's
 * @ticks: start of exposure in device ticks (%K4A_DGRID_COLOR), else 0
 * @err_ns: error the clock estimator reports for the mapping (0 for
 *          %K4A_DGRID_BOUND)
 * @ppm_x1000: device clock rate error the estimator measured
 * @source: enum k4a_dgrid_source
 * @locked: that estimator was locked (k4a_clock_locked()), and the frame
 *          is neither clamped nor a burst
 * @clamped: @ts_ns was lowered to the arrival or raised to the previous
 *           frame's timestamp
 * @burst: the transfer completed too soon after the previous one for a slot
 *         of its own (a backlog after a stall): it took the next slot
 */
struct k4a_dgrid_out {
	u64 ts_ns;
	u64 ticks;
	u32 err_ns;
	s32 ppm_x1000;
	u8 source;
	bool locked;
	bool clamped;
	bool burst;
};

/**
 * struct k4a_dgrid - depth frame timing of one unit
 * @period_ticks: frame period in device ticks
 * @period_ns: nominal frame period in ns
 * @exp_ticks: depth exposure in device ticks
 * @exp_q16: the same, Q16
 * @exp_ns: depth exposure in ns
 * @xfer_ns: shortest time the transfer of one frame can take
 * @delay: depth delay off colour, device ticks
 * @have_color: @c_soe and @c_exp_q16 describe the latest colour frame
 * @c_soe: start of exposure of the latest colour frame, device ticks
 * @c_exp_q16: its exposure, device ticks Q16
 * @c_first: start of exposure of the first colour frame of an unbroken run
 *           (every frame since a whole number of periods after the one
 *           before), device ticks
 * @c_periods: frame periods from @c_first to @c_soe
 * @have_last: @last_ticks is the slot of the previous frame on the colour
 *             grid
 * @last_ticks: start of exposure of that slot, device ticks
 * @last_frac: and the part of a tick after them, Q16
 * @cad: estimator of the depth cadence: slot number times @period_ticks
 *       against arrival
 * @have_slot: @slot and @last_arrival describe the previous frame
 * @slot: cadence slot of the previous frame
 * @last_arrival: arrival of the previous frame, host ns
 * @have_ts: @last_ts is set
 * @last_ts: timestamp handed out for the previous frame
 * @stat_frames: frames timed since the start
 * @stat_bursts: frames given the slot after the previous one
 * @stat_clamped: timestamps clamped
 */
struct k4a_dgrid {
	u32 period_ticks;
	u32 period_ns;
	u32 exp_ticks;
	u64 exp_q16;
	u32 exp_ns;
	u32 xfer_ns;
	s32 delay;
	bool have_color;
	u64 c_soe;
	u64 c_exp_q16;
	u64 c_first;
	u32 c_periods;
	bool have_last;
	u64 last_ticks;
	u32 last_frac;
	struct k4a_clock cad;
	bool have_slot;
	u64 slot;
	u64 last_arrival;
	bool have_ts;
	u64 last_ts;
	u32 stat_frames;
	u32 stat_bursts;
	u32 stat_clamped;
};

void k4a_dgrid_init(struct k4a_dgrid *g);
int k4a_dgrid_start(struct k4a_dgrid *g, u32 fps, u32 exp_us, u32 xfer_ns,
		    s32 delay_ticks);
u32 k4a_dgrid_exposure_us(u32 pulses, u32 pulse_us, u32 idle_us,
			  u32 exposure_us);
u32 k4a_dgrid_xfer_ns(u32 bytes, u32 ps_per_byte);
void k4a_dgrid_color(struct k4a_dgrid *g, u64 soe_ticks, u64 exp_ns);
void k4a_dgrid_clock_reset(struct k4a_dgrid *g);
void k4a_dgrid_frame(struct k4a_dgrid *g, const struct k4a_clock *unit_clock,
		     u64 arrival_ns, struct k4a_dgrid_out *out);

#endif /* K4A_DGRID_H */
