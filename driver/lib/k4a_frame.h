/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_frame.h - assembly of colour frames from UVC payloads.
 *
 * The assembler decides, payload by payload, where a frame begins and ends,
 * which bytes of a payload are image data and where in the frame they go,
 * and whether a finished frame is good. It never touches the destination
 * buffer: the caller copies step->data to its buffer at step->dst_off, so the
 * image is moved once, from the USB buffer into the application's buffer.
 *
 * Every payload byte is untrusted. A finished frame carries K4A_FRAME_* bits
 * saying what went wrong; a frame with any bit of K4A_FRAME_BAD set must not
 * reach an application as good data.
 *
 * A compressed (MJPG) frame that is not empty must start with the JPEG SOI
 * marker FF D8 (else K4A_FRAME_NO_SOI) and, once any trailing 0x00 padding
 * bytes are dropped, end with the EOI marker FF D9 (else K4A_FRAME_NO_EOI):
 * a frame the device cut short, or one with junk after its EOI, is bad. Only
 * the bytes placed in the frame count, not those cut off as overlong. An
 * empty frame is K4A_FRAME_SHORT only. Raw frames have neither rule.
 */
#ifndef K4A_FRAME_H
#define K4A_FRAME_H

#include "k4a_types.h"
#include "k4a_uvc.h"

/* Verdict bits of a finished frame (&struct k4a_frame_result.flags). */
#define K4A_FRAME_ERR_BIT	0x0001	/* a payload had the UVC error bit */
#define K4A_FRAME_BAD_HDR	0x0002	/* a payload header was malformed */
#define K4A_FRAME_LOST		0x0004	/* a packet was lost (USB error) */
#define K4A_FRAME_TORN		0x0008	/* ended by a FID change, not EOF */
#define K4A_FRAME_SHORT		0x0010	/* fewer bytes than the frame size */
/* more bytes than the frame size or the destination holds */
#define K4A_FRAME_OVERLONG	0x0020
#define K4A_FRAME_NO_SOI	0x0040	/* compressed: no JPEG SOI at byte 0 */
/* compressed: no JPEG EOI at the end (trailing zero bytes aside) */
#define K4A_FRAME_NO_EOI	0x0080
/* Bits that make a frame bad. */
#define K4A_FRAME_BAD		0x00ff
/*
 * Informational bits. UNSYNCED: the frame began before the first frame
 * boundary seen since the start, so it may be the tail of a frame the host
 * joined in the middle.
 */
#define K4A_FRAME_UNSYNCED	0x0100
#define K4A_FRAME_META_BAD	0x0200	/* metadata malformed or truncated */
#define K4A_FRAME_NO_PTS	0x0400	/* no FrameAlignInfo, or FramePTS 0 */

/**
 * struct k4a_frame_result - a finished frame
 * @flags: K4A_FRAME_* bits
 * @bytes: image bytes the frame carried (those that fitted the destination)
 * @meta: Microsoft metadata of the frame (FramePTS, CaptureStats)
 * @has_pts: @pts is the UVC PTS of the frame (first payload that had one)
 * @pts: UVC dwPresentationTime
 */
struct k4a_frame_result {
	u32 flags;
	u32 bytes;
	struct k4a_ms_meta meta;
	bool has_pts;
	u32 pts;
};

/*
 * Events of one payload (&struct k4a_frame_step.events):
 * END_PREV: the frame in progress ended before this payload, @prev is its
 * result; BEGIN: this payload begins a frame, the caller takes a destination
 * buffer; END: this payload ends the frame, @cur is its result.
 */
#define K4A_FRAME_EV_END_PREV	0x1
#define K4A_FRAME_EV_BEGIN	0x2
#define K4A_FRAME_EV_END	0x4

/**
 * struct k4a_frame_step - what to do with one payload
 * @events: K4A_FRAME_EV_* bits, handled in this order: END_PREV, BEGIN,
 *          copy of @data, END
 * @hdr_ok: @hdr holds the payload's parsed header
 * @hdr: the header (for SCR clock samples)
 * @data: image bytes of the payload, inside the caller's payload buffer;
 *        NULL when the payload went to no frame
 * @data_len: bytes at @data to copy (0: nothing); already cut to what fits
 *            the destination
 * @dst_off: where @data goes in the frame; @dst_off + @data_len never
 *           exceeds the capacity given to k4a_frame_start()
 * @prev: result of the frame that ended before this payload
 * @cur: result of the frame this payload ended
 */
struct k4a_frame_step {
	u32 events;
	bool hdr_ok;
	struct k4a_uvc_hdr hdr;
	const u8 *data;
	u32 data_len;
	u32 dst_off;
	struct k4a_frame_result prev;
	struct k4a_frame_result cur;
};

/**
 * struct k4a_frame_asm - frame assembler of one colour stream
 * @frame_size: exact image size of an uncompressed frame; 0: compressed
 *              (MJPG), any size up to @cap
 * @cap: capacity of a destination buffer in bytes
 * @active: a frame is being assembled
 * @synced: a frame boundary (EOF, or a FID change) was seen since start
 * @fid: FID of the frame being assembled (valid while @active)
 * @done_valid: @done_fid is the FID of the last frame that ended with EOF;
 *              payloads that still carry it are trailing and ignored
 * @done_fid: see @done_valid
 * @taint: bits to add to the next frame that begins (a payload whose
 *         header could not be parsed, or a lost packet, while no frame was
 *         active)
 * @tail: compressed frames: the last two image bytes of the frame in
 *        progress once its trailing zero bytes are dropped, in frame order
 *        (@tail[1] is the last non-zero byte, @tail[0] the byte just before
 *        it, 0 when there is none); the frame ends with the EOI marker if
 *        they are FF D9
 * @tail_end: frame offset just past the last non-zero image byte of the
 *            frame in progress (0: no non-zero byte yet)
 * @res: result being built for the frame in progress
 * @meta: metadata bytes of the frame in progress
 *
 * No locking and no allocation: one stream's completion handler owns it.
 */
struct k4a_frame_asm {
	u32 frame_size;
	u32 cap;
	bool active;
	bool synced;
	bool fid;
	bool done_valid;
	bool done_fid;
	u32 taint;
	u8 tail[2];
	u32 tail_end;
	struct k4a_frame_result res;
	struct k4a_uvc_frame_meta meta;
};

void k4a_frame_start(struct k4a_frame_asm *fa, u32 frame_size, u32 cap);
void k4a_frame_payload(struct k4a_frame_asm *fa, const u8 *buf, u32 len,
		       struct k4a_frame_step *st);
void k4a_frame_lost(struct k4a_frame_asm *fa);

#endif /* K4A_FRAME_H */
