/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a-emu: UVC 1.0 colour function of the 045e:097d device (interfaces 0 and 1).
 *
 * One struct emu_uvc per emulated colour camera.  It builds the UVC part of the
 * configuration descriptor, answers the class-specific control requests
 * (probe/commit, Camera Terminal and Processing Unit controls, request error
 * code), renders frame content once per committed mode and cuts frames into
 * isochronous payloads with UVC headers, PTS/SCR and the Microsoft metadata
 * (FrameAlignInfo + CaptureStats).
 *
 * Threading: an instance is not internally locked; the caller serialises every
 * call on one instance.  Different instances may be used from different
 * threads (the shared content cache is locked internally).
 *
 * Clock: the UVC source time clock (dwClockFrequency) is the unit's 90 kHz
 * device clock.  The @stc given to emu_uvc_fill_packet() is the low 32 bits of
 * that clock at the time the packet is put on the bus, @sof the 11-bit USB
 * frame number the host sees.
 */
#ifndef K4A_EMU_UVC_H
#define K4A_EMU_UVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gt.h"

/* dwClockFrequency of the VC header and unit of PTS / SCR STC. */
#define EMU_UVC_CLOCK_HZ	90000u

/* Interface numbers, entity ids and the video endpoint of the function. */
#define EMU_UVC_IF_VC		0
#define EMU_UVC_IF_VS		1
#define EMU_UVC_ID_CT		1	/* Camera Terminal */
#define EMU_UVC_ID_PU		2	/* Processing Unit */
#define EMU_UVC_ID_OT		3	/* Output Terminal (streaming) */
#define EMU_UVC_EP_VIDEO	0x81

/* Smallest packet a payload needs (first payload header + one data byte). */
#define EMU_UVC_MIN_PACKET	256u

#define EMU_UVC_FOURCC(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define EMU_UVC_FMT_MJPG	EMU_UVC_FOURCC('M', 'J', 'P', 'G')
#define EMU_UVC_FMT_NV12	EMU_UVC_FOURCC('N', 'V', '1', '2')
#define EMU_UVC_FMT_YUY2	EMU_UVC_FOURCC('Y', 'U', 'Y', 'V')

struct emu_uvc;		/* one colour camera's UVC function */

struct emu_uvc *emu_uvc_new(const char *serial, unsigned int unit_index);
void emu_uvc_free(struct emu_uvc *u);

/*
 * Append the UVC part of the 097d configuration descriptor: IAD (interfaces
 * 0-1), VC interface 0 (header, Camera Terminal, Processing Unit, Output
 * Terminal; no interrupt endpoint), VS interface 1 alt 0 (no endpoint) + input
 * header + MJPG/NV12/YUY2 format and frame descriptors + colour matching, then
 * the isochronous alternate settings (endpoint 0x81 with SuperSpeed endpoint
 * companions of increasing wBytesPerInterval).  Returns bytes written or -1
 * if @cap is too small.
 */
int emu_uvc_config_descs(struct emu_uvc *u, uint8_t *buf, size_t cap);

/*
 * A control transfer addressed to interface 0 or 1 or their entities.  @setup
 * is the 8 raw setup bytes; for host->device @data holds wLength bytes, for
 * device->host at most wLength bytes are written to @data.  Returns the number
 * of bytes for IN, 0 for OUT success, -1 = STALL (the VC request error code
 * control then reports why).
 */
int emu_uvc_control(struct emu_uvc *u, const uint8_t setup[8], uint8_t *data);

/*
 * Describe a SET_CUR class request for a log: "ENTITY SELECTOR VALUE" where
 * ENTITY is ct, pu, vs (interface 1) or the decimal entity id, SELECTOR the
 * control's name (ae_mode, ae_priority, exposure_abs, backlight, brightness,
 * contrast, gain, power_line, saturation, sharpness, wb_temp, wb_temp_auto,
 * probe, commit) or its decimal selector, VALUE the first min(@len, 8) data
 * bytes little-endian in decimal (signed for a signed control of its size);
 * probe and commit give "bFormatIndex bFrameIndex dwFrameInterval" instead
 * ("-" for a field the data does not reach).  @data holds at least
 * min(@len, 8) bytes.  Returns what snprintf() returns.
 */
int emu_uvc_describe_set(const uint8_t setup[8], const uint8_t *data, size_t len, char *out,
			 size_t cap);

/* SET_INTERFACE on interface 1.  Returns 0, or -1 for an unknown alt. */
int emu_uvc_set_alt(struct emu_uvc *u, unsigned int alt);

/**
 * struct emu_uvc_stream - what is streaming
 * @fourcc:             EMU_UVC_FMT_*
 * @width:              pixels
 * @height:             pixels
 * @fps:                frames per second of the committed interval
 * @alt:                current alternate setting of interface 1
 * @max_payload:        committed dwMaxPayloadTransferSize
 * @bytes_per_interval: wBytesPerInterval of the current alt (0 for alt 0)
 * @active:             alt > 0 and a commit happened
 */
struct emu_uvc_stream {
	uint32_t fourcc;
	unsigned int width, height, fps, alt;
	uint32_t max_payload;
	uint32_t bytes_per_interval;
	bool active;
};

bool emu_uvc_stream_info(const struct emu_uvc *u, struct emu_uvc_stream *s);

/*
 * Start a new frame.  @gt is written into the frame (row 0 or JPEG COM
 * segment), @frame_pts_ticks becomes FramePTS, @exposure_100ns the
 * CaptureStats exposure.  Ignored while not active.  If the previous frame is
 * still being sent the new one is skipped (counted in frames_skipped): the
 * sensor overwrote a frame the bus had no time for.
 */
void emu_uvc_frame_begin(struct emu_uvc *u, const struct emu_gt *gt, uint64_t frame_pts_ticks,
			 uint32_t exposure_100ns);

/*
 * Fill one isochronous packet of up to @max bytes for the current service
 * interval.  Returns its length; 0 = nothing pending (send an empty packet).
 * *@frame_done (may be NULL) is set when the last payload of the frame was
 * emitted.  @max below EMU_UVC_MIN_PACKET never carries data.
 */
size_t emu_uvc_fill_packet(struct emu_uvc *u, uint8_t *pkt, size_t max, uint32_t stc,
			   uint16_t sof, bool *frame_done);
bool emu_uvc_frame_pending(const struct emu_uvc *u);

/*
 * Exposure the sensor uses now, in 100 ns: the manual Exposure Time Absolute
 * value, or the auto-exposure choice; never longer than the frame period.
 * For the time model (centre of exposure) and emu_uvc_frame_begin().
 */
uint32_t emu_uvc_exposure_100ns(const struct emu_uvc *u);

/*
 * Fault injection on the payload path; @count = number of frames to affect
 * (-1 forever, 0 or EMU_UVC_F_NONE clears).  Faults start with the next frame
 * that begins.  Exactly this damage is done to an affected frame:
 *  HLE0 / HLE1      first payload: header length byte 0 / 1
 *  HLE_BIG          first payload shortened below 255 bytes, header length
 *                   byte = payload length + 1
 *  FID_MIDFRAME     FID flips at the payload that crosses half the frame
 *  NO_EOF           last payload without EOF
 *  META_SIZE0       FrameAlignInfo item Size field 0
 *  META_OVERRUN     CaptureStats item Size field 0xfffffff0
 *  PTS0             FrameAlignInfo FramePTS 0
 *  ERR_BIT          first payload has the ERR bit set
 *  SHORT            only the first half of the frame's bytes (rounded down) is
 *                   sent, the payload carrying the last of them has EOF; the
 *                   rest of the frame is never sent
 *  LONG             EMU_UVC_LONG_BYTES bytes of EMU_UVC_JUNK follow the frame's
 *                   bytes (after the image of NV12/YUY2, after the EOI of
 *                   MJPG) before the payload with EOF
 */
enum emu_uvc_fault { EMU_UVC_F_NONE, EMU_UVC_F_HLE0, EMU_UVC_F_HLE1, EMU_UVC_F_HLE_BIG,
	EMU_UVC_F_FID_MIDFRAME, EMU_UVC_F_NO_EOF, EMU_UVC_F_META_SIZE0, EMU_UVC_F_META_OVERRUN,
	EMU_UVC_F_PTS0, EMU_UVC_F_ERR_BIT, EMU_UVC_F_SHORT, EMU_UVC_F_LONG, EMU_UVC_F_COUNT };
#define EMU_UVC_LONG_BYTES	4096u
#define EMU_UVC_JUNK		0xa5
int emu_uvc_inject(struct emu_uvc *u, enum emu_uvc_fault f, int count);
const char *emu_uvc_fault_name(enum emu_uvc_fault f);
/* Reverse of emu_uvc_fault_name(); -1 if unknown. */
int emu_uvc_fault_parse(const char *name);
/*
 * The fault applied to the frame being sent, or to the last one that began
 * if none is being sent (EMU_UVC_F_NONE: an undamaged frame, or none yet).
 */
enum emu_uvc_fault emu_uvc_frame_fault(const struct emu_uvc *u);

/**
 * struct emu_uvc_stats - counters for the dump command
 * @frames:         frames whose last payload was sent
 * @payloads:       non-empty packets sent
 * @bytes:          bytes of those packets, headers included
 * @ctrl_reqs:      control requests handled
 * @ctrl_stalls:    of those, answered with STALL
 * @frames_skipped: frame starts dropped because the previous frame was still sending
 * @frames_aborted: frames cut off by SET_INTERFACE alt 0
 * @frames_faulted: frames begun with a payload fault (emu_uvc_inject())
 */
struct emu_uvc_stats {
	uint64_t frames, payloads, bytes, ctrl_reqs, ctrl_stalls;
	uint64_t frames_skipped, frames_aborted, frames_faulted;
};

void emu_uvc_get_stats(const struct emu_uvc *u, struct emu_uvc_stats *s);

/* ------------------------------------------------------------------------
 * Mode table (read-only, also used by tests)
 */

/* The three frame intervals, 100 ns units (30, 15, 5 fps). */
#define EMU_UVC_IVAL_30		333333u
#define EMU_UVC_IVAL_15		666666u
#define EMU_UVC_IVAL_5		2000000u

/**
 * struct emu_uvc_frame_desc - one advertised frame size of a format
 * @width:     pixels
 * @height:    pixels
 * @nival:     number of intervals in @ival, fastest first
 * @ival:      frame intervals (100 ns)
 */
struct emu_uvc_frame_desc {
	uint16_t width, height;
	uint8_t nival;
	uint32_t ival[3];
};

/**
 * struct emu_uvc_format_desc - one advertised format
 * @fourcc:    EMU_UVC_FMT_*
 * @guid:      format GUID (uncompressed formats), NULL for MJPG
 * @bpp:       bits per pixel (uncompressed)
 * @nframes:   entries in @frames
 * @frames:    frame sizes, index 0 = bFrameIndex 1
 */
struct emu_uvc_format_desc {
	uint32_t fourcc;
	const uint8_t *guid;
	uint8_t bpp;
	uint8_t nframes;
	const struct emu_uvc_frame_desc *frames;
};

#define EMU_UVC_NFORMATS	3	/* bFormatIndex 1 MJPG, 2 NV12, 3 YUY2 */
extern const struct emu_uvc_format_desc emu_uvc_formats[EMU_UVC_NFORMATS];

/**
 * struct emu_uvc_alt_desc - one isochronous alternate setting of interface 1
 * @bpi:     wBytesPerInterval
 * @burst:   bMaxBurst
 * @mult:    bmAttributes Mult
 */
struct emu_uvc_alt_desc {
	uint16_t bpi;
	uint8_t burst, mult;
};

#define EMU_UVC_NALTS		8	/* alternate settings 1..8 */
extern const struct emu_uvc_alt_desc emu_uvc_alts[EMU_UVC_NALTS];

/* dwMaxVideoFrameSize of a format/frame (1-based indexes), 0 if invalid. */
uint32_t emu_uvc_max_frame_size(unsigned int fmt_index, unsigned int frame_index);
/*
 * dwMaxPayloadTransferSize: wBytesPerInterval of the smallest alt that sends
 * the largest frame within half of the fastest frame period of the size (the
 * same for every @interval); 0 if invalid.
 */
uint32_t emu_uvc_max_payload(unsigned int fmt_index, unsigned int frame_index, uint32_t interval);

#endif
