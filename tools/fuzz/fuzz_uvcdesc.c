// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_uvcdesc.c: the VideoStreaming
 * descriptors of the colour camera, untrusted.
 *
 * The whole input is the class-specific descriptor block, copied into a
 * buffer of exactly its size. The result is checked against the documented
 * contract and against a walk of the same bytes done here: every mode found
 * comes from a frame descriptor at a descriptor boundary with the mode's
 * size and indexes, and the return value says whether the walk was clean.
 * Every prefix that ends on a descriptor boundary gives a subset.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_uvcdesc.h"
#include "fuzz.h"

#define MAX_DESC	4096

/* Offsets of the descriptors found by our own walk of the input. */
static u32 starts[MAX_DESC];

static int walk(const u8 *p, u32 n, u32 *count)
{
	u32 off = 0, c = 0;

	while (off < n) {
		if (n - off < 2 || p[off] < 2 || p[off] > n - off) {
			*count = c;
			return -EPROTO;
		}
		starts[c++] = off;
		off += p[off];
	}
	*count = c;
	return 0;
}

/* A frame descriptor in the input that can be the source of @e. */
static bool has_frame(const u8 *p, u32 count, const struct k4a_color_mode *m,
		      const struct k4a_uvcd_mode *e)
{
	u8 sub = m->fmt == K4A_COLOR_MJPG ? 0x07 : 0x05;
	u32 i;

	for (i = 0; i < count; i++) {
		const u8 *q = p + starts[i];

		if (q[0] < 26 || q[1] != 0x24 || q[2] != sub)
			continue;
		if (q[3] == e->frame_index && k4a_get_le16(q + 5) == m->width &&
		    k4a_get_le16(q + 7) == m->height &&
		    k4a_get_le32(q + 17) == e->max_frame_bytes)
			return true;
	}
	return false;
}

static void check_result(const u8 *p, u32 n, int r, const struct k4a_uvcd *d)
{
	u32 i, j, count, present = 0;
	int wr = walk(p, n, &count);

	check(r == wr);
	check(3 * (d->n_modes + d->ignored) <= n);
	for (i = 0; i < K4A_UVCD_MAX_MODES; i++) {
		const struct k4a_uvcd_mode *e = &d->mode[i];
		const struct k4a_color_mode *m = k4a_color_mode_get(i);
		u32 k;

		if (!e->present) {
			check(!e->format_index && !e->frame_index &&
			      !e->fps_mask && !e->max_frame_bytes);
			continue;
		}
		present++;
		check(m);
		check(e->format_index && e->frame_index && e->fps_mask);
		for (k = 0; k < 32; k++)
			if (e->fps_mask & (1U << k))
				check(k4a_fps_get(k) &&
				      k4a_fps_get(k) <= m->max_fps);
		check(has_frame(p, count, m, e));
		for (j = 0; j < i; j++)
			check(!d->mode[j].present ||
			      d->mode[j].format_index != e->format_index ||
			      d->mode[j].frame_index != e->frame_index);
	}
	check(present == d->n_modes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct k4a_uvcd d, d2;
	u32 n = size > MAX_DESC ? MAX_DESC : (u32)size;
	u32 i, count;
	u8 *p;
	int r;

	p = malloc(n ? n : 1);
	if (!p)
		return 0;
	memcpy(p, data, n);
	r = k4a_uvcd_parse(p, n, &d);
	check(r == 0 || r == -EPROTO);
	check_result(p, n, r, &d);

	/* The same bytes as VideoControl descriptors: ids come from inside. */
	{
		struct k4a_uvc_vc vc;
		int rv = k4a_uvcd_parse_vc(p, n, &vc);

		check(rv == 0 || rv == -EPROTO);
		if (vc.ct_id || vc.pu_id || vc.bcd_uvc)
			check(n >= 8);
	}

	/* Deterministic. */
	check(k4a_uvcd_parse(p, n, &d2) == r);
	check(d2.n_modes == d.n_modes && d2.ignored == d.ignored);
	for (i = 0; i < K4A_UVCD_MAX_MODES; i++)
		check(d.mode[i].present == d2.mode[i].present &&
		      d.mode[i].format_index == d2.mode[i].format_index &&
		      d.mode[i].frame_index == d2.mode[i].frame_index &&
		      d.mode[i].fps_mask == d2.mode[i].fps_mask &&
		      d.mode[i].max_frame_bytes == d2.mode[i].max_frame_bytes);

	/* A prefix on a descriptor boundary: a clean walk and a subset. */
	walk(p, n, &count);
	if (count) {
		u32 cut = starts[count / 2];

		check(k4a_uvcd_parse(p, cut, &d2) == 0);
		check(d2.n_modes <= d.n_modes);
		check(d2.ignored <= d.ignored);
		for (i = 0; i < K4A_UVCD_MAX_MODES; i++)
			if (d2.mode[i].present)
				check(d.mode[i].present &&
				      d.mode[i].format_index ==
				      d2.mode[i].format_index &&
				      d.mode[i].frame_index ==
				      d2.mode[i].frame_index);
	}
	free(p);
	return 0;
}
