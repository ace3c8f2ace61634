// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - k4actl: the command line and the help texts.
 *
 *	k4actl COMMAND [OPTION...]     list [--json], topology,
 *	                               plan [--mode MODE] [--dry-run],
 *	                               start [--timeout S] [--lock-timeout S]
 *	                                     [--no-plan] [--mode MODE],
 *	                               stop [--timeout S] [--dry-run],
 *	                               status [--json],
 *	                               watch [--interval S] [--count N],
 *	                               capture -n N -o DIR [OPTION...]
 *	k4actl help [COMMAND]          also: --help, -h, COMMAND --help
 *	k4actl --version
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "k4a_modes.h"

static const char *const k4actl_cmd_names[] = {
	[K4ACTL_CMD_HELP] = "help",
	[K4ACTL_CMD_LIST] = "list",
	[K4ACTL_CMD_TOPOLOGY] = "topology",
	[K4ACTL_CMD_PLAN] = "plan",
	[K4ACTL_CMD_START] = "start",
	[K4ACTL_CMD_STOP] = "stop",
	[K4ACTL_CMD_STATUS] = "status",
	[K4ACTL_CMD_WATCH] = "watch",
	[K4ACTL_CMD_CAPTURE] = "capture",
};

/**
 * k4actl_cmd_from_name() - the command a word names
 * @name: "help", "list", "topology", "plan", "start", "stop", "status",
 *        "watch" or "capture"
 *
 * Return: the command, or K4ACTL_CMD_NONE.
 */
enum k4actl_cmd k4actl_cmd_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cmd_names); i++)
		if (k4actl_cmd_names[i] && !strcmp(name, k4actl_cmd_names[i]))
			return (enum k4actl_cmd)i;
	return K4ACTL_CMD_NONE;
}

/**
 * k4actl_depth_mode_from_word() - the depth mode plan --mode names
 * @word: "nfov" (NFOV unbinned: NFOV binned has the same laser timing),
 *        "wfov" (WFOV unbinned), "nfov-binned", "wfov-binned" (2x2
 *        binned), "passive-ir", or a depth mode name of k4a_modes.c
 *
 * Return: the k4a depth mode id, or 0 if @word names none.
 */
u32 k4actl_depth_mode_from_word(const char *word)
{
	static const char *const alias[][2] = {
		{ "nfov", "nfov_unbinned" },
		{ "wfov", "wfov_unbinned" },
		{ "nfov-binned", "nfov_2x2binned" },
		{ "wfov-binned", "wfov_2x2binned" },
		{ "passive-ir", "passive_ir" },
	};
	const struct k4a_depth_mode *m;
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(alias); i++) {
		if (!strcmp(word, alias[i][0])) {
			word = alias[i][1];
			break;
		}
	}
	m = k4a_depth_mode_by_name(word);
	return m ? m->id : 0;
}

/**
 * k4actl_seconds_parse() - a duration given on the command line
 * @s: decimal seconds, "2", "0.5"; more than 0 and at most a day
 * @secs: the result
 *
 * Return: 0, or -EINVAL.
 */
int k4actl_seconds_parse(const char *s, double *secs)
{
	char *end;
	double v;

	if (!s || !s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > 86400)
		return -EINVAL;
	*secs = v;
	return 0;
}

static bool k4actl_is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

/* The value of "--opt VALUE" or "--opt=VALUE" at argv[*i], or NULL. */
static const char *k4actl_opt_value(int argc, char *const argv[], int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* Whether argv[i] is the option @opt, alone or as "--opt=VALUE". */
static bool k4actl_is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return !strncmp(arg, opt, n) && (!arg[n] || arg[n] == '=');
}

/* A seconds option's value into @secs; -EINVAL with a message. */
static int k4actl_opt_seconds(int argc, char *const argv[], int *i, const char *opt,
			      double *secs, char *err, size_t len)
{
	const char *val = k4actl_opt_value(argc, argv, i, opt);

	if (!val || !val[0]) {
		snprintf(err, len, "'%s' needs a value in seconds", opt);
		return -EINVAL;
	}
	if (k4actl_seconds_parse(val, secs)) {
		snprintf(err, len, "'%s %s': give seconds, more than 0 (e.g. 30 or 0.5)", opt,
			 val);
		return -EINVAL;
	}
	return 1;
}

/*
 * One option of a command at argv[*i] (and its value): 1 taken, 0 not an
 * option of this command, -EINVAL with a message.
 */
static int k4actl_opt_parse(int argc, char *const argv[], int *i, struct k4actl_args *a,
			    char *err, size_t len)
{
	enum k4actl_cmd c = a->cmd;
	const char *arg = argv[*i], *val;

	if ((c == K4ACTL_CMD_LIST || c == K4ACTL_CMD_STATUS) && !strcmp(arg, "--json")) {
		a->json = true;
		return 1;
	}
	if ((c == K4ACTL_CMD_PLAN || c == K4ACTL_CMD_STOP) && !strcmp(arg, "--dry-run")) {
		a->dry_run = true;
		return 1;
	}
	if (c == K4ACTL_CMD_START && !strcmp(arg, "--no-plan")) {
		a->no_plan = true;
		return 1;
	}
	if ((c == K4ACTL_CMD_PLAN || c == K4ACTL_CMD_START) && k4actl_is_opt(arg, "--mode")) {
		val = k4actl_opt_value(argc, argv, i, "--mode");
		if (!val || !val[0]) {
			snprintf(err, len, "'--mode' needs a value: nfov or wfov");
			return -EINVAL;
		}
		a->depth_mode = k4actl_depth_mode_from_word(val);
		if (!a->depth_mode) {
			snprintf(err, len, "no depth mode '%s': use nfov or wfov (or a "
				 "mode name, see 'k4actl help %s')", val, k4actl_cmd_names[c]);
			return -EINVAL;
		}
		return 1;
	}
	if ((c == K4ACTL_CMD_START || c == K4ACTL_CMD_STOP) && k4actl_is_opt(arg, "--timeout"))
		return k4actl_opt_seconds(argc, argv, i, "--timeout", &a->timeout, err, len);
	if (c == K4ACTL_CMD_START && k4actl_is_opt(arg, "--lock-timeout"))
		return k4actl_opt_seconds(argc, argv, i, "--lock-timeout", &a->lock_timeout, err,
					  len);
	if (c == K4ACTL_CMD_WATCH && k4actl_is_opt(arg, "--interval"))
		return k4actl_opt_seconds(argc, argv, i, "--interval", &a->interval, err, len);
	if (c == K4ACTL_CMD_WATCH && k4actl_is_opt(arg, "--count")) {
		char *end;
		unsigned long n;

		val = k4actl_opt_value(argc, argv, i, "--count");
		errno = 0;
		n = val && val[0] >= '0' && val[0] <= '9' ? strtoul(val, &end, 10) : 0;
		if (!val || val[0] < '0' || val[0] > '9' || errno || *end || !n || n > 1000000000) {
			snprintf(err, len, "'--count' needs a number of refreshes, 1 or more");
			return -EINVAL;
		}
		a->count = (unsigned int)n;
		return 1;
	}
	return 0;
}

/*
 * A capture option at argv[*i]: its short form (or NULL), its long form.
 * Return: 1 and *val (advancing *i past a separate value), 0 if argv[*i] is
 * another option, -EINVAL if the value is missing.
 */
static int k4actl_cap_opt(int argc, char *const argv[], int *i, const char *shrt,
			  const char *lng, const char **val)
{
	const char *arg = argv[*i];
	size_t n = strlen(lng);

	if (shrt && !strcmp(arg, shrt)) {
		if (*i + 1 >= argc)
			return -EINVAL;
		*val = argv[++*i];
		return 1;
	}
	if (strncmp(arg, lng, n) || (arg[n] && arg[n] != '='))
		return 0;
	*val = k4actl_opt_value(argc, argv, i, lng);
	return *val && (*val)[0] ? 1 : -EINVAL;
}

/* A decimal number in [@min, @max]; 0 and *v, or -EINVAL. */
static int k4actl_number(const char *s, u64 min, u64 max, u64 *v)
{
	char *end;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v < min || *v > max)
		return -EINVAL;
	return 0;
}

/* The options of 'capture' after the command word; 0 or -EINVAL. */
static int k4actl_capture_parse(int argc, char *const argv[], struct k4actl_args *a,
				char *err, size_t len)
{
	bool have_n = false;
	const char *val;
	u64 v;
	int i, r;

	a->fps = 30;
	a->timeout = K4ACTL_CAPTURE_TIMEOUT_S;
	a->clock_bound_us = K4ACTL_CAPTURE_CLOCK_BOUND_US;
	k4actl_cap_color_parse("mjpg", &a->color);
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--force")) {
			a->force = true;
			continue;
		}
		if (!strcmp(arg, "--no-plan")) {
			a->no_plan = true;
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, "-n", "--frames", &val))) {
			if (r < 0 || k4actl_number(val, 1, 1000000, &v)) {
				snprintf(err, len, "'--frames' needs a number of frame sets, 1 to "
					 "1000000");
				return -EINVAL;
			}
			a->frames = v;
			have_n = true;
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, "-o", "--out", &val))) {
			if (r < 0) {
				snprintf(err, len, "'--out' needs a directory");
				return -EINVAL;
			}
			a->out = val;
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, NULL, "--color", &val))) {
			if (r < 0 || k4actl_cap_color_parse(val, &a->color)) {
				snprintf(err, len, "'--color' needs mjpg, nv12 or yuyv, optionally "
					 "with :WIDTHxHEIGHT");
				return -EINVAL;
			}
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, NULL, "--fps", &val))) {
			if (r < 0 || k4actl_number(val, 5, 30, &v) || !k4a_fps_valid((u32)v)) {
				snprintf(err, len, "'--fps' needs 5, 15 or 30");
				return -EINVAL;
			}
			a->fps = (u32)v;
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, NULL, "--depth", &val))) {
			if (r < 0) {
				snprintf(err, len, "'--depth' needs a mode or off");
				return -EINVAL;
			}
			a->depth_mode = strcmp(val, "off") ? k4actl_depth_mode_from_word(val) : 0;
			if (!a->depth_mode && strcmp(val, "off")) {
				snprintf(err, len, "no depth mode '%s': use nfov-binned, nfov, "
					 "wfov-binned, wfov, passive-ir or off", val);
				return -EINVAL;
			}
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, NULL, "--units", &val))) {
			char s[K4ACTL_MAX_UNITS][K4A_SERIAL_MAX_LEN + 1];
			unsigned int n;

			if (r < 0 || k4actl_cap_serials_parse(val, s, K4ACTL_MAX_UNITS, &n)) {
				snprintf(err, len, "'--units' needs serial numbers separated by "
					 "commas, each once");
				return -EINVAL;
			}
			a->units = val;
			continue;
		}
		if ((r = k4actl_cap_opt(argc, argv, &i, NULL, "--clock-bound", &val))) {
			if (r < 0 || k4actl_number(val, 0, 1000000, &v)) {
				snprintf(err, len, "'--clock-bound' needs microseconds, 0 to 1000000");
				return -EINVAL;
			}
			a->clock_bound_us = (u32)v;
			continue;
		}
		if (k4actl_is_opt(arg, "--settle")) {
			if (k4actl_opt_seconds(argc, argv, &i, "--settle", &a->settle, err,
					       len) < 0)
				return -EINVAL;
			continue;
		}
		if (k4actl_is_opt(arg, "--timeout")) {
			if (k4actl_opt_seconds(argc, argv, &i, "--timeout", &a->timeout, err,
					       len) < 0)
				return -EINVAL;
			continue;
		}
		if (arg[0] == '-')
			snprintf(err, len, "'capture' has no option '%s'", arg);
		else
			snprintf(err, len, "'capture' takes no argument '%s'", arg);
		return -EINVAL;
	}
	if (!have_n || !a->out) {
		snprintf(err, len, "'capture' needs %s", !have_n ? "-n N (frame sets)" :
			 "-o DIR (the output directory)");
		return -EINVAL;
	}
	if (!k4a_color_mode_valid(a->color.fmt, a->color.width, a->color.height, a->fps)) {
		snprintf(err, len, "the colour camera has no %s %ux%u at %u fps",
			 k4actl_cap_color_name(a->color.fmt), a->color.width, a->color.height,
			 a->fps);
		return -EINVAL;
	}
	if (a->depth_mode && !k4a_depth_mode_valid(a->depth_mode, a->fps)) {
		snprintf(err, len, "depth mode %s does not run at %u fps",
			 k4actl_cap_depth_word(a->depth_mode), a->fps);
		return -EINVAL;
	}
	return 0;
}

/**
 * k4actl_args_parse() - parse k4actl's command line
 * @argc: argument count
 * @argv: arguments, argv[0] the program name
 * @a: the result
 * @err: on error, a message (without the program name or trailing newline)
 * @len: size of @err
 *
 * "--help" anywhere after a command asks for that command's help.
 *
 * Return: 0, or -EINVAL for a usage error.
 */
int k4actl_args_parse(int argc, char *const argv[], struct k4actl_args *a, char *err,
		      size_t len)
{
	const char *name;
	int i;

	memset(a, 0, sizeof(*a));
	a->depth_mode = k4actl_depth_mode_from_word("nfov");
	a->interval = K4ACTL_INTERVAL_S;
	if (len)
		err[0] = '\0';
	if (argc < 2) {
		snprintf(err, len, "no command given");
		return -EINVAL;
	}
	name = argv[1];
	if (k4actl_is_help(name) || !strcmp(name, "help")) {
		a->cmd = K4ACTL_CMD_HELP;
		if (argc > 3) {
			snprintf(err, len, "'%s' takes at most one command name", name);
			return -EINVAL;
		}
		if (argc == 3) {
			a->topic = k4actl_cmd_from_name(argv[2]);
			if (a->topic == K4ACTL_CMD_NONE) {
				snprintf(err, len, "no command '%s'", argv[2]);
				return -EINVAL;
			}
		}
		return 0;
	}
	if (!strcmp(name, "--version")) {
		a->cmd = K4ACTL_CMD_VERSION;
		if (argc > 2) {
			snprintf(err, len, "'--version' takes no argument");
			return -EINVAL;
		}
		return 0;
	}
	if (name[0] == '-') {
		snprintf(err, len, "unknown option '%s' (options follow the command)", name);
		return -EINVAL;
	}
	a->cmd = k4actl_cmd_from_name(name);
	if (a->cmd == K4ACTL_CMD_NONE) {
		snprintf(err, len, "no command '%s'", name);
		return -EINVAL;
	}
	a->timeout = a->cmd == K4ACTL_CMD_STOP ? K4ACTL_STOP_TIMEOUT_S : K4ACTL_ARM_TIMEOUT_S;
	a->lock_timeout = K4ACTL_LOCK_TIMEOUT_S;

	for (i = 2; i < argc; i++) {
		if (k4actl_is_help(argv[i])) {
			a->topic = a->cmd;
			a->cmd = K4ACTL_CMD_HELP;
			return 0;
		}
	}
	if (a->cmd == K4ACTL_CMD_CAPTURE)
		return k4actl_capture_parse(argc, argv, a, err, len);
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i];
		int ret = k4actl_opt_parse(argc, argv, &i, a, err, len);

		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (arg[0] == '-')
			snprintf(err, len, "'%s' has no option '%s'", name, arg);
		else
			snprintf(err, len, "'%s' takes no argument '%s'", name, arg);
		return -EINVAL;
	}
	return 0;
}

static const char k4actl_help_all[] =
	"usage: k4actl COMMAND [OPTION...]\n"
	"       k4actl help [COMMAND]\n"
	"       k4actl --help | --version\n"
	"\n"
	"Shows and sets up rigs of Azure Kinect DK cameras driven by the k4a kernel\n"
	"driver, through the units' sysfs directories (/sys/class/k4a/k4aN).\n"
	"\n"
	"commands:\n"
	"  list       one block per unit: serial, firmware, sync mode and jacks, state,\n"
	"             video nodes, clock\n"
	"  topology   the sync cabling, inferred from the units' jack states\n"
	"  plan       delays that keep the units' depth lasers apart, shown as a timing\n"
	"             chart and written to the units\n"
	"  start      plan, then order the start of the streams the applications start:\n"
	"             the master waits behind its start gate until every subordinate is\n"
	"             armed, then starts; waits until every subordinate is locked\n"
	"  stop       end the applications streaming the units (SIGTERM), wait until\n"
	"             every unit is idle, close the master's start gate\n"
	"  status     one row per unit: role, sync state, start gate, frames, drops,\n"
	"             gaps, clock error\n"
	"  watch      status refreshed in place: frame rates, drops, clock error and\n"
	"             the spread of the units' latest colour frames\n"
	"  capture    records N synchronised frame sets of every unit: colour and raw\n"
	"             depth files and a CSV row per set\n"
	"\n"
	"exit status:\n"
	"  0  done\n"
	"  1  the operation failed (a read or a write, a busy unit, a permission)\n"
	"  2  usage error\n"
	"  3  rig problem: no units, contradictory cabling, impossible plan, a unit\n"
	"     that did not arm or lock in time, units that do not start in step\n"
	"\n"
	"'k4actl help COMMAND' describes a command; the manual is k4actl(1).\n";

static const char k4actl_help_list[] =
	"usage: k4actl list [--json]\n"
	"\n"
	"One block per unit, in number order: serial number, firmware versions, sync\n"
	"mode and delays, Sync In and Sync Out jacks, state (idle, armed, streaming),\n"
	"the device files of its colour, colour metadata, depth and depth metadata\n"
	"nodes (\"-\" for a node the unit does not have), and whether its clock\n"
	"estimator is locked. A value that cannot be read shows as \"?\" with the\n"
	"error, and the exit status is then 1. No units: exit status 3.\n"
	"\n"
	"  --json   a JSON array with one object per unit instead (a value that\n"
	"           cannot be read is null)\n";

static const char k4actl_help_topology[] =
	"usage: k4actl topology\n"
	"\n"
	"Infers the sync cabling from the units' jack states and prints it, the\n"
	"master first, then the subordinates:\n"
	"  master       Sync Out connected, Sync In free (at most one such unit)\n"
	"  subordinate  Sync In connected\n"
	"  external     every unit has Sync In connected and none is a master: a sync\n"
	"               generator, or a master attached to another computer\n"
	"  standalone   no cable on any unit\n"
	"Whether the subordinates hang on a daisy chain or on a split Sync Out (star)\n"
	"is told where the jacks allow it, else \"chain or star: cannot tell from\n"
	"jacks\". Notes name units whose sync_mode differs from their role.\n"
	"\n"
	"Contradictory cabling ends with exit status 3 and what to change: two units\n"
	"that look like masters, a Sync In that nothing here drives while not every\n"
	"unit has Sync In connected, a unit that would have to be the master but has\n"
	"its Sync In occupied, a unit without cable beside linked ones.\n";

static const char k4actl_help_plan[] =
	"usage: k4actl plan [--mode MODE] [--dry-run]\n"
	"\n"
	"Plans the rig 'k4actl topology' shows: colour captures stay aligned and each\n"
	"unit's depth capture is delayed so that no two units' laser pulses start\n"
	"less than 160 us apart (ten NFOV units: 155 us, the widest they fit).\n"
	"Prints every unit's sync_mode, subordinate_delay_off_master_usec and\n"
	"depth_delay_off_color_usec and a chart of the laser pulses, then writes them\n"
	"to the units and reads them back.\n"
	"\n"
	"  --mode MODE  the depth mode the rig will stream (default nfov):\n"
	"               nfov  NFOV, pulses every 1575 us: at most 10 units\n"
	"               wfov  WFOV unbinned, pulses every 2515 us: at most 10 units\n"
	"               or a mode name: nfov_2x2binned, nfov_unbinned,\n"
	"               wfov_2x2binned (timed like NFOV), wfov_unbinned, passive_ir\n"
	"               or nfov-binned, wfov-binned, passive-ir (as capture --depth)\n"
	"  --dry-run    print the plan, write nothing\n"
	"\n"
	"Writing needs every unit idle (no stream running) and write access: root, or\n"
	"a member of the video group with k4a's udev rules installed. A rig too big\n"
	"for the mode, several units without cable, or refused cabling: exit status\n"
	"3. Afterwards start the subordinates' streams first and the master's last;\n"
	"the master must stream colour.\n";

static const char k4actl_help_start[] =
	"usage: k4actl start [--timeout S] [--lock-timeout S] [--no-plan] [--mode MODE]\n"
	"\n"
	"Orders the start of a synchronised rig whose streams the applications start\n"
	"(v4l2-ctl, GStreamer, ...); k4actl streams nothing itself:\n"
	"  1. infers the cabling and writes the plan of 'k4actl plan' (nothing when the\n"
	"     units are already set so);\n"
	"  2. closes the master's start gate: its streams, once started, wait;\n"
	"  3. waits until every unit is armed: start the applications now, in any\n"
	"     order; each state change is printed as it happens;\n"
	"  4. opens the master's gate: its colour frames drive the subordinates;\n"
	"  5. waits until the master streams and every subordinate is locked.\n"
	"A standalone unit: its gate is opened, start waits until it streams.\n"
	"\n"
	"  --timeout S       how long to wait for every unit to arm (default 60)\n"
	"  --lock-timeout S  how long to wait for every subordinate to lock once the\n"
	"                    master started (default 10)\n"
	"  --no-plan         keep the sync modes and delays the units have\n"
	"  --mode MODE       the depth mode to plan for (see 'k4actl help plan')\n"
	"\n"
	"A timeout names every unit that did not arm or lock and the likely cause\n"
	"(no application, the sync cable, the master not streaming colour); exit\n"
	"status 3. On a timeout or Ctrl-C before the gate opened, the gate stays\n"
	"closed and start says how to open it. The master must not stream when\n"
	"start begins (stop its application first: 'k4actl stop'); exit status 1.\n";

static const char k4actl_help_stop[] =
	"usage: k4actl stop [--timeout S] [--dry-run]\n"
	"\n"
	"Finds the processes holding the units' video nodes open (through /proc),\n"
	"sends SIGTERM to the master's first, then to the subordinates', waits until\n"
	"every unit is idle, then closes each master's start gate so that the next\n"
	"start is ordered again. It never sends SIGKILL.\n"
	"\n"
	"  --timeout S  how long to wait for the units to become idle (default 10);\n"
	"               then the units and processes still holding them are named,\n"
	"               exit status 1\n"
	"  --dry-run    print the processes (PID and command) it would signal;\n"
	"               change nothing\n"
	"\n"
	"Signalling another user's process needs that user or root (exit status 1).\n"
	"Nothing streaming: \"nothing streams\", exit status 0.\n";

static const char k4actl_help_status[] =
	"usage: k4actl status [--json]\n"
	"\n"
	"One row per unit: name, serial, role (sync_mode), sync_state, start_gate,\n"
	"colour and depth frames/dropped/gaps since their streams started, whether\n"
	"the clock is locked (\"rig\": locked, at the rate the rig's units measure\n"
	"together), its error bound (us), the device clock's rate error (ppm) and\n"
	"the latest colour frame's offset from its frame grid (us). \"-\" for a\n"
	"value the driver does not have yet.\n"
	"\n"
	"  --json   a JSON array with one object per unit, keyed by the sysfs file\n"
	"           names (clock/error_ns as clock_error_ns, health/color_frames as\n"
	"           color_frames, ...); null for what cannot be read\n";

static const char k4actl_help_watch[] =
	"usage: k4actl watch [--interval S] [--count N]\n"
	"\n"
	"Status refreshed every interval: per unit the sync state, colour and depth\n"
	"frame rates, drops and gaps since the last refresh, the clock error, and each\n"
	"subordinate's colour offset from the master (its configured delay removed,\n"
	"folded into one frame period); below, the spread (largest minus smallest\n"
	"offset, the master's being 0) of the latest frame sets and the worst spread\n"
	"since watch started. On a terminal the screen is redrawn in place; otherwise\n"
	"one block per refresh, separated by a blank line. Ctrl-C ends it.\n"
	"\n"
	"  --interval S  seconds between refreshes (default 1)\n"
	"  --count N     stop after N refreshes\n";
static const char k4actl_help_capture[] =
	"usage: k4actl capture -n N -o DIR [--force] [--color FMT[:WxH]] [--fps F]\n"
	"                      [--depth MODE|off] [--units SERIAL,...] [--timeout S]\n"
	"                      [--clock-bound US] [--settle S] [--no-plan]\n"
	"\n"
	"Records N frame sets: the frames one sync pulse triggered on every unit. The\n"
	"master's colour frames (with no master, the first unit's) define the sets; a\n"
	"frame belongs to the set whose master colour timestamp is nearest to its own\n"
	"timestamp minus the unit's configured delays, if within half a frame period.\n"
	"Only sets with every unit's frames are written. Files in DIR:\n"
	"  SERIAL/color-SET.jpg    colour frame (.nv12, .yuyv for the raw formats)\n"
	"  SERIAL/depth-SET.raw    raw depth frame, exactly as the camera sent it\n"
	"  frames.csv              per set and unit: sequence, device ticks and\n"
	"                          timestamp of colour and depth, colour arrival and\n"
	"                          clock error\n"
	"  units.csv               per unit: role, delays, formats\n"
	"SET counts from 000000. Units in chain order, the master first.\n"
	"\n"
	"  -n, --frames N     frame sets to write (required)\n"
	"  -o, --out DIR      output directory, created if missing (required)\n"
	"  --force            write into a DIR that is not empty\n"
	"  --color FMT[:WxH]  mjpg (default), nv12 or yuyv; size default 1280x720\n"
	"  --fps F            5, 15 or 30 (default)\n"
	"  --depth MODE|off   nfov (default), nfov-binned, wfov, wfov-binned,\n"
	"                     passive-ir, or off for colour only\n"
	"  --units S,...      the units to record, by serial number (default all)\n"
	"  --timeout S        how long the units may take to arm and come in step, and\n"
	"                     the longest pause of a running capture (default 30)\n"
	"  --clock-bound US   record from when every unit's clock error bound\n"
	"                     (clock/error_ns) is at most US microseconds (default\n"
	"                     1000; 0: from when the clocks lock); a unit that does\n"
	"                     not get there within 10 s is named and the capture\n"
	"                     starts anyway\n"
	"  --settle S         then let the rig stream S more seconds before the first\n"
	"                     recorded set (the clock estimators widen their window\n"
	"                     over the first minute; see timestamps.rst)\n"
	"  --no-plan          leave the sync settings as they are; by default a rig\n"
	"                     whose sync modes do not match its cabling is planned and\n"
	"                     written as by 'k4actl plan --mode MODE'\n"
	"\n"
	"Starts the subordinates first, waits until each is armed, then the master\n"
	"behind its closed start_gate, and opens the gate. A progress line goes to\n"
	"stderr; a summary line (sets, incomplete sets, unmatched frames, sequence\n"
	"gaps per unit and stream, the spread of the units' colour timestamps) to\n"
	"stdout. Ctrl-C stops and keeps the sets written. A unit that does not arm\n"
	"or deliver in step within the timeout: exit status 3.\n";

/**
 * k4actl_help_print() - print a help text
 * @f: output
 * @topic: a command, or K4ACTL_CMD_NONE / K4ACTL_CMD_HELP for the overview
 */
void k4actl_help_print(FILE *f, enum k4actl_cmd topic)
{
	switch (topic) {
	case K4ACTL_CMD_LIST:
		fputs(k4actl_help_list, f);
		break;
	case K4ACTL_CMD_TOPOLOGY:
		fputs(k4actl_help_topology, f);
		break;
	case K4ACTL_CMD_PLAN:
		fputs(k4actl_help_plan, f);
		break;
	case K4ACTL_CMD_START:
		fputs(k4actl_help_start, f);
		break;
	case K4ACTL_CMD_STOP:
		fputs(k4actl_help_stop, f);
		break;
	case K4ACTL_CMD_STATUS:
		fputs(k4actl_help_status, f);
		break;
	case K4ACTL_CMD_WATCH:
		fputs(k4actl_help_watch, f);
		break;
	case K4ACTL_CMD_CAPTURE:
		fputs(k4actl_help_capture, f);
		break;
	default:
		fputs(k4actl_help_all, f);
		break;
	}
}
