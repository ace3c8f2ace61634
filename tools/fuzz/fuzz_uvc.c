// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_uvc.c: payloads from the colour
 * camera. The input is a frame as a sequence of payloads, each prefixed by
 * a 2-byte little-endian length; every payload is copied into a buffer of
 * exactly its size (so the sanitizer sees any overread), its header parsed,
 * its metadata collected, and the frame's metadata parsed at the end. The
 * whole input is also parsed as one header and as raw metadata. The checks
 * abort on any contradiction with the documented contract.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_uvc.h"
#include "fuzz.h"

static void check_header(const u8 *p, u32 n, int r, const struct k4a_uvc_hdr *h)
{
	u32 need;

	if (r) {
		check(r == -EINVAL || r == -EPROTO);
		check(!h->meta && !h->meta_len && !h->len);
		return;
	}
	need = 2 + ((p[1] & K4A_UVC_PTS) ? 4 : 0) + ((p[1] & K4A_UVC_SCR) ? 6 : 0);
	check(n >= 2 && h->len == p[0] && h->len <= n && h->len >= need);
	check(h->flags == p[1]);
	check(h->meta_len == (u32)h->len - need);
	check(h->meta_len ? h->meta == p + need : !h->meta);
	if (h->has_pts)
		check(h->pts == k4a_get_le32(p + 2));
}

static void check_meta(const u8 *p, u32 n, int r, const struct k4a_ms_meta *m)
{
	check(r == 0 || r == -EPROTO || r == -ENOSPC);
	if (m->have_pts) {
		/* The value came from somewhere in the buffer. */
		u32 i;
		int found = 0;

		for (i = 0; i + 24 <= n && !found; i++)
			found = k4a_get_le32(p + i) == K4A_MS_ID_FRAME_ALIGN_INFO &&
				k4a_get_le64(p + i + 16) == m->frame_pts;
		check(found);
	}
	if (!m->have_stats)
		check(!m->stats_flags && !m->exposure_100ns && !m->iso &&
		      !m->white_balance);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct k4a_uvc_frame_meta fm;
	struct k4a_uvc_hdr h;
	struct k4a_ms_meta m;
	size_t off = 0;
	u8 *one;
	int r;

	/* Whole input as one payload and as raw metadata. */
	one = malloc(size ? size : 1);
	if (!one)
		return 0;
	memcpy(one, data, size);
	r = k4a_uvc_parse_header(one, (u32)size, &h);
	check_header(one, (u32)size, r, &h);
	r = k4a_ms_meta_parse(one, (u32)size, &m);
	check_meta(one, (u32)size, r, &m);
	free(one);

	/* Input as a frame of length-prefixed payloads. */
	k4a_uvc_frame_meta_reset(&fm);
	while (off + 2 <= size) {
		u32 n = k4a_get_le16(data + off);
		u8 *p;

		off += 2;
		if (n > size - off)
			n = (u32)(size - off);
		p = malloc(n ? n : 1);
		if (!p)
			return 0;
		memcpy(p, data + off, n);
		off += n;
		r = k4a_uvc_parse_header(p, n, &h);
		check_header(p, n, r, &h);
		if (!r) {
			u32 before = fm.len;

			r = k4a_uvc_frame_meta_add(&fm, &h);
			check(fm.len <= K4A_UVC_FRAME_META_MAX);
			check(r == (before + h.meta_len > K4A_UVC_FRAME_META_MAX ?
				    -ENOSPC : 0));
			check(!r || fm.overflow);
			check(fm.len - before <= h.meta_len);
			if (!fm.overflow)
				check(fm.len - before == h.meta_len);
		}
		free(p);
	}
	r = k4a_uvc_frame_meta_parse(&fm, &m);
	check_meta(fm.buf, fm.len, r, &m);
	return 0;
}
