/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a-emu internals: units, their two USB devices ("halves"), URBs, the event
 * agenda and the control interface. Single-threaded: everything below is
 * touched only by the epoll loop thread, so nothing is locked.
 */
#ifndef K4A_EMU_EMU_H
#define K4A_EMU_EMU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include "desc.h"
#include "gt.h"
#include "mcu.h"
#include "timing.h"
#include "usbip.h"

#define MAX_UNITS	16
#define URB_POOL	256
#define RSP_RING	8
#define DEPTH_RING_MAX	8
#define IMU_RING	64
#define IMU_PKT_MAX	252
#define TRIG_RING	8
#define LASER_HIST	64
#define EARLY_UNLINKS	32
#define CMDLOG_SIZE	4096
#define UVCLOG_SIZE	256

enum half_id { HALF_DEPTH, HALF_COLOR };

enum xfer_type { XT_CTRL = 0, XT_ISO = 1, XT_BULK = 2, XT_INT = 3 };

/* what a completed URB finishes, for the side log */
enum done_kind { DK_NONE, DK_DEPTH_END, DK_IMU, DK_COLOR_END };

/**
 * struct urb - one URB submitted by vhci_hcd and not yet answered
 * @next:       queue link (pending, iso, or done queue)
 * @seqnum:     vhci sequence number
 * @epnum:      endpoint number
 * @dir:        USBIP_DIR_IN / USBIP_DIR_OUT
 * @type:       enum xfer_type
 * @len:        transfer_buffer_length
 * @npk:        iso packets
 * @interval:   URB interval (microframes at SuperSpeed)
 * @submit_ns:  when its CMD_SUBMIT was read
 * @due_ns:     when it completes (done queue) / when its service interval ends (iso)
 * @status:     completion status (negative errno)
 * @actual:     actual_length
 * @iov:        data of the reply (persistent memory or @small / @buf)
 * @niov:       entries used in @iov
 * @small:      inline bytes (status packets, ground-truth slice, IMU packet)
 * @buf:        owned buffer for control and iso data (grown, never shrunk)
 * @iso:        iso descriptors (owned, grown)
 * @done:       side-log action on send
 * @iso_end_ns: iso: the end of its service intervals as scheduled
 * @fill_on_send: iso: its packets are filled when it is sent
 * @gt:         ground truth of the frame that ends with this URB
 * @faults:     faults that frame met (FF_BIT() mask, for the side log)
 */
struct urb {
	struct urb *next;
	uint32_t seqnum;
	uint8_t epnum, dir, type;
	int32_t len, npk, interval, start_frame;
	int64_t submit_ns, due_ns, iso_end_ns;
	bool fill_on_send;
	int32_t status, actual, error_count;
	struct iovec iov[4];
	int niov;
	uint8_t small[IMU_PKT_MAX + 4];
	uint8_t *buf;
	size_t bufcap;
	struct usbip_iso *iso;
	uint8_t *isowire;
	size_t isocap;
	enum done_kind done;
	struct emu_gt gt;
	uint32_t gt_len;
	uint32_t faults;
};

struct urbq {
	struct urb *head, *tail;
	unsigned int n;
};

/**
 * struct xitem - one device-to-host transfer waiting for IN URBs (MCU data
 * stage, status packet, depth frame, IMU packet); ends with a short packet
 */
struct xitem {
	const uint8_t *data;	/* NULL: depth frame (pattern + ground truth) */
	bool persist;		/* @data outlives the item (else copied into the URB) */
	uint32_t len, off;
	int64_t ready_ns;	/* when the device had it; 0: when the loop feeds it */
	uint8_t inl[MCU_STATUS_SIZE + 32];
	uint8_t gtb[EMU_GT_SIZE];
	struct emu_gt gt;
	enum done_kind done;
	uint32_t faults;	/* FF_BIT() mask of the faults the frame met */
};

/**
 * struct early_unlink - a CMD_UNLINK whose target URB was not submitted yet
 * @seqnum:     seqnum of the CMD_UNLINK (echoed in its RET_UNLINK)
 * @target:     seqnum of the URB to unlink
 */
struct early_unlink {
	uint32_t seqnum, target;
};

struct unit;

/**
 * struct counters - per USB device statistics
 */
#define LATE_BINS	6

struct counters {
	uint64_t submits, completes, unlinks, unlink_miss, unlink_early, stalls;
	uint64_t bytes_in, bytes_out, ctrl, cmds, bad_cmds;
	uint64_t iso_faults;	/* iso URBs hit by iso.err, iso.stall or iso.proto */
	/*
	 * How late this process served URBs that had a due time (iso service
	 * intervals, completions held for their modelled time): counts below
	 * 50 us, 200 us, 1 ms, 5 ms, 20 ms and above, and the largest (ns).
	 * A device is never late: this is the bench's, not the device's.
	 */
	uint64_t late[LATE_BINS];
	uint64_t late_max_ns;
};

/**
 * struct half - one USB device (097c or 097d) of a unit
 * @u:          owning unit
 * @which:      HALF_DEPTH / HALF_COLOR
 * @plugged:    attached to vhci
 * @fd:         our end of the USB/IP socket (-1 when unplugged)
 * @port:       vhci port
 * @devid:      USB/IP devid
 * @desc:       descriptors served
 * @rx:         receive buffer (header + tail of the command being received)
 * @pool:       URB storage; @free its free list
 * @pend:       IN URBs waiting for data, per endpoint number
 * @isoq:       iso URBs in service order
 * @doneq:      answered URBs waiting for their completion time (sorted)
 * @early:      CMD_UNLINKs that arrived before the CMD_SUBMIT of their URB
 * @last_seq:   seqnum of the last CMD_SUBMIT (@seq_seen: there was one)
 * @ep_last_due: last completion time per endpoint (keeps completions ordered)
 * @iso_next_ns: end of the last scheduled iso service interval
 * @halted:     halted endpoints (bit = epnum, IN + 16 * OUT)
 * @config:     current configuration value
 * @alt:        alternate setting per interface
 * @mcu:        vendor interface firmware state
 * @rsp:        response items for the MCU reply endpoint
 * @cnt:        counters
 */
struct half {
	struct unit *u;
	enum half_id which;
	bool plugged;
	bool dead;		/* a reply could not be written: unplug */
	int fd, port;
	uint32_t devid;
	struct desc_set desc;
	uint8_t *rx;
	size_t rxlen, rxcap;
	struct urb pool[URB_POOL];
	struct urb *free;
	struct urbq pend[16];
	struct urbq isoq;
	struct urbq doneq;
	struct early_unlink early[EARLY_UNLINKS];
	unsigned int nearly;
	uint32_t last_seq;
	bool seq_seen;
	int64_t ep_last_due[32];
	int64_t iso_next_ns;
	uint32_t halted;
	int config;
	int alt[3];
	int8_t eptype[32];	/* transfer type per endpoint (IN 0-15, OUT 16-31), -1 none */
	struct mcu_state mcu;
	struct xitem rsp[RSP_RING];
	unsigned int rsp_head, rsp_n;
	struct counters cnt;
	int64_t plug_ns;
};

/* Largest calibration text "calib U BYTES" serves. */
#define CALIB_MAX	(256 * 1024)

/* MCU reply faults */
enum mcu_fault {
	MF_REPLY_TYPE, MF_REPLY_ID, MF_REPLY_LEN, MF_STATUS, MF_NO_REPLY, MF_DATA_LONG,
	MF_STALL,	/* the command is taken, then the response endpoint halts */
	MF_COUNT
};

/**
 * struct faults - armed faults of a unit; counts: 0 off, >0 remaining, -1 forever
 */
struct faults {
	int mcu[2][MF_COUNT];
	uint32_t mcu_status[2];
	int depth_short, depth_long, depth_zero;
	uint32_t depth_short_bytes, depth_long_bytes;
	int imu_count, imu_mismatch;
	int iso_err, iso_stall, iso_proto;
	unsigned int desc;	/* DESC_F_* for the next plug */
};

/*
 * Faults a frame met, for the side log: FF_BIT(FF_*) for the unit's faults,
 * FF_BIT(FF_UVC + enum emu_uvc_fault) for a UVC payload fault. Printed with
 * the names the fault command takes (frame_faults_str()).
 */
enum frame_fault {
	FF_DEPTH_SHORT, FF_DEPTH_LONG, FF_DEPTH_ZERO, FF_IMU_COUNT, FF_IMU_MISMATCH,
	FF_ISO_ERR, FF_ISO_STALL, FF_ISO_PROTO,
	FF_UVC		/* + enum emu_uvc_fault (at most 23 of them) */
};
#define FF_BIT(f)	(1u << (f))

/**
 * struct cmdlog_ent - one packet a unit's MCU received as a command
 * @opcode:     opcode field (0 if the packet was too short to carry one)
 * @half:       enum half_id of the MCU
 * @valid:      a well-formed command packet (else counted in bad_cmds)
 */
struct cmdlog_ent {
	uint32_t opcode;
	uint8_t half;
	bool valid;
};

/**
 * struct uvclog_ent - one SET_CUR class request the UVC function received
 * @setup:      its setup packet
 * @data:       the first bytes of its data stage
 * @len:        bytes in the data stage
 * @stalled:    the function answered STALL
 */
struct uvclog_ent {
	uint8_t setup[8];
	uint8_t data[8];
	uint16_t len;
	bool stalled;
};

/* source of a unit's Sync In */
#define SYNC_SRC_NONE	(-1)
#define SYNC_SRC_GEN	(-2)

/**
 * struct unit - one emulated Azure Kinect
 */
struct unit {
	unsigned int index;
	char serial[17];
	char serial_pad[64];		/* serial + zero slack for over-long replies */
	uint8_t container_id[16];
	struct half h[2];
	struct emu_uvc *uvc;
	char *calib;
	size_t calib_len;
	uint8_t *nvblob;
	uint8_t version[18];

	struct devclock clk;
	double drift_ppm;
	struct jitter jit;
	int64_t boot_ns;		/* commands answered BUSY until then */

	/* sync topology */
	int sync_in;			/* SYNC_SRC_* or unit index */
	bool out_cable;			/* dangling cable in Sync Out */
	bool in_cable;			/* dangling cable in Sync In */

	/* stream state */
	bool depth_on, color_on, imu_on;
	uint32_t color_fps;
	uint32_t gen;			/* bumped on every schedule reset */
	uint32_t imu_gen;		/* bumped on every IMU start/stop */
	bool synced;			/* subordinate: clock reset by first pulse */
	uint32_t pulses_in, pulses_out, pulses_used;
	int64_t last_dtrig_ns;
	int64_t last_pulse_ns;
	uint32_t pulse_seen_id;

	/* depth device buffer */
	struct xitem dring[DEPTH_RING_MAX];
	unsigned int dhead, dn, dcap;
	/* IMU device buffer */
	struct xitem iring[IMU_RING];
	uint8_t ipkt[IMU_RING][IMU_PKT_MAX];
	unsigned int ihead, in;

	/* counters */
	uint32_t depth_counter, color_counter, imu_counter;
	uint64_t depth_sent, depth_dropped, color_begun, color_done, color_skipped;
	uint64_t imu_sent, imu_dropped;
	struct emu_gt color_gt;		/* frame being sent on the iso endpoint */
	bool color_gt_valid;
	uint32_t color_faults;		/* FF_BIT() mask of the faults that frame met */

	/* laser history */
	int64_t laser_soe[LASER_HIST];
	uint32_t laser_mode[LASER_HIST];
	unsigned int laser_n;

	struct faults f;

	/* slow MCU: replies complete no earlier than this after their URB was submitted */
	uint32_t mcu_delay_ms[2];
	/* busy MCU ("mcuhold"): no reply piece is handed to a URB before this (ns) */
	int64_t mcu_hold_until[2];

	/* every command the two MCUs received since the last "cmdlog U clear" */
	struct cmdlog_ent cmdlog[CMDLOG_SIZE];
	uint64_t cmdlog_total;

	/*
	 * UVC class requests since the last "uvclog U clear": all of them
	 * counted, the SET_CURs kept (the last UVCLOG_SIZE)
	 */
	struct uvclog_ent uvclog[UVCLOG_SIZE];
	uint64_t uvclog_total, uvclog_sets;
};

/* configuration from the command line */
struct emu_opts {
	unsigned int units;
	char serial_base[16];
	const char *ctl_path;
	const char *log_path;
	const char *topology;
	double drift[MAX_UNITS];
	int64_t offset_ticks[MAX_UNITS];
	struct jitter jit;
	unsigned int depth_buffer;
	unsigned int sub_skip;		/* pulses before a subordinate's first frame */
	uint32_t color_exposure_us;	/* used when UVC cannot tell */
	uint32_t boot_ms;
	double seconds;
	bool no_uvc;
	unsigned int plug_mask;	/* which halves to plug at start: bit0 depth, bit1 colour */
	int64_t early_ns;		/* --punctual: wake this early for a due time */
	uint32_t early_share_ppm;	/* --punctual: most busy-waiting, ppm of the time */
};

/* event agenda */
enum ev_kind {
	EV_CGRID, EV_DGRID, EV_TRIG, EV_CREADY, EV_DREADY, EV_IMU, EV_GEN, EV_RESET, EV_REPLUG,
	EV_QUIT
};

struct event {
	int64_t t;
	enum ev_kind kind;
	struct unit *u;
	uint32_t gen;
	int64_t n;		/* grid index, or half mask */
	struct emu_gt gt;
	uint32_t exp_100ns;
	uint64_t pts;
};

/* Consume one use of an armed fault counter (0 off, >0 remaining, -1 forever). */
static inline bool fault_take(int *f)
{
	if (!*f)
		return false;
	if (*f > 0)
		(*f)--;
	return true;
}

/* emu.c */
extern struct unit units[MAX_UNITS];
extern unsigned int nunits;
extern struct emu_opts opts;
extern FILE *sidelog;
extern uint64_t ev_overflow;
extern struct punctual punct;

/**
 * struct loop_time - where the loop's time went (ns of wall time, the loop
 * being the only thread): what it could not serve a due time during
 * @send:  writing replies to the sockets, per half (HALF_DEPTH, HALF_COLOR)
 * @fill:  filling isochronous URBs with payload as they are sent
 * @read:  reading and handling the host's commands
 * @model: running the device model (exposures, pulses, frames)
 */
struct loop_time {
	uint64_t send[2], fill, read, model;
};

extern struct loop_time loop_time;

int64_t now_ns(void);
int half_plug(struct half *h);
void half_unplug(struct half *h, bool surprise);
void half_service(struct half *h, int64_t now);
void deliver_rsp(struct half *h, int64_t now);
void deliver_depth(struct unit *u, int64_t now);
void deliver_imu(struct unit *u, int64_t now);
void set_stall(struct half *h, uint8_t ep_addr);
void emu_quit(void);
int emu_main(int argc, char **argv);
/* for host tests: the transport without vhci_hcd (@fd is our end of a stream socket) */
int emu_pattern_init(void);
int half_plug_fd(struct half *h, int fd);
void half_readable(struct half *h);
void cmdlog_add(struct unit *u, enum half_id which, const uint8_t *pkt, size_t len, bool valid);
void uvclog_add(struct unit *u, const uint8_t setup[8], const uint8_t *data, size_t len,
		bool stalled);

/* model.c */
void ev_push(const struct event *e);
void model_init(void);
void model_run_due(int64_t now);
int64_t model_next_due(void);
void unit_init(struct unit *u, unsigned int index);
void unit_color_changed(struct unit *u, int64_t now);
void depth_flush(struct unit *u);
void unit_mcu_action(struct unit *u, enum half_id which, enum mcu_action a, int64_t now);
uint8_t unit_jack(const struct unit *u);
void gen_start(double hz, int64_t now);
void gen_stop(void);
double gen_rate(void);
int topology_apply(const char *t, int64_t now);
unsigned int laser_report(char *out, size_t cap, int64_t since_ns);
void log_frame(const struct unit *u, const struct emu_gt *gt, int64_t sent, uint32_t faults);
const char *frame_faults_str(uint32_t faults, char *buf, size_t cap);

/* ctl.c */
int ctl_exec(char *line, char *out, size_t cap);
int ctl_client(int argc, char **argv);

#endif
