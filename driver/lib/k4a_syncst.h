/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_syncst.h - sync state of a unit, judged from the arrival of its
 * frames, and the offset of a colour frame from the unit's frame grid.
 *
 * The driver tells the state machine what the unit's configuration and
 * running streams make of it (its role), feeds it the arrival time of
 * every frame and lets it judge now and then; the state machine says when
 * the state changed and when it wants to judge next. See
 * Documentation/driver.rst, "Sync state and health".
 */
#ifndef K4A_SYNCST_H
#define K4A_SYNCST_H

#include "k4a_types.h"

/**
 * enum k4a_syncst_state - the sync state of a unit (sysfs sync_state)
 * @K4A_SYNCST_IDLE: no stream runs or waits
 * @K4A_SYNCST_ARMED: streams are started but the unit's frames cannot
 *                    come yet: a subordinate waiting for its master's
 *                    pulses, a master whose colour stream does not run,
 *                    streams held by a closed start gate
 * @K4A_SYNCST_STREAMING: a standalone unit, or a master whose colour
 *                        stream runs, makes its frames
 * @K4A_SYNCST_LOCKED: a subordinate receives frames in step
 * @K4A_SYNCST_LOST: frames that came stopped, or the device clock
 *                   restarted unannounced
 * @K4A_SYNCST_COUNT: number of states
 */
enum k4a_syncst_state {
	K4A_SYNCST_IDLE,
	K4A_SYNCST_ARMED,
	K4A_SYNCST_STREAMING,
	K4A_SYNCST_LOCKED,
	K4A_SYNCST_LOST,
	K4A_SYNCST_COUNT,
};

/**
 * enum k4a_syncst_role - what the configuration and the started streams
 * make of a unit
 * @K4A_SYNCST_NONE: no stream runs or is held
 * @K4A_SYNCST_WAIT: streams are started, but the unit cannot make the
 *                   chain's frames: they are held by a closed start gate,
 *                   or the unit is a master whose colour stream does not
 *                   run (its Sync Out pulses are its colour frames)
 * @K4A_SYNCST_OWN: the unit makes its own frames: standalone with a
 *                  running stream, or a master whose colour stream runs
 * @K4A_SYNCST_SUB: a subordinate with a running stream: its frames follow
 *                  its master's pulses
 */
enum k4a_syncst_role {
	K4A_SYNCST_NONE,
	K4A_SYNCST_WAIT,
	K4A_SYNCST_OWN,
	K4A_SYNCST_SUB,
};

/**
 * enum k4a_syncst_cause - why the unit was last declared lost
 * @K4A_SYNCST_CAUSE_NONE: it never was
 * @K4A_SYNCST_CAUSE_FRAMES: no frame for longer than the bound
 * @K4A_SYNCST_CAUSE_CLOCK: the device clock restarted unannounced
 */
enum k4a_syncst_cause {
	K4A_SYNCST_CAUSE_NONE,
	K4A_SYNCST_CAUSE_FRAMES,
	K4A_SYNCST_CAUSE_CLOCK,
};

/* Frames stopped: none for this many frame periods plus the margin. */
#define K4A_SYNCST_PERIODS	4
#define K4A_SYNCST_MARGIN_MS	250
/* A unit that makes its own frames has this long for its first frame. */
#define K4A_SYNCST_START_MS	2000

/**
 * struct k4a_syncst - sync state machine of one unit
 * @role: enum k4a_syncst_role, as the driver last set it
 * @state: enum k4a_syncst_state
 * @cause: enum k4a_syncst_cause of the last loss
 * @bound_ns: frames further apart than this are not in step
 *            (k4a_syncst_bound_ns() of the unit's rate)
 * @since_ns: when the role last changed
 * @entered_ns: when @state was entered
 * @last_ns: arrival of the newest frame since the role changed or the unit
 *           was declared lost; 0: none
 * @prev_ns: arrival of the frame before it; 0: none
 * @restarts: device clock jumps already accounted for
 * @changes: state changes since the unit formed
 * @lost: times the unit was declared lost since it formed
 *
 * Fixed size, no locking: the caller serialises every call.
 */
struct k4a_syncst {
	u8 role;
	u8 state;
	u8 cause;
	u64 bound_ns;
	u64 since_ns;
	u64 entered_ns;
	u64 last_ns;
	u64 prev_ns;
	u32 restarts;
	u64 changes;
	u64 lost;
};

/**
 * struct k4a_syncst_grid - a colour stream's frame grid, continued from
 * the previous frame that had a device timestamp
 * @have: @seq and @soe describe that frame
 * @seq: its sequence number
 * @soe: its start of exposure, device ticks
 * @have_offset: @offset_ns describes the latest frame
 * @offset_ns: the latest frame's start of exposure minus where the grid
 *             puts it, in ns
 */
struct k4a_syncst_grid {
	bool have;
	u32 seq;
	u64 soe;
	bool have_offset;
	s64 offset_ns;
};

void k4a_syncst_init(struct k4a_syncst *st);
u64 k4a_syncst_bound_ns(u32 fps);
bool k4a_syncst_set_role(struct k4a_syncst *st, enum k4a_syncst_role role,
			 u32 fps, u64 now_ns, u32 restarts);
bool k4a_syncst_frame(struct k4a_syncst *st, u64 now_ns);
bool k4a_syncst_judge(struct k4a_syncst *st, u64 now_ns, u32 restarts,
		      bool starved, u64 *next_ns);

void k4a_syncst_grid_reset(struct k4a_syncst_grid *g);
void k4a_syncst_grid_frame(struct k4a_syncst_grid *g, u32 period_ticks,
			   u32 seq, u64 soe_ticks);

#endif /* K4A_SYNCST_H */
