// SPDX-License-Identifier: GPL-2.0
/*
 * health.c - k4actl: the output of 'status' and 'watch' and what watch
 * derives from two readings of the units.
 *
 * The spread of a frame set: each subordinate's latest colour start of
 * exposure, less its configured subordinate delay, minus the master's, is
 * folded into (-P/2, P/2] of the master's colour frame period P (the units'
 * files are not read at one instant: a unit may be one frame ahead or
 * behind); the spread is the largest minus the smallest of these offsets
 * and the master's own 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "health.h"
#include "k4a_plan.h"
#include "topo.h"
#include "unit.h"

const char *const k4actl_live_text_file[K4ACTL_L_TEXT_COUNT] = {
	[K4ACTL_L_SERIAL] = "serial",
	[K4ACTL_L_SYNC_MODE] = "sync_mode",
	[K4ACTL_L_SYNC_STATE] = "sync_state",
	[K4ACTL_L_START_GATE] = "start_gate",
	[K4ACTL_L_SYNC_IN] = "sync_in_jack",
	[K4ACTL_L_SYNC_OUT] = "sync_out_jack",
};

const char *const k4actl_live_num_file[K4ACTL_L_NUM_COUNT] = {
	[K4ACTL_L_COLOR_FRAMES] = "health/color_frames",
	[K4ACTL_L_COLOR_DROPPED] = "health/color_dropped",
	[K4ACTL_L_COLOR_GAPS] = "health/color_gaps",
	[K4ACTL_L_DEPTH_FRAMES] = "health/depth_frames",
	[K4ACTL_L_DEPTH_DROPPED] = "health/depth_dropped",
	[K4ACTL_L_DEPTH_GAPS] = "health/depth_gaps",
	[K4ACTL_L_CLOCK_LOCKED] = "clock/locked",
	[K4ACTL_L_CLOCK_ERROR_NS] = "clock/error_ns",
	[K4ACTL_L_RATE_ERROR_PPB] = "clock/rate_error_ppb",
	[K4ACTL_L_CLOCK_SHARED] = "clock/shared",
	[K4ACTL_L_FRAME_OFFSET_NS] = "health/frame_offset_ns",
	[K4ACTL_L_COLOR_SOE_NS] = "health/color_soe_ns",
	[K4ACTL_L_SUB_DELAY_US] = "subordinate_delay_off_master_usec",
};

/**
 * k4actl_num_parse() - store a numeric file as read
 * @n: the value
 * @text: what the file held: a decimal integer, optionally signed, with
 *        trailing blanks
 * @err: 0, or the positive errno of the failed read (@text is ignored)
 *
 * Anything but a number leaves @n->err EPROTO.
 */
void k4actl_num_parse(struct k4actl_num *n, const char *text, int err)
{
	char *end;

	n->v = 0;
	n->err = err;
	if (err)
		return;
	if (!text || !((text[0] >= '0' && text[0] <= '9') ||
		       (text[0] == '-' && text[1] >= '0' && text[1] <= '9'))) {
		n->err = EPROTO;
		return;
	}
	errno = 0;
	n->v = strtoll(text, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end) {
		n->v = 0;
		n->err = EPROTO;
	}
}

/**
 * k4actl_live_json_key() - the JSON key of a file: the file name without
 * "health/", "clock/" made "clock_"
 * @file: a name of k4actl_live_*_file
 *
 * Return: a static string.
 */
const char *k4actl_live_json_key(const char *file)
{
	static char key[64];

	if (!strncmp(file, "health/", 7))
		return file + 7;
	if (!strncmp(file, "clock/", 6)) {
		snprintf(key, sizeof(key), "clock_%s", file + 6);
		return key;
	}
	return file;
}

/* A value for the tables: "-" when the driver has none (yet), "?" on error. */
static const char *k4actl_num_text(const struct k4actl_num *n, char *buf, size_t len)
{
	if (n->err == ENODATA || n->err == ENOENT)
		return "-";
	if (n->err)
		return "?";
	snprintf(buf, len, "%lld", n->v);
	return buf;
}

/* ns (or ppb) as us (or ppm) with @dec decimals; "-" or "?" as above. */
static const char *k4actl_milli_text(const struct k4actl_num *n, int dec, char *buf, size_t len)
{
	if (n->err)
		return k4actl_num_text(n, buf, len);
	snprintf(buf, len, "%.*f", dec, (double)n->v / 1000.0);
	return buf;
}

/* "frames/dropped/gaps" of a stream. */
static const char *k4actl_fdg_text(const struct k4actl_live *u, enum k4actl_live_num first,
				   char *buf, size_t len)
{
	char a[24], b[24], c[24];

	snprintf(buf, len, "%s/%s/%s", k4actl_num_text(&u->num[first], a, sizeof(a)),
		 k4actl_num_text(&u->num[first + 1], b, sizeof(b)),
		 k4actl_num_text(&u->num[first + 2], c, sizeof(c)));
	return buf;
}

/* "no", "yes", or "rig": locked, at the rate the rig measures together. */
static const char *k4actl_locked_text(const struct k4actl_live *l)
{
	const struct k4actl_num *n = &l->num[K4ACTL_L_CLOCK_LOCKED];
	const struct k4actl_num *s = &l->num[K4ACTL_L_CLOCK_SHARED];

	if (n->err)
		return n->err == ENOENT ? "-" : "?";
	if (!n->v)
		return "no";
	/* a driver without clock/shared: its own rate */
	return !s->err && s->v ? "rig" : "yes";
}

/**
 * k4actl_status_print() - 'k4actl status': one row per unit
 * @f: output
 * @u: the units, in the order to show them
 * @n: how many
 */
void k4actl_status_print(FILE *f, const struct k4actl_live *u, unsigned int n)
{
	unsigned int i;

	fprintf(f, "%-6s %-14s %-11s %-10s %-6s %-16s %-16s %-5s %8s %9s %10s\n", "UNIT",
		"SERIAL", "ROLE", "SYNC_STATE", "GATE", "COLOUR f/d/g", "DEPTH f/d/g", "CLOCK",
		"ERROR_us", "RATE_ppm", "OFFSET_us");
	for (i = 0; i < n; i++) {
		const struct k4actl_live *l = &u[i];
		char col[80], dep[80], err[32], rate[32], off[32];

		if (l->gone) {
			fprintf(f, "%-6s %-14s gone (unplugged?)\n", l->name,
				l->text[K4ACTL_L_SERIAL]);
			continue;
		}
		fprintf(f, "%-6s %-14s %-11s %-10s %-6s %-16s %-16s %-5s %8s %9s %10s\n", l->name,
			l->text[K4ACTL_L_SERIAL], l->text[K4ACTL_L_SYNC_MODE],
			l->text[K4ACTL_L_SYNC_STATE], l->text[K4ACTL_L_START_GATE],
			k4actl_fdg_text(l, K4ACTL_L_COLOR_FRAMES, col, sizeof(col)),
			k4actl_fdg_text(l, K4ACTL_L_DEPTH_FRAMES, dep, sizeof(dep)),
			k4actl_locked_text(l),
			k4actl_milli_text(&l->num[K4ACTL_L_CLOCK_ERROR_NS], 1, err, sizeof(err)),
			k4actl_milli_text(&l->num[K4ACTL_L_RATE_ERROR_PPB], 3, rate, sizeof(rate)),
			k4actl_milli_text(&l->num[K4ACTL_L_FRAME_OFFSET_NS], 1, off, sizeof(off)));
	}
}

static bool k4actl_live_is(const struct k4actl_live *l, enum k4actl_live_text id,
			   const char *word)
{
	return !strcmp(l->text[id], word);
}

static void k4actl_live_unit(FILE *f, const struct k4actl_live *l)
{
	fprintf(f, "%s (serial %s)", l->name, l->text[K4ACTL_L_SERIAL]);
}

/* Why a subordinate lost its pulses, as far as the other units tell. */
static void k4actl_lost_cause(FILE *f, const struct k4actl_live *l, const struct k4actl_live *m)
{
	if (k4actl_live_is(l, K4ACTL_L_SYNC_IN, "disconnected")) {
		fputs("  Nothing is plugged into its Sync In any more: plug the sync cable back "
		      "in.\n", f);
		return;
	}
	if (!m) {
		fputs("  No unit here is set to master: check the external sync source and the "
		      "cable into its\n  Sync In.\n", f);
		return;
	}
	fputs("  Its master ", f);
	k4actl_live_unit(f, m);
	if (m->gone) {
		fputs(" is gone (see above).\n", f);
		return;
	}
	if (!k4actl_live_is(m, K4ACTL_L_SYNC_STATE, K4A_SYNC_STATE_WORD_STREAMING)) {
		fprintf(f, " is %s, not streaming: its colour stream\n  makes the pulses. "
			"Restart the master's application.\n", m->text[K4ACTL_L_SYNC_STATE]);
		return;
	}
	fputs(" streams, but its pulses do not arrive:\n  check the sync cables from its Sync "
	      "Out to this unit's Sync In (on a daisy chain, and\n  the units between them).\n",
	      f);
}

/**
 * k4actl_status_faults() - what is wrong with a running rig, and what to do
 * @f: output
 * @u: a reading of the units
 * @n: how many
 *
 * One paragraph per fault, its first line "problem: " and the unit: a unit
 * gone; configured roles the cables cannot serve (k4actl_topo_print_faults());
 * a unit whose sync_state cannot be read; a lost unit, with the likely cause
 * (for a subordinate: its Sync In cable pulled, its master gone or not
 * streaming, the pulses lost on the way); a subordinate armed while its
 * master streams (no pulses arrive). Idle units and units waiting for a
 * master that does not stream yet are no fault.
 *
 * Return: the number of faults printed.
 */
unsigned int k4actl_status_faults(FILE *f, const struct k4actl_live *u, unsigned int n)
{
	struct k4actl_jacks j[K4ACTL_MAX_UNITS] = { { 0 } };
	const struct k4actl_live *m = NULL;
	unsigned int i, nj = 0, faults = 0;

	for (i = 0; i < n; i++)
		if (!m && k4actl_live_is(&u[i], K4ACTL_L_SYNC_MODE, K4A_SYNC_WORD_MASTER))
			m = &u[i];
	for (i = 0; i < n; i++) {
		if (!u[i].gone)
			continue;
		fputs("problem: ", f);
		k4actl_live_unit(f, &u[i]);
		fputs(" is gone: unplugged, or it reset and did not come\n  back. Plug it in "
		      "again (the driver restores its sync settings), then restart its\n  "
		      "application ('k4actl stop', then 'k4actl start' orders the rig again).\n", f);
		faults++;
	}
	for (i = 0; i < n && nj < K4ACTL_MAX_UNITS; i++) {
		const struct k4actl_live *l = &u[i];
		struct k4actl_jacks *x = &j[nj];

		if (l->gone)
			continue;
		x->name = l->name;
		x->serial = l->text[K4ACTL_L_SERIAL];
		x->sync_in = k4actl_live_is(l, K4ACTL_L_SYNC_IN, "connected");
		x->sync_out = k4actl_live_is(l, K4ACTL_L_SYNC_OUT, "connected");
		x->mode = k4a_sync_mode_from_name(l->text[K4ACTL_L_SYNC_MODE]);
		/* a lost subordinate whose Sync In was pulled: said below */
		if (x->mode == K4A_SYNC_SUBORDINATE &&
		    k4actl_live_is(l, K4ACTL_L_SYNC_STATE, K4A_SYNC_STATE_WORD_LOST))
			x->mode = -1;
		nj++;
	}
	faults += k4actl_topo_print_faults(f, "problem: ", nj, j);
	for (i = 0; i < n; i++) {
		const struct k4actl_live *l = &u[i];
		bool sub = k4actl_live_is(l, K4ACTL_L_SYNC_MODE, K4A_SYNC_WORD_SUBORDINATE);

		if (l->gone)
			continue;
		if (k4actl_live_is(l, K4ACTL_L_SYNC_STATE, "?")) {
			fputs("problem: ", f);
			k4actl_live_unit(f, l);
			fputs(": its sync_state cannot be read: check its USB connection\n  and "
			      "'dmesg'.\n", f);
			faults++;
		} else if (k4actl_live_is(l, K4ACTL_L_SYNC_STATE, K4A_SYNC_STATE_WORD_LOST)) {
			fputs("problem: ", f);
			k4actl_live_unit(f, l);
			if (sub) {
				fputs(", a subordinate, lost sync: its frames came, then\n  "
				      "stopped: no pulses arrive.\n", f);
				k4actl_lost_cause(f, l, m);
				fputs("  It locks again by itself once the pulses are back.\n", f);
			} else {
				fprintf(f, ", %s, lost its frames: they came, then stopped\n  (a "
					"transfer failure, a reset). Check its USB connection and "
					"'dmesg'; restart its\n  application if it ended.\n",
					l == m ? "the master" : l->text[K4ACTL_L_SYNC_MODE]);
			}
			faults++;
		} else if (sub && m && !m->gone &&
			   k4actl_live_is(l, K4ACTL_L_SYNC_STATE, K4A_SYNC_STATE_WORD_ARMED) &&
			   k4actl_live_is(m, K4ACTL_L_SYNC_STATE, K4A_SYNC_STATE_WORD_STREAMING)) {
			fputs("problem: ", f);
			k4actl_live_unit(f, l);
			fputs(", a subordinate, is armed but gets no pulses although\n  its master ",
			      f);
			k4actl_live_unit(f, m);
			fprintf(f, " streams: check the cable into its Sync In\n  (sync_in_jack reads "
				"%s): is its other end in the Sync Out of the master or of the\n  "
				"previous unit?\n", l->text[K4ACTL_L_SYNC_IN]);
			faults++;
		}
	}
	return faults;
}

/**
 * k4actl_status_print_json() - 'k4actl status --json': an array of objects
 * @f: output
 * @u: the units
 * @n: how many
 *
 * Keys: "name", "gone", and the file names (k4actl_live_json_key()); texts
 * are strings, clock_locked and clock_shared booleans, the rest numbers;
 * what cannot be read or is not there yet is null. A gone unit has "name"
 * and "gone" only.
 */
void k4actl_status_print_json(FILE *f, const struct k4actl_live *u, unsigned int n)
{
	unsigned int i, k;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		const struct k4actl_live *l = &u[i];

		fputs(i ? ",\n  {\n" : "\n  {\n", f);
		fputs("    \"name\": ", f);
		k4actl_json_string(f, l->name);
		fprintf(f, ",\n    \"gone\": %s", l->gone ? "true" : "false");
		if (l->gone) {
			fputs("\n  }", f);
			continue;
		}
		for (k = 0; k < K4ACTL_L_TEXT_COUNT; k++) {
			fprintf(f, ",\n    \"%s\": ", k4actl_live_text_file[k]);
			if (strcmp(l->text[k], "?"))
				k4actl_json_string(f, l->text[k]);
			else
				fputs("null", f);
		}
		for (k = 0; k < K4ACTL_L_NUM_COUNT; k++) {
			const struct k4actl_num *v = &l->num[k];

			fprintf(f, ",\n    \"%s\": ", k4actl_live_json_key(k4actl_live_num_file[k]));
			if (v->err)
				fputs("null", f);
			else if (k == K4ACTL_L_CLOCK_LOCKED || k == K4ACTL_L_CLOCK_SHARED)
				fputs(v->v ? "true" : "false", f);
			else
				fprintf(f, "%lld", v->v);
		}
		fputs("\n  }", f);
	}
	fputs(n ? "\n]\n" : "]\n", f);
}

/**
 * k4actl_fold() - a time difference folded into one frame period
 * @x: the difference, ns
 * @period: the period, ns, more than 0
 *
 * Return: x minus a whole number of periods, in (-period/2, period/2].
 */
s64 k4actl_fold(s64 x, s64 period)
{
	s64 r = x % period;

	if (r < 0)
		r += period;
	if (r > period / 2)
		r -= period;
	return r;
}

static int k4actl_s64_cmp(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * k4actl_period_guess() - a colour frame period from start-of-exposure steps
 * @deltas: differences between successive readings of one unit's
 *          color_soe_ns that changed, ns (a step may span several frames)
 * @n: how many (at most 64 are used)
 *
 * Return: the median step rounded to the nearest of 1/30, 1/15 and 1/5 s
 * (the camera's rates), in ns; 0 without any positive step.
 */
s64 k4actl_period_guess(const s64 *deltas, unsigned int n)
{
	static const s64 periods[] = { 1000000000LL / 30, 1000000000LL / 15, 1000000000LL / 5 };
	s64 d[64], med, best = 0, bestd = 0;
	unsigned int i, m = 0;

	for (i = 0; i < n && m < K4A_ARRAY_SIZE(d); i++)
		if (deltas[i] > 0)
			d[m++] = deltas[i];
	if (!m)
		return 0;
	qsort(d, m, sizeof(d[0]), k4actl_s64_cmp);
	med = d[m / 2];
	for (i = 0; i < K4A_ARRAY_SIZE(periods); i++) {
		s64 e = med > periods[i] ? med - periods[i] : periods[i] - med;

		if (!best || e < bestd) {
			best = periods[i];
			bestd = e;
		}
	}
	return best;
}

static bool k4actl_is_word(const struct k4actl_live *l, enum k4actl_live_text id,
			   const char *word)
{
	return !l->gone && !strcmp(l->text[id], word);
}

/**
 * k4actl_offsets() - each unit's colour offset from the master's
 * @u: a reading of the units
 * @n: how many
 * @master: index of the master in @u
 * @period_ns: the master's colour frame period, more than 0
 * @offset: per unit, its offset in ns (the master's is 0)
 * @have: per unit, whether it has an offset: the master and every
 *        subordinate that is locked, all with a color_soe_ns
 *
 * Return: the number of subordinates with an offset, or -1 if the master
 * has none (not streaming, no colour frame yet).
 */
int k4actl_offsets(const struct k4actl_live *u, unsigned int n, int master, s64 period_ns,
		   s64 *offset, bool *have)
{
	const struct k4actl_live *m;
	unsigned int i;
	int count = 0;

	for (i = 0; i < n; i++) {
		have[i] = false;
		offset[i] = 0;
	}
	if (master < 0 || (unsigned int)master >= n || period_ns <= 0)
		return -1;
	m = &u[master];
	if (!k4actl_is_word(m, K4ACTL_L_SYNC_STATE, "streaming") ||
	    m->num[K4ACTL_L_COLOR_SOE_NS].err)
		return -1;
	have[master] = true;
	for (i = 0; i < n; i++) {
		const struct k4actl_num *soe = &u[i].num[K4ACTL_L_COLOR_SOE_NS];
		const struct k4actl_num *delay = &u[i].num[K4ACTL_L_SUB_DELAY_US];
		s64 x;

		if ((int)i == master || !k4actl_is_word(&u[i], K4ACTL_L_SYNC_MODE, "subordinate") ||
		    !k4actl_is_word(&u[i], K4ACTL_L_SYNC_STATE, "locked") || soe->err)
			continue;
		x = soe->v - (delay->err ? 0 : delay->v * 1000) -
		    m->num[K4ACTL_L_COLOR_SOE_NS].v;
		offset[i] = k4actl_fold(x, period_ns);
		have[i] = true;
		count++;
	}
	return count;
}

/**
 * k4actl_rate() - frames per second of a stream between two readings
 * @prev: the earlier reading of the unit
 * @cur: the later one
 * @id: K4ACTL_L_COLOR_FRAMES or K4ACTL_L_DEPTH_FRAMES
 * @fps: the result
 *
 * A counter that went down restarted with its stream: what it counts now
 * came since then.
 *
 * Return: false when there is no rate (a value unread, the unit gone, no
 * time between the readings).
 */
bool k4actl_rate(const struct k4actl_live *prev, const struct k4actl_live *cur,
		 enum k4actl_live_num id, double *fps)
{
	long long d;

	if (!k4actl_delta(prev, cur, id, &d) || cur->t_ns <= prev->t_ns)
		return false;
	*fps = (double)d * 1e9 / (double)(cur->t_ns - prev->t_ns);
	return true;
}

/**
 * k4actl_delta() - growth of a counter between two readings
 * @prev: the earlier reading
 * @cur: the later one
 * @id: a counter of health/
 * @d: the result (the new value if the counter went down: it restarted)
 *
 * Return: false when either value is missing.
 */
bool k4actl_delta(const struct k4actl_live *prev, const struct k4actl_live *cur,
		  enum k4actl_live_num id, long long *d)
{
	if (!prev || prev->gone || cur->gone || prev->num[id].err || cur->num[id].err)
		return false;
	*d = cur->num[id].v >= prev->num[id].v ? cur->num[id].v - prev->num[id].v :
						 cur->num[id].v;
	return true;
}

/**
 * k4actl_watch_update() - the spread of a new reading
 * @w: watch's state: @w->period_ns as known; updated
 * @u: the reading
 * @n: how many units
 * @master: index of the master, -1 if none
 * @offset: per unit, its offset (k4actl_offsets())
 * @have: per unit, whether it has one
 */
void k4actl_watch_update(struct k4actl_watch *w, const struct k4actl_live *u, unsigned int n,
			 int master, s64 *offset, bool *have)
{
	s64 lo = 0, hi = 0;
	unsigned int i;
	int subs;

	w->refreshes++;
	w->spread_ns = K4ACTL_SPREAD_NONE;
	w->why = NULL;
	if (master < 0) {
		w->why = "no master";
		k4actl_offsets(u, n, -1, 1, offset, have);
		return;
	}
	if (w->period_ns <= 0) {
		w->why = "master's frame period unknown";
		k4actl_offsets(u, n, -1, 1, offset, have);
		return;
	}
	subs = k4actl_offsets(u, n, master, w->period_ns, offset, have);
	if (subs < 0) {
		w->why = u[master].num[K4ACTL_L_COLOR_SOE_NS].err == ENOENT ?
			 "no health/color_soe_ns (an older driver)" :
			 "the master does not stream colour";
		return;
	}
	if (!subs) {
		w->why = "no locked subordinate";
		return;
	}
	for (i = 0; i < n; i++) {
		if (!have[i])
			continue;
		if (offset[i] < lo)
			lo = offset[i];
		if (offset[i] > hi)
			hi = offset[i];
	}
	w->spread_ns = hi - lo;
	if (w->worst_ns == K4ACTL_SPREAD_NONE || w->spread_ns > w->worst_ns)
		w->worst_ns = w->spread_ns;
}

/* A per-refresh figure: rate or delta, "-" without. */
static const char *k4actl_rate_text(const struct k4actl_live *prev,
				    const struct k4actl_live *cur, enum k4actl_live_num id,
				    char *buf, size_t len)
{
	double fps;

	if (!k4actl_rate(prev, cur, id, &fps))
		return "-";
	snprintf(buf, len, "%.1f", fps);
	return buf;
}

static const char *k4actl_delta_text(const struct k4actl_live *prev,
				     const struct k4actl_live *cur, enum k4actl_live_num id,
				     char *buf, size_t len)
{
	long long d;

	if (!k4actl_delta(prev, cur, id, &d))
		return "-";
	snprintf(buf, len, "%lld", d);
	return buf;
}

static void k4actl_us_text(s64 ns, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f us", (double)ns / 1000.0);
}

/**
 * k4actl_watch_print() - one refresh of 'watch'
 * @f: output
 * @w: watch's state after k4actl_watch_update()
 * @prev: the previous reading, or NULL on the first refresh
 * @cur: this reading
 * @n: how many units
 * @offset: per unit, its colour offset from the master
 * @have: per unit, whether it has one
 *
 * A table, one row per unit: sync state; colour and depth frames per second,
 * drops and gaps since the previous refresh; clock error; colour offset from
 * the master. Then the spread of this frame set and the worst since watch
 * started.
 */
void k4actl_watch_print(FILE *f, const struct k4actl_watch *w, const struct k4actl_live *prev,
			const struct k4actl_live *cur, unsigned int n, const s64 *offset,
			const bool *have)
{
	char a[32], b[32], c[32], d[32], e[32], g[32], h[32], o[32], sp[96];
	unsigned int i;

	fprintf(f, "%-6s %-14s %-11s %-10s %6s %5s %5s %6s %5s %5s %8s %10s\n", "UNIT", "SERIAL",
		"ROLE", "SYNC_STATE", "C_fps", "C_drp", "C_gap", "D_fps", "D_drp", "D_gap",
		"ERROR_us", "OFFSET_us");
	for (i = 0; i < n; i++) {
		const struct k4actl_live *l = &cur[i];
		const struct k4actl_live *p = prev && !strcmp(prev[i].name, l->name) ?
					      &prev[i] : NULL;

		if (l->gone) {
			fprintf(f, "%-6s %-14s gone (unplugged?)\n", l->name,
				l->text[K4ACTL_L_SERIAL]);
			continue;
		}
		if (have[i])
			snprintf(o, sizeof(o), "%.1f", (double)offset[i] / 1000.0);
		else
			snprintf(o, sizeof(o), "-");
		fprintf(f, "%-6s %-14s %-11s %-10s %6s %5s %5s %6s %5s %5s %8s %10s\n", l->name,
			l->text[K4ACTL_L_SERIAL], l->text[K4ACTL_L_SYNC_MODE],
			l->text[K4ACTL_L_SYNC_STATE],
			k4actl_rate_text(p, l, K4ACTL_L_COLOR_FRAMES, a, sizeof(a)),
			k4actl_delta_text(p, l, K4ACTL_L_COLOR_DROPPED, b, sizeof(b)),
			k4actl_delta_text(p, l, K4ACTL_L_COLOR_GAPS, c, sizeof(c)),
			k4actl_rate_text(p, l, K4ACTL_L_DEPTH_FRAMES, d, sizeof(d)),
			k4actl_delta_text(p, l, K4ACTL_L_DEPTH_DROPPED, e, sizeof(e)),
			k4actl_delta_text(p, l, K4ACTL_L_DEPTH_GAPS, g, sizeof(g)),
			k4actl_milli_text(&l->num[K4ACTL_L_CLOCK_ERROR_NS], 1, h, sizeof(h)), o);
	}
	if (w->spread_ns != K4ACTL_SPREAD_NONE)
		k4actl_us_text(w->spread_ns, sp, sizeof(sp));
	else
		snprintf(sp, sizeof(sp), "- (%s)", w->why ? w->why : "none");
	if (w->worst_ns != K4ACTL_SPREAD_NONE)
		k4actl_us_text(w->worst_ns, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "-");
	fprintf(f, "spread %s, worst %s over %u refresh%s", sp, b, w->refreshes,
		w->refreshes == 1 ? "" : "es");
	if (w->period_ns > 0)
		fprintf(f, "; master frame period %.1f ms", (double)w->period_ns / 1e6);
	fputc('\n', f);
}
