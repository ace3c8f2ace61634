// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/sched.c: k4actl's delay plan of an inferred rig,
 * its refusals and its timing chart.
 *
 * The chart is checked against laser windows computed here from the tick
 * counts of the written delays: unit i of a plan starts its pulses i * 15
 * ticks (i * 166.67 us) after the master.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "k4a_modes.h"
#include "k4a_test.h"
#include "sched.h"

#define NFOV	2	/* nfov_unbinned */
#define WFOV	4	/* wfov_unbinned */
#define PIR	5	/* passive_ir */

static const char *const names[] = {
	"k4a0", "k4a1", "k4a2", "k4a3", "k4a4", "k4a5", "k4a6", "k4a7", "k4a8", "k4a9",
	"k4a10", "k4a11",
};

static struct k4actl_jacks jacks[16];

/* Jack codes as in test_k4actl_topo.c: '-' none, 'i' in, 'o' out, 'b' both. */
static int plan(const char *code, u32 mode, struct k4actl_topo *t, struct k4actl_sched *s)
{
	unsigned int i, n = (unsigned int)strlen(code);

	for (i = 0; i < n; i++) {
		jacks[i].name = names[i];
		jacks[i].serial = "000000000000";
		jacks[i].sync_in = code[i] == 'i' || code[i] == 'b';
		jacks[i].sync_out = code[i] == 'o' || code[i] == 'b';
		jacks[i].mode = -1;
	}
	k4actl_topo_infer(n, jacks, t);
	return k4actl_sched_make(t, mode, s);
}

static void t_capacity(void)
{
	/* Documentation/delay-planning.rst: ten NFOV units at 155 us. */
	CHECK_EQ(k4actl_sched_capacity(1), 10);
	CHECK_EQ(k4actl_sched_capacity(NFOV), 10);
	CHECK_EQ(k4actl_sched_capacity(3), 10);
	CHECK_EQ(k4actl_sched_capacity(WFOV), 10);
	CHECK_EQ(k4actl_sched_capacity(PIR), 10);
	CHECK_EQ(k4actl_sched_capacity(0), 0);
	CHECK_EQ(k4actl_sched_capacity(6), 0);
}

static void t_chain(void)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	unsigned int i;

	/* Master at index 2: it comes first and gets no delay. */
	REQUIRE(plan("bio", NFOV, &t, &s) == 0);
	CHECK_EQ(s.err, K4ACTL_SCHED_OK);
	CHECK_EQ(s.n, 3);
	CHECK_EQ(s.fps, 30);
	CHECK_EQ(s.unit[0], 2);
	CHECK_EQ(s.unit[1], 0);
	CHECK_EQ(s.unit[2], 1);
	CHECK_EQ(s.set[0].role, K4A_SYNC_MASTER);
	CHECK_EQ(s.set[1].role, K4A_SYNC_SUBORDINATE);
	CHECK_EQ(s.set[2].role, K4A_SYNC_SUBORDINATE);
	CHECK_EQ(s.set[0].depth_delay_us, 0);
	CHECK_EQ(s.set[1].depth_delay_us, 167);
	CHECK_EQ(s.set[2].depth_delay_us, 334);
	for (i = 0; i < 3; i++)
		CHECK_EQ(s.set[i].sub_delay_us, 0);
	CHECK_EQ(s.min_gap_us, 166);

	/* The largest NFOV rig: a master and eight subordinates. */
	REQUIRE(plan("obbbbbbbi", NFOV, &t, &s) == 0);
	CHECK_EQ(s.n, 9);
	CHECK_EQ(s.set[8].depth_delay_us, 1334);
	CHECK(s.min_gap_us >= K4A_PLAN_SPACING_US);
	for (i = 0; i < 9; i++)
		CHECK_EQ(k4a_us_to_ticks(s.set[i].depth_delay_us), 15 * i);
}

static void t_roles(void)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	unsigned int i;
	u32 gap;

	/* A lone master stays a master (the planner alone would make it standalone). */
	REQUIRE(plan("o", NFOV, &t, &s) == 0);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.set[0].role, K4A_SYNC_MASTER);
	CHECK_EQ(s.set[0].depth_delay_us, 0);
	CHECK_EQ(s.min_gap_us, K4A_PLAN_GAP_NONE);

	/* One unit without cable: standalone. */
	REQUIRE(plan("-", NFOV, &t, &s) == 0);
	CHECK_EQ(s.set[0].role, K4A_SYNC_STANDALONE);

	/* Fed from outside: every unit a subordinate, still interleaved. */
	REQUIRE(plan("iiii", NFOV, &t, &s) == 0);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(s.set[i].role, K4A_SYNC_SUBORDINATE);
		CHECK_EQ(s.set[i].depth_delay_us, (s32)k4a_ticks_to_us_enc(15 * i));
	}
	CHECK_EQ(k4a_plan_check(s.n, s.set, NFOV, 30, &gap), 0);
	CHECK_EQ(gap, 166);

	/* Passive IR: no laser, no delay. */
	REQUIRE(plan("oii", PIR, &t, &s) == 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(s.set[i].depth_delay_us, 0);
	CHECK_EQ(s.set[0].role, K4A_SYNC_MASTER);
}

static void t_refused(void)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	struct k4a_out o;
	char *txt;

	/* Ten NFOV units only fit below 160 us: 14-tick steps; WFOV keeps 160 us. */
	CHECK_EQ(plan("obbbbbbbbi", NFOV, &t, &s), 0);
	CHECK_EQ(s.err, K4ACTL_SCHED_OK);
	CHECK_EQ(s.capacity, 10);
	CHECK_EQ(s.spacing_us, 155);
	CHECK_EQ(s.min_gap_us, 155);
	CHECK_EQ(s.set[9].depth_delay_us, 1400);
	k4actl_sched_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "at least 155 us between units\n(10 units do not fit at the "
			  "recommended 160 us: the widest spacing they fit)"));
	CHECK(strstr(txt, "smallest distance between laser pulses of two units: 155 us "
			  "(155 us needed)"));
	free(txt);
	CHECK_EQ(plan("obbbbbbbbi", WFOV, &t, &s), 0);
	CHECK_EQ(s.fps, 15);
	CHECK_EQ(s.spacing_us, K4A_PLAN_SPACING_US);
	CHECK_EQ(s.set[9].depth_delay_us, 1500);

	/* More than the planner takes in any mode. */
	CHECK_EQ(plan("iiiiiiiiiii", WFOV, &t, &s), -EINVAL);
	CHECK_EQ(s.err, K4ACTL_SCHED_TOO_MANY);
	k4actl_sched_print_error(k4a_out_open(&o), &s);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "11 units: the delay planner takes at most 10"));
	free(txt);

	/* Several units without cable cannot be interleaved. */
	CHECK_EQ(plan("--", NFOV, &t, &s), -EINVAL);
	CHECK_EQ(s.err, K4ACTL_SCHED_UNSYNCED);
	k4actl_sched_print_error(k4a_out_open(&o), &s);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "2 units without sync cable"));
	free(txt);

	/* Refused cabling: no plan, the topology explains. */
	CHECK_EQ(plan("oo", NFOV, &t, &s), -EINVAL);
	CHECK_EQ(s.err, K4ACTL_SCHED_TOPO);
	k4actl_sched_print_error(k4a_out_open(&o), &s);
	txt = k4a_out_text(&o);
	CHECK_EQ(strlen(txt), 0);
	free(txt);

	CHECK_EQ(plan("oi", 9, &t, &s), -EINVAL);
	CHECK_EQ(s.err, K4ACTL_SCHED_BAD_MODE);
}

static void t_table(void)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	struct k4a_out o;
	char *txt;

	REQUIRE(plan("oii", NFOV, &t, &s) == 0);
	k4actl_sched_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "plan for nfov_unbinned: 9 laser pulses of 125 us every 1575 us"));
	CHECK(strstr(txt, "  k4a0     000000000000   master             0 us         0 us"
			  "        0.0 us\n"));
	CHECK(strstr(txt, "  k4a1     000000000000   subordinate        0 us       167 us"
			  "      166.7 us\n"));
	CHECK(strstr(txt, "  k4a2     000000000000   subordinate        0 us       334 us"
			  "      333.3 us\n"));
	CHECK(strstr(txt, "smallest distance between laser pulses of two units: 166 us "
			  "(160 us needed)"));
	free(txt);

	REQUIRE(plan("o", NFOV, &t, &s) == 0);
	k4actl_sched_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "no two lasers to keep apart"));
	free(txt);
}

/* The chart rows ("  name     role         ####...."), by unit index. */
static unsigned int chart_rows(char *txt, char *rows[], unsigned int max, unsigned int *col0)
{
	unsigned int n = 0;
	char *line;

	for (line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strpbrk(line, "#.");

		if (strncmp(line, "  k4a", 5) || !p || n >= max)
			continue;
		*col0 = (unsigned int)(p - line);
		rows[n++] = p;
	}
	return n;
}

/* Whether a laser pulse of a unit offset by @ticks overlaps [lo_us, hi_us). */
static bool laser_on(unsigned int ticks, unsigned int pp_us, unsigned int lo_us,
		     unsigned int hi_us)
{
	unsigned int k;

	for (k = 0; k < 9; k++) {
		/* In 1/9 us: a tick is 100, a microsecond 9. */
		long long start = 100LL * ticks + 9LL * k * pp_us;

		if (start < 9LL * hi_us && start + 9LL * 125 > 9LL * lo_us)
			return true;
	}
	return false;
}

static void chart_check(const char *code, u32 mode, unsigned int pp_us, unsigned int col_us,
			unsigned int cols)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	struct k4a_out o;
	char *txt, *rows[16];
	unsigned int n, i, c, col0 = 0;

	REQUIRE(plan(code, mode, &t, &s) == 0);
	k4actl_chart_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	n = chart_rows(txt, rows, 16, &col0);
	CHECK_EQ(n, s.n);
	for (i = 0; i < n; i++) {
		CHECK_EQ(strspn(rows[i], "#."), cols);
		CHECK_EQ(strlen(rows[i]), cols);
		for (c = 0; c < cols && c < strlen(rows[i]); c++)
			if ((rows[i][c] == '#') != laser_on(15 * i, pp_us, c * col_us,
							   (c + 1) * col_us))
				k4a_test_fail(__FILE__, __LINE__, "%s row %u column %u: '%c'",
					      code, i, c, rows[i][c]);
	}
	/* 160 us apart and more: no column is lit in two rows. */
	for (c = 0; c < cols; c++) {
		unsigned int lit = 0;

		for (i = 0; i < n; i++)
			lit += c < strlen(rows[i]) && rows[i][c] == '#';
		CHECK(lit <= 1);
	}
	free(txt);
}

static void t_chart(void)
{
	struct k4actl_topo t;
	struct k4actl_sched s;
	struct k4a_out o;
	char *txt, *rows[4], want[69];
	unsigned int col0 = 0;

	/* NFOV: 1700 us in 68 columns of 25 us; WFOV unbinned: 2640 us, 40 us. */
	chart_check("obbbbbbbi", NFOV, 1575, 25, 68);
	chart_check("oi", NFOV, 1575, 25, 68);
	chart_check("obbbbbbbbi", WFOV, 2515, 40, 66);
	chart_check("iii", 3, 1575, 25, 68);

	/* Known rows: the master's pulse and its next one, the first subordinate's. */
	REQUIRE(plan("oi", NFOV, &t, &s) == 0);
	k4actl_chart_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "one column = 25 us"));
	CHECK(strstr(txt, "every 1575 us, 9 pulses per exposure"));
	CHECK(strstr(txt, "0         250       500       750       1000      1250      1500\n"));
	CHECK(strstr(txt, "|         |         |         |         |         |         |\n"));
	CHECK(strstr(txt, "  k4a0     master       #####."));
	CHECK(strstr(txt, "  k4a1     subordinate  ......######."));
	REQUIRE(chart_rows(txt, rows, 4, &col0) == 2);
	/* 0-125 us: columns 0-4; 1575-1700 us: 63-67; 166.7-291.7 us: 6-11. */
	memset(want, '.', 68);
	want[68] = '\0';
	memset(want, '#', 5);
	memset(want + 63, '#', 5);
	CHECK(!strcmp(rows[0], want));
	memset(want, '.', 68);
	memset(want + 6, '#', 6);
	CHECK(!strcmp(rows[1], want));
	free(txt);

	REQUIRE(plan("oi", PIR, &t, &s) == 0);
	k4actl_chart_print(k4a_out_open(&o), &s, jacks);
	txt = k4a_out_text(&o);
	CHECK(strstr(txt, "passive_ir uses no laser"));
	CHECK(!strchr(txt, '#'));
	free(txt);
}

int main(void)
{
	RUN(t_capacity);
	RUN(t_chain);
	RUN(t_roles);
	RUN(t_refused);
	RUN(t_table);
	RUN(t_chart);
	return k4a_test_done();
}
