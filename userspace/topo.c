// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - k4actl: the wiring of a rig inferred from the units' sync jacks.
 *
 * A jack only says whether a plug is in it, not where the cable goes. The
 * rules (Documentation/k4actl.rst):
 *
 * - no cable on any unit: every unit is standalone;
 * - a master has Sync Out connected and Sync In free (the vendor: a master
 *   with a cable in Sync In does not enter master mode); at most one unit
 *   may look like that;
 * - a subordinate has Sync In connected;
 * - no unit looks like a master and every unit has Sync In connected: an
 *   external source (a sync generator, or a master attached to another
 *   computer) feeds the rig and every unit is a subordinate;
 * - anything else is refused: a unit with Sync In connected while nothing
 *   here drives it and not every unit has Sync In, a unit that would have to
 *   be the master but has its Sync In occupied, a unit without cable beside
 *   linked ones.
 *
 * How the subordinates are fed follows from counting, assuming every cable
 * links two units (or the external source and a unit): with R of S
 * subordinates passing the signal on (Sync Out connected), R = 0 means the
 * source's Sync Out is split to all of them (star) and R = S - 1 means every
 * source feeds exactly one unit (daisy chain); anything else cannot be told
 * from jacks.
 */
#include <errno.h>
#include <string.h>

#include <linux/k4a.h>

#include "topo.h"

static bool k4actl_is_master(const struct k4actl_jacks *j)
{
	return j->sync_out && !j->sync_in;
}

static bool k4actl_is_loose(const struct k4actl_jacks *j)
{
	return !j->sync_in && !j->sync_out;
}

static bool k4actl_is_in_only(const struct k4actl_jacks *j)
{
	return j->sync_in && !j->sync_out;
}

static bool k4actl_is_in_out(const struct k4actl_jacks *j)
{
	return j->sync_in && j->sync_out;
}

static bool k4actl_has_in(const struct k4actl_jacks *j)
{
	return j->sync_in;
}

static const char *k4actl_role_word(int role)
{
	switch (role) {
	case K4A_SYNC_STANDALONE:
		return K4A_SYNC_WORD_STANDALONE;
	case K4A_SYNC_MASTER:
		return K4A_SYNC_WORD_MASTER;
	case K4A_SYNC_SUBORDINATE:
		return K4A_SYNC_WORD_SUBORDINATE;
	}
	return "unknown";
}

/**
 * k4actl_topo_infer() - infer the rig from the units' jacks
 * @n: number of units
 * @j: their jacks and configured modes
 * @t: the result; @t->err says why the cabling is refused
 *
 * Return: 0, or -ENODEV (no unit), -E2BIG (too many units), -EINVAL
 * (contradictory cabling); @t->err tells which.
 */
int k4actl_topo_infer(unsigned int n, const struct k4actl_jacks *j, struct k4actl_topo *t)
{
	unsigned int i, k = 0, masters = 0, with_in = 0, cabled = 0, drivers = 0;

	memset(t, 0, sizeof(*t));
	t->n = n;
	if (!n) {
		t->err = K4ACTL_TOPO_NO_UNITS;
		return -ENODEV;
	}
	if (n > K4ACTL_MAX_UNITS) {
		t->err = K4ACTL_TOPO_TOO_MANY;
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		cabled += !k4actl_is_loose(&j[i]);
		with_in += j[i].sync_in;
		drivers += j[i].sync_out;
		if (k4actl_is_master(&j[i])) {
			if (!masters)
				t->master = i;
			masters++;
		}
	}

	if (!cabled) {
		t->source = K4ACTL_SRC_NONE;
		t->layout = K4ACTL_LAYOUT_NONE;
		for (i = 0; i < n; i++) {
			t->order[i] = i;
			t->role[i] = K4A_SYNC_STANDALONE;
		}
		return 0;
	}
	if (masters > 1)
		t->err = K4ACTL_TOPO_TWO_MASTERS;
	else if (masters == 1 && cabled < n)
		t->err = K4ACTL_TOPO_UNLINKED;
	else if (!masters && with_in < n)
		t->err = drivers ? K4ACTL_TOPO_MASTER_SYNC_IN : K4ACTL_TOPO_NO_SOURCE;
	if (t->err)
		return -EINVAL;

	t->source = masters ? K4ACTL_SRC_MASTER : K4ACTL_SRC_EXTERNAL;
	if (masters) {
		t->order[k++] = t->master;
		t->role[t->master] = K4A_SYNC_MASTER;
	}
	for (i = 0; i < n; i++) {
		if (masters && i == t->master)
			continue;
		t->order[k++] = i;
		t->role[i] = K4A_SYNC_SUBORDINATE;
		t->subordinates++;
		t->relays += j[i].sync_out;
	}

	if (!t->subordinates)
		t->layout = K4ACTL_LAYOUT_NONE;
	else if (t->subordinates == 1)
		t->layout = K4ACTL_LAYOUT_DIRECT;
	else if (!t->relays)
		t->layout = K4ACTL_LAYOUT_STAR;
	else if (t->relays == t->subordinates - 1)
		t->layout = K4ACTL_LAYOUT_CHAIN;
	else
		t->layout = K4ACTL_LAYOUT_UNKNOWN;
	return 0;
}

static unsigned int k4actl_count(unsigned int n, const struct k4actl_jacks *j,
				 bool (*match)(const struct k4actl_jacks *j))
{
	unsigned int i, total = 0;

	for (i = 0; i < n; i++)
		total += match(&j[i]);
	return total;
}

/* The verb agreeing with the number of units a list names. */
static const char *k4actl_verb(unsigned int count, const char *one, const char *more)
{
	return count == 1 ? one : more;
}

static void k4actl_print_unit(FILE *f, const struct k4actl_jacks *j)
{
	fprintf(f, "%s (serial %s)", j->name, j->serial);
}

/* "a (serial A), b (serial B) and c (serial C)"; returns how many matched. */
static unsigned int k4actl_print_units(FILE *f, unsigned int n, const struct k4actl_jacks *j,
				       bool (*match)(const struct k4actl_jacks *j))
{
	unsigned int i, total = k4actl_count(n, j, match), done = 0;

	for (i = 0; i < n; i++) {
		if (!match(&j[i]))
			continue;
		if (done)
			fputs(done + 1 == total ? " and " : ", ", f);
		k4actl_print_unit(f, &j[i]);
		done++;
	}
	return total;
}

static bool k4actl_set_master(const struct k4actl_jacks *j)
{
	return j->mode == K4A_SYNC_MASTER;
}

/*
 * A cable the wrong way round: a unit set to master takes a signal into its
 * Sync In and drives nothing, and a unit set to subordinate drives Sync Out
 * with its Sync In free. Return: the index of the first such master, -1 if
 * none; *@s the index of the subordinate.
 */
static int k4actl_swapped(unsigned int n, const struct k4actl_jacks *j, int *s)
{
	unsigned int m, i;

	*s = -1;
	for (m = 0; m < n; m++) {
		if (j[m].mode != K4A_SYNC_MASTER || !k4actl_is_in_only(&j[m]))
			continue;
		for (i = 0; i < n; i++) {
			if (j[i].mode == K4A_SYNC_SUBORDINATE && k4actl_is_master(&j[i])) {
				*s = (int)i;
				return (int)m;
			}
		}
	}
	return -1;
}

static void k4actl_print_swapped(FILE *f, const struct k4actl_jacks *m,
				 const struct k4actl_jacks *s)
{
	k4actl_print_unit(f, m);
	fputs(" is set to master and ", f);
	k4actl_print_unit(f, s);
	fprintf(f, " to\n  subordinate, but %s takes a signal into its Sync In and drives "
		"nothing, while\n  %s drives its Sync Out with its Sync In free: the cable "
		"between them is probably\n  the wrong way round. Plug it from %s's Sync Out "
		"into %s's Sync In.\n", m->name, s->name, m->name, s->name);
}

/**
 * k4actl_topo_print_faults() - configured roles that the cables cannot serve
 * @f: output
 * @prefix: the start of every fault's first line ("problem: ")
 * @n: number of units
 * @j: their jacks and configured modes (-1: unknown)
 *
 * Several units set to master; a cable between a master and a subordinate
 * the wrong way round; a master whose Sync In is occupied or whose Sync Out
 * is free; a subordinate whose Sync In is free. The driver refuses
 * to start a unit in each of these but the first (whose second master the
 * second rule catches on a linked rig). Each fault names the units and says
 * what to do; nothing is printed for a rig without fault.
 *
 * Return: the number of faults printed.
 */
unsigned int k4actl_topo_print_faults(FILE *f, const char *prefix, unsigned int n,
				      const struct k4actl_jacks *j)
{
	unsigned int i, faults = 0;
	int sm, ss;

	if (k4actl_count(n, j, k4actl_set_master) > 1) {
		fputs(prefix, f);
		i = k4actl_print_units(f, n, j, k4actl_set_master);
		fprintf(f, " are %s set to master:\n  a rig has one master, whose Sync Out "
			"pulses the others. Make the others subordinates\n  ('k4actl plan' sets "
			"every role from the cabling).\n", i == 2 ? "both" : "all");
		faults++;
	}
	sm = k4actl_swapped(n, j, &ss);
	if (sm >= 0) {
		fputs(prefix, f);
		k4actl_print_swapped(f, &j[sm], &j[ss]);
		faults++;
	}
	for (i = 0; i < n; i++) {
		const struct k4actl_jacks *u = &j[i];

		if ((int)i == sm || (int)i == ss)
			continue;
		if (u->mode == K4A_SYNC_MASTER && u->sync_in) {
			fputs(prefix, f);
			k4actl_print_unit(f, u);
			fputs(" is set to master, but its Sync In is occupied: the\n  driver "
			      "refuses to start a master with a cable in Sync In. Unplug that "
			      "cable, or\n  make the unit a subordinate ('k4actl plan').\n", f);
			faults++;
		} else if (u->mode == K4A_SYNC_MASTER && !u->sync_out) {
			fputs(prefix, f);
			k4actl_print_unit(f, u);
			fputs(" is set to master, but nothing is plugged into its Sync\n  Out: "
			      "the driver refuses to start it. Plug its Sync Out into the next "
			      "unit's Sync In,\n  or run 'k4actl plan'.\n", f);
			faults++;
		} else if (u->mode == K4A_SYNC_SUBORDINATE && !u->sync_in) {
			fputs(prefix, f);
			k4actl_print_unit(f, u);
			fputs(" is set to subordinate, but nothing is plugged into its\n  Sync In: "
			      "it gets no pulses (the driver refuses to start it). Plug the cable "
			      "from the\n  master's Sync Out (on a daisy chain: the previous unit's) "
			      "into its Sync In.\n", f);
			faults++;
		}
	}
	return faults;
}

static void k4actl_print_layout(FILE *f, const struct k4actl_topo *t)
{
	const char *src = t->source == K4ACTL_SRC_MASTER ? "the master" : "the source";

	fputs("layout: ", f);
	switch (t->layout) {
	case K4ACTL_LAYOUT_NONE:
		if (t->source == K4ACTL_SRC_MASTER)
			fputs("no subordinate on this computer (the master's Sync Out leads "
			      "elsewhere)\n", f);
		else
			fputs("no sync cable\n", f);
		break;
	case K4ACTL_LAYOUT_DIRECT:
		fprintf(f, "one cable from %s to the subordinate\n", src);
		break;
	case K4ACTL_LAYOUT_CHAIN:
		fprintf(f, "daisy chain from %s: %u of %u subordinates pass the signal on\n"
			"        (which unit follows which cannot be read from jacks)\n",
			src, t->relays, t->subordinates);
		break;
	case K4ACTL_LAYOUT_STAR:
		fprintf(f, "star: no subordinate passes the signal on, so %s's signal is split\n"
			"        to all %u subordinates\n", src, t->subordinates);
		break;
	case K4ACTL_LAYOUT_UNKNOWN:
		fprintf(f, "chain or star: cannot tell from jacks (%u of %u subordinates have "
			"Sync Out\n        connected; a splitter, a cable to a unit on another "
			"computer and a loose cable\n        look the same)\n", t->relays,
			t->subordinates);
		break;
	}
}

/**
 * k4actl_topo_print() - print an inferred rig, master first
 * @f: output
 * @t: a rig inferred without error
 * @j: the units it was inferred from
 */
void k4actl_topo_print(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j)
{
	unsigned int i;
	int width = 12;

	switch (t->source) {
	case K4ACTL_SRC_NONE:
		fprintf(f, "sync source: none (no sync cable on any unit)\n");
		break;
	case K4ACTL_SRC_MASTER:
		fputs("sync source: master ", f);
		k4actl_print_unit(f, &j[t->master]);
		fputc('\n', f);
		break;
	case K4ACTL_SRC_EXTERNAL:
		fputs("sync source: external (every unit has Sync In connected): a sync generator, "
		      "or a\n             master attached to another computer\n", f);
		break;
	}
	k4actl_print_layout(f, t);
	fputc('\n', f);
	for (i = 0; i < t->n; i++)
		if (strlen(j[i].serial) > (size_t)width)
			width = (int)strlen(j[i].serial);
	for (i = 0; i < t->n; i++) {
		const struct k4actl_jacks *u = &j[t->order[i]];

		fprintf(f, "  %-12s %-8s %-*s  Sync In %-10s Sync Out %s\n",
			k4actl_role_word(t->role[t->order[i]]), u->name, width, u->serial,
			u->sync_in ? "connected" : "free", u->sync_out ? "connected" : "free");
	}
}

/**
 * k4actl_topo_print_notes() - print what the user should know about a rig
 * @f: output
 * @t: a rig inferred without error
 * @j: the units it was inferred from
 *
 * Units whose configured sync_mode differs from the role the cabling gives
 * them, several units set to master, a configured master with Sync In
 * occupied, a cable between master and subordinate the wrong way round, a
 * rig that is not linked,
 * an external source that may be a camera. Nothing is printed for a rig
 * without remarks.
 */
void k4actl_topo_print_notes(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j)
{
	unsigned int i, differ = 0, m;
	int sm, ss;

	if (k4actl_count(t->n, j, k4actl_set_master) > 1) {
		fputs("note: ", f);
		m = k4actl_print_units(f, t->n, j, k4actl_set_master);
		fprintf(f, " are %s set to master: a rig has one master\n('k4actl plan' sets "
			"every role from the cabling).\n", m == 2 ? "both" : "all");
	}
	sm = k4actl_swapped(t->n, j, &ss);
	if (sm >= 0) {
		fputs("note: ", f);
		k4actl_print_swapped(f, &j[sm], &j[ss]);
	}
	for (i = 0; i < t->n; i++) {
		const struct k4actl_jacks *u = &j[t->order[i]];
		int role = t->role[t->order[i]];

		if (u->mode < 0 || u->mode == role || (int)t->order[i] == sm ||
		    (int)t->order[i] == ss)
			continue;
		if (u->mode == K4A_SYNC_MASTER && u->sync_in) {
			fprintf(f, "note: %s is set to master, but its Sync In is occupied: a "
				"master's Sync In must stay free\n(the driver refuses to start "
				"it). The cabling makes it a %s; if it is meant to be\nthe "
				"master, unplug its Sync In cable.\n", u->name,
				k4actl_role_word(role));
			continue;
		}
		if (!differ++)
			fputs("note: sync_mode differs from the role the cabling gives "
			      "('k4actl plan' sets it):\n", f);
		fprintf(f, "  %-8s %s, cabled as %s\n", u->name, k4actl_role_word(u->mode),
			k4actl_role_word(role));
	}
	if (t->source == K4ACTL_SRC_NONE && t->n > 1)
		fprintf(f, "note: %u units without sync cable run on their own clocks: their depth "
			"lasers cannot be kept apart. Link them (the master's Sync Out to the next "
			"unit's Sync In) to plan delays.\n", t->n);
	if (t->source == K4ACTL_SRC_EXTERNAL)
		fputs("note: if the source is a camera attached to another computer, its laser is "
		      "not known here; plan that computer's units and these together.\n", f);
}

/*
 * The unit the jacks make the master is set to subordinate and a unit
 * without cable is set to master: the cable between them is missing. True if
 * that explains every unit without cable.
 */
static bool k4actl_print_missing_cable(FILE *f, const struct k4actl_topo *t,
				       const struct k4actl_jacks *j)
{
	const struct k4actl_jacks *s = &j[t->master];
	unsigned int i, found = 0;

	if (s->mode != K4A_SYNC_SUBORDINATE)
		return false;
	for (i = 0; i < t->n; i++) {
		if (!k4actl_is_loose(&j[i]) || j[i].mode != K4A_SYNC_MASTER)
			continue;
		fputs("missing sync cable: ", f);
		k4actl_print_unit(f, &j[i]);
		fputs(", set to master, has no sync cable,\nand ", f);
		k4actl_print_unit(f, s);
		fprintf(f, ", set to subordinate, has nothing in its Sync In:\nthe cable from "
			"%s's Sync Out to %s's Sync In is probably missing: plug it in.\n",
			j[i].name, s->name);
		found++;
	}
	if (found && found < k4actl_count(t->n, j, k4actl_is_loose))
		fputc('\n', f);
	return found && found == k4actl_count(t->n, j, k4actl_is_loose);
}

/**
 * k4actl_topo_print_error() - explain why the cabling is refused and what to
 * do about it
 * @f: output
 * @t: a rig whose inference failed
 * @j: the units it was inferred from
 */
void k4actl_topo_print_error(FILE *f, const struct k4actl_topo *t, const struct k4actl_jacks *j)
{
	unsigned int m;

	switch (t->err) {
	case K4ACTL_TOPO_OK:
		break;
	case K4ACTL_TOPO_NO_UNITS:
		fputs("no k4a units found\n", f);
		break;
	case K4ACTL_TOPO_TOO_MANY:
		fprintf(f, "%u units: k4actl handles at most %u\n", t->n, K4ACTL_MAX_UNITS);
		break;
	case K4ACTL_TOPO_TWO_MASTERS:
		fputs("contradictory cabling: ", f);
		k4actl_print_units(f, t->n, j, k4actl_is_master);
		fputs(" look like masters (Sync Out connected, Sync In free).\n"
		      "A rig has one master; every other unit takes the signal into its Sync In.\n"
		      "Plug the master's Sync Out into the next unit's Sync In and that unit's "
		      "Sync Out into\nthe next one's (daisy chain), or split the master's Sync Out "
		      "to the other units'\nSync In (star).\n", f);
		break;
	case K4ACTL_TOPO_MASTER_SYNC_IN:
		fputs("contradictory cabling: no unit has Sync Out connected and Sync In free, "
		      "so none can be\nthe master, and not every unit has Sync In connected, so "
		      "no external source feeds\nthem all.\n"
		      "  Sync Out connected, Sync In occupied: ", f);
		m = k4actl_print_units(f, t->n, j, k4actl_is_in_out);
		fputs("\n  Sync In connected only: ", f);
		if (!k4actl_print_units(f, t->n, j, k4actl_is_in_only))
			fputs("none", f);
		fputs("\n  no sync cable: ", f);
		k4actl_print_units(f, t->n, j, k4actl_is_loose);
		fprintf(f, "\nIf %s the master, unplug its Sync In cable: a master's Sync In must "
			"stay free.\nIf an external source feeds the rig, every unit needs a cable "
			"in its Sync In.\n", m == 1 ? "that unit is" : "one of those units is");
		break;
	case K4ACTL_TOPO_NO_SOURCE:
		fputs("contradictory cabling: ", f);
		m = k4actl_print_units(f, t->n, j, k4actl_has_in);
		fprintf(f, " %s a signal into Sync In,\nbut no unit here drives Sync Out, and ",
			k4actl_verb(m, "takes", "take"));
		m = k4actl_print_units(f, t->n, j, k4actl_is_loose);
		fprintf(f, " %s no Sync In cable,\nso no external source feeds every unit.\n",
			k4actl_verb(m, "has", "have"));
		fputs("Connect the Sync Out of the unit meant as master (its Sync In stays free) "
		      "to the Sync In\nof the next unit, or feed every unit's Sync In from the "
		      "external source.\n", f);
		break;
	case K4ACTL_TOPO_UNLINKED:
		if (k4actl_print_missing_cable(f, t, j))
			break;
		fputs("unlinked unit: master ", f);
		k4actl_print_unit(f, &j[t->master]);
		fputs(" drives the rig,\nbut ", f);
		m = k4actl_print_units(f, t->n, j, k4actl_is_loose);
		fprintf(f, " %s no sync cable.\n", k4actl_verb(m, "has", "have"));
		fputs("Connect each into the rig (its Sync In to the Sync Out of the master or of "
		      "a subordinate),\nor unplug it: k4actl handles a rig in which every unit "
		      "is linked.\n", f);
		break;
	}
}
