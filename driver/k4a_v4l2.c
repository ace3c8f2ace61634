// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_v4l2: what every V4L2 node of a unit shares - registration and its
 * sysfs link, the vb2 queue and its buffer list, the file operations.
 *
 * A node's buffers are vmalloc'ed vb2 buffers (MMAP, USERPTR, DMABUF import
 * and export) that URB completions copy into, or scatter-gather buffers
 * (MMAP, USERPTR, DMABUF export) that the host controller fills directly.
 * Buffers the application queued sit on the node's list under unit->slock
 * until a URB completion takes one and fills it; the node kind (colour,
 * depth, metadata) supplies the format's buffer size, what starting and
 * stopping a queue means, and optionally per-buffer set-up, a hook for
 * newly queued buffers and a memory limit (&struct k4a_vnode_ops).
 *
 * Lifetime: a registered node holds a reference on the unit's device, so a
 * file kept open after the camera left still finds its unit; its ioctls
 * then fail with -ENODEV (the V4L2 core checks that the node is
 * registered), and a blocked DQBUF was woken with an error when the unit
 * was torn down.
 */
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/usb/hcd.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>

#include "k4a.h"

static struct k4a_buffer *to_k4a_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct k4a_buffer, vb);
}

/* Buffers the queue holds before this allocation (vb2 keeps at most
 * VB2_MAX_FRAME unless a driver asks for more, which k4a does not).
 */
static unsigned int k4a_queue_buffers(struct vb2_queue *q)
{
	unsigned int i, n = 0;

	for (i = 0; i < VB2_MAX_FRAME; i++)
		if (vb2_get_buffer(q, i))
			n++;
	return n;
}

/*
 * The node's memory limit: VIDIOC_REQBUFS beyond it fails with -ENOMEM;
 * VIDIOC_CREATE_BUFS gets the buffers that still fit, -ENOMEM if none does.
 */
static int k4a_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct k4a_vnode *node = vb2_get_drv_priv(q);
	const struct k4a_vnode_ops *ops = node->ops;
	u32 size = ops->sizeimage(node);
	u64 have, fit;

	if (*nplanes) {
		/* VIDIOC_CREATE_BUFS: more buffers of the size asked for. */
		if (*nplanes != 1 || sizes[0] < size)
			return -EINVAL;
		size = sizes[0];
	} else if (*nbuffers < ops->min_bufs) {
		*nbuffers = ops->min_bufs;
	}
	if (ops->mem_max) {
		have = (u64)k4a_queue_buffers(q) * PAGE_ALIGN(size);
		fit = have < ops->mem_max ?
		      div_u64(ops->mem_max - have, PAGE_ALIGN(size)) : 0;
		if (*nbuffers > fit && (!*nplanes || !fit)) {
			dev_dbg(&node->unit->dev,
				"%s: %u buffers of %u bytes exceed %lu bytes\n",
				node->link, *nbuffers, size, ops->mem_max);
			return -ENOMEM;
		}
		*nbuffers = min_t(u64, *nbuffers, fit);
	}
	if (*nplanes)
		return 0;
	*nplanes = 1;
	sizes[0] = size;
	return 0;
}

static int k4a_buf_init(struct vb2_buffer *vb)
{
	struct k4a_vnode *node = vb2_get_drv_priv(vb->vb2_queue);

	if (!node->ops->buf_init)
		return 0;
	return node->ops->buf_init(node, to_k4a_buffer(vb));
}

static void k4a_buf_cleanup(struct vb2_buffer *vb)
{
	struct k4a_vnode *node = vb2_get_drv_priv(vb->vb2_queue);

	if (node->ops->buf_cleanup)
		node->ops->buf_cleanup(node, to_k4a_buffer(vb));
}

static int k4a_buf_prepare(struct vb2_buffer *vb)
{
	struct k4a_vnode *node = vb2_get_drv_priv(vb->vb2_queue);
	u32 size = node->ops->sizeimage(node);

	if (vb2_plane_size(vb, 0) < size)
		return -EINVAL;
	if (k4a_unit_dead(node->unit))
		return -ENODEV;
	vb2_set_plane_payload(vb, 0, 0);
	return 0;
}

static void k4a_buf_queue(struct vb2_buffer *vb)
{
	struct k4a_vnode *node = vb2_get_drv_priv(vb->vb2_queue);
	struct k4a_buffer *buf = to_k4a_buffer(vb);
	unsigned long flags;

	spin_lock_irqsave(&node->unit->slock, flags);
	list_add_tail(&buf->list, &node->bufs);
	if (node->ops->queued)
		node->ops->queued(node, buf);
	spin_unlock_irqrestore(&node->unit->slock, flags);
}

static int k4a_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct k4a_vnode *node = vb2_get_drv_priv(q);
	int ret;

	ret = k4a_unit_dead(node->unit) ? -ENODEV : node->ops->start(node);
	if (ret)
		k4a_vnode_return_all(node, VB2_BUF_STATE_QUEUED);
	return ret;
}

static void k4a_stop_streaming(struct vb2_queue *q)
{
	struct k4a_vnode *node = vb2_get_drv_priv(q);

	node->ops->stop(node);
	k4a_vnode_return_all(node, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops k4a_vb2_ops = {
	.queue_setup = k4a_queue_setup,
	.buf_init = k4a_buf_init,
	.buf_cleanup = k4a_buf_cleanup,
	.buf_prepare = k4a_buf_prepare,
	.buf_queue = k4a_buf_queue,
	.start_streaming = k4a_start_streaming,
	.stop_streaming = k4a_stop_streaming,
	.wait_prepare = vb2_ops_wait_prepare,
	.wait_finish = vb2_ops_wait_finish,
};

/**
 * k4a_vnode_next() - take the oldest queued buffer of a node
 * @node: node
 *
 * Context: unit->slock held (URB completion).
 * Return: the buffer, now owned by the caller until it is completed, or
 * NULL if the application has none queued.
 */
struct k4a_buffer *k4a_vnode_next(struct k4a_vnode *node)
{
	struct k4a_buffer *buf;

	lockdep_assert_held(&node->unit->slock);
	buf = list_first_entry_or_null(&node->bufs, struct k4a_buffer, list);
	if (buf)
		list_del(&buf->list);
	return buf;
}

/**
 * k4a_vnode_return_all() - give every buffer the driver holds back to vb2
 * @node: node
 * @state: VB2_BUF_STATE_ERROR, or VB2_BUF_STATE_QUEUED when a start failed
 *
 * Context: process context; the node's producer is stopped, so the list
 * only shrinks under us.
 */
void k4a_vnode_return_all(struct k4a_vnode *node, enum vb2_buffer_state state)
{
	struct k4a_buffer *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&node->unit->slock, flags);
	list_splice_init(&node->bufs, &list);
	spin_unlock_irqrestore(&node->unit->slock, flags);
	list_for_each_entry_safe(buf, tmp, &list, list) {
		list_del(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, state);
	}
}

static const struct v4l2_file_operations k4a_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.unlocked_ioctl = video_ioctl2,
	.mmap = vb2_fop_mmap,
	.poll = vb2_fop_poll,
};

/**
 * k4a_vnode_init() - set a node of a new unit up (not yet registered)
 * @node: node
 * @unit: unit
 * @ops: node kind
 * @link: name of the unit's sysfs link to the node
 */
void k4a_vnode_init(struct k4a_vnode *node, struct k4a_unit *unit,
		    const struct k4a_vnode_ops *ops, const char *link)
{
	node->unit = unit;
	node->ops = ops;
	node->link = link;
	mutex_init(&node->lock);
	INIT_LIST_HEAD(&node->bufs);
}

static void k4a_vnode_release(struct video_device *vdev)
{
	struct k4a_vnode *node = container_of(vdev, struct k4a_vnode, vdev);

	put_device(&node->unit->dev);
}

/**
 * k4a_vnode_register() - register a node and link the unit to it
 * @node: node, set up by k4a_vnode_init()
 * @parent: the USB interface device the node belongs to
 * @name: node name ("Azure Kinect <serial> color", ...)
 * @caps: device capabilities
 * @ioctl_ops: the node's ioctls
 * @type: buffer type of its queue
 * @ts_flags: vb2 timestamp flags of its queue
 * @mem_ops: &vb2_vmalloc_memops (buffers the driver copies into) or
 *           &vb2_dma_sg_memops (buffers the host controller fills: mapped
 *           for the controller, no DMABUF import, since the USB core needs
 *           the pages of a buffer to map it)
 *
 * Context: process context.
 * Return: 0 or a negative error; on error nothing is registered.
 */
int k4a_vnode_register(struct k4a_vnode *node, struct device *parent,
		       const char *name, u32 caps,
		       const struct v4l2_ioctl_ops *ioctl_ops,
		       enum v4l2_buf_type type, u32 ts_flags,
		       const struct vb2_mem_ops *mem_ops)
{
	struct k4a_unit *unit = node->unit;
	struct video_device *vdev = &node->vdev;
	struct vb2_queue *q = &node->queue;
	struct usb_device *udev;
	int ret;

	q->type = type;
	q->io_modes = VB2_MMAP | VB2_USERPTR;
	q->drv_priv = node;
	q->buf_struct_size = sizeof(struct k4a_buffer);
	q->ops = &k4a_vb2_ops;
	q->mem_ops = mem_ops;
	q->timestamp_flags = ts_flags;
	q->lock = &node->lock;
	q->dev = parent;
	if (mem_ops == &vb2_vmalloc_memops) {
		q->io_modes |= VB2_DMABUF;
	} else {
		/* The host controller does the DMA, not the interface. */
		udev = interface_to_usbdev(to_usb_interface(parent));
		q->dev = bus_to_hcd(udev->bus)->self.sysdev;
	}
	if (node->ops->io_modes)
		q->io_modes = node->ops->io_modes(node, q->io_modes);
	ret = vb2_queue_init(q);
	if (ret)
		return ret;

	strscpy(vdev->name, name, sizeof(vdev->name));
	vdev->v4l2_dev = &unit->v4l2_dev;
	vdev->dev_parent = parent;
	vdev->fops = &k4a_fops;
	vdev->ioctl_ops = ioctl_ops;
	vdev->lock = &node->lock;
	vdev->queue = q;
	vdev->device_caps = caps;
	vdev->vfl_dir = VFL_DIR_RX;
	/* Until it is registered, a failed registration must not drop a
	 * reference that was never taken.
	 */
	vdev->release = video_device_release_empty;
	video_set_drvdata(vdev, node);
	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;
	get_device(&unit->dev);
	vdev->release = k4a_vnode_release;
	node->registered = true;

	ret = sysfs_create_link(&unit->dev.kobj, &vdev->dev.kobj, node->link);
	if (ret) {
		k4a_vnode_unregister(node);
		return ret;
	}
	node->linked = true;
	return 0;
}

/**
 * k4a_vnode_unregister() - remove a node's link and the node
 * @node: node; nothing happens if it was not registered
 *
 * Open files keep the node's memory (and the unit's) until they are
 * closed; their ioctls fail with -ENODEV from now on.
 */
void k4a_vnode_unregister(struct k4a_vnode *node)
{
	if (node->linked)
		sysfs_remove_link(&node->unit->dev.kobj, node->link);
	node->linked = false;
	if (node->registered)
		video_unregister_device(&node->vdev);
	node->registered = false;
}

/**
 * k4a_vnode_disconnect() - the unit's hardware is gone
 * @node: node, already unregistered, its producer stopped
 *
 * A DQBUF waiting on the queue wakes up with an error, and every buffer the
 * driver held is returned in the error state.
 *
 * Context: process context; takes the node's lock.
 */
void k4a_vnode_disconnect(struct k4a_vnode *node)
{
	if (!node->vdev.queue)
		return;	/* never set up */
	mutex_lock(&node->lock);
	vb2_queue_error(&node->queue);
	k4a_vnode_return_all(node, VB2_BUF_STATE_ERROR);
	mutex_unlock(&node->lock);
}

/**
 * k4a_vnode_querycap() - VIDIOC_QUERYCAP of any node of a unit
 * @node: node
 * @cap: result
 * @half: half whose USB device the node belongs to
 * @what: "color", "depth", ...
 *
 * Return: 0.
 */
int k4a_vnode_querycap(struct k4a_vnode *node, struct v4l2_capability *cap,
		       struct k4a_half *half, const char *what)
{
	char card[64];

	strscpy(cap->driver, KBUILD_MODNAME, sizeof(cap->driver));
	/* Every node of a camera has the same card name. */
	snprintf(card, sizeof(card), "Azure Kinect %s %s", node->unit->serial,
		 what);
	strscpy(cap->card, card, sizeof(cap->card));
	usb_make_path(half->udev, cap->bus_info, sizeof(cap->bus_info));
	/* Every node of a unit, as the V4L2 specification asks. */
	cap->capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_META_CAPTURE |
			    V4L2_CAP_STREAMING | V4L2_CAP_DEVICE_CAPS;
	return 0;
}

/*
 * One input, the camera, on every node: a capture node without a media
 * controller has inputs (the metadata node describes the same input).
 */
int k4a_vnode_enum_input(struct file *file, void *fh, struct v4l2_input *in)
{
	if (in->index)
		return -EINVAL;
	strscpy(in->name, "Camera", sizeof(in->name));
	in->type = V4L2_INPUT_TYPE_CAMERA;
	return 0;
}

int k4a_vnode_g_input(struct file *file, void *fh, unsigned int *i)
{
	*i = 0;
	return 0;
}

int k4a_vnode_s_input(struct file *file, void *fh, unsigned int i)
{
	return i ? -EINVAL : 0;
}

/**
 * k4a_vnode_enum_interval() - VIDIOC_ENUM_FRAMEINTERVALS from a set of rates
 * @fi: the request; @fi->index picks the interval
 * @fps_mask: bit i set if rate k4a_fps_get(i) is offered
 *
 * Lists the rates as discrete intervals, shortest first.
 *
 * Return: 0, or -EINVAL past the last one.
 */
int k4a_vnode_enum_interval(struct v4l2_frmivalenum *fi, u32 fps_mask)
{
	u32 i, f, n = 0;

	for (i = 0; (f = k4a_fps_get(i)); i++) {
		if (!(fps_mask & BIT(i)))
			continue;
		if (n++ == fi->index) {
			fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
			fi->discrete.numerator = 1;
			fi->discrete.denominator = f;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * k4a_vnode_g_parm() - VIDIOC_G_PARM of a capture node streaming at @fps
 * @p: the request
 * @fps: the node's rate
 *
 * Return: 0, or -EINVAL for another buffer type.
 */
int k4a_vnode_g_parm(struct v4l2_streamparm *p, u32 fps)
{
	if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	memset(&p->parm.capture, 0, sizeof(p->parm.capture));
	p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	p->parm.capture.timeperframe.numerator = 1;
	p->parm.capture.timeperframe.denominator = fps;
	return 0;
}

/**
 * k4a_vnode_parm_fps() - the rate a VIDIOC_S_PARM asks for
 * @p: the request
 * @cur: the node's rate, kept when the request gives no interval
 * @fps: the nearest whole rate to the requested interval, or @cur
 *
 * The caller picks the supported rate nearest to @fps.
 *
 * Return: 0, or -EINVAL for another buffer type.
 */
int k4a_vnode_parm_fps(const struct v4l2_streamparm *p, u32 cur, u32 *fps)
{
	const struct v4l2_fract *tpf = &p->parm.capture.timeperframe;

	if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	*fps = cur;
	if (tpf->numerator && tpf->denominator)
		*fps = DIV_ROUND_CLOSEST(tpf->denominator, tpf->numerator);
	return 0;
}

/**
 * k4a_v4l2_register() - register the V4L2 device and nodes of a new unit
 * @unit: unit, its device added
 *
 * Context: process context.
 * Return: 0 or a negative error; on error nothing stays registered.
 */
int k4a_v4l2_register(struct k4a_unit *unit)
{
	int ret;

	snprintf(unit->v4l2_dev.name, sizeof(unit->v4l2_dev.name), "k4a%d",
		 unit->index);
	ret = v4l2_device_register(NULL, &unit->v4l2_dev);
	if (ret)
		return ret;
	ret = k4a_color_register(unit);
	if (!ret) {
		ret = k4a_depth_register(unit);
		if (ret)
			k4a_color_unregister(unit);
	}
	if (ret)
		v4l2_device_unregister(&unit->v4l2_dev);
	return ret;
}

/**
 * k4a_v4l2_unregister() - unregister the nodes of a unit
 * @unit: unit being torn down, or whose creation failed
 */
void k4a_v4l2_unregister(struct k4a_unit *unit)
{
	k4a_depth_unregister(unit);
	k4a_color_unregister(unit);
	v4l2_device_unregister(&unit->v4l2_dev);
}

/**
 * k4a_v4l2_disconnect() - wake the unit's waiters once its streams stopped
 * @unit: unit being torn down
 */
void k4a_v4l2_disconnect(struct k4a_unit *unit)
{
	k4a_vnode_disconnect(&unit->cam.video);
	k4a_vnode_disconnect(&unit->cam.meta);
	k4a_vnode_disconnect(&unit->dep.video);
	k4a_vnode_disconnect(&unit->dep.meta);
}
