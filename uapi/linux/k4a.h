/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * k4a: user-visible constants of the Azure Kinect DK driver.
 *
 * The per-unit sysfs interface (Documentation/ABI/testing/sysfs-driver-k4a)
 * speaks in the words defined here, one value per file.
 */
#ifndef _UAPI_LINUX_K4A_H
#define _UAPI_LINUX_K4A_H

#include <linux/types.h>

/* Values of the wired sync mode, as sent to the device in SET_SYS_CFG. */
enum k4a_sync_mode {
	K4A_SYNC_STANDALONE = 0,
	K4A_SYNC_MASTER = 1,
	K4A_SYNC_SUBORDINATE = 2,
};

/* sync_mode (read/write) and sync_mode_available (read) words. */
#define K4A_SYNC_WORD_STANDALONE	"standalone"
#define K4A_SYNC_WORD_MASTER		"master"
#define K4A_SYNC_WORD_SUBORDINATE	"subordinate"

/* sync_in_jack / sync_out_jack words. */
#define K4A_JACK_WORD_CONNECTED		"connected"
#define K4A_JACK_WORD_DISCONNECTED	"disconnected"

/*
 * state words:
 *   idle       both halves present, no stream runs; sync settings writable
 *   armed      a stream runs (the start checks passed, SET_SYS_CFG was sent),
 *              but a stream the configuration needs does not: a master's
 *              colour stream, or the second stream a non-zero depth delay
 *              is measured between; sync settings are locked (-EBUSY)
 *   streaming  every stream the configuration needs runs; sync settings
 *              are locked (-EBUSY)
 */
#define K4A_STATE_WORD_IDLE		"idle"
#define K4A_STATE_WORD_ARMED		"armed"
#define K4A_STATE_WORD_STREAMING	"streaming"

/*
 * sync_state words (Documentation/driver.rst, "Sync state and health"):
 *   idle       no stream runs or is held by the start gate
 *   armed      streams are started, but the unit's frames cannot come yet:
 *              a subordinate waiting for its master's pulses, a master
 *              whose colour stream does not run, streams held by a closed
 *              start_gate
 *   streaming  a standalone unit, or a master whose colour stream runs,
 *              makes its frames
 *   locked     a subordinate receives frames in step with its master
 *   lost       frames that came stopped for longer than the bound, or the
 *              device clock restarted unannounced
 * Every change sends a KOBJ_CHANGE uevent of the unit with
 * K4A_UEVENT_SYNC_STATE=<word> and wakes poll(2) on the file.
 */
#define K4A_SYNC_STATE_WORD_IDLE	"idle"
#define K4A_SYNC_STATE_WORD_ARMED	"armed"
#define K4A_SYNC_STATE_WORD_STREAMING	"streaming"
#define K4A_SYNC_STATE_WORD_LOCKED	"locked"
#define K4A_SYNC_STATE_WORD_LOST	"lost"
#define K4A_UEVENT_SYNC_STATE		"K4A_SYNC_STATE"

/* start_gate words: the unit's sensors start with their streams, or wait. */
#define K4A_GATE_WORD_OPEN		"open"
#define K4A_GATE_WORD_CLOSED		"closed"

/* Longest serial number string the device may report (without NUL). */
#define K4A_SERIAL_MAX_LEN		25

/* The sysfs class under which every unit appears (/sys/class/k4a/k4aN). */
#define K4A_CLASS_NAME			"k4a"

/*
 * Metadata nodes.
 *
 * Every image node of a unit (colour and depth) has a metadata node beside
 * it (V4L2_BUF_TYPE_META_CAPTURE) whose only format is V4L2_META_FMT_K4A:
 * each buffer holds one struct k4a_meta_frame describing the image buffer
 * with the same sequence number. See Documentation/color.rst and
 * Documentation/depth.rst.
 */
#define V4L2_META_FMT_K4A	((__u32)'K' | ((__u32)'4' << 8) | \
				 ((__u32)'A' << 16) | ((__u32)'M' << 24))

#define K4A_META_VERSION	1

/* k4a_meta_frame.stream */
#define K4A_META_STREAM_COLOR	0
#define K4A_META_STREAM_DEPTH	1

/* k4a_meta_frame.ts_meaning: the point of the frame device_ticks marks */
#define K4A_META_TS_NONE	0	/* no device timestamp */
#define K4A_META_TS_CENTER	1	/* centre of exposure (standalone) */
#define K4A_META_TS_START	2	/* start of frame (synced modes) */
#define K4A_META_TS_DERIVED	3	/* start of exposure the driver derived
					 * from the colour frame grid (depth)
					 */

/*
 * k4a_meta_frame.clock_state: how soe_ns was obtained.
 *   K4A_META_CLOCK_BOUND   no clock mapping yet: soe_ns is an upper bound
 *                          derived from the arrival time and the exposure
 *   K4A_META_CLOCK_MAPPED  device time mapped to host time
 *   K4A_META_CLOCK_COLOR_GRID  (depth) the frame's slot on the colour
 *                          frame grid, mapped to host time
 *   K4A_META_CLOCK_CADENCE (depth, colour off) the frame's slot on the
 *                          grid fitted to the depth transfers' arrivals
 */
#define K4A_META_CLOCK_BOUND		0
#define K4A_META_CLOCK_MAPPED		1
#define K4A_META_CLOCK_COLOR_GRID	2
#define K4A_META_CLOCK_CADENCE		3

/*
 * k4a_meta_frame.flags:
 *   K4A_META_F_STATS    exposure_ns, iso and white_balance come from the
 *                       device's capture statistics
 *   K4A_META_F_META_BAD the device's metadata was malformed or truncated
 *   K4A_META_F_CLAMPED  soe_ns was raised to keep buffer timestamps from
 *                       going backwards, or lowered to keep it from lying
 *                       after arrival_ns
 *   K4A_META_F_BURST    (depth) the transfer completed too soon after the
 *                       previous one for a frame slot of its own (several
 *                       completed together behind a stall): it shares the
 *                       previous frame's slot and timestamp
 *   K4A_META_F_CLOCK_LOCKED the mapping behind soe_ns had settled: the
 *                       estimator was locked (sysfs clock/locked 1), so
 *                       clock_error_ns describes it; without the flag a
 *                       mapped time may still be off by more than that.
 *                       Never set with K4A_META_F_CLAMPED or
 *                       K4A_META_F_BURST: soe_ns is then not the mapping's
 */
#define K4A_META_F_STATS	0x0001
#define K4A_META_F_META_BAD	0x0002
#define K4A_META_F_CLAMPED	0x0004
#define K4A_META_F_BURST	0x0008
#define K4A_META_F_CLOCK_LOCKED	0x0010

/**
 * struct k4a_meta_frame - per-frame metadata record (little endian)
 * @version: K4A_META_VERSION
 * @size: sizeof(struct k4a_meta_frame) as the driver knows it; later
 *        versions only append fields
 * @sequence: sequence number of the image buffer this record describes
 * @stream: K4A_META_STREAM_*
 * @ts_meaning: K4A_META_TS_*
 * @clock_state: K4A_META_CLOCK_*
 * @reserved0: zero
 * @device_ticks: the device's timestamp of the frame, 90 kHz ticks of the
 *                unit's clock, as sent (0 if none)
 * @soe_ns: start of exposure, CLOCK_MONOTONIC nanoseconds; the image
 *          buffer's timestamp
 * @arrival_ns: CLOCK_MONOTONIC nanoseconds of the completion of the USB
 *              transfer that ended the frame
 * @exposure_ns: exposure time (0 if unknown)
 * @iso: ISO speed (0 if unknown)
 * @white_balance: white balance in kelvin (0 if unknown)
 * @clock_error_ns: uncertainty of the device-to-host mapping the estimator
 *                  reports (0 with K4A_META_CLOCK_BOUND)
 * @clock_ppm_x1000: device clock rate error the estimator measured, in
 *                   thousandths of a ppm
 * @flags: K4A_META_F_*
 * @reserved: zero
 */
struct k4a_meta_frame {
	__u32 version;
	__u32 size;
	__u32 sequence;
	__u8 stream;
	__u8 ts_meaning;
	__u8 clock_state;
	__u8 reserved0;
	__u64 device_ticks;
	__u64 soe_ns;
	__u64 arrival_ns;
	__u32 exposure_ns;
	__u32 iso;
	__u32 white_balance;
	__u32 clock_error_ns;
	__s32 clock_ppm_x1000;
	__u32 flags;
	__u32 reserved[4];
};

/*
 * Raw depth formats (the depth node, Documentation/depth.rst).
 *
 * One pixel format per depth mode. A buffer holds one raw frame exactly as
 * the camera sent it: bytesused is the mode's raw frame size, sizeimage
 * that size rounded up to the 1024-byte USB packet (the length the host
 * reads). The encoding is the camera's own and only the vendor's depth
 * engine decodes it, so the formats are flagged compressed (bytesperline
 * 0); width and height are those of the decoded depth/IR image. The two
 * NFOV formats carry the same raw data (one sensor mode) and differ in how
 * the depth engine processes it.
 */
#define K4A_FOURCC(a, b, c, d)	((__u32)(a) | ((__u32)(b) << 8) | \
				 ((__u32)(c) << 16) | ((__u32)(d) << 24))

#define V4L2_PIX_FMT_K4A_NFOV_2X2BINNED	K4A_FOURCC('K', '4', 'N', 'B')
#define V4L2_PIX_FMT_K4A_NFOV_UNBINNED	K4A_FOURCC('K', '4', 'N', 'U')
#define V4L2_PIX_FMT_K4A_WFOV_2X2BINNED	K4A_FOURCC('K', '4', 'W', 'B')
#define V4L2_PIX_FMT_K4A_WFOV_UNBINNED	K4A_FOURCC('K', '4', 'W', 'U')
#define V4L2_PIX_FMT_K4A_PASSIVE_IR	K4A_FOURCC('K', '4', 'P', 'I')

/*
 * The buffers of one unit's depth node together may pin at most this many
 * bytes: VIDIOC_REQBUFS and VIDIOC_CREATE_BUFS beyond it fail with ENOMEM.
 */
#define K4A_DEPTH_BUFFER_BYTES_MAX	(128U << 20)

#endif /* _UAPI_LINUX_K4A_H */
