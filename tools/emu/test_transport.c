// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the emulator's USB/IP transport: emu.c with the model and the
 * control commands, the test playing vhci_hcd on the other end of a
 * socketpair (no kernel involved).
 *
 * Every reply the emulator writes is checked by a model of how vhci_hcd takes
 * it (struct peer): a RET_SUBMIT must find its URB still in flight, a
 * RET_UNLINK must answer a pending unlink, and a RET_UNLINK that finds its
 * URB still in flight gives it back, which is only right with -ECONNRESET
 * (status 0 means "already answered": its RET_SUBMIT must have come first).
 * URBs are unlinked at every stage: before their CMD_SUBMIT arrived, pending
 * without data, answered but held back by the delivery model, while their
 * reply is being written (writev and sendfile), and after it was written.
 * Then the faults of the video endpoint (iso.err, iso.stall, iso.proto, a
 * halt) with the faults each frame's side-log line names, the command log
 * and the slow-MCU knob.
 * Prints one line per case and ends with "N passed, N failed".
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "le.h"
#include "uvc.h"

#define ECONNRESET_NEG	(-104)

static int passed, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", cond ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		passed++;
	else
		failed++;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* ---- vhci_hcd, as far as the replies are concerned ---- */

#define PEER_MAX	8192

struct vurb {
	uint32_t seq;
	uint8_t dir, ep;
	bool sent;		/* CMD_SUBMIT written (else still in vhci's transmit queue) */
	bool done;		/* given back */
	bool unlinking;
	bool by_unlink;		/* given back by a RET_UNLINK */
	int32_t status, actual;
	uint64_t hash;		/* of the data received */
	/* iso URBs */
	int32_t npk;		/* packets submitted (0: not iso) */
	uint32_t pkt_len;	/* length of each of them */
	int32_t error_count;	/* as the reply says */
	int32_t pst0, pst1;	/* status of the first and of the second packet */
	int32_t nbad;		/* packets with a non-zero status */
	bool have_scr;		/* a packet carried a payload header with an SCR */
	int32_t scr_pkt;	/* the last such packet */
	uint32_t scr;		/* its SCR source clock */
};

struct vunl {
	uint32_t seq, target;
	bool answered;
	int32_t status;
};

struct pdu {
	uint32_t cmd, seq;
	int32_t status, actual;
};

struct peer {
	int fd;			/* vhci's end of the stream */
	struct half *h;
	uint32_t next_seq;
	struct vurb urb[PEER_MAX];
	unsigned int nurb;
	struct vunl unl[PEER_MAX];
	unsigned int nunl;
	struct pdu trace[PEER_MAX];
	unsigned int ntrace;
	uint8_t *rx;
	size_t rxlen, rxcap;
	unsigned int errors;
	char why[200];		/* the first error */
};

static void perr(struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->errors++) {
		va_start(ap, fmt);
		vsnprintf(p->why, sizeof(p->why), fmt, ap);
		va_end(ap);
	}
}

static struct vurb *vurb_find(struct peer *p, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < p->nurb; i++)
		if (p->urb[i].seq == seq)
			return &p->urb[i];
	return NULL;
}

static struct vunl *vunl_find(struct peer *p, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < p->nunl; i++)
		if (p->unl[i].seq == seq)
			return &p->unl[i];
	return NULL;
}

static void peer_pdu(struct peer *p, const uint8_t *hdr, const uint8_t *data, size_t dlen)
{
	uint32_t cmd = be32(hdr), seq = be32(hdr + 4);
	int32_t status = (int32_t)be32(hdr + 20), actual = (int32_t)be32(hdr + 24);
	struct vurb *v;
	struct vunl *u;

	if (p->ntrace < PEER_MAX)
		p->trace[p->ntrace++] = (struct pdu){ cmd, seq, status, actual };
	if (cmd == USBIP_RET_SUBMIT) {
		v = vurb_find(p, seq);
		if (!v || !v->sent || v->done) {
			perr(p, "cannot find a urb of seqnum %u (RET_SUBMIT after its URB was "
			     "given back)", seq);
			return;
		}
		v->done = true;
		v->status = status;
		v->actual = actual;
		v->hash = fnv(data, v->dir == USBIP_DIR_IN && actual > 0 ? (size_t)actual : 0);
		if (v->npk > 0) {
			/* as vhci_hcd: usbip_pack_ret_submit(), usbip_recv_iso() */
			size_t dat = v->dir == USBIP_DIR_IN && actual > 0 ? (size_t)actual : 0;
			const uint8_t *d = data + dat;
			int32_t npk = (int32_t)be32(hdr + 32), i, sum = 0;

			v->error_count = (int32_t)be32(hdr + 36);
			if (npk != v->npk || dlen != dat + (size_t)npk * 16) {
				perr(p, "iso URB %u: %d packet descriptors in the reply, "
				     "%d submitted", seq, npk, v->npk);
				return;
			}
			v->nbad = 0;
			for (i = 0; i < npk; i++, d += 16) {
				int32_t st = (int32_t)be32(d + 12);

				sum += (int32_t)be32(d + 8);
				if (be32(d) != (uint32_t)i * v->pkt_len ||
				    be32(d + 4) != v->pkt_len)
					perr(p, "iso URB %u: packet %d offset/length changed",
					     seq, i);
				if (i == 0)
					v->pst0 = st;
				if (i == 1)
					v->pst1 = st;
				v->nbad += st != 0;
			}
			if (sum != actual)
				perr(p, "iso URB %u: total length of iso packets %d not equal to "
				     "actual length %d (vhci drops the device)", seq, sum, actual);
			/* the packets' data is packed: the last payload header with an SCR */
			d = data + dat;
			for (i = 0, sum = 0; i < npk; i++, d += 16) {
				int32_t n = (int32_t)be32(d + 8);
				const uint8_t *pk = data + sum;

				if (n < 0 || (size_t)sum + (size_t)n > dat)
					break;
				if (n >= 12 && pk[0] >= 12 && (pk[1] & 0x0c) == 0x0c) {
					v->have_scr = true;
					v->scr_pkt = i;
					v->scr = get32(pk + 6);
				}
				sum += n;
			}
		}
		return;
	}
	if (cmd != USBIP_RET_UNLINK) {
		perr(p, "unknown reply %u", cmd);
		return;
	}
	u = vunl_find(p, seq);
	if (!u || u->answered) {
		perr(p, "RET_UNLINK %u answers no pending unlink", seq);
		return;
	}
	u->answered = true;
	u->status = status;
	v = vurb_find(p, u->target);
	if (!v || v->done)
		return;		/* "already given back": fine */
	if (!v->sent) {
		perr(p, "RET_UNLINK %u before the CMD_SUBMIT of %u left: that URB is never "
		     "given back", seq, u->target);
		return;
	}
	if (status != ECONNRESET_NEG)
		perr(p, "RET_UNLINK %u with status %d gave back URB %u before its RET_SUBMIT",
		     seq, status, u->target);
	v->done = true;
	v->by_unlink = true;
	v->status = status;
	v->actual = 0;
}

static void peer_parse(struct peer *p)
{
	size_t pos = 0;

	while (p->rxlen - pos >= USBIP_HDR_SIZE) {
		const uint8_t *hdr = p->rx + pos;
		size_t need = USBIP_HDR_SIZE;

		if (be32(hdr) == USBIP_RET_SUBMIT) {
			int32_t actual = (int32_t)be32(hdr + 24), npk = (int32_t)be32(hdr + 32);

			if (be32(hdr + 12) == USBIP_DIR_IN && actual > 0)
				need += (size_t)actual;
			if (npk > 0)
				need += (size_t)npk * USBIP_ISO_DESC_SIZE;
		}
		if (p->rxlen - pos < need)
			break;
		peer_pdu(p, hdr, hdr + USBIP_HDR_SIZE, need - USBIP_HDR_SIZE);
		pos += need;
	}
	memmove(p->rx, p->rx + pos, p->rxlen - pos);
	p->rxlen -= pos;
}

static void peer_take(struct peer *p, const uint8_t *b, size_t n)
{
	if (p->rxlen + n > p->rxcap) {
		p->rxcap = (p->rxlen + n) * 2;
		p->rx = realloc(p->rx, p->rxcap);
		if (!p->rx)
			abort();
	}
	memcpy(p->rx + p->rxlen, b, n);
	p->rxlen += n;
	peer_parse(p);
}

/* read what the emulator wrote so far */
static void peer_drain(struct peer *p)
{
	static uint8_t b[1 << 16];

	for (;;) {
		ssize_t n = recv(p->fd, b, sizeof(b), MSG_DONTWAIT);

		if (n <= 0)
			return;
		peer_take(p, b, (size_t)n);
	}
}

static void peer_write(struct peer *p, const void *b, size_t n)
{
	const uint8_t *c = b;

	while (n) {
		ssize_t w = write(p->fd, c, n);

		if (w <= 0) {
			perr(p, "write to the emulator failed");
			return;
		}
		c += w;
		n -= (size_t)w;
	}
}

/* one emulator pass: read commands, feed replies, complete what is due by @horizon */
static void pump(struct peer *p, int64_t horizon)
{
	struct half *h = p->h;
	int64_t now = now_ns();

	if (h->plugged)
		half_readable(h);
	if (h->plugged) {
		deliver_rsp(h, now);
		deliver_depth(h->u, now);
		deliver_imu(h->u, now);
		half_service(h, horizon);
	}
	peer_drain(p);
}

/* only read commands (nothing becomes due) */
static void pump_rx(struct peer *p)
{
	if (p->h->plugged)
		half_readable(p->h);
	peer_drain(p);
}

static int64_t far(void)
{
	return now_ns() + 3600 * 1000000000ll;
}

static uint32_t seq_new(struct peer *p)
{
	struct vurb *v = &p->urb[p->nurb++];

	memset(v, 0, sizeof(*v));
	v->seq = p->next_seq++;
	return v->seq;
}

/* CMD_SUBMIT of URB @seq (from seq_new) */
static void submit_seq(struct peer *p, uint32_t seq, uint8_t dir, uint8_t ep, uint32_t len,
		       const void *out, const uint8_t *setup, int npk)
{
	uint8_t hdr[USBIP_HDR_SIZE], d[USBIP_ISO_DESC_SIZE];
	struct vurb *v = vurb_find(p, seq);
	int i;

	memset(hdr, 0, sizeof(hdr));
	put_be32(hdr, USBIP_CMD_SUBMIT);
	put_be32(hdr + 4, seq);
	put_be32(hdr + 8, p->h->devid);
	put_be32(hdr + 12, dir);
	put_be32(hdr + 16, ep);
	put_be32(hdr + 24, len);
	put_be32(hdr + 32, (uint32_t)npk);
	put_be32(hdr + 36, npk > 0 ? 1 : 0);
	if (setup)
		memcpy(hdr + 40, setup, 8);
	peer_write(p, hdr, sizeof(hdr));
	if (dir == USBIP_DIR_OUT && len)
		peer_write(p, out, len);
	for (i = 0; i < npk; i++) {
		memset(d, 0, sizeof(d));
		put_be32(d, (uint32_t)i * (len / (uint32_t)npk));
		put_be32(d + 4, len / (uint32_t)npk);
		peer_write(p, d, sizeof(d));
	}
	v->dir = dir;
	v->ep = ep;
	v->sent = true;
	v->npk = npk > 0 ? npk : 0;
	v->pkt_len = npk > 0 ? len / (uint32_t)npk : 0;
}

static uint32_t submit(struct peer *p, uint8_t dir, uint8_t ep, uint32_t len, const void *out)
{
	uint32_t seq = seq_new(p);

	submit_seq(p, seq, dir, ep, len, out, NULL, 0);
	return seq;
}

/* CMD_UNLINK of URB @target: the PDU in @pdu; written unless @pdu is given */
static uint32_t unlink_urb(struct peer *p, uint32_t target, uint8_t *pdu)
{
	uint8_t hdr[USBIP_HDR_SIZE];
	struct vunl *u = &p->unl[p->nunl++];
	struct vurb *v = vurb_find(p, target);

	memset(u, 0, sizeof(*u));
	u->seq = p->next_seq++;
	u->target = target;
	if (v)
		v->unlinking = true;
	memset(hdr, 0, sizeof(hdr));
	put_be32(hdr, USBIP_CMD_UNLINK);
	put_be32(hdr + 4, u->seq);
	put_be32(hdr + 8, p->h->devid);
	put_be32(hdr + 20, target);
	if (pdu)
		memcpy(pdu, hdr, sizeof(hdr));
	else
		peer_write(p, hdr, sizeof(hdr));
	return u->seq;
}

/* an MCU command on the half's command endpoint */
static uint32_t command(struct peer *p, uint32_t tid, uint32_t op, uint32_t payload,
			const void *arg, size_t alen)
{
	uint8_t pkt[MCU_HDR_SIZE + MCU_MAX_CMD_DATA];
	size_t n = mcu_pack_cmd(pkt, tid, op, payload, arg, alen);
	uint8_t ep = p->h->which == HALF_DEPTH ? EP_DEPTH_CMD_OUT : EP_COLOR_CMD_OUT;

	return submit(p, USBIP_DIR_OUT, ep, (uint32_t)n, pkt);
}

static uint8_t rsp_ep_of(const struct peer *p)
{
	return (p->h->which == HALF_DEPTH ? EP_DEPTH_RSP_IN : EP_COLOR_RSP_IN) & 0xf;
}

/* every URB given back once, every unlink answered once, nothing vhci would refuse */
static bool settled(const struct peer *p)
{
	unsigned int i;

	for (i = 0; i < p->nurb; i++)
		if (p->urb[i].sent && !p->urb[i].done)
			return false;
	for (i = 0; i < p->nunl; i++)
		if (!p->unl[i].answered)
			return false;
	return p->errors == 0;
}

/* index of the first reply in the trace matching (@cmd, @seq), -1 if none */
static int trace_at(const struct peer *p, uint32_t cmd, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < p->ntrace; i++)
		if (p->trace[i].cmd == cmd && p->trace[i].seq == seq)
			return (int)i;
	return -1;
}

static unsigned int trace_count(const struct peer *p, uint32_t cmd, uint32_t seq)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->ntrace; i++)
		n += p->trace[i].cmd == cmd && p->trace[i].seq == seq;
	return n;
}

/* ---- setup ---- */

static struct peer *peer_new(enum half_id which, uint32_t first_seq)
{
	struct peer *p = calloc(1, sizeof(*p));
	struct unit *u = &units[0];
	struct timeval tmo = { 10, 0 };
	int sv[2], sz = 8 << 20;

	if (!p || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	/* as half_plug(), with a send timeout that ends a stuck test */
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	p->fd = sv[0];
	p->h = &u->h[which];
	p->next_seq = first_seq;
	if (half_plug_fd(p->h, sv[1]) < 0)
		abort();
	return p;
}

static void peer_free(struct peer *p)
{
	half_unplug(p->h, true);
	close(p->fd);
	free(p->rx);
	free(p);
}

/* the unit as the emulator starts it, for every test */
static void unit_fresh(void)
{
	struct unit *u = &units[0];

	memset(&u->f, 0, sizeof(u->f));
	memset(&u->jit, 0, sizeof(u->jit));
	u->jit.rng = 0x9e3779b97f4a7c15ull;
	u->mcu_delay_ms[0] = u->mcu_delay_ms[1] = 0;
	u->mcu_hold_until[0] = u->mcu_hold_until[1] = 0;
	u->cmdlog_total = 0;
	u->uvclog_total = u->uvclog_sets = 0;
	u->dn = 0;
}

static void set_jitter(const char *spec)
{
	struct jitter j = units[0].jit;

	if (jitter_parse(spec, &j))
		abort();
	units[0].jit = j;
}

static int ctl(const char *cmd, char *out, size_t cap)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", cmd);
	out[0] = 0;
	return ctl_exec(line, out, cap);
}

/* ---- unlink at every stage ---- */

/* DEPTH: READ_PRODUCT_SN (data stage + status) */
static void read_sn(struct peer *p, uint32_t tid)
{
	command(p, tid, OP_D_READ_SN, 255, NULL, 0);
}

static void test_unlink_before_submit(void)
{
	struct peer *p;
	uint32_t x, u, d, s, c;
	uint64_t cmds;

	unit_fresh();
	p = peer_new(HALF_DEPTH, 17700);
	/* as vhci sends it: CMD_UNLINK, then the CMD_SUBMIT, data waiting for the URB */
	read_sn(p, 1);
	pump(p, far());
	x = seq_new(p);
	u = unlink_urb(p, x, NULL);
	submit_seq(p, x, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL, NULL, 0);
	d = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(p->errors == 0 && vurb_find(p, x)->by_unlink &&
	   trace_count(p, USBIP_RET_SUBMIT, x) == 0 && vurb_find(p, d)->actual == 12 &&
	   vurb_find(p, s)->actual == MCU_STATUS_SIZE,
	   "CMD_UNLINK right before its URB's CMD_SUBMIT: one RET_UNLINK -ECONNRESET, the data "
	   "goes to the next URB%s%s", p->errors ? ": " : "", p->why);
	/* the same with the emulator running in between */
	read_sn(p, 2);
	pump(p, far());
	x = seq_new(p);
	u = unlink_urb(p, x, NULL);
	pump(p, far());
	ok(trace_at(p, USBIP_RET_UNLINK, u) < 0,
	   "CMD_UNLINK before its URB's CMD_SUBMIT: not answered while the URB is not there");
	submit_seq(p, x, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL, NULL, 0);
	pump(p, far());
	ok(trace_count(p, USBIP_RET_SUBMIT, x) == 0 && trace_at(p, USBIP_RET_UNLINK, u) >= 0 &&
	   p->trace[trace_at(p, USBIP_RET_UNLINK, u)].status == ECONNRESET_NEG &&
	   vurb_find(p, x)->by_unlink,
	   "the URB, when it arrives, is answered by RET_UNLINK -ECONNRESET, never by "
	   "RET_SUBMIT");
	d = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(vurb_find(p, d)->actual == 12 && vurb_find(p, s)->actual == MCU_STATUS_SIZE,
	   "the reply it would have taken goes to the next URBs (serial, then status)");
	/* an OUT command unlinked before its submit is not carried out */
	cmds = p->h->cnt.cmds;
	c = seq_new(p);
	u = unlink_urb(p, c, NULL);
	{
		uint8_t pkt[MCU_HDR_SIZE];

		mcu_pack_cmd(pkt, 2, OP_D_POWER_ON, 0, NULL, 0);
		submit_seq(p, c, USBIP_DIR_OUT, EP_DEPTH_CMD_OUT, sizeof(pkt), pkt, NULL, 0);
	}
	pump(p, far());
	ok(p->h->cnt.cmds == cmds && !p->h->mcu.powered && vurb_find(p, c)->by_unlink &&
	   p->h->cnt.unlink_early == 3,
	   "an OUT command unlinked before its submit is not carried out (unlink_early=%llu)",
	   (unsigned long long)p->h->cnt.unlink_early);
	/* an unlink whose URB never comes: answered with 0 once a later URB shows it was passed */
	x = seq_new(p);
	vurb_find(p, x)->done = true;	/* vhci never sends it */
	u = unlink_urb(p, x, NULL);
	pump(p, far());
	ok(trace_at(p, USBIP_RET_UNLINK, u) < 0, "unlink of a seqnum not seen yet waits");
	d = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(trace_at(p, USBIP_RET_UNLINK, u) >= 0 &&
	   p->trace[trace_at(p, USBIP_RET_UNLINK, u)].status == 0,
	   "a later seqnum passes it over: RET_UNLINK status 0");
	unlink_urb(p, d, NULL);
	pump(p, far());
	ok(settled(p), "vhci takes every reply, every URB given back once%s%s",
	   p->errors ? ": " : "", p->why);
	peer_free(p);
}

static void test_unlink_pending(void)
{
	struct peer *p;
	uint32_t a, b, u, s;

	unit_fresh();
	p = peer_new(HALF_DEPTH, 100);
	a = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	b = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(p->ntrace == 0, "IN URBs without data stay pending");
	u = unlink_urb(p, a, NULL);
	pump(p, far());
	ok(p->ntrace == 1 && p->trace[0].cmd == USBIP_RET_UNLINK && p->trace[0].seq == u &&
	   p->trace[0].status == ECONNRESET_NEG, "pending URB unlinked: RET_UNLINK -ECONNRESET");
	read_sn(p, 7);
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(trace_count(p, USBIP_RET_SUBMIT, a) == 0 && vurb_find(p, b)->actual == 12 &&
	   vurb_find(p, s)->actual == MCU_STATUS_SIZE,
	   "the unlinked URB never gets data; the next pending one does");
	ok(settled(p), "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	peer_free(p);
}

static void test_unlink_held(void)
{
	struct peer *p;
	uint32_t a, b, c, u, s;
	int ia, ic;

	unit_fresh();
	/* jitter on, long enough that nothing is due unless the test says so */
	set_jitter("60000000,100000,uniform");
	p = peer_new(HALF_DEPTH, 5000);
	read_sn(p, 1);
	a = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	b = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, now_ns());
	ok(p->ntrace == 1 && !vurb_find(p, a)->done && !vurb_find(p, b)->done &&
	   p->h->doneq.n == 2, "both replies answered but held back by the delivery model");
	u = unlink_urb(p, b, NULL);
	pump(p, now_ns());
	ok(p->trace[p->ntrace - 1].cmd == USBIP_RET_UNLINK &&
	   p->trace[p->ntrace - 1].status == ECONNRESET_NEG && p->h->doneq.n == 1,
	   "held URB unlinked: RET_UNLINK -ECONNRESET, taken off the done queue");
	pump(p, far());
	ok(trace_count(p, USBIP_RET_SUBMIT, b) == 0 && vurb_find(p, a)->actual == 12,
	   "its RET_SUBMIT never follows; the one before it completes");
	/* the status went with the unlinked URB; the next command's reply is whole */
	read_sn(p, 2);
	c = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, now_ns());
	u = unlink_urb(p, c, NULL);
	pump(p, far());
	ia = trace_at(p, USBIP_RET_UNLINK, u);
	ic = trace_at(p, USBIP_RET_SUBMIT, s);
	ok(ia >= 0 && ic > ia && vurb_find(p, s)->actual == MCU_STATUS_SIZE,
	   "unlink of the first of two held URBs: the second still completes, after the unlink");
	ok(settled(p), "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	peer_free(p);
}

static void test_unlink_written(void)
{
	struct peer *p;
	uint32_t a, u;
	int ia, iu;

	uint64_t miss, sent, read;

	unit_fresh();
	set_jitter("100,50,uniform");
	p = peer_new(HALF_DEPTH, 0xfffffffcu);	/* seqnums wrap during this test */
	miss = p->h->cnt.unlink_miss;
	read_sn(p, 3);
	sent = loop_time.send[HALF_DEPTH];
	read = loop_time.read;
	a = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(vurb_find(p, a)->done && vurb_find(p, a)->actual == 12, "reply written and read");
	ok(loop_time.send[HALF_DEPTH] > sent && loop_time.read > read,
	   "the loop's time writing the depth half's replies and reading commands is counted");
	u = unlink_urb(p, a, NULL);
	pump(p, far());
	ia = trace_at(p, USBIP_RET_SUBMIT, a);
	iu = trace_at(p, USBIP_RET_UNLINK, u);
	ok(iu > ia && p->trace[iu].status == 0 && p->h->cnt.unlink_miss == miss + 1,
	   "unlink after the reply was written: RET_UNLINK 0 after the RET_SUBMIT");
	/* the same while the RET_SUBMIT is still unread in the socket */
	a = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	half_readable(p->h);
	deliver_rsp(p->h, now_ns());
	half_service(p->h, far());
	u = unlink_urb(p, a, NULL);
	pump(p, far());
	ia = trace_at(p, USBIP_RET_SUBMIT, a);
	iu = trace_at(p, USBIP_RET_UNLINK, u);
	ok(ia >= 0 && iu > ia && p->trace[iu].status == 0,
	   "unlink while its RET_SUBMIT is in flight to vhci: RET_UNLINK 0 behind it");
	ok(settled(p) && p->next_seq < 0x10, "vhci takes every reply across the seqnum wrap%s%s",
	   p->errors ? ": " : "", p->why);
	peer_free(p);
}

/*
 * vhci's receive side reading slowly: reads @first bytes, sends @pdu (a
 * CMD_UNLINK), reads the rest. The emulator's write is necessarily still in
 * progress when the unlink goes out (its socket holds far less than remains).
 */
struct slow_reader {
	int fd;
	size_t first, want, len;
	int avail;		/* bytes readable when the unlink went out */
	uint8_t pdu[USBIP_HDR_SIZE];
	uint8_t *buf;
	int err;
};

static void *slow_read(void *arg)
{
	struct slow_reader *s = arg;

	while (s->len < s->want) {
		struct pollfd pf = { s->fd, POLLIN, 0 };
		size_t n = (s->len < s->first ? s->first : s->want) - s->len;
		ssize_t r;

		if (n > 4096)
			n = 4096;
		if (poll(&pf, 1, 10000) <= 0) {
			s->err = 1;
			break;
		}
		r = read(s->fd, s->buf + s->len, n);
		if (r <= 0) {
			s->err = 2;
			break;
		}
		s->len += (size_t)r;
		if (s->len == s->first) {
			if (write(s->fd, s->pdu, sizeof(s->pdu)) != sizeof(s->pdu) ||
			    ioctl(s->fd, FIONREAD, &s->avail) < 0) {
				s->err = 3;
				break;
			}
		}
	}
	return NULL;
}

/*
 * Unlink @x while its reply of @reply bytes is being written: @start feeds
 * it (the emulator blocks in the write until the reader has taken it).
 */
static void unlink_mid_write(struct peer *p, uint32_t x, size_t before, size_t reply,
			     void (*start)(struct peer *p), const char *what, uint64_t want_hash)
{
	struct slow_reader s;
	pthread_t th;
	int small = 16384, ix, iu;
	uint32_t u;

	memset(&s, 0, sizeof(s));
	s.fd = p->fd;
	s.first = before + USBIP_HDR_SIZE + 10000;
	s.want = before + USBIP_HDR_SIZE + reply + USBIP_HDR_SIZE;
	s.buf = malloc(s.want);
	if (!s.buf)
		abort();
	u = unlink_urb(p, x, s.pdu);
	setsockopt(p->h->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (pthread_create(&th, NULL, slow_read, &s))
		abort();
	start(p);		/* returns once the whole reply is in the socket */
	half_readable(p->h);	/* the CMD_UNLINK, sent while it was written */
	pthread_join(th, NULL);
	peer_take(p, s.buf, s.len);
	ix = trace_at(p, USBIP_RET_SUBMIT, x);
	iu = trace_at(p, USBIP_RET_UNLINK, u);
	/* the reply was not all in the socket yet when the unlink went out */
	ok(!s.err && s.first + (size_t)s.avail < s.want - USBIP_HDR_SIZE && ix >= 0 &&
	   iu == ix + 1 && p->trace[iu].status == 0 && vurb_find(p, x)->actual == (int32_t)reply &&
	   vurb_find(p, x)->hash == want_hash && p->errors == 0,
	   "%s: unlink sent after %zu of %zu bytes, %d more written: whole RET_SUBMIT, "
	   "then RET_UNLINK 0%s%s", what, s.first - before, USBIP_HDR_SIZE + reply, s.avail,
	   p->errors ? ": " : "", p->why);
	free(s.buf);
}

static void start_rsp(struct peer *p)
{
	deliver_rsp(p->h, now_ns());
}

static void start_depth(struct peer *p)
{
	deliver_depth(p->h->u, now_ns());
}

static void test_unlink_mid_write(void)
{
	struct unit *un = &units[0];
	struct peer *p;
	uint32_t tag = 2, x, s;
	struct xitem *fr;
	const uint32_t flen = 1000000;
	uint8_t *expect;
	uint32_t i;

	unit_fresh();
	p = peer_new(HALF_DEPTH, 40000);
	/* NV tag 2 (1,153,433 bytes) needs the sensor powered */
	command(p, 1, OP_D_POWER_ON, 0, NULL, 0);
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(vurb_find(p, s)->actual == MCU_STATUS_SIZE && p->errors == 0, "DEPTH_POWER_ON answered");
	command(p, 2, OP_D_NV_DATA_GET, 2000000, &tag, 4);
	x = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 2000000, NULL);
	half_readable(p->h);
	peer_drain(p);		/* the command's own RET_SUBMIT */
	unlink_mid_write(p, x, 0, NV_BLOB_SIZE, start_rsp, "writev of a 1,153,433-byte NV read",
			 fnv(un->nvblob, NV_BLOB_SIZE));
	s = submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
	pump(p, far());
	ok(vurb_find(p, s)->actual == MCU_STATUS_SIZE, "its status packet follows");

	/* a raw depth frame: ground truth slice, then the pattern by sendfile */
	fr = &un->dring[(un->dhead + un->dn) % DEPTH_RING_MAX];
	memset(fr, 0, sizeof(*fr));
	fr->len = flen;
	memset(fr->gtb, 0x5a, sizeof(fr->gtb));
	un->dn++;
	expect = malloc(flen);
	if (!expect)
		abort();
	memset(expect, 0x5a, EMU_GT_SIZE);
	for (i = EMU_GT_SIZE; i < flen; i++)
		expect[i] = (uint8_t)((i * 7) ^ (i >> 10));
	x = submit(p, USBIP_DIR_IN, EP_DEPTH_STREAM_IN & 0xf, 1 << 20, NULL);
	half_readable(p->h);
	unlink_mid_write(p, x, 0, flen, start_depth, "sendfile of a 1,000,000-byte depth frame",
			 fnv(expect, flen));
	free(expect);
	ok(settled(p), "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	peer_free(p);
}

static void test_unlink_iso(void)
{
	struct peer *p;
	uint8_t setup[8] = { 0x01, 11, 1, 0, 1, 0, 0, 0 };	/* SET_INTERFACE(1, alt 1) */
	uint32_t c, a[4], u, v;
	int i;

	unit_fresh();
	p = peer_new(HALF_COLOR, 900);
	c = seq_new(p);
	submit_seq(p, c, USBIP_DIR_OUT, 0, 0, NULL, setup, 0);
	pump(p, now_ns());
	ok(vurb_find(p, c)->done && vurb_find(p, c)->status == 0, "SET_INTERFACE alt 1");
	for (i = 0; i < 4; i++) {
		a[i] = seq_new(p);
		submit_seq(p, a[i], USBIP_DIR_IN, EP_COLOR_VIDEO_IN & 0xf, 8 * 3072, NULL, NULL, 8);
	}
	pump_rx(p);
	ok(p->h->isoq.n == 4, "four iso URBs waiting for their service intervals");
	u = unlink_urb(p, a[1], NULL);
	pump_rx(p);
	ok(trace_at(p, USBIP_RET_UNLINK, u) >= 0 &&
	   p->trace[trace_at(p, USBIP_RET_UNLINK, u)].status == ECONNRESET_NEG && p->h->isoq.n == 3,
	   "iso URB unlinked before its interval: RET_UNLINK -ECONNRESET");
	set_jitter("60000000,1000,uniform");
	/* the rest: filled, then held by the delivery model */
	half_service(p->h, now_ns() + 10 * 1000000);
	peer_drain(p);
	v = unlink_urb(p, a[2], NULL);
	pump_rx(p);
	ok(trace_at(p, USBIP_RET_UNLINK, v) >= 0 &&
	   p->trace[trace_at(p, USBIP_RET_UNLINK, v)].status ==
	   (vurb_find(p, a[2])->by_unlink ? ECONNRESET_NEG : 0),
	   "iso URB unlinked while held back: answered once");
	pump(p, far());
	ok(trace_count(p, USBIP_RET_SUBMIT, a[1]) == 0 && vurb_find(p, a[0])->done &&
	   vurb_find(p, a[3])->done && trace_at(p, USBIP_RET_SUBMIT, a[0]) <
	   trace_at(p, USBIP_RET_SUBMIT, a[3]), "the others complete in order");
	ok(settled(p), "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	peer_free(p);
}

/* queue a raw depth frame of @len bytes that ends with a side-log line for @counter */
static void depth_frame(uint32_t len, uint32_t counter)
{
	struct unit *un = &units[0];
	struct xitem *fr = &un->dring[(un->dhead + un->dn) % DEPTH_RING_MAX];

	memset(fr, 0, sizeof(*fr));
	fr->len = len;
	fr->done = DK_DEPTH_END;
	fr->gt.stream = EMU_GT_DEPTH;
	fr->gt.frame_counter = counter;
	memcpy(fr->gt.serial, un->serial, 16);
	emu_gt_pack(&fr->gt, fr->gtb);
	un->dn++;
}

/* the side-log line of depth frame @counter: its SENT_NS, -1 if there is none */
static long long side_sent(FILE *f, uint32_t counter)
{
	char line[256], ser[32], st[16];
	unsigned int c;
	unsigned long long ticks;
	long long soe, sent, r = -1;

	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %15s %u %llu %lld %lld", ser, st, &c, &ticks, &soe, &sent) == 6 &&
		    !strcmp(st, "depth") && c == counter)
			r = sent;
	fseek(f, 0, SEEK_END);
	return r;
}

/*
 * A frame whose last URB is unlinked or lost to an unplug never reaches the
 * host: its side-log line says so (SENT_NS 0) instead of going missing.
 */
static void test_unlink_side_log(void)
{
	struct peer *p;
	FILE *f = tmpfile();
	uint32_t a, b;

	if (!f)
		abort();
	unit_fresh();
	sidelog = f;
	p = peer_new(HALF_DEPTH, 300);
	set_jitter("60000000,1000,uniform");
	depth_frame(5000, 41);
	depth_frame(3000, 42);
	a = submit(p, USBIP_DIR_IN, EP_DEPTH_STREAM_IN & 0xf, 65536, NULL);
	b = submit(p, USBIP_DIR_IN, EP_DEPTH_STREAM_IN & 0xf, 65536, NULL);
	pump(p, now_ns());
	ok(p->h->doneq.n == 2 && side_sent(f, 41) < 0 && side_sent(f, 42) < 0,
	   "two depth frames answered, held back: no side-log line yet");
	unlink_urb(p, a, NULL);
	pump(p, far());
	ok(vurb_find(p, a)->by_unlink && side_sent(f, 41) == 0 && vurb_find(p, b)->actual == 3000 &&
	   side_sent(f, 42) > 0, "frame whose URB was unlinked: SENT_NS 0; the next one sent");
	depth_frame(4000, 43);
	a = submit(p, USBIP_DIR_IN, EP_DEPTH_STREAM_IN & 0xf, 65536, NULL);
	pump(p, now_ns());
	ok(p->h->doneq.n == 1 && side_sent(f, 43) < 0, "a third frame held back");
	half_unplug(p->h, true);
	ok(side_sent(f, 43) == 0, "device unplugged under it: SENT_NS 0");
	ok(p->errors == 0, "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	sidelog = NULL;
	fclose(f);
	peer_free(p);
}

/*
 * A vhci_hcd that submits, unlinks (also before the submit went out, and
 * while replies are still unread in the socket) and reads at random moments,
 * with jitter on. Every URB must be given back exactly once, every unlink
 * answered once, and nothing may be refused.
 */
static void test_unlink_random(void)
{
	struct peer *p;
	uint64_t rng = 0x1234567887654321ull;
	unsigned int step, early = 0, unlinks = 0;
	uint32_t pend_seq = 0;
	bool pend = false;
	uint32_t tid = 100;

	uint64_t early0;

	unit_fresh();
	set_jitter("300,2000,pareto,20000,5000");
	p = peer_new(HALF_DEPTH, 0xffffff00u);
	early0 = p->h->cnt.unlink_early;
	for (step = 0; step < 3000 && p->nurb < PEER_MAX - 8 && p->nunl < PEER_MAX - 8; step++) {
		unsigned int r = (unsigned int)(xorshift64(&rng) % 100);

		if (pend && r < 60) {
			/* the URB whose unlink went first */
			submit_seq(p, pend_seq, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL, NULL, 0);
			pend = false;
		} else if (r < 25) {
			submit(p, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL);
		} else if (r < 40) {
			if ((tid & 1))
				read_sn(p, tid);
			else
				command(p, tid, OP_D_COMPONENT_VERSION, 18, NULL, 0);
			tid++;
		} else if (r < 62) {
			/* unlink a URB vhci still holds (maybe answered, unread) */
			unsigned int i = 0, k = (unsigned int)xorshift64(&rng), n;

			for (n = 0; n < p->nurb; n++) {
				i = (k + n) % p->nurb;	/* nurb > 0 inside the loop */
				if (p->urb[i].sent && !p->urb[i].done && !p->urb[i].unlinking)
					break;
			}
			if (n < p->nurb) {
				unlink_urb(p, p->urb[i].seq, NULL);
				unlinks++;
			}
		} else if (r < 67 && !pend) {
			/* vhci's transmit race: the unlink of a new URB goes out first */
			pend_seq = seq_new(p);
			unlink_urb(p, pend_seq, NULL);
			pend = true;
			early++;
		} else if (r < 85) {
			pump(p, now_ns() + (int64_t)(xorshift64(&rng) % 4000000));
		} else if (r < 95) {
			/* the emulator works, vhci does not read yet */
			half_readable(p->h);
			deliver_rsp(p->h, now_ns());
			half_service(p->h, now_ns() + (int64_t)(xorshift64(&rng) % 4000000));
		} else {
			peer_drain(p);
		}
	}
	if (pend)
		submit_seq(p, pend_seq, USBIP_DIR_IN, rsp_ep_of(p), 512, NULL, NULL, 0);
	/* stop: unlink everything still held */
	{
		unsigned int i;

		for (i = 0; i < p->nurb; i++)
			if (p->urb[i].sent && !p->urb[i].done && !p->urb[i].unlinking)
				unlink_urb(p, p->urb[i].seq, NULL);
	}
	pump(p, far());
	pump(p, far());
	ok(settled(p) && p->errors == 0,
	   "random submit/unlink/read with jitter: %u URBs, %u unlinks (%u before their submit), "
	   "every URB given back once, every unlink answered%s%s",
	   p->nurb, p->nunl, early, p->errors ? ": " : "", p->why);
	ok(p->h->cnt.unlink_early - early0 == early,
	   "each unlink that overtook its submit was answered -ECONNRESET (%llu)",
	   (unsigned long long)(p->h->cnt.unlink_early - early0));
	(void)unlinks;
	peer_free(p);
}

/* ---- faults on the video endpoint, and the faults each frame met in the side log ---- */

/* the side-log line of frame @counter of @stream: 0 and its SENT_NS and faults, -1 if none */
static int side_line(FILE *f, const char *stream, uint32_t counter, long long *sent,
		     char *faults, size_t cap)
{
	char line[512], ser[32], st[16], fl[256];
	unsigned int c;
	unsigned long long ticks;
	long long soe, snt;
	int r = -1;

	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %15s %u %llu %lld %lld %255s", ser, st, &c, &ticks, &soe,
			   &snt, fl) == 7 && !strcmp(st, stream) && c == counter) {
			*sent = snt;
			snprintf(faults, cap, "%s", fl);
			r = 0;
		}
	fseek(f, 0, SEEK_END);
	return r;
}

/* a class or standard control request without data stage (or with @len bytes OUT) */
static uint32_t ctrl_out(struct peer *p, uint8_t bm, uint8_t rq, uint16_t val, uint16_t idx,
			 const void *data, uint16_t len)
{
	uint8_t setup[8] = { bm, rq, (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)idx,
			     (uint8_t)(idx >> 8), (uint8_t)len, (uint8_t)(len >> 8) };
	uint32_t seq = seq_new(p);

	submit_seq(p, seq, USBIP_DIR_OUT, 0, len, data, setup, 0);
	pump(p, now_ns());
	return seq;
}

/* probe and commit MJPG 1280x720 at 30 fps, then alternate setting @alt */
static bool uvc_stream(struct peer *p, uint8_t alt)
{
	uint8_t pc[26] = { 1, 0, 1, 1 };
	uint32_t a, b, c;

	put32(pc + 4, 333333);
	a = ctrl_out(p, 0x21, 0x01, 0x0100, 0x0001, pc, sizeof(pc));
	b = ctrl_out(p, 0x21, 0x01, 0x0200, 0x0001, pc, sizeof(pc));
	c = ctrl_out(p, 0x01, 11, alt, 1, NULL, 0);
	return vurb_find(p, a)->status == 0 && vurb_find(p, b)->status == 0 &&
	       vurb_find(p, c)->status == 0 && units[0].color_on;
}

/* the model starts colour frame @counter now (its exposure just ended) */
static void color_frame(uint32_t counter)
{
	struct unit *un = &units[0];
	struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_CREADY;
	e.u = un;
	e.gen = un->gen;
	e.t = now_ns();
	e.gt.stream = EMU_GT_COLOR;
	memcpy(e.gt.serial, un->serial, 16);
	e.gt.frame_counter = counter;
	e.gt.device_ticks = 3000ull * counter;
	e.pts = e.gt.device_ticks;
	e.exp_100ns = 100000;
	ev_push(&e);
	model_run_due(e.t);
}

#define ISO_NPK		8
#define ISO_PKT		1024

/* one iso URB of ISO_NPK packets of ISO_PKT bytes, served */
static uint32_t iso_urb(struct peer *p)
{
	uint32_t seq = seq_new(p);

	submit_seq(p, seq, USBIP_DIR_IN, EP_COLOR_VIDEO_IN & 0xf, ISO_NPK * ISO_PKT, NULL, NULL,
		   ISO_NPK);
	pump(p, far());
	return seq;
}

/* iso URBs until the frame being sent is done; returns how many */
static unsigned int iso_rest(struct peer *p)
{
	unsigned int n = 0;

	while (emu_uvc_frame_pending(units[0].uvc) && n < 1000) {
		iso_urb(p);
		n++;
	}
	return n;
}

/*
 * The delivery latency of an iso URB counts from the end of its service
 * intervals. When the loop gets there later than that latency, the URB goes
 * out at once, its intervals taken to end the drawn latency before the send:
 * the SCRs carry the modelled latency and none of the loop's lateness.
 */
static void test_iso_latency(void)
{
	const int64_t lat = 3000000, ival = 125000, tick = 12000;
	struct timespec late = { 0, 12000000 };
	struct unit *un = &units[0];
	struct peer *p;
	struct vurb *v;
	int64_t t0, t1, end = 0;
	uint32_t seq;

	unit_fresh();
	p = peer_new(HALF_COLOR, 30000);
	ok(uvc_stream(p, 1), "probe, commit MJPG 1280x720@30, alt 1: colour streams");
	un->gen++;		/* the model's frame grid stops: the test starts every frame */
	set_jitter("3000,0");	/* every completion 3 ms after its data */
	color_frame(1);
	seq = seq_new(p);
	submit_seq(p, seq, USBIP_DIR_IN, EP_COLOR_VIDEO_IN & 0xf, ISO_NPK * ISO_PKT, NULL, NULL,
		   ISO_NPK);
	pump_rx(p);
	ok(p->h->isoq.n == 1, "the iso URB waits for its %d service intervals", ISO_NPK);
	/* the loop comes back 12 ms later: 11 ms after the intervals, 8 ms after its due time */
	nanosleep(&late, NULL);
	t0 = now_ns();
	pump(p, t0);
	t1 = now_ns();
	v = vurb_find(p, seq);
	if (v->done && v->have_scr)
		end = clk_ns(&un->clk, (int64_t)v->scr) + ival * (ISO_NPK - v->scr_pkt);
	ok(v->done && v->status == 0 && v->have_scr && v->scr_pkt == ISO_NPK - 1,
	   "served at once, the frame's payload in every packet (last SCR in packet %d)",
	   v->scr_pkt);
	ok(end >= t0 - lat - tick && end <= t1 - lat + tick,
	   "its SCRs put the intervals' end %.3f ms before the send: the drawn 3 ms, not the "
	   "loop's 11 ms", (double)(t0 - end) / 1e6);
	set_jitter("0");
	iso_rest(p);
	ok(!p->errors, "no protocol error (%s)", p->why);
	peer_free(p);
}

/* the model's IMU sampling of @un makes a packet whose newest sample is now */
static int64_t imu_event(struct unit *un)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_IMU;
	e.u = un;
	e.n = un->imu_gen;
	e.t = now_ns();
	ev_push(&e);
	return e.t;
}

/*
 * An IMU packet's delivery latency counts from its newest sample: a loop that
 * makes the packet later than that latency sends it at once.
 */
static void test_imu_latency(void)
{
	struct timespec late = { 0, 5000000 }, early = { 0, 1000000 };
	struct unit *un = &units[0];
	struct peer *p;
	uint32_t x, y;
	int64_t t;

	unit_fresh();
	p = peer_new(HALF_COLOR, 40000);
	set_jitter("3000,0");	/* every completion 3 ms after its data */
	un->imu_on = true;
	x = submit(p, USBIP_DIR_IN, EP_COLOR_IMU_IN & 0xf, 512, NULL);
	y = submit(p, USBIP_DIR_IN, EP_COLOR_IMU_IN & 0xf, 512, NULL);
	pump_rx(p);
	t = imu_event(un);
	/* the loop gets to the packet 5 ms after its newest sample */
	nanosleep(&late, NULL);
	model_run_due(t);
	un->imu_on = false;
	pump(p, now_ns());
	ok(vurb_find(p, x)->done && vurb_find(p, x)->actual > 0,
	   "a packet made 5 ms after its newest sample goes out at once (latency 3 ms)");
	/* one made 1 ms after its sample waits the remaining 2 ms, not 3 */
	un->imu_on = true;
	t = imu_event(un);
	nanosleep(&early, NULL);
	model_run_due(t);
	un->imu_on = false;
	pump(p, now_ns());
	ok(!vurb_find(p, y)->done, "one made 1 ms after its sample is not sent at once");
	pump(p, t + 3000000);
	ok(vurb_find(p, y)->done, "it is due 3 ms after its sample");
	set_jitter("0");
	ok(!p->errors, "no protocol error (%s)", p->why);
	peer_free(p);
}

static void test_iso_faults(void)
{
	static char out[1 << 16];
	struct unit *un = &units[0];
	FILE *f = tmpfile();
	struct peer *p;
	struct vurb *v;
	uint32_t x, y, z;
	unsigned int n1, n5;
	long long sent;
	char fl[256], want[64];

	if (!f)
		abort();
	unit_fresh();
	sidelog = f;
	p = peer_new(HALF_COLOR, 20000);
	ok(uvc_stream(p, 1), "probe, commit MJPG 1280x720@30, alt 1: colour streams");
	un->gen++;		/* the model's frame grid stops: the test starts every frame */

	color_frame(1);
	n1 = iso_rest(p);
	ok(n1 >= 3 && side_line(f, "color", 1, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "-"), "a clean frame over %u URBs: sent, faults \"-\"", n1);

	/* iso.proto: every packet -EPROTO, URB status 0; the payloads are lost */
	color_frame(2);
	iso_urb(p);
	ok(ctl("fault 0 iso.proto 1", out, sizeof(out)) == 0, "fault 0 iso.proto 1");
	x = iso_urb(p);
	v = vurb_find(p, x);
	ok(v->done && v->status == 0 && v->actual == 0 && v->nbad == ISO_NPK &&
	   v->pst0 == -71 && v->error_count == ISO_NPK,
	   "iso.proto: URB status 0, no data, all %d packets -EPROTO", ISO_NPK);
	iso_rest(p);
	ok(side_line(f, "color", 2, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "iso.proto"), "the frame it cut into: sent, faults iso.proto (%s)", fl);

	/* iso.stall: URB -EPIPE, packets -EXDEV; nothing was sent, nothing lost */
	color_frame(3);
	iso_urb(p);
	ok(ctl("fault 0 iso.stall", out, sizeof(out)) == 0, "fault 0 iso.stall");
	x = iso_urb(p);
	v = vurb_find(p, x);
	ok(v->done && v->status == -32 && v->actual == 0 && v->nbad == ISO_NPK && v->pst0 == -18,
	   "iso.stall: URB -EPIPE, no data, every packet -EXDEV (%d, %d)", v->status, v->pst0);
	y = iso_urb(p);
	ok(vurb_find(p, y)->status == 0 && vurb_find(p, y)->nbad == 0 &&
	   vurb_find(p, y)->actual > 0, "the next URB carries data again");
	iso_rest(p);
	ok(side_line(f, "color", 3, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "iso.stall"), "the frame in transfer: sent, faults iso.stall (%s)", fl);

	/* iso.err: the first packet -EPROTO without data, the others carry it */
	color_frame(4);
	iso_urb(p);
	ctl("fault 0 iso.err 1", out, sizeof(out));
	x = iso_urb(p);
	v = vurb_find(p, x);
	ok(v->status == 0 && v->nbad == 1 && v->pst0 == -71 && v->pst1 == 0 &&
	   v->actual == (ISO_NPK - 1) * ISO_PKT, "iso.err: packet 0 -EPROTO, the other 7 full");
	iso_rest(p);
	ok(side_line(f, "color", 4, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "iso.err"), "faults iso.err (%s)", fl);

	/* a frame whose end is lost never reaches the host: SENT_NS 0 */
	color_frame(5);
	ctl("fault 0 iso.proto -1", out, sizeof(out));
	n5 = iso_rest(p);
	ctl("fault 0 iso.proto 0", out, sizeof(out));
	ok(side_line(f, "color", 5, &sent, fl, sizeof(fl)) == 0 && sent == 0 &&
	   !strcmp(fl, "iso.proto"), "every payload lost: SENT_NS 0, faults iso.proto");

	/* between frames a fault hits no frame */
	ctl("fault 0 iso.proto 1", out, sizeof(out));
	x = iso_urb(p);
	color_frame(6);
	iso_rest(p);
	ok(vurb_find(p, x)->nbad == ISO_NPK &&
	   side_line(f, "color", 6, &sent, fl, sizeof(fl)) == 0 && sent > 0 && !strcmp(fl, "-"),
	   "iso.proto with no frame in transfer: next frame clean");

	/* UVC payload faults, alone and with an iso fault */
	ctl("fault 0 uvc.short 1", out, sizeof(out));
	color_frame(7);
	iso_rest(p);
	ok(side_line(f, "color", 7, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "uvc.short"), "faults uvc.short (%s)", fl);
	ctl("fault 0 uvc.long 1", out, sizeof(out));
	color_frame(8);
	iso_urb(p);
	ctl("fault 0 iso.err 1", out, sizeof(out));
	iso_rest(p);
	ok(side_line(f, "color", 8, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "iso.err,uvc.long"), "faults iso.err,uvc.long (%s)", fl);
	color_frame(9);
	iso_rest(p);
	ok(side_line(f, "color", 9, &sent, fl, sizeof(fl)) == 0 && !strcmp(fl, "-"),
	   "the frame after: \"-\"");

	/* URBs hit: one each for frames 2, 3, 4, 8 and between frames, all of frame 5's */
	snprintf(want, sizeof(want), " mcu_delay_ms=0 iso_faults=%u\n", 5 + n5);
	ok(ctl("dump 0", out, sizeof(out)) == 0 && strstr(out, want) &&
	   strstr(out, " mcu_delay_ms=0 iso_faults=0\n") && strstr(out, " faulted=2\n"),
	   "dump: colour iso_faults=%u, depth 0, uvc faulted=2", 5 + n5);
	ok(ctl("fault 0 iso.stall 1 2", out, sizeof(out)) != 0 &&
	   ctl("fault 0 iso.proto x", out, sizeof(out)) != 0 &&
	   ctl("fault 0 iso.bogus", out, sizeof(out)) != 0 && un->f.iso_stall == 0,
	   "bad iso fault arguments refused");

	/* a halted video endpoint: queued and new URBs fail -EPIPE with their descriptors */
	x = seq_new(p);
	submit_seq(p, x, USBIP_DIR_IN, EP_COLOR_VIDEO_IN & 0xf, ISO_NPK * ISO_PKT, NULL, NULL,
		   ISO_NPK);
	pump_rx(p);
	ok(ctl("stall 0 color 0x81", out, sizeof(out)) == 0, "stall 0 color 0x81");
	pump_rx(p);
	y = iso_urb(p);
	ok(vurb_find(p, x)->status == -32 && vurb_find(p, x)->nbad == ISO_NPK &&
	   vurb_find(p, y)->status == -32 && vurb_find(p, y)->nbad == ISO_NPK,
	   "halted: the waiting and a new iso URB fail -EPIPE, every packet failed");
	ctrl_out(p, 0x02, 1, 0, 0x81, NULL, 0);		/* CLEAR_FEATURE(ENDPOINT_HALT) */
	color_frame(10);
	z = iso_urb(p);
	iso_rest(p);
	ok(vurb_find(p, z)->status == 0 && vurb_find(p, z)->actual > 0 &&
	   side_line(f, "color", 10, &sent, fl, sizeof(fl)) == 0 && sent > 0 && !strcmp(fl, "-"),
	   "halt cleared: streams again");
	ok(settled(p), "vhci takes every reply%s%s", p->errors ? ": " : "", p->why);
	peer_free(p);
	sidelog = NULL;
	fclose(f);
}

/* depth and IMU faults named in the side log */
static void test_side_log_faults(void)
{
	static char out[1 << 12];
	struct unit *un = &units[0];
	FILE *f = tmpfile();
	struct peer *d, *c;
	struct event e;
	long long sent;
	char fl[256];
	uint32_t x;

	if (!f)
		abort();
	unit_fresh();
	sidelog = f;
	d = peer_new(HALF_DEPTH, 30000);
	c = peer_new(HALF_COLOR, 40000);
	/* depth: frames of the model (no sensor mode: 0 bytes, depth.long adds 1000) */
	un->depth_on = true;
	memset(&e, 0, sizeof(e));
	e.kind = EV_DREADY;
	e.u = un;
	e.gen = un->gen;
	e.gt.stream = EMU_GT_DEPTH;
	memcpy(e.gt.serial, un->serial, 16);
	e.t = now_ns();
	ctl("fault 0 depth.long 1000 1", out, sizeof(out));
	e.gt.frame_counter = 71;
	ev_push(&e);
	model_run_due(e.t);
	x = submit(d, USBIP_DIR_IN, EP_DEPTH_STREAM_IN & 0xf, 65536, NULL);
	pump(d, far());
	ok(vurb_find(d, x)->actual == 1000 &&
	   side_line(f, "depth", 71, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "depth.long"), "depth frame 71: 1000 bytes, depth.long (%s)", fl);
	ctl("fault 0 depth.zero", out, sizeof(out));
	e.gt.frame_counter = 72;
	ev_push(&e);
	model_run_due(e.t);
	ctl("fault 0 depth.short 10", out, sizeof(out));
	e.gt.frame_counter = 73;
	ev_push(&e);
	model_run_due(e.t);
	depth_flush(un);
	ok(side_line(f, "depth", 72, &sent, fl, sizeof(fl)) == 0 && sent == 0 &&
	   !strcmp(fl, "depth.zero") && side_line(f, "depth", 73, &sent, fl, sizeof(fl)) == 0 &&
	   !strcmp(fl, "depth.short"), "flushed depth frames keep their faults");
	un->depth_on = false;

	/* IMU */
	ctl("fault 0 imu.count 1", out, sizeof(out));
	ctl("fault 0 imu.mismatch 1", out, sizeof(out));
	un->imu_on = true;
	model_run_due(imu_event(un));
	un->imu_on = false;
	x = submit(c, USBIP_DIR_IN, EP_COLOR_IMU_IN & 0xf, 512, NULL);
	pump(c, far());
	ok(vurb_find(c, x)->done &&
	   side_line(f, "imu", un->imu_counter, &sent, fl, sizeof(fl)) == 0 && sent > 0 &&
	   !strcmp(fl, "imu.count,imu.mismatch"), "IMU packet: %s", fl);
	ok(settled(d) && settled(c), "vhci takes every reply");
	peer_free(d);
	peer_free(c);
	sidelog = NULL;
	fclose(f);
}

/* ---- command log ---- */

static unsigned int lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_cmdlog(void)
{
	static char out[1 << 20];
	struct peer *d, *c;
	uint8_t cfg[13] = { 1 }, bad[24];
	uint32_t mode = SENSOR_MODE_NFOV, fps = 30, tag = 2, i;
	const char *want =
		"total 8\n"
		"1 color 0x80000001 SET_SYS_CFG\n"
		"2 depth 0x000000E1 DEPTH_MODE_SET\n"
		"3 depth 0x00000022 NV_DATA_GET\n"
		"4 depth 0x00000103 DEPTH_FPS_SET\n"
		"5 depth 0x00000009 DEPTH_START\n"
		"6 depth 0x000000F1 DEPTH_STREAM_START\n"
		"7 color 0x80000006 GET_JACK_STATE\n"
		"8 color 0x00000000 INVALID\n";
	char *l;
	unsigned long long first = 0, total = 0;
	unsigned int n;
	int rc;

	unit_fresh();
	d = peer_new(HALF_DEPTH, 1);
	c = peer_new(HALF_COLOR, 10000);
	command(d, 1, OP_D_READ_SN, 255, NULL, 0);
	pump(d, far());
	ok(ctl("cmdlog 0", out, sizeof(out)) == 0 &&
	   !strcmp(out, "total 1\n1 depth 0x00000115 READ_PRODUCT_SN\n"),
	   "cmdlog before a clear: counts from the start");
	ok(ctl("cmdlog 0 clear", out, sizeof(out)) == 0 &&
	   ctl("cmdlog 0", out, sizeof(out)) == 0 && !strcmp(out, "total 0\n"), "cmdlog 0 clear");
	command(c, 1, OP_C_SET_SYS_CFG, 0, cfg, sizeof(cfg));
	pump(c, far());
	command(d, 2, OP_D_MODE_SET, 0, &mode, 4);
	command(d, 3, OP_D_NV_DATA_GET, 2000000, &tag, 4);
	command(d, 4, OP_D_FPS_SET, 0, &fps, 4);
	command(d, 5, OP_D_DEPTH_START, 0, NULL, 0);
	command(d, 6, OP_D_STREAM_START, 0, NULL, 0);
	pump(d, far());
	command(c, 7, OP_C_GET_JACK_STATE, 1, NULL, 0);
	memset(bad, 0, sizeof(bad));
	submit(c, USBIP_DIR_OUT, EP_COLOR_CMD_OUT, sizeof(bad), bad);
	pump(c, far());
	ok(ctl("cmdlog 0", out, sizeof(out)) == 0 && !strcmp(out, want),
	   "vendor command order, both halves interleaved as received, a broken packet as INVALID");
	if (strcmp(out, want))
		printf("# got:\n%s", out);
	ok(ctl("cmdlog 0 junk", out, sizeof(out)) != 0 && ctl("cmdlog 9", out, sizeof(out)) != 0 &&
	   ctl("cmdlog", out, sizeof(out)) != 0, "cmdlog refuses a bad unit or argument");
	/* overflow: the last CMDLOG_SIZE of 5000 */
	for (i = 0; i < 5000; i++) {
		command(c, 100 + i, OP_C_GET_JACK_STATE, 1, NULL, 0);
		if (i % 64 == 63)
			pump(c, far());
	}
	pump(c, far());
	rc = ctl("cmdlog 0", out, sizeof(out));
	n = lines(out);
	ok(rc == 0 && sscanf(out, "total %llu", &total) == 1 && total == 5008 &&
	   n == CMDLOG_SIZE + 1, "5008 commands: total 5008 and the last %u (%u lines)",
	   CMDLOG_SIZE, n);
	l = strchr(out, '\n');
	if (l)
		sscanf(l + 1, "%llu", &first);
	ok(first == 5008 - CMDLOG_SIZE + 1 &&
	   strstr(out, "\n5008 color 0x80000006 GET_JACK_STATE\n") && !strstr(out, "\n912 "),
	   "oldest kept is %llu, the newest 5008", first);
	ok(units[0].h[HALF_COLOR].cnt.cmds == 5003 && c->errors == 0 && d->errors == 0,
	   "every command got through");
	peer_free(d);
	peer_free(c);
}

/* ---- UVC control log ---- */

/* a UVC class request on interface @ifnum/entity @ent: SET_CUR with @len bytes, or a GET */
static uint32_t uvc_req(struct peer *p, uint8_t rq, uint8_t cs, uint8_t ifnum, uint8_t ent,
			uint32_t val, uint16_t len)
{
	uint8_t setup[8] = { rq == 0x01 ? 0x21 : 0xa1, rq, 0, cs, ifnum, ent, (uint8_t)len, 0 };
	uint8_t d[34] = { 0 };
	uint32_t seq = seq_new(p);

	put32(d, val);
	if (ifnum == 1) {	/* probe/commit: format 1, frame 1, interval @val */
		memset(d, 0, 4);
		d[2] = 1;
		d[3] = 1;
		put32(d + 4, val);
	}
	submit_seq(p, seq, rq == 0x01 ? USBIP_DIR_OUT : USBIP_DIR_IN, 0, len, d, setup, 0);
	pump(p, now_ns());
	return seq;
}

static void test_uvclog(void)
{
	static char out[1 << 16];
	struct peer *c;
	char want[64], *l;
	const char *expect =
		"total 9\n"
		"ct ae_mode 1\n"
		"ct exposure_abs 100\n"
		"pu brightness -5 stall\n"
		"pu wb_temp_auto 0\n"
		"pu wb_temp 5000\n"
		"pu power_line 1\n"
		"vs probe 1 1 333333\n"
		"vs commit 1 1 333333\n";
	unsigned int i, n;
	uint32_t x;

	unit_fresh();
	c = peer_new(HALF_COLOR, 60000);
	ok(ctl("uvclog 0", out, sizeof(out)) == 0 && !strcmp(out, "total 0\n"), "uvclog: empty");
	x = uvc_req(c, 0x81, 0x02, 0, 2, 0, 2);			/* GET_CUR brightness */
	ok(vurb_find(c, x)->actual == 2, "GET_CUR brightness answered");
	uvc_req(c, 0x01, 0x02, 0, 1, 1, 1);			/* AE manual */
	uvc_req(c, 0x01, 0x04, 0, 1, 100, 4);			/* 10 ms */
	x = uvc_req(c, 0x01, 0x02, 0, 2, 0xfffb, 2);		/* brightness -5 */
	ok(vurb_find(c, x)->status == -32, "brightness -5 stalls");
	uvc_req(c, 0x01, 0x0b, 0, 2, 0, 1);
	uvc_req(c, 0x01, 0x0a, 0, 2, 5000, 2);
	uvc_req(c, 0x01, 0x05, 0, 2, 1, 1);
	ctrl_out(c, 0x01, 11, 0, 1, NULL, 0);			/* standard: not logged */
	uvc_req(c, 0x01, 0x01, 1, 0, 333333, 26);
	uvc_req(c, 0x01, 0x02, 1, 0, 333333, 26);
	ok(ctl("uvclog 0", out, sizeof(out)) == 0 && !strcmp(out, expect),
	   "SET_CURs in order with their values, a refused one marked, GETs only counted");
	if (strcmp(out, expect))
		printf("# got:\n%s", out);

	/* the log belongs to the unit: a replug keeps it */
	peer_free(c);
	c = peer_new(HALF_COLOR, 61000);
	uvc_req(c, 0x81, 0x04, 0, 2, 0, 2);
	ok(ctl("uvclog 0", out, sizeof(out)) == 0 && !strncmp(out, "total 10\nct ae_mode 1\n", 22),
	   "kept across replug (total 10)");
	ok(ctl("uvclog 0 clear", out, sizeof(out)) == 0 && ctl("uvclog 0", out, sizeof(out)) == 0 &&
	   !strcmp(out, "total 0\n"), "uvclog 0 clear");
	ok(ctl("uvclog 0 junk", out, sizeof(out)) != 0 && ctl("uvclog 9", out, sizeof(out)) != 0 &&
	   ctl("uvclog", out, sizeof(out)) != 0, "uvclog refuses a bad unit or argument");

	/* the last UVCLOG_SIZE SET_CURs of 300 */
	for (i = 0; i < 300; i++)
		uvc_req(c, 0x01, 0x04, 0, 2, i % 256, 2);
	uvc_req(c, 0x81, 0x04, 0, 2, 0, 2);
	i = (unsigned int)ctl("uvclog 0", out, sizeof(out));
	n = lines(out);
	ok(i == 0 && n == UVCLOG_SIZE + 1 && !strncmp(out, "total 301\n", 10),
	   "301 requests, 300 SET_CURs: the last %u (%u lines)", UVCLOG_SIZE, n);
	l = strchr(out, '\n');
	snprintf(want, sizeof(want), "\npu gain %u\n", 300 - UVCLOG_SIZE);
	n = (unsigned int)strlen(out);
	ok(l && !strncmp(l, want, strlen(want)) && n > 12 &&
	   !strcmp(out + n - 12, "\npu gain 43\n"),
	   "oldest kept first (SET_CUR %u), the newest (299 %% 256) last", 301 - UVCLOG_SIZE);
	ok(settled(c), "vhci takes every reply%s%s", c->errors ? ": " : "", c->why);
	peer_free(c);
}

/* ---- slow MCU ---- */

static void test_mcudelay(void)
{
	static char out[1 << 16];
	struct peer *d, *c;
	uint32_t cd, cs, dd, ds, x[3], s, tag = 2;
	int64_t t0, t1;
	int i;
	const int64_t ms = 1000000;

	unit_fresh();
	d = peer_new(HALF_DEPTH, 1);
	c = peer_new(HALF_COLOR, 5000);
	ok(ctl("mcudelay 0 color 300", out, sizeof(out)) == 0 &&
	   units[0].mcu_delay_ms[HALF_COLOR] == 300 && units[0].mcu_delay_ms[HALF_DEPTH] == 0,
	   "mcudelay 0 color 300");
	ok(ctl("mcudelay 0 both 3", out, sizeof(out)) &&
	   ctl("mcudelay 0 color -1", out, sizeof(out)) &&
	   ctl("mcudelay 0 color 1x", out, sizeof(out)) &&
	   ctl("mcudelay 0 color", out, sizeof(out)) &&
	   ctl("mcudelay 3 depth 1", out, sizeof(out)) && units[0].mcu_delay_ms[HALF_COLOR] == 300,
	   "bad mcudelay arguments refused, setting unchanged");
	ok(ctl("dump 0", out, sizeof(out)) == 0 && strstr(out, "usb 0 color ") &&
	   strstr(strstr(out, "usb 0 color "), "mcu_delay_ms=300"), "dump shows mcu_delay_ms=300");
	t0 = now_ns();
	command(c, 1, OP_C_GET_JACK_STATE, 1, NULL, 0);
	cd = submit(c, USBIP_DIR_IN, rsp_ep_of(c), 512, NULL);
	cs = submit(c, USBIP_DIR_IN, rsp_ep_of(c), 512, NULL);
	command(d, 1, OP_D_READ_SN, 255, NULL, 0);
	dd = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 512, NULL);
	ds = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 512, NULL);
	pump(c, t0 + 300 * ms - 1);
	pump(d, now_ns());
	t1 = now_ns();
	ok(!vurb_find(c, cd)->done && !vurb_find(c, cs)->done && c->ntrace == 1,
	   "colour reply and status not complete before 300 ms after their submit");
	ok(vurb_find(d, dd)->actual == 12 && vurb_find(d, ds)->actual == MCU_STATUS_SIZE,
	   "the depth MCU of the same unit answers meanwhile");
	ok(ctl("dump", out, sizeof(out)) == 0 && strstr(out, "emu units=1"),
	   "the control socket answers meanwhile");
	pump(c, t1 + 300 * ms + 1 * ms);
	ok(vurb_find(c, cd)->actual == 1 && vurb_find(c, cs)->actual == MCU_STATUS_SIZE &&
	   trace_at(c, USBIP_RET_SUBMIT, cd) < trace_at(c, USBIP_RET_SUBMIT, cs),
	   "then both complete, in order");

	/* a long read in 64 KiB pieces: each piece waits from its own submit */
	ok(ctl("mcudelay 0 depth 200", out, sizeof(out)) == 0, "mcudelay 0 depth 200");
	command(d, 2, OP_D_POWER_ON, 0, NULL, 0);
	s = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 512, NULL);
	pump(d, far());
	command(d, 3, OP_D_NV_DATA_GET, 2000000, &tag, 4);
	for (i = 0; i < 3; i++) {
		t0 = now_ns();
		x[i] = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 65536, NULL);
		pump(d, t0 + 200 * ms - 1);
		ok(!vurb_find(d, x[i])->done, "piece %d held until 200 ms after its submit", i);
		pump(d, now_ns() + 200 * ms + 1 * ms);
		ok(vurb_find(d, x[i])->actual == 65536, "piece %d complete after", i);
	}
	ok(ctl("mcudelay 0 depth 0", out, sizeof(out)) == 0, "mcudelay 0 depth 0");
	/* the test ran the clock ahead: the endpoint's last completion is the earliest */
	t0 = d->h->ep_last_due[rsp_ep_of(d)];
	x[0] = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 2000000, NULL);
	pump(d, t0);
	ok(vurb_find(d, x[0])->actual == (int32_t)NV_BLOB_SIZE - 3 * 65536,
	   "off again: the rest completes right behind the piece before it");
	/* an unlink of a delayed reply is answered at once, and exactly once */
	ctl("mcudelay 0 depth 500", out, sizeof(out));
	x[1] = submit(d, USBIP_DIR_IN, rsp_ep_of(d), 512, NULL);
	pump(d, now_ns());
	unlink_urb(d, x[1], NULL);
	pump(d, now_ns());
	ok(vurb_find(d, x[1])->by_unlink && vurb_find(d, x[1])->status == ECONNRESET_NEG,
	   "a delayed reply unlinked: RET_UNLINK -ECONNRESET");
	ctl("mcudelay 0 depth 0", out, sizeof(out));
	ctl("mcudelay 0 color 0", out, sizeof(out));
	(void)s;
	ok(settled(d) && settled(c), "vhci takes every reply%s%s%s", d->why, c->errors ? " " : "",
	   c->why);
	peer_free(d);
	peer_free(c);
}

static void test_opcode_names(void)
{
	ok(!strcmp(mcu_opcode_name(MCU_DEPTH, OP_D_MODE_SET), "DEPTH_MODE_SET") &&
	   !strcmp(mcu_opcode_name(MCU_DEPTH, OP_D_NV_DATA_GET), "NV_DATA_GET") &&
	   !strcmp(mcu_opcode_name(MCU_COLOR, OP_C_GET_JACK_STATE), "GET_JACK_STATE") &&
	   !strcmp(mcu_opcode_name(MCU_COLOR, OP_C_RESET), "RESET") &&
	   !strcmp(mcu_opcode_name(MCU_DEPTH, OP_D_RESET), "RESET") &&
	   !strcmp(mcu_opcode_name(MCU_COLOR, OP_D_MODE_SET), "UNKNOWN"),
	   "opcode names as in the protocol reference, per MCU");
}

/*
 * A busy MCU: replies wait for the hold to end; a URB the host unlinks
 * meanwhile takes nothing, so the reply goes to the next IN transfer in order.
 */
static void test_mcuhold(void)
{
	static char out[1 << 16];
	struct peer *c;
	uint32_t a, b, st;
	int64_t t0;
	const int64_t ms = 1000000;

	unit_fresh();
	c = peer_new(HALF_COLOR, 7000);
	ok(ctl("mcuhold 0 color x", out, sizeof(out)) && ctl("mcuhold 0 color -5", out, sizeof(out)) &&
	   ctl("mcuhold 0 both 5", out, sizeof(out)) && units[0].mcu_hold_until[HALF_COLOR] == 0,
	   "bad mcuhold arguments refused");
	t0 = now_ns();
	ok(ctl("mcuhold 0 color 200", out, sizeof(out)) == 0 &&
	   units[0].mcu_hold_until[HALF_COLOR] >= t0 + 200 * ms &&
	   units[0].mcu_hold_until[HALF_DEPTH] == 0, "mcuhold 0 color 200");
	command(c, 1, OP_C_GET_JACK_STATE, 1, NULL, 0);
	a = submit(c, USBIP_DIR_IN, rsp_ep_of(c), 512, NULL);
	pump(c, far());
	/* asserted only while the hold still runs (a stalled host may pass it) */
	ok(now_ns() >= units[0].mcu_hold_until[HALF_COLOR] || !vurb_find(c, a)->done,
	   "no reply while the MCU is busy");
	unlink_urb(c, a, NULL);
	pump(c, now_ns());
	ok(vurb_find(c, a)->by_unlink && vurb_find(c, a)->status == ECONNRESET_NEG,
	   "the waiting URB unlinked: RET_UNLINK -ECONNRESET");
	b = submit(c, USBIP_DIR_IN, rsp_ep_of(c), 512, NULL);
	st = submit(c, USBIP_DIR_IN, rsp_ep_of(c), 512, NULL);
	pump(c, far());
	ok(now_ns() >= units[0].mcu_hold_until[HALF_COLOR] || !vurb_find(c, b)->done,
	   "still nothing before the hold ends");
	while (now_ns() <= units[0].mcu_hold_until[HALF_COLOR])
		usleep(10000);
	pump(c, far());
	pump(c, far());
	ok(vurb_find(c, b)->actual == 1 && vurb_find(c, st)->actual == MCU_STATUS_SIZE,
	   "after it, the next transfers get the data stage and the status");
	ok(settled(c), "vhci takes every reply%s", c->why);
	peer_free(c);
}

int main(void)
{
	opts.units = 1;
	snprintf(opts.serial_base, sizeof(opts.serial_base), "000123456701");
	opts.topology = "none";
	opts.depth_buffer = 2;
	opts.sub_skip = 1;
	opts.color_exposure_us = 10000;
	nunits = 1;
	unit_init(&units[0], 0);
	model_init();
	if (emu_pattern_init() < 0)
		return 1;
	test_opcode_names();
	test_unlink_before_submit();
	test_unlink_pending();
	test_unlink_held();
	test_unlink_written();
	test_unlink_mid_write();
	test_unlink_iso();
	test_unlink_side_log();
	test_unlink_random();
	test_iso_latency();
	test_imu_latency();
	test_iso_faults();
	test_side_log_faults();
	test_cmdlog();
	test_uvclog();
	test_mcudelay();
	test_mcuhold();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
