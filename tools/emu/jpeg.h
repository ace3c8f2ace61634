/* SPDX-License-Identifier: GPL-2.0 */
/* k4a-emu: baseline JPEG encoding of planar YCbCr 4:2:2 images (libjpeg). */
#ifndef K4A_EMU_JPEG_H
#define K4A_EMU_JPEG_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct emu_jpeg_planes - a planar YCbCr 4:2:2 image
 * @y:      luma, @width x @height bytes, row stride @width
 * @cb:     blue difference, (@width / 2) x @height bytes
 * @cr:     red difference, (@width / 2) x @height bytes
 * @width:  multiple of 16
 * @height: multiple of 8
 */
struct emu_jpeg_planes {
	const uint8_t *y, *cb, *cr;
	unsigned int width, height;
};

/*
 * Encode @img as a baseline JPEG with 2x1 chroma subsampling (4:2:2), standard
 * Huffman tables and no JFIF/APP segments: SOI, DQT, SOF0, DHT, SOS ... EOI.
 * On success returns 0 and a malloc()ed buffer in *@out (free() it) of
 * *@len bytes.  Returns -1 on bad geometry or failure.
 */
int emu_jpeg_encode_422(const struct emu_jpeg_planes *img, int quality, uint8_t **out,
			size_t *len);

/*
 * Build a JPEG of @nrows MCU rows (8 pixel rows each) by repeating rows of a
 * prototype: @proto is (8 * k) pixels high, and output MCU row i shows
 * prototype MCU row @rowmap[i] (< k).  The prototype is encoded once with one
 * restart interval per MCU row; the output reuses those entropy-coded
 * intervals with renumbered RST markers and the SOF height patched, so the
 * cost is independent of the output height.  Same output format and return
 * convention as emu_jpeg_encode_422(), plus a DRI segment.
 */
int emu_jpeg_encode_rows(const struct emu_jpeg_planes *proto, const uint8_t *rowmap,
			 unsigned int nrows, int quality, uint8_t **out, size_t *len);

#endif
