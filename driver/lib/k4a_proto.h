/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_proto: the MCU command protocol of the Azure Kinect DK, without any
 * transport. Encodes command packets, validates status packets and decodes
 * the small identity replies. Every function here is pure: no allocation,
 * no sleeping, no locking, so the same code runs in the kernel module, in
 * the host unit tests and under the fuzzer.
 */
#ifndef K4A_PROTO_H
#define K4A_PROTO_H

#include "k4a_types.h"

/* Packet framing (all fields little-endian). */
#define K4A_CMD_PACKET_TYPE		0x06022009u
#define K4A_STATUS_PACKET_TYPE		0x0A6FE000u
#define K4A_CMD_HDR_LEN			20
#define K4A_CMD_DATA_MAX		128
#define K4A_CMD_PACKET_MAX		(K4A_CMD_HDR_LEN + K4A_CMD_DATA_MAX)
#define K4A_STATUS_LEN			16

/* Depth MCU (045e:097c interface 0) opcodes. */
#define K4A_OP_DEPTH_RESET		0x00000000u
#define K4A_OP_DEPTH_VERSION_GET	0x00000002u
#define K4A_OP_DEPTH_START		0x00000009u
#define K4A_OP_DEPTH_STOP		0x0000000Au
#define K4A_OP_NV_DATA_GET		0x00000022u
#define K4A_OP_DEPTH_MODE_SET		0x000000E1u
#define K4A_OP_DEPTH_POWER_OFF		0x000000EFu
#define K4A_OP_DEPTH_POWER_ON		0x000000F0u
#define K4A_OP_DEPTH_STREAM_START	0x000000F1u
#define K4A_OP_DEPTH_STREAM_STOP	0x000000F2u
#define K4A_OP_DEPTH_FPS_SET		0x00000103u
#define K4A_OP_READ_CALIBRATION		0x00000111u
#define K4A_OP_READ_PRODUCT_SN		0x00000115u
#define K4A_OP_COMPONENT_VERSION_GET	0x00000201u
#define K4A_OP_DOWNLOAD_FIRMWARE	0x00000202u
#define K4A_OP_FW_UPDATE_STATUS		0x00000203u

/* Colour MCU (045e:097d vendor interface) opcodes. */
#define K4A_OP_COLOR_RESET		0x80000000u
#define K4A_OP_SET_SYS_CFG		0x80000001u
#define K4A_OP_GET_SYS_CFG		0x80000002u
#define K4A_OP_IMU_STREAM_START		0x80000003u
#define K4A_OP_IMU_STREAM_STOP		0x80000004u
#define K4A_OP_GET_JACK_STATE		0x80000006u

/* Host receive sizes of the read commands (what the vendor host uses). */
#define K4A_SERIAL_READ_LEN		255
#define K4A_VERSION_LEN			18
#define K4A_CALIB_READ_LEN		10240
#define K4A_CALIB_READ_STEP		5120
#define K4A_CALIB_READ_TRIES		10
#define K4A_CALIB_READ_MAX		(K4A_CALIB_READ_LEN + \
					 (K4A_CALIB_READ_TRIES - 1) * \
					 K4A_CALIB_READ_STEP)
#define K4A_NV_READ_LEN			2000000
#define K4A_NV_MIN_LEN			4
#define K4A_NV_TAG_IR_SENSOR_CALIBRATION 2
#define K4A_JACK_LEN			1
#define K4A_SYS_CFG_LEN			13

/* Longest valid serial number, without the terminating NUL. */
#define K4A_PROTO_SERIAL_MAX		25

/* GET_JACK_STATE reply bits. */
#define K4A_JACK_SYNC_IN		0x01
#define K4A_JACK_SYNC_OUT		0x02

/* Status values the firmware reports (only 0 means success). */
#define K4A_STATUS_SUCCESS		0x00u

/**
 * enum k4a_proto_err - why a packet was refused
 * @K4A_PROTO_OK: valid
 * @K4A_PROTO_ERR_ARG: the caller passed an unusable buffer, length or value
 * @K4A_PROTO_ERR_SHORT: fewer bytes than the packet needs
 * @K4A_PROTO_ERR_LONG: more bytes than the packet may have
 * @K4A_PROTO_ERR_TYPE: the packet type field is wrong
 * @K4A_PROTO_ERR_TID: the transaction id is not the one sent
 * @K4A_PROTO_ERR_VALUE: the content is malformed (bad characters, ...)
 */
enum k4a_proto_err {
	K4A_PROTO_OK = 0,
	K4A_PROTO_ERR_ARG = -1,
	K4A_PROTO_ERR_SHORT = -2,
	K4A_PROTO_ERR_LONG = -3,
	K4A_PROTO_ERR_TYPE = -4,
	K4A_PROTO_ERR_TID = -5,
	K4A_PROTO_ERR_VALUE = -6,
};

/**
 * struct k4a_version - one firmware component version
 * @major: major number
 * @minor: minor number
 * @build: build number (0 for the depth sensor configuration, which has none)
 */
struct k4a_version {
	u16 major;
	u16 minor;
	u16 build;
};

/**
 * enum k4a_fw_component - the firmware components in COMPONENT_VERSION_GET
 * @K4A_FW_RGB: colour camera firmware
 * @K4A_FW_DEPTH: depth camera firmware
 * @K4A_FW_AUDIO: microphone array firmware
 * @K4A_FW_DEPTH_SENSOR: depth sensor configuration (major.minor)
 * @K4A_FW_NR: number of components
 */
enum k4a_fw_component {
	K4A_FW_RGB,
	K4A_FW_DEPTH,
	K4A_FW_AUDIO,
	K4A_FW_DEPTH_SENSOR,
	K4A_FW_NR,
};

/**
 * struct k4a_fw_versions - decoded 18-byte COMPONENT_VERSION_GET reply
 * @part: version of each component, indexed by &enum k4a_fw_component
 * @build_config: 0 release, 1 debug
 * @signature_type: 0 Microsoft, 1 test, 2 unsigned
 */
struct k4a_fw_versions {
	struct k4a_version part[K4A_FW_NR];
	u8 build_config;
	u8 signature_type;
};

/**
 * enum k4a_fw_verdict - outcome of comparing firmware with the known limits
 * @K4A_FW_OK: every component at or above the suggested version
 * @K4A_FW_BELOW_SUGGESTED: usable, but a component is older than suggested
 * @K4A_FW_BELOW_MINIMUM: a component is older than the minimum; refuse
 */
enum k4a_fw_verdict {
	K4A_FW_OK,
	K4A_FW_BELOW_SUGGESTED,
	K4A_FW_BELOW_MINIMUM,
};

extern const struct k4a_version k4a_fw_minimum[K4A_FW_NR];
extern const struct k4a_version k4a_fw_suggested[K4A_FW_NR];

int k4a_proto_encode_cmd(u8 *buf, size_t size, u32 tid, u32 opcode,
			 u32 payload_size, const u8 *data, size_t data_len);
int k4a_proto_decode_status(const u8 *buf, size_t len, u32 tid, u32 *status);
bool k4a_proto_is_status(const u8 *buf, size_t len, u32 tid);
bool k4a_proto_is_stale_status(const u8 *buf, size_t len, u32 tid, u32 window);

const char *k4a_proto_opcode_name(u32 opcode);
const char *k4a_proto_status_name(u32 status);
const char *k4a_proto_strerror(int err);

int k4a_proto_decode_versions(const u8 *buf, size_t len,
			      struct k4a_fw_versions *v);
int k4a_version_cmp(const struct k4a_version *a, const struct k4a_version *b);
enum k4a_fw_verdict k4a_proto_check_versions(const struct k4a_fw_versions *v,
					     enum k4a_fw_component *worst);
const char *k4a_fw_component_name(enum k4a_fw_component c);

int k4a_proto_decode_serial(const u8 *buf, size_t len, char *out,
			    size_t out_size);
int k4a_proto_decode_jack(const u8 *buf, size_t len, bool *sync_in,
			  bool *sync_out);
int k4a_proto_encode_sys_cfg(u8 *buf, size_t size, u32 mode,
			     u32 sub_delay_ticks, s32 depth_delay_ticks,
			     bool privacy_led);
int k4a_proto_check_calibration(const u8 *buf, size_t len);

#endif /* K4A_PROTO_H */
