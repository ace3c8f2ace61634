// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu time and sync model: per-unit 90 kHz clocks, frame cadence, sync
 * pulses over emulated cables, subordinate triggering, depth/IMU production
 * into bounded device buffers, colour frame starts, side log and laser
 * windows. See Documentation/emulator.rst for the rules implemented here.
 */
#include "emu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef EMU_NO_UVC
#include "uvc.h"
#endif

#define EV_MAX 1024
static struct event heap[EV_MAX];
static unsigned int nev;
static double gen_hz;
static uint32_t gen_gen;
static uint32_t pulse_id;
uint64_t ev_overflow;

void ev_push(const struct event *e)
{
	unsigned int i;

	if (nev == EV_MAX) {
		ev_overflow++;
		return;
	}
	i = nev++;
	while (i && heap[(i - 1) / 2].t > e->t) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = *e;
}

static void ev_pop(struct event *out)
{
	struct event last;
	unsigned int i = 0;

	*out = heap[0];
	last = heap[--nev];
	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= nev)
			break;
		if (c + 1 < nev && heap[c + 1].t < heap[c].t)
			c++;
		if (heap[c].t >= last.t)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (nev)
		heap[i] = last;
}

int64_t model_next_due(void)
{
	return nev ? heap[0].t : INT64_MAX;
}

static void push(struct unit *u, enum ev_kind k, int64_t t, int64_t n)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.t = t;
	e.kind = k;
	e.u = u;
	e.gen = u ? u->gen : 0;
	e.n = n;
	ev_push(&e);
}

static uint32_t sync_mode(const struct unit *u)
{
	return u->h[HALF_COLOR].mcu.cfg.mode;
}

static int64_t period_ticks(uint32_t fps)
{
	return fps ? TICKS_PER_SEC / fps : 3000;
}

uint8_t unit_jack(const struct unit *u)
{
	uint8_t j = 0;
	unsigned int i;

	if (u->sync_in != SYNC_SRC_NONE || u->in_cable)
		j |= 1;
	if (u->out_cable)
		j |= 2;
	for (i = 0; i < nunits; i++)
		if (units[i].sync_in == (int)u->index)
			j |= 2;
	return j;
}

/*
 * "-" for no fault, else the fault names as the fault command takes them,
 * comma-separated in FF_* order ("iso.proto,uvc.no_eof").
 */
const char *frame_faults_str(uint32_t faults, char *buf, size_t cap)
{
	static const char *const names[FF_UVC] = {
		"depth.short", "depth.long", "depth.zero", "imu.count", "imu.mismatch",
		"iso.err", "iso.stall", "iso.proto"
	};
	size_t len = 0;
	unsigned int b;

	if (!cap)
		return buf;
	buf[0] = 0;
	for (b = 0; b < 32; b++) {
		char one[40];

		if (!(faults & FF_BIT(b)))
			continue;
		if (b < FF_UVC)
			snprintf(one, sizeof(one), "%s", names[b]);
#ifndef EMU_NO_UVC
		else
			snprintf(one, sizeof(one), "uvc.%s",
				 emu_uvc_fault_name((enum emu_uvc_fault)(b - FF_UVC)));
#else
		else
			snprintf(one, sizeof(one), "uvc.%u", b - FF_UVC);
#endif
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? "," : "", one);
		if (len >= cap) {
			buf[cap - 1] = 0;
			return buf;
		}
	}
	if (!len)
		snprintf(buf, cap, "-");
	return buf;
}

void log_frame(const struct unit *u, const struct emu_gt *gt, int64_t sent, uint32_t faults)
{
	static const char *const names[] = { "depth", "color", "imu" };
	char f[256];

	if (!sidelog)
		return;
	fprintf(sidelog, "%s %s %u %llu %lld %lld %s\n", u->serial,
		gt->stream < 3 ? names[gt->stream] : "?", gt->frame_counter,
		(unsigned long long)gt->device_ticks, (long long)gt->soe_mono_ns,
		(long long)sent, frame_faults_str(faults, f, sizeof(f)));
}

static int64_t ticks_nonneg(const struct unit *u, int64_t ns)
{
	int64_t t = clk_ticks(&u->clk, ns);

	return t < 0 ? 0 : t;
}

static uint32_t depth_fps(const struct unit *u)
{
	return u->h[HALF_DEPTH].mcu.fps ? u->h[HALF_DEPTH].mcu.fps : 30;
}

static uint32_t depth_mode(const struct unit *u)
{
	return u->h[HALF_DEPTH].mcu.mode;
}

static int64_t color_exposure_ns(const struct unit *u)
{
#ifndef EMU_NO_UVC
	if (u->uvc && u->color_on) {
		uint32_t e = emu_uvc_exposure_100ns(u->uvc);

		if (e)
			return (int64_t)e * 100;
	}
#else
	(void)u;
#endif
	return (int64_t)opts.color_exposure_us * 1000;
}

/* A frame start at @tc (colour start of exposure). */
static void trigger(struct unit *u, int64_t tc, bool do_c, bool do_d)
{
	uint32_t mode = sync_mode(u);
	uint16_t flags = mode != SYNC_STANDALONE ? EMU_GT_F_SOF : 0;
	/*
	 * Exposures are timed by the unit's own crystal, as its delays are:
	 * the colour exposure it reports lasts that long in its time, which
	 * is what the ground truth needs in the guest's.
	 */
	int64_t cexp_dev = color_exposure_ns(u);
	int64_t cexp = clk_span_ns(&u->clk, cexp_dev);
	struct event e;

	if (do_d && tc - u->last_dtrig_ns < clk_dur_ns(&u->clk, period_ticks(depth_fps(u))) * 9 / 10)
		do_d = false;
	if (do_c) {
		memset(&e, 0, sizeof(e));
		e.kind = EV_CREADY;
		e.u = u;
		e.gen = u->gen;
		e.t = tc + cexp;
		e.gt.stream = EMU_GT_COLOR;
		e.gt.flags = flags;
		memcpy(e.gt.serial, u->serial, 16);
		e.gt.frame_counter = ++u->color_counter;
		e.gt.device_ticks = (uint64_t)ticks_nonneg(u, flags ? tc : tc + cexp / 2);
		e.gt.soe_mono_ns = (uint64_t)tc;
		e.pts = e.gt.device_ticks;
		e.exp_100ns = (uint32_t)(cexp_dev / 100);
		ev_push(&e);
	}
	if (do_d) {
		uint32_t sm = depth_mode(u);
		int64_t dexp = clk_span_ns(&u->clk, depth_exposure_ns(sm));
		int64_t d_ns = clk_dur_ns(&u->clk, u->h[HALF_COLOR].mcu.cfg.depth_delay_ticks);
		int64_t dsoe = u->color_on ? tc + (cexp - dexp) / 2 + d_ns : tc + d_ns;

		memset(&e, 0, sizeof(e));
		e.kind = EV_DREADY;
		e.u = u;
		e.gen = u->gen;
		e.t = dsoe + dexp > tc ? dsoe + dexp : tc;
		e.gt.stream = EMU_GT_DEPTH;
		e.gt.flags = flags;
		memcpy(e.gt.serial, u->serial, 16);
		e.gt.frame_counter = ++u->depth_counter;
		e.gt.device_ticks = (uint64_t)ticks_nonneg(u, flags ? dsoe : dsoe + dexp / 2);
		e.gt.soe_mono_ns = (uint64_t)dsoe;
		u->last_dtrig_ns = tc;
		u->laser_soe[u->laser_n % LASER_HIST] = dsoe;
		u->laser_mode[u->laser_n % LASER_HIST] = sm;
		u->laser_n++;
		ev_push(&e);
	}
}

/* next grid point >= now on a grid of @p ticks */
static int64_t grid_next(const struct unit *u, int64_t now, int64_t p)
{
	int64_t t = clk_ticks(&u->clk, now);

	if (t <= 0)
		return 0;
	return (t + p - 1) / p;
}

static void resched(struct unit *u, int64_t now)
{
	uint32_t mode = sync_mode(u);

	u->gen++;
	if (!u->depth_on && !u->color_on) {
		u->synced = false;	/* restarting a subordinate loses sync */
		return;
	}
	if (mode == SYNC_SUBORDINATE)
		return;		/* frames come from Sync In pulses */
	if (u->color_on) {
		int64_t p = period_ticks(u->color_fps);
		int64_t n = grid_next(u, now, p);

		push(u, EV_CGRID, clk_ns(&u->clk, n * p), n);
	} else {
		int64_t p = period_ticks(depth_fps(u));
		int64_t n = grid_next(u, now, p);

		push(u, EV_DGRID, clk_ns(&u->clk, n * p), n);
	}
}

static void pulse_in(struct unit *v, int64_t t, uint32_t id);

static void emit_pulse(struct unit *u, int64_t t, uint32_t id)
{
	unsigned int i;

	u->pulses_out++;
	for (i = 0; i < nunits; i++)
		if (units[i].sync_in == (int)u->index)
			pulse_in(&units[i], t, id);
}

static void pulse_in(struct unit *v, int64_t t, uint32_t id)
{
	if (v->pulse_seen_id == id)
		return;		/* cable loop */
	v->pulse_seen_id = id;
	v->pulses_in++;
	v->last_pulse_ns = t;
	if (sync_mode(v) != SYNC_SUBORDINATE)
		return;
	emit_pulse(v, t, id);	/* Sync Out mirrors Sync In */
	if (!v->depth_on && !v->color_on)
		return;
	if (!v->synced) {
		clk_reset(&v->clk, t);
		v->synced = true;
		v->pulses_used = 0;
		v->last_dtrig_ns = INT64_MIN / 2;
	}
	if (v->pulses_used++ < opts.sub_skip)
		return;
	push(v, EV_TRIG, t + clk_dur_ns(&v->clk, v->h[HALF_COLOR].mcu.cfg.sub_delay_ticks), 0);
}

static void make_imu_packet(struct unit *u, int64_t t)
{
	struct xitem *x;
	uint8_t *p;
	uint32_t g = 8, a = 8, i, slot;
	int64_t tick = ticks_nonneg(u, t);
	size_t len;

	u->imu_counter++;
	if (u->in == IMU_RING) {
		u->imu_dropped++;
		return;
	}
	slot = (u->ihead + u->in) % IMU_RING;
	x = &u->iring[slot];
	p = u->ipkt[slot];
	memset(x, 0, sizeof(*x));
	if (fault_take(&u->f.imu_mismatch)) {
		a = 7;
		x->faults |= FF_BIT(FF_IMU_MISMATCH);
	}
	len = 28 + 14 * (size_t)(g + a);
#define P16(o, v) do { p[o] = (uint8_t)(v); p[(o) + 1] = (uint8_t)((uint32_t)(v) >> 8); } while (0)
#define P32(o, v) do { P16(o, v); P16((o) + 2, (uint32_t)(v) >> 16); } while (0)
	P32(0, 19230);		/* temperature every 19.23 ms */
	P16(4, 1000);
	P16(6, (uint16_t)(int16_t)((36.5 - 15.0) * 256));
	P16(8, 35000);		/* gyro: 35 mdps/LSB (+-1000 dps) */
	P32(10, 600);
	P32(14, g);
	P16(18, 122);		/* accel: 122 ug/LSB (+-4 g) */
	P32(20, 600);
	P32(24, a);
	for (i = 0; i < g + a; i++) {
		uint8_t *s = p + 28 + 14 * i;
		uint32_t k = i < g ? i : i - g;
		uint64_t pts = (uint64_t)(tick - (int64_t)(7 - k) * 54 > 0 ? tick - (int64_t)(7 - k) * 54 : 0);
		int16_t x3[3];
		uint64_t r = u->imu_counter * 16 + i;

		if (i < g) {
			x3[0] = (int16_t)((r * 7) % 9 - 4);
			x3[1] = (int16_t)((r * 5) % 7 - 3);
			x3[2] = (int16_t)((r * 3) % 5 - 2);
		} else {
			x3[0] = (int16_t)((r * 11) % 21 - 10);
			x3[1] = (int16_t)(-8197 + (int)((r * 13) % 21) - 10);
			x3[2] = (int16_t)((r * 17) % 21 - 10);
		}
		P32(0 + (s - p), (uint32_t)pts);
		P32(4 + (s - p), (uint32_t)(pts >> 32));
		P16(8 + (s - p), x3[0]);
		P16(10 + (s - p), x3[1]);
		P16(12 + (s - p), x3[2]);
	}
	if (fault_take(&u->f.imu_count)) {
		P32(14, g + 1);		/* declares more gyro samples than sent */
		P32(24, a + 1);
		x->faults |= FF_BIT(FF_IMU_COUNT);
	}
#undef P16
#undef P32
	x->data = p;
	x->len = (uint32_t)len;
	x->done = DK_IMU;
	x->gt.stream = EMU_GT_IMU;
	memcpy(x->gt.serial, u->serial, 16);
	x->gt.frame_counter = u->imu_counter;
	x->gt.device_ticks = (uint64_t)(tick - 7 * 54 > 0 ? tick - 7 * 54 : 0);
	x->gt.soe_mono_ns = (uint64_t)(t - 7 * 600000);
	x->ready_ns = t;
	u->in++;
}

static void depth_ready(struct unit *u, const struct event *e)
{
	struct xitem *f;
	uint32_t len = mcu_raw_frame_size(depth_mode(u));

	uint32_t faults = 0;

	if (u->dn >= u->dcap) {
		u->depth_dropped++;
		log_frame(u, &e->gt, 0, 0);	/* sent 0: dropped in the device */
		return;
	}
	if (fault_take(&u->f.depth_zero)) {
		len = 0;
		faults = FF_BIT(FF_DEPTH_ZERO);
	} else if (fault_take(&u->f.depth_short)) {
		len = len > u->f.depth_short_bytes ? len - u->f.depth_short_bytes : 0;
		faults = FF_BIT(FF_DEPTH_SHORT);
	} else if (fault_take(&u->f.depth_long)) {
		len += u->f.depth_long_bytes;
		faults = FF_BIT(FF_DEPTH_LONG);
	}
	f = &u->dring[(u->dhead + u->dn) % DEPTH_RING_MAX];
	memset(f, 0, sizeof(*f));
	f->len = len;
	f->faults = faults;
	f->gt = e->gt;
	emu_gt_pack(&e->gt, f->gtb);
	f->done = DK_DEPTH_END;
	u->dn++;
}

/* Discard the device buffer (stream stopped, unplug): logged as dropped. */
void depth_flush(struct unit *u)
{
	while (u->dn) {
		log_frame(u, &u->dring[u->dhead].gt, 0, u->dring[u->dhead].faults);
		u->dhead = (u->dhead + 1) % DEPTH_RING_MAX;
		u->dn--;
	}
}

static void color_ready(struct unit *u, const struct event *e)
{
#ifndef EMU_NO_UVC
	if (!u->uvc)
		return;
	if (emu_uvc_frame_pending(u->uvc)) {
		u->color_skipped++;
		log_frame(u, &e->gt, 0, 0);
		emu_uvc_frame_begin(u->uvc, &e->gt, e->pts, e->exp_100ns);	/* counted there too */
		return;
	}
	emu_uvc_frame_begin(u->uvc, &e->gt, e->pts, e->exp_100ns);
	u->color_gt = e->gt;
	u->color_gt_valid = true;
	u->color_faults = 0;
	if (emu_uvc_frame_fault(u->uvc) != EMU_UVC_F_NONE)
		u->color_faults = FF_BIT(FF_UVC + emu_uvc_frame_fault(u->uvc));
	u->color_begun++;
#else
	(void)u;
	(void)e;
#endif
}

static void dispatch(struct event *e, int64_t now)
{
	struct unit *u = e->u;
	unsigned int k;

	switch (e->kind) {
	case EV_CGRID: {
		int64_t p = period_ticks(u->color_fps);

		if (e->gen != u->gen || !u->color_on || sync_mode(u) == SYNC_SUBORDINATE)
			return;
		if (sync_mode(u) == SYNC_MASTER)
			emit_pulse(u, e->t, ++pulse_id);
		if (e->n >= 1)
			trigger(u, e->t, true, u->depth_on);
		push(u, EV_CGRID, clk_ns(&u->clk, (e->n + 1) * p), e->n + 1);
		break;
	}
	case EV_DGRID: {
		int64_t p = period_ticks(depth_fps(u));

		if (e->gen != u->gen || !u->depth_on || u->color_on ||
		    sync_mode(u) == SYNC_SUBORDINATE)
			return;
		trigger(u, e->t, false, true);
		push(u, EV_DGRID, clk_ns(&u->clk, (e->n + 1) * p), e->n + 1);
		break;
	}
	case EV_TRIG:
		if (e->gen != u->gen || sync_mode(u) != SYNC_SUBORDINATE)
			return;
		trigger(u, e->t, u->color_on, u->depth_on);
		break;
	case EV_CREADY:
		if (e->gen == u->gen && u->color_on)
			color_ready(u, e);
		else
			log_frame(u, &e->gt, 0, 0);	/* stream stopped during exposure */
		break;
	case EV_DREADY:
		if (e->gen == u->gen && u->depth_on)
			depth_ready(u, e);
		else
			log_frame(u, &e->gt, 0, 0);
		break;
	case EV_IMU:
		if ((uint32_t)e->n != u->imu_gen || !u->imu_on)
			return;
		make_imu_packet(u, e->t);
		push(u, EV_IMU, e->t + (int64_t)(1e9 / 208.0 / (1.0 + u->drift_ppm * 1e-6)),
		     e->n);
		break;
	case EV_GEN:
		if ((uint32_t)e->n != gen_gen || gen_hz <= 0)
			return;
		pulse_id++;
		for (k = 0; k < nunits; k++)
			if (units[k].sync_in == SYNC_SRC_GEN)
				pulse_in(&units[k], e->t, pulse_id);
		{
			struct event g = *e;

			g.t = e->t + (int64_t)(1e9 / gen_hz);
			ev_push(&g);
		}
		break;
	case EV_RESET:
		for (k = 0; k < 2; k++)
			half_unplug(&u->h[k], false);
		push(u, EV_REPLUG, now + 1000000000, e->n);
		break;
	case EV_REPLUG:
		for (k = 0; k < 2; k++)
			if ((e->n >> k) & 1)
				half_plug(&u->h[k]);
		break;
	case EV_QUIT:
		emu_quit();
		break;
	}
}

void model_run_due(int64_t now)
{
	struct event e;

	while (nev && heap[0].t <= now) {
		ev_pop(&e);
		dispatch(&e, now);
	}
}

void unit_color_changed(struct unit *u, int64_t now)
{
	bool active = false;
	uint32_t fps = 0;

#ifndef EMU_NO_UVC
	struct emu_uvc_stream s;

	if (u->uvc && u->h[HALF_COLOR].plugged && emu_uvc_stream_info(u->uvc, &s) && s.active) {
		active = true;
		fps = s.fps;
	}
#endif
	if (active == u->color_on && (!active || fps == u->color_fps))
		return;
	if (active && !u->color_on && sync_mode(u) != SYNC_SUBORDINATE)
		clk_reset(&u->clk, now);	/* colour start resets the device clock */
	if (u->color_gt_valid)
		log_frame(u, &u->color_gt, 0, u->color_faults);	/* cut off in transfer */
	u->color_on = active;
	u->color_fps = fps;
	u->color_gt_valid = false;
	resched(u, now);
}

void unit_mcu_action(struct unit *u, enum half_id which, enum mcu_action a, int64_t now)
{
	(void)which;
	switch (a) {
	case MCU_ACT_RESET:
		push(u, EV_RESET, now + 50000000, (u->h[0].plugged ? 1 : 0) | (u->h[1].plugged ? 2 : 0));
		break;
	case MCU_ACT_STREAM_ON:
		u->depth_on = true;
		depth_flush(u);
		resched(u, now);
		break;
	case MCU_ACT_STREAM_OFF:
		u->depth_on = false;
		depth_flush(u);
		resched(u, now);
		break;
	case MCU_ACT_IMU_ON:
		u->imu_on = true;
		u->in = 0;
		u->imu_gen++;
		push(u, EV_IMU, now + 4807692, u->imu_gen);
		break;
	case MCU_ACT_IMU_OFF:
		u->imu_on = false;
		u->in = 0;
		u->imu_gen++;
		break;
	case MCU_ACT_SYS_CFG:
	case MCU_ACT_SENSOR_OFF:
	case MCU_ACT_NONE:
		break;
	}
}

void gen_start(double hz, int64_t now)
{
	struct event e;

	gen_hz = hz;
	gen_gen++;
	memset(&e, 0, sizeof(e));
	e.kind = EV_GEN;
	e.t = now + (int64_t)(1e9 / hz);
	e.n = gen_gen;
	ev_push(&e);
}

void gen_stop(void)
{
	gen_hz = 0;
	gen_gen++;
}

double gen_rate(void)
{
	return gen_hz;
}

void unit_init(struct unit *u, unsigned int index)
{
	unsigned long long base = strtoull(opts.serial_base, NULL, 10);
	int width = (int)strlen(opts.serial_base), k;

	memset(u, 0, sizeof(*u));
	u->index = index;
	snprintf(u->serial, sizeof(u->serial), "%0*llu", width, base + index);
	memcpy(u->serial_pad, u->serial, strlen(u->serial));
	desc_container_id(index, u->serial, u->container_id);
	u->calib = calloc(1, 16384 + 64);
	u->nvblob = calloc(1, NV_BLOB_SIZE + 64);
	if (!u->calib || !u->nvblob)
		abort();
	u->calib_len = calib_json(u->serial, index, u->calib, 16384);
	calib_nvblob(u->serial, u->nvblob, NV_BLOB_SIZE);
	mcu_version_block(u->version);
#ifndef EMU_NO_UVC
	if (!opts.no_uvc)
		u->uvc = emu_uvc_new(u->serial, index);
#endif
	u->drift_ppm = opts.drift[index];
	clk_init(&u->clk, u->drift_ppm, now_ns(), opts.offset_ticks[index]);
	u->jit = opts.jit;
	u->jit.rng = 0x9e3779b97f4a7c15ull * (index + 1);
	u->dcap = opts.depth_buffer;
	u->sync_in = SYNC_SRC_NONE;
	u->last_dtrig_ns = INT64_MIN / 2;
	for (k = 0; k < 2; k++) {
		u->h[k].u = u;
		u->h[k].which = (enum half_id)k;
		u->h[k].fd = -1;
		mcu_init(&u->h[k].mcu, k ? MCU_COLOR : MCU_DEPTH);
	}
}

int topology_apply(const char *t, int64_t now)
{
	unsigned int i;
	double hz = 0;

	if (!strcmp(t, "gen30"))
		hz = 30;
	else if (!strcmp(t, "gen15"))
		hz = 15;
	else if (!strcmp(t, "gen5"))
		hz = 5;
	else if (strcmp(t, "none") && strcmp(t, "daisy") && strcmp(t, "star"))
		return -1;
	for (i = 0; i < nunits; i++) {
		struct unit *u = &units[i];

		u->sync_in = SYNC_SRC_NONE;
		if (!strcmp(t, "daisy") || hz > 0)
			u->sync_in = i ? (int)i - 1 : (hz > 0 ? SYNC_SRC_GEN : SYNC_SRC_NONE);
		else if (!strcmp(t, "star"))
			u->sync_in = i ? 0 : SYNC_SRC_NONE;
	}
	gen_stop();
	if (hz > 0)
		gen_start(hz, now);
	return 0;
}

void model_init(void)
{
	if (topology_apply(opts.topology, now_ns()))
		fprintf(stderr, "k4a-emu: unknown topology %s, using none\n", opts.topology);
}

unsigned int laser_report(char *out, size_t cap, int64_t since_ns)
{
	size_t len = 0;
	unsigned int a, b, i, k, total = 0;

	for (a = 0; a < nunits; a++)
		for (b = a + 1; b < nunits; b++) {
			unsigned int ov = 0, pairs = 0;
			unsigned int na = units[a].laser_n < LASER_HIST ? units[a].laser_n : LASER_HIST;
			unsigned int nb = units[b].laser_n < LASER_HIST ? units[b].laser_n : LASER_HIST;

			for (i = 0; i < na; i++)
				for (k = 0; k < nb; k++) {
					unsigned int o;

					if (units[a].laser_soe[i] < since_ns ||
					    units[b].laser_soe[k] < since_ns)
						continue;
					o = laser_overlaps(units[a].laser_soe[i],
									units[a].laser_mode[i],
									units[b].laser_soe[k],
									units[b].laser_mode[k]);
					int64_t dt = units[a].laser_soe[i] - units[b].laser_soe[k];

					if (dt < 50000000 && dt > -50000000)
						pairs++;
					ov += o;
				}
			total += ov;
			if (len < cap)
				len += (size_t)snprintf(out + len, cap - len,
							"laser %u %u exposures=%u overlapping_pulses=%u\n",
							a, b, pairs, ov);
		}
	return total;
}
