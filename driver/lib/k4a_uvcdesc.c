// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_uvcdesc.c - the colour camera's UVC VideoStreaming descriptors,
 * cross-checked against the colour mode table.
 *
 * Layouts follow the UVC 1.1 specification (class-specific VS interface
 * descriptors, uncompressed and MJPEG payload format documents). Every byte
 * comes from the device: each field is read only after the descriptor's
 * bLength was checked to cover it and bLength was checked against the
 * buffer.
 */
#include "k4a_uvcdesc.h"

#define K4A_USB_DT_CS_INTERFACE		0x24

/* VideoStreaming descriptor subtypes. */
#define K4A_VS_FORMAT_UNCOMPRESSED	0x04
#define K4A_VS_FRAME_UNCOMPRESSED	0x05
#define K4A_VS_FORMAT_MJPEG		0x06
#define K4A_VS_FRAME_MJPEG		0x07
#define K4A_VS_FORMAT_MPEG2TS		0x0a
#define K4A_VS_FORMAT_DV		0x0c
#define K4A_VS_FORMAT_FRAME_BASED	0x10
#define K4A_VS_FRAME_FRAME_BASED	0x11
#define K4A_VS_FORMAT_STREAM_BASED	0x12
#define K4A_VS_FORMAT_H264		0x13
#define K4A_VS_FRAME_H264		0x14
#define K4A_VS_FORMAT_H264_SIMULCAST	0x15
#define K4A_VS_FORMAT_VP8		0x16
#define K4A_VS_FRAME_VP8		0x17
#define K4A_VS_FORMAT_VP8_SIMULCAST	0x18

/* Minimum lengths and field offsets. */
#define K4A_VS_FORMAT_UNCOMPRESSED_LEN	27
#define K4A_VS_FORMAT_MJPEG_LEN		11
#define K4A_VS_FORMAT_INDEX		3
#define K4A_VS_FORMAT_GUID		5
#define K4A_VS_FRAME_INDEX		3
#define K4A_VS_FRAME_WIDTH		5
#define K4A_VS_FRAME_HEIGHT		7
#define K4A_VS_FRAME_MAX_BUF		17
#define K4A_VS_FRAME_IVAL_TYPE		25
#define K4A_VS_FRAME_IVALS		26
#define K4A_VS_FRAME_CONT_LEN		38

/* 100 ns units per second: frame intervals are 10^7 / fps. */
#define K4A_UVC_IVAL_1S			10000000U

/* The GUID of a fourcc-named format: 'xxxx'-0000-0010-8000-00AA00389B71. */
static const u8 k4a_guid_tail[12] = {
	0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa,
	0x00, 0x38, 0x9b, 0x71
};

/* What the frame descriptors seen next belong to. */
enum k4a_uvcd_cur {
	K4A_UVCD_CUR_NONE,	/* no usable format descriptor */
	K4A_UVCD_CUR_MJPG,
	K4A_UVCD_CUR_NV12,
	K4A_UVCD_CUR_YUY2,
};

static bool k4a_uvcd_guid_is(const u8 *g, const char *fourcc)
{
	return !memcmp(g, fourcc, 4) &&
	       !memcmp(g + 4, k4a_guid_tail, sizeof(k4a_guid_tail));
}

/* The format an uncompressed format descriptor names, or NONE. */
static enum k4a_uvcd_cur k4a_uvcd_uncompressed(const u8 *p)
{
	const u8 *g = p + K4A_VS_FORMAT_GUID;

	if (k4a_uvcd_guid_is(g, "NV12"))
		return K4A_UVCD_CUR_NV12;
	if (k4a_uvcd_guid_is(g, "YUY2"))
		return K4A_UVCD_CUR_YUY2;
	return K4A_UVCD_CUR_NONE;
}

/* Whether a frame descriptor offers the frame interval @ival (+-1). */
static bool k4a_uvcd_offers(const u8 *p, u32 ival)
{
	u32 type = p[K4A_VS_FRAME_IVAL_TYPE];
	u32 v, i;

	for (v = ival - 1; v <= ival + 1; v++) {
		if (!type) {
			u32 min = k4a_get_le32(p + K4A_VS_FRAME_IVALS);
			u32 max = k4a_get_le32(p + K4A_VS_FRAME_IVALS + 4);
			u32 step = k4a_get_le32(p + K4A_VS_FRAME_IVALS + 8);

			if (v < min || v > max)
				continue;
			if (step ? !((v - min) % step) : v == min)
				return true;
			continue;
		}
		for (i = 0; i < type; i++)
			if (k4a_get_le32(p + K4A_VS_FRAME_IVALS + 4 * i) == v)
				return true;
	}
	return false;
}

/*
 * Take one frame descriptor of the current format into @d. Return: true if
 * it became a mode, false if it is to be counted as ignored.
 */
static bool k4a_uvcd_frame(struct k4a_uvcd *d, enum k4a_uvcd_cur cur,
			   u8 format_index, const u8 *p, u32 len)
{
	const struct k4a_color_mode *m = NULL;
	enum k4a_color_fmt fmt;
	u32 w, h, type, i, j, mask = 0;
	u8 frame_index;

	switch (cur) {
	case K4A_UVCD_CUR_MJPG:
		if (p[2] != K4A_VS_FRAME_MJPEG)
			return false;
		fmt = K4A_COLOR_MJPG;
		break;
	case K4A_UVCD_CUR_NV12:
	case K4A_UVCD_CUR_YUY2:
		if (p[2] != K4A_VS_FRAME_UNCOMPRESSED)
			return false;
		fmt = cur == K4A_UVCD_CUR_NV12 ? K4A_COLOR_NV12 :
						 K4A_COLOR_YUY2;
		break;
	default:
		return false;
	}
	if (len < K4A_VS_FRAME_IVALS)
		return false;
	type = p[K4A_VS_FRAME_IVAL_TYPE];
	if (len < (type ? K4A_VS_FRAME_IVALS + 4 * type :
			  K4A_VS_FRAME_CONT_LEN))
		return false;
	frame_index = p[K4A_VS_FRAME_INDEX];
	if (!frame_index)
		return false;
	w = k4a_get_le16(p + K4A_VS_FRAME_WIDTH);
	h = k4a_get_le16(p + K4A_VS_FRAME_HEIGHT);

	for (i = 0; i < K4A_UVCD_MAX_MODES; i++) {
		m = k4a_color_mode_get(i);
		if (!m)
			return false;
		if (m->fmt == fmt && m->width == w && m->height == h)
			break;
	}
	if (!m || i == K4A_UVCD_MAX_MODES || d->mode[i].present)
		return false;
	/* Two modes behind one index pair could not be told apart. */
	for (j = 0; j < K4A_UVCD_MAX_MODES; j++)
		if (d->mode[j].present &&
		    d->mode[j].format_index == format_index &&
		    d->mode[j].frame_index == frame_index)
			return false;

	for (j = 0; k4a_fps_get(j) && j < 32; j++) {
		u32 fps = k4a_fps_get(j);

		if (fps <= m->max_fps &&
		    k4a_uvcd_offers(p, K4A_UVC_IVAL_1S / fps))
			mask |= 1U << j;
	}
	if (!mask)
		return false;

	d->mode[i].present = true;
	d->mode[i].format_index = format_index;
	d->mode[i].frame_index = frame_index;
	d->mode[i].fps_mask = mask;
	d->mode[i].max_frame_bytes = k4a_get_le32(p + K4A_VS_FRAME_MAX_BUF);
	d->n_modes++;
	return true;
}

/**
 * k4a_uvcd_parse() - find the table's colour modes in the VideoStreaming
 * descriptors
 * @buf: class-specific descriptors of the VideoStreaming interface (the
 *       bytes that follow its interface descriptor, alternate setting 0)
 * @len: bytes in @buf
 * @d: result; zeroed first
 *
 * Walks the descriptors by bLength. Format descriptors (uncompressed, whose
 * GUID must be that of NV12 or YUY2, and MJPEG) start a format; the frame
 * descriptors that follow belong to it and must be of its kind. Each frame
 * whose format, width and height are in the colour mode table, that is not
 * a second frame of an already found mode, and that offers at least one
 * rate of k4a_fps_get() (frame interval 10^7 / fps, +-1, from its discrete
 * list or on its continuous range) which the table allows for the mode,
 * fills that mode's entry of @d. Every other format or frame descriptor,
 * including one too short for its fields or with index 0, counts in
 * @d->ignored; a format that is ignored makes its frames ignored too.
 * Descriptors of other kinds (input header, still image frame, colour
 * matching, anything not CS_INTERFACE) are skipped.
 *
 * The walk stops at a descriptor whose bLength is below 2 or runs past
 * @len, and at a single trailing byte; @d keeps what was found before.
 *
 * Return: 0 if the whole buffer was a clean sequence of descriptors,
 * -EPROTO if the walk stopped early, -EINVAL for NULL pointers.
 */
int k4a_uvcd_parse(const u8 *buf, u32 len, struct k4a_uvcd *d)
{
	enum k4a_uvcd_cur cur = K4A_UVCD_CUR_NONE;
	u8 format_index = 0;
	u32 off = 0;

	if (!d)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	if (!buf)
		return -EINVAL;

	while (off < len) {
		const u8 *p = buf + off;
		u32 left = len - off;
		u32 dl;

		if (left < 2 || p[0] < 2 || p[0] > left)
			return -EPROTO;
		dl = p[0];
		off += dl;
		if (p[1] != K4A_USB_DT_CS_INTERFACE || dl < 3)
			continue;

		switch (p[2]) {
		case K4A_VS_FORMAT_UNCOMPRESSED:
			cur = K4A_UVCD_CUR_NONE;
			if (dl >= K4A_VS_FORMAT_UNCOMPRESSED_LEN &&
			    p[K4A_VS_FORMAT_INDEX])
				cur = k4a_uvcd_uncompressed(p);
			break;
		case K4A_VS_FORMAT_MJPEG:
			cur = K4A_UVCD_CUR_NONE;
			if (dl >= K4A_VS_FORMAT_MJPEG_LEN &&
			    p[K4A_VS_FORMAT_INDEX])
				cur = K4A_UVCD_CUR_MJPG;
			break;
		case K4A_VS_FORMAT_MPEG2TS:
		case K4A_VS_FORMAT_DV:
		case K4A_VS_FORMAT_FRAME_BASED:
		case K4A_VS_FORMAT_STREAM_BASED:
		case K4A_VS_FORMAT_H264:
		case K4A_VS_FORMAT_H264_SIMULCAST:
		case K4A_VS_FORMAT_VP8:
		case K4A_VS_FORMAT_VP8_SIMULCAST:
			d->ignored++;
			cur = K4A_UVCD_CUR_NONE;
			continue;
		case K4A_VS_FRAME_UNCOMPRESSED:
		case K4A_VS_FRAME_MJPEG:
		case K4A_VS_FRAME_FRAME_BASED:
		case K4A_VS_FRAME_H264:
		case K4A_VS_FRAME_VP8:
			if (!k4a_uvcd_frame(d, cur, format_index, p, dl))
				d->ignored++;
			continue;
		default:
			continue;
		}
		/* A format descriptor. */
		if (cur == K4A_UVCD_CUR_NONE)
			d->ignored++;
		else
			format_index = p[K4A_VS_FORMAT_INDEX];
	}
	return 0;
}

/**
 * k4a_uvcd_parse_vc() - find the header, Camera Terminal and Processing
 * Unit among the class-specific VideoControl descriptors
 * @buf: the descriptors (the extra bytes of VideoControl alternate 0)
 * @len: bytes at @buf
 * @vc: result; zeroed first
 *
 * The first descriptor of each kind is used; descriptors too short for the
 * fields read are skipped. The walk stops at a descriptor whose length is
 * below 2 or runs past the buffer.
 *
 * Return: 0; -EPROTO if the walk stopped early (@vc keeps what was found);
 * -EINVAL for NULL pointers.
 */
int k4a_uvcd_parse_vc(const u8 *buf, u32 len, struct k4a_uvc_vc *vc)
{
	u32 off = 0;

	if (!vc)
		return -EINVAL;
	memset(vc, 0, sizeof(*vc));
	if (!len)
		return 0;
	if (!buf)
		return -EINVAL;
	while (off < len) {
		const u8 *p = buf + off;
		u32 dl;

		if (len - off < 2 || p[0] < 2 || p[0] > len - off)
			return -EPROTO;
		dl = p[0];
		off += dl;
		if (p[1] != 0x24 || dl < 3)
			continue;
		switch (p[2]) {
		case 0x01:	/* VC_HEADER */
			if (dl >= 12 && !vc->bcd_uvc)
				vc->bcd_uvc = k4a_get_le16(p + 3);
			break;
		case 0x02:	/* VC_INPUT_TERMINAL */
			if (dl >= 8 && !vc->ct_id && p[3] &&
			    k4a_get_le16(p + 4) == 0x0201)
				vc->ct_id = p[3];
			break;
		case 0x05:	/* VC_PROCESSING_UNIT */
			if (dl >= 8 && !vc->pu_id && p[3])
				vc->pu_id = p[3];
			break;
		default:
			break;
		}
	}
	return 0;
}
