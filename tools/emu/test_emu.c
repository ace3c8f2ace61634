// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the emulator's pure parts: descriptor builder, vendor
 * command codec and MCU state machines, USB/IP codec, clocks, jitter and
 * laser windows, ground truth record, calibration data.
 * Prints one line per case and ends with "N passed, N failed".
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "gt.h"
#include "mcu.h"
#include "timing.h"
#include "usbip.h"
#ifndef EMU_NO_UVC
#include "uvc.h"
#endif

static int passed, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", cond ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		passed++;
	else
		failed++;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- descriptors ---- */

/* walk a configuration: every descriptor's bLength fits, counts interfaces/endpoints */
static int walk_cfg(const uint8_t *c, size_t len, int *nif, int *neps, int *ncomp)
{
	size_t i = 0;

	*nif = *neps = *ncomp = 0;
	if (len < 9 || c[0] != 9 || c[1] != 2 || (size_t)(c[2] | c[3] << 8) != len)
		return -1;
	while (i < len) {
		if (c[i] < 2 || i + c[i] > len)
			return -1;
		if (c[i + 1] == 4)
			(*nif)++;
		if (c[i + 1] == 5) {
			if (c[i] != 7)
				return -1;
			(*neps)++;
			if (i + 7 + 6 > len || c[i + 7] != 6 || c[i + 8] != 0x30)
				return -1;	/* SuperSpeed needs a companion after every endpoint */
		}
		if (c[i + 1] == 0x30)
			(*ncomp)++;
		i += c[i];
	}
	return 0;
}

static int bos_cid(const struct desc_set *d, uint8_t cid[16], int *ncaps)
{
	size_t i = 5;
	int found = -1;

	*ncaps = 0;
	if (d->bos_len < 5 || d->bos[1] != 0x0f || (size_t)(d->bos[2] | d->bos[3] << 8) != d->bos_len)
		return -2;
	while (i < d->bos_len) {
		if (d->bos[i] < 3 || i + d->bos[i] > d->bos_len)
			return -2;
		(*ncaps)++;
		if (d->bos[i + 2] == 4 && d->bos[i] == 20) {
			memcpy(cid, d->bos + i + 4, 16);
			found = 0;
		}
		i += d->bos[i];
	}
	return *ncaps == d->bos[4] ? found : -2;
}

static void str_ascii(const uint8_t *s, char *out)
{
	int i, n = (s[0] - 2) / 2;

	for (i = 0; i < n; i++)
		out[i] = (char)s[2 + 2 * i];
	out[n] = 0;
}

static void test_desc(void)
{
	static struct desc_set d, c, d2, f;
	struct desc_ident id = { K4A_PID_DEPTH, "000123456701", { 0 }, 0, NULL };
	uint8_t cid[16], cid2[16], cid3[16];
	int nif, neps, ncomp, ncaps, type;
	unsigned int mps;
	char s[64];

	desc_container_id(0, id.serial, id.container_id);
	ok(desc_build(&id, &d) == 0, "depth descriptors build");
	ok(d.dev[0] == 18 && d.dev[1] == 1 && (d.dev[2] | d.dev[3] << 8) == 0x0320 && d.dev[7] == 9 &&
	   (d.dev[8] | d.dev[9] << 8) == 0x045e && (d.dev[10] | d.dev[11] << 8) == 0x097c &&
	   d.dev[16] == 3 && d.dev[17] == 1, "depth device descriptor: USB 3.2, 045e:097c, iSerial 3");
	ok(walk_cfg(d.cfg, d.cfg_len, &nif, &neps, &ncomp) == 0 && nif == 1 && neps == 3 && ncomp == 3,
	   "depth configuration walks: 1 interface, 3 endpoints, 3 SS companions");
	type = desc_find_ep(d.cfg, d.cfg_len, 0, 0, 0x02, &mps, NULL);
	ok(type == 2 && mps == 1024, "depth 0x02 bulk OUT 1024");
	type = desc_find_ep(d.cfg, d.cfg_len, 0, 0, 0x81, &mps, NULL);
	ok(type == 2 && mps == 1024, "depth 0x81 bulk IN 1024");
	type = desc_find_ep(d.cfg, d.cfg_len, 0, 0, 0x83, &mps, NULL);
	ok(type == 2 && mps == 1024, "depth 0x83 bulk IN 1024");
	ok(desc_find_ep(d.cfg, d.cfg_len, -1, 0, 0x84, NULL, NULL) < 0, "no endpoint 0x84");
	ok(bos_cid(&d, cid, &ncaps) == 0 && ncaps == 3 && !memcmp(cid, id.container_id, 16),
	   "depth BOS: USB2 ext, SS cap, Container ID");
	str_ascii(d.str[3], s);
	ok(!strcmp(s, "000123456701"), "depth iSerialNumber string = serial");
	str_ascii(d.str[2], s);
	ok(!strcmp(s, "Azure Kinect Depth Camera"), "depth product string");
	ok(d.str[0][0] == 4 && d.str[0][1] == 3 && d.str[0][2] == 0x09 && d.str[0][3] == 0x04,
	   "LANGID 0x0409");

	id.pid = K4A_PID_COLOR;
	ok(desc_build(&id, &c) == 0, "colour descriptors build (vendor interface only)");
	ok(walk_cfg(c.cfg, c.cfg_len, &nif, &neps, &ncomp) == 0 && nif == 1 && neps == 3,
	   "colour configuration walks");
	ok(desc_find_ep(c.cfg, c.cfg_len, 2, 0, 0x04, NULL, NULL) == 2 &&
	   desc_find_ep(c.cfg, c.cfg_len, 2, 0, 0x83, NULL, NULL) == 2 &&
	   desc_find_ep(c.cfg, c.cfg_len, 2, 0, 0x82, NULL, NULL) == 2,
	   "colour interface 2: 0x04 OUT, 0x83 IN, 0x82 IN (bulk)");
	ok(bos_cid(&c, cid2, &ncaps) == 0 && !memcmp(cid, cid2, 16), "colour Container ID = depth's");
	str_ascii(c.str[3], s);
	ok(!strcmp(s, "000123456701"), "colour iSerialNumber = depth serial");

	desc_container_id(1, "000123456702", cid3);
	ok(memcmp(cid3, cid, 16) != 0 && (cid3[6] >> 4) == 4 && (cid3[8] >> 6) == 2,
	   "Container ID unique per unit, version 4 / RFC variant layout");

#ifndef EMU_NO_UVC
	{
		static struct desc_set u;
		struct emu_uvc *uvc = emu_uvc_new("000123456701", 0);
		int iad = 0;
		size_t i;

		id.uvc = uvc;
		ok(uvc && desc_build(&id, &u) == 0, "colour descriptors with the UVC function build");
		ok(walk_cfg(u.cfg, u.cfg_len, &nif, &neps, &ncomp) == 0 && u.cfg[4] == 3 && nif > 3,
		   "colour configuration walks: 3 interfaces (%d interface descriptors)", nif);
		for (i = 0; i + 2 < u.cfg_len; i += u.cfg[i])
			if (u.cfg[i + 1] == 11 && u.cfg[i + 2] == 0 && u.cfg[i + 3] == 2)
				iad++;
		ok(iad == 1 && u.dev[4] == 0xef && u.dev[5] == 2 && u.dev[6] == 1,
		   "IAD over interfaces 0-1, device class 0xef/2/1");
		ok(desc_find_ep(u.cfg, u.cfg_len, 1, 1, 0x81, NULL, NULL) == 1 &&
		   desc_find_ep(u.cfg, u.cfg_len, 1, 0, 0x81, NULL, NULL) < 0,
		   "video endpoint 0x81 isochronous in alt 1, absent in alt 0");
		ok(desc_find_ep(u.cfg, u.cfg_len, 2, 0, 0x82, NULL, NULL) == 2,
		   "vendor interface 2 follows the UVC interfaces");
		id.uvc = NULL;
		emu_uvc_free(uvc);
	}
#endif
	id.pid = K4A_PID_DEPTH;
	id.faults = DESC_F_NO_BOS;
	ok(desc_build(&id, &f) == 0 && f.bos_len == 0, "fault nobos: no BOS");
	id.faults = DESC_F_NO_CID;
	ok(desc_build(&id, &f) == 0 && bos_cid(&f, cid2, &ncaps) == -1 && ncaps == 2,
	   "fault nocid: BOS without Container ID");
	id.faults = DESC_F_MALFORMED;
	ok(desc_build(&id, &f) == 0 && walk_cfg(f.cfg, f.cfg_len, &nif, &neps, &ncomp) < 0,
	   "fault malformed: configuration no longer walks cleanly");
	id.faults = DESC_F_BAD_SERIAL;
	id.pid = K4A_PID_COLOR;
	ok(desc_build(&id, &f) == 0, "fault serial builds");
	str_ascii(f.str[3], s);
	ok(strcmp(s, "000123456701") != 0 && strlen(s) == 12, "fault serial: colour serial differs (%s)", s);
	id.faults = 0;
	id.serial = "000123456702";
	ok(desc_build(&id, &d2) == 0, "second unit builds");
	str_ascii(d2.str[3], s);
	ok(!strcmp(s, "000123456702"), "second unit serial");
}

/* ---- vendor commands ---- */

struct fixture {
	struct mcu_state s;
	struct mcu_env env;
	uint32_t tid;
};

static uint8_t nvblob[NV_BLOB_SIZE + 64];
static char calib[16384];

static void fx_init(struct fixture *f, enum mcu_kind k)
{
	static uint8_t ver[18];

	memset(f, 0, sizeof(*f));
	mcu_init(&f->s, k);
	mcu_version_block(ver);
	f->env.serial = "000123456701";
	f->env.calib = (const uint8_t *)calib;
	f->env.calib_len = strlen(calib);
	f->env.nvblob = nvblob;
	f->env.nvblob_len = NV_BLOB_SIZE;
	f->env.version = ver;
}

static uint32_t run(struct fixture *f, uint32_t op, uint32_t plen, const void *d, size_t dl,
		    struct mcu_result *r)
{
	uint8_t pkt[MCU_HDR_SIZE + MCU_MAX_CMD_DATA + 32];
	size_t n = mcu_pack_cmd(pkt, f->tid++, op, plen, d, dl);

	mcu_command(&f->s, &f->env, pkt, n, r);
	return r->status;
}

static uint32_t run32(struct fixture *f, uint32_t op, uint32_t v)
{
	struct mcu_result r;

	return run(f, op, 0, &v, 4, &r);
}

static void test_mcu(void)
{
	struct fixture f;
	struct mcu_result r;
	uint8_t pkt[64], st[16], cfg[13];
	uint32_t tag = 2;

	calib_nvblob("000123456701", nvblob, NV_BLOB_SIZE);
	fx_init(&f, MCU_DEPTH);
	run(&f, OP_D_READ_SN, 255, NULL, 0, &r);
	ok(r.valid && r.tid == 0 && r.status == 0 && r.data_stage && r.data_len == 12 &&
	   !memcmp(r.data, "000123456701", 12), "READ_PRODUCT_SN: 12 bytes, tid echoed");
	run(&f, OP_D_COMPONENT_VERSION, 18, NULL, 0, &r);
	ok(r.status == 0 && r.data_len == 18 && r.data[0] == 1 && r.data[1] == 6 &&
	   (r.data[12] | r.data[13] << 8) == 6109, "COMPONENT_VERSION_GET: 18 bytes, versions");
	{
		uint8_t v[18], keep[18];

		mcu_version_block(v);
		ok(!mcu_version_set(v, "depth", "1.5.65") && v[4] == 1 && v[5] == 5 &&
		   (v[6] | v[7] << 8) == 65 && !mcu_version_set(v, "sensor", "5006.27") &&
		   (v[12] | v[13] << 8) == 5006 && (v[14] | v[15] << 8) == 27 &&
		   !mcu_version_set(v, "rgb", "2.0.300") && (v[2] | v[3] << 8) == 300,
		   "version block: set depth, sensor and rgb components");
		memcpy(keep, v, sizeof(v));
		ok(mcu_version_set(v, "depth", "1.5") && mcu_version_set(v, "rgb", "256.0.0") &&
		   mcu_version_set(v, "audio", "1.2.70000") && mcu_version_set(v, "sensor", "1.2.3") &&
		   mcu_version_set(v, "imu", "1.0.0") && mcu_version_set(v, "depth", "1.5.66x") &&
		   !memcmp(v, keep, sizeof(v)), "version block: bad input refused, block unchanged");
		/* the MCU answers with the unit's block */
		f.env.version = v;
		run(&f, OP_D_COMPONENT_VERSION, 18, NULL, 0, &r);
		ok(r.status == 0 && r.data_len == 18 && !memcmp(r.data, v, 18),
		   "COMPONENT_VERSION_GET: reports the unit's (changed) versions");
		fx_init(&f, MCU_DEPTH);
	}
	run(&f, OP_D_COMPONENT_VERSION, 10, NULL, 0, &r);
	ok(r.status == ST_INVALID_PAYLOAD_SIZE && r.data_stage && r.data_len == 0,
	   "COMPONENT_VERSION_GET short buffer: empty data stage + INVALID_PAYLOAD_SIZE");
	run(&f, OP_D_READ_CALIB, 10240, NULL, 0, &r);
	ok(r.status == 0 && r.data_len == strlen(calib), "READ_CALIBRATION_DATA: whole JSON");
	run(&f, OP_D_NV_DATA_GET, 2000000, &tag, 4, &r);
	ok(r.status == ST_WRONG_DEVICE_STATE && r.data_stage && r.data_len == 0,
	   "NV_DATA_GET tag 2 before MODE_SET: WRONG_DEVICE_STATE, empty data");
	ok(run32(&f, OP_D_FPS_SET, 30) == ST_WRONG_COMMAND_STATE, "FPS_SET before MODE_SET");
	ok(run32(&f, OP_D_MODE_SET, 6) == ST_INVALID_PARAMETER, "MODE_SET 6 invalid");
	ok(run32(&f, OP_D_MODE_SET, SENSOR_MODE_NFOV) == 0, "MODE_SET 4");
	run(&f, OP_D_NV_DATA_GET, 2000000, &tag, 4, &r);
	ok(r.status == 0 && r.data_len == NV_BLOB_SIZE && r.data == nvblob, "NV_DATA_GET tag 2 blob");
	run(&f, OP_D_NV_DATA_GET, 1000, &tag, 4, &r);
	ok(r.status == 0 && r.data_len == 1000, "NV_DATA_GET clipped to the host buffer");
	tag = 99;
	run(&f, OP_D_NV_DATA_GET, 100, &tag, 4, &r);
	ok(r.status == ST_PARAM_BAD_TAG && r.data_len == 0, "NV_DATA_GET unknown tag");
	ok(run32(&f, OP_D_FPS_SET, 10) == ST_INVALID_PARAMETER, "FPS_SET 10 invalid");
	ok(run32(&f, OP_D_FPS_SET, 15) == 0, "FPS_SET 15");
	ok(run(&f, OP_D_STREAM_START, 0, NULL, 0, &r) == ST_WRONG_COMMAND_STATE,
	   "STREAM_START before DEPTH_START");
	ok(run(&f, OP_D_DEPTH_START, 0, NULL, 0, &r) == 0 && f.s.started, "DEPTH_START");
	ok(run32(&f, OP_D_FPS_SET, 5) == ST_WRONG_DEVICE_STATE, "FPS_SET while started");
	ok(run(&f, OP_D_STREAM_START, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_STREAM_ON,
	   "STREAM_START: stream on");
	ok(run(&f, OP_D_STREAM_START, 0, NULL, 0, &r) == ST_COMMAND_BUSY, "STREAM_START twice busy");
	ok(run(&f, OP_D_STREAM_STOP, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_STREAM_OFF,
	   "STREAM_STOP: stream off");
	ok(run(&f, OP_D_STREAM_STOP, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_NONE,
	   "STREAM_STOP idle: success, nothing to do");
	ok(run(&f, OP_D_DEPTH_STOP, 0, NULL, 0, &r) == 0 && !f.s.started, "DEPTH_STOP");
	ok(run32(&f, OP_D_MODE_SET, SENSOR_MODE_WFOV) == 0 && run32(&f, OP_D_FPS_SET, 30) ==
	   ST_INVALID_PARAMETER, "WFOV unbinned refuses 30 fps");
	ok(run(&f, 0x1234, 0, NULL, 0, &r) == ST_NOT_IMPLEMENTED && !r.data_stage, "unknown opcode");
	ok(run(&f, 0x1234, 64, NULL, 0, &r) == ST_NOT_IMPLEMENTED && r.data_stage && r.data_len == 0,
	   "unknown read: ZLP then NOT_IMPLEMENTED");
	ok(run(&f, OP_D_DEPTH_START, 16, NULL, 0, &r) == ST_INVALID_PAYLOAD_SIZE && r.data_stage &&
	   r.data_len == 0, "no-data opcode with payload size: ZLP + INVALID_PAYLOAD_SIZE");
	memset(pkt, 0, sizeof(pkt));
	mcu_command(&f.s, &f.env, pkt, 20, &r);
	ok(!r.valid, "wrong packet type: ignored");
	mcu_command(&f.s, &f.env, pkt, 10, &r);
	ok(!r.valid, "short packet: ignored");
	ok(run(&f, OP_D_READ_SN, 255, pkt, 64, &r) == 0, "64 bytes of command data accepted");
	{
		uint8_t d[200] = { 0 };
		size_t n = mcu_pack_cmd(d, 5, OP_D_READ_SN, 255, NULL, 0);

		mcu_command(&f.s, &f.env, d, n + 129, &r);
		ok(r.valid && r.status == ST_INVALID_PAYLOAD_SIZE && r.tid == 5,
		   "129 bytes of command data refused");
	}
	f.env.busy = true;
	ok(run(&f, OP_D_READ_SN, 255, NULL, 0, &r) == ST_COMMAND_BUSY && r.data_len == 0,
	   "booting: COMMAND_BUSY");
	f.env.busy = false;
	/* firmware download */
	{
		uint8_t two[2] = { 1, 0 }, img[600];
		bool done;

		run(&f, OP_D_DOWNLOAD_FW, 1000, two, 2, &r);
		ok(r.status == 0 && r.write_stage && !r.data_stage && f.s.expect_out == 1000,
		   "DOWNLOAD_FIRMWARE: write data stage expected");
		memset(img, 0, sizeof(img));
		memcpy(img, "K4FW", 4);
		done = mcu_write_data(&f.s, img, 600, &r);
		ok(!done && f.s.expect_out == 400, "firmware data in two pieces (1/2)");
		done = mcu_write_data(&f.s, img, 400, &r);
		ok(done && r.valid && r.tid == f.tid - 1 && r.status == 0, "firmware data (2/2) -> status");
		run(&f, OP_D_FW_UPDATE_STATUS, 8, NULL, 0, &r);
		ok(r.status == 0 && r.data_len == 8 && (r.data[1] >> 6) == 0, "update status: in progress");
		run(&f, OP_D_FW_UPDATE_STATUS, 8, NULL, 0, &r);
		ok(r.status == 0 && (r.data[1] >> 6) == 3, "update status: succeeded");
	}
	ok(run(&f, OP_D_RESET, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_RESET, "RESET action");

	/* colour MCU */
	fx_init(&f, MCU_COLOR);
	f.env.jack = 3;
	run(&f, OP_C_GET_JACK_STATE, 1, NULL, 0, &r);
	ok(r.status == 0 && r.data_len == 1 && r.data[0] == 3, "GET_JACK_STATE");
	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 2;
	cfg[4] = 0x5a;	/* 90 ticks */
	cfg[8] = 0xf6;	/* -10 ticks */
	cfg[9] = cfg[10] = cfg[11] = 0xff;
	cfg[12] = 1;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == 0 && r.action == MCU_ACT_SYS_CFG &&
	   f.s.cfg.mode == 2 && f.s.cfg.sub_delay_ticks == 90 && f.s.cfg.depth_delay_ticks == -10,
	   "SET_SYS_CFG subordinate, delays decoded (signed depth delay)");
	run(&f, OP_C_GET_SYS_CFG, 13, NULL, 0, &r);
	ok(r.status == 0 && r.data_len == 13 && !memcmp(r.data, cfg, 13), "GET_SYS_CFG echoes");
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 12, &r) == ST_INVALID_PAYLOAD_SIZE, "SET_SYS_CFG 12 bytes");
	cfg[0] = 1;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == ST_INVALID_PARAMETER,
	   "master with subordinate delay refused");
	cfg[4] = 0;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == ST_WRONG_DEVICE_STATE,
	   "master with Sync In cable refused");
	f.env.jack = 2;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == 0 && f.s.cfg.mode == 1, "master accepted");
	f.env.cameras_running = true;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == ST_WRONG_DEVICE_STATE,
	   "SET_SYS_CFG while streaming refused");
	f.env.cameras_running = false;
	cfg[8] = 0x00;
	cfg[9] = 0x00;
	cfg[10] = 0x02;	/* 131072 ticks: more than a second */
	cfg[11] = 0x00;
	ok(run(&f, OP_C_SET_SYS_CFG, 0, cfg, 13, &r) == ST_INVALID_PARAMETER, "depth delay > 1 s refused");
	ok(run(&f, OP_C_IMU_START, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_IMU_ON, "IMU start");
	ok(run(&f, OP_C_IMU_START, 0, NULL, 0, &r) == ST_WRONG_COMMAND_STATE, "IMU start twice");
	ok(run(&f, OP_C_IMU_STOP, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_IMU_OFF, "IMU stop");
	ok(run(&f, OP_C_IMU_STOP, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_NONE, "IMU stop idle");
	ok(run(&f, OP_D_READ_SN, 255, NULL, 0, &r) == ST_NOT_IMPLEMENTED, "depth opcode on colour MCU");
	ok(run(&f, OP_C_RESET, 0, NULL, 0, &r) == 0 && r.action == MCU_ACT_RESET, "colour RESET");

	mcu_pack_status(st, MCU_PKT_RSP, 0x11223344, 0x63);
	ok(le32(st) == 0x0a6fe000 && le32(st + 4) == 0x11223344 && le32(st + 8) == 0x63 &&
	   le32(st + 12) == 0, "status packet layout");
	ok(mcu_raw_frame_size(4) == 5310760 && mcu_raw_frame_size(5) == 9438664 &&
	   mcu_raw_frame_size(7) == 3777232 && mcu_raw_frame_size(3) == 1678024 &&
	   mcu_raw_frame_size(1) == 0, "raw frame sizes per sensor mode");
}

/* ---- USB/IP codec ---- */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_usbip(void)
{
	uint8_t h[USBIP_HDR_SIZE], d[16];
	struct usbip_cmd c;
	struct usbip_iso iso = { 3072, 3072, 1000, 0 }, back;

	memset(h, 0, sizeof(h));
	put_be32(h, USBIP_CMD_SUBMIT);
	put_be32(h + 4, 77);
	put_be32(h + 8, 0x10002);
	put_be32(h + 12, USBIP_DIR_OUT);
	put_be32(h + 16, 2);
	put_be32(h + 24, 20);
	h[40] = 0x80;
	ok(usbip_parse_cmd(h, &c) == 0 && c.seqnum == 77 && c.ep == 2 && c.length == 20 &&
	   c.setup[0] == 0x80, "CMD_SUBMIT decodes");
	ok(usbip_cmd_tail(&c, 0) == 20, "OUT tail = transfer length");
	c.direction = USBIP_DIR_IN;
	c.npackets = 8;
	ok(usbip_cmd_tail(&c, 1) == 128 && usbip_cmd_tail(&c, 0) == 0, "iso IN tail = descriptors");
	put_be32(h + 24, 0x80000000u);
	ok(usbip_parse_cmd(h, &c) < 0, "negative length refused");
	put_be32(h + 24, USBIP_MAX_XFER + 1);
	ok(usbip_parse_cmd(h, &c) < 0, "oversized transfer refused");
	put_be32(h + 24, 20);
	put_be32(h + 16, 16);
	ok(usbip_parse_cmd(h, &c) < 0, "endpoint 16 refused");
	put_be32(h + 16, 2);
	put_be32(h + 12, 2);
	ok(usbip_parse_cmd(h, &c) < 0, "direction 2 refused");
	put_be32(h + 12, 0);
	put_be32(h + 32, USBIP_MAX_ISO_PKTS + 1);
	ok(usbip_parse_cmd(h, &c) < 0, "too many iso packets refused");
	put_be32(h, 9);
	ok(usbip_parse_cmd(h, &c) < 0, "unknown command refused");
	put_be32(h, USBIP_CMD_UNLINK);
	put_be32(h + 20, 55);
	ok(usbip_parse_cmd(h, &c) == 0 && c.unlink_seqnum == 55, "CMD_UNLINK decodes");
	usbip_pack_ret_submit(h, 9, 0x10002, 1, 3, -32, 0, 0, 0, 0);
	ok(h[3] == 3 && h[7] == 9 && h[19] == 3 && h[20] == 0xff && h[23] == 0xe0,
	   "RET_SUBMIT big-endian, negative status");
	usbip_pack_ret_unlink(h, 10, 0x10002, -104);
	ok(h[3] == 4 && h[7] == 10 && h[23] == 0x98, "RET_UNLINK");
	usbip_pack_iso(d, &iso);
	usbip_parse_iso(d, &back);
	ok(back.offset == 3072 && back.length == 3072 && back.actual == 1000 && d[2] == 0x0c,
	   "iso descriptor round trip");
}

/* ---- clocks, jitter, laser, gt, calibration ---- */

static void test_timing(void)
{
	struct devclock c;
	struct jitter j;
	int64_t t, lo = INT64_MAX, hi = 0, sum = 0;
	int i, spikes = 0;

	clk_init(&c, 0, 1000000000, 500);
	ok(clk_ticks(&c, 1000000000) == 500 && clk_ticks(&c, 2000000000) == 90500,
	   "clock: 90000 ticks per second");
	clk_reset(&c, 5000000000LL);
	ok(clk_ticks(&c, 5000000000LL) == 0 && clk_ns(&c, 3000) == 5000000000LL + 33333334,
	   "clock reset; tick 3000 at +33.33 ms");
	clk_init(&c, 100, 0, 0);
	t = clk_ticks(&c, 10000000000LL);
	ok(t == 900090, "drift +100 ppm: 90 extra ticks in 10 s (%lld)", (long long)t);
	ok(llabs(clk_ns(&c, 900090) - 10000000000LL) <= 12, "ticks -> ns inverse");
	ok(clk_dur_ns(&c, 90) == 999900, "duration of 90 ticks at +100 ppm");
	ok(clk_span_ns(&c, 100000000) == 99990001 && clk_span_ns(&c, 0) == 0,
	   "100 ms of the device's time at +100 ppm: 99.990001 ms");

	memset(&j, 0, sizeof(j));
	ok(jitter_parse("500,2000,uniform,0,0", &j) == 0 && j.base_ns == 500000 && j.dist == JIT_UNIFORM,
	   "jitter spec parses");
	for (i = 0; i < 10000; i++) {
		t = jitter_sample(&j);
		if (t < lo)
			lo = t;
		if (t > hi)
			hi = t;
		sum += t;
	}
	ok(lo >= 500000 && hi < 2500000 && llabs(sum / 10000 - 1500000) < 50000,
	   "uniform jitter within [base, base+jit), mean in the middle");
	ok(jitter_parse("0,1000,pareto,10000,5000", &j) == 0, "pareto spec");
	lo = INT64_MAX;
	hi = 0;
	for (i = 0; i < 20000; i++) {
		t = jitter_sample(&j);
		if (t >= 5000000)
			spikes++;
		if (t > hi)
			hi = t;
	}
	ok(hi <= 20 * 1000000 + 5000000 && spikes > 50 && spikes < 2000,
	   "pareto heavy tail capped, spikes occur (%d)", spikes);
	ok(jitter_parse("1,2,gauss", &j) < 0 && jitter_parse("-1", &j) < 0, "bad jitter specs refused");

	ok(depth_exposure_ns(SENSOR_MODE_NFOV) == 12725000 && depth_exposure_ns(SENSOR_MODE_WFOV) ==
	   20245000 && depth_exposure_ns(SENSOR_MODE_PCM) == 1600000, "depth exposure per mode");
	ok(laser_overlaps(0, SENSOR_MODE_NFOV, 0, SENSOR_MODE_NFOV) == 9, "same start: 9 overlaps");
	ok(laser_overlaps(0, SENSOR_MODE_NFOV, 160000, SENSOR_MODE_NFOV) == 0, "160 us apart: none");
	ok(laser_overlaps(0, SENSOR_MODE_NFOV, 100000, SENSOR_MODE_NFOV) == 9, "100 us apart: 9");
	ok(laser_overlaps(0, SENSOR_MODE_NFOV, 1575000, SENSOR_MODE_NFOV) == 8,
	   "one pulse period apart: 8 overlaps");
	ok(laser_overlaps(0, SENSOR_MODE_PCM, 0, SENSOR_MODE_NFOV) == 0, "passive IR: no laser");
	ok(laser_overlaps(0, SENSOR_MODE_NFOV, 20000000, SENSOR_MODE_NFOV) == 0, "disjoint exposures");
}

/* The early-wake budget: deterministic token-bucket arithmetic. */
static void test_punctual(void)
{
	struct punctual p;
	int64_t early, t = 1000000000;
	uint32_t share;
	int i, n = 0;

	ok(punctual_parse("250", &early, &share) == 0 && early == 250000 && share == 50000,
	   "punctual spec: US, default 5 %%");
	ok(punctual_parse("100,2.5", &early, &share) == 0 && early == 100000 && share == 25000,
	   "punctual spec: US,PCT");
	ok(punctual_parse("x", &early, &share) < 0 && punctual_parse("100,", &early, &share) < 0 &&
	   punctual_parse("-1", &early, &share) < 0 && punctual_parse("100,101", &early, &share) < 0 &&
	   punctual_parse("100,5x", &early, &share) < 0, "bad punctual specs refused");

	punctual_init(&p, 0, 50000, t);
	ok(punctual_wake(&p, t, t + 1000000) == t + 1000000 && !punctual_spin(&p, t, t + 1000),
	   "off: sleep to the due time, never wait on the clock");

	punctual_init(&p, 250000, 50000, t);
	ok(punctual_wake(&p, t, t + 1000000) == t + 750000, "wake 250 us early");
	ok(punctual_wake(&p, t, t + 100000) == t + 100000, "due within the window: no earlier wake");
	ok(!punctual_spin(&p, t, t + 300000) && !punctual_spin(&p, t, t) &&
	   !punctual_spin(&p, t, t - 5), "no wait for a due time outside the window or past");
	ok(punctual_spin(&p, t, t + 200000) && p.spins == 1 && p.spun_ns == 200000,
	   "wait for a due time within the window, charged");
	/* the saved-up credit (20 early wakes) runs out without time passing */
	for (i = 0; i < 40; i++)
		n += punctual_spin(&p, t, t + 200000);
	ok(n == 24 && p.short_wakes == 16 && punctual_wake(&p, t, t + 1000000) == t + 1000000,
	   "a burst spends the saved-up credit, then sleeps to the due time (%d waits)", n);
	/* 5 % of 10 ms refills 500 us: two waits of 200 us */
	t += 10000000;
	n = 0;
	for (i = 0; i < 5; i++)
		n += punctual_spin(&p, t, t + 200000);
	ok(n == 2, "credit refills at the share of the time (%d waits)", n);
	t += 1000000000000000LL;
	ok(punctual_wake(&p, t, t + 1000000) == t + 750000 && p.credit_ns == p.burst_ns,
	   "a long idle refills no more than the burst");
}

static void test_gt(void)
{
	struct emu_gt g = { EMU_GT_COLOR, EMU_GT_F_SOF, "000123456701", 42, 123456789012ull,
			    987654321098765ull }, b;
	uint8_t raw[EMU_GT_SIZE];

	emu_gt_pack(&g, raw);
	ok(raw[0] == 'K' && raw[1] == '4' && raw[2] == 'G' && raw[3] == 'T' && raw[4] == 1 &&
	   raw[5] == 1 && raw[6] == 1 && raw[24] == 42 && le32(raw + 28) == 0,
	   "ground truth layout (magic K4GT, version, stream, flags, counter, reserved)");
	ok(emu_gt_unpack(raw, &b) == 0 && b.device_ticks == g.device_ticks &&
	   b.soe_mono_ns == g.soe_mono_ns && !memcmp(b.serial, g.serial, 12), "round trip");
	raw[0] = 0;
	ok(emu_gt_unpack(raw, &b) < 0, "bad magic refused");
}

static int json_balanced(const char *s)
{
	int depth = 0, instr = 0;

	for (; *s; s++) {
		if (*s == '"')
			instr = !instr;
		if (instr)
			continue;
		if (*s == '{' || *s == '[')
			depth++;
		if (*s == '}' || *s == ']')
			depth--;
		if (depth < 0)
			return 0;
	}
	return depth == 0 && !instr;
}

static void test_calib(void)
{
	char other[16384];
	size_t n = calib_json("000123456701", 0, calib, sizeof(calib));
	size_t m = calib_json("000123456702", 1, other, sizeof(other));
	uint8_t a[4096], b[4096];

	calib[n] = 0;
	other[m] = 0;
	ok(n > 1000 && n < 10240 && json_balanced(calib), "calibration JSON balanced, < 10240 (%zu)", n);
	ok(strstr(calib, "\"CalibrationInformation\"") && strstr(calib, "CALIBRATION_CameraLocationD0") &&
	   strstr(calib, "CALIBRATION_CameraLocationPV0") && strstr(calib, "\"ModelParameterCount\":14") &&
	   strstr(calib, "CALIBRATION_InertialSensorType_Gyro") &&
	   strstr(calib, "CALIBRATION_InertialSensorType_Accelerometer") &&
	   strstr(calib, "\"MixingMatrixTemperatureModel\"") && strstr(calib, "\"SensorWidth\":1024"),
	   "calibration JSON has the fields the SDK parses");
	ok(!strstr(calib, "nan") && !strstr(calib, "inf"), "no NaN/inf in JSON");
	ok(strcmp(calib, other) != 0, "units differ");
	ok(calib_json("x", 0, other, 100) == 0, "too small a buffer reports 0");
	calib_nvblob("000123456701", a, sizeof(a));
	calib_nvblob("000123456701", b, sizeof(b));
	ok(!memcmp(a, b, sizeof(a)) && !memcmp(a, "K4A-EMU-CCB v1 000123456701", 27),
	   "NV blob deterministic with header");
	calib_nvblob("000123456702", b, sizeof(b));
	ok(memcmp(a, b, sizeof(a)) != 0, "NV blob per unit");
	ok(NV_BLOB_SIZE % 1024 != 0 && NV_BLOB_SIZE < 2000000, "NV blob size ends in a short packet");
}

int main(void)
{
	test_calib();
	test_desc();
	test_mcu();
	test_usbip();
	test_timing();
	test_punctual();
	test_gt();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
