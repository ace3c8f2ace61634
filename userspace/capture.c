// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - k4actl capture: the pure parts. Frames of every unit grouped
 * into the sets one sync pulse triggered, the spread of those sets, the CSV
 * files, the progress line and the option words. capture_io.c does the
 * streaming and the writing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/k4a.h>
#include <linux/videodev2.h>

#include "capture.h"

static struct k4actl_cap_set *k4actl_set_at(struct k4actl_match *m, unsigned int i)
{
	return &m->set[(m->head + i) % K4ACTL_CAP_WINDOW];
}

static bool k4actl_stream_needed(const struct k4actl_match *m, unsigned int stream)
{
	return stream == K4ACTL_CAP_COLOR || m->depth;
}

/**
 * k4actl_match_init() - start grouping
 * @m: the grouping; set_done, frame_drop, ctx and delay_ns are the caller's
 *     to fill afterwards
 * @n: units (at most K4ACTL_MAX_UNITS), the reference unit first
 * @depth: whether a set needs every unit's depth frame too
 * @period_ns: the frame period
 */
void k4actl_match_init(struct k4actl_match *m, unsigned int n, bool depth, s64 period_ns)
{
	memset(m, 0, sizeof(*m));
	m->n = n < K4ACTL_MAX_UNITS ? n : K4ACTL_MAX_UNITS;
	m->depth = depth;
	m->half_ns = period_ns / 2;
}

/**
 * k4actl_set_complete() - whether a set has every frame it needs
 * @m: the grouping
 * @s: a set
 */
bool k4actl_set_complete(const struct k4actl_match *m, const struct k4actl_cap_set *s)
{
	unsigned int u, k;

	for (u = 0; u < m->n; u++)
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++)
			if (k4actl_stream_needed(m, k) && !s->have[u][k])
				return false;
	return true;
}

/**
 * k4actl_set_spread_ns() - how far apart the units' colour frames of a set
 * are: the largest minus the smallest colour key
 * @m: the grouping
 * @s: a set (units without colour frame are left out)
 */
s64 k4actl_set_spread_ns(const struct k4actl_match *m, const struct k4actl_cap_set *s)
{
	s64 lo = 0, hi = 0;
	bool any = false;
	unsigned int u;

	for (u = 0; u < m->n; u++) {
		s64 k = s->f[u][K4ACTL_CAP_COLOR].key_ns;

		if (!s->have[u][K4ACTL_CAP_COLOR])
			continue;
		if (!any || k < lo)
			lo = k;
		if (!any || k > hi)
			hi = k;
		any = true;
	}
	return hi - lo;
}

/* A set can be decided: complete, or every missing frame's stream went past it. */
static bool k4actl_set_final(const struct k4actl_match *m, const struct k4actl_cap_set *s)
{
	unsigned int u, k;

	for (u = 0; u < m->n; u++) {
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++) {
			const struct k4actl_cap_node *nd = &m->node[u][k];

			if (!k4actl_stream_needed(m, k) || s->have[u][k])
				continue;
			if (!nd->started || nd->last_key_ns <= s->key_ns + m->half_ns)
				return false;
		}
	}
	return true;
}

static void k4actl_finalize_oldest(struct k4actl_match *m, bool tail)
{
	struct k4actl_cap_set *s = k4actl_set_at(m, 0);
	bool complete = k4actl_set_complete(m, s);

	if (complete && m->ready)
		m->started = true;
	if (tail && !complete)
		m->tail++;
	else if (!m->started)
		m->startup++;
	else if (complete)
		m->complete++;
	else
		m->incomplete++;
	/* the sets of the start are not the recording: their frames go */
	if (m->set_done)
		m->set_done(m->ctx, s, complete && m->started);
	m->head = (m->head + 1) % K4ACTL_CAP_WINDOW;
	m->count--;
}

static void k4actl_drop(struct k4actl_match *m, const struct k4actl_cap_frame *f, bool count)
{
	if (count && m->started)
		m->unmatched++;
	if (m->frame_drop)
		m->frame_drop(m->ctx, f);
}

/* Put a frame into its set: 1 placed, 0 its set may still come, -1 no set. */
static int k4actl_place(struct k4actl_match *m, const struct k4actl_cap_frame *f)
{
	struct k4actl_cap_set *best = NULL;
	s64 best_d = 0;
	unsigned int i;

	for (i = 0; i < m->count; i++) {
		struct k4actl_cap_set *s = k4actl_set_at(m, i);
		s64 d = f->key_ns - s->key_ns;

		if (d < 0)
			d = -d;
		if (!best || d < best_d) {
			best = s;
			best_d = d;
		}
	}
	if (best && best_d <= m->half_ns) {
		if (best->have[f->unit][f->stream])
			return -1;	/* a second frame for one place */
		best->have[f->unit][f->stream] = true;
		best->f[f->unit][f->stream] = *f;
		return 1;
	}
	if (!m->have_ref || f->key_ns > m->last_ref_key_ns + m->half_ns)
		return 0;
	return -1;
}

static void k4actl_pend(struct k4actl_match *m, const struct k4actl_cap_frame *f)
{
	if (m->npend == K4ACTL_CAP_PENDING) {
		k4actl_drop(m, &m->pend[0], true);
		memmove(m->pend, m->pend + 1, (m->npend - 1) * sizeof(m->pend[0]));
		m->npend--;
	}
	m->pend[m->npend++] = *f;
}

/* A new reference frame: the waiting frames that belong to it or to none. */
static void k4actl_retry_pending(struct k4actl_match *m)
{
	unsigned int i, kept = 0;

	for (i = 0; i < m->npend; i++) {
		int r = k4actl_place(m, &m->pend[i]);

		if (r < 0)
			k4actl_drop(m, &m->pend[i], true);
		else if (!r)
			m->pend[kept++] = m->pend[i];
	}
	m->npend = kept;
}

/**
 * k4actl_match_add() - one frame of a unit
 * @m: the grouping
 * @f: the frame (unit, stream, seq, ts_ns; key_ns is computed here)
 *
 * Frames of one unit's stream must come in sequence order; the streams may
 * interleave in any order. Calls set_done for the sets this frame made
 * final and frame_drop for the frames found to belong to no set.
 */
void k4actl_match_add(struct k4actl_match *m, const struct k4actl_cap_frame *f)
{
	struct k4actl_cap_frame fr = *f;
	struct k4actl_cap_node *nd;

	if (fr.unit >= m->n || fr.stream >= K4ACTL_CAP_STREAMS)
		return;
	fr.key_ns = fr.ts_ns - m->delay_ns[fr.unit][fr.stream];
	nd = &m->node[fr.unit][fr.stream];
	if (nd->started && fr.seq > nd->last_seq + 1)
		nd->gaps += fr.seq - nd->last_seq - 1;
	nd->started = true;
	nd->last_seq = fr.seq;
	nd->last_key_ns = fr.key_ns;
	nd->frames++;
	if (!k4actl_stream_needed(m, fr.stream)) {
		k4actl_drop(m, &fr, false);
	} else if (fr.unit == 0 && fr.stream == K4ACTL_CAP_COLOR) {
		struct k4actl_cap_set *s;

		if (m->count == K4ACTL_CAP_WINDOW)
			k4actl_finalize_oldest(m, false);
		s = k4actl_set_at(m, m->count++);
		memset(s, 0, sizeof(*s));
		s->key_ns = fr.key_ns;
		s->have[0][K4ACTL_CAP_COLOR] = true;
		s->f[0][K4ACTL_CAP_COLOR] = fr;
		m->have_ref = true;
		m->last_ref_key_ns = fr.key_ns;
		k4actl_retry_pending(m);
	} else {
		int r = k4actl_place(m, &fr);

		if (!r)
			k4actl_pend(m, &fr);
		else if (r < 0)
			k4actl_drop(m, &fr, true);
	}
	while (m->count && k4actl_set_final(m, k4actl_set_at(m, 0)))
		k4actl_finalize_oldest(m, false);
}

/**
 * k4actl_match_flush() - the capture ends: every open set is made final
 * (complete ones count as such, the others as the tail), every waiting
 * frame dropped (not counted as unmatched)
 * @m: the grouping
 */
void k4actl_match_flush(struct k4actl_match *m)
{
	unsigned int i;

	for (i = 0; i < m->npend; i++)
		k4actl_drop(m, &m->pend[i], false);
	m->npend = 0;
	while (m->count)
		k4actl_finalize_oldest(m, true);
}

/**
 * k4actl_match_gaps() - sequence numbers skipped over every stream
 * @m: the grouping
 */
u64 k4actl_match_gaps(const struct k4actl_match *m)
{
	unsigned int u, k;
	u64 sum = 0;

	for (u = 0; u < m->n; u++)
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++)
			sum += m->node[u][k].gaps;
	return sum;
}

static int k4actl_s64_cmp(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile @pct of sorted @v. */
static s64 k4actl_rank(const s64 *v, size_t n, unsigned int pct)
{
	size_t k = (n * pct + 99) / 100;

	return v[k ? k - 1 : 0];
}

/**
 * k4actl_spread_stats() - median, 99th percentile and maximum
 * @v: values, sorted in place
 * @n: how many (0: every figure 0)
 * @st: the result
 */
void k4actl_spread_stats(s64 *v, size_t n, struct k4actl_spread *st)
{
	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), k4actl_s64_cmp);
	st->p50_ns = k4actl_rank(v, n, 50);
	st->p99_ns = k4actl_rank(v, n, 99);
	st->max_ns = v[n - 1];
}

static const struct {
	const char *word;
	const char *ext;
	enum k4a_color_fmt fmt;
	u32 fourcc;
} k4actl_cap_colors[] = {
	{ "mjpg", "jpg", K4A_COLOR_MJPG, V4L2_PIX_FMT_MJPEG },
	{ "nv12", "nv12", K4A_COLOR_NV12, V4L2_PIX_FMT_NV12 },
	{ "yuyv", "yuyv", K4A_COLOR_YUY2, V4L2_PIX_FMT_YUYV },
};

/* A decimal number of 1 to 5 digits at *s, advanced past it; 0 if none. */
static u32 k4actl_dim(const char **s)
{
	u32 v = 0;
	int digits = 0;

	while (isdigit((unsigned char)**s) && digits < 6) {
		v = v * 10 + (u32)(**s - '0');
		(*s)++;
		digits++;
	}
	return digits && digits < 6 ? v : 0;
}

/**
 * k4actl_cap_color_parse() - the --color word
 * @word: "mjpg", "nv12" or "yuyv", optionally ":WIDTHxHEIGHT" (default
 *        1280x720)
 * @c: the result
 *
 * Whether the camera offers the size is not checked here.
 *
 * Return: 0, or -EINVAL.
 */
int k4actl_cap_color_parse(const char *word, struct k4actl_cap_color *c)
{
	const char *colon = strchr(word, ':');
	size_t len = colon ? (size_t)(colon - word) : strlen(word);
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_colors); i++)
		if (len == strlen(k4actl_cap_colors[i].word) &&
		    !strncmp(word, k4actl_cap_colors[i].word, len))
			break;
	if (i == K4A_ARRAY_SIZE(k4actl_cap_colors))
		return -EINVAL;
	c->fmt = k4actl_cap_colors[i].fmt;
	c->width = 1280;
	c->height = 720;
	if (colon) {
		const char *s = colon + 1;

		c->width = k4actl_dim(&s);
		if (!c->width || *s++ != 'x')
			return -EINVAL;
		c->height = k4actl_dim(&s);
		if (!c->height || *s)
			return -EINVAL;
	}
	return 0;
}

/**
 * k4actl_cap_color_name() - the --color word of a format ("mjpg")
 * @fmt: the format
 */
const char *k4actl_cap_color_name(enum k4a_color_fmt fmt)
{
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_colors); i++)
		if (k4actl_cap_colors[i].fmt == fmt)
			return k4actl_cap_colors[i].word;
	return "?";
}

/**
 * k4actl_cap_color_ext() - the file name extension of a format's frames
 * @fmt: the format ("jpg" for MJPG, "nv12", "yuyv")
 */
const char *k4actl_cap_color_ext(enum k4a_color_fmt fmt)
{
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_colors); i++)
		if (k4actl_cap_colors[i].fmt == fmt)
			return k4actl_cap_colors[i].ext;
	return "raw";
}

/**
 * k4actl_cap_color_fourcc() - the V4L2 pixel format of a colour format
 * @fmt: the format
 */
u32 k4actl_cap_color_fourcc(enum k4a_color_fmt fmt)
{
	unsigned int i;

	for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_colors); i++)
		if (k4actl_cap_colors[i].fmt == fmt)
			return k4actl_cap_colors[i].fourcc;
	return 0;
}

/**
 * k4actl_cap_depth_fourcc() - the depth node's pixel format of a depth mode
 * @depth_mode: k4a depth mode id (1..5)
 *
 * Return: the fourcc (uapi/linux/k4a.h), 0 for no mode.
 */
u32 k4actl_cap_depth_fourcc(u32 depth_mode)
{
	static const u32 fourcc[] = {
		0,
		V4L2_PIX_FMT_K4A_NFOV_2X2BINNED,
		V4L2_PIX_FMT_K4A_NFOV_UNBINNED,
		V4L2_PIX_FMT_K4A_WFOV_2X2BINNED,
		V4L2_PIX_FMT_K4A_WFOV_UNBINNED,
		V4L2_PIX_FMT_K4A_PASSIVE_IR,
	};

	return depth_mode < K4A_ARRAY_SIZE(fourcc) ? fourcc[depth_mode] : 0;
}

/**
 * k4actl_cap_depth_word() - a depth mode's name, "off" for 0
 * @depth_mode: k4a depth mode id, or 0
 */
const char *k4actl_cap_depth_word(u32 depth_mode)
{
	const struct k4a_depth_mode *m = k4a_depth_mode_by_id(depth_mode);

	return m ? m->name : "off";
}

/**
 * k4actl_cap_serials_parse() - the --units list
 * @list: serial numbers separated by commas
 * @serials: the result
 * @max: room in @serials
 * @n: how many
 *
 * Return: 0; -EINVAL for an empty item, one longer than a serial number can
 * be or a repeated one; -E2BIG for more than @max.
 */
int k4actl_cap_serials_parse(const char *list, char serials[][K4A_SERIAL_MAX_LEN + 1],
			     unsigned int max, unsigned int *n)
{
	const char *p = list;
	unsigned int i;

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || len > K4A_SERIAL_MAX_LEN)
			return -EINVAL;
		if (*n == max)
			return -E2BIG;
		memcpy(serials[*n], p, len);
		serials[*n][len] = '\0';
		for (i = 0; i < *n; i++)
			if (!strcmp(serials[i], serials[*n]))
				return -EINVAL;
		(*n)++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static const char *const k4actl_cap_cols_color[] = { "color_seq", "color_ticks", "color_ts_ns" };
static const char *const k4actl_cap_cols_depth[] = { "depth_seq", "depth_ticks", "depth_ts_ns" };
static const char *const k4actl_cap_cols_extra[] = { "color_arrival_ns", "color_clock_err_ns" };

/**
 * k4actl_cap_csv_header() - the first line of frames.csv
 * @f: output
 * @serials: the units' serial numbers, in capture order
 * @n: how many
 * @depth: whether depth is recorded (else the depth columns are left out)
 *
 * "set", then per unit SERIAL_color_seq, _color_ticks, _color_ts_ns,
 * _depth_seq, _depth_ticks, _depth_ts_ns, _color_arrival_ns and
 * _color_clock_err_ns.
 */
void k4actl_cap_csv_header(FILE *f, const char *const *serials, unsigned int n, bool depth)
{
	unsigned int u, i;

	fputs("set", f);
	for (u = 0; u < n; u++) {
		for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_cols_color); i++)
			fprintf(f, ",%s_%s", serials[u], k4actl_cap_cols_color[i]);
		for (i = 0; depth && i < K4A_ARRAY_SIZE(k4actl_cap_cols_depth); i++)
			fprintf(f, ",%s_%s", serials[u], k4actl_cap_cols_depth[i]);
		for (i = 0; i < K4A_ARRAY_SIZE(k4actl_cap_cols_extra); i++)
			fprintf(f, ",%s_%s", serials[u], k4actl_cap_cols_extra[i]);
	}
	fputc('\n', f);
}

static void k4actl_cap_csv_frame(FILE *f, const struct k4actl_cap_cell *c)
{
	if (!c->have) {
		fputs(",,,", f);
		return;
	}
	fprintf(f, ",%u,", c->seq);
	if (c->have_meta)
		fprintf(f, "%llu", (unsigned long long)c->ticks);
	fprintf(f, ",%lld", (long long)c->ts_ns);
}

/**
 * k4actl_cap_csv_row() - one line of frames.csv
 * @f: output
 * @set: the set's number
 * @cell: per unit (capture order) and stream, its frame
 * @n: units
 * @depth: whether depth is recorded
 *
 * A frame that is not there leaves its columns empty, and so does a
 * metadata record that did not come (ticks, arrival, clock error).
 */
void k4actl_cap_csv_row(FILE *f, u64 set, const struct k4actl_cap_cell (*cell)[K4ACTL_CAP_STREAMS],
			unsigned int n, bool depth)
{
	unsigned int u;

	fprintf(f, "%llu", (unsigned long long)set);
	for (u = 0; u < n; u++) {
		const struct k4actl_cap_cell *c = &cell[u][K4ACTL_CAP_COLOR];

		k4actl_cap_csv_frame(f, c);
		if (depth)
			k4actl_cap_csv_frame(f, &cell[u][K4ACTL_CAP_DEPTH]);
		if (c->have && c->have_meta)
			fprintf(f, ",%llu,%u", (unsigned long long)c->arrival_ns, c->clock_err_ns);
		else
			fputs(",,", f);
	}
	fputc('\n', f);
}

/**
 * k4actl_cap_units_csv() - units.csv: a header and one line per unit
 * @f: output
 * @u: the units, in capture order
 * @n: how many
 * @c: the colour format recorded
 * @fps: the frame rate
 * @depth_mode: the depth mode recorded, 0 for none
 */
void k4actl_cap_units_csv(FILE *f, const struct k4actl_cap_unit_info *u, unsigned int n,
			  const struct k4actl_cap_color *c, u32 fps, u32 depth_mode)
{
	unsigned int i;

	fputs("unit,serial,role,subordinate_delay_us,depth_delay_us,color_format,fps,"
	      "depth_mode\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s,%s,%s,%d,%d,%s:%ux%u,%u,%s\n", u[i].name, u[i].serial, u[i].role,
			u[i].sub_delay_us, u[i].depth_delay_us, k4actl_cap_color_name(c->fmt),
			c->width, c->height, fps, k4actl_cap_depth_word(depth_mode));
}

/**
 * k4actl_cap_progress() - the progress line (without "\r" or newline)
 * @buf: the result
 * @len: size of @buf
 * @done: sets written
 * @total: sets to write
 * @units: units recorded
 * @incomplete: incomplete sets so far
 * @gaps: sequence gaps so far
 *
 * Return: as snprintf().
 */
int k4actl_cap_progress(char *buf, size_t len, u64 done, u64 total, unsigned int units,
			u64 incomplete, u64 gaps)
{
	return snprintf(buf, len, "capture: %llu/%llu sets, %u unit%s, %llu incomplete, %llu gaps",
			(unsigned long long)done, (unsigned long long)total, units,
			units == 1 ? "" : "s", (unsigned long long)incomplete,
			(unsigned long long)gaps);
}
