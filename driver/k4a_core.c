// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_core: module entry, USB binding, identity at probe, and pairing of the
 * depth (045e:097c) and colour (045e:097d) devices of one camera into a unit
 * by their BOS Container ID.
 *
 * Binding: the depth device is bound on interface 0. The colour device is
 * bound on its UVC VideoControl interface, from where the driver claims the
 * VideoStreaming interface(s) and the vendor interface (colour MCU); a
 * colour device without a UVC function is bound on its vendor interface.
 * uvcvideo also matches the VideoControl interface; the udev rules shipped
 * in userspace/udev hand the device to k4a whichever module loads first.
 *
 * Pairing: whichever half probes first waits in a list of unpaired halves.
 * The second half with the same Container ID completes the unit, provided
 * the colour device's iSerialNumber equals the depth serial (READ_PRODUCT_SN);
 * otherwise its probe is refused. The unit lives while both halves are bound;
 * when either leaves, the unit is unlinked and marked dead under k4a_lock
 * (every entry point then answers -ENODEV), and the slow part happens
 * without the lock: its files disappear (waiting for running callbacks,
 * whose long reads stop between pieces), its streams stop and their URBs
 * are killed on both halves. Only then may the other half pair again. The
 * sync settings are kept per serial for the next time the unit forms.
 *
 * A half survives system suspend and USB reset: its MCU transport is
 * quiesced across them; after a reset the depth half's identity is checked
 * again and the unit's running configuration is sent again.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/vmalloc.h>
#include <linux/wait_bit.h>

#include "k4a.h"

/* Readiness at bind: a device status other than success means "not yet". */
#define K4A_READY_TRIES		20
#define K4A_READY_DELAY_MS	500

#define USB_CLASS_VIDEO_SC_CONTROL	0x01
#define USB_CLASS_VIDEO_SC_STREAMING	0x02

/*
 * k4a_lock protects k4a_orphans, k4a_units, every half's ->unit and ->node,
 * and unit creation; it is never held while a unit's files are removed.
 */
static DEFINE_MUTEX(k4a_lock);
static LIST_HEAD(k4a_orphans);
static LIST_HEAD(k4a_units);
static DEFINE_IDA(k4a_ida);
/* Units whose memory is not yet freed; module exit waits for zero. */
static atomic_t k4a_live_units = ATOMIC_INIT(0);

static struct usb_driver k4a_driver;

struct class k4a_class = {
	.name = K4A_CLASS_NAME,
};

/* ---- halves ---- */

static void k4a_half_release(struct kref *ref)
{
	struct k4a_half *half = container_of(ref, struct k4a_half, ref);
	unsigned int i;

	k4a_mcu_cleanup(&half->mcu);
	kfree(half->calib);
	vfree(half->nv_blob);
	for (i = 0; i < half->n_claimed; i++)
		usb_put_intf(half->claimed[i]);
	usb_put_intf(half->intf);
	usb_put_dev(half->udev);
	kfree(half);
}

static void k4a_half_put(struct k4a_half *half)
{
	kref_put(&half->ref, k4a_half_release);
}

static struct k4a_half *k4a_half_alloc(struct usb_interface *intf,
				       enum k4a_half_kind kind)
{
	struct k4a_half *half = kzalloc(sizeof(*half), GFP_KERNEL);

	if (!half)
		return NULL;
	kref_init(&half->ref);
	half->kind = kind;
	half->udev = usb_get_dev(interface_to_usbdev(intf));
	half->intf = usb_get_intf(intf);
	mutex_init(&half->power_lock);
	mutex_init(&half->nv_lock);
	INIT_LIST_HEAD(&half->node);
	return half;
}

static int k4a_half_container_id(struct k4a_half *half)
{
	struct usb_host_bos *bos = half->udev->bos;

	if (!bos || !bos->ss_id) {
		dev_err(&half->intf->dev,
			"no BOS Container ID: this device cannot be paired\n");
		return -ENODEV;
	}
	memcpy(half->container_id, bos->ss_id->ContainerID, K4A_CID_LEN);
	return 0;
}

/* ---- identity ---- */

static int k4a_depth_versions(struct k4a_half *half)
{
	struct k4a_mcu *mcu = &half->mcu;
	enum k4a_fw_component c = K4A_FW_RGB;
	const struct k4a_version *v;
	u8 buf[K4A_VERSION_LEN];
	size_t got = 0;
	int i, ret, perr;

	/*
	 * A device status other than success means "not ready yet": retry
	 * like the vendor host. A transport error (stall, timeout, malformed
	 * reply) is not retried: it will not go away by waiting.
	 */
	for (i = 0; i < K4A_READY_TRIES; i++) {
		unsigned int flags = i + 1 < K4A_READY_TRIES ?
				     K4A_XFER_QUIET : 0;

		ret = k4a_mcu_xfer(mcu, K4A_OP_COMPONENT_VERSION_GET, NULL, 0,
				   buf, sizeof(buf), &got, flags);
		if (ret != -EREMOTEIO || i + 1 == K4A_READY_TRIES)
			break;
		msleep(K4A_READY_DELAY_MS);
	}
	if (ret == -EREMOTEIO)
		ret = -EIO;
	if (ret) {
		dev_err(&half->intf->dev, "cannot read firmware versions (%d)\n",
			ret);
		return ret;
	}
	perr = k4a_proto_decode_versions(buf, got, &half->fw);
	if (perr) {
		dev_err(&half->intf->dev, "firmware versions: %s (%zu bytes)\n",
			k4a_proto_strerror(perr), got);
		return -EPROTO;
	}

	switch (k4a_proto_check_versions(&half->fw, &c)) {
	case K4A_FW_BELOW_MINIMUM:
		v = &half->fw.part[c];
		dev_err(&half->intf->dev,
			"%s firmware %u.%u.%u is older than the minimum %u.%u.%u: update the device firmware\n",
			k4a_fw_component_name(c), v->major, v->minor, v->build,
			k4a_fw_minimum[c].major, k4a_fw_minimum[c].minor,
			k4a_fw_minimum[c].build);
		return -ENODEV;
	case K4A_FW_BELOW_SUGGESTED:
		v = &half->fw.part[c];
		dev_notice(&half->intf->dev,
			   "%s firmware %u.%u.%u is older than the suggested %u.%u.%u\n",
			   k4a_fw_component_name(c), v->major, v->minor,
			   v->build, k4a_fw_suggested[c].major,
			   k4a_fw_suggested[c].minor,
			   k4a_fw_suggested[c].build);
		break;
	case K4A_FW_OK:
		break;
	}
	return 0;
}

/* Read the serial number from the depth MCU into @out (@len bytes). */
static int k4a_depth_serial(struct k4a_half *half, char *out, size_t len)
{
	size_t got = 0;
	int ret, n;
	u8 *buf;

	buf = kmalloc(K4A_SERIAL_READ_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = k4a_mcu_read(&half->mcu, K4A_OP_READ_PRODUCT_SN, NULL, 0, buf,
			   K4A_SERIAL_READ_LEN, &got);
	if (!ret) {
		n = k4a_proto_decode_serial(buf, got, out, len);
		if (n < 0) {
			dev_err(&half->intf->dev,
				"serial number from the depth MCU: %s\n",
				k4a_proto_strerror(n));
			ret = -EPROTO;
		}
	} else {
		dev_err(&half->intf->dev, "cannot read the serial number (%d)\n",
			ret);
	}
	kfree(buf);
	return ret;
}

/* Calibration is informative: a failure leaves the attribute empty. */
static void k4a_depth_calibration(struct k4a_half *half)
{
	size_t size = K4A_CALIB_READ_LEN, got = 0;
	int i, ret, n;
	u8 *buf;

	buf = kvmalloc(K4A_CALIB_READ_MAX, GFP_KERNEL);
	if (!buf)
		return;
	/* The whole text fits only if it left room in the buffer. */
	for (i = 1;; i++) {
		ret = k4a_mcu_read(&half->mcu, K4A_OP_READ_CALIBRATION, NULL, 0,
				   buf, size, &got);
		if (ret || got < size)
			break;
		if (i == K4A_CALIB_READ_TRIES) {
			ret = -EFBIG;
			break;
		}
		size += K4A_CALIB_READ_STEP;
	}
	if (ret) {
		dev_notice(&half->intf->dev,
			   "calibration data unavailable (%d)\n", ret);
		goto out;
	}
	n = k4a_proto_check_calibration(buf, got);
	if (n < 0) {
		dev_notice(&half->intf->dev, "calibration data rejected: %s\n",
			   k4a_proto_strerror(n));
		goto out;
	}
	half->calib = kmemdup(buf, n, GFP_KERNEL);
	if (half->calib)
		half->calib_len = n;
out:
	kvfree(buf);
}

/*
 * Stop what a previous host may have left running (a killed program), as the
 * vendor host does when it opens a device; the statuses mean nothing here.
 */
static void k4a_quiet_stop(struct k4a_half *half)
{
	static const u32 depth_ops[] = {
		K4A_OP_DEPTH_STREAM_STOP, K4A_OP_DEPTH_STOP,
	};
	static const u32 color_ops[] = { K4A_OP_IMU_STREAM_STOP };
	bool depth = half->kind == K4A_HALF_DEPTH;
	const u32 *ops = depth ? depth_ops : color_ops;
	unsigned int i, n = depth ? ARRAY_SIZE(depth_ops) :
				   ARRAY_SIZE(color_ops);

	for (i = 0; i < n; i++)
		k4a_mcu_xfer(&half->mcu, ops[i], NULL, 0, NULL, 0, NULL,
			     K4A_XFER_QUIET);
}

static int k4a_depth_identify(struct k4a_half *half)
{
	int ret;

	ret = k4a_depth_versions(half);
	if (!ret)
		ret = k4a_depth_serial(half, half->serial,
				       sizeof(half->serial));
	if (!ret)
		k4a_depth_calibration(half);
	return ret;
}

static int k4a_color_identify(struct k4a_half *half)
{
	const char *s = half->udev->serial;
	int n;

	if (!s) {
		dev_err(&half->intf->dev,
			"no serial number string: this device cannot be paired\n");
		return -ENODEV;
	}
	n = k4a_proto_decode_serial((const u8 *)s, strlen(s), half->serial,
				    sizeof(half->serial));
	if (n < 0) {
		dev_err(&half->intf->dev, "serial number string: %s\n",
			k4a_proto_strerror(n));
		return -ENODEV;
	}
	return 0;
}

/**
 * k4a_depth_nv_get() - the NV tag 2 (IR sensor calibration) blob
 * @unit: unit
 * @blob: set to the cached blob
 * @len: set to its length
 *
 * Read from the depth MCU on the first request, then cached for as long as
 * the depth half is bound. The depth sensor must be powered for this read:
 * it is held powered for the read (powered on first unless a depth stream
 * has it on). The read stops between pieces, with -ENODEV, once the unit is
 * torn down.
 *
 * Context: process context; takes half->nv_lock, half->power_lock,
 * mcu->lock.
 * Return: 0 or a negative errno.
 */
int k4a_depth_nv_get(struct k4a_unit *unit, const u8 **blob, size_t *len)
{
	struct k4a_half *half = unit->depth;
	struct k4a_mcu *mcu = &half->mcu;
	size_t got = 0;
	u8 *buf = NULL;
	u8 tag[4];
	int ret;

	if (mutex_lock_interruptible(&half->nv_lock))
		return -EINTR;
	if (half->nv_blob)
		goto done;

	ret = k4a_depth_power_get(half);
	if (ret)
		goto out;
	buf = vmalloc(K4A_NV_READ_LEN);
	if (buf) {
		k4a_put_le32(tag, K4A_NV_TAG_IR_SENSOR_CALIBRATION);
		ret = k4a_mcu_read_cancellable(mcu, K4A_OP_NV_DATA_GET, tag,
					       sizeof(tag), buf,
					       K4A_NV_READ_LEN, &got,
					       &unit->flags, K4A_UNIT_DEAD);
	} else {
		ret = -ENOMEM;
	}
	k4a_depth_power_put(half);

	if (!ret && got < K4A_NV_MIN_LEN) {
		dev_err_ratelimited(mcu->dev,
				    "%s MCU: %s (0x%08x): %zu bytes is too short\n",
				    mcu->name,
				    k4a_proto_opcode_name(K4A_OP_NV_DATA_GET),
				    K4A_OP_NV_DATA_GET, got);
		ret = -EPROTO;
	}
	if (!ret) {
		half->nv_blob = vmalloc(got);
		if (half->nv_blob) {
			memcpy(half->nv_blob, buf, got);
			half->nv_len = got;
		} else {
			ret = -ENOMEM;
		}
	}
	vfree(buf);
	if (ret)
		goto out;
done:
	*blob = half->nv_blob;
	*len = half->nv_len;
	ret = 0;
out:
	mutex_unlock(&half->nv_lock);
	return ret;
}

/* ---- units ---- */

static void k4a_unit_dev_release(struct device *dev)
{
	struct k4a_unit *unit = k4a_dev_to_unit(dev);

	if (unit->depth)
		k4a_half_put(unit->depth);
	if (unit->color)
		k4a_half_put(unit->color);
	k4a_color_cleanup(unit);
	ida_free(&k4a_ida, unit->index);
	kfree(unit);
	if (atomic_dec_and_test(&k4a_live_units))
		wake_up_var(&k4a_live_units);
}

/* The links between a unit and its halves; the unit's "color" link last. */
static int k4a_unit_links(struct k4a_unit *unit)
{
	int ret;

	ret = sysfs_create_link(&unit->depth->intf->dev.kobj, &unit->dev.kobj,
				"k4a_unit");
	if (ret)
		return ret;
	ret = sysfs_create_link(&unit->color->intf->dev.kobj, &unit->dev.kobj,
				"k4a_unit");
	if (ret)
		goto err_back;
	ret = sysfs_create_link(&unit->dev.kobj, &unit->depth->intf->dev.kobj,
				"depth");
	if (ret)
		goto err_color_back;
	ret = sysfs_create_link(&unit->dev.kobj, &unit->color->intf->dev.kobj,
				"color");
	if (ret)
		goto err_depth;
	return 0;

err_depth:
	sysfs_remove_link(&unit->dev.kobj, "depth");
err_color_back:
	sysfs_remove_link(&unit->color->intf->dev.kobj, "k4a_unit");
err_back:
	sysfs_remove_link(&unit->depth->intf->dev.kobj, "k4a_unit");
	return ret;
}

static void k4a_unit_unlink(struct k4a_unit *unit)
{
	sysfs_remove_link(&unit->color->intf->dev.kobj, "k4a_unit");
	sysfs_remove_link(&unit->depth->intf->dev.kobj, "k4a_unit");
	sysfs_remove_link(&unit->dev.kobj, "color");
	sysfs_remove_link(&unit->dev.kobj, "depth");
}

/*
 * Create and register the unit of two matching halves; k4a_lock held. The
 * add uevent is sent once the links and debugfs files exist, so that udev
 * rules see a complete unit.
 */
static int k4a_unit_create(struct k4a_half *depth, struct k4a_half *color)
{
	struct k4a_unit *unit;
	bool restored;
	int ret;

	lockdep_assert_held(&k4a_lock);

	unit = kzalloc(sizeof(*unit), GFP_KERNEL);
	if (!unit)
		return -ENOMEM;
	ret = ida_alloc(&k4a_ida, GFP_KERNEL);
	if (ret < 0) {
		kfree(unit);
		return ret;
	}
	unit->index = ret;
	atomic_inc(&k4a_live_units);
	mutex_init(&unit->lock);
	mutex_init(&unit->jack_refresh);
	spin_lock_init(&unit->jack_slock);
	INIT_LIST_HEAD(&unit->node);
	k4a_stream_init(unit);
	kref_get(&depth->ref);
	unit->depth = depth;
	kref_get(&color->ref);
	unit->color = color;
	strscpy(unit->serial, depth->serial, sizeof(unit->serial));
	restored = k4a_cfg_restore(unit->serial, &unit->cfg);
	if (!restored)
		k4a_sync_default(&unit->cfg);
	unit->fps = K4A_DEFAULT_FPS;

	/* From here on, put_device() frees everything. */
	device_initialize(&unit->dev);
	unit->dev.class = &k4a_class;
	unit->dev.parent = &depth->intf->dev;
	unit->dev.groups = k4a_unit_groups;
	unit->dev.release = k4a_unit_dev_release;
	ret = dev_set_name(&unit->dev, "k4a%d", unit->index);
	if (ret)
		goto err_put;
	dev_set_uevent_suppress(&unit->dev, true);
	ret = device_add(&unit->dev);
	if (ret)
		goto err_put;
	/* The "color" link comes last: a unit that has it is complete. */
	k4a_debugfs_add(unit);
	ret = k4a_v4l2_register(unit);
	if (ret)
		goto err_debugfs;
	ret = k4a_unit_links(unit);
	if (ret)
		goto err_v4l2;
	dev_set_uevent_suppress(&unit->dev, false);
	kobject_uevent(&unit->dev.kobj, KOBJ_ADD);

	depth->unit = unit;
	color->unit = unit;
	list_add_tail(&unit->node, &k4a_units);
	dev_info(&unit->dev, "serial %s: depth %s, color %s%s\n", unit->serial,
		 dev_name(&depth->udev->dev), dev_name(&color->udev->dev),
		 restored ? ", settings restored" : "");
	return 0;

err_v4l2:
	k4a_v4l2_unregister(unit);
err_debugfs:
	k4a_debugfs_remove(unit);
	/* A debugfs start may have slipped in: nothing of it may outlive us. */
	k4a_watch_close(unit);
	k4a_stream_stop_all(unit);
	device_del(&unit->dev);
err_put:
	put_device(&unit->dev);
	return ret;
}

/*
 * First step of a unit's end, k4a_lock held: no half refers to it any more,
 * and every entry point sees it dead.
 */
static void k4a_unit_detach(struct k4a_unit *unit)
{
	lockdep_assert_held(&k4a_lock);

	set_bit(K4A_UNIT_DEAD, &unit->flags);
	list_del_init(&unit->node);
	unit->depth->unit = NULL;
	unit->color->unit = NULL;
}

/*
 * Second step, without k4a_lock: no sync state announcement from now on
 * (none is sent for a device being deleted), remove the files (waiting for
 * running callbacks, which are short; the long NV read does not hold its
 * file and stops at its next piece), stop the streams and kill their URBs
 * on both halves. Afterwards no stream of the unit runs and none of its
 * work items is queued.
 */
static void k4a_unit_shutdown(struct k4a_unit *unit)
{
	k4a_watch_close(unit);
	k4a_debugfs_remove(unit);
	k4a_unit_unlink(unit);
	k4a_v4l2_unregister(unit);
	device_del(&unit->dev);
	k4a_stream_stop_all(unit);
	k4a_v4l2_disconnect(unit);
	dev_info(&unit->dev, "serial %s: unit dissolved\n", unit->serial);
}

/* A half is leaving once its transport is dead (set before k4a_lock). */
static bool k4a_half_dying(struct k4a_half *half)
{
	return test_bit(K4A_MCU_DEAD, &half->mcu.flags);
}

/* Pair a half, or queue it to wait for its partner; k4a_lock held. */
static int k4a_pair(struct k4a_half *half)
{
	struct k4a_half *other = NULL, *mismatch = NULL, *it, *depth, *color;
	int ret;

	lockdep_assert_held(&k4a_lock);

	/* Same Container ID and same serial; remember a serial mismatch. */
	list_for_each_entry(it, &k4a_orphans, node) {
		if (it->kind == half->kind || k4a_half_dying(it) ||
		    memcmp(it->container_id, half->container_id, K4A_CID_LEN))
			continue;
		if (!strcmp(it->serial, half->serial)) {
			other = it;
			break;
		}
		if (!mismatch)
			mismatch = it;
	}
	if (!other && mismatch) {
		depth = half->kind == K4A_HALF_DEPTH ? half : mismatch;
		color = half->kind == K4A_HALF_COLOR ? half : mismatch;
		dev_err(&half->intf->dev,
			"refusing to pair depth %s (serial %s) with color %s (serial %s): same Container ID %pU but different serial numbers\n",
			dev_name(&depth->udev->dev), depth->serial,
			dev_name(&color->udev->dev), color->serial,
			half->container_id);
		return -ENODEV;
	}
	if (!other) {
		list_add_tail(&half->node, &k4a_orphans);
		return 0;
	}

	depth = half->kind == K4A_HALF_DEPTH ? half : other;
	color = half->kind == K4A_HALF_COLOR ? half : other;
	list_del_init(&other->node);
	ret = k4a_unit_create(depth, color);
	if (ret) {
		dev_err(&half->intf->dev, "cannot create the unit (%d)\n", ret);
		list_add_tail(&other->node, &k4a_orphans);
	}
	return ret;
}

/*
 * The partner of a leaving half, once the unit is shut down: pair it again
 * (its own partner may have come back meanwhile) or let it wait.
 */
static void k4a_repair(struct k4a_half *survivor)
{
	mutex_lock(&k4a_lock);
	if (!k4a_half_dying(survivor) && !survivor->unit &&
	    list_empty(&survivor->node) && k4a_pair(survivor))
		list_add_tail(&survivor->node, &k4a_orphans);
	mutex_unlock(&k4a_lock);
}

/* ---- USB driver ---- */

static bool k4a_is_vc(struct usb_interface *intf)
{
	struct usb_interface_descriptor *d = &intf->cur_altsetting->desc;

	return d->bInterfaceClass == USB_CLASS_VIDEO &&
	       d->bInterfaceSubClass == USB_CLASS_VIDEO_SC_CONTROL;
}

static bool k4a_is_vs(struct usb_interface *intf)
{
	struct usb_interface_descriptor *d = &intf->cur_altsetting->desc;

	return d->bInterfaceClass == USB_CLASS_VIDEO &&
	       d->bInterfaceSubClass == USB_CLASS_VIDEO_SC_STREAMING;
}

static bool k4a_is_vendor(struct usb_interface *intf)
{
	return intf->cur_altsetting->desc.bInterfaceClass ==
	       USB_CLASS_VENDOR_SPEC;
}

static void k4a_release_claimed(struct k4a_half *half,
				struct usb_interface *except)
{
	unsigned int i;

	for (i = 0; i < half->n_claimed; i++) {
		usb_set_intfdata(half->claimed[i], NULL);
		if (half->claimed[i] != except)
			usb_driver_release_interface(&k4a_driver,
						     half->claimed[i]);
	}
}

static int k4a_claim(struct k4a_half *half, struct usb_interface *intf)
{
	int ret;

	if (half->n_claimed >= K4A_MAX_CLAIMED)
		return -ENOSPC;
	ret = usb_driver_claim_interface(&k4a_driver, intf, half);
	if (ret)
		return ret;
	half->claimed[half->n_claimed++] = usb_get_intf(intf);
	return 0;
}

/*
 * Colour device: find the vendor (MCU) interface and, when probed on the
 * VideoControl interface, claim it and the VideoStreaming interfaces.
 */
static int k4a_color_bind(struct k4a_half *half, struct usb_interface **mcu)
{
	struct usb_host_config *cfg = half->udev->actconfig;
	struct usb_interface *vendor = NULL, *it;
	bool have_vc = false;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->desc.bNumInterfaces; i++) {
		it = cfg->interface[i];
		if (!it)
			continue;
		if (k4a_is_vc(it))
			have_vc = true;
		else if (k4a_is_vendor(it) && !vendor)
			vendor = it;
	}

	if (k4a_is_vendor(half->intf)) {
		/* With a UVC function the VideoControl probe owns it. */
		if (have_vc)
			return -ENODEV;
		*mcu = half->intf;
		return 0;
	}

	if (!vendor) {
		dev_err(&half->intf->dev, "no vendor interface (color MCU)\n");
		return -ENODEV;
	}
	for (i = 0; i < cfg->desc.bNumInterfaces; i++) {
		it = cfg->interface[i];
		if (!it || it == half->intf || !(k4a_is_vs(it) || it == vendor))
			continue;
		ret = k4a_claim(half, it);
		if (ret) {
			dev_err(&half->intf->dev,
				"cannot claim interface %u (%d)\n",
				it->cur_altsetting->desc.bInterfaceNumber, ret);
			k4a_release_claimed(half, NULL);
			return ret;
		}
	}
	*mcu = vendor;
	return 0;
}

static int k4a_probe(struct usb_interface *intf,
		     const struct usb_device_id *id)
{
	struct usb_device *udev = interface_to_usbdev(intf);
	bool color = le16_to_cpu(udev->descriptor.idProduct) == K4A_PID_COLOR;
	struct usb_interface *mcu_intf = intf;
	struct k4a_half *half;
	int ret;

	half = k4a_half_alloc(intf, color ? K4A_HALF_COLOR : K4A_HALF_DEPTH);
	if (!half)
		return -ENOMEM;

	if (color) {
		ret = k4a_color_bind(half, &mcu_intf);
		if (ret)
			goto err_put;
		ret = k4a_mcu_init(&half->mcu, "color", mcu_intf,
				   K4A_EP_COLOR_CMD_OUT, K4A_EP_COLOR_RSP_IN);
	} else {
		ret = k4a_mcu_init(&half->mcu, "depth", intf,
				   K4A_EP_DEPTH_CMD_OUT, K4A_EP_DEPTH_RSP_IN);
	}
	if (ret)
		goto err_release;

	ret = k4a_half_container_id(half);
	if (ret)
		goto err_release;
	ret = color ? k4a_color_identify(half) : k4a_depth_identify(half);
	if (ret)
		goto err_release;
	k4a_quiet_stop(half);

	usb_set_intfdata(intf, half);
	mutex_lock(&k4a_lock);
	ret = k4a_pair(half);
	mutex_unlock(&k4a_lock);
	if (ret) {
		usb_set_intfdata(intf, NULL);
		goto err_release;
	}
	return 0;

err_release:
	k4a_mcu_kill(&half->mcu);
	k4a_release_claimed(half, NULL);
err_put:
	k4a_half_put(half);
	return ret;
}

static void k4a_disconnect(struct usb_interface *intf)
{
	struct k4a_half *half = usb_get_intfdata(intf), *survivor = NULL;
	struct k4a_unit *unit;
	unsigned int i;

	if (!half)
		return;

	/* Later disconnect calls for the other interfaces see NULL. */
	usb_set_intfdata(half->intf, NULL);
	for (i = 0; i < half->n_claimed; i++)
		usb_set_intfdata(half->claimed[i], NULL);

	/* In-flight and future commands fail with -ENODEV. */
	k4a_mcu_kill(&half->mcu);

	mutex_lock(&k4a_lock);
	unit = half->unit;
	if (unit) {
		survivor = unit->depth == half ? unit->color : unit->depth;
		k4a_unit_detach(unit);
	}
	list_del_init(&half->node);
	mutex_unlock(&k4a_lock);

	if (unit) {
		k4a_unit_shutdown(unit);
		k4a_repair(survivor);
		put_device(&unit->dev);
	}

	k4a_release_claimed(half, intf);
	if (half->intf != intf)
		usb_driver_release_interface(&k4a_driver, half->intf);
	k4a_half_put(half);
}

/* ---- power management and reset ---- */

/*
 * The USB core calls these for every interface bound to the driver; a half
 * acts on the interface it was probed on and ignores the ones it claimed.
 */
static struct k4a_half *k4a_pm_half(struct usb_interface *intf)
{
	struct k4a_half *half = usb_get_intfdata(intf);

	return half && half->intf == intf ? half : NULL;
}

/* The unit of a half, with a reference, or NULL. */
static struct k4a_unit *k4a_half_unit_get(struct k4a_half *half)
{
	struct k4a_unit *unit;

	mutex_lock(&k4a_lock);
	unit = half->unit;
	if (unit)
		get_device(&unit->dev);
	mutex_unlock(&k4a_lock);
	return unit;
}

/* Before a suspend or reset: the half's URBs stop, then its commands. */
static void k4a_half_quiesce(struct k4a_half *half)
{
	struct k4a_unit *unit = k4a_half_unit_get(half);

	if (unit) {
		k4a_stream_quiesce(unit, half->kind);
		put_device(&unit->dev);
	}
	k4a_mcu_quiesce(&half->mcu);
}

static int k4a_suspend(struct usb_interface *intf, pm_message_t message)
{
	struct k4a_half *half = k4a_pm_half(intf);

	if (half)
		k4a_half_quiesce(half);
	return 0;
}

/* Send a reset (or reset-resumed) half the unit's running configuration. */
static void k4a_restore(struct k4a_half *half)
{
	struct k4a_unit *unit = k4a_half_unit_get(half);
	int ret;

	if (!unit)
		return;
	ret = k4a_stream_restore(unit, half->kind);
	if (ret && ret != -ENODEV)
		dev_err(&unit->dev,
			"cannot restore the configuration after a reset (%d)\n",
			ret);
	put_device(&unit->dev);
}

static int k4a_resume(struct usb_interface *intf)
{
	struct k4a_half *half = k4a_pm_half(intf);
	struct k4a_unit *unit;
	int ret;

	if (!half)
		return 0;
	k4a_mcu_resume(&half->mcu);
	unit = k4a_half_unit_get(half);
	if (unit) {
		ret = k4a_stream_resume(unit, half->kind);
		if (ret && ret != -ENODEV)
			dev_err(&unit->dev,
				"cannot restart streaming after a resume (%d)\n",
				ret);
		put_device(&unit->dev);
	}
	return 0;
}

/* After a reset: is it still the device that was bound? */
static int k4a_revalidate(struct k4a_half *half)
{
	char now[sizeof(half->serial)];
	int ret;

	if (half->kind != K4A_HALF_DEPTH)
		return 0;	/* the USB core compared the serial string */
	ret = k4a_depth_serial(half, now, sizeof(now));
	if (!ret && strcmp(now, half->serial)) {
		dev_err(&half->intf->dev,
			"serial changed from %s to %s across a reset\n",
			half->serial, now);
		ret = -ENODEV;
	}
	return ret;
}

/* Commands again, identity checked, the running configuration sent again. */
static int k4a_after_reset(struct k4a_half *half)
{
	int ret;

	k4a_mcu_resume(&half->mcu);
	ret = k4a_revalidate(half);
	if (!ret)
		k4a_restore(half);
	return ret;
}

static int k4a_reset_resume(struct usb_interface *intf)
{
	struct k4a_half *half = k4a_pm_half(intf);

	return half && k4a_after_reset(half) ? -ENODEV : 0;
}

static int k4a_pre_reset(struct usb_interface *intf)
{
	struct k4a_half *half = k4a_pm_half(intf);

	if (half)
		k4a_half_quiesce(half);
	return 0;
}

static int k4a_post_reset(struct usb_interface *intf)
{
	struct k4a_half *half = k4a_pm_half(intf);

	/* Non-zero: the USB core unbinds and probes the interface again. */
	return half && k4a_after_reset(half) ? 1 : 0;
}

static const struct usb_device_id k4a_id_table[] = {
	{ USB_DEVICE_INTERFACE_NUMBER(K4A_VID, K4A_PID_DEPTH, 0) },
	{ USB_DEVICE_AND_INTERFACE_INFO(K4A_VID, K4A_PID_COLOR, USB_CLASS_VIDEO,
					USB_CLASS_VIDEO_SC_CONTROL, 0) },
	{ USB_DEVICE_AND_INTERFACE_INFO(K4A_VID, K4A_PID_COLOR,
					USB_CLASS_VENDOR_SPEC, 0, 0) },
	{ }
};
MODULE_DEVICE_TABLE(usb, k4a_id_table);

static struct usb_driver k4a_driver = {
	.name = "k4a",
	.probe = k4a_probe,
	.disconnect = k4a_disconnect,
	.suspend = k4a_suspend,
	.resume = k4a_resume,
	.reset_resume = k4a_reset_resume,
	.pre_reset = k4a_pre_reset,
	.post_reset = k4a_post_reset,
	.id_table = k4a_id_table,
};

static int __init k4a_init(void)
{
	int ret;

	k4a_debugfs_init();
	ret = class_register(&k4a_class);
	if (ret)
		goto err_debugfs;
	ret = usb_register(&k4a_driver);
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_unregister(&k4a_class);
err_debugfs:
	k4a_debugfs_exit();
	return ret;
}

static void __exit k4a_exit(void)
{
	usb_deregister(&k4a_driver);
	/* Unit memory goes with its last device reference. */
	wait_var_event(&k4a_live_units, !atomic_read(&k4a_live_units));
	class_unregister(&k4a_class);
	k4a_debugfs_exit();
	k4a_cfg_clear();
	ida_destroy(&k4a_ida);
}

module_init(k4a_init);
module_exit(k4a_exit);

MODULE_DESCRIPTION("Azure Kinect DK camera driver");
MODULE_LICENSE("GPL");
