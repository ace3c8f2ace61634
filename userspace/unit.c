// SPDX-License-Identifier: GPL-2.0
/*
 * unit.c - k4actl: a unit's values as read from sysfs, their order and the
 * output of 'k4actl list'. Pure code: udev.c does the reading.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>

#include "k4a_plan.h"
#include "unit.h"

const char *const k4actl_attr_file[K4ACTL_A_COUNT] = {
	[K4ACTL_A_SERIAL] = "serial",
	[K4ACTL_A_FIRMWARE] = "firmware_version",
	[K4ACTL_A_SYNC_MODE] = "sync_mode",
	[K4ACTL_A_SYNC_IN] = "sync_in_jack",
	[K4ACTL_A_SYNC_OUT] = "sync_out_jack",
	[K4ACTL_A_SUB_DELAY] = "subordinate_delay_off_master_usec",
	[K4ACTL_A_DEPTH_DELAY] = "depth_delay_off_color_usec",
	[K4ACTL_A_STATE] = "state",
	[K4ACTL_A_CLOCK_LOCKED] = "clock/locked",
};

const char *const k4actl_node_link[K4ACTL_N_COUNT] = {
	[K4ACTL_N_VIDEO_COLOR] = "video_color",
	[K4ACTL_N_META_COLOR] = "meta_color",
	[K4ACTL_N_VIDEO_DEPTH] = "video_depth",
	[K4ACTL_N_META_DEPTH] = "meta_depth",
};

/**
 * k4actl_name_cmp() - order unit names as people count: k4a2 before k4a10
 * @a: a name
 * @b: another name
 *
 * Runs of digits compare as numbers, everything else byte by byte.
 *
 * Return: <0, 0 or >0 as strcmp().
 */
int k4actl_name_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t la, lb;
			int c;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			c = strncmp(a, b, la);
			if (c)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int k4actl_unit_cmp(const void *a, const void *b)
{
	const struct k4actl_unit *ua = a, *ub = b;

	return k4actl_name_cmp(ua->name, ub->name);
}

/**
 * k4actl_units_sort() - sort units by name (k4a0, k4a1, ..., k4a10)
 * @u: units
 * @n: how many
 */
void k4actl_units_sort(struct k4actl_unit *u, unsigned int n)
{
	if (n > 1)
		qsort(u, n, sizeof(*u), k4actl_unit_cmp);
}

/**
 * k4actl_value_set() - store an attribute as read
 * @v: the value
 * @text: what the file held (trailing newlines and blanks are dropped; cut
 *        to K4ACTL_VALUE_MAX - 1 bytes)
 * @err: 0, or the positive errno of a failed read (@text is then ignored)
 */
void k4actl_value_set(struct k4actl_value *v, const char *text, int err)
{
	size_t len;

	v->err = err;
	v->text[0] = '\0';
	if (err || !text)
		return;
	len = strlen(text);
	if (len >= sizeof(v->text))
		len = sizeof(v->text) - 1;
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	memcpy(v->text, text, len);
	v->text[len] = '\0';
}

/* A jack word: 1 connected, 0 disconnected, -errno. */
static int k4actl_jack(const struct k4actl_value *v)
{
	if (v->err)
		return -v->err;
	if (!strcmp(v->text, K4A_JACK_WORD_CONNECTED))
		return 1;
	if (!strcmp(v->text, K4A_JACK_WORD_DISCONNECTED))
		return 0;
	return -EPROTO;
}

/**
 * k4actl_unit_jacks() - what the topology inference needs of a unit
 * @u: the unit
 * @j: the result; its strings point into @u
 *
 * Return: 0; -errno of the failed read of a jack, or -EPROTO for a jack word
 * other than "connected" and "disconnected". An unreadable sync_mode is not
 * an error (@j->mode is then -1).
 */
int k4actl_unit_jacks(const struct k4actl_unit *u, struct k4actl_jacks *j)
{
	int in = k4actl_jack(&u->attr[K4ACTL_A_SYNC_IN]);
	int out = k4actl_jack(&u->attr[K4ACTL_A_SYNC_OUT]);
	const struct k4actl_value *mode = &u->attr[K4ACTL_A_SYNC_MODE];
	const struct k4actl_value *serial = &u->attr[K4ACTL_A_SERIAL];

	j->name = u->name;
	j->serial = serial->err || !serial->text[0] ? "?" : serial->text;
	j->sync_in = in > 0;
	j->sync_out = out > 0;
	j->mode = mode->err ? -1 : k4a_sync_mode_from_name(mode->text);
	if (j->mode < 0)
		j->mode = -1;
	if (in < 0)
		return in;
	return out < 0 ? out : 0;
}

/**
 * k4actl_units_unreadable() - whether any attribute of the units failed to
 * read
 * @u: units
 * @n: how many
 */
bool k4actl_units_unreadable(const struct k4actl_unit *u, unsigned int n)
{
	unsigned int i, a;

	for (i = 0; i < n; i++)
		for (a = 0; a < K4ACTL_A_COUNT; a++)
			if (u[i].attr[a].err)
				return true;
	return false;
}

/* A value for people: the text, or "? (reason)". */
static void k4actl_print_value(FILE *f, const struct k4actl_value *v)
{
	if (v->err)
		fprintf(f, "? (%s)", strerror(v->err));
	else
		fputs(v->text, f);
}

static const char *k4actl_node_text(const struct k4actl_unit *u, enum k4actl_node_id id)
{
	return u->node[id][0] ? u->node[id] : "-";
}

/**
 * k4actl_list_print() - 'k4actl list': one block per unit
 * @f: output
 * @u: units, in the order to show them
 * @n: how many
 */
void k4actl_list_print(FILE *f, const struct k4actl_unit *u, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct k4actl_value *a = u[i].attr;
		const struct k4actl_value *locked = &a[K4ACTL_A_CLOCK_LOCKED];

		if (i)
			fputc('\n', f);
		fprintf(f, "%s  serial ", u[i].name);
		k4actl_print_value(f, &a[K4ACTL_A_SERIAL]);
		fputs("\n  firmware  ", f);
		k4actl_print_value(f, &a[K4ACTL_A_FIRMWARE]);
		fputs("\n  sync      ", f);
		k4actl_print_value(f, &a[K4ACTL_A_SYNC_MODE]);
		fputs(", subordinate delay ", f);
		k4actl_print_value(f, &a[K4ACTL_A_SUB_DELAY]);
		fputs(" us, depth delay ", f);
		k4actl_print_value(f, &a[K4ACTL_A_DEPTH_DELAY]);
		fputs(" us\n  jacks     Sync In ", f);
		k4actl_print_value(f, &a[K4ACTL_A_SYNC_IN]);
		fputs(", Sync Out ", f);
		k4actl_print_value(f, &a[K4ACTL_A_SYNC_OUT]);
		fputs("\n  state     ", f);
		k4actl_print_value(f, &a[K4ACTL_A_STATE]);
		fprintf(f, "\n  colour    %s (metadata %s)\n  depth     %s (metadata %s)\n",
			k4actl_node_text(&u[i], K4ACTL_N_VIDEO_COLOR),
			k4actl_node_text(&u[i], K4ACTL_N_META_COLOR),
			k4actl_node_text(&u[i], K4ACTL_N_VIDEO_DEPTH),
			k4actl_node_text(&u[i], K4ACTL_N_META_DEPTH));
		fputs("  clock     ", f);
		if (!locked->err && !strcmp(locked->text, "1"))
			fputs("locked", f);
		else if (!locked->err && !strcmp(locked->text, "0"))
			fputs("not locked (it locks while a colour stream runs)", f);
		else
			k4actl_print_value(f, locked);
		fputc('\n', f);
	}
}

/**
 * k4actl_json_string() - a JSON string literal
 * @f: output
 * @s: bytes; quotes, backslashes, control and non-ASCII bytes are escaped
 */
void k4actl_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* How 'list --json' shows an attribute. */
enum k4actl_json_kind {
	K4ACTL_JSON_STRING,
	K4ACTL_JSON_INT,
	K4ACTL_JSON_BOOL,
};

static const enum k4actl_json_kind k4actl_attr_json[K4ACTL_A_COUNT] = {
	[K4ACTL_A_SUB_DELAY] = K4ACTL_JSON_INT,
	[K4ACTL_A_DEPTH_DELAY] = K4ACTL_JSON_INT,
	[K4ACTL_A_CLOCK_LOCKED] = K4ACTL_JSON_BOOL,
};

static void k4actl_json_value(FILE *f, const struct k4actl_value *v, enum k4actl_json_kind kind)
{
	char *end;
	long long x;

	if (v->err) {
		fputs("null", f);
		return;
	}
	switch (kind) {
	case K4ACTL_JSON_STRING:
		k4actl_json_string(f, v->text);
		return;
	case K4ACTL_JSON_INT:
		errno = 0;
		x = strtoll(v->text, &end, 10);
		if (v->text[0] && !*end && !errno && !isspace((unsigned char)v->text[0]))
			fprintf(f, "%lld", x);
		else
			fputs("null", f);
		return;
	case K4ACTL_JSON_BOOL:
		fputs(!strcmp(v->text, "1") ? "true" : !strcmp(v->text, "0") ? "false" : "null", f);
		return;
	}
}

/**
 * k4actl_list_print_json() - 'k4actl list --json': an array of objects
 * @f: output
 * @u: units, in the order to show them
 * @n: how many
 *
 * Keys are the sysfs file names ("clock_locked" for clock/locked) plus
 * "name"; delays are numbers, clock_locked a boolean, nodes device file
 * names; what could not be read, and a node the unit does not have, is null.
 */
void k4actl_list_print_json(FILE *f, const struct k4actl_unit *u, unsigned int n)
{
	unsigned int i, a;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n  {\n" : "\n  {\n", f);
		fputs("    \"name\": ", f);
		k4actl_json_string(f, u[i].name);
		for (a = 0; a < K4ACTL_A_COUNT; a++) {
			fputs(",\n    \"", f);
			fputs(a == K4ACTL_A_CLOCK_LOCKED ? "clock_locked" : k4actl_attr_file[a], f);
			fputs("\": ", f);
			k4actl_json_value(f, &u[i].attr[a], k4actl_attr_json[a]);
		}
		for (a = 0; a < K4ACTL_N_COUNT; a++) {
			fprintf(f, ",\n    \"%s\": ", k4actl_node_link[a]);
			if (u[i].node[a][0])
				k4actl_json_string(f, u[i].node[a]);
			else
				fputs("null", f);
		}
		fputs("\n  }", f);
	}
	fputs(n ? "\n]\n" : "]\n", f);
}

/**
 * k4actl_attr_path() - the file of a unit's attribute
 * @u: the unit
 * @id: the attribute
 * @buf: the result, "<syspath>/<file>"
 * @len: size of @buf
 */
void k4actl_attr_path(const struct k4actl_unit *u, enum k4actl_attr_id id, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s/%s", u->syspath, k4actl_attr_file[id]);
}
