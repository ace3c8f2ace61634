/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_uvcdesc.h - the colour camera's UVC VideoStreaming descriptors,
 * cross-checked against the colour mode table.
 *
 * The driver offers exactly the modes of k4a_color_mode_get() that the
 * device's own descriptors also announce, with the format and frame indexes
 * the device gave them (needed for probe/commit). Descriptor bytes are
 * untrusted: a format or frame outside the table, or a malformed one, is
 * ignored and counted.
 */
#ifndef K4A_UVCDESC_H
#define K4A_UVCDESC_H

#include "k4a_types.h"
#include "k4a_modes.h"

/* Room for every entry of the colour mode table. */
#define K4A_UVCD_MAX_MODES	16

/**
 * struct k4a_uvcd_mode - one table mode as the device announces it
 * @present: the device has a frame descriptor for this mode
 * @format_index: bFormatIndex of its format descriptor
 * @frame_index: bFrameIndex of its frame descriptor
 * @fps_mask: bit i set if the descriptor offers the frame interval of
 *            k4a_fps_get(i) (10^7 / fps in 100 ns units, +-1), and the
 *            table allows that rate for the mode
 * @max_frame_bytes: dwMaxVideoFrameBufferSize of the frame descriptor
 */
struct k4a_uvcd_mode {
	bool present;
	u8 format_index;
	u8 frame_index;
	u32 fps_mask;
	u32 max_frame_bytes;
};

/**
 * struct k4a_uvcd - what the VideoStreaming descriptors offer
 * @mode: indexed like k4a_color_mode_get()
 * @n_modes: entries of @mode with @present set
 * @ignored: format and frame descriptors that were malformed or name a
 *           format, size or rate outside the table
 */
struct k4a_uvcd {
	struct k4a_uvcd_mode mode[K4A_UVCD_MAX_MODES];
	u32 n_modes;
	u32 ignored;
};

int k4a_uvcd_parse(const u8 *buf, u32 len, struct k4a_uvcd *d);

/**
 * struct k4a_uvc_vc - what the VideoControl descriptors say
 * @bcd_uvc: bcdUVC of the class header (0: no header)
 * @ct_id: id of the Camera Terminal (0: none)
 * @pu_id: id of the first Processing Unit (0: none)
 */
struct k4a_uvc_vc {
	u16 bcd_uvc;
	u8 ct_id;
	u8 pu_id;
};

int k4a_uvcd_parse_vc(const u8 *buf, u32 len, struct k4a_uvc_vc *vc);

#endif /* K4A_UVCDESC_H */
