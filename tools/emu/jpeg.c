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

int emu_jpeg_encode_422(const struct emu_jpeg_planes *img, int quality, uint8_t **out,
			size_t *len)
{
	struct jpeg_compress_struct cinfo;
	struct jerr err;
	JSAMPROW ry[8], rcb[8], rcr[8];
	JSAMPARRAY planes[3] = { ry, rcb, rcr };
	unsigned char *volatile buf = NULL;
	unsigned long volatile blen = 0;
	unsigned row, i, cw;

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
