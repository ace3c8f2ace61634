// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_uvc.c - UVC payload header and Microsoft camera metadata parsing for
 * the colour camera.
 *
 * Every byte comes from the device and is untrusted: all lengths are checked
 * against the buffer before any field is read.
 */
#include "k4a_uvc.h"

/**
 * k4a_uvc_parse_header() - parse the header of one UVC payload
 * @buf: the payload (one isochronous packet or bulk transfer)
 * @len: bytes in @buf
 * @h: result; fully written on success, zeroed on error
 *
 * Validates the header length byte (HLE): at least 2, no larger than the
 * payload, and large enough for the PTS (4 bytes) and SCR (6 bytes) fields
 * the flags announce. Header bytes beyond those fields are returned in
 * @h->meta; the camera puts Microsoft metadata there when both PTS and SCR
 * are present (offset 12).
 *
 * The end-of-header bit is informational: UVC 1.x defines a single header
 * block, so a header with EOH clear is parsed the same way (as the Linux UVC
 * driver does) and the bit is left in @h->flags. The error bit does not make
 * the header invalid: it is reported in @h->err and the caller discards the
 * payload's frame.
 *
 * Return: 0; -EINVAL if @buf is too short to hold a header at all (fewer
 * than 2 bytes) or an argument is NULL; -EPROTO if the header length is
 * inconsistent.
 */
int k4a_uvc_parse_header(const u8 *buf, u32 len, struct k4a_uvc_hdr *h)
{
	u32 need = 2, off = 2;
	u8 hle, flags;

	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	if (!buf || len < 2)
		return -EINVAL;

	hle = buf[0];
	flags = buf[1];
	if (flags & K4A_UVC_PTS)
		need += 4;
	if (flags & K4A_UVC_SCR)
		need += 6;
	if (hle < need || hle > len)
		return -EPROTO;

	h->len = hle;
	h->flags = flags;
	h->fid = flags & K4A_UVC_FID;
	h->eof = flags & K4A_UVC_EOF;
	h->err = flags & K4A_UVC_ERR;
	h->has_pts = flags & K4A_UVC_PTS;
	h->has_scr = flags & K4A_UVC_SCR;
	if (h->has_pts) {
		h->pts = k4a_get_le32(buf + off);
		off += 4;
	}
	if (h->has_scr) {
		h->scr_stc = k4a_get_le32(buf + off);
		h->scr_sof = k4a_get_le16(buf + off + 4);
		off += 6;
	}
	if (hle > off) {
		h->meta = buf + off;
		h->meta_len = hle - off;
	}
	return 0;
}

/**
 * k4a_ms_meta_parse() - extract FramePTS and capture statistics from
 * Microsoft camera metadata
 * @buf: metadata bytes (a sequence of items)
 * @len: bytes in @buf
 * @m: result; zeroed first, then filled with every item found
 *
 * Each item is {u32 id, u32 size, payload}, size counting the 8-byte item
 * header. FrameAlignInfo (0x80000001, size 44, or 48 with the Synced word)
 * carries FramePTS as u64 at offset 16; CaptureStats (3, size 80) carries
 * the exposure (u64 at 16), ISO (u32 at 36) and white balance (u32 at 48).
 * Unknown ids are skipped. The first item of each known id is used.
 *
 * The walk stops at an item whose size is 0, smaller than its header or
 * larger than the bytes left, and at trailing bytes too short for an item
 * header; a known item with an unexpected size is skipped. In each of those
 * cases the result is -EPROTO, and @m still holds everything parsed before.
 *
 * Return: 0 if the whole buffer was a clean sequence of items, -EPROTO as
 * above, -EINVAL for NULL pointers.
 */
int k4a_ms_meta_parse(const u8 *buf, u32 len, struct k4a_ms_meta *m)
{
	int ret = 0;
	u32 off = 0;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (!len)
		return 0;
	if (!buf)
		return -EINVAL;

	while (off < len) {
		u32 left = len - off;
		const u8 *it = buf + off;
		u32 id, size;

		if (left < K4A_MS_ITEM_HDR_SIZE)
			return -EPROTO;
		id = k4a_get_le32(it);
		size = k4a_get_le32(it + 4);
		if (size < K4A_MS_ITEM_HDR_SIZE || size > left)
			return -EPROTO;

		switch (id) {
		case K4A_MS_ID_FRAME_ALIGN_INFO:
			if (size != K4A_MS_FRAME_ALIGN_SIZE &&
			    size != K4A_MS_FRAME_ALIGN_SIZE_SYNCED) {
				ret = -EPROTO;
				break;
			}
			if (m->have_pts)
				break;
			m->have_pts = true;
			m->frame_pts = k4a_get_le64(it + 16);
			break;
		case K4A_MS_ID_CAPTURE_STATS:
			if (size != K4A_MS_CAPTURE_STATS_SIZE) {
				ret = -EPROTO;
				break;
			}
			if (m->have_stats)
				break;
			m->have_stats = true;
			m->stats_flags = k4a_get_le32(it + 8);
			m->exposure_100ns = k4a_get_le64(it + 16);
			m->iso = k4a_get_le32(it + 36);
			m->white_balance = k4a_get_le32(it + 48);
			break;
		default:
			break;
		}
		off += size;
	}
	return ret;
}

/**
 * k4a_uvc_frame_meta_reset() - start collecting the metadata of a new frame
 * @fm: accumulator
 */
void k4a_uvc_frame_meta_reset(struct k4a_uvc_frame_meta *fm)
{
	fm->len = 0;
	fm->overflow = false;
}

/**
 * k4a_uvc_frame_meta_add() - append one payload header's metadata bytes
 * @fm: accumulator
 * @h: parsed payload header
 *
 * A frame's metadata may be split over several payloads; the pieces are
 * concatenated in arrival order. What does not fit in the fixed buffer is
 * dropped and @fm->overflow is set; the bytes kept are still a prefix, so
 * complete items before the cut remain parseable.
 *
 * Return: 0, or -ENOSPC if this call had to drop bytes.
 */
int k4a_uvc_frame_meta_add(struct k4a_uvc_frame_meta *fm,
			   const struct k4a_uvc_hdr *h)
{
	u32 room, n;
	int ret = 0;

	if (!h->meta || !h->meta_len)
		return 0;
	room = K4A_UVC_FRAME_META_MAX - fm->len;
	n = h->meta_len;
	if (n > room) {
		n = room;
		fm->overflow = true;
		ret = -ENOSPC;
	}
	memcpy(fm->buf + fm->len, h->meta, n);
	fm->len += n;
	return ret;
}

/**
 * k4a_uvc_frame_meta_parse() - parse the collected metadata of a frame
 * @fm: accumulator
 * @m: result, as for k4a_ms_meta_parse()
 *
 * Return: as k4a_ms_meta_parse(); -ENOSPC if the items parsed cleanly but
 * metadata was dropped for lack of room.
 */
int k4a_uvc_frame_meta_parse(const struct k4a_uvc_frame_meta *fm,
			     struct k4a_ms_meta *m)
{
	int ret = k4a_ms_meta_parse(fm->buf, fm->len, m);

	if (!ret && fm->overflow)
		ret = -ENOSPC;
	return ret;
}
