// SPDX-License-Identifier: GPL-2.0
/*
 * color_cap: the capture helper of the color_* selftests. Not a test itself:
 * run without arguments (as selftests/run.sh runs every built program) it
 * says so in KTAP and counts nothing.
 *
 *   color_cap [-f FOURCC -w W -h H] [-r FPS] [-n FRAMES] [-b BUFFERS]
 *             [-m METADEV] [-o FILE] [-t SECONDS] [-B [-L]] DEV
 *
 * Sets the format and rate if asked (and checks the driver took them),
 * streams DEV with BUFFERS mmap'ed buffers (default 8) until FRAMES (default
 * 20) were dequeued, requeueing each buffer at once; with -m the metadata
 * node streams beside it with as many buffers. -o writes every frame's bytes
 * to FILE (as v4l2-ctl --stream-to). One line per dequeued buffer, on stdout,
 * line-buffered:
 *
 *   V SEQ BYTES FLAGS TS_NS DQ_NS CHECK COUNTER SOE_NS TICKS TAIL
 *   M SEQ BYTES FLAGS TS_NS VERSION SIZE REC_SEQ STREAM TS_MEANING
 *     CLOCK_STATE DEVICE_TICKS SOE_NS ARRIVAL_NS REC_FLAGS DQ_NS CLOCK_ERROR_NS
 *
 *   D N
 *
 * (FLAGS in hex, every other number in decimal.) A D line says that all
 * BUFFERS video buffers were done at once, after N frames: the application
 * was late, the driver had no buffer queued, and a frame may have been
 * dropped for want of one.
 *
 * TS_NS is the buffer timestamp, DQ_NS CLOCK_MONOTONIC read right after
 * DQBUF returned. CHECK is "ok" or a comma-separated list of what is wrong
 * with the buffer: "gt" (no ground-truth record of a colour frame of the
 * emulator where it belongs), "size" (an uncompressed frame whose bytesused
 * is not the format's exact size), "soi" / "eoi" (MJPG without the JPEG
 * start or end marker), "tsflags" (timestamp not monotonic start of
 * exposure), "error" (V4L2_BUF_FLAG_ERROR). COUNTER, SOE_NS and TICKS come
 * from the ground-truth record (tools/emu/gt.h; "-" without one); TAIL is the
 * number of bytes after the JPEG end marker (0 for raw frames).
 *
 * -B (block): the node opened blocking, no poll; DQBUF until it fails, then
 * "E DQBUF ERRNO_NAME" and exit 3. "R" is printed once streaming. With -L
 * (linger) the helper then reads every mmap'ed buffer, tries QBUF and DQBUF
 * again ("E QBUF ...", "E DQBUF2 ..."), prints "H" and keeps the file and the
 * mappings until its standard input ends. Works on a metadata node as DEV.
 *
 * SIGTERM or SIGINT ends a capture early, as if the frames were all there.
 *
 * Exit: 0 all frames dequeued, 1 setup failed, 2 bound (-t, default
 * $K4A_WAIT_S or 300 s) reached, 3 DQBUF failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <linux/k4a.h>
#include "cap_util.h"

#define MAXBUF	32

/* tools/emu/gt.h: "K4GT", version 1, stream 1 (colour) */
#define GT_SIZE		48
#define GT_STREAM_COLOR	1

struct node {
	const char *path;
	int fd;
	enum v4l2_buf_type type;
	unsigned int n;
	void *map[MAXBUF];
	size_t len[MAXBUF];
	bool on;
};

static uint32_t fourcc;
static unsigned int width, height;
static FILE *out;
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int node_open(struct node *nd, const char *path, bool block)
{
	struct v4l2_capability cap;

	nd->path = path;
	nd->fd = open(path, O_RDWR | (block ? 0 : O_NONBLOCK));
	if (nd->fd < 0) {
		printf("# open %s: %s\n", path, ename(errno));
		return -1;
	}
	memset(&cap, 0, sizeof(cap));
	if (xioctl(nd->fd, VIDIOC_QUERYCAP, &cap)) {
		printf("# QUERYCAP %s: %s\n", path, ename(errno));
		return -1;
	}
	if (cap.device_caps & V4L2_CAP_META_CAPTURE)
		nd->type = V4L2_BUF_TYPE_META_CAPTURE;
	else
		nd->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	return 0;
}

static int set_format(struct node *nd, unsigned int fps)
{
	struct v4l2_format f;
	struct v4l2_streamparm p;

	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(nd->fd, VIDIOC_G_FMT, &f))
		return -1;
	if (fourcc) {
		f.fmt.pix.pixelformat = fourcc;
		f.fmt.pix.width = width;
		f.fmt.pix.height = height;
		f.fmt.pix.field = V4L2_FIELD_NONE;
		if (xioctl(nd->fd, VIDIOC_S_FMT, &f)) {
			printf("# S_FMT: %s\n", ename(errno));
			return -1;
		}
		if (f.fmt.pix.pixelformat != fourcc || f.fmt.pix.width != width ||
		    f.fmt.pix.height != height) {
			printf("# S_FMT: the driver chose %.4s %ux%u\n",
			       (char *)&f.fmt.pix.pixelformat, f.fmt.pix.width,
			       f.fmt.pix.height);
			return -1;
		}
	}
	fourcc = f.fmt.pix.pixelformat;
	width = f.fmt.pix.width;
	height = f.fmt.pix.height;
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (fps) {
		p.parm.capture.timeperframe.numerator = 1;
		p.parm.capture.timeperframe.denominator = fps;
		if (xioctl(nd->fd, VIDIOC_S_PARM, &p)) {
			printf("# S_PARM: %s\n", ename(errno));
			return -1;
		}
	}
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(nd->fd, VIDIOC_G_PARM, &p)) {
		printf("# G_PARM: %s\n", ename(errno));
		return -1;
	}
	printf("# format %.4s %ux%u sizeimage %u bytesperline %u, %u/%u s per frame\n",
	       (char *)&fourcc, width, height, f.fmt.pix.sizeimage,
	       f.fmt.pix.bytesperline, p.parm.capture.timeperframe.numerator,
	       p.parm.capture.timeperframe.denominator);
	if (fps && (p.parm.capture.timeperframe.numerator != 1 ||
		    p.parm.capture.timeperframe.denominator != fps)) {
		printf("# G_PARM: not the %u fps asked for\n", fps);
		return -1;
	}
	return 0;
}

static int node_start(struct node *nd, unsigned int nbuf)
{
	struct v4l2_requestbuffers rb;
	struct v4l2_buffer b;
	unsigned int i;

	memset(&rb, 0, sizeof(rb));
	rb.count = nbuf;
	rb.type = nd->type;
	rb.memory = V4L2_MEMORY_MMAP;
	if (xioctl(nd->fd, VIDIOC_REQBUFS, &rb)) {
		printf("# REQBUFS %s: %s\n", nd->path, ename(errno));
		return -1;
	}
	nd->n = rb.count < MAXBUF ? rb.count : MAXBUF;
	for (i = 0; i < nd->n; i++) {
		memset(&b, 0, sizeof(b));
		b.type = nd->type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(nd->fd, VIDIOC_QUERYBUF, &b))
			return -1;
		nd->len[i] = b.length;
		nd->map[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED,
				  nd->fd, b.m.offset);
		if (nd->map[i] == MAP_FAILED) {
			printf("# mmap %s: %s\n", nd->path, ename(errno));
			nd->map[i] = NULL;
			return -1;
		}
		if (xioctl(nd->fd, VIDIOC_QBUF, &b)) {
			printf("# QBUF %s: %s\n", nd->path, ename(errno));
			return -1;
		}
	}
	if (xioctl(nd->fd, VIDIOC_STREAMON, &nd->type)) {
		printf("# STREAMON %s: %s\n", nd->path, ename(errno));
		return -1;
	}
	nd->on = true;
	return 0;
}

static void node_stop(struct node *nd)
{
	unsigned int i;

	if (nd->fd < 0)
		return;
	if (nd->on)
		xioctl(nd->fd, VIDIOC_STREAMOFF, &nd->type);
	for (i = 0; i < nd->n; i++)
		if (nd->map[i])
			munmap(nd->map[i], nd->len[i]);
	close(nd->fd);
	nd->fd = -1;
}

/* Append a check word. */
static void bad(char *chk, size_t len, const char *what)
{
	size_t l = strlen(chk);

	snprintf(chk + l, len - l, "%s%s", l ? "," : "", what);
}

static void video_buffer(struct node *nd, const struct v4l2_buffer *b, uint64_t dq)
{
	const uint8_t *p = nd->map[b->index];
	uint32_t n = b->bytesused;
	char chk[64] = "", cnt[16] = "-", soe[24] = "-", ticks[24] = "-";
	const uint8_t *gt = NULL;
	long tail = 0;
	uint64_t ts = (uint64_t)b->timestamp.tv_sec * 1000000000ull +
		      (uint64_t)b->timestamp.tv_usec * 1000ull;

	if (fourcc == V4L2_PIX_FMT_MJPEG) {
		long i;

		if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
			bad(chk, sizeof(chk), "soi");
		else if (n >= 6 + GT_SIZE && p[2] == 0xff && p[3] == 0xfe)
			gt = p + 6;
		/* In entropy-coded data 0xff is followed by 0x00 or a restart marker: the
		 * last FF D9 past the record is the end of the image.
		 */
		for (i = (long)n - 2; i >= 6 + GT_SIZE; i--)
			if (p[i] == 0xff && p[i + 1] == 0xd9)
				break;
		if (i < 6 + GT_SIZE)
			bad(chk, sizeof(chk), "eoi");
		else
			tail = (long)n - i - 2;
	} else {
		uint32_t want = fourcc == V4L2_PIX_FMT_NV12 ? width * height * 3 / 2 :
				width * height * 2;

		if (n != want)
			bad(chk, sizeof(chk), "size");
		if (n >= GT_SIZE)
			gt = p;
	}
	if (gt && le(gt, 4) == 0x5447344bu && gt[4] == 1 && gt[5] == GT_STREAM_COLOR) {
		snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)le(gt + 24, 4));
		snprintf(ticks, sizeof(ticks), "%llu", (unsigned long long)le(gt + 32, 8));
		snprintf(soe, sizeof(soe), "%llu", (unsigned long long)le(gt + 40, 8));
	} else {
		bad(chk, sizeof(chk), "gt");
	}
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ||
	    (b->flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) != V4L2_BUF_FLAG_TSTAMP_SRC_SOE)
		bad(chk, sizeof(chk), "tsflags");
	if (b->flags & V4L2_BUF_FLAG_ERROR)
		bad(chk, sizeof(chk), "error");
	if (out && n && fwrite(p, 1, n, out) != n) {
		printf("# write: %s\n", ename(errno));
		exit(1);
	}
	printf("V %u %u %#x %llu %llu %s %s %s %s %ld\n", b->sequence, n, b->flags,
	       (unsigned long long)ts, (unsigned long long)dq, chk[0] ? chk : "ok", cnt,
	       soe, ticks, tail);
}

static void meta_buffer(struct node *nd, const struct v4l2_buffer *b, uint64_t dq)
{
	struct k4a_meta_frame r;
	const uint8_t *p = nd->map[b->index];
	uint64_t ts = (uint64_t)b->timestamp.tv_sec * 1000000000ull +
		      (uint64_t)b->timestamp.tv_usec * 1000ull;

	memset(&r, 0, sizeof(r));
	memcpy(&r, p, b->bytesused < sizeof(r) ? b->bytesused : sizeof(r));
	printf("M %u %u %#x %llu %u %u %u %u %u %u %llu %llu %llu %u %llu %u\n",
	       b->sequence, b->bytesused, b->flags, (unsigned long long)ts, r.version,
	       r.size, r.sequence, r.stream, r.ts_meaning, r.clock_state,
	       (unsigned long long)r.device_ticks, (unsigned long long)r.soe_ns,
	       (unsigned long long)r.arrival_ns, r.flags, (unsigned long long)dq,
	       r.clock_error_ns);
}

/* Dequeue one buffer: 1 done, 0 none ready, -1 error (errno). */
static int dequeue(struct node *nd, bool video)
{
	struct v4l2_buffer b;
	uint64_t dq;

	memset(&b, 0, sizeof(b));
	b.type = nd->type;
	b.memory = V4L2_MEMORY_MMAP;
	if (xioctl(nd->fd, VIDIOC_DQBUF, &b))
		return errno == EAGAIN ? 0 : -1;
	dq = now_ns();
	if (b.index >= nd->n)
		return -1;
	if (video)
		video_buffer(nd, &b, dq);
	else
		meta_buffer(nd, &b, dq);
	if (xioctl(nd->fd, VIDIOC_QBUF, &b))
		return -1;
	return 1;
}

/* -B: block in DQBUF until it fails; -L: then keep everything until stdin ends. */
static int blocked_reader(struct node *nd, bool linger)
{
	bool video = nd->type == V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_buffer b;
	unsigned long sum = 0;
	unsigned int i;
	size_t j;
	char c;

	printf("R %s\n", nd->path);
	for (;;) {
		int r = dequeue(nd, video);

		if (r < 0)
			break;
	}
	printf("E DQBUF %s\n", ename(errno));
	if (!linger)
		return 3;
	/* The mappings stay valid after the device left. */
	for (i = 0; i < nd->n; i++)
		for (j = 0; j < nd->len[i]; j += 4096)
			sum += ((volatile uint8_t *)nd->map[i])[j];
	printf("E read %u mapped buffers (%lu)\n", nd->n, sum & 1);
	memset(&b, 0, sizeof(b));
	b.type = nd->type;
	b.memory = V4L2_MEMORY_MMAP;
	b.index = 0;
	printf("E QBUF %s\n", xioctl(nd->fd, VIDIOC_QBUF, &b) ? ename(errno) : "ok");
	memset(&b, 0, sizeof(b));
	b.type = nd->type;
	b.memory = V4L2_MEMORY_MMAP;
	printf("E DQBUF2 %s\n", xioctl(nd->fd, VIDIOC_DQBUF, &b) ? ename(errno) : "ok");
	printf("H\n");
	while (read(0, &c, 1) > 0)
		;
	return 3;
}

int main(int argc, char **argv)
{
	struct node v = { .fd = -1 }, m = { .fd = -1 };
	unsigned int frames = 20, nbuf = 8, fps = 0, got = 0;
	const char *meta = NULL, *file = NULL, *env = getenv("K4A_WAIT_S");
	double bound = env ? atof(env) : 300;
	bool block = false, linger = false;
	uint64_t end;
	int o, ret = 0;

	if (argc == 1) {
		printf("TAP version 13\n1..0 # SKIP color_cap is the capture helper of the color_* tests\n");
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0\n");
		return 0;
	}
	while ((o = getopt(argc, argv, "f:w:h:r:n:b:m:o:t:BL")) != -1) {
		switch (o) {
		case 'f':
			if (strlen(optarg) != 4)
				return 1;
			fourcc = v4l2_fourcc(optarg[0], optarg[1], optarg[2], optarg[3]);
			break;
		case 'w':
			width = (unsigned int)atoi(optarg);
			break;
		case 'h':
			height = (unsigned int)atoi(optarg);
			break;
		case 'r':
			fps = (unsigned int)atoi(optarg);
			break;
		case 'n':
			frames = (unsigned int)atoi(optarg);
			break;
		case 'b':
			nbuf = (unsigned int)atoi(optarg);
			break;
		case 'm':
			meta = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		case 't':
			bound = atof(optarg);
			break;
		case 'B':
			block = true;
			break;
		case 'L':
			linger = true;
			break;
		default:
			fprintf(stderr, "usage: see the head of selftests/k4a/color_cap.c\n");
			return 1;
		}
	}
	if (optind != argc - 1)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;	/* no SA_RESTART: poll returns */
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	if (node_open(&v, argv[optind], block))
		return 1;
	if (block) {
		if (node_start(&v, nbuf))
			return 1;
		ret = blocked_reader(&v, linger);
		node_stop(&v);
		return ret;
	}
	if (v.type != V4L2_BUF_TYPE_VIDEO_CAPTURE || set_format(&v, fps))
		return 1;
	if (file) {
		out = fopen(file, "w");
		if (!out)
			return 1;
	}
	if (meta && (node_open(&m, meta, false) || node_start(&m, nbuf)))
		return 1;
	if (node_start(&v, nbuf))
		return 1;
	end = now_ns() + (uint64_t)(bound * 1e9);
	while (got < frames && !stop) {
		struct pollfd pfd[2] = {
			{ .fd = v.fd, .events = POLLIN },
			{ .fd = m.fd, .events = POLLIN },
		};
		int r;

		if (now_ns() > end) {
			printf("# %u of %u frames after %.0f s\n", got, frames, bound);
			ret = 2;
			break;
		}
		r = poll(pfd, meta ? 2 : 1, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (meta && (pfd[1].revents & (POLLIN | POLLERR))) {
			while ((r = dequeue(&m, false)) > 0)
				;
			if (r < 0) {
				printf("# DQBUF %s: %s\n", m.path, ename(errno));
				ret = 3;
				break;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			unsigned int batch = 0;

			while (got < frames && (r = dequeue(&v, true)) > 0) {
				got++;
				batch++;
			}
			/* every buffer was done: the driver had none left to fill */
			if (batch >= v.n)
				printf("D %u\n", got);
			if (r < 0) {
				printf("# DQBUF %s: %s\n", v.path, ename(errno));
				ret = 3;
				break;
			}
		}
	}
	/* The record of the last frame is done with it: collect what is ready. */
	if (meta && !ret)
		while (dequeue(&m, false) > 0)
			;
	node_stop(&v);
	node_stop(&m);
	if (out && fclose(out))
		ret = 1;
	return ret;
}
