// SPDX-License-Identifier: GPL-2.0
/* Unit tests for driver/lib/k4a_frame.c */
#include "k4a_test.h"
#include "k4a_frame.h"

#define IMG_MAX		8192
#define PAY_MAX		(255 + IMG_MAX)
#define DONE_MAX	64

#define HDR_STD		(K4A_UVC_EOH | K4A_UVC_PTS | K4A_UVC_SCR)
#define META_LEN	124	/* FrameAlignInfo (44) + CaptureStats (80) */

/*
 * A consumer like the kernel glue: takes a destination on BEGIN, copies the
 * payload's image bytes where the step says, hands the frame over on
 * END_PREV and END. Every step is checked against the documented contract.
 */
struct done {
	struct k4a_frame_result r;
	u32 events;	/* events of the step that ended the frame */
	u8 img[IMG_MAX];
};

static struct k4a_frame_asm fa;
static struct done done[DONE_MAX];
static u32 ndone;
static u8 dst[IMG_MAX];
static bool busy;
static struct k4a_frame_step st;
static u8 pay[PAY_MAX];

static void setup(u32 frame_size, u32 cap)
{
	REQUIRE(cap <= IMG_MAX);
	k4a_frame_start(&fa, frame_size, cap);
	ndone = 0;
	busy = false;
	memset(done, 0, sizeof(done));
}

static void hand_over(const struct k4a_frame_result *r, u32 events)
{
	CHECK(busy);
	CHECK(r->bytes <= fa.cap);
	if (ndone < DONE_MAX) {
		done[ndone].r = *r;
		done[ndone].events = events;
		memcpy(done[ndone].img, dst, r->bytes <= IMG_MAX ? r->bytes : 0);
		ndone++;
	}
	busy = false;
}

/* Feed one payload through the assembler and act on the step. */
static u32 feed(const u8 *buf, u32 len)
{
	static const struct k4a_frame_result zero;

	k4a_frame_payload(&fa, buf, len, &st);
	CHECK(!(st.events & ~7U));
	if (!(st.events & K4A_FRAME_EV_END_PREV))
		CHECK(!memcmp(&st.prev, &zero, sizeof(zero)));
	if (!(st.events & K4A_FRAME_EV_END))
		CHECK(!memcmp(&st.cur, &zero, sizeof(zero)));
	if (st.events & K4A_FRAME_EV_END_PREV)
		hand_over(&st.prev, st.events);
	if (st.events & K4A_FRAME_EV_BEGIN) {
		CHECK(!busy);
		busy = true;
		memset(dst, 0xcc, sizeof(dst));
	}
	if (st.data) {
		CHECK(busy);
		CHECK(st.hdr_ok);
		CHECK(st.data == buf + st.hdr.len);
		CHECK(st.data + st.data_len <= buf + len);
		CHECK((u64)st.dst_off + st.data_len <= fa.cap);
		if ((u64)st.dst_off + st.data_len <= fa.cap)
			memcpy(dst + st.dst_off, st.data, st.data_len);
	} else {
		CHECK_EQ(st.data_len, 0);
	}
	if (st.events & K4A_FRAME_EV_END)
		hand_over(&st.cur, st.events);
	CHECK_EQ(busy, fa.active);
	return st.events;
}

static u32 put_pay(u8 *b, u8 flags, u32 pts, const u8 *meta, u32 meta_len,
		   const u8 *data, u32 data_len)
{
	u32 off = 2;

	b[1] = flags;
	if (flags & K4A_UVC_PTS) {
		k4a_put_le32(b + off, pts);
		off += 4;
	}
	if (flags & K4A_UVC_SCR) {
		k4a_put_le32(b + off, pts - 100);
		k4a_put_le16(b + off + 4, 0x123);
		off += 6;
	}
	if (meta_len)
		memcpy(b + off, meta, meta_len);
	off += meta_len;
	b[0] = (u8)off;
	if (data_len)
		memcpy(b + off, data, data_len);
	return off + data_len;
}

/* FrameAlignInfo (Linux size 44) with FramePTS, then CaptureStats. */
static u32 put_meta(u8 *b, u64 frame_pts)
{
	memset(b, 0, META_LEN);
	k4a_put_le32(b, K4A_MS_ID_FRAME_ALIGN_INFO);
	k4a_put_le32(b + 4, 44);
	k4a_put_le64(b + 16, frame_pts);
	k4a_put_le32(b + 44, K4A_MS_ID_CAPTURE_STATS);
	k4a_put_le32(b + 48, 80);
	k4a_put_le32(b + 52, K4A_MS_STATS_EXPOSURE);
	k4a_put_le64(b + 60, 166660);
	return META_LEN;
}

static u32 rnd_state;

static u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245U + 12345U;
	return rnd_state >> 8;
}

/*
 * A fake JPEG: SOI, bytes from the seed, EOI (n >= 4). Any prefix of it
 * shorter than @n is a truncated JPEG (K4A_FRAME_NO_EOI, unless it happens
 * to end in FF D9).
 */
static void make_jpeg(u8 *b, u32 n, u32 seed)
{
	u32 i;

	rnd_state = seed;
	for (i = 0; i < n; i++)
		b[i] = (u8)rnd();
	if (n >= 2) {
		b[0] = 0xff;
		b[1] = 0xd8;
	}
	if (n >= 4) {
		b[n - 2] = 0xff;
		b[n - 1] = 0xd9;
	}
}

/*
 * Send one frame: @n image bytes in payloads of up to @chunk data bytes,
 * the metadata in the first payload, EOF on the last one (if @eof).
 * Return: the events of all its payloads or-ed.
 */
static u32 send_frame(bool fid, const u8 *img, u32 n, u32 chunk,
		      const u8 *meta, u32 meta_len, bool eof, u32 pts)
{
	u32 off = 0, ev = 0;

	do {
		u32 c = n - off < chunk ? n - off : chunk;
		u8 flags = HDR_STD | (fid ? K4A_UVC_FID : 0);
		u32 len;

		if (eof && off + c == n)
			flags |= K4A_UVC_EOF;
		len = put_pay(pay, flags, pts, off ? NULL : meta,
			      off ? 0 : meta_len, img + off, c);
		ev |= feed(pay, len);
		off += c;
	} while (off < n);
	return ev;
}

static u8 img[IMG_MAX];
static u8 meta[META_LEN];

static void t_mjpg_good(void)
{
	static const u32 n[3] = { 3000, 777, 4096 };
	u32 i;

	setup(0, 4096);
	for (i = 0; i < 3; i++) {
		u32 ev;

		make_jpeg(img, n[i], 100 + i);
		put_meta(meta, 90000 * (i + 1));
		ev = send_frame(i & 1, img, n[i], 1012, meta, META_LEN, true,
				1000 + i);
		CHECK_EQ(ev, K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
		REQUIRE(ndone == i + 1);
		CHECK_EQ(done[i].r.flags, i ? 0 : K4A_FRAME_UNSYNCED);
		CHECK_EQ(done[i].r.bytes, n[i]);
		CHECK(!memcmp(done[i].img, img, done[i].r.bytes));
		CHECK(done[i].r.has_pts);
		CHECK_EQ(done[i].r.pts, 1000 + i);
		CHECK(done[i].r.meta.have_pts);
		CHECK_EQ_U64(done[i].r.meta.frame_pts, 90000 * (i + 1));
		CHECK(done[i].r.meta.have_stats);
		CHECK_EQ(done[i].r.meta.exposure_100ns, 166660);
		CHECK(!fa.active);
	}
	/* Frames exactly filling the destination are fine. */
	CHECK(!(done[2].r.flags & K4A_FRAME_OVERLONG));
}

static void t_raw_good(void)
{
	u32 i, j;

	/* NV12 is w * h * 3 / 2; use a small frame in odd-sized payloads. */
	setup(3000, 3000);
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3000; j++)
			img[j] = (u8)(j * 7 + i);
		img[0] = 0;	/* no SOI needed for raw frames */
		put_meta(meta, 5 + i);
		send_frame(!(i & 1), img, 3000, 333 + i, meta, META_LEN, true,
			   i);
		REQUIRE(ndone == i + 1);
		CHECK_EQ(done[i].r.flags, i ? 0 : K4A_FRAME_UNSYNCED);
		CHECK_EQ(done[i].r.bytes, 3000);
		CHECK(!memcmp(done[i].img, img, 3000));
		CHECK_EQ_U64(done[i].r.meta.frame_pts, 5 + i);
	}
	/* The destination may be larger than a raw frame. */
	setup(1000, 4000);
	send_frame(0, img, 1000, 100, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 1000);
}

static void t_fid_toggle(void)
{
	u32 ev;

	setup(0, 4096);
	make_jpeg(img, 2000, 1);
	put_meta(meta, 900);
	/* First frame never gets its EOF: the next FID ends it. */
	ev = send_frame(0, img, 2000, 500, meta, META_LEN, false, 10);
	CHECK_EQ(ev, K4A_FRAME_EV_BEGIN);
	CHECK(fa.active);
	CHECK(!fa.synced);
	ev = send_frame(1, img, 1500, 500, meta, META_LEN, false, 20);
	CHECK_EQ(ev, K4A_FRAME_EV_END_PREV | K4A_FRAME_EV_BEGIN);
	REQUIRE(ndone == 1);
	/* The torn frame began unsynced and keeps that mark. */
	CHECK_EQ(done[0].r.flags, K4A_FRAME_TORN | K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 2000);
	CHECK(!memcmp(done[0].img, img, 2000));
	CHECK_EQ(done[0].r.pts, 10);
	CHECK_EQ_U64(done[0].r.meta.frame_pts, 900);
	CHECK(fa.synced);
	/* Again without EOF: the frame after the boundary is synced. */
	make_jpeg(img, 100, 1);
	ev = send_frame(0, img, 100, 500, meta, META_LEN, true, 30);
	CHECK_EQ(ev, K4A_FRAME_EV_END_PREV | K4A_FRAME_EV_BEGIN |
		 K4A_FRAME_EV_END);
	REQUIRE(ndone == 3);
	/* It carried the first 1500 bytes of a 2000-byte JPEG: no EOI. */
	CHECK_EQ(done[1].r.flags, K4A_FRAME_TORN | K4A_FRAME_NO_EOI);
	CHECK_EQ(done[1].r.bytes, 1500);
	CHECK_EQ(done[1].r.pts, 20);
	CHECK_EQ(done[2].r.flags, 0);
	CHECK_EQ(done[2].r.bytes, 100);
	CHECK_EQ(done[2].r.pts, 30);
}

/* A payload with the same FID right after EOF belongs to the ended frame. */
static void t_trailing(void)
{
	u32 len;

	setup(0, 4096);
	make_jpeg(img, 1000, 2);
	put_meta(meta, 1);
	send_frame(1, img, 1000, 400, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK(fa.done_valid);

	/* Trailing: with data, header only, with the error bit, with EOF. */
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 2, NULL, 0, img, 100);
	CHECK_EQ(feed(pay, len), 0);
	CHECK(st.hdr_ok);
	CHECK(!st.data);
	CHECK_EQ(st.hdr.pts, 2);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 2, NULL, 0, NULL, 0);
	CHECK_EQ(feed(pay, len), 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_ERR, 2, NULL, 0,
		      img, 10);
	CHECK_EQ(feed(pay, len), 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF, 2, meta,
		      META_LEN, img, 10);
	CHECK_EQ(feed(pay, len), 0);
	CHECK(!fa.active);
	CHECK_EQ(ndone, 1);

	/* The next FID begins the next frame, clean. */
	send_frame(0, img, 1000, 400, meta, META_LEN, true, 3);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[1].r.flags, 0);
	CHECK_EQ(done[1].r.pts, 3);
	CHECK(!memcmp(done[1].img, img, 1000));

	/*
	 * After a frame ended by a FID change, the FID of an older EOF frame
	 * is no reason to drop a payload: fid 1 EOF, fid 0 torn, fid 1 new.
	 */
	make_jpeg(img, 500, 2);
	send_frame(1, img, 500, 400, meta, META_LEN, true, 4);
	send_frame(0, img, 500, 400, meta, META_LEN, false, 5);
	CHECK(fa.active);
	make_jpeg(img, 600, 2);
	CHECK_EQ(send_frame(1, img, 600, 400, meta, META_LEN, true, 6),
		 K4A_FRAME_EV_END_PREV | K4A_FRAME_EV_BEGIN |
		 K4A_FRAME_EV_END);
	REQUIRE(ndone == 5);
	CHECK_EQ(done[2].r.flags, 0);
	CHECK_EQ(done[3].r.flags, K4A_FRAME_TORN);
	CHECK_EQ(done[4].r.flags, 0);
	CHECK_EQ(done[4].r.bytes, 600);

	/* After a restart nothing is trailing. */
	setup(0, 4096);
	make_jpeg(img, 500, 2);
	send_frame(0, img, 500, 400, meta, META_LEN, true, 7);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
}

static void t_err_bit(void)
{
	u32 len;

	setup(0, 4096);
	make_jpeg(img, 1500, 3);
	put_meta(meta, 1);
	send_frame(0, img, 1500, 500, meta, META_LEN, true, 1);
	/* Middle payload flagged by the device: data still placed. */
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 2, meta, META_LEN, img, 500);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_ERR, 2, NULL, 0,
		      img + 500, 500);
	CHECK_EQ(feed(pay, len), 0);
	CHECK(st.hdr.err);
	CHECK_EQ(st.dst_off, 500);
	CHECK_EQ(st.data_len, 500);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF, 2, NULL, 0,
		      img + 1000, 500);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_ERR_BIT);
	CHECK(done[1].r.flags & K4A_FRAME_BAD);
	CHECK_EQ(done[1].r.bytes, 1500);
	/* The mark does not stay: the next frame is good. */
	send_frame(0, img, 1500, 500, meta, META_LEN, true, 3);
	REQUIRE(ndone == 3);
	CHECK_EQ(done[2].r.flags, 0);
	/* An error bit on the EOF payload of a one-payload frame. */
	make_jpeg(img, 100, 3);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF | K4A_UVC_ERR,
		      4, meta, META_LEN, img, 100);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
	REQUIRE(ndone == 4);
	CHECK_EQ(done[3].r.flags, K4A_FRAME_ERR_BIT);
}

static void t_bad_hdr(void)
{
	static const u8 bad_hles[] = { 0, 1, 5, 11, 200 };
	u8 flags = HDR_STD;
	u32 len, i;

	setup(0, 4096);
	make_jpeg(img, 1000, 4);
	put_meta(meta, 1);
	send_frame(0, img, 1000, 400, meta, META_LEN, true, 1);

	/* During a frame: that frame is bad, no event, nothing copied. */
	for (i = 0; i < K4A_ARRAY_SIZE(bad_hles); i++) {
		flags ^= K4A_UVC_FID;
		len = put_pay(pay, flags, 1, meta, META_LEN, img, 400);
		CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
		pay[0] = bad_hles[i];
		pay[1] |= K4A_UVC_EOF;
		CHECK_EQ(feed(pay, 100), 0);
		CHECK(!st.hdr_ok);
		CHECK(!st.data);
		CHECK(fa.active);
		len = put_pay(pay, flags | K4A_UVC_EOF, 1, NULL, 0, img + 400,
			      600);
		CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
		REQUIRE(ndone == i + 2);
		CHECK_EQ(done[i + 1].r.flags, K4A_FRAME_BAD_HDR);
		/* The 400 bytes of the bad payload's data never came in. */
		CHECK_EQ(done[i + 1].r.bytes, 1000);
	}
	/* A one-byte payload cannot hold a header. */
	flags ^= K4A_UVC_FID;
	len = put_pay(pay, flags, 1, meta, META_LEN, img, 400);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	pay[0] = 2;
	CHECK_EQ(feed(pay, 1), 0);
	len = put_pay(pay, flags | K4A_UVC_EOF, 1, NULL, 0, img + 400, 600);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 7);
	CHECK_EQ(done[6].r.flags, K4A_FRAME_BAD_HDR);

	/* Between frames: the next frame to begin carries it, once. */
	pay[0] = 0;
	pay[1] = HDR_STD | K4A_UVC_EOF;
	CHECK_EQ(feed(pay, 50), 0);
	CHECK(!fa.active);
	CHECK_EQ(fa.taint, K4A_FRAME_BAD_HDR);
	/* A trailing payload does not begin a frame: the taint waits. */
	len = put_pay(pay, flags, 1, NULL, 0, img, 10);
	CHECK_EQ(feed(pay, len), 0);
	CHECK_EQ(fa.taint, K4A_FRAME_BAD_HDR);
	flags ^= K4A_UVC_FID;
	send_frame(flags & K4A_UVC_FID, img, 1000, 400, meta, META_LEN, true,
		   1);
	REQUIRE(ndone == 8);
	CHECK_EQ(done[7].r.flags, K4A_FRAME_BAD_HDR);
	CHECK_EQ(fa.taint, 0);
	flags ^= K4A_UVC_FID;
	send_frame(flags & K4A_UVC_FID, img, 1000, 400, meta, META_LEN, true,
		   1);
	REQUIRE(ndone == 9);
	CHECK_EQ(done[8].r.flags, 0);

	/* Before the very first frame: bad and unsynced. */
	setup(0, 4096);
	CHECK_EQ(feed(pay, 1), 0);
	send_frame(0, img, 1000, 400, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_BAD_HDR | K4A_FRAME_UNSYNCED);
}

static void t_empty_payload(void)
{
	u32 len;

	setup(0, 4096);
	make_jpeg(img, 1000, 5);
	put_meta(meta, 1);
	/* Empty packets are normal in an isochronous stream. */
	CHECK_EQ(feed(pay, 0), 0);
	CHECK(!st.hdr_ok);
	CHECK(!fa.active);
	CHECK_EQ(fa.taint, 0);
	len = put_pay(pay, HDR_STD, 1, meta, META_LEN, img, 500);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	CHECK_EQ(feed(pay, 0), 0);
	CHECK_EQ(feed(NULL, 0), 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_EOF, 1, NULL, 0, img + 500, 500);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
	CHECK(!memcmp(done[0].img, img, 1000));
}

static void t_lost(void)
{
	u32 len;

	setup(0, 4096);
	make_jpeg(img, 1000, 6);
	put_meta(meta, 1);
	send_frame(0, img, 1000, 400, meta, META_LEN, true, 1);

	/* During a frame. */
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 1, meta, META_LEN, img, 400);
	feed(pay, len);
	k4a_frame_lost(&fa);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF, 1, NULL, 0,
		      img + 400, 600);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_LOST);

	/* Between frames, together with a bad header: both, once. */
	k4a_frame_lost(&fa);
	pay[0] = 0;
	CHECK_EQ(feed(pay, 40), 0);
	k4a_frame_lost(&fa);
	send_frame(0, img, 1000, 400, meta, META_LEN, true, 1);
	REQUIRE(ndone == 3);
	CHECK_EQ(done[2].r.flags, K4A_FRAME_LOST | K4A_FRAME_BAD_HDR);
	send_frame(1, img, 1000, 400, meta, META_LEN, true, 1);
	REQUIRE(ndone == 4);
	CHECK_EQ(done[3].r.flags, 0);

	/* Lost on a frame that is then torn. */
	send_frame(0, img, 1000, 400, meta, META_LEN, false, 1);
	k4a_frame_lost(&fa);
	send_frame(1, img, 1000, 400, meta, META_LEN, true, 1);
	REQUIRE(ndone == 6);
	CHECK_EQ(done[4].r.flags, K4A_FRAME_LOST | K4A_FRAME_TORN);
	CHECK_EQ(done[5].r.flags, 0);
}

static void t_short(void)
{
	u32 len;

	/* Raw: fewer bytes than the frame size. */
	setup(2000, 2000);
	memset(img, 0x42, 2000);
	put_meta(meta, 1);
	send_frame(0, img, 2000, 500, meta, META_LEN, true, 1);
	send_frame(1, img, 1999, 500, meta, META_LEN, true, 1);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_SHORT);
	CHECK_EQ(done[1].r.bytes, 1999);
	/* Raw, torn early. */
	send_frame(0, img, 1000, 500, meta, META_LEN, false, 1);
	send_frame(1, img, 2000, 500, meta, META_LEN, true, 1);
	REQUIRE(ndone == 4);
	CHECK_EQ(done[2].r.flags, K4A_FRAME_SHORT | K4A_FRAME_TORN);
	CHECK_EQ(done[3].r.flags, 0);

	/* Compressed: a frame of headers only is short, and nothing else. */
	setup(0, 4096);
	send_frame(0, img, 0, 500, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_SHORT | K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 1, meta, META_LEN, NULL, 0);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	CHECK(st.data);
	CHECK_EQ(st.data_len, 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF, 1, NULL, 0,
		      NULL, 0);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_SHORT);
	/* A bare two-byte header with EOF. */
	pay[0] = 2;
	pay[1] = K4A_UVC_EOH | K4A_UVC_EOF;
	CHECK_EQ(feed(pay, 2), K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
	REQUIRE(ndone == 3);
	CHECK_EQ(done[2].r.flags, K4A_FRAME_SHORT | K4A_FRAME_NO_PTS);
	CHECK(!done[2].r.has_pts);
}

static void t_overlong(void)
{
	u32 len, i;

	/* Compressed: more than the destination holds. */
	setup(0, 1000);
	make_jpeg(img, 1500, 7);
	put_meta(meta, 1);
	len = put_pay(pay, HDR_STD, 1, meta, META_LEN, img, 600);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	CHECK_EQ(st.data_len, 600);
	len = put_pay(pay, HDR_STD, 1, NULL, 0, img + 600, 600);
	CHECK_EQ(feed(pay, len), 0);
	CHECK_EQ(st.dst_off, 600);
	CHECK_EQ(st.data_len, 400);
	len = put_pay(pay, HDR_STD, 1, NULL, 0, img + 1200, 300);
	CHECK_EQ(feed(pay, len), 0);
	CHECK(st.data);
	CHECK_EQ(st.dst_off, 1000);
	CHECK_EQ(st.data_len, 0);
	len = put_pay(pay, HDR_STD | K4A_UVC_EOF, 1, NULL, 0, img, 0);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 1);
	/* The EOI was in the bytes cut off: the frame has none. */
	CHECK_EQ(done[0].r.flags, K4A_FRAME_OVERLONG | K4A_FRAME_NO_EOI |
		 K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 1000);
	CHECK(!memcmp(done[0].img, img, 1000));
	/*
	 * Exactly the capacity is fine, one byte more is not (the JPEG's EOI
	 * fits, the byte after it is cut off: overlong only).
	 */
	make_jpeg(img, 1000, 7);
	img[1000] = 0x42;
	send_frame(1, img, 1000, 333, meta, META_LEN, true, 1);
	send_frame(0, img, 1001, 333, meta, META_LEN, true, 1);
	REQUIRE(ndone == 3);
	CHECK_EQ(done[1].r.flags, 0);
	CHECK_EQ(done[2].r.flags, K4A_FRAME_OVERLONG);
	CHECK_EQ(done[2].r.bytes, 1000);

	/* Raw: more than the frame size, destination just as large. */
	setup(1000, 1000);
	for (i = 0; i < 1200; i++)
		img[i] = (u8)i;
	send_frame(0, img, 1000, 300, meta, META_LEN, true, 1);
	send_frame(1, img, 1200, 300, meta, META_LEN, true, 1);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_OVERLONG);
	CHECK_EQ(done[1].r.bytes, 1000);
	CHECK(!memcmp(done[1].img, img, 1000));
	/* Raw: more than the frame size in a larger destination. */
	setup(1000, 2000);
	send_frame(0, img, 1000, 300, meta, META_LEN, true, 1);
	send_frame(1, img, 1001, 300, meta, META_LEN, true, 1);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[1].r.flags, K4A_FRAME_OVERLONG);
	CHECK_EQ(done[1].r.bytes, 1001);
	/* Raw: a destination smaller than the frame: overlong and short. */
	setup(1000, 500);
	send_frame(0, img, 1000, 300, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_OVERLONG | K4A_FRAME_SHORT |
		 K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 500);
	/* No destination room at all. */
	setup(0, 0);
	send_frame(0, img, 100, 300, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_OVERLONG | K4A_FRAME_SHORT |
		 K4A_FRAME_UNSYNCED);
	CHECK_EQ(done[0].r.bytes, 0);
}

/* The FID that begins a new frame after the last one. */
static bool next_fid(void)
{
	return fa.active ? !fa.fid : !fa.done_fid;
}

/* Compressed frames in small payloads, with the SOI right or wrong. */
static u32 soi_frame(u8 b0, u8 b1, u32 chunk)
{
	u32 n = ndone;

	make_jpeg(img, 200, 8);
	img[0] = b0;
	img[1] = b1;
	send_frame(next_fid(), img, 200, chunk, meta, META_LEN, true, 1);
	if (ndone != n + 1)
		return 0xdead;
	CHECK(!memcmp(done[n].img, img, 200));
	return done[n].r.flags;
}

static void t_no_soi(void)
{
	static const u32 chunks[] = { 1, 2, 3, 50, 500 };
	u32 i, len;
	u8 f;

	put_meta(meta, 1);
	setup(0, 4096);
	soi_frame(0xff, 0xd8, 500);
	for (i = 0; i < K4A_ARRAY_SIZE(chunks); i++) {
		CHECK_EQ(soi_frame(0xff, 0xd8, chunks[i]), 0);
		CHECK_EQ(soi_frame(0xff, 0x00, chunks[i]), K4A_FRAME_NO_SOI);
		CHECK_EQ(soi_frame(0x00, 0xd8, chunks[i]), K4A_FRAME_NO_SOI);
		CHECK_EQ(soi_frame(0xd8, 0xff, chunks[i]), K4A_FRAME_NO_SOI);
		CHECK_EQ(soi_frame(0xff, 0xff, chunks[i]), K4A_FRAME_NO_SOI);
	}

	/* Header-only payloads first, then the SOI one byte at a time. */
	make_jpeg(img, 10, 9);
	f = HDR_STD | (next_fid() ? K4A_UVC_FID : 0);
	len = put_pay(pay, f, 1, meta, META_LEN, NULL, 0);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	len = put_pay(pay, f, 1, NULL, 0, NULL, 0);
	feed(pay, len);
	len = put_pay(pay, f, 1, NULL, 0, img, 1);
	feed(pay, len);
	len = put_pay(pay, f, 1, NULL, 0, NULL, 0);
	feed(pay, len);
	len = put_pay(pay, f, 1, NULL, 0, img + 1, 1);
	feed(pay, len);
	len = put_pay(pay, f | K4A_UVC_EOF, 1, NULL, 0, img + 2, 8);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	REQUIRE(ndone == 2 + 5 * K4A_ARRAY_SIZE(chunks));
	CHECK_EQ(done[ndone - 1].r.flags, 0);
	CHECK_EQ(done[ndone - 1].r.bytes, 10);

	/* A one-byte frame cannot start with an SOI (nor end with an EOI). */
	img[0] = 0xff;
	send_frame(next_fid(), img, 1, 1, meta, META_LEN, true, 1);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI);
	/* A byte that does not fit the destination is no SOI either. */
	setup(0, 1);
	send_frame(0, img, 10, 1, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI |
		 K4A_FRAME_OVERLONG | K4A_FRAME_UNSYNCED);
	/* Raw frames have no SOI rule. */
	setup(2, 2);
	send_frame(0, img + 5, 2, 1, meta, META_LEN, true, 1);
	REQUIRE(ndone == 1);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED);
}

/* Make room in done[] for the next frame, between frames. */
static void done_room(void)
{
	if (ndone >= DONE_MAX - 1 && !fa.active)
		ndone = 0;
}

/*
 * Send @b as one compressed frame in payloads of @lens[0..@nl) image bytes
 * (0: a payload with a header only), EOF on the last one (@nl >= 1).
 * Return: the frame's flags, 0xdead if not exactly one frame ended.
 */
static u32 parts_frame(const u8 *b, const u32 *lens, u32 nl)
{
	u32 n, off = 0, i, len;
	u8 f = HDR_STD | (next_fid() ? K4A_UVC_FID : 0);

	done_room();
	n = ndone;
	for (i = 0; i < nl; i++) {
		len = put_pay(pay, f | (i == nl - 1 ? K4A_UVC_EOF : 0), 1,
			      i ? NULL : meta, i ? 0 : META_LEN, b + off,
			      lens[i]);
		feed(pay, len);
		off += lens[i];
	}
	if (ndone != n + 1)
		return 0xdead;
	CHECK_EQ(done[n].r.bytes, off);
	CHECK(!memcmp(done[n].img, b, off));
	return done[n].r.flags;
}

/*
 * Send the first @n bytes of img as one frame in payloads of @chunk image
 * bytes. Return: the frame's flags, 0xdead if not exactly one frame ended.
 */
static u32 chunk_frame(u32 n, u32 chunk)
{
	u32 k, placed = n < fa.cap ? n : fa.cap;

	done_room();
	k = ndone;
	send_frame(next_fid(), img, n, chunk, meta, META_LEN, true, 1);
	if (ndone != k + 1)
		return 0xdead;
	CHECK_EQ(done[k].r.bytes, placed);
	CHECK(!memcmp(done[k].img, img, placed));
	return done[k].r.flags;
}

static void t_no_eoi(void)
{
	static const u32 chunks[] = { 1, 2, 3, 7, 64, 500, 5000 };
	u32 i, k, lens[8];

	put_meta(meta, 1);
	setup(0, 4096);
	make_jpeg(img, 1000, 20);
	CHECK_EQ(chunk_frame(1000, 500), K4A_FRAME_UNSYNCED);
	for (i = 0; i < K4A_ARRAY_SIZE(chunks); i++) {
		u32 c = chunks[i];

		/* Whole, then truncated by an early EOF. */
		make_jpeg(img, 1000, 21 + i);
		CHECK_EQ(chunk_frame(1000, c), 0);
		CHECK_EQ(chunk_frame(500, c), K4A_FRAME_NO_EOI);
		CHECK_EQ(chunk_frame(999, c), K4A_FRAME_NO_EOI);
		/* Junk after the EOI: 5A; 5A 00 FF D9 33; 00 00 01. */
		img[1000] = 0x5a;
		CHECK_EQ(chunk_frame(1001, c), K4A_FRAME_NO_EOI);
		img[1001] = 0x00;
		img[1002] = 0xff;
		img[1003] = 0xd9;
		img[1004] = 0x33;
		CHECK_EQ(chunk_frame(1005, c), K4A_FRAME_NO_EOI);
		img[1000] = 0x00;
		img[1001] = 0x00;
		img[1002] = 0x01;
		CHECK_EQ(chunk_frame(1003, c), K4A_FRAME_NO_EOI);
		/* Zero padding after the EOI is fine, however much. */
		memset(img + 1000, 0, 1200);
		CHECK_EQ(chunk_frame(1001, c), 0);
		CHECK_EQ(chunk_frame(1017, c), 0);
		CHECK_EQ(chunk_frame(2200, c), 0);
		/* Zeros after a truncated JPEG do not make it whole. */
		memset(img + 600, 0, 400);
		CHECK_EQ(chunk_frame(1000, c), K4A_FRAME_NO_EOI);
		/* FF 00 D9 is no EOI, with or without zeros after it. */
		img[600] = 0xff;
		img[601] = 0x00;
		img[602] = 0xd9;
		CHECK_EQ(chunk_frame(603, c), K4A_FRAME_NO_EOI);
		CHECK_EQ(chunk_frame(700, c), K4A_FRAME_NO_EOI);
		/* FF D9 is, at any payload boundary. */
		img[601] = 0xd9;
		img[602] = 0x00;
		CHECK_EQ(chunk_frame(602, c), 0);
		CHECK_EQ(chunk_frame(603, c), 0);
		CHECK_EQ(chunk_frame(700, c), 0);
	}

	/* The EOI split across payloads, header-only payloads between. */
	make_jpeg(img, 300, 30);
	lens[0] = 299;
	lens[1] = 1;
	CHECK_EQ(parts_frame(img, lens, 2), 0);
	lens[0] = 200;
	lens[1] = 99;
	lens[2] = 0;
	lens[3] = 0;
	lens[4] = 1;
	CHECK_EQ(parts_frame(img, lens, 5), 0);
	lens[4] = 0;
	CHECK_EQ(parts_frame(img, lens, 5), K4A_FRAME_NO_EOI);
	/* FF, an all-zero payload, D9: FF 00 D9 is no EOI. */
	memcpy(img + 400, img, 299);
	img[699] = 0x00;
	img[700] = 0xd9;
	lens[0] = 299;
	lens[1] = 1;
	lens[2] = 1;
	CHECK_EQ(parts_frame(img + 400, lens, 3), K4A_FRAME_NO_EOI);
	/* D9 the first byte of a payload of trailing zeros. */
	img[699] = 0xd9;
	memset(img + 700, 0, 50);
	lens[0] = 299;
	lens[1] = 51;
	CHECK_EQ(parts_frame(img + 400, lens, 2), 0);
	/* One-byte payloads FF and D9, zeros after them. */
	lens[0] = 298;
	lens[1] = 1;
	lens[2] = 1;
	lens[3] = 10;
	lens[4] = 40;
	CHECK_EQ(parts_frame(img + 400, lens, 5), 0);
	lens[2] = 0;
	lens[3] = 1;
	lens[4] = 50;
	CHECK_EQ(parts_frame(img + 400, lens, 5), 0);
	/* A zero byte alone in a payload, then D9 alone. */
	img[698] = 0x00;
	lens[2] = 1;
	lens[3] = 10;
	lens[4] = 40;
	CHECK_EQ(parts_frame(img + 400, lens, 5), K4A_FRAME_NO_EOI);
	img[698] = 0xff;

	/* All-zero payloads after the EOI, header-only ones among them. */
	memset(img + 300, 0, 3000);
	lens[0] = 300;
	for (k = 1; k < 8; k++)
		lens[k] = k & 1 ? 100 * k + 1 : 0;
	CHECK_EQ(parts_frame(img, lens, 8), 0);
	/* ... and after a JPEG without its last byte. */
	img[299] = 0x00;
	CHECK_EQ(parts_frame(img, lens, 8), K4A_FRAME_NO_EOI);
	img[299] = 0xd9;
	/* A frame in one-byte payloads, zeros after it or not. */
	CHECK_EQ(chunk_frame(300, 1), 0);
	CHECK_EQ(chunk_frame(310, 1), 0);
	CHECK_EQ(chunk_frame(299, 1), K4A_FRAME_NO_EOI);
	CHECK_EQ(chunk_frame(298, 1), K4A_FRAME_NO_EOI);

	/* The tail of one frame is not that of the next. */
	CHECK_EQ(chunk_frame(300, 100), 0);
	memset(img, 0, 100);
	CHECK_EQ(chunk_frame(100, 30), K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI);
	img[0] = 0xff;
	CHECK_EQ(chunk_frame(1, 1), K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI);
	img[0] = 0xd9;
	CHECK_EQ(chunk_frame(1, 1), K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI);
	img[0] = 0x00;
	CHECK_EQ(chunk_frame(1, 1), K4A_FRAME_NO_SOI | K4A_FRAME_NO_EOI);
	/* The smallest JPEG, and less. */
	img[0] = 0xff;
	img[1] = 0xd8;
	img[2] = 0xff;
	img[3] = 0xd9;
	CHECK_EQ(chunk_frame(4, 1), 0);
	CHECK_EQ(chunk_frame(4, 4), 0);
	CHECK_EQ(chunk_frame(2, 2), K4A_FRAME_NO_EOI);
	CHECK_EQ(chunk_frame(3, 2), K4A_FRAME_NO_EOI);
	/* FF D9 alone: the EOI is there, the SOI is not. */
	lens[0] = 2;
	CHECK_EQ(parts_frame(img + 2, lens, 1), K4A_FRAME_NO_SOI);

	/* Only the bytes that fit the destination count. */
	setup(0, 1000);
	make_jpeg(img, 1000, 40);
	CHECK_EQ(chunk_frame(1000, 300), K4A_FRAME_UNSYNCED);
	memset(img + 1000, 0x77, 10);
	CHECK_EQ(chunk_frame(1010, 300), K4A_FRAME_OVERLONG);
	memset(img + 1000, 0, 10);
	CHECK_EQ(chunk_frame(1010, 300), K4A_FRAME_OVERLONG);
	make_jpeg(img, 1010, 41);
	CHECK_EQ(chunk_frame(1010, 300), K4A_FRAME_OVERLONG |
		 K4A_FRAME_NO_EOI);
	make_jpeg(img, 998, 42);
	img[998] = 0x11;
	img[999] = 0x00;
	img[1000] = 0xff;
	img[1001] = 0xd9;
	CHECK_EQ(chunk_frame(1002, 1), K4A_FRAME_OVERLONG | K4A_FRAME_NO_EOI);

	/* Raw frames have no EOI rule. */
	setup(8, 8);
	for (k = 0; k < 8; k++)
		img[k] = (u8)(k + 1);
	CHECK_EQ(chunk_frame(8, 3), K4A_FRAME_UNSYNCED);
	img[6] = 0xff;
	img[7] = 0x00;
	CHECK_EQ(chunk_frame(8, 1), 0);
	img[6] = 0xd9;
	img[7] = 0xff;
	CHECK_EQ(chunk_frame(8, 8), 0);
}

static void t_unsynced(void)
{
	setup(0, 4096);
	make_jpeg(img, 300, 10);
	put_meta(meta, 1);
	/* Joined in the middle: the tail of a frame with EOF. */
	send_frame(1, img + 100, 200, 100, meta, META_LEN, true, 1);
	send_frame(0, img, 300, 100, meta, META_LEN, true, 1);
	REQUIRE(ndone == 2);
	CHECK_EQ(done[0].r.flags, K4A_FRAME_UNSYNCED | K4A_FRAME_NO_SOI);
	CHECK_EQ(done[1].r.flags, 0);
	/* A restart forgets the sync. */
	k4a_frame_start(&fa, 0, 4096);
	CHECK(!fa.synced && !fa.active && !fa.done_valid && !fa.taint);
	busy = false;
	send_frame(1, img, 300, 100, meta, META_LEN, true, 1);
	REQUIRE(ndone == 3);
	CHECK_EQ(done[2].r.flags, K4A_FRAME_UNSYNCED);
	/* A restart in the middle of a frame drops it. */
	send_frame(0, img, 200, 100, meta, META_LEN, false, 1);
	CHECK(fa.active);
	k4a_frame_start(&fa, 0, 4096);
	busy = false;
	CHECK(!fa.active);
	CHECK_EQ(send_frame(1, img, 300, 100, meta, META_LEN, true, 1),
		 K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
	REQUIRE(ndone == 4);
	CHECK_EQ(done[3].r.flags, K4A_FRAME_UNSYNCED);
}

static void t_meta(void)
{
	u32 len, i, cut;

	setup(0, 4096);
	make_jpeg(img, 600, 11);
	put_meta(meta, 0x1122334455ULL);
	send_frame(0, img, 600, 200, meta, META_LEN, true, 1);

	/* Metadata split over payloads at every possible point. */
	for (cut = 0; cut <= META_LEN; cut += 4) {
		bool fid = !(cut & 4);
		u8 f = HDR_STD | (fid ? K4A_UVC_FID : 0);
		u32 n = ndone;

		len = put_pay(pay, f, 7, meta, cut, img, 200);
		CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
		len = put_pay(pay, f, 8, meta + cut, META_LEN - cut, img + 200,
			      200);
		feed(pay, len);
		len = put_pay(pay, f | K4A_UVC_EOF, 9, NULL, 0, img + 400, 200);
		feed(pay, len);
		REQUIRE(ndone == n + 1);
		CHECK_EQ(done[n].r.flags, 0);
		CHECK_EQ_U64(done[n].r.meta.frame_pts, 0x1122334455ULL);
		CHECK(done[n].r.meta.have_stats);
		CHECK_EQ(done[n].r.pts, 7);
	}

	/* No metadata at all. */
	send_frame(1, img, 600, 200, NULL, 0, true, 1);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_NO_PTS);
	/* Metadata of one frame does not leak into the next. */
	send_frame(0, img, 600, 200, meta, 100, false, 1);
	send_frame(1, img, 600, 200, meta + 100, META_LEN - 100, true, 1);
	CHECK_EQ(done[ndone - 2].r.flags, K4A_FRAME_TORN | K4A_FRAME_META_BAD);
	CHECK(done[ndone - 2].r.meta.have_pts);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_META_BAD |
		 K4A_FRAME_NO_PTS);
	/* Truncated before the FramePTS item is complete. */
	send_frame(0, img, 600, 200, meta, 40, true, 1);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_META_BAD |
		 K4A_FRAME_NO_PTS);
	/* FramePTS 0 means no timestamp. */
	put_meta(meta, 0);
	send_frame(1, img, 600, 200, meta, META_LEN, true, 1);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_NO_PTS);
	CHECK(done[ndone - 1].r.meta.have_pts);
	/* More metadata than the accumulator holds. */
	put_meta(meta, 3);
	len = put_pay(pay, HDR_STD, 1, meta, META_LEN, img, 200);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	for (i = 0; i < 10; i++) {
		len = put_pay(pay, HDR_STD, 1, meta, META_LEN, NULL, 0);
		feed(pay, len);
	}
	len = put_pay(pay, HDR_STD | K4A_UVC_EOF, 1, NULL, 0, img + 200, 400);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_META_BAD);
	CHECK_EQ_U64(done[ndone - 1].r.meta.frame_pts, 3);
	/* Items that parse, without a FrameAlignInfo. */
	send_frame(1, img, 600, 200, meta + 44, 80, true, 1);
	CHECK_EQ(done[ndone - 1].r.flags, K4A_FRAME_NO_PTS);
	CHECK(done[ndone - 1].r.meta.have_stats);
}

static void t_pts(void)
{
	u32 len;

	setup(0, 4096);
	make_jpeg(img, 600, 12);
	put_meta(meta, 1);
	send_frame(0, img, 600, 200, meta, META_LEN, true, 1);
	/* The first payload without a PTS, then two with. */
	len = put_pay(pay, K4A_UVC_EOH | K4A_UVC_FID, 0, NULL, 0, img, 200);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
	CHECK(!st.hdr.has_pts);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID, 5555, meta, META_LEN,
		      img + 200, 200);
	feed(pay, len);
	CHECK_EQ(st.hdr.scr_stc, 5455);
	len = put_pay(pay, HDR_STD | K4A_UVC_FID | K4A_UVC_EOF, 6666, NULL, 0,
		      img + 400, 200);
	feed(pay, len);
	REQUIRE(ndone == 2);
	CHECK(done[1].r.has_pts);
	CHECK_EQ(done[1].r.pts, 5555);
	CHECK_EQ(done[1].r.flags, 0);
	/* A frame without any PTS. */
	len = put_pay(pay, K4A_UVC_EOH | K4A_UVC_EOF, 0, meta, META_LEN, img,
		      600);
	CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
	REQUIRE(ndone == 3);
	CHECK(!done[2].r.has_pts);
	CHECK_EQ(done[2].r.pts, 0);
}

/* One payload ends the previous frame, and is a whole frame itself. */
static void t_three_events(void)
{
	u32 len, i;

	setup(0, 4096);
	make_jpeg(img, 600, 13);
	put_meta(meta, 1);
	send_frame(0, img, 600, 200, meta, META_LEN, true, 1);
	for (i = 0; i < 6; i++) {
		/* Frame fid 1 without EOF, then a whole frame fid 0. */
		u8 f = HDR_STD | K4A_UVC_FID;

		len = put_pay(pay, f, 10 + i, meta, META_LEN, img, 300);
		CHECK_EQ(feed(pay, len), K4A_FRAME_EV_BEGIN);
		len = put_pay(pay, (f ^ K4A_UVC_FID) | K4A_UVC_EOF, 20 + i,
			      meta, META_LEN, img, 600);
		CHECK_EQ(feed(pay, len), K4A_FRAME_EV_END_PREV |
			 K4A_FRAME_EV_BEGIN | K4A_FRAME_EV_END);
		/* Half a JPEG: torn, and without its EOI. */
		CHECK_EQ(st.prev.flags, K4A_FRAME_TORN | K4A_FRAME_NO_EOI);
		CHECK_EQ(st.prev.bytes, 300);
		CHECK_EQ(st.prev.pts, 10 + i);
		CHECK_EQ(st.cur.flags, 0);
		CHECK_EQ(st.cur.bytes, 600);
		CHECK_EQ(st.cur.pts, 20 + i);
		CHECK_EQ(st.dst_off, 0);
		CHECK(!memcmp(done[ndone - 1].img, img, 600));
		CHECK(!memcmp(done[ndone - 2].img, img, 300));
		/* A trailing payload of the one-payload frame is dropped. */
		len = put_pay(pay, f ^ K4A_UVC_FID, 1, NULL, 0, img, 600);
		CHECK_EQ(feed(pay, len), 0);
	}
	CHECK_EQ(ndone, 13);
}

/*
 * A long stream of frames in random payload sizes with random faults: the
 * frames without a bad bit carry exactly the bytes sent, every frame sent
 * comes out once (no frame is lost without a trace), the frames without a
 * fault are good and the truncated JPEGs and those with junk after their
 * EOI are not.
 */
static void t_stream(void)
{
	static u8 src[IMG_MAX];
	u32 f, good = 0, bad = 0, seed = 1;

	setup(0, 6000);
	put_meta(meta, 1);
	for (f = 0; f < 400; f++) {
		u32 n, whole, off = 0, first, fault, len, flags;
		bool fid = f & 1, tainted;

		if (ndone > DONE_MAX - 4 && !fa.active)
			ndone = 0;
		first = ndone;
		rnd_state = seed;
		n = rnd() % 5900;
		fault = rnd() % 16;
		seed = rnd();
		make_jpeg(src, n, seed);
		whole = n;
		if (fault == 4) {
			/* The device ends the frame early: half a JPEG. */
			n /= 2;
		} else if (fault == 5) {
			/* Junk after the EOI. */
			memset(src + n, 0x5a, 1 + seed % 8);
			n += 1 + seed % 8;
		} else if (fault == 6) {
			/* Zero padding after the EOI (a good frame). */
			memset(src + n, 0, seed % 64);
			n += seed % 64;
		}
		/* A packet lost after a one-payload frame taints this one. */
		tainted = fa.taint;
		while (off < n || !off) {
			u32 c, fl;

			rnd_state = seed;
			c = rnd() % 1100;
			seed = rnd();
			if (c > n - off)
				c = n - off;
			fl = HDR_STD | (fid ? K4A_UVC_FID : 0);
			if (off + c == n && fault != 1)
				fl |= K4A_UVC_EOF;
			if (fault == 2 && off && off + c == n)
				fl |= K4A_UVC_ERR;
			len = put_pay(pay, (u8)fl, f, off ? NULL : meta,
				      off ? 0 : META_LEN, src + off, c);
			feed(pay, len);
			if (fault == 3 && !off)
				k4a_frame_lost(&fa);
			off += c;
			if (!n)
				break;
		}
		if (fault == 1) {
			/* No EOF: the next frame's first payload ends it. */
			CHECK(ndone <= first + 1);
			if (ndone == first + 1)
				CHECK(done[first].r.flags & K4A_FRAME_TORN);
			continue;
		}
		if (ndone == first + 2) {
			/* The frame before had no EOF. */
			CHECK(done[first].r.flags & K4A_FRAME_TORN);
			first++;
		}
		REQUIRE(ndone == first + 1);
		flags = done[first].r.flags;
		if (whole >= 4 && (fault == 4 || fault == 5))
			CHECK(flags & K4A_FRAME_NO_EOI);
		if (whole >= 4 && (!fault || fault >= 6) && !tainted)
			CHECK(!(flags & K4A_FRAME_BAD));
		if (flags & K4A_FRAME_BAD) {
			bad++;
			continue;
		}
		good++;
		CHECK_EQ(done[first].r.bytes, n);
		CHECK(!memcmp(done[first].img, src, n));
		CHECK_EQ(done[first].r.pts, f);
	}
	NOTE("%u good frames, %u bad", good, bad);
	CHECK(good > 200);
	CHECK(bad > 50);
}

int main(void)
{
	RUN(t_mjpg_good);
	RUN(t_raw_good);
	RUN(t_fid_toggle);
	RUN(t_trailing);
	RUN(t_err_bit);
	RUN(t_bad_hdr);
	RUN(t_empty_payload);
	RUN(t_lost);
	RUN(t_short);
	RUN(t_overlong);
	RUN(t_no_soi);
	RUN(t_no_eoi);
	RUN(t_unsynced);
	RUN(t_meta);
	RUN(t_pts);
	RUN(t_three_events);
	RUN(t_stream);
	return k4a_test_done();
}
