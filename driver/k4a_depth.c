// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_depth: the depth camera as a V4L2 capture node - one raw format per
 * depth mode, bulk transfers from the raw depth endpoint straight into
 * scatter-gather vb2 buffers, frame timing from the unit's frame grid.
 *
 * A raw frame is the camera's own encoding, which only the vendor's depth
 * engine decodes: the driver never looks inside, it checks the size. Each
 * buffer the application queues gets its own bulk URB whose scatterlist
 * covers the buffer's pages, so the host controller writes the frame where
 * the application reads it, with no copy; as many transfers are in flight
 * as buffers are queued. A transfer of a size other than the mode's raw
 * frame size is never delivered: it is counted, its sequence number is
 * skipped and its buffer goes straight back to the device.
 *
 * Data path: a URB completes; under unit->slock the completion time and
 * the unit's frame grid (driver/lib/k4a_dgrid.c) give the frame's start of
 * exposure, the buffer is completed with the next sequence number and a
 * metadata record goes to the metadata node; the URBs of buffers waiting
 * to be sent to the device are submitted, in the order they were queued.
 * Every transfer that completes while the stream runs counts as a frame
 * arrival for the unit's sync state (k4a_watch.c).
 *
 * A halted endpoint is cleared from a work item (the transfers in flight
 * are taken back first, as the USB specification asks), then the transfers
 * are submitted again. Transfers that fail again and again end the stream
 * with an error the reader sees. A subordinate that waits for its master's
 * pulses simply has no transfer complete: no timeout applies.
 */
#include <linux/ktime.h>
#include <linux/debugfs.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-dma-sg.h>
#include <media/videobuf2-vmalloc.h>

#include "k4a.h"

/* Buffers VIDIOC_REQBUFS allocates at least: a 100 ms stall at 30 fps. */
#define K4A_DEPTH_MIN_BUFS	4

/**
 * struct k4a_depth_fmt - a raw depth format
 * @id: the depth mode (k4a_depth_mode_by_id())
 * @fourcc: its V4L2 pixel format
 * @desc: its description (the V4L2 core does not know the fourcc)
 */
struct k4a_depth_fmt {
	u32 id;
	u32 fourcc;
	const char *desc;
};

static const struct k4a_depth_fmt k4a_depth_fmts[] = {
	{ 1, V4L2_PIX_FMT_K4A_NFOV_2X2BINNED, "Azure Kinect NFOV 2x2 binned" },
	{ 2, V4L2_PIX_FMT_K4A_NFOV_UNBINNED, "Azure Kinect NFOV unbinned" },
	{ 3, V4L2_PIX_FMT_K4A_WFOV_2X2BINNED, "Azure Kinect WFOV 2x2 binned" },
	{ 4, V4L2_PIX_FMT_K4A_WFOV_UNBINNED, "Azure Kinect WFOV unbinned" },
	{ 5, V4L2_PIX_FMT_K4A_PASSIVE_IR, "Azure Kinect passive IR" },
};

/* The default format: NFOV unbinned, the vendor's default mode. */
#define K4A_DEPTH_DEFAULT_FMT	1

static const struct k4a_depth_mode *k4a_fmt_mode(u32 idx)
{
	return k4a_depth_mode_by_id(k4a_depth_fmts[idx].id);
}

static int k4a_fmt_idx(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(k4a_depth_fmts); i++)
		if (k4a_depth_fmts[i].fourcc == fourcc)
			return i;
	return -EINVAL;
}

static struct k4a_depth *k4a_file_dep(struct file *file)
{
	struct k4a_vnode *node = video_drvdata(file);

	return &node->unit->dep;
}

static struct k4a_unit *k4a_dep_unit(struct k4a_depth *dep)
{
	return container_of(dep, struct k4a_unit, dep);
}

/* The nearest rate of a format to @fps (the higher one on a tie). */
static u32 k4a_fmt_fps(u32 idx, u32 fps)
{
	const struct k4a_depth_mode *m = k4a_fmt_mode(idx);
	u32 best = 0, i, f;
	int d, best_d = INT_MAX;

	for (i = 0; (f = k4a_fps_get(i)); i++) {
		if (!k4a_depth_mode_valid(m->id, f))
			continue;
		d = abs((int)f - (int)fps);
		if (d < best_d || (d == best_d && f > best)) {
			best = f;
			best_d = d;
		}
	}
	return best;
}

static void k4a_fill_pix(u32 idx, struct v4l2_pix_format *pix)
{
	const struct k4a_depth_mode *m = k4a_fmt_mode(idx);

	memset(pix, 0, sizeof(*pix));
	pix->width = m->width;
	pix->height = m->height;
	pix->pixelformat = k4a_depth_fmts[idx].fourcc;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = 0;
	pix->sizeimage = m->xfer_bytes;
	pix->colorspace = V4L2_COLORSPACE_RAW;
}

/* ---- ioctls ---- */

static int k4a_depth_querycap(struct file *file, void *fh,
			      struct v4l2_capability *cap)
{
	struct k4a_vnode *node = video_drvdata(file);

	return k4a_vnode_querycap(node, cap, node->unit->depth, "depth");
}

static int k4a_depth_enum_fmt(struct file *file, void *fh,
			      struct v4l2_fmtdesc *f)
{
	if (f->index >= ARRAY_SIZE(k4a_depth_fmts))
		return -EINVAL;
	f->pixelformat = k4a_depth_fmts[f->index].fourcc;
	f->flags = V4L2_FMT_FLAG_COMPRESSED;
	strscpy(f->description, k4a_depth_fmts[f->index].desc,
		sizeof(f->description));
	return 0;
}

static int k4a_depth_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	k4a_fill_pix(k4a_file_dep(file)->mode, &f->fmt.pix);
	return 0;
}

/* The format asked for, or the current one if its fourcc is not offered. */
static u32 k4a_pick_fmt(struct k4a_depth *dep, const struct v4l2_format *f)
{
	int idx = k4a_fmt_idx(f->fmt.pix.pixelformat);

	return idx < 0 ? dep->mode : idx;
}

static int k4a_depth_try_fmt(struct file *file, void *fh,
			     struct v4l2_format *f)
{
	k4a_fill_pix(k4a_pick_fmt(k4a_file_dep(file), f), &f->fmt.pix);
	return 0;
}

static bool k4a_depth_busy(struct k4a_depth *dep)
{
	return vb2_is_busy(&dep->video.queue) ||
	       READ_ONCE(k4a_dep_unit(dep)->stream[K4A_SID_DEPTH].running);
}

static int k4a_depth_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct k4a_depth *dep = k4a_file_dep(file);
	u32 idx;

	if (k4a_depth_busy(dep))
		return -EBUSY;
	idx = k4a_pick_fmt(dep, f);
	dep->mode = idx;
	dep->fps = k4a_fmt_fps(idx, dep->fps);
	k4a_fill_pix(idx, &f->fmt.pix);
	return 0;
}

static int k4a_depth_enum_framesizes(struct file *file, void *fh,
				     struct v4l2_frmsizeenum *fs)
{
	int idx = k4a_fmt_idx(fs->pixel_format);

	if (idx < 0 || fs->index)
		return -EINVAL;
	fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	fs->discrete.width = k4a_fmt_mode(idx)->width;
	fs->discrete.height = k4a_fmt_mode(idx)->height;
	return 0;
}

static int k4a_depth_enum_frameintervals(struct file *file, void *fh,
					 struct v4l2_frmivalenum *fi)
{
	int idx = k4a_fmt_idx(fi->pixel_format);
	const struct k4a_depth_mode *m;
	u32 i, f, mask = 0;

	if (idx < 0)
		return -EINVAL;
	m = k4a_fmt_mode(idx);
	if (fi->width != m->width || fi->height != m->height)
		return -EINVAL;
	for (i = 0; (f = k4a_fps_get(i)); i++)
		if (k4a_depth_mode_valid(m->id, f))
			mask |= BIT(i);
	return k4a_vnode_enum_interval(fi, mask);
}

static int k4a_depth_g_parm(struct file *file, void *fh,
			    struct v4l2_streamparm *p)
{
	return k4a_vnode_g_parm(p, k4a_file_dep(file)->fps);
}

/*
 * One rate per unit: another rate is refused while the depth queue is busy,
 * and while another stream of the unit runs at a different rate.
 */
static int k4a_depth_s_parm(struct file *file, void *fh,
			    struct v4l2_streamparm *p)
{
	struct k4a_depth *dep = k4a_file_dep(file);
	struct k4a_unit *unit = k4a_dep_unit(dep);
	u32 want;
	int ret;

	ret = k4a_vnode_parm_fps(p, dep->fps, &want);
	if (ret)
		return ret;
	want = k4a_fmt_fps(dep->mode, want);
	if (want != dep->fps) {
		if (k4a_depth_busy(dep))
			return -EBUSY;
		mutex_lock(&unit->lock);
		if (k4a_unit_started(unit) & ~K4A_STREAM_DEPTH &&
		    unit->fps != want)
			ret = -EBUSY;
		mutex_unlock(&unit->lock);
		if (ret)
			return ret;
	}
	dep->fps = want;
	return k4a_depth_g_parm(file, fh, p);
}

static const struct v4l2_ioctl_ops k4a_depth_ioctl_ops = {
	.vidioc_querycap = k4a_depth_querycap,
	.vidioc_enum_fmt_vid_cap = k4a_depth_enum_fmt,
	.vidioc_g_fmt_vid_cap = k4a_depth_g_fmt,
	.vidioc_s_fmt_vid_cap = k4a_depth_s_fmt,
	.vidioc_try_fmt_vid_cap = k4a_depth_try_fmt,
	.vidioc_enum_framesizes = k4a_depth_enum_framesizes,
	.vidioc_enum_frameintervals = k4a_depth_enum_frameintervals,
	.vidioc_g_parm = k4a_depth_g_parm,
	.vidioc_s_parm = k4a_depth_s_parm,
	K4A_VNODE_IOCTL_OPS,
};

/* ---- transfers ---- */

/*
 * Submit, in list order, the URB of every listed buffer that is not in
 * flight, unless the stream stopped, the endpoint is being cleared or the
 * stream failed. unit->slock held. Return: the first submission error.
 */
static int k4a_depth_kick(struct k4a_unit *unit)
{
	struct k4a_depth *dep = &unit->dep;
	struct k4a_stream *s = &unit->stream[K4A_SID_DEPTH];
	struct k4a_buffer *buf;
	int ret;

	lockdep_assert_held(&unit->slock);
	if (!s->running || dep->halted || dep->failed)
		return 0;
	list_for_each_entry(buf, &dep->video.bufs, list) {
		if (buf->submitted)
			continue;
		buf->urb->transfer_buffer_length = dep->xfer_bytes;
		usb_anchor_urb(buf->urb, &s->urbs);
		ret = usb_submit_urb(buf->urb, GFP_ATOMIC);
		if (ret) {
			usb_unanchor_urb(buf->urb);
			return ret;
		}
		buf->submitted = true;
	}
	return 0;
}

/* The stream cannot go on: readers get an error. unit->slock held. */
static void k4a_depth_fail(struct k4a_unit *unit, const char *why, int err)
{
	struct k4a_depth *dep = &unit->dep;

	if (dep->failed || !unit->stream[K4A_SID_DEPTH].running)
		return;
	dep->failed = true;
	vb2_queue_error(&dep->video.queue);
	dev_err_ratelimited(&unit->dev, "depth: %s (%d): stream stopped\n",
			    why, err);
}

/* A frame of the right size arrived in @buf. unit->slock held. */
static void k4a_depth_finish(struct k4a_unit *unit, struct k4a_buffer *buf,
			     u64 now)
{
	struct k4a_depth *dep = &unit->dep;
	struct k4a_stream *s = &unit->stream[K4A_SID_DEPTH];
	struct k4a_meta_frame rec = {};
	struct k4a_dgrid_out o;
	u32 seq = s->sequence++;

	s->frames++;
	s->in_gap = false;
	k4a_dgrid_frame(&dep->grid, &unit->clock, now, &o);
	if (o.burst)
		dep->stat_bursts++;
	if (o.clamped)
		dep->stat_clamped++;

	rec.version = K4A_META_VERSION;
	rec.size = sizeof(rec);
	rec.sequence = seq;
	rec.stream = K4A_META_STREAM_DEPTH;
	switch (o.source) {
	case K4A_DGRID_COLOR:
		rec.clock_state = K4A_META_CLOCK_COLOR_GRID;
		rec.ts_meaning = K4A_META_TS_DERIVED;
		rec.device_ticks = o.ticks;
		break;
	case K4A_DGRID_CADENCE:
		rec.clock_state = K4A_META_CLOCK_CADENCE;
		break;
	default:
		rec.clock_state = K4A_META_CLOCK_BOUND;
		break;
	}
	if (o.source != K4A_DGRID_BOUND) {
		rec.clock_error_ns = o.err_ns;
		rec.clock_ppm_x1000 = o.ppm_x1000;
	}
	rec.soe_ns = o.ts_ns;
	rec.arrival_ns = now;
	rec.exposure_ns = dep->exp_ns;
	if (o.clamped)
		rec.flags |= K4A_META_F_CLAMPED;
	if (o.burst)
		rec.flags |= K4A_META_F_BURST;
	if (o.locked)
		rec.flags |= K4A_META_F_CLOCK_LOCKED;

	list_del(&buf->list);
	buf->vb.sequence = seq;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = o.ts_ns;
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, dep->raw_bytes);
	vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_DONE);
	k4a_meta_complete(&dep->meta, seq, o.ts_ns, &rec);
}

static void k4a_depth_complete(struct urb *urb)
{
	struct k4a_buffer *buf = urb->context;
	struct k4a_vnode *node = vb2_get_drv_priv(buf->vb.vb2_buf.vb2_queue);
	struct k4a_unit *unit = node->unit;
	struct k4a_depth *dep = &unit->dep;
	struct k4a_stream *s = &unit->stream[K4A_SID_DEPTH];
	u64 now = ktime_get_ns();
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&unit->slock, flags);
	buf->submitted = false;
	switch (urb->status) {
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
		/* Taken back: listed until the stream stops or resubmits. */
		spin_unlock_irqrestore(&unit->slock, flags);
		return;
	case -EPIPE:
		dep->stat_stalls++;
		list_move_tail(&buf->list, &node->bufs);
		if (s->running && !dep->halted && !dep->failed) {
			dep->halted = true;
			schedule_work(&dep->halt_work);
		}
		break;
	case 0:
		if (!s->running)
			break;
		k4a_watch_frame(unit, now);
		dep->errors = 0;
		if (urb->actual_length == dep->raw_bytes) {
			k4a_depth_finish(unit, buf, now);
			break;
		}
		/* Never delivered: the sequence number shows the gap. */
		s->sequence++;
		k4a_stream_skip(s);
		list_move_tail(&buf->list, &node->bufs);
		dev_dbg_ratelimited(&unit->dev,
				    "depth: transfer of %u bytes dropped (frame %u bytes)\n",
				    urb->actual_length, dep->raw_bytes);
		break;
	default:
		dep->stat_errors++;
		s->sequence++;
		k4a_stream_skip(s);
		list_move_tail(&buf->list, &node->bufs);
		if (++dep->errors >= K4A_DEPTH_MAX_ERRORS)
			k4a_depth_fail(unit, "transfers keep failing",
				       urb->status);
		break;
	}
	ret = k4a_depth_kick(unit);
	if (ret && ret != -EPERM && ret != -ENODEV)
		k4a_depth_fail(unit, "cannot resubmit", ret);
	spin_unlock_irqrestore(&unit->slock, flags);
}

/* Take the transfers back, clear the halt, submit them again. */
static void k4a_depth_halt_work(struct work_struct *work)
{
	struct k4a_depth *dep = container_of(work, struct k4a_depth,
					     halt_work);
	struct k4a_unit *unit = k4a_dep_unit(dep);
	int ret;

	usb_kill_anchored_urbs(&unit->stream[K4A_SID_DEPTH].urbs);
	ret = usb_clear_halt(unit->depth->udev, dep->pipe);
	spin_lock_irq(&unit->slock);
	dep->halted = false;
	if (ret && ret != -ENODEV)
		k4a_depth_fail(unit, "cannot clear the endpoint halt", ret);
	else if (!ret)
		ret = k4a_depth_kick(unit);
	if (ret && ret != -EPERM && ret != -ENODEV)
		k4a_depth_fail(unit, "cannot resubmit", ret);
	spin_unlock_irq(&unit->slock);
	if (!ret)
		dev_dbg(&unit->dev, "depth: endpoint halt cleared\n");
}

/* The fastest payload rate of a link, picoseconds per byte. */
static u32 k4a_depth_ps_per_byte(enum usb_device_speed speed)
{
	switch (speed) {
	case USB_SPEED_SUPER_PLUS:
		return 800;		/* 10 Gbit/s */
	case USB_SPEED_SUPER:
		return 2000;		/* 5 Gbit/s, 8b/10b coded */
	case USB_SPEED_HIGH:
		return 16666;		/* 480 Mbit/s */
	default:
		return 666666;		/* 12 Mbit/s */
	}
}

/**
 * k4a_depth_hw_submit() - begin the transfers of a started depth stream
 * @unit: unit; the depth stream runs (the device streams)
 *
 * Sets the stream's sizes and frame timing up for the unit's depth mode and
 * rate, and submits the URB of every buffer the application queued. A unit
 * without a depth node streams without transfers.
 *
 * Context: process context; unit->lock held.
 * Return: 0, or the submission error with nothing left in flight.
 */
int k4a_depth_hw_submit(struct k4a_unit *unit)
{
	const struct k4a_depth_mode *m = unit->depth_mode;
	struct k4a_depth *dep = &unit->dep;
	struct k4a_stream *s = &unit->stream[K4A_SID_DEPTH];
	u32 exp_us, xfer_ns;
	s32 delay;
	int ret;

	lockdep_assert_held(&unit->lock);
	if (!dep->pipe)
		return 0;
	exp_us = k4a_dgrid_exposure_us(m->pulses, m->pulse_us, m->idle_us,
				       m->exposure_us);
	xfer_ns = k4a_depth_ps_per_byte(unit->depth->udev->speed);
	xfer_ns = k4a_dgrid_xfer_ns(m->raw_bytes, xfer_ns);
	delay = (s32)k4a_us_to_ticks(unit->cfg.depth_delay_us);

	spin_lock_irq(&unit->slock);
	dep->raw_bytes = m->raw_bytes;
	dep->xfer_bytes = m->xfer_bytes;
	dep->exp_ns = exp_us * 1000;
	dep->halted = false;
	dep->failed = false;
	dep->errors = 0;
	dep->stat_errors = 0;
	dep->stat_stalls = 0;
	dep->stat_bursts = 0;
	dep->stat_clamped = 0;
	ret = k4a_dgrid_start(&dep->grid, unit->fps, exp_us, xfer_ns, delay);
	if (!ret)
		ret = k4a_depth_kick(unit);
	if (ret)
		s->running = false;
	spin_unlock_irq(&unit->slock);
	if (ret) {
		usb_kill_anchored_urbs(&s->urbs);
		dev_err(&unit->dev, "depth: cannot submit transfers (%d)\n",
			ret);
	}
	return ret;
}

/**
 * k4a_depth_hw_quiesce() - nothing of a stopped depth stream runs on
 * @unit: unit whose depth stream no longer runs, its URBs killed
 *
 * Waits for the halt work.
 *
 * Context: process context; unit->lock held.
 */
void k4a_depth_hw_quiesce(struct k4a_unit *unit)
{
	lockdep_assert_held(&unit->lock);
	cancel_work_sync(&unit->dep.halt_work);
}

/**
 * k4a_depth_resubmit() - submit the transfers a reset gave back
 * @unit: unit whose depth stream runs
 *
 * Context: process context.
 */
void k4a_depth_resubmit(struct k4a_unit *unit)
{
	int ret;

	spin_lock_irq(&unit->slock);
	ret = k4a_depth_kick(unit);
	if (ret && ret != -EPERM && ret != -ENODEV)
		k4a_depth_fail(unit, "cannot resubmit", ret);
	spin_unlock_irq(&unit->slock);
}

/**
 * k4a_depth_color_frame() - a colour frame tells where the frame grid lies
 * @unit: unit
 * @soe_ticks: the colour frame's start of exposure, device ticks
 * @exp_ns: its exposure
 *
 * Context: unit->slock held (URB completion).
 */
void k4a_depth_color_frame(struct k4a_unit *unit, u64 soe_ticks, u64 exp_ns)
{
	lockdep_assert_held(&unit->slock);
	k4a_dgrid_color(&unit->dep.grid, soe_ticks, exp_ns);
}

/* ---- node ---- */

static u32 k4a_depth_sizeimage(struct k4a_vnode *node)
{
	return k4a_fmt_mode(node->unit->dep.mode)->xfer_bytes;
}

static int k4a_depth_start(struct k4a_vnode *node)
{
	struct k4a_unit *unit = node->unit;
	struct k4a_depth *dep = &unit->dep;
	int ret;

	ret = k4a_stream_set_depth_mode(unit, k4a_fmt_mode(dep->mode));
	if (!ret)
		ret = k4a_stream_set_fps(unit, dep->fps);
	if (!ret)
		ret = k4a_stream_start_node(unit, K4A_SID_DEPTH);
	return ret;
}

static void k4a_depth_stop(struct k4a_vnode *node)
{
	k4a_stream_stop(node->unit, K4A_SID_DEPTH);
}

/* A URB for the buffer, on a copy of its scatterlist. */
static int k4a_depth_buf_init(struct k4a_vnode *node, struct k4a_buffer *buf)
{
	struct k4a_unit *unit = node->unit;
	struct usb_device *udev = unit->depth->udev;
	struct sg_table *src = vb2_dma_sg_plane_desc(&buf->vb.vb2_buf, 0);
	struct scatterlist *s, *d;
	unsigned int i, n;
	int ret;

	if (!src || !src->orig_nents)
		return -EINVAL;
	n = src->orig_nents;
	if (n > udev->bus->sg_tablesize) {
		dev_notice_ratelimited(&unit->dev,
				       "depth: a buffer of %u segments exceeds the host controller's %u\n",
				       n, udev->bus->sg_tablesize);
		return -EINVAL;
	}
	if (!udev->bus->no_sg_constraint) {
		/* Every segment but the last a whole number of packets. */
		for_each_sg(src->sgl, s, n - 1, i)
			if (s->length % usb_maxpacket(udev, unit->dep.pipe))
				return -EINVAL;
	}
	ret = sg_alloc_table(&buf->sgt, n, GFP_KERNEL);
	if (ret)
		return ret;
	d = buf->sgt.sgl;
	for_each_sg(src->sgl, s, n, i) {
		sg_set_page(d, sg_page(s), s->length, s->offset);
		d = sg_next(d);
	}
	buf->urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!buf->urb) {
		sg_free_table(&buf->sgt);
		return -ENOMEM;
	}
	usb_fill_bulk_urb(buf->urb, udev, unit->dep.pipe, NULL, 0,
			  k4a_depth_complete, buf);
	buf->urb->sg = buf->sgt.sgl;
	buf->urb->num_sgs = n;
	buf->submitted = false;
	return 0;
}

static void k4a_depth_buf_cleanup(struct k4a_vnode *node,
				  struct k4a_buffer *buf)
{
	usb_free_urb(buf->urb);
	buf->urb = NULL;
	sg_free_table(&buf->sgt);
}

static void k4a_depth_queued(struct k4a_vnode *node, struct k4a_buffer *buf)
{
	struct k4a_unit *unit = node->unit;
	int ret;

	ret = k4a_depth_kick(unit);
	if (ret && ret != -EPERM && ret != -ENODEV)
		k4a_depth_fail(unit, "cannot submit", ret);
}

/*
 * USERPTR buffers are wherever the application's pages are, up to one
 * segment per page: offered only where the host controller takes that many
 * in one transfer (xHCI; vhci_hcd takes 32).
 */
static unsigned int k4a_depth_io_modes(struct k4a_vnode *node,
				       unsigned int modes)
{
	struct usb_bus *bus = node->unit->depth->udev->bus;
	u32 i, segs = 0;

	for (i = 0; i < ARRAY_SIZE(k4a_depth_fmts); i++)
		segs = max(segs, k4a_fmt_mode(i)->xfer_bytes);
	segs = DIV_ROUND_UP(segs, PAGE_SIZE) + 1;
	if (bus->sg_tablesize < segs)
		modes &= ~VB2_USERPTR;
	return modes;
}

static const struct k4a_vnode_ops k4a_depth_ops = {
	.sizeimage = k4a_depth_sizeimage,
	.start = k4a_depth_start,
	.stop = k4a_depth_stop,
	.buf_init = k4a_depth_buf_init,
	.buf_cleanup = k4a_depth_buf_cleanup,
	.queued = k4a_depth_queued,
	.io_modes = k4a_depth_io_modes,
	.mem_max = K4A_DEPTH_BUFFER_BYTES_MAX,
	.min_bufs = K4A_DEPTH_MIN_BUFS,
};

/* ---- debugfs ---- */

static int k4a_depth_stats_show(struct seq_file *m, void *unused)
{
	struct k4a_unit *unit = m->private;
	struct k4a_depth *dep = &unit->dep;
	struct k4a_stream *s = &unit->stream[K4A_SID_DEPTH];
	u64 v[8];

	spin_lock_irq(&unit->slock);
	v[0] = s->frames;
	v[1] = s->dropped;
	v[2] = dep->stat_errors;
	v[3] = dep->stat_stalls;
	v[4] = dep->stat_bursts;
	v[5] = dep->stat_clamped;
	v[6] = s->sequence;
	v[7] = dep->failed;
	spin_unlock_irq(&unit->slock);
	seq_printf(m, "frames %llu dropped %llu errors %llu stalls %llu bursts %llu clamped %llu sequence %llu failed %llu\n",
		   v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(k4a_depth_stats);

/**
 * k4a_depth_init() - set the depth side of a new unit up
 * @unit: unit being created
 */
void k4a_depth_init(struct k4a_unit *unit)
{
	struct k4a_depth *dep = &unit->dep;

	k4a_vnode_init(&dep->video, unit, &k4a_depth_ops, "video_depth");
	k4a_vnode_init(&dep->meta, unit, &k4a_meta_ops, "meta_depth");
	INIT_WORK(&dep->halt_work, k4a_depth_halt_work);
	k4a_dgrid_init(&dep->grid);
	dep->mode = K4A_DEPTH_DEFAULT_FMT;
	dep->fps = k4a_fmt_fps(dep->mode, K4A_DEFAULT_FPS);
}

/* Whether the depth interface has the raw depth endpoint, bulk IN. */
static bool k4a_depth_has_ep(struct usb_interface *intf)
{
	struct usb_host_interface *alt = intf->cur_altsetting;
	unsigned int i;

	for (i = 0; i < alt->desc.bNumEndpoints; i++) {
		struct usb_endpoint_descriptor *d = &alt->endpoint[i].desc;

		if (d->bEndpointAddress == K4A_EP_DEPTH_STREAM_IN)
			return usb_endpoint_is_bulk_in(d) &&
			       usb_endpoint_maxp(d);
	}
	return false;
}

/**
 * k4a_depth_register() - register the depth node and its metadata node
 * @unit: unit, its device added
 *
 * Return: 0 (also when the device has no usable raw depth endpoint: then
 * the unit has no depth node) or a negative error with nothing registered.
 */
int k4a_depth_register(struct k4a_unit *unit)
{
	struct k4a_depth *dep = &unit->dep;
	struct usb_interface *intf = unit->depth->intf;
	struct device *parent = &intf->dev;
	char name[64];
	int ret;

	if (!k4a_depth_has_ep(intf)) {
		dev_warn(&unit->dev, "depth: no bulk IN endpoint %#x: no depth node\n",
			 K4A_EP_DEPTH_STREAM_IN);
		return 0;
	}
	dep->pipe = usb_rcvbulkpipe(unit->depth->udev, K4A_EP_DEPTH_STREAM_IN);
	snprintf(name, sizeof(name), "Azure Kinect %s depth", unit->serial);
	ret = k4a_vnode_register(&dep->video, parent, name,
				 V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING,
				 &k4a_depth_ioctl_ops,
				 V4L2_BUF_TYPE_VIDEO_CAPTURE,
				 V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
				 V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
				 &vb2_dma_sg_memops);
	if (ret)
		goto err;
	snprintf(name, sizeof(name), "Azure Kinect %s depth meta",
		 unit->serial);
	ret = k4a_vnode_register(&dep->meta, parent, name,
				 V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING,
				 &k4a_meta_ioctl_ops,
				 V4L2_BUF_TYPE_META_CAPTURE,
				 V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
				 V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
				 &vb2_vmalloc_memops);
	if (ret)
		goto err;
	debugfs_create_file("depth", 0400, unit->debugfs, unit,
			    &k4a_depth_stats_fops);
	return 0;
err:
	k4a_depth_unregister(unit);
	dep->pipe = 0;
	return ret;
}

/**
 * k4a_depth_unregister() - unregister the depth nodes
 * @unit: unit
 */
void k4a_depth_unregister(struct k4a_unit *unit)
{
	k4a_vnode_unregister(&unit->dep.meta);
	k4a_vnode_unregister(&unit->dep.video);
}
