// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_color: the colour camera as a V4L2 capture node - UVC formats from
 * the device's descriptors, probe/commit, isochronous streaming, frame
 * assembly straight into vb2 buffers, device-clock timestamps.
 *
 * k4a drives the 097d UVC function itself rather than leaving it to
 * uvcvideo: a colour start is part of the unit's start (the start checks and
 * SET_SYS_CFG come first, a master's sync pulses are its colour frames), and
 * the frames' FramePTS is mapped to CLOCK_MONOTONIC by the unit's clock
 * estimator, which colour and depth share.
 *
 * Data path: an isochronous URB completes; under unit->slock its newest SCR
 * (device clock at the time the packet left the device) and the completion
 * time feed the unit's clock estimator; each packet goes through the frame
 * assembler (driver/lib/k4a_frame.c), which says where its image bytes go;
 * they are copied once, into the vb2 buffer. A finished frame gets its
 * start of exposure from its FramePTS, its sequence number, and a metadata
 * record for the metadata node. Bad frames (error bit, torn, short,
 * over-long, lost packets) never reach the application: their buffer is
 * reused and the sequence number skips them. Every frame end counts as a
 * frame arrival for the unit's sync state (k4a_watch.c), and a frame's
 * start of exposure is compared with the stream's frame grid
 * (health/frame_offset_ns).
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/usb/video.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>

#include "k4a.h"

#define K4A_UVC_CTRL_TIMEOUT_MS	1000

/* Probe/commit control sizes: UVC 1.0 and UVC 1.1 or later. */
#define K4A_PROBE_LEN_10	26
#define K4A_PROBE_LEN_11	34

static const u32 k4a_color_fourcc[] = {
	[K4A_COLOR_MJPG] = V4L2_PIX_FMT_MJPEG,
	[K4A_COLOR_NV12] = V4L2_PIX_FMT_NV12,
	[K4A_COLOR_YUY2] = V4L2_PIX_FMT_YUYV,
};

static struct k4a_unit *k4a_cam_unit(struct k4a_color *cam)
{
	return container_of(cam, struct k4a_unit, cam);
}

static struct k4a_color *k4a_file_cam(struct file *file)
{
	struct k4a_vnode *node = video_drvdata(file);

	return &node->unit->cam;
}

/* ---- formats ---- */

static u32 k4a_mode_bytesperline(const struct k4a_color_mode *m)
{
	switch (m->fmt) {
	case K4A_COLOR_YUY2:
		return m->width * 2;
	case K4A_COLOR_NV12:
		return m->width;
	default:
		return 0;
	}
}

/* Exact frame size of an uncompressed mode; 0 for MJPG. */
static u32 k4a_mode_frame_size(const struct k4a_color_mode *m)
{
	switch (m->fmt) {
	case K4A_COLOR_YUY2:
		return m->width * m->height * 2;
	case K4A_COLOR_NV12:
		return m->width * m->height * 3 / 2;
	default:
		return 0;
	}
}

/*
 * Buffer size of a mode: the frame size, or for MJPG the device's
 * dwMaxVideoFrameBufferSize if it is plausible (no larger than an
 * uncompressed 4:2:2 frame), else that bound.
 */
static u32 k4a_mode_sizeimage(const struct k4a_color *cam, u32 idx)
{
	const struct k4a_color_mode *m = k4a_color_mode_get(idx);
	u32 bound = m->width * m->height * 2;
	u32 dev = cam->uvcd.mode[idx].max_frame_bytes;

	if (m->fmt != K4A_COLOR_MJPG)
		return k4a_mode_frame_size(m);
	return dev >= PAGE_SIZE && dev <= bound ? dev : bound;
}

static bool k4a_mode_present(const struct k4a_color *cam, u32 idx)
{
	return idx < K4A_UVCD_MAX_MODES && k4a_color_mode_get(idx) &&
	       cam->uvcd.mode[idx].present;
}

static int k4a_fourcc_fmt(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(k4a_color_fourcc); i++)
		if (k4a_color_fourcc[i] == fourcc)
			return i;
	return -EINVAL;
}

static bool k4a_fmt_offered(const struct k4a_color *cam, int fmt)
{
	u32 i;

	for (i = 0; k4a_color_mode_get(i); i++)
		if (k4a_mode_present(cam, i) &&
		    k4a_color_mode_get(i)->fmt == fmt)
			return true;
	return false;
}

/* The nearest offered rate of a mode to @fps (the highest on a tie). */
static u32 k4a_mode_fps(const struct k4a_color *cam, u32 idx, u32 fps)
{
	u32 mask = cam->uvcd.mode[idx].fps_mask, best = 0, i, f;
	int d, best_d = INT_MAX;

	for (i = 0; (f = k4a_fps_get(i)); i++) {
		if (!(mask & BIT(i)))
			continue;
		d = abs((int)f - (int)fps);
		if (d < best_d || (d == best_d && f > best)) {
			best = f;
			best_d = d;
		}
	}
	return best;
}

static void k4a_fill_pix(const struct k4a_color *cam, u32 idx,
			 struct v4l2_pix_format *pix)
{
	const struct k4a_color_mode *m = k4a_color_mode_get(idx);

	memset(pix, 0, sizeof(*pix));
	pix->width = m->width;
	pix->height = m->height;
	pix->pixelformat = k4a_color_fourcc[m->fmt];
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = k4a_mode_bytesperline(m);
	pix->sizeimage = k4a_mode_sizeimage(cam, idx);
	pix->colorspace = V4L2_COLORSPACE_SRGB;
}

/* The offered mode for a requested format: same fourcc (or the first
 * offered format), the nearest size.
 */
static u32 k4a_pick_mode(const struct k4a_color *cam,
			 const struct v4l2_pix_format *req)
{
	int fmt = k4a_fourcc_fmt(req->pixelformat);
	u32 i, best = U32_MAX;
	u64 best_d = U64_MAX;

	if (fmt < 0 || !k4a_fmt_offered(cam, fmt))
		fmt = k4a_color_mode_get(cam->mode)->fmt;
	for (i = 0; k4a_color_mode_get(i); i++) {
		const struct k4a_color_mode *m = k4a_color_mode_get(i);
		s64 dw = (s64)m->width - req->width;
		s64 dh = (s64)m->height - req->height;
		u64 d = dw * dw + dh * dh;

		if (!k4a_mode_present(cam, i) || m->fmt != fmt)
			continue;
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best == U32_MAX ? cam->mode : best;
}

/* ---- ioctls ---- */

static int k4a_color_querycap(struct file *file, void *fh,
			      struct v4l2_capability *cap)
{
	struct k4a_vnode *node = video_drvdata(file);

	return k4a_vnode_querycap(node, cap, node->unit->color, "color");
}

static int k4a_color_enum_fmt(struct file *file, void *fh,
			      struct v4l2_fmtdesc *f)
{
	struct k4a_color *cam = k4a_file_cam(file);
	u32 n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(k4a_color_fourcc); i++) {
		if (!k4a_fmt_offered(cam, i))
			continue;
		if (n++ == f->index) {
			f->pixelformat = k4a_color_fourcc[i];
			if (i == K4A_COLOR_MJPG)
				f->flags = V4L2_FMT_FLAG_COMPRESSED;
			return 0;
		}
	}
	return -EINVAL;
}

static int k4a_color_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct k4a_color *cam = k4a_file_cam(file);

	k4a_fill_pix(cam, cam->mode, &f->fmt.pix);
	return 0;
}

static int k4a_color_try_fmt(struct file *file, void *fh,
			     struct v4l2_format *f)
{
	struct k4a_color *cam = k4a_file_cam(file);

	k4a_fill_pix(cam, k4a_pick_mode(cam, &f->fmt.pix), &f->fmt.pix);
	return 0;
}

static bool k4a_color_busy(struct k4a_color *cam)
{
	struct k4a_unit *unit = k4a_cam_unit(cam);

	return vb2_is_busy(&cam->video.queue) ||
	       READ_ONCE(unit->stream[K4A_SID_COLOR].running);
}

static int k4a_color_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct k4a_color *cam = k4a_file_cam(file);
	u32 idx;

	if (k4a_color_busy(cam))
		return -EBUSY;
	idx = k4a_pick_mode(cam, &f->fmt.pix);
	cam->mode = idx;
	cam->fps = k4a_mode_fps(cam, idx, cam->fps);
	cam->sizeimage = k4a_mode_sizeimage(cam, idx);
	cam->bytesperline = k4a_mode_bytesperline(k4a_color_mode_get(idx));
	k4a_fill_pix(cam, idx, &f->fmt.pix);
	return 0;
}

static int k4a_color_enum_framesizes(struct file *file, void *fh,
				     struct v4l2_frmsizeenum *fs)
{
	struct k4a_color *cam = k4a_file_cam(file);
	int fmt = k4a_fourcc_fmt(fs->pixel_format);
	u32 i, n = 0;

	if (fmt < 0)
		return -EINVAL;
	for (i = 0; k4a_color_mode_get(i); i++) {
		const struct k4a_color_mode *m = k4a_color_mode_get(i);

		if (!k4a_mode_present(cam, i) || m->fmt != fmt)
			continue;
		if (n++ == fs->index) {
			fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
			fs->discrete.width = m->width;
			fs->discrete.height = m->height;
			return 0;
		}
	}
	return -EINVAL;
}

static int k4a_find_mode(const struct k4a_color *cam, u32 fourcc, u32 width,
			 u32 height)
{
	const struct k4a_color_mode *m;
	int fmt = k4a_fourcc_fmt(fourcc);
	u32 i;

	if (fmt < 0)
		return -EINVAL;
	for (i = 0; (m = k4a_color_mode_get(i)); i++)
		if (k4a_mode_present(cam, i) && m->fmt == fmt &&
		    m->width == width && m->height == height)
			return i;
	return -EINVAL;
}

static int k4a_color_enum_frameintervals(struct file *file, void *fh,
					 struct v4l2_frmivalenum *fi)
{
	struct k4a_color *cam = k4a_file_cam(file);
	int idx = k4a_find_mode(cam, fi->pixel_format, fi->width, fi->height);

	if (idx < 0)
		return idx;
	return k4a_vnode_enum_interval(fi, cam->uvcd.mode[idx].fps_mask);
}

static int k4a_color_g_parm(struct file *file, void *fh,
			    struct v4l2_streamparm *p)
{
	return k4a_vnode_g_parm(p, k4a_file_cam(file)->fps);
}

static int k4a_color_s_parm(struct file *file, void *fh,
			    struct v4l2_streamparm *p)
{
	struct k4a_color *cam = k4a_file_cam(file);
	u32 want;
	int ret;

	ret = k4a_vnode_parm_fps(p, cam->fps, &want);
	if (ret)
		return ret;
	want = k4a_mode_fps(cam, cam->mode, want);
	if (want != cam->fps && k4a_color_busy(cam))
		return -EBUSY;
	cam->fps = want;
	return k4a_color_g_parm(file, fh, p);
}

static const struct v4l2_ioctl_ops k4a_color_ioctl_ops = {
	.vidioc_querycap = k4a_color_querycap,
	.vidioc_enum_fmt_vid_cap = k4a_color_enum_fmt,
	.vidioc_g_fmt_vid_cap = k4a_color_g_fmt,
	.vidioc_s_fmt_vid_cap = k4a_color_s_fmt,
	.vidioc_try_fmt_vid_cap = k4a_color_try_fmt,
	.vidioc_enum_framesizes = k4a_color_enum_framesizes,
	.vidioc_enum_frameintervals = k4a_color_enum_frameintervals,
	.vidioc_g_parm = k4a_color_g_parm,
	.vidioc_s_parm = k4a_color_s_parm,
	K4A_VNODE_IOCTL_OPS,
	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

/* ---- frames ---- */

/* Device ticks of a 32-bit device time near the newest SCR. */
static u64 k4a_color_ticks(struct k4a_unit *unit, u32 t32)
{
	const struct k4a_clock *c = &unit->clock;
	s64 d;

	if (!c->have_wrap)
		return t32;
	d = (s32)(t32 - (u32)c->wrap_last);
	return d < 0 && (u64)-d > c->wrap_last ? 0 : c->wrap_last + d;
}

/* Put a buffer back at the head of the queue: it is filled next. */
static void k4a_color_reuse(struct k4a_color *cam, struct k4a_buffer *buf)
{
	if (buf)
		list_add(&buf->list, &cam->video.bufs);
}

/*
 * A frame ended: decide whether it is good, time it, hand it over with its
 * metadata record. unit->slock held.
 */
static void k4a_color_finish(struct k4a_unit *unit,
			     const struct k4a_frame_result *r, u64 now)
{
	struct k4a_color *cam = &unit->cam;
	struct k4a_stream *s = &unit->stream[K4A_SID_COLOR];
	struct k4a_buffer *buf = cam->cur;
	struct k4a_meta_frame rec = {};
	u64 ts, exp_ns = 0, soe_ticks;
	u32 seq;

	cam->cur = NULL;
	if ((r->flags & K4A_FRAME_BAD) && (r->flags & K4A_FRAME_UNSYNCED)) {
		/* The tail of a frame sent before the stream was joined. */
		k4a_color_reuse(cam, buf);
		return;
	}
	k4a_watch_frame(unit, now);
	seq = s->sequence++;
	if (!buf || (r->flags & K4A_FRAME_BAD)) {
		k4a_stream_skip(s);
		k4a_color_reuse(cam, buf);
		dev_dbg_ratelimited(&unit->dev,
				    "color frame %u dropped (flags %#x, %s)\n",
				    seq, r->flags,
				    buf ? "bad" : "no buffer");
		return;
	}
	s->frames++;
	s->in_gap = false;

	rec.version = K4A_META_VERSION;
	rec.size = sizeof(rec);
	rec.sequence = seq;
	rec.stream = K4A_META_STREAM_COLOR;
	rec.arrival_ns = now;
	if (r->meta.have_stats) {
		rec.flags |= K4A_META_F_STATS;
		if (r->meta.stats_flags & K4A_MS_STATS_EXPOSURE)
			exp_ns = min_t(u64, r->meta.exposure_100ns * 100,
				       U32_MAX);
		if (r->meta.stats_flags & K4A_MS_STATS_ISO)
			rec.iso = r->meta.iso;
		if (r->meta.stats_flags & K4A_MS_STATS_WHITE_BALANCE)
			rec.white_balance = r->meta.white_balance;
		rec.exposure_ns = exp_ns;
	}
	if (r->flags & K4A_FRAME_META_BAD)
		rec.flags |= K4A_META_F_META_BAD;

	rec.clock_state = K4A_META_CLOCK_BOUND;
	/* Colour data flows once the exposure ended. */
	ts = cam->cur_arrival > exp_ns ? cam->cur_arrival - exp_ns : 0;
	if (!(r->flags & K4A_FRAME_NO_PTS)) {
		rec.device_ticks = k4a_color_ticks(unit,
						   (u32)r->meta.frame_pts);
		rec.ts_meaning = cam->synced ? K4A_META_TS_START :
				 K4A_META_TS_CENTER;
		soe_ticks = rec.device_ticks;
		if (!cam->synced)
			soe_ticks -= min_t(u64, soe_ticks,
					   div_u64(exp_ns * 9, 200000));
		/* The depth exposures are aligned on the colour frames. */
		k4a_depth_color_frame(unit, soe_ticks, exp_ns);
		k4a_syncst_grid_frame(&cam->grid, cam->period_ticks, seq,
				      soe_ticks);
		/* a unit in a rig: its frames show its rate to the source's */
		k4a_clock_frame(&unit->clock, soe_ticks);
		if (!k4a_clock_map(&unit->clock, soe_ticks, &ts)) {
			rec.clock_state = K4A_META_CLOCK_MAPPED;
			rec.clock_error_ns = k4a_clock_error_ns(&unit->clock);
			rec.clock_ppm_x1000 = k4a_clock_ppm_x1000(&unit->clock);
			if (k4a_clock_locked(&unit->clock))
				rec.flags |= K4A_META_F_CLOCK_LOCKED;
		}
	}
	if (ts > now) {
		ts = now;
		rec.flags |= K4A_META_F_CLAMPED;
	}
	if (ts < cam->last_ts) {
		ts = cam->last_ts;
		rec.flags |= K4A_META_F_CLAMPED;
	}
	/* a clamped time is not the mapping's: it claims no lock */
	if (rec.flags & K4A_META_F_CLAMPED)
		rec.flags &= ~K4A_META_F_CLOCK_LOCKED;
	cam->last_ts = ts;
	rec.soe_ns = ts;

	buf->vb.sequence = seq;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = ts;
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, r->bytes);
	vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_DONE);
	k4a_meta_complete(&cam->meta, seq, ts, &rec);
}

/* One isochronous packet; unit->slock held. */
static void k4a_color_packet(struct k4a_unit *unit, const u8 *data, u32 len,
			     u64 now)
{
	struct k4a_color *cam = &unit->cam;
	struct k4a_frame_step st;
	void *dst;

	k4a_frame_payload(&cam->fa, data, len, &st);
	if (st.events & K4A_FRAME_EV_END_PREV)
		k4a_color_finish(unit, &st.prev, now);
	if (st.events & K4A_FRAME_EV_BEGIN) {
		cam->cur = k4a_vnode_next(&cam->video);
		cam->cur_arrival = now;
		/* An imported buffer the kernel cannot map is given back. */
		if (cam->cur && !vb2_plane_vaddr(&cam->cur->vb.vb2_buf, 0)) {
			vb2_buffer_done(&cam->cur->vb.vb2_buf,
					VB2_BUF_STATE_ERROR);
			cam->cur = NULL;
		}
	}
	if (st.data_len && cam->cur) {
		dst = vb2_plane_vaddr(&cam->cur->vb.vb2_buf, 0);
		memcpy(dst + st.dst_off, st.data, st.data_len);
	}
	if (st.events & K4A_FRAME_EV_END)
		k4a_color_finish(unit, &st.cur, now);
}

/*
 * The newest SCR of a completed URB, if any packet carried one: the last
 * packet with a valid header that has one (normally the last packet, so the
 * payload headers are parsed once more only at the end of the URB), and the
 * index of that packet.
 */
static bool k4a_color_urb_scr(struct urb *urb, u32 *scr, int *idx)
{
	struct k4a_uvc_hdr h;
	int i;

	for (i = urb->number_of_packets - 1; i >= 0; i--) {
		const struct usb_iso_packet_descriptor *d =
			&urb->iso_frame_desc[i];

		if (d->status || !d->actual_length)
			continue;
		if (k4a_uvc_parse_header(urb->transfer_buffer + d->offset,
					 min(d->actual_length, d->length),
					 &h) ||
		    !h.has_scr || h.err)
			continue;
		*scr = h.scr_stc;
		*idx = i;
		return true;
	}
	return false;
}

static void k4a_color_complete(struct urb *urb)
{
	struct k4a_unit *unit = urb->context;
	struct k4a_color *cam = &unit->cam;
	struct k4a_stream *s = &unit->stream[K4A_SID_COLOR];
	u64 now = ktime_get_ns(), back;
	unsigned long flags;
	bool resubmit;
	u32 scr;
	int i, ret;

	switch (urb->status) {
	case 0:
		break;
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
		return;
	default:
		dev_dbg_ratelimited(&unit->dev, "color URB status %d\n",
				    urb->status);
		break;
	}

	spin_lock_irqsave(&unit->slock, flags);
	resubmit = s->running;
	if (resubmit && urb->status) {
		k4a_frame_lost(&cam->fa);
	} else if (resubmit) {
		/*
		 * The packets of an isochronous URB occupy consecutive
		 * service intervals and the URB completes after the last
		 * one: the packet with the SCR was sent that many intervals
		 * before the end. Observing it at the completion time would
		 * add the rest of the URB to its latency, a varying amount
		 * where the frame ends inside the URB.
		 */
		if (k4a_color_urb_scr(urb, &scr, &i)) {
			cam->have_scr = true;
			cam->scr = scr;
			back = (u64)(urb->number_of_packets - 1 - i) *
			       cam->ival_ns;
			cam->scr_ns = now > back ? now - back : 0;
			k4a_unit_clock_add(unit,
					   k4a_clock_unwrap(&unit->clock, scr),
					   cam->scr_ns);
		}
		for (i = 0; i < urb->number_of_packets; i++) {
			const struct usb_iso_packet_descriptor *d =
				&urb->iso_frame_desc[i];

			if (d->status)
				k4a_frame_lost(&cam->fa);
			else if (d->actual_length)
				k4a_color_packet(unit,
						 urb->transfer_buffer +
						 d->offset,
						 min(d->actual_length,
						     d->length), now);
		}
	}
	if (resubmit)
		usb_anchor_urb(urb, &s->urbs);
	spin_unlock_irqrestore(&unit->slock, flags);

	if (!resubmit)
		return;
	ret = usb_submit_urb(urb, GFP_ATOMIC);
	if (ret) {
		usb_unanchor_urb(urb);
		if (ret != -EPERM && ret != -ENODEV)
			dev_err_ratelimited(&unit->dev,
					    "color URB resubmit failed (%d)\n",
					    ret);
	}
}

/* ---- UVC streaming ---- */

static u16 k4a_vs_ifnum(const struct k4a_color *cam)
{
	return cam->vs->altsetting[0].desc.bInterfaceNumber;
}

static int k4a_vs_ctrl(struct k4a_unit *unit, u8 req, u8 cs, void *data,
		       u16 len)
{
	struct usb_device *udev = unit->color->udev;
	struct k4a_color *cam = &unit->cam;
	u16 ifnum = k4a_vs_ifnum(cam);
	bool in = req & 0x80;
	int ret;

	ret = usb_control_msg(udev, in ? usb_rcvctrlpipe(udev, 0) :
			      usb_sndctrlpipe(udev, 0), req,
			      USB_TYPE_CLASS | USB_RECIP_INTERFACE |
			      (in ? USB_DIR_IN : USB_DIR_OUT), cs << 8, ifnum,
			      data, len, K4A_UVC_CTRL_TIMEOUT_MS);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EPROTO;
}

/*
 * Probe and commit the current mode. Returns the device's
 * dwMaxPayloadTransferSize in *payload after checking what it answered.
 */
static int k4a_color_commit(struct k4a_unit *unit, u32 *payload)
{
	struct k4a_color *cam = &unit->cam;
	const struct k4a_uvcd_mode *dm = &cam->uvcd.mode[cam->mode];
	u16 len = cam->vc.bcd_uvc >= 0x0110 ? K4A_PROBE_LEN_11 :
		  K4A_PROBE_LEN_10;
	u32 frame_size = k4a_mode_frame_size(k4a_color_mode_get(cam->mode));
	u32 max_frame;
	u8 *buf;
	int ret;

	buf = kzalloc(K4A_PROBE_LEN_11, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	k4a_put_le16(buf, 1);	/* bmHint: dwFrameInterval fixed */
	buf[2] = dm->format_index;
	buf[3] = dm->frame_index;
	k4a_put_le32(buf + 4, 10000000 / cam->fps);
	ret = k4a_vs_ctrl(unit, UVC_SET_CUR, UVC_VS_PROBE_CONTROL, buf, len);
	if (!ret) {
		memset(buf, 0, len);
		ret = k4a_vs_ctrl(unit, UVC_GET_CUR, UVC_VS_PROBE_CONTROL,
				  buf, len);
	}
	if (ret)
		goto out;
	max_frame = k4a_get_le32(buf + 18);
	*payload = k4a_get_le32(buf + 22);
	if (buf[2] != dm->format_index || buf[3] != dm->frame_index ||
	    !*payload || !max_frame || max_frame > cam->sizeimage ||
	    (frame_size && max_frame < frame_size)) {
		dev_err(&unit->dev,
			"color: device answered probe with format %u frame %u, max frame %u, max payload %u\n",
			buf[2], buf[3], max_frame, *payload);
		ret = -EIO;
		goto out;
	}
	ret = k4a_vs_ctrl(unit, UVC_SET_CUR, UVC_VS_COMMIT_CONTROL, buf, len);
out:
	kfree(buf);
	if (ret)
		dev_err(&unit->dev, "color: probe/commit failed (%d)\n", ret);
	return ret;
}

/* Bytes an isochronous endpoint moves per service interval. */
static u32 k4a_ep_bpi(struct usb_device *udev, struct usb_host_endpoint *ep)
{
	u32 maxp = usb_endpoint_maxp(&ep->desc);

	if (udev->speed >= USB_SPEED_SUPER)
		return le16_to_cpu(ep->ss_ep_comp.wBytesPerInterval);
	if (udev->speed == USB_SPEED_HIGH)
		return maxp * usb_endpoint_maxp_mult(&ep->desc);
	return maxp;
}

/* The smallest alternate setting that carries @payload bytes per interval. */
static int k4a_color_pick_alt(struct k4a_unit *unit, u32 payload,
			      struct usb_host_endpoint **epp)
{
	struct k4a_color *cam = &unit->cam;
	struct usb_host_endpoint *best_ep = NULL;
	u32 best = U32_MAX;
	int alt = -1;
	unsigned int i, j;

	for (i = 0; i < cam->vs->num_altsetting; i++) {
		struct usb_host_interface *a = &cam->vs->altsetting[i];

		for (j = 0; j < a->desc.bNumEndpoints; j++) {
			struct usb_host_endpoint *ep = &a->endpoint[j];
			u32 bpi;

			if (ep->desc.bEndpointAddress != cam->ep ||
			    !usb_endpoint_xfer_isoc(&ep->desc))
				continue;
			bpi = k4a_ep_bpi(unit->color->udev, ep);
			if (bpi >= payload && bpi < best) {
				best = bpi;
				alt = a->desc.bAlternateSetting;
				best_ep = ep;
			}
		}
	}
	if (alt < 0) {
		dev_err(&unit->dev,
			"color: no alternate setting carries %u bytes per interval\n",
			payload);
		return -EIO;
	}
	*epp = best_ep;
	cam->psize = best;
	return alt;
}

static void k4a_color_free_urbs(struct k4a_color *cam)
{
	unsigned int i;

	for (i = 0; i < K4A_COLOR_URBS; i++) {
		if (!cam->urb[i])
			continue;
		kfree(cam->urb[i]->transfer_buffer);
		usb_free_urb(cam->urb[i]);
		cam->urb[i] = NULL;
	}
}

static int k4a_color_alloc_urbs(struct k4a_unit *unit,
				struct usb_host_endpoint *ep)
{
	struct k4a_color *cam = &unit->cam;
	struct usb_device *udev = unit->color->udev;
	unsigned int i, j;
	struct urb *urb;

	for (i = 0; i < K4A_COLOR_URBS; i++) {
		urb = usb_alloc_urb(K4A_COLOR_PACKETS, GFP_KERNEL);
		if (!urb)
			goto nomem;
		cam->urb[i] = urb;
		urb->transfer_buffer = kmalloc_array(K4A_COLOR_PACKETS,
						     cam->psize, GFP_KERNEL);
		if (!urb->transfer_buffer)
			goto nomem;
		urb->dev = udev;
		urb->pipe = usb_rcvisocpipe(udev, cam->ep);
		urb->interval = 1 << (ep->desc.bInterval - 1);
		/* high speed and up count microframes, full speed frames */
		cam->ival_ns = urb->interval * (udev->speed >= USB_SPEED_HIGH ?
						125000 : 1000000);
		urb->transfer_flags = URB_ISO_ASAP;
		urb->transfer_buffer_length = K4A_COLOR_PACKETS * cam->psize;
		urb->number_of_packets = K4A_COLOR_PACKETS;
		urb->complete = k4a_color_complete;
		urb->context = unit;
		for (j = 0; j < K4A_COLOR_PACKETS; j++) {
			urb->iso_frame_desc[j].offset = j * cam->psize;
			urb->iso_frame_desc[j].length = cam->psize;
		}
	}
	return 0;
nomem:
	k4a_color_free_urbs(cam);
	return -ENOMEM;
}

/**
 * k4a_color_hw_start() - start the UVC stream in the current mode
 * @unit: unit; the colour stream is marked running
 *
 * Probe/commit, the alternate setting that fits the committed payload size,
 * the isochronous URBs.
 *
 * Context: process context; unit->lock held.
 * Return: 0 or a negative error; on error nothing streams.
 */
int k4a_color_hw_start(struct k4a_unit *unit)
{
	struct k4a_color *cam = &unit->cam;
	struct k4a_stream *s = &unit->stream[K4A_SID_COLOR];
	const struct k4a_color_mode *m = k4a_color_mode_get(cam->mode);
	struct usb_host_endpoint *ep = NULL;
	u16 ifnum;
	u32 payload;
	int alt, ret;
	unsigned int i;

	lockdep_assert_held(&unit->lock);
	if (!cam->vs || !k4a_mode_present(cam, cam->mode))
		return -ENODEV;
	ret = k4a_color_commit(unit, &payload);
	if (ret)
		return ret;
	alt = k4a_color_pick_alt(unit, payload, &ep);
	if (alt < 0)
		return alt;
	ifnum = k4a_vs_ifnum(cam);
	ret = k4a_color_alloc_urbs(unit, ep);
	if (ret)
		return ret;
	ret = usb_set_interface(unit->color->udev, ifnum, alt);
	if (ret) {
		dev_err(&unit->dev, "color: cannot select alternate setting %d (%d)\n",
			alt, ret);
		k4a_color_free_urbs(cam);
		return ret;
	}
	cam->alt = alt;

	spin_lock_irq(&unit->slock);
	k4a_frame_start(&cam->fa, k4a_mode_frame_size(m), cam->sizeimage);
	cam->cur = NULL;
	cam->have_scr = false;
	cam->synced = unit->cfg.mode != K4A_SYNC_STANDALONE;
	cam->period_ticks = k4a_frame_period_ticks(cam->fps);
	k4a_syncst_grid_reset(&cam->grid);
	k4a_unit_rig_join(unit, unit->cfg.mode == K4A_SYNC_MASTER ?
			  K4A_CLOCK_ROLE_MASTER :
			  unit->cfg.mode == K4A_SYNC_SUBORDINATE ?
			  K4A_CLOCK_ROLE_SUBORDINATE : K4A_CLOCK_ROLE_NONE,
			  cam->period_ticks);
	spin_unlock_irq(&unit->slock);

	for (i = 0; i < K4A_COLOR_URBS; i++) {
		usb_anchor_urb(cam->urb[i], &s->urbs);
		ret = usb_submit_urb(cam->urb[i], GFP_KERNEL);
		if (ret) {
			usb_unanchor_urb(cam->urb[i]);
			dev_err(&unit->dev, "color: cannot submit URB (%d)\n",
				ret);
			spin_lock_irq(&unit->slock);
			s->running = false;
			spin_unlock_irq(&unit->slock);
			k4a_color_hw_stop(unit);
			return ret;
		}
	}
	dev_dbg(&unit->dev, "color: %ux%u %p4cc %u fps, alt %d, %u B/interval\n",
		m->width, m->height, &k4a_color_fourcc[m->fmt], cam->fps, alt,
		cam->psize);
	k4a_imu_start(unit);
	return 0;
}

/**
 * k4a_color_hw_stop() - stop the UVC stream
 * @unit: unit whose colour stream no longer runs
 *
 * Kills the URBs, frees them, selects alternate setting 0 (if the colour
 * device is still there) and returns the buffer being filled to the queue.
 *
 * Context: process context; unit->lock held.
 */
void k4a_color_hw_stop(struct k4a_unit *unit)
{
	struct k4a_color *cam = &unit->cam;
	struct k4a_stream *s = &unit->stream[K4A_SID_COLOR];

	lockdep_assert_held(&unit->lock);
	k4a_imu_stop(unit);
	usb_kill_anchored_urbs(&s->urbs);
	k4a_color_free_urbs(cam);
	if (cam->alt && !test_bit(K4A_MCU_DEAD, &unit->color->mcu.flags))
		usb_set_interface(unit->color->udev, k4a_vs_ifnum(cam), 0);
	cam->alt = 0;
	spin_lock_irq(&unit->slock);
	k4a_color_reuse(cam, cam->cur);
	cam->cur = NULL;
	k4a_unit_rig_join(unit, K4A_CLOCK_ROLE_NONE, 0);
	spin_unlock_irq(&unit->slock);
}

/* ---- controls ---- */

/* UVC AE mode bits (CT_AE_MODE_CONTROL). */
#define K4A_AE_MANUAL		0x01
#define K4A_AE_APERTURE		0x08

/* Request codes of UVC class control requests (UVC 1.5, table A-8). */
#define K4A_UVC_GET_INFO_BITS_GET	0x01
#define K4A_UVC_GET_INFO_BITS_SET	0x02

enum k4a_ctrl_entity { K4A_ENT_CT, K4A_ENT_PU };

/**
 * struct k4a_ctrl_map - one V4L2 control and the UVC control behind it
 * @cid: V4L2 control id
 * @ent: Camera Terminal or Processing Unit
 * @sel: UVC control selector
 * @size: bytes of the UVC value
 */
struct k4a_ctrl_map {
	u32 cid;
	enum k4a_ctrl_entity ent;
	u8 sel;
	u8 size;
};

/*
 * The table order matters: each auto control comes right before the
 * manual control it clusters with, and a replug restores the values in
 * this order (the power line frequency, whose table the exposure snaps to,
 * and the auto modes before the values they govern).
 */
enum {
	K4A_CTRL_PLF,		/* first: the exposure snaps to its table */
	K4A_CTRL_EXP_AUTO,
	K4A_CTRL_EXP_ABS,
	K4A_CTRL_WB_AUTO,
	K4A_CTRL_WB_TEMP,
};

static const struct k4a_ctrl_map k4a_ctrl_maps[K4A_COLOR_CTRLS] = {
	[K4A_CTRL_PLF] = { V4L2_CID_POWER_LINE_FREQUENCY, K4A_ENT_PU,
			   UVC_PU_POWER_LINE_FREQUENCY_CONTROL, 1 },
	[K4A_CTRL_EXP_AUTO] = { V4L2_CID_EXPOSURE_AUTO, K4A_ENT_CT,
				UVC_CT_AE_MODE_CONTROL, 1 },
	[K4A_CTRL_EXP_ABS] = { V4L2_CID_EXPOSURE_ABSOLUTE, K4A_ENT_CT,
			       UVC_CT_EXPOSURE_TIME_ABSOLUTE_CONTROL, 4 },
	[K4A_CTRL_WB_AUTO] = { V4L2_CID_AUTO_WHITE_BALANCE, K4A_ENT_PU,
			       UVC_PU_WHITE_BALANCE_TEMPERATURE_AUTO_CONTROL,
			       1 },
	[K4A_CTRL_WB_TEMP] = { V4L2_CID_WHITE_BALANCE_TEMPERATURE, K4A_ENT_PU,
			       UVC_PU_WHITE_BALANCE_TEMPERATURE_CONTROL, 2 },
	{ V4L2_CID_BRIGHTNESS, K4A_ENT_PU, UVC_PU_BRIGHTNESS_CONTROL, 2 },
	{ V4L2_CID_CONTRAST, K4A_ENT_PU, UVC_PU_CONTRAST_CONTROL, 2 },
	{ V4L2_CID_SATURATION, K4A_ENT_PU, UVC_PU_SATURATION_CONTROL, 2 },
	{ V4L2_CID_SHARPNESS, K4A_ENT_PU, UVC_PU_SHARPNESS_CONTROL, 2 },
	{ V4L2_CID_GAIN, K4A_ENT_PU, UVC_PU_GAIN_CONTROL, 2 },
	{ V4L2_CID_BACKLIGHT_COMPENSATION, K4A_ENT_PU,
	  UVC_PU_BACKLIGHT_COMPENSATION_CONTROL, 2 },
};

/* One UVC control request on the VideoControl interface. */
static int k4a_uvc_ctrl_req(struct k4a_unit *unit, u8 req, unsigned int idx,
			    s32 *val)
{
	const struct k4a_ctrl_map *m = &k4a_ctrl_maps[idx];
	struct k4a_color *cam = &unit->cam;
	struct usb_device *udev = unit->color->udev;
	u8 ent = m->ent == K4A_ENT_CT ? cam->vc.ct_id : cam->vc.pu_id;
	bool in = req & 0x80;
	u16 len = req == UVC_GET_INFO ? 1 : m->size;
	u8 *buf;
	int ret;

	if (k4a_unit_dead(unit))
		return -ENODEV;
	buf = kzalloc(4, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (!in)
		k4a_put_le32(buf, *val);
	ret = usb_control_msg(udev, in ? usb_rcvctrlpipe(udev, 0) :
			      usb_sndctrlpipe(udev, 0), req,
			      USB_TYPE_CLASS | USB_RECIP_INTERFACE |
			      (in ? USB_DIR_IN : USB_DIR_OUT), m->sel << 8,
			      ent << 8 | cam->vc_ifnum, buf, len,
			      K4A_UVC_CTRL_TIMEOUT_MS);
	if (ret >= 0 && ret != len)
		ret = -EPROTO;
	if (ret >= 0 && in) {
		switch (len) {
		case 1:
			*val = buf[0];
			break;
		case 2:
			/* Brightness is signed in UVC; the camera's range is
			 * 0..255, other 2-byte controls are unsigned.
			 */
			*val = m->sel == UVC_PU_BRIGHTNESS_CONTROL ?
			       (s16)k4a_get_le16(buf) : k4a_get_le16(buf);
			break;
		default:
			*val = (s32)min_t(u32, k4a_get_le32(buf), S32_MAX);
			break;
		}
	}
	kfree(buf);
	return ret < 0 ? ret : 0;
}

static unsigned int k4a_ctrl_idx(struct k4a_color *cam, struct v4l2_ctrl *c)
{
	unsigned int i;

	for (i = 0; i < K4A_COLOR_CTRLS; i++)
		if (cam->ctrl[i] == c)
			return i;
	return K4A_COLOR_CTRLS;
}

/* The exposure the camera will use for a value in 100 us units. */
static s32 k4a_exposure_snap(struct k4a_color *cam, s32 val)
{
	struct v4l2_ctrl *plf = cam->ctrl[K4A_CTRL_PLF];
	bool hz50 = plf && plf->val == V4L2_CID_POWER_LINE_FREQUENCY_50HZ;
	u32 us = k4a_color_exposure_snap(val * 100, hz50, cam->fps);
	struct v4l2_ctrl *abs = cam->ctrl[K4A_CTRL_EXP_ABS];

	return clamp_t(s32, us / 100, abs->minimum, abs->maximum);
}

static struct k4a_color *k4a_ctrl_cam(struct v4l2_ctrl *c)
{
	return container_of(c->handler, struct k4a_color, ctrls);
}

static int k4a_try_ctrl(struct v4l2_ctrl *c)
{
	struct k4a_color *cam = k4a_ctrl_cam(c);
	struct v4l2_ctrl *abs = cam->ctrl[K4A_CTRL_EXP_ABS];

	if (abs && (c == abs || c == cam->ctrl[K4A_CTRL_EXP_AUTO]))
		abs->val = k4a_exposure_snap(cam, abs->val);
	return 0;
}

static int k4a_g_volatile_ctrl(struct v4l2_ctrl *c)
{
	struct k4a_color *cam = k4a_ctrl_cam(c);
	struct k4a_unit *unit = k4a_cam_unit(cam);
	unsigned int i;
	int ret;

	/* The auto controls' partners: what the camera chose. */
	for (i = 0; i < c->ncontrols; i++) {
		struct v4l2_ctrl *m = c->cluster[i];
		unsigned int idx = k4a_ctrl_idx(cam, m);
		s32 v;

		if (!m || !(m->flags & V4L2_CTRL_FLAG_VOLATILE) ||
		    idx >= K4A_COLOR_CTRLS)
			continue;
		ret = k4a_uvc_ctrl_req(unit, UVC_GET_CUR, idx, &v);
		if (ret)
			return ret;
		m->val = clamp_t(s32, v, m->minimum, m->maximum);
	}
	return 0;
}

/* Remember a value for a replug of the same serial. */
static void k4a_ctrl_remember(struct k4a_unit *unit, unsigned int idx, s32 v)
{
	mutex_lock(&unit->lock);
	unit->cfg.ctrl_set |= BIT(idx);
	unit->cfg.ctrl_val[idx] = v;
	k4a_cfg_save(unit->serial, &unit->cfg);
	mutex_unlock(&unit->lock);
}

static int k4a_ctrl_write(struct k4a_unit *unit, unsigned int idx, s32 v)
{
	s32 dev = v;
	int ret;

	if (idx == K4A_CTRL_EXP_AUTO)
		dev = v == V4L2_EXPOSURE_MANUAL ? K4A_AE_MANUAL :
		      K4A_AE_APERTURE;
	ret = k4a_uvc_ctrl_req(unit, UVC_SET_CUR, idx, &dev);
	if (!ret)
		k4a_ctrl_remember(unit, idx, v);
	return ret;
}

static int k4a_s_ctrl(struct v4l2_ctrl *c)
{
	struct k4a_color *cam = k4a_ctrl_cam(c);
	struct k4a_unit *unit = k4a_cam_unit(cam);
	unsigned int i;
	int ret;

	/* A cluster: the auto control (its master) first, then the manual
	 * value, which the camera takes only in manual mode (also when the
	 * mode just became manual: the value the camera chose stays).
	 */
	for (i = 0; i < c->ncontrols; i++) {
		struct v4l2_ctrl *m = c->cluster[i];
		unsigned int idx = k4a_ctrl_idx(cam, m);
		bool write;

		if (!m || idx >= K4A_COLOR_CTRLS)
			continue;
		if (!i || !c->is_auto)
			write = m->is_new;
		else
			write = c->val == c->manual_mode_value &&
				(m->is_new || c->is_new);
		if (!write)
			continue;
		ret = k4a_ctrl_write(unit, idx, m->val);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct v4l2_ctrl_ops k4a_ctrl_ops = {
	.g_volatile_ctrl = k4a_g_volatile_ctrl,
	.try_ctrl = k4a_try_ctrl,
	.s_ctrl = k4a_s_ctrl,
};

/* One control from the device's ranges; NULL if it does not offer it. */
static struct v4l2_ctrl *k4a_ctrl_new(struct k4a_unit *unit,
				      unsigned int idx)
{
	const struct k4a_ctrl_map *m = &k4a_ctrl_maps[idx];
	struct k4a_color *cam = &unit->cam;
	struct v4l2_ctrl_handler *h = &cam->ctrls;
	s32 info, min, max, res, def;
	struct v4l2_ctrl *c;
	u64 skip;

	if (!(m->ent == K4A_ENT_CT ? cam->vc.ct_id : cam->vc.pu_id))
		return NULL;
	if (k4a_uvc_ctrl_req(unit, UVC_GET_INFO, idx, &info) ||
	    (info & (K4A_UVC_GET_INFO_BITS_GET | K4A_UVC_GET_INFO_BITS_SET)) !=
	    (K4A_UVC_GET_INFO_BITS_GET | K4A_UVC_GET_INFO_BITS_SET) ||
	    k4a_uvc_ctrl_req(unit, UVC_GET_DEF, idx, &def))
		goto none;

	switch (idx) {
	case K4A_CTRL_EXP_AUTO:
		/* GET_RES is the bitmap of AE modes the camera has. */
		if (k4a_uvc_ctrl_req(unit, UVC_GET_RES, idx, &res) ||
		    (res & (K4A_AE_MANUAL | K4A_AE_APERTURE)) !=
		    (K4A_AE_MANUAL | K4A_AE_APERTURE))
			goto none;
		max = V4L2_EXPOSURE_APERTURE_PRIORITY;
		return v4l2_ctrl_new_std_menu(h, &k4a_ctrl_ops, m->cid, max,
					      ~(BIT(V4L2_EXPOSURE_MANUAL) |
						BIT(max)),
					      def & K4A_AE_MANUAL ?
					      V4L2_EXPOSURE_MANUAL : max);
	case K4A_CTRL_PLF:
		/* The vendor host offers 50 and 60 Hz only. */
		max = V4L2_CID_POWER_LINE_FREQUENCY_60HZ;
		if (def != V4L2_CID_POWER_LINE_FREQUENCY_50HZ)
			def = max;
		skip = BIT(V4L2_CID_POWER_LINE_FREQUENCY_DISABLED);
		return v4l2_ctrl_new_std_menu(h, &k4a_ctrl_ops, m->cid, max,
					      skip, def);
	default:
		break;
	}
	if (k4a_uvc_ctrl_req(unit, UVC_GET_MIN, idx, &min) ||
	    k4a_uvc_ctrl_req(unit, UVC_GET_MAX, idx, &max) ||
	    k4a_uvc_ctrl_req(unit, UVC_GET_RES, idx, &res))
		goto none;
	if (m->size == 1) {
		/* A boolean: the auto white balance switch. */
		min = 0;
		max = 1;
		res = 1;
		def = !!def;
	}
	if (min > max || res < 1 || def < min || def > max) {
		dev_notice(&unit->dev,
			   "color: control %#x has a bad range (%d..%d/%d, default %d), left out\n",
			   m->cid, min, max, res, def);
		return NULL;
	}
	c = v4l2_ctrl_new_std(h, &k4a_ctrl_ops, m->cid, min, max, res, def);
	return c;
none:
	dev_dbg(&unit->dev, "color: control %#x not offered\n", m->cid);
	return NULL;
}

/*
 * Start a new control at what the camera runs now rather than its default:
 * the camera keeps its settings while the driver is reloaded.
 */
static void k4a_ctrl_read_cur(struct k4a_unit *unit, unsigned int idx,
			      struct v4l2_ctrl *c)
{
	s32 v;

	if (k4a_uvc_ctrl_req(unit, UVC_GET_CUR, idx, &v))
		return;
	if (idx == K4A_CTRL_EXP_AUTO)
		v = v & K4A_AE_MANUAL ? V4L2_EXPOSURE_MANUAL :
		    V4L2_EXPOSURE_APERTURE_PRIORITY;
	else if (idx == K4A_CTRL_WB_AUTO)
		v = !!v;
	if (v < c->minimum || v > c->maximum)
		return;
	if (c->type == V4L2_CTRL_TYPE_MENU && (c->menu_skip_mask & BIT_ULL(v)))
		return;
	c->val = v;
	c->cur.val = v;
}

/* Create the controls, cluster the auto ones, restore remembered values. */
static int k4a_color_ctrls_init(struct k4a_unit *unit)
{
	struct k4a_color *cam = &unit->cam;
	struct v4l2_ctrl_handler *h = &cam->ctrls;
	s32 val[K4A_COLOR_CTRLS];
	unsigned int i;
	u32 set;
	int ret;

	v4l2_ctrl_handler_init(h, K4A_COLOR_CTRLS);
	for (i = 0; i < K4A_COLOR_CTRLS; i++) {
		cam->ctrl[i] = k4a_ctrl_new(unit, i);
		if (cam->ctrl[i])
			k4a_ctrl_read_cur(unit, i, cam->ctrl[i]);
	}
	ret = h->error;
	if (ret) {
		memset(cam->ctrl, 0, sizeof(cam->ctrl));
		return ret;
	}
	if (cam->ctrl[K4A_CTRL_EXP_AUTO] && cam->ctrl[K4A_CTRL_EXP_ABS])
		v4l2_ctrl_auto_cluster(2, &cam->ctrl[K4A_CTRL_EXP_AUTO],
				       V4L2_EXPOSURE_MANUAL, true);
	if (cam->ctrl[K4A_CTRL_WB_AUTO] && cam->ctrl[K4A_CTRL_WB_TEMP])
		v4l2_ctrl_auto_cluster(2, &cam->ctrl[K4A_CTRL_WB_AUTO], 0,
				       true);

	/*
	 * The remembered values, copied first: switching an auto mode to
	 * manual also writes (and remembers) the manual partner's current
	 * value, which its own restore then replaces.
	 */
	set = unit->cfg.ctrl_set;
	memcpy(val, unit->cfg.ctrl_val, sizeof(val));
	for (i = 0; i < K4A_COLOR_CTRLS; i++) {
		if (!cam->ctrl[i] || !(set & BIT(i)))
			continue;
		ret = v4l2_ctrl_s_ctrl(cam->ctrl[i], val[i]);
		if (ret)
			dev_notice(&unit->dev,
				   "color: control %#x not restored (%d)\n",
				   k4a_ctrl_maps[i].cid, ret);
	}
	return 0;
}

/* ---- node ---- */

static u32 k4a_color_sizeimage(struct k4a_vnode *node)
{
	return node->unit->cam.sizeimage;
}

static int k4a_color_start(struct k4a_vnode *node)
{
	struct k4a_unit *unit = node->unit;
	int ret;

	/* Timestamps never go backwards within one stream of buffers,
	 * across restarts after a reset or resume too.
	 */
	spin_lock_irq(&unit->slock);
	unit->cam.last_ts = 0;
	spin_unlock_irq(&unit->slock);

	ret = k4a_stream_set_fps(unit, unit->cam.fps);
	if (!ret)
		ret = k4a_stream_start(unit, K4A_SID_COLOR);
	return ret;
}

static void k4a_color_stop(struct k4a_vnode *node)
{
	k4a_stream_stop(node->unit, K4A_SID_COLOR);
}

static const struct k4a_vnode_ops k4a_color_ops = {
	.sizeimage = k4a_color_sizeimage,
	.start = k4a_color_start,
	.stop = k4a_color_stop,
};

/* The VideoStreaming interface the colour half claimed, or NULL. */
static struct usb_interface *k4a_color_vs(struct k4a_half *half)
{
	unsigned int i;

	for (i = 0; i < half->n_claimed; i++) {
		struct usb_interface_descriptor *d =
			&half->claimed[i]->altsetting[0].desc;

		if (d->bInterfaceClass == USB_CLASS_VIDEO &&
		    d->bInterfaceSubClass == UVC_SC_VIDEOSTREAMING)
			return half->claimed[i];
	}
	return NULL;
}

/* The isochronous IN endpoint of the VideoStreaming interface. */
static int k4a_color_find_ep(struct usb_interface *vs, u8 *addr)
{
	unsigned int i, j;

	for (i = 0; i < vs->num_altsetting; i++) {
		struct usb_host_interface *a = &vs->altsetting[i];

		for (j = 0; j < a->desc.bNumEndpoints; j++) {
			struct usb_endpoint_descriptor *d =
				&a->endpoint[j].desc;

			if (usb_endpoint_is_isoc_in(d)) {
				*addr = d->bEndpointAddress;
				return 0;
			}
		}
	}
	return -ENODEV;
}

/**
 * k4a_color_init() - read what the colour camera offers, set the nodes up
 * @unit: new unit
 *
 * Return: 0; -ENODEV if the device has no usable UVC streaming function
 * (the unit then has no colour node).
 */
int k4a_color_init(struct k4a_unit *unit)
{
	struct k4a_color *cam = &unit->cam;
	struct usb_interface *vs = k4a_color_vs(unit->color);
	struct usb_host_interface *vc;
	u32 i, fps;
	int ret;

	k4a_vnode_init(&cam->video, unit, &k4a_color_ops, "video_color");
	k4a_vnode_init(&cam->meta, unit, &k4a_meta_ops, "meta_color");
	k4a_imu_init(unit);
	if (!vs)
		return -ENODEV;
	ret = k4a_uvcd_parse(vs->altsetting[0].extra,
			     vs->altsetting[0].extralen, &cam->uvcd);
	if (cam->uvcd.ignored || ret)
		dev_notice(&unit->dev,
			   "color: %u stream descriptor(s) ignored%s\n",
			   cam->uvcd.ignored, ret ? ", list malformed" : "");
	if (!cam->uvcd.n_modes || k4a_color_find_ep(vs, &cam->ep)) {
		dev_warn(&unit->dev, "color: no usable video format or endpoint\n");
		return -ENODEV;
	}
	cam->vs = vs;
	vc = &unit->color->intf->altsetting[0];
	cam->vc_ifnum = vc->desc.bInterfaceNumber;
	if (k4a_uvcd_parse_vc(vc->extra, vc->extralen, &cam->vc))
		dev_notice(&unit->dev, "color: control descriptors malformed\n");

	/* Default: the first offered mode (MJPG 1280x720 on a real unit). */
	for (i = 0; !k4a_mode_present(cam, i); i++)
		;
	cam->mode = i;
	fps = k4a_mode_fps(cam, i, K4A_DEFAULT_FPS);
	cam->fps = fps;
	cam->sizeimage = k4a_mode_sizeimage(cam, i);
	cam->bytesperline = k4a_mode_bytesperline(k4a_color_mode_get(i));
	return 0;
}

/**
 * k4a_color_register() - register the colour node and its metadata node
 * @unit: unit, its device added
 *
 * Return: 0 (also when the device has no usable colour function) or a
 * negative error with nothing registered.
 */
int k4a_color_register(struct k4a_unit *unit)
{
	struct k4a_color *cam = &unit->cam;
	struct device *parent = &unit->color->intf->dev;
	char name[64];
	int ret;

	if (k4a_color_init(unit))
		return 0;
	ret = k4a_color_ctrls_init(unit);
	if (ret)
		return ret;
	cam->video.vdev.ctrl_handler = &cam->ctrls;
	snprintf(name, sizeof(name), "Azure Kinect %s color", unit->serial);
	ret = k4a_vnode_register(&cam->video, parent, name,
				 V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING,
				 &k4a_color_ioctl_ops,
				 V4L2_BUF_TYPE_VIDEO_CAPTURE,
				 V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
				 V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
				 &vb2_vmalloc_memops);
	if (ret)
		goto err;
	snprintf(name, sizeof(name), "Azure Kinect %s color meta",
		 unit->serial);
	ret = k4a_vnode_register(&cam->meta, parent, name,
				 V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING,
				 &k4a_meta_ioctl_ops,
				 V4L2_BUF_TYPE_META_CAPTURE,
				 V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
				 V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
				 &vb2_vmalloc_memops);
	if (ret)
		goto err;
	return 0;
err:
	k4a_color_unregister(unit);
	return ret;
}

/**
 * k4a_color_unregister() - unregister the colour nodes
 * @unit: unit
 */
void k4a_color_unregister(struct k4a_unit *unit)
{
	k4a_vnode_unregister(&unit->cam.meta);
	k4a_vnode_unregister(&unit->cam.video);
}

/**
 * k4a_color_cleanup() - free what the colour side allocated
 * @unit: unit being released
 */
void k4a_color_cleanup(struct k4a_unit *unit)
{
	v4l2_ctrl_handler_free(&unit->cam.ctrls);
}
