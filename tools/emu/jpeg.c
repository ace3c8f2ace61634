// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu: JPEG encoder front end.
 *
 * The planes are handed to libjpeg as raw (already subsampled) data, so the
 * library neither converts colour nor downsamples: that keeps encoding of the
 * large modes affordable on a slow emulated CPU.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "jpeg.h"

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void jerr_exit(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;

	longjmp(e->jb, 1);
}

static void jerr_output(j_common_ptr c)
{
	(void)c;
}

static int encode(const struct emu_jpeg_planes *img, int quality, unsigned int restart,
		  uint8_t **out, size_t *len)
{
	struct jpeg_compress_struct cinfo;
	struct jerr err;
	JSAMPROW ry[8], rcb[8], rcr[8];
	JSAMPARRAY planes[3] = { ry, rcb, rcr };
	unsigned char *volatile buf = NULL;
	unsigned long volatile blen = 0;
	unsigned int row, i, cw;

	if (!img || !out || !len || !img->y || !img->cb || !img->cr || !img->width ||
	    !img->height || img->width % 16 || img->height % 8 || img->width > 65500 ||
	    img->height > 65500 || quality < 1 || quality > 100)
		return -1;
	cw = img->width / 2;

	cinfo.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jerr_exit;
	err.mgr.output_message = jerr_output;
	if (setjmp(err.jb)) {
		jpeg_destroy_compress(&cinfo);
		free(buf);
		return -1;
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&buf, (unsigned long *)&blen);

	cinfo.image_width = img->width;
	cinfo.image_height = img->height;
	cinfo.input_components = 3;
	cinfo.in_color_space = JCS_YCbCr;
	jpeg_set_defaults(&cinfo);
	jpeg_set_colorspace(&cinfo, JCS_YCbCr);
	jpeg_set_quality(&cinfo, quality, TRUE);
	cinfo.write_JFIF_header = FALSE;
	cinfo.write_Adobe_marker = FALSE;
	cinfo.raw_data_in = TRUE;
	cinfo.dct_method = JDCT_ISLOW;
	cinfo.restart_interval = restart;
	cinfo.comp_info[0].h_samp_factor = 2;
	cinfo.comp_info[0].v_samp_factor = 1;
	cinfo.comp_info[1].h_samp_factor = 1;
	cinfo.comp_info[1].v_samp_factor = 1;
	cinfo.comp_info[2].h_samp_factor = 1;
	cinfo.comp_info[2].v_samp_factor = 1;

	jpeg_start_compress(&cinfo, TRUE);
	for (row = 0; row < img->height; row += 8) {
		for (i = 0; i < 8; i++) {
			ry[i] = (JSAMPROW)(img->y + (size_t)(row + i) * img->width);
			rcb[i] = (JSAMPROW)(img->cb + (size_t)(row + i) * cw);
			rcr[i] = (JSAMPROW)(img->cr + (size_t)(row + i) * cw);
		}
		if (jpeg_write_raw_data(&cinfo, planes, 8) != 8)
			longjmp(err.jb, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	*out = buf;
	*len = blen;
	return 0;
}

int emu_jpeg_encode_422(const struct emu_jpeg_planes *img, int quality, uint8_t **out,
			size_t *len)
{
	return encode(img, quality, 0, out, len);
}

#define MAX_PROTO_ROWS	64

/* Length of the marker segment at @p (p[0] == 0xff), or 0 if it overruns. */
static size_t seg_len(const uint8_t *p, const uint8_t *end)
{
	size_t n;

	if (end - p < 4)
		return 0;
	n = 2 + ((size_t)p[2] << 8 | p[3]);
	return (size_t)(end - p) >= n ? n : 0;
}

int emu_jpeg_encode_rows(const struct emu_jpeg_planes *proto, const uint8_t *rowmap,
			 unsigned int nrows, int quality, uint8_t **out, size_t *len)
{
	const uint8_t *seg[MAX_PROTO_ROWS], *p, *end, *sos_end = NULL;
	size_t seglen[MAX_PROTO_ROWS], hdr, total, sof = 0;
	unsigned int k, i, nseg = 0;
	uint8_t *enc = NULL, *o;
	size_t elen = 0;

	if (!proto || !rowmap || !out || !len || !nrows || nrows > 65535 / 8 ||
	    proto->height % 8 || proto->width % 16)
		return -1;
	k = proto->height / 8;
	if (!k || k > MAX_PROTO_ROWS)
		return -1;
	for (i = 0; i < nrows; i++)
		if (rowmap[i] >= k)
			return -1;
	if (encode(proto, quality, proto->width / 16, &enc, &elen))
		return -1;

	/* headers: find SOF0 (to patch the height) and the end of SOS */
	p = enc + 2;
	end = enc + elen;
	while (p < end && !sos_end) {
		size_t n;

		if (p[0] != 0xff || end - p < 2)
			goto bad;
		n = seg_len(p, end);
		if (!n)
			goto bad;
		if (p[1] == 0xc0)
			sof = (size_t)(p - enc);
		if (p[1] == 0xda)
			sos_end = p + n;
		p += n;
	}
	if (!sos_end || !sof)
		goto bad;
	hdr = (size_t)(sos_end - enc);

	/* entropy-coded data: one interval per MCU row, split at RSTn, ends at EOI */
	p = sos_end;
	seg[0] = p;
	while (p + 1 < end) {
		if (p[0] != 0xff || p[1] == 0x00 || p[1] == 0xff) {
			p++;
			continue;
		}
		if (nseg >= k)
			goto bad;
		seglen[nseg] = (size_t)(p - seg[nseg]);
		nseg++;
		if (p[1] == 0xd9)
			break;
		if (p[1] < 0xd0 || p[1] > 0xd7 || nseg >= k)
			goto bad;
		p += 2;
		seg[nseg] = p;
	}
	if (nseg != k || p + 2 != end)
		goto bad;

	total = hdr + 2;
	for (i = 0; i < nrows; i++)
		total += seglen[rowmap[i]] + (i + 1 < nrows ? 2 : 0);
	o = malloc(total);
	if (!o)
		goto bad;
	memcpy(o, enc, hdr);
	o[sof + 5] = (uint8_t)((nrows * 8) >> 8);
	o[sof + 6] = (uint8_t)(nrows * 8);
	*out = o;
	o += hdr;
	for (i = 0; i < nrows; i++) {
		memcpy(o, seg[rowmap[i]], seglen[rowmap[i]]);
		o += seglen[rowmap[i]];
		if (i + 1 < nrows) {
			*o++ = 0xff;
			*o++ = (uint8_t)(0xd0 + (i & 7));
		}
	}
	*o++ = 0xff;
	*o++ = 0xd9;
	*len = total;
	free(enc);
	return 0;
bad:
	free(enc);
	return -1;
}
