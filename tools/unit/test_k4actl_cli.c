// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/args.c and userspace/unit.c: k4actl's command
 * line, help texts, unit ordering, attribute values, jack parsing and the
 * output of 'k4actl list' (text and JSON).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "args.h"
#include "k4a_test.h"
#include "unit.h"

/* Parse a command line given as words after "k4actl"; NULL-terminated. */
static int parse(struct k4actl_args *a, char *err, const char *w0, ...)
{
	char *argv[16] = { "k4actl" };
	int argc = 1;
	va_list ap;
	const char *w;

	va_start(ap, w0);
	for (w = w0; w && argc < 15; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return k4actl_args_parse(argc, argv, a, err, 200);
}

static void t_args_commands(void)
{
	struct k4actl_args a;
	char err[200];

	CHECK_EQ(parse(&a, err, NULL), -EINVAL);
	CHECK(strstr(err, "no command"));

	CHECK_EQ(parse(&a, err, "list", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_LIST);
	CHECK(!a.json);
	CHECK_EQ(parse(&a, err, "list", "--json", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_LIST);
	CHECK(a.json);
	CHECK_EQ(parse(&a, err, "topology", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_TOPOLOGY);

	CHECK_EQ(parse(&a, err, "plan", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_PLAN);
	CHECK(!a.dry_run);
	CHECK_EQ(a.depth_mode, 2);	/* nfov_unbinned */
	CHECK_EQ(parse(&a, err, "plan", "--mode", "wfov", "--dry-run", NULL), 0);
	CHECK_EQ(a.depth_mode, 4);	/* wfov_unbinned */
	CHECK(a.dry_run);
	CHECK_EQ(parse(&a, err, "plan", "--dry-run", "--mode=nfov_2x2binned", NULL), 0);
	CHECK_EQ(a.depth_mode, 1);
	CHECK(a.dry_run);
	CHECK_EQ(parse(&a, err, "plan", "--mode", "nfov", "--mode", "passive_ir", NULL), 0);
	CHECK_EQ(a.depth_mode, 5);

	CHECK_EQ(parse(&a, err, "--version", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_VERSION);
}

static void t_args_help(void)
{
	struct k4actl_args a;
	char err[200];

	CHECK_EQ(parse(&a, err, "--help", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_NONE);
	CHECK_EQ(parse(&a, err, "-h", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(parse(&a, err, "help", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_NONE);
	CHECK_EQ(parse(&a, err, "help", "plan", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_PLAN);
	CHECK_EQ(parse(&a, err, "--help", "topology", NULL), 0);
	CHECK_EQ(a.topic, K4ACTL_CMD_TOPOLOGY);
	CHECK_EQ(parse(&a, err, "list", "--help", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_LIST);
	/* --help wins over a bad option of the same command. */
	CHECK_EQ(parse(&a, err, "plan", "--bogus", "-h", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_PLAN);
	CHECK_EQ(parse(&a, err, "help", "help", NULL), 0);
	CHECK_EQ(a.topic, K4ACTL_CMD_HELP);
}

static void t_args_errors(void)
{
	struct k4actl_args a;
	char err[200];

	CHECK_EQ(parse(&a, err, "frob", NULL), -EINVAL);
	CHECK(strstr(err, "no command 'frob'"));
	CHECK_EQ(parse(&a, err, "--frob", NULL), -EINVAL);
	CHECK(strstr(err, "unknown option '--frob'"));
	CHECK_EQ(parse(&a, err, "--json", "list", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "help", "frob", NULL), -EINVAL);
	CHECK(strstr(err, "no command 'frob'"));
	CHECK_EQ(parse(&a, err, "help", "list", "plan", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "--version", "list", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "list", "--dry-run", NULL), -EINVAL);
	CHECK(strstr(err, "'list' has no option '--dry-run'"));
	CHECK_EQ(parse(&a, err, "topology", "--json", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "topology", "k4a0", NULL), -EINVAL);
	CHECK(strstr(err, "'topology' takes no argument 'k4a0'"));
	CHECK_EQ(parse(&a, err, "plan", "--mode", NULL), -EINVAL);
	CHECK(strstr(err, "'--mode' needs a value"));
	CHECK_EQ(parse(&a, err, "plan", "--mode=", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "plan", "--mode", "NFOV", NULL), -EINVAL);
	CHECK(strstr(err, "no depth mode 'NFOV'"));
	CHECK_EQ(parse(&a, err, "plan", "--modex", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "plan", "--json", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "plan", "-n", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "plan", "x", NULL), -EINVAL);
}

static void t_mode_words(void)
{
	CHECK_EQ(k4actl_depth_mode_from_word("nfov"), 2);
	CHECK_EQ(k4actl_depth_mode_from_word("wfov"), 4);
	CHECK_EQ(k4actl_depth_mode_from_word("nfov_2x2binned"), 1);
	CHECK_EQ(k4actl_depth_mode_from_word("nfov_unbinned"), 2);
	CHECK_EQ(k4actl_depth_mode_from_word("wfov_2x2binned"), 3);
	CHECK_EQ(k4actl_depth_mode_from_word("wfov_unbinned"), 4);
	CHECK_EQ(k4actl_depth_mode_from_word("passive_ir"), 5);
	CHECK_EQ(k4actl_depth_mode_from_word("nfov-binned"), 1);
	CHECK_EQ(k4actl_depth_mode_from_word("wfov-binned"), 3);
	CHECK_EQ(k4actl_depth_mode_from_word("passive-ir"), 5);
	CHECK_EQ(k4actl_depth_mode_from_word("nfov-unbinned"), 0);
	CHECK_EQ(k4actl_depth_mode_from_word(""), 0);
	CHECK_EQ(k4actl_depth_mode_from_word("wfov "), 0);
	CHECK_EQ(k4actl_cmd_from_name("plan"), K4ACTL_CMD_PLAN);
	CHECK_EQ(k4actl_cmd_from_name("capture"), K4ACTL_CMD_CAPTURE);
	CHECK_EQ(k4actl_cmd_from_name("Plan"), K4ACTL_CMD_NONE);
	CHECK_EQ(k4actl_cmd_from_name("--version"), K4ACTL_CMD_NONE);
	CHECK_EQ(k4actl_cmd_from_name(""), K4ACTL_CMD_NONE);
}

static void t_help_texts(void)
{
	static const char *const cmds[] = {
		"list", "topology", "plan", "start", "stop", "status", "watch", "capture",
	};
	const unsigned int ncmds = sizeof(cmds) / sizeof(cmds[0]);
	struct k4a_out o;
	char *s, *t;
	unsigned int i;

	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_NONE);
	s = k4a_out_text(&o);
	for (i = 0; i < ncmds; i++) {
		char word[32];

		snprintf(word, sizeof(word), "\n  %s ", cmds[i]);
		CHECK(strstr(s, word));
	}
	/* Exactly these commands: every command line of the list is one of them. */
	t = strstr(s, "commands:\n");
	REQUIRE(t);
	for (t += strlen("commands:\n"), i = 0; *t && *t != '\n'; t = strchr(t, '\n') + 1) {
		size_t len = strcspn(t + 2, " ");

		REQUIRE(strchr(t, '\n'));
		if (t[2] == ' ')
			continue;	/* a continued description */
		CHECK(i < ncmds && len == strlen(cmds[i]) && !strncmp(t + 2, cmds[i], len));
		i++;
	}
	CHECK_EQ(i, ncmds);
	CHECK(strstr(s, "  0  done"));
	CHECK(strstr(s, "  1  the operation failed"));
	CHECK(strstr(s, "  2  usage error"));
	CHECK(strstr(s, "  3  rig problem"));
	free(s);

	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_LIST);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl list [--json]\n", 28));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_TOPOLOGY);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl topology\n", 23));
	CHECK(strstr(s, "chain or star: cannot tell from\njacks"));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_PLAN);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl plan [--mode MODE] [--dry-run]\n", 45));
	CHECK(strstr(s, "--dry-run"));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_START);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl start [--timeout S]", 33));
	CHECK(strstr(s, "--no-plan"));
	CHECK(strstr(s, "--lock-timeout S"));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_STOP);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl stop [--timeout S] [--dry-run]\n", 45));
	CHECK(strstr(s, "SIGTERM"));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_STATUS);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl status [--json]\n", 30));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_WATCH);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl watch [--interval S] [--count N]\n", 47));
	CHECK(strstr(s, "spread"));
	free(s);
	k4actl_help_print(k4a_out_open(&o), K4ACTL_CMD_CAPTURE);
	s = k4a_out_text(&o);
	CHECK(!strncmp(s, "usage: k4actl capture -n N -o DIR", 33));
	CHECK(strstr(s, "--no-plan"));
	CHECK(strstr(s, "frames.csv"));
	free(s);
}

static void t_args_run(void)
{
	struct k4actl_args a;
	char err[200];
	double v;

	CHECK_EQ(parse(&a, err, "start", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_START);
	CHECK(a.timeout == K4ACTL_ARM_TIMEOUT_S);
	CHECK(a.lock_timeout == K4ACTL_LOCK_TIMEOUT_S);
	CHECK(!a.no_plan);
	CHECK_EQ(a.depth_mode, 2);
	CHECK_EQ(parse(&a, err, "start", "--timeout", "5", "--no-plan", "--mode=wfov",
		       "--lock-timeout=2.5", NULL), 0);
	CHECK(a.timeout == 5.0);
	CHECK(a.lock_timeout == 2.5);
	CHECK(a.no_plan);
	CHECK_EQ(a.depth_mode, 4);
	CHECK_EQ(parse(&a, err, "start", "--timeout", NULL), -EINVAL);
	CHECK(strstr(err, "'--timeout' needs a value"));
	CHECK_EQ(parse(&a, err, "start", "--timeout", "0", NULL), -EINVAL);
	CHECK(strstr(err, "more than 0"));
	CHECK_EQ(parse(&a, err, "start", "--timeout=1x", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "start", "--mode", "vga", NULL), -EINVAL);
	CHECK(strstr(err, "help start"));
	CHECK_EQ(parse(&a, err, "start", "--dry-run", NULL), -EINVAL);
	CHECK(strstr(err, "'start' has no option '--dry-run'"));
	CHECK_EQ(parse(&a, err, "start", "--json", NULL), -EINVAL);

	CHECK_EQ(parse(&a, err, "stop", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_STOP);
	CHECK(a.timeout == K4ACTL_STOP_TIMEOUT_S);
	CHECK(!a.dry_run);
	CHECK_EQ(parse(&a, err, "stop", "--dry-run", "--timeout", "3", NULL), 0);
	CHECK(a.dry_run);
	CHECK(a.timeout == 3.0);
	CHECK_EQ(parse(&a, err, "stop", "--no-plan", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "stop", "now", NULL), -EINVAL);
	CHECK(strstr(err, "takes no argument 'now'"));

	CHECK_EQ(parse(&a, err, "status", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_STATUS);
	CHECK(!a.json);
	CHECK_EQ(parse(&a, err, "status", "--json", NULL), 0);
	CHECK(a.json);
	CHECK_EQ(parse(&a, err, "status", "--count", "2", NULL), -EINVAL);

	CHECK_EQ(parse(&a, err, "watch", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_WATCH);
	CHECK(a.interval == K4ACTL_INTERVAL_S);
	CHECK_EQ(a.count, 0);
	CHECK_EQ(parse(&a, err, "watch", "--interval", "0.2", "--count=3", NULL), 0);
	CHECK(a.interval == 0.2);
	CHECK_EQ(a.count, 3);
	CHECK_EQ(parse(&a, err, "watch", "--count", "0", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "watch", "--count", "-1", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "watch", "--count", "2x", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "watch", "--interval", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "watch", "--json", NULL), -EINVAL);
	CHECK_EQ(parse(&a, err, "watch", "--help", NULL), 0);
	CHECK_EQ(a.cmd, K4ACTL_CMD_HELP);
	CHECK_EQ(a.topic, K4ACTL_CMD_WATCH);

	CHECK_EQ(k4actl_seconds_parse("1.5", &v), 0);
	CHECK(v == 1.5);
	CHECK_EQ(k4actl_seconds_parse("nan", &v), -EINVAL);
	CHECK_EQ(k4actl_seconds_parse("inf", &v), -EINVAL);
	CHECK_EQ(k4actl_seconds_parse("", &v), -EINVAL);
	CHECK_EQ(k4actl_seconds_parse(" 1", &v), -EINVAL);
	CHECK_EQ(k4actl_seconds_parse("100000", &v), -EINVAL);
	CHECK_EQ(k4actl_cmd_from_name("start"), K4ACTL_CMD_START);
	CHECK_EQ(k4actl_cmd_from_name("watch"), K4ACTL_CMD_WATCH);
}

static void t_name_order(void)
{
	static struct k4actl_unit u[5];
	static const char *const in[] = { "k4a10", "k4a2", "k4a0", "k4a1", "k4a9" };
	static const char *const want[] = { "k4a0", "k4a1", "k4a2", "k4a9", "k4a10" };
	unsigned int i;

	CHECK(k4actl_name_cmp("k4a2", "k4a10") < 0);
	CHECK(k4actl_name_cmp("k4a10", "k4a9") > 0);
	CHECK(k4actl_name_cmp("k4a3", "k4a3") == 0);
	CHECK(k4actl_name_cmp("k4a", "k4a0") < 0);
	CHECK(k4actl_name_cmp("k4a07", "k4a7") == 0);
	CHECK(k4actl_name_cmp("k4a100", "k4a99") > 0);
	CHECK(k4actl_name_cmp("k4b0", "k4a9") > 0);
	for (i = 0; i < 5; i++)
		snprintf(u[i].name, sizeof(u[i].name), "%s", in[i]);
	k4actl_units_sort(u, 5);
	for (i = 0; i < 5; i++)
		CHECK(!strcmp(u[i].name, want[i]));
}

static void t_values(void)
{
	struct k4actl_value v;
	char big[600];

	k4actl_value_set(&v, "connected\n", 0);
	CHECK_EQ(v.err, 0);
	CHECK(!strcmp(v.text, "connected"));
	k4actl_value_set(&v, "167 \n\n", 0);
	CHECK(!strcmp(v.text, "167"));
	k4actl_value_set(&v, "ignored", ETIMEDOUT);
	CHECK_EQ(v.err, ETIMEDOUT);
	CHECK_EQ(v.text[0], '\0');
	k4actl_value_set(&v, NULL, 0);
	CHECK_EQ(v.text[0], '\0');
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	k4actl_value_set(&v, big, 0);
	CHECK_EQ(strlen(v.text), K4ACTL_VALUE_MAX - 1);
}

static void unit_fill(struct k4actl_unit *u, const char *name, const char *in, const char *out,
		      const char *mode)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->syspath, sizeof(u->syspath), "/sys/devices/x/k4a/%s", name);
	k4actl_value_set(&u->attr[K4ACTL_A_SERIAL], "000123456789", 0);
	k4actl_value_set(&u->attr[K4ACTL_A_FIRMWARE],
			 "color=1.6.110 depth=1.6.79 audio=1.6.14 depth_sensor=6109.7 "
			 "build=release signature=msft", 0);
	k4actl_value_set(&u->attr[K4ACTL_A_SYNC_MODE], mode, 0);
	k4actl_value_set(&u->attr[K4ACTL_A_SYNC_IN], in, 0);
	k4actl_value_set(&u->attr[K4ACTL_A_SYNC_OUT], out, 0);
	k4actl_value_set(&u->attr[K4ACTL_A_SUB_DELAY], "0", 0);
	k4actl_value_set(&u->attr[K4ACTL_A_DEPTH_DELAY], "-167", 0);
	k4actl_value_set(&u->attr[K4ACTL_A_STATE], "idle", 0);
	k4actl_value_set(&u->attr[K4ACTL_A_CLOCK_LOCKED], "1", 0);
	snprintf(u->node[K4ACTL_N_VIDEO_COLOR], sizeof(u->node[0]), "/dev/video0");
	snprintf(u->node[K4ACTL_N_META_COLOR], sizeof(u->node[0]), "/dev/video1");
}

static void t_jacks(void)
{
	struct k4actl_unit u;
	struct k4actl_jacks j;

	unit_fill(&u, "k4a0", "connected", "disconnected", "subordinate");
	CHECK_EQ(k4actl_unit_jacks(&u, &j), 0);
	CHECK(j.sync_in);
	CHECK(!j.sync_out);
	CHECK_EQ(j.mode, K4A_SYNC_SUBORDINATE);
	CHECK(!strcmp(j.name, "k4a0"));
	CHECK(!strcmp(j.serial, "000123456789"));

	unit_fill(&u, "k4a0", "disconnected", "connected", "master");
	CHECK_EQ(k4actl_unit_jacks(&u, &j), 0);
	CHECK(!j.sync_in);
	CHECK(j.sync_out);
	CHECK_EQ(j.mode, K4A_SYNC_MASTER);

	/* An unreadable or unknown sync_mode is no error: mode -1. */
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_MODE], NULL, EIO);
	CHECK_EQ(k4actl_unit_jacks(&u, &j), 0);
	CHECK_EQ(j.mode, -1);
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_MODE], "Master", 0);
	CHECK_EQ(k4actl_unit_jacks(&u, &j), 0);
	CHECK_EQ(j.mode, -1);

	/* An unreadable jack is, with its errno; an unknown word is EPROTO. */
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_OUT], NULL, ETIMEDOUT);
	CHECK_EQ(k4actl_unit_jacks(&u, &j), -ETIMEDOUT);
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_OUT], "connected", 0);
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_IN], "plugged", 0);
	CHECK_EQ(k4actl_unit_jacks(&u, &j), -EPROTO);
	k4actl_value_set(&u.attr[K4ACTL_A_SYNC_IN], "", 0);
	CHECK_EQ(k4actl_unit_jacks(&u, &j), -EPROTO);

	/* The serial for messages. */
	k4actl_value_set(&u.attr[K4ACTL_A_SERIAL], NULL, ENODEV);
	k4actl_unit_jacks(&u, &j);
	CHECK(!strcmp(j.serial, "?"));
	CHECK(k4actl_units_unreadable(&u, 1));
	unit_fill(&u, "k4a0", "connected", "disconnected", "subordinate");
	CHECK(!k4actl_units_unreadable(&u, 1));
}

static void t_list_text(void)
{
	static struct k4actl_unit u[2];
	struct k4a_out o;
	char *s, *a, *b;

	unit_fill(&u[0], "k4a0", "disconnected", "connected", "master");
	unit_fill(&u[1], "k4a1", "connected", "disconnected", "subordinate");
	k4actl_value_set(&u[1].attr[K4ACTL_A_STATE], NULL, ETIMEDOUT);
	k4actl_value_set(&u[1].attr[K4ACTL_A_CLOCK_LOCKED], "0", 0);
	snprintf(u[1].node[K4ACTL_N_VIDEO_DEPTH], sizeof(u[1].node[0]), "/dev/video6");
	k4actl_list_print(k4a_out_open(&o), u, 2);
	s = k4a_out_text(&o);
	a = strstr(s, "k4a0  serial 000123456789\n");
	b = strstr(s, "\n\nk4a1  serial 000123456789\n");
	CHECK(a == s);
	CHECK(b && b > a);
	CHECK(strstr(s, "  firmware  color=1.6.110 depth=1.6.79 audio=1.6.14 "
			"depth_sensor=6109.7 build=release signature=msft\n"));
	CHECK(strstr(s, "  sync      master, subordinate delay 0 us, depth delay -167 us\n"));
	CHECK(strstr(s, "  jacks     Sync In disconnected, Sync Out connected\n"));
	CHECK(strstr(s, "  state     idle\n"));
	CHECK(strstr(s, "  colour    /dev/video0 (metadata /dev/video1)\n"));
	CHECK(strstr(s, "  depth     - (metadata -)\n"));
	CHECK(strstr(s, "  clock     locked\n"));
	CHECK(strstr(s, "  state     ? (Connection timed out)\n"));
	CHECK(strstr(s, "  depth     /dev/video6 (metadata -)\n"));
	CHECK(strstr(s, "  clock     not locked"));
	free(s);
}

static void t_json(void)
{
	static struct k4actl_unit u[2];
	struct k4a_out o;
	char *s;
	int depth = 0, max = 0;
	const char *p;

	k4actl_json_string(k4a_out_open(&o), "a\"b\\c\n\x01\x7f");
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "\"a\\\"b\\\\c\\n\\u0001\\u007f\""));
	free(s);

	k4actl_list_print_json(k4a_out_open(&o), u, 0);
	s = k4a_out_text(&o);
	CHECK(!strcmp(s, "[]\n"));
	free(s);

	unit_fill(&u[0], "k4a0", "disconnected", "connected", "master");
	unit_fill(&u[1], "k4a1", "connected", "disconnected", "subordinate");
	k4actl_value_set(&u[1].attr[K4ACTL_A_FIRMWARE], NULL, EIO);
	k4actl_value_set(&u[1].attr[K4ACTL_A_SUB_DELAY], "12x", 0);
	k4actl_value_set(&u[1].attr[K4ACTL_A_CLOCK_LOCKED], "0", 0);
	k4actl_list_print_json(k4a_out_open(&o), u, 2);
	s = k4a_out_text(&o);
	CHECK(s[0] == '[');
	CHECK(strstr(s, "\"name\": \"k4a0\""));
	CHECK(strstr(s, "\"serial\": \"000123456789\""));
	CHECK(strstr(s, "\"sync_mode\": \"master\""));
	CHECK(strstr(s, "\"sync_in_jack\": \"disconnected\""));
	CHECK(strstr(s, "\"depth_delay_off_color_usec\": -167,"));
	CHECK(strstr(s, "\"subordinate_delay_off_master_usec\": 0,"));
	CHECK(strstr(s, "\"subordinate_delay_off_master_usec\": null,"));
	CHECK(strstr(s, "\"firmware_version\": null,"));
	CHECK(strstr(s, "\"clock_locked\": true,"));
	CHECK(strstr(s, "\"clock_locked\": false,"));
	CHECK(strstr(s, "\"video_color\": \"/dev/video0\","));
	CHECK(strstr(s, "\"meta_depth\": null\n"));
	CHECK(!strstr(s, "clock/locked"));
	/* Balanced, two objects, one array, nothing after it. */
	for (p = s; *p; p++) {
		depth += *p == '[' || *p == '{';
		depth -= *p == ']' || *p == '}';
		if (depth > max)
			max = depth;
		CHECK(depth >= 0);
	}
	CHECK_EQ(depth, 0);
	CHECK_EQ(max, 2);
	CHECK(!strcmp(s + strlen(s) - 4, "}\n]\n"));
	free(s);
}

static void t_attr_path(void)
{
	struct k4actl_unit u;
	char path[600];

	unit_fill(&u, "k4a3", "connected", "connected", "subordinate");
	k4actl_attr_path(&u, K4ACTL_A_DEPTH_DELAY, path, sizeof(path));
	CHECK(!strcmp(path, "/sys/devices/x/k4a/k4a3/depth_delay_off_color_usec"));
	k4actl_attr_path(&u, K4ACTL_A_CLOCK_LOCKED, path, sizeof(path));
	CHECK(!strcmp(path, "/sys/devices/x/k4a/k4a3/clock/locked"));
}

int main(void)
{
	RUN(t_args_commands);
	RUN(t_args_help);
	RUN(t_args_errors);
	RUN(t_mode_words);
	RUN(t_help_texts);
	RUN(t_args_run);
	RUN(t_name_order);
	RUN(t_values);
	RUN(t_jacks);
	RUN(t_list_text);
	RUN(t_json);
	RUN(t_attr_path);
	return k4a_test_done();
}
