// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_sync: wired sync configuration of a unit - mode, delays, jack state,
 * validation, the start gate and the per-serial memory of settings.
 *
 * Writes are validated at once against what can be known then (cables,
 * mode, frame period, state) and again by the start gate, which also
 * enforces the rules that depend on which streams start (a master must
 * stream colour: its Sync Out pulse is the colour sensor's frame sync).
 * A refused change leaves the configuration untouched and logs one
 * ratelimited line naming the reason.
 */
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
 * @cfg: filled with standalone mode and zero delays
 */
void k4a_sync_default(struct k4a_sync_cfg *cfg)
{
	cfg->mode = K4A_SYNC_STANDALONE;
	cfg->sub_delay_us = 0;
	cfg->depth_delay_us = 0;
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
 * k4a_sync_read_jack() - read the sync jacks from the colour MCU
 * @unit: unit
 * @sync_in: whether a cable is plugged into Sync In
 * @sync_out: whether a cable is plugged into Sync Out
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
	return 0;
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
 * Return: 0; -EBUSY unless idle; -EINVAL for a missing cable or unknown
 * mode; a transport error if the jack state cannot be read.
 */
int k4a_sync_set_mode(struct k4a_unit *unit, enum k4a_sync_mode mode)
{
	bool sync_in, sync_out;
	int ret = 0;

	if ((unsigned int)mode >= K4A_SYNC_MODE_COUNT)
		return -EINVAL;

	mutex_lock(&unit->lock);
	if (unit->state != K4A_UNIT_IDLE) {
		dev_notice_ratelimited(&unit->dev,
				       "sync_mode: refused while %s\n",
				       k4a_state_word(unit->state));
		ret = -EBUSY;
		goto out;
	}
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
 * Shared by both delay attributes: refuse unless idle, check the range (and,
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
	if (unit->state != K4A_UNIT_IDLE) {
		dev_notice_ratelimited(&unit->dev, "%s: refused while %s\n",
				       name, k4a_state_word(unit->state));
		ret = -EBUSY;
	} else if (subordinate_only && usec < 0) {
		dev_notice_ratelimited(&unit->dev, "%s: %lld is negative\n",
				       name, usec);
		ret = -EINVAL;
	} else if (subordinate_only && usec &&
		   unit->cfg.mode != K4A_SYNC_SUBORDINATE) {
		const char *mode = k4a_sync_mode_word(unit->cfg.mode);

		dev_notice_ratelimited(&unit->dev,
				       "%s: only in subordinate mode (mode is %s)\n",
				       name, mode);
		ret = -EINVAL;
	} else if (usec > period || usec < -(s64)period) {
		dev_notice_ratelimited(&unit->dev,
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
 * Return: 0, -EBUSY unless idle, -EINVAL if out of range or not subordinate.
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
 * Return: 0, -EBUSY unless idle, -EINVAL if out of range.
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
	if (state)
		*state = unit->state;
	mutex_unlock(&unit->lock);
}

/**
 * k4a_sync_set_fps() - frame rate the streams will run at
 * @unit: unit
 * @fps: 5, 15 or 30
 *
 * The delays are bounded by the frame period of this rate.
 *
 * Return: 0, -EINVAL for an unsupported rate, -EBUSY unless idle.
 */
int k4a_sync_set_fps(struct k4a_unit *unit, u32 fps)
{
	int ret = 0;

	if (!k4a_fps_valid(fps))
		return -EINVAL;
	mutex_lock(&unit->lock);
	if (unit->state != K4A_UNIT_IDLE)
		ret = -EBUSY;
	else
		unit->fps = fps;
	mutex_unlock(&unit->lock);
	return ret;
}

static int k4a_sync_refuse(struct k4a_unit *unit, const char *why)
{
	dev_notice_ratelimited(&unit->dev, "start: %s\n", why);
	return -EINVAL;
}

/**
 * k4a_sync_start() - the start gate: validate and send the configuration
 * @unit: unit
 * @streams: K4A_STREAM_COLOR and/or K4A_STREAM_DEPTH
 *
 * Checks the whole configuration against the cables (read now), the
 * streams about to start and the frame period, then sends SET_SYS_CFG to
 * the colour MCU and moves the unit to %K4A_UNIT_ARMED, which locks the
 * sync settings until k4a_sync_stop().
 *
 * Return: 0; -EBUSY unless idle; -EINVAL for an invalid combination; the
 * transport error if the device cannot be reached or refuses.
 */
int k4a_sync_start(struct k4a_unit *unit, unsigned int streams)
{
	const unsigned int both = K4A_STREAM_COLOR | K4A_STREAM_DEPTH;
	u8 payload[K4A_SYS_CFG_LEN];
	struct k4a_sync_cfg cfg;
	bool sync_in, sync_out;
	const char *why;
	u32 fps;
	int ret;

	if (!streams || (streams & ~both))
		return -EINVAL;

	mutex_lock(&unit->lock);
	cfg = unit->cfg;
	fps = k4a_sync_fps(unit);
	if (unit->state != K4A_UNIT_IDLE) {
		dev_notice_ratelimited(&unit->dev, "start: already %s\n",
				       k4a_state_word(unit->state));
		ret = -EBUSY;
		goto out;
	}
	if (cfg.mode == K4A_SYNC_MASTER && !(streams & K4A_STREAM_COLOR)) {
		ret = k4a_sync_refuse(unit,
				      "master mode needs the colour stream");
		goto out;
	}
	if (cfg.mode != K4A_SYNC_STANDALONE) {
		ret = k4a_sync_read_jack(unit, &sync_in, &sync_out);
		if (ret)
			goto out;
		if (cfg.mode == K4A_SYNC_SUBORDINATE && !sync_in) {
			ret = k4a_sync_refuse(unit,
					      "subordinate mode needs a cable in Sync In");
			goto out;
		}
		if (cfg.mode == K4A_SYNC_MASTER && !sync_out) {
			ret = k4a_sync_refuse(unit,
					      "master mode needs a cable in Sync Out");
			goto out;
		}
		if (cfg.mode == K4A_SYNC_MASTER && sync_in) {
			ret = k4a_sync_refuse(unit,
					      "master mode needs Sync In unplugged");
			goto out;
		}
	}
	why = k4a_sync_check(cfg.mode, cfg.sub_delay_us, cfg.depth_delay_us,
			     fps);
	if (why) {
		ret = k4a_sync_refuse(unit, why);
		goto out;
	}
	if (streams != both && cfg.depth_delay_us) {
		ret = k4a_sync_refuse(unit,
				      "depth delay needs both colour and depth streams");
		goto out;
	}

	ret = k4a_proto_encode_sys_cfg(payload, sizeof(payload), cfg.mode,
				       (u32)k4a_us_to_ticks(cfg.sub_delay_us),
				       (s32)k4a_us_to_ticks(cfg.depth_delay_us),
				       true);
	if (ret < 0) {
		ret = -EINVAL;
		goto out;
	}
	ret = k4a_mcu_write(&unit->color->mcu, K4A_OP_SET_SYS_CFG, payload,
			    sizeof(payload));
	if (ret)
		goto out;
	unit->state = K4A_UNIT_ARMED;
	unit->streams = streams;
out:
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * k4a_sync_stop() - streams stopped: unlock the sync settings
 * @unit: unit
 */
void k4a_sync_stop(struct k4a_unit *unit)
{
	mutex_lock(&unit->lock);
	unit->state = K4A_UNIT_IDLE;
	unit->streams = 0;
	mutex_unlock(&unit->lock);
}
