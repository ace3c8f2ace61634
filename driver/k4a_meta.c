// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_meta: the metadata node beside each image node (colour, depth).
 *
 * One format, V4L2_META_FMT_K4A: every buffer carries one struct
 * k4a_meta_frame (uapi/linux/k4a.h) for the image buffer of the same
 * sequence number, with the same timestamp. The metadata queue runs
 * independently of the image queue: starting it does not start the camera,
 * and a frame finds a metadata buffer only if the application queued one.
 */
#include <linux/usb.h>
#include <media/v4l2-ioctl.h>

#include "k4a.h"

static struct k4a_vnode *k4a_meta_node(struct file *file)
{
	return video_drvdata(file);
}

static u32 k4a_meta_sizeimage(struct k4a_vnode *node)
{
	return sizeof(struct k4a_meta_frame);
}

static int k4a_meta_start(struct k4a_vnode *node)
{
	return 0;
}

static void k4a_meta_stop(struct k4a_vnode *node)
{
}

const struct k4a_vnode_ops k4a_meta_ops = {
	.sizeimage = k4a_meta_sizeimage,
	.start = k4a_meta_start,
	.stop = k4a_meta_stop,
};

/**
 * k4a_meta_complete() - hand one record to a metadata node
 * @meta: metadata node
 * @sequence: sequence number of the image buffer
 * @ts: its timestamp (ns, CLOCK_MONOTONIC)
 * @rec: the record
 *
 * Does nothing if the application has no metadata buffer queued.
 *
 * Context: unit->slock held (URB completion).
 */
void k4a_meta_complete(struct k4a_vnode *meta, u32 sequence, u64 ts,
		       const struct k4a_meta_frame *rec)
{
	struct k4a_buffer *buf = k4a_vnode_next(meta);
	void *dst;

	if (!buf)
		return;
	dst = vb2_plane_vaddr(&buf->vb.vb2_buf, 0);
	if (!dst) {
		vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_ERROR);
		return;
	}
	memcpy(dst, rec, sizeof(*rec));
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, sizeof(*rec));
	buf->vb.sequence = sequence;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = ts;
	vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_DONE);
}

static int k4a_meta_querycap(struct file *file, void *fh,
			     struct v4l2_capability *cap)
{
	struct k4a_vnode *node = k4a_meta_node(file);

	/* The card and bus of the image node it describes. */
	if (k4a_vnode_is_depth(node))
		return k4a_vnode_querycap(node, cap, node->unit->depth,
					  "depth");
	return k4a_vnode_querycap(node, cap, node->unit->color, "color");
}

static int k4a_meta_enum_fmt(struct file *file, void *fh,
			     struct v4l2_fmtdesc *f)
{
	if (f->index)
		return -EINVAL;
	f->pixelformat = V4L2_META_FMT_K4A;
	strscpy(f->description, "Azure Kinect frame metadata",
		sizeof(f->description));
	return 0;
}

static int k4a_meta_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	memset(&f->fmt.meta, 0, sizeof(f->fmt.meta));
	f->fmt.meta.dataformat = V4L2_META_FMT_K4A;
	f->fmt.meta.buffersize = sizeof(struct k4a_meta_frame);
	return 0;
}

static int k4a_meta_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct k4a_vnode *node = k4a_meta_node(file);

	if (vb2_is_busy(&node->queue))
		return -EBUSY;
	return k4a_meta_g_fmt(file, fh, f);
}

const struct v4l2_ioctl_ops k4a_meta_ioctl_ops = {
	.vidioc_querycap = k4a_meta_querycap,
	.vidioc_enum_fmt_meta_cap = k4a_meta_enum_fmt,
	.vidioc_g_fmt_meta_cap = k4a_meta_g_fmt,
	.vidioc_s_fmt_meta_cap = k4a_meta_s_fmt,
	.vidioc_try_fmt_meta_cap = k4a_meta_g_fmt,
	K4A_VNODE_IOCTL_OPS,
};
