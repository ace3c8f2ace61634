// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_frame.c - assembly of colour frames from UVC payloads.
 *
 * Frame boundaries follow the UVC payload header: a frame ends at a payload
 * with EOF set, or, when the device never sent that payload, at the first
 * payload whose FID differs from the frame's. Payloads that still carry the
 * FID of a frame already ended by EOF are trailing and dropped.
 *
 * Every payload byte is untrusted: lengths come from the parsed header, and
 * the image bytes handed to the caller are cut so that they always fit the
 * destination capacity.
 */
#include "k4a_frame.h"

/* The two bytes a JPEG stream starts with (SOI marker). */
#define K4A_JPEG_SOI0	0xff
#define K4A_JPEG_SOI1	0xd8
/* The two bytes a JPEG stream ends with (EOI marker). */
#define K4A_JPEG_EOI0	0xff
#define K4A_JPEG_EOI1	0xd9

/**
 * k4a_frame_start() - reset an assembler for a new stream
 * @fa: assembler
 * @frame_size: exact size of an uncompressed frame in bytes; 0 for a
 *              compressed (MJPG) stream, whose frames have any size up to
 *              @cap
 * @cap: capacity of each destination buffer in bytes
 *
 * Forgets any frame in progress and every bit of state: the first frame
 * that begins afterwards is marked K4A_FRAME_UNSYNCED until a frame
 * boundary has been seen.
 */
void k4a_frame_start(struct k4a_frame_asm *fa, u32 frame_size, u32 cap)
{
	memset(fa, 0, sizeof(*fa));
	fa->frame_size = frame_size;
	fa->cap = cap;
	k4a_uvc_frame_meta_reset(&fa->meta);
}

/* Start a frame with the FID of the payload that begins it. */
static void k4a_frame_begin(struct k4a_frame_asm *fa, bool fid)
{
	memset(&fa->res, 0, sizeof(fa->res));
	fa->res.flags = fa->taint | (fa->synced ? 0 : K4A_FRAME_UNSYNCED);
	fa->taint = 0;
	fa->active = true;
	fa->fid = fid;
	fa->done_valid = false;
	fa->tail[0] = 0;
	fa->tail[1] = 0;
	fa->tail_end = 0;
	k4a_uvc_frame_meta_reset(&fa->meta);
}

/* Give the verdict on the frame in progress and close it. */
static void k4a_frame_finish(struct k4a_frame_asm *fa, u32 flags,
			     struct k4a_frame_result *out)
{
	struct k4a_frame_result *res = &fa->res;

	res->flags |= flags;
	if (k4a_uvc_frame_meta_parse(&fa->meta, &res->meta))
		res->flags |= K4A_FRAME_META_BAD;
	if (!res->meta.have_pts || !res->meta.frame_pts)
		res->flags |= K4A_FRAME_NO_PTS;
	if (fa->frame_size) {
		if (res->bytes < fa->frame_size)
			res->flags |= K4A_FRAME_SHORT;
	} else if (!res->bytes) {
		res->flags |= K4A_FRAME_SHORT;
	} else {
		/* One byte cannot hold the two-byte SOI marker. */
		if (res->bytes < 2)
			res->flags |= K4A_FRAME_NO_SOI;
		if (fa->tail[0] != K4A_JPEG_EOI0 ||
		    fa->tail[1] != K4A_JPEG_EOI1)
			res->flags |= K4A_FRAME_NO_EOI;
	}
	*out = *res;
	fa->active = false;
}

/*
 * Compressed frames: check the image bytes at frame offsets 0 and 1 as they
 * arrive. A payload may carry a single byte, so offset 1 can come in a later
 * payload than offset 0; when it does, offset 0 was already found to be
 * 0xff (or NO_SOI is set anyway).
 */
static void k4a_frame_check_soi(struct k4a_frame_asm *fa, const u8 *data,
				u32 n)
{
	u32 off = fa->res.bytes;
	u32 i;

	for (i = 0; i < n && off + i < 2; i++) {
		u8 want = off + i ? K4A_JPEG_SOI1 : K4A_JPEG_SOI0;

		if (data[i] != want)
			fa->res.flags |= K4A_FRAME_NO_SOI;
	}
}

/*
 * Compressed frames: keep the last two bytes of the frame with its trailing
 * zero bytes dropped (@fa->tail), for the EOI check when it ends. @data holds
 * the @n bytes about to be placed at the end of the frame. Only the chunk's
 * trailing zero bytes and the byte before its last non-zero byte are read,
 * never the whole chunk: an all-zero chunk leaves the tail as it was (the
 * zeros may be padding); otherwise its last non-zero byte becomes the last
 * byte of the tail, and the byte before that is the chunk's previous byte,
 * or, when the non-zero byte is the chunk's first, the old last byte of the
 * tail if that byte was the last one placed (0 if zeros came after it).
 */
static void k4a_frame_track_tail(struct k4a_frame_asm *fa, const u8 *data,
				 u32 n)
{
	u32 off = fa->res.bytes;
	u32 j = n;

	while (j && !data[j - 1])
		j--;
	if (!j)
		return;
	j--;
	if (j)
		fa->tail[0] = data[j - 1];
	else
		fa->tail[0] = fa->tail_end == off ? fa->tail[1] : 0;
	fa->tail[1] = data[j];
	fa->tail_end = off + j + 1;
}

/**
 * k4a_frame_payload() - take one UVC payload of the stream
 * @fa: assembler, set up by k4a_frame_start()
 * @buf: the payload: header and image bytes (untrusted)
 * @len: bytes in @buf; 0 (an empty isochronous packet) is ignored
 * @st: what the caller has to do; zeroed first, then filled
 *
 * A payload whose header cannot be parsed is dropped: the frame in progress
 * gets K4A_FRAME_BAD_HDR, or, if no frame is in progress, the next frame to
 * begin does. Otherwise @st->hdr holds the header and:
 *
 * - if its FID differs from the frame in progress, that frame ended without
 *   EOF: K4A_FRAME_EV_END_PREV with @st->prev (K4A_FRAME_TORN);
 * - if no frame is in progress and the FID is that of the frame last ended
 *   by EOF, the payload is a trailing one and is dropped (no event);
 * - otherwise, if no frame is in progress, the payload begins one
 *   (K4A_FRAME_EV_BEGIN);
 * - its metadata is collected, its error bit marks the frame
 *   K4A_FRAME_ERR_BIT, and its image bytes are given in @st->data,
 *   @st->data_len and @st->dst_off, cut to the destination capacity (the
 *   frame is then K4A_FRAME_OVERLONG); in a compressed stream the bytes
 *   given are checked for the JPEG SOI at the frame's start and the EOI at
 *   its end (K4A_FRAME_NO_SOI, K4A_FRAME_NO_EOI when it ends);
 * - with EOF set, the frame ends: K4A_FRAME_EV_END with @st->cur.
 *
 * One payload can thus end the previous frame, begin a frame and end it.
 * @st->data is NULL and @st->data_len 0 when the payload went to no frame.
 */
void k4a_frame_payload(struct k4a_frame_asm *fa, const u8 *buf, u32 len,
		       struct k4a_frame_step *st)
{
	struct k4a_uvc_hdr *h = &st->hdr;
	u32 n, room;

	memset(st, 0, sizeof(*st));
	if (!len)
		return;
	if (k4a_uvc_parse_header(buf, len, h)) {
		if (fa->active)
			fa->res.flags |= K4A_FRAME_BAD_HDR;
		else
			fa->taint |= K4A_FRAME_BAD_HDR;
		return;
	}
	st->hdr_ok = true;

	if (fa->active && h->fid != fa->fid) {
		k4a_frame_finish(fa, K4A_FRAME_TORN, &st->prev);
		st->events |= K4A_FRAME_EV_END_PREV;
		fa->synced = true;
	} else if (!fa->active && fa->done_valid && h->fid == fa->done_fid) {
		return;
	}
	if (!fa->active) {
		k4a_frame_begin(fa, h->fid);
		st->events |= K4A_FRAME_EV_BEGIN;
	}

	if (h->err)
		fa->res.flags |= K4A_FRAME_ERR_BIT;
	k4a_uvc_frame_meta_add(&fa->meta, h);
	if (h->has_pts && !fa->res.has_pts) {
		fa->res.has_pts = true;
		fa->res.pts = h->pts;
	}

	/* The parser guarantees h->len <= len; res.bytes never exceeds cap. */
	n = len - h->len;
	room = fa->cap - fa->res.bytes;
	if (n > room || (fa->frame_size &&
			 (u64)fa->res.bytes + n > fa->frame_size)) {
		fa->res.flags |= K4A_FRAME_OVERLONG;
		if (n > room)
			n = room;
	}
	st->data = buf + h->len;
	st->data_len = n;
	st->dst_off = fa->res.bytes;
	if (!fa->frame_size) {
		k4a_frame_check_soi(fa, st->data, n);
		k4a_frame_track_tail(fa, st->data, n);
	}
	fa->res.bytes += n;

	if (h->eof) {
		k4a_frame_finish(fa, 0, &st->cur);
		st->events |= K4A_FRAME_EV_END;
		fa->done_valid = true;
		fa->done_fid = fa->fid;
		fa->synced = true;
	}
}

/**
 * k4a_frame_lost() - report a packet of the stream that was lost
 * @fa: assembler
 *
 * Called for an isochronous packet that completed with an error status:
 * its bytes never arrived. The frame in progress is marked K4A_FRAME_LOST;
 * with no frame in progress the next frame to begin is, since the lost
 * packet may have been its first.
 */
void k4a_frame_lost(struct k4a_frame_asm *fa)
{
	if (fa->active)
		fa->res.flags |= K4A_FRAME_LOST;
	else
		fa->taint |= K4A_FRAME_LOST;
}
