/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_uvc.h - UVC payload header and Microsoft camera metadata parsing for
 * the colour camera.
 */
#ifndef K4A_UVC_H
#define K4A_UVC_H

#include "k4a_types.h"

/* UVC payload header bmHeaderInfo bits. */
#define K4A_UVC_FID		0x01
#define K4A_UVC_EOF		0x02
#define K4A_UVC_PTS		0x04
#define K4A_UVC_SCR		0x08
#define K4A_UVC_RES		0x10
#define K4A_UVC_STI		0x20
#define K4A_UVC_ERR		0x40
#define K4A_UVC_EOH		0x80

/* Offset of the Microsoft metadata in a header carrying both PTS and SCR. */
#define K4A_UVC_MS_META_OFFSET	12

/* Microsoft metadata item ids and sizes used by the camera. */
#define K4A_MS_ID_CAPTURE_STATS		0x00000003U
#define K4A_MS_ID_FRAME_ALIGN_INFO	0x80000001U
#define K4A_MS_ITEM_HDR_SIZE		8U
#define K4A_MS_FRAME_ALIGN_SIZE		44U
#define K4A_MS_FRAME_ALIGN_SIZE_SYNCED	48U
#define K4A_MS_CAPTURE_STATS_SIZE	80U

/* CaptureStats Flags bits telling which fields are valid. */
#define K4A_MS_STATS_EXPOSURE		0x00000001U
#define K4A_MS_STATS_ISO		0x00000004U
#define K4A_MS_STATS_WHITE_BALANCE	0x00000020U

/**
 * struct k4a_uvc_hdr - one parsed UVC payload header
 * @len: header length (HLE, byte 0)
 * @flags: raw bmHeaderInfo (byte 1)
 * @fid: frame id bit
 * @eof: end of frame bit
 * @err: error bit (the device flags this payload as bad)
 * @has_pts: a 4-byte presentation time stamp follows the two fixed bytes
 * @has_scr: a 6-byte source clock reference follows (after the PTS if any)
 * @pts: dwPresentationTime (0 without @has_pts)
 * @scr_stc: SCR source time clock (0 without @has_scr)
 * @scr_sof: SCR 1 kHz USB SOF token counter, raw 16 bits (0 without @has_scr)
 * @meta: header bytes after the standard fields, or NULL if there are none;
 *        points into the caller's buffer
 * @meta_len: number of bytes at @meta
 */
struct k4a_uvc_hdr {
	u8 len, flags;
	bool fid, eof, err, has_pts, has_scr;
	u32 pts;
	u32 scr_stc;
	u16 scr_sof;
	const u8 *meta;
	u32 meta_len;
};

int k4a_uvc_parse_header(const u8 *buf, u32 len, struct k4a_uvc_hdr *h);

/**
 * struct k4a_ms_meta - what the driver uses from the Microsoft metadata
 * @have_pts: a FrameAlignInfo item was found
 * @frame_pts: its FramePTS, 90 kHz device ticks (0 means "no timestamp";
 *             the vendor SDK drops such frames)
 * @have_stats: a CaptureStats item was found
 * @stats_flags: its Flags word (K4A_MS_STATS_* tell which fields are valid)
 * @exposure_100ns: exposure time in 100 ns units
 * @iso: ISO speed
 * @white_balance: white balance in kelvin
 */
struct k4a_ms_meta {
	bool have_pts;
	u64 frame_pts;
	bool have_stats;
	u32 stats_flags;
	u64 exposure_100ns;
	u32 iso;
	u32 white_balance;
};

int k4a_ms_meta_parse(const u8 *buf, u32 len, struct k4a_ms_meta *m);

#define K4A_UVC_FRAME_META_MAX	1024

/**
 * struct k4a_uvc_frame_meta - metadata of one frame gathered from its payloads
 * @len: bytes used in @buf
 * @overflow: some metadata did not fit and was dropped; the content is
 *            still a prefix of the frame's metadata
 * @buf: concatenated metadata bytes of the frame's payload headers
 *
 * No locking: owned by whoever assembles the frame (the URB completion path).
 */
struct k4a_uvc_frame_meta {
	u32 len;
	bool overflow;
	u8 buf[K4A_UVC_FRAME_META_MAX];
};

void k4a_uvc_frame_meta_reset(struct k4a_uvc_frame_meta *fm);
int k4a_uvc_frame_meta_add(struct k4a_uvc_frame_meta *fm,
			   const struct k4a_uvc_hdr *h);
int k4a_uvc_frame_meta_parse(const struct k4a_uvc_frame_meta *fm,
			     struct k4a_ms_meta *m);

#endif /* K4A_UVC_H */
