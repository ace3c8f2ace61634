/* SPDX-License-Identifier: GPL-2.0 */
/*
 * capture.h - k4actl capture: frame sets of a synchronised rig.
 *
 * capture.c is pure code (no V4L2, no sysfs; output only to a FILE or a
 * buffer): the grouping of every unit's frames into frame sets, the spread
 * statistics, the CSV files, the progress and summary lines and the
 * capture options that are words. capture_io.c streams the units' nodes
 * and writes the files.
 */
#ifndef K4ACTL_CAPTURE_H
#define K4ACTL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/k4a.h>

#include "k4a_modes.h"
#include "k4actl.h"

/* The image streams of a unit a capture records. */
enum k4actl_cap_stream {
	K4ACTL_CAP_COLOR,
	K4ACTL_CAP_DEPTH,
	K4ACTL_CAP_STREAMS
};

/* Open frame sets the grouping keeps; frames that wait for their set. */
#define K4ACTL_CAP_WINDOW	32
#define K4ACTL_CAP_PENDING	64

/**
 * struct k4actl_cap_frame - one image frame as the grouping sees it
 * @unit: index of the unit in capture order (the reference unit first)
 * @stream: enum k4actl_cap_stream
 * @seq: the buffer's sequence number
 * @ts_ns: the buffer's timestamp (start of exposure, CLOCK_MONOTONIC)
 * @key_ns: @ts_ns minus the unit's configured delay of this stream (set by
 *          k4actl_match_add())
 */
struct k4actl_cap_frame {
	unsigned int unit;
	unsigned int stream;
	u32 seq;
	s64 ts_ns;
	s64 key_ns;
};

/**
 * struct k4actl_cap_set - a frame set: the frames one sync pulse triggered
 * @key_ns: the reference unit's colour key (timestamp minus its delay)
 * @have: per unit and stream, whether the frame is there
 * @f: the frames
 */
struct k4actl_cap_set {
	s64 key_ns;
	bool have[K4ACTL_MAX_UNITS][K4ACTL_CAP_STREAMS];
	struct k4actl_cap_frame f[K4ACTL_MAX_UNITS][K4ACTL_CAP_STREAMS];
};

/**
 * struct k4actl_cap_node - what the grouping knows of one unit's stream
 * @started: a frame came
 * @last_key_ns: key of the newest frame
 * @last_seq: its sequence number
 * @frames: frames that came
 * @gaps: sequence numbers skipped (frames the driver dropped)
 */
struct k4actl_cap_node {
	bool started;
	s64 last_key_ns;
	u32 last_seq;
	u64 frames;
	u64 gaps;
};

/**
 * struct k4actl_match - groups the frames of every unit into frame sets
 * @n: units
 * @depth: whether depth frames belong to a set
 * @delay_ns: per unit and stream, the configured delay after the pulse
 * @half_ns: half a frame period: how far a frame's key may be from its set's
 * @ready: set by the caller once every unit runs in step: only then sets and
 *         frames count (until the first complete set, they are the start)
 * @started: a complete set came while @ready
 * @node: per unit and stream
 * @set: open sets, oldest at @head
 * @head: index of the oldest open set in @set
 * @count: open sets
 * @have_ref: a reference frame came
 * @last_ref_key_ns: key of the newest reference frame
 * @pend: frames newer than every set, waiting for their reference frame
 * @npend: how many
 * @complete: complete sets handed on (after the start)
 * @incomplete: incomplete sets (after the start)
 * @startup: sets finalised before the start
 * @tail: sets still open when the capture ended
 * @unmatched: frames that belong to no set (after the start)
 * @set_done: called with every set once it is final, oldest first; its
 *            complete argument is true for a set to record: one with every
 *            frame it needs, made final after the start
 * @frame_drop: called with every frame that belongs to no set
 * @ctx: their argument
 *
 * The reference unit is unit 0 (the master, else the first unit): its colour
 * frames open the sets. A frame belongs to the set whose key is nearest to
 * its own key, if at most @half_ns away. A set is final when every frame it
 * needs is there, when each missing frame's stream has moved on past it, or
 * when K4ACTL_CAP_WINDOW newer sets are open.
 */
struct k4actl_match {
	unsigned int n;
	bool depth;
	s64 delay_ns[K4ACTL_MAX_UNITS][K4ACTL_CAP_STREAMS];
	s64 half_ns;
	bool ready;
	bool started;
	struct k4actl_cap_node node[K4ACTL_MAX_UNITS][K4ACTL_CAP_STREAMS];
	struct k4actl_cap_set set[K4ACTL_CAP_WINDOW];
	unsigned int head;
	unsigned int count;
	bool have_ref;
	s64 last_ref_key_ns;
	struct k4actl_cap_frame pend[K4ACTL_CAP_PENDING];
	unsigned int npend;
	u64 complete;
	u64 incomplete;
	u64 startup;
	u64 tail;
	u64 unmatched;
	void (*set_done)(void *ctx, const struct k4actl_cap_set *s, bool complete);
	void (*frame_drop)(void *ctx, const struct k4actl_cap_frame *f);
	void *ctx;
};

void k4actl_match_init(struct k4actl_match *m, unsigned int n, bool depth, s64 period_ns);
void k4actl_match_add(struct k4actl_match *m, const struct k4actl_cap_frame *f);
void k4actl_match_flush(struct k4actl_match *m);
bool k4actl_set_complete(const struct k4actl_match *m, const struct k4actl_cap_set *s);
s64 k4actl_set_spread_ns(const struct k4actl_match *m, const struct k4actl_cap_set *s);
u64 k4actl_match_gaps(const struct k4actl_match *m);

/**
 * struct k4actl_spread - percentiles of the cross-unit spread of the sets
 * @n: sets
 * @p50_ns: median
 * @p99_ns: 99th percentile (nearest rank)
 * @max_ns: largest
 */
struct k4actl_spread {
	size_t n;
	s64 p50_ns;
	s64 p99_ns;
	s64 max_ns;
};

void k4actl_spread_stats(s64 *v, size_t n, struct k4actl_spread *st);

/* Colour formats a capture records. */
struct k4actl_cap_color {
	enum k4a_color_fmt fmt;
	u32 width;
	u32 height;
};

int k4actl_cap_color_parse(const char *word, struct k4actl_cap_color *c);
const char *k4actl_cap_color_name(enum k4a_color_fmt fmt);
const char *k4actl_cap_color_ext(enum k4a_color_fmt fmt);
u32 k4actl_cap_color_fourcc(enum k4a_color_fmt fmt);
u32 k4actl_cap_depth_fourcc(u32 depth_mode);
const char *k4actl_cap_depth_word(u32 depth_mode);
int k4actl_cap_serials_parse(const char *list, char serials[][K4A_SERIAL_MAX_LEN + 1],
			     unsigned int max, unsigned int *n);

/**
 * struct k4actl_cap_cell - one unit's frame of a set, as the CSV shows it
 * @have: the frame is there (else its columns are empty)
 * @seq: buffer sequence number
 * @ts_ns: buffer timestamp
 * @have_meta: its metadata record came (else ticks, arrival and error are
 *             empty)
 * @ticks: device_ticks of the record
 * @arrival_ns: arrival_ns of the record
 * @clock_err_ns: clock_error_ns of the record
 */
struct k4actl_cap_cell {
	bool have;
	u32 seq;
	s64 ts_ns;
	bool have_meta;
	u64 ticks;
	u64 arrival_ns;
	u32 clock_err_ns;
};

void k4actl_cap_csv_header(FILE *f, const char *const *serials, unsigned int n, bool depth);
void k4actl_cap_csv_row(FILE *f, u64 set, const struct k4actl_cap_cell (*cell)[K4ACTL_CAP_STREAMS],
			unsigned int n, bool depth);

/**
 * struct k4actl_cap_unit_info - a row of units.csv
 * @name: unit name ("k4a0")
 * @serial: serial number
 * @role: sync_mode
 * @sub_delay_us: subordinate_delay_off_master_usec
 * @depth_delay_us: depth_delay_off_color_usec
 */
struct k4actl_cap_unit_info {
	const char *name;
	const char *serial;
	const char *role;
	int sub_delay_us;
	int depth_delay_us;
};

void k4actl_cap_units_csv(FILE *f, const struct k4actl_cap_unit_info *u, unsigned int n,
			  const struct k4actl_cap_color *c, u32 fps, u32 depth_mode);
int k4actl_cap_progress(char *buf, size_t len, u64 done, u64 total, unsigned int units,
			u64 incomplete, u64 gaps);

/* capture_io.c */
struct k4actl_args;
struct k4actl_unit;
int k4actl_capture_run(const struct k4actl_args *a, struct k4actl_unit *const *units,
		       unsigned int n);

#endif /* K4ACTL_CAPTURE_H */
