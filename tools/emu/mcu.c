// SPDX-License-Identifier: GPL-2.0
/* Depth and colour MCU firmware model. See Documentation/emulator.rst. */
#include "mcu.h"
#include "le.h"

#include <stdio.h>
#include <string.h>

void mcu_init(struct mcu_state *s, enum mcu_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->cfg.led = 1;
}

void mcu_pack_status(uint8_t out[MCU_STATUS_SIZE], uint32_t type, uint32_t tid, uint32_t status)
{
	put32(out, type);
	put32(out + 4, tid);
	put32(out + 8, status);
	put32(out + 12, 0);
}

size_t mcu_pack_cmd(uint8_t *out, uint32_t tid, uint32_t opcode, uint32_t payload_size,
		    const void *data, size_t data_len)
{
	put32(out, MCU_PKT_CMD);
	put32(out + 4, tid);
	put32(out + 8, payload_size);
	put32(out + 12, opcode);
	put32(out + 16, 0);
	if (data_len)
		memcpy(out + MCU_HDR_SIZE, data, data_len);
	return MCU_HDR_SIZE + data_len;
}

uint32_t mcu_raw_frame_size(uint32_t sensor_mode)
{
	switch (sensor_mode) {
	case SENSOR_MODE_NFOV:
		return 5310760;
	case SENSOR_MODE_QMP:
		return 3777232;
	case SENSOR_MODE_WFOV:
		return 9438664;
	case SENSOR_MODE_PCM:
		return 1678024;
	}
	return 0;
}

int mcu_version_set(uint8_t block[18], const char *component, const char *version)
{
	unsigned int a, b, c;
	int n;
	char end;

	if (!strcmp(component, "sensor")) {
		/* depth sensor configuration: MAJOR.MINOR, 16 bits each */
		if (sscanf(version, "%u.%u%c", &a, &b, &end) != 2 || a > 0xffff || b > 0xffff)
			return -1;
		put16(block + 12, a);
		put16(block + 14, b);
		return 0;
	}
	if (!strcmp(component, "rgb"))
		n = 0;
	else if (!strcmp(component, "depth"))
		n = 4;
	else if (!strcmp(component, "audio"))
		n = 8;
	else
		return -1;
	/* MAJOR.MINOR.BUILD: 8, 8 and 16 bits */
	if (sscanf(version, "%u.%u.%u%c", &a, &b, &c, &end) != 3 || a > 0xff || b > 0xff ||
	    c > 0xffff)
		return -1;
	block[n] = (uint8_t)a;
	block[n + 1] = (uint8_t)b;
	put16(block + n + 2, c);
	return 0;
}

void mcu_version_block(uint8_t out[18])
{
	/* RGB 1.6.110, depth 1.6.79, audio 1.6.14, depth config 6109.7,
	 * release build, Microsoft signature */
	const uint8_t v[18] = { 1, 6, 110, 0, 1, 6, 79, 0, 1, 6, 14, 0,
				0xdd, 0x17, 7, 0, 0, 0 };

	memcpy(out, v, sizeof(v));
}

static void reply_small(struct mcu_result *r, const void *d, size_t n, uint32_t host_len)
{
	if (n > sizeof(r->small))
		n = sizeof(r->small);
	memcpy(r->small, d, n);
	r->data = r->small;
	r->data_len = n < host_len ? n : host_len;
}

static void reply_big(struct mcu_result *r, const uint8_t *d, size_t n, uint32_t host_len)
{
	r->data = d;
	r->data_len = n < host_len ? n : host_len;
}

static bool depth_is_read(uint32_t op)
{
	return op == OP_D_NV_DATA_GET || op == OP_D_READ_CALIB || op == OP_D_READ_SN ||
	       op == OP_D_COMPONENT_VERSION || op == OP_D_FW_UPDATE_STATUS;
}

static bool color_is_read(uint32_t op)
{
	return op == OP_C_GET_JACK_STATE || op == OP_C_GET_SYS_CFG;
}

struct opname {
	uint32_t op;
	const char *name;
};

/* names as in k4a-protocol.md, sections 4 and 5 */
static const struct opname depth_ops[] = {
	{ OP_D_RESET, "RESET" },
	{ OP_D_VERSION_GET, "VERSION_GET" },
	{ OP_D_DEPTH_START, "DEPTH_START" },
	{ OP_D_DEPTH_STOP, "DEPTH_STOP" },
	{ OP_D_NV_DATA_GET, "NV_DATA_GET" },
	{ OP_D_MODE_SET, "DEPTH_MODE_SET" },
	{ OP_D_POWER_OFF, "DEPTH_POWER_OFF" },
	{ OP_D_POWER_ON, "DEPTH_POWER_ON" },
	{ OP_D_STREAM_START, "DEPTH_STREAM_START" },
	{ OP_D_STREAM_STOP, "DEPTH_STREAM_STOP" },
	{ OP_D_FPS_SET, "DEPTH_FPS_SET" },
	{ OP_D_READ_CALIB, "READ_CALIBRATION_DATA" },
	{ OP_D_READ_SN, "READ_PRODUCT_SN" },
	{ OP_D_COMPONENT_VERSION, "COMPONENT_VERSION_GET" },
	{ OP_D_DOWNLOAD_FW, "DOWNLOAD_FIRMWARE" },
	{ OP_D_FW_UPDATE_STATUS, "GET_FIRMWARE_UPDATE_STATUS" },
};

static const struct opname color_ops[] = {
	{ OP_C_RESET, "RESET" },
	{ OP_C_SET_SYS_CFG, "SET_SYS_CFG" },
	{ OP_C_GET_SYS_CFG, "GET_SYS_CFG" },
	{ OP_C_IMU_START, "IMU_STREAM_START" },
	{ OP_C_IMU_STOP, "IMU_STREAM_STOP" },
	{ OP_C_GET_JACK_STATE, "GET_JACK_STATE" },
};

static const char *op_lookup(enum mcu_kind k, uint32_t op)
{
	const struct opname *t = k == MCU_DEPTH ? depth_ops : color_ops;
	size_t n = k == MCU_DEPTH ? sizeof(depth_ops) / sizeof(depth_ops[0]) :
		   sizeof(color_ops) / sizeof(color_ops[0]), i;

	for (i = 0; i < n; i++)
		if (t[i].op == op)
			return t[i].name;
	return NULL;
}

const char *mcu_opcode_name(enum mcu_kind kind, uint32_t opcode)
{
	const char *n = op_lookup(kind, opcode);

	return n ? n : "UNKNOWN";
}

static bool is_known(enum mcu_kind k, uint32_t op)
{
	return op_lookup(k, op) != NULL;
}

static void depth_cmd(struct mcu_state *s, const struct mcu_env *env, uint32_t op,
		      const uint8_t *d, size_t dl, uint32_t host_len, struct mcu_result *r)
{
	uint32_t arg = dl >= 4 ? get32(d) : 0;

	switch (op) {
	case OP_D_RESET:
		r->action = MCU_ACT_RESET;
		break;
	case OP_D_VERSION_GET:
		break;
	case OP_D_POWER_ON:
		s->powered = true;
		break;
	case OP_D_POWER_OFF:
		if (s->started)
			r->status = ST_WRONG_DEVICE_STATE;
		else
			s->powered = false;
		break;
	case OP_D_MODE_SET:
		if (dl != 4)
			r->status = ST_INVALID_PAYLOAD_SIZE;
		else if (!mcu_raw_frame_size(arg))
			r->status = ST_INVALID_PARAMETER;
		else if (s->started)
			r->status = ST_WRONG_DEVICE_STATE;
		else {
			if (s->mode != arg)
				s->fps = 0;
			s->mode = arg;
			s->powered = true;
		}
		break;
	case OP_D_FPS_SET:
		if (dl != 4)
			r->status = ST_INVALID_PAYLOAD_SIZE;
		else if (arg != 5 && arg != 15 && arg != 30)
			r->status = ST_INVALID_PARAMETER;
		else if (!s->mode)
			r->status = ST_WRONG_COMMAND_STATE;
		else if (s->mode == SENSOR_MODE_WFOV && arg == 30)
			r->status = ST_INVALID_PARAMETER;
		else if (s->started)
			r->status = ST_WRONG_DEVICE_STATE;
		else
			s->fps = arg;
		break;
	case OP_D_DEPTH_START:
		if (!s->mode || !s->fps)
			r->status = ST_WRONG_COMMAND_STATE;
		else
			s->started = true;
		break;
	case OP_D_DEPTH_STOP:
		if (s->streaming) {
			s->streaming = false;
			r->action = MCU_ACT_STREAM_OFF;
		} else if (s->started) {
			r->action = MCU_ACT_SENSOR_OFF;
		}
		s->started = false;
		break;
	case OP_D_STREAM_START:
		if (!s->started)
			r->status = ST_WRONG_COMMAND_STATE;
		else if (s->streaming)
			r->status = ST_COMMAND_BUSY;
		else {
			s->streaming = true;
			r->action = MCU_ACT_STREAM_ON;
		}
		break;
	case OP_D_STREAM_STOP:
		if (s->streaming)
			r->action = MCU_ACT_STREAM_OFF;
		s->streaming = false;
		break;
	case OP_D_NV_DATA_GET:
		if (dl != 4)
			r->status = ST_INVALID_PAYLOAD_SIZE;
		else if (arg == 2 && !s->powered)
			r->status = ST_WRONG_DEVICE_STATE;
		else if (arg == 2)
			reply_big(r, env->nvblob, env->nvblob_len, host_len);
		else if (arg == 1)
			reply_big(r, (const uint8_t *)env->serial, strlen(env->serial), host_len);
		else
			r->status = ST_PARAM_BAD_TAG;
		break;
	case OP_D_READ_CALIB:
		reply_big(r, env->calib, env->calib_len, host_len);
		break;
	case OP_D_READ_SN:
		reply_big(r, (const uint8_t *)env->serial, strlen(env->serial), host_len);
		break;
	case OP_D_COMPONENT_VERSION:
		if (host_len < 18) {
			r->status = ST_INVALID_PAYLOAD_SIZE;
			break;
		}
		reply_small(r, env->version, 18, host_len);
		break;
	case OP_D_DOWNLOAD_FW:
		if (dl != 2 || host_len == 0)
			r->status = ST_INVALID_PAYLOAD_SIZE;
		else if (s->started)
			r->status = ST_WRONG_DEVICE_STATE;
		else {
			s->expect_out = host_len;
			s->fw_off = 0;
			r->write_stage = true;
		}
		break;
	case OP_D_FW_UPDATE_STATUS: {
		uint8_t st[8];
		uint16_t v;
		int i;

		if (!s->fw_loaded) {
			r->status = ST_WRONG_COMMAND_STATE;
			break;
		}
		/* first poll: transfer done, flashing in progress; later: final */
		if (s->fw_bad)
			v = 0x4000 | 0x0004 | 0x0003;	/* overall failed, auth failed */
		else if (s->fw_polls++ == 0)
			v = 0x0030 | 0x000c | 0x0003;	/* in progress */
		else
			v = 0xc000 | 0x0300 | 0x00c0 | 0x0030 | 0x000c | 0x0003;
		for (i = 0; i < 4; i++) {
			st[2 * i] = (uint8_t)v;
			st[2 * i + 1] = (uint8_t)(v >> 8);
		}
		reply_small(r, st, 8, host_len);
		break;
	}
	default:
		r->status = ST_NOT_IMPLEMENTED;
		break;
	}
}

static void color_cmd(struct mcu_state *s, const struct mcu_env *env, uint32_t op,
		      const uint8_t *d, size_t dl, uint32_t host_len, struct mcu_result *r)
{
	uint8_t tmp[13];

	switch (op) {
	case OP_C_RESET:
		r->action = MCU_ACT_RESET;
		break;
	case OP_C_SET_SYS_CFG: {
		struct mcu_sys_cfg c;

		if (dl != 13) {
			r->status = ST_INVALID_PAYLOAD_SIZE;
			break;
		}
		c.mode = get32(d);
		c.sub_delay_ticks = get32(d + 4);
		c.depth_delay_ticks = (int32_t)get32(d + 8);
		c.led = d[12];
		if (c.mode > SYNC_SUBORDINATE || c.sub_delay_ticks > 90000 ||
		    c.depth_delay_ticks > 90000 || c.depth_delay_ticks < -90000 || c.led > 1)
			r->status = ST_INVALID_PARAMETER;
		else if (c.mode != SYNC_SUBORDINATE && c.sub_delay_ticks)
			r->status = ST_INVALID_PARAMETER;
		else if (env->cameras_running)
			r->status = ST_WRONG_DEVICE_STATE;
		else if (c.mode == SYNC_MASTER && (env->jack & 1))
			r->status = ST_WRONG_DEVICE_STATE;	/* master with Sync In cable */
		else {
			s->cfg = c;
			r->action = MCU_ACT_SYS_CFG;
		}
		break;
	}
	case OP_C_GET_SYS_CFG:
		put32(tmp, s->cfg.mode);
		put32(tmp + 4, s->cfg.sub_delay_ticks);
		put32(tmp + 8, (uint32_t)s->cfg.depth_delay_ticks);
		tmp[12] = s->cfg.led;
		reply_small(r, tmp, 13, host_len);
		break;
	case OP_C_IMU_START:
		if (s->imu_on)
			r->status = ST_WRONG_COMMAND_STATE;
		else {
			s->imu_on = true;
			r->action = MCU_ACT_IMU_ON;
		}
		break;
	case OP_C_IMU_STOP:
		if (s->imu_on)
			r->action = MCU_ACT_IMU_OFF;
		s->imu_on = false;
		break;
	case OP_C_GET_JACK_STATE:
		if (host_len < 1) {
			r->status = ST_INVALID_PAYLOAD_SIZE;
			break;
		}
		tmp[0] = env->jack & 3;
		reply_small(r, tmp, 1, host_len);
		break;
	default:
		r->status = ST_NOT_IMPLEMENTED;
		break;
	}
}

void mcu_command(struct mcu_state *s, const struct mcu_env *env, const uint8_t *pkt,
		 size_t len, struct mcu_result *r)
{
	uint32_t host_len;
	bool is_read;

	memset(r, 0, sizeof(*r));
	if (len < MCU_HDR_SIZE || get32(pkt) != MCU_PKT_CMD)
		return;		/* not a command: no transaction id to answer */
	r->valid = true;
	r->tid = get32(pkt + 4);
	host_len = get32(pkt + 8);
	r->opcode = get32(pkt + 12);
	is_read = s->kind == MCU_DEPTH ? depth_is_read(r->opcode) : color_is_read(r->opcode);
	/* the host posts a read whenever it announced a payload for a
	 * non-write opcode: answer it (empty if need be) before the status */
	r->data_stage = host_len > 0 && !(s->kind == MCU_DEPTH && r->opcode == OP_D_DOWNLOAD_FW);
	s->expect_out = 0;
	if (len - MCU_HDR_SIZE > MCU_MAX_CMD_DATA) {
		r->status = ST_INVALID_PAYLOAD_SIZE;
		return;
	}
	if (env->busy) {
		r->status = ST_COMMAND_BUSY;
		return;
	}
	if (!is_known(s->kind, r->opcode)) {
		r->status = ST_NOT_IMPLEMENTED;
		return;
	}
	if (!is_read && r->data_stage) {
		/* no-data opcode with a payload size: refuse, empty data stage */
		r->status = ST_INVALID_PAYLOAD_SIZE;
		return;
	}
	if (is_read && !host_len) {
		r->status = ST_INVALID_PAYLOAD_SIZE;
		return;
	}
	if (s->kind == MCU_DEPTH)
		depth_cmd(s, env, r->opcode, pkt + MCU_HDR_SIZE, len - MCU_HDR_SIZE, host_len, r);
	else
		color_cmd(s, env, r->opcode, pkt + MCU_HDR_SIZE, len - MCU_HDR_SIZE, host_len, r);
	if (r->status)
		r->data_len = 0;
	if (r->write_stage)
		s->pending_tid = r->tid;
}

bool mcu_write_data(struct mcu_state *s, const uint8_t *data, size_t len, struct mcu_result *r)
{
	size_t n = len < s->expect_out ? len : s->expect_out;

	memset(r, 0, sizeof(*r));
	/* an image must start with the tag "K4FW" (emulator rule) */
	if (s->fw_off == 0)
		s->fw_bad = n < 4 || memcmp(data, "K4FW", 4) != 0;
	s->fw_off += (uint32_t)n;
	s->expect_out -= (uint32_t)n;
	if (s->expect_out)
		return false;
	r->valid = true;
	r->tid = s->pending_tid;
	r->opcode = OP_D_DOWNLOAD_FW;
	s->fw_loaded = true;
	s->fw_polls = 0;
	return true;
}
