/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a: Azure Kinect DK driver - private structures.
 *
 * One camera ("unit") is two USB devices: the depth device 045e:097c and the
 * colour device 045e:097d. Each bound device is a &struct k4a_half; two halves
 * with the same BOS Container ID and the same serial form a &struct k4a_unit,
 * which carries the per-unit sysfs interface and the stream objects. A half
 * keeps only its interfaces, its identity and its MCU transport.
 *
 * Lock order (outermost first; a lock is never taken while a lock to its
 * right is held):
 *   k4a_lock  ->  unit->lock
 *   half->nv_lock  ->  unit->lock  ->  half->power_lock  ->  mcu->lock
 *   unit->lock  ->  unit->slock
 *   unit->jack_refresh  ->  mcu->lock  ->  unit->jack_slock
 *   unit->lock  ->  k4a_cfg_lock
 *   vnode->lock  ->  unit->lock  ->  unit->slock
 *   vnode->lock  ->  cam.ctrls.lock  ->  unit->lock
 *   unit->slock  ->  k4a_rig_lock
 * k4a_lock is held only for list operations and unit creation, never while
 * a unit's files are removed: teardown unlinks the unit under k4a_lock,
 * marks it dead, and does the slow part without it. Sysfs, debugfs and (in
 * time) V4L2 file operations never take k4a_lock. unit->slock is a spinlock
 * because URB completions take it; nothing sleeps under it. The depth
 * endpoint's halt work, the sync watchdog and the sync state announcements
 * take unit->slock only, so a holder of unit->lock may wait for them.
 */
#ifndef K4A_H
#define K4A_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/usb.h>
#include <linux/workqueue.h>
#include <linux/k4a.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-v4l2.h>

#include "k4a_clock.h"
#include "k4a_dgrid.h"
#include "k4a_frame.h"
#include "k4a_modes.h"
#include "k4a_proto.h"
#include "k4a_syncst.h"
#include "k4a_uvcdesc.h"

#define K4A_VID			0x045e
#define K4A_PID_DEPTH		0x097c
#define K4A_PID_COLOR		0x097d

#define K4A_EP_DEPTH_CMD_OUT	0x02
#define K4A_EP_DEPTH_RSP_IN	0x81
#define K4A_EP_COLOR_CMD_OUT	0x04
#define K4A_EP_COLOR_RSP_IN	0x83
#define K4A_EP_DEPTH_STREAM_IN	0x83
#define K4A_EP_COLOR_IMU_IN	0x82

#define K4A_CID_LEN		16

/* Colour controls of the driver's table (k4a_color.c). */
#define K4A_COLOR_CTRLS		11
#define K4A_MAX_CLAIMED		4

/* Every stage of a command gets this long (as the vendor host does). */
#define K4A_CMD_TIMEOUT_MS	2000
/* Data stages are received in pieces of this size through a bounce buffer. */
#define K4A_CMD_CHUNK		(64 * 1024)

/* Bits of &struct k4a_mcu.flags. */
#define K4A_MCU_DEAD		0	/* half leaving: commands -ENODEV */
#define K4A_MCU_QUIESCED	1	/* suspended or being reset: -EAGAIN */

/* Flags of k4a_mcu_xfer(). */
#define K4A_XFER_QUIET		BIT(0)	/* no log line on failure */

/**
 * struct k4a_mcu - command transport to one MCU (depth or colour)
 * @name: "depth" or "color", for messages
 * @udev: the USB device (a reference is held by the owning half)
 * @dev: device messages are reported against (the MCU's interface)
 * @out_pipe: command OUT endpoint pipe
 * @in_pipe: response IN endpoint pipe
 * @flags: K4A_MCU_* bits; atomic bit operations
 * @urb: the one URB every stage uses (transactions are serialised)
 * @done: completion of @urb
 * @lock: serialises transactions; protects @tid, @reply_owed, @cmd_buf,
 *        @bounce and the use of @urb and @done
 * @tid: next transaction id; starts at 0, +1 per command (also failed ones)
 * @reply_owed: a transaction timed out and the device may still send its
 *              reply; set until a late status is seen or a transaction
 *              succeeds (the device answers in order)
 * @cmd_buf: command packet buffer (DMA-able)
 * @bounce: data and status stage buffer, %K4A_CMD_CHUNK bytes (DMA-able)
 */
struct k4a_mcu {
	const char *name;
	struct usb_device *udev;
	struct device *dev;
	unsigned int out_pipe;
	unsigned int in_pipe;
	unsigned long flags;
	struct urb *urb;
	struct completion done;
	struct mutex lock;	/* see kernel-doc */
	u32 tid;
	bool reply_owed;
	u8 *cmd_buf;
	u8 *bounce;
};

int k4a_mcu_init(struct k4a_mcu *mcu, const char *name,
		 struct usb_interface *intf, u8 out_ep, u8 in_ep);
void k4a_mcu_kill(struct k4a_mcu *mcu);
void k4a_mcu_quiesce(struct k4a_mcu *mcu);
void k4a_mcu_resume(struct k4a_mcu *mcu);
void k4a_mcu_cleanup(struct k4a_mcu *mcu);
int k4a_mcu_xfer(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual,
		 unsigned int flags);
int k4a_mcu_read(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual);
int k4a_mcu_write(struct k4a_mcu *mcu, u32 opcode, const void *data,
		  size_t data_len);
int k4a_mcu_read_cancellable(struct k4a_mcu *mcu, u32 opcode,
			     const void *data, size_t data_len, void *rx,
			     size_t rx_len, size_t *actual,
			     const unsigned long *cancel,
			     unsigned int cancel_bit);

/**
 * enum k4a_half_kind - which USB device of a unit
 * @K4A_HALF_DEPTH: 045e:097c (depth MCU, raw depth)
 * @K4A_HALF_COLOR: 045e:097d (UVC colour, colour MCU, IMU)
 */
enum k4a_half_kind {
	K4A_HALF_DEPTH,
	K4A_HALF_COLOR,
};

struct k4a_unit;
struct k4a_vnode;

/**
 * struct k4a_buffer - a vb2 buffer of a k4a node
 * @vb: the vb2 buffer
 * @list: entry in &struct k4a_vnode.bufs while the driver owns it
 * @urb: depth: the bulk URB that fills the buffer, made with it
 * @sgt: depth: the URB's own copy of the buffer's scatterlist (the USB
 *       core maps it for the host controller at every submission; the
 *       mapping vb2 made stays untouched)
 * @submitted: depth: @urb is in flight; unit->slock
 */
struct k4a_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	struct urb *urb;
	struct sg_table sgt;
	bool submitted;
};

/**
 * struct k4a_vnode_ops - what differs between the nodes of a unit
 * @sizeimage: bytes one buffer needs for the current format; vnode->lock
 * @start: start streaming (vb2 start_streaming); vnode->lock held
 * @stop: stop streaming (vb2 stop_streaming); vnode->lock held; afterwards
 *        nothing fills the node's buffers
 * @buf_init: optional: set up a buffer vb2 just allocated or acquired
 *            (vb2 buf_init); vnode->lock held
 * @buf_cleanup: optional: undo @buf_init (vb2 buf_cleanup); the buffer is
 *               not in flight
 * @queued: optional: @buf was just added to the node's list; unit->slock
 *          held
 * @io_modes: optional: the vb2 I/O modes the node offers, given those its
 *            memory allocator allows; called once at registration
 * @mem_max: bytes all buffers of the node may total; 0: vb2's limits only
 * @min_bufs: buffers VIDIOC_REQBUFS allocates at least
 */
struct k4a_vnode_ops {
	u32 (*sizeimage)(struct k4a_vnode *node);
	int (*start)(struct k4a_vnode *node);
	void (*stop)(struct k4a_vnode *node);
	int (*buf_init)(struct k4a_vnode *node, struct k4a_buffer *buf);
	void (*buf_cleanup)(struct k4a_vnode *node, struct k4a_buffer *buf);
	void (*queued)(struct k4a_vnode *node, struct k4a_buffer *buf);
	unsigned int (*io_modes)(struct k4a_vnode *node, unsigned int modes);
	unsigned long mem_max;
	unsigned int min_bufs;
};

/**
 * struct k4a_vnode - one V4L2 node of a unit (image or metadata)
 * @unit: the unit; the node holds a reference on unit->dev from
 *        registration to its release
 * @ops: node kind
 * @link: name of the unit's sysfs link to the node
 * @vdev: the video device
 * @queue: its vb2 queue
 * @lock: serialises the node's ioctls and file operations (the vb2 queue
 *        lock); protects the node's format
 * @bufs: buffers queued by the application and owned by the driver;
 *        unit->slock, since URB completions take buffers from it (depth:
 *        those in flight and those waiting to be submitted, in the order
 *        they are to be submitted)
 * @registered: @vdev was registered (and is to be unregistered)
 * @linked: @link exists
 */
struct k4a_vnode {
	struct k4a_unit *unit;
	const struct k4a_vnode_ops *ops;
	const char *link;
	struct video_device vdev;
	struct vb2_queue queue;
	struct mutex lock;	/* see kernel-doc */
	struct list_head bufs;
	bool registered;
	bool linked;
};

/* Isochronous URBs of the colour stream and packets per URB. */
#define K4A_COLOR_URBS		5
#define K4A_COLOR_PACKETS	32

/* Bulk reads of the IMU stream in flight (one packet each). */
#define K4A_IMU_URBS		4

/**
 * struct k4a_imu - the IMU stream, read as clock observations while colour
 * streams (driver/k4a_imu.c)
 * @urb: the bulk URBs while the IMU stream runs, else NULL; unit->lock
 * @anchor: the URBs in flight
 * @started: IMU_STREAM_START was sent; unit->lock
 * @on: completions resubmit and feed the clock; unit->slock
 * @packets: packets taken as observations since the stream started;
 *           unit->slock
 * @ignored: well-formed packets not taken (their times disagree with the
 *           colour stream's clock); unit->slock
 * @backlogged: well-formed packets not taken because they waited in a
 *              backlog (k4a_imu_backlogged()); unit->slock
 * @bad: malformed packets and failed reads; unit->slock
 */
struct k4a_imu {
	struct urb *urb[K4A_IMU_URBS];
	struct usb_anchor anchor;
	bool started;
	bool on;
	u32 packets;
	u32 ignored;
	u32 backlogged;
	u32 bad;
};

/**
 * struct k4a_color - the colour camera's V4L2 side
 * @video: the image node
 * @meta: the metadata node
 * @uvcd: modes the device's descriptors offer; constant after creation
 * @vs: the VideoStreaming interface (a reference is held by the half)
 * @vc_ifnum: VideoControl interface number
 * @ep: address of the isochronous video endpoint
 * @vc: ids of the VideoControl entities; constant after creation
 * @ctrls: control handler of @video; its lock serialises the UVC control
 *         requests
 * @ctrl: the controls, indexed like the driver's control table (NULL if
 *        the device does not offer one)
 * @mode: index into k4a_color_mode_get() of the current format; @video.lock
 *        to change, unit->lock to read at start
 * @fps: current frame rate; as @mode
 * @sizeimage: bytes of a buffer for the current format; as @mode
 * @bytesperline: line stride of the current format (0 for MJPG); as @mode
 * @urb: the isochronous URBs while streaming; unit->lock
 * @alt: alternate setting in use while streaming; unit->lock
 * @psize: bytes per isochronous packet while streaming; unit->lock
 * @ival_ns: service interval of the isochronous endpoint in ns; set with
 *           the URBs (unit->lock), constant while they run
 * @fa: frame assembler; unit->slock
 * @cur: buffer being filled; unit->slock
 * @cur_arrival: arrival time of the frame's first payload; unit->slock
 * @have_scr: @scr holds the newest SCR of the stream; unit->slock
 * @scr: newest SCR source clock value; unit->slock
 * @scr_ns: host time of @scr's observation; unit->slock
 * @synced: FramePTS marks the start of frame (master/subordinate), not the
 *          centre of exposure; set at start, unit->slock
 * @last_ts: newest timestamp handed out; unit->slock
 * @period_ticks: exact frame period of the running stream in device ticks;
 *                set at start, unit->slock
 * @grid: the frame grid continued from the previous timed frame, and the
 *        latest frame's offset from it (health/frame_offset_ns);
 *        unit->slock
 * @imu: the IMU stream that runs beside the colour stream for the clock
 */
struct k4a_color {
	struct k4a_vnode video;
	struct k4a_vnode meta;
	struct k4a_uvcd uvcd;
	struct usb_interface *vs;
	u8 vc_ifnum;
	u8 ep;
	struct k4a_uvc_vc vc;
	struct v4l2_ctrl_handler ctrls;
	struct v4l2_ctrl *ctrl[K4A_COLOR_CTRLS];
	u32 mode;
	u32 fps;
	u32 sizeimage;
	u32 bytesperline;
	struct urb *urb[K4A_COLOR_URBS];
	unsigned int alt;
	u32 psize;
	u32 ival_ns;
	struct k4a_frame_asm fa;
	struct k4a_buffer *cur;
	u64 cur_arrival;
	bool have_scr;
	u32 scr;
	u64 scr_ns;
	bool synced;
	u64 last_ts;
	u32 period_ticks;
	struct k4a_syncst_grid grid;
	struct k4a_imu imu;
};

/* Consecutive failed depth transfers before the stream reports an error. */
#define K4A_DEPTH_MAX_ERRORS	16

/**
 * struct k4a_depth - the depth camera's V4L2 side
 * @video: the image node
 * @meta: the metadata node
 * @pipe: bulk IN pipe of the raw depth endpoint; constant
 * @mode: index into k4a_depth_mode_get() of the current format;
 *        @video.lock to change, unit->lock to read at start
 * @fps: current frame rate; as @mode
 * @raw_bytes: size of a good transfer while streaming; unit->slock
 * @xfer_bytes: length of the URBs while streaming; unit->slock
 * @exp_ns: exposure of the running mode; unit->slock
 * @halted: the endpoint stalled and is being cleared; unit->slock
 * @errors: failed transfers in a row; unit->slock
 * @failed: too many failed transfers: the queue reports an error and
 *          nothing is resubmitted until the next start; unit->slock
 * @halt_work: clears a halted endpoint, then submits again
 * @grid: frame timing (driver/lib/k4a_dgrid.c); unit->slock
 * @stat_errors: failed transfers since the start; unit->slock
 * @stat_stalls: endpoint stalls since the start; unit->slock
 * @stat_bursts: frames that shared the previous frame's slot; unit->slock
 * @stat_clamped: timestamps clamped; unit->slock
 */
struct k4a_depth {
	struct k4a_vnode video;
	struct k4a_vnode meta;
	unsigned int pipe;
	u32 mode;
	u32 fps;
	u32 raw_bytes;
	u32 xfer_bytes;
	u32 exp_ns;
	bool halted;
	u32 errors;
	bool failed;
	struct work_struct halt_work;
	struct k4a_dgrid grid;
	u64 stat_errors;
	u64 stat_stalls;
	u64 stat_bursts;
	u64 stat_clamped;
};

/**
 * struct k4a_half - one bound USB device of a camera
 * @ref: lifetime; held by the bound driver and by a unit using the half
 * @kind: depth or colour
 * @udev: USB device (referenced)
 * @intf: the interface the driver was probed on (referenced): 097c
 *        interface 0, or the 097d VideoControl interface
 * @claimed: further interfaces claimed by the colour half (VideoStreaming,
 *           vendor) (referenced)
 * @n_claimed: entries in @claimed
 * @container_id: BOS Container ID, the pairing key
 * @serial: depth: from READ_PRODUCT_SN; colour: the USB iSerialNumber
 * @mcu: the command transport of this half
 * @fw: depth: firmware versions read at probe
 * @calib: depth: calibration JSON read at probe (NULL if unavailable)
 * @calib_len: bytes in @calib
 * @power_lock: depth: serialises changes of the sensor's power (the
 *              commands that power it on or off) and protects @power
 * @power: depth: users of the sensor's power (a running depth stream, a
 *         reading of the NV blob); the sensor is powered down when it drops
 *         to zero
 * @nv_lock: depth: protects @nv_blob and @nv_len while they are filled
 * @nv_blob: depth: NV tag 2 blob, read on the first request, then cached
 *           (immutable once set)
 * @nv_len: bytes in @nv_blob
 * @unit: the unit this half belongs to, or NULL; protected by k4a_lock
 * @node: entry in the list of unpaired halves; protected by k4a_lock
 */
struct k4a_half {
	struct kref ref;
	enum k4a_half_kind kind;
	struct usb_device *udev;
	struct usb_interface *intf;
	struct usb_interface *claimed[K4A_MAX_CLAIMED];
	unsigned int n_claimed;
	u8 container_id[K4A_CID_LEN];
	char serial[K4A_SERIAL_MAX_LEN + 1];
	struct k4a_mcu mcu;
	struct k4a_fw_versions fw;
	u8 *calib;
	size_t calib_len;
	struct mutex power_lock;	/* see kernel-doc */
	unsigned int power;
	struct mutex nv_lock;	/* see kernel-doc */
	u8 *nv_blob;
	size_t nv_len;
	struct k4a_unit *unit;
	struct list_head node;
};

/**
 * enum k4a_unit_state - streaming state of a unit, derived from the running
 * streams and the configuration
 * @K4A_UNIT_IDLE: no stream runs; sync settings may change
 * @K4A_UNIT_ARMED: the configuration was sent and a stream runs, but a
 *                  stream the configuration needs does not run yet (a
 *                  master's colour stream, or the colour stream that a
 *                  non-zero depth delay is measured from)
 * @K4A_UNIT_STREAMING: every stream the configuration needs runs
 */
enum k4a_unit_state {
	K4A_UNIT_IDLE,
	K4A_UNIT_ARMED,
	K4A_UNIT_STREAMING,
};

/**
 * enum k4a_stream_id - the streams of a unit
 * @K4A_SID_COLOR: UVC colour camera (colour half)
 * @K4A_SID_DEPTH: raw depth (depth half)
 * @K4A_SID_COUNT: number of streams
 */
enum k4a_stream_id {
	K4A_SID_COLOR,
	K4A_SID_DEPTH,
	K4A_SID_COUNT,
};

#define K4A_STREAM_COLOR	BIT(K4A_SID_COLOR)
#define K4A_STREAM_DEPTH	BIT(K4A_SID_DEPTH)

/**
 * struct k4a_stream - one stream of a unit
 * @id: which stream
 * @running: started and not yet stopped; written under unit->lock and
 *           unit->slock together, so either lock is enough to read it
 * @urbs: every URB of the stream, killed on stop (the anchor has its own
 *        lock)
 * @sequence: sequence number of the next buffer; unit->slock
 * @frames: frames completed since the stream started; unit->slock
 * @dropped: frames lost since the stream started (each skips a sequence
 *           number); unit->slock
 * @gaps: runs of consecutive dropped frames since the stream started: the
 *        gaps in the sequence numbers applications see; unit->slock
 * @in_gap: the stream's last frame was dropped; unit->slock
 */
struct k4a_stream {
	enum k4a_stream_id id;
	bool running;
	struct usb_anchor urbs;
	u32 sequence;
	u64 frames;
	u64 dropped;
	u64 gaps;
	bool in_gap;
};

/**
 * k4a_stream_skip() - a frame of a stream was dropped
 * @s: stream; its sequence number was already skipped
 *
 * Context: unit->slock held.
 */
static inline void k4a_stream_skip(struct k4a_stream *s)
{
	s->dropped++;
	if (!s->in_gap)
		s->gaps++;
	s->in_gap = true;
}

/* State changes the announcement work item keeps until it sends them. */
#define K4A_WATCH_RING		8

/**
 * struct k4a_watch - the sync state of a unit and the work behind it
 * @st: the state machine (driver/lib/k4a_syncst.c); unit->slock
 * @watch: a stream runs whose frames are watched: frames may queue @work
 *         and @work queues itself again; cleared before @work is
 *         cancelled; unit->slock
 * @kicked: a frame queued @work, which has not run since; unit->slock
 * @closed: the unit is being torn down: nothing queues @notify_work any
 *          more; unit->slock
 * @ring: states entered and not yet announced, oldest at @ring_head;
 *        unit->slock
 * @ring_head: index of the oldest entry of @ring; unit->slock
 * @ring_len: entries in @ring; unit->slock
 * @work: the watchdog: judges the state when frames would be late, and at
 *        once when a frame may change it; takes unit->slock only
 * @notify_work: announces each state change (sysfs_notify() on sync_state
 *               and a KOBJ_CHANGE uevent); takes unit->slock only
 */
struct k4a_watch {
	struct k4a_syncst st;
	bool watch;
	bool kicked;
	bool closed;
	u8 ring[K4A_WATCH_RING];
	u8 ring_head;
	u8 ring_len;
	struct delayed_work work;
	struct work_struct notify_work;
};

/**
 * struct k4a_sync_cfg - configuration of a unit, kept across replugs
 * @mode: standalone, master or subordinate
 * @sub_delay_us: subordinate delay off master, microseconds, quantised to
 *                the 90 kHz device clock; 0 unless @mode is subordinate
 * @depth_delay_us: depth delay off colour, microseconds, quantised
 * @ctrl_set: bit i: the application set colour control i (k4a_color.c's
 *            table) to @ctrl_val[i]
 * @ctrl_val: colour control values
 */
struct k4a_sync_cfg {
	enum k4a_sync_mode mode;
	s32 sub_delay_us;
	s32 depth_delay_us;
	u32 ctrl_set;
	s32 ctrl_val[K4A_COLOR_CTRLS];
};

/* Bits of &struct k4a_unit.flags. */
#define K4A_UNIT_DEAD		0	/* a half left: entry points -ENODEV */

/* Jack reads by unprivileged readers are served from a value this fresh. */
#define K4A_JACK_MAX_AGE_MS	100

/**
 * struct k4a_unit - one camera: a depth half and a colour half
 * @dev: the unit's device in class "k4a"; its parent is the depth interface;
 *       carries the sysfs attributes. Its reference count owns the unit's
 *       memory: the release callback frees it.
 * @index: N of the name k4aN
 * @flags: %K4A_UNIT_DEAD once either half left; atomic bit operations
 * @depth: depth half (a reference is held); constant
 * @color: colour half (a reference is held); constant
 * @serial: unit serial number; constant
 * @lock: serialises multi-command sequences (stream start and stop, sensor
 *        settings changes); protects @cfg, @fps, @streams, @held,
 *        @held_node, @gate_closed and @depth_mode
 * @cfg: sync configuration
 * @fps: frame rate of the unit (one for every stream while any runs); the
 *       delay limits are checked against it
 * @streams: K4A_STREAM_* bits of the running streams
 * @held: K4A_STREAM_* bits of the streams started while the start gate is
 *        closed: nothing was sent to the device for them yet; non-zero
 *        only while @gate_closed
 * @held_node: the bits of @held an application's video node started
 * @gate_closed: the start gate holds new streams; only while no stream
 *               runs
 * @depth_mode: depth sensor mode a depth stream starts in
 * @slock: protects what URB completions touch: @stream counters, @clock,
 *         the nodes' buffer lists and the streaming fields of @cam and
 *         @dep; a spinlock, never held while sleeping
 * @stream: the streams
 * @clock: device 90 kHz clock to CLOCK_MONOTONIC mapping of the unit
 * @rig_role: what the unit is in the host's rig (enum k4a_clock_role)
 *            while its colour stream runs; K4A_CLOCK_ROLE_NONE otherwise;
 *            unit->slock
 * @watch: the sync state (sync_state) and its work items
 * @jack_refresh: one jack reader at a time refreshes @jack_*
 * @jack_slock: protects @jack_valid, @jack_in, @jack_out and @jack_stamp
 * @jack_valid: @jack_in and @jack_out hold a value read at @jack_stamp
 * @jack_in: a cable was plugged into Sync In
 * @jack_out: a cable was plugged into Sync Out
 * @jack_stamp: jiffies of the read
 * @v4l2_dev: V4L2 device of the unit's nodes
 * @cam: the colour camera's nodes, see &struct k4a_color
 * @dep: the depth camera's nodes, see &struct k4a_depth
 * @node: entry in the list of units; protected by k4a_lock
 * @debugfs: debugfs directory of the unit
 */
struct k4a_unit {
	struct device dev;
	int index;
	unsigned long flags;
	struct k4a_half *depth;
	struct k4a_half *color;
	char serial[K4A_SERIAL_MAX_LEN + 1];
	struct mutex lock;	/* see kernel-doc */
	struct k4a_sync_cfg cfg;
	u32 fps;
	unsigned int streams;
	unsigned int held;
	unsigned int held_node;
	bool gate_closed;
	const struct k4a_depth_mode *depth_mode;
	spinlock_t slock;	/* see kernel-doc */
	struct k4a_stream stream[K4A_SID_COUNT];
	struct k4a_clock clock;
	u8 rig_role;
	struct k4a_watch watch;
	struct mutex jack_refresh;	/* see kernel-doc */
	spinlock_t jack_slock;	/* see kernel-doc */
	bool jack_valid;
	bool jack_in;
	bool jack_out;
	unsigned long jack_stamp;
	struct v4l2_device v4l2_dev;
	struct k4a_color cam;
	struct k4a_depth dep;
	struct list_head node;
	struct dentry *debugfs;
};

static inline struct k4a_unit *k4a_dev_to_unit(struct device *dev)
{
	return container_of(dev, struct k4a_unit, dev);
}

static inline bool k4a_unit_dead(struct k4a_unit *unit)
{
	return test_bit(K4A_UNIT_DEAD, &unit->flags);
}

/* Streams started: running or held by the start gate; unit->lock held. */
static inline unsigned int k4a_unit_started(struct k4a_unit *unit)
{
	return unit->streams | unit->held;
}

/* k4a_core.c */
extern struct class k4a_class;
int k4a_depth_nv_get(struct k4a_unit *unit, const u8 **blob, size_t *len);

/* k4a_stream.c */
void k4a_stream_init(struct k4a_unit *unit);
int k4a_stream_start(struct k4a_unit *unit, enum k4a_stream_id id);
int k4a_stream_start_node(struct k4a_unit *unit, enum k4a_stream_id id);
int k4a_stream_set_depth_mode(struct k4a_unit *unit,
			      const struct k4a_depth_mode *mode);
void k4a_stream_stop(struct k4a_unit *unit, enum k4a_stream_id id);
void k4a_stream_stop_all(struct k4a_unit *unit);
int k4a_stream_set_fps(struct k4a_unit *unit, u32 fps);
int k4a_stream_restore(struct k4a_unit *unit, enum k4a_half_kind kind);
void k4a_stream_quiesce(struct k4a_unit *unit, enum k4a_half_kind kind);
int k4a_stream_resume(struct k4a_unit *unit, enum k4a_half_kind kind);
int k4a_depth_power_get(struct k4a_half *depth);
void k4a_depth_power_put(struct k4a_half *depth);
enum k4a_unit_state k4a_unit_state(struct k4a_unit *unit);
const char *k4a_stream_name(enum k4a_stream_id id);
void k4a_unit_clock_add(struct k4a_unit *unit, u64 dev_ticks, u64 host_ns);
void k4a_unit_rig_join(struct k4a_unit *unit, u8 role, u32 period_ticks);
int k4a_stream_set_gate(struct k4a_unit *unit, bool closed);
bool k4a_stream_gate_closed(struct k4a_unit *unit);

/* k4a_watch.c */
void k4a_watch_init(struct k4a_unit *unit);
void k4a_watch_update(struct k4a_unit *unit);
void k4a_watch_frame(struct k4a_unit *unit, u64 now);
void k4a_watch_close(struct k4a_unit *unit);
const char *k4a_sync_state_word(unsigned int state);

/* k4a_v4l2.c */
void k4a_vnode_init(struct k4a_vnode *node, struct k4a_unit *unit,
		    const struct k4a_vnode_ops *ops, const char *link);
int k4a_vnode_register(struct k4a_vnode *node, struct device *parent,
		       const char *name, u32 caps,
		       const struct v4l2_ioctl_ops *ioctl_ops,
		       enum v4l2_buf_type type, u32 ts_flags,
		       const struct vb2_mem_ops *mem_ops);
void k4a_vnode_unregister(struct k4a_vnode *node);
void k4a_vnode_disconnect(struct k4a_vnode *node);
struct k4a_buffer *k4a_vnode_next(struct k4a_vnode *node);
void k4a_vnode_return_all(struct k4a_vnode *node,
			  enum vb2_buffer_state state);
int k4a_vnode_querycap(struct k4a_vnode *node, struct v4l2_capability *cap,
		       struct k4a_half *half, const char *what);
int k4a_vnode_enum_input(struct file *file, void *fh, struct v4l2_input *in);
int k4a_vnode_g_input(struct file *file, void *fh, unsigned int *i);
int k4a_vnode_s_input(struct file *file, void *fh, unsigned int i);
int k4a_vnode_enum_interval(struct v4l2_frmivalenum *fi, u32 fps_mask);
int k4a_vnode_g_parm(struct v4l2_streamparm *p, u32 fps);
int k4a_vnode_parm_fps(const struct v4l2_streamparm *p, u32 cur, u32 *fps);

/*
 * The ioctls every k4a node handles alike: its one input and the vb2 buffer
 * queue. Each node's v4l2_ioctl_ops lists its own (capabilities, formats,
 * rate, controls) and then these.
 */
#define K4A_VNODE_IOCTL_OPS					\
	.vidioc_enum_input = k4a_vnode_enum_input,		\
	.vidioc_g_input = k4a_vnode_g_input,			\
	.vidioc_s_input = k4a_vnode_s_input,			\
	.vidioc_reqbufs = vb2_ioctl_reqbufs,			\
	.vidioc_create_bufs = vb2_ioctl_create_bufs,		\
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,		\
	.vidioc_querybuf = vb2_ioctl_querybuf,			\
	.vidioc_qbuf = vb2_ioctl_qbuf,				\
	.vidioc_dqbuf = vb2_ioctl_dqbuf,			\
	.vidioc_expbuf = vb2_ioctl_expbuf,			\
	.vidioc_streamon = vb2_ioctl_streamon,			\
	.vidioc_streamoff = vb2_ioctl_streamoff
int k4a_v4l2_register(struct k4a_unit *unit);
void k4a_v4l2_unregister(struct k4a_unit *unit);
void k4a_v4l2_disconnect(struct k4a_unit *unit);

/* k4a_color.c */
int k4a_color_init(struct k4a_unit *unit);
void k4a_color_cleanup(struct k4a_unit *unit);
int k4a_color_hw_start(struct k4a_unit *unit);
void k4a_color_hw_stop(struct k4a_unit *unit);
void k4a_imu_init(struct k4a_unit *unit);
void k4a_imu_start(struct k4a_unit *unit);
void k4a_imu_stop(struct k4a_unit *unit);
void k4a_color_ctrl_save(struct k4a_unit *unit, unsigned int idx, s32 val);
int k4a_color_register(struct k4a_unit *unit);
void k4a_color_unregister(struct k4a_unit *unit);

/* k4a_depth.c */
void k4a_depth_init(struct k4a_unit *unit);
int k4a_depth_register(struct k4a_unit *unit);
void k4a_depth_unregister(struct k4a_unit *unit);
int k4a_depth_hw_submit(struct k4a_unit *unit);
void k4a_depth_hw_quiesce(struct k4a_unit *unit);
void k4a_depth_resubmit(struct k4a_unit *unit);
void k4a_depth_color_frame(struct k4a_unit *unit, u64 soe_ticks, u64 exp_ns);

static inline bool k4a_vnode_is_depth(const struct k4a_vnode *node)
{
	return node == &node->unit->dep.video || node == &node->unit->dep.meta;
}

/* k4a_meta.c */
extern const struct k4a_vnode_ops k4a_meta_ops;
extern const struct v4l2_ioctl_ops k4a_meta_ioctl_ops;
void k4a_meta_complete(struct k4a_vnode *meta, u32 sequence, u64 ts,
		       const struct k4a_meta_frame *rec);

/* k4a_sync.c */
#define K4A_DEFAULT_FPS		30
void k4a_sync_default(struct k4a_sync_cfg *cfg);
int k4a_sync_read_jack(struct k4a_unit *unit, bool *sync_in, bool *sync_out);
int k4a_sync_jack_cached(struct k4a_unit *unit, bool *sync_in,
			 bool *sync_out);
int k4a_sync_set_mode(struct k4a_unit *unit, enum k4a_sync_mode mode);
int k4a_sync_set_sub_delay(struct k4a_unit *unit, s64 usec);
int k4a_sync_set_depth_delay(struct k4a_unit *unit, s64 usec);
void k4a_sync_get(struct k4a_unit *unit, struct k4a_sync_cfg *cfg,
		  enum k4a_unit_state *state);
int k4a_sync_start_check(struct k4a_unit *unit);
int k4a_sync_send(struct k4a_unit *unit);
const char *k4a_sync_mode_word(enum k4a_sync_mode mode);
const char *k4a_state_word(enum k4a_unit_state state);
bool k4a_cfg_restore(const char *serial, struct k4a_sync_cfg *cfg);
void k4a_cfg_save(const char *serial, const struct k4a_sync_cfg *cfg);
void k4a_cfg_clear(void);

/* k4a_sysfs.c */
extern const struct attribute_group *k4a_unit_groups[];
void k4a_debugfs_init(void);
void k4a_debugfs_exit(void);
void k4a_debugfs_add(struct k4a_unit *unit);
void k4a_debugfs_remove(struct k4a_unit *unit);

#endif /* K4A_H */
