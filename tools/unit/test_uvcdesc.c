// SPDX-License-Identifier: GPL-2.0
/* Unit tests for driver/lib/k4a_uvcdesc.c */
#include "k4a_test.h"
#include "k4a_uvcdesc.h"

/* Frame intervals in 100 ns units. */
#define IV30	333333U
#define IV15	666666U
#define IV5	2000000U

#define ALL_FPS	0x7U	/* 30, 15, 5: bits 0, 1, 2 of k4a_fps_get() */

/* Descriptor builder, laid out from the UVC 1.1 VideoStreaming tables. */
struct db {
	u8 b[4096];
	u32 len;
};

static u8 *db_take(struct db *d, u32 n)
{
	u8 *p = d->b + d->len;

	if (n > sizeof(d->b) - d->len) {
		fprintf(stderr, "descriptor builder overflow\n");
		abort();
	}
	memset(p, 0, n);
	d->len += n;
	return p;
}

static void d_input_header(struct db *d, u8 nformats)
{
	u8 *p = db_take(d, 13 + nformats);

	p[0] = (u8)(13 + nformats);
	p[1] = 0x24;
	p[2] = 0x01;		/* VS_INPUT_HEADER */
	p[3] = nformats;
	p[6] = 0x81;		/* bEndpointAddress */
	p[8] = 3;		/* bTerminalLink */
	p[12] = 1;		/* bControlSize */
}

static void d_fmt_mjpeg(struct db *d, u8 index, u8 nframes)
{
	u8 *p = db_take(d, 11);

	p[0] = 11;
	p[1] = 0x24;
	p[2] = 0x06;
	p[3] = index;
	p[4] = nframes;
	p[6] = 1;		/* bDefaultFrameIndex */
}

static const u8 guid_tail[12] = {
	0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

static u8 *d_fmt_uncomp(struct db *d, u8 index, const char *fourcc,
			u8 nframes, u8 bpp)
{
	u8 *p = db_take(d, 27);

	p[0] = 27;
	p[1] = 0x24;
	p[2] = 0x04;
	p[3] = index;
	p[4] = nframes;
	memcpy(p + 5, fourcc, 4);
	memcpy(p + 9, guid_tail, 12);
	p[21] = bpp;
	p[22] = 1;
	return p;
}

static u8 *d_frame(struct db *d, u8 subtype, u8 index, u16 w, u16 h,
		   u32 maxbuf, u8 n, const u32 *ivals)
{
	u32 len = 26 + 4 * n, i;
	u8 *p = db_take(d, len);

	p[0] = (u8)len;
	p[1] = 0x24;
	p[2] = subtype;
	p[3] = index;
	k4a_put_le16(p + 5, w);
	k4a_put_le16(p + 7, h);
	k4a_put_le32(p + 9, 1000);
	k4a_put_le32(p + 13, 100000);
	k4a_put_le32(p + 17, maxbuf);
	k4a_put_le32(p + 21, n ? ivals[0] : 0);
	p[25] = n;
	for (i = 0; i < n; i++)
		k4a_put_le32(p + 26 + 4 * i, ivals[i]);
	return p;
}

static u8 *d_frame_cont(struct db *d, u8 subtype, u8 index, u16 w, u16 h,
			u32 min, u32 max, u32 step)
{
	u8 *p = db_take(d, 38);

	p[0] = 38;
	p[1] = 0x24;
	p[2] = subtype;
	p[3] = index;
	k4a_put_le16(p + 5, w);
	k4a_put_le16(p + 7, h);
	k4a_put_le32(p + 17, (u32)w * h);
	k4a_put_le32(p + 21, min);
	p[25] = 0;
	k4a_put_le32(p + 26, min);
	k4a_put_le32(p + 30, max);
	k4a_put_le32(p + 34, step);
	return p;
}

static void d_color(struct db *d)
{
	u8 *p = db_take(d, 6);

	p[0] = 6;
	p[1] = 0x24;
	p[2] = 0x0d;		/* VS_COLORFORMAT */
	p[3] = 1;
	p[4] = 1;
	p[5] = 4;
}

static void d_raw(struct db *d, const u8 *bytes, u32 n)
{
	memcpy(db_take(d, n), bytes, n);
}

static const u32 iv_all[3] = { IV30, IV15, IV5 };
static const u32 iv_15[2] = { IV15, IV5 };

static const struct {
	u16 w, h;
} mjpg_sizes[6] = {
	{ 1280, 720 }, { 1920, 1080 }, { 2560, 1440 }, { 2048, 1536 },
	{ 3840, 2160 }, { 4096, 3072 },
};

/* The colour camera's VideoStreaming interface, alternate setting 0. */
static void camera(struct db *d)
{
	u32 i;

	d->len = 0;
	d_input_header(d, 3);
	d_fmt_mjpeg(d, 1, 6);
	for (i = 0; i < 6; i++) {
		u16 w = mjpg_sizes[i].w, h = mjpg_sizes[i].h;

		d_frame(d, 0x07, (u8)(i + 1), w, h, (u32)w * h, i < 5 ? 3 : 2,
			i < 5 ? iv_all : iv_15);
	}
	d_color(d);
	d_fmt_uncomp(d, 2, "NV12", 1, 12);
	d_frame(d, 0x05, 1, 1280, 720, 1280 * 720 * 3 / 2, 3, iv_all);
	d_color(d);
	d_fmt_uncomp(d, 3, "YUY2", 1, 16);
	d_frame(d, 0x05, 1, 1280, 720, 1280 * 720 * 2, 3, iv_all);
	d_color(d);
}

/* Index of a mode in the colour table, or -1. */
static int mode_idx(enum k4a_color_fmt fmt, u32 w, u32 h)
{
	const struct k4a_color_mode *m;
	u32 i;

	for (i = 0; (m = k4a_color_mode_get(i)); i++)
		if (m->fmt == fmt && m->width == w && m->height == h)
			return (int)i;
	return -1;
}

static struct db db;
static struct k4a_uvcd u;

static void t_camera(void)
{
	const struct k4a_color_mode *m;
	u32 i, n = 0;

	camera(&db);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.ignored, 0);
	for (i = 0; (m = k4a_color_mode_get(i)); i++) {
		const struct k4a_uvcd_mode *e = &u.mode[i];
		u32 px = (u32)m->width * m->height;

		REQUIRE(i < K4A_UVCD_MAX_MODES);
		n++;
		CHECK(e->present);
		switch (m->fmt) {
		case K4A_COLOR_MJPG:
			CHECK_EQ(e->format_index, 1);
			CHECK(e->frame_index >= 1 && e->frame_index <= 6);
			CHECK_EQ(mjpg_sizes[e->frame_index - 1].w, m->width);
			CHECK_EQ(mjpg_sizes[e->frame_index - 1].h, m->height);
			CHECK_EQ(e->max_frame_bytes, px);
			break;
		case K4A_COLOR_NV12:
			CHECK_EQ(e->format_index, 2);
			CHECK_EQ(e->frame_index, 1);
			CHECK_EQ(e->max_frame_bytes, px * 3 / 2);
			break;
		case K4A_COLOR_YUY2:
			CHECK_EQ(e->format_index, 3);
			CHECK_EQ(e->frame_index, 1);
			CHECK_EQ(e->max_frame_bytes, px * 2);
			break;
		}
		/* Every rate the table allows for the mode, no other. */
		CHECK_EQ(e->fps_mask, m->max_fps == 30 ? ALL_FPS : 0x6);
	}
	CHECK_EQ(n, 8);
	CHECK_EQ(u.n_modes, n);
	for (; i < K4A_UVCD_MAX_MODES; i++)
		CHECK(!u.mode[i].present);
	/* The mask bits follow k4a_fps_get(). */
	CHECK_EQ(k4a_fps_get(0), 30);
	CHECK_EQ(k4a_fps_get(1), 15);
	CHECK_EQ(k4a_fps_get(2), 5);
}

static void t_args(void)
{
	u8 b[4] = { 0 };

	CHECK_EQ(k4a_uvcd_parse(b, 4, NULL), -EINVAL);
	u.n_modes = 5;
	u.ignored = 5;
	CHECK_EQ(k4a_uvcd_parse(NULL, 4, &u), -EINVAL);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 0);
	CHECK_EQ(k4a_uvcd_parse(b, 0, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	/* A second parse starts from nothing. */
	camera(&db);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(k4a_uvcd_parse(db.b, 0, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK(!u.mode[0].present);
}

/* One MJPG 1280x720 frame with the given intervals: its fps mask or -1. */
static long long mask_of(u8 n, const u32 *ivals)
{
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 1000, n, ivals);
	if (k4a_uvcd_parse(db.b, db.len, &u))
		return -2;
	if (!u.mode[0].present)
		return u.ignored == 1 ? -1 : -3;
	return u.ignored ? -4 : (long long)u.mode[0].fps_mask;
}

static long long cont_mask(u16 w, u16 h, u32 min, u32 max, u32 step)
{
	int i = mode_idx(K4A_COLOR_MJPG, w, h);

	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	d_frame_cont(&db, 0x07, 1, w, h, min, max, step);
	if (k4a_uvcd_parse(db.b, db.len, &u) || i < 0)
		return -2;
	if (!u.mode[i].present)
		return u.ignored == 1 ? -1 : -3;
	return u.ignored ? -4 : (long long)u.mode[i].fps_mask;
}

static void t_intervals(void)
{
	u32 iv[8];

	/* Exact, +-1 (333334 is what some hosts write), +-2. */
	iv[0] = IV30;
	CHECK_EQ(mask_of(1, iv), 0x1);
	iv[0] = IV30 + 1;
	CHECK_EQ(mask_of(1, iv), 0x1);
	iv[0] = IV30 - 1;
	CHECK_EQ(mask_of(1, iv), 0x1);
	iv[0] = IV30 + 2;
	CHECK_EQ(mask_of(1, iv), -1);
	iv[0] = IV15 + 1;
	iv[1] = IV5 - 1;
	CHECK_EQ(mask_of(2, iv), 0x6);
	iv[0] = IV5 - 2;
	CHECK_EQ(mask_of(1, iv), -1);
	/* Rates outside the list, plus one inside. */
	iv[0] = 1000000;	/* 10 fps */
	iv[1] = 400000;		/* 25 fps */
	CHECK_EQ(mask_of(2, iv), -1);
	iv[2] = IV5;
	CHECK_EQ(mask_of(3, iv), 0x4);
	/* Order and repeats do not matter. */
	iv[0] = IV5;
	iv[1] = IV30;
	iv[2] = IV5;
	iv[3] = IV15;
	CHECK_EQ(mask_of(4, iv), ALL_FPS);
	/* No intervals at all: the descriptor offers no rate. */
	CHECK_EQ(mask_of(0, iv), -1);

	/* 4096x3072 offering 30 fps: the table caps it at 15. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	d_frame(&db, 0x07, 6, 4096, 3072, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.mode[mode_idx(K4A_COLOR_MJPG, 4096, 3072)].fps_mask, 0x6);
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	iv[0] = IV30;
	d_frame(&db, 0x07, 6, 4096, 3072, 1, 1, iv);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 1);

	/* Continuous ranges. */
	CHECK_EQ(cont_mask(1280, 720, IV30, IV5, 1), ALL_FPS);
	CHECK_EQ(cont_mask(1280, 720, IV30 - 1, IV5 + 1, 2), ALL_FPS);
	CHECK_EQ(cont_mask(1280, 720, 100000, 10000000, 100000), 0x4);
	CHECK_EQ(cont_mask(1280, 720, 0, IV5, IV30), 0x3);
	CHECK_EQ(cont_mask(1280, 720, IV30, IV5, IV30), 0x3);
	CHECK_EQ(cont_mask(1280, 720, IV30, IV15, 1), 0x3);
	CHECK_EQ(cont_mask(1280, 720, IV15 + 2, IV5, 1), 0x4);
	CHECK_EQ(cont_mask(1280, 720, IV15 + 1, IV5, 1), 0x6);
	CHECK_EQ(cont_mask(1280, 720, IV30 + 2, IV15 - 2, 1), -1);
	/* Step 0: the range is just its minimum. */
	CHECK_EQ(cont_mask(1280, 720, IV15, IV5, 0), 0x2);
	CHECK_EQ(cont_mask(1280, 720, IV15 + 5, IV5, 0), -1);
	/* An empty range (min > max). */
	CHECK_EQ(cont_mask(1280, 720, IV5, IV30, 1), -1);
	CHECK_EQ(cont_mask(1280, 720, IV5, IV30, 0), -1);
	/* Huge steps and bounds do not wrap. */
	CHECK_EQ(cont_mask(1280, 720, IV30, 0xffffffffU, 0xffffffffU), 0x1);
	CHECK_EQ(cont_mask(1280, 720, 0, 0xffffffffU, 1), ALL_FPS);
	CHECK_EQ(cont_mask(4096, 3072, IV30, IV5, 1), 0x6);
}

/* Frames that cannot become modes, one ignored count each. */
static void t_unknown(void)
{
	u8 *p;
	int nv12 = mode_idx(K4A_COLOR_NV12, 1280, 720);
	int mj720 = mode_idx(K4A_COLOR_MJPG, 1280, 720);
	int mj1080 = mode_idx(K4A_COLOR_MJPG, 1920, 1080);

	REQUIRE(nv12 >= 0 && mj720 >= 0 && mj1080 >= 0);

	/* A frame before any format. */
	db.len = 0;
	d_input_header(&db, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	d_fmt_mjpeg(&db, 1, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.ignored, 1);
	CHECK_EQ(u.n_modes, 1);
	CHECK(u.mode[mj720].present);

	/* Unknown GUIDs: a fourcc outside the table, a foreign tail. */
	db.len = 0;
	d_fmt_uncomp(&db, 1, "I420", 1, 12);
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	d_color(&db);
	p = d_fmt_uncomp(&db, 2, "NV12", 2, 12);
	p[20] ^= 1;
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	d_frame(&db, 0x05, 2, 1280, 720, 1, 3, iv_all);
	p = d_fmt_uncomp(&db, 3, "nv12", 1, 12);
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 7);

	/* Frames of an unknown format do not go to the format before it. */
	db.len = 0;
	d_fmt_uncomp(&db, 1, "NV12", 1, 12);
	d_frame(&db, 0x05, 1, 1280, 720, 5, 3, iv_all);
	d_fmt_uncomp(&db, 2, "RGBP", 1, 16);
	d_frame(&db, 0x05, 1, 1280, 720, 6, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK_EQ(u.ignored, 2);
	CHECK_EQ(u.mode[nv12].max_frame_bytes, 5);

	/* Other format kinds (frame based, H.264, DV) and their frames. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	p = db_take(&db, 28);
	p[0] = 28;
	p[1] = 0x24;
	p[2] = 0x10;		/* VS_FORMAT_FRAME_BASED */
	p[3] = 2;
	p = d_frame(&db, 0x11, 1, 1920, 1080, 1, 3, iv_all);
	p = d_frame(&db, 0x07, 2, 1920, 1080, 1, 3, iv_all);
	p = db_take(&db, 52);
	p[0] = 52;
	p[1] = 0x24;
	p[2] = 0x13;		/* VS_FORMAT_H264 */
	p = db_take(&db, 9);
	p[0] = 9;
	p[1] = 0x24;
	p[2] = 0x0c;		/* VS_FORMAT_DV */
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK(u.mode[mj720].present);
	CHECK(!u.mode[mj1080].present);
	CHECK_EQ(u.ignored, 6);

	/* A frame of the other kind than its format. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 2);
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	d_fmt_uncomp(&db, 2, "NV12", 1, 12);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 2);

	/* Sizes outside the table, for MJPG and for the raw formats. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 4);
	d_frame(&db, 0x07, 1, 640, 480, 1, 3, iv_all);
	d_frame(&db, 0x07, 2, 720, 1280, 1, 3, iv_all);
	d_frame(&db, 0x07, 3, 1280, 721, 1, 3, iv_all);
	d_frame(&db, 0x07, 4, 1920, 1080, 1, 3, iv_all);
	d_fmt_uncomp(&db, 2, "YUY2", 1, 16);
	d_frame(&db, 0x05, 1, 1920, 1080, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK(u.mode[mj1080].present);
	CHECK_EQ(u.mode[mj1080].frame_index, 4);
	CHECK_EQ(u.ignored, 4);
}

static void t_duplicates(void)
{
	int mj720 = mode_idx(K4A_COLOR_MJPG, 1280, 720);
	int mj1080 = mode_idx(K4A_COLOR_MJPG, 1920, 1080);

	/* The same mode twice: the first one counts. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 2);
	d_frame(&db, 0x07, 1, 1280, 720, 111, 3, iv_all);
	d_frame(&db, 0x07, 2, 1280, 720, 222, 3, iv_all);
	d_fmt_mjpeg(&db, 2, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 333, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK_EQ(u.ignored, 2);
	CHECK_EQ(u.mode[mj720].max_frame_bytes, 111);
	CHECK_EQ(u.mode[mj720].format_index, 1);
	CHECK_EQ(u.mode[mj720].frame_index, 1);

	/* A first copy without a valid rate leaves room for a second. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 2);
	d_frame(&db, 0x07, 1, 1280, 720, 111, 0, NULL);
	d_frame(&db, 0x07, 2, 1280, 720, 222, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK_EQ(u.ignored, 1);
	CHECK_EQ(u.mode[mj720].frame_index, 2);

	/* Two modes behind one (format, frame) index pair. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 2);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	d_frame(&db, 0x07, 1, 1920, 1080, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK(!u.mode[mj1080].present);
	CHECK_EQ(u.ignored, 1);
}

/* Malformed format and frame descriptors, the walk goes on. */
static void t_malformed_desc(void)
{
	static const u8 short_mjpeg[10] = { 10, 0x24, 0x06, 1, 1 };
	static const u8 short_uncomp[26] = { 26, 0x24, 0x04, 1, 1, 'N', 'V',
					      '1', '2' };
	int mj720 = mode_idx(K4A_COLOR_MJPG, 1280, 720);
	int nv12 = mode_idx(K4A_COLOR_NV12, 1280, 720);
	u8 *p;

	/* Short format descriptors: they and their frames are ignored. */
	db.len = 0;
	d_raw(&db, short_mjpeg, sizeof(short_mjpeg));
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	d_raw(&db, short_uncomp, sizeof(short_uncomp));
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 4);

	/* Index 0 is not a UVC index. */
	db.len = 0;
	d_fmt_mjpeg(&db, 0, 1);
	d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	d_fmt_uncomp(&db, 1, "NV12", 1, 12);
	d_frame(&db, 0x05, 0, 1280, 720, 1, 3, iv_all);
	d_frame(&db, 0x05, 1, 1280, 720, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK_EQ(u.ignored, 3);
	CHECK(u.mode[nv12].present);
	CHECK_EQ(u.mode[nv12].format_index, 1);

	/* Frames shorter than their fields: 25 bytes, N discrete, cont. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	p = d_frame(&db, 0x07, 1, 1280, 720, 1, 0, NULL);
	p[0] = 25;
	db.len -= 1;
	p = d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	p[0] = 37;		/* three intervals need 38 */
	db.len -= 1;
	p = d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	p[25] = 4;		/* claims a fourth interval */
	p = d_frame_cont(&db, 0x07, 1, 1280, 720, IV30, IV5, 1);
	p[0] = 37;
	db.len -= 1;
	p = d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	p[0] = 3;		/* just the subtype */
	db.len -= 35;
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 0);
	CHECK_EQ(u.ignored, 5);
	/* A longer descriptor than needed is fine. */
	db.len = 0;
	d_fmt_mjpeg(&db, 1, 1);
	p = d_frame(&db, 0x07, 1, 1280, 720, 1, 3, iv_all);
	p[0] = 40;
	db_take(&db, 2);
	d_frame(&db, 0x07, 2, 1920, 1080, 1, 3, iv_all);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 2);
	CHECK_EQ(u.ignored, 0);
	CHECK(u.mode[mj720].present);
}

/* Descriptors that are neither formats nor frames are stepped over. */
static void t_skipped(void)
{
	static const u8 still[10] = { 10, 0x24, 0x03, 0, 1, 0x00, 0x05, 0xd0,
				      0x02, 0 };
	static const u8 endpoint[7] = { 7, 0x05, 0x81, 0x05, 0, 4, 1 };
	static const u8 two[2] = { 2, 0x24 };
	static const u8 vendor[5] = { 5, 0x24, 0x7f, 1, 2 };
	u8 *p;
	int mj720 = mode_idx(K4A_COLOR_MJPG, 1280, 720);

	db.len = 0;
	d_input_header(&db, 1);
	d_fmt_mjpeg(&db, 1, 2);
	d_raw(&db, still, sizeof(still));
	d_raw(&db, endpoint, sizeof(endpoint));
	d_raw(&db, two, sizeof(two));
	d_raw(&db, vendor, sizeof(vendor));
	/* A frame descriptor's bytes under another descriptor type. */
	p = d_frame(&db, 0x07, 1, 1920, 1080, 1, 3, iv_all);
	p[1] = 0x25;
	d_frame(&db, 0x07, 2, 1280, 720, 1, 3, iv_all);
	d_color(&db);
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), 0);
	CHECK_EQ(u.n_modes, 1);
	CHECK_EQ(u.ignored, 0);
	CHECK(u.mode[mj720].present);
	CHECK_EQ(u.mode[mj720].frame_index, 2);
}

/* The walk stops at a broken bLength and keeps what came before. */
static void t_walk(void)
{
	struct k4a_uvcd full;
	u32 cut, i, ends = 0;
	u8 *p;

	camera(&db);
	REQUIRE(k4a_uvcd_parse(db.b, db.len, &full) == 0);

	/* bLength 0 and 1 in the middle. */
	for (i = 0; i < 2; i++) {
		camera(&db);
		p = db.b + 16 + 11 + 38;	/* header, format, frame 1 */
		REQUIRE(p[1] == 0x24 && p[2] == 0x07);
		p[0] = (u8)i;
		CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), -EPROTO);
		CHECK_EQ(u.n_modes, 1);
		CHECK(u.mode[mode_idx(K4A_COLOR_MJPG, 1280, 720)].present);
		CHECK_EQ(u.ignored, 0);
	}
	/* bLength past the end. */
	camera(&db);
	db.b[db.len - 6] = 7;
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), -EPROTO);
	CHECK_EQ(u.n_modes, 8);
	db.b[db.len - 6] = 255;
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len, &u), -EPROTO);
	CHECK_EQ(u.n_modes, 8);
	/* A single trailing byte. */
	camera(&db);
	db.b[db.len] = 9;
	CHECK_EQ(k4a_uvcd_parse(db.b, db.len + 1, &u), -EPROTO);
	CHECK_EQ(u.n_modes, 8);

	/* Every prefix: a subset of the full result, in order. */
	camera(&db);
	for (cut = 0; cut <= db.len; cut++) {
		u32 prev = u.n_modes;
		int r = k4a_uvcd_parse(db.b, cut, &u);

		CHECK(r == 0 || r == -EPROTO);
		ends += !r;
		CHECK_EQ(u.ignored, 0);
		CHECK(u.n_modes >= (cut ? prev : 0));
		for (i = 0; i < K4A_UVCD_MAX_MODES; i++)
			if (u.mode[i].present)
				CHECK(!memcmp(&u.mode[i], &full.mode[i],
					      sizeof(u.mode[i])));
	}
	/* 0, and after each of the 15 descriptors. */
	CHECK_EQ(ends, 16);
	CHECK_EQ(u.n_modes, 8);
}

/* Random corruption: never a crash, results consistent. */
static void t_random(void)
{
	static struct db base;
	u32 it, seed = 12345, i, clean = 0;

	camera(&base);
	for (it = 0; it < 20000; it++) {
		u32 n = 1 + it % 8, cnt = 0;
		int r;

		db = base;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245U + 12345U;
			db.b[(seed >> 8) % db.len] = (u8)(seed >> 24);
		}
		seed = seed * 1103515245U + 12345U;
		if (!(it & 3))
			db.len = (seed >> 8) % (db.len + 1);
		r = k4a_uvcd_parse(db.b, db.len, &u);
		CHECK(r == 0 || r == -EPROTO);
		clean += !r;
		for (i = 0; i < K4A_UVCD_MAX_MODES; i++) {
			const struct k4a_color_mode *m = k4a_color_mode_get(i);
			const struct k4a_uvcd_mode *e = &u.mode[i];

			if (!e->present) {
				CHECK(!e->fps_mask && !e->format_index &&
				      !e->frame_index && !e->max_frame_bytes);
				continue;
			}
			cnt++;
			REQUIRE(m);
			CHECK(e->format_index && e->frame_index);
			CHECK(e->fps_mask && !(e->fps_mask & ~ALL_FPS));
			if (m->max_fps < 30)
				CHECK(!(e->fps_mask & 1));
		}
		CHECK_EQ(u.n_modes, cnt);
		CHECK(u.n_modes <= 8);
		/* Each counted descriptor takes at least 3 bytes. */
		CHECK(3 * (u.n_modes + u.ignored) <= db.len);
	}
	NOTE("%u of 20000 corrupted layouts walked cleanly", clean);
}

/* VideoControl: header version, Camera Terminal and Processing Unit ids. */
static void t_vc(void)
{
	static const u8 vc[] = {
		13, 0x24, 0x01, 0x00, 0x01, 0x33, 0x00, 0x90, 0x5f, 0x01, 0x00,
		0x01, 0x01,
		/* output terminal first: not the camera */
		9, 0x24, 0x03, 0x03, 0x01, 0x01, 0x00, 0x02, 0x00,
		/* input terminal of another type */
		8, 0x24, 0x02, 0x07, 0x01, 0x01, 0x00, 0x00,
		18, 0x24, 0x02, 0x01, 0x01, 0x02, 0x00, 0x00, 0, 0, 0, 0, 0, 0,
		3, 0x0a, 0x00, 0x00,
		11, 0x24, 0x05, 0x02, 0x01, 0x00, 0x00, 0x02, 0x5b, 0x17, 0x00,
	};
	struct k4a_uvc_vc r;
	u32 cut;

	CHECK_EQ(k4a_uvcd_parse_vc(vc, sizeof(vc), &r), 0);
	CHECK_EQ(r.bcd_uvc, 0x0100);
	CHECK_EQ(r.ct_id, 1);
	CHECK_EQ(r.pu_id, 2);
	CHECK_EQ(k4a_uvcd_parse_vc(NULL, 0, &r), 0);
	CHECK_EQ(r.ct_id, 0);
	CHECK_EQ(k4a_uvcd_parse_vc(vc, sizeof(vc), NULL), -EINVAL);
	/* every truncation: a clean stop at a descriptor edge, else -EPROTO,
	 * and only ids whose descriptor lies wholly inside the prefix
	 */
	for (cut = 0; cut < sizeof(vc); cut++) {
		u8 *p = malloc(cut ? cut : 1);
		int ret;

		memcpy(p, vc, cut);
		ret = k4a_uvcd_parse_vc(p, cut, &r);
		CHECK(ret == 0 || ret == -EPROTO);
		if (r.ct_id)
			CHECK(cut >= 13 + 9 + 8 + 18);
		if (r.pu_id)
			CHECK(cut == sizeof(vc));
		free(p);
	}
	/* a zero length byte ends the walk */
	{
		u8 bad[sizeof(vc)];

		memcpy(bad, vc, sizeof(vc));
		bad[13] = 0;
		CHECK_EQ(k4a_uvcd_parse_vc(bad, sizeof(bad), &r), -EPROTO);
		CHECK_EQ(r.bcd_uvc, 0x0100);
		CHECK_EQ(r.ct_id, 0);
	}
}

int main(void)
{
	RUN(t_vc);
	RUN(t_camera);
	RUN(t_args);
	RUN(t_intervals);
	RUN(t_unknown);
	RUN(t_duplicates);
	RUN(t_malformed_desc);
	RUN(t_skipped);
	RUN(t_walk);
	RUN(t_random);
	return k4a_test_done();
}
