/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a: Azure Kinect DK driver - private structures.
 *
 * One camera ("unit") is two USB devices: the depth device 045e:097c and the
 * colour device 045e:097d. Each bound device is a &struct k4a_half; two halves
 * with the same BOS Container ID and the same serial form a &struct k4a_unit,
 * which carries the per-unit sysfs interface.
 *
 * Lock order (outermost first):
 *   k4a_lock  ->  unit->lock  ->  mcu->lock
 *                 unit->lock  ->  k4a_cfg_lock
 *   half->nv_lock  ->  unit->lock
 * Sysfs and debugfs callbacks never take k4a_lock: unit teardown removes the
 * unit's files with k4a_lock held and waits for running callbacks.
 */
#ifndef K4A_H
#define K4A_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/usb.h>
#include <linux/k4a.h>

#include "k4a_proto.h"

#define K4A_VID			0x045e
#define K4A_PID_DEPTH		0x097c
#define K4A_PID_COLOR		0x097d

#define K4A_EP_DEPTH_CMD_OUT	0x02
#define K4A_EP_DEPTH_RSP_IN	0x81
#define K4A_EP_COLOR_CMD_OUT	0x04
#define K4A_EP_COLOR_RSP_IN	0x83

#define K4A_CID_LEN		16
#define K4A_MAX_CLAIMED		4

/* Every stage of a command gets this long (as the vendor host does). */
#define K4A_CMD_TIMEOUT_MS	2000
/* Data stages are received in pieces of this size through a bounce buffer. */
#define K4A_CMD_CHUNK		(64 * 1024)

/* Bits of &struct k4a_mcu.flags. */
#define K4A_MCU_DEAD		0

/* Flags of k4a_mcu_xfer(). */
#define K4A_XFER_QUIET		BIT(0)	/* no log line on failure */

/**
 * struct k4a_mcu - command transport to one MCU (depth or colour)
 * @name: "depth" or "color", for messages
 * @udev: the USB device (a reference is held by the owning half)
 * @dev: device messages are reported against (the MCU's interface)
 * @out_pipe: command OUT endpoint pipe
 * @in_pipe: response IN endpoint pipe
 * @in_maxp: wMaxPacketSize of the response endpoint
 * @flags: %K4A_MCU_DEAD once the half is leaving; atomic bit operations
 * @urb: the one URB every stage uses (transactions are serialised)
 * @done: completion of @urb
 * @lock: serialises transactions; protects @tid, @cmd_buf, @bounce and the
 *        use of @urb and @done
 * @tid: next transaction id; starts at 0, +1 per command (also failed ones)
 * @cmd_buf: command packet buffer (DMA-able)
 * @bounce: data and status stage buffer, %K4A_CMD_CHUNK bytes (DMA-able)
 */
struct k4a_mcu {
	const char *name;
	struct usb_device *udev;
	struct device *dev;
	unsigned int out_pipe;
	unsigned int in_pipe;
	unsigned int in_maxp;
	unsigned long flags;
	struct urb *urb;
	struct completion done;
	struct mutex lock;	/* see kernel-doc */
	u32 tid;
	u8 *cmd_buf;
	u8 *bounce;
};

int k4a_mcu_init(struct k4a_mcu *mcu, const char *name,
		 struct usb_interface *intf, u8 out_ep, u8 in_ep);
void k4a_mcu_kill(struct k4a_mcu *mcu);
void k4a_mcu_cleanup(struct k4a_mcu *mcu);
int k4a_mcu_xfer(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual,
		 unsigned int flags);
int k4a_mcu_read(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual);
int k4a_mcu_write(struct k4a_mcu *mcu, u32 opcode, const void *data,
		  size_t data_len);

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
	struct mutex nv_lock;	/* see kernel-doc */
	u8 *nv_blob;
	size_t nv_len;
	struct k4a_unit *unit;
	struct list_head node;
};

/**
 * enum k4a_unit_state - streaming state of a unit
 * @K4A_UNIT_IDLE: no stream started; sync settings may change
 * @K4A_UNIT_ARMED: start gate passed, SET_SYS_CFG sent, streams starting
 * @K4A_UNIT_STREAMING: frames flowing
 */
enum k4a_unit_state {
	K4A_UNIT_IDLE,
	K4A_UNIT_ARMED,
	K4A_UNIT_STREAMING,
};

/* Streams for k4a_sync_start(). */
#define K4A_STREAM_COLOR	BIT(0)
#define K4A_STREAM_DEPTH	BIT(1)

/**
 * struct k4a_sync_cfg - wired sync configuration of a unit
 * @mode: standalone, master or subordinate
 * @sub_delay_us: subordinate delay off master, microseconds, quantised to
 *                the 90 kHz device clock; 0 unless @mode is subordinate
 * @depth_delay_us: depth delay off colour, microseconds, quantised
 */
struct k4a_sync_cfg {
	enum k4a_sync_mode mode;
	s32 sub_delay_us;
	s32 depth_delay_us;
};

/**
 * struct k4a_unit - one camera: a depth half and a colour half
 * @ref: lifetime of the object; the last put drops @dev's reference, and
 *       @dev's release frees the memory
 * @dev: the unit's device in class "k4a"; its parent is the depth interface;
 *       carries the sysfs attributes
 * @index: N of the name k4aN
 * @depth: depth half (a reference is held); constant
 * @color: colour half (a reference is held); constant
 * @serial: unit serial number; constant
 * @lock: protects @cfg, @state, @streams and @fps
 * @cfg: sync configuration
 * @state: streaming state
 * @streams: K4A_STREAM_* bits of the streams started
 * @fps: frame rate the delay limits are checked against
 * @node: entry in the list of units; protected by k4a_lock
 * @debugfs: debugfs directory of the unit
 */
struct k4a_unit {
	struct kref ref;
	struct device dev;
	int index;
	struct k4a_half *depth;
	struct k4a_half *color;
	char serial[K4A_SERIAL_MAX_LEN + 1];
	struct mutex lock;	/* see kernel-doc */
	struct k4a_sync_cfg cfg;
	enum k4a_unit_state state;
	unsigned int streams;
	u32 fps;
	struct list_head node;
	struct dentry *debugfs;
};

static inline struct k4a_unit *k4a_dev_to_unit(struct device *dev)
{
	return container_of(dev, struct k4a_unit, dev);
}

/* k4a_core.c */
extern struct class k4a_class;
void k4a_unit_get(struct k4a_unit *unit);
void k4a_unit_put(struct k4a_unit *unit);
int k4a_depth_nv_get(struct k4a_unit *unit, const u8 **blob, size_t *len);

/* k4a_sync.c */
#define K4A_DEFAULT_FPS		30
void k4a_sync_default(struct k4a_sync_cfg *cfg);
int k4a_sync_read_jack(struct k4a_unit *unit, bool *sync_in, bool *sync_out);
int k4a_sync_set_mode(struct k4a_unit *unit, enum k4a_sync_mode mode);
int k4a_sync_set_sub_delay(struct k4a_unit *unit, s64 usec);
int k4a_sync_set_depth_delay(struct k4a_unit *unit, s64 usec);
void k4a_sync_get(struct k4a_unit *unit, struct k4a_sync_cfg *cfg,
		  enum k4a_unit_state *state);
int k4a_sync_set_fps(struct k4a_unit *unit, u32 fps);
int k4a_sync_start(struct k4a_unit *unit, unsigned int streams);
void k4a_sync_stop(struct k4a_unit *unit);
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
