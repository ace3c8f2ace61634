// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_frame.c: the colour frame assembler
 * fed a stream of untrusted UVC payloads.
 *
 * Input: one flags byte (bit 0: compressed stream), u16 frame size (raw
 * streams; 0 also means compressed), u16 destination capacity, then records
 * of a 2-byte little-endian length and that many payload bytes. Length
 * 0xffff is a lost packet (k4a_frame_lost(), no bytes follow), 0xfffe a
 * restart (k4a_frame_start() with the same sizes).
 *
 * Each payload is copied into a buffer of exactly its size, so the sanitizer
 * sees any overread, and the steps are acted on like the kernel glue does:
 * a destination is taken on BEGIN, the data copied to it, the frame handed
 * over on END_PREV and END. A model kept here from the documented rules
 * checks every step and every verdict bit of every finished frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_frame.h"
#include "fuzz.h"

#define REC_LOST	0xffffU
#define REC_RESTART	0xfffeU

#define KNOWN_FLAGS	(K4A_FRAME_BAD | K4A_FRAME_UNSYNCED | \
			 K4A_FRAME_META_BAD | K4A_FRAME_NO_PTS)

/* What the harness knows about the stream, from the rules alone. */
struct model {
	u32 frame_size, cap;
	bool busy;		/* a destination is held: a frame is active */
	bool synced;		/* a frame ended since the start */
	u32 taint;		/* BAD_HDR/LOST for the next frame */
	/* the frame in progress */
	u32 bits;		/* BAD_HDR/LOST/ERR_BIT seen */
	bool unsynced;
	u32 copied;
	u64 offered;		/* image bytes its payloads carried */
	bool has_pts;
	u32 pts;
	struct k4a_uvc_frame_meta meta;
};

static struct k4a_frame_asm fa;
static struct model md;
static u8 dst[65536];

static void restart(void)
{
	k4a_frame_start(&fa, md.frame_size, md.cap);
	md.busy = false;
	md.synced = false;
	md.taint = 0;
	check(!fa.active);
}

static void check_result(const struct k4a_frame_result *r, bool torn)
{
	struct k4a_ms_meta m;
	bool overlong, no_soi, no_eoi;
	u32 end;
	int ret;

	check(md.busy);
	check(!(r->flags & ~KNOWN_FLAGS));
	check(!!(r->flags & K4A_FRAME_TORN) == torn);
	check(r->bytes == md.copied);
	check(r->bytes <= md.cap);
	check(!!(r->flags & K4A_FRAME_UNSYNCED) == md.unsynced);
	check((r->flags & (K4A_FRAME_BAD_HDR | K4A_FRAME_LOST |
			   K4A_FRAME_ERR_BIT)) == md.bits);

	overlong = md.offered > md.cap ||
		   (md.frame_size && md.offered > md.frame_size);
	check(!!(r->flags & K4A_FRAME_OVERLONG) == overlong);
	if (md.frame_size) {
		check(!!(r->flags & K4A_FRAME_SHORT) ==
		      (r->bytes < md.frame_size));
		check(!(r->flags & K4A_FRAME_NO_SOI));
		check(!(r->flags & K4A_FRAME_NO_EOI));
	} else {
		check(!!(r->flags & K4A_FRAME_SHORT) == !r->bytes);
		no_soi = r->bytes == 1 ||
			 (r->bytes >= 2 && (dst[0] != 0xff || dst[1] != 0xd8));
		check(!!(r->flags & K4A_FRAME_NO_SOI) == no_soi);
		/*
		 * A frame that is not empty ends with FF D9 once its trailing
		 * zero bytes are dropped; only the bytes placed count.
		 */
		end = r->bytes;
		while (end && !dst[end - 1])
			end--;
		no_eoi = r->bytes &&
			 (end < 2 || dst[end - 2] != 0xff || dst[end - 1] != 0xd9);
		check(!!(r->flags & K4A_FRAME_NO_EOI) == no_eoi);
	}

	ret = k4a_uvc_frame_meta_parse(&md.meta, &m);
	check(!!(r->flags & K4A_FRAME_META_BAD) == !!ret);
	check(r->meta.have_pts == m.have_pts);
	check(r->meta.frame_pts == m.frame_pts);
	check(r->meta.have_stats == m.have_stats);
	check(r->meta.exposure_100ns == m.exposure_100ns);
	check(!!(r->flags & K4A_FRAME_NO_PTS) == (!m.have_pts || !m.frame_pts));
	check(r->has_pts == md.has_pts);
	check(r->pts == (md.has_pts ? md.pts : 0));

	md.busy = false;
	md.synced = true;
}

static void begin(void)
{
	check(!md.busy);
	md.busy = true;
	md.bits = md.taint;
	md.taint = 0;
	md.unsynced = !md.synced;
	md.copied = 0;
	md.offered = 0;
	md.has_pts = false;
	md.pts = 0;
	k4a_uvc_frame_meta_reset(&md.meta);
}

static void payload(const u8 *p, u32 n)
{
	static const struct k4a_frame_result zero;
	struct k4a_frame_step st;
	struct k4a_uvc_hdr h;
	bool was_busy = md.busy, old_fid = fa.fid;
	int r = k4a_uvc_parse_header(p, n, &h);

	k4a_frame_payload(&fa, p, n, &st);
	check(!(st.events & ~(K4A_FRAME_EV_END_PREV | K4A_FRAME_EV_BEGIN |
			      K4A_FRAME_EV_END)));
	if (!(st.events & K4A_FRAME_EV_END_PREV))
		check(!memcmp(&st.prev, &zero, sizeof(zero)));
	if (!(st.events & K4A_FRAME_EV_END))
		check(!memcmp(&st.cur, &zero, sizeof(zero)));
	check(st.hdr_ok == (n && !r));
	if (!st.hdr_ok) {
		check(!st.events && !st.data && !st.data_len);
		if (n) {
			if (md.busy)
				md.bits |= K4A_FRAME_BAD_HDR;
			else
				md.taint |= K4A_FRAME_BAD_HDR;
		}
		check(fa.active == md.busy);
		return;
	}
	check(st.hdr.len == h.len && st.hdr.flags == h.flags);

	if (st.events & K4A_FRAME_EV_END_PREV) {
		check(was_busy && h.fid != old_fid);
		check_result(&st.prev, true);
	}
	if (st.events & K4A_FRAME_EV_BEGIN) {
		begin();
		check(fa.fid == h.fid);
	}
	if (st.events & K4A_FRAME_EV_END)
		check((st.events & K4A_FRAME_EV_BEGIN) || was_busy);

	if (!st.data) {
		/* Dropped: a trailing payload of a frame ended by EOF. */
		check(!st.events && !st.data_len && !was_busy);
		check(fa.done_valid && h.fid == fa.done_fid);
		check(fa.active == md.busy);
		return;
	}
	check(md.busy);
	check(st.data == p + h.len);
	check(st.data_len <= n - h.len);
	check(st.data + st.data_len <= p + n);
	check(st.dst_off == md.copied);
	check((u64)st.dst_off + st.data_len <= md.cap);
	check(st.data_len == (n - h.len < md.cap - st.dst_off ?
			      n - h.len : md.cap - st.dst_off));
	memcpy(dst + st.dst_off, st.data, st.data_len);
	md.copied += st.data_len;
	md.offered += n - h.len;
	if (h.err)
		md.bits |= K4A_FRAME_ERR_BIT;
	if (h.has_pts && !md.has_pts) {
		md.has_pts = true;
		md.pts = h.pts;
	}
	k4a_uvc_frame_meta_add(&md.meta, &h);

	check(!!(st.events & K4A_FRAME_EV_END) == h.eof);
	if (st.events & K4A_FRAME_EV_END)
		check_result(&st.cur, false);
	check(fa.active == md.busy);
	check(fa.res.bytes <= md.cap);
	if (md.busy)
		check(fa.res.bytes == md.copied);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, size };
	u32 flags = (u32)take(&rd, 1);

	md.frame_size = (u32)take(&rd, 2);
	md.cap = (u32)take(&rd, 2);
	if (flags & 1)
		md.frame_size = 0;
	restart();

	while (rd.left >= 2) {
		u32 n = (u32)take(&rd, 2);
		u8 *p;

		if (n == REC_LOST) {
			k4a_frame_lost(&fa);
			if (md.busy)
				md.bits |= K4A_FRAME_LOST;
			else
				md.taint |= K4A_FRAME_LOST;
			continue;
		}
		if (n == REC_RESTART) {
			restart();
			continue;
		}
		if (n > rd.left)
			n = (u32)rd.left;
		p = malloc(n ? n : 1);
		if (!p)
			return 0;
		memcpy(p, rd.p, n);
		rd.p += n;
		rd.left -= n;
		payload(n ? p : NULL, n);
		free(p);
	}
	return 0;
}
