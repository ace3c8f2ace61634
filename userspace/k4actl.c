// SPDX-License-Identifier: GPL-2.0
/*
 * k4actl - rig helper of the k4a driver for Azure Kinect DK cameras.
 *
 * Commands: list, topology, plan, capture here; start, stop, status and
 * watch in run.c (Documentation/k4actl.rst, k4actl(1)). Units are found and
 * read through libudev; plan writes their sync attributes
 * (Documentation/ABI/testing/sysfs-driver-k4a); capture (capture_io.c)
 * streams their nodes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "args.h"
#include "cmd.h"
#include "capture.h"
#include "k4actl.h"
#include "k4a_modes.h"
#include "sched.h"
#include "topo.h"
#include "unit.h"

#ifndef K4ACTL_VERSION
#define K4ACTL_VERSION "unknown"
#endif

struct k4actl_unit k4actl_units[K4ACTL_MAX_UNITS];
struct k4actl_jacks k4actl_jacks[K4ACTL_MAX_UNITS];

/* Start an error message on stderr, after what stdout holds so far. */
void k4actl_err_start(void)
{
	fflush(stdout);
	fputs("k4actl: ", stderr);
}

void k4actl_err(const char *fmt, ...)
{
	va_list ap;

	k4actl_err_start();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Read every unit; on failure say why and return the exit status. */
int k4actl_load(unsigned int *n, bool json)
{
	int ret = k4actl_units_read(k4actl_units, K4ACTL_MAX_UNITS, n);

	if (ret == -E2BIG) {
		k4actl_err("%u units: k4actl handles at most %u at once\n", *n, K4ACTL_MAX_UNITS);
		return K4ACTL_EXIT_RIG;
	}
	if (ret) {
		k4actl_err("cannot enumerate the units through libudev: %s\n", strerror(-ret));
		return K4ACTL_EXIT_FAIL;
	}
	if (*n)
		return K4ACTL_EXIT_OK;
	if (json)
		puts("[]");
	if (!k4actl_driver_loaded())
		k4actl_err("no k4a units: the k4a driver is not loaded.\n"
			   "Load it with 'modprobe k4a' (as root; 'make install' installs it), "
			   "then connect the cameras.\n");
	else
		k4actl_err("no k4a units in /sys/class/k4a: the k4a driver is loaded, but no "
			   "camera formed a unit.\nConnect the camera's USB cable and power; a "
			   "unit forms when both its depth and its colour device\nare bound to "
			   "k4a (see the k4a lines of 'dmesg').\n");
	return K4ACTL_EXIT_RIG;
}

/* The jacks of every unit, for the topology; exit status on failure. */
static int k4actl_load_jacks(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct k4actl_unit *u = &k4actl_units[i];
		int ret = k4actl_unit_jacks(u, &k4actl_jacks[i]);
		enum k4actl_attr_id bad;

		if (!ret)
			continue;
		bad = u->attr[K4ACTL_A_SYNC_IN].err || ret == -EPROTO ?
		      K4ACTL_A_SYNC_IN : K4ACTL_A_SYNC_OUT;
		if (ret == -EPROTO)
			k4actl_err("%s: unexpected jack state '%s' / '%s' (a newer driver?)\n",
				   u->name, u->attr[K4ACTL_A_SYNC_IN].text,
				   u->attr[K4ACTL_A_SYNC_OUT].text);
		else
			k4actl_err("cannot read /sys/class/k4a/%s/%s: %s\n"
				   "The camera did not answer: check its USB connection and the "
				   "kernel log ('dmesg'), then run the command again.\n",
				   u->name, k4actl_attr_file[bad], strerror(-ret));
		return K4ACTL_EXIT_FAIL;
	}
	return K4ACTL_EXIT_OK;
}

static int k4actl_cmd_list(const struct k4actl_args *a)
{
	unsigned int n;
	int ret = k4actl_load(&n, a->json);

	if (ret)
		return ret;
	if (a->json)
		k4actl_list_print_json(stdout, k4actl_units, n);
	else
		k4actl_list_print(stdout, k4actl_units, n);
	if (k4actl_units_unreadable(k4actl_units, n)) {
		k4actl_err("some values could not be read (%s): check the cameras' USB "
			   "connections and 'dmesg', then run 'k4actl list' again\n",
			   a->json ? "null" : "shown as ?");
		return K4ACTL_EXIT_FAIL;
	}
	return K4ACTL_EXIT_OK;
}

/* Units, their jacks and the inferred rig; exit status on failure. */
int k4actl_infer(unsigned int *n, struct k4actl_topo *t)
{
	int ret = k4actl_load(n, false);

	if (!ret)
		ret = k4actl_load_jacks(*n);
	if (ret)
		return ret;
	if (k4actl_topo_infer(*n, k4actl_jacks, t)) {
		k4actl_err_start();
		k4actl_topo_print_error(stderr, t, k4actl_jacks);
		return K4ACTL_EXIT_RIG;
	}
	return K4ACTL_EXIT_OK;
}

static int k4actl_cmd_topology(void)
{
	struct k4actl_topo t;
	unsigned int n;
	int ret = k4actl_infer(&n, &t);

	if (ret)
		return ret;
	k4actl_topo_print(stdout, &t, k4actl_jacks);
	k4actl_topo_print_notes(stdout, &t, k4actl_jacks);
	return K4ACTL_EXIT_OK;
}

void k4actl_access_hint(const struct k4actl_unit *u, enum k4actl_attr_id id)
{
	switch (id < K4ACTL_A_COUNT ? k4actl_access_why(u, id) : K4ACTL_ACCESS_UNKNOWN) {
	case K4ACTL_ACCESS_NO_GROUP:
		fputs("This system has no group 'video'.\n", stderr);
		break;
	case K4ACTL_ACCESS_NO_RULES:
		fprintf(stderr, "/sys/class/k4a/%s/%s is not writable by the video group: k4a's "
			"udev rules are not\ninstalled, or did not run for this unit.\n", u->name,
			k4actl_attr_file[id]);
		break;
	case K4ACTL_ACCESS_NOT_MEMBER:
		fputs("You are not a member of the video group (see 'id').\n", stderr);
		break;
	case K4ACTL_ACCESS_UNKNOWN:
		break;
	}
	fputs("Run k4actl as root, or as a member of the video group with k4a's udev rules "
	      "installed\n('make install' puts them in /usr/lib/udev/rules.d/; then replug the "
	      "cameras or run\n'udevadm trigger --action=add --subsystem-match=k4a' as root; "
	      "after 'usermod -aG video USER',\nlog in again).\n", stderr);
}

static void k4actl_busy_hint(const struct k4actl_unit *u)
{
	unsigned int i;

	fprintf(stderr, "Sync settings are locked while a stream of the unit runs: stop the "
		"applications using");
	for (i = 0; i < K4ACTL_N_COUNT; i++)
		if (u->node[i][0])
			fprintf(stderr, " %s", u->node[i]);
	fprintf(stderr, "\n('k4actl stop', or see 'fuser -v /dev/video*'), then run 'k4actl "
		"plan' again.\n");
}

/* Every planned unit idle and its sync attributes writable; exit status. */
static int k4actl_plan_precheck(const struct k4actl_sched *s)
{
	static const enum k4actl_attr_id ids[] = {
		K4ACTL_A_SYNC_MODE, K4ACTL_A_SUB_DELAY, K4ACTL_A_DEPTH_DELAY,
	};
	unsigned int i, k;

	for (i = 0; i < s->n; i++) {
		const struct k4actl_unit *u = &k4actl_units[s->unit[i]];
		const struct k4actl_value *st = &u->attr[K4ACTL_A_STATE];

		if (st->err) {
			k4actl_err("cannot read /sys/class/k4a/%s/state: %s; nothing written\n",
				   u->name, strerror(st->err));
			return K4ACTL_EXIT_FAIL;
		}
		if (strcmp(st->text, K4A_STATE_WORD_IDLE)) {
			k4actl_err("%s is %s (%s): nothing written.\n", u->name, st->text,
				   strerror(EBUSY));
			k4actl_busy_hint(u);
			return K4ACTL_EXIT_FAIL;
		}
	}
	for (i = 0; i < s->n; i++) {
		const struct k4actl_unit *u = &k4actl_units[s->unit[i]];

		for (k = 0; k < K4A_ARRAY_SIZE(ids); k++) {
			int ret = k4actl_unit_writable(u, ids[k]);

			if (!ret)
				continue;
			k4actl_err("cannot write /sys/class/k4a/%s/%s: %s; nothing written.\n",
				   u->name, k4actl_attr_file[ids[k]], strerror(-ret));
			if (ret == -EACCES || ret == -EPERM || ret == -EROFS)
				k4actl_access_hint(u, ids[k]);
			return K4ACTL_EXIT_FAIL;
		}
	}
	return K4ACTL_EXIT_OK;
}

/* Write one planned unit: sync_mode first, then both delays. */
static int k4actl_plan_write_unit(const struct k4actl_unit *u, const struct k4a_plan_unit *p,
				  enum k4actl_attr_id *failed)
{
	char sub[16], depth[16];
	const struct {
		enum k4actl_attr_id id;
		const char *val;
	} w[] = {
		{ K4ACTL_A_SYNC_MODE, k4a_sync_mode_name(p->role) },
		{ K4ACTL_A_SUB_DELAY, sub },
		{ K4ACTL_A_DEPTH_DELAY, depth },
	};
	unsigned int k;

	snprintf(sub, sizeof(sub), "%d", p->sub_delay_us);
	snprintf(depth, sizeof(depth), "%d", p->depth_delay_us);
	for (k = 0; k < K4A_ARRAY_SIZE(w); k++) {
		int ret = k4actl_unit_write(u, w[k].id, w[k].val);

		if (ret) {
			*failed = w[k].id;
			return ret;
		}
	}
	return 0;
}

static void k4actl_write_error(const struct k4actl_sched *s, unsigned int i,
			       enum k4actl_attr_id id, int ret)
{
	const struct k4actl_unit *u = &k4actl_units[s->unit[i]];
	unsigned int k;

	k4actl_err("cannot write /sys/class/k4a/%s/%s: %s\n", u->name, k4actl_attr_file[id],
		   strerror(-ret));
	switch (-ret) {
	case EBUSY:
		k4actl_busy_hint(u);
		break;
	case EACCES:
	case EPERM:
		k4actl_access_hint(u, id);
		break;
	case EINVAL:
		if (id == K4ACTL_A_SYNC_MODE)
			fprintf(stderr, "The driver found no cable in the jack this mode needs: "
				"did the cabling change? Check 'k4actl topology'.\n");
		break;
	case ENODEV:
	case ENOENT:
		fprintf(stderr, "The unit went away (unplugged?). Reconnect it and run "
			"'k4actl plan' again.\n");
		break;
	default:
		fprintf(stderr, "Check the camera's USB connection and 'dmesg', then run "
			"'k4actl plan' again.\n");
		break;
	}
	if (!i)
		return;
	fputs("Units already written:", stderr);
	for (k = 0; k < i; k++)
		fprintf(stderr, " %s", k4actl_units[s->unit[k]].name);
	fputs(" (run 'k4actl plan' again once the cause is fixed).\n", stderr);
}

/* Read a written unit back; exit status. */
static int k4actl_plan_verify(const struct k4actl_sched *s, unsigned int i)
{
	struct k4actl_unit *u = &k4actl_units[s->unit[i]];
	const struct k4a_plan_unit *p = &s->set[i];
	const struct k4actl_value *a = u->attr;
	char sub[16], depth[16];
	int ret = k4actl_unit_reread(u);

	if (ret) {
		k4actl_err("cannot read %s back: %s\n", u->name, strerror(-ret));
		return K4ACTL_EXIT_FAIL;
	}
	snprintf(sub, sizeof(sub), "%d", p->sub_delay_us);
	snprintf(depth, sizeof(depth), "%d", p->depth_delay_us);
	printf("  %-8s sync_mode %s, subordinate_delay_off_master_usec %s, "
	       "depth_delay_off_color_usec %s\n", u->name,
	       a[K4ACTL_A_SYNC_MODE].err ? "?" : a[K4ACTL_A_SYNC_MODE].text,
	       a[K4ACTL_A_SUB_DELAY].err ? "?" : a[K4ACTL_A_SUB_DELAY].text,
	       a[K4ACTL_A_DEPTH_DELAY].err ? "?" : a[K4ACTL_A_DEPTH_DELAY].text);
	if (a[K4ACTL_A_SYNC_MODE].err || a[K4ACTL_A_SUB_DELAY].err ||
	    a[K4ACTL_A_DEPTH_DELAY].err ||
	    strcmp(a[K4ACTL_A_SYNC_MODE].text, k4a_sync_mode_name(p->role)) ||
	    strcmp(a[K4ACTL_A_SUB_DELAY].text, sub) ||
	    strcmp(a[K4ACTL_A_DEPTH_DELAY].text, depth)) {
		k4actl_err("%s reads back other settings than written (sync_mode %s, delays %s "
			   "and %s us):\nwas it changed meanwhile? Run 'k4actl plan' again.\n",
			   u->name, k4a_sync_mode_name(p->role), sub, depth);
		return K4ACTL_EXIT_FAIL;
	}
	return K4ACTL_EXIT_OK;
}

/**
 * k4actl_plan_write() - write a plan to the units and read it back
 * @s: the plan, its units in k4actl_units
 *
 * Every unit must be idle and writable first: nothing is written otherwise.
 *
 * Return: the exit status; a failure is reported on stderr.
 */
int k4actl_plan_write(const struct k4actl_sched *s)
{
	enum k4actl_attr_id failed = K4ACTL_A_SYNC_MODE;
	unsigned int i;
	int ret = k4actl_plan_precheck(s);

	if (ret)
		return ret;
	for (i = 0; i < s->n; i++) {
		ret = k4actl_plan_write_unit(&k4actl_units[s->unit[i]], &s->set[i], &failed);
		if (ret) {
			k4actl_write_error(s, i, failed, ret);
			return K4ACTL_EXIT_FAIL;
		}
	}
	printf("written, read back:\n");
	for (i = 0; i < s->n; i++) {
		ret = k4actl_plan_verify(s, i);
		if (ret)
			return ret;
	}
	return K4ACTL_EXIT_OK;
}

/**
 * k4actl_plan_matches() - whether every unit already has a plan's settings
 * @s: the plan, its units in k4actl_units as read
 */
bool k4actl_plan_matches(const struct k4actl_sched *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct k4actl_value *a = k4actl_units[s->unit[i]].attr;
		const struct k4a_plan_unit *p = &s->set[i];
		char sub[16], depth[16];

		snprintf(sub, sizeof(sub), "%d", p->sub_delay_us);
		snprintf(depth, sizeof(depth), "%d", p->depth_delay_us);
		if (a[K4ACTL_A_SYNC_MODE].err || a[K4ACTL_A_SUB_DELAY].err ||
		    a[K4ACTL_A_DEPTH_DELAY].err ||
		    strcmp(a[K4ACTL_A_SYNC_MODE].text, k4a_sync_mode_name(p->role)) ||
		    strcmp(a[K4ACTL_A_SUB_DELAY].text, sub) ||
		    strcmp(a[K4ACTL_A_DEPTH_DELAY].text, depth))
			return false;
	}
	return true;
}

static void k4actl_plan_next_steps(const struct k4actl_topo *t, const struct k4actl_sched *s)
{
	unsigned int i;
	bool delayed = false;

	for (i = 0; i < s->n; i++)
		delayed |= s->set[i].depth_delay_us != 0;
	if (t->source == K4ACTL_SRC_MASTER && s->n > 1) {
		printf("\nStart the subordinates' streams first (");
		for (i = 1; i < s->n; i++)
			printf("%s%s", i > 1 ? ", " : "", k4actl_units[s->unit[i]].name);
		printf("), the master's last (%s); the master must stream colour.\n",
		       k4actl_units[s->unit[0]].name);
	} else if (t->source == K4ACTL_SRC_MASTER) {
		printf("\nStart the subordinates on the other computers first, then %s; it must "
		       "stream colour.\n", k4actl_units[s->unit[0]].name);
	} else if (t->source == K4ACTL_SRC_EXTERNAL) {
		printf("\nStart every unit's streams with the sync source off or disconnected, "
		       "then turn it on.\n");
	}
	if (delayed)
		printf("A unit with a depth delay needs its colour and depth streams both running "
		       "(its state stays \"armed\" until they do).\n");
	if (t->source == K4ACTL_SRC_MASTER && s->n > 1)
		printf("Or run 'k4actl start' and start the applications in any order: it holds "
		       "the master until\nevery subordinate is armed.\n");
}

/*
 * Plan the rig of @t for @depth_mode, print it and (unless @dry_run) write
 * it; @hints: say afterwards how to start the streams. Exit status.
 */
static int k4actl_plan_apply(const struct k4actl_topo *t, u32 depth_mode, bool dry_run,
			     bool hints)
{
	struct k4actl_sched s;
	int ret;

	if (k4actl_sched_make(t, depth_mode, &s)) {
		k4actl_err_start();
		k4actl_sched_print_error(stderr, &s);
		return K4ACTL_EXIT_RIG;
	}
	k4actl_topo_print(stdout, t, k4actl_jacks);
	k4actl_topo_print_notes(stdout, t, k4actl_jacks);
	putchar('\n');
	k4actl_sched_print(stdout, &s, k4actl_jacks);
	putchar('\n');
	k4actl_chart_print(stdout, &s, k4actl_jacks);
	putchar('\n');
	if (dry_run) {
		printf("dry run: nothing written; 'k4actl plan --mode %s' writes these settings.\n",
		       k4a_depth_mode_by_id(depth_mode)->name);
		return K4ACTL_EXIT_OK;
	}

	ret = k4actl_plan_write(&s);
	if (ret)
		return ret;
	if (hints)
		k4actl_plan_next_steps(t, &s);
	return K4ACTL_EXIT_OK;
}

static int k4actl_cmd_plan(const struct k4actl_args *a)
{
	struct k4actl_topo t;
	unsigned int n;
	int ret = k4actl_infer(&n, &t);

	if (ret)
		return ret;
	return k4actl_plan_apply(&t, a->depth_mode, a->dry_run, true);
}

/* Whether every unit's sync_mode is the role its cabling gives it. */
static bool k4actl_rig_configured(const struct k4actl_topo *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (k4actl_jacks[i].mode != t->role[i])
			return false;
	return true;
}

static int k4actl_cmd_capture(const struct k4actl_args *a)
{
	char serials[K4ACTL_MAX_UNITS][K4A_SERIAL_MAX_LEN + 1];
	struct k4actl_unit *sel[K4ACTL_MAX_UNITS];
	bool picked[K4ACTL_MAX_UNITS] = { false };
	struct k4actl_topo t;
	unsigned int n, ns = 0, nsel = 0, i, k;
	int ret = k4actl_infer(&n, &t);

	if (ret)
		return ret;
	if (!a->no_plan && !k4actl_rig_configured(&t)) {
		printf("The units' sync modes do not match their cabling: planning the rig.\n\n");
		ret = k4actl_plan_apply(&t, a->depth_mode ? a->depth_mode :
					k4actl_depth_mode_from_word("nfov"), false, false);
		if (ret)
			return ret;
		putchar('\n');
	}
	if (a->units && k4actl_cap_serials_parse(a->units, serials, K4ACTL_MAX_UNITS, &ns))
		return K4ACTL_EXIT_USAGE;
	for (i = 0; i < ns; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(k4actl_units[k].attr[K4ACTL_A_SERIAL].text, serials[i]))
				break;
		if (k == n) {
			k4actl_err("no unit with serial number %s ('k4actl list' shows them)\n",
				   serials[i]);
			return K4ACTL_EXIT_RIG;
		}
		picked[k] = true;
	}
	/* Chain order: the topology's, the master (or source's first unit) first. */
	for (i = 0; i < t.n; i++) {
		k = t.order[i];
		if (ns && !picked[k])
			continue;
		ret = k4actl_unit_reread(&k4actl_units[k]);
		if (ret) {
			k4actl_err("cannot read %s: %s\n", k4actl_units[k].name, strerror(-ret));
			return K4ACTL_EXIT_FAIL;
		}
		sel[nsel++] = &k4actl_units[k];
	}
	if (t.source == K4ACTL_SRC_MASTER && ns && !picked[t.master] && nsel) {
		k4actl_err("%s, the master, is not among the units to record: its colour stream "
			   "makes the subordinates' pulses; add its serial %s to --units\n",
			   k4actl_units[t.master].name,
			   k4actl_units[t.master].attr[K4ACTL_A_SERIAL].text);
		return K4ACTL_EXIT_RIG;
	}
	return k4actl_capture_run(a, sel, nsel);
}

int main(int argc, char *argv[])
{
	struct k4actl_args a;
	char err[256];

	if (k4actl_args_parse(argc, argv, &a, err, sizeof(err))) {
		k4actl_err("%s\n", err);
		if (argc < 2)
			k4actl_help_print(stderr, K4ACTL_CMD_NONE);
		else
			fprintf(stderr, "Try 'k4actl help%s%s'.\n",
				a.cmd > K4ACTL_CMD_VERSION ? " " : "",
				a.cmd > K4ACTL_CMD_VERSION ? argv[1] : "");
		return K4ACTL_EXIT_USAGE;
	}
	switch (a.cmd) {
	case K4ACTL_CMD_HELP:
		k4actl_help_print(stdout, a.topic);
		return K4ACTL_EXIT_OK;
	case K4ACTL_CMD_VERSION:
		printf("k4actl %s\n", K4ACTL_VERSION);
		return K4ACTL_EXIT_OK;
	case K4ACTL_CMD_LIST:
		return k4actl_cmd_list(&a);
	case K4ACTL_CMD_TOPOLOGY:
		return k4actl_cmd_topology();
	case K4ACTL_CMD_PLAN:
		return k4actl_cmd_plan(&a);
	case K4ACTL_CMD_START:
		return k4actl_cmd_start(&a);
	case K4ACTL_CMD_STOP:
		return k4actl_cmd_stop(&a);
	case K4ACTL_CMD_STATUS:
		return k4actl_cmd_status(&a);
	case K4ACTL_CMD_WATCH:
		return k4actl_cmd_watch(&a);
	case K4ACTL_CMD_CAPTURE:
		return k4actl_cmd_capture(&a);
	case K4ACTL_CMD_NONE:
		break;
	}
	return K4ACTL_EXIT_USAGE;
}
