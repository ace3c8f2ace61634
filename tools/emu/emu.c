// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu: USB/IP device side. Each emulated USB device ("half" of a unit)
 * owns one end of a socketpair whose other end is attached to vhci_hcd. One
 * thread runs an epoll loop over those sockets, a timerfd armed for the
 * earliest due event, and the control socket.
 */
#include "emu.h"
#include "le.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef EMU_NO_UVC
#include "uvc.h"
#endif

struct unit units[MAX_UNITS];
unsigned int nunits;
struct emu_opts opts;
FILE *sidelog;
/* how the loop wakes for due times (off unless emu_main() sets it up) */
struct punctual punct;
struct loop_time loop_time;

static int epfd = -1, tfd = -1, ctlfd = -1, sigfd = -1;
static uint8_t *depth_pattern;
static int pattern_fd = -1;	/* memfd behind depth_pattern, -1: plain memory */
#define DEPTH_PATTERN_SIZE (9438664u + 65536u)
static bool quitting;


enum src_kind { SRC_TIMER, SRC_CTL, SRC_SIG, SRC_HALF };
struct src {
	enum src_kind kind;
	struct half *h;
};
static struct src src_timer = { SRC_TIMER, NULL }, src_ctl = { SRC_CTL, NULL },
		  src_sig = { SRC_SIG, NULL };
static struct src src_half[MAX_UNITS][2];

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- URB queues ---------------------------------------------------------- */

static void q_push(struct urbq *q, struct urb *r)
{
	r->next = NULL;
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->n++;
}

static struct urb *q_pop(struct urbq *q)
{
	struct urb *r = q->head;

	if (!r)
		return NULL;
	q->head = r->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	r->next = NULL;
	return r;
}

static bool q_remove(struct urbq *q, struct urb *r)
{
	struct urb **pp = &q->head, *prev = NULL;

	while (*pp) {
		if (*pp == r) {
			*pp = r->next;
			if (q->tail == r)
				q->tail = prev;
			q->n--;
			r->next = NULL;
			return true;
		}
		prev = *pp;
		pp = &(*pp)->next;
	}
	return false;
}

/* insert sorted by due time, after entries with equal time */
static void q_insert_due(struct urbq *q, struct urb *r)
{
	struct urb **pp = &q->head;

	if (q->tail && q->tail->due_ns <= r->due_ns) {
		q_push(q, r);	/* the usual case: later than everything queued */
		return;
	}
	while (*pp && (*pp)->due_ns <= r->due_ns)
		pp = &(*pp)->next;
	r->next = *pp;
	*pp = r;
	if (!r->next)
		q->tail = r;
	q->n++;
}

static struct urb *urb_get(struct half *h)
{
	struct urb *r = h->free;

	if (r) {
		h->free = r->next;
		r->next = NULL;
	}
	return r;
}

static void urb_put(struct half *h, struct urb *r)
{
	r->next = h->free;
	r->niov = 0;
	r->done = DK_NONE;
	r->fill_on_send = false;
	h->free = r;
}

static int urb_buf(struct urb *r, size_t n)
{
	uint8_t *p;

	if (r->bufcap >= n)
		return 0;
	p = realloc(r->buf, n);
	if (!p)
		return -1;
	r->buf = p;
	r->bufcap = n;
	return 0;
}

/* ---- sending ------------------------------------------------------------- */

static void log_done(struct half *h, struct urb *r, int64_t now)
{
	struct unit *u = h->u;

	if (r->done == DK_NONE)
		return;
	if (r->done == DK_DEPTH_END)
		u->depth_sent++;
	else if (r->done == DK_IMU)
		u->imu_sent++;
	log_frame(u, &r->gt, now, r->faults);
}

/* The URB that ends a frame will never be sent: the frame is lost, and the side log says so. */
static void drop_done(struct half *h, struct urb *r)
{
	if (r->done != DK_NONE)
		log_frame(h->u, &r->gt, 0, r->faults);
}

static bool in_pattern(const struct iovec *v)
{
	return pattern_fd >= 0 && (uint8_t *)v->iov_base >= depth_pattern &&
	       (uint8_t *)v->iov_base < depth_pattern + DEPTH_PATTERN_SIZE;
}

/*
 * Raw depth payload is the immutable pattern: hand its pages to the socket
 * (sendfile from the memfd behind it) instead of copying them, which halves
 * the emulator's share of the copying at depth data rates.
 */
static void send_pattern(struct half *h, const struct iovec *v)
{
	off_t off = (uint8_t *)v->iov_base - depth_pattern;
	size_t left = v->iov_len;

	while (left > 0 && !h->dead) {
		ssize_t w = sendfile(h->fd, pattern_fd, &off, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			h->dead = true;
			return;
		}
		left -= (size_t)w;
	}
}

/*
 * Write a whole reply. The socket blocks (vhci reads continuously), with a
 * send timeout: a peer that stops reading for that long, or a write error,
 * marks the device dead and the loop unplugs it (a partial reply cannot be
 * recovered from).
 */
static void send_all(struct half *h, struct iovec *iov, int n)
{
	if (h->dead)
		return;
	while (n > 0) {
		ssize_t w;
		int run = 0;

		if (in_pattern(iov)) {
			send_pattern(h, iov);
			iov++;
			n--;
			continue;
		}
		while (run < n && !in_pattern(&iov[run]))
			run++;
		w = writev(h->fd, iov, run);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			h->dead = true;
			return;
		}
		while (run > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
			run--;
		}
		if (run > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

static void iso_fill(struct half *h, struct urb *r);

static void send_ret(struct half *h, struct urb *r, int64_t now)
{
	uint8_t hdr[USBIP_HDR_SIZE];
	struct iovec iov[8];
	int n = 0, i;
	int32_t npk;
	int64_t t0 = now_ns(), t1;

	if (r->fill_on_send) {
		iso_fill(h, r);
		t1 = now_ns();
		loop_time.fill += (uint64_t)(t1 - t0);
		t0 = t1;
	}
	npk = r->type == XT_ISO ? r->npk : 0;

	usbip_pack_ret_submit(hdr, r->seqnum, h->devid, r->dir, r->epnum, r->status, r->actual,
			      r->type == XT_ISO ? r->start_frame : 0, npk, r->error_count);
	iov[n].iov_base = hdr;
	iov[n++].iov_len = sizeof(hdr);
	if (r->dir == USBIP_DIR_IN)
		for (i = 0; i < r->niov && n < 7; i++)
			if (r->iov[i].iov_len)
				iov[n++] = r->iov[i];
	if (r->type == XT_ISO && npk > 0) {
		iov[n].iov_base = r->isowire;
		iov[n++].iov_len = (size_t)npk * USBIP_ISO_DESC_SIZE;
	}
	send_all(h, iov, n);
	loop_time.send[h->which] += (uint64_t)(now_ns() - t0);
	h->cnt.completes++;
	if (r->dir == USBIP_DIR_IN && r->status == 0)
		h->cnt.bytes_in += (uint64_t)r->actual;
	log_done(h, r, now);
	urb_put(h, r);
}

static void send_unlink(struct half *h, uint32_t seqnum, int32_t status)
{
	uint8_t hdr[USBIP_HDR_SIZE];
	struct iovec iov = { hdr, sizeof(hdr) };

	usbip_pack_ret_unlink(hdr, seqnum, h->devid, status);
	send_all(h, &iov, 1);
}

/* Answer now (control, OUT, errors): bypasses the delivery model. */
static void complete_now(struct half *h, struct urb *r, int32_t status, int32_t actual)
{
	r->status = status;
	r->actual = actual;
	send_ret(h, r, now_ns());
}

/*
 * Data for an IN URB is ready: schedule its completion per the delivery model,
 * not before @not_before (the slow-MCU knob). The drawn latency counts from
 * @from (<= @now), when the device had the data and the URB: a loop that gets
 * there late has spent part of that latency already, and only what it is
 * later than the drawn latency is added.
 */
static void complete_later(struct half *h, struct urb *r, int64_t now, int64_t from,
			   int64_t not_before)
{
	unsigned int key = r->epnum + (r->dir == USBIP_DIR_OUT ? 16 : 0);
	int64_t due = (from < now ? from : now) + jitter_sample(&h->u->jit);

	if (due < not_before)
		due = not_before;
	if (due < h->ep_last_due[key])
		due = h->ep_last_due[key];
	h->ep_last_due[key] = due;
	r->due_ns = due;
	if (due <= now && !h->doneq.head) {
		send_ret(h, r, now_ns());
		return;
	}
	q_insert_due(&h->doneq, r);
}

/* ---- feeding IN URBs from transfer items --------------------------------- */

static unsigned int rsp_ep(const struct half *h)
{
	return h->which == HALF_DEPTH ? (EP_DEPTH_RSP_IN & 0xf) : (EP_COLOR_RSP_IN & 0xf);
}

/*
 * "mcudelay": a reply piece on the MCU response endpoint completes no earlier
 * than the delay after its URB was submitted.
 */
static int64_t reply_not_before(const struct half *h, const struct urb *r)
{
	uint32_t ms = h->u->mcu_delay_ms[h->which];

	if (!ms || r->epnum != rsp_ep(h))
		return INT64_MIN;
	return r->submit_ns + (int64_t)ms * 1000000;
}

/*
 * Put as much of @x as fits into the next pending URB on @epnum. Returns 1
 * when @x is finished (its last packet was short, or a zero-length packet
 * ended it), 0 if more URBs are needed, -1 if no URB is pending.
 */
static int feed_one(struct half *h, unsigned int epnum, struct xitem *x, int64_t now)
{
	struct urb *r;
	uint32_t take, off = x->off;
	int64_t from;
	bool done;

	if (!h->pend[epnum].head)
		return -1;
	r = q_pop(&h->pend[epnum]);
	take = x->len - off;
	if (take > (uint32_t)r->len)
		take = (uint32_t)r->len;
	r->niov = 0;
	if (!x->data) {
		/* depth frame: ground truth record, then the pattern */
		uint32_t p = off, end = off + take;

		if (p < EMU_GT_SIZE && p < end) {
			uint32_t g = (end < EMU_GT_SIZE ? end : EMU_GT_SIZE) - p;

			memcpy(r->small, x->gtb + p, g);
			r->iov[r->niov].iov_base = r->small;
			r->iov[r->niov++].iov_len = g;
			p += g;
		}
		if (p < end) {
			r->iov[r->niov].iov_base = depth_pattern + p;
			r->iov[r->niov++].iov_len = end - p;
		}
	} else if (take) {
		if (x->persist) {
			r->iov[0].iov_base = (void *)(x->data + off);
		} else {
			memcpy(r->small, x->data + off, take);
			r->iov[0].iov_base = r->small;
		}
		r->iov[0].iov_len = take;
		r->niov = 1;
	}
	x->off += take;
	done = x->off == x->len && (x->len % 1024 != 0 || take < (uint32_t)r->len);
	r->status = 0;
	r->actual = (int32_t)take;
	r->error_count = 0;
	if (done && x->done != DK_NONE) {
		r->done = x->done;
		r->gt = x->gt;
		r->faults = x->faults;
	}
	/* an item that says when the device made it (IMU): latency from then */
	from = now;
	if (x->ready_ns)
		from = x->ready_ns > r->submit_ns ? x->ready_ns : r->submit_ns;
	complete_later(h, r, now, from, reply_not_before(h, r));
	return done;
}

/*
 * "mcuhold": a busy MCU hands no reply piece to an IN transfer until the hold
 * ends. A URB waiting meanwhile holds nothing, so one that the host unlinks
 * (its timeout) leaves the reply with the device for the next IN transfer,
 * as a device NAKing the IN tokens does.
 */
void deliver_rsp(struct half *h, int64_t now)
{
	unsigned int ep = rsp_ep(h);

	if (now < h->u->mcu_hold_until[h->which])
		return;
	while (h->rsp_n) {
		int r = feed_one(h, ep, &h->rsp[h->rsp_head], now);

		if (r < 0)
			return;
		if (r > 0) {
			h->rsp_head = (h->rsp_head + 1) % RSP_RING;
			h->rsp_n--;
		}
	}
}

void deliver_depth(struct unit *u, int64_t now)
{
	struct half *h = &u->h[HALF_DEPTH];

	if (!h->plugged)
		return;
	while (u->dn) {
		int r = feed_one(h, EP_DEPTH_STREAM_IN & 0xf, &u->dring[u->dhead], now);

		if (r < 0)
			return;
		if (r > 0) {
			u->dhead = (u->dhead + 1) % DEPTH_RING_MAX;
			u->dn--;
		}
	}
}

void deliver_imu(struct unit *u, int64_t now)
{
	struct half *h = &u->h[HALF_COLOR];

	if (!h->plugged)
		return;
	while (u->in) {
		int r = feed_one(h, EP_COLOR_IMU_IN & 0xf, &u->iring[u->ihead], now);

		if (r < 0)
			return;
		if (r > 0) {
			u->ihead = (u->ihead + 1) % IMU_RING;
			u->in--;
		}
	}
}

/* ---- MCU command endpoint ------------------------------------------------ */

static struct xitem *rsp_add(struct half *h)
{
	struct xitem *x;

	if (h->rsp_n == RSP_RING)
		return NULL;	/* host never reads replies: oldest kept, newest lost */
	x = &h->rsp[(h->rsp_head + h->rsp_n) % RSP_RING];
	h->rsp_n++;
	memset(x, 0, sizeof(*x));
	return x;
}

static void queue_status(struct half *h, uint32_t tid, uint32_t status)
{
	struct unit *u = h->u;
	int *mf = u->f.mcu[h->which];
	uint32_t type = MCU_PKT_RSP;
	struct xitem *x;

	if (fault_take(&mf[MF_NO_REPLY]))
		return;
	if (fault_take(&mf[MF_REPLY_TYPE]))
		type ^= 0x00010000;
	if (fault_take(&mf[MF_REPLY_ID]))
		tid += 1;
	if (fault_take(&mf[MF_STATUS]))
		status = u->f.mcu_status[h->which];
	x = rsp_add(h);
	if (!x)
		return;
	mcu_pack_status(x->inl, type, tid, status);
	x->data = x->inl;
	x->len = MCU_STATUS_SIZE;
	if (fault_take(&mf[MF_REPLY_LEN]))
		x->len = MCU_STATUS_SIZE - 4;	/* 12-byte status packet */
}

void cmdlog_add(struct unit *u, enum half_id which, const uint8_t *pkt, size_t len, bool valid)
{
	struct cmdlog_ent *e = &u->cmdlog[u->cmdlog_total % CMDLOG_SIZE];

	e->opcode = len >= 16 ? get32(pkt + 12) : 0;
	e->half = (uint8_t)which;
	e->valid = valid;
	u->cmdlog_total++;
}

/* A UVC class request: counted; a SET_CUR kept with its first data bytes. */
void uvclog_add(struct unit *u, const uint8_t setup[8], const uint8_t *data, size_t len,
		bool stalled)
{
	struct uvclog_ent *e;

	u->uvclog_total++;
	if ((setup[0] & 0x80) || setup[1] != 0x01)	/* SET_CUR */
		return;
	e = &u->uvclog[u->uvclog_sets++ % UVCLOG_SIZE];
	memcpy(e->setup, setup, 8);
	memset(e->data, 0, sizeof(e->data));
	if (data)
		memcpy(e->data, data, len < sizeof(e->data) ? len : sizeof(e->data));
	e->len = (uint16_t)len;
	e->stalled = stalled;
}

static void mcu_env_fill(struct half *h, struct mcu_env *env, int64_t now)
{
	struct unit *u = h->u;

	env->serial = u->serial_pad;
	env->calib = (const uint8_t *)u->calib;
	env->calib_len = u->calib_len;
	env->nvblob = u->nvblob;
	env->nvblob_len = NV_BLOB_SIZE;
	env->jack = unit_jack(u);
	env->busy = now < u->boot_ns;
	env->cameras_running = u->depth_on || u->color_on;
	env->version = u->version;
}

static void handle_cmd(struct half *h, const uint8_t *pkt, size_t len, int64_t now)
{
	struct unit *u = h->u;
	struct mcu_result r;
	struct mcu_env env;
	struct xitem *x;

	h->cnt.cmds++;
	if (h->mcu.expect_out) {
		if (mcu_write_data(&h->mcu, pkt, len, &r))
			queue_status(h, r.tid, r.status);
		return;
	}
	mcu_env_fill(h, &env, now);
	mcu_command(&h->mcu, &env, pkt, len, &r);
	cmdlog_add(u, h->which, pkt, len, r.valid);
	if (fault_take(&u->f.mcu[h->which][MF_STALL])) {
		set_stall(h, h->which == HALF_DEPTH ? EP_DEPTH_RSP_IN : EP_COLOR_RSP_IN);
		return;
	}
	if (!r.valid) {
		h->cnt.bad_cmds++;
		return;
	}
	if (r.data_stage) {
		x = rsp_add(h);
		if (x) {
			size_t n = r.data_len;

			if (r.data == r.small || !r.data) {
				if (r.data)
					memcpy(x->inl, r.small, n < sizeof(x->inl) ? n : sizeof(x->inl));
				x->data = x->inl;
			} else {
				x->data = r.data;
				x->persist = true;
			}
			x->len = (uint32_t)n;
			if (fault_take(&u->f.mcu[h->which][MF_DATA_LONG])) {
				/* over-long data stage: 16 bytes more than the opcode returns
				 * (persistent buffers carry 64 bytes of slack for this) */
				if (x->data == x->inl && n + 16 <= sizeof(x->inl))
					memset(x->inl + n, 0xee, 16);
				x->len += 16;
			}
		}
	}
	if (!r.write_stage)
		queue_status(h, r.tid, r.status);
	if (r.action != MCU_ACT_NONE)
		unit_mcu_action(u, h->which, r.action, now);
}

/* ---- standard and class control requests --------------------------------- */

static void ep_types_update(struct half *h);

static int ctrl_std(struct half *h, const uint8_t *s, uint8_t *out, int *stall)
{
	uint8_t bm = s[0], req = s[1];
	uint16_t val = (uint16_t)(s[2] | s[3] << 8), idx = (uint16_t)(s[4] | s[5] << 8);
	unsigned int type = val >> 8, di = val & 0xff;
	const uint8_t *d = NULL;
	size_t n = 0;

	*stall = 0;
	switch (req) {
	case 6:		/* GET_DESCRIPTOR */
		if (bm != 0x80)
			break;
		if (type == 1) {
			d = h->desc.dev;
			n = sizeof(h->desc.dev);
		} else if (type == 2 && di == 0) {
			d = h->desc.cfg;
			n = h->desc.cfg_len;
		} else if (type == 0x0f && h->desc.bos_len) {
			d = h->desc.bos;
			n = h->desc.bos_len;
		} else if (type == 3 && di < DESC_NSTR) {
			d = h->desc.str[di];
			n = d[0];
		}
		if (!d)
			break;
		memcpy(out, d, n);
		return (int)n;
	case 0:		/* GET_STATUS */
		if (!(bm & 0x80))
			break;
		out[0] = 0;
		out[1] = 0;
		if ((bm & 0x1f) == 2 && (h->halted & (1u << ((idx & 0xf) + ((idx & 0x80) ? 0 : 16)))))
			out[0] = 1;
		return 2;
	case 8:		/* GET_CONFIGURATION */
		out[0] = (uint8_t)h->config;
		return 1;
	case 9:		/* SET_CONFIGURATION */
		if (val > 1)
			break;
		h->config = val;
		memset(h->alt, 0, sizeof(h->alt));
		ep_types_update(h);
		return 0;
	case 10:	/* GET_INTERFACE */
		if ((idx & 0xff) > 2)
			break;
		out[0] = (uint8_t)h->alt[idx & 0xff];
		return 1;
	case 11:	/* SET_INTERFACE */
		if ((idx & 0xff) > 2)
			break;
#ifndef EMU_NO_UVC
		if (h->which == HALF_COLOR && (idx & 0xff) == EMU_UVC_IF_VS && h->u->uvc) {
			if (emu_uvc_set_alt(h->u->uvc, val) < 0)
				break;
			h->alt[1] = val;
			h->iso_next_ns = 0;
			ep_types_update(h);
			unit_color_changed(h->u, now_ns());
			return 0;
		}
#endif
		if (val != 0)
			break;
		return 0;
	case 1:		/* CLEAR_FEATURE */
	case 3:		/* SET_FEATURE */
		if ((bm & 0x1f) == 2 && val == 0) {	/* ENDPOINT_HALT */
			uint32_t bit = 1u << ((idx & 0xf) + ((idx & 0x80) ? 0 : 16));

			if (req == 1)
				h->halted &= ~bit;
			else
				h->halted |= bit;
		}
		return 0;
	case 0x30:	/* SET_SEL */
	case 0x31:	/* SET_ISOCH_DELAY */
		return 0;
	}
	*stall = 1;
	return -1;
}

static void handle_ctrl(struct half *h, struct urb *r, const uint8_t *setup, const uint8_t *data)
{
	uint16_t wlen = (uint16_t)(setup[6] | setup[7] << 8);
	int n, stall = 0;

	/* the data stage is what the URB carries, whatever wLength claims */
	if (wlen > r->len)
		wlen = (uint16_t)r->len;

	h->cnt.ctrl++;
	if (urb_buf(r, (size_t)wlen + DESC_CFG_MAX) < 0) {
		complete_now(h, r, -12, 0);
		return;
	}
	if ((setup[0] & 0x60) == 0x00) {
		n = ctrl_std(h, setup, r->buf, &stall);
	} else {
#ifndef EMU_NO_UVC
		unsigned int intf = setup[4];

		if ((setup[0] & 0x60) == 0x20 && (setup[0] & 0x1f) == 1 && h->which == HALF_COLOR &&
		    h->u->uvc && (intf == EMU_UVC_IF_VC || intf == EMU_UVC_IF_VS)) {
			uint8_t su[8];

			memcpy(su, setup, 8);
			su[6] = (uint8_t)wlen;
			su[7] = (uint8_t)(wlen >> 8);
			if (!(setup[0] & 0x80))
				memcpy(r->buf, data, wlen);
			n = emu_uvc_control(h->u->uvc, su, r->buf);
			stall = n < 0;
			uvclog_add(h->u, su, (setup[0] & 0x80) ? NULL : data, wlen, stall);
			if (!stall)
				unit_color_changed(h->u, now_ns());
		} else
#endif
		{
			(void)data;
			n = -1;
			stall = 1;
		}
	}
	if (stall) {
		h->cnt.stalls++;
		complete_now(h, r, -32, 0);
		return;
	}
	if (setup[0] & 0x80) {
		if (n > wlen)
			n = wlen;
		r->iov[0].iov_base = r->buf;
		r->iov[0].iov_len = (size_t)n;
		r->niov = 1;
		complete_now(h, r, 0, n);
	} else {
		r->niov = 0;
		complete_now(h, r, 0, wlen);
	}
}

/* ---- SUBMIT / UNLINK ------------------------------------------------------ */

/* Endpoint transfer types of the current configuration/alternate settings,
 * looked up once per change instead of walking the descriptors per URB. */
static void ep_types_update(struct half *h)
{
	unsigned int i;

	for (i = 0; i < 32; i++) {
		uint8_t addr = (uint8_t)((i & 15) | (i < 16 ? 0x80 : 0));
		int ifnum = -1, alt = 0;

		h->eptype[i] = -1;
		if ((i & 15) == 0) {
			h->eptype[i] = XT_CTRL;
			continue;
		}
		if (h->which == HALF_COLOR && addr == 0x81) {
			ifnum = 1;
			alt = h->alt[1];
			if (alt == 0)
				continue;
		}
		h->eptype[i] = (int8_t)desc_find_ep(h->desc.cfg, h->desc.cfg_len, ifnum, alt, addr,
						    NULL, NULL);
	}
}

static int ep_type(struct half *h, unsigned int epnum, unsigned int dir)
{
	return h->eptype[(epnum & 15) + (dir == USBIP_DIR_IN ? 0 : 16)];
}

/*
 * Every packet of iso URB @r failed: no data, packet status @pkt_status,
 * URB status @status. The reply still carries all its packet descriptors
 * (vhci_hcd reads number_of_packets of them and gives each status back).
 */
static void iso_all_failed(struct urb *r, int32_t status, int32_t pkt_status)
{
	int i;

	for (i = 0; i < r->npk; i++) {
		r->iso[i].actual = 0;
		r->iso[i].status = (uint32_t)pkt_status;
		usbip_pack_iso(r->isowire + (size_t)i * USBIP_ISO_DESC_SIZE, &r->iso[i]);
	}
	r->error_count = r->npk;
	r->niov = 0;
	r->status = status;
	r->actual = 0;
}

/*
 * Take the packet descriptors of iso URB @r. Returns 0, or -1 after
 * answering the URB (bad descriptors: -EINVAL; no memory for them: the
 * reply could not carry its descriptors, so the device goes away).
 */
static int iso_prepare(struct half *h, struct urb *r, const uint8_t *descs)
{
	size_t need = (size_t)r->npk * (sizeof(struct usbip_iso) + USBIP_ISO_DESC_SIZE);
	bool bad = false;
	int i;

	if (r->isocap < need) {
		void *p = realloc(r->iso, need);

		if (!p) {
			h->dead = true;
			urb_put(h, r);
			return -1;
		}
		r->iso = p;
		r->isocap = need;
	}
	r->isowire = (uint8_t *)r->iso + (size_t)r->npk * sizeof(struct usbip_iso);
	for (i = 0; i < r->npk; i++) {
		usbip_parse_iso(descs + i * USBIP_ISO_DESC_SIZE, &r->iso[i]);
		if (r->iso[i].offset > (uint32_t)r->len ||
		    r->iso[i].length > (uint32_t)r->len - r->iso[i].offset)
			bad = true;
	}
	if (bad || urb_buf(r, (size_t)r->len) < 0) {
		iso_all_failed(r, bad ? -22 : -12, -18);
		send_ret(h, r, now_ns());
		return -1;
	}
	return 0;
}

/* Schedule iso URB @r (descriptors taken) for its service intervals. */
static void iso_queue(struct half *h, struct urb *r, int64_t now)
{
	int64_t ival = (int64_t)(r->interval > 0 ? r->interval : 1) * 125000;
	int64_t start;

	start = h->iso_next_ns > now ? h->iso_next_ns : now;
	r->start_frame = (int32_t)((start / 1000000) & 0x7ff);
	r->due_ns = start + ival * r->npk;
	h->iso_next_ns = r->due_ns;
	q_push(&h->isoq, r);
}

/* the frame being sent on the iso endpoint met @ff (an FF_ISO_* fault) */
static void color_frame_hit(struct unit *u, enum frame_fault ff)
{
#ifndef EMU_NO_UVC
	if (u->uvc && emu_uvc_frame_pending(u->uvc) && u->color_gt_valid)
		u->color_faults |= FF_BIT(ff);
#else
	(void)u;
	(void)ff;
#endif
}

/*
 * Fill @r as it is sent: every packet gets what the UVC function sends in
 * its interval. Faults: iso.err fails the first packet (-EPROTO, the device
 * sends nothing in it); iso.stall fails the URB (-EPIPE, every packet
 * -EXDEV, the device sends nothing); iso.proto fails every packet (-EPROTO,
 * URB status 0): the device sent its payloads and they are lost.
 *
 * A payload's SCR is the device clock when the device sends it. The URB's
 * intervals end the modelled delivery latency (its due time less the end of
 * its intervals as scheduled) before this send: a device's bus intervals
 * never run late, so when this process does (descheduled, a busy host), the
 * clock it stamps runs with it, and its lateness, on the way to the
 * intervals' end or to the due time, does not pass for latency between
 * device and host; only the delivery latency it models does.
 */
static void iso_fill(struct half *h, struct urb *r)
{
	struct unit *u = h->u;
	int64_t ival = (int64_t)(r->interval > 0 ? r->interval : 1) * 125000;
	int64_t end = now_ns() - (r->due_ns - r->iso_end_ns);
	int64_t t0 = (end > r->iso_end_ns ? end : r->iso_end_ns) - ival * r->npk;
	size_t cur = 0;
	enum { ISO_OK, ISO_ERR, ISO_STALL, ISO_PROTO } f = ISO_OK;
	int i;

	r->fill_on_send = false;
	(void)t0;	/* without the UVC function no packet carries data */
	if (fault_take(&u->f.iso_stall))
		f = ISO_STALL;
	else if (fault_take(&u->f.iso_proto))
		f = ISO_PROTO;
	else if (fault_take(&u->f.iso_err))
		f = ISO_ERR;
	if (f != ISO_OK)
		h->cnt.iso_faults++;
	if (f == ISO_STALL) {
		color_frame_hit(u, FF_ISO_STALL);
		iso_all_failed(r, -32, -18);		/* -EPIPE, packets -EXDEV */
		return;
	}
	if (f == ISO_ERR)
		color_frame_hit(u, FF_ISO_ERR);
	r->error_count = 0;
	for (i = 0; i < r->npk; i++) {
		struct usbip_iso *d = &r->iso[i];
		size_t n = 0;

		d->status = 0;
#ifndef EMU_NO_UVC
		if (u->uvc && !(f == ISO_ERR && i == 0) && emu_uvc_frame_pending(u->uvc)) {
			int64_t t = t0 + ival * i;
			bool fdone = false, had_frame = u->color_gt_valid;

			n = emu_uvc_fill_packet(u->uvc, r->buf + cur, d->length,
						(uint32_t)clk_ticks(&u->clk, t),
						(uint16_t)((t / 1000000) & 0x7ff), &fdone);
			if (n > d->length)
				n = d->length;
			if (f == ISO_PROTO && n && had_frame)
				u->color_faults |= FF_BIT(FF_ISO_PROTO);
			if (fdone && u->color_gt_valid) {
				u->color_gt_valid = false;
				u->color_done++;
				if (f == ISO_PROTO) {
					/* its last payload is lost: it never reaches the host */
					log_frame(u, &u->color_gt, 0, u->color_faults);
				} else {
					r->done = DK_COLOR_END;
					r->gt = u->color_gt;
					r->faults = u->color_faults;
				}
			}
		}
#endif
		if ((f == ISO_ERR && i == 0) || f == ISO_PROTO) {
			n = 0;
			d->status = (uint32_t)-71;	/* -EPROTO */
			r->error_count++;
		}
		d->actual = (uint32_t)n;
		usbip_pack_iso(r->isowire + (size_t)i * USBIP_ISO_DESC_SIZE, d);
		cur += n;
	}
	r->iov[0].iov_base = r->buf;
	r->iov[0].iov_len = cur;
	r->niov = 1;
	r->status = 0;
	r->actual = (int32_t)cur;
}

/* serial number arithmetic: seqnum @a comes after @b (they wrap at 2^32) */
static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * vhci_hcd can send the CMD_UNLINK of a URB before its CMD_SUBMIT: its
 * transmit thread sends every queued submit, then every queued unlink, so a
 * URB submitted and unlinked between those two steps goes out unlink first.
 * Answering that unlink at once with status 0 ("already completed") makes
 * vhci give the URB back, and the RET_SUBMIT that follows later is a protocol
 * error for it: vhci logs "cannot find a urb" and drops the device. So such an
 * unlink waits in @h->early until its URB's CMD_SUBMIT arrives (it follows on
 * the same stream); the URB is then not carried out but answered by the
 * RET_UNLINK with -ECONNRESET, which vhci gives back as an unlinked URB.
 * Submits arrive in seqnum order, so an unlink whose target was passed over
 * will not find it any more: it gets status 0 then.
 * Returns true if the URB of @c was answered that way.
 */
static bool early_unlink_match(struct half *h, const struct usbip_cmd *c)
{
	unsigned int i = 0;
	bool hit = false;

	while (i < h->nearly) {
		struct early_unlink e = h->early[i];

		if (e.target != c->seqnum && !seq_after(c->seqnum, e.target)) {
			i++;
			continue;
		}
		memmove(&h->early[i], &h->early[i + 1], (h->nearly - i - 1) * sizeof(e));
		h->nearly--;
		if (e.target == c->seqnum && !hit) {
			hit = true;
			h->cnt.unlink_early++;
			send_unlink(h, e.seqnum, -104);	/* -ECONNRESET */
		} else {
			h->cnt.unlink_miss++;
			send_unlink(h, e.seqnum, 0);
		}
	}
	return hit;
}

static void handle_submit(struct half *h, const struct usbip_cmd *c, const uint8_t *tail,
			  int64_t now)
{
	struct urb *r;
	int type;
	uint32_t bit = 1u << (c->ep + (c->direction == USBIP_DIR_IN ? 0 : 16));

	h->cnt.submits++;
	h->last_seq = c->seqnum;
	h->seq_seen = true;
	if (h->nearly && early_unlink_match(h, c))
		return;
	r = urb_get(h);
	if (!r) {
		/* pool exhausted: refuse this URB */
		uint8_t hdr[USBIP_HDR_SIZE];
		struct iovec iov = { hdr, sizeof(hdr) };

		usbip_pack_ret_submit(hdr, c->seqnum, h->devid, c->direction, c->ep, -12, 0, 0, 0, 0);
		send_all(h, &iov, 1);
		return;
	}
	r->seqnum = c->seqnum;
	r->epnum = (uint8_t)c->ep;
	r->dir = (uint8_t)c->direction;
	r->len = c->length;
	r->npk = c->npackets;
	r->interval = c->interval;
	r->start_frame = 0;
	r->submit_ns = now;
	r->niov = 0;
	r->done = DK_NONE;
	r->error_count = 0;
	type = ep_type(h, c->ep, c->direction);
	r->type = (uint8_t)(type < 0 ? XT_BULK : type);
	if (type < 0) {
		complete_now(h, r, -32, 0);
		return;
	}
	if (type == XT_CTRL) {
		handle_ctrl(h, r, c->setup, tail);
		return;
	}
	if (type == XT_ISO) {
		if (c->npackets <= 0 || c->direction != USBIP_DIR_IN) {
			r->type = XT_BULK;
			complete_now(h, r, -22, 0);
			return;
		}
		if (iso_prepare(h, r, tail) < 0)
			return;
		if (h->halted & bit) {
			h->cnt.stalls++;
			iso_all_failed(r, -32, -18);	/* -EPIPE, packets -EXDEV */
			send_ret(h, r, now_ns());
			return;
		}
		iso_queue(h, r, now);
		return;
	}
	if (h->halted & bit) {
		h->cnt.stalls++;
		complete_now(h, r, -32, 0);
		return;
	}
	if (c->direction == USBIP_DIR_OUT) {
		h->cnt.bytes_out += (uint64_t)c->length;
		if ((h->which == HALF_DEPTH && c->ep == (EP_DEPTH_CMD_OUT & 0xf)) ||
		    (h->which == HALF_COLOR && c->ep == (EP_COLOR_CMD_OUT & 0xf)))
			handle_cmd(h, tail, (size_t)c->length, now);
		complete_now(h, r, 0, c->length);
		return;
	}
	q_push(&h->pend[c->ep], r);
}

static bool unlink_from(struct urbq *q, uint32_t seq)
{
	struct urb *r;

	for (r = q->head; r; r = r->next)
		if (r->seqnum == seq)
			return q_remove(q, r);
	return false;
}

static struct urb *find_in(struct urbq *q, uint32_t seq)
{
	struct urb *r;

	for (r = q->head; r; r = r->next)
		if (r->seqnum == seq)
			return r;
	return NULL;
}

static void handle_unlink(struct half *h, const struct usbip_cmd *c)
{
	struct urb *r = NULL;
	int i;

	h->cnt.unlinks++;
	for (i = 0; i < 16 && !r; i++) {
		r = find_in(&h->pend[i], c->unlink_seqnum);
		if (r)
			unlink_from(&h->pend[i], c->unlink_seqnum);
	}
	if (!r && (r = find_in(&h->isoq, c->unlink_seqnum)))
		unlink_from(&h->isoq, c->unlink_seqnum);
	if (!r && (r = find_in(&h->doneq, c->unlink_seqnum)))
		unlink_from(&h->doneq, c->unlink_seqnum);
	if (r) {
		/* not answered yet (waiting for data, for its service interval,
		 * or held back by the delivery model): it never will be */
		drop_done(h, r);
		urb_put(h, r);
		send_unlink(h, c->seqnum, -104);	/* -ECONNRESET */
		return;
	}
	if ((!h->seq_seen || seq_after(c->unlink_seqnum, h->last_seq)) &&
	    h->nearly < EARLY_UNLINKS) {
		/* its CMD_SUBMIT is still to come: see early_unlink_match() */
		h->early[h->nearly].seqnum = c->seqnum;
		h->early[h->nearly++].target = c->unlink_seqnum;
		return;
	}
	/*
	 * Already answered: every reply is written whole before the next
	 * command is read, so its RET_SUBMIT is on the stream ahead of this.
	 */
	h->cnt.unlink_miss++;
	send_unlink(h, c->seqnum, 0);
}

/* parse as many complete commands as the receive buffer holds */
static int half_parse(struct half *h, int64_t now)
{
	size_t pos = 0;

	while (h->rxlen - pos >= USBIP_HDR_SIZE) {
		struct usbip_cmd c;
		size_t tail;
		int iso;

		if (usbip_parse_cmd(h->rx + pos, &c) < 0)
			return -1;
		iso = c.command == USBIP_CMD_SUBMIT && c.ep != 0 && c.npackets > 0 &&
		      ep_type(h, c.ep, c.direction) == XT_ISO;
		tail = usbip_cmd_tail(&c, iso);
		if (h->rxlen - pos < USBIP_HDR_SIZE + tail) {
			size_t need = USBIP_HDR_SIZE + tail;

			if (need > h->rxcap) {
				uint8_t *p;

				memmove(h->rx, h->rx + pos, h->rxlen - pos);
				h->rxlen -= pos;
				pos = 0;
				p = realloc(h->rx, need);
				if (!p)
					return -1;
				h->rx = p;
				h->rxcap = need;
			}
			break;
		}
		if (c.command == USBIP_CMD_SUBMIT)
			handle_submit(h, &c, h->rx + pos + USBIP_HDR_SIZE, now);
		else
			handle_unlink(h, &c);
		if (!h->plugged)
			return 0;
		pos += USBIP_HDR_SIZE + tail;
	}
	if (pos) {
		memmove(h->rx, h->rx + pos, h->rxlen - pos);
		h->rxlen -= pos;
	}
	return 0;
}

static void half_read(struct half *h, int64_t now)
{
	for (;;) {
		ssize_t n;

		if (h->rxlen == h->rxcap) {
			if (half_parse(h, now) < 0)
				goto gone;
			if (!h->plugged)
				return;
			if (h->rxlen == h->rxcap)
				goto gone;
		}
		n = recv(h->fd, h->rx + h->rxlen, h->rxcap - h->rxlen, MSG_DONTWAIT);
		if (n == 0)
			goto gone;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			goto gone;
		}
		h->rxlen += (size_t)n;
		if (half_parse(h, now) < 0)
			goto gone;
		if (!h->plugged)
			return;
	}
	return;
gone:
	half_unplug(h, true);
}

void half_readable(struct half *h)
{
	int64_t now = now_ns();

	half_read(h, now);
	loop_time.read += (uint64_t)(now_ns() - now);
}

/* ---- plug / unplug ------------------------------------------------------- */

static void half_reset_state(struct half *h)
{
	int i;

	h->free = NULL;
	for (i = URB_POOL - 1; i >= 0; i--)
		urb_put(h, &h->pool[i]);
	memset(h->pend, 0, sizeof(h->pend));
	memset(&h->isoq, 0, sizeof(h->isoq));
	memset(&h->doneq, 0, sizeof(h->doneq));
	h->nearly = 0;
	h->seq_seen = false;
	memset(h->ep_last_due, 0, sizeof(h->ep_last_due));
	h->iso_next_ns = 0;
	h->halted = 0;
	h->config = 0;
	memset(h->alt, 0, sizeof(h->alt));
	mcu_init(&h->mcu, h->which == HALF_DEPTH ? MCU_DEPTH : MCU_COLOR);
	h->rsp_head = h->rsp_n = 0;
	h->rxlen = 0;
}

/* Descriptors, buffers and power-on state for a plug of @h. */
static int half_prepare(struct half *h)
{
	struct unit *u = h->u;
	struct desc_ident id;

	memset(&id, 0, sizeof(id));
	id.pid = h->which == HALF_DEPTH ? K4A_PID_DEPTH : K4A_PID_COLOR;
	id.serial = u->serial;
	memcpy(id.container_id, u->container_id, 16);
	if (u->f.desc & DESC_F_DUP_CID)
		memcpy(id.container_id, units[0].container_id, 16);
	id.faults = u->f.desc;
	if (h->which == HALF_DEPTH)
		id.faults &= ~DESC_F_BAD_SERIAL;	/* the colour half carries the mismatch */
#ifndef EMU_NO_UVC
	if (h->which == HALF_COLOR && u->uvc) {
		/* a plugged-in camera starts from power-on state */
		emu_uvc_free(u->uvc);
		u->uvc = emu_uvc_new(u->serial, u->index);
		if (!u->uvc)
			return -1;
	}
#endif
	id.uvc = h->which == HALF_COLOR ? u->uvc : NULL;
	if (desc_build(&id, &h->desc) < 0)
		return -1;
	if (!h->rx) {
		h->rxcap = 1 << 16;
		h->rx = malloc(h->rxcap);
		if (!h->rx)
			return -1;
	}
	half_reset_state(h);
	ep_types_update(h);
	h->devid = (uint32_t)((u->index + 1) << 16 | (h->which + 2));
	return 0;
}

/* @h is now connected through @fd (our end of the stream) on vhci port @port. */
static void half_connect(struct half *h, int fd, int port)
{
	struct unit *u = h->u;
	struct epoll_event ev;

	h->fd = fd;
	h->port = port;
	h->plugged = true;
	h->dead = false;
	h->plug_ns = now_ns();
	u->boot_ns = h->plug_ns + (int64_t)opts.boot_ms * 1000000;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.ptr = &src_half[u->index][h->which];
	epoll_ctl(epfd, EPOLL_CTL_ADD, h->fd, &ev);
}

int half_plug(struct half *h)
{
	int sv[2], port, sz = 8 << 20;
	struct timeval snd_tmo = { 5, 0 };

	if (h->plugged)
		return 0;
	if (half_prepare(h) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &snd_tmo, sizeof(snd_tmo));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	port = usbip_attach(sv[0], h->devid, 5 /* USB_SPEED_SUPER */);
	close(sv[0]);
	if (port < 0) {
		close(sv[1]);
		return -1;
	}
	half_connect(h, sv[1], port);
	return 0;
}

/*
 * Host tests: plug @h on a stream socket the caller plays vhci_hcd on (no
 * attach; unplug it with half_unplug(h, true)).
 */
int half_plug_fd(struct half *h, int fd)
{
	if (h->plugged || half_prepare(h) < 0)
		return -1;
	half_connect(h, fd, 0);
	return 0;
}

void half_unplug(struct half *h, bool surprise)
{
	struct unit *u = h->u;
	struct urb *r;

	if (!h->plugged)
		return;
	for (r = h->doneq.head; r; r = r->next)
		drop_done(h, r);
	if (!surprise)
		usbip_detach(h->port);
	epoll_ctl(epfd, EPOLL_CTL_DEL, h->fd, NULL);
	shutdown(h->fd, SHUT_RDWR);
	close(h->fd);
	h->fd = -1;
	h->plugged = false;
	half_reset_state(h);
	if (h->which == HALF_DEPTH) {
		u->depth_on = false;
		depth_flush(u);
	} else {
		u->imu_on = false;
		u->in = 0;
#ifndef EMU_NO_UVC
		if (u->uvc)
			emu_uvc_set_alt(u->uvc, 0);
#endif
		unit_color_changed(u, now_ns());
	}
}

void set_stall(struct half *h, uint8_t addr)
{
	unsigned int ep = addr & 0xf, dir = addr & 0x80 ? USBIP_DIR_IN : USBIP_DIR_OUT;
	struct urb *r;

	h->halted |= 1u << (ep + (dir == USBIP_DIR_IN ? 0 : 16));
	if (dir != USBIP_DIR_IN)
		return;
	while ((r = q_pop(&h->pend[ep])))
		complete_now(h, r, -32, 0);
	/* iso URBs waiting for their service intervals fail now, untouched */
	while (h->isoq.head && h->isoq.head->epnum == ep) {
		r = q_pop(&h->isoq);
		iso_all_failed(r, -32, -18);
		send_ret(h, r, now_ns());
	}
}

/* Count how late the URB due at @due is served. */
static void count_late(struct half *h, int64_t due)
{
	static const int64_t lim[LATE_BINS - 1] = { 50000, 200000, 1000000, 5000000, 20000000 };
	int64_t late = now_ns() - due;
	unsigned int b = 0;

	if (late < 0)
		late = 0;
	while (b < LATE_BINS - 1 && late >= lim[b])
		b++;
	h->cnt.late[b]++;
	if ((uint64_t)late > h->cnt.late_max_ns)
		h->cnt.late_max_ns = (uint64_t)late;
}

/* Complete the URBs due by @horizon (sends are stamped with the real time). */
void half_service(struct half *h, int64_t horizon)
{
	struct urb *r;

	/*
	 * An iso URB whose service intervals ended: its delivery latency
	 * counts from that end; it is filled when it is sent (iso_fill()).
	 */
	while (h->isoq.head && h->isoq.head->due_ns <= horizon) {
		r = q_pop(&h->isoq);
		count_late(h, r->due_ns);
		r->iso_end_ns = r->due_ns;
		r->fill_on_send = true;
		complete_later(h, r, horizon, r->iso_end_ns, INT64_MIN);
	}
	while (h->doneq.head && h->doneq.head->due_ns <= horizon) {
		r = q_pop(&h->doneq);
		count_late(h, r->due_ns);
		send_ret(h, r, now_ns());
		if (!h->plugged)
			return;
	}
}

static int64_t half_next_due(const struct half *h)
{
	int64_t t = INT64_MAX;

	if (!h->plugged)
		return t;
	if (h->isoq.head)
		t = h->isoq.head->due_ns;
	if (h->doneq.head && h->doneq.head->due_ns < t)
		t = h->doneq.head->due_ns;
	/* replies a busy MCU holds back: the loop wakes when the hold ends */
	if (h->rsp_n && h->u->mcu_hold_until[h->which] < t &&
	    h->u->mcu_hold_until[h->which] > now_ns())
		t = h->u->mcu_hold_until[h->which];
	return t;
}

/* ---- control socket ------------------------------------------------------ */

/* largest answer: a full command log (4096 lines) */
#define CTL_OUT_MAX	(512u << 10)

static void ctl_accept(void)
{
	static char out[CTL_OUT_MAX];

	for (;;) {
		int c = accept4(ctlfd, NULL, NULL, SOCK_CLOEXEC);
		char line[1024];
		size_t len = 0;
		struct timeval tv = { 2, 0 };

		if (c < 0)
			return;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		while (len < sizeof(line) - 1) {
			ssize_t n = read(c, line + len, sizeof(line) - 1 - len);

			if (n <= 0)
				break;
			len += (size_t)n;
			if (memchr(line, '\n', len))
				break;
		}
		line[len] = 0;
		if (len) {
			char *nl = strchr(line, '\n');
			int rc;
			size_t ol;

			if (nl)
				*nl = 0;
			/* whoever asks sees every frame sent so far in the side log */
			if (sidelog)
				fflush(sidelog);
			out[0] = 0;
			rc = ctl_exec(line, out, sizeof(out) - 64);
			ol = strlen(out);
			snprintf(out + ol, sizeof(out) - ol, "%s\n", rc ? "ERR" : "OK");
			ol = strlen(out);
			for (len = 0; len < ol;) {
				ssize_t w = write(c, out + len, ol - len);

				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break;	/* client went away or stopped reading */
				len += (size_t)w;
			}
		}
		close(c);
	}
}

static int ctl_listen(const char *path)
{
	struct sockaddr_un a;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- main loop ------------------------------------------------------------ */

void emu_quit(void)
{
	quitting = true;
}

static void arm_timer(int64_t t)
{
	static int64_t armed = -1;
	struct itimerspec its;

	if (t == armed)
		return;
	armed = t;
	memset(&its, 0, sizeof(its));
	if (t != INT64_MAX) {
		if (t < 1)
			t = 1;
		its.it_value.tv_sec = t / 1000000000;
		its.it_value.tv_nsec = t % 1000000000;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* the side log is written out at least this often while the units stream */
#define SIDELOG_FLUSH_NS	200000000
static int64_t sidelog_flushed;

/* depth work longer than this in one pass: the colour halves are served again */
#define SERVE_AGAIN_NS	200000

/* The colour halves, units in turn from @first: MCU replies, IMU packets, due URBs. */
static void serve_color(unsigned int first, int64_t now)
{
	unsigned int j;

	for (j = 0; j < nunits; j++) {
		struct unit *u = &units[(first + j) % nunits];
		struct half *h = &u->h[HALF_COLOR];

		if (!h->plugged)
			continue;
		deliver_rsp(h, now);
		deliver_imu(u, now);
		half_service(h, now);
	}
}

static void service_all(void)
{
	/*
	 * Only what is due by now: a device never sends data before the moment
	 * it describes (an IMU packet before its newest sample, an isochronous
	 * URB before its last service interval), and the drivers' clock
	 * estimators rest on exactly that.
	 */
	static unsigned int first;
	int64_t now = now_ns(), next;
	unsigned int i, j, k;

again:
	model_run_due(now);
	loop_time.model += (uint64_t)(now_ns() - now);
	/*
	 * Units in turn, each pass starting one further: the data of several
	 * units due at one moment goes out one unit after the other, and a
	 * fixed order would make the last unit's latency always the longest
	 * (its IMU packets, due with everyone's, never prompt), which no set
	 * of independent devices does.
	 */
	first = nunits ? (first + 1) % nunits : 0;
	serve_color(first, now);
	for (j = 0; j < nunits; j++) {
		struct half *h = &units[(first + j) % nunits].h[HALF_DEPTH];
		int64_t t;

		if (!h->plugged)
			continue;
		deliver_rsp(h, now);
		deliver_depth(h->u, now);
		half_service(h, now);
		/*
		 * A raw depth frame takes milliseconds to write on a slow
		 * host, and one sync pulse makes every unit's at once: what
		 * fell due on the colour halves meanwhile (IMU packets,
		 * isochronous intervals) goes out before the next unit's
		 * frame, as independent devices send it.
		 */
		t = now_ns();
		if (t - now > SERVE_AGAIN_NS) {
			now = t;
			model_run_due(now);
			serve_color(first, now);
		}
	}
	next = model_next_due();
	for (i = 0; i < nunits; i++)
		for (k = 0; k < 2; k++) {
			int64_t t = half_next_due(&units[i].h[k]);

			if (t < next)
				next = t;
		}
	/*
	 * Something falls due within the early window (the loop woke early
	 * for it, see struct punctual): wait for it on the clock and serve it
	 * on time, as the device would.
	 */
	if (next != INT64_MAX && punctual_spin(&punct, now_ns(), next)) {
		while ((now = now_ns()) < next)
			;
		goto again;
	}
	arm_timer(next == INT64_MAX ? next : punctual_wake(&punct, now_ns(), next));
	/*
	 * The side log goes out in batches: a write where it lives (a 9p
	 * share in the guest tests) can stall the loop for a round trip, and
	 * one per pass made every send late. A control command flushes it
	 * first (ctl_accept()), and so does a loop about to idle.
	 */
	if (sidelog && (now - sidelog_flushed >= SIDELOG_FLUSH_NS ||
			next - now > SIDELOG_FLUSH_NS)) {
		fflush(sidelog);
		sidelog_flushed = now;
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: k4a-emu [options]\n"
		"       k4a-emu ctl SOCKET COMMAND [ARGS...]\n"
		"options:\n"
		"  -n, --units N            emulated units (1..%d, default 1)\n"
		"  -s, --serial BASE        serial of unit 0 (12 digits; others count up)\n"
		"  -c, --ctl PATH           control socket (default /run/k4a-emu.sock)\n"
		"  -l, --log PATH           side log of every frame (default none)\n"
		"  -t, --topology T         none|daisy|star|gen30|gen15|gen5 (default none)\n"
		"  -d, --drift U:PPM[,...]  clock drift per unit\n"
		"  -o, --offset U:TICKS[,...] initial clock value per unit\n"
		"  -j, --jitter SPEC        BASE_US[,JIT_US[,uniform|pareto[,SPIKE_PPM[,SPIKE_US]]]]\n"
		"  -b, --depth-buffer N     device buffer in depth frames (1..%d, default 2)\n"
		"      --sub-skip N         pulses a subordinate waits before its first frame (default 1)\n"
		"      --color-exposure US  colour exposure when the UVC function has none (default 10000)\n"
		"      --boot-ms MS         commands answer BUSY for MS after plug (default 0)\n"
		"      --punctual US[,PCT]  wake US before a due time, busy-wait the rest, at most\n"
		"                           PCT %% of the time (default 250,5; 0: sleep to it)\n"
		"      --seconds S          exit after S seconds\n"
		"      --no-uvc             colour device without the UVC function\n"
		"      --plug none|depth|color|both  halves plugged at start (default both)\n",
		MAX_UNITS, DEPTH_RING_MAX);
}

static int parse_pairs(const char *s, int is_drift)
{
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		unsigned int u;
		double v;

		if (sscanf(p, "%u:%lf", &u, &v) != 2 || u >= MAX_UNITS)
			return -1;
		if (is_drift) {
			if (v < -1000 || v > 1000)
				return -1;
			opts.drift[u] = v;
		} else {
			opts.offset_ticks[u] = (int64_t)v;
		}
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	int i;

	opts.units = 1;
	snprintf(opts.serial_base, sizeof(opts.serial_base), "000123456701");
	opts.ctl_path = "/run/k4a-emu.sock";
	opts.topology = "none";
	opts.depth_buffer = 2;
	opts.sub_skip = 1;
	opts.color_exposure_us = 10000;
	opts.plug_mask = 3;
	opts.early_ns = 250000;
	opts.early_share_ppm = 50000;
	for (i = 0; i < MAX_UNITS; i++)
		opts.offset_ticks[i] = 1234567 + (int64_t)i * 777777;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

#define OPT(s, l) (!strcmp(a, s) || !strcmp(a, l))
#define NEED() do { if (!v) return -1; i++; } while (0)
		if (OPT("-n", "--units")) {
			NEED();
			opts.units = (unsigned int)atoi(v);
			if (opts.units < 1 || opts.units > MAX_UNITS)
				return -1;
		} else if (OPT("-s", "--serial")) {
			NEED();
			if (strlen(v) < 4 || strlen(v) > 15 || strspn(v, "0123456789") != strlen(v))
				return -1;
			snprintf(opts.serial_base, sizeof(opts.serial_base), "%s", v);
		} else if (OPT("-c", "--ctl")) {
			NEED();
			opts.ctl_path = v;
		} else if (OPT("-l", "--log")) {
			NEED();
			opts.log_path = v;
		} else if (OPT("-t", "--topology")) {
			NEED();
			opts.topology = v;
		} else if (OPT("-d", "--drift")) {
			NEED();
			if (parse_pairs(v, 1))
				return -1;
		} else if (OPT("-o", "--offset")) {
			NEED();
			if (parse_pairs(v, 0))
				return -1;
		} else if (OPT("-j", "--jitter")) {
			NEED();
			if (jitter_parse(v, &opts.jit))
				return -1;
		} else if (OPT("-b", "--depth-buffer")) {
			NEED();
			opts.depth_buffer = (unsigned int)atoi(v);
			if (opts.depth_buffer < 1 || opts.depth_buffer > DEPTH_RING_MAX)
				return -1;
		} else if (!strcmp(a, "--sub-skip")) {
			NEED();
			opts.sub_skip = (unsigned int)atoi(v);
		} else if (!strcmp(a, "--color-exposure")) {
			NEED();
			opts.color_exposure_us = (uint32_t)atoi(v);
			if (opts.color_exposure_us < 100 || opts.color_exposure_us > 200000)
				return -1;
		} else if (!strcmp(a, "--boot-ms")) {
			NEED();
			opts.boot_ms = (uint32_t)atoi(v);
		} else if (!strcmp(a, "--punctual")) {
			NEED();
			if (punctual_parse(v, &opts.early_ns, &opts.early_share_ppm))
				return -1;
		} else if (!strcmp(a, "--seconds")) {
			NEED();
			opts.seconds = atof(v);
		} else if (!strcmp(a, "--no-uvc")) {
			opts.no_uvc = true;
		} else if (!strcmp(a, "--plug")) {
			NEED();
			if (!strcmp(v, "none"))
				opts.plug_mask = 0;
			else if (!strcmp(v, "depth"))
				opts.plug_mask = 1;
			else if (!strcmp(v, "color"))
				opts.plug_mask = 2;
			else if (!strcmp(v, "both"))
				opts.plug_mask = 3;
			else
				return -1;
		} else {
			return -1;
		}
#undef OPT
#undef NEED
	}
	return 0;
}

/* The raw depth pattern, in a memfd when possible so that send_all() can splice it. */
static uint8_t *pattern_alloc(void)
{
	int fd = memfd_create("k4a-depth-pattern", MFD_CLOEXEC);
	void *p;

	if (fd >= 0 && ftruncate(fd, DEPTH_PATTERN_SIZE) == 0) {
		p = mmap(NULL, DEPTH_PATTERN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			pattern_fd = fd;
			return p;
		}
	}
	if (fd >= 0)
		close(fd);
	return malloc(DEPTH_PATTERN_SIZE);
}

int emu_pattern_init(void)
{
	uint32_t i;

	if (depth_pattern)
		return 0;
	depth_pattern = pattern_alloc();
	if (!depth_pattern)
		return -1;
	for (i = 0; i < DEPTH_PATTERN_SIZE; i++)
		depth_pattern[i] = (uint8_t)((i * 7) ^ (i >> 10));
	return 0;
}

int emu_main(int argc, char **argv)
{
	struct epoll_event ev, evs[32];
	sigset_t ss;
	unsigned int i, k;

	if (argc >= 2 && !strcmp(argv[1], "ctl"))
		return ctl_client(argc - 2, argv + 2);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage();
		return 0;
	}
	if (parse_args(argc, argv)) {
		usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (emu_pattern_init() < 0)
		return 1;
	if (opts.log_path) {
		sidelog = fopen(opts.log_path, "we");
		if (!sidelog) {
			perror(opts.log_path);
			return 1;
		}
		setvbuf(sidelog, NULL, _IOFBF, 1 << 16);
		fprintf(sidelog, "# serial stream counter device_ticks soe_ns sent_ns faults\n");
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	/*
	 * A device's data goes out on time: the timer that wakes the loop for
	 * a due time gets no slack (the default lets it fire up to 50 us late).
	 */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sigfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	ctlfd = ctl_listen(opts.ctl_path);
	if (epfd < 0 || tfd < 0 || sigfd < 0 || ctlfd < 0) {
		fprintf(stderr, "k4a-emu: setup failed (control socket %s): %s\n", opts.ctl_path,
			strerror(errno));
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &src_timer;
	epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.ptr = &src_ctl;
	epoll_ctl(epfd, EPOLL_CTL_ADD, ctlfd, &ev);
	ev.data.ptr = &src_sig;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);

	nunits = opts.units;
	for (i = 0; i < nunits; i++) {
		unit_init(&units[i], i);
		for (k = 0; k < 2; k++) {
			src_half[i][k].kind = SRC_HALF;
			src_half[i][k].h = &units[i].h[k];
		}
	}
	model_init();
	punctual_init(&punct, opts.early_ns, opts.early_share_ppm, now_ns());
	for (i = 0; i < nunits; i++)
		for (k = 0; k < 2; k++)
			if ((opts.plug_mask >> k) & 1) {
				if (half_plug(&units[i].h[k]) < 0) {
					fprintf(stderr, "k4a-emu: attach of unit %u %s failed: %s\n", i,
						k ? "color" : "depth", strerror(errno));
					return 1;
				}
			}
	if (opts.seconds > 0) {
		struct event e;

		memset(&e, 0, sizeof(e));
		e.t = now_ns() + (int64_t)(opts.seconds * 1e9);
		e.kind = EV_QUIT;
		ev_push(&e);
	}
	fprintf(stderr, "k4a-emu: %u unit(s), control socket %s\n", nunits, opts.ctl_path);

	while (!quitting) {
		int n, j;

		service_all();
		n = epoll_wait(epfd, evs, 32, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (j = 0; j < n; j++) {
			struct src *s = evs[j].data.ptr;
			uint64_t x;

			switch (s->kind) {
			case SRC_TIMER:
				if (read(tfd, &x, sizeof(x)) < 0) {
					/* spurious */
				}
				break;
			case SRC_CTL:
				ctl_accept();
				break;
			case SRC_SIG:
				quitting = true;
				break;
			case SRC_HALF:
				if (s->h->plugged)
					half_readable(s->h);
				if (s->h->plugged && (evs[j].events & (EPOLLHUP | EPOLLERR)))
					half_unplug(s->h, true);
				break;
			}
		}
		for (i = 0; i < nunits; i++)
			for (k = 0; k < 2; k++)
				if (units[i].h[k].plugged && units[i].h[k].dead) {
					fprintf(stderr, "k4a-emu: unit %u %s: peer stopped reading, "
						"disconnecting\n", i, k ? "color" : "depth");
					half_unplug(&units[i].h[k], true);
				}
	}
	for (i = 0; i < nunits; i++)
		for (k = 0; k < 2; k++)
			half_unplug(&units[i].h[k], false);
	if (sidelog)
		fclose(sidelog);
	unlink(opts.ctl_path);
	return 0;
}
