// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_sysfs: the per-unit sysfs interface (class "k4a", one device per unit)
 * and the debugfs stream start and stop.
 *
 * Attribute callbacks are thin: parse strictly, call k4a_sync, format. Input
 * is one word or one decimal integer, optionally followed by one newline;
 * anything else (empty, blanks, embedded NUL, signs on words, more than
 * K4A_INPUT_MAX bytes, out of range numbers) is -EINVAL.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "k4a.h"
#include "k4a_plan.h"

#define K4A_INPUT_MAX	32

/*
 * Copy a sysfs write into @out as a NUL-terminated token: at most one
 * trailing newline is dropped; the rest must be 1..K4A_INPUT_MAX printable,
 * non-blank ASCII characters.
 */
static int k4a_input(const char *buf, size_t count, char *out)
{
	size_t len = count, i;

	if (count > K4A_INPUT_MAX + 1 || memchr(buf, '\0', count))
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len > K4A_INPUT_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			return -EINVAL;
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

static int k4a_input_s64(const char *buf, size_t count, s64 *val)
{
	char tok[K4A_INPUT_MAX + 1];
	int ret;

	ret = k4a_input(buf, count, tok);
	if (ret)
		return ret;
	ret = kstrtos64(tok, 10, val);
	return ret ? -EINVAL : 0;
}

static void k4a_bad_input(struct k4a_unit *unit, const char *attr)
{
	dev_dbg(&unit->dev, "%s: invalid value\n", attr);
}

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", k4a_dev_to_unit(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	const struct k4a_fw_versions *fw = &k4a_dev_to_unit(dev)->depth->fw;
	const struct k4a_version *p = fw->part;

	return sysfs_emit(buf,
			  "color=%u.%u.%u depth=%u.%u.%u audio=%u.%u.%u depth_sensor=%u.%u build=%s signature=%s\n",
			  p[K4A_FW_RGB].major, p[K4A_FW_RGB].minor,
			  p[K4A_FW_RGB].build, p[K4A_FW_DEPTH].major,
			  p[K4A_FW_DEPTH].minor, p[K4A_FW_DEPTH].build,
			  p[K4A_FW_AUDIO].major, p[K4A_FW_AUDIO].minor,
			  p[K4A_FW_AUDIO].build, p[K4A_FW_DEPTH_SENSOR].major,
			  p[K4A_FW_DEPTH_SENSOR].minor,
			  fw->build_config == 0 ? "release" :
			  fw->build_config == 1 ? "debug" : "unknown",
			  fw->signature_type == 0 ? "msft" :
			  fw->signature_type == 1 ? "test" :
			  fw->signature_type == 2 ? "unsigned" : "unknown");
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t sync_mode_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct k4a_sync_cfg cfg;

	k4a_sync_get(k4a_dev_to_unit(dev), &cfg, NULL);
	return sysfs_emit(buf, "%s\n", k4a_sync_mode_word(cfg.mode));
}

static ssize_t sync_mode_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	char tok[K4A_INPUT_MAX + 1];
	enum k4a_sync_mode mode;
	int ret;

	ret = k4a_input(buf, count, tok);
	if (ret)
		goto bad;
	ret = k4a_sync_mode_from_name(tok);
	if (ret < 0)
		goto bad;
	mode = ret;
	ret = k4a_sync_set_mode(unit, mode);
	return ret ? ret : count;
bad:
	k4a_bad_input(unit, attr->attr.name);
	return -EINVAL;
}
static DEVICE_ATTR_RW(sync_mode);

static ssize_t sync_mode_available_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	return sysfs_emit(buf, "%s %s %s\n", K4A_SYNC_WORD_STANDALONE,
			  K4A_SYNC_WORD_MASTER, K4A_SYNC_WORD_SUBORDINATE);
}
static DEVICE_ATTR_RO(sync_mode_available);

static ssize_t k4a_jack_show(struct device *dev, char *buf, bool want_in)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	bool sync_in, sync_out;
	int ret;

	if (k4a_unit_dead(unit))
		return -ENODEV;
	ret = k4a_sync_jack_cached(unit, &sync_in, &sync_out);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%s\n", (want_in ? sync_in : sync_out) ?
			  K4A_JACK_WORD_CONNECTED : K4A_JACK_WORD_DISCONNECTED);
}

static ssize_t sync_in_jack_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return k4a_jack_show(dev, buf, true);
}
static DEVICE_ATTR_RO(sync_in_jack);

static ssize_t sync_out_jack_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return k4a_jack_show(dev, buf, false);
}
static DEVICE_ATTR_RO(sync_out_jack);

/* Both delay attributes: the stored (quantised) value; parse, then set. */
static ssize_t k4a_delay_show(struct device *dev, char *buf, bool sub)
{
	struct k4a_sync_cfg cfg;

	k4a_sync_get(k4a_dev_to_unit(dev), &cfg, NULL);
	return sysfs_emit(buf, "%d\n",
			  sub ? cfg.sub_delay_us : cfg.depth_delay_us);
}

static ssize_t k4a_delay_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count,
			       int (*set)(struct k4a_unit *unit, s64 usec))
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	s64 val;
	int ret;

	if (k4a_input_s64(buf, count, &val)) {
		k4a_bad_input(unit, attr->attr.name);
		return -EINVAL;
	}
	ret = set(unit, val);
	return ret ? ret : count;
}

static ssize_t
subordinate_delay_off_master_usec_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return k4a_delay_show(dev, buf, true);
}

static ssize_t
subordinate_delay_off_master_usec_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t count)
{
	return k4a_delay_store(dev, attr, buf, count, k4a_sync_set_sub_delay);
}
static DEVICE_ATTR_RW(subordinate_delay_off_master_usec);

static ssize_t depth_delay_off_color_usec_show(struct device *dev,
					       struct device_attribute *attr,
					       char *buf)
{
	return k4a_delay_show(dev, buf, false);
}

static ssize_t depth_delay_off_color_usec_store(struct device *dev,
						struct device_attribute *attr,
						const char *buf, size_t count)
{
	return k4a_delay_store(dev, attr, buf, count, k4a_sync_set_depth_delay);
}
static DEVICE_ATTR_RW(depth_delay_off_color_usec);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	enum k4a_unit_state state;

	k4a_sync_get(k4a_dev_to_unit(dev), NULL, &state);
	return sysfs_emit(buf, "%s\n", k4a_state_word(state));
}
static DEVICE_ATTR_RO(state);

static ssize_t sync_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	unsigned int state;

	spin_lock_irq(&unit->slock);
	state = unit->watch.st.state;
	spin_unlock_irq(&unit->slock);
	return sysfs_emit(buf, "%s\n", k4a_sync_state_word(state));
}
static DEVICE_ATTR_RO(sync_state);

static ssize_t start_gate_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  k4a_stream_gate_closed(k4a_dev_to_unit(dev)) ?
			  K4A_GATE_WORD_CLOSED : K4A_GATE_WORD_OPEN);
}

static ssize_t start_gate_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	char tok[K4A_INPUT_MAX + 1];
	bool closed;
	int ret;

	if (k4a_input(buf, count, tok))
		goto bad;
	if (!strcmp(tok, K4A_GATE_WORD_OPEN))
		closed = false;
	else if (!strcmp(tok, K4A_GATE_WORD_CLOSED))
		closed = true;
	else
		goto bad;
	ret = k4a_stream_set_gate(unit, closed);
	return ret ? ret : count;
bad:
	k4a_bad_input(unit, attr->attr.name);
	return -EINVAL;
}
static DEVICE_ATTR_RW(start_gate);

/* ---- the device clock estimator (clock/): read under unit->slock ---- */

enum k4a_clock_field {
	K4A_CLK_LOCKED,
	K4A_CLK_ERROR_NS,
	K4A_CLK_RATE_PPB,
	K4A_CLK_OBSERVATIONS,
	K4A_CLK_RESTARTS,
	K4A_CLK_SHARED,
};

static ssize_t k4a_clock_show(struct device *dev, char *buf,
			      enum k4a_clock_field f)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	const struct k4a_clock *c = &unit->clock;
	bool mapped;
	s64 v = 0;

	spin_lock_irq(&unit->slock);
	mapped = k4a_clock_ready(c);
	switch (f) {
	case K4A_CLK_LOCKED:
		v = k4a_clock_locked(c);
		break;
	case K4A_CLK_ERROR_NS:
		v = k4a_clock_error_ns(c);
		break;
	case K4A_CLK_RATE_PPB:
		v = k4a_clock_ppm_x1000(c);
		break;
	case K4A_CLK_OBSERVATIONS:
		v = c->samples;
		break;
	case K4A_CLK_RESTARTS:
		v = c->stat_restarts;
		break;
	case K4A_CLK_SHARED:
		v = mapped && c->shared;
		break;
	}
	spin_unlock_irq(&unit->slock);
	/* An estimate exists only while device times are mapped. */
	if (!mapped && (f == K4A_CLK_ERROR_NS || f == K4A_CLK_RATE_PPB))
		return -ENODATA;
	return sysfs_emit(buf, "%lld\n", v);
}

#define K4A_CLOCK_ATTR(_name, _field)					\
static ssize_t clock_##_name##_show(struct device *dev,		\
				    struct device_attribute *attr,	\
				    char *buf)				\
{									\
	return k4a_clock_show(dev, buf, _field);			\
}									\
static struct device_attribute dev_attr_clock_##_name =		\
	__ATTR(_name, 0444, clock_##_name##_show, NULL)

K4A_CLOCK_ATTR(locked, K4A_CLK_LOCKED);
K4A_CLOCK_ATTR(error_ns, K4A_CLK_ERROR_NS);
K4A_CLOCK_ATTR(rate_error_ppb, K4A_CLK_RATE_PPB);
K4A_CLOCK_ATTR(observations, K4A_CLK_OBSERVATIONS);
K4A_CLOCK_ATTR(restarts, K4A_CLK_RESTARTS);
K4A_CLOCK_ATTR(shared, K4A_CLK_SHARED);

static struct attribute *k4a_clock_attrs[] = {
	&dev_attr_clock_locked.attr,
	&dev_attr_clock_error_ns.attr,
	&dev_attr_clock_rate_error_ppb.attr,
	&dev_attr_clock_observations.attr,
	&dev_attr_clock_restarts.attr,
	&dev_attr_clock_shared.attr,
	NULL,
};

static const struct attribute_group k4a_clock_group = {
	.name = "clock",
	.attrs = k4a_clock_attrs,
};

/* ---- health counters (health/): read under unit->slock ---- */

enum k4a_health_field {
	K4A_HL_COLOR_FRAMES,
	K4A_HL_COLOR_DROPPED,
	K4A_HL_COLOR_GAPS,
	K4A_HL_DEPTH_FRAMES,
	K4A_HL_DEPTH_DROPPED,
	K4A_HL_DEPTH_GAPS,
	K4A_HL_STATE_CHANGES,
	K4A_HL_LOST,
	K4A_HL_OFFSET,
	K4A_HL_COLOR_SOE,
};

static ssize_t k4a_health_show(struct device *dev, char *buf,
			       enum k4a_health_field f)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);
	const struct k4a_stream *c = &unit->stream[K4A_SID_COLOR];
	const struct k4a_stream *d = &unit->stream[K4A_SID_DEPTH];
	bool have = true;
	u64 v = 0;
	s64 off = 0;

	spin_lock_irq(&unit->slock);
	switch (f) {
	case K4A_HL_COLOR_FRAMES:
		v = c->frames;
		break;
	case K4A_HL_COLOR_DROPPED:
		v = c->dropped;
		break;
	case K4A_HL_COLOR_GAPS:
		v = c->gaps;
		break;
	case K4A_HL_DEPTH_FRAMES:
		v = d->frames;
		break;
	case K4A_HL_DEPTH_DROPPED:
		v = d->dropped;
		break;
	case K4A_HL_DEPTH_GAPS:
		v = d->gaps;
		break;
	case K4A_HL_STATE_CHANGES:
		v = unit->watch.st.changes;
		break;
	case K4A_HL_LOST:
		v = unit->watch.st.lost;
		break;
	case K4A_HL_OFFSET:
		have = unit->cam.grid.have_offset;
		off = unit->cam.grid.offset_ns;
		break;
	case K4A_HL_COLOR_SOE:
		v = unit->cam.last_ts;
		break;
	}
	spin_unlock_irq(&unit->slock);
	/* No colour frame yet since the colour stream started. */
	if (f == K4A_HL_COLOR_SOE && !v)
		return -ENODATA;
	if (f != K4A_HL_OFFSET)
		return sysfs_emit(buf, "%llu\n", v);
	/* Only from a colour stream's second timed frame on. */
	if (!have)
		return -ENODATA;
	return sysfs_emit(buf, "%lld\n", off);
}

#define K4A_HEALTH_ATTR(_name, _field)					\
static ssize_t health_##_name##_show(struct device *dev,		\
				     struct device_attribute *attr,	\
				     char *buf)				\
{									\
	return k4a_health_show(dev, buf, _field);			\
}									\
static struct device_attribute dev_attr_health_##_name =		\
	__ATTR(_name, 0444, health_##_name##_show, NULL)

K4A_HEALTH_ATTR(color_frames, K4A_HL_COLOR_FRAMES);
K4A_HEALTH_ATTR(color_dropped, K4A_HL_COLOR_DROPPED);
K4A_HEALTH_ATTR(color_gaps, K4A_HL_COLOR_GAPS);
K4A_HEALTH_ATTR(depth_frames, K4A_HL_DEPTH_FRAMES);
K4A_HEALTH_ATTR(depth_dropped, K4A_HL_DEPTH_DROPPED);
K4A_HEALTH_ATTR(depth_gaps, K4A_HL_DEPTH_GAPS);
K4A_HEALTH_ATTR(state_changes, K4A_HL_STATE_CHANGES);
K4A_HEALTH_ATTR(lost_count, K4A_HL_LOST);
K4A_HEALTH_ATTR(frame_offset_ns, K4A_HL_OFFSET);
K4A_HEALTH_ATTR(color_soe_ns, K4A_HL_COLOR_SOE);

static struct attribute *k4a_health_attrs[] = {
	&dev_attr_health_color_frames.attr,
	&dev_attr_health_color_dropped.attr,
	&dev_attr_health_color_gaps.attr,
	&dev_attr_health_depth_frames.attr,
	&dev_attr_health_depth_dropped.attr,
	&dev_attr_health_depth_gaps.attr,
	&dev_attr_health_state_changes.attr,
	&dev_attr_health_lost_count.attr,
	&dev_attr_health_frame_offset_ns.attr,
	&dev_attr_health_color_soe_ns.attr,
	NULL,
};

static const struct attribute_group k4a_health_group = {
	.name = "health",
	.attrs = k4a_health_attrs,
};

static ssize_t calibration_read(struct file *file, struct kobject *kobj,
				struct bin_attribute *attr, char *buf,
				loff_t off, size_t count)
{
	struct k4a_half *depth = k4a_dev_to_unit(kobj_to_dev(kobj))->depth;

	return memory_read_from_buffer(buf, count, &off, depth->calib,
				       depth->calib_len);
}
static BIN_ATTR_RO(calibration, 0);

static ssize_t ir_sensor_calibration_read(struct file *file,
					  struct kobject *kobj,
					  struct bin_attribute *attr,
					  char *buf, loff_t off, size_t count)
{
	struct k4a_unit *unit = k4a_dev_to_unit(kobj_to_dev(kobj));
	struct kernfs_node *kn;
	const u8 *blob;
	size_t len;
	ssize_t ret;

	if (k4a_unit_dead(unit))
		return -ENODEV;
	/*
	 * The first read takes as long as the device needs for 2 MB: it must
	 * not hold up the removal of the unit's files. With the file's active
	 * protection broken the unit stays referenced (by the kobject) and the
	 * read ends with -ENODEV at its next piece once the unit is dead.
	 */
	kn = sysfs_break_active_protection(kobj, &attr->attr);
	if (!kn)
		return -ENODEV;
	ret = k4a_depth_nv_get(unit, &blob, &len);
	if (!ret)
		ret = memory_read_from_buffer(buf, count, &off, blob, len);
	sysfs_unbreak_active_protection(kn);
	return ret;
}
static BIN_ATTR_ADMIN_RO(ir_sensor_calibration, 0);

static struct attribute *k4a_unit_attrs[] = {
	&dev_attr_serial.attr,
	&dev_attr_firmware_version.attr,
	&dev_attr_sync_mode.attr,
	&dev_attr_sync_mode_available.attr,
	&dev_attr_sync_in_jack.attr,
	&dev_attr_sync_out_jack.attr,
	&dev_attr_subordinate_delay_off_master_usec.attr,
	&dev_attr_depth_delay_off_color_usec.attr,
	&dev_attr_state.attr,
	&dev_attr_sync_state.attr,
	&dev_attr_start_gate.attr,
	NULL,
};

static struct bin_attribute *k4a_unit_bin_attrs[] = {
	&bin_attr_calibration,
	&bin_attr_ir_sensor_calibration,
	NULL,
};

static const struct attribute_group k4a_unit_group = {
	.attrs = k4a_unit_attrs,
	.bin_attrs = k4a_unit_bin_attrs,
};

const struct attribute_group *k4a_unit_groups[] = {
	&k4a_unit_group,
	&k4a_clock_group,
	&k4a_health_group,
	NULL,
};

/* ---- debugfs: per-stream start and stop until the video nodes exist ---- */

static struct dentry *k4a_debugfs_root;

/* Copy a debugfs write into @buf (K4A_INPUT_MAX + 1 bytes) as a string. */
static int k4a_dbg_input(const char __user *ubuf, size_t count, char *buf)
{
	if (count > K4A_INPUT_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return 0;
}

static int k4a_dbg_stream(const char *word)
{
	if (!strcmp(word, "color"))
		return K4A_SID_COLOR;
	if (!strcmp(word, "depth"))
		return K4A_SID_DEPTH;
	return -EINVAL;
}

/*
 * Read a debugfs write of stream words ("color", "depth", each at most
 * once) into @order, in the order written; @n gets their number.
 */
static int k4a_dbg_streams(const char __user *ubuf, size_t count,
			   enum k4a_stream_id *order, unsigned int *n)
{
	char buf[K4A_INPUT_MAX + 1], *p = buf, *word;
	unsigned int seen = 0;
	int id, ret;

	ret = k4a_dbg_input(ubuf, count, buf);
	if (ret)
		return ret;
	*n = 0;
	while ((word = strsep(&p, " ,\n"))) {
		if (!*word)
			continue;
		id = k4a_dbg_stream(word);
		if (id < 0 || (seen & BIT(id)))
			return -EINVAL;
		seen |= BIT(id);
		order[(*n)++] = id;
	}
	return 0;
}

static ssize_t k4a_dbg_start_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	enum k4a_stream_id order[K4A_SID_COUNT];
	unsigned int i, n;
	int ret;

	ret = k4a_dbg_streams(ubuf, count, order, &n);
	if (!ret && !n)
		ret = -EINVAL;
	for (i = 0; !ret && i < n; i++)
		ret = k4a_stream_start(file->private_data, order[i]);
	return ret ? ret : count;
}

static ssize_t k4a_dbg_stop_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	enum k4a_stream_id order[K4A_SID_COUNT];
	unsigned int i, n;
	int ret;

	ret = k4a_dbg_streams(ubuf, count, order, &n);
	if (ret)
		return ret;
	if (!n)
		k4a_stream_stop_all(file->private_data);
	for (i = 0; i < n; i++)
		k4a_stream_stop(file->private_data, order[i]);
	return count;
}

static ssize_t k4a_dbg_fps_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[K4A_INPUT_MAX + 1];
	u32 fps;
	int ret;

	ret = k4a_dbg_input(ubuf, count, buf);
	if (ret)
		return ret;
	if (kstrtou32(strim(buf), 10, &fps))
		return -EINVAL;
	ret = k4a_stream_set_fps(file->private_data, fps);
	return ret ? ret : count;
}

static ssize_t k4a_dbg_streams_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct k4a_unit *unit = file->private_data;
	u64 frames[K4A_SID_COUNT], dropped[K4A_SID_COUNT];
	u32 seq[K4A_SID_COUNT];
	unsigned int streams, i;
	char buf[256];
	int len;
	u32 fps;

	mutex_lock(&unit->lock);
	streams = unit->streams;
	fps = unit->fps;
	spin_lock_irq(&unit->slock);
	for (i = 0; i < K4A_SID_COUNT; i++) {
		frames[i] = unit->stream[i].frames;
		dropped[i] = unit->stream[i].dropped;
		seq[i] = unit->stream[i].sequence;
	}
	spin_unlock_irq(&unit->slock);
	mutex_unlock(&unit->lock);
	len = scnprintf(buf, sizeof(buf), "%s%s%s %u\n",
			streams & K4A_STREAM_COLOR ? "color" : "",
			streams == (K4A_STREAM_COLOR | K4A_STREAM_DEPTH) ?
			"," : "",
			streams & K4A_STREAM_DEPTH ? "depth" :
			streams ? "" : "none", fps);
	for (i = 0; i < K4A_SID_COUNT; i++)
		if (streams & BIT(i))
			len += scnprintf(buf + len, sizeof(buf) - len,
					 "%s frames=%llu dropped=%llu sequence=%u\n",
					 k4a_stream_name(i), frames[i],
					 dropped[i], seq[i]);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * clock: the unit's clock estimator as the completions left it: the fit
 * (rate deviation in ppb, reference point, error bound), the IMU packets
 * used, ignored, backlogged and malformed since colour started; its place
 * in the rig
 * (role, frames on its pulse train and its ratio to the source, its own
 * rate measurement and weight, whether it maps at the shared rate, refusals
 * of it); and the window's bucket minima, one "dev_ticks host_ns" line
 * each, oldest first.
 */
static ssize_t k4a_dbg_clock_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct k4a_unit *unit = file->private_data;
	struct k4a_clock *c;
	const size_t size = 8192;
	u32 imu_packets, imu_ignored, imu_backlogged, imu_bad;
	bool have_ratio;
	s32 ratio = 0;
	unsigned int i, b;
	u8 role;
	ssize_t ret;
	char *buf;
	int len;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	buf = kmalloc(size, GFP_KERNEL);
	if (!c || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	spin_lock_irq(&unit->slock);
	*c = unit->clock;
	imu_packets = unit->cam.imu.packets;
	imu_ignored = unit->cam.imu.ignored;
	imu_backlogged = unit->cam.imu.backlogged;
	imu_bad = unit->cam.imu.bad;
	role = unit->rig_role;
	spin_unlock_irq(&unit->slock);
	have_ratio = k4a_clock_train_ratio(c, &ratio);
	len = scnprintf(buf, size,
			"ready %d ppb %d ref %llu %llu error_ns %u samples %u outliers %u restarts %u imu %u ignored %u backlogged %u bad %u prior %d bucket_ms %u\n"
			"rig role %u train_frames %u ratio_ok %d ratio_ppb %d own_ok %d own_ppb %d own_weight %u shared %d refused %u\n",
			k4a_clock_ready(c), k4a_clock_ppm_x1000(c),
			c->ref.dev, c->ref.host, k4a_clock_error_ns(c),
			c->samples, c->stat_outliers, c->stat_restarts,
			imu_packets, imu_ignored, imu_backlogged, imu_bad,
			c->have_prior,
			c->bucket_ticks / (c->hz / 1000),
			role, c->train.frames, have_ratio, ratio,
			c->own_valid, c->own_ppb, c->own_w, c->shared,
			c->stat_refused);
	for (i = 0; i < K4A_CLOCK_BUCKETS; i++) {
		b = (c->newest + 1 + i) % K4A_CLOCK_BUCKETS;
		if (!(c->used & BIT_ULL(b)) ||
		    c->newest - c->bucket[b] >= K4A_CLOCK_BUCKETS)
			continue;
		len += scnprintf(buf + len, size - len, "%llu %llu\n",
				 c->pt[b].dev, c->pt[b].host);
	}
	ret = simple_read_from_buffer(ubuf, count, ppos, buf, len);
out:
	kfree(buf);
	kfree(c);
	return ret;
}

static const struct file_operations k4a_dbg_clock_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = k4a_dbg_clock_read,
};

static const struct file_operations k4a_dbg_start_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = k4a_dbg_start_write,
};

static const struct file_operations k4a_dbg_stop_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = k4a_dbg_stop_write,
};

static const struct file_operations k4a_dbg_fps_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = k4a_dbg_fps_write,
};

static const struct file_operations k4a_dbg_streams_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = k4a_dbg_streams_read,
};

/**
 * k4a_debugfs_init() - create the driver's debugfs directory
 */
void k4a_debugfs_init(void)
{
	k4a_debugfs_root = debugfs_create_dir("k4a", NULL);
}

/**
 * k4a_debugfs_exit() - remove the driver's debugfs directory
 */
void k4a_debugfs_exit(void)
{
	debugfs_remove_recursive(k4a_debugfs_root);
	k4a_debugfs_root = NULL;
}

/**
 * k4a_debugfs_add() - per-unit debugfs files
 * @unit: unit being registered
 *
 * The stand-in for the video nodes' STREAMON/STREAMOFF/S_PARM until they
 * exist, running the same per-stream model:
 * start: "color" and/or "depth", started in the order written;
 * stop: the streams named, or every stream for an empty write;
 * fps: the unit's frame rate; streams: the running streams and the rate;
 * clock: the clock estimator's fit and window.
 */
void k4a_debugfs_add(struct k4a_unit *unit)
{
	unit->debugfs = debugfs_create_dir(dev_name(&unit->dev),
					   k4a_debugfs_root);
	debugfs_create_file("start", 0200, unit->debugfs, unit,
			    &k4a_dbg_start_fops);
	debugfs_create_file("stop", 0200, unit->debugfs, unit,
			    &k4a_dbg_stop_fops);
	debugfs_create_file("fps", 0200, unit->debugfs, unit,
			    &k4a_dbg_fps_fops);
	debugfs_create_file("streams", 0400, unit->debugfs, unit,
			    &k4a_dbg_streams_fops);
	debugfs_create_file("clock", 0400, unit->debugfs, unit,
			    &k4a_dbg_clock_fops);
}

/**
 * k4a_debugfs_remove() - remove the unit's debugfs files
 * @unit: unit; waits for running file operations
 */
void k4a_debugfs_remove(struct k4a_unit *unit)
{
	debugfs_remove_recursive(unit->debugfs);
	unit->debugfs = NULL;
}
