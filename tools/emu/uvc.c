// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu: UVC colour function state, class requests, frame content and the
 * isochronous payload writer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg.h"
#include "uvc.h"
#include "le.h"

/* UVC request codes */
#define RC_SET_CUR	0x01
#define RC_GET_CUR	0x81
#define RC_GET_MIN	0x82
#define RC_GET_MAX	0x83
#define RC_GET_RES	0x84
#define RC_GET_LEN	0x85
#define RC_GET_INFO	0x86
#define RC_GET_DEF	0x87

/* bRequestErrorCode values */
#define ERR_NONE	0x00
#define ERR_NOT_READY	0x01
#define ERR_WRONG_STATE	0x02
#define ERR_RANGE	0x04
#define ERR_UNIT	0x05
#define ERR_CONTROL	0x06
#define ERR_REQUEST	0x07
#define ERR_VALUE	0x08
#define ERR_UNKNOWN	0xff

/* GET_INFO bits */
#define INFO_GET	0x01
#define INFO_SET	0x02
#define INFO_DISABLED	0x04	/* under automatic control */
#define INFO_AUTOUPD	0x08

/* selectors */
#define VC_REQUEST_ERROR_CODE	0x02
#define CT_AE_MODE		0x02
#define CT_AE_PRIORITY		0x03
#define CT_EXPOSURE_ABS		0x04
#define PU_BACKLIGHT		0x01
#define PU_BRIGHTNESS		0x02
#define PU_CONTRAST		0x03
#define PU_GAIN			0x04
#define PU_POWER_LINE		0x05
#define PU_SATURATION		0x07
#define PU_SHARPNESS		0x08
#define PU_WB_TEMP		0x0a
#define PU_WB_TEMP_AUTO		0x0b
#define VS_PROBE		0x01
#define VS_COMMIT		0x02

#define AE_MANUAL		0x01
#define AE_APERTURE		0x08
#define AE_SUPPORTED		(AE_MANUAL | AE_APERTURE)

#define PROBE_LEN_10		26	/* UVC 1.0 */
#define PROBE_LEN_11		34	/* UVC 1.1 */

/* payload header flags */
#define PH_FID			0x01
#define PH_EOF			0x02
#define PH_PTS			0x04
#define PH_SCR			0x08
#define PH_ERR			0x40
#define PH_EOH			0x80

#define HDR_STD			12	/* HLE, BFH, PTS, SCR */
#define META_FAI_ID		0x80000001u
#define META_FAI_SIZE		48
#define META_CS_ID		3u
#define META_CS_SIZE		80
#define META_LEN		(META_FAI_SIZE + META_CS_SIZE)
#define HDR_FIRST		(HDR_STD + META_LEN)

#define CS_F_EXPOSURE		0x0001
#define CS_F_WHITEBALANCE	0x0020
#define CS_F_SENSORFRAMERATE	0x0400

#define JPEG_QUALITY		80
#define MAX_VARIANTS		4
/* SOI, COM marker, COM length, ground truth record */
#define GT_COM_LEN		(2 + 2 + 2 + EMU_GT_SIZE)

/* Exposure snapping tables of the device (microseconds). */
static const uint32_t exp_50hz[] = { 500, 1250, 2500, 10000, 20000, 30000, 40000, 50000,
				     60000, 80000, 100000, 120000, 130000 };
static const uint32_t exp_60hz[] = { 500, 1250, 2500, 8330, 16670, 33330, 41670, 50000,
				     66670, 83330, 100000, 116670, 133330 };

/**
 * struct probe - a video probe/commit control, host byte order
 * @hint:        bmHint
 * @fmt:         bFormatIndex
 * @frame:       bFrameIndex
 * @ival:        dwFrameInterval
 * @key_rate:    wKeyFrameRate
 * @p_rate:      wPFrameRate
 * @quality:     wCompQuality
 * @window:      wCompWindowSize
 * @delay:       wDelay
 * @max_frame:   dwMaxVideoFrameSize
 * @max_payload: dwMaxPayloadTransferSize
 */
struct probe {
	uint16_t hint;
	uint8_t fmt, frame;
	uint32_t ival;
	uint16_t key_rate, p_rate, quality, window, delay;
	uint32_t max_frame, max_payload;
};

/**
 * struct content - pre-rendered frame bodies of one mode of one unit
 * @next:  cache list
 * @refs:  users (instances that committed this mode)
 * @fourcc, @width, @height, @unit: key
 * @nvar:  number of variants (JPEGs differ by a marker position)
 * @data:  complete frame bodies (JPEG from SOI to EOI, or raw image)
 * @len:   their lengths
 *
 * Immutable once built; the list and @refs are protected by cache_lock.
 */
struct content {
	struct content *next;
	unsigned int refs;
	uint32_t fourcc;
	unsigned int width, height, unit;
	unsigned int nvar;
	uint8_t *data[MAX_VARIANTS];
	size_t len[MAX_VARIANTS];
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct content *cache;

/**
 * struct emu_uvc - one colour camera's UVC function
 * @serial:      unit serial
 * @unit:        unit index (selects the test pattern)
 * @probe:       current probe state
 * @commit:      committed state (valid if @committed)
 * @committed:   a commit succeeded
 * @alt:         alternate setting of interface 1
 * @req_err:     request error code of the last request
 * @ae_mode:     CT AE mode
 * @ae_prio:     CT AE priority
 * @exp_abs:     manual exposure, 100 us units
 * @backlight, @brightness, @contrast, @gain, @plf, @saturation, @sharpness,
 * @wb_temp, @wb_auto: PU controls
 * @content:     frame bodies of the committed mode (reference held)
 * @frame_active: a frame is being sent
 * @head:        per-frame leading bytes (ground truth, or SOI + COM for MJPG)
 * @head_len:    bytes in @head
 * @body:        rest of the frame (points into @content)
 * @body_len:    bytes of @body
 * @frame_len:   bytes of the frame to send: @head_len + @body_len, changed by
 *               the SHORT and LONG faults (bytes past @body are EMU_UVC_JUNK)
 * @off:         bytes of the frame already sent
 * @npayload:    payloads of this frame already sent
 * @fid:         FID of the current frame
 * @pts:         UVC PTS of the current frame (start of exposure)
 * @frame_pts:   FramePTS of the current frame
 * @exposure:    exposure of the current frame, 100 ns
 * @synced:      current frame was taken in master/subordinate mode
 * @seq:         frames begun since creation (selects the JPEG variant)
 * @fault:       armed fault
 * @fault_count: frames left for @fault (-1 forever)
 * @ffault:      fault applied to the current frame
 * @fid_flipped: FID_MIDFRAME already applied in this frame
 * @st:          counters
 */
struct emu_uvc {
	char serial[17];
	unsigned int unit;
	struct probe probe, commit;
	bool committed;
	unsigned int alt;
	uint8_t req_err;

	uint8_t ae_mode, ae_prio;
	uint32_t exp_abs;
	uint16_t backlight, contrast, gain, saturation, sharpness, wb_temp;
	int16_t brightness;
	uint8_t plf, wb_auto;

	struct content *content;
	bool frame_active;
	uint8_t head[GT_COM_LEN];
	size_t head_len;
	const uint8_t *body;
	size_t body_len;
	size_t frame_len;
	size_t off;
	unsigned int npayload;
	uint8_t fid;
	uint32_t pts;
	uint64_t frame_pts;
	uint32_t exposure;
	bool synced;
	uint64_t seq;

	enum emu_uvc_fault fault;
	int fault_count;
	enum emu_uvc_fault ffault;
	bool fid_flipped;

	struct emu_uvc_stats st;
};

/* ------------------------------------------------------------------------
 * Test pattern and content cache
 */

struct ycc {
	uint8_t y, cb, cr;
};

static uint8_t clamp8(int v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 full range, as JPEG uses it. */
static struct ycc rgb_to_ycc(int r, int g, int b)
{
	struct ycc c;

	c.y = clamp8((299 * r + 587 * g + 114 * b + 500) / 1000);
	c.cb = clamp8(128 + (-168736 * r - 331264 * g + 500000 * b + 500000) / 1000000);
	c.cr = clamp8(128 + (500000 * r - 418688 * g - 81312 * b + 500000) / 1000000);
	return c;
}

/* Height of the colour bar band: two thirds, on an MCU (8 row) boundary. */
static unsigned int bar_rows(unsigned int h)
{
	return h * 2 / 3 / 8 * 8;
}

/*
 * One pixel row of each band of the test picture (planar 4:2:2): eight 75%
 * colour bars whose order is rotated by the unit index, and a grey ramp.
 */
static void bar_row(uint8_t *y, uint8_t *cb, uint8_t *cr, unsigned int w, unsigned int unit)
{
	static const uint8_t bars[8][3] = {
		{ 191, 191, 191 }, { 191, 191, 0 }, { 0, 191, 191 }, { 0, 191, 0 },
		{ 191, 0, 191 }, { 191, 0, 0 }, { 0, 0, 191 }, { 0, 0, 0 },
	};
	unsigned int x;

	for (x = 0; x < w; x++) {
		unsigned int bar = (x * 8 / w + unit) % 8;
		struct ycc c = rgb_to_ycc(bars[bar][0], bars[bar][1], bars[bar][2]);

		y[x] = c.y;
		if (!(x & 1)) {
			cb[x / 2] = c.cb;
			cr[x / 2] = c.cr;
		}
	}
}

static void ramp_row(uint8_t *y, uint8_t *cb, uint8_t *cr, unsigned int w)
{
	unsigned int x;

	for (x = 0; x < w; x++)
		y[x] = (uint8_t)(16 + x * 219 / w);
	memset(cb, 128, w / 2);
	memset(cr, 128, w / 2);
}

/* Copy pixel row @src over rows @from..@to-1 of all three planes. */
static void dup_rows(uint8_t *y, uint8_t *cb, uint8_t *cr, unsigned int w, unsigned int src,
		     unsigned int from, unsigned int to)
{
	unsigned int cw = w / 2, r;

	for (r = from; r < to; r++) {
		memcpy(y + (size_t)r * w, y + (size_t)src * w, w);
		memcpy(cb + (size_t)r * cw, cb + (size_t)src * cw, cw);
		memcpy(cr + (size_t)r * cw, cr + (size_t)src * cw, cw);
	}
}

/* The full picture: bars over the upper two thirds, the ramp below. */
static void render_422(uint8_t *y, uint8_t *cb, uint8_t *cr, unsigned int w, unsigned int h,
		       unsigned int unit)
{
	unsigned int cw = w / 2, split = bar_rows(h);

	bar_row(y, cb, cr, w, unit);
	dup_rows(y, cb, cr, w, 0, 1, split);
	if (split >= h)
		return;
	ramp_row(y + (size_t)split * w, cb + (size_t)split * cw, cr + (size_t)split * cw, w);
	dup_rows(y, cb, cr, w, split, split + 1, h);
}

/*
 * MJPG variants add a white square in the ramp band; variant v puts it in
 * the v-th of @nvar columns.  All on MCU rows so a JPEG can be stitched from
 * one encoded row per kind (see emu_jpeg_encode_rows()).
 */
struct square {
	unsigned int side, y0;
};

static struct square square_of(unsigned int h)
{
	struct square q;

	q.side = h / 8 / 8 * 8;
	if (q.side < 8)
		q.side = 8;
	q.y0 = (h - q.side - h / 24) / 8 * 8;
	if (q.y0 < bar_rows(h) + 8)
		q.y0 = bar_rows(h) + 8;
	return q;
}

static int build_mjpg(struct content *c)
{
	unsigned int w = c->width, h = c->height, cw = w / 2, nvar = MAX_VARIANTS;
	unsigned int k = 2 + nvar, ph = 8 * k, split = bar_rows(h), nrows = h / 8, v, r;
	struct square q = square_of(h);
	uint8_t *y = malloc((size_t)w * ph), *cb = malloc((size_t)cw * ph);
	uint8_t *cr = malloc((size_t)cw * ph), *map = malloc(nrows);
	struct emu_jpeg_planes proto = { y, cb, cr, w, ph };
	int ret = -1;

	if (!y || !cb || !cr || !map || q.y0 + q.side > h)
		goto out;
	/* prototype MCU rows: 0 bars, 1 ramp, 2 + v ramp with square v */
	bar_row(y, cb, cr, w, c->unit);
	dup_rows(y, cb, cr, w, 0, 1, 8);
	ramp_row(y + (size_t)8 * w, cb + (size_t)8 * cw, cr + (size_t)8 * cw, w);
	dup_rows(y, cb, cr, w, 8, 9, ph);
	for (v = 0; v < nvar; v++) {
		unsigned int x0 = (2 * v + 1) * w / (2 * nvar) - q.side / 2;

		for (r = 8 * (2 + v); r < 8 * (3 + v); r++)
			memset(y + (size_t)r * w + x0, 235, q.side);
	}
	c->nvar = nvar;
	for (v = 0; v < nvar; v++) {
		for (r = 0; r < nrows; r++)
			map[r] = (uint8_t)(8 * r < split ? 0 :
				 8 * r >= q.y0 && 8 * r < q.y0 + q.side ? 2 + v : 1);
		if (emu_jpeg_encode_rows(&proto, map, nrows, JPEG_QUALITY, &c->data[v],
					 &c->len[v]))
			goto out;
		if (c->len[v] + GT_COM_LEN > (size_t)w * h || c->len[v] < 4 ||
		    c->data[v][0] != 0xff || c->data[v][1] != 0xd8)
			goto out;
	}
	ret = 0;
out:
	free(y);
	free(cb);
	free(cr);
	free(map);
	return ret;
}

static void content_free(struct content *c)
{
	unsigned int i;

	for (i = 0; i < MAX_VARIANTS; i++)
		free(c->data[i]);
	free(c);
}

static int content_build(struct content *c)
{
	unsigned int w = c->width, h = c->height, cw = w / 2;
	size_t npx = (size_t)w * h;
	uint8_t *y, *cb, *cr, *p;
	int ret = -1;

	if (c->fourcc == EMU_UVC_FMT_MJPG)
		return build_mjpg(c);

	y = malloc(npx);
	cb = malloc(npx / 2);
	cr = malloc(npx / 2);
	if (!y || !cb || !cr)
		goto out;
	render_422(y, cb, cr, w, h, c->unit);
	c->nvar = 1;
	if (c->fourcc == EMU_UVC_FMT_YUY2) {
		p = malloc(npx * 2);
		if (!p)
			goto out;
		for (size_t i = 0; i < npx / 2; i++) {
			p[4 * i] = y[2 * i];
			p[4 * i + 1] = cb[i];
			p[4 * i + 2] = y[2 * i + 1];
			p[4 * i + 3] = cr[i];
		}
		c->len[0] = npx * 2;
	} else {
		uint8_t *uv;

		p = malloc(npx * 3 / 2);
		if (!p)
			goto out;
		memcpy(p, y, npx);
		uv = p + npx;
		for (unsigned int r = 0; r < h / 2; r++)
			for (unsigned int col = 0; col < cw; col++) {
				uv[(size_t)r * w + 2 * col] = cb[(size_t)2 * r * cw + col];
				uv[(size_t)r * w + 2 * col + 1] = cr[(size_t)2 * r * cw + col];
			}
		c->len[0] = npx * 3 / 2;
	}
	c->data[0] = p;
	ret = 0;
out:
	free(y);
	free(cb);
	free(cr);
	return ret;
}

static struct content *content_get(uint32_t fourcc, unsigned int w, unsigned int h,
				   unsigned int unit)
{
	struct content *c;

	pthread_mutex_lock(&cache_lock);
	for (c = cache; c; c = c->next)
		if (c->fourcc == fourcc && c->width == w && c->height == h && c->unit == unit)
			break;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c) {
			c->fourcc = fourcc;
			c->width = w;
			c->height = h;
			c->unit = unit;
			if (content_build(c)) {
				content_free(c);
				c = NULL;
			} else {
				c->next = cache;
				cache = c;
			}
		}
	}
	if (c)
		c->refs++;
	pthread_mutex_unlock(&cache_lock);
	return c;
}

static void content_put(struct content *c)
{
	struct content **pp;

	if (!c)
		return;
	pthread_mutex_lock(&cache_lock);
	if (--c->refs == 0) {
		for (pp = &cache; *pp; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		content_free(c);
	}
	pthread_mutex_unlock(&cache_lock);
}

/* ------------------------------------------------------------------------
 * Probe / commit
 */

static const struct emu_uvc_frame_desc *frame_of(unsigned int fi, unsigned int ri)
{
	if (fi < 1 || fi > EMU_UVC_NFORMATS || ri < 1 || ri > emu_uvc_formats[fi - 1].nframes)
		return NULL;
	return &emu_uvc_formats[fi - 1].frames[ri - 1];
}

/* Fill the device-decided fields for a valid format/frame/interval. */
static void probe_fill(struct probe *p)
{
	bool mjpg = emu_uvc_formats[p->fmt - 1].fourcc == EMU_UVC_FMT_MJPG;

	p->key_rate = mjpg ? 1 : 0;
	p->p_rate = 0;
	p->quality = mjpg ? JPEG_QUALITY * 100 : 0;
	p->window = 0;
	p->delay = (uint16_t)((p->ival + 5000) / 10000);	/* one frame, ms */
	p->max_frame = emu_uvc_max_frame_size(p->fmt, p->frame);
	p->max_payload = emu_uvc_max_payload(p->fmt, p->frame, p->ival);
}

static void probe_default(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	p->fmt = 1;
	p->frame = 1;
	p->ival = emu_uvc_formats[0].frames[0].ival[0];
	probe_fill(p);
}

static void probe_pack(const struct probe *p, uint8_t out[PROBE_LEN_11])
{
	memset(out, 0, PROBE_LEN_11);
	put16(out, p->hint);
	out[2] = p->fmt;
	out[3] = p->frame;
	put32(out + 4, p->ival);
	put16(out + 8, p->key_rate);
	put16(out + 10, p->p_rate);
	put16(out + 12, p->quality);
	put16(out + 14, p->window);
	put16(out + 16, p->delay);
	put32(out + 18, p->max_frame);
	put32(out + 22, p->max_payload);
	/* UVC 1.1 fields, sent only when the host asks for 34 bytes */
	put32(out + 26, EMU_UVC_CLOCK_HZ);
	out[30] = 0x03;		/* bmFramingInfo: FID required, EOF present */
}

/*
 * Parse and negotiate a probe/commit SET_CUR.  Returns 0 or an error code.
 * @exact: the interval must be one the frame advertises (commit).
 */
static uint8_t probe_parse(const uint8_t *d, struct probe *p, bool exact)
{
	const struct emu_uvc_frame_desc *f;
	uint32_t ival, best = 0, bestd = UINT32_MAX;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->hint = (uint16_t)get16(d);
	p->fmt = d[2];
	p->frame = d[3];
	f = frame_of(p->fmt, p->frame);
	if (!f)
		return ERR_RANGE;
	ival = get32(d + 4);
	if (ival == 0 && !exact) {
		best = f->ival[0];
	} else {
		for (i = 0; i < f->nival; i++) {
			uint32_t dd = ival > f->ival[i] ? ival - f->ival[i] : f->ival[i] - ival;

			if (dd < bestd) {
				bestd = dd;
				best = f->ival[i];
			}
		}
		if (exact && bestd) {
			if (ival < f->ival[0] || ival > f->ival[f->nival - 1])
				return ERR_RANGE;
			return ERR_VALUE;
		}
	}
	p->ival = best;
	probe_fill(p);
	return ERR_NONE;
}

/* ------------------------------------------------------------------------
 * Controls
 */

static uint32_t frame_period_us(const struct emu_uvc *u)
{
	const struct probe *p = u->committed ? &u->commit : &u->probe;

	return p->ival / 10;
}

static uint32_t auto_exposure_us(const struct emu_uvc *u)
{
	const uint32_t *t = u->plf == 1 ? exp_50hz : exp_60hz;
	/* longest step within half a frame period (table values are rounded) */
	uint32_t lim = (frame_period_us(u) + 20) / 2, best = t[0];
	unsigned int i;

	for (i = 0; i < sizeof(exp_50hz) / sizeof(exp_50hz[0]); i++)
		if (t[i] <= lim)
			best = t[i];
	return best;
}

static bool ae_auto(const struct emu_uvc *u)
{
	return u->ae_mode != AE_MANUAL;
}

uint32_t emu_uvc_exposure_100ns(const struct emu_uvc *u)
{
	uint64_t e, lim;

	if (!u)
		return 0;
	lim = (uint64_t)frame_period_us(u) * 10;
	e = ae_auto(u) ? (uint64_t)auto_exposure_us(u) * 10 : (uint64_t)u->exp_abs * 1000;
	return (uint32_t)(e < lim ? e : lim);
}

/**
 * struct cdef - one numeric control
 * @unit, @cs:   entity id and selector
 * @size:        bytes on the wire
 * @is_signed:   value is signed
 * @min, @max, @res, @def: GET_MIN/MAX/RES/DEF
 * @has_minmax:  GET_MIN/MAX/RES are supported (not for AE mode)
 */
struct cdef {
	uint8_t unit, cs, size;
	bool is_signed;
	int32_t min, max, res, def;
	bool has_minmax;
};

static const struct cdef cdefs[] = {
	{ EMU_UVC_ID_CT, CT_AE_MODE, 1, false, 0, 0, AE_SUPPORTED, AE_APERTURE, false },
	{ EMU_UVC_ID_CT, CT_AE_PRIORITY, 1, false, 0, 1, 1, 0, true },
	{ EMU_UVC_ID_CT, CT_EXPOSURE_ABS, 4, false, 3, 16383, 1, 127, true },
	{ EMU_UVC_ID_PU, PU_BACKLIGHT, 2, false, 0, 1, 1, 0, true },
	{ EMU_UVC_ID_PU, PU_BRIGHTNESS, 2, true, 0, 255, 1, 128, true },
	{ EMU_UVC_ID_PU, PU_CONTRAST, 2, false, 0, 10, 1, 5, true },
	{ EMU_UVC_ID_PU, PU_GAIN, 2, false, 0, 255, 1, 0, true },
	{ EMU_UVC_ID_PU, PU_POWER_LINE, 1, false, 0, 2, 1, 2, true },
	{ EMU_UVC_ID_PU, PU_SATURATION, 2, false, 0, 63, 1, 32, true },
	{ EMU_UVC_ID_PU, PU_SHARPNESS, 2, false, 0, 4, 1, 2, true },
	{ EMU_UVC_ID_PU, PU_WB_TEMP, 2, false, 2500, 12500, 10, 4500, true },
	{ EMU_UVC_ID_PU, PU_WB_TEMP_AUTO, 1, false, 0, 1, 1, 1, true },
};

static const struct cdef *cdef_find(uint8_t unit, uint8_t cs)
{
	unsigned int i;

	for (i = 0; i < sizeof(cdefs) / sizeof(cdefs[0]); i++)
		if (cdefs[i].unit == unit && cdefs[i].cs == cs)
			return &cdefs[i];
	return NULL;
}

static int32_t ctrl_cur(const struct emu_uvc *u, const struct cdef *c)
{
	switch (c->unit << 8 | c->cs) {
	case EMU_UVC_ID_CT << 8 | CT_AE_MODE:
		return u->ae_mode;
	case EMU_UVC_ID_CT << 8 | CT_AE_PRIORITY:
		return u->ae_prio;
	case EMU_UVC_ID_CT << 8 | CT_EXPOSURE_ABS:
		return ae_auto(u) ? (int32_t)(auto_exposure_us(u) / 100) : (int32_t)u->exp_abs;
	case EMU_UVC_ID_PU << 8 | PU_BACKLIGHT:
		return u->backlight;
	case EMU_UVC_ID_PU << 8 | PU_BRIGHTNESS:
		return u->brightness;
	case EMU_UVC_ID_PU << 8 | PU_CONTRAST:
		return u->contrast;
	case EMU_UVC_ID_PU << 8 | PU_GAIN:
		return u->gain;
	case EMU_UVC_ID_PU << 8 | PU_POWER_LINE:
		return u->plf;
	case EMU_UVC_ID_PU << 8 | PU_SATURATION:
		return u->saturation;
	case EMU_UVC_ID_PU << 8 | PU_SHARPNESS:
		return u->sharpness;
	case EMU_UVC_ID_PU << 8 | PU_WB_TEMP:
		return u->wb_auto ? 4500 : u->wb_temp;
	case EMU_UVC_ID_PU << 8 | PU_WB_TEMP_AUTO:
		return u->wb_auto;
	}
	return 0;
}

/* Validate and store a SET_CUR value; returns an error code. */
static uint8_t ctrl_set(struct emu_uvc *u, const struct cdef *c, int32_t v)
{
	if (c->unit == EMU_UVC_ID_CT && c->cs == CT_AE_MODE) {
		/* exactly one supported mode bit */
		if (v <= 0 || v > 0xff)
			return ERR_RANGE;
		if ((v & (v - 1)) || !(v & AE_SUPPORTED))
			return ERR_VALUE;
		u->ae_mode = (uint8_t)v;
		return ERR_NONE;
	}
	if (v < c->min || v > c->max)
		return ERR_RANGE;
	if ((v - c->min) % c->res)
		return ERR_VALUE;
	switch (c->unit << 8 | c->cs) {
	case EMU_UVC_ID_CT << 8 | CT_AE_PRIORITY:
		u->ae_prio = (uint8_t)v;
		break;
	case EMU_UVC_ID_CT << 8 | CT_EXPOSURE_ABS:
		if (ae_auto(u))
			return ERR_WRONG_STATE;
		u->exp_abs = (uint32_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_BACKLIGHT:
		u->backlight = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_BRIGHTNESS:
		u->brightness = (int16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_CONTRAST:
		u->contrast = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_GAIN:
		u->gain = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_POWER_LINE:
		u->plf = (uint8_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_SATURATION:
		u->saturation = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_SHARPNESS:
		u->sharpness = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_WB_TEMP:
		if (u->wb_auto)
			return ERR_WRONG_STATE;
		u->wb_temp = (uint16_t)v;
		break;
	case EMU_UVC_ID_PU << 8 | PU_WB_TEMP_AUTO:
		u->wb_auto = (uint8_t)v;
		break;
	}
	return ERR_NONE;
}

static uint8_t ctrl_info(const struct emu_uvc *u, const struct cdef *c)
{
	uint8_t info = INFO_GET | INFO_SET;

	if (c->unit == EMU_UVC_ID_CT && c->cs == CT_EXPOSURE_ABS) {
		info |= INFO_AUTOUPD;
		if (ae_auto(u))
			info |= INFO_DISABLED;
	}
	if (c->unit == EMU_UVC_ID_PU && c->cs == PU_WB_TEMP) {
		info |= INFO_AUTOUPD;
		if (u->wb_auto)
			info |= INFO_DISABLED;
	}
	return info;
}

static void put_val(uint8_t *d, unsigned int size, int32_t v)
{
	if (size == 1)
		d[0] = (uint8_t)v;
	else if (size == 2)
		put16(d, (uint32_t)v);
	else
		put32(d, (uint32_t)v);
}

static int32_t get_val(const uint8_t *d, const struct cdef *c)
{
	if (c->size == 1)
		return d[0];
	if (c->size == 2)
		return c->is_signed ? (int16_t)get16(d) : (int32_t)get16(d);
	return get32(d) > INT32_MAX ? -1 : (int32_t)get32(d);
}

/*
 * Each handler returns the number of bytes for an IN request, 0 for OUT, or
 * -(error code) to stall.
 */
static int unit_request(struct emu_uvc *u, uint8_t unit, uint8_t req, uint8_t cs,
			uint8_t *data, uint16_t len)
{
	const struct cdef *c = cdef_find(unit, cs);
	uint8_t buf[4];
	unsigned int n;
	uint8_t e;

	if (!c)
		return -ERR_CONTROL;
	switch (req) {
	case RC_SET_CUR:
		if (len != c->size)
			return -ERR_REQUEST;
		e = ctrl_set(u, c, get_val(data, c));
		return e ? -e : 0;
	case RC_GET_INFO:
		buf[0] = ctrl_info(u, c);
		n = 1;
		break;
	case RC_GET_LEN:
		put16(buf, c->size);
		n = 2;
		break;
	case RC_GET_CUR:
		put_val(buf, c->size, ctrl_cur(u, c));
		n = c->size;
		break;
	case RC_GET_DEF:
		put_val(buf, c->size, c->def);
		n = c->size;
		break;
	case RC_GET_RES:
		put_val(buf, c->size, c->res);
		n = c->size;
		break;
	case RC_GET_MIN:
	case RC_GET_MAX:
		if (!c->has_minmax)
			return -ERR_REQUEST;
		put_val(buf, c->size, req == RC_GET_MIN ? c->min : c->max);
		n = c->size;
		break;
	default:
		return -ERR_REQUEST;
	}
	if (n > len)
		n = len;
	memcpy(data, buf, n);
	return (int)n;
}

static const char *sel_name(uint8_t ifnum, uint8_t ent, uint8_t cs)
{
	static const struct { uint8_t ifnum, ent, cs; const char *name; } names[] = {
		{ EMU_UVC_IF_VC, EMU_UVC_ID_CT, CT_AE_MODE, "ae_mode" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_CT, CT_AE_PRIORITY, "ae_priority" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_CT, CT_EXPOSURE_ABS, "exposure_abs" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_BACKLIGHT, "backlight" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_BRIGHTNESS, "brightness" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_CONTRAST, "contrast" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_GAIN, "gain" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_POWER_LINE, "power_line" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_SATURATION, "saturation" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_SHARPNESS, "sharpness" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_WB_TEMP, "wb_temp" },
		{ EMU_UVC_IF_VC, EMU_UVC_ID_PU, PU_WB_TEMP_AUTO, "wb_temp_auto" },
		{ EMU_UVC_IF_VS, 0, VS_PROBE, "probe" },
		{ EMU_UVC_IF_VS, 0, VS_COMMIT, "commit" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].ifnum == ifnum && names[i].ent == ent && names[i].cs == cs)
			return names[i].name;
	return NULL;
}

int emu_uvc_describe_set(const uint8_t setup[8], const uint8_t *data, size_t len, char *out,
			 size_t cap)
{
	uint8_t ifnum = setup[4], ent = setup[5], cs = setup[3];
	const char *sel = sel_name(ifnum, ent, cs);
	const struct cdef *c = ifnum == EMU_UVC_IF_VC ? cdef_find(ent, cs) : NULL;
	char e[8], sn[8];
	uint64_t v = 0;
	size_t i, n = len < 8 ? len : 8;

	if (ifnum == EMU_UVC_IF_VS && ent == 0)
		snprintf(e, sizeof(e), "vs");
	else if (ifnum == EMU_UVC_IF_VC && ent == EMU_UVC_ID_CT)
		snprintf(e, sizeof(e), "ct");
	else if (ifnum == EMU_UVC_IF_VC && ent == EMU_UVC_ID_PU)
		snprintf(e, sizeof(e), "pu");
	else
		snprintf(e, sizeof(e), "%u", ent);
	if (!sel) {
		snprintf(sn, sizeof(sn), "%u", cs);
		sel = sn;
	}
	if (ifnum == EMU_UVC_IF_VS && ent == 0 && (cs == VS_PROBE || cs == VS_COMMIT)) {
		char f[8] = "-", r[8] = "-", iv[16] = "-";

		if (len > 2)
			snprintf(f, sizeof(f), "%u", data[2]);
		if (len > 3)
			snprintf(r, sizeof(r), "%u", data[3]);
		if (len >= 8)
			snprintf(iv, sizeof(iv), "%u", get32(data + 4));
		return snprintf(out, cap, "%s %s %s %s %s", e, sel, f, r, iv);
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)data[i] << (8 * i);
	if (c && c->is_signed && len == c->size) {
		int64_t sv = c->size == 1 ? (int8_t)v : c->size == 2 ? (int16_t)v : (int32_t)v;

		return snprintf(out, cap, "%s %s %lld", e, sel, (long long)sv);
	}
	return snprintf(out, cap, "%s %s %llu", e, sel, (unsigned long long)v);
}

static int content_prepare(struct emu_uvc *u, const struct probe *p)
{
	const struct emu_uvc_format_desc *fmt = &emu_uvc_formats[p->fmt - 1];
	const struct emu_uvc_frame_desc *f = &fmt->frames[p->frame - 1];
	struct content *c;

	if (u->content && u->content->fourcc == fmt->fourcc && u->content->width == f->width &&
	    u->content->height == f->height)
		return 0;
	c = content_get(fmt->fourcc, f->width, f->height, u->unit);
	if (!c)
		return -1;
	content_put(u->content);
	u->content = c;
	return 0;
}

static int vs_request(struct emu_uvc *u, uint8_t req, uint8_t cs, uint8_t *data, uint16_t len)
{
	uint8_t buf[PROBE_LEN_11];
	struct probe p;
	unsigned int n;
	uint8_t e;

	if (cs != VS_PROBE && cs != VS_COMMIT)
		return -ERR_CONTROL;	/* still image, stream error code, ...: none */

	switch (req) {
	case RC_SET_CUR:
		if (len != PROBE_LEN_10 && len != PROBE_LEN_11)
			return -ERR_REQUEST;
		e = probe_parse(data, &p, cs == VS_COMMIT);
		if (e)
			return -e;
		if (cs == VS_PROBE) {
			u->probe = p;
			return 0;
		}
		if (u->alt)
			return -ERR_WRONG_STATE;
		if (content_prepare(u, &p))
			return -ERR_UNKNOWN;
		u->commit = p;
		u->probe = p;
		u->committed = true;
		return 0;
	case RC_GET_INFO:
		buf[0] = INFO_GET | INFO_SET;
		n = 1;
		break;
	case RC_GET_LEN:
		put16(buf, PROBE_LEN_10);
		n = 2;
		break;
	case RC_GET_CUR:
		if (cs == VS_COMMIT && !u->committed)
			probe_default(&p);
		else
			p = cs == VS_COMMIT ? u->commit : u->probe;
		probe_pack(&p, buf);
		n = PROBE_LEN_11;
		break;
	case RC_GET_MIN:
	case RC_GET_MAX:
	case RC_GET_RES:
	case RC_GET_DEF:
		if (cs == VS_COMMIT)
			return -ERR_REQUEST;
		if (req == RC_GET_DEF) {
			probe_default(&p);
		} else {
			const struct emu_uvc_frame_desc *f = frame_of(u->probe.fmt, u->probe.frame);

			p = u->probe;
			p.ival = req == RC_GET_MIN ? f->ival[0] : f->ival[f->nival - 1];
			probe_fill(&p);
			if (req == RC_GET_RES) {
				memset(&p, 0, sizeof(p));
				p.ival = 1;
			}
		}
		probe_pack(&p, buf);
		n = PROBE_LEN_11;
		break;
	default:
		return -ERR_REQUEST;
	}
	if (n > len)
		n = len;
	memcpy(data, buf, n);
	return (int)n;
}

static int vc_request(struct emu_uvc *u, uint8_t req, uint8_t cs, uint8_t *data, uint16_t len)
{
	if (cs != VC_REQUEST_ERROR_CODE)
		return -ERR_CONTROL;
	if (!len)
		return 0;
	if (req == RC_GET_CUR) {
		data[0] = u->req_err;
		return 1;
	}
	if (req == RC_GET_INFO) {
		data[0] = INFO_GET;
		return 1;
	}
	return -ERR_REQUEST;
}

int emu_uvc_control(struct emu_uvc *u, const uint8_t setup[8], uint8_t *data)
{
	uint8_t type, req, cs, ifnum, ent;
	uint16_t len;
	bool in;
	int r;

	if (!u || !setup)
		return -1;
	u->st.ctrl_reqs++;
	type = setup[0];
	req = setup[1];
	cs = setup[3];
	ifnum = setup[4];
	ent = setup[5];
	len = (uint16_t)get16(setup + 6);
	in = type & 0x80;

	if ((type & 0x7f) != 0x21 || (len && !data)) {
		r = -ERR_REQUEST;
	} else if (in != (req != RC_SET_CUR) || (req != RC_SET_CUR &&
						 (req < RC_GET_CUR || req > RC_GET_DEF))) {
		r = -ERR_REQUEST;
	} else if (setup[2] != 0) {
		r = -ERR_CONTROL;
	} else if (ifnum == EMU_UVC_IF_VC) {
		if (ent == 0) {
			r = vc_request(u, req, cs, data, len);
			if (r >= 0 && cs == VC_REQUEST_ERROR_CODE && req == RC_GET_CUR) {
				/* reading the error code does not reset it */
				return r;
			}
		} else if (ent == EMU_UVC_ID_CT || ent == EMU_UVC_ID_PU) {
			r = unit_request(u, ent, req, cs, data, len);
		} else if (ent == EMU_UVC_ID_OT) {
			r = -ERR_CONTROL;
		} else {
			r = -ERR_UNIT;
		}
	} else if (ifnum == EMU_UVC_IF_VS) {
		r = ent ? -ERR_UNIT : vs_request(u, req, cs, data, len);
	} else {
		r = -ERR_UNIT;
	}
	if (r < 0) {
		u->req_err = (uint8_t)-r;
		u->st.ctrl_stalls++;
		return -1;
	}
	u->req_err = ERR_NONE;
	return r;
}

/* ------------------------------------------------------------------------
 * Streaming
 */

struct emu_uvc *emu_uvc_new(const char *serial, unsigned int unit_index)
{
	struct emu_uvc *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	if (serial)
		strncpy(u->serial, serial, sizeof(u->serial) - 1);
	u->unit = unit_index;
	probe_default(&u->probe);
	/* power-on defaults, same as GET_DEF */
	u->ae_mode = AE_APERTURE;
	u->ae_prio = 0;
	u->exp_abs = 127;
	u->backlight = 0;
	u->brightness = 128;
	u->contrast = 5;
	u->gain = 0;
	u->plf = 2;
	u->saturation = 32;
	u->sharpness = 2;
	u->wb_temp = 4500;
	u->wb_auto = 1;
	return u;
}

void emu_uvc_free(struct emu_uvc *u)
{
	if (!u)
		return;
	content_put(u->content);
	free(u);
}

int emu_uvc_set_alt(struct emu_uvc *u, unsigned int alt)
{
	if (!u || alt > EMU_UVC_NALTS)
		return -1;
	if (alt == 0 && u->frame_active) {
		u->frame_active = false;
		u->st.frames_aborted++;
	}
	u->alt = alt;
	return 0;
}

bool emu_uvc_stream_info(const struct emu_uvc *u, struct emu_uvc_stream *s)
{
	const struct probe *p;
	const struct emu_uvc_frame_desc *f;

	if (!u || !s)
		return false;
	memset(s, 0, sizeof(*s));
	p = u->committed ? &u->commit : &u->probe;
	f = frame_of(p->fmt, p->frame);
	s->fourcc = emu_uvc_formats[p->fmt - 1].fourcc;
	s->width = f->width;
	s->height = f->height;
	s->fps = p->ival ? 10000000u / p->ival : 0;
	s->alt = u->alt;
	s->max_payload = p->max_payload;
	s->bytes_per_interval = u->alt ? emu_uvc_alts[u->alt - 1].bpi : 0;
	s->active = u->alt > 0 && u->committed && u->content;
	return s->active;
}

void emu_uvc_frame_begin(struct emu_uvc *u, const struct emu_gt *gt, uint64_t frame_pts_ticks,
			 uint32_t exposure_100ns)
{
	const struct content *c;
	uint64_t start;
	uint8_t rec[EMU_GT_SIZE];
	unsigned int v;

	if (!u || !u->alt || !u->committed || !u->content)
		return;
	if (u->frame_active) {
		u->st.frames_skipped++;
		return;
	}
	c = u->content;
	if (gt)
		emu_gt_pack(gt, rec);
	else
		memset(rec, 0, sizeof(rec));

	v = (unsigned int)(u->seq++ % c->nvar);
	if (c->fourcc == EMU_UVC_FMT_MJPG) {
		u->head[0] = 0xff;
		u->head[1] = 0xd8;
		u->head[2] = 0xff;
		u->head[3] = 0xfe;
		u->head[4] = 0;
		u->head[5] = 2 + EMU_GT_SIZE;
		memcpy(u->head + 6, rec, EMU_GT_SIZE);
		u->head_len = GT_COM_LEN;
		u->body = c->data[v] + 2;
		u->body_len = c->len[v] - 2;
	} else {
		memcpy(u->head, rec, EMU_GT_SIZE);
		u->head_len = EMU_GT_SIZE;
		u->body = c->data[v] + EMU_GT_SIZE;
		u->body_len = c->len[v] - EMU_GT_SIZE;
	}

	u->synced = gt && (gt->flags & EMU_GT_F_SOF);
	u->frame_pts = frame_pts_ticks;
	u->exposure = exposure_100ns;
	/* UVC PTS: start of exposure; FramePTS is its centre unless synced */
	start = frame_pts_ticks;
	if (!u->synced) {
		uint64_t half = (uint64_t)exposure_100ns * 9 / 2000;

		start = start > half ? start - half : 0;
	}
	u->pts = (uint32_t)(start * (EMU_UVC_CLOCK_HZ / 90000u));

	u->ffault = EMU_UVC_F_NONE;
	if (u->fault != EMU_UVC_F_NONE && u->fault_count != 0) {
		u->ffault = u->fault;
		u->st.frames_faulted++;
		if (u->fault_count > 0 && --u->fault_count == 0)
			u->fault = EMU_UVC_F_NONE;
	}
	u->frame_len = u->head_len + u->body_len;
	if (u->ffault == EMU_UVC_F_SHORT)
		u->frame_len /= 2;
	else if (u->ffault == EMU_UVC_F_LONG)
		u->frame_len += EMU_UVC_LONG_BYTES;
	u->fid ^= 1;
	u->fid_flipped = false;
	u->off = 0;
	u->npayload = 0;
	u->frame_active = true;
}

bool emu_uvc_frame_pending(const struct emu_uvc *u)
{
	return u && u->frame_active;
}

static void put_metadata(struct emu_uvc *u, uint8_t *m, uint32_t stc, uint16_t sof)
{
	uint32_t fps = u->commit.ival ? 10000000u / u->commit.ival : 0;

	memset(m, 0, META_LEN);
	put32(m, META_FAI_ID);
	put32(m + 4, u->ffault == EMU_UVC_F_META_SIZE0 ? 0 : META_FAI_SIZE);
	put32(m + 8, 0);				/* Flags */
	put64(m + 16, u->ffault == EMU_UVC_F_PTS0 ? 0 : u->frame_pts);
	put32(m + 24, u->pts);				/* PTSReference */
	put64(m + 28, sof & 0x7ff);			/* USBSoFSeqNum */
	put64(m + 36, stc);				/* USBSoFPTS */
	put32(m + 44, u->synced ? 1 : 0);		/* Synced */

	m += META_FAI_SIZE;
	put32(m, META_CS_ID);
	put32(m + 4, u->ffault == EMU_UVC_F_META_OVERRUN ? 0xfffffff0u : META_CS_SIZE);
	put32(m + 8, CS_F_EXPOSURE | CS_F_WHITEBALANCE | CS_F_SENSORFRAMERATE);
	put64(m + 16, u->exposure);			/* ExposureTime, 100 ns */
	put32(m + 48, u->wb_auto ? 4500 : u->wb_temp);	/* WhiteBalance, K */
	put64(m + 72, (uint64_t)fps << 32 | 1);	/* SensorFramerate */
}

/* Bytes @off..@off+@n-1 of the frame: head, body, then (LONG fault) junk. */
static void copy_frame(const struct emu_uvc *u, uint8_t *dst, size_t off, size_t n)
{
	size_t body_end = u->head_len + u->body_len, k;

	if (n && off < u->head_len) {
		k = u->head_len - off < n ? u->head_len - off : n;
		memcpy(dst, u->head + off, k);
		dst += k;
		off += k;
		n -= k;
	}
	if (n && off < body_end) {
		k = body_end - off < n ? body_end - off : n;
		memcpy(dst, u->body + (off - u->head_len), k);
		dst += k;
		n -= k;
	}
	if (n)
		memset(dst, EMU_UVC_JUNK, n);
}

size_t emu_uvc_fill_packet(struct emu_uvc *u, uint8_t *pkt, size_t max, uint32_t stc,
			   uint16_t sof, bool *frame_done)
{
	size_t total, hdr, room, n, len;
	bool first, eof;
	uint8_t bfh;

	if (frame_done)
		*frame_done = false;
	if (!u || !pkt || !u->frame_active || max < EMU_UVC_MIN_PACKET)
		return 0;

	total = u->frame_len;
	first = u->npayload == 0;
	hdr = first ? HDR_FIRST : HDR_STD;
	room = max - hdr;
	if (first && u->ffault == EMU_UVC_F_HLE_BIG)
		room = 254 - hdr;
	n = total - u->off < room ? total - u->off : room;
	eof = u->off + n == total;

	if (u->ffault == EMU_UVC_F_FID_MIDFRAME && !u->fid_flipped && !first &&
	    u->off >= total / 2) {
		u->fid ^= 1;
		u->fid_flipped = true;
	}

	bfh = PH_EOH | PH_PTS | PH_SCR | (u->fid ? PH_FID : 0);
	if (eof && u->ffault != EMU_UVC_F_NO_EOF)
		bfh |= PH_EOF;
	if (first && u->ffault == EMU_UVC_F_ERR_BIT)
		bfh |= PH_ERR;
	len = hdr + n;

	pkt[0] = (uint8_t)hdr;
	if (first) {
		if (u->ffault == EMU_UVC_F_HLE0)
			pkt[0] = 0;
		else if (u->ffault == EMU_UVC_F_HLE1)
			pkt[0] = 1;
		else if (u->ffault == EMU_UVC_F_HLE_BIG)
			pkt[0] = (uint8_t)(len + 1);
	}
	pkt[1] = bfh;
	put32(pkt + 2, u->pts);
	put32(pkt + 6, stc);
	put16(pkt + 10, sof & 0x7ff);
	if (first)
		put_metadata(u, pkt + HDR_STD, stc, sof);
	copy_frame(u, pkt + hdr, u->off, n);

	u->off += n;
	u->npayload++;
	u->st.payloads++;
	u->st.bytes += len;
	if (eof) {
		u->frame_active = false;
		u->st.frames++;
		if (frame_done)
			*frame_done = true;
	}
	return len;
}

static const char *const fault_names[EMU_UVC_F_COUNT] = {
	[EMU_UVC_F_NONE] = "none",
	[EMU_UVC_F_HLE0] = "hle0",
	[EMU_UVC_F_HLE1] = "hle1",
	[EMU_UVC_F_HLE_BIG] = "hle_big",
	[EMU_UVC_F_FID_MIDFRAME] = "fid_midframe",
	[EMU_UVC_F_NO_EOF] = "no_eof",
	[EMU_UVC_F_META_SIZE0] = "meta_size0",
	[EMU_UVC_F_META_OVERRUN] = "meta_overrun",
	[EMU_UVC_F_PTS0] = "pts0",
	[EMU_UVC_F_ERR_BIT] = "err_bit",
	[EMU_UVC_F_SHORT] = "short",
	[EMU_UVC_F_LONG] = "long",
};

const char *emu_uvc_fault_name(enum emu_uvc_fault f)
{
	if ((unsigned int)f >= EMU_UVC_F_COUNT)
		return "?";
	return fault_names[f];
}

int emu_uvc_fault_parse(const char *name)
{
	unsigned int i;

	if (!name)
		return -1;
	for (i = 0; i < EMU_UVC_F_COUNT; i++)
		if (!strcmp(name, fault_names[i]))
			return (int)i;
	return -1;
}

int emu_uvc_inject(struct emu_uvc *u, enum emu_uvc_fault f, int count)
{
	if (!u || (unsigned int)f >= EMU_UVC_F_COUNT || count < -1)
		return -1;
	if (f == EMU_UVC_F_NONE || count == 0) {
		u->fault = EMU_UVC_F_NONE;
		u->fault_count = 0;
		return 0;
	}
	u->fault = f;
	u->fault_count = count;
	return 0;
}

enum emu_uvc_fault emu_uvc_frame_fault(const struct emu_uvc *u)
{
	return u ? u->ffault : EMU_UVC_F_NONE;
}

void emu_uvc_get_stats(const struct emu_uvc *u, struct emu_uvc_stats *s)
{
	if (!s)
		return;
	if (!u) {
		memset(s, 0, sizeof(*s));
		return;
	}
	*s = u->st;
}
