/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a-emu ground truth record.
 *
 * Every emulated frame carries this 48-byte little-endian record inside its
 * opaque payload so that tests can compare what a driver reports with what
 * the emulator actually did:
 *   raw depth   bytes 0..47 of the frame
 *   NV12/YUY2   first 48 bytes of pixel row 0
 *   MJPG        a COM segment (0xFFFE, length 2 + 48) right after SOI
 * The same values are written, one text line per frame, to the side log.
 */
#ifndef K4A_EMU_GT_H
#define K4A_EMU_GT_H

#include <stdint.h>
#include <string.h>

#define EMU_GT_MAGIC	0x5447344bu	/* bytes "K4GT" */
#define EMU_GT_VERSION	1
#define EMU_GT_SIZE	48

enum emu_gt_stream {
	EMU_GT_DEPTH = 0,
	EMU_GT_COLOR = 1,
	EMU_GT_IMU = 2,
};

/* flags */
#define EMU_GT_F_SOF	0x0001	/* master/subordinate: ticks mean start of frame */

/**
 * struct emu_gt - ground truth of one frame (host byte order)
 * @stream:        enum emu_gt_stream
 * @flags:         EMU_GT_F_*
 * @serial:        unit serial, NUL padded
 * @frame_counter: per stream, per unit, counts every frame the sensor produced
 *                 (also frames later dropped for lack of buffer space)
 * @device_ticks:  timestamp the device reports for the frame (90 kHz ticks)
 * @soe_mono_ns:   true start of exposure, CLOCK_MONOTONIC of the emulator
 */
struct emu_gt {
	uint8_t stream;
	uint16_t flags;
	char serial[16];
	uint32_t frame_counter;
	uint64_t device_ticks;
	uint64_t soe_mono_ns;
};

static inline void emu_gt_put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Serialise @gt into exactly EMU_GT_SIZE bytes at @out. */
static inline void emu_gt_pack(const struct emu_gt *gt, uint8_t out[EMU_GT_SIZE])
{
	emu_gt_put_le(out + 0, EMU_GT_MAGIC, 4);
	out[4] = EMU_GT_VERSION;
	out[5] = gt->stream;
	emu_gt_put_le(out + 6, gt->flags, 2);
	memset(out + 8, 0, 16);
	memcpy(out + 8, gt->serial, strnlen(gt->serial, 16));
	emu_gt_put_le(out + 24, gt->frame_counter, 4);
	emu_gt_put_le(out + 28, 0, 4);
	emu_gt_put_le(out + 32, gt->device_ticks, 8);
	emu_gt_put_le(out + 40, gt->soe_mono_ns, 8);
}

static inline uint64_t emu_gt_get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Parse a record; returns 0 on success, -1 if magic/version do not match. */
static inline int emu_gt_unpack(const uint8_t in[EMU_GT_SIZE], struct emu_gt *gt)
{
	if (emu_gt_get_le(in, 4) != EMU_GT_MAGIC || in[4] != EMU_GT_VERSION)
		return -1;
	gt->stream = in[5];
	gt->flags = (uint16_t)emu_gt_get_le(in + 6, 2);
	memcpy(gt->serial, in + 8, 16);
	gt->frame_counter = (uint32_t)emu_gt_get_le(in + 24, 4);
	gt->device_ticks = emu_gt_get_le(in + 32, 8);
	gt->soe_mono_ns = emu_gt_get_le(in + 40, 8);
	return 0;
}

#endif
