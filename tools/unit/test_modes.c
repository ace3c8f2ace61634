// SPDX-License-Identifier: GPL-2.0
/* Unit tests for driver/lib/k4a_modes.c */
#include "k4a_test.h"
#include "k4a_modes.h"

/* Reference conversions in 128-bit arithmetic (C division truncates toward zero). */
static s64 ref_us_to_ticks(s64 us)
{
	return (s64)(((__int128)us * 9) / 100);
}

static s64 ref_ticks_to_us(s64 t)
{
	__int128 v = ((__int128)t * 100) / 9;

	if (v > S64_MAX)
		return S64_MAX;
	if (v < S64_MIN)
		return S64_MIN;
	return (s64)v;
}

static void t_fps(void)
{
	u32 fps, n = 0;

	for (fps = 0; fps <= 1000; fps++)
		if (k4a_fps_valid(fps)) {
			n++;
			CHECK(fps == 5 || fps == 15 || fps == 30);
			CHECK_EQ(k4a_frame_period_us(fps), 1000000 / fps);
			CHECK_EQ(k4a_frame_period_ticks(fps) * fps, K4A_TICK_HZ);
		} else {
			CHECK_EQ(k4a_frame_period_us(fps), 0);
			CHECK_EQ(k4a_frame_period_ticks(fps), 0);
		}
	CHECK_EQ(n, 3);
	CHECK(!k4a_fps_valid(U32_MAX));
	/* SDK values from the protocol document. */
	CHECK_EQ(k4a_frame_period_us(5), 200000);
	CHECK_EQ(k4a_frame_period_us(15), 66666);
	CHECK_EQ(k4a_frame_period_us(30), 33333);
	CHECK_EQ(k4a_frame_period_ticks(5), 18000);
	CHECK_EQ(k4a_frame_period_ticks(15), 6000);
	CHECK_EQ(k4a_frame_period_ticks(30), 3000);
	/* Enumeration: fastest first, terminated by 0, every entry valid. */
	CHECK_EQ(k4a_fps_get(0), 30);
	CHECK_EQ(k4a_fps_get(1), 15);
	CHECK_EQ(k4a_fps_get(2), 5);
	CHECK_EQ(k4a_fps_get(3), 0);
	CHECK_EQ(k4a_fps_get(U32_MAX), 0);
}

static void t_ticks_known(void)
{
	/* SDK encodings quoted in the protocol document and the vendor docs. */
	CHECK_EQ(k4a_us_to_ticks(160), 14);
	CHECK_EQ(k4a_us_to_ticks(-160), -14);
	CHECK_EQ(k4a_us_to_ticks(33333), 2999);
	CHECK_EQ(k4a_us_to_ticks(99), 8);
	CHECK_EQ(k4a_us_to_ticks(-99), -8);
	CHECK_EQ(k4a_us_to_ticks(0), 0);
	CHECK_EQ(k4a_ticks_to_us(3000), 33333);
	CHECK_EQ(k4a_ticks_to_us(6000), 66666);
	CHECK_EQ(k4a_ticks_to_us(18000), 200000);
	CHECK_EQ(k4a_ticks_to_us(14), 155);
	CHECK_EQ(k4a_ticks_to_us(-14), -155);
	CHECK_EQ(k4a_ticks_to_us(1), 11);
}

static void t_ticks_reference(void)
{
	static const s64 edge[] = {
		0, 1, -1, 8, 9, 10, 99, 100, 101, 111, 112, 12345678901LL,
		S64_MAX, S64_MIN, S64_MAX - 1, S64_MIN + 1, S64_MAX / 9,
		S64_MIN / 9, S64_MAX / 100, S64_MAX / 100 * 9, -(S64_MAX / 100 * 9),
		S64_MAX / 100 * 9 + 1, S64_MAX / 100 * 9 + 9,
	};
	u64 x = 0x9e3779b97f4a7c15ULL;
	unsigned int i;
	s64 v;

	for (i = 0; i < K4A_ARRAY_SIZE(edge); i++) {
		CHECK_EQ(k4a_us_to_ticks(edge[i]), ref_us_to_ticks(edge[i]));
		CHECK_EQ(k4a_ticks_to_us(edge[i]), ref_ticks_to_us(edge[i]));
	}
	for (v = -100000; v <= 100000; v++) {
		CHECK_EQ(k4a_us_to_ticks(v), ref_us_to_ticks(v));
		CHECK_EQ(k4a_ticks_to_us(v), ref_ticks_to_us(v));
	}
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (s64)(x >> (i % 60));
		if (i & 1)
			v = -v;
		CHECK_EQ(k4a_us_to_ticks(v), ref_us_to_ticks(v));
		CHECK_EQ(k4a_ticks_to_us(v), ref_ticks_to_us(v));
	}
}

static void t_quantize(void)
{
	s64 us;

	/* The device applies whole ticks: 160 us is 14 ticks = 155.6 us. */
	CHECK_EQ(k4a_us_quantize(160), 156);
	CHECK_EQ(k4a_us_to_ticks(156), 14);
	CHECK_EQ(k4a_us_quantize(-160), -156);
	CHECK_EQ(k4a_us_quantize(33333), 33323);
	CHECK_EQ(k4a_us_quantize(0), 0);
	CHECK_EQ(k4a_us_quantize(11), 0);
	CHECK_EQ(k4a_us_quantize(12), 12);
	for (us = -300000; us <= 300000; us++) {
		s64 q = k4a_us_quantize(us);
		s64 t = k4a_us_to_ticks(us);

		/* Same encoding, idempotent, never larger, closest to zero. */
		CHECK_EQ(k4a_us_to_ticks(q), t);
		CHECK_EQ(k4a_us_quantize(q), q);
		CHECK((q >= 0 ? q : -q) <= (us >= 0 ? us : -us));
		if (q > 0)
			CHECK(k4a_us_to_ticks(q - 1) != t);
		if (q < 0)
			CHECK(k4a_us_to_ticks(q + 1) != t);
		/* Within one tick (11.1 us) of the request. */
		CHECK(us - q < 12 && q - us < 12);
	}
	/* The encoded value round-trips for every tick count, extremes included. */
	for (us = -20000; us <= 20000; us++)
		CHECK_EQ(k4a_us_to_ticks(k4a_ticks_to_us_enc(us)), us);
	CHECK_EQ(k4a_us_to_ticks(k4a_ticks_to_us_enc(S64_MAX / 100 * 9)),
		 S64_MAX / 100 * 9);
	/* Extremes: same encoding, never larger, idempotent (no saturation). */
	{
		static const s64 ext[] = {
			S64_MAX, S64_MAX - 1, S64_MAX - 50, S64_MAX - 99, S64_MAX - 100,
			S64_MIN, S64_MIN + 1, S64_MIN + 50, S64_MIN + 99, S64_MIN + 100,
		};
		unsigned int i;

		for (i = 0; i < K4A_ARRAY_SIZE(ext); i++) {
			s64 q = k4a_us_quantize(ext[i]);

			CHECK_EQ(k4a_us_to_ticks(q), k4a_us_to_ticks(ext[i]));
			CHECK_EQ(k4a_us_quantize(q), q);
			CHECK(ext[i] > 0 ? q <= ext[i] : q >= ext[i]);
		}
	}
	CHECK_EQ(k4a_ticks_to_us_enc(S64_MAX), S64_MAX);
	CHECK_EQ(k4a_ticks_to_us_enc(S64_MIN), S64_MIN);
	CHECK_EQ(k4a_us_quantize(S64_MAX), k4a_ticks_to_us_enc(ref_us_to_ticks(S64_MAX)));
	CHECK_EQ(k4a_us_quantize(S64_MIN), k4a_ticks_to_us_enc(ref_us_to_ticks(S64_MIN)));
}

static void t_depth_modes(void)
{
	static const char *const names[] = {
		"nfov_2x2binned", "nfov_unbinned", "wfov_2x2binned",
		"wfov_unbinned", "passive_ir",
	};
	const struct k4a_depth_mode *m;
	u32 i, n = 0;

	for (i = 0; (m = k4a_depth_mode_get(i)); i++) {
		n++;
		CHECK_EQ(m->id, i + 1);
		REQUIRE(m->name);
		CHECK(!strcmp(m->name, names[i]));
		CHECK(k4a_depth_mode_by_id(m->id) == m);
		CHECK(k4a_depth_mode_by_name(m->name) == m);
		/* Host read size: raw size rounded up to a 1024-byte packet, and
		 * every raw size ends with a short packet. */
		CHECK_EQ(m->xfer_bytes % 1024, 0);
		CHECK(m->xfer_bytes >= m->raw_bytes);
		CHECK(m->xfer_bytes - m->raw_bytes < 1024);
		CHECK(m->raw_bytes % 1024 != 0);
		CHECK(k4a_fps_valid(m->max_fps));
		CHECK(k4a_depth_mode_valid(m->id, 5));
		CHECK(k4a_depth_mode_valid(m->id, m->max_fps));
		CHECK(!k4a_depth_mode_valid(m->id, 0));
		CHECK(!k4a_depth_mode_valid(m->id, 31));
		if (m->pulses) {
			/* Vendor exposure = pulses x width + idle periods x idle,
			 * rounded to 0.1 ms in the documentation. */
			u32 exp = m->pulses * m->pulse_us +
				  (m->pulses - 1) * m->idle_us;

			CHECK_EQ(m->pulses, 9);
			CHECK_EQ(m->pulse_us, 125);
			CHECK(m->exposure_us >= exp && m->exposure_us - exp < 100);
		} else {
			CHECK_EQ(m->idle_us, 0);
			CHECK_EQ(m->pulse_us, 0);
		}
	}
	CHECK_EQ(n, 5);
	CHECK(!k4a_depth_mode_by_id(0));
	CHECK(!k4a_depth_mode_by_id(6));
	CHECK(!k4a_depth_mode_by_id(U32_MAX));
	CHECK(!k4a_depth_mode_by_name(NULL));
	CHECK(!k4a_depth_mode_by_name(""));
	CHECK(!k4a_depth_mode_by_name("nfov_unbinned "));
	CHECK(!k4a_depth_mode_by_name("NFOV_UNBINNED"));
	CHECK(!k4a_depth_mode_by_name("nfov"));

	/* Facts from the protocol document, section 6.1. */
	m = k4a_depth_mode_by_name("nfov_unbinned");
	REQUIRE(m);
	CHECK_EQ(m->sensor_mode, 4);
	CHECK_EQ(m->raw_bytes, 5310760);
	CHECK_EQ(m->xfer_bytes, 5311488);
	CHECK_EQ(m->width, 640);
	CHECK_EQ(m->height, 576);
	CHECK_EQ(m->idle_us, 1450);
	m = k4a_depth_mode_by_name("nfov_2x2binned");
	REQUIRE(m);
	CHECK_EQ(m->width, 320);
	CHECK_EQ(m->height, 288);
	m = k4a_depth_mode_by_name("wfov_2x2binned");
	REQUIRE(m);
	CHECK_EQ(m->sensor_mode, 7);
	CHECK_EQ(m->raw_bytes, 3777232);
	CHECK_EQ(m->xfer_bytes, 3777536);
	m = k4a_depth_mode_by_name("wfov_unbinned");
	REQUIRE(m);
	CHECK_EQ(m->sensor_mode, 5);
	CHECK_EQ(m->raw_bytes, 9438664);
	CHECK_EQ(m->xfer_bytes, 9439232);
	CHECK_EQ(m->max_fps, 15);
	CHECK_EQ(m->idle_us, 2390);
	CHECK(!k4a_depth_mode_valid(m->id, 30));
	CHECK(k4a_depth_mode_valid(m->id, 15));
	m = k4a_depth_mode_by_name("passive_ir");
	REQUIRE(m);
	CHECK_EQ(m->sensor_mode, 3);
	CHECK_EQ(m->raw_bytes, 1678024);
	CHECK_EQ(m->xfer_bytes, 1678336);
	CHECK_EQ(m->pulses, 0);
	CHECK(k4a_depth_mode_valid(m->id, 30));
}

static void t_color_modes(void)
{
	const struct k4a_color_mode *m;
	u32 i, n = 0, nmjpg = 0, w, h, fps;
	int fmt;

	for (i = 0; (m = k4a_color_mode_get(i)); i++) {
		n++;
		if (m->fmt == K4A_COLOR_MJPG)
			nmjpg++;
		CHECK(k4a_color_mode_find(m->fmt, m->width, m->height) == m);
		CHECK(k4a_color_mode_valid(m->fmt, m->width, m->height, 5));
		CHECK(k4a_color_mode_valid(m->fmt, m->width, m->height, 15));
		CHECK_EQ(k4a_color_mode_valid(m->fmt, m->width, m->height, 30),
			 m->max_fps == 30);
		CHECK(!k4a_color_mode_valid(m->fmt, m->width, m->height, 25));
		CHECK(!k4a_color_mode_valid(m->fmt, m->width + 1, m->height, 5));
		/* No duplicates. */
		{
			const struct k4a_color_mode *o;
			u32 j;

			for (j = 0; (o = k4a_color_mode_get(j)); j++)
				CHECK(j == i || o->fmt != m->fmt ||
				      o->width != m->width || o->height != m->height);
		}
	}
	CHECK_EQ(n, 8);
	CHECK_EQ(nmjpg, 6);
	CHECK(!k4a_color_mode_get(U32_MAX));

	/* The protocol document's table, walked exhaustively over its axes. */
	for (fmt = K4A_COLOR_MJPG; fmt <= K4A_COLOR_YUY2 + 1; fmt++)
		for (i = 0; i < 8; i++)
			for (fps = 0; fps <= 60; fps++) {
				static const u16 res[8][2] = {
					{ 1280, 720 }, { 1920, 1080 }, { 2560, 1440 },
					{ 2048, 1536 }, { 3840, 2160 }, { 4096, 3072 },
					{ 640, 480 }, { 720, 1280 },
				};
				bool expect;

				w = res[i][0];
				h = res[i][1];
				if (fps != 5 && fps != 15 && fps != 30)
					expect = false;
				else if (fmt == K4A_COLOR_MJPG)
					expect = i < 6 && !(i == 5 && fps == 30);
				else if (fmt == K4A_COLOR_NV12 || fmt == K4A_COLOR_YUY2)
					expect = i == 0;
				else
					expect = false;
				CHECK_EQ(k4a_color_mode_valid((enum k4a_color_fmt)fmt, w, h, fps),
					 expect);
			}
}

/* The vendor's mains-synchronous exposure tables, the frame period bound. */
static void t_exposure_snap(void)
{
	/* up to the first entry at or above the request */
	CHECK_EQ(k4a_color_exposure_snap(0, false, 0), 500);
	CHECK_EQ(k4a_color_exposure_snap(300, true, 0), 500);
	CHECK_EQ(k4a_color_exposure_snap(500, true, 0), 500);
	CHECK_EQ(k4a_color_exposure_snap(501, true, 0), 1250);
	CHECK_EQ(k4a_color_exposure_snap(8000, true, 0), 10000);
	CHECK_EQ(k4a_color_exposure_snap(8000, false, 0), 8330);
	CHECK_EQ(k4a_color_exposure_snap(8330, false, 0), 8330);
	CHECK_EQ(k4a_color_exposure_snap(8331, false, 0), 16670);
	/* beyond the table: its longest entry */
	CHECK_EQ(k4a_color_exposure_snap(1638300, true, 0), 130000);
	CHECK_EQ(k4a_color_exposure_snap(1638300, false, 0), 133330);
	CHECK_EQ(k4a_color_exposure_snap(1638300, false, 5), 133330);
	/* never longer than the frame period */
	CHECK_EQ(k4a_color_exposure_snap(1638300, false, 30), 33330);
	CHECK_EQ(k4a_color_exposure_snap(1638300, true, 30), 30000);
	CHECK_EQ(k4a_color_exposure_snap(40000, false, 15), 41670);
	CHECK_EQ(k4a_color_exposure_snap(70000, false, 15), 50000);
	CHECK_EQ(k4a_color_exposure_snap(50001, false, 15), 50000);
	CHECK_EQ(k4a_color_exposure_snap(70000, true, 15), 60000);
	/* the UVC value (100 us units) of an entry snaps to the same entry */
	for (unsigned int hz = 0; hz < 2; hz++)
		for (unsigned int fps = 0; fps <= 30; fps += 5) {
			u32 e = k4a_color_exposure_snap(fps * 1000, hz, fps);

			CHECK_EQ(k4a_color_exposure_snap(e / 100 * 100, hz, fps), e);
		}
}

int main(void)
{
	RUN(t_fps);
	RUN(t_ticks_known);
	RUN(t_ticks_reference);
	RUN(t_quantize);
	RUN(t_depth_modes);
	RUN(t_color_modes);
	RUN(t_exposure_snap);
	return k4a_test_done();
}
