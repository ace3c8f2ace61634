// SPDX-License-Identifier: GPL-2.0
/*
 * depth_cap: the capture helper of the depth_* selftests. Not a test
 * itself: run without arguments (selftests/run.sh runs every built program)
 * it says so in KTAP and counts nothing.
 *
 *   depth_cap [-f FOURCC] [-r FPS] [-n FRAMES] [-b BUFFERS] [-m METADEV]
 *             [-s STALL_AT:MS] [-t SECONDS] [-B] DEV
 *   depth_cap -R COUNT [-c] DEV
 *
 * Sets the format and rate if asked (and checks the driver took them),
 * streams DEV with BUFFERS mmap'ed buffers (default 8) until FRAMES (default
 * 20) were dequeued, requeueing each buffer at once; with -m the metadata
 * node streams beside it (as many buffers). -s: after STALL_AT frames the
 * helper dequeues nothing for MS milliseconds (a stalled application). One
 * line per dequeued buffer on stdout, line-buffered:
 *
 *   V SEQ BYTES FLAGS TS_NS DQ_NS CHECK COUNTER SOE_NS TICKS
 *   M SEQ BYTES FLAGS TS_NS VERSION SIZE REC_SEQ STREAM TS_MEANING
 *     CLOCK_STATE DEVICE_TICKS SOE_NS ARRIVAL_NS REC_FLAGS EXPOSURE_NS
 *     CLOCK_ERROR_NS DQ_NS
 *
 * (FLAGS in hex, every other number decimal.) TS_NS is the buffer
 * timestamp, DQ_NS CLOCK_MONOTONIC right after DQBUF returned. CHECK is "ok"
 * or a comma-separated list: "gt" (no depth ground-truth record of the
 * emulator at bytes 0..47), "size" (bytesused is not the format's raw frame
 * size), "tsflags" (not monotonic start of exposure), "error"
 * (V4L2_BUF_FLAG_ERROR). COUNTER, SOE_NS and TICKS come from the record
 * (tools/emu/gt.h; "-" without one).
 *
 * -B (block): the node opened blocking, no poll; once streaming "R" is
 * printed, then DQBUF (requeueing) until it fails: "E DQBUF ERRNO_NAME".
 * Then every mmap'ed buffer is read, QBUF is tried ("E QBUF ERRNO_NAME" or
 * "Q ok"), "H" is printed and the file and mappings are kept until standard
 * input ends; exit 3.
 *
 * -R: VIDIOC_REQBUFS (or with -c VIDIOC_CREATE_BUFS) of COUNT mmap buffers
 * in the current format; prints "REQBUFS COUNT -> GOT" or "REQBUFS COUNT ->
 * ERRNO_NAME" and exits 0.
 *
 * Exit: 0 all frames dequeued, 1 setup failed, 2 bound (-t, default
 * $K4A_WAIT_S or 300 s) reached, 3 DQBUF failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

#include "../../tools/emu/gt.h"
#include "cap_util.h"

#define MAXBUF	32

struct dnode {
	int fd;
	enum v4l2_buf_type type;
	unsigned int n;
	void *map[MAXBUF];
	size_t len[MAXBUF];
};

static const struct {
	uint32_t fourcc;
	uint32_t raw;
} raw_sizes[] = {
	{ V4L2_PIX_FMT_K4A_NFOV_2X2BINNED, 5310760 },
	{ V4L2_PIX_FMT_K4A_NFOV_UNBINNED, 5310760 },
	{ V4L2_PIX_FMT_K4A_WFOV_2X2BINNED, 3777232 },
	{ V4L2_PIX_FMT_K4A_WFOV_UNBINNED, 9438664 },
	{ V4L2_PIX_FMT_K4A_PASSIVE_IR, 1678024 },
};

static uint32_t raw_size;

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ull +
	       (uint64_t)tv->tv_usec * 1000ull;
}

static int setup(struct dnode *d, const char *path, enum v4l2_buf_type type,
		 unsigned int nbuf, bool block)
{
	struct v4l2_requestbuffers rb = { .type = type,
					  .memory = V4L2_MEMORY_MMAP };
	unsigned int i;

	d->type = type;
	d->fd = open(path, O_RDWR | (block ? 0 : O_NONBLOCK));
	if (d->fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, ename(errno));
		return -1;
	}
	rb.count = nbuf;
	if (xioctl(d->fd, VIDIOC_REQBUFS, &rb)) {
		fprintf(stderr, "REQBUFS %s: %s\n", path, ename(errno));
		return -1;
	}
	d->n = rb.count > MAXBUF ? MAXBUF : rb.count;
	for (i = 0; i < d->n; i++) {
		struct v4l2_buffer b = { .type = type, .index = i,
					 .memory = V4L2_MEMORY_MMAP };

		if (xioctl(d->fd, VIDIOC_QUERYBUF, &b))
			return -1;
		d->len[i] = b.length;
		d->map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, d->fd,
				 b.m.offset);
		if (d->map[i] == MAP_FAILED)
			return -1;
		if (xioctl(d->fd, VIDIOC_QBUF, &b))
			return -1;
	}
	if (xioctl(d->fd, VIDIOC_STREAMON, &type)) {
		fprintf(stderr, "STREAMON %s: %s\n", path, ename(errno));
		return -1;
	}
	return 0;
}

static void print_video(const struct v4l2_buffer *b, const uint8_t *p,
			uint64_t dq)
{
	char check[64] = "";
	struct emu_gt gt;
	bool have_gt;

	have_gt = b->bytesused >= EMU_GT_SIZE && !emu_gt_unpack(p, &gt) &&
		  gt.stream == EMU_GT_DEPTH;
	if (!have_gt)
		strcat(check, ",gt");
	if (raw_size && b->bytesused != raw_size)
		strcat(check, ",size");
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
	    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ||
	    (b->flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) !=
	    V4L2_BUF_FLAG_TSTAMP_SRC_SOE)
		strcat(check, ",tsflags");
	if (b->flags & V4L2_BUF_FLAG_ERROR)
		strcat(check, ",error");
	printf("V %u %u %x %llu %llu %s", b->sequence, b->bytesused,
	       b->flags, (unsigned long long)tv_ns(&b->timestamp),
	       (unsigned long long)dq, check[0] ? check + 1 : "ok");
	if (have_gt)
		printf(" %u %llu %llu\n", gt.frame_counter,
		       (unsigned long long)gt.soe_mono_ns,
		       (unsigned long long)gt.device_ticks);
	else
		printf(" - - -\n");
}

static void print_meta(const struct v4l2_buffer *b, const uint8_t *p,
		       uint64_t dq)
{
	struct k4a_meta_frame r;

	memset(&r, 0, sizeof(r));
	memcpy(&r, p, b->bytesused < sizeof(r) ? b->bytesused : sizeof(r));
	printf("M %u %u %x %llu %u %u %u %u %u %u %llu %llu %llu %u %u %u %llu\n",
	       b->sequence, b->bytesused, b->flags,
	       (unsigned long long)tv_ns(&b->timestamp), r.version, r.size,
	       r.sequence, r.stream, r.ts_meaning, r.clock_state,
	       (unsigned long long)r.device_ticks,
	       (unsigned long long)r.soe_ns, (unsigned long long)r.arrival_ns,
	       r.flags, r.exposure_ns, r.clock_error_ns,
	       (unsigned long long)dq);
}

/* Dequeue one buffer of @d if there is one; print it; requeue it. */
static int take(struct dnode *d)
{
	struct v4l2_buffer b = { .type = d->type,
				 .memory = V4L2_MEMORY_MMAP };
	uint64_t dq;

	if (xioctl(d->fd, VIDIOC_DQBUF, &b))
		return -errno;
	dq = now_ns();
	if (b.index >= d->n)
		return -EINVAL;
	if (d->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
		print_video(&b, d->map[b.index], dq);
	else
		print_meta(&b, d->map[b.index], dq);
	if (xioctl(d->fd, VIDIOC_QBUF, &b))
		return -errno;
	return 0;
}

static int reqbufs(const char *path, unsigned int count, bool create)
{
	struct v4l2_requestbuffers rb = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP, .count = count };
	struct v4l2_create_buffers cb = { .count = count,
					  .memory = V4L2_MEMORY_MMAP };
	int fd = open(path, O_RDWR), r;
	unsigned int asked = count;

	if (fd < 0)
		return 1;
	if (create) {
		cb.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (xioctl(fd, VIDIOC_G_FMT, &cb.format))
			return 1;
		r = xioctl(fd, VIDIOC_CREATE_BUFS, &cb);
		count = cb.count;
	} else {
		r = xioctl(fd, VIDIOC_REQBUFS, &rb);
		count = rb.count;
	}
	if (r)
		printf("%s %u -> %s\n", create ? "CREATE_BUFS" : "REQBUFS",
		       asked, ename(errno));
	else
		printf("%s %u -> %u\n", create ? "CREATE_BUFS" : "REQBUFS",
		       asked, count);
	close(fd);
	return 0;
}

static int blocked(struct dnode *v)
{
	char line[16];
	unsigned int i;
	volatile uint8_t sum = 0;
	struct v4l2_buffer b = { .type = v->type, .index = 0,
				 .memory = V4L2_MEMORY_MMAP };
	int r;

	printf("R\n");
	while (!(r = take(v)))
		;
	printf("E DQBUF %s\n", ename(-r));
	for (i = 0; i < v->n; i++) {
		size_t o;

		for (o = 0; o < v->len[i]; o += 4096)
			sum += ((uint8_t *)v->map[i])[o];
	}
	if (xioctl(v->fd, VIDIOC_QBUF, &b))
		printf("E QBUF %s\n", ename(errno));
	else
		printf("Q ok\n");
	(void)sum;
	printf("H\n");
	while (fgets(line, sizeof(line), stdin))
		;
	return 3;
}

int main(int argc, char **argv)
{
	unsigned int frames = 20, nbuf = 8, fps = 0, got = 0, reqn = 0, i;
	unsigned int stall_at = 0, stall_ms = 0;
	const char *metadev = NULL, *env = getenv("K4A_WAIT_S");
	uint64_t bound, deadline;
	struct dnode v = { .fd = -1 }, m = { .fd = -1 };
	bool block = false, create = false, req = false;
	uint32_t fourcc = 0;
	int c, r;

	if (argc == 1) {
		printf("TAP version 13\n1..0 # SKIP depth_cap is a helper of the depth_* tests\n");
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0\n");
		return 0;
	}
	bound = env ? strtoull(env, NULL, 10) : 300;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "f:r:n:b:m:s:t:BR:c")) != -1) {
		switch (c) {
		case 'f':
			if (strlen(optarg) != 4)
				return 1;
			fourcc = v4l2_fourcc(optarg[0], optarg[1], optarg[2],
					     optarg[3]);
			break;
		case 'r':
			fps = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			frames = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			nbuf = strtoul(optarg, NULL, 10);
			break;
		case 'm':
			metadev = optarg;
			break;
		case 's':
			if (sscanf(optarg, "%u:%u", &stall_at, &stall_ms) != 2)
				return 1;
			break;
		case 't':
			bound = strtoull(optarg, NULL, 10);
			break;
		case 'B':
			block = true;
			break;
		case 'R':
			req = true;
			reqn = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			create = true;
			break;
		default:
			fprintf(stderr, "usage: see the head of selftests/k4a/depth_cap.c\n");
			return 1;
		}
	}
	if (optind != argc - 1)
		return 1;
	if (req)
		return reqbufs(argv[optind], reqn, create);

	v.fd = open(argv[optind], O_RDWR);
	if (v.fd < 0)
		return 1;
	if (fourcc) {
		struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

		if (xioctl(v.fd, VIDIOC_G_FMT, &f))
			return 1;
		f.fmt.pix.pixelformat = fourcc;
		if (xioctl(v.fd, VIDIOC_S_FMT, &f) ||
		    f.fmt.pix.pixelformat != fourcc) {
			fprintf(stderr, "S_FMT not taken\n");
			return 1;
		}
		for (i = 0; i < sizeof(raw_sizes) / sizeof(raw_sizes[0]); i++)
			if (raw_sizes[i].fourcc == fourcc)
				raw_size = raw_sizes[i].raw;
	}
	if (fps) {
		struct v4l2_streamparm p = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

		p.parm.capture.timeperframe.numerator = 1;
		p.parm.capture.timeperframe.denominator = fps;
		if (xioctl(v.fd, VIDIOC_S_PARM, &p) ||
		    p.parm.capture.timeperframe.denominator != fps ||
		    p.parm.capture.timeperframe.numerator != 1) {
			fprintf(stderr, "S_PARM not taken\n");
			return 1;
		}
	}
	close(v.fd);
	if (metadev && setup(&m, metadev, V4L2_BUF_TYPE_META_CAPTURE, nbuf,
			     false))
		return 1;
	if (setup(&v, argv[optind], V4L2_BUF_TYPE_VIDEO_CAPTURE, nbuf, block))
		return 1;
	if (block)
		return blocked(&v);

	deadline = now_ns() + bound * 1000000000ull;
	while (got < frames) {
		struct pollfd pfd[2] = { { v.fd, POLLIN, 0 }, { m.fd, POLLIN, 0 } };

		if (now_ns() > deadline)
			return 2;
		if (poll(pfd, m.fd >= 0 ? 2 : 1, 1000) < 0)
			continue;
		if (pfd[0].revents & (POLLERR | POLLHUP))
			return 3;
		if (pfd[0].revents & POLLIN) {
			r = take(&v);
			if (r == -EAGAIN)
				continue;
			if (r) {
				printf("E DQBUF %s\n", ename(-r));
				return 3;
			}
			if (++got == stall_at && stall_ms)
				usleep(stall_ms * 1000);
		}
		if (m.fd >= 0 && (pfd[1].revents & POLLIN))
			while (!take(&m))
				;
	}
	/* The records of the last frames may still come. */
	if (m.fd >= 0) {
		usleep(100000);
		while (!take(&m))
			;
	}
	return 0;
}
