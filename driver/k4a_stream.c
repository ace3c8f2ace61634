// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_stream: the per-stream start model of a unit, and depth sensor power.
 *
 * Colour and depth are separate streams that applications start and stop
 * in any order. The first stream of an idle unit runs the start checks (the
 * whole sync configuration checked against the cables read now and the
 * unit's frame rate) and sends SET_SYS_CFG; from then on the sync settings
 * and the frame rate are locked. Later streams join without sending the
 * configuration again; the last one to stop unlocks the settings. This is
 * the vendor order for whichever stream comes first: configuration, then
 * depth (DEPTH_MODE_SET, DEPTH_FPS_SET, DEPTH_START, DEPTH_STREAM_START),
 * then colour, whose start restarts the device clock.
 *
 * Rules that need the whole set of streams cannot be decided when the first
 * one starts (the second may follow at any time), so they decide the unit's
 * state instead of refusing a start: a master's Sync Out pulse is its
 * colour frame sync, and a non-zero depth delay is measured from colour
 * frames, so such a unit stays "armed" until every stream it needs runs,
 * and is "streaming" from then on.
 *
 * One of those rules is enforced for applications' video nodes: a master's
 * depth node does not start while its colour stream does not run (its
 * subordinates would wait for pulses that never come). The debugfs start
 * keeps the permissive model, so the states stay testable.
 *
 * The start gate (sysfs start_gate) holds starts: while it is closed a
 * stream that starts passes the start checks and is held, nothing is sent
 * to the device; opening the gate starts the held streams as if they
 * started then, in the vendor order (on a master colour first, its pulses
 * being what its subordinates wait for). The gate closes only while no
 * stream runs, so a held stream never joins running ones.
 *
 * Stopping a stream never fails: its URBs are killed first, then the device
 * is told (errors are logged, not returned), and the depth sensor is
 * powered down once nothing needs it.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/usb.h>

#include "k4a.h"
#include "k4a_modes.h"

static const char *const k4a_stream_names[K4A_SID_COUNT] = {
	[K4A_SID_COLOR] = "color",
	[K4A_SID_DEPTH] = "depth",
};

/**
 * k4a_stream_name() - name of a stream, for messages and debugfs
 * @id: stream
 *
 * Return: static string.
 */
const char *k4a_stream_name(enum k4a_stream_id id)
{
	return (unsigned int)id < K4A_SID_COUNT ? k4a_stream_names[id] : "?";
}

/*
 * The host's rig (Documentation/timestamps.rst, "One rate for the rig"):
 * the units in a wired sync chain fit one clock rate together. k4a_rig_lock
 * protects k4a_rig; it is taken inside unit->slock, in URB completions too.
 */
static DEFINE_SPINLOCK(k4a_rig_lock);
static struct k4a_clock_rig k4a_rig;

/**
 * k4a_unit_clock_add() - feed one observation to a unit's clock
 * @unit: unit
 * @dev_ticks: device ticks of the event
 * @host_ns: CLOCK_MONOTONIC time its data arrived
 *
 * When the estimator fitted a new line and the unit is in the rig, its
 * rate measurement goes to the rig and the others' come back for its next
 * fits.
 *
 * Context: any; unit->slock held.
 */
void k4a_unit_clock_add(struct k4a_unit *unit, u64 dev_ticks, u64 host_ns)
{
	struct k4a_clock *c = &unit->clock;
	u32 fits = c->fits;

	lockdep_assert_held(&unit->slock);
	k4a_clock_add(c, dev_ticks, host_ns);
	if (c->fits == fits || unit->rig_role == K4A_CLOCK_ROLE_NONE)
		return;
	spin_lock(&k4a_rig_lock);
	k4a_clock_rig_update(&k4a_rig, unit->index, unit->rig_role, c);
	spin_unlock(&k4a_rig_lock);
}

/**
 * k4a_unit_rig_join() - a unit joins the rig or leaves it
 * @unit: unit
 * @role: enum k4a_clock_role: its sync mode's role while its colour stream
 *        runs (its frames show the pulse train), K4A_CLOCK_ROLE_NONE when
 *        it stops or runs standalone
 * @period_ticks: its nominal frame period in device ticks
 *
 * Context: any; unit->slock held.
 */
void k4a_unit_rig_join(struct k4a_unit *unit, u8 role, u32 period_ticks)
{
	lockdep_assert_held(&unit->slock);
	k4a_clock_train_start(&unit->clock,
			      role != K4A_CLOCK_ROLE_NONE ? period_ticks : 0);
	unit->rig_role = role;
	spin_lock(&k4a_rig_lock);
	if (role != K4A_CLOCK_ROLE_NONE)
		k4a_clock_rig_update(&k4a_rig, unit->index, role, &unit->clock);
	else
		k4a_clock_rig_leave(&k4a_rig, unit->index);
	spin_unlock(&k4a_rig_lock);
}

/**
 * k4a_stream_init() - set up the stream objects of a new unit
 * @unit: unit being created
 */
void k4a_stream_init(struct k4a_unit *unit)
{
	unsigned int i;

	spin_lock_init(&unit->slock);
	for (i = 0; i < K4A_SID_COUNT; i++) {
		unit->stream[i].id = i;
		init_usb_anchor(&unit->stream[i].urbs);
	}
	k4a_clock_init(&unit->clock, K4A_TICK_HZ);
	k4a_watch_init(unit);
	k4a_depth_init(unit);
	unit->depth_mode = k4a_depth_mode_by_name("nfov_unbinned");
}

/* Streams the configuration needs once any stream runs; unit->lock held. */
static unsigned int k4a_stream_needed(struct k4a_unit *unit)
{
	unsigned int need = unit->streams;

	if (unit->cfg.mode == K4A_SYNC_MASTER)
		need |= K4A_STREAM_COLOR;
	if (unit->cfg.depth_delay_us)
		need |= K4A_STREAM_COLOR | K4A_STREAM_DEPTH;
	return need;
}

static enum k4a_unit_state k4a_unit_state_locked(struct k4a_unit *unit)
{
	lockdep_assert_held(&unit->lock);

	if (!unit->streams)
		return K4A_UNIT_IDLE;
	if (k4a_stream_needed(unit) & ~unit->streams)
		return K4A_UNIT_ARMED;
	return K4A_UNIT_STREAMING;
}

/**
 * k4a_unit_state() - current state of a unit
 * @unit: unit
 *
 * Context: process context; takes unit->lock.
 * Return: the state derived from the running streams and the configuration.
 */
enum k4a_unit_state k4a_unit_state(struct k4a_unit *unit)
{
	enum k4a_unit_state state;

	mutex_lock(&unit->lock);
	state = k4a_unit_state_locked(unit);
	mutex_unlock(&unit->lock);
	return state;
}

/* One command whose failure only gets logged (stop paths). */
static void k4a_cmd_quiet(struct k4a_half *half, u32 op)
{
	k4a_mcu_xfer(&half->mcu, op, NULL, 0, NULL, 0, NULL, K4A_XFER_QUIET);
}

/**
 * k4a_depth_power_get() - keep the depth sensor powered
 * @depth: depth half
 *
 * Powers the sensor on (DEPTH_POWER_ON) unless something already holds it
 * powered, and counts the user.
 *
 * Context: process context; takes depth->power_lock.
 * Return: 0 or the transport error.
 */
int k4a_depth_power_get(struct k4a_half *depth)
{
	int ret = 0;

	mutex_lock(&depth->power_lock);
	if (!depth->power)
		ret = k4a_mcu_write(&depth->mcu, K4A_OP_DEPTH_POWER_ON, NULL,
				    0);
	if (!ret)
		depth->power++;
	mutex_unlock(&depth->power_lock);
	return ret;
}

/**
 * k4a_depth_power_put() - drop a user of the depth sensor's power
 * @depth: depth half
 *
 * The last user powers the sensor down (DEPTH_POWER_OFF); a failure is only
 * logged.
 *
 * Context: process context; takes depth->power_lock.
 */
void k4a_depth_power_put(struct k4a_half *depth)
{
	mutex_lock(&depth->power_lock);
	if (!WARN_ON_ONCE(!depth->power) && !--depth->power)
		k4a_cmd_quiet(depth, K4A_OP_DEPTH_POWER_OFF);
	mutex_unlock(&depth->power_lock);
}

static int k4a_depth_write_u32(struct k4a_unit *unit, u32 op, u32 val)
{
	u8 arg[4];

	k4a_put_le32(arg, val);
	return k4a_mcu_write(&unit->depth->mcu, op, arg, sizeof(arg));
}

/*
 * The depth start sequence; DEPTH_MODE_SET powers the sensor. On failure
 * the sensor is stopped again; the caller accounts for the power and holds
 * depth->power_lock.
 */
static int k4a_depth_program(struct k4a_unit *unit)
{
	const struct k4a_depth_mode *m = unit->depth_mode;
	int ret;

	ret = k4a_depth_write_u32(unit, K4A_OP_DEPTH_MODE_SET, m->sensor_mode);
	if (!ret)
		ret = k4a_depth_write_u32(unit, K4A_OP_DEPTH_FPS_SET,
					  unit->fps);
	if (!ret)
		ret = k4a_mcu_write(&unit->depth->mcu, K4A_OP_DEPTH_START,
				    NULL, 0);
	if (!ret)
		ret = k4a_mcu_write(&unit->depth->mcu,
				    K4A_OP_DEPTH_STREAM_START, NULL, 0);
	if (ret) {
		k4a_cmd_quiet(unit->depth, K4A_OP_DEPTH_STREAM_STOP);
		k4a_cmd_quiet(unit->depth, K4A_OP_DEPTH_STOP);
	}
	return ret;
}

static void k4a_depth_hw_stop(struct k4a_unit *unit);

static int k4a_depth_hw_start(struct k4a_unit *unit)
{
	struct k4a_half *depth = unit->depth;
	int ret;

	if (!unit->depth_mode ||
	    !k4a_depth_mode_valid(unit->depth_mode->id, unit->fps)) {
		dev_notice_ratelimited(&unit->dev,
				       "start: depth mode %s does not run at %u fps\n",
				       unit->depth_mode ?
				       unit->depth_mode->name : "(none)",
				       unit->fps);
		return -EINVAL;
	}
	mutex_lock(&depth->power_lock);
	ret = k4a_depth_program(unit);
	if (!ret)
		depth->power++;
	else if (!depth->power)
		k4a_cmd_quiet(depth, K4A_OP_DEPTH_POWER_OFF);
	mutex_unlock(&depth->power_lock);
	if (ret)
		return ret;
	/* The vendor order: the bulk reads begin once the stream runs. */
	ret = k4a_depth_hw_submit(unit);
	if (ret)
		k4a_depth_hw_stop(unit);
	return ret;
}

static void k4a_depth_hw_stop(struct k4a_unit *unit)
{
	int ret;

	k4a_depth_hw_quiesce(unit);
	ret = k4a_mcu_write(&unit->depth->mcu, K4A_OP_DEPTH_STREAM_STOP,
			    NULL, 0);
	if (!ret)
		ret = k4a_mcu_write(&unit->depth->mcu, K4A_OP_DEPTH_STOP,
				    NULL, 0);
	else
		k4a_cmd_quiet(unit->depth, K4A_OP_DEPTH_STOP);
	if (ret && ret != -ENODEV)
		dev_warn_ratelimited(&unit->dev,
				     "depth stop: device did not confirm (%d)\n",
				     ret);
	k4a_depth_power_put(unit->depth);
}

/*
 * Start a stream, unit->lock held; @node: for an application's video node,
 * which must not start depth on a master whose colour stream was not
 * started. With the start gate closed the stream is held (after the start
 * checks, if it is the unit's first).
 */
static int k4a_stream_start_locked(struct k4a_unit *unit,
				   enum k4a_stream_id id, bool node)
{
	struct k4a_stream *s = &unit->stream[id];
	bool first = !unit->streams;
	int ret = 0;

	lockdep_assert_held(&unit->lock);
	if (k4a_unit_dead(unit))
		return -ENODEV;
	if (k4a_unit_started(unit) & BIT(id)) {
		dev_dbg(&unit->dev, "start: %s runs already\n",
			k4a_stream_name(id));
		return -EBUSY;
	}
	if (node && id == K4A_SID_DEPTH &&
	    unit->cfg.mode == K4A_SYNC_MASTER &&
	    !(k4a_unit_started(unit) & K4A_STREAM_COLOR)) {
		dev_notice_ratelimited(&unit->dev,
				       "start: depth refused: a master streams colour first (its Sync Out pulses are its colour frames)\n");
		return -EPIPE;
	}
	if (unit->gate_closed) {
		/* A bad configuration is the starter's to hear now. */
		if (!unit->held)
			ret = k4a_sync_start_check(unit);
		if (ret)
			return ret;
		unit->held |= BIT(id);
		if (node)
			unit->held_node |= BIT(id);
		dev_dbg(&unit->dev, "%s held by the start gate\n",
			k4a_stream_name(id));
		return 0;
	}
	if (first) {
		ret = k4a_sync_start_check(unit);
		if (!ret)
			ret = k4a_sync_send(unit);
		if (ret)
			return ret;
	}
	/* Completions may run as soon as the hardware starts. */
	spin_lock_irq(&unit->slock);
	s->running = true;
	s->sequence = 0;
	s->frames = 0;
	s->dropped = 0;
	s->gaps = 0;
	s->in_gap = false;
	if (first || id == K4A_SID_COLOR) {
		k4a_clock_reset(&unit->clock);
		k4a_dgrid_clock_reset(&unit->dep.grid);
	}
	spin_unlock_irq(&unit->slock);
	if (id == K4A_SID_DEPTH)
		ret = k4a_depth_hw_start(unit);
	else
		ret = k4a_color_hw_start(unit);
	if (ret) {
		spin_lock_irq(&unit->slock);
		s->running = false;
		spin_unlock_irq(&unit->slock);
		return ret;
	}
	unit->streams |= BIT(id);
	dev_dbg(&unit->dev, "%s started, unit %s\n", k4a_stream_name(id),
		k4a_state_word(k4a_unit_state_locked(unit)));
	return 0;
}

static int k4a_stream_start_rules(struct k4a_unit *unit,
				  enum k4a_stream_id id, bool node)
{
	int ret;

	if ((unsigned int)id >= K4A_SID_COUNT)
		return -EINVAL;

	mutex_lock(&unit->lock);
	ret = k4a_stream_start_locked(unit, id, node);
	if (!ret)
		k4a_watch_update(unit);
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_stream_start() - start one stream of a unit
 * @unit: unit
 * @id: stream
 *
 * The first stream of an idle unit passes the start checks and sends the sync
 * configuration; a later one joins. A colour start restarts the device
 * clock, so the unit's clock mapping starts over. While the start gate is
 * closed the stream is held instead: the start checks run (for the unit's
 * first stream), nothing is sent to the device.
 *
 * Context: process context; takes unit->lock.
 * Return: 0; -ENODEV once the unit is torn down; -EBUSY if the stream runs
 * or is held already; -EINVAL if the start checks refuse (the reason is
 * logged); a transport error if the device cannot be reached or refuses.
 */
int k4a_stream_start(struct k4a_unit *unit, enum k4a_stream_id id)
{
	return k4a_stream_start_rules(unit, id, false);
}

/**
 * k4a_stream_start_node() - start a stream for an application's node
 * @unit: unit
 * @id: stream
 *
 * As k4a_stream_start(), and a master's depth stream needs its colour
 * stream started (running, or held by the start gate): a master's Sync Out
 * pulses are its colour frames, so its subordinates would wait forever.
 *
 * Context: process context; takes unit->lock.
 * Return: as k4a_stream_start(); -EPIPE for depth on a master whose colour
 * stream was not started (logged, naming the rule).
 */
int k4a_stream_start_node(struct k4a_unit *unit, enum k4a_stream_id id)
{
	return k4a_stream_start_rules(unit, id, true);
}

static void k4a_stream_stop_locked(struct k4a_unit *unit,
				   enum k4a_stream_id id)
{
	struct k4a_stream *s = &unit->stream[id];

	lockdep_assert_held(&unit->lock);

	if (unit->held & BIT(id)) {
		/* Nothing was sent to the device for it. */
		unit->held &= ~BIT(id);
		unit->held_node &= ~BIT(id);
		return;
	}
	if (!(unit->streams & BIT(id)))
		return;
	spin_lock_irq(&unit->slock);
	s->running = false;
	spin_unlock_irq(&unit->slock);
	usb_kill_anchored_urbs(&s->urbs);
	if (id == K4A_SID_DEPTH)
		k4a_depth_hw_stop(unit);
	else
		k4a_color_hw_stop(unit);
	unit->streams &= ~BIT(id);
}

/**
 * k4a_stream_stop() - stop one stream of a unit
 * @unit: unit
 * @id: stream; stopping a stream that does not run does nothing, stopping
 *      a held one forgets it
 *
 * Context: process context; takes unit->lock.
 */
void k4a_stream_stop(struct k4a_unit *unit, enum k4a_stream_id id)
{
	if ((unsigned int)id >= K4A_SID_COUNT)
		return;
	mutex_lock(&unit->lock);
	k4a_stream_stop_locked(unit, id);
	k4a_watch_update(unit);
	mutex_unlock(&unit->lock);
}

/**
 * k4a_stream_stop_all() - stop every stream of a unit
 * @unit: unit
 *
 * Used by teardown: afterwards no URB of the unit is in flight on either
 * half, no stream is held and the sync watchdog does not run.
 *
 * Context: process context; takes unit->lock.
 */
void k4a_stream_stop_all(struct k4a_unit *unit)
{
	unsigned int i;

	mutex_lock(&unit->lock);
	for (i = 0; i < K4A_SID_COUNT; i++)
		k4a_stream_stop_locked(unit, i);
	k4a_watch_update(unit);
	mutex_unlock(&unit->lock);
}

/* The video node of a stream. */
static struct k4a_vnode *k4a_stream_node(struct k4a_unit *unit,
					 enum k4a_stream_id id)
{
	return id == K4A_SID_DEPTH ? &unit->dep.video : &unit->cam.video;
}

/*
 * Open the gate: start the held streams in the vendor order, as if they
 * started now. A held stream that cannot start is forgotten; if a node
 * started it, its queue reports an error (DQBUF fails with EIO until the
 * application stops it). unit->lock held.
 */
static int k4a_stream_gate_open(struct k4a_unit *unit)
{
	static const enum k4a_stream_id vendor[] = {
		K4A_SID_DEPTH, K4A_SID_COLOR,
	};
	static const enum k4a_stream_id master[] = {
		K4A_SID_COLOR, K4A_SID_DEPTH,
	};
	const enum k4a_stream_id *order;
	unsigned int held = unit->held, node = unit->held_node, i;
	int ret = 0, err;

	lockdep_assert_held(&unit->lock);
	/* Its pulses are what the subordinates wait for; depth needs them. */
	order = unit->cfg.mode == K4A_SYNC_MASTER ? master : vendor;
	unit->gate_closed = false;
	unit->held = 0;
	unit->held_node = 0;
	for (i = 0; i < K4A_SID_COUNT; i++) {
		enum k4a_stream_id id = order[i];

		if (!(held & BIT(id)))
			continue;
		err = k4a_stream_start_locked(unit, id, !!(node & BIT(id)));
		if (!err)
			continue;
		dev_notice_ratelimited(&unit->dev,
				       "start gate: the held %s stream cannot start (%d)\n",
				       k4a_stream_name(id), err);
		if (node & BIT(id))
			vb2_queue_error(&k4a_stream_node(unit, id)->queue);
		if (!ret)
			ret = err;
	}
	k4a_watch_update(unit);
	return ret;
}

/**
 * k4a_stream_set_gate() - close or open the start gate
 * @unit: unit
 * @closed: true: hold streams that start from now on; false: start the
 *          held ones and let later ones start at once
 *
 * Closing and opening a gate that is so already succeed and change
 * nothing.
 *
 * Context: process context; takes unit->lock.
 * Return: 0; -ENODEV once the unit is torn down; -EBUSY to close while a
 * stream runs; opening: the error of the first held stream that could not
 * start (the gate is open all the same).
 */
int k4a_stream_set_gate(struct k4a_unit *unit, bool closed)
{
	int ret = 0;

	mutex_lock(&unit->lock);
	if (k4a_unit_dead(unit))
		ret = -ENODEV;
	else if (closed && unit->streams)
		ret = -EBUSY;
	else if (closed)
		unit->gate_closed = true;
	else if (unit->gate_closed)
		ret = k4a_stream_gate_open(unit);
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_stream_gate_closed() - whether the start gate holds streams
 * @unit: unit
 *
 * Context: process context; takes unit->lock.
 * Return: true while the gate is closed.
 */
bool k4a_stream_gate_closed(struct k4a_unit *unit)
{
	bool closed;

	mutex_lock(&unit->lock);
	closed = unit->gate_closed;
	mutex_unlock(&unit->lock);
	return closed;
}

/**
 * k4a_stream_set_fps() - frame rate of the unit's streams
 * @unit: unit
 * @fps: 5, 15 or 30
 *
 * One rate per unit while anything streams: asking for the rate in use
 * succeeds, another rate is refused (also while a stream is held by the
 * start gate: it will run at the rate it was started with).
 *
 * Context: process context; takes unit->lock.
 * Return: 0; -EINVAL for an unsupported rate; -EBUSY for a different rate
 * while a stream runs or is held; -ENODEV once the unit is torn down.
 */
int k4a_stream_set_fps(struct k4a_unit *unit, u32 fps)
{
	int ret = 0;

	if (!k4a_fps_valid(fps))
		return -EINVAL;
	mutex_lock(&unit->lock);
	if (k4a_unit_dead(unit))
		ret = -ENODEV;
	else if (k4a_unit_started(unit) && fps != unit->fps)
		ret = -EBUSY;
	else
		unit->fps = fps;
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_stream_set_depth_mode() - the mode the unit's depth stream runs in
 * @unit: unit
 * @mode: depth mode
 *
 * Context: process context; takes unit->lock.
 * Return: 0; -EBUSY for another mode while depth streams or is held;
 * -ENODEV once the unit is torn down.
 */
int k4a_stream_set_depth_mode(struct k4a_unit *unit,
			      const struct k4a_depth_mode *mode)
{
	int ret = 0;

	mutex_lock(&unit->lock);
	if (k4a_unit_dead(unit))
		ret = -ENODEV;
	else if ((k4a_unit_started(unit) & K4A_STREAM_DEPTH) &&
		 mode != unit->depth_mode)
		ret = -EBUSY;
	else
		unit->depth_mode = mode;
	mutex_unlock(&unit->lock);
	return ret;
}

/* The depth half was reset: power and stream as before; unit->lock held. */
static int k4a_depth_restore(struct k4a_unit *unit)
{
	struct k4a_half *depth = unit->depth;
	int ret = 0;

	mutex_lock(&depth->power_lock);
	if (unit->streams & K4A_STREAM_DEPTH) {
		/* Whether a reset stops the sensor is the device's business. */
		k4a_cmd_quiet(depth, K4A_OP_DEPTH_STREAM_STOP);
		k4a_cmd_quiet(depth, K4A_OP_DEPTH_STOP);
		ret = k4a_depth_program(unit);
		/* The reset gave the transfers in flight back. */
		if (!ret)
			k4a_depth_resubmit(unit);
	} else if (depth->power) {
		ret = k4a_mcu_write(&depth->mcu, K4A_OP_DEPTH_POWER_ON, NULL,
				    0);
	}
	mutex_unlock(&depth->power_lock);
	return ret;
}

/* Colour again after a reset or resume: the device clock starts over. */
static int k4a_color_restart(struct k4a_unit *unit)
{
	spin_lock_irq(&unit->slock);
	k4a_clock_reset(&unit->clock);
	spin_unlock_irq(&unit->slock);
	return k4a_color_hw_start(unit);
}

/*
 * The colour half was reset: the configuration again (unless the depth
 * camera runs: the device keeps its configuration then and refuses a new
 * one), then the colour stream, which the reset stopped. unit->lock held.
 */
static int k4a_color_restore(struct k4a_unit *unit)
{
	bool color = unit->streams & K4A_STREAM_COLOR;
	int ret = 0;

	/* Alternate setting 0 first: the device takes no configuration
	 * while it streams.
	 */
	if (color)
		k4a_color_hw_stop(unit);
	if (!(unit->streams & K4A_STREAM_DEPTH))
		ret = k4a_sync_send(unit);
	if (!ret && color)
		ret = k4a_color_restart(unit);
	return ret;
}

/**
 * k4a_stream_quiesce() - stop a half's URBs before a reset or a suspend
 * @unit: unit
 * @kind: the half about to be reset or suspended
 *
 * The streams stay running as far as applications see; their URBs are
 * killed and the colour camera goes to alternate setting 0.
 * k4a_stream_restore() (after a reset) or k4a_stream_resume() (after a
 * resume) starts them again.
 *
 * Context: process context; takes unit->lock.
 */
void k4a_stream_quiesce(struct k4a_unit *unit, enum k4a_half_kind kind)
{
	mutex_lock(&unit->lock);
	if (kind == K4A_HALF_COLOR && (unit->streams & K4A_STREAM_COLOR))
		k4a_color_hw_stop(unit);
	mutex_unlock(&unit->lock);
}

/**
 * k4a_stream_resume() - restart a resumed half's streams
 * @unit: unit
 * @kind: the half that resumed (its device kept its state)
 *
 * Context: process context; takes unit->lock.
 * Return: 0 or the error of the restart.
 */
int k4a_stream_resume(struct k4a_unit *unit, enum k4a_half_kind kind)
{
	int ret = 0;

	mutex_lock(&unit->lock);
	if (k4a_unit_dead(unit))
		ret = -ENODEV;
	else if (kind == K4A_HALF_COLOR && (unit->streams & K4A_STREAM_COLOR))
		ret = k4a_color_restart(unit);
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_stream_restore() - bring a reset half back to what the unit runs
 * @unit: unit
 * @kind: the half that was reset
 *
 * After a USB reset the device may have forgotten what it ran: the depth
 * half gets its power and its start sequence again (after a quiet stop, in
 * case it did not forget), the colour half the sync configuration if the
 * unit runs streams - unless the depth camera runs, when the device keeps
 * its configuration and refuses a new one - and its colour stream again.
 *
 * Context: process context; takes unit->lock.
 * Return: 0 or the transport error.
 */
int k4a_stream_restore(struct k4a_unit *unit, enum k4a_half_kind kind)
{
	int ret = 0;

	mutex_lock(&unit->lock);
	if (k4a_unit_dead(unit))
		ret = -ENODEV;
	else if (kind == K4A_HALF_COLOR && unit->streams)
		ret = k4a_color_restore(unit);
	else if (kind == K4A_HALF_DEPTH)
		ret = k4a_depth_restore(unit);
	mutex_unlock(&unit->lock);
	return ret;
}
