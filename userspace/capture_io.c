// SPDX-License-Identifier: GPL-2.0
/*
 * capture_io.c - k4actl capture: the units' V4L2 nodes streamed with mmap
 * buffers, started in the rig's order (subordinates, then the master behind
 * its start_gate), every frame written to a file as it comes and renamed
 * once its frame set is complete (capture.c decides the sets).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/k4a.h>
#include <linux/videodev2.h>

#include "args.h"
#include "capture.h"
#include "cmd.h"
#include "k4a_plan.h"
#include "unit.h"

#define K4ACTL_CAP_MAXBUF	32
#define K4ACTL_CAP_META_RING	64
#define K4ACTL_CAP_COLOR_BUFS	8
#define K4ACTL_CAP_DEPTH_BUFS	4
#define K4ACTL_CAP_POLL_MS	50
/* The longest wait for the clocks to get within --clock-bound, seconds. */
#define K4ACTL_CAP_CLOCK_WAIT_S	10

struct k4actl_cap_dev {
	const char *what;
	const char *path;
	int fd;
	u32 type;
	unsigned int nbuf;
	void *map[K4ACTL_CAP_MAXBUF];
	size_t len[K4ACTL_CAP_MAXBUF];
	bool on;
	u64 last_ns;
};

struct k4actl_cap_meta {
	bool valid;
	struct k4a_meta_frame r;
};

struct k4actl_cap_unit {
	struct k4actl_unit *u;
	const char *serial;
	int role;
	int sub_us;
	int depth_us;
	struct k4actl_cap_dev nd[K4ACTL_N_COUNT];
	int dirfd;
	struct k4actl_cap_meta meta[K4ACTL_CAP_STREAMS][K4ACTL_CAP_META_RING];
};

struct k4actl_cap {
	const struct k4actl_args *a;
	unsigned int n;
	struct k4actl_cap_unit unit[K4ACTL_MAX_UNITS];
	struct k4actl_match m;
	FILE *csv;
	u64 written;
	s64 *spread;
	int err;		/* first failure of a write or rename (positive errno) */
	char err_what[K4ACTL_PATH_MAX + 64];
	int gate_unit;		/* unit whose start_gate is closed, or -1 */
	bool tty;
	unsigned int tenth;
};

static struct k4actl_cap k4actl_cap;
static volatile sig_atomic_t k4actl_cap_stop;

static void k4actl_cap_on_signal(int sig)
{
	(void)sig;
	k4actl_cap_stop = 1;
}

static u64 k4actl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static int k4actl_xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static void k4actl_cap_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void k4actl_cap_errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (k4actl_cap.tty)
		fputc('\n', stderr);
	fputs("k4actl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* A unit's sysfs attribute, read now; "" with the error in *err. */
static void k4actl_cap_read_attr(const struct k4actl_unit *u, const char *file, char *buf,
				 size_t len, int *err)
{
	char path[K4ACTL_PATH_MAX + 32];
	ssize_t r;
	int fd;

	buf[0] = '\0';
	*err = 0;
	snprintf(path, sizeof(path), "%s/%s", u->syspath, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return;
	}
	r = read(fd, buf, len - 1);
	if (r < 0) {
		*err = errno;
		r = 0;
	}
	buf[r] = '\0';
	while (r && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = '\0';
	close(fd);
}

static int k4actl_cap_write_attr(const struct k4actl_unit *u, const char *file, const char *val)
{
	char path[K4ACTL_PATH_MAX + 32], buf[64];
	int fd, ret = 0;
	ssize_t len = snprintf(buf, sizeof(buf), "%s\n", val);

	snprintf(path, sizeof(path), "%s/%s", u->syspath, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

static const char *k4actl_cap_sync_state(const struct k4actl_cap_unit *cu, char *buf,
					 size_t len)
{
	int err;

	k4actl_cap_read_attr(cu->u, "sync_state", buf, len, &err);
	if (err)
		snprintf(buf, len, "? (%s)", strerror(err));
	return buf;
}

static const char *const k4actl_cap_node_what[K4ACTL_N_COUNT] = {
	[K4ACTL_N_VIDEO_COLOR] = "colour",
	[K4ACTL_N_META_COLOR] = "colour metadata",
	[K4ACTL_N_VIDEO_DEPTH] = "depth",
	[K4ACTL_N_META_DEPTH] = "depth metadata",
};

static bool k4actl_cap_node_used(unsigned int id)
{
	return id == K4ACTL_N_VIDEO_COLOR || id == K4ACTL_N_META_COLOR ||
	       k4actl_cap.a->depth_mode;
}

/* Set a node's format and rate and check the driver took them; exit status. */
static int k4actl_cap_format(struct k4actl_cap_unit *cu, struct k4actl_cap_dev *nd, u32 fourcc,
			     u32 w, u32 h)
{
	struct v4l2_streamparm p;
	struct v4l2_format f;

	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (k4actl_xioctl(nd->fd, VIDIOC_G_FMT, &f))
		goto fail;
	f.fmt.pix.pixelformat = fourcc;
	if (w) {
		f.fmt.pix.width = w;
		f.fmt.pix.height = h;
	}
	f.fmt.pix.field = V4L2_FIELD_NONE;
	if (k4actl_xioctl(nd->fd, VIDIOC_S_FMT, &f))
		goto fail;
	if (f.fmt.pix.pixelformat != fourcc || (w && (f.fmt.pix.width != w ||
						      f.fmt.pix.height != h))) {
		k4actl_cap_errmsg("%s (%s): the %s node %s does not offer %.4s%s: it chose "
				  "%.4s %ux%u\n", cu->u->name, cu->serial, nd->what, nd->path,
				  (const char *)&fourcc, w ? " at that size" : "",
				  (const char *)&f.fmt.pix.pixelformat, f.fmt.pix.width,
				  f.fmt.pix.height);
		return K4ACTL_EXIT_FAIL;
	}
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	p.parm.capture.timeperframe.numerator = 1;
	p.parm.capture.timeperframe.denominator = k4actl_cap.a->fps;
	if (k4actl_xioctl(nd->fd, VIDIOC_S_PARM, &p))
		goto fail;
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (k4actl_xioctl(nd->fd, VIDIOC_G_PARM, &p))
		goto fail;
	if (p.parm.capture.timeperframe.numerator != 1 ||
	    p.parm.capture.timeperframe.denominator != k4actl_cap.a->fps) {
		k4actl_cap_errmsg("%s (%s): the %s node %s runs at %u/%u s per frame, not at %u "
				  "fps\n", cu->u->name, cu->serial, nd->what, nd->path,
				  p.parm.capture.timeperframe.numerator,
				  p.parm.capture.timeperframe.denominator, k4actl_cap.a->fps);
		return K4ACTL_EXIT_FAIL;
	}
	return K4ACTL_EXIT_OK;
fail:
	k4actl_cap_errmsg("%s (%s): cannot set the format of the %s node %s: %s\n", cu->u->name,
			  cu->serial, nd->what, nd->path, strerror(errno));
	if (errno == EBUSY)
		fprintf(stderr, "Another application uses the unit (see 'fuser -v %s').\n",
			nd->path);
	return K4ACTL_EXIT_FAIL;
}

/* Open a node, allocate, map and queue its buffers; exit status. */
static int k4actl_cap_node_setup(struct k4actl_cap_unit *cu, unsigned int id, unsigned int nbuf)
{
	struct k4actl_cap_dev *nd = &cu->nd[id];
	struct v4l2_requestbuffers rb;
	unsigned int i;

	nd->what = k4actl_cap_node_what[id];
	nd->path = cu->u->node[id];
	if (!nd->path[0]) {
		k4actl_cap_errmsg("%s (%s) has no %s node\n", cu->u->name, cu->serial, nd->what);
		return K4ACTL_EXIT_RIG;
	}
	nd->type = id == K4ACTL_N_META_COLOR || id == K4ACTL_N_META_DEPTH ?
		   V4L2_BUF_TYPE_META_CAPTURE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
	nd->fd = open(nd->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (nd->fd < 0) {
		k4actl_cap_errmsg("%s (%s): cannot open the %s node %s: %s\n", cu->u->name,
				  cu->serial, nd->what, nd->path, strerror(errno));
		if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "Run k4actl as root or as a member of the video group.\n");
		return K4ACTL_EXIT_FAIL;
	}
	if (id == K4ACTL_N_VIDEO_COLOR) {
		const struct k4actl_cap_color *c = &k4actl_cap.a->color;
		int ret = k4actl_cap_format(cu, nd, k4actl_cap_color_fourcc(c->fmt), c->width,
					    c->height);

		if (ret)
			return ret;
	} else if (id == K4ACTL_N_VIDEO_DEPTH) {
		int ret = k4actl_cap_format(cu, nd,
					    k4actl_cap_depth_fourcc(k4actl_cap.a->depth_mode), 0, 0);

		if (ret)
			return ret;
	}
	memset(&rb, 0, sizeof(rb));
	rb.count = nbuf;
	rb.type = nd->type;
	rb.memory = V4L2_MEMORY_MMAP;
	if (k4actl_xioctl(nd->fd, VIDIOC_REQBUFS, &rb) || !rb.count) {
		k4actl_cap_errmsg("%s (%s): cannot allocate buffers on the %s node %s: %s\n",
				  cu->u->name, cu->serial, nd->what, nd->path,
				  rb.count ? strerror(errno) : "none given");
		return K4ACTL_EXIT_FAIL;
	}
	nd->nbuf = rb.count < K4ACTL_CAP_MAXBUF ? rb.count : K4ACTL_CAP_MAXBUF;
	for (i = 0; i < nd->nbuf; i++) {
		struct v4l2_buffer b;

		memset(&b, 0, sizeof(b));
		b.type = nd->type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (k4actl_xioctl(nd->fd, VIDIOC_QUERYBUF, &b))
			goto fail;
		nd->map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, nd->fd, b.m.offset);
		if (nd->map[i] == MAP_FAILED) {
			nd->map[i] = NULL;
			goto fail;
		}
		nd->len[i] = b.length;
		if (k4actl_xioctl(nd->fd, VIDIOC_QBUF, &b))
			goto fail;
	}
	return K4ACTL_EXIT_OK;
fail:
	k4actl_cap_errmsg("%s (%s): cannot map or queue the buffers of the %s node %s: %s\n",
			  cu->u->name, cu->serial, nd->what, nd->path, strerror(errno));
	return K4ACTL_EXIT_FAIL;
}

static void k4actl_cap_node_close(struct k4actl_cap_dev *nd)
{
	unsigned int i;

	if (nd->fd < 0)
		return;
	if (nd->on)
		k4actl_xioctl(nd->fd, VIDIOC_STREAMOFF, &nd->type);
	nd->on = false;
	for (i = 0; i < nd->nbuf; i++)
		if (nd->map[i])
			munmap(nd->map[i], nd->len[i]);
	close(nd->fd);
	nd->fd = -1;
}

/* STREAMON a unit's nodes: metadata first, then the images; exit status. */
static int k4actl_cap_unit_start(struct k4actl_cap_unit *cu, bool color_first)
{
	static const unsigned int order[2][K4ACTL_N_COUNT] = {
		{ K4ACTL_N_META_COLOR, K4ACTL_N_META_DEPTH, K4ACTL_N_VIDEO_DEPTH,
		  K4ACTL_N_VIDEO_COLOR },
		{ K4ACTL_N_META_COLOR, K4ACTL_N_META_DEPTH, K4ACTL_N_VIDEO_COLOR,
		  K4ACTL_N_VIDEO_DEPTH },
	};
	char jack[32];
	unsigned int i;
	int err;

	for (i = 0; i < K4ACTL_N_COUNT; i++) {
		struct k4actl_cap_dev *nd = &cu->nd[order[color_first][i]];

		if (!k4actl_cap_node_used(order[color_first][i]))
			continue;
		if (!k4actl_xioctl(nd->fd, VIDIOC_STREAMON, &nd->type)) {
			nd->on = true;
			continue;
		}
		err = errno;
		k4actl_cap_errmsg("%s (%s): cannot start the %s node %s: %s\n", cu->u->name,
				  cu->serial, nd->what, nd->path, strerror(err));
		if (err != EINVAL)
			return K4ACTL_EXIT_FAIL;
		/* The start checks refused the sync configuration against the cables. */
		k4actl_cap_read_attr(cu->u, cu->role == K4A_SYNC_MASTER ? "sync_out_jack" :
				     "sync_in_jack", jack, sizeof(jack), &err);
		if (cu->role == K4A_SYNC_SUBORDINATE)
			fprintf(stderr, "It is a subordinate and its Sync In jack reads \"%s\": "
				"check the sync cable into it, then 'k4actl topology'.\n", jack);
		else if (cu->role == K4A_SYNC_MASTER)
			fprintf(stderr, "It is the master and its Sync Out jack reads \"%s\" (a "
				"master needs Sync Out connected and Sync In free): check its "
				"cables, then 'k4actl topology'.\n", jack);
		else
			fprintf(stderr, "The driver refused its settings (see 'dmesg').\n");
		return K4ACTL_EXIT_RIG;
	}
	return K4ACTL_EXIT_OK;
}

static void k4actl_cap_tmp_name(char *buf, size_t len, unsigned int stream, u32 seq)
{
	snprintf(buf, len, ".%s-%u.part", stream == K4ACTL_CAP_COLOR ? "color" : "depth", seq);
}

static void k4actl_cap_fail(int err, const struct k4actl_cap_unit *cu, const char *what,
			    const char *name)
{
	if (k4actl_cap.err)
		return;
	k4actl_cap.err = err;
	snprintf(k4actl_cap.err_what, sizeof(k4actl_cap.err_what), "%s %s/%s/%s", what,
		 k4actl_cap.a->out, cu->serial, name);
}

/* The frames of a set that is not written, or of no set, are removed. */
static void k4actl_cap_unlink(const struct k4actl_cap_frame *f)
{
	struct k4actl_cap_unit *cu = &k4actl_cap.unit[f->unit];
	char tmp[64];

	k4actl_cap_tmp_name(tmp, sizeof(tmp), f->stream, f->seq);
	if (unlinkat(cu->dirfd, tmp, 0) && errno != ENOENT)
		k4actl_cap_fail(errno, cu, "cannot remove", tmp);
}

static void k4actl_cap_frame_drop(void *ctx, const struct k4actl_cap_frame *f)
{
	(void)ctx;
	k4actl_cap_unlink(f);
}

/* Collect the metadata records that are ready. */
static void k4actl_cap_meta_drain(struct k4actl_cap_unit *cu, unsigned int id)
{
	struct k4actl_cap_dev *nd = &cu->nd[id];
	unsigned int stream = id == K4ACTL_N_META_COLOR ? K4ACTL_CAP_COLOR : K4ACTL_CAP_DEPTH;

	if (nd->fd < 0 || !nd->on)
		return;
	for (;;) {
		struct k4actl_cap_meta *slot;
		struct k4a_meta_frame r;
		struct v4l2_buffer b;

		memset(&b, 0, sizeof(b));
		b.type = nd->type;
		b.memory = V4L2_MEMORY_MMAP;
		if (k4actl_xioctl(nd->fd, VIDIOC_DQBUF, &b) || b.index >= nd->nbuf)
			return;
		memset(&r, 0, sizeof(r));
		memcpy(&r, nd->map[b.index], b.bytesused < sizeof(r) ? b.bytesused : sizeof(r));
		if (!(b.flags & V4L2_BUF_FLAG_ERROR) && r.version == K4A_META_VERSION) {
			slot = &cu->meta[stream][r.sequence % K4ACTL_CAP_META_RING];
			slot->valid = true;
			slot->r = r;
		}
		k4actl_xioctl(nd->fd, VIDIOC_QBUF, &b);
	}
}

static void k4actl_cap_cell(struct k4actl_cap_unit *cu, const struct k4actl_cap_set *s,
			    unsigned int u, unsigned int k, struct k4actl_cap_cell *c)
{
	const struct k4actl_cap_meta *meta;

	memset(c, 0, sizeof(*c));
	if (!s->have[u][k])
		return;
	c->have = true;
	c->seq = s->f[u][k].seq;
	c->ts_ns = s->f[u][k].ts_ns;
	meta = &cu->meta[k][c->seq % K4ACTL_CAP_META_RING];
	if (meta->valid && meta->r.sequence == c->seq) {
		c->have_meta = true;
		c->ticks = meta->r.device_ticks;
		c->arrival_ns = meta->r.arrival_ns;
		c->clock_err_ns = meta->r.clock_error_ns;
	}
}

static void k4actl_cap_set_done(void *ctx, const struct k4actl_cap_set *s, bool complete)
{
	static struct k4actl_cap_cell cell[K4ACTL_MAX_UNITS][K4ACTL_CAP_STREAMS];
	struct k4actl_cap *cap = ctx;
	unsigned int u, k;

	if (!complete || cap->written >= cap->a->frames || cap->err) {
		for (u = 0; u < cap->n; u++)
			for (k = 0; k < K4ACTL_CAP_STREAMS; k++)
				if (s->have[u][k])
					k4actl_cap_unlink(&s->f[u][k]);
		return;
	}
	for (u = 0; u < cap->n; u++) {
		struct k4actl_cap_unit *cu = &cap->unit[u];

		k4actl_cap_meta_drain(cu, K4ACTL_N_META_COLOR);
		k4actl_cap_meta_drain(cu, K4ACTL_N_META_DEPTH);
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++) {
			char tmp[64], name[64];

			k4actl_cap_cell(cu, s, u, k, &cell[u][k]);
			if (!s->have[u][k])
				continue;
			k4actl_cap_tmp_name(tmp, sizeof(tmp), k, s->f[u][k].seq);
			if (k == K4ACTL_CAP_COLOR)
				snprintf(name, sizeof(name), "color-%06llu.%s",
					 (unsigned long long)cap->written,
					 k4actl_cap_color_ext(cap->a->color.fmt));
			else
				snprintf(name, sizeof(name), "depth-%06llu.raw",
					 (unsigned long long)cap->written);
			if (renameat(cu->dirfd, tmp, cu->dirfd, name))
				k4actl_cap_fail(errno, cu, "cannot rename to", name);
		}
	}
	k4actl_cap_csv_row(cap->csv, cap->written, cell, cap->n, cap->a->depth_mode != 0);
	cap->spread[cap->written] = k4actl_set_spread_ns(&cap->m, s);
	cap->written++;
}

/* Write one dequeued image to its file and hand it to the grouping. */
static void k4actl_cap_image(unsigned int u, unsigned int id, const struct v4l2_buffer *b)
{
	struct k4actl_cap_unit *cu = &k4actl_cap.unit[u];
	struct k4actl_cap_dev *nd = &cu->nd[id];
	unsigned int stream = id == K4ACTL_N_VIDEO_COLOR ? K4ACTL_CAP_COLOR : K4ACTL_CAP_DEPTH;
	const char *p = nd->map[b->index];
	struct k4actl_cap_frame f;
	size_t left = b->bytesused;
	char tmp[64];
	int fd;

	k4actl_cap_tmp_name(tmp, sizeof(tmp), stream, b->sequence);
	fd = openat(cu->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		k4actl_cap_fail(errno, cu, "cannot create", tmp);
		return;
	}
	while (left) {
		ssize_t r = write(fd, p, left);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			k4actl_cap_fail(r < 0 ? errno : ENOSPC, cu, "cannot write", tmp);
			close(fd);
			return;
		}
		p += r;
		left -= (size_t)r;
	}
	if (close(fd)) {
		k4actl_cap_fail(errno, cu, "cannot write", tmp);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.unit = u;
	f.stream = stream;
	f.seq = b->sequence;
	f.ts_ns = (s64)b->timestamp.tv_sec * 1000000000 + (s64)b->timestamp.tv_usec * 1000;
	k4actl_match_add(&k4actl_cap.m, &f);
}

/*
 * Dequeue one frame of a video node, write it and queue its buffer again;
 * one per node and poll round, so that a node whose frames take longer to
 * write than to come does not starve the others. 0, or the errno of DQBUF.
 */
static int k4actl_cap_video_one(unsigned int u, unsigned int id)
{
	struct k4actl_cap_dev *nd = &k4actl_cap.unit[u].nd[id];
	struct v4l2_buffer b;

	if (k4actl_cap.written >= k4actl_cap.a->frames || k4actl_cap.err)
		return 0;
	memset(&b, 0, sizeof(b));
	b.type = nd->type;
	b.memory = V4L2_MEMORY_MMAP;
	if (k4actl_xioctl(nd->fd, VIDIOC_DQBUF, &b))
		return errno == EAGAIN ? 0 : errno;
	if (b.index >= nd->nbuf)
		return EPROTO;
	nd->last_ns = k4actl_now_ns();
	if (!(b.flags & V4L2_BUF_FLAG_ERROR))
		k4actl_cap_image(u, id, &b);
	if (k4actl_xioctl(nd->fd, VIDIOC_QBUF, &b))
		return errno;
	return 0;
}

static void k4actl_cap_progress_show(bool last)
{
	struct k4actl_cap *cap = &k4actl_cap;
	u64 total = cap->a->frames;
	unsigned int tenth = (unsigned int)(cap->written * 10 / total);
	char line[160];

	k4actl_cap_progress(line, sizeof(line), cap->written, total, cap->n,
			    cap->m.incomplete, k4actl_match_gaps(&cap->m));
	if (cap->tty) {
		fprintf(stderr, "\r%s%s", line, last ? "\n" : "");
	} else if (last || tenth > cap->tenth) {
		fprintf(stderr, "%s\n", line);
		cap->tenth = tenth;
	}
}

/*
 * Every unit delivers in step (sync_state streaming or locked), its clock
 * estimator is locked (timestamps mapped from device time) and every
 * stream came.
 */
static bool k4actl_cap_in_step(void)
{
	unsigned int u, k;
	char st[64];
	int err;

	for (u = 0; u < k4actl_cap.n; u++) {
		k4actl_cap_sync_state(&k4actl_cap.unit[u], st, sizeof(st));
		if (strcmp(st, K4A_SYNC_STATE_WORD_STREAMING) &&
		    strcmp(st, K4A_SYNC_STATE_WORD_LOCKED))
			return false;
		k4actl_cap_read_attr(k4actl_cap.unit[u].u, "clock/locked", st, sizeof(st), &err);
		if (err || strcmp(st, "1"))
			return false;
		for (k = 0; k < K4ACTL_CAP_STREAMS; k++)
			if ((k == K4ACTL_CAP_COLOR || k4actl_cap.a->depth_mode) &&
			    !k4actl_cap.m.node[u][k].started)
				return false;
	}
	return true;
}

/*
 * Whether every unit's clock error bound (clock/error_ns) is within
 * --clock-bound; with @say, name the units that are not (the capture starts
 * without them having got there).
 */
static bool k4actl_cap_clocks_ok(bool say)
{
	u64 bound_ns = (u64)k4actl_cap.a->clock_bound_us * 1000;
	bool ok = true;
	unsigned int u;
	char st[64];
	int err;

	if (!bound_ns)
		return true;
	for (u = 0; u < k4actl_cap.n; u++) {
		const struct k4actl_cap_unit *cu = &k4actl_cap.unit[u];
		unsigned long long e = 0;
		char *end = NULL;

		k4actl_cap_read_attr(cu->u, "clock/error_ns", st, sizeof(st), &err);
		if (!err)
			e = strtoull(st, &end, 10);
		if (!err && end != st && !*end && e <= bound_ns)
			continue;
		ok = false;
		if (!say)
			return false;
		if (err)
			k4actl_cap_errmsg("%s (%s): no clock error bound (%s) after %d s; "
					  "recording anyway\n", cu->u->name, cu->serial,
					  strerror(err), K4ACTL_CAP_CLOCK_WAIT_S);
		else
			k4actl_cap_errmsg("%s (%s): clock error bound still %.0f us (wanted %u us) "
					  "after %d s; recording anyway: frames.csv holds each "
					  "frame's bound\n", cu->u->name, cu->serial, e / 1000.0,
					  k4actl_cap.a->clock_bound_us, K4ACTL_CAP_CLOCK_WAIT_S);
	}
	return ok;
}

static void k4actl_cap_hint(const struct k4actl_cap_unit *cu)
{
	if (cu->role == K4A_SYNC_SUBORDINATE)
		fprintf(stderr, "A subordinate makes frames on its master's pulses: check the "
			"cable into its Sync In, that the unit feeding it is on the chain, and that "
			"the master streams colour ('k4actl topology').\n");
	else if (cu->role == K4A_SYNC_MASTER)
		fprintf(stderr, "The master's colour stream makes the pulses: check its USB "
			"connection and 'dmesg'.\n");
	else
		fprintf(stderr, "Check the unit's USB connection and 'dmesg'.\n");
}

/* capture --timeout in nanoseconds. */
static u64 k4actl_cap_timeout_ns(void)
{
	return (u64)(k4actl_cap.a->timeout * 1e9);
}

/* Name the units that are not in step (or, with @since, silent since then). */
static void k4actl_cap_blame(u64 since, double timeout)
{
	unsigned int u, id;
	char st[64];

	for (u = 0; u < k4actl_cap.n; u++) {
		struct k4actl_cap_unit *cu = &k4actl_cap.unit[u];
		bool bad = false;

		k4actl_cap_sync_state(cu, st, sizeof(st));
		if (!since && strcmp(st, K4A_SYNC_STATE_WORD_STREAMING) &&
		    strcmp(st, K4A_SYNC_STATE_WORD_LOCKED))
			bad = true;
		for (id = K4ACTL_N_VIDEO_COLOR; id <= K4ACTL_N_VIDEO_DEPTH; id += 2) {
			if (!k4actl_cap_node_used(id))
				continue;
			if (cu->nd[id].last_ns <= since)
				bad = true;
		}
		if (!bad)
			continue;
		k4actl_cap_errmsg("%s (%s, %s) %s within %g s (sync_state %s)\n", cu->u->name,
				  cu->serial, k4a_sync_mode_name(cu->role),
				  since ? "delivered no frames" : "did not deliver frames in step",
				  timeout, st);
		k4actl_cap_hint(cu);
	}
}

/*
 * Wait until a unit's sync_state reads @word (or, for a subordinate that an
 * external source already feeds, "locked"); exit status.
 */
static int k4actl_cap_wait_state(struct k4actl_cap_unit *cu, const char *word, u64 deadline)
{
	char st[64];

	for (;;) {
		k4actl_cap_sync_state(cu, st, sizeof(st));
		if (!strcmp(st, word) || (cu->role == K4A_SYNC_SUBORDINATE &&
					  !strcmp(st, K4A_SYNC_STATE_WORD_LOCKED)))
			return K4ACTL_EXIT_OK;
		if (k4actl_cap_stop)
			return K4ACTL_EXIT_FAIL;
		if (k4actl_now_ns() > deadline) {
			k4actl_cap_errmsg("%s (%s, %s) is not %s after %g s (sync_state %s)\n",
					  cu->u->name, cu->serial, k4a_sync_mode_name(cu->role),
					  word, k4actl_cap.a->timeout, st);
			k4actl_cap_hint(cu);
			return K4ACTL_EXIT_RIG;
		}
		usleep(K4ACTL_CAP_POLL_MS * 1000);
	}
}

/* Start the units: subordinates, then the master behind its closed gate. */
static int k4actl_cap_start(void)
{
	struct k4actl_cap *cap = &k4actl_cap;
	u64 deadline = k4actl_now_ns() + k4actl_cap_timeout_ns();
	int master = -1, ret;
	unsigned int u;

	for (u = 0; u < cap->n; u++)
		if (cap->unit[u].role == K4A_SYNC_MASTER)
			master = (int)u;
	if (master >= 0) {
		ret = k4actl_cap_write_attr(cap->unit[master].u, "start_gate",
					    K4A_GATE_WORD_CLOSED);
		if (ret) {
			k4actl_cap_errmsg("cannot close the start_gate of %s: %s\n",
					  cap->unit[master].u->name, strerror(-ret));
			if (ret == -EACCES || ret == -EPERM)
				k4actl_access_hint(cap->unit[master].u, K4ACTL_A_COUNT);
			return K4ACTL_EXIT_FAIL;
		}
		cap->gate_unit = master;
	}
	for (u = 0; u < cap->n; u++) {
		if ((int)u == master)
			continue;
		ret = k4actl_cap_unit_start(&cap->unit[u], false);
		if (ret)
			return ret;
	}
	for (u = 0; u < cap->n; u++) {
		if (cap->unit[u].role != K4A_SYNC_SUBORDINATE)
			continue;
		ret = k4actl_cap_wait_state(&cap->unit[u], K4A_SYNC_STATE_WORD_ARMED, deadline);
		if (ret)
			return ret;
	}
	if (master < 0)
		return K4ACTL_EXIT_OK;
	ret = k4actl_cap_unit_start(&cap->unit[master], true);
	if (!ret)
		ret = k4actl_cap_wait_state(&cap->unit[master], K4A_SYNC_STATE_WORD_ARMED,
					    deadline);
	if (ret)
		return ret;
	ret = k4actl_cap_write_attr(cap->unit[master].u, "start_gate", K4A_GATE_WORD_OPEN);
	cap->gate_unit = -1;
	if (ret) {
		k4actl_cap_errmsg("opening the start_gate of %s (%s) failed: %s (see 'dmesg')\n",
				  cap->unit[master].u->name, cap->unit[master].serial,
				  strerror(-ret));
		return K4ACTL_EXIT_FAIL;
	}
	return K4ACTL_EXIT_OK;
}

/* Stream until the sets are written, a failure, a stall or a signal. */
static int k4actl_cap_loop(void)
{
	struct k4actl_cap *cap = &k4actl_cap;
	struct pollfd pfd[K4ACTL_MAX_UNITS * K4ACTL_N_COUNT];
	unsigned int who[K4ACTL_MAX_UNITS * K4ACTL_N_COUNT][2];
	u64 timeout_ns = k4actl_cap_timeout_ns();
	u64 t0 = k4actl_now_ns(), last_set = t0, last_check = 0, shown = ~0ull, in_step = 0;
	u64 settled = 0, settle_ns = (u64)(cap->a->settle * 1e9);
	unsigned int u, id, npfd = 0, i;

	for (u = 0; u < cap->n; u++) {
		for (id = 0; id < K4ACTL_N_COUNT; id++) {
			if (!k4actl_cap_node_used(id))
				continue;
			pfd[npfd].fd = cap->unit[u].nd[id].fd;
			pfd[npfd].events = POLLIN;
			who[npfd][0] = u;
			who[npfd][1] = id;
			npfd++;
		}
	}
	while (cap->written < cap->a->frames && !k4actl_cap_stop) {
		u64 now;
		int r = poll(pfd, npfd, K4ACTL_CAP_POLL_MS);

		if (r < 0 && errno != EINTR) {
			k4actl_cap_errmsg("poll: %s\n", strerror(errno));
			return K4ACTL_EXIT_FAIL;
		}
		for (i = 0; r > 0 && i < npfd; i++) {
			struct k4actl_cap_unit *cu = &cap->unit[who[i][0]];
			int err;

			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			id = who[i][1];
			if (id == K4ACTL_N_META_COLOR || id == K4ACTL_N_META_DEPTH) {
				k4actl_cap_meta_drain(cu, id);
				continue;
			}
			err = k4actl_cap_video_one(who[i][0], id);
			if (err) {
				k4actl_cap_errmsg("%s (%s): the %s node %s failed: %s\n",
						  cu->u->name, cu->serial, cu->nd[id].what,
						  cu->nd[id].path, strerror(err));
				fprintf(stderr, "Check the camera's USB connection and 'dmesg'.\n");
				return K4ACTL_EXIT_FAIL;
			}
		}
		if (cap->err)
			return K4ACTL_EXIT_FAIL;
		now = k4actl_now_ns();
		if (cap->written != shown) {
			shown = cap->written;
			last_set = now;
			k4actl_cap_progress_show(false);
		}
		/*
		 * Sets count once every unit delivers in step and, from then
		 * on, once every clock is within --clock-bound (at most
		 * K4ACTL_CAP_CLOCK_WAIT_S later: then anyway, saying which
		 * is not), and --settle seconds after that.
		 */
		if (!cap->m.ready && now - last_check >= K4ACTL_CAP_POLL_MS * 1000000ull) {
			last_check = now;
			if (!in_step && k4actl_cap_in_step())
				in_step = now;
			if (!in_step && now - t0 > timeout_ns) {
				k4actl_cap_blame(0, cap->a->timeout);
				return K4ACTL_EXIT_RIG;
			}
			if (!settled && in_step && k4actl_cap_clocks_ok(false)) {
				settled = now;
			} else if (!settled && in_step && now - in_step >
				   K4ACTL_CAP_CLOCK_WAIT_S * 1000000000ull) {
				k4actl_cap_clocks_ok(true);
				settled = now;
			}
			if (settled && now - settled >= settle_ns) {
				cap->m.ready = true;
				last_set = now;
			}
		}
		if (cap->m.ready && now - last_set > timeout_ns) {
			k4actl_cap_errmsg("no frame set completed for %g s\n", cap->a->timeout);
			k4actl_cap_blame(now - timeout_ns, cap->a->timeout);
			return K4ACTL_EXIT_RIG;
		}
	}
	return K4ACTL_EXIT_OK;
}

/* DIR created if missing (with its parents), refused if not empty. */
static int k4actl_cap_outdir(const char *dir, bool force)
{
	char path[K4ACTL_PATH_MAX];
	struct dirent *de;
	size_t i, len = strlen(dir);
	DIR *d;

	if (len >= sizeof(path)) {
		k4actl_cap_errmsg("output directory name too long\n");
		return K4ACTL_EXIT_USAGE;
	}
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i])
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			k4actl_cap_errmsg("cannot create %s: %s\n", path, strerror(errno));
			return K4ACTL_EXIT_FAIL;
		}
		path[i] = dir[i];
	}
	d = opendir(dir);
	if (!d) {
		k4actl_cap_errmsg("cannot open %s: %s\n", dir, strerror(errno));
		return K4ACTL_EXIT_FAIL;
	}
	while (!force && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			k4actl_cap_errmsg("%s is not empty: choose another directory, or add "
					  "--force to write into it\n", dir);
			return K4ACTL_EXIT_USAGE;
		}
	}
	closedir(d);
	return K4ACTL_EXIT_OK;
}

static int k4actl_cap_files(void)
{
	struct k4actl_cap *cap = &k4actl_cap;
	struct k4actl_cap_unit_info info[K4ACTL_MAX_UNITS];
	const char *serials[K4ACTL_MAX_UNITS];
	char path[K4ACTL_PATH_MAX + 32];
	unsigned int u;
	FILE *f;
	int ret = k4actl_cap_outdir(cap->a->out, cap->a->force);

	if (ret)
		return ret;
	for (u = 0; u < cap->n; u++) {
		struct k4actl_cap_unit *cu = &cap->unit[u];

		snprintf(path, sizeof(path), "%s/%s", cap->a->out, cu->serial);
		if (mkdir(path, 0755) && errno != EEXIST)
			goto fail;
		cu->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cu->dirfd < 0)
			goto fail;
		serials[u] = cu->serial;
		info[u].name = cu->u->name;
		info[u].serial = cu->serial;
		info[u].role = k4a_sync_mode_name(cu->role);
		info[u].sub_delay_us = cu->sub_us;
		info[u].depth_delay_us = cu->depth_us;
	}
	snprintf(path, sizeof(path), "%s/units.csv", cap->a->out);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	k4actl_cap_units_csv(f, info, cap->n, &cap->a->color, cap->a->fps, cap->a->depth_mode);
	if (fclose(f))
		goto fail;
	snprintf(path, sizeof(path), "%s/frames.csv", cap->a->out);
	cap->csv = fopen(path, "w");
	if (!cap->csv)
		goto fail;
	k4actl_cap_csv_header(cap->csv, serials, cap->n, cap->a->depth_mode != 0);
	return K4ACTL_EXIT_OK;
fail:
	k4actl_cap_errmsg("cannot create %s: %s\n", path, strerror(errno));
	return K4ACTL_EXIT_FAIL;
}

static void k4actl_cap_summary(bool interrupted)
{
	struct k4actl_cap *cap = &k4actl_cap;
	struct k4actl_spread st;
	unsigned int u;

	k4actl_spread_stats(cap->spread, cap->written, &st);
	printf("capture: %s%llu of %llu sets written to %s, %llu incomplete, %llu unmatched "
	       "frames, %llu sets skipped at the start; gaps",
	       interrupted ? "interrupted, " : "", (unsigned long long)cap->written,
	       (unsigned long long)cap->a->frames, cap->a->out,
	       (unsigned long long)cap->m.incomplete, (unsigned long long)cap->m.unmatched,
	       (unsigned long long)cap->m.startup);
	for (u = 0; u < cap->n; u++) {
		const struct k4actl_cap_node *nd = cap->m.node[u];

		printf("%s %s color %llu", u ? "," : "", cap->unit[u].serial,
		       (unsigned long long)nd[K4ACTL_CAP_COLOR].gaps);
		if (cap->a->depth_mode)
			printf(" depth %llu", (unsigned long long)nd[K4ACTL_CAP_DEPTH].gaps);
	}
	printf("; driver drops");
	for (u = 0; u < cap->n; u++) {
		char drop[32];
		int err;

		k4actl_cap_read_attr(cap->unit[u].u, "health/color_dropped", drop, sizeof(drop),
				     &err);
		printf("%s %s color %s", u ? "," : "", cap->unit[u].serial,
		       err || !drop[0] ? "?" : drop);
		if (!cap->a->depth_mode)
			continue;
		k4actl_cap_read_attr(cap->unit[u].u, "health/depth_dropped", drop, sizeof(drop),
				     &err);
		printf(" depth %s", err || !drop[0] ? "?" : drop);
	}
	putchar(';');
	printf(" spread p50 %.1f us, p99 %.1f us, max %.1f us\n", st.p50_ns / 1000.0,
	       st.p99_ns / 1000.0, st.max_ns / 1000.0);
}

static void k4actl_cap_teardown(void)
{
	struct k4actl_cap *cap = &k4actl_cap;
	unsigned int u, id;

	for (u = 0; u < cap->n; u++)
		for (id = 0; id < K4ACTL_N_COUNT; id++)
			k4actl_cap_node_close(&cap->unit[u].nd[id]);
	if (cap->gate_unit >= 0) {
		int ret = k4actl_cap_write_attr(cap->unit[cap->gate_unit].u, "start_gate",
						K4A_GATE_WORD_OPEN);

		if (ret)
			k4actl_cap_errmsg("cannot open the start_gate of %s again: %s\n",
					  cap->unit[cap->gate_unit].u->name, strerror(-ret));
		cap->gate_unit = -1;
	}
}

/**
 * k4actl_capture_run() - 'k4actl capture': record frame sets
 * @a: the command line
 * @units: the units to record, in chain order (the master first), read
 *         after any planning
 * @n: how many
 *
 * Return: the exit status.
 */
int k4actl_capture_run(const struct k4actl_args *a, struct k4actl_unit *const *units,
		       unsigned int n)
{
	struct k4actl_cap *cap = &k4actl_cap;
	struct sigaction sa;
	unsigned int u, id;
	int ret;

	memset(cap, 0, sizeof(*cap));
	cap->a = a;
	cap->n = n;
	cap->gate_unit = -1;
	cap->tty = isatty(STDERR_FILENO);
	for (u = 0; u < n; u++) {
		struct k4actl_cap_unit *cu = &cap->unit[u];
		const struct k4actl_value *v = units[u]->attr;

		cu->u = units[u];
		cu->dirfd = -1;
		for (id = 0; id < K4ACTL_N_COUNT; id++)
			cu->nd[id].fd = -1;
		cu->serial = v[K4ACTL_A_SERIAL].text;
		cu->role = k4a_sync_mode_from_name(v[K4ACTL_A_SYNC_MODE].text);
		cu->sub_us = atoi(v[K4ACTL_A_SUB_DELAY].text);
		cu->depth_us = atoi(v[K4ACTL_A_DEPTH_DELAY].text);
		if (v[K4ACTL_A_SERIAL].err || !cu->serial[0] || v[K4ACTL_A_SYNC_MODE].err ||
		    cu->role < 0 || v[K4ACTL_A_SUB_DELAY].err || v[K4ACTL_A_DEPTH_DELAY].err) {
			k4actl_cap_errmsg("cannot read the serial number and sync settings of %s: "
					  "check its USB connection and 'dmesg'\n", units[u]->name);
			return K4ACTL_EXIT_FAIL;
		}
	}
	cap->spread = calloc(a->frames, sizeof(*cap->spread));
	if (!cap->spread) {
		k4actl_cap_errmsg("out of memory\n");
		return K4ACTL_EXIT_FAIL;
	}
	k4actl_match_init(&cap->m, n, a->depth_mode != 0, 1000000000ll / a->fps);
	cap->m.set_done = k4actl_cap_set_done;
	cap->m.frame_drop = k4actl_cap_frame_drop;
	cap->m.ctx = cap;
	for (u = 0; u < n; u++) {
		s64 sub = (s64)cap->unit[u].sub_us * 1000;

		cap->m.delay_ns[u][K4ACTL_CAP_COLOR] = sub;
		cap->m.delay_ns[u][K4ACTL_CAP_DEPTH] = sub + (s64)cap->unit[u].depth_us * 1000;
	}

	ret = k4actl_cap_files();
	for (u = 0; u < n && !ret; u++) {
		ret = k4actl_cap_node_setup(&cap->unit[u], K4ACTL_N_VIDEO_COLOR,
					    K4ACTL_CAP_COLOR_BUFS);
		if (!ret)
			ret = k4actl_cap_node_setup(&cap->unit[u], K4ACTL_N_META_COLOR,
						    cap->unit[u].nd[K4ACTL_N_VIDEO_COLOR].nbuf);
		if (!ret && a->depth_mode)
			ret = k4actl_cap_node_setup(&cap->unit[u], K4ACTL_N_VIDEO_DEPTH,
						    K4ACTL_CAP_DEPTH_BUFS);
		if (!ret && a->depth_mode)
			ret = k4actl_cap_node_setup(&cap->unit[u], K4ACTL_N_META_DEPTH,
						    cap->unit[u].nd[K4ACTL_N_VIDEO_DEPTH].nbuf);
	}
	if (!ret) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = k4actl_cap_on_signal;	/* no SA_RESTART: poll returns */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		ret = k4actl_cap_start();
	}
	if (!ret)
		ret = k4actl_cap_loop();
	if (!ret && k4actl_cap_stop)
		ret = K4ACTL_EXIT_FAIL;
	k4actl_cap_teardown();
	/* What the streams left: complete sets still count, the rest is removed. */
	if (cap->csv) {
		k4actl_match_flush(&cap->m);
		if (cap->written)
			k4actl_cap_progress_show(true);
		else if (cap->tty)
			fputc('\n', stderr);
		if (fclose(cap->csv) && !cap->err)
			k4actl_cap_fail(errno, &cap->unit[0], "cannot write", "../frames.csv");
	}
	if (cap->err) {
		k4actl_cap_errmsg("%s: %s\n", cap->err_what, strerror(cap->err));
		ret = K4ACTL_EXIT_FAIL;
	}
	if (cap->csv && (cap->written || !ret))
		k4actl_cap_summary(k4actl_cap_stop);
	if (k4actl_cap_stop)
		fprintf(stderr, "k4actl: interrupted: the %llu sets written so far are kept in "
			"%s\n", (unsigned long long)cap->written, a->out);
	for (u = 0; u < n; u++)
		if (cap->unit[u].dirfd >= 0)
			close(cap->unit[u].dirfd);
	free(cap->spread);
	return ret;
}
