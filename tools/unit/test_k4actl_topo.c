// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/topo.c: k4actl's topology inference from jack
 * states, its output and its refusals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "k4a_test.h"
#include "topo.h"

static const char *const names[] = {
	"k4a0", "k4a1", "k4a2", "k4a3", "k4a4", "k4a5", "k4a6", "k4a7", "k4a8", "k4a9",
	"k4a10", "k4a11",
};

/* Jack codes: '-' no cable, 'i' Sync In only, 'o' Sync Out only, 'b' both. */
static unsigned int rig(struct k4actl_jacks *j, const char *code)
{
	unsigned int i, n = (unsigned int)strlen(code);

	for (i = 0; i < n; i++) {
		j[i].name = names[i];
		j[i].serial = "000000000000";
		j[i].sync_in = code[i] == 'i' || code[i] == 'b';
		j[i].sync_out = code[i] == 'o' || code[i] == 'b';
		j[i].mode = -1;
	}
	return n;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int infer(const char *code, struct k4actl_topo *t, struct k4actl_jacks *j)
{
	return k4actl_topo_infer(rig(j, code), j, t);
}

static void t_no_units(void)
{
	struct k4actl_topo t;
	struct k4actl_jacks j[1] = { { .name = "k4a0", .serial = "s", .mode = -1 } };

	CHECK_EQ(k4actl_topo_infer(0, j, &t), -ENODEV);
	CHECK_EQ(t.err, K4ACTL_TOPO_NO_UNITS);
}

static void t_too_many(void)
{
	static struct k4actl_jacks j[K4ACTL_MAX_UNITS + 1];
	struct k4actl_topo t;
	unsigned int i;

	for (i = 0; i <= K4ACTL_MAX_UNITS; i++) {
		j[i].name = "k4aX";
		j[i].serial = "s";
		j[i].sync_in = true;
		j[i].mode = -1;
	}
	CHECK_EQ(k4actl_topo_infer(K4ACTL_MAX_UNITS + 1, j, &t), -E2BIG);
	CHECK_EQ(t.err, K4ACTL_TOPO_TOO_MANY);
	CHECK_EQ(k4actl_topo_infer(K4ACTL_MAX_UNITS, j, &t), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_EXTERNAL);
	CHECK_EQ(t.subordinates, K4ACTL_MAX_UNITS);
}

static void t_standalone(void)
{
	struct k4actl_jacks j[4];
	struct k4actl_topo t;
	unsigned int i;

	CHECK_EQ(infer("-", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_NONE);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_NONE);
	CHECK_EQ(t.role[0], K4A_SYNC_STANDALONE);
	CHECK_EQ(infer("---", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_NONE);
	CHECK_EQ(t.n, 3);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(t.order[i], i);
		CHECK_EQ(t.role[i], K4A_SYNC_STANDALONE);
	}
}

static void t_master_rigs(void)
{
	struct k4actl_jacks j[8];
	struct k4actl_topo t;

	/* A lone master: its subordinates are elsewhere. */
	CHECK_EQ(infer("o", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_MASTER);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_NONE);
	CHECK_EQ(t.role[0], K4A_SYNC_MASTER);
	CHECK_EQ(t.subordinates, 0);

	/* One cable; the master is listed first wherever it is. */
	CHECK_EQ(infer("io", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_MASTER);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_DIRECT);
	CHECK_EQ(t.master, 1);
	CHECK_EQ(t.order[0], 1);
	CHECK_EQ(t.order[1], 0);
	CHECK_EQ(t.role[1], K4A_SYNC_MASTER);
	CHECK_EQ(t.role[0], K4A_SYNC_SUBORDINATE);
	CHECK_EQ(t.subordinates, 1);
	/* The subordinate's Sync Out leading elsewhere changes nothing. */
	CHECK_EQ(infer("ob", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_DIRECT);

	/* Daisy chain: every subordinate but the last passes the signal on. */
	CHECK_EQ(infer("bio", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_MASTER);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_CHAIN);
	CHECK_EQ(t.relays, 1);
	CHECK_EQ(t.subordinates, 2);
	CHECK_EQ(t.order[0], 2);
	CHECK_EQ(t.order[1], 0);
	CHECK_EQ(t.order[2], 1);
	CHECK_EQ(infer("obbbbbbi", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_CHAIN);
	CHECK_EQ(t.relays, 6);
	CHECK_EQ(t.subordinates, 7);

	/* Star: no subordinate passes it on. */
	CHECK_EQ(infer("oiii", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_STAR);
	CHECK_EQ(t.relays, 0);
	CHECK_EQ(t.subordinates, 3);

	/* Every subordinate drives Sync Out, or a mix: cannot tell. */
	CHECK_EQ(infer("obb", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_UNKNOWN);
	CHECK_EQ(infer("obiii", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_UNKNOWN);
	CHECK_EQ(t.relays, 1);
}

static void t_external(void)
{
	struct k4actl_jacks j[4];
	struct k4actl_topo t;
	unsigned int i;

	CHECK_EQ(infer("i", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_EXTERNAL);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_DIRECT);
	CHECK_EQ(t.role[0], K4A_SYNC_SUBORDINATE);
	CHECK_EQ(infer("iii", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_EXTERNAL);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_STAR);
	CHECK_EQ(t.subordinates, 3);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(t.order[i], i);
		CHECK_EQ(t.role[i], K4A_SYNC_SUBORDINATE);
	}
	CHECK_EQ(infer("ibb", &t, j), 0);
	CHECK_EQ(t.source, K4ACTL_SRC_EXTERNAL);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_CHAIN);
	CHECK_EQ(infer("bb", &t, j), 0);
	CHECK_EQ(t.layout, K4ACTL_LAYOUT_UNKNOWN);
}

static void t_refused(void)
{
	struct k4actl_jacks j[6];
	struct k4actl_topo t;

	/* Two or more units look like masters. */
	CHECK_EQ(infer("oo", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_TWO_MASTERS);
	CHECK_EQ(infer("oioi", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_TWO_MASTERS);
	CHECK_EQ(infer("ooo-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_TWO_MASTERS);
	/* A master and a unit without cable. */
	CHECK_EQ(infer("oi-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_UNLINKED);
	CHECK_EQ(infer("o-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_UNLINKED);
	/* Sync In driven by nothing here, and not every unit has Sync In. */
	CHECK_EQ(infer("i-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_NO_SOURCE);
	CHECK_EQ(infer("-ii", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_NO_SOURCE);
	/* The only units driving Sync Out have Sync In occupied. */
	CHECK_EQ(infer("bi-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_MASTER_SYNC_IN);
	CHECK_EQ(infer("b-", &t, j), -EINVAL);
	CHECK_EQ(t.err, K4ACTL_TOPO_MASTER_SYNC_IN);
}

/*
 * Every rig of up to 6 units against the rules as the brief states them: a
 * rig is accepted exactly when it has no cable at all, or exactly one unit
 * with Sync Out and no Sync In and no unit without cable, or Sync In on
 * every unit and no unit with Sync Out only. Accepted rigs: the master (if
 * any) is listed first and is that unit, every other unit is a subordinate
 * with Sync In, the order is a permutation.
 */
static void t_exhaustive(void)
{
	static const char codes[] = "-iob";
	struct k4actl_jacks j[6];
	struct k4actl_topo t;
	unsigned int n, accepted = 0, refused = 0;

	for (n = 1; n <= 6; n++) {
		unsigned int total = 1, c, i;

		for (i = 0; i < n; i++)
			total *= 4;
		for (c = 0; c < total; c++) {
			char code[8];
			unsigned int x = c, masters = 0, loose = 0, with_in = 0, relays = 0;
			unsigned int seen = 0;
			bool ok;
			int ret;

			for (i = 0; i < n; i++, x /= 4)
				code[i] = codes[x % 4];
			code[n] = '\0';
			for (i = 0; i < n; i++) {
				masters += code[i] == 'o';
				loose += code[i] == '-';
				with_in += code[i] == 'i' || code[i] == 'b';
			}
			ok = loose == n || (masters == 1 && !loose) || (with_in == n && !masters);
			ret = infer(code, &t, j);
			if (!ok) {
				refused++;
				if (ret != -EINVAL || t.err == K4ACTL_TOPO_OK)
					k4a_test_fail(__FILE__, __LINE__, "rig %s accepted", code);
				continue;
			}
			accepted++;
			if (ret || t.err) {
				k4a_test_fail(__FILE__, __LINE__, "rig %s refused (%d)", code,
					      t.err);
				continue;
			}
			CHECK_EQ(t.n, n);
			for (i = 0; i < n; i++) {
				unsigned int u = t.order[i];

				REQUIRE(u < n);
				CHECK(!(seen & (1U << u)));
				seen |= 1U << u;
				if (loose == n) {
					CHECK_EQ(t.role[u], K4A_SYNC_STANDALONE);
				} else if (t.role[u] == K4A_SYNC_MASTER) {
					CHECK_EQ(i, 0);
					CHECK_EQ(code[u], 'o');
					CHECK_EQ(t.master, u);
				} else {
					CHECK_EQ(t.role[u], K4A_SYNC_SUBORDINATE);
					CHECK(j[u].sync_in);
					relays += j[u].sync_out;
				}
			}
			CHECK_EQ(seen, (1U << n) - 1);
			if (loose == n)
				continue;
			CHECK_EQ(t.source, masters ? K4ACTL_SRC_MASTER : K4ACTL_SRC_EXTERNAL);
			CHECK_EQ(t.subordinates, n - masters);
			CHECK_EQ(t.relays, relays);
			if (t.subordinates >= 2 && !relays)
				CHECK_EQ(t.layout, K4ACTL_LAYOUT_STAR);
			if (t.subordinates >= 2 && relays == t.subordinates - 1)
				CHECK_EQ(t.layout, K4ACTL_LAYOUT_CHAIN);
			if (t.subordinates >= 2 && relays && relays != t.subordinates - 1)
				CHECK_EQ(t.layout, K4ACTL_LAYOUT_UNKNOWN);
		}
	}
	NOTE("%u rigs accepted, %u refused", accepted, refused);
}

static void t_print(void)
{
	struct k4actl_jacks j[4];
	struct k4actl_topo t;
	struct k4a_out o;
	char *s, *m, *a, *b;

	/* Master first, then the subordinates; the layout line. */
	REQUIRE(infer("bio", &t, j) == 0);
	k4actl_topo_print(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	m = strstr(s, "  master       k4a2");
	a = strstr(s, "  subordinate  k4a0");
	b = strstr(s, "  subordinate  k4a1");
	CHECK(strstr(s, "sync source: master k4a2 (serial 000000000000)"));
	CHECK(strstr(s, "daisy chain"));
	CHECK(m && a && b && m < a && a < b);
	CHECK(strstr(s, "Sync In free       Sync Out connected"));
	free(s);

	REQUIRE(infer("obb", &t, j) == 0);
	k4actl_topo_print(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "chain or star: cannot tell from jacks"));
	free(s);

	REQUIRE(infer("oii", &t, j) == 0);
	k4actl_topo_print(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "star"));
	CHECK(!strstr(s, "cannot tell"));
	free(s);

	REQUIRE(infer("ii", &t, j) == 0);
	k4actl_topo_print(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "sync source: external"));
	CHECK(!strstr(s, "  master       "));
	CHECK(strstr(s, "  subordinate  k4a0"));
	free(s);

	REQUIRE(infer("--", &t, j) == 0);
	k4actl_topo_print(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "sync source: none"));
	CHECK(strstr(s, "  standalone   k4a1"));
	free(s);
}

static void t_notes(void)
{
	struct k4actl_jacks j[4];
	struct k4actl_topo t;
	struct k4a_out o;
	char *s;

	/* Configured as the cabling says: no note. */
	rig(j, "oi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	REQUIRE(k4actl_topo_infer(2, j, &t) == 0);
	k4actl_topo_print_notes(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK_EQ(strlen(s), 0);
	free(s);

	/* A configured master with Sync In occupied; a standalone subordinate. */
	rig(j, "bi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_STANDALONE;
	REQUIRE(k4actl_topo_infer(2, j, &t) == 0);
	k4actl_topo_print_notes(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "k4a0 is set to master, but its Sync In is occupied"));
	CHECK(strstr(s, "must stay free"));
	CHECK(strstr(s, "note: sync_mode differs from the role the cabling gives"));
	CHECK(strstr(s, "\n  k4a1     standalone, cabled as subordinate\n"));
	CHECK(!strstr(s, "k4a0     master"));
	CHECK(strstr(s, "another computer"));
	free(s);

	/* Several units without cable. */
	REQUIRE(infer("---", &t, j) == 0);
	k4actl_topo_print_notes(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "3 units without sync cable"));
	free(s);
}

static void t_errors(void)
{
	struct k4actl_jacks j[6];
	struct k4actl_topo t;
	struct k4a_out o;
	char *s;

	REQUIRE(infer("oio", &t, j) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "contradictory cabling: k4a0 (serial 000000000000) and k4a2 "
			"(serial 000000000000) look like masters"));
	CHECK(!strstr(s, "k4a1"));
	free(s);

	REQUIRE(infer("bi-", &t, j) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "Sync Out connected, Sync In occupied: k4a0 "));
	CHECK(strstr(s, "no sync cable: k4a2 "));
	CHECK(strstr(s, "If that unit is the master, unplug its Sync In cable"));
	CHECK(strstr(s, "must stay free"));
	free(s);

	REQUIRE(infer("-ii", &t, j) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "k4a1 (serial 000000000000) and k4a2 (serial 000000000000) take a "
			"signal into Sync In"));
	CHECK(strstr(s, "k4a0 (serial 000000000000) has no Sync In cable"));
	free(s);

	REQUIRE(infer("oi--", &t, j) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "master k4a0 (serial 000000000000) drives the rig,\nbut k4a2 "
			"(serial 000000000000) and k4a3 (serial 000000000000) have no sync "
			"cable"));
	free(s);
}

static void t_faults(void)
{
	struct k4actl_jacks j[4];
	struct k4a_out o;
	char *s;

	/* a daisy chain configured as cabled: no fault */
	rig(j, "obi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 3, j), 0);
	s = k4a_out_text(&o);
	CHECK_EQ(strlen(s), 0);
	free(s);

	/* two masters, the second with its Sync In occupied */
	j[1].mode = K4A_SYNC_MASTER;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 3, j), 2);
	s = k4a_out_text(&o);
	CHECK(starts(s, "problem: k4a0 (serial 000000000000) and k4a1 (serial 000000000000) "
		     "are both set to master:\n  a rig has one master"));
	CHECK(strstr(s, "\nproblem: k4a1 (serial 000000000000) is set to master, but its Sync "
		     "In is occupied: the\n  driver refuses to start a master with a cable in "
		     "Sync In. Unplug that cable"));
	CHECK(!strstr(s, "problem: k4a0 (serial 000000000000) is set"));
	free(s);

	/* three: "all" */
	j[2].mode = K4A_SYNC_MASTER;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "x ", 3, j), 3);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "k4a1 (serial 000000000000) and k4a2 (serial 000000000000) are all "
		     "set to master"));
	CHECK(strstr(s, "\nx k4a2 (serial 000000000000) is set to master, but its Sync In is "
		     "occupied"));
	free(s);

	/* a subordinate with nothing in Sync In; unknown and standalone modes pass */
	rig(j, "o-b-");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[2].mode = -1;
	j[3].mode = K4A_SYNC_STANDALONE;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 4, j), 1);
	s = k4a_out_text(&o);
	CHECK(starts(s, "problem: k4a1 (serial 000000000000) is set to subordinate, but nothing "
		     "is plugged into its\n  Sync In: it gets no pulses"));
	CHECK(strstr(s, "into its Sync In.\n"));
	free(s);

	/* the cable between master and subordinate the wrong way round */
	rig(j, "iob");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 3, j), 1);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "problem: k4a0 (serial 000000000000) is set to master and k4a1 (serial "
		      "000000000000) to\n  subordinate, but k4a0 takes a signal into its Sync In "
		      "and drives nothing, while\n  k4a1 drives its Sync Out with its Sync In "
		      "free: the cable between them is probably\n  the wrong way round. Plug it "
		      "from k4a0's Sync Out into k4a1's Sync In.\n"));
	free(s);
	/* the subordinate listed first: said once all the same */
	rig(j, "oib");
	j[0].mode = K4A_SYNC_SUBORDINATE;
	j[1].mode = K4A_SYNC_MASTER;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 3, j), 1);
	s = k4a_out_text(&o);
	CHECK(starts(s, "problem: k4a1 (serial 000000000000) is set to master and k4a0"));
	free(s);

	/* a master with nothing in Sync Out */
	rig(j, "o-b-");
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[3].mode = K4A_SYNC_MASTER;
	CHECK_EQ(k4actl_topo_print_faults(k4a_out_open(&o), "problem: ", 4, j), 2);
	s = k4a_out_text(&o);
	CHECK(strstr(s, "\nproblem: k4a3 (serial 000000000000) is set to master, but nothing is "
		     "plugged into its Sync\n  Out: the driver refuses to start it."));
	free(s);
}

static void t_fault_notes(void)
{
	struct k4actl_jacks j[4];
	struct k4actl_topo t;
	struct k4a_out o;
	char *s;

	/* two units set to master on a daisy chain */
	rig(j, "obi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_MASTER;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	REQUIRE(k4actl_topo_infer(3, j, &t) == 0);
	k4actl_topo_print_notes(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(starts(s, "note: k4a0 (serial 000000000000) and k4a1 (serial 000000000000) are "
		     "both set to master: a rig has one master\n"));
	CHECK(strstr(s, "k4a1 is set to master, but its Sync In is occupied"));
	free(s);

	/* the cable between master and subordinate the wrong way round */
	rig(j, "ioi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	REQUIRE(k4actl_topo_infer(3, j, &t) == 0);
	k4actl_topo_print_notes(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(starts(s, "note: k4a0 (serial 000000000000) is set to master and k4a1 (serial "
		     "000000000000) to\n  subordinate, but k4a0 takes a signal into its Sync In"));
	CHECK(strstr(s, "probably\n  the wrong way round"));
	/* not said again as a master with Sync In occupied, nor as roles that differ */
	CHECK(!strstr(s, "is occupied"));
	CHECK(!strstr(s, "differs"));
	free(s);

	/* the cable from the configured master to the next unit is missing */
	rig(j, "-oi");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	j[2].mode = K4A_SYNC_SUBORDINATE;
	REQUIRE(k4actl_topo_infer(3, j, &t) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "missing sync cable: k4a0 (serial 000000000000), set to master, has no "
		      "sync cable,\nand k4a1 (serial 000000000000), set to subordinate, has nothing "
		      "in its Sync In:\nthe cable from k4a0's Sync Out to k4a1's Sync In is "
		      "probably missing: plug it in.\n"));
	free(s);

	/* another unit without cable besides: said too */
	rig(j, "-oi-");
	j[0].mode = K4A_SYNC_MASTER;
	j[1].mode = K4A_SYNC_SUBORDINATE;
	REQUIRE(k4actl_topo_infer(4, j, &t) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(starts(s, "missing sync cable: k4a0 "));
	CHECK(strstr(s, "probably missing: plug it in.\n\nunlinked unit: master k4a1"));
	free(s);

	/* without configured roles, no such guess */
	j[0].mode = -1;
	j[1].mode = -1;
	REQUIRE(k4actl_topo_infer(3, j, &t) == -EINVAL);
	k4actl_topo_print_error(k4a_out_open(&o), &t, j);
	s = k4a_out_text(&o);
	CHECK(!strstr(s, "probably missing"));
	CHECK(starts(s, "unlinked unit: master k4a1"));
	free(s);
}

int main(void)
{
	RUN(t_no_units);
	RUN(t_too_many);
	RUN(t_standalone);
	RUN(t_master_rigs);
	RUN(t_external);
	RUN(t_refused);
	RUN(t_exhaustive);
	RUN(t_print);
	RUN(t_faults);
	RUN(t_fault_notes);
	RUN(t_notes);
	RUN(t_errors);
	return k4a_test_done();
}
