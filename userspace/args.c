// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - k4actl: the command line and the help texts.
 *
 *	k4actl COMMAND [OPTION...]     list [--json], topology,
 *	                               plan [--mode MODE] [--dry-run]
 *	k4actl help [COMMAND]          also: --help, -h, COMMAND --help
 *	k4actl --version
 */
#include <errno.h>
#include <string.h>

#include "args.h"
#include "k4a_modes.h"

static const char *const k4actl_cmd_names[] = {
	[K4ACTL_CMD_HELP] = "help",
	[K4ACTL_CMD_LIST] = "list",
	[K4ACTL_CMD_TOPOLOGY] = "topology",
	[K4ACTL_CMD_PLAN] = "plan",
};

/**
 * k4actl_cmd_from_name() - the command a word names
 * @name: "help", "list", "topology" or "plan"
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
 *        "wfov" (WFOV unbinned), or a depth mode name of k4a_modes.c
 *
 * Return: the k4a depth mode id, or 0 if @word names none.
 */
u32 k4actl_depth_mode_from_word(const char *word)
{
	const struct k4a_depth_mode *m;

	if (!strcmp(word, "nfov"))
		word = "nfov_unbinned";
	else if (!strcmp(word, "wfov"))
		word = "wfov_unbinned";
	m = k4a_depth_mode_by_name(word);
	return m ? m->id : 0;
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

	for (i = 2; i < argc; i++) {
		if (k4actl_is_help(argv[i])) {
			a->topic = a->cmd;
			a->cmd = K4ACTL_CMD_HELP;
			return 0;
		}
	}
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i], *val;

		if (a->cmd == K4ACTL_CMD_LIST && !strcmp(arg, "--json")) {
			a->json = true;
			continue;
		}
		if (a->cmd == K4ACTL_CMD_PLAN && !strcmp(arg, "--dry-run")) {
			a->dry_run = true;
			continue;
		}
		if (a->cmd == K4ACTL_CMD_PLAN && !strncmp(arg, "--mode", 6) &&
		    (!arg[6] || arg[6] == '=')) {
			val = k4actl_opt_value(argc, argv, &i, "--mode");
			if (!val || !val[0]) {
				snprintf(err, len, "'--mode' needs a value: nfov or wfov");
				return -EINVAL;
			}
			a->depth_mode = k4actl_depth_mode_from_word(val);
			if (!a->depth_mode) {
				snprintf(err, len, "no depth mode '%s': use nfov or wfov (or a "
					 "mode name, see 'k4actl help plan')", val);
				return -EINVAL;
			}
			continue;
		}
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
	"\n"
	"exit status:\n"
	"  0  done\n"
	"  1  the operation failed (a read or a write, a busy unit, a permission)\n"
	"  2  usage error\n"
	"  3  rig problem: no units, contradictory cabling, impossible plan\n"
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
	"less than 160 us apart. Prints every unit's sync_mode,\n"
	"subordinate_delay_off_master_usec and depth_delay_off_color_usec and a chart\n"
	"of the laser pulses, then writes them to the units and reads them back.\n"
	"\n"
	"  --mode MODE  the depth mode the rig will stream (default nfov):\n"
	"               nfov  NFOV, pulses every 1575 us: at most 9 units\n"
	"               wfov  WFOV unbinned, pulses every 2515 us: at most 10 units\n"
	"               or a mode name: nfov_2x2binned, nfov_unbinned,\n"
	"               wfov_2x2binned (timed like NFOV), wfov_unbinned, passive_ir\n"
	"  --dry-run    print the plan, write nothing\n"
	"\n"
	"Writing needs every unit idle (no stream running) and write access: root, or\n"
	"a member of the video group with k4a's udev rules installed. A rig too big\n"
	"for the mode, several units without cable, or refused cabling: exit status\n"
	"3. Afterwards start the subordinates' streams first and the master's last;\n"
	"the master must stream colour.\n";

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
	default:
		fputs(k4actl_help_all, f);
		break;
	}
}
