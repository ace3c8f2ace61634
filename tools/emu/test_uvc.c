// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the emulator's UVC function: descriptor builder, class
 * requests, payload writer, frame content (JPEG decoded with libjpeg) and
 * fault injection.  Prints one line per case, then "N passed, N failed".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "uvc.h"

static int failed_checks;
static const char *cur_case;

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			failed_checks++;					\
			printf("  %s:%d: %s: ", __FILE__, __LINE__, cur_case);	\
			printf(__VA_ARGS__);					\
			printf("\n");						\
		}								\
	} while (0)

static uint32_t g16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t g32(const uint8_t *p)
{
	return g16(p) | g16(p + 2) << 16;
}

static uint64_t g64(const uint8_t *p)
{
	return g32(p) | (uint64_t)g32(p + 4) << 32;
}

static void p16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void p32(uint8_t *p, uint32_t v)
{
	p16(p, v);
	p16(p + 2, v >> 16);
}

/* ------------------------------------------------------------------------
 * control request helpers
 */

enum { SET_CUR = 0x01, GET_CUR = 0x81, GET_MIN, GET_MAX, GET_RES, GET_LEN, GET_INFO, GET_DEF };

static int req(struct emu_uvc *u, uint8_t rq, uint8_t cs, uint8_t ifnum, uint8_t ent,
	       uint16_t len, uint8_t *data)
{
	uint8_t s[8];

	s[0] = rq == SET_CUR ? 0x21 : 0xa1;
	s[1] = rq;
	s[2] = 0;
	s[3] = cs;
	s[4] = ifnum;
	s[5] = ent;
	p16(s + 6, len);
	return emu_uvc_control(u, s, data);
}

static int err_code(struct emu_uvc *u)
{
	uint8_t b = 0xee;

	if (req(u, GET_CUR, 0x02, 0, 0, 1, &b) != 1)
		return -1;
	return b;
}

static int get_num(struct emu_uvc *u, uint8_t rq, uint8_t ent, uint8_t cs, unsigned int size,
		   int64_t *v)
{
	uint8_t b[4] = { 0 };
	int r = req(u, rq, cs, 0, ent, (uint16_t)size, b);

	if (r != (int)size)
		return -1;
	*v = size == 1 ? b[0] : size == 2 ? (int64_t)g16(b) : (int64_t)g32(b);
	return 0;
}

static int set_num(struct emu_uvc *u, uint8_t ent, uint8_t cs, unsigned int size, uint32_t v)
{
	uint8_t b[4];

	p32(b, v);
	return req(u, SET_CUR, cs, 0, ent, (uint16_t)size, b);
}

/* probe/commit with 26 bytes; returns emu_uvc_control() result */
static int vs_set(struct emu_uvc *u, uint8_t cs, uint8_t fmt, uint8_t frame, uint32_t ival,
		  uint16_t len)
{
	uint8_t b[48] = { 0 };

	p16(b, 1);
	b[2] = fmt;
	b[3] = frame;
	p32(b + 4, ival);
	return req(u, SET_CUR, cs, 1, 0, len, b);
}

/* commit a mode and select the alt setting uvcvideo would pick */
static int start_stream(struct emu_uvc *u, uint8_t fmt, uint8_t frame, uint32_t ival,
			struct emu_uvc_stream *si)
{
	uint8_t b[26];
	uint32_t need;
	unsigned int alt;

	if (vs_set(u, 1, fmt, frame, ival, 26) || req(u, GET_CUR, 1, 1, 0, 26, b) != 26)
		return -1;
	if (req(u, SET_CUR, 2, 1, 0, 26, b))
		return -1;
	need = g32(b + 22);
	for (alt = 1; alt <= EMU_UVC_NALTS; alt++)
		if (emu_uvc_alts[alt - 1].bpi >= need)
			break;
	if (alt > EMU_UVC_NALTS || emu_uvc_set_alt(u, alt))
		return -1;
	if (!emu_uvc_stream_info(u, si))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------------
 * descriptors
 */

struct want_frame {
	unsigned int w, h, n;
	uint32_t iv[3];
};

static const struct want_frame want_mjpg[] = {
	{ 1280, 720, 3, { 333333, 666666, 2000000 } },
	{ 1920, 1080, 3, { 333333, 666666, 2000000 } },
	{ 2560, 1440, 3, { 333333, 666666, 2000000 } },
	{ 2048, 1536, 3, { 333333, 666666, 2000000 } },
	{ 3840, 2160, 3, { 333333, 666666, 2000000 } },
	{ 4096, 3072, 2, { 666666, 2000000, 0 } },
};

static const struct want_frame want_720[] = {
	{ 1280, 720, 3, { 333333, 666666, 2000000 } },
};

static const uint8_t guid_nv12[16] = { 0x4e, 0x56, 0x31, 0x32, 0x00, 0x00, 0x10, 0x00,
				       0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71 };
static const uint8_t guid_yuy2[16] = { 0x59, 0x55, 0x59, 0x32, 0x00, 0x00, 0x10, 0x00,
				       0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71 };

static void test_descriptors(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	static uint8_t b[8192];
	int n = emu_uvc_config_descs(u, b, sizeof(b));
	size_t i = 0, vc_hdr = 0, vs_hdr = 0, vc_end = 0, vs_end = 0;
	int cur_if = -1, cur_alt = -1, fmt_seen = 0, frames_left = 0, last_alt = 0;
	unsigned int last_bpi = 0, nfr = 0, ndesc = 0, ncolor = 0, nct = 0, npu = 0, not = 0;
	const struct want_frame *wf = NULL;
	bool iad = false, in_vs_class = false;

	CHECK(n > 0, "config_descs returned %d", n);
	if (n <= 0)
		goto out;
	while (i < (size_t)n) {
		uint8_t bl = b[i], dt = b[i + 1];
		const uint8_t *d = b + i;

		CHECK(bl >= 2 && i + bl <= (size_t)n, "bad bLength %u at %zu", bl, i);
		if (bl < 2 || i + bl > (size_t)n)
			break;
		ndesc++;
		if (ndesc == 1) {
			iad = dt == 0x0b && bl == 8 && d[2] == 0 && d[3] == 2 && d[4] == 0x0e &&
			      d[5] == 0x03;
		}
		if (dt == 0x04) {
			CHECK(bl == 9, "interface bLength %u", bl);
			if (cur_if == 0 && vc_hdr && !vc_end)
				vc_end = i;
			if (cur_if == 1 && cur_alt == 0 && vs_hdr && !vs_end)
				vs_end = i;
			cur_if = d[2];
			cur_alt = d[3];
			CHECK(d[5] == 0x0e, "interface class %u", d[5]);
			if (cur_if == 0) {
				CHECK(cur_alt == 0 && d[4] == 0 && d[6] == 1, "VC interface");
			} else {
				CHECK(cur_if == 1 && d[6] == 2, "VS interface %d", cur_if);
				CHECK(cur_alt == 0 ? d[4] == 0 : d[4] == 1, "VS alt %d eps %u",
				      cur_alt, d[4]);
				if (cur_alt > 0) {
					CHECK(cur_alt == last_alt + 1, "alt order %d", cur_alt);
					last_alt = cur_alt;
				}
			}
			in_vs_class = cur_if == 1 && cur_alt == 0;
		} else if (dt == 0x24 && cur_if == 0) {
			switch (d[2]) {
			case 0x01:
				vc_hdr = i;
				CHECK(bl == 13 && g16(d + 3) == 0x0100 && g32(d + 7) == 90000 &&
				      d[11] == 1 && d[12] == 1, "VC header");
				break;
			case 0x02:
				nct++;
				CHECK(bl == 18 && d[3] == 1 && g16(d + 4) == 0x0201 && d[14] == 3 &&
				      d[15] == 0x0e && d[16] == 0 && d[17] == 0, "camera terminal");
				break;
			case 0x05:
				npu++;
				CHECK(bl == 12 && d[3] == 2 && d[4] == 1 && d[7] == 2 &&
				      g16(d + 8) == 0x175b && d[10] == 0 && d[11] == 0,
				      "processing unit");
				break;
			case 0x03:
				not++;
				CHECK(bl == 9 && d[3] == 3 && g16(d + 4) == 0x0101 && d[7] == 2,
				      "output terminal");
				break;
			default:
				CHECK(0, "unexpected VC subtype %u", d[2]);
			}
		} else if (dt == 0x24 && in_vs_class) {
			switch (d[2]) {
			case 0x01:
				vs_hdr = i;
				CHECK(bl == 16 && d[3] == 3 && d[6] == 0x81 && d[8] == 3 &&
				      d[9] == 0 && d[12] == 1, "VS input header");
				break;
			case 0x06:
			case 0x04:
				CHECK(frames_left == 0, "format before previous frames done");
				fmt_seen++;
				CHECK(d[3] == fmt_seen, "bFormatIndex %u", d[3]);
				if (fmt_seen == 1) {
					CHECK(d[2] == 0x06 && bl == 11 && d[4] == 6, "MJPG format");
					wf = want_mjpg;
				} else {
					const uint8_t *guid = fmt_seen == 2 ? guid_nv12 : guid_yuy2;

					CHECK(d[2] == 0x04 && bl == 27 && d[4] == 1, "uncompr.");
					CHECK(!memcmp(d + 5, guid, 16),
					      "GUID of format %d", fmt_seen);
					CHECK(d[21] == (fmt_seen == 2 ? 12 : 16), "bpp");
					CHECK(d[22] == 1, "default frame");
					wf = want_720;
				}
				frames_left = d[4];
				nfr = 0;
				break;
			case 0x07:
			case 0x05: {
				const struct want_frame *w = wf ? &wf[nfr] : NULL;
				uint32_t size;

				CHECK(frames_left > 0 && w, "frame without format");
				if (!w || frames_left <= 0)
					break;
				CHECK(d[2] == (fmt_seen == 1 ? 0x07 : 0x05), "frame subtype");
				CHECK(d[3] == nfr + 1, "bFrameIndex");
				CHECK(g16(d + 5) == w->w && g16(d + 7) == w->h, "size %ux%u",
				      g16(d + 5), g16(d + 7));
				CHECK(bl == 26 + 4 * w->n && d[25] == w->n, "intervals count");
				for (unsigned int k = 0; k < w->n && 26 + 4 * k + 4 <= bl; k++)
					CHECK(g32(d + 26 + 4 * k) == w->iv[k], "interval %u", k);
				CHECK(g32(d + 21) == w->iv[0], "default interval");
				size = fmt_seen == 1 ? w->w * w->h :
				       fmt_seen == 2 ? w->w * w->h * 3 / 2 : w->w * w->h * 2;
				CHECK(g32(d + 17) == size, "buffer size %u", g32(d + 17));
				CHECK(g32(d + 9) <= g32(d + 13) && g32(d + 9) > 0, "bit rates");
				if (fmt_seen > 1)
					CHECK(g32(d + 13) == size * 8 * 30, "max bit rate");
				nfr++;
				frames_left--;
				break;
			}
			case 0x0d:
				ncolor++;
				CHECK(bl == 6 && frames_left == 0 && d[5] == 4, "colour matching");
				break;
			default:
				CHECK(0, "unexpected VS subtype %u", d[2]);
			}
		} else if (dt == 0x05) {
			CHECK(cur_if == 1 && cur_alt > 0 && bl == 7 && d[2] == 0x81 &&
			      d[3] == 0x05 && g16(d + 4) == 1024 && d[6] == 1, "endpoint");
			CHECK(i + 7 + 6 <= (size_t)n && d[7] == 6 && d[8] == 0x30,
			      "companion follows endpoint");
			if (i + 13 <= (size_t)n) {
				const uint8_t *c = d + 7;
				unsigned int bpi = g16(c + 4);

				CHECK(bpi > last_bpi, "wBytesPerInterval increasing");
				CHECK(bpi <= (c[2] + 1u) * ((c[3] & 3) + 1u) * 1024u, "bpi %u fits",
				      bpi);
				last_bpi = bpi;
			}
		} else if (dt == 0x30) {
			/* checked with its endpoint */
		} else if (dt != 0x0b) {
			CHECK(0, "unexpected descriptor type %u", dt);
		}
		i += bl;
	}
	CHECK(i == (size_t)n, "descriptors add up to %zu of %d", i, n);
	CHECK(iad, "IAD first");
	CHECK(nct == 1 && npu == 1 && not == 1, "one CT, PU, OT");
	CHECK(fmt_seen == 3 && ncolor == 3, "3 formats %d, colour %u", fmt_seen, ncolor);
	CHECK(last_alt == EMU_UVC_NALTS, "alts %d", last_alt);
	CHECK(vc_hdr && vc_end && g16(b + vc_hdr + 5) == vc_end - vc_hdr, "VC wTotalLength");
	CHECK(vs_hdr && vs_end && g16(b + vs_hdr + 4) == vs_end - vs_hdr, "VS wTotalLength");

	/* every too small buffer fails, the exact size works */
	CHECK(emu_uvc_config_descs(u, b, (size_t)n) == n, "exact size");
	for (size_t cap = 0; cap < (size_t)n; cap += 37)
		CHECK(emu_uvc_config_descs(u, b, cap) == -1, "cap %zu", cap);
	CHECK(emu_uvc_config_descs(u, b, (size_t)n - 1) == -1, "cap n-1");
out:
	emu_uvc_free(u);
}

/* ------------------------------------------------------------------------
 * probe / commit
 */

static void test_probe_commit(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	struct emu_uvc_stream si;
	uint8_t b[64];
	int64_t v;

	memset(b, 0, sizeof(b));
	CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26, "GET_CUR probe");
	CHECK(b[2] == 1 && b[3] == 1 && g32(b + 4) == 333333, "default probe %u/%u/%u", b[2],
	      b[3], g32(b + 4));
	CHECK(g32(b + 18) == 1280 * 720, "default max frame %u", g32(b + 18));
	CHECK(req(u, GET_LEN, 1, 1, 0, 2, b) == 2 && g16(b) == 26, "GET_LEN 26");
	CHECK(req(u, GET_INFO, 1, 1, 0, 1, b) == 1 && b[0] == 3, "GET_INFO probe");
	CHECK(req(u, GET_INFO, 2, 1, 0, 1, b) == 1 && b[0] == 3, "GET_INFO commit");
	CHECK(req(u, GET_MIN, 1, 1, 0, 26, b) == 26 && g32(b + 4) == 333333, "GET_MIN interval");
	CHECK(req(u, GET_MAX, 1, 1, 0, 26, b) == 26 && g32(b + 4) == 2000000, "GET_MAX interval");
	CHECK(req(u, GET_DEF, 1, 1, 0, 26, b) == 26 && b[2] == 1 && b[3] == 1, "GET_DEF");
	CHECK(req(u, GET_MIN, 2, 1, 0, 26, b) == -1 && err_code(u) == 7, "commit GET_MIN stalls");

	/* every advertised mode negotiates to itself */
	for (unsigned int fi = 1; fi <= EMU_UVC_NFORMATS; fi++) {
		const struct emu_uvc_format_desc *f = &emu_uvc_formats[fi - 1];

		for (unsigned int ri = 1; ri <= f->nframes; ri++) {
			const struct emu_uvc_frame_desc *fr = &f->frames[ri - 1];

			for (unsigned int k = 0; k < fr->nival; k++) {
				uint32_t fsz, rate;

				CHECK(vs_set(u, 1, (uint8_t)fi, (uint8_t)ri, fr->ival[k], 26) == 0,
				      "probe %u/%u/%u", fi, ri, fr->ival[k]);
				CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26, "probe GET_CUR");
				CHECK(b[2] == fi && b[3] == ri && g32(b + 4) == fr->ival[k],
				      "echo %u/%u/%u", b[2], b[3], g32(b + 4));
				fsz = g32(b + 18);
				CHECK(fsz == emu_uvc_max_frame_size(fi, ri), "max frame");
				/* a frame fits in half the fastest period */
				rate = (uint32_t)((uint64_t)fsz * 2500 / fr->ival[0]);
				CHECK((g32(b + 22) > rate || g32(b + 22) == 49152) &&
				      g32(b + 22) <= 49152 && g32(b + 22) < 2 * rate + 1024,
				      "payload %u for %u bytes/interval", g32(b + 22), rate);
			}
		}
	}

	/* negotiation: nearest interval, 0 = default */
	CHECK(vs_set(u, 1, 3, 1, 400000, 26) == 0, "probe 400000");
	CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26 && g32(b + 4) == 333333, "nearest %u",
	      g32(b + 4));
	CHECK(vs_set(u, 1, 1, 6, 333333, 26) == 0, "probe 4096x3072@30");
	CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26 && g32(b + 4) == 666666, "12MP capped at 15");
	CHECK(vs_set(u, 1, 2, 1, 0, 26) == 0, "probe ival 0");
	CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26 && g32(b + 4) == 333333, "ival 0 -> default");

	/* bad fields stall with the right code and do not change state */
	CHECK(vs_set(u, 1, 4, 1, 333333, 26) == -1 && err_code(u) == 4, "format 4");
	CHECK(vs_set(u, 1, 0, 1, 333333, 26) == -1 && err_code(u) == 4, "format 0");
	CHECK(vs_set(u, 1, 2, 2, 333333, 26) == -1 && err_code(u) == 4, "frame 2 of NV12");
	CHECK(vs_set(u, 1, 1, 0, 333333, 26) == -1 && err_code(u) == 4, "frame 0");
	CHECK(vs_set(u, 1, 2, 1, 333333, 25) == -1 && err_code(u) == 7, "length 25");
	CHECK(vs_set(u, 1, 2, 1, 333333, 48) == -1 && err_code(u) == 7, "length 48");
	CHECK(req(u, GET_CUR, 1, 1, 0, 26, b) == 26 && b[2] == 2, "state kept");
	CHECK(err_code(u) == 0, "error code reset by success");
	CHECK(vs_set(u, 2, 2, 1, 400000, 26) == -1 && err_code(u) == 8, "commit inexact ival");
	CHECK(vs_set(u, 2, 2, 1, 3000000, 26) == -1 && err_code(u) == 4, "commit ival range");
	CHECK(vs_set(u, 2, 1, 6, 333333, 26) == -1 && err_code(u) == 4, "commit 12MP@30");
	CHECK(req(u, SET_CUR, 3, 1, 0, 11, b) == -1 && err_code(u) == 6, "still probe");
	CHECK(req(u, GET_CUR, 5, 1, 0, 1, b) == -1 && err_code(u) == 6, "still trigger");
	CHECK(req(u, GET_CUR, 1, 1, 1, 26, b) == -1 && err_code(u) == 5, "VS entity 1");

	/* UVC 1.1 length: 34 bytes with the clock frequency */
	memset(b, 0xaa, sizeof(b));
	CHECK(vs_set(u, 1, 3, 1, 666666, 34) == 0, "probe 34");
	CHECK(req(u, GET_CUR, 1, 1, 0, 34, b) == 34, "GET_CUR 34");
	CHECK(b[2] == 3 && g32(b + 4) == 666666 && g32(b + 26) == 90000 && b[30] == 3,
	      "34-byte fields");
	CHECK(b[34] == 0xaa, "no write past wLength");

	/* commit, stream info, commit refused while streaming */
	CHECK(!emu_uvc_stream_info(u, &si), "inactive before commit");
	CHECK(vs_set(u, 2, 3, 1, 666666, 26) == 0, "commit YUY2@15");
	CHECK(req(u, GET_CUR, 2, 1, 0, 26, b) == 26 && b[2] == 3 && g32(b + 4) == 666666,
	      "commit GET_CUR");
	CHECK(!emu_uvc_stream_info(u, &si), "inactive at alt 0");
	CHECK(emu_uvc_set_alt(u, 9) == -1, "alt 9");
	CHECK(emu_uvc_set_alt(u, 4) == 0, "alt 4");
	CHECK(emu_uvc_stream_info(u, &si), "active");
	CHECK(si.fourcc == EMU_UVC_FMT_YUY2 && si.width == 1280 && si.height == 720 &&
	      si.fps == 15 && si.alt == 4 && si.bytes_per_interval == 8192 &&
	      si.max_payload == 16384 &&
	      si.max_payload == g32(b + 22), "stream info");
	CHECK(vs_set(u, 2, 2, 1, 333333, 26) == -1 && err_code(u) == 2, "commit while streaming");
	CHECK(vs_set(u, 1, 2, 1, 333333, 26) == 0, "probe while streaming");
	CHECK(emu_uvc_set_alt(u, 0) == 0 && !emu_uvc_stream_info(u, &si), "alt 0 stops");
	(void)v;
	emu_uvc_free(u);
}

/* ------------------------------------------------------------------------
 * controls
 */

struct want_ctrl {
	uint8_t ent, cs, size;
	int32_t min, max, res, def;
	uint8_t info;
};

static const struct want_ctrl want_ctrls[] = {
	{ 1, 0x03, 1, 0, 1, 1, 0, 0x03 },		/* AE priority */
	{ 1, 0x04, 4, 3, 16383, 1, 127, 0x0f },		/* exposure abs (auto: disabled) */
	{ 2, 0x01, 2, 0, 1, 1, 0, 0x03 },		/* backlight */
	{ 2, 0x02, 2, 0, 255, 1, 128, 0x03 },		/* brightness */
	{ 2, 0x03, 2, 0, 10, 1, 5, 0x03 },		/* contrast */
	{ 2, 0x04, 2, 0, 255, 1, 0, 0x03 },		/* gain */
	{ 2, 0x05, 1, 0, 2, 1, 2, 0x03 },		/* power line */
	{ 2, 0x07, 2, 0, 63, 1, 32, 0x03 },		/* saturation */
	{ 2, 0x08, 2, 0, 4, 1, 2, 0x03 },		/* sharpness */
	{ 2, 0x0a, 2, 2500, 12500, 10, 4500, 0x0f },	/* WB temperature (auto) */
	{ 2, 0x0b, 1, 0, 1, 1, 1, 0x03 },		/* WB auto */
};

static void test_controls(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 1);
	struct emu_uvc_stats st;
	uint8_t b[8];
	int64_t v;
	unsigned int i;

	/* AE mode: bitmap control, manual (1) and aperture priority (8) */
	CHECK(get_num(u, GET_RES, 1, 0x02, 1, &v) == 0 && v == 0x09, "AE RES");
	CHECK(get_num(u, GET_DEF, 1, 0x02, 1, &v) == 0 && v == 0x08, "AE DEF");
	CHECK(get_num(u, GET_CUR, 1, 0x02, 1, &v) == 0 && v == 0x08, "AE CUR");
	CHECK(get_num(u, GET_INFO, 1, 0x02, 1, &v) == 0 && v == 0x03, "AE INFO");
	CHECK(get_num(u, GET_MIN, 1, 0x02, 1, &v) == -1 && err_code(u) == 7, "AE MIN stalls");

	for (i = 0; i < sizeof(want_ctrls) / sizeof(want_ctrls[0]); i++) {
		const struct want_ctrl *w = &want_ctrls[i];
		int64_t cur;

		cur_case = "controls";
		CHECK(get_num(u, GET_INFO, w->ent, w->cs, 1, &v) == 0 && v == w->info,
		      "INFO %u/%u = %lld", w->ent, w->cs, (long long)v);
		CHECK(get_num(u, GET_LEN, w->ent, w->cs, 2, &v) == 0 && v == w->size, "LEN");
		CHECK(get_num(u, GET_MIN, w->ent, w->cs, w->size, &v) == 0 && v == w->min,
		      "MIN %u/%u", w->ent, w->cs);
		CHECK(get_num(u, GET_MAX, w->ent, w->cs, w->size, &v) == 0 && v == w->max,
		      "MAX %u/%u", w->ent, w->cs);
		CHECK(get_num(u, GET_RES, w->ent, w->cs, w->size, &v) == 0 && v == w->res, "RES");
		CHECK(get_num(u, GET_DEF, w->ent, w->cs, w->size, &v) == 0 && v == w->def, "DEF");
		CHECK(get_num(u, GET_CUR, w->ent, w->cs, w->size, &cur) == 0, "CUR");
		if (w->info & 0x04)
			continue;	/* under automatic control, tested below */
		CHECK(cur == w->def, "power-on value of %u/%u is %lld", w->ent, w->cs,
		      (long long)cur);
		CHECK(set_num(u, w->ent, w->cs, w->size, (uint32_t)w->max) == 0, "SET max");
		CHECK(get_num(u, GET_CUR, w->ent, w->cs, w->size, &v) == 0 && v == w->max,
		      "read back max");
		CHECK(set_num(u, w->ent, w->cs, w->size, (uint32_t)w->max + 1) == -1 &&
		      err_code(u) == 4, "max+1 stalls out of range");
		if (w->min > 0 || w->size == 2)
			CHECK(set_num(u, w->ent, w->cs, w->size, (uint32_t)(w->min - 1)) == -1 &&
			      err_code(u) == 4, "min-1 stalls");
		CHECK(set_num(u, w->ent, w->cs, w->size, (uint32_t)w->min) == 0, "SET min");
		CHECK(get_num(u, GET_CUR, w->ent, w->cs, w->size, &v) == 0 && v == w->min,
		      "read back min");
		CHECK(set_num(u, w->ent, w->cs, w->size == 1 ? 2 : 1, (uint32_t)w->def) == -1 &&
		      err_code(u) == 7, "wrong wLength stalls");
		CHECK(set_num(u, w->ent, w->cs, w->size, (uint32_t)w->def) == 0, "SET def");
	}
	cur_case = "controls";

	/* exposure: auto -> wrong state; manual -> accepted and used */
	CHECK(set_num(u, 1, 0x04, 4, 100) == -1 && err_code(u) == 2, "exposure in auto");
	CHECK(set_num(u, 1, 0x02, 1, 0x02) == -1 && err_code(u) == 8, "AE mode 2 unsupported");
	CHECK(set_num(u, 1, 0x02, 1, 0x03) == -1 && err_code(u) == 8, "AE mode two bits");
	CHECK(set_num(u, 1, 0x02, 1, 0x00) == -1 && err_code(u) == 4, "AE mode 0");
	CHECK(set_num(u, 1, 0x02, 1, 0x01) == 0, "AE manual");
	CHECK(get_num(u, GET_INFO, 1, 0x04, 1, &v) == 0 && v == 0x0b, "exposure enabled");
	CHECK(set_num(u, 1, 0x04, 4, 100) == 0, "exposure 10 ms");
	CHECK(get_num(u, GET_CUR, 1, 0x04, 4, &v) == 0 && v == 100, "exposure read back");
	CHECK(emu_uvc_exposure_100ns(u) == 100000, "exposure used %u", emu_uvc_exposure_100ns(u));
	CHECK(set_num(u, 1, 0x04, 4, 16383) == 0, "exposure max");
	CHECK(emu_uvc_exposure_100ns(u) == 333330, "exposure limited by frame period %u",
	      emu_uvc_exposure_100ns(u));
	CHECK(set_num(u, 1, 0x04, 4, 2) == -1 && err_code(u) == 4, "exposure 2");
	CHECK(set_num(u, 1, 0x02, 1, 0x08) == 0, "AE auto again");
	CHECK(emu_uvc_exposure_100ns(u) == 166700, "auto exposure 60 Hz %u",
	      emu_uvc_exposure_100ns(u));
	CHECK(set_num(u, 2, 0x05, 1, 1) == 0, "50 Hz");
	CHECK(emu_uvc_exposure_100ns(u) == 100000, "auto exposure 50 Hz %u",
	      emu_uvc_exposure_100ns(u));
	CHECK(get_num(u, GET_CUR, 1, 0x04, 4, &v) == 0 && v == 100, "auto exposure read %lld",
	      (long long)v);

	/* white balance */
	CHECK(set_num(u, 2, 0x0a, 2, 5000) == -1 && err_code(u) == 2, "WB in auto");
	CHECK(set_num(u, 2, 0x0b, 1, 0) == 0, "WB manual");
	CHECK(set_num(u, 2, 0x0a, 2, 5005) == -1 && err_code(u) == 8, "WB not multiple of 10");
	CHECK(set_num(u, 2, 0x0a, 2, 5000) == 0, "WB 5000");
	CHECK(get_num(u, GET_CUR, 2, 0x0a, 2, &v) == 0 && v == 5000, "WB read back");
	CHECK(get_num(u, GET_INFO, 2, 0x0a, 1, &v) == 0 && v == 0x0b, "WB enabled");

	/* signed brightness: -1 is out of range, not 65535 */
	CHECK(set_num(u, 2, 0x02, 2, 0xffff) == -1 && err_code(u) == 4, "brightness -1");

	/* addressing errors */
	CHECK(req(u, GET_CUR, 0x02, 0, 7, 2, b) == -1 && err_code(u) == 5, "unit 7");
	CHECK(req(u, GET_CUR, 0x06, 0, 2, 2, b) == -1 && err_code(u) == 6, "hue absent");
	CHECK(req(u, GET_CUR, 0x01, 0, 3, 2, b) == -1 && err_code(u) == 6, "OT has no controls");
	CHECK(req(u, GET_CUR, 0x01, 0, 0, 1, b) == -1 && err_code(u) == 6, "power mode absent");
	CHECK(req(u, 0x88, 0x02, 0, 2, 2, b) == -1 && err_code(u) == 7, "request 0x88");
	CHECK(req(u, GET_CUR, 0x02, 5, 0, 2, b) == -1 && err_code(u) == 5, "interface 5");
	CHECK(req(u, GET_INFO, 0x02, 0, 0, 1, b) == 1 && b[0] == 1, "error code INFO");
	{
		uint8_t s[8] = { 0x21, GET_CUR, 0, 2, 0, 2, 2, 0 };	/* OUT with GET */

		CHECK(emu_uvc_control(u, s, b) == -1 && err_code(u) == 7, "direction");
		s[0] = 0x41;						/* vendor */
		CHECK(emu_uvc_control(u, s, b) == -1 && err_code(u) == 7, "vendor type");
	}
	/* a short GET is truncated, never overruns */
	memset(b, 0x55, sizeof(b));
	CHECK(req(u, GET_MAX, 0x04, 0, 1, 2, b) == 2 && b[2] == 0x55, "truncated GET");

	emu_uvc_get_stats(u, &st);
	CHECK(st.ctrl_reqs > 100 && st.ctrl_stalls > 20 && st.ctrl_stalls < st.ctrl_reqs,
	      "stats %llu/%llu", (unsigned long long)st.ctrl_reqs,
	      (unsigned long long)st.ctrl_stalls);
	emu_uvc_free(u);
}

/*
 * Every control the CT and PU descriptors advertise (bmControls) answers
 * GET_INFO/LEN/CUR/DEF/RES (and MIN/MAX except AE mode) with exactly its
 * size and consistent values; every control they do not advertise stalls
 * with "invalid control".
 */
static void test_control_answers(void)
{
	/* bmControls bit -> selector (UVC 1.5 tables 3-6 and 3-8; -1 reserved) */
	static const int ct_sel[19] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0a,
					0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, -1, -1, 0x08, 0x11 };
	static const int pu_sel[16] = { 0x02, 0x03, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0c, 0x01,
					0x04, 0x05, 0x10, 0x0b, 0x0d, 0x0e, 0x0f };
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	static uint8_t b[8192];
	int n = emu_uvc_config_descs(u, b, sizeof(b));
	uint32_t ct_bm = 0, pu_bm = 0;
	unsigned int advertised = 0, checked = 0;

	for (int i = 0; n > 0 && i + 3 <= n && b[i] >= 2; i += b[i]) {
		if (b[i + 1] == 0x24 && b[i + 2] == 0x02 && b[i] >= 18 && b[i + 14] == 3)
			ct_bm = b[i + 15] | b[i + 16] << 8 | (uint32_t)b[i + 17] << 16;
		if (b[i + 1] == 0x24 && b[i + 2] == 0x05 && b[i] >= 10 && b[i + 7] == 2)
			pu_bm = b[i + 8] | b[i + 9] << 8;
	}
	CHECK(ct_bm && pu_bm, "CT and PU bmControls found (%#x, %#x)", ct_bm, pu_bm);
	for (unsigned int k = 0; k < 19 + 16; k++) {
		bool ct = k < 19;
		unsigned int bit = ct ? k : k - 19;
		int cs = ct ? ct_sel[bit] : pu_sel[bit];
		uint8_t ent = ct ? 1 : 2, d[8];
		bool adv = ((ct ? ct_bm : pu_bm) >> bit) & 1;
		const struct want_ctrl *w = NULL;
		int64_t info, len, cur, def, res, mn, mx;

		if (cs < 0)
			continue;
		if (!adv) {
			CHECK(req(u, GET_INFO, (uint8_t)cs, 0, ent, 1, d) == -1 && err_code(u) == 6,
			      "%s selector %d not advertised: stalls, invalid control",
			      ct ? "CT" : "PU", cs);
			continue;
		}
		advertised++;
		for (unsigned int i = 0; i < sizeof(want_ctrls) / sizeof(want_ctrls[0]); i++)
			if (want_ctrls[i].ent == ent && want_ctrls[i].cs == cs)
				w = &want_ctrls[i];
		CHECK(get_num(u, GET_INFO, ent, (uint8_t)cs, 1, &info) == 0 && (info & 3) == 3,
		      "%u/%d GET_INFO: GET and SET", ent, cs);
		CHECK(get_num(u, GET_LEN, ent, (uint8_t)cs, 2, &len) == 0 && len >= 1 && len <= 4,
		      "%u/%d GET_LEN", ent, cs);
		if (len < 1 || len > 4)
			continue;
		/* asked for more, each answers exactly its size */
		CHECK(req(u, GET_CUR, (uint8_t)cs, 0, ent, 8, d) == len, "%u/%d CUR size", ent, cs);
		CHECK(req(u, GET_DEF, (uint8_t)cs, 0, ent, 8, d) == len, "%u/%d DEF size", ent, cs);
		CHECK(req(u, GET_RES, (uint8_t)cs, 0, ent, 8, d) == len, "%u/%d RES size", ent, cs);
		get_num(u, GET_CUR, ent, (uint8_t)cs, (unsigned int)len, &cur);
		get_num(u, GET_DEF, ent, (uint8_t)cs, (unsigned int)len, &def);
		get_num(u, GET_RES, ent, (uint8_t)cs, (unsigned int)len, &res);
		if (ct && cs == 0x02) {
			/* AE mode: a bitmap, RES = supported modes, no MIN/MAX */
			CHECK(len == 1 && res == 0x09 && (def & res) == def && !(def & (def - 1)) &&
			      cur == def, "AE mode RES %#llx DEF %#llx", (long long)res,
			      (long long)def);
			CHECK(req(u, GET_MIN, 0x02, 0, 1, 1, d) == -1 && err_code(u) == 7 &&
			      req(u, GET_MAX, 0x02, 0, 1, 1, d) == -1 && err_code(u) == 7,
			      "AE mode MIN/MAX stall (invalid request)");
			checked++;
			continue;
		}
		CHECK(w != NULL, "%u/%d advertised and in the expected table", ent, cs);
		CHECK(req(u, GET_MIN, (uint8_t)cs, 0, ent, 8, d) == len &&
		      req(u, GET_MAX, (uint8_t)cs, 0, ent, 8, d) == len, "%u/%d MIN/MAX size",
		      ent, cs);
		get_num(u, GET_MIN, ent, (uint8_t)cs, (unsigned int)len, &mn);
		get_num(u, GET_MAX, ent, (uint8_t)cs, (unsigned int)len, &mx);
		CHECK(res > 0 && mn <= def && def <= mx && (def - mn) % res == 0 &&
		      (mx - mn) % res == 0, "%u/%d MIN %lld DEF %lld MAX %lld RES %lld", ent, cs,
		      (long long)mn, (long long)def, (long long)mx, (long long)res);
		if (w)
			CHECK(len == w->size && mn == w->min && mx == w->max && res == w->res &&
			      def == w->def, "%u/%d as documented", ent, cs);
		if (!(info & 0x04))
			CHECK(cur == def, "%u/%d power-on CUR %lld = DEF", ent, cs, (long long)cur);
		checked++;
	}
	CHECK(advertised == 12 && checked == 12 &&
	      advertised == 1 + sizeof(want_ctrls) / sizeof(want_ctrls[0]),
	      "12 controls advertised and answering (%u, %u)", advertised, checked);

	/* exposure time absolute is in 100 us: the SDK's table (500 us .. 133.33 ms) fits */
	CHECK(set_num(u, 1, 0x02, 1, 0x01) == 0 && set_num(u, 1, 0x04, 4, 5) == 0 &&
	      emu_uvc_exposure_100ns(u) == 5000, "5 x 100 us = 0.5 ms (%u x 100 ns)",
	      emu_uvc_exposure_100ns(u));
	CHECK(vs_set(u, 2, 1, 1, 2000000, 26) == 0 && set_num(u, 1, 0x04, 4, 1333) == 0 &&
	      emu_uvc_exposure_100ns(u) == 1333000, "1333 x 100 us at 5 fps = 133.3 ms (%u)",
	      emu_uvc_exposure_100ns(u));
	emu_uvc_free(u);
}

/* ------------------------------------------------------------------------
 * payloads
 */

#define MAXPKT 64

struct pkt {
	uint8_t *d;
	size_t len;
	uint32_t stc;
	uint16_t sof;
	bool done;
};

struct frame {
	struct pkt p[4096];
	unsigned int n;
	uint8_t *data;		/* reassembled payload data */
	size_t len;
};

static struct frame *frame_new(void)
{
	struct frame *f = calloc(1, sizeof(*f));

	return f;
}

static void frame_free(struct frame *f)
{
	if (!f)
		return;
	for (unsigned int i = 0; i < f->n; i++)
		free(f->p[i].d);
	free(f->data);
	free(f);
}

static uint32_t g_stc = 1000;
static uint16_t g_sof;

/* Pull packets until the frame is done (or @limit packets). */
static struct frame *pull_frame(struct emu_uvc *u, size_t max, unsigned int limit)
{
	struct frame *f = frame_new();
	size_t cap = 1 << 20;

	f->data = malloc(cap);
	while (f->n < limit && f->n < 4096) {
		struct pkt *p = &f->p[f->n];
		uint8_t *buf = malloc(max);
		size_t n;
		bool done;

		g_stc += 1;
		g_sof = (uint16_t)((g_sof + 1) & 0x7ff);
		n = emu_uvc_fill_packet(u, buf, max, g_stc, g_sof, &done);
		if (!n) {
			free(buf);
			break;
		}
		p->d = buf;
		p->len = n;
		p->stc = g_stc;
		p->sof = g_sof;
		p->done = done;
		f->n++;
		if (n > buf[0] && buf[0] >= 2) {
			size_t k = n - buf[0];

			while (f->len + k > cap) {
				cap *= 2;
				f->data = realloc(f->data, cap);
			}
			memcpy(f->data + f->len, buf + buf[0], k);
			f->len += k;
		}
		if (done)
			break;
	}
	return f;
}

struct gt_in {
	struct emu_gt gt;
	uint64_t pts;
	uint32_t exp;
};

static void make_gt(struct gt_in *g, uint32_t counter, bool synced)
{
	memset(g, 0, sizeof(*g));
	g->gt.stream = EMU_GT_COLOR;
	g->gt.flags = synced ? EMU_GT_F_SOF : 0;
	strcpy(g->gt.serial, "000123456789");
	g->gt.frame_counter = counter;
	g->pts = 90000ull * 3 + counter * 3000ull;
	g->gt.device_ticks = g->pts;
	g->gt.soe_mono_ns = 5000000000ull + counter * 33333333ull;
	g->exp = 100000;	/* 10 ms */
}

/* Check every header of a clean frame; returns the FID. */
static int check_frame_headers(const struct frame *f, const struct gt_in *g, size_t max)
{
	uint32_t start = (uint32_t)(g->pts - (g->gt.flags & EMU_GT_F_SOF ? 0 :
					      (uint64_t)g->exp * 9 / 2000));
	int fid = -1;

	CHECK(f->n >= 2, "frame has %u packets", f->n);
	for (unsigned int i = 0; i < f->n; i++) {
		const struct pkt *p = &f->p[i];
		const uint8_t *d = p->d;
		bool last = i == f->n - 1;

		CHECK(p->len <= max, "packet %u longer than max", i);
		CHECK(d[0] == (i == 0 ? 140 : 12), "HLE %u of packet %u", d[0], i);
		CHECK((d[1] & 0xbe) == (0x80 | 0x0c | (last ? 0x02 : 0)), "flags %#x packet %u",
		      d[1], i);
		if (fid < 0)
			fid = d[1] & 1;
		CHECK((d[1] & 1) == fid, "FID changes inside frame at %u", i);
		CHECK(g32(d + 2) == start, "PTS %u want %u", g32(d + 2), start);
		CHECK(g32(d + 6) == p->stc && g16(d + 10) == (p->sof & 0x7ff), "SCR packet %u", i);
		CHECK(p->done == last, "frame_done on packet %u", i);
		CHECK(last || p->len == max, "non-last packet %u short (%zu)", i, p->len);
	}
	if (f->n) {
		const uint8_t *m = f->p[0].d + 12;

		CHECK(g32(m) == 0x80000001 && g32(m + 4) == 48, "FrameAlignInfo header");
		CHECK(g64(m + 16) == g->pts, "FramePTS %llu", (unsigned long long)g64(m + 16));
		CHECK(g32(m + 44) == (g->gt.flags & EMU_GT_F_SOF ? 1u : 0u), "Synced");
		CHECK(g64(m + 36) == f->p[0].stc, "USBSoFPTS");
		m += 48;
		CHECK(g32(m) == 3 && g32(m + 4) == 80, "CaptureStats header");
		CHECK(g32(m + 8) & 1, "exposure flag");
		CHECK(g64(m + 16) == g->exp, "ExposureTime %llu", (unsigned long long)g64(m + 16));
	}
	return fid;
}

static void check_gt(const uint8_t *rec, const struct gt_in *g)
{
	struct emu_gt got;

	CHECK(emu_gt_unpack(rec, &got) == 0, "ground truth magic");
	CHECK(got.frame_counter == g->gt.frame_counter && got.device_ticks == g->gt.device_ticks &&
	      got.soe_mono_ns == g->gt.soe_mono_ns && got.stream == EMU_GT_COLOR &&
	      !memcmp(got.serial, "000123456789", 13), "ground truth fields");
}

static void test_payload_raw(uint8_t fmt, uint32_t fourcc, size_t fsize)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	struct emu_uvc_stream si;
	struct emu_uvc_stats st;
	struct frame *f1, *f2;
	struct gt_in g1, g2;
	int fid1, fid2;
	uint8_t tmp[512];

	CHECK(start_stream(u, fmt, 1, 333333, &si) == 0, "start");
	CHECK(si.fourcc == fourcc && si.fps == 30, "stream info");
	CHECK(emu_uvc_fill_packet(u, tmp, sizeof(tmp), 1, 1, NULL) == 0, "nothing pending");
	make_gt(&g1, 7, false);
	emu_uvc_frame_begin(u, &g1.gt, g1.pts, g1.exp);
	CHECK(emu_uvc_frame_pending(u), "pending");
	CHECK(emu_uvc_fill_packet(u, tmp, EMU_UVC_MIN_PACKET - 1, 1, 1, NULL) == 0,
	      "tiny packet carries nothing");
	f1 = pull_frame(u, si.bytes_per_interval, 4096);
	CHECK(!emu_uvc_frame_pending(u), "not pending after EOF");
	fid1 = check_frame_headers(f1, &g1, si.bytes_per_interval);
	CHECK(f1->len == fsize, "frame size %zu want %zu", f1->len, fsize);
	if (f1->len >= 48)
		check_gt(f1->data, &g1);

	make_gt(&g2, 8, true);
	emu_uvc_frame_begin(u, &g2.gt, g2.pts, g2.exp);
	emu_uvc_frame_begin(u, &g2.gt, g2.pts, g2.exp);		/* overlaps: skipped */
	f2 = pull_frame(u, si.bytes_per_interval, 4096);
	fid2 = check_frame_headers(f2, &g2, si.bytes_per_interval);
	CHECK(fid1 != fid2, "FID toggles between frames");
	CHECK(f2->len == fsize && f1->len == fsize &&
	      !memcmp(f1->data + 48, f2->data + 48, fsize - 48),
	      "pattern identical apart from ground truth");
	if (f2->len >= 48)
		check_gt(f2->data, &g2);

	/* pattern: unit 0 starts with a 75% white bar, row 1 pixel 0 */
	if (f1->len == fsize) {
		if (fourcc == EMU_UVC_FMT_YUY2)
			CHECK(f1->data[2560] == 191 && f1->data[2561] == 128 &&
			      f1->data[2563] == 128, "YUY2 white bar");
		else
			CHECK(f1->data[1280] == 191 && f1->data[1280 * 720] == 128 &&
			      f1->data[1280 * 720 + 1] == 128, "NV12 white bar");
	}

	/* alt 0 in the middle of a frame aborts it */
	emu_uvc_frame_begin(u, &g1.gt, g1.pts, g1.exp);
	CHECK(emu_uvc_fill_packet(u, tmp, sizeof(tmp), 1, 1, NULL) > 0, "packet");
	CHECK(emu_uvc_set_alt(u, 0) == 0 && !emu_uvc_frame_pending(u), "aborted");
	emu_uvc_frame_begin(u, &g1.gt, g1.pts, g1.exp);
	CHECK(!emu_uvc_frame_pending(u), "no frame at alt 0");

	emu_uvc_get_stats(u, &st);
	CHECK(st.frames == 2 && st.frames_skipped == 1 && st.frames_aborted == 1 &&
	      st.payloads == f1->n + f2->n + 1, "stats frames %llu skipped %llu",
	      (unsigned long long)st.frames, (unsigned long long)st.frames_skipped);
	frame_free(f1);
	frame_free(f2);
	emu_uvc_free(u);
}

static void test_payload_yuy2(void)
{
	test_payload_raw(3, EMU_UVC_FMT_YUY2, 1280 * 720 * 2);
}

static void test_payload_nv12(void)
{
	test_payload_raw(2, EMU_UVC_FMT_NV12, 1280 * 720 * 3 / 2);
}

/* ------------------------------------------------------------------------
 * MJPG: decode with libjpeg
 */

struct derr {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void derr_exit(j_common_ptr c)
{
	longjmp(((struct derr *)c->err)->jb, 1);
}

static void derr_out(j_common_ptr c)
{
	(void)c;
}

/*
 * Decode fully; returns 0 if the image is w x h, 4:2:2, and decodes cleanly.
 * *@luma receives the Y plane (malloc()ed).
 */
static int decode_jpeg(const uint8_t *d, size_t len, unsigned int w, unsigned int h, uint8_t **luma)
{
	struct jpeg_decompress_struct ci;
	struct derr e;
	JSAMPROW row = malloc((size_t)w * 3);
	volatile int ret = -1;

	*luma = NULL;
	if (!row)
		return -1;
	ci.err = jpeg_std_error(&e.mgr);
	e.mgr.error_exit = derr_exit;
	e.mgr.output_message = derr_out;
	if (setjmp(e.jb)) {
		jpeg_destroy_decompress(&ci);
		free(row);
		return -1;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, d, (unsigned long)len);
	jpeg_save_markers(&ci, JPEG_COM, 0xffff);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK)
		longjmp(e.jb, 1);
	if (ci.image_width != w || ci.image_height != h || ci.num_components != 3 ||
	    ci.comp_info[0].h_samp_factor != 2 || ci.comp_info[0].v_samp_factor != 1 ||
	    ci.comp_info[1].h_samp_factor != 1 || ci.comp_info[1].v_samp_factor != 1 ||
	    ci.comp_info[2].h_samp_factor != 1 || ci.jpeg_color_space != JCS_YCbCr)
		goto out;
	ci.out_color_space = JCS_YCbCr;
	jpeg_start_decompress(&ci);
	*luma = malloc((size_t)w * h);
	while (ci.output_scanline < ci.output_height) {
		unsigned int r = ci.output_scanline;

		jpeg_read_scanlines(&ci, &row, 1);
		for (unsigned int x = 0; x < w; x++)
			(*luma)[(size_t)r * w + x] = row[3 * x];
	}
	jpeg_finish_decompress(&ci);
	ret = e.mgr.num_warnings ? -1 : 0;
out:
	jpeg_destroy_decompress(&ci);
	free(row);
	return ret;
}

/*
 * Expected Y/Cb of the first bar: 75% bars white, yellow, cyan, green,
 * magenta, red, blue, black, rotated by the unit index.
 */
static const int bar_y[8] = { 191, 169, 134, 112, 79, 57, 22, 0 };

static void mjpg_mode(struct emu_uvc *u, unsigned int unit, uint8_t frame, unsigned int w,
		      unsigned int h, uint32_t ival, unsigned int frames)
{
	int y0 = bar_y[unit % 8];
	unsigned int last_sq = 99;

	struct emu_uvc_stream si;
	struct frame *prev = NULL;

	CHECK(start_stream(u, 1, frame, ival, &si) == 0, "start %ux%u", w, h);
	CHECK(si.fourcc == EMU_UVC_FMT_MJPG && si.width == w && si.height == h, "info");
	for (unsigned int k = 0; k < frames; k++) {
		struct gt_in g;
		struct frame *f;
		uint8_t px[3] = { 0 };
		uint8_t *luma = NULL;

		make_gt(&g, 100 + k, false);
		emu_uvc_frame_begin(u, &g.gt, g.pts, g.exp);
		f = pull_frame(u, si.bytes_per_interval, 100000);
		check_frame_headers(f, &g, si.bytes_per_interval);
		CHECK(f->len > 1000 && f->len <= emu_uvc_max_frame_size(1, frame),
		      "JPEG size %zu", f->len);
		CHECK(f->len > 60 && f->data[0] == 0xff && f->data[1] == 0xd8 &&
		      f->data[2] == 0xff && f->data[3] == 0xfe && g16(f->data + 4) == 0x3200,
		      "SOI + COM(50)");
		if (f->len > 60)
			check_gt(f->data + 6, &g);
		CHECK(f->len > 2 && f->data[f->len - 2] == 0xff && f->data[f->len - 1] == 0xd9,
		      "EOI");
		CHECK(decode_jpeg(f->data, f->len, w, h, &luma) == 0, "decodes %ux%u 4:2:2", w, h);
		if (luma) {
			unsigned int split = h * 2 / 3 / 8 * 8, side = h / 64 * 8;
			unsigned int ym = (h - side - h / 24) / 8 * 8 + side / 2, hits = 0;
			int ramp = 16 + 219 / 2;

			/* bars: centre of each bar a third down */
			for (unsigned int b = 0; b < 8; b++) {
				int got = luma[(size_t)(h / 3) * w + b * w / 8 + w / 16];

				CHECK(abs(got - bar_y[(b + unit) % 8]) < 8, "bar %u Y %d", b, got);
			}
			/* ramp just below the bars and on the last row */
			CHECK(abs(luma[(size_t)(split + 4) * w + w / 2] - ramp) < 8, "ramp top");
			CHECK(abs(luma[(size_t)(h - 1) * w + w / 2] - ramp) < 8, "ramp bottom");
			/* one white square among the four columns, moving per frame */
			for (unsigned int v = 0; v < 4; v++) {
				int got = luma[(size_t)ym * w + (2 * v + 1) * w / 8];

				if (got > 225) {
					hits++;
					CHECK(v != last_sq, "square did not move");
					last_sq = v;
				} else {
					CHECK(abs(got - (16 + (int)((2 * v + 1) * 219 / 8))) < 8,
					      "ramp under column %u: %d", v, got);
				}
			}
			CHECK(hits == 1, "%u white squares", hits);
			px[0] = luma[(size_t)2 * w];
			free(luma);
		}
		CHECK(px[0] > y0 - 8 && px[0] < y0 + 8, "first bar %u want %d", px[0], y0);
		if (prev)
			CHECK(prev->len != f->len || memcmp(prev->data + 54, f->data + 54,
							    f->len - 54),
			      "consecutive JPEGs differ (moving marker)");
		frame_free(prev);
		prev = f;
	}
	frame_free(prev);
	emu_uvc_set_alt(u, 0);
}

static void test_mjpg_720(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);

	mjpg_mode(u, 0, 1, 1280, 720, 333333, 5);
	emu_uvc_free(u);
}

static void test_mjpg_all_modes(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 2);

	for (unsigned int ri = 1; ri <= 6; ri++)
		mjpg_mode(u, 2, (uint8_t)ri, want_mjpg[ri - 1].w, want_mjpg[ri - 1].h,
			  want_mjpg[ri - 1].iv[want_mjpg[ri - 1].n - 1], 2);
	emu_uvc_free(u);
}

/* ------------------------------------------------------------------------
 * faults: a faulty and a clean instance run in lockstep; the difference
 * must be exactly the damage the fault names.
 */

struct run {
	struct frame *f[3];
};

static void run_three(struct emu_uvc *u, struct run *r, size_t max, uint32_t stc0)
{
	for (unsigned int k = 0; k < 3; k++) {
		struct gt_in g;

		make_gt(&g, 200 + k, false);
		emu_uvc_frame_begin(u, &g.gt, g.pts, g.exp);
		g_stc = stc0 + k * 10000;
		g_sof = (uint16_t)(k * 100);
		r->f[k] = pull_frame(u, max, 4096);
	}
}

static void run_free(struct run *r)
{
	for (unsigned int k = 0; k < 3; k++)
		frame_free(r->f[k]);
}

static bool same_frame(const struct frame *a, const struct frame *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned int i = 0; i < a->n; i++)
		if (a->p[i].len != b->p[i].len || memcmp(a->p[i].d, b->p[i].d, a->p[i].len))
			return false;
	return true;
}

/* Packets equal except a byte range of one packet; returns true if so. */
static bool diff_only(const struct frame *a, const struct frame *b, unsigned int pi, size_t off,
		      const uint8_t *want, size_t n)
{
	if (a->n != b->n)
		return false;
	for (unsigned int i = 0; i < a->n; i++) {
		if (a->p[i].len != b->p[i].len)
			return false;
		if (i != pi) {
			if (memcmp(a->p[i].d, b->p[i].d, a->p[i].len))
				return false;
			continue;
		}
		if (memcmp(a->p[i].d, b->p[i].d, off) ||
		    memcmp(a->p[i].d + off + n, b->p[i].d + off + n, a->p[i].len - off - n) ||
		    memcmp(b->p[i].d + off, want, n) || !memcmp(a->p[i].d + off, want, n))
			return false;
	}
	return true;
}

static void test_fault(enum emu_uvc_fault fault)
{
	struct emu_uvc *ref = emu_uvc_new("000123456789", 0);
	struct emu_uvc *bad = emu_uvc_new("000123456789", 0);
	struct emu_uvc_stream si;
	struct run a, b;
	struct frame *fa, *fb;
	uint8_t want[4];
	bool ok = false;

	CHECK(start_stream(ref, 3, 1, 333333, &si) == 0, "start reference");
	CHECK(start_stream(bad, 3, 1, 333333, &si) == 0, "start faulty");
	/* frame 0 clean, frame 1 faulty, frame 2 clean */
	run_three(ref, &a, si.bytes_per_interval, 5000);
	{
		struct gt_in g;

		make_gt(&g, 200, false);
		emu_uvc_frame_begin(bad, &g.gt, g.pts, g.exp);
		g_stc = 5000;
		g_sof = 0;
		b.f[0] = pull_frame(bad, si.bytes_per_interval, 4096);
		CHECK(emu_uvc_inject(bad, fault, 1) == 0, "inject");
		for (unsigned int k = 1; k < 3; k++) {
			make_gt(&g, 200 + k, false);
			emu_uvc_frame_begin(bad, &g.gt, g.pts, g.exp);
			g_stc = 5000 + k * 10000;
			g_sof = (uint16_t)(k * 100);
			b.f[k] = pull_frame(bad, si.bytes_per_interval, 4096);
		}
	}
	fa = a.f[1];
	fb = b.f[1];
	CHECK(same_frame(a.f[0], b.f[0]), "frame before the fault untouched");

	switch (fault) {
	case EMU_UVC_F_HLE0:
	case EMU_UVC_F_HLE1:
		want[0] = fault == EMU_UVC_F_HLE0 ? 0 : 1;
		ok = diff_only(fa, fb, 0, 0, want, 1);
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	case EMU_UVC_F_ERR_BIT:
		want[0] = fa->p[0].d[1] | 0x40;
		ok = diff_only(fa, fb, 0, 1, want, 1);
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	case EMU_UVC_F_NO_EOF:
		want[0] = fa->p[fa->n - 1].d[1] & ~0x02;
		ok = diff_only(fa, fb, fa->n - 1, 1, want, 1) && fb->p[fb->n - 1].done;
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	case EMU_UVC_F_META_SIZE0:
		p32(want, 0);
		ok = diff_only(fa, fb, 0, 12 + 4, want, 4);
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	case EMU_UVC_F_META_OVERRUN:
		p32(want, 0xfffffff0u);
		ok = diff_only(fa, fb, 0, 12 + 48 + 4, want, 4);
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	case EMU_UVC_F_PTS0: {
		uint8_t z[8] = { 0 };

		ok = diff_only(fa, fb, 0, 12 + 16, z, 8);
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	}
	case EMU_UVC_F_HLE_BIG: {
		const struct pkt *p0 = &fb->p[0];
		size_t data = 0;

		ok = p0->len <= 254 && p0->d[0] == p0->len + 1 &&
		     !memcmp(p0->d + 1, fa->p[0].d + 1, 139) &&
		     !memcmp(p0->d + 140, fa->p[0].d + 140, p0->len - 140);
		/* the rest of the frame follows in normal payloads */
		for (unsigned int i = 1; i < fb->n; i++) {
			ok = ok && fb->p[i].d[0] == 12;
			data += fb->p[i].len - 12;
		}
		ok = ok && data + (p0->len - 140) == fa->len && fb->len == data;
		ok = ok && fb->p[fb->n - 1].done && (fb->p[fb->n - 1].d[1] & 2);
		break;
	}
	case EMU_UVC_F_FID_MIDFRAME: {
		unsigned int flip = 0;
		size_t off = 0;

		ok = fa->n == fb->n;
		for (unsigned int i = 0; ok && i < fa->n; i++) {
			bool flipped = (fa->p[i].d[1] ^ fb->p[i].d[1]) == 0x01;

			ok = fa->p[i].len == fb->p[i].len &&
			     !memcmp(fa->p[i].d + 2, fb->p[i].d + 2, fa->p[i].len - 2) &&
			     fa->p[i].d[0] == fb->p[i].d[0];
			if (!flipped) {
				ok = ok && fa->p[i].d[1] == fb->p[i].d[1] && !flip;
			} else if (!flip) {
				flip = i;
				ok = ok && i > 0 && off >= fa->len / 2;
			}
			off += fa->p[i].len - fa->p[i].d[0];
		}
		ok = ok && flip > 0;
		/* next frame: FID differs from the tail of the damaged one */
		CHECK(b.f[2]->n && ((b.f[2]->p[0].d[1] ^ fb->p[fb->n - 1].d[1]) & 1),
		      "next frame starts a new FID");
		break;
	}
	case EMU_UVC_F_SHORT:
	case EMU_UVC_F_LONG: {
		/* the packets before the one that ended the clean frame are identical */
		unsigned int keep = fault == EMU_UVC_F_SHORT ? fb->n - 1 : fa->n - 1;
		size_t want_len = fault == EMU_UVC_F_SHORT ? fa->len / 2 :
				  fa->len + EMU_UVC_LONG_BYTES;
		const struct pkt *l = &fb->p[fb->n - 1];

		ok = fb->n > 1 && keep < fa->n && fb->len == want_len;
		for (unsigned int i = 0; ok && i < keep; i++)
			ok = fa->p[i].len == fb->p[i].len &&
			     !memcmp(fa->p[i].d, fb->p[i].d, fa->p[i].len);
		/* data: a prefix of the clean frame, then junk */
		ok = ok && !memcmp(fb->data, fa->data, fb->len < fa->len ? fb->len : fa->len);
		for (size_t k = fa->len; ok && k < fb->len; k++)
			ok = fb->data[k] == EMU_UVC_JUNK;
		/* one EOF, on the last payload, which ends the frame */
		for (unsigned int i = 0; ok && i + 1 < fb->n; i++)
			ok = !(fb->p[i].d[1] & 0x02) && !fb->p[i].done &&
			     fb->p[i].d[0] == (i ? 12 : 140);
		ok = ok && l->done && (l->d[1] & 0x02) && l->d[0] == 12 &&
		     (l->d[1] & 0x01) == (fb->p[0].d[1] & 0x01) &&
		     g32(l->d + 2) == g32(fb->p[0].d + 2);
		CHECK(fault != EMU_UVC_F_SHORT || fb->n < fa->n, "short frame has fewer payloads");
		CHECK(fault != EMU_UVC_F_LONG || fb->n >= fa->n, "long frame: no fewer payloads");
		CHECK(same_frame(a.f[2], b.f[2]), "next frame clean");
		break;
	}
	default:
		break;
	}
	CHECK(ok, "damage of %s", emu_uvc_fault_name(fault));
	run_free(&a);
	run_free(&b);

	/* forever, then cleared */
	CHECK(emu_uvc_inject(bad, fault, -1) == 0, "inject forever");
	for (unsigned int k = 0; k < 2; k++) {
		struct gt_in g;
		struct frame *f;

		make_gt(&g, 300 + k, false);
		emu_uvc_frame_begin(bad, &g.gt, g.pts, g.exp);
		f = pull_frame(bad, si.bytes_per_interval, 4096);
		if (fault == EMU_UVC_F_HLE0)
			CHECK(f->n && f->p[0].d[0] == 0, "still damaged frame %u", k);
		if (fault == EMU_UVC_F_ERR_BIT)
			CHECK(f->n && (f->p[0].d[1] & 0x40), "still damaged frame %u", k);
		if (fault == EMU_UVC_F_SHORT)
			CHECK(f->len == 1280 * 720, "still short frame %u", k);
		if (fault == EMU_UVC_F_LONG)
			CHECK(f->len == 1280 * 720 * 2 + EMU_UVC_LONG_BYTES, "still long %u", k);
		CHECK(emu_uvc_frame_fault(bad) == fault, "frame %u reports its fault", k);
		frame_free(f);
	}
	CHECK(emu_uvc_inject(bad, EMU_UVC_F_NONE, 0) == 0, "clear");
	{
		struct gt_in g;
		struct frame *f;

		make_gt(&g, 400, false);
		emu_uvc_frame_begin(bad, &g.gt, g.pts, g.exp);
		f = pull_frame(bad, si.bytes_per_interval, 4096);
		check_frame_headers(f, &g, si.bytes_per_interval);
		CHECK(f->len == 1280 * 720 * 2, "cleared: whole frame");
		CHECK(emu_uvc_frame_fault(bad) == EMU_UVC_F_NONE, "cleared: frame reports none");
		frame_free(f);
	}
	CHECK(emu_uvc_fault_parse(emu_uvc_fault_name(fault)) == (int)fault, "name round trip");
	CHECK(emu_uvc_inject(bad, EMU_UVC_F_COUNT, 1) == -1, "bad fault");
	CHECK(emu_uvc_inject(bad, fault, -2) == -1, "bad count");
	emu_uvc_free(ref);
	emu_uvc_free(bad);
}

#define FAULT_CASE(name, f) \
	static void name(void) { test_fault(f); }
FAULT_CASE(test_fault_hle0, EMU_UVC_F_HLE0)
FAULT_CASE(test_fault_hle1, EMU_UVC_F_HLE1)
FAULT_CASE(test_fault_hle_big, EMU_UVC_F_HLE_BIG)
FAULT_CASE(test_fault_fid_midframe, EMU_UVC_F_FID_MIDFRAME)
FAULT_CASE(test_fault_no_eof, EMU_UVC_F_NO_EOF)
FAULT_CASE(test_fault_meta_size0, EMU_UVC_F_META_SIZE0)
FAULT_CASE(test_fault_meta_overrun, EMU_UVC_F_META_OVERRUN)
FAULT_CASE(test_fault_pts0, EMU_UVC_F_PTS0)
FAULT_CASE(test_fault_err_bit, EMU_UVC_F_ERR_BIT)
FAULT_CASE(test_fault_short, EMU_UVC_F_SHORT)
FAULT_CASE(test_fault_long, EMU_UVC_F_LONG)

/*
 * SHORT and LONG on MJPG: the short frame stops in the middle of the entropy
 * data (no EOI), the long one carries junk after its EOI; the frame counts of
 * the stats and the per-frame fault follow.
 */
static void test_fault_mjpg_short_long(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	struct emu_uvc_stream si;
	struct emu_uvc_stats st;
	struct frame *f[4];
	struct gt_in g;
	size_t n;

	CHECK(start_stream(u, 1, 1, 333333, &si) == 0, "start MJPG");
	CHECK(emu_uvc_frame_fault(u) == EMU_UVC_F_NONE, "no frame yet: none");
	for (unsigned int k = 0; k < 4; k++) {
		if (k == 1)
			CHECK(emu_uvc_inject(u, EMU_UVC_F_SHORT, 1) == 0, "inject short");
		if (k == 2)
			CHECK(emu_uvc_inject(u, EMU_UVC_F_LONG, 1) == 0, "inject long");
		make_gt(&g, 500 + k, false);
		emu_uvc_frame_begin(u, &g.gt, g.pts, g.exp);
		CHECK(emu_uvc_frame_fault(u) == (k == 1 ? EMU_UVC_F_SHORT :
						 k == 2 ? EMU_UVC_F_LONG : EMU_UVC_F_NONE),
		      "fault of frame %u", k);
		f[k] = pull_frame(u, si.bytes_per_interval, 100000);
		CHECK(f[k]->n && f[k]->p[f[k]->n - 1].done && (f[k]->p[f[k]->n - 1].d[1] & 0x02),
		      "frame %u ends with EOF", k);
		if (f[k]->len > 60)
			check_gt(f[k]->data + 6, &g);
	}
	/* frames 0 and 3 use different JPEG variants than 1 and 2: compare like with like */
	n = f[1]->len;
	CHECK(n > 100 && n < f[0]->len && f[1]->data[n - 2] != 0xff && f[1]->data[n - 1] != 0xd9,
	      "short JPEG %zu bytes, no EOI at its end", n);
	n = f[2]->len;
	CHECK(n > EMU_UVC_LONG_BYTES + 2 && f[2]->data[n - EMU_UVC_LONG_BYTES - 2] == 0xff &&
	      f[2]->data[n - EMU_UVC_LONG_BYTES - 1] == 0xd9, "long JPEG: EOI, then junk");
	for (size_t k = n - EMU_UVC_LONG_BYTES; n > EMU_UVC_LONG_BYTES && k < n; k++)
		if (f[2]->data[k] != EMU_UVC_JUNK) {
			CHECK(0, "junk byte %zu is %#x", k, f[2]->data[k]);
			break;
		}
	n = f[3]->len;
	CHECK(n > 2 && f[3]->data[n - 2] == 0xff && f[3]->data[n - 1] == 0xd9, "next frame clean");
	emu_uvc_get_stats(u, &st);
	CHECK(st.frames == 4 && st.frames_faulted == 2, "stats: 4 frames, 2 faulted (%llu)",
	      (unsigned long long)st.frames_faulted);
	for (unsigned int k = 0; k < 4; k++)
		frame_free(f[k]);
	emu_uvc_free(u);
}

/* the lines of the "uvclog" control command */
static void test_describe_set(void)
{
	static const struct {
		uint8_t ifnum, ent, cs;
		uint16_t len;
		uint8_t d[10];
		const char *want;
	} c[] = {
		{ 0, 1, 0x02, 1, { 1 }, "ct ae_mode 1" },
		{ 0, 1, 0x03, 1, { 0 }, "ct ae_priority 0" },
		{ 0, 1, 0x04, 4, { 100 }, "ct exposure_abs 100" },
		{ 0, 1, 0x04, 4, { 0xff, 0x3f }, "ct exposure_abs 16383" },
		{ 0, 2, 0x01, 2, { 1 }, "pu backlight 1" },
		{ 0, 2, 0x02, 2, { 0xfb, 0xff }, "pu brightness -5" },
		{ 0, 2, 0x02, 2, { 0x80 }, "pu brightness 128" },
		{ 0, 2, 0x02, 1, { 0xff }, "pu brightness 255" },	/* not its size */
		{ 0, 2, 0x03, 2, { 5 }, "pu contrast 5" },
		{ 0, 2, 0x04, 2, { 0x00, 0x01 }, "pu gain 256" },
		{ 0, 2, 0x05, 1, { 1 }, "pu power_line 1" },
		{ 0, 2, 0x07, 2, { 63 }, "pu saturation 63" },
		{ 0, 2, 0x08, 2, { 4 }, "pu sharpness 4" },
		{ 0, 2, 0x0a, 2, { 0x88, 0x13 }, "pu wb_temp 5000" },
		{ 0, 2, 0x0b, 1, { 0 }, "pu wb_temp_auto 0" },
		{ 0, 2, 0x06, 2, { 7 }, "pu 6 7" },			/* hue: absent */
		{ 0, 3, 0x01, 1, { 9 }, "3 1 9" },			/* output terminal */
		{ 0, 0, 0x02, 1, { 5 }, "0 2 5" },			/* VC interface */
		{ 0, 9, 0x02, 0, { 0 }, "9 2 0" },
		{ 1, 0, 0x01, 26, { 1, 0, 1, 1, 0x15, 0x16, 0x05, 0 }, "vs probe 1 1 333333" },
		{ 1, 0, 0x02, 34, { 0, 0, 3, 1, 0x2a, 0x2c, 0x0a, 0 }, "vs commit 3 1 666666" },
		{ 1, 0, 0x01, 3, { 1, 0, 2 }, "vs probe 2 - -" },
		{ 1, 0, 0x01, 0, { 0 }, "vs probe - - -" },
		{ 1, 0, 0x03, 10, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, "vs 3 578437695752307201" },
		{ 1, 4, 0x01, 1, { 2 }, "4 1 2" },
	};
	char out[96];

	for (unsigned int i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t s[8] = { 0x21, SET_CUR, 0, c[i].cs, c[i].ifnum, c[i].ent,
				 (uint8_t)c[i].len, 0 };
		int n = emu_uvc_describe_set(s, c[i].d, c[i].len, out, sizeof(out));

		CHECK(n == (int)strlen(c[i].want) && !strcmp(out, c[i].want), "%s: got \"%s\"",
		      c[i].want, out);
	}
	{
		uint8_t s[8] = { 0x21, SET_CUR, 0, 0x0a, 0, 2, 2, 0 }, d[2] = { 0x88, 0x13 };

		CHECK(emu_uvc_describe_set(s, d, 2, out, 8) == 15 && !strcmp(out, "pu wb_t"),
		      "truncated to the buffer, length of the whole line returned");
	}
}

static void test_garbage_requests(void)
{
	struct emu_uvc *u = emu_uvc_new("000123456789", 0);
	uint8_t s[8], data[64];
	unsigned long x = 12345;

	/* random setups never crash, never return more than wLength */
	for (unsigned int i = 0; i < 200000; i++) {
		int r;

		for (unsigned int k = 0; k < 8; k++) {
			x = x * 6364136223846793005ul + 1442695040888963407ul;
			s[k] = (uint8_t)(x >> 33);
		}
		if (i & 1) {
			s[0] = (x >> 20) & 1 ? 0xa1 : 0x21;
			s[4] &= 1;
			s[5] &= 3;
			s[3] &= 0x0f;
			s[2] = 0;
		}
		s[7] = 0;
		if (s[6] > sizeof(data))
			s[6] &= 0x3f;
		memset(data, 0x5a, sizeof(data));
		r = emu_uvc_control(u, s, data);
		CHECK(r >= -1 && r <= s[6], "result %d for wLength %u", r, s[6]);
		if (r == -1)
			CHECK(err_code(u) > 0, "stall without error code");
	}
	emu_uvc_free(u);
}

struct tcase {
	const char *name;
	void (*fn)(void);
};

static const struct tcase cases[] = {
	{ "descriptors", test_descriptors },
	{ "probe_commit", test_probe_commit },
	{ "controls", test_controls },
	{ "control_answers", test_control_answers },
	{ "payload_yuy2", test_payload_yuy2 },
	{ "payload_nv12", test_payload_nv12 },
	{ "mjpg_720", test_mjpg_720 },
	{ "mjpg_all_modes", test_mjpg_all_modes },
	{ "fault_hle0", test_fault_hle0 },
	{ "fault_hle1", test_fault_hle1 },
	{ "fault_hle_big", test_fault_hle_big },
	{ "fault_fid_midframe", test_fault_fid_midframe },
	{ "fault_no_eof", test_fault_no_eof },
	{ "fault_meta_size0", test_fault_meta_size0 },
	{ "fault_meta_overrun", test_fault_meta_overrun },
	{ "fault_pts0", test_fault_pts0 },
	{ "fault_err_bit", test_fault_err_bit },
	{ "fault_short", test_fault_short },
	{ "fault_long", test_fault_long },
	{ "fault_mjpg_short_long", test_fault_mjpg_short_long },
	{ "describe_set", test_describe_set },
	{ "garbage_requests", test_garbage_requests },
};

int main(int argc, char **argv)
{
	unsigned int pass = 0, fail = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int before = failed_checks;

		if (argc > 1 && !strstr(cases[i].name, argv[1]))
			continue;
		cur_case = cases[i].name;
		cases[i].fn();
		if (failed_checks == before) {
			printf("ok - %s\n", cases[i].name);
			pass++;
		} else {
			printf("not ok - %s\n", cases[i].name);
			fail++;
		}
	}
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
