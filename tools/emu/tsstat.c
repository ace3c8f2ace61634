// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-tsstat: timestamp figures of a capture against the emulator's ground
 * truth (Documentation/timestamps.rst, "Measuring").
 *
 *   k4a-tsstat [--skip S] [--bound US] [FILE...]
 *   k4a-tsstat [--skip S] [--bound US] --capture DIR
 *
 * Input (FILEs or stdin), one frame per line, other lines ignored:
 *
 *   F UNIT STREAM SEQ TS_NS GT_NS ARRIVAL_NS DELAY_NS LOCKED [ERR_NS LOCK]
 *
 * UNIT names the unit (its serial), STREAM is "color" or "depth", TS_NS the
 * buffer timestamp, GT_NS the true start of exposure from the frame's ground
 * truth record, ARRIVAL_NS the arrival stamp of the same frame (the
 * metadata record's arrival_ns: what a driver stamping arrival time would
 * give), DELAY_NS the delay configured for that stream of that unit off the
 * master's colour frame (subordinate_delay_off_master_usec, plus
 * depth_delay_off_color_usec for depth), LOCKED 1 when the metadata record
 * says the time came from a locked clock mapping (K4A_META_F_CLOCK_LOCKED)
 * with an error bound (clock_error_ns) within the bound below, else 0.
 * The optional ERR_NS is the record's own error bound (-1: the time was not
 * mapped) and LOCK 1 when the record says locked whatever its bound.
 *
 * Per stream kind, over every unit: the transport floor (median of
 * TS - GT per unit and stream: latency the host cannot observe, reported
 * separately), then p50/p99/max of |TS - GT - floor|; the same for
 * ARRIVAL - GT beside it, and the ratio of the p99s. Frames of the first S
 * seconds (default 5) of each unit's stream are left out of these (the
 * estimator converging); for those: how long after its first frame each
 * stream stayed within the bound (default 50 us), and whether the frames
 * outside it said so (LOCKED 0); over the whole run, how many frames said
 * they were within the bound (LOCKED 1) and how many of those were not.
 * With ERR_NS and LOCK: how long after its first frame each stream said
 * locked (the latest over the streams of a kind), and how many locked
 * frames were further off than their own bound said.
 * Across units: frames are grouped into frame sets by their ground truth (GT - DELAY within 1 ms: the frames one
 * sync pulse triggered); for every set that has a frame of every unit and
 * none in its stream's first S seconds, the spread max - min of TS - DELAY,
 * p50/p99/max, beside the spread of the ground truth itself.
 *
 * --capture DIR reads a recording of `k4actl capture` instead
 * (Documentation/k4actl.rst): units.csv for the delays, frames.csv for the
 * timestamps, arrival stamps (colour) and error bounds, and the ground
 * truth record inside every frame file (tools/emu/gt.h: a COM segment
 * after the JPEG's SOI, the first 48 bytes of a raw frame). A depth frame
 * has no arrival stamp in frames.csv: depth shows timestamps only.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gt.h"

#define NAME_MAX_LEN	32
#define SET_TOL_NS	1000000

struct frame {
	int unit;
	int kind;		/* 0 colour, 1 depth */
	int64_t ts, gt, arr, delay;	/* arr < 0: none */
	int64_t err;			/* own error bound, ns; < 0: none */
	int lock;			/* 1 locked, 0 not, -1 unknown */
	bool locked;
	bool early;		/* in its stream's first --skip seconds */
};

struct series {
	int unit, kind;
	int64_t first_gt;
	double floor_ts, floor_arr;
};

static struct frame *fr;
static size_t nfr, capfr;
static char (*units)[NAME_MAX_LEN];
static int nunits;
static const char *const kinds[2] = { "color", "depth" };

static int unit_id(const char *name)
{
	int i;

	for (i = 0; i < nunits; i++)
		if (!strcmp(units[i], name))
			return i;
	units = realloc(units, (size_t)(nunits + 1) * sizeof(*units));
	if (!units) {
		perror("k4a-tsstat");
		exit(1);
	}
	snprintf(units[nunits], NAME_MAX_LEN, "%s", name);
	return nunits++;
}

static void add_frame(const char *u, int kind, int64_t ts, int64_t gt, int64_t arr,
		      int64_t delay, bool locked, int64_t err, int lock)
{
	if (nfr == capfr) {
		capfr = capfr ? 2 * capfr : 4096;
		fr = realloc(fr, capfr * sizeof(*fr));
		if (!fr) {
			perror("k4a-tsstat");
			exit(1);
		}
	}
	fr[nfr++] = (struct frame){ .unit = unit_id(u), .kind = kind, .ts = ts, .gt = gt,
				    .arr = arr, .delay = delay, .locked = locked,
				    .err = err, .lock = lock };
}

static void read_lines(FILE *f)
{
	char line[512], u[NAME_MAX_LEN], k[16];
	long long seq, ts, gt, arr, delay, err;
	int locked, lock, n;

	while (fgets(line, sizeof(line), f)) {
		n = sscanf(line, "F %31s %15s %lld %lld %lld %lld %lld %d %lld %d", u, k, &seq, &ts,
			   &gt, &arr, &delay, &locked, &err, &lock);
		if (n != 8 && n != 10)
			continue;
		if (strcmp(k, "color") && strcmp(k, "depth"))
			continue;
		if (n == 8) {
			err = -1;
			lock = -1;
		}
		add_frame(u, strcmp(k, "color") ? 1 : 0, ts, gt, arr, delay, locked != 0, err,
			  lock < 0 ? -1 : lock != 0);
	}
}

/* ---- a k4actl capture directory ---- */

#define CSV_MAX_COLS	256
#define CSV_LINE	8192

/* Split @line (modified) at commas into at most CSV_MAX_COLS fields. */
static int csv_split(char *line, char **col)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = 0;
	while (n < CSV_MAX_COLS) {
		col[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

static int csv_find(char **hdr, int n, const char *serial, const char *what)
{
	char name[96];
	int i;

	snprintf(name, sizeof(name), "%s%s%s", serial, serial[0] ? "_" : "", what);
	for (i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return i;
	return -1;
}

/* The ground truth record of a frame file; false if it has none. */
static bool file_gt(const char *path, bool jpeg, struct emu_gt *gt)
{
	uint8_t b[4 + 2 + EMU_GT_SIZE];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (jpeg) {
		/* SOI, then COM (FF FE) of length 2 + 48 holding the record */
		if (n < sizeof(b) || b[0] != 0xff || b[1] != 0xd8 || b[2] != 0xff ||
		    b[3] != 0xfe || b[4] != 0 || b[5] != 2 + EMU_GT_SIZE)
			return false;
		return !emu_gt_unpack(b + 6, gt);
	}
	return n >= EMU_GT_SIZE && !emu_gt_unpack(b, gt);
}

static long long num(const char *s)
{
	return s && *s ? strtoll(s, NULL, 10) : -1;
}

static int read_capture(const char *dir, double bound_us)
{
	char path[4096], line[CSV_LINE], hline[CSV_LINE], *hdr[CSV_MAX_COLS], *col[CSV_MAX_COLS];
	char serial[64][NAME_MAX_LEN], ext[16] = "jpg";
	long long sub[64], dep[64];
	int nu = 0, nh, nc, i, k, missing = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/units.csv", dir);
	f = fopen(path, "re");
	if (!f || !fgets(hline, sizeof(hline), f)) {
		fprintf(stderr, "k4a-tsstat: %s: %s\n", path, f ? "empty" : strerror(errno));
		return -1;
	}
	nh = csv_split(hline, hdr);
	while (nu < 64 && fgets(line, sizeof(line), f)) {
		int cs = csv_find(hdr, nh, "", "serial"), cd = csv_find(hdr, nh, "", "depth_delay_us");
		int csub = csv_find(hdr, nh, "", "subordinate_delay_us");
		int cf = csv_find(hdr, nh, "", "color_format");

		nc = csv_split(line, col);
		if (cs < 0 || cd < 0 || csub < 0 || cs >= nc || cd >= nc || csub >= nc)
			continue;
		snprintf(serial[nu], NAME_MAX_LEN, "%s", col[cs]);
		sub[nu] = num(col[csub]);
		dep[nu] = num(col[cd]);
		if (cf >= 0 && cf < nc) {
			if (!strncmp(col[cf], "nv12", 4))
				snprintf(ext, sizeof(ext), "nv12");
			else if (!strncmp(col[cf], "yuyv", 4))
				snprintf(ext, sizeof(ext), "yuyv");
		}
		nu++;
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/frames.csv", dir);
	f = fopen(path, "re");
	if (!f || !fgets(hline, sizeof(hline), f)) {
		fprintf(stderr, "k4a-tsstat: %s: %s\n", path, f ? "empty" : strerror(errno));
		return -1;
	}
	nh = csv_split(hline, hdr);
	while (fgets(line, sizeof(line), f)) {
		long long set;

		nc = csv_split(line, col);
		if (nc != nh)
			continue;
		set = num(col[0]);
		for (i = 0; i < nu; i++) {
			for (k = 0; k < 2; k++) {
				int cts = csv_find(hdr, nh, serial[i], k ? "depth_ts_ns" : "color_ts_ns");
				int carr = csv_find(hdr, nh, serial[i], "color_arrival_ns");
				int cerr = csv_find(hdr, nh, serial[i], "color_clock_err_ns");
				struct emu_gt gt;
				long long delay = (sub[i] + (k ? dep[i] : 0)) * 1000;

				if (cts < 0)
					continue;
				snprintf(path, sizeof(path), "%s/%s/%s-%06lld.%s", dir, serial[i],
					 k ? "depth" : "color", set, k ? "raw" : ext);
				if (!file_gt(path, !k && !strcmp(ext, "jpg"), &gt)) {
					missing++;
					continue;
				}
				add_frame(serial[i], k, num(col[cts]), (int64_t)gt.soe_mono_ns,
					  k || carr < 0 ? -1 : num(col[carr]), delay,
					  cerr >= 0 && num(col[cerr]) > 0 &&
					  num(col[cerr]) <= (long long)(bound_us * 1000), -1, -1);
			}
		}
	}
	fclose(f);
	if (missing)
		printf("tsstat: %d frame files without a ground truth record left out\n", missing);
	return 0;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Percentile P (0..100) of n sorted values: nearest rank. */
static double pct(const double *v, size_t n, double p)
{
	size_t r;

	if (!n)
		return NAN;
	r = (size_t)ceil(p / 100.0 * (double)n);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_dbl);
	return pct(v, n, 50);
}

static int cmp_set(const void *a, const void *b)
{
	const struct frame *x = *(const struct frame *const *)a;
	const struct frame *y = *(const struct frame *const *)b;
	int64_t kx = x->gt - x->delay, ky = y->gt - y->delay;

	return (kx > ky) - (kx < ky);
}

static void spread(int kind, double skip_s, double *tmp, double *tmp2)
{
	const struct frame **v = malloc((nfr + 1) * sizeof(*v));
	bool *seen = calloc((size_t)nunits, sizeof(*seen));
	size_t n = 0, i, j, sets = 0, partial = 0, early = 0;

	if (!v || !seen) {
		perror("k4a-tsstat");
		exit(1);
	}
	for (i = 0; i < nfr; i++)
		if (fr[i].kind == kind)
			v[n++] = &fr[i];
	qsort(v, n, sizeof(*v), cmp_set);
	for (i = 0; i < n; i = j) {
		int64_t lo_ts = INT64_MAX, hi_ts = INT64_MIN, lo_gt = INT64_MAX, hi_gt = INT64_MIN;
		int have = 0;
		bool dup = false, in_start = false;

		memset(seen, 0, (size_t)nunits * sizeof(*seen));
		for (j = i; j < n && (v[j]->gt - v[j]->delay) - (v[i]->gt - v[i]->delay) < SET_TOL_NS;
		     j++) {
			int64_t t = v[j]->ts - v[j]->delay, g = v[j]->gt - v[j]->delay;

			if (seen[v[j]->unit])
				dup = true;
			else
				have++;
			seen[v[j]->unit] = true;
			in_start |= v[j]->early;
			lo_ts = t < lo_ts ? t : lo_ts;
			hi_ts = t > hi_ts ? t : hi_ts;
			lo_gt = g < lo_gt ? g : lo_gt;
			hi_gt = g > hi_gt ? g : hi_gt;
		}
		if (have != nunits || dup) {
			partial++;
			continue;
		}
		if (in_start) {
			early++;
			continue;
		}
		tmp[sets] = (double)(hi_ts - lo_ts) / 1000.0;
		tmp2[sets] = (double)(hi_gt - lo_gt) / 1000.0;
		sets++;
	}
	qsort(tmp, sets, sizeof(*tmp), cmp_dbl);
	qsort(tmp2, sets, sizeof(*tmp2), cmp_dbl);
	if (sets)
		printf("tsstat: %-5s cross-unit spread over %zu frame sets of %d units (%zu partial, "
		       "%zu in the first %.1f s): p50 %.1f us, p99 %.1f us, max %.1f us; ground "
		       "truth's own spread max %.1f us\n",
		       kinds[kind], sets, nunits, partial, early, skip_s, pct(tmp, sets, 50),
		       pct(tmp, sets, 99), tmp[sets - 1], tmp2[sets - 1]);
	else
		printf("tsstat: %-5s cross-unit spread: no complete frame set after the first %.1f s "
		       "(%zu partial, %zu in the first %.1f s)\n",
		       kinds[kind], skip_s, partial, early, skip_s);
	free(v);
	free(seen);
}

static void usage(void)
{
	fprintf(stderr, "usage: k4a-tsstat [--skip SECONDS] [--bound US] [FILE... | --capture DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "skip", required_argument, NULL, 's' },
		{ "bound", required_argument, NULL, 'b' },
		{ "capture", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double skip_s = 5, bound_us = 50, *a, *b;
	const char *capture = NULL;
	struct series *se;
	size_t i, nse = 0;
	int c, k;

	while ((c = getopt_long(argc, argv, "s:b:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			capture = optarg;
			break;
		case 's':
			skip_s = atof(optarg);
			break;
		case 'b':
			bound_us = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (capture) {
		if (optind != argc)
			usage();
		if (read_capture(capture, bound_us))
			return 1;
	} else if (optind == argc) {
		read_lines(stdin);
	} else {
		for (; optind < argc; optind++) {
			FILE *f = fopen(argv[optind], "re");

			if (!f) {
				fprintf(stderr, "k4a-tsstat: %s: %s\n", argv[optind], strerror(errno));
				return 1;
			}
			read_lines(f);
			fclose(f);
		}
	}
	if (!nfr) {
		printf("tsstat: no frames\n");
		return 1;
	}
	a = malloc((nfr + 1) * sizeof(*a));
	b = malloc((nfr + 1) * sizeof(*b));
	se = calloc((size_t)nunits * 2, sizeof(*se));
	if (!a || !b || !se) {
		perror("k4a-tsstat");
		return 1;
	}
	/* per unit and stream: first frame and the floors */
	for (k = 0; k < 2 * nunits; k++) {
		size_t n = 0, na = 0;

		se[k].unit = k / 2;
		se[k].kind = k % 2;
		se[k].first_gt = INT64_MAX;
		for (i = 0; i < nfr; i++) {
			if (fr[i].unit != k / 2 || fr[i].kind != k % 2)
				continue;
			if (fr[i].gt < se[k].first_gt)
				se[k].first_gt = fr[i].gt;
			a[n++] = (double)(fr[i].ts - fr[i].gt);
			if (fr[i].arr >= 0)
				b[na++] = (double)(fr[i].arr - fr[i].gt);
		}
		if (!n)
			continue;
		se[k].floor_ts = median_of(a, n);
		se[k].floor_arr = na ? median_of(b, na) : NAN;
		nse++;
	}
	printf("tsstat: %zu frames, %d units, %zu streams; frames of each stream's first %.1f s "
	       "left out of the steady state\n", nfr, nunits, nse, skip_s);
	for (c = 0; c < 2; c++) {
		size_t n = 0, na = 0, early = 0, early_out = 0, early_out_locked = 0;
		size_t claims = 0, claims_out = 0, lk = 0, lk_out = 0, lk_series = 0, never = 0;
		double fmin = INFINITY, fmax = -INFINITY, amin = INFINITY, amax = -INFINITY;
		double conv = 0, pa, pb, lock_from = 0;

		for (k = c; k < 2 * nunits; k += 2) {
			const struct series *s = &se[k];
			double last_out = -1, first_lock = -1;
			bool lock_known = false;

			if (s->first_gt == INT64_MAX)
				continue;
			fmin = fmin < s->floor_ts ? fmin : s->floor_ts;
			fmax = fmax > s->floor_ts ? fmax : s->floor_ts;
			if (!isnan(s->floor_arr)) {
				amin = amin < s->floor_arr ? amin : s->floor_arr;
				amax = amax > s->floor_arr ? amax : s->floor_arr;
			}
			for (i = 0; i < nfr; i++) {
				const struct frame *f = &fr[i];
				double e, t;

				if (f->unit != s->unit || f->kind != c)
					continue;
				e = fabs((double)(f->ts - f->gt) - s->floor_ts) / 1000.0;
				t = (double)(f->gt - s->first_gt) / 1e9;
				if (f->locked) {
					claims++;
					claims_out += e > bound_us;
				}
				if (f->lock >= 0)
					lock_known = true;
				if (f->lock > 0) {
					if (first_lock < 0 || t < first_lock)
						first_lock = t;
					if (f->err >= 0) {
						lk++;
						lk_out += e * 1000.0 > (double)f->err;
					}
				}
				if (t < skip_s) {
					fr[i].early = true;
					early++;
					if (e > bound_us) {
						early_out++;
						early_out_locked += f->locked;
						last_out = t > last_out ? t : last_out;
					}
					continue;
				}
				a[n++] = e;
				if (f->arr >= 0)
					b[na++] = fabs((double)(f->arr - f->gt) - s->floor_arr) /
						  1000.0;
			}
			conv = last_out > conv ? last_out : conv;
			if (lock_known) {
				lk_series++;
				if (first_lock < 0)
					never++;
				else if (first_lock > lock_from)
					lock_from = first_lock;
			}
		}
		if (!n && !early)
			continue;
		qsort(a, n, sizeof(*a), cmp_dbl);
		qsort(b, na, sizeof(*b), cmp_dbl);
		pa = pct(a, n, 99);
		pb = pct(b, na, 99);
		if (na)
			printf("tsstat: %-5s transport floor %.1f..%.1f us (timestamps), %.1f..%.1f us (arrival)\n",
			       kinds[c], fmin / 1000, fmax / 1000, amin / 1000, amax / 1000);
		else
			printf("tsstat: %-5s transport floor %.1f..%.1f us (timestamps)\n",
			       kinds[c], fmin / 1000, fmax / 1000);
		if (n && na)
			printf("tsstat: %-5s %zu frames, |error - floor|: timestamps p50 %.1f us, p99 %.1f us, "
			       "max %.1f us; arrival stamps p50 %.1f us, p99 %.1f us, max %.1f us; "
			       "p99 ratio %.0f\n", kinds[c], n, pct(a, n, 50), pa, a[n - 1],
			       pct(b, na, 50), pb, b[na - 1], pa > 0 ? pb / pa : INFINITY);
		else if (n)
			printf("tsstat: %-5s %zu frames, |error - floor|: timestamps p50 %.1f us, p99 %.1f us, "
			       "max %.1f us\n", kinds[c], n, pct(a, n, 50), pa, a[n - 1]);
		printf("tsstat: %-5s first %.1f s: %zu frames, %zu outside %.0f us (%zu of them with "
		       "a bound within it); within the bound from %.2f s after the first frame on\n",
		       kinds[c], skip_s, early, early_out, bound_us, early_out_locked,
		       early_out ? conv : 0.0);
		printf("tsstat: %-5s whole run: %zu frames said they were within %.0f us, %zu of them "
		       "were not\n", kinds[c], claims, bound_us, claims_out);
		if (lk_series)
			printf("tsstat: %-5s locked from %.2f s after the first frame on (%zu of %zu "
			       "streams never); %zu locked frames, %zu of them further off than "
			       "their own bound\n", kinds[c], lock_from, never, lk_series, lk, lk_out);
	}
	for (c = 0; c < 2; c++)
		if (nunits > 1)
			spread(c, skip_s, a, b);
	free(a);
	free(b);
	free(se);
	free(fr);
	free(units);
	return 0;
}
