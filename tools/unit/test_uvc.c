// SPDX-License-Identifier: GPL-2.0
/* Unit tests for driver/lib/k4a_uvc.c */
#include "k4a_test.h"
#include "k4a_uvc.h"

/* Builders for test input, written from the UVC and MS metadata layouts. */
static u32 put_hdr(u8 *b, u8 flags, u32 pts, u32 stc, u16 sof,
		   const u8 *meta, u32 meta_len)
{
	u32 off = 2;

	b[1] = flags;
	if (flags & K4A_UVC_PTS) {
		k4a_put_le32(b + off, pts);
		off += 4;
	}
	if (flags & K4A_UVC_SCR) {
		k4a_put_le32(b + off, stc);
		k4a_put_le16(b + off + 4, sof);
		off += 6;
	}
	if (meta_len)
		memcpy(b + off, meta, meta_len);
	off += meta_len;
	b[0] = (u8)off;
	return off;
}

static u32 put_align(u8 *b, u32 size, u64 pts)
{
	memset(b, 0xa5, size);
	k4a_put_le32(b, K4A_MS_ID_FRAME_ALIGN_INFO);
	k4a_put_le32(b + 4, size);
	k4a_put_le32(b + 8, 0);
	k4a_put_le32(b + 12, 0);
	k4a_put_le64(b + 16, pts);
	return size;
}

static u32 put_stats(u8 *b, u32 flags, u64 exp, u32 iso, u32 wb)
{
	memset(b, 0x5a, 80);
	k4a_put_le32(b, K4A_MS_ID_CAPTURE_STATS);
	k4a_put_le32(b + 4, 80);
	k4a_put_le32(b + 8, flags);
	k4a_put_le32(b + 12, 0);
	k4a_put_le64(b + 16, exp);	/* ExposureTime */
	k4a_put_le64(b + 24, 0);	/* ExposureCompensationFlags */
	k4a_put_le32(b + 32, 0);	/* ExposureCompensationValue */
	k4a_put_le32(b + 36, iso);	/* IsoSpeed */
	k4a_put_le32(b + 40, 0);	/* FocusState */
	k4a_put_le32(b + 44, 0);	/* LensPosition */
	k4a_put_le32(b + 48, wb);	/* WhiteBalance */
	return 80;
}

static u32 put_item(u8 *b, u32 id, u32 size, u32 fill)
{
	k4a_put_le32(b, id);
	k4a_put_le32(b + 4, size);
	if (fill > 8)
		memset(b + 8, 0x11, fill - 8);
	return fill;
}

static void t_header_basic(void)
{
	u8 b[256];
	struct k4a_uvc_hdr h;
	u32 n;

	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_FID, 0, 0, 0, NULL, 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(k4a_uvc_parse_header(b, 100, &h), 0);
	CHECK_EQ(h.len, 2);
	CHECK(h.fid && !h.eof && !h.err && !h.has_pts && !h.has_scr);
	CHECK(!h.meta);
	CHECK_EQ(h.meta_len, 0);

	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_EOF | K4A_UVC_PTS, 0x12345678, 0, 0,
		    NULL, 0);
	CHECK_EQ(n, 6);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK(h.eof && !h.fid && h.has_pts && !h.has_scr);
	CHECK_EQ(h.pts, 0x12345678);
	CHECK_EQ(h.scr_stc, 0);

	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_SCR, 0, 0xdeadbeef, 0x07ff, NULL, 0);
	CHECK_EQ(n, 8);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK(!h.has_pts && h.has_scr);
	CHECK_EQ(h.scr_stc, 0xdeadbeef);
	CHECK_EQ(h.scr_sof, 0x07ff);
	CHECK_EQ(h.pts, 0);

	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR | K4A_UVC_ERR, 1, 2,
		    3, NULL, 0);
	CHECK_EQ(n, 12);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK(h.err);
	CHECK_EQ(h.pts, 1);
	CHECK_EQ(h.scr_stc, 2);
	CHECK_EQ(h.scr_sof, 3);
	CHECK_EQ(h.flags, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR | K4A_UVC_ERR);

	/* EOH clear is tolerated and visible in flags. */
	n = put_hdr(b, K4A_UVC_PTS, 7, 0, 0, NULL, 0);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK_EQ(h.pts, 7);
	CHECK(!(h.flags & K4A_UVC_EOH));
}

static void t_header_meta(void)
{
	u8 b[256], meta[256];
	struct k4a_uvc_hdr h;
	u32 n, i;

	for (i = 0; i < sizeof(meta); i++)
		meta[i] = (u8)(i * 7 + 1);
	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR, 1, 2, 3, meta, 124);
	CHECK_EQ(n, 136);
	CHECK_EQ(k4a_uvc_parse_header(b, sizeof(b), &h), 0);
	REQUIRE(h.meta);
	CHECK(h.meta == b + K4A_UVC_MS_META_OFFSET);
	CHECK_EQ(h.meta_len, 124);
	CHECK(!memcmp(h.meta, meta, 124));

	/* Extra header bytes without PTS/SCR start right after byte 1. */
	n = put_hdr(b, K4A_UVC_EOH, 0, 0, 0, meta, 5);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK(h.meta == b + 2);
	CHECK_EQ(h.meta_len, 5);
	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_SCR, 0, 0, 0, meta, 3);
	CHECK_EQ(k4a_uvc_parse_header(b, n, &h), 0);
	CHECK(h.meta == b + 8);
	CHECK_EQ(h.meta_len, 3);
	/* Largest possible header. */
	n = put_hdr(b, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR, 0, 0, 0, meta, 243);
	CHECK_EQ(n, 255);
	CHECK_EQ(k4a_uvc_parse_header(b, 255, &h), 0);
	CHECK_EQ(h.meta_len, 243);
}

static void t_header_invalid(void)
{
	u8 b[64];
	struct k4a_uvc_hdr h;

	memset(b, 0, sizeof(b));
	CHECK_EQ(k4a_uvc_parse_header(NULL, 10, &h), -EINVAL);
	CHECK_EQ(k4a_uvc_parse_header(b, 10, NULL), -EINVAL);
	CHECK_EQ(k4a_uvc_parse_header(b, 0, &h), -EINVAL);
	b[0] = 2;
	b[1] = K4A_UVC_EOH;
	CHECK_EQ(k4a_uvc_parse_header(b, 1, &h), -EINVAL);
	/* HLE 0 and 1 (fault cases the emulator can inject). */
	b[0] = 0;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	b[0] = 1;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	/* HLE larger than the payload. */
	b[0] = 12;
	b[1] = K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR;
	CHECK_EQ(k4a_uvc_parse_header(b, 11, &h), -EPROTO);
	CHECK_EQ(k4a_uvc_parse_header(b, 12, &h), 0);
	b[0] = 255;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	/* HLE too small for the announced fields. */
	b[0] = 11;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	b[0] = 5;
	b[1] = K4A_UVC_EOH | K4A_UVC_PTS;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	b[0] = 7;
	b[1] = K4A_UVC_EOH | K4A_UVC_SCR;
	CHECK_EQ(k4a_uvc_parse_header(b, 64, &h), -EPROTO);
	/* A failed parse leaves nothing usable behind. */
	CHECK(!h.meta && !h.len && !h.meta_len);
}

/* Every (HLE, flags, len) triple: the verdict matches the rules and meta stays in bounds. */
static void t_header_exhaustive(void)
{
	static const u32 lens[] = { 2, 3, 6, 8, 11, 12, 13, 100, 255, 256 };
	u8 b[256];
	struct k4a_uvc_hdr h;
	u32 hle, flags, li, ok = 0;

	for (hle = 0; hle < 256; hle++)
		for (flags = 0; flags < 256; flags++)
			for (li = 0; li < K4A_ARRAY_SIZE(lens); li++) {
				u32 len = lens[li];
				u32 need = 2 + (flags & 4 ? 4 : 0) + (flags & 8 ? 6 : 0);
				int expect = (hle >= need && hle <= len) ? 0 : -EPROTO;
				int r;

				memset(b, 0xee, sizeof(b));
				b[0] = (u8)hle;
				b[1] = (u8)flags;
				r = k4a_uvc_parse_header(b, len, &h);
				CHECK_EQ(r, expect);
				if (r)
					continue;
				ok++;
				CHECK_EQ(h.len, hle);
				CHECK_EQ(h.meta_len, hle - need);
				if (h.meta_len) {
					CHECK(h.meta == b + need);
					CHECK(h.meta + h.meta_len <= b + len);
				} else {
					CHECK(!h.meta);
				}
				CHECK_EQ(h.fid, !!(flags & 1));
				CHECK_EQ(h.eof, !!(flags & 2));
				CHECK_EQ(h.err, !!(flags & 0x40));
			}
	CHECK(ok > 0);
}

static void t_meta_items(void)
{
	u8 b[512];
	struct k4a_ms_meta m;
	u32 n;

	/* FrameAlignInfo, Linux size 44, then CaptureStats: the camera's layout. */
	n = put_align(b, 44, 0x0123456789abcdefULL);
	n += put_stats(b + n, K4A_MS_STATS_EXPOSURE | K4A_MS_STATS_ISO |
		       K4A_MS_STATS_WHITE_BALANCE, 333330, 400, 4500);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), 0);
	CHECK(m.have_pts);
	CHECK_EQ_U64(m.frame_pts, 0x0123456789abcdefULL);
	CHECK(m.have_stats);
	CHECK_EQ(m.stats_flags, 0x25);
	CHECK_EQ(m.exposure_100ns, 333330);
	CHECK_EQ(m.iso, 400);
	CHECK_EQ(m.white_balance, 4500);

	/* Windows size 48, stats first, unknown items around. */
	n = put_item(b, 0x1234, 20, 20);
	n += put_stats(b + n, 0, 1, 2, 3);
	n += put_item(b + n, 0x80000002, 8, 8);
	n += put_align(b + n, 48, 90000);
	n += put_item(b + n, 0xffffffff, 16, 16);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), 0);
	CHECK(m.have_pts && m.have_stats);
	CHECK_EQ(m.frame_pts, 90000);
	CHECK_EQ(m.stats_flags, 0);
	CHECK_EQ(m.exposure_100ns, 1);
	CHECK_EQ(m.iso, 2);
	CHECK_EQ(m.white_balance, 3);

	/* Empty metadata and only unknown items: clean, nothing found. */
	CHECK_EQ(k4a_ms_meta_parse(NULL, 0, &m), 0);
	CHECK(!m.have_pts && !m.have_stats);
	n = put_item(b, 7, 8, 8);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), 0);
	CHECK(!m.have_pts && !m.have_stats);
	CHECK_EQ(k4a_ms_meta_parse(NULL, 8, &m), -EINVAL);
	CHECK_EQ(k4a_ms_meta_parse(b, 8, NULL), -EINVAL);

	/* FramePTS 0 is reported as found with value 0 (caller drops the frame). */
	n = put_align(b, 44, 0);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), 0);
	CHECK(m.have_pts);
	CHECK_EQ(m.frame_pts, 0);

	/* The first item of an id wins. */
	n = put_align(b, 44, 5);
	n += put_align(b + n, 44, 6);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), 0);
	CHECK_EQ(m.frame_pts, 5);
}

static void t_meta_malformed(void)
{
	u8 b[512];
	struct k4a_ms_meta m;
	u32 n, sz;

	/* Size 0 stops the walk; earlier items are kept. */
	n = put_align(b, 44, 77);
	n += put_item(b + n, 3, 0, 8);
	n += put_stats(b + n, 1, 2, 3, 4);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), -EPROTO);
	CHECK(m.have_pts);
	CHECK_EQ(m.frame_pts, 77);
	CHECK(!m.have_stats);

	/* Sizes 1..7 are smaller than the item header. */
	for (sz = 1; sz < 8; sz++) {
		n = put_stats(b, 1, 2, 3, 4);
		n += put_item(b + n, 0x80000001, sz, 8);
		n += put_align(b + n, 44, 9);
		CHECK_EQ(k4a_ms_meta_parse(b, n, &m), -EPROTO);
		CHECK(m.have_stats && !m.have_pts);
	}

	/* Overrun: the item claims more than is there. */
	n = put_align(b, 44, 1);
	CHECK_EQ(k4a_ms_meta_parse(b, n - 1, &m), -EPROTO);
	CHECK(!m.have_pts);
	n = put_stats(b, 1, 2, 3, 4);
	n += put_item(b + n, 9, 0x7fffffff, 16);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), -EPROTO);
	CHECK(m.have_stats);
	n = put_item(b, 9, 0xffffffff, 16);
	CHECK_EQ(k4a_ms_meta_parse(b, n, &m), -EPROTO);

	/* Trailing bytes too short for an item header. */
	n = put_align(b, 44, 3);
	CHECK_EQ(k4a_ms_meta_parse(b, n + 7, &m), -EPROTO);
	CHECK(m.have_pts);
	CHECK_EQ(k4a_ms_meta_parse(b, 4, &m), -EPROTO);

	/* Known ids with a wrong size are skipped, the walk goes on. */
	for (sz = 8; sz <= 96; sz += 4) {
		n = put_item(b, K4A_MS_ID_FRAME_ALIGN_INFO, sz, sz);
		n += put_stats(b + n, 0x20, 0, 0, 6500);
		CHECK_EQ(k4a_ms_meta_parse(b, n, &m),
			 sz == 44 || sz == 48 ? 0 : -EPROTO);
		CHECK_EQ(m.have_pts, sz == 44 || sz == 48);
		CHECK(m.have_stats);
		CHECK_EQ(m.white_balance, 6500);
		n = put_item(b, K4A_MS_ID_CAPTURE_STATS, sz, sz);
		n += put_align(b + n, 48, 11);
		CHECK_EQ(k4a_ms_meta_parse(b, n, &m), sz == 80 ? 0 : -EPROTO);
		CHECK(m.have_pts);
		CHECK_EQ(m.have_stats, sz == 80);
	}
}

static void t_frame_meta(void)
{
	static struct k4a_uvc_frame_meta fm;
	u8 meta[200], pay[256];
	struct k4a_uvc_hdr h;
	struct k4a_ms_meta m;
	u32 n, i;

	n = put_align(meta, 44, 123456);
	n += put_stats(meta + n, 1, 100000, 0, 0);
	CHECK_EQ(n, 124);

	/* The items split over two payloads of one frame. */
	k4a_uvc_frame_meta_reset(&fm);
	CHECK_EQ(k4a_uvc_frame_meta_parse(&fm, &m), 0);
	CHECK(!m.have_pts);
	i = put_hdr(pay, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR, 0, 0, 0, meta, 30);
	REQUIRE(k4a_uvc_parse_header(pay, i, &h) == 0);
	CHECK_EQ(k4a_uvc_frame_meta_add(&fm, &h), 0);
	CHECK_EQ(k4a_uvc_frame_meta_parse(&fm, &m), -EPROTO);
	CHECK(!m.have_pts);
	i = put_hdr(pay, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR | K4A_UVC_EOF, 0, 0,
		    0, meta + 30, n - 30);
	REQUIRE(k4a_uvc_parse_header(pay, i, &h) == 0);
	CHECK_EQ(k4a_uvc_frame_meta_add(&fm, &h), 0);
	/* Payloads without metadata add nothing. */
	i = put_hdr(pay, K4A_UVC_EOH, 0, 0, 0, NULL, 0);
	REQUIRE(k4a_uvc_parse_header(pay, i, &h) == 0);
	CHECK_EQ(k4a_uvc_frame_meta_add(&fm, &h), 0);
	CHECK_EQ(fm.len, n);
	CHECK_EQ(k4a_uvc_frame_meta_parse(&fm, &m), 0);
	CHECK(m.have_pts && m.have_stats);
	CHECK_EQ(m.frame_pts, 123456);
	CHECK_EQ(m.exposure_100ns, 100000);

	/* Overflow keeps a prefix: the first frame's items still parse. */
	for (i = 0; i < 20; i++) {
		u32 l = put_hdr(pay, K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR, 0, 0, 0,
				meta, n);
		int r;

		REQUIRE(k4a_uvc_parse_header(pay, l, &h) == 0);
		r = k4a_uvc_frame_meta_add(&fm, &h);
		CHECK(fm.len <= K4A_UVC_FRAME_META_MAX);
		CHECK_EQ(r, fm.overflow ? -ENOSPC : 0);
	}
	CHECK(fm.overflow);
	CHECK_EQ(fm.len, K4A_UVC_FRAME_META_MAX);
	CHECK(k4a_uvc_frame_meta_parse(&fm, &m) < 0);
	CHECK(m.have_pts && m.have_stats);
	CHECK_EQ(m.frame_pts, 123456);

	k4a_uvc_frame_meta_reset(&fm);
	CHECK(!fm.overflow);
	CHECK_EQ(fm.len, 0);
}

int main(void)
{
	RUN(t_header_basic);
	RUN(t_header_meta);
	RUN(t_header_invalid);
	RUN(t_header_exhaustive);
	RUN(t_meta_items);
	RUN(t_meta_malformed);
	RUN(t_frame_meta);
	return k4a_test_done();
}
