/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Vendor command protocol of the depth MCU (045e:097c interface 0) and the
 * colour MCU (045e:097d interface 2): command packet codec and the firmware
 * state machines. No I/O here: the transport feeds packets in and sends the
 * returned data stage and status packet.
 */
#ifndef K4A_EMU_MCU_H
#define K4A_EMU_MCU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCU_PKT_CMD		0x06022009u
#define MCU_PKT_RSP		0x0a6fe000u
#define MCU_HDR_SIZE		20
#define MCU_MAX_CMD_DATA	128
#define MCU_STATUS_SIZE		16

/* status codes */
#define ST_SUCCESS		0x00
#define ST_ERROR		0x01
#define ST_INVALID_PARAMETER	0x03
#define ST_COMMAND_BUSY		0x07
#define ST_NOT_IMPLEMENTED	0x08
#define ST_PARAM_BAD_TAG	0x0d
#define ST_INVALID_PAYLOAD_SIZE	0x12
#define ST_FAILED		0x63
#define ST_WRONG_COMMAND_STATE	0x101
#define ST_WRONG_DEVICE_STATE	0x102

/* depth opcodes */
#define OP_D_RESET		0x00
#define OP_D_VERSION_GET	0x02
#define OP_D_DEPTH_START	0x09
#define OP_D_DEPTH_STOP		0x0a
#define OP_D_NV_DATA_GET	0x22
#define OP_D_MODE_SET		0xe1
#define OP_D_POWER_OFF		0xef
#define OP_D_POWER_ON		0xf0
#define OP_D_STREAM_START	0xf1
#define OP_D_STREAM_STOP	0xf2
#define OP_D_FPS_SET		0x103
#define OP_D_READ_CALIB		0x111
#define OP_D_READ_SN		0x115
#define OP_D_COMPONENT_VERSION	0x201
#define OP_D_DOWNLOAD_FW	0x202
#define OP_D_FW_UPDATE_STATUS	0x203

/* colour opcodes */
#define OP_C_RESET		0x80000000u
#define OP_C_SET_SYS_CFG	0x80000001u
#define OP_C_GET_SYS_CFG	0x80000002u
#define OP_C_IMU_START		0x80000003u
#define OP_C_IMU_STOP		0x80000004u
#define OP_C_GET_JACK_STATE	0x80000006u

/* sensor modes (MODE_SET argument) */
#define SENSOR_MODE_PCM		3
#define SENSOR_MODE_NFOV	4
#define SENSOR_MODE_WFOV	5
#define SENSOR_MODE_QMP		7

#define SYNC_STANDALONE	0
#define SYNC_MASTER	1
#define SYNC_SUBORDINATE 2

#define NV_BLOB_SIZE	1153433u	/* NV tag 2 blob, deliberately not a multiple of 1024 */

enum mcu_kind { MCU_DEPTH, MCU_COLOR };

/* side effects the transport/model must carry out after a command */
enum mcu_action {
	MCU_ACT_NONE,
	MCU_ACT_RESET,		/* send status, then re-enumerate the unit */
	MCU_ACT_STREAM_ON,	/* depth: frames may flow on 0x83 */
	MCU_ACT_STREAM_OFF,
	MCU_ACT_IMU_ON,
	MCU_ACT_IMU_OFF,
	MCU_ACT_SYS_CFG,	/* sync configuration changed */
	MCU_ACT_SENSOR_OFF,	/* depth sensor stopped */
};

/**
 * struct mcu_sys_cfg - SET_SYS_CFG payload (host order)
 */
struct mcu_sys_cfg {
	uint32_t mode;
	uint32_t sub_delay_ticks;
	int32_t depth_delay_ticks;
	uint8_t led;
};

/**
 * struct mcu_state - firmware state of one MCU
 * @kind:        which MCU
 * @mode:        depth sensor mode set by MODE_SET (0 = none)
 * @fps:         depth fps set by FPS_SET (0 = none)
 * @powered:     depth sensor powered (MODE_SET or POWER_ON)
 * @started:     DEPTH_START done
 * @streaming:   DEPTH_STREAM_START done
 * @fw_polls:    GET_FIRMWARE_UPDATE_STATUS polls since the last download
 * @fw_bad:      last firmware image was rejected
 * @fw_loaded:   a download happened
 * @expect_out:  bytes of write data stage still expected on the command endpoint
 * @fw_off:      bytes of the current firmware image received so far
 * @pending_tid: transaction id of the command waiting for its write data stage
 * @cfg:         colour: last SET_SYS_CFG
 * @imu_on:      colour: IMU streaming
 */
struct mcu_state {
	enum mcu_kind kind;
	uint32_t mode, fps;
	bool powered, started, streaming;
	unsigned int fw_polls;
	bool fw_bad, fw_loaded;
	uint32_t expect_out;
	uint32_t fw_off;
	uint32_t pending_tid;
	struct mcu_sys_cfg cfg;
	bool imu_on;
};

/**
 * struct mcu_env - what the firmware can see of the rest of the unit
 */
struct mcu_env {
	const char *serial;
	const uint8_t *calib;
	size_t calib_len;
	const uint8_t *nvblob;
	size_t nvblob_len;
	uint8_t jack;		/* bit0 sync in, bit1 sync out cable */
	bool busy;		/* still booting: every command gets COMMAND_BUSY */
	bool cameras_running;	/* colour or depth streaming (SET_SYS_CFG refused) */
	const uint8_t *version;	/* 18 bytes, the unit's COMPONENT_VERSION_GET reply */
};

/**
 * struct mcu_result - what to send back for one command
 * @valid:     false: packet was garbage (no id): nothing is sent, it is counted
 * @opcode:    decoded command
 * @tid:       transaction id to echo
 * @status:    status code for the status packet
 * @data_stage: true: a read data stage precedes the status (possibly empty = ZLP)
 * @data:      data stage bytes (persistent memory or @small)
 * @data_len:  bytes in the data stage (≤ host payload size)
 * @small:     storage for short replies
 * @action:    side effect
 * @write_stage: the host will now send @state->expect_out bytes on the command endpoint
 */
struct mcu_result {
	bool valid;
	uint32_t opcode, tid, status;
	bool data_stage;
	const uint8_t *data;
	size_t data_len;
	uint8_t small[32];
	enum mcu_action action;
	bool write_stage;
};

void mcu_init(struct mcu_state *s, enum mcu_kind kind);

/* Decode and execute one command packet (one bulk OUT transfer). */
void mcu_command(struct mcu_state *s, const struct mcu_env *env, const uint8_t *pkt,
		 size_t len, struct mcu_result *r);

/* Consume a write data stage chunk (firmware image). Returns true when the
 * stage is complete; then *r holds the status to send. */
bool mcu_write_data(struct mcu_state *s, const uint8_t *data, size_t len, struct mcu_result *r);

/* Build a 16-byte status packet. */
void mcu_pack_status(uint8_t out[MCU_STATUS_SIZE], uint32_t type, uint32_t tid, uint32_t status);

/* Build a command packet (used by tests and the probe). Returns its length. */
size_t mcu_pack_cmd(uint8_t *out, uint32_t tid, uint32_t opcode, uint32_t payload_size,
		    const void *data, size_t data_len);

/* Name of an opcode as in k4a-protocol.md (e.g. "NV_DATA_GET"), "UNKNOWN" if none. */
const char *mcu_opcode_name(enum mcu_kind kind, uint32_t opcode);

/* Raw depth frame bytes of a sensor mode, 0 if unknown. */
uint32_t mcu_raw_frame_size(uint32_t sensor_mode);

/* Firmware version block (18 bytes) of the emulated device. */
void mcu_version_block(uint8_t out[18]);
/*
 * Set one component of a version block: rgb|depth|audio as MAJOR.MINOR.BUILD,
 * sensor as MAJOR.MINOR. Returns 0, or -1 (block unchanged) for a bad input.
 */
int mcu_version_set(uint8_t block[18], const char *component, const char *version);

/* Calibration JSON of a unit; returns bytes written (no NUL) or 0. */
size_t calib_json(const char *serial, unsigned int index, char *out, size_t cap);
/* Deterministic NV tag 2 blob of NV_BLOB_SIZE bytes. */
void calib_nvblob(const char *serial, uint8_t *out, size_t len);

#endif
