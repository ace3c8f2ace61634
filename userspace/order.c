// SPDX-License-Identifier: GPL-2.0
/*
 * order.c - k4actl: the decisions of 'start' and 'stop' and their words.
 *
 * 'start' waits twice. With the master's start gate closed, every unit must
 * become armed: a subordinate's applications started its streams and it
 * waits for pulses, the master's streams are held behind its gate. With the
 * gate open, the master must stream and every subordinate must lock. A unit
 * that does not get there is named with the likely cause. 'stop' signals
 * the processes holding a master's nodes before the others, so that the
 * subordinates lose their pulses while nothing else changes.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "k4a_plan.h"
#include "order.h"

static const char *const k4actl_sst_words[] = {
	[K4ACTL_SST_UNKNOWN] = "?",
	[K4ACTL_SST_IDLE] = K4A_SYNC_STATE_WORD_IDLE,
	[K4ACTL_SST_ARMED] = K4A_SYNC_STATE_WORD_ARMED,
	[K4ACTL_SST_STREAMING] = K4A_SYNC_STATE_WORD_STREAMING,
	[K4ACTL_SST_LOCKED] = K4A_SYNC_STATE_WORD_LOCKED,
	[K4ACTL_SST_LOST] = K4A_SYNC_STATE_WORD_LOST,
	[K4ACTL_SST_GONE] = "gone",
};

/**
 * k4actl_sst_from_word() - a sync_state word as read
 * @word: "idle", "armed", "streaming", "locked" or "lost" (no newline)
 *
 * Return: the state; K4ACTL_SST_UNKNOWN for any other word.
 */
enum k4actl_sst k4actl_sst_from_word(const char *word)
{
	unsigned int i;

	for (i = K4ACTL_SST_IDLE; i <= K4ACTL_SST_LOST; i++)
		if (!strcmp(word, k4actl_sst_words[i]))
			return (enum k4actl_sst)i;
	return K4ACTL_SST_UNKNOWN;
}

/**
 * k4actl_sst_word() - the word of a state ("?" unknown, "gone" unplugged)
 * @st: the state
 */
const char *k4actl_sst_word(enum k4actl_sst st)
{
	if ((unsigned int)st >= K4A_ARRAY_SIZE(k4actl_sst_words))
		return "?";
	return k4actl_sst_words[st];
}

/**
 * k4actl_run_reached() - whether a unit is where a wait of 'start' wants it
 * @role: its sync_mode (enum k4a_sync_mode)
 * @ph: the wait
 * @st: its sync_state
 *
 * Arming: a master armed (held behind its closed gate); a subordinate armed
 * (waiting for pulses) or already locked (an external source runs); a
 * standalone unit, whose gate is open, streaming. Locking: a subordinate
 * locked, any other unit streaming.
 */
bool k4actl_run_reached(int role, enum k4actl_phase ph, enum k4actl_sst st)
{
	switch (role) {
	case K4A_SYNC_SUBORDINATE:
		if (ph == K4ACTL_PHASE_ARM)
			return st == K4ACTL_SST_ARMED || st == K4ACTL_SST_LOCKED;
		return st == K4ACTL_SST_LOCKED;
	case K4A_SYNC_MASTER:
		if (ph == K4ACTL_PHASE_ARM)
			return st == K4ACTL_SST_ARMED;
		return st == K4ACTL_SST_STREAMING;
	default:
		return st == K4ACTL_SST_STREAMING;
	}
}

/**
 * k4actl_run_all_reached() - whether every unit is where a wait wants it
 * @u: the units
 * @n: how many
 * @ph: the wait
 */
bool k4actl_run_all_reached(const struct k4actl_run_unit *u, unsigned int n,
			    enum k4actl_phase ph)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!k4actl_run_reached(u[i].role, ph, u[i].st))
			return false;
	return true;
}

static const char *k4actl_role_word(int role)
{
	const char *w = role < 0 ? NULL : k4a_sync_mode_name((u32)role);

	return w ? w : "?";
}

/**
 * k4actl_run_print_change() - one line per change of a unit's sync_state
 * @f: output
 * @secs: seconds since 'start' began
 * @u: the unit, with its new state
 * @from: its state before
 *
 * "  +0.84 s  000123456702 subordinate: idle -> armed"
 */
void k4actl_run_print_change(FILE *f, double secs, const struct k4actl_run_unit *u,
			     enum k4actl_sst from)
{
	fprintf(f, "  +%.2f s  %s %s: %s -> %s\n", secs, u->serial, k4actl_role_word(u->role),
		k4actl_sst_word(from), k4actl_sst_word(u->st));
}

static void k4actl_start_hint(FILE *f, const struct k4actl_run_unit *u)
{
	fprintf(f, "(e.g. v4l2-ctl -d %s --stream-mmap)", u->color[0] ? u->color : "/dev/videoN");
}

/* The likely cause of a unit not reaching what a wait wants, one line. */
static void k4actl_run_cause(FILE *f, const struct k4actl_run_unit *u, enum k4actl_phase ph,
			     bool have_master)
{
	const char *src = have_master ? "the master" : "the sync source";

	switch (u->st) {
	case K4ACTL_SST_GONE:
		fputs("it went away (unplugged?): reconnect it and run 'k4actl start' again", f);
		return;
	case K4ACTL_SST_UNKNOWN:
		fputs("its sync_state cannot be read: check its USB connection and 'dmesg'", f);
		return;
	case K4ACTL_SST_LOST:
		if (u->role == K4A_SYNC_SUBORDINATE)
			fprintf(f, "state lost: its frames came, then stopped: check the sync "
				"cable into its Sync In (sync_in_jack reads %s) and that %s "
				"still streams colour", u->sync_in, src);
		else
			fputs("state lost: its frames came, then stopped: check its USB "
			      "connection and 'dmesg'", f);
		return;
	default:
		break;
	}
	if (u->st == K4ACTL_SST_IDLE) {
		if (u->role == K4A_SYNC_MASTER && ph == K4ACTL_PHASE_ARM) {
			fputs("start the master's application; its streams wait behind the "
			      "start gate ", f);
			k4actl_start_hint(f, u);
		} else {
			fputs("no application streams it: start it ", f);
			k4actl_start_hint(f, u);
		}
		return;
	}
	if (u->st == K4ACTL_SST_ARMED && u->depth_delay_us && u->state &&
	    !strcmp(u->state, K4A_STATE_WORD_ARMED)) {
		fprintf(f, "only one of its colour and depth streams runs, and its depth delay "
			"(%d us) is measured between them: start the other too", u->depth_delay_us);
		return;
	}
	if (u->role == K4A_SYNC_SUBORDINATE && u->st == K4ACTL_SST_ARMED) {
		fprintf(f, "no pulses from %s: check the sync cable into its Sync In "
			"(sync_in_jack reads %s) and that %s streams colour", src, u->sync_in,
			src);
		return;
	}
	if (u->role == K4A_SYNC_MASTER && u->st == K4ACTL_SST_ARMED) {
		fprintf(f, "its colour stream does not run, and its Sync Out pulses are its "
			"colour frames: stream %s too (with a depth delay, colour and depth "
			"both)", u->color[0] ? u->color : "its colour node");
		return;
	}
	if (u->st == K4ACTL_SST_ARMED) {
		fputs("a stream it needs does not run (with a depth delay, colour and depth "
		      "both), or its start gate is closed", f);
		return;
	}
	fprintf(f, "unexpected for a %s %s", k4actl_role_word(u->role),
		ph == K4ACTL_PHASE_ARM ? "before the master starts" : "after the master started");
}

/**
 * k4actl_run_diagnose() - name every unit a wait did not see arrive
 * @f: output
 * @u: the units, with their latest states
 * @n: how many
 * @ph: the wait that timed out
 *
 * One line per unit not where @ph wants it: its serial, name, role and
 * state, and the likely cause with what to do.
 */
void k4actl_run_diagnose(FILE *f, const struct k4actl_run_unit *u, unsigned int n,
			 enum k4actl_phase ph)
{
	bool have_master = false;
	unsigned int i;

	for (i = 0; i < n; i++)
		have_master |= u[i].role == K4A_SYNC_MASTER;
	for (i = 0; i < n; i++) {
		if (k4actl_run_reached(u[i].role, ph, u[i].st))
			continue;
		fprintf(f, "  %s (%s, %s) is %s: ", u[i].serial, u[i].name,
			k4actl_role_word(u[i].role), k4actl_sst_word(u[i].st));
		k4actl_run_cause(f, &u[i], ph, have_master);
		fputs("\n", f);
	}
}

static int k4actl_holder_cmp(const void *a, const void *b)
{
	const struct k4actl_holder *ha = a, *hb = b;

	if (ha->master != hb->master)
		return ha->master ? -1 : 1;
	return ha->pid < hb->pid ? -1 : ha->pid > hb->pid;
}

/**
 * k4actl_stop_order() - the order in which 'stop' signals the holders
 * @h: the processes holding nodes of the rig; sorted in place
 * @n: how many
 * @role: per unit index, its sync_mode (enum k4a_sync_mode)
 *
 * Sets each holder's @master and sorts: the holders of a master's nodes
 * first, then the others, each group by process id.
 */
void k4actl_stop_order(struct k4actl_holder *h, unsigned int n, const int *role)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		h[i].master = false;
		for (k = 0; k < K4ACTL_MAX_UNITS; k++)
			if ((h[i].units >> k & 1) && role[k] == K4A_SYNC_MASTER)
				h[i].master = true;
	}
	if (n > 1)
		qsort(h, n, sizeof(*h), k4actl_holder_cmp);
}
