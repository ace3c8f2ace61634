// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_sync: wired sync configuration of a unit - mode, delays, jack state,
 * validation, the start checks and the per-serial memory of settings.
 *
 * Writes are validated at once against what can be known then (cables,
 * mode, frame period, running streams) and again by the start checks when
 * the first stream of the unit starts. A refused change leaves the
 * configuration untouched; a malformed value is the caller's to see in the
 * errno, a refusal for a reason the caller cannot see (a cable, a rule of
 * the device) logs one ratelimited line naming it.
 *
 * The jack state read by sysfs readers is served from a value at most
 * K4A_JACK_MAX_AGE_MS old, refreshed by one reader at a time, so that
 * readers cost the colour MCU at most one command per interval; settings
 * changes and the start checks read the jacks themselves, and wait at most
 * for one command in flight.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "k4a.h"
#include "k4a_modes.h"
#include "k4a_plan.h"

/* Settings remembered across replug, one slot per serial, LRU replaced. */
#define K4A_CFG_SLOTS		32

/**
 * struct k4a_cfg_slot - remembered settings of one serial number
 * @serial: unit serial; empty if the slot is free
 * @cfg: last configuration of that unit
 * @stamp: last use, for replacement
 */
struct k4a_cfg_slot {
	char serial[K4A_SERIAL_MAX_LEN + 1];
	struct k4a_sync_cfg cfg;
	u64 stamp;
};

/* k4a_cfg_lock protects k4a_cfg_table and k4a_cfg_clock. */
static DEFINE_MUTEX(k4a_cfg_lock);
static struct k4a_cfg_slot k4a_cfg_table[K4A_CFG_SLOTS];
static u64 k4a_cfg_clock;

static const char *const k4a_state_words[] = {
	[K4A_UNIT_IDLE] = K4A_STATE_WORD_IDLE,
	[K4A_UNIT_ARMED] = K4A_STATE_WORD_ARMED,
	[K4A_UNIT_STREAMING] = K4A_STATE_WORD_STREAMING,
};

/**
 * k4a_sync_mode_word() - sysfs word of a sync mode
 * @mode: mode
 *
 * Return: static string.
 */
const char *k4a_sync_mode_word(enum k4a_sync_mode mode)
{
	const char *word = k4a_sync_mode_name(mode);

	return word ? word : "unknown";
}

/**
 * k4a_state_word() - sysfs word of a unit state
 * @state: state
 *
 * Return: static string.
 */
const char *k4a_state_word(enum k4a_unit_state state)
{
	if ((unsigned int)state >= ARRAY_SIZE(k4a_state_words))
		return "unknown";
	return k4a_state_words[state];
}

/**
 * k4a_sync_default() - configuration of a unit never seen before
 * @cfg: filled with standalone mode, zero delays, the device's own control
 *       values
 */
void k4a_sync_default(struct k4a_sync_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = K4A_SYNC_STANDALONE;
}

static struct k4a_cfg_slot *k4a_cfg_find(const char *serial)
{
	unsigned int i;

	for (i = 0; i < K4A_CFG_SLOTS; i++)
		if (k4a_cfg_table[i].serial[0] &&
		    !strcmp(k4a_cfg_table[i].serial, serial))
			return &k4a_cfg_table[i];
	return NULL;
}

/**
 * k4a_cfg_save() - remember the configuration of a serial number
 * @serial: unit serial
 * @cfg: configuration
 */
void k4a_cfg_save(const char *serial, const struct k4a_sync_cfg *cfg)
{
	struct k4a_cfg_slot *slot;
	unsigned int i;

	mutex_lock(&k4a_cfg_lock);
	slot = k4a_cfg_find(serial);
	if (!slot) {
		slot = &k4a_cfg_table[0];
		for (i = 0; i < K4A_CFG_SLOTS; i++) {
			if (!k4a_cfg_table[i].serial[0]) {
				slot = &k4a_cfg_table[i];
				break;
			}
			if (k4a_cfg_table[i].stamp < slot->stamp)
				slot = &k4a_cfg_table[i];
		}
		strscpy(slot->serial, serial, sizeof(slot->serial));
	}
	slot->cfg = *cfg;
	slot->stamp = ++k4a_cfg_clock;
	mutex_unlock(&k4a_cfg_lock);
}

/**
 * k4a_cfg_restore() - look up the remembered configuration of a serial
 * @serial: unit serial
 * @cfg: filled if found
 *
 * Return: true if a configuration was found.
 */
bool k4a_cfg_restore(const char *serial, struct k4a_sync_cfg *cfg)
{
	struct k4a_cfg_slot *slot;

	mutex_lock(&k4a_cfg_lock);
	slot = k4a_cfg_find(serial);
	if (slot) {
		*cfg = slot->cfg;
		slot->stamp = ++k4a_cfg_clock;
	}
	mutex_unlock(&k4a_cfg_lock);
	return slot;
}

/**
 * k4a_cfg_clear() - forget every remembered configuration
 */
void k4a_cfg_clear(void)
{
	mutex_lock(&k4a_cfg_lock);
	memset(k4a_cfg_table, 0, sizeof(k4a_cfg_table));
	mutex_unlock(&k4a_cfg_lock);
}

/**
 * k4a_sync_read_jack() - read the sync jacks from the colour MCU now
 * @unit: unit
 * @sync_in: whether a cable is plugged into Sync In
 * @sync_out: whether a cable is plugged into Sync Out
 *
 * The value read also refreshes the one k4a_sync_jack_cached() serves.
 *
 * Context: process context; may be called with unit->lock held.
 * Return: 0, or the transport error; -EPROTO for a reply of the wrong size.
 */
int k4a_sync_read_jack(struct k4a_unit *unit, bool *sync_in, bool *sync_out)
{
	struct k4a_mcu *mcu = &unit->color->mcu;
	const u32 op = K4A_OP_GET_JACK_STATE;
	u8 jack[K4A_JACK_LEN];
	size_t got;
	int ret, perr;

	ret = k4a_mcu_read(mcu, op, NULL, 0, jack, sizeof(jack), &got);
	if (ret)
		return ret;
	perr = k4a_proto_decode_jack(jack, got, sync_in, sync_out);
	if (perr) {
		dev_err_ratelimited(mcu->dev,
				    "%s MCU: %s (0x%08x): %s (%zu bytes)\n",
				    mcu->name, k4a_proto_opcode_name(op), op,
				    k4a_proto_strerror(perr), got);
		return -EPROTO;
	}
	spin_lock(&unit->jack_slock);
	unit->jack_in = *sync_in;
	unit->jack_out = *sync_out;
	unit->jack_stamp = jiffies;
	unit->jack_valid = true;
	spin_unlock(&unit->jack_slock);
	return 0;
}

static bool k4a_sync_jack_fresh(struct k4a_unit *unit, bool *sync_in,
				bool *sync_out)
{
	bool fresh;

	spin_lock(&unit->jack_slock);
	fresh = unit->jack_valid &&
		time_before(jiffies, unit->jack_stamp +
			    msecs_to_jiffies(K4A_JACK_MAX_AGE_MS));
	if (fresh) {
		*sync_in = unit->jack_in;
		*sync_out = unit->jack_out;
	}
	spin_unlock(&unit->jack_slock);
	return fresh;
}

/**
 * k4a_sync_jack_cached() - the sync jacks, at most K4A_JACK_MAX_AGE_MS old
 * @unit: unit
 * @sync_in: whether a cable is plugged into Sync In
 * @sync_out: whether a cable is plugged into Sync Out
 *
 * For readers: one of them at a time asks the device when the last value
 * is older than the interval; the others get that value.
 *
 * Context: process context; takes unit->jack_refresh.
 * Return: 0, -EINTR if interrupted while waiting for another reader, or
 * the error of k4a_sync_read_jack().
 */
int k4a_sync_jack_cached(struct k4a_unit *unit, bool *sync_in,
			 bool *sync_out)
{
	int ret = 0;

	if (k4a_sync_jack_fresh(unit, sync_in, sync_out))
		return 0;
	if (mutex_lock_interruptible(&unit->jack_refresh))
		return -EINTR;
	if (!k4a_sync_jack_fresh(unit, sync_in, sync_out))
		ret = k4a_sync_read_jack(unit, sync_in, sync_out);
	mutex_unlock(&unit->jack_refresh);
	return ret;
}

/*
 * Settings are locked while any stream runs or is held by the start gate
 * (it passed the start checks with them); unit->lock held.
 */
static int k4a_sync_locked(struct k4a_unit *unit, const char *what)
{
	if (k4a_unit_dead(unit))
		return -ENODEV;
	if (!k4a_unit_started(unit))
		return 0;
	dev_dbg(&unit->dev, "%s: refused while streams run or are held\n",
		what);
	return -EBUSY;
}

/* Frame rate (and period) bounding the delays: the default until one is set. */
static u32 k4a_sync_fps(struct k4a_unit *unit)
{
	return k4a_frame_period_us(unit->fps) ? unit->fps : K4A_DEFAULT_FPS;
}

static u32 k4a_sync_period(struct k4a_unit *unit)
{
	return k4a_frame_period_us(k4a_sync_fps(unit));
}

/**
 * k4a_sync_set_mode() - change the wired sync mode
 * @unit: unit
 * @mode: new mode
 *
 * Subordinate needs a Sync In cable and master a Sync Out cable now; both
 * are checked again when the unit starts. Leaving subordinate mode resets
 * the subordinate delay to 0, the only value valid outside that mode.
 *
 * Return: 0; -EBUSY while a stream runs; -EINVAL for a missing cable or
 * unknown mode; -ENODEV once the unit is torn down; a transport error if
 * the jack state cannot be read.
 */
int k4a_sync_set_mode(struct k4a_unit *unit, enum k4a_sync_mode mode)
{
	bool sync_in, sync_out;
	int ret = 0;

	if ((unsigned int)mode >= K4A_SYNC_MODE_COUNT)
		return -EINVAL;

	mutex_lock(&unit->lock);
	ret = k4a_sync_locked(unit, "sync_mode");
	if (ret)
		goto out;
	if (mode != K4A_SYNC_STANDALONE) {
		ret = k4a_sync_read_jack(unit, &sync_in, &sync_out);
		if (ret)
			goto out;
		if (mode == K4A_SYNC_SUBORDINATE && !sync_in) {
			dev_notice_ratelimited(&unit->dev,
					       "sync_mode: subordinate needs a cable in Sync In\n");
			ret = -EINVAL;
			goto out;
		}
		if (mode == K4A_SYNC_MASTER && !sync_out) {
			dev_notice_ratelimited(&unit->dev,
					       "sync_mode: master needs a cable in Sync Out\n");
			ret = -EINVAL;
			goto out;
		}
	}
	unit->cfg.mode = mode;
	if (mode != K4A_SYNC_SUBORDINATE)
		unit->cfg.sub_delay_us = 0;
	k4a_cfg_save(unit->serial, &unit->cfg);
out:
	mutex_unlock(&unit->lock);
	return ret;
}

/*
 * Shared by both delay attributes: refuse while a stream runs, check the
 * range (and,
 * for a subordinate-only delay, the sign and the mode), store the quantised
 * value and remember it for the serial. @field points into unit->cfg and is
 * only written under unit->lock.
 */
static int k4a_sync_set_delay(struct k4a_unit *unit, const char *name,
			      s32 *field, bool subordinate_only, s64 usec)
{
	u32 period;
	int ret = 0;

	mutex_lock(&unit->lock);
	period = k4a_sync_period(unit);
	ret = k4a_sync_locked(unit, name);
	if (ret) {
		/* refused */
	} else if (subordinate_only && usec < 0) {
		dev_dbg(&unit->dev, "%s: %lld is negative\n", name, usec);
		ret = -EINVAL;
	} else if (subordinate_only && usec &&
		   unit->cfg.mode != K4A_SYNC_SUBORDINATE) {
		const char *mode = k4a_sync_mode_word(unit->cfg.mode);

		dev_dbg(&unit->dev, "%s: only in subordinate mode (mode is %s)\n",
			name, mode);
		ret = -EINVAL;
	} else if (usec > period || usec < -(s64)period) {
		dev_dbg(&unit->dev,
			"%s: %lld exceeds one frame period (%u us at %u fps)\n",
			name, usec, period, unit->fps);
		ret = -EINVAL;
	} else {
		*field = (s32)k4a_us_quantize(usec);
		k4a_cfg_save(unit->serial, &unit->cfg);
	}
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_sync_set_sub_delay() - change subordinate_delay_off_master_usec
 * @unit: unit
 * @usec: requested delay in microseconds
 *
 * Only subordinate mode accepts a non-zero delay; 0 <= @usec <= one frame
 * period. The stored value is quantised to the 90 kHz device clock.
 *
 * Return: 0, -EBUSY while a stream runs, -EINVAL if out of range or not
 * subordinate, -ENODEV once the unit is torn down.
 */
int k4a_sync_set_sub_delay(struct k4a_unit *unit, s64 usec)
{
	return k4a_sync_set_delay(unit, "subordinate_delay_off_master_usec",
				  &unit->cfg.sub_delay_us, true, usec);
}

/**
 * k4a_sync_set_depth_delay() - change depth_delay_off_color_usec
 * @unit: unit
 * @usec: requested delay in microseconds, negative: depth before colour
 *
 * |@usec| must not exceed one frame period. The stored value is quantised
 * to the 90 kHz device clock.
 *
 * Return: 0, -EBUSY while a stream runs, -EINVAL if out of range, -ENODEV
 * once the unit is torn down.
 */
int k4a_sync_set_depth_delay(struct k4a_unit *unit, s64 usec)
{
	return k4a_sync_set_delay(unit, "depth_delay_off_color_usec",
				  &unit->cfg.depth_delay_us, false, usec);
}

/**
 * k4a_sync_get() - snapshot of configuration and state
 * @unit: unit
 * @cfg: configuration (may be NULL)
 * @state: state (may be NULL)
 */
void k4a_sync_get(struct k4a_unit *unit, struct k4a_sync_cfg *cfg,
		  enum k4a_unit_state *state)
{
	mutex_lock(&unit->lock);
	if (cfg)
		*cfg = unit->cfg;
	mutex_unlock(&unit->lock);
	if (state)
		*state = k4a_unit_state(unit);
}

static int k4a_sync_refuse(struct k4a_unit *unit, const char *why)
{
	dev_notice_ratelimited(&unit->dev, "start: %s\n", why);
	return -EINVAL;
}

/**
 * k4a_sync_start_check() - may the unit's first stream start?
 * @unit: unit; unit->lock held
 *
 * Checks the whole configuration against the cables (read now) and the
 * unit's frame period. Rules that depend on which streams run decide the
 * unit's state instead (see k4a_stream.c).
 *
 * Return: 0; -EINVAL for an invalid combination (the reason is logged);
 * the transport error if the jacks cannot be read.
 */
int k4a_sync_start_check(struct k4a_unit *unit)
{
	struct k4a_sync_cfg cfg = unit->cfg;
	bool sync_in, sync_out;
	const char *why;
	int ret;

	lockdep_assert_held(&unit->lock);

	if (cfg.mode != K4A_SYNC_STANDALONE) {
		ret = k4a_sync_read_jack(unit, &sync_in, &sync_out);
		if (ret)
			return ret;
		if (cfg.mode == K4A_SYNC_SUBORDINATE && !sync_in)
			return k4a_sync_refuse(unit,
					       "subordinate mode needs a cable in Sync In");
		if (cfg.mode == K4A_SYNC_MASTER && !sync_out)
			return k4a_sync_refuse(unit,
					       "master mode needs a cable in Sync Out");
		if (cfg.mode == K4A_SYNC_MASTER && sync_in)
			return k4a_sync_refuse(unit,
					       "master mode needs Sync In unplugged");
	}
	why = k4a_sync_check(cfg.mode, cfg.sub_delay_us, cfg.depth_delay_us,
			     k4a_sync_fps(unit));
	if (why)
		return k4a_sync_refuse(unit, why);
	return 0;
}

/**
 * k4a_sync_send() - send the sync configuration (SET_SYS_CFG)
 * @unit: unit; unit->lock held
 *
 * Return: 0, -EINVAL if it cannot be encoded, or the transport error.
 */
int k4a_sync_send(struct k4a_unit *unit)
{
	struct k4a_sync_cfg cfg = unit->cfg;
	u8 payload[K4A_SYS_CFG_LEN];
	int ret;

	lockdep_assert_held(&unit->lock);

	ret = k4a_proto_encode_sys_cfg(payload, sizeof(payload), cfg.mode,
				       (u32)k4a_us_to_ticks(cfg.sub_delay_us),
				       (s32)k4a_us_to_ticks(cfg.depth_delay_us),
				       true);
	if (ret < 0)
		return -EINVAL;
	return k4a_mcu_write(&unit->color->mcu, K4A_OP_SET_SYS_CFG, payload,
			     sizeof(payload));
}
