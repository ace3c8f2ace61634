// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_watch: the sync state of a unit (sysfs sync_state), its watchdog and
 * the announcement of every change.
 *
 * Starts and stops (under unit->lock) tell the state machine
 * (driver/lib/k4a_syncst.c) what the configuration and the started streams
 * make of the unit. Frame completions (under unit->slock, in interrupt
 * context) only record the arrival time; when the state may change with
 * that frame (a subordinate armed, a unit lost) they queue the watchdog at
 * once, and not again until it ran. The watchdog, a delayed work item,
 * judges the state under unit->slock and queues itself again for the time
 * the frames would be late. Each state change is queued for the
 * announcement work item, which calls sysfs_notify() on sync_state and
 * sends a KOBJ_CHANGE uevent with K4A_SYNC_STATE=<word>, one per change, in
 * order, from process context.
 *
 * Lifetime, as for the depth halt work: both work items take unit->slock
 * only, so a holder of unit->lock may wait for them. The last stream to
 * stop clears the watch flag under unit->slock, then cancels the watchdog
 * synchronously; frames and the watchdog itself queue it only while the
 * flag is set. Teardown closes the announcements (under unit->slock) and
 * waits for the work item before the unit's device is deleted, then stops
 * every stream, so nothing of the unit runs once teardown is done.
 */
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "k4a.h"

static const char *const k4a_sync_state_words[K4A_SYNCST_COUNT] = {
	[K4A_SYNCST_IDLE] = K4A_SYNC_STATE_WORD_IDLE,
	[K4A_SYNCST_ARMED] = K4A_SYNC_STATE_WORD_ARMED,
	[K4A_SYNCST_STREAMING] = K4A_SYNC_STATE_WORD_STREAMING,
	[K4A_SYNCST_LOCKED] = K4A_SYNC_STATE_WORD_LOCKED,
	[K4A_SYNCST_LOST] = K4A_SYNC_STATE_WORD_LOST,
};

/**
 * k4a_sync_state_word() - sysfs word of a sync state
 * @state: enum k4a_syncst_state
 *
 * Return: static string.
 */
const char *k4a_sync_state_word(unsigned int state)
{
	return state < K4A_SYNCST_COUNT ? k4a_sync_state_words[state] :
	       "unknown";
}

static struct k4a_unit *k4a_watch_unit(struct k4a_watch *w)
{
	return container_of(w, struct k4a_unit, watch);
}

/* Queue the announcement of the state just entered; unit->slock held. */
static void k4a_watch_announce(struct k4a_unit *unit)
{
	struct k4a_watch *w = &unit->watch;

	lockdep_assert_held(&unit->slock);
	if (w->closed)
		return;
	if (w->ring_len == K4A_WATCH_RING) {
		/* Far behind: the oldest change goes unannounced. */
		w->ring_head = (w->ring_head + 1) % K4A_WATCH_RING;
		w->ring_len--;
	}
	w->ring[(w->ring_head + w->ring_len) % K4A_WATCH_RING] = w->st.state;
	w->ring_len++;
	schedule_work(&w->notify_work);
}

/* Log a change, unit->slock not held. */
static void k4a_watch_log(struct k4a_unit *unit, u8 state, u8 cause,
			  u64 bound_ns)
{
	if (state != K4A_SYNCST_LOST) {
		dev_dbg(&unit->dev, "sync_state %s\n",
			k4a_sync_state_word(state));
		return;
	}
	if (cause == K4A_SYNCST_CAUSE_CLOCK)
		dev_notice_ratelimited(&unit->dev,
				       "sync lost: the device clock restarted\n");
	else
		dev_notice_ratelimited(&unit->dev,
				       "sync lost: no frame for %llu ms\n",
				       div_u64(bound_ns, NSEC_PER_MSEC));
}

/*
 * Nothing can arrive for want of a buffer: only a depth stream runs and its
 * application holds every buffer (or the unit has no depth node).
 * unit->slock held.
 */
static bool k4a_watch_starved(struct k4a_unit *unit)
{
	lockdep_assert_held(&unit->slock);
	if (unit->stream[K4A_SID_COLOR].running)
		return false;
	return !unit->dep.pipe || list_empty(&unit->dep.video.bufs);
}

static void k4a_watch_work(struct work_struct *work)
{
	struct k4a_watch *w = container_of(to_delayed_work(work),
					   struct k4a_watch, work);
	struct k4a_unit *unit = k4a_watch_unit(w);
	bool changed = false;
	u64 now, next = 0, bound;
	u8 state, cause;

	spin_lock_irq(&unit->slock);
	w->kicked = false;
	if (w->watch) {
		now = ktime_get_ns();
		changed = k4a_syncst_judge(&w->st, now,
					   unit->clock.stat_jumps,
					   k4a_watch_starved(unit), &next);
		if (changed)
			k4a_watch_announce(unit);
		if (next > now)
			mod_delayed_work(system_wq, &w->work,
					 nsecs_to_jiffies(next - now) + 1);
	}
	state = w->st.state;
	cause = w->st.cause;
	bound = w->st.bound_ns;
	spin_unlock_irq(&unit->slock);
	if (changed)
		k4a_watch_log(unit, state, cause, bound);
}

static void k4a_watch_notify_work(struct work_struct *work)
{
	struct k4a_watch *w = container_of(work, struct k4a_watch,
					   notify_work);
	struct k4a_unit *unit = k4a_watch_unit(w);
	char env[48], *envp[2];
	u8 state;

	for (;;) {
		spin_lock_irq(&unit->slock);
		if (w->closed || !w->ring_len) {
			spin_unlock_irq(&unit->slock);
			return;
		}
		state = w->ring[w->ring_head];
		w->ring_head = (w->ring_head + 1) % K4A_WATCH_RING;
		w->ring_len--;
		spin_unlock_irq(&unit->slock);

		sysfs_notify(&unit->dev.kobj, NULL, "sync_state");
		snprintf(env, sizeof(env), K4A_UEVENT_SYNC_STATE "=%s",
			 k4a_sync_state_word(state));
		envp[0] = env;
		envp[1] = NULL;
		kobject_uevent_env(&unit->dev.kobj, KOBJ_CHANGE, envp);
	}
}

/**
 * k4a_watch_init() - the sync state of a new unit: idle
 * @unit: unit being created
 */
void k4a_watch_init(struct k4a_unit *unit)
{
	struct k4a_watch *w = &unit->watch;

	k4a_syncst_init(&w->st);
	INIT_DELAYED_WORK(&w->work, k4a_watch_work);
	INIT_WORK(&w->notify_work, k4a_watch_notify_work);
}

/* What the configuration and the started streams make of the unit. */
static enum k4a_syncst_role k4a_watch_role(struct k4a_unit *unit)
{
	if (!unit->streams)
		return unit->held ? K4A_SYNCST_WAIT : K4A_SYNCST_NONE;
	switch (unit->cfg.mode) {
	case K4A_SYNC_MASTER:
		/* Its Sync Out pulses are its colour frames. */
		return unit->streams & K4A_STREAM_COLOR ? K4A_SYNCST_OWN :
		       K4A_SYNCST_WAIT;
	case K4A_SYNC_SUBORDINATE:
		return K4A_SYNCST_SUB;
	default:
		return K4A_SYNCST_OWN;
	}
}

/**
 * k4a_watch_update() - the unit's streams or gate changed
 * @unit: unit
 *
 * Gives the state machine the unit's new role; a role whose frames are
 * watched starts the watchdog, any other stops it (waiting for it).
 *
 * Context: process context; unit->lock held.
 */
void k4a_watch_update(struct k4a_unit *unit)
{
	struct k4a_watch *w = &unit->watch;
	enum k4a_syncst_role role;
	bool changed, live;
	u8 state;

	lockdep_assert_held(&unit->lock);
	role = k4a_watch_role(unit);
	live = role == K4A_SYNCST_OWN || role == K4A_SYNCST_SUB;

	spin_lock_irq(&unit->slock);
	changed = k4a_syncst_set_role(&w->st, role, unit->fps, ktime_get_ns(),
				      unit->clock.stat_jumps);
	if (changed)
		k4a_watch_announce(unit);
	w->watch = live;
	/* Not watched: the cancel below may take the run a frame queued. */
	if (!live)
		w->kicked = false;
	else if (changed)
		mod_delayed_work(system_wq, &w->work, 0);
	state = w->st.state;
	spin_unlock_irq(&unit->slock);

	if (!live)
		cancel_delayed_work_sync(&w->work);
	if (changed)
		k4a_watch_log(unit, state, K4A_SYNCST_CAUSE_NONE, 0);
}

/**
 * k4a_watch_frame() - a frame of a running stream arrived
 * @unit: unit
 * @now: its arrival, ktime_get_ns()
 *
 * Records the arrival; when the state may change with it, queues the
 * watchdog at once (once until it ran).
 *
 * Context: unit->slock held (URB completion).
 */
void k4a_watch_frame(struct k4a_unit *unit, u64 now)
{
	struct k4a_watch *w = &unit->watch;

	lockdep_assert_held(&unit->slock);
	if (k4a_syncst_frame(&w->st, now) && w->watch && !w->kicked) {
		w->kicked = true;
		mod_delayed_work(system_wq, &w->work, 0);
	}
}

/**
 * k4a_watch_close() - no announcement after this
 * @unit: unit being torn down, before its device is deleted
 *
 * Waits for an announcement being sent; later changes (the streams
 * stopping) are not announced.
 *
 * Context: process context.
 */
void k4a_watch_close(struct k4a_unit *unit)
{
	spin_lock_irq(&unit->slock);
	unit->watch.closed = true;
	spin_unlock_irq(&unit->slock);
	cancel_work_sync(&unit->watch.notify_work);
}
