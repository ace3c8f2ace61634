// SPDX-License-Identifier: GPL-2.0
/*
 * sched.c - k4actl: the delays of a rig and their timing chart.
 *
 * The planner (driver/lib/k4a_plan.c, Documentation/delay-planning.rst)
 * keeps colour aligned on every unit and delays unit i's depth by i steps of
 * whole 90 kHz ticks, K4A_PLAN_SPACING_US each or, for a rig that only fits
 * so, the widest narrower spacing down to K4A_PLAN_MIN_SPACING_US
 * (k4a_plan_rig()). Here its units are the topology's, master first; the
 * roles come from the cabling (a lone master stays a master, an externally
 * fed rig is all subordinates), and the result is checked again with
 * k4a_plan_min_gap().
 */
#include <errno.h>
#include <string.h>

#include "k4a_modes.h"
#include "sched.h"

/* Time in the chart is counted in 1/9 us, like the planner: a tick is 100. */
#define K4ACTL_PER_US		9
#define K4ACTL_PER_TICK		100
/* Widest chart, in columns of laser time. */
#define K4ACTL_CHART_COLS	72
/* A label on the time axis every this many columns. */
#define K4ACTL_CHART_LABEL	10

/**
 * k4actl_sched_capacity() - largest rig the planner accepts in a depth mode
 * @depth_mode: k4a depth mode id
 *
 * Return: 1..K4A_PLAN_MAX_UNITS as k4a_plan_rig() plans them at the mode's
 * highest rate, 0 for an unknown mode.
 */
u32 k4actl_sched_capacity(u32 depth_mode)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(depth_mode);
	struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS];
	u32 n, sp;

	if (!m)
		return 0;
	for (n = K4A_PLAN_MAX_UNITS; n; n--)
		if (!k4a_plan_rig(n, depth_mode, m->max_fps, u, &sp))
			return n;
	return 0;
}

/**
 * k4actl_sched_make() - plan the delays of an inferred rig
 * @t: the rig
 * @depth_mode: k4a depth mode id every unit will stream
 * @s: the plan; @s->err says why there is none
 *
 * Return: 0, or -EINVAL (refused cabling, unsynchronised units, unknown mode,
 * too many units) or -ENOSPC (the units do not fit the mode); @s->err tells
 * which.
 */
int k4actl_sched_make(const struct k4actl_topo *t, u32 depth_mode, struct k4actl_sched *s)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(depth_mode);
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->depth_mode = depth_mode;
	s->n = t->n;
	if (!m) {
		s->err = K4ACTL_SCHED_BAD_MODE;
		return -EINVAL;
	}
	s->fps = m->max_fps;
	s->capacity = k4actl_sched_capacity(depth_mode);
	if (t->err) {
		s->err = K4ACTL_SCHED_TOPO;
		return -EINVAL;
	}
	if (t->source == K4ACTL_SRC_NONE && t->n > 1) {
		s->err = K4ACTL_SCHED_UNSYNCED;
		return -EINVAL;
	}
	if (t->n > K4A_PLAN_MAX_UNITS) {
		s->err = K4ACTL_SCHED_TOO_MANY;
		return -EINVAL;
	}
	ret = k4a_plan_rig(t->n, depth_mode, s->fps, s->set, &s->spacing_us);
	if (ret) {
		s->err = ret == -ENOSPC ? K4ACTL_SCHED_NO_FIT : K4ACTL_SCHED_TOO_MANY;
		return ret == -ENOSPC ? ret : -EINVAL;
	}
	for (i = 0; i < t->n; i++) {
		s->unit[i] = t->order[i];
		s->set[i].role = (u32)t->role[t->order[i]];
	}
	ret = k4a_plan_min_gap(t->n, s->set, depth_mode, s->fps, &s->min_gap_us);
	if (ret || s->min_gap_us < s->spacing_us) {
		/* The planner checks its own plans; only the roles changed here. */
		s->err = K4ACTL_SCHED_NO_FIT;
		return -ENOSPC;
	}
	return 0;
}

/* Laser offset of a planned unit, in 1/9 us, as the device applies it. */
static s64 k4actl_offset(const struct k4a_plan_unit *u)
{
	return (k4a_us_to_ticks(u->sub_delay_us) + k4a_us_to_ticks(u->depth_delay_us)) *
	       K4ACTL_PER_TICK;
}

/* "166.7": 1/9 us units as microseconds with one decimal, rounded. */
static const char *k4actl_tenths(char *buf, size_t len, s64 units)
{
	s64 mag = units < 0 ? -units : units;
	s64 tenths = (mag * 10 + K4ACTL_PER_US / 2) / K4ACTL_PER_US;

	snprintf(buf, len, "%s%lld.%lld", units < 0 ? "-" : "", (long long)(tenths / 10),
		 (long long)(tenths % 10));
	return buf;
}

/**
 * k4actl_sched_print_error() - explain why there is no plan
 * @f: output
 * @s: a failed plan (K4ACTL_SCHED_TOPO prints nothing: the topology explains)
 */
void k4actl_sched_print_error(FILE *f, const struct k4actl_sched *s)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(s->depth_mode);
	const struct k4a_depth_mode *wide = k4a_depth_mode_by_name("wfov_unbinned");
	u32 step = (K4A_PLAN_MIN_SPACING_US * 9 + 99) / 100;
	char us[24];

	switch (s->err) {
	case K4ACTL_SCHED_OK:
	case K4ACTL_SCHED_TOPO:
		break;
	case K4ACTL_SCHED_BAD_MODE:
		fprintf(f, "no depth mode with id %u\n", s->depth_mode);
		break;
	case K4ACTL_SCHED_UNSYNCED:
		fprintf(f, "%u units without sync cable: delays only keep depth lasers apart in "
			"a synchronised rig.\nLink the units (the master's Sync Out to the next "
			"unit's Sync In, and so on), then run\n'k4actl plan' again.\n", s->n);
		break;
	case K4ACTL_SCHED_TOO_MANY:
		fprintf(f, "%u units: the delay planner takes at most %u (the vendor's limit; "
			"%u in %s).\nPlan a rig of fewer units.\n", s->n, K4A_PLAN_MAX_UNITS,
			s->capacity, m->name);
		break;
	case K4ACTL_SCHED_NO_FIT:
		fprintf(f, "%u units do not fit %s: its laser pulses repeat every %u us,\nand "
			"each unit needs its own window of at least %u us, set in whole 90 kHz "
			"ticks (%u ticks, %s us):\nat most %u units fit.\n", s->n, m->name,
			m->pulse_us + m->idle_us, K4A_PLAN_MIN_SPACING_US, step,
			k4actl_tenths(us, sizeof(us), (s64)step * K4ACTL_PER_TICK), s->capacity);
		if (wide && wide->idle_us > m->idle_us &&
		    k4actl_sched_capacity(wide->id) >= s->n)
			fprintf(f, "Use at most %u units, or stream %s (--mode wfov), whose pulses "
				"repeat every %u us.\n", s->capacity, wide->name,
				wide->pulse_us + wide->idle_us);
		else
			fprintf(f, "Use at most %u units.\n", s->capacity);
		break;
	}
}

static const char *k4actl_role_name(u32 role)
{
	const char *w = k4a_sync_mode_name(role);

	return w ? w : "unknown";
}

/**
 * k4actl_sched_print() - the planned settings, one row per unit
 * @f: output
 * @s: a plan made without error
 * @j: the units of the topology it was made from
 */
void k4actl_sched_print(FILE *f, const struct k4actl_sched *s, const struct k4actl_jacks *j)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(s->depth_mode);
	unsigned int i;
	char us[24];

	if (m->pulses && s->spacing_us < K4A_PLAN_SPACING_US)
		fprintf(f, "plan for %s: %u laser pulses of %u us every %u us per exposure, "
			"at least %u us between units\n(%u units do not fit at the recommended "
			"%u us: the widest spacing they fit)\n\n", m->name, m->pulses,
			m->pulse_us, m->pulse_us + m->idle_us, s->spacing_us, s->n,
			K4A_PLAN_SPACING_US);
	else if (m->pulses)
		fprintf(f, "plan for %s: %u laser pulses of %u us every %u us per exposure, "
			"at least %u us between units\n\n", m->name, m->pulses, m->pulse_us,
			m->pulse_us + m->idle_us, s->spacing_us);
	else
		fprintf(f, "plan for %s: no laser, every delay 0\n\n", m->name);
	fprintf(f, "  %-8s %-14s %-12s %10s %12s %13s\n", "unit", "serial", "sync_mode",
		"sub delay", "depth delay", "laser offset");
	for (i = 0; i < s->n; i++) {
		const struct k4a_plan_unit *u = &s->set[i];
		const struct k4actl_jacks *ju = &j[s->unit[i]];

		fprintf(f, "  %-8s %-14s %-12s %7d us %9d us %10s us\n", ju->name, ju->serial,
			k4actl_role_name(u->role), u->sub_delay_us, u->depth_delay_us,
			k4actl_tenths(us, sizeof(us), k4actl_offset(u)));
	}
	fputs("\nsub delay: subordinate_delay_off_master_usec, depth delay: "
	      "depth_delay_off_color_usec;\nlaser offset: where the unit's laser pulses start "
	      "after the sync pulse, the delays taken in\nwhole 90 kHz ticks as the device "
	      "applies them.\n", f);
	if (s->n < 2 || !m->pulses)
		fputs("no two lasers to keep apart\n", f);
	else
		fprintf(f, "smallest distance between laser pulses of two units: %u us "
			"(%u us needed)\n", s->min_gap_us, s->spacing_us);
}

/* Columns of @us_per_col covering [0, span_us). */
static u32 k4actl_cols(u32 span_us, u32 us_per_col)
{
	return (span_us + us_per_col - 1) / us_per_col;
}

/**
 * k4actl_chart_print() - laser pulse windows of a plan on a microsecond axis
 * @f: output
 * @s: a plan made without error
 * @j: the units of the topology it was made from
 *
 * One row per unit, '#' in every column a laser pulse of the unit overlaps,
 * over one pulse period and the next pulse, so the last unit's distance to
 * the first unit's next pulse shows too. Scale: the smallest of a few round
 * column widths that fits K4ACTL_CHART_COLS columns.
 */
void k4actl_chart_print(FILE *f, const struct k4actl_sched *s, const struct k4actl_jacks *j)
{
	static const u32 scales[] = { 5, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000 };
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(s->depth_mode);
	char line[K4ACTL_CHART_COLS + K4ACTL_CHART_LABEL + 1];
	u32 period, span, scale = 0, cols, c, i;
	s64 col_units, pulse_units, period_units;

	if (!m->pulses) {
		fprintf(f, "%s uses no laser: nothing to chart\n", m->name);
		return;
	}
	period = m->pulse_us + m->idle_us;
	span = period + m->pulse_us;
	for (i = 0; i < K4A_ARRAY_SIZE(scales); i++) {
		scale = scales[i];
		if (k4actl_cols(span, scale) <= K4ACTL_CHART_COLS)
			break;
	}
	cols = k4actl_cols(span, scale);
	if (cols > K4ACTL_CHART_COLS)
		cols = K4ACTL_CHART_COLS;	/* a pulse period beyond 72 ms: none is */
	col_units = (s64)scale * K4ACTL_PER_US;
	pulse_units = (s64)m->pulse_us * K4ACTL_PER_US;
	period_units = (s64)period * K4ACTL_PER_US;

	fprintf(f, "laser pulses in the first %u us of an exposure (one column = %u us, # = laser "
		"on);\nthe pattern repeats every %u us, %u pulses per exposure:\n\n", span, scale,
		period, m->pulses);

	memset(line, ' ', sizeof(line));
	for (c = 0; c < cols; c += K4ACTL_CHART_LABEL) {
		char label[16];
		int len = snprintf(label, sizeof(label), "%u", c * scale);

		if (len > 0 && (size_t)len < K4ACTL_CHART_LABEL)
			memcpy(line + c, label, (size_t)len);
	}
	line[cols + K4ACTL_CHART_LABEL - 1] = '\0';
	for (c = cols + K4ACTL_CHART_LABEL - 1; c > 0 && line[c - 1] == ' '; c--)
		line[c - 1] = '\0';
	fprintf(f, "  %-8s %-12s %s\n", "", "us", line);
	for (c = 0; c < cols; c++)
		line[c] = c % K4ACTL_CHART_LABEL ? ' ' : '|';
	line[cols] = '\0';
	for (c = cols; c > 0 && line[c - 1] == ' '; c--)
		line[c - 1] = '\0';
	fprintf(f, "  %-8s %-12s %s\n", "", "", line);

	for (i = 0; i < s->n; i++) {
		s64 off = k4actl_offset(&s->set[i]);

		for (c = 0; c < cols; c++) {
			s64 lo = (s64)c * col_units, hi = lo + col_units;
			u32 k;

			line[c] = '.';
			for (k = 0; k < m->pulses; k++) {
				s64 start = off + (s64)k * period_units;

				if (start < hi && start + pulse_units > lo) {
					line[c] = '#';
					break;
				}
			}
		}
		line[cols] = '\0';
		fprintf(f, "  %-8s %-12s %s\n", j[s->unit[i]].name,
			k4actl_role_name(s->set[i].role), line);
	}
}
