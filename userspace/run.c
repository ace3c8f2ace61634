// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - k4actl start, stop, status and watch: a running rig.
 *
 * The streams belong to the applications (a V4L2 stream lives while its
 * process holds the file): start orders the start of streams that others
 * start, through the master's start gate, and follows every unit's
 * sync_state; stop signals the processes holding the rig's nodes.
 * The decisions and their words are in order.c and health.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/k4a.h>

#include "cmd.h"
#include "k4a_plan.h"
#include "live.h"

static volatile sig_atomic_t k4actl_interrupted;

static void k4actl_on_signal(int sig)
{
	k4actl_interrupted = sig;
}

/* Ctrl-C and SIGTERM interrupt waits (no SA_RESTART) instead of killing. */
static void k4actl_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = k4actl_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double k4actl_secs_since(s64 t0)
{
	return (double)(k4actl_now_ns() - t0) / 1e9;
}

/* ---- start ---- */

/**
 * struct k4actl_start - what start follows
 * @n: units
 * @u: per unit, its role and latest state (strings point into k4actl_units)
 * @fd: per unit, its sync_state file
 * @t0: when the waits began
 */
struct k4actl_start {
	unsigned int n;
	struct k4actl_run_unit u[K4ACTL_MAX_UNITS];
	int fd[K4ACTL_MAX_UNITS];
	s64 t0;
};

static const char *k4actl_text(const struct k4actl_value *v)
{
	return v->err || !v->text[0] ? "?" : v->text;
}

/* Read every state again, print what changed; true if a unit went away. */
static bool k4actl_start_refresh(struct k4actl_start *s)
{
	bool gone = false;
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		enum k4actl_sst st = k4actl_sst_read(s->fd[i]);

		if (st == K4ACTL_SST_GONE || k4actl_unit_gone(&k4actl_units[i])) {
			st = K4ACTL_SST_GONE;
			gone = true;
		}
		if (st != s->u[i].st) {
			enum k4actl_sst from = s->u[i].st;

			s->u[i].st = st;
			k4actl_run_print_change(stdout, k4actl_secs_since(s->t0), &s->u[i], from);
			fflush(stdout);
		}
	}
	return gone;
}

/*
 * Wait until every unit is where @ph wants it: 0, -ETIMEDOUT, -EINTR
 * (Ctrl-C) or -ENODEV (a unit went away).
 */
static int k4actl_start_wait(struct k4actl_start *s, enum k4actl_phase ph, double timeout)
{
	s64 end = k4actl_now_ns() + (s64)(timeout * 1e9);

	for (;;) {
		s64 left;
		int ms;

		if (k4actl_start_refresh(s))
			return -ENODEV;
		if (k4actl_run_all_reached(s->u, s->n, ph))
			return 0;
		if (k4actl_interrupted)
			return -EINTR;
		left = end - k4actl_now_ns();
		if (left <= 0)
			return -ETIMEDOUT;
		/* sysfs_notify() wakes us; a look every 250 ms costs nothing */
		ms = left > 250000000 ? 250 : (int)(left / 1000000) + 1;
		k4actl_sst_poll(s->fd, s->n, ms);
	}
}

static void k4actl_gate_path_hint(const unsigned int *masters, unsigned int nm)
{
	unsigned int i;

	for (i = 0; i < nm; i++)
		fprintf(stderr, "The start gate of %s (%s) stays closed: its streams wait. Open it "
			"with\n  echo open > /sys/class/k4a/%s/start_gate\nor run 'k4actl stop' "
			"and start again.\n", k4actl_units[masters[i]].name,
			k4actl_text(&k4actl_units[masters[i]].attr[K4ACTL_A_SERIAL]),
			k4actl_units[masters[i]].name);
}

/* Write a unit's start gate; report a failure. Exit status. */
static int k4actl_gate_set(const struct k4actl_unit *u, const char *word, bool master)
{
	int ret = k4actl_unit_file_write(u, "start_gate", word);

	if (!ret)
		return K4ACTL_EXIT_OK;
	if (ret == -EBUSY && master) {
		k4actl_err("the master %s (%s) already streams: stop its application first "
			   "(k4actl stop), then run 'k4actl start' again\n",
			   k4actl_text(&u->attr[K4ACTL_A_SERIAL]), u->name);
		return K4ACTL_EXIT_FAIL;
	}
	k4actl_err("cannot write %s to /sys/class/k4a/%s/start_gate: %s\n", word, u->name,
		   strerror(-ret));
	if (ret == -EACCES || ret == -EPERM)
		k4actl_access_hint(u, K4ACTL_A_COUNT);
	else if (ret == -ENOENT)
		fputs("The unit went away, or the k4a driver is older than this k4actl (no "
		      "start_gate).\n", stderr);
	else if (!strcmp(word, K4A_GATE_WORD_OPEN))
		fputs("A held stream could not start (see 'dmesg'); the gate is open, the other "
		      "streams run.\n", stderr);
	return K4ACTL_EXIT_FAIL;
}

/* Plan the rig and write the plan unless the units have it. Exit status. */
static int k4actl_start_plan(const struct k4actl_args *a, const struct k4actl_topo *t)
{
	struct k4actl_sched s;

	if (k4actl_sched_make(t, a->depth_mode, &s)) {
		k4actl_err_start();
		k4actl_sched_print_error(stderr, &s);
		return K4ACTL_EXIT_RIG;
	}
	if (k4actl_plan_matches(&s)) {
		printf("sync modes and delays already as planned: nothing written\n");
		return K4ACTL_EXIT_OK;
	}
	k4actl_sched_print(stdout, &s, k4actl_jacks);
	putchar('\n');
	return k4actl_plan_write(&s);
}

static void k4actl_start_show_units(const struct k4actl_start *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct k4actl_unit *u = &k4actl_units[i];

		printf("  %-6s %s %-11s %-9s colour %s, depth %s\n", u->name, s->u[i].serial,
		       k4a_sync_mode_name((u32)s->u[i].role), k4actl_sst_word(s->u[i].st),
		       u->node[K4ACTL_N_VIDEO_COLOR][0] ? u->node[K4ACTL_N_VIDEO_COLOR] : "-",
		       u->node[K4ACTL_N_VIDEO_DEPTH][0] ? u->node[K4ACTL_N_VIDEO_DEPTH] : "-");
	}
}

/* What the diagnosis needs beyond sync_state: state and the depth delay. */
static void k4actl_start_details(struct k4actl_start *s)
{
	static char state[K4ACTL_MAX_UNITS][32];
	char buf[32];
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct k4actl_unit *u = &k4actl_units[i];

		s->u[i].state = NULL;
		if (!k4actl_unit_file_read(u, "state", state[i], sizeof(state[i])))
			s->u[i].state = state[i];
		if (!k4actl_unit_file_read(u, "depth_delay_off_color_usec", buf, sizeof(buf)))
			s->u[i].depth_delay_us = atoi(buf);
	}
}

/* After a failed wait: say why, exit status. */
static int k4actl_start_failed(struct k4actl_start *s, enum k4actl_phase ph, int ret,
			       double timeout, const unsigned int *masters, unsigned int nm)
{
	bool gated = ph == K4ACTL_PHASE_ARM && nm;

	k4actl_start_details(s);
	if (ret == -EINTR) {
		k4actl_err("interrupted.\n");
		if (gated)
			k4actl_gate_path_hint(masters, nm);
		return K4ACTL_EXIT_FAIL;
	}
	if (ret == -ENODEV)
		k4actl_err("a unit went away:\n");
	else if (ph == K4ACTL_PHASE_ARM)
		k4actl_err("not every unit armed within %g s:\n", timeout);
	else
		k4actl_err("not every unit %s within %g s%s:\n",
			   nm ? "locked" : "streams", timeout,
			   nm ? " after the master started" : "");
	k4actl_run_diagnose(stderr, s->u, s->n, ph);
	if (gated)
		k4actl_gate_path_hint(masters, nm);
	return K4ACTL_EXIT_RIG;
}

/* Report roles the cables cannot serve; true if there are any. */
static bool k4actl_start_faults(const struct k4actl_jacks *j, unsigned int n)
{
	char *text = NULL;
	size_t len = 0;
	unsigned int faults;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return false;
	faults = k4actl_topo_print_faults(f, "cannot start: ", n, j);
	fclose(f);
	if (faults)
		k4actl_err("%sNothing changed.\n", text);
	free(text);
	return faults;
}

int k4actl_cmd_start(const struct k4actl_args *a)
{
	static struct k4actl_start s;
	struct k4actl_jacks pre[K4ACTL_MAX_UNITS];
	unsigned int masters[K4ACTL_MAX_UNITS], nm = 0, i;
	bool only_standalone = true;
	struct k4actl_topo t;
	int ret;

	ret = k4actl_infer(&s.n, &t);
	if (ret)
		return ret;
	if (!a->no_plan) {
		ret = k4actl_start_plan(a, &t);
		if (ret)
			return ret;
	}
	for (i = 0; i < s.n; i++) {
		struct k4actl_unit *u = &k4actl_units[i];
		const struct k4actl_value *mode = &u->attr[K4ACTL_A_SYNC_MODE];

		s.u[i].name = u->name;
		s.u[i].serial = k4actl_text(&u->attr[K4ACTL_A_SERIAL]);
		s.u[i].role = mode->err ? -1 : k4a_sync_mode_from_name(mode->text);
		s.u[i].color = u->node[K4ACTL_N_VIDEO_COLOR];
		s.u[i].sync_in = k4actl_text(&u->attr[K4ACTL_A_SYNC_IN]);
		if (s.u[i].role < 0) {
			k4actl_err("cannot read the sync_mode of %s (%s)\n", u->name,
				   mode->err ? strerror(mode->err) : mode->text);
			return K4ACTL_EXIT_FAIL;
		}
		if (s.u[i].role == K4A_SYNC_MASTER)
			masters[nm++] = i;
		if (s.u[i].role != K4A_SYNC_STANDALONE)
			only_standalone = false;
		s.fd[i] = k4actl_sst_open(u);
		if (s.fd[i] < 0) {
			k4actl_err("cannot open /sys/class/k4a/%s/sync_state: %s\n", u->name,
				   strerror(-s.fd[i]));
			if (s.fd[i] == -ENOENT)
				fputs("The k4a driver is older than this k4actl (no sync_state).\n",
				      stderr);
			return K4ACTL_EXIT_FAIL;
		}
	}
	/* Roles the cables cannot serve (--no-plan): the driver would refuse them. */
	for (i = 0; i < s.n; i++) {
		pre[i] = k4actl_jacks[i];
		pre[i].mode = s.u[i].role;
	}
	if (k4actl_start_faults(pre, s.n))
		return K4ACTL_EXIT_RIG;
	k4actl_catch_signals();

	/* Every gate but a master's open, the master's closed. */
	for (i = 0; i < s.n; i++) {
		char gate[32];
		bool master = s.u[i].role == K4A_SYNC_MASTER;

		if (master) {
			ret = k4actl_gate_set(&k4actl_units[i], K4A_GATE_WORD_CLOSED, true);
			if (ret)
				return ret;
			continue;
		}
		if (k4actl_unit_file_read(&k4actl_units[i], "start_gate", gate, sizeof(gate)) ||
		    strcmp(gate, K4A_GATE_WORD_CLOSED))
			continue;
		ret = k4actl_gate_set(&k4actl_units[i], K4A_GATE_WORD_OPEN, false);
		if (ret)
			return ret;
		printf("opened the start gate of %s (%s): only a master's stays closed\n",
		       s.u[i].name, s.u[i].serial);
	}
	s.t0 = k4actl_now_ns();
	for (i = 0; i < s.n; i++)
		s.u[i].st = k4actl_sst_read(s.fd[i]);

	if (only_standalone) {
		printf("%s: nothing to order; start %s application now (waiting up to %g s):\n",
		       s.n > 1 ? "standalone units" : "a standalone unit",
		       s.n > 1 ? "their" : "its", a->timeout);
		k4actl_start_show_units(&s);
		fflush(stdout);
		ret = k4actl_start_wait(&s, K4ACTL_PHASE_LOCK, a->timeout);
		if (ret)
			return k4actl_start_failed(&s, K4ACTL_PHASE_LOCK, ret, a->timeout, masters,
						   0);
		printf("streaming after %.2f s\n", k4actl_secs_since(s.t0));
		return K4ACTL_EXIT_OK;
	}

	if (nm)
		printf("start gate of the master closed; start the applications now, in any "
		       "order (waiting up to %g s for every unit to arm):\n", a->timeout);
	else
		printf("externally fed rig: start the applications now, with the sync source "
		       "off (waiting up to %g s for every unit to arm):\n", a->timeout);
	k4actl_start_show_units(&s);
	k4actl_start_details(&s);
	for (i = 0; i < s.n; i++)
		if (s.u[i].depth_delay_us)
			break;
	if (i < s.n)
		printf("a unit with a depth delay needs its colour and depth streams both "
		       "running\n");
	fflush(stdout);
	ret = k4actl_start_wait(&s, K4ACTL_PHASE_ARM, a->timeout);
	if (ret)
		return k4actl_start_failed(&s, K4ACTL_PHASE_ARM, ret, a->timeout, masters, nm);

	if (nm) {
		printf("every unit armed after %.2f s: opening the master's start gate\n",
		       k4actl_secs_since(s.t0));
		fflush(stdout);
		for (i = 0; i < nm; i++) {
			ret = k4actl_gate_set(&k4actl_units[masters[i]], K4A_GATE_WORD_OPEN, true);
			if (ret)
				return ret;
		}
	} else {
		printf("every unit armed after %.2f s: turn the sync source on now (waiting up "
		       "to %g s for every unit to lock)\n", k4actl_secs_since(s.t0),
		       a->lock_timeout);
		fflush(stdout);
	}
	ret = k4actl_start_wait(&s, K4ACTL_PHASE_LOCK, a->lock_timeout);
	if (ret == -EINTR) {
		k4actl_err("interrupted; the streams run (k4actl status shows them)\n");
		return K4ACTL_EXIT_FAIL;
	}
	if (ret)
		return k4actl_start_failed(&s, K4ACTL_PHASE_LOCK, ret, a->lock_timeout, masters,
					   nm);
	printf("started after %.2f s: %s, every subordinate locked\n", k4actl_secs_since(s.t0),
	       nm ? "the master streams" : "the sync source runs");
	return K4ACTL_EXIT_OK;
}

/* ---- stop ---- */

/* The rig's video nodes, by device number. */
static unsigned int k4actl_rig_nodes(unsigned int n, struct k4actl_devnum *nodes)
{
	unsigned int i, k, count = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < K4ACTL_N_COUNT; k++)
			if (!k4actl_node_devnum(&k4actl_units[i], k4actl_node_link[k],
						&nodes[count].dev))
				nodes[count++].unit = i;
	return count;
}

static void k4actl_holder_print(FILE *f, const struct k4actl_holder *h, unsigned int n)
{
	unsigned int k;
	bool first = true;

	fprintf(f, "  %d %s (", (int)h->pid, h->comm);
	for (k = 0; k < n; k++) {
		if (!(h->units >> k & 1))
			continue;
		fprintf(f, "%s%s %s", first ? "" : ", ", k4actl_units[k].name,
			k4actl_text(&k4actl_units[k].attr[K4ACTL_A_SYNC_MODE]));
		first = false;
	}
	fputs(")\n", f);
}

/* Whether a unit's state and sync_state are both idle (or it is gone). */
static bool k4actl_unit_idle(const struct k4actl_unit *u)
{
	char st[32], sst[32];

	if (k4actl_unit_gone(u))
		return true;
	return !k4actl_unit_file_read(u, "state", st, sizeof(st)) &&
	       !strcmp(st, K4A_STATE_WORD_IDLE) &&
	       !k4actl_unit_file_read(u, "sync_state", sst, sizeof(sst)) &&
	       !strcmp(sst, K4A_SYNC_STATE_WORD_IDLE);
}

static bool k4actl_all_idle(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!k4actl_unit_idle(&k4actl_units[i]))
			return false;
	return true;
}

/* Sleep @ms unless interrupted. */
static void k4actl_nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until @pred; false on timeout or Ctrl-C. */
static bool k4actl_wait_for(bool (*pred)(const void *), const void *arg, s64 end)
{
	while (!pred(arg)) {
		if (k4actl_interrupted || k4actl_now_ns() >= end)
			return false;
		k4actl_nap(50);
	}
	return true;
}

struct k4actl_pids {
	const struct k4actl_holder *h;
	unsigned int n;
	bool master_only;
};

static bool k4actl_pids_gone(const void *arg)
{
	const struct k4actl_pids *p = arg;
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if ((!p->master_only || p->h[i].master) && k4actl_pid_alive(p->h[i].pid))
			return false;
	return true;
}

static bool k4actl_rig_idle(const void *arg)
{
	return k4actl_all_idle(*(const unsigned int *)arg);
}

/* Close every master's gate so that the next start is ordered. Exit status. */
static int k4actl_stop_close_gates(unsigned int n)
{
	unsigned int i;
	int ret = K4ACTL_EXIT_OK;

	for (i = 0; i < n; i++) {
		const struct k4actl_unit *u = &k4actl_units[i];
		const struct k4actl_value *mode = &u->attr[K4ACTL_A_SYNC_MODE];
		int r;

		if (mode->err || strcmp(mode->text, K4A_SYNC_WORD_MASTER) || k4actl_unit_gone(u))
			continue;
		r = k4actl_unit_file_write(u, "start_gate", K4A_GATE_WORD_CLOSED);
		if (!r) {
			printf("start gate of the master %s (%s) closed: its streams wait until "
			       "'k4actl start' opens it\n", u->name,
			       k4actl_text(&u->attr[K4ACTL_A_SERIAL]));
			continue;
		}
		k4actl_err("cannot close the start gate of %s: %s\n", u->name, strerror(-r));
		if (r == -EACCES || r == -EPERM)
			k4actl_access_hint(u, K4ACTL_A_COUNT);
		ret = K4ACTL_EXIT_FAIL;
	}
	return ret;
}

/* Name the units not idle and the processes still holding them. */
static void k4actl_stop_report(unsigned int n, const struct k4actl_devnum *nodes,
			       unsigned int nn)
{
	static struct k4actl_holder h[K4ACTL_MAX_HOLDERS];
	unsigned int i, count, unreadable;

	for (i = 0; i < n; i++) {
		char st[32] = "?", sst[32] = "?";

		if (k4actl_unit_idle(&k4actl_units[i]))
			continue;
		k4actl_unit_file_read(&k4actl_units[i], "state", st, sizeof(st));
		k4actl_unit_file_read(&k4actl_units[i], "sync_state", sst, sizeof(sst));
		fprintf(stderr, "  %s (%s) state %s, sync_state %s\n", k4actl_units[i].name,
			k4actl_text(&k4actl_units[i].attr[K4ACTL_A_SERIAL]), st, sst);
	}
	if (k4actl_holders_find(nodes, nn, h, K4ACTL_MAX_HOLDERS, &count, &unreadable))
		return;
	if (count) {
		fputs("still holding their nodes:\n", stderr);
		for (i = 0; i < count && i < K4ACTL_MAX_HOLDERS; i++)
			k4actl_holder_print(stderr, &h[i], n);
		fputs("End them (they ignored SIGTERM) or wait for them.\n", stderr);
	}
	if (unreadable)
		fprintf(stderr, "%u processes of other users could not be inspected: run "
			"'k4actl stop' as root to find them.\n", unreadable);
}

int k4actl_cmd_stop(const struct k4actl_args *a)
{
	static struct k4actl_devnum nodes[K4ACTL_MAX_UNITS * K4ACTL_N_COUNT];
	static struct k4actl_holder h[K4ACTL_MAX_HOLDERS];
	int role[K4ACTL_MAX_UNITS];
	unsigned int n, nn, count, unreadable, i, signalled = 0;
	struct k4actl_pids pids;
	bool perm = false;
	s64 end;
	int ret = k4actl_load(&n, false);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const struct k4actl_value *mode = &k4actl_units[i].attr[K4ACTL_A_SYNC_MODE];

		role[i] = mode->err ? -1 : k4a_sync_mode_from_name(mode->text);
	}
	nn = k4actl_rig_nodes(n, nodes);
	ret = k4actl_holders_find(nodes, nn, h, K4ACTL_MAX_HOLDERS, &count, &unreadable);
	if (ret) {
		k4actl_err("cannot read /proc: %s\n", strerror(-ret));
		return K4ACTL_EXIT_FAIL;
	}
	if (count > K4ACTL_MAX_HOLDERS) {
		k4actl_err("%u processes hold the rig's nodes: k4actl handles at most %u\n", count,
			   K4ACTL_MAX_HOLDERS);
		return K4ACTL_EXIT_FAIL;
	}
	k4actl_stop_order(h, count, role);
	if (a->dry_run) {
		if (!count) {
			printf("nothing streams%s\n", unreadable ?
			       " (that this user can see: other users' processes were not "
			       "inspected)" : "");
			return K4ACTL_EXIT_OK;
		}
		printf("dry run: would send SIGTERM to, in this order:\n");
		for (i = 0; i < count; i++)
			k4actl_holder_print(stdout, &h[i], n);
		return K4ACTL_EXIT_OK;
	}
	k4actl_catch_signals();
	if (!count) {
		printf("nothing streams\n");
		if (!k4actl_all_idle(n)) {
			k4actl_err("but not every unit is idle:\n");
			k4actl_stop_report(n, nodes, nn);
			return K4ACTL_EXIT_FAIL;
		}
		return k4actl_stop_close_gates(n);
	}

	end = k4actl_now_ns() + (s64)(a->timeout * 1e9);
	pids.h = h;
	pids.n = count;
	for (i = 0; i < count; i++) {
		/* the subordinates' holders once the master's have gone */
		if (i && h[i - 1].master && !h[i].master) {
			pids.master_only = true;
			k4actl_wait_for(k4actl_pids_gone, &pids, end);
		}
		if (kill(h[i].pid, SIGTERM)) {
			if (errno == ESRCH)
				continue;
			k4actl_err("cannot signal %d (%s): %s\n", (int)h[i].pid, h[i].comm,
				   strerror(errno));
			if (errno == EPERM)
				fputs("It belongs to another user: run 'k4actl stop' as that user "
				      "or as root.\n", stderr);
			perm = true;
			continue;
		}
		if (!signalled++)
			printf("SIGTERM sent, the master's holders first, to:\n");
		k4actl_holder_print(stdout, &h[i], n);
	}
	fflush(stdout);
	if (!k4actl_wait_for(k4actl_rig_idle, &n, end)) {
		if (k4actl_interrupted)
			k4actl_err("interrupted before every unit was idle:\n");
		else
			k4actl_err("not every unit idle within %g s:\n", a->timeout);
		k4actl_stop_report(n, nodes, nn);
		return K4ACTL_EXIT_FAIL;
	}
	printf("every unit idle\n");
	ret = k4actl_stop_close_gates(n);
	return perm ? K4ACTL_EXIT_FAIL : ret;
}

/* ---- status, watch ---- */

static struct k4actl_live k4actl_live_cur[K4ACTL_MAX_UNITS];
static struct k4actl_live k4actl_live_prev[K4ACTL_MAX_UNITS];

int k4actl_cmd_status(const struct k4actl_args *a)
{
	unsigned int n, i;
	int ret = k4actl_load(&n, a->json);

	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		k4actl_live_read(&k4actl_units[i], &k4actl_live_cur[i]);
	if (a->json) {
		k4actl_status_print_json(stdout, k4actl_live_cur, n);
		/* what is wrong goes to stderr, beside the JSON */
		return k4actl_status_faults(stderr, k4actl_live_cur, n) ? K4ACTL_EXIT_RIG :
									   K4ACTL_EXIT_OK;
	}
	k4actl_status_print(stdout, k4actl_live_cur, n);
	return k4actl_status_faults(stdout, k4actl_live_cur, n) ? K4ACTL_EXIT_RIG :
								   K4ACTL_EXIT_OK;
}

static int k4actl_find_master(const struct k4actl_live *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!l[i].gone && !strcmp(l[i].text[K4ACTL_L_SYNC_MODE], K4A_SYNC_WORD_MASTER))
			return (int)i;
	return -1;
}

/*
 * The master's colour frame period: VIDIOC_G_PARM, else the median step of
 * its color_soe_ns over the refreshes so far. The node is opened again only
 * when the master's sync_state changed (its stream may have restarted at
 * another rate), so that watch is rarely among the processes stop finds.
 */
struct k4actl_period {
	s64 last_soe;
	s64 steps[64];
	unsigned int n;
	s64 parm_ns;
	char state[64];
};

static s64 k4actl_watch_period(struct k4actl_period *p, const struct k4actl_unit *u,
			       const struct k4actl_live *l)
{
	const struct k4actl_num *soe = &l->num[K4ACTL_L_COLOR_SOE_NS];

	if (p->parm_ns <= 0 || strcmp(p->state, l->text[K4ACTL_L_SYNC_STATE])) {
		p->parm_ns = k4actl_color_period_ns(u);
		snprintf(p->state, sizeof(p->state), "%s", l->text[K4ACTL_L_SYNC_STATE]);
	}
	if (!soe->err) {
		if (p->last_soe && soe->v > p->last_soe)
			p->steps[p->n++ % K4A_ARRAY_SIZE(p->steps)] = soe->v - p->last_soe;
		p->last_soe = soe->v;
	}
	if (p->parm_ns > 0)
		return p->parm_ns;
	return k4actl_period_guess(p->steps, p->n < K4A_ARRAY_SIZE(p->steps) ?
				   p->n : K4A_ARRAY_SIZE(p->steps));
}

int k4actl_cmd_watch(const struct k4actl_args *a)
{
	static struct k4actl_period period;
	struct k4actl_watch w = {
		.spread_ns = K4ACTL_SPREAD_NONE,
		.worst_ns = K4ACTL_SPREAD_NONE,
	};
	s64 offset[K4ACTL_MAX_UNITS];
	bool have[K4ACTL_MAX_UNITS];
	bool tty = isatty(STDOUT_FILENO);
	unsigned int n, i, faults;
	int ret = k4actl_load(&n, false);
	int master;

	if (ret)
		return ret;
	k4actl_catch_signals();
	for (;;) {
		s64 next = k4actl_now_ns() + (s64)(a->interval * 1e9);

		for (i = 0; i < n; i++)
			k4actl_live_read(&k4actl_units[i], &k4actl_live_cur[i]);
		master = k4actl_find_master(k4actl_live_cur, n);
		if (master >= 0)
			w.period_ns = k4actl_watch_period(&period, &k4actl_units[master],
							  &k4actl_live_cur[master]);
		k4actl_watch_update(&w, k4actl_live_cur, n, master, offset, have);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (w.refreshes > 1)
			putchar('\n');
		k4actl_watch_print(stdout, &w, w.refreshes > 1 ? k4actl_live_prev : NULL,
				   k4actl_live_cur, n, offset, have);
		faults = k4actl_status_faults(stdout, k4actl_live_cur, n);
		fflush(stdout);
		memcpy(k4actl_live_prev, k4actl_live_cur, sizeof(k4actl_live_prev[0]) * n);
		if (a->count && w.refreshes >= a->count)
			return faults ? K4ACTL_EXIT_RIG : K4ACTL_EXIT_OK;
		while (!k4actl_interrupted) {
			s64 left = next - k4actl_now_ns();

			if (left <= 0)
				break;
			k4actl_nap(left > 100000000 ? 100 : (int)(left / 1000000) + 1);
		}
		if (k4actl_interrupted)
			break;
	}
	return K4ACTL_EXIT_OK;
}
