// SPDX-License-Identifier: GPL-2.0
/*
 * k4a-probe: libusb client for the Azure Kinect vendor protocol, used to test
 * the emulator (and usable on a real unit). It finds the depth device 097c
 * by serial, the colour device 097d by the depth device's Container ID, and
 * talks to the depth MCU (interface 0) and colour MCU (interface 2).
 *
 *   k4a-probe [-s SERIAL] opcodes           every opcode on both MCUs, with error statuses (KTAP)
 *   k4a-probe [-s SERIAL] depth MODE FPS N  stream N raw depth frames, check exact sizes
 *   k4a-probe [-s SERIAL] imu N             read N IMU packets
 *   k4a-probe [-s SERIAL] cmd depth|color OPCODE [READLEN [HEXDATA]]
 *   k4a-probe [-s SERIAL] stream [options]  configure sync, stream depth (+IMU) for a while
 *   k4a-probe [-s SERIAL] reset depth|color
 *   k4a-probe [-s SERIAL] clear-halt depth|color EPADDR
 *   k4a-probe list
 * MODE: nfov (sensor mode 4), wfov (5), qmp (7), pcm (3).
 * Large frames are read in pieces of at most 512 KiB (usbfs over vhci_hcd limit).
 */
#include <errno.h>
#include <stdarg.h>
#include <libusb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../gt.h"
#include "../mcu.h"

#define PIECE (512 * 1024)
/*
 * Transfers that must complete get this long: a USB/IP round trip in a busy
 * emulated guest can take seconds, and only a hang should reach it. Where a
 * test expects no reply, it uses its own short timeout.
 */
#define TMO 30000

struct mcu {
	libusb_device_handle *h;
	int intf;
	uint8_t ep_out, ep_rsp, ep_stream;
	uint32_t tid;
	const char *name;
};

static libusb_context *ctx;
static struct mcu dmcu = { NULL, 0, 0x02, 0x81, 0x83, 0, "depth" };
static struct mcu cmcu = { NULL, 2, 0x04, 0x83, 0x82, 0, "color" };
static char serial[64];
static uint8_t *big;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* K4A_PROBE_TRACE=1: time-stamped progress on stderr */
static void trace(const char *what, long v)
{
	static int on = -1;

	if (on < 0)
		on = getenv("K4A_PROBE_TRACE") != NULL;
	if (on)
		fprintf(stderr, "probe %.3f %s %ld\n", (double)mono_ns() / 1e9, what, v);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int get_cid(libusb_device *d, uint8_t cid[16])
{
	libusb_device_handle *h;
	struct libusb_bos_descriptor *bos;
	int found = -1, i;

	if (libusb_open(d, &h))
		return -1;
	if (!libusb_get_bos_descriptor(h, &bos)) {
		for (i = 0; i < bos->bNumDeviceCaps; i++) {
			struct libusb_container_id_descriptor *c;

			if (bos->dev_capability[i]->bDevCapabilityType != LIBUSB_BT_CONTAINER_ID)
				continue;
			if (!libusb_get_container_id_descriptor(ctx, bos->dev_capability[i], &c)) {
				memcpy(cid, c->ContainerID, 16);
				libusb_free_container_id_descriptor(c);
				found = 0;
			}
		}
		libusb_free_bos_descriptor(bos);
	}
	libusb_close(h);
	return found;
}

static int get_serial(libusb_device *d, char *out, int cap)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h;
	int n;

	if (libusb_get_device_descriptor(d, &dd) || libusb_open(d, &h))
		return -1;
	n = libusb_get_string_descriptor_ascii(h, dd.iSerialNumber, (unsigned char *)out, cap);
	libusb_close(h);
	return n < 0 ? -1 : 0;
}

static int claim(struct mcu *m, libusb_device *d)
{
	if (libusb_open(d, &m->h))
		return -1;
	libusb_set_auto_detach_kernel_driver(m->h, 1);
	if (libusb_claim_interface(m->h, m->intf)) {
		libusb_close(m->h);
		m->h = NULL;
		return -1;
	}
	return 0;
}

/* Open the unit whose depth serial is @want (NULL: first). */
static int open_unit(const char *want, bool need_color)
{
	libusb_device **list;
	ssize_t n, i, k;
	int rc = -1;

	n = libusb_get_device_list(ctx, &list);
	for (i = 0; i < n && rc; i++) {
		struct libusb_device_descriptor dd;
		uint8_t cid[16], cid2[16];
		char s[64];

		if (libusb_get_device_descriptor(list[i], &dd) || dd.idVendor != 0x045e ||
		    dd.idProduct != 0x097c)
			continue;
		if (get_serial(list[i], s, sizeof(s)) || (want && strcmp(s, want)))
			continue;
		if (get_cid(list[i], cid)) {
			fprintf(stderr, "k4a-probe: %s has no Container ID\n", s);
			continue;
		}
		if (claim(&dmcu, list[i]))
			continue;
		snprintf(serial, sizeof(serial), "%s", s);
		rc = 0;
		for (k = 0; k < n; k++) {
			if (libusb_get_device_descriptor(list[k], &dd) || dd.idVendor != 0x045e ||
			    dd.idProduct != 0x097d)
				continue;
			if (get_cid(list[k], cid2) || memcmp(cid, cid2, 16))
				continue;
			if (!claim(&cmcu, list[k]))
				break;
		}
		if (need_color && !cmcu.h) {
			fprintf(stderr, "k4a-probe: no colour device with the Container ID of %s\n", s);
			rc = -1;
		}
	}
	libusb_free_device_list(list, 1);
	return rc;
}

/* Read one device transfer (ends with a short packet) in pieces; returns bytes or -errno-ish. */
static long read_xfer(libusb_device_handle *h, uint8_t ep, uint8_t *buf, long cap, int tmo)
{
	long got = 0;

	for (;;) {
		int want = cap - got > PIECE ? PIECE : (int)(cap - got), actual = 0, r;

		if (want <= 0)
			return got;
		r = libusb_bulk_transfer(h, ep, buf + got, want, &actual, tmo);
		if (r && r != LIBUSB_ERROR_OVERFLOW)
			return r < 0 ? r : -1;
		got += actual;
		if (r == LIBUSB_ERROR_OVERFLOW)
			return -1000;
		if (actual < want)
			return got;
	}
}

/**
 * Execute one command. @rlen: in: host payload size of a read (0 = none),
 * out: bytes read. Returns status (>= 0) or a negative transport error:
 * -1 send failed, -2 data stage failed, -3 no status, -4 bad status
 * length, -5 bad type, -6 bad id.
 */
static long command(struct mcu *m, uint32_t op, long *rlen, const void *data, size_t dlen,
		    uint8_t *rbuf)
{
	uint8_t pkt[MCU_HDR_SIZE + MCU_MAX_CMD_DATA + 16], st[1024];
	uint32_t tid = m->tid++;
	long want = rlen ? *rlen : 0, got;
	int actual, r;
	size_t n = mcu_pack_cmd(pkt, tid, op, (uint32_t)want, data, dlen);

	r = libusb_bulk_transfer(m->h, m->ep_out, pkt, (int)n, &actual, TMO);
	if (r || actual != (int)n)
		return -1;
	if (want > 0) {
		got = read_xfer(m->h, m->ep_rsp, rbuf, want, TMO);
		if (got < 0)
			return -2;
		*rlen = got;
	}
	r = libusb_bulk_transfer(m->h, m->ep_rsp, st, sizeof(st), &actual, TMO);
	if (r)
		return -3;
	if (actual != MCU_STATUS_SIZE)
		return -4;
	if (le32(st) != MCU_PKT_RSP)
		return -5;
	if (le32(st + 4) != tid)
		return -6;
	return le32(st + 8);
}

/* send a raw packet (no status expected); returns libusb result */
static int send_raw(struct mcu *m, const uint8_t *p, int n)
{
	int actual;

	return libusb_bulk_transfer(m->h, m->ep_out, (uint8_t *)p, n, &actual, TMO);
}

static int ntest, nfail;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!ok)
		nfail++;
	printf("%sok %d ", ok ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static long cmd_st(struct mcu *m, uint32_t op, const void *d, size_t dl)
{
	return command(m, op, NULL, d, dl, NULL);
}

static long cmd_u32(struct mcu *m, uint32_t op, uint32_t v)
{
	return command(m, op, NULL, &v, 4, NULL);
}

static uint32_t mode_of(const char *s)
{
	if (!strcmp(s, "nfov"))
		return SENSOR_MODE_NFOV;
	if (!strcmp(s, "wfov"))
		return SENSOR_MODE_WFOV;
	if (!strcmp(s, "qmp"))
		return SENSOR_MODE_QMP;
	if (!strcmp(s, "pcm"))
		return SENSOR_MODE_PCM;
	return (uint32_t)atoi(s);
}

static int do_opcodes(void)
{
	uint8_t buf[20480], ver[18];
	long n, s;
	uint32_t tag;
	uint8_t cfg[13] = { 0 };

	printf("TAP version 13\n");
	/* --- depth MCU --- */
	n = 255;
	s = command(&dmcu, OP_D_READ_SN, &n, NULL, 0, buf);
	buf[n > 0 && n < 255 ? n : 0] = 0;
	check(s == 0 && !strcmp((char *)buf, serial), "depth READ_PRODUCT_SN = iSerialNumber (%s)",
	      (char *)buf);
	n = 18;
	s = command(&dmcu, OP_D_COMPONENT_VERSION, &n, NULL, 0, ver);
	check(s == 0 && n == 18 && (ver[0] > 1 || (ver[0] == 1 && ver[1] >= 5)) &&
	      ((ver[12] | ver[13] << 8) >= 5006), "depth COMPONENT_VERSION_GET 18 bytes >= SDK minimums "
	      "(rgb %u.%u.%u depth %u.%u.%u)", ver[0], ver[1], ver[2] | ver[3] << 8, ver[4], ver[5],
	      ver[6] | ver[7] << 8);
	n = 10240;
	s = command(&dmcu, OP_D_READ_CALIB, &n, NULL, 0, buf);
	buf[n > 0 && n < (long)sizeof(buf) ? n : 0] = 0;
	check(s == 0 && n > 100 && n < 10240 && strstr((char *)buf, "\"CalibrationInformation\"") &&
	      strstr((char *)buf, "CALIBRATION_CameraLocationD0") &&
	      strstr((char *)buf, "CALIBRATION_CameraLocationPV0") &&
	      strstr((char *)buf, "CALIBRATION_InertialSensorType_Gyro"),
	      "depth READ_CALIBRATION_DATA JSON (%ld bytes)", n);
	n = 64;
	s = command(&dmcu, OP_D_READ_CALIB, &n, NULL, 0, buf);
	check(s == 0 && n == 64, "depth READ_CALIBRATION_DATA into a small buffer fills it (retry signal)");
	check(cmd_st(&dmcu, OP_D_VERSION_GET, NULL, 0) == 0, "depth VERSION_GET");
	check(cmd_st(&dmcu, OP_D_STREAM_STOP, NULL, 0) == 0, "depth STREAM_STOP when idle");
	check(cmd_st(&dmcu, OP_D_DEPTH_STOP, NULL, 0) == 0, "depth DEPTH_STOP when idle");
	check(cmd_st(&dmcu, OP_D_POWER_OFF, NULL, 0) == 0, "depth POWER_OFF");
	n = 2000000;
	tag = 2;
	s = command(&dmcu, OP_D_NV_DATA_GET, &n, &tag, 4, big);
	check(s == ST_WRONG_DEVICE_STATE && n == 0,
	      "depth NV_DATA_GET tag 2 unpowered: WRONG_DEVICE_STATE, empty data stage");
	check(cmd_st(&dmcu, OP_D_POWER_ON, NULL, 0) == 0, "depth POWER_ON");
	n = 2000000;
	s = command(&dmcu, OP_D_NV_DATA_GET, &n, &tag, 4, big);
	check(s == 0 && n == NV_BLOB_SIZE && !memcmp(big, "K4A-EMU-CCB", 11),
	      "depth NV_DATA_GET tag 2: %ld bytes", n);
	tag = 7;
	n = 2000000;
	s = command(&dmcu, OP_D_NV_DATA_GET, &n, &tag, 4, big);
	check(s == ST_PARAM_BAD_TAG && n == 0, "depth NV_DATA_GET tag 7: PARAM_BAD_TAG");
	n = 64;
	s = command(&dmcu, OP_D_NV_DATA_GET, &n, &tag, 2, big);
	check(s == ST_INVALID_PAYLOAD_SIZE, "depth NV_DATA_GET with 2-byte tag: INVALID_PAYLOAD_SIZE");
	check(cmd_st(&dmcu, OP_D_POWER_OFF, NULL, 0) == 0 && cmd_u32(&dmcu, OP_D_FPS_SET, 30) ==
	      ST_WRONG_COMMAND_STATE, "depth FPS_SET before MODE_SET: WRONG_COMMAND_STATE");
	check(cmd_u32(&dmcu, OP_D_MODE_SET, 9) == ST_INVALID_PARAMETER, "depth MODE_SET 9: INVALID_PARAMETER");
	check(cmd_st(&dmcu, OP_D_MODE_SET, "\x04\x00", 2) == ST_INVALID_PAYLOAD_SIZE,
	      "depth MODE_SET 2-byte argument: INVALID_PAYLOAD_SIZE");
	check(cmd_u32(&dmcu, OP_D_MODE_SET, SENSOR_MODE_WFOV) == 0 &&
	      cmd_u32(&dmcu, OP_D_FPS_SET, 30) == ST_INVALID_PARAMETER,
	      "depth WFOV unbinned at 30 fps: INVALID_PARAMETER");
	check(cmd_u32(&dmcu, OP_D_MODE_SET, SENSOR_MODE_NFOV) == 0 &&
	      cmd_u32(&dmcu, OP_D_FPS_SET, 7) == ST_INVALID_PARAMETER, "depth FPS_SET 7: INVALID_PARAMETER");
	check(cmd_u32(&dmcu, OP_D_FPS_SET, 30) == 0, "depth FPS_SET 30");
	check(cmd_st(&dmcu, OP_D_STREAM_START, NULL, 0) == ST_WRONG_COMMAND_STATE,
	      "depth STREAM_START before DEPTH_START: WRONG_COMMAND_STATE");
	check(cmd_st(&dmcu, OP_D_DEPTH_START, NULL, 0) == 0, "depth DEPTH_START");
	check(cmd_u32(&dmcu, OP_D_MODE_SET, SENSOR_MODE_PCM) == ST_WRONG_DEVICE_STATE,
	      "depth MODE_SET while started: WRONG_DEVICE_STATE");
	check(cmd_st(&dmcu, OP_D_STREAM_START, NULL, 0) == 0, "depth STREAM_START");
	check(cmd_st(&dmcu, OP_D_STREAM_START, NULL, 0) == ST_COMMAND_BUSY,
	      "depth STREAM_START twice: COMMAND_BUSY");
	if (cmcu.h) {
		memset(cfg, 0, sizeof(cfg));
		cfg[12] = 1;
		check(cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13) == ST_WRONG_DEVICE_STATE,
		      "color SET_SYS_CFG while depth streams: WRONG_DEVICE_STATE");
	}
	check(cmd_st(&dmcu, OP_D_STREAM_STOP, NULL, 0) == 0, "depth STREAM_STOP");
	check(cmd_st(&dmcu, OP_D_DEPTH_STOP, NULL, 0) == 0, "depth DEPTH_STOP");
	check(cmd_st(&dmcu, 0x77, NULL, 0) == ST_NOT_IMPLEMENTED, "depth unknown opcode: NOT_IMPLEMENTED");
	n = 16;
	s = command(&dmcu, 0x77, &n, NULL, 0, buf);
	check(s == ST_NOT_IMPLEMENTED && n == 0, "depth unknown read opcode: empty data stage + NOT_IMPLEMENTED");
	n = 0;
	check(command(&dmcu, OP_D_READ_SN, &n, NULL, 0, buf) == ST_INVALID_PAYLOAD_SIZE,
	      "depth READ_PRODUCT_SN without buffer: INVALID_PAYLOAD_SIZE");
	n = 8;
	s = command(&dmcu, OP_D_VERSION_GET, &n, NULL, 0, buf);
	check(s == ST_INVALID_PAYLOAD_SIZE && n == 0,
	      "depth no-data opcode with a payload size: empty data stage + INVALID_PAYLOAD_SIZE");
	check(cmd_st(&dmcu, OP_D_READ_SN, buf, MCU_MAX_CMD_DATA + 4) == ST_INVALID_PAYLOAD_SIZE,
	      "depth command data > 128 bytes: INVALID_PAYLOAD_SIZE");
	{
		uint8_t junk[24];
		int actual;

		memset(junk, 0x5a, sizeof(junk));
		send_raw(&dmcu, junk, sizeof(junk));
		check(libusb_bulk_transfer(dmcu.h, dmcu.ep_rsp, buf, 1024, &actual, 300) ==
		      LIBUSB_ERROR_TIMEOUT, "depth packet with a wrong type: no reply");
		dmcu.tid++;
	}
	n = 8;
	s = command(&dmcu, OP_D_FW_UPDATE_STATUS, &n, NULL, 0, buf);
	check(s == ST_WRONG_COMMAND_STATE, "depth GET_FIRMWARE_UPDATE_STATUS before a download: "
	      "WRONG_COMMAND_STATE");
	{
		uint8_t pkt[32], hdr2[2] = { 1, 0 };
		int actual;
		uint32_t tid = dmcu.tid++;
		size_t pl = mcu_pack_cmd(pkt, tid, OP_D_DOWNLOAD_FW, 4096, hdr2, 2);
		uint8_t st[1024];
		bool ok;

		memset(big, 0x11, 4096);
		memcpy(big, "K4FW", 4);
		ok = !send_raw(&dmcu, pkt, (int)pl) &&
		     !libusb_bulk_transfer(dmcu.h, dmcu.ep_out, big, 4096, &actual, TMO) &&
		     !libusb_bulk_transfer(dmcu.h, dmcu.ep_rsp, st, sizeof(st), &actual, TMO) &&
		     actual == 16 && le32(st + 4) == tid && le32(st + 8) == 0;
		check(ok, "depth DOWNLOAD_FIRMWARE 4096-byte image (write data stage)");
		n = 8;
		s = command(&dmcu, OP_D_FW_UPDATE_STATUS, &n, NULL, 0, buf);
		check(s == 0 && n == 8 && (buf[1] >> 6) == 0, "depth GET_FIRMWARE_UPDATE_STATUS: in progress");
		n = 8;
		s = command(&dmcu, OP_D_FW_UPDATE_STATUS, &n, NULL, 0, buf);
		check(s == 0 && n == 8 && (buf[1] >> 6) == 3 && (buf[0] & 3) == 3,
		      "depth GET_FIRMWARE_UPDATE_STATUS: succeeded");
		tid = dmcu.tid++;
		pl = mcu_pack_cmd(pkt, tid, OP_D_DOWNLOAD_FW, 2048, hdr2, 2);
		memset(big, 0, 2048);
		ok = !send_raw(&dmcu, pkt, (int)pl) &&
		     !libusb_bulk_transfer(dmcu.h, dmcu.ep_out, big, 2048, &actual, TMO) &&
		     !libusb_bulk_transfer(dmcu.h, dmcu.ep_rsp, st, sizeof(st), &actual, TMO) &&
		     actual == 16 && le32(st + 8) == 0;
		n = 8;
		s = command(&dmcu, OP_D_FW_UPDATE_STATUS, &n, NULL, 0, buf);
		check(ok && s == 0 && (buf[1] >> 6) == 1 && ((buf[0] >> 2) & 3) == 1,
		      "depth DOWNLOAD_FIRMWARE bad image: authentication failed");
	}
	/* --- colour MCU --- */
	if (!cmcu.h) {
		check(false, "color device found by Container ID");
		goto out;
	}
	check(cmd_st(&cmcu, OP_C_IMU_STOP, NULL, 0) == 0, "color IMU_STREAM_STOP when idle");
	n = 1;
	s = command(&cmcu, OP_C_GET_JACK_STATE, &n, NULL, 0, buf);
	check(s == 0 && n == 1 && buf[0] <= 3, "color GET_JACK_STATE 1 byte (0x%02x)", buf[0]);
	check(cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 12) == ST_INVALID_PAYLOAD_SIZE,
	      "color SET_SYS_CFG 12 bytes: INVALID_PAYLOAD_SIZE");
	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 3;
	check(cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13) == ST_INVALID_PARAMETER,
	      "color SET_SYS_CFG mode 3: INVALID_PARAMETER");
	cfg[0] = 0;
	cfg[4] = 100;
	check(cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13) == ST_INVALID_PARAMETER,
	      "color SET_SYS_CFG standalone with subordinate delay: INVALID_PARAMETER");
	cfg[4] = 0;
	cfg[8] = 0x60;		/* depth delay 96 ticks */
	cfg[12] = 1;
	check(cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13) == 0, "color SET_SYS_CFG standalone");
	n = 13;
	s = command(&cmcu, OP_C_GET_SYS_CFG, &n, NULL, 0, buf);
	check(s == 0 && n == 13 && !memcmp(buf, cfg, 13), "color GET_SYS_CFG returns the 13 bytes set");
	cfg[8] = 0;
	cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13);
	check(cmd_st(&cmcu, OP_C_IMU_START, NULL, 0) == 0, "color IMU_STREAM_START");
	check(cmd_st(&cmcu, OP_C_IMU_START, NULL, 0) == ST_WRONG_COMMAND_STATE,
	      "color IMU_STREAM_START twice: WRONG_COMMAND_STATE");
	{
		int i, good = 0, actual;
		uint64_t last = 0;

		for (i = 0; i < 20; i++) {
			if (libusb_bulk_transfer(cmcu.h, cmcu.ep_stream, buf, 252, &actual, TMO))
				break;
			if (actual == 252 && le32(buf + 14) == 8 && le32(buf + 24) == 8) {
				uint64_t pts = le32(buf + 28) | (uint64_t)le32(buf + 32) << 32;

				if (pts > last)
					good++;
				last = pts;
			}
		}
		check(good == 20, "color IMU packets: 20 x 252 bytes, 8+8 samples, rising pts (%d)", good);
	}
	check(cmd_st(&cmcu, OP_C_IMU_STOP, NULL, 0) == 0, "color IMU_STREAM_STOP");
	check(cmd_st(&cmcu, 0x80000077u, NULL, 0) == ST_NOT_IMPLEMENTED, "color unknown opcode: NOT_IMPLEMENTED");
	n = 4;
	s = command(&cmcu, 0x80000077u, &n, NULL, 0, buf);
	check(s == ST_NOT_IMPLEMENTED && n == 0, "color unknown read opcode: empty data stage + NOT_IMPLEMENTED");
out:
	printf("1..%d\n", ntest);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", ntest - nfail, nfail);
	return nfail ? 1 : 0;
}

/* ---- depth streaming ----------------------------------------------------- */

struct dstat {
	long frames, good, bad_size, no_gt, timeouts;
	uint64_t first_ticks, last_ticks;
	uint32_t first_cnt, last_cnt;
	int64_t first_ns, last_ns;
};

static int depth_start(uint32_t mode, uint32_t fps)
{
	long n = 2000000;
	uint32_t tag = 2;

	cmd_st(&dmcu, OP_D_STREAM_STOP, NULL, 0);
	cmd_st(&dmcu, OP_D_DEPTH_STOP, NULL, 0);
	if (cmd_u32(&dmcu, OP_D_MODE_SET, mode))
		return -1;
	if (command(&dmcu, OP_D_NV_DATA_GET, &n, &tag, 4, big))
		return -1;
	if (cmd_u32(&dmcu, OP_D_FPS_SET, fps) || cmd_st(&dmcu, OP_D_DEPTH_START, NULL, 0) ||
	    cmd_st(&dmcu, OP_D_STREAM_START, NULL, 0))
		return -1;
	return 0;
}

static void depth_stop(void)
{
	trace("stream stop", cmd_st(&dmcu, OP_D_STREAM_STOP, NULL, 0));
	trace("depth stop", cmd_st(&dmcu, OP_D_DEPTH_STOP, NULL, 0));
}

/*
 * Pipelined raw depth reader: NXFER transfers of PIECE bytes stay queued on
 * 0x83, as a driver would keep several URBs per frame. A transfer shorter than
 * PIECE ends a frame (the device ends every frame with a short packet).
 */
#define NXFER 4
struct dreader {
	struct libusb_transfer *x[NXFER];
	uint8_t *buf[NXFER];
	int done[NXFER];
	int inflight;
	unsigned int next;
	long cur;		/* bytes of the frame being received */
	uint8_t head[EMU_GT_SIZE];
	bool head_ok;
};

static int *dr_inflight;

static void LIBUSB_CALL dr_cb(struct libusb_transfer *t)
{
	*(int *)t->user_data = 1;
	if (dr_inflight)
		(*dr_inflight)--;
}

static int dr_submit(struct dreader *r, struct libusb_transfer *t)
{
	if (libusb_submit_transfer(t))
		return -1;
	r->inflight++;
	return 0;
}

static int dr_start(struct dreader *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	dr_inflight = &r->inflight;
	for (i = 0; i < NXFER; i++) {
		r->x[i] = libusb_alloc_transfer(0);
		r->buf[i] = malloc(PIECE);
		if (!r->x[i] || !r->buf[i])
			return -1;
		libusb_fill_bulk_transfer(r->x[i], dmcu.h, dmcu.ep_stream, r->buf[i], PIECE, dr_cb,
					  &r->done[i], 0);
		if (dr_submit(r, r->x[i]))
			return -1;
	}
	return 0;
}

/* Wait for the next frame until @deadline; returns its size, -1 on timeout, -2 on error. */
static long dr_frame(struct dreader *r, int64_t deadline, uint8_t *gt_out)
{
	for (;;) {
		unsigned int i = r->next;
		struct libusb_transfer *t = r->x[i];
		long actual;

		while (!r->done[i]) {
			struct timeval tv = { 0, 100000 };

			if (mono_ns() > deadline) {
				trace("frame wait timeout", i);
				return -1;
			}
			libusb_handle_events_timeout_completed(ctx, &tv, &r->done[i]);
		}
		r->done[i] = 0;
		r->next = (i + 1) % NXFER;
		if (t->status != LIBUSB_TRANSFER_COMPLETED) {
			trace("transfer status", t->status);
			return -2;
		}
		actual = t->actual_length;
		if (r->cur < EMU_GT_SIZE) {
			long n = actual < EMU_GT_SIZE - r->cur ? actual : EMU_GT_SIZE - r->cur;

			memcpy(r->head + r->cur, r->buf[i], (size_t)n);
		}
		r->cur += actual;
		if (dr_submit(r, t))
			return -2;
		if (actual < PIECE) {
			long f = r->cur;

			memcpy(gt_out, r->head, EMU_GT_SIZE);
			r->cur = 0;
			return f;
		}
	}
}

static void dr_stop(struct dreader *r)
{
	int i, tries = 0;

	for (i = 0; i < NXFER; i++)
		if (r->x[i])
			libusb_cancel_transfer(r->x[i]);
	trace("reader stop, in flight", r->inflight);
	while (r->inflight > 0 && tries++ < 20) {
		struct timeval tv = { 0, 100000 };

		if (libusb_handle_events_timeout(ctx, &tv))
			break;
	}
	trace("reader stopped, in flight", r->inflight);
	dr_inflight = NULL;
	for (i = 0; i < NXFER; i++) {
		libusb_free_transfer(r->x[i]);
		free(r->buf[i]);
	}
}

static void depth_account(struct dstat *st, long got, uint32_t size, const uint8_t *head)
{
	struct emu_gt gt;

	st->frames++;
	if (got != (long)size) {
		st->bad_size++;
		return;
	}
	if (emu_gt_unpack(head, &gt) || strncmp(gt.serial, serial, 16)) {
		st->no_gt++;
		return;
	}
	if (!st->good) {
		st->first_ticks = gt.device_ticks;
		st->first_cnt = gt.frame_counter;
		st->first_ns = mono_ns();
	}
	st->good++;
	st->last_ticks = gt.device_ticks;
	st->last_cnt = gt.frame_counter;
	st->last_ns = mono_ns();
}

static int do_depth(uint32_t mode, uint32_t fps, long nframes)
{
	uint32_t size = mcu_raw_frame_size(mode);
	struct dreader rd;
	uint8_t head[EMU_GT_SIZE];
	struct dstat st;
	double rate = 0;

	memset(&st, 0, sizeof(st));
	if (!size || depth_start(mode, fps) || dr_start(&rd)) {
		printf("depth mode=%u fps=%u start failed\n", mode, fps);
		return 1;
	}
	while (st.frames < nframes) {
		long got = dr_frame(&rd, mono_ns() + 2000000000LL, head);

		if (got < 0) {
			st.timeouts++;
			if (st.timeouts > 3 || got == -2)
				break;
			continue;
		}
		depth_account(&st, got, size, head);
	}
	dr_stop(&rd);
	depth_stop();
	if (st.good > 1)
		rate = (double)(st.good - 1) * 90000.0 / (double)(st.last_ticks - st.first_ticks);
	printf("depth mode=%u fps=%u size=%u frames=%ld good=%ld bad_size=%ld no_gt=%ld timeouts=%ld "
	       "device_fps=%.3f counter_gaps=%ld host_fps=%.2f\n", mode, fps, size, st.frames, st.good,
	       st.bad_size, st.no_gt, st.timeouts, rate,
	       st.good ? (long)(st.last_cnt - st.first_cnt + 1) - st.good : 0,
	       st.good > 1 ? (st.good - 1) * 1e9 / (double)(st.last_ns - st.first_ns) : 0.0);
	return st.good == nframes && st.bad_size == 0 && st.no_gt == 0 ? 0 : 1;
}

/* IMU reader: 8 transfers of 252 bytes in flight, as the SDK keeps them */
#define NIMU 8
static int do_imu(long count)
{
	struct libusb_transfer *x[NIMU];
	uint8_t buf[NIMU][256];
	int done[NIMU] = { 0 }, i, k = 0;
	long good = 0, n = 0, gaps = 0, nint = 0;
	uint64_t first = 0, last = 0, span = 0;
	int64_t deadline;

	if (cmd_st(&cmcu, OP_C_IMU_START, NULL, 0))
		return 1;
	for (i = 0; i < NIMU; i++) {
		x[i] = libusb_alloc_transfer(0);
		libusb_fill_bulk_transfer(x[i], cmcu.h, cmcu.ep_stream, buf[i], 252, dr_cb, &done[i], 0);
		libusb_submit_transfer(x[i]);
	}
	deadline = mono_ns() + 5000000000LL + count * 20000000LL;
	while (n < count && mono_ns() < deadline) {
		struct timeval tv = { 0, 100000 };
		struct libusb_transfer *t = x[k];
		int actual;

		if (!done[k]) {
			libusb_handle_events_timeout_completed(ctx, &tv, &done[k]);
			continue;
		}
		done[k] = 0;
		if (t->status != LIBUSB_TRANSFER_COMPLETED)
			break;
		actual = t->actual_length;
		n++;
		if (actual >= 28 && (long)actual == 28 + 14 * (long)(le32(buf[k] + 14) + le32(buf[k] + 24))) {
			uint64_t pts = le32(buf[k] + 28) | (uint64_t)le32(buf[k] + 32) << 32;

			if (good && pts - last > 649)	/* 1.5 packet periods of 432.7 ticks */
				gaps++;
			else if (good) {
				span += pts - last;
				nint++;
			}
			last = pts;
			if (!good)
				first = last;
			good++;
		}
		libusb_submit_transfer(t);
		k = (k + 1) % NIMU;
	}
	for (i = 0; i < NIMU; i++)
		libusb_cancel_transfer(x[i]);
	for (i = 0; i < 20; i++) {
		struct timeval tv = { 0, 50000 };

		libusb_handle_events_timeout(ctx, &tv);
	}
	for (i = 0; i < NIMU; i++)
		libusb_free_transfer(x[i]);
	cmd_st(&cmcu, OP_C_IMU_STOP, NULL, 0);
	/* rate over the intervals without a gap */
	printf("imu packets=%ld good=%ld gaps=%ld rate_hz=%.2f\n", n, good, gaps,
	       nint && span ? (double)nint * 90000.0 / (double)span : 0.0);
	(void)first;
	return good == count ? 0 : 1;
}

static int do_cmd(int argc, char **argv)
{
	struct mcu *m = !strcmp(argv[0], "color") ? &cmcu : &dmcu;
	uint32_t op = (uint32_t)strtoul(argv[1], NULL, 0);
	long n = argc > 2 ? strtol(argv[2], NULL, 0) : 0, i, s;
	uint8_t data[MCU_MAX_CMD_DATA + 8];
	size_t dl = 0;

	if (!m->h)
		return 2;
	if (argc > 3) {
		const char *h = argv[3];

		while (h[0] && h[1] && dl < sizeof(data)) {
			unsigned int b;

			if (sscanf(h, "%2x", &b) != 1)
				return 2;
			data[dl++] = (uint8_t)b;
			h += 2;
		}
	}
	s = command(m, op, n ? &n : NULL, data, dl, big);
	printf("status=%ld", s);
	if (n > 0 && s >= 0) {
		printf(" len=%ld data=", n);
		for (i = 0; i < n && i < 64; i++)
			printf("%02x", big[i]);
	}
	printf("\n");
	return s == 0 ? 0 : 1;
}

/*
 * stream: set the sync configuration, start depth (and IMU), read for a while.
 *   --sync standalone|master|subordinate --sub-delay-us N --depth-delay-us N
 *   --mode M --fps F --seconds S --imu --no-depth --wait-first S
 */
static int do_stream(int argc, char **argv)
{
	const char *sync = "standalone", *mstr = "nfov";
	long sub_us = 0, dd_us = 0, i;
	uint32_t fps = 5, mode, size;
	double secs = 5;
	bool imu = false, depth = true;
	uint8_t cfg[13] = { 0 };
	struct dstat st;
	struct dreader rd;
	uint8_t head[EMU_GT_SIZE];
	int64_t end;
	int32_t dd;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";

		if (!strcmp(a, "--sync"))
			sync = v, i++;
		else if (!strcmp(a, "--sub-delay-us"))
			sub_us = atol(v), i++;
		else if (!strcmp(a, "--depth-delay-us"))
			dd_us = atol(v), i++;
		else if (!strcmp(a, "--mode"))
			mstr = v, i++;
		else if (!strcmp(a, "--fps"))
			fps = (uint32_t)atoi(v), i++;
		else if (!strcmp(a, "--seconds"))
			secs = atof(v), i++;
		else if (!strcmp(a, "--imu"))
			imu = true;
		else if (!strcmp(a, "--no-depth"))
			depth = false;
		else
			return 2;
	}
	mode = mode_of(mstr);
	size = mcu_raw_frame_size(mode);
	cfg[0] = !strcmp(sync, "master") ? 1 : !strcmp(sync, "subordinate") ? 2 : 0;
	cfg[4] = (uint8_t)(sub_us * 9 / 100);
	cfg[5] = (uint8_t)((sub_us * 9 / 100) >> 8);
	cfg[6] = (uint8_t)((sub_us * 9 / 100) >> 16);
	dd = (int32_t)(dd_us * 9 / 100);
	memcpy(cfg + 8, &dd, 4);
	cfg[12] = 1;
	if (!cmcu.h)
		return 2;
	if (cfg[0]) {
		long n = 1;
		uint8_t j = 0;

		if (command(&cmcu, OP_C_GET_JACK_STATE, &n, NULL, 0, &j) || n != 1)
			return 1;
		printf("jack=0x%02x\n", j);
	}
	i = cmd_st(&cmcu, OP_C_SET_SYS_CFG, cfg, 13);
	if (i) {
		printf("SET_SYS_CFG status=%ld\n", i);
		return 1;
	}
	if (depth && (depth_start(mode, fps) || dr_start(&rd))) {
		printf("depth start failed\n");
		return 1;
	}
	if (imu)
		cmd_st(&cmcu, OP_C_IMU_START, NULL, 0);
	printf("started sync=%s mode=%u fps=%u\n", sync, mode, fps);
	fflush(stdout);
	memset(&st, 0, sizeof(st));
	end = mono_ns() + (int64_t)(secs * 1e9);
	while (mono_ns() < end) {
		if (depth) {
			long got = dr_frame(&rd, end, head);

			if (got == -1)
				continue;	/* subordinate waiting for pulses: no frames */
			if (got < 0)
				break;
			depth_account(&st, got, size, head);
		} else {
			usleep(100000);
		}
	}
	if (imu)
		cmd_st(&cmcu, OP_C_IMU_STOP, NULL, 0);
	if (depth) {
		dr_stop(&rd);
		depth_stop();
	}
	printf("stream frames=%ld good=%ld bad_size=%ld no_gt=%ld timeouts=%ld counter_gaps=%ld\n",
	       st.frames, st.good, st.bad_size, st.no_gt, st.timeouts,
	       st.good ? (long)(st.last_cnt - st.first_cnt + 1) - st.good : 0);
	return st.bad_size || st.no_gt ? 1 : 0;
}

static int do_list(void)
{
	libusb_device **list;
	ssize_t n, i;
	int k;

	n = libusb_get_device_list(ctx, &list);
	for (i = 0; i < n; i++) {
		struct libusb_device_descriptor dd;
		uint8_t cid[16];
		char s[64] = "?";

		if (libusb_get_device_descriptor(list[i], &dd) || dd.idVendor != 0x045e)
			continue;
		get_serial(list[i], s, sizeof(s));
		printf("%04x:%04x serial=%s cid=", dd.idVendor, dd.idProduct, s);
		if (get_cid(list[i], cid))
			printf("none");
		else
			for (k = 0; k < 16; k++)
				printf("%02x", cid[k]);
		printf("\n");
	}
	libusb_free_device_list(list, 1);
	return 0;
}

int main(int argc, char **argv)
{
	const char *want = NULL;
	int rc = 2;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		want = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: k4a-probe [-s SERIAL] opcodes|depth|imu|cmd|stream|reset|list ...\n");
		return 2;
	}
	big = malloc(16 << 20);
	if (!big || libusb_init(&ctx))
		return 2;
	if (!strcmp(argv[1], "list"))
		return do_list();
	if (open_unit(want, strcmp(argv[1], "depth") != 0)) {
		fprintf(stderr, "k4a-probe: unit %s not found\n", want ? want : "(any)");
		return 2;
	}
	if (!strcmp(argv[1], "opcodes"))
		rc = do_opcodes();
	else if (!strcmp(argv[1], "depth") && argc == 5)
		rc = do_depth(mode_of(argv[2]), (uint32_t)atoi(argv[3]), atol(argv[4]));
	else if (!strcmp(argv[1], "imu") && argc == 3)
		rc = do_imu(atol(argv[2]));
	else if (!strcmp(argv[1], "cmd") && argc >= 4)
		rc = do_cmd(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "stream"))
		rc = do_stream(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "clear-halt") && argc == 4) {
		struct mcu *m = !strcmp(argv[2], "color") ? &cmcu : &dmcu;

		rc = m->h && !libusb_clear_halt(m->h, (unsigned char)strtoul(argv[3], NULL, 0)) ? 0 : 1;
	} else if (!strcmp(argv[1], "reset") && argc == 3) {
		struct mcu *m = !strcmp(argv[2], "color") ? &cmcu : &dmcu;

		rc = cmd_st(m, m == &cmcu ? OP_C_RESET : OP_D_RESET, NULL, 0) == 0 ? 0 : 1;
		printf("reset %s rc=%d\n", m->name, rc);
	}
	trace("closing", rc);
	if (dmcu.h) {
		libusb_release_interface(dmcu.h, dmcu.intf);
		libusb_close(dmcu.h);
	}
	if (cmcu.h) {
		libusb_release_interface(cmcu.h, cmcu.intf);
		libusb_close(cmcu.h);
	}
	libusb_exit(ctx);
	trace("exit", rc);
	return rc;
}
