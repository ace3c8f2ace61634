// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-emu control: the text protocol of the control socket and the
 * "k4a-emu ctl SOCKET CMD..." client. One command per connection: the client
 * sends one line, the emulator answers with zero or more lines and a final
 * "OK" or "ERR" line, then closes. See tools/emu/README.md.
 */
#include "emu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef EMU_NO_UVC
#include "uvc.h"
#endif

struct out {
	char *p;
	size_t cap, len;
};

static void say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < o->cap - o->len ? (size_t)n : o->cap - o->len - 1;
}

static int get_unit(const char *s, struct unit **u)
{
	char *end;
	long v;

	if (!s)
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v >= (long)nunits)
		return -1;
	*u = &units[v];
	return 0;
}

/* "depth" -> 1, "color" -> 2, "both"/NULL -> 3 */
static int get_halves(const char *s)
{
	if (!s || !strcmp(s, "both"))
		return 3;
	if (!strcmp(s, "depth"))
		return 1;
	if (!strcmp(s, "color"))
		return 2;
	return -1;
}

static int get_count(const char *s, int def)
{
	char *end;
	long v;

	if (!s)
		return def;
	v = strtol(s, &end, 0);
	if (*end || v < -1 || v > 1000000)
		return -2;
	return (int)v;
}

static const char *const mode_names[] = { "standalone", "master", "subordinate" };
static const char *const mf_names[MF_COUNT] = {
	"reply_type", "reply_id", "reply_len", "status", "no_reply", "data_long", "stall"
};

static void dump_unit(struct out *o, struct unit *u, int64_t now)
{
	struct half *d = &u->h[HALF_DEPTH], *c = &u->h[HALF_COLOR];
	uint32_t m = c->mcu.cfg.mode;
	unsigned int k;
	char sin[16];

	if (u->sync_in == SYNC_SRC_GEN)
		snprintf(sin, sizeof(sin), "gen");
	else if (u->sync_in == SYNC_SRC_NONE)
		snprintf(sin, sizeof(sin), "none");
	else
		snprintf(sin, sizeof(sin), "%d", u->sync_in);

	say(o, "unit %u serial=%s depth=%s color=%s depth_port=%d color_port=%d sync_mode=%s "
	    "sync_in=%s jack=%u synced=%d clock_ticks=%lld drift_ppm=%g\n",
	    u->index, u->serial, d->plugged ? "plugged" : "unplugged",
	    c->plugged ? "plugged" : "unplugged", d->plugged ? d->port : -1,
	    c->plugged ? c->port : -1, m < 3 ? mode_names[m] : "?",
	    sin, unit_jack(u), u->synced,
	    (long long)clk_ticks(&u->clk, now), u->drift_ppm);
	say(o, "streams %u depth_on=%d depth_mode=%u depth_fps=%u color_on=%d color_fps=%u "
	    "imu_on=%d sub_delay_ticks=%u depth_delay_ticks=%d\n",
	    u->index, u->depth_on, d->mcu.mode, d->mcu.fps, u->color_on, u->color_fps, u->imu_on,
	    c->mcu.cfg.sub_delay_ticks, c->mcu.cfg.depth_delay_ticks);
	say(o, "frames %u depth_frames=%u depth_sent=%llu depth_dropped=%llu depth_buffered=%u "
	    "color_frames=%u color_begun=%llu color_done=%llu color_skipped=%llu "
	    "imu_packets=%u imu_sent=%llu imu_dropped=%llu pulses_in=%u pulses_out=%u\n",
	    u->index, u->depth_counter, (unsigned long long)u->depth_sent,
	    (unsigned long long)u->depth_dropped, u->dn, u->color_counter,
	    (unsigned long long)u->color_begun, (unsigned long long)u->color_done,
	    (unsigned long long)u->color_skipped, u->imu_counter,
	    (unsigned long long)u->imu_sent, (unsigned long long)u->imu_dropped,
	    u->pulses_in, u->pulses_out);
	for (k = 0; k < 2; k++) {
		struct counters *n = &u->h[k].cnt;

		say(o, "usb %u %s submits=%llu completes=%llu unlinks=%llu unlink_late=%llu "
		    "stalls=%llu bytes_in=%llu bytes_out=%llu ctrl=%llu cmds=%llu bad_cmds=%llu "
		    "unlink_early=%llu mcu_delay_ms=%u iso_faults=%llu\n",
		    u->index, k ? "color" : "depth", (unsigned long long)n->submits,
		    (unsigned long long)n->completes, (unsigned long long)n->unlinks,
		    (unsigned long long)n->unlink_miss, (unsigned long long)n->stalls,
		    (unsigned long long)n->bytes_in, (unsigned long long)n->bytes_out,
		    (unsigned long long)n->ctrl, (unsigned long long)n->cmds,
		    (unsigned long long)n->bad_cmds, (unsigned long long)n->unlink_early,
		    u->mcu_delay_ms[k], (unsigned long long)n->iso_faults);
		say(o, "late %u %s lt50us=%llu lt200us=%llu lt1ms=%llu lt5ms=%llu lt20ms=%llu "
		    "ge20ms=%llu max_us=%llu\n", u->index, k ? "color" : "depth",
		    (unsigned long long)n->late[0], (unsigned long long)n->late[1],
		    (unsigned long long)n->late[2], (unsigned long long)n->late[3],
		    (unsigned long long)n->late[4], (unsigned long long)n->late[5],
		    (unsigned long long)(n->late_max_ns / 1000));
	}
#ifndef EMU_NO_UVC
	if (u->uvc) {
		struct emu_uvc_stats s;
		struct emu_uvc_stream st;

		emu_uvc_get_stats(u->uvc, &s);
		memset(&st, 0, sizeof(st));
		emu_uvc_stream_info(u->uvc, &st);
		say(o, "uvc %u frames=%llu payloads=%llu bytes=%llu ctrl_reqs=%llu ctrl_stalls=%llu "
		    "skipped=%llu aborted=%llu fourcc=%.4s width=%u height=%u fps=%u alt=%u "
		    "faulted=%llu\n",
		    u->index, (unsigned long long)s.frames, (unsigned long long)s.payloads,
		    (unsigned long long)s.bytes, (unsigned long long)s.ctrl_reqs,
		    (unsigned long long)s.ctrl_stalls, (unsigned long long)s.frames_skipped,
		    (unsigned long long)s.frames_aborted, st.fourcc ? (char *)&st.fourcc : "----",
		    st.width, st.height, st.fps, st.alt, (unsigned long long)s.frames_faulted);
	}
#endif
}

static int cmd_fault(struct out *o, struct unit *u, int argc, char **argv)
{
	const char *name = argv[0];
	int cnt, k;

	if (!strcmp(name, "clear")) {
		memset(&u->f, 0, sizeof(u->f));
#ifndef EMU_NO_UVC
		if (u->uvc)
			emu_uvc_inject(u->uvc, EMU_UVC_F_NONE, 0);
#endif
		return 0;
	}
	if (!strncmp(name, "depth.", 6) || !strncmp(name, "color.", 6)) {
		int which = name[0] == 'd' ? 0 : 1;
		const char *f = name + 6;
		int argi = 1;

		if (which == 0 && (!strcmp(f, "short") || !strcmp(f, "long") || !strcmp(f, "zero"))) {
			uint32_t bytes = 1024;

			if (strcmp(f, "zero")) {
				if (argc < 2)
					return -1;
				bytes = (uint32_t)strtoul(argv[1], NULL, 0);
				if (!bytes || bytes > 65536)
					return -1;
				argi = 2;
			}
			cnt = get_count(argc > argi ? argv[argi] : NULL, 1);
			if (cnt < -1)
				return -1;
			if (!strcmp(f, "short")) {
				u->f.depth_short = cnt;
				u->f.depth_short_bytes = bytes;
			} else if (!strcmp(f, "long")) {
				u->f.depth_long = cnt;
				u->f.depth_long_bytes = bytes;
			} else {
				u->f.depth_zero = cnt;
			}
			return 0;
		}
		for (k = 0; k < MF_COUNT; k++)
			if (!strcmp(f, mf_names[k]))
				break;
		if (k == MF_COUNT)
			return -1;
		if (k == MF_STATUS) {
			if (argc < 2)
				return -1;
			u->f.mcu_status[which] = (uint32_t)strtoul(argv[1], NULL, 0);
			argi = 2;
		}
		cnt = get_count(argc > argi ? argv[argi] : NULL, 1);
		if (cnt < -1)
			return -1;
		u->f.mcu[which][k] = cnt;
		return 0;
	}
	{
		/* faults that take only a count */
		const struct { const char *n; int *f; } cf[] = {
			{ "imu.count", &u->f.imu_count }, { "imu.mismatch", &u->f.imu_mismatch },
			{ "iso.err", &u->f.iso_err }, { "iso.stall", &u->f.iso_stall },
			{ "iso.proto", &u->f.iso_proto },
		};
		unsigned int i;

		for (i = 0; i < sizeof(cf) / sizeof(cf[0]); i++)
			if (!strcmp(name, cf[i].n)) {
				if (argc > 2)
					return -1;
				cnt = get_count(argc > 1 ? argv[1] : NULL, 1);
				if (cnt < -1)
					return -1;
				*cf[i].f = cnt;
				return 0;
			}
	}
	if (!strncmp(name, "desc.", 5)) {
		static const struct { const char *n; unsigned int bit; } d[] = {
			{ "malformed", DESC_F_MALFORMED }, { "nobos", DESC_F_NO_BOS },
			{ "nocid", DESC_F_NO_CID }, { "dupcid", DESC_F_DUP_CID },
			{ "serial", DESC_F_BAD_SERIAL },
		};
		unsigned int i;

		if (!strcmp(name + 5, "clear")) {
			u->f.desc = 0;
			return 0;
		}
		for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
			if (!strcmp(name + 5, d[i].n)) {
				u->f.desc |= d[i].bit;
				say(o, "# applies at the next plug of unit %u\n", u->index);
				return 0;
			}
		return -1;
	}
#ifndef EMU_NO_UVC
	if (!strncmp(name, "uvc.", 4) && u->uvc) {
		int f = emu_uvc_fault_parse(name + 4);

		cnt = get_count(argc > 1 ? argv[1] : NULL, 1);
		if (f < 0 || cnt < -1)
			return -1;
		return emu_uvc_inject(u->uvc, (enum emu_uvc_fault)f, cnt) < 0 ? -1 : 0;
	}
#endif
	return -1;
}

/*
 * "cmdlog U": "total T", then the last CMDLOG_SIZE commands, oldest first, as
 * "SEQ HALF 0xOPCODE NAME" (SEQ counts from 1 since the last clear).
 */
static void cmdlog_print(struct out *o, const struct unit *u)
{
	uint64_t t = u->cmdlog_total;
	uint64_t i = t > CMDLOG_SIZE ? t - CMDLOG_SIZE : 0;

	say(o, "total %llu\n", (unsigned long long)t);
	for (; i < t; i++) {
		const struct cmdlog_ent *e = &u->cmdlog[i % CMDLOG_SIZE];
		enum mcu_kind kind = e->half == HALF_DEPTH ? MCU_DEPTH : MCU_COLOR;

		say(o, "%llu %s 0x%08X %s\n", (unsigned long long)i + 1,
		    e->half == HALF_DEPTH ? "depth" : "color", e->opcode,
		    e->valid ? mcu_opcode_name(kind, e->opcode) : "INVALID");
	}
}

/*
 * "uvclog U": "total T" (every UVC class request), then the last UVCLOG_SIZE
 * SET_CURs, oldest first, as "ENTITY SELECTOR VALUE", " stall" appended when
 * the function refused it.
 */
static void uvclog_print(struct out *o, const struct unit *u)
{
	uint64_t t = u->uvclog_sets;
	uint64_t i = t > UVCLOG_SIZE ? t - UVCLOG_SIZE : 0;

	say(o, "total %llu\n", (unsigned long long)u->uvclog_total);
	for (; i < t; i++) {
		const struct uvclog_ent *e = &u->uvclog[i % UVCLOG_SIZE];
		char line[96];

#ifndef EMU_NO_UVC
		emu_uvc_describe_set(e->setup, e->data, e->len, line, sizeof(line));
#else
		snprintf(line, sizeof(line), "%u %u %u", e->setup[5], e->setup[3], e->data[0]);
#endif
		say(o, "%s%s\n", line, e->stalled ? " stall" : "");
	}
}

static void help(struct out *o)
{
	say(o, "commands:\n"
	    "  dump [U]                      state and counters\n"
	    "  plug U [depth|color|both]     attach\n"
	    "  unplug U [depth|color|both]   clean detach\n"
	    "  disconnect U [depth|color|both]  surprise disconnect (socket closed mid-transfer)\n"
	    "  replug U [MS]                 unplug both halves, plug again after MS (default 1000)\n"
	    "  cable U none|gen|V            what U's Sync In is connected to\n"
	    "  jack U in|out 0|1             a cable with nothing at the other end\n"
	    "  topology none|daisy|star|gen30|gen15|gen5\n"
	    "  gen start HZ | gen stop       external sync generator\n"
	    "  drift U PPM                   clock drift\n"
	    "  jitter U SPEC                 BASE_US[,JIT_US[,uniform|pareto[,SPIKE_PPM[,SPIKE_US]]]]\n"
	    "  stall U depth|color EPADDR    halt an endpoint until CLEAR_FEATURE(HALT)\n"
	    "  firmware U rgb|depth|audio|sensor VERSION   reported firmware (read at bind)\n"
	    "  calib U BYTES|default         calibration text padded with blanks to BYTES\n"
	    "  cmdlog U [clear]              MCU commands received: \"total T\", then\n"
	    "                                \"SEQ depth|color 0xOPCODE NAME\" (last %u), oldest first\n"
	    "  uvclog U [clear]              UVC class requests: \"total T\", then the last %u\n"
	    "                                SET_CURs, oldest first: \"ENTITY SELECTOR VALUE\"\n"
	    "                                (probe/commit: \"vs probe FMT FRAME INTERVAL\")\n"
	    "  mcudelay U depth|color MS     MCU replies complete >= MS after their URB's submit\n"
	    "  mcuhold U depth|color MS      busy MCU: no reply piece for MS ms from now (once)\n"
	    "  fault U NAME [ARG] [COUNT]    COUNT frames/commands (default 1, -1 forever)\n"
	    "     depth.|color. reply_type reply_id reply_len status VAL no_reply data_long\n"
	    "     depth.short BYTES, depth.long BYTES, depth.zero, imu.count, imu.mismatch,\n"
	    "     iso.err, iso.stall, iso.proto, uvc.NAME,\n"
	    "     desc.malformed|nobos|nocid|dupcid|serial|clear, clear\n"
	    "  laser [SECONDS]               overlapping laser pulses between units (last 64 depth\n"
	    "                                exposures each, or those of the last SECONDS)\n"
	    "  quit\n", CMDLOG_SIZE, UVCLOG_SIZE);
}

int ctl_exec(char *line, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	char *argv[16], *save = NULL, *p;
	int argc = 0, i, m;
	int64_t now = now_ns();
	struct unit *u = NULL;

	for (p = strtok_r(line, " \t\r", &save); p && argc < 16; p = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = p;
	if (!argc)
		return -1;
	buf[0] = 0;
	if (!strcmp(argv[0], "help")) {
		help(&o);
		return 0;
	}
	if (!strcmp(argv[0], "dump")) {
		if (argc > 1) {
			if (get_unit(argv[1], &u))
				return -1;
			dump_unit(&o, u, now);
		} else {
			say(&o, "emu units=%u gen_hz=%g now_ns=%lld events_lost=%llu\n", nunits,
			    gen_rate(), (long long)now, (unsigned long long)ev_overflow);
			say(&o, "punctual early_us=%lld share_ppm=%u spins=%llu spun_us=%llu "
			    "short_wakes=%llu\n", (long long)(punct.early_ns / 1000),
			    punct.share_ppm, (unsigned long long)punct.spins,
			    (unsigned long long)(punct.spun_ns / 1000),
			    (unsigned long long)punct.short_wakes);
			say(&o, "loop send_depth_us=%llu send_color_us=%llu fill_us=%llu "
			    "read_us=%llu model_us=%llu\n",
			    (unsigned long long)(loop_time.send[HALF_DEPTH] / 1000),
			    (unsigned long long)(loop_time.send[HALF_COLOR] / 1000),
			    (unsigned long long)(loop_time.fill / 1000),
			    (unsigned long long)(loop_time.read / 1000),
			    (unsigned long long)(loop_time.model / 1000));
			for (i = 0; i < (int)nunits; i++)
				dump_unit(&o, &units[i], now);
		}
		return 0;
	}
	if (!strcmp(argv[0], "quit")) {
		emu_quit();
		return 0;
	}
	if (!strcmp(argv[0], "laser")) {
		double secs = argc > 1 ? atof(argv[1]) : 0;
		unsigned int t = laser_report(buf, cap, secs > 0 ? now - (int64_t)(secs * 1e9) : INT64_MIN);

		o.len = strlen(buf);
		say(&o, "laser total overlapping_pulses=%u\n", t);
		return 0;
	}
	if (!strcmp(argv[0], "topology")) {
		if (argc != 2)
			return -1;
		return topology_apply(argv[1], now);
	}
	if (!strcmp(argv[0], "gen")) {
		if (argc >= 2 && !strcmp(argv[1], "stop")) {
			gen_stop();
			return 0;
		}
		if (argc == 3 && !strcmp(argv[1], "start")) {
			double hz = atof(argv[2]);

			if (hz <= 0 || hz > 1000)
				return -1;
			gen_start(hz, now);
			return 0;
		}
		return -1;
	}
	if (argc < 2 || get_unit(argv[1], &u)) {
		say(&o, "# unknown command or bad unit (try: help)\n");
		return -1;
	}
	if (!strcmp(argv[0], "plug") || !strcmp(argv[0], "unplug") || !strcmp(argv[0], "disconnect")) {
		m = get_halves(argc > 2 ? argv[2] : NULL);
		if (m < 0)
			return -1;
		for (i = 0; i < 2; i++) {
			if (!((m >> i) & 1))
				continue;
			if (argv[0][0] == 'p') {
				if (half_plug(&u->h[i]) < 0) {
					say(&o, "# attach failed: %s\n", strerror(errno));
					return -1;
				}
			} else {
				half_unplug(&u->h[i], argv[0][0] == 'd');
			}
		}
		return 0;
	}
	if (!strcmp(argv[0], "replug")) {
		struct event e;
		long ms = argc > 2 ? atol(argv[2]) : 1000;

		if (ms < 0 || ms > 600000)
			return -1;
		m = (u->h[0].plugged ? 1 : 0) | (u->h[1].plugged ? 2 : 0);
		if (!m)
			m = 3;
		for (i = 0; i < 2; i++)
			half_unplug(&u->h[i], false);
		memset(&e, 0, sizeof(e));
		e.kind = EV_REPLUG;
		e.u = u;
		e.t = now + ms * 1000000;
		e.n = m;
		ev_push(&e);
		return 0;
	}
	if (!strcmp(argv[0], "cable")) {
		struct unit *v;

		if (argc != 3)
			return -1;
		if (!strcmp(argv[2], "none") || !strcmp(argv[2], "cut"))
			u->sync_in = SYNC_SRC_NONE;
		else if (!strcmp(argv[2], "gen"))
			u->sync_in = SYNC_SRC_GEN;
		else if (!get_unit(argv[2], &v) && v != u)
			u->sync_in = (int)v->index;
		else
			return -1;
		return 0;
	}
	if (!strcmp(argv[0], "jack")) {
		if (argc != 4 || (strcmp(argv[3], "0") && strcmp(argv[3], "1")))
			return -1;
		if (!strcmp(argv[2], "in"))
			u->in_cable = argv[3][0] == '1';
		else if (!strcmp(argv[2], "out"))
			u->out_cable = argv[3][0] == '1';
		else
			return -1;
		return 0;
	}
	if (!strcmp(argv[0], "drift")) {
		double ppm;

		if (argc != 3)
			return -1;
		ppm = atof(argv[2]);
		if (ppm < -1000 || ppm > 1000)
			return -1;
		u->drift_ppm = ppm;
		clk_set_drift(&u->clk, ppm, now);
		return 0;
	}
	if (!strcmp(argv[0], "jitter")) {
		struct jitter j = u->jit;

		if (argc != 3 || jitter_parse(argv[2], &j))
			return -1;
		u->jit = j;
		return 0;
	}
	if (!strcmp(argv[0], "stall")) {
		m = get_halves(argc > 2 ? argv[2] : NULL);
		if (argc != 4 || (m != 1 && m != 2))
			return -1;
		if (!u->h[m - 1].plugged)
			return -1;
		set_stall(&u->h[m - 1], (uint8_t)strtoul(argv[3], NULL, 0));
		return 0;
	}
	if (!strcmp(argv[0], "calib")) {
		/* the calibration text, padded with blanks to BYTES (the host reads it at bind) */
		size_t len, want;
		char *end, *c;

		if (argc != 3)
			return -1;
		c = malloc(CALIB_MAX + 64);
		if (!c)
			return -1;
		len = calib_json(u->serial, u->index, c, CALIB_MAX);
		if (!strcmp(argv[2], "default")) {
			want = len;
		} else {
			want = strtoul(argv[2], &end, 10);
			if (!*argv[2] || *end || want < len || want > CALIB_MAX) {
				free(c);
				return -1;
			}
		}
		memset(c + len, ' ', want - len);
		memset(c + want, 0, 64);
		free(u->calib);
		u->calib = c;
		u->calib_len = want;
		return 0;
	}
	if (!strcmp(argv[0], "firmware")) {
		/* the depth MCU reports the block; the host reads it when it binds */
		if (argc != 4 || mcu_version_set(u->version, argv[2], argv[3]))
			return -1;
		return 0;
	}
	if (!strcmp(argv[0], "fault")) {
		if (argc < 3)
			return -1;
		return cmd_fault(&o, u, argc - 2, argv + 2);
	}
	if (!strcmp(argv[0], "cmdlog")) {
		if (argc == 2) {
			cmdlog_print(&o, u);
			return 0;
		}
		if (argc == 3 && !strcmp(argv[2], "clear")) {
			u->cmdlog_total = 0;
			return 0;
		}
		return -1;
	}
	if (!strcmp(argv[0], "uvclog")) {
		if (argc == 2) {
			uvclog_print(&o, u);
			return 0;
		}
		if (argc == 3 && !strcmp(argv[2], "clear")) {
			u->uvclog_total = 0;
			u->uvclog_sets = 0;
			return 0;
		}
		return -1;
	}
	if (!strcmp(argv[0], "mcudelay") || !strcmp(argv[0], "mcuhold")) {
		char *end;
		long ms;

		m = get_halves(argc > 2 ? argv[2] : NULL);
		if (argc != 4 || (m != 1 && m != 2))
			return -1;
		ms = strtol(argv[3], &end, 10);
		if (!*argv[3] || *end || ms < 0 || ms > 600000)
			return -1;
		if (argv[0][3] == 'd')
			u->mcu_delay_ms[m - 1] = (uint32_t)ms;
		else
			u->mcu_hold_until[m - 1] = now_ns() + (int64_t)ms * 1000000;
		return 0;
	}
	say(&o, "# unknown command (try: help)\n");
	return -1;
}

int ctl_client(int argc, char **argv)
{
	struct sockaddr_un a;
	char line[1024], buf[4096];
	size_t len = 0;
	int fd, i, ok = 0;
	ssize_t n;
	char last[64] = "";

	if (argc < 2) {
		fprintf(stderr, "usage: k4a-emu ctl SOCKET COMMAND [ARGS...]\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		int w = snprintf(line + len, sizeof(line) - len, "%s%s", i > 1 ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(line) - len)
			return 2;
		len += (size_t)w;
	}
	line[len++] = '\n';
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (fd < 0 || strlen(argv[0]) >= sizeof(a.sun_path))
		return 2;
	strcpy(a.sun_path, argv[0]);
	{
		struct timeval tv = { 30, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "k4a-emu ctl: %s: %s\n", argv[0], strerror(errno));
		return 2;
	}
	if (write(fd, line, len) != (ssize_t)len)
		return 2;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t keep;

		fwrite(buf, 1, (size_t)n, stdout);
		/* remember the tail to find the final status line */
		keep = strlen(last);
		if ((size_t)n >= sizeof(last) - 1) {
			memcpy(last, buf + n - (sizeof(last) - 1), sizeof(last) - 1);
			last[sizeof(last) - 1] = 0;
		} else {
			if (keep + (size_t)n >= sizeof(last)) {
				size_t drop = keep + (size_t)n - (sizeof(last) - 1);

				memmove(last, last + drop, keep - drop);
				keep -= drop;
			}
			memcpy(last + keep, buf, (size_t)n);
			last[keep + (size_t)n] = 0;
		}
	}
	close(fd);
	n = (ssize_t)strlen(last);
	if (n >= 3 && !strcmp(last + n - 3, "OK\n"))
		ok = 1;
	return ok ? 0 : 1;
}
