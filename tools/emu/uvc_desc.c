// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu: UVC 1.0 descriptors of the colour function and the mode table.
 *
 * Layout (all class-specific descriptors per UVC 1.0):
 *   IAD (interfaces 0-1, class 14 subclass 3)
 *   interface 0 alt 0, VideoControl, no endpoint
 *     VC header (bcdUVC 0x0100, 90 kHz clock, one streaming interface)
 *     Camera Terminal 1 (AE mode, AE priority, exposure time absolute)
 *     Processing Unit 2 (brightness, contrast, saturation, sharpness,
 *       WB temperature, backlight compensation, gain, power line frequency,
 *       WB temperature auto), source 1
 *     Output Terminal 3 (USB streaming), source 2
 *   interface 1 alt 0, VideoStreaming, no endpoint
 *     input header (3 formats, endpoint 0x81, terminal link 3)
 *     format 1 MJPG  + 6 frames + colour matching
 *     format 2 NV12  + 1 frame  + colour matching
 *     format 3 YUY2  + 1 frame  + colour matching
 *   interface 1 alt 1..8: iso IN 0x81, wMaxPacketSize 1024, bInterval 1,
 *     SuperSpeed companion with growing wBytesPerInterval
 */
#include <string.h>

#include "uvc.h"
#include "le.h"

static const uint8_t guid_nv12[16] = {
	'N', 'V', '1', '2', 0x00, 0x00, 0x10, 0x00,
	0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

static const uint8_t guid_yuy2[16] = {
	'Y', 'U', 'Y', '2', 0x00, 0x00, 0x10, 0x00,
	0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

static const struct emu_uvc_frame_desc frames_mjpg[] = {
	{ 1280, 720, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
	{ 1920, 1080, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
	{ 2560, 1440, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
	{ 2048, 1536, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
	{ 3840, 2160, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
	{ 4096, 3072, 2, { EMU_UVC_IVAL_15, EMU_UVC_IVAL_5, 0 } },	/* 15 fps at most */
};

static const struct emu_uvc_frame_desc frames_720[] = {
	{ 1280, 720, 3, { EMU_UVC_IVAL_30, EMU_UVC_IVAL_15, EMU_UVC_IVAL_5 } },
};

const struct emu_uvc_format_desc emu_uvc_formats[EMU_UVC_NFORMATS] = {
	{ EMU_UVC_FMT_MJPG, NULL, 16, 6, frames_mjpg },
	{ EMU_UVC_FMT_NV12, guid_nv12, 12, 1, frames_720 },
	{ EMU_UVC_FMT_YUY2, guid_yuy2, 16, 1, frames_720 },
};

/*
 * wBytesPerInterval ladder.  bInterval 1 = one service interval per 125 us
 * microframe; bytes per interval <= (bMaxBurst + 1) * (Mult + 1) * 1024.
 */
const struct emu_uvc_alt_desc emu_uvc_alts[EMU_UVC_NALTS] = {
	{ 1024, 0, 0 },
	{ 2048, 1, 0 },
	{ 4096, 3, 0 },
	{ 8192, 7, 0 },
	{ 16384, 15, 0 },
	{ 24576, 11, 1 },
	{ 32768, 15, 1 },
	{ 49152, 15, 2 },
};

static const struct emu_uvc_frame_desc *frame_at(unsigned int fi, unsigned int ri)
{
	if (fi < 1 || fi > EMU_UVC_NFORMATS)
		return NULL;
	if (ri < 1 || ri > emu_uvc_formats[fi - 1].nframes)
		return NULL;
	return &emu_uvc_formats[fi - 1].frames[ri - 1];
}

/*
 * Uncompressed: exact frame size.  MJPG: one byte per pixel, a bound the
 * pre-encoded JPEGs (plus the 52-byte ground truth COM segment) never exceed;
 * it is what uvcvideo allocates per buffer.
 */
uint32_t emu_uvc_max_frame_size(unsigned int fmt_index, unsigned int frame_index)
{
	const struct emu_uvc_frame_desc *f = frame_at(fmt_index, frame_index);
	uint32_t px;

	if (!f)
		return 0;
	px = (uint32_t)f->width * f->height;
	if (emu_uvc_formats[fmt_index - 1].fourcc == EMU_UVC_FMT_MJPG)
		return px;
	return px * emu_uvc_formats[fmt_index - 1].bpp / 8;
}

uint32_t emu_uvc_max_payload(unsigned int fmt_index, unsigned int frame_index, uint32_t interval)
{
	const struct emu_uvc_frame_desc *f = frame_at(fmt_index, frame_index);
	uint64_t need, slots;
	unsigned int i;

	if (!f || !interval)
		return 0;
	/*
	 * The sensor is read out at the same speed whatever the frame rate:
	 * a frame of the largest size leaves the device within half of the
	 * mode's shortest frame period, i.e. in 125 us service intervals of
	 * this many bytes (plus the 12-byte header of every payload).
	 */
	slots = (uint64_t)f->ival[0] / 2 / 1250;
	need = (emu_uvc_max_frame_size(fmt_index, frame_index) + slots - 1) / slots + 12;
	for (i = 0; i < EMU_UVC_NALTS; i++)
		if (emu_uvc_alts[i].bpi >= need)
			return emu_uvc_alts[i].bpi;
	return emu_uvc_alts[EMU_UVC_NALTS - 1].bpi;
}

/* Small bounded byte writer: any overflow makes the whole build fail. */
struct wr {
	uint8_t *b;
	size_t cap, len;
	bool over;
};

static uint8_t *wr_take(struct wr *w, size_t n)
{
	uint8_t *p;

	if (w->over || n > w->cap - w->len) {
		w->over = true;
		return NULL;
	}
	p = w->b + w->len;
	memset(p, 0, n);
	w->len += n;
	return p;
}

static void intf_desc(struct wr *w, uint8_t num, uint8_t alt, uint8_t neps, uint8_t sub)
{
	uint8_t *p = wr_take(w, 9);

	if (!p)
		return;
	p[0] = 9;
	p[1] = 0x04;		/* INTERFACE */
	p[2] = num;
	p[3] = alt;
	p[4] = neps;
	p[5] = 0x0e;		/* CC_VIDEO */
	p[6] = sub;		/* 1 VIDEOCONTROL, 2 VIDEOSTREAMING */
	p[7] = 0x00;		/* PC_PROTOCOL_UNDEFINED (UVC 1.0/1.1) */
	p[8] = 0;
}

static void frame_desc(struct wr *w, unsigned int fi, unsigned int ri)
{
	const struct emu_uvc_format_desc *fmt = &emu_uvc_formats[fi - 1];
	const struct emu_uvc_frame_desc *f = &fmt->frames[ri - 1];
	uint32_t size = emu_uvc_max_frame_size(fi, ri);
	uint32_t min_fps = 10000000u / f->ival[f->nival - 1];
	uint32_t max_fps = 10000000u / f->ival[0];
	size_t n = 26 + 4 * (size_t)f->nival;
	uint8_t *p = wr_take(w, n);
	unsigned int i;

	if (!p)
		return;
	p[0] = (uint8_t)n;
	p[1] = 0x24;		/* CS_INTERFACE */
	p[2] = fmt->fourcc == EMU_UVC_FMT_MJPG ? 0x07 : 0x05;	/* FRAME_MJPEG / UNCOMPRESSED */
	p[3] = (uint8_t)ri;
	p[4] = 0;		/* bmCapabilities: no still image */
	put16(p + 5, f->width);
	put16(p + 7, f->height);
	if (fmt->fourcc == EMU_UVC_FMT_MJPG) {
		/* compressed: from 1 bit per pixel at the slowest rate to the bound */
		put32(p + 9, (uint32_t)f->width * f->height * min_fps);
		put32(p + 13, size * 8 * max_fps);
	} else {
		put32(p + 9, size * 8 * min_fps);
		put32(p + 13, size * 8 * max_fps);
	}
	put32(p + 17, size);	/* dwMaxVideoFrameBufferSize */
	put32(p + 21, f->ival[0]);	/* default: fastest */
	p[25] = f->nival;
	for (i = 0; i < f->nival; i++)
		put32(p + 26 + 4 * i, f->ival[i]);
}

static void color_desc(struct wr *w)
{
	uint8_t *p = wr_take(w, 6);

	if (!p)
		return;
	p[0] = 6;
	p[1] = 0x24;
	p[2] = 0x0d;		/* VS_COLORFORMAT */
	p[3] = 1;		/* BT.709 primaries */
	p[4] = 1;		/* BT.709 transfer */
	p[5] = 4;		/* SMPTE 170M (BT.601) matrix */
}

static void format_desc(struct wr *w, unsigned int fi)
{
	const struct emu_uvc_format_desc *fmt = &emu_uvc_formats[fi - 1];
	uint8_t *p;

	if (fmt->fourcc == EMU_UVC_FMT_MJPG) {
		p = wr_take(w, 11);
		if (!p)
			return;
		p[0] = 11;
		p[1] = 0x24;
		p[2] = 0x06;	/* VS_FORMAT_MJPEG */
		p[3] = (uint8_t)fi;
		p[4] = fmt->nframes;
		p[5] = 0;	/* bmFlags: variable size samples */
		p[6] = 1;	/* bDefaultFrameIndex */
		/* aspect ratio, interlace, copy protect: 0 */
	} else {
		p = wr_take(w, 27);
		if (!p)
			return;
		p[0] = 27;
		p[1] = 0x24;
		p[2] = 0x04;	/* VS_FORMAT_UNCOMPRESSED */
		p[3] = (uint8_t)fi;
		p[4] = fmt->nframes;
		memcpy(p + 5, fmt->guid, 16);
		p[21] = fmt->bpp;
		p[22] = 1;	/* bDefaultFrameIndex */
	}
}

static void alt_desc(struct wr *w, unsigned int alt)
{
	const struct emu_uvc_alt_desc *a = &emu_uvc_alts[alt - 1];
	uint8_t *p;

	intf_desc(w, EMU_UVC_IF_VS, (uint8_t)alt, 1, 0x02);
	p = wr_take(w, 7);
	if (!p)
		return;
	p[0] = 7;
	p[1] = 0x05;		/* ENDPOINT */
	p[2] = EMU_UVC_EP_VIDEO;
	p[3] = 0x05;		/* isochronous, asynchronous */
	put16(p + 4, 1024);
	p[6] = 1;		/* every microframe */
	p = wr_take(w, 6);
	if (!p)
		return;
	p[0] = 6;
	p[1] = 0x30;		/* SS_ENDPOINT_COMPANION */
	p[2] = a->burst;
	p[3] = a->mult;
	put16(p + 4, a->bpi);
}

int emu_uvc_config_descs(struct emu_uvc *u, uint8_t *buf, size_t cap)
{
	struct wr w = { buf, cap, 0, false };
	size_t vc_start, vs_start;
	uint8_t *p, *vc_hdr, *vs_hdr;
	unsigned int fi, ri, alt;

	(void)u;
	if (!buf)
		return -1;

	/* Interface association */
	p = wr_take(&w, 8);
	if (p) {
		p[0] = 8;
		p[1] = 0x0b;
		p[2] = EMU_UVC_IF_VC;
		p[3] = 2;
		p[4] = 0x0e;
		p[5] = 0x03;	/* SC_VIDEO_INTERFACE_COLLECTION */
		p[6] = 0x00;
		p[7] = 0;
	}

	intf_desc(&w, EMU_UVC_IF_VC, 0, 0, 0x01);
	vc_start = w.len;
	vc_hdr = wr_take(&w, 13);
	if (vc_hdr) {
		vc_hdr[0] = 13;
		vc_hdr[1] = 0x24;
		vc_hdr[2] = 0x01;	/* VC_HEADER */
		put16(vc_hdr + 3, 0x0100);
		/* wTotalLength at 5 filled below */
		put32(vc_hdr + 7, EMU_UVC_CLOCK_HZ);
		vc_hdr[11] = 1;
		vc_hdr[12] = EMU_UVC_IF_VS;
	}

	/* Camera Terminal, bControlSize 3 */
	p = wr_take(&w, 18);
	if (p) {
		p[0] = 18;
		p[1] = 0x24;
		p[2] = 0x02;	/* VC_INPUT_TERMINAL */
		p[3] = EMU_UVC_ID_CT;
		put16(p + 4, 0x0201);	/* ITT_CAMERA */
		/* bAssocTerminal, iTerminal, focal lengths: 0 */
		p[14] = 3;
		p[15] = 0x0e;	/* D1 AE mode, D2 AE priority, D3 exposure absolute */
	}

	/*
	 * Processing Unit, bControlSize 2.  UVC 1.0 parsers read 9 + n bytes;
	 * bLength 10 + n with a zero trailing byte (bmVideoStandards in 1.1)
	 * also satisfies readers that expect the later layout.
	 */
	p = wr_take(&w, 12);
	if (p) {
		p[0] = 12;
		p[1] = 0x24;
		p[2] = 0x05;	/* VC_PROCESSING_UNIT */
		p[3] = EMU_UVC_ID_PU;
		p[4] = EMU_UVC_ID_CT;
		put16(p + 5, 0);	/* wMaxMultiplier */
		p[7] = 2;
		/*
		 * D0 brightness, D1 contrast, D3 saturation, D4 sharpness,
		 * D6 WB temperature, D8 backlight, D9 gain, D10 power line,
		 * D12 WB temperature auto
		 */
		put16(p + 8, 0x175b);
		p[10] = 0;	/* iProcessing */
		p[11] = 0;	/* no analog video standard */
	}

	p = wr_take(&w, 9);
	if (p) {
		p[0] = 9;
		p[1] = 0x24;
		p[2] = 0x03;	/* VC_OUTPUT_TERMINAL */
		p[3] = EMU_UVC_ID_OT;
		put16(p + 4, 0x0101);	/* TT_STREAMING */
		p[7] = EMU_UVC_ID_PU;
	}
	if (vc_hdr && !w.over)
		put16(vc_hdr + 5, (uint32_t)(w.len - vc_start));

	intf_desc(&w, EMU_UVC_IF_VS, 0, 0, 0x02);
	vs_start = w.len;
	vs_hdr = wr_take(&w, 13 + EMU_UVC_NFORMATS);
	if (vs_hdr) {
		vs_hdr[0] = 13 + EMU_UVC_NFORMATS;
		vs_hdr[1] = 0x24;
		vs_hdr[2] = 0x01;	/* VS_INPUT_HEADER */
		vs_hdr[3] = EMU_UVC_NFORMATS;
		vs_hdr[6] = EMU_UVC_EP_VIDEO;
		vs_hdr[7] = 0;		/* bmInfo */
		vs_hdr[8] = EMU_UVC_ID_OT;
		vs_hdr[9] = 0;		/* no still capture */
		vs_hdr[10] = 0;		/* no hardware trigger */
		vs_hdr[11] = 0;
		vs_hdr[12] = 1;		/* bControlSize */
		/* bmaControls: none per format */
	}
	for (fi = 1; fi <= EMU_UVC_NFORMATS; fi++) {
		format_desc(&w, fi);
		for (ri = 1; ri <= emu_uvc_formats[fi - 1].nframes; ri++)
			frame_desc(&w, fi, ri);
		color_desc(&w);
	}
	if (vs_hdr && !w.over)
		put16(vs_hdr + 4, (uint32_t)(w.len - vs_start));

	for (alt = 1; alt <= EMU_UVC_NALTS; alt++)
		alt_desc(&w, alt);

	if (w.over || w.len > INT32_MAX)
		return -1;
	return (int)w.len;
}
