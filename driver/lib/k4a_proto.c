// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_proto: MCU command packet codec and identity decoders.
 *
 * Everything the device sends is untrusted: each decoder checks the length
 * before it reads a byte and reports a distinct error for each way a packet
 * can be wrong, so the transport can say precisely what went wrong.
 */
#include "k4a_proto.h"

/* SDK limits: open is refused below these, a warning is given below those. */
const struct k4a_version k4a_fw_minimum[K4A_FW_NR] = {
	[K4A_FW_RGB] = { 1, 5, 92 },
	[K4A_FW_DEPTH] = { 1, 5, 66 },
	[K4A_FW_AUDIO] = { 1, 5, 14 },
	[K4A_FW_DEPTH_SENSOR] = { 5006, 27, 0 },
};

const struct k4a_version k4a_fw_suggested[K4A_FW_NR] = {
	[K4A_FW_RGB] = { 1, 6, 110 },
	[K4A_FW_DEPTH] = { 1, 6, 79 },
	[K4A_FW_AUDIO] = { 1, 6, 14 },
	[K4A_FW_DEPTH_SENSOR] = { 6109, 7, 0 },
};

/**
 * k4a_proto_encode_cmd() - build a command packet
 * @buf: output buffer
 * @size: size of @buf
 * @tid: transaction id
 * @opcode: command
 * @payload_size: length of the data stage (0 if none)
 * @data: command data, may be NULL when @data_len is 0
 * @data_len: bytes of command data, at most %K4A_CMD_DATA_MAX
 *
 * Return: packet length (%K4A_CMD_HDR_LEN + @data_len), or
 * %K4A_PROTO_ERR_ARG if the data is too long or @buf too small.
 */
int k4a_proto_encode_cmd(u8 *buf, size_t size, u32 tid, u32 opcode,
			 u32 payload_size, const u8 *data, size_t data_len)
{
	size_t i;

	if (!buf || data_len > K4A_CMD_DATA_MAX || (data_len && !data) ||
	    size < K4A_CMD_HDR_LEN + data_len)
		return K4A_PROTO_ERR_ARG;

	k4a_put_le32(buf + 0, K4A_CMD_PACKET_TYPE);
	k4a_put_le32(buf + 4, tid);
	k4a_put_le32(buf + 8, payload_size);
	k4a_put_le32(buf + 12, opcode);
	k4a_put_le32(buf + 16, 0);
	for (i = 0; i < data_len; i++)
		buf[K4A_CMD_HDR_LEN + i] = data[i];
	return (int)(K4A_CMD_HDR_LEN + data_len);
}

/**
 * k4a_proto_decode_status() - validate a status packet
 * @buf: received bytes
 * @len: number of bytes received
 * @tid: transaction id of the command this must answer
 * @status: the device's status word, written only on success
 *
 * Checks, in this order: length (exactly %K4A_STATUS_LEN), packet type,
 * echoed transaction id. The status value itself is the caller's business.
 *
 * Return: %K4A_PROTO_OK or the first check that failed.
 */
int k4a_proto_decode_status(const u8 *buf, size_t len, u32 tid, u32 *status)
{
	if (!buf && len)
		return K4A_PROTO_ERR_ARG;
	if (len < K4A_STATUS_LEN)
		return K4A_PROTO_ERR_SHORT;
	if (len > K4A_STATUS_LEN)
		return K4A_PROTO_ERR_LONG;
	if (k4a_get_le32(buf) != K4A_STATUS_PACKET_TYPE)
		return K4A_PROTO_ERR_TYPE;
	if (k4a_get_le32(buf + 4) != tid)
		return K4A_PROTO_ERR_TID;
	if (status)
		*status = k4a_get_le32(buf + 8);
	return K4A_PROTO_OK;
}

/**
 * k4a_proto_is_status() - does a data-stage reply look like our status?
 * @buf: received bytes
 * @len: number of bytes received
 * @tid: transaction id of the pending command
 *
 * A device that fails a read command may skip the data stage and send the
 * status packet at once; the host then receives it where data was expected.
 *
 * Return: true if @buf is exactly a status packet answering @tid.
 */
bool k4a_proto_is_status(const u8 *buf, size_t len, u32 tid)
{
	return k4a_proto_decode_status(buf, len, tid, NULL) == K4A_PROTO_OK;
}

/**
 * k4a_proto_is_stale_status() - is this a late status of an earlier command?
 * @buf: received bytes
 * @len: number of bytes received
 * @tid: transaction id of the pending command
 * @window: how many earlier transaction ids count as "earlier"
 *
 * Return: true if @buf is a well-formed status packet whose id is one of
 * the @window ids before @tid (modulo 2^32).
 */
bool k4a_proto_is_stale_status(const u8 *buf, size_t len, u32 tid, u32 window)
{
	u32 got, age;

	if (!buf || len != K4A_STATUS_LEN ||
	    k4a_get_le32(buf) != K4A_STATUS_PACKET_TYPE)
		return false;
	got = k4a_get_le32(buf + 4);
	age = tid - got;
	return age != 0 && age <= window;
}

struct k4a_name {
	u32 value;
	const char *name;
};

static const struct k4a_name k4a_opcode_names[] = {
	{ K4A_OP_DEPTH_RESET, "DEPTH_RESET" },
	{ K4A_OP_DEPTH_VERSION_GET, "VERSION_GET" },
	{ K4A_OP_DEPTH_START, "DEPTH_START" },
	{ K4A_OP_DEPTH_STOP, "DEPTH_STOP" },
	{ K4A_OP_NV_DATA_GET, "NV_DATA_GET" },
	{ K4A_OP_DEPTH_MODE_SET, "DEPTH_MODE_SET" },
	{ K4A_OP_DEPTH_POWER_OFF, "DEPTH_POWER_OFF" },
	{ K4A_OP_DEPTH_POWER_ON, "DEPTH_POWER_ON" },
	{ K4A_OP_DEPTH_STREAM_START, "DEPTH_STREAM_START" },
	{ K4A_OP_DEPTH_STREAM_STOP, "DEPTH_STREAM_STOP" },
	{ K4A_OP_DEPTH_FPS_SET, "DEPTH_FPS_SET" },
	{ K4A_OP_READ_CALIBRATION, "READ_CALIBRATION_DATA" },
	{ K4A_OP_READ_PRODUCT_SN, "READ_PRODUCT_SN" },
	{ K4A_OP_COMPONENT_VERSION_GET, "COMPONENT_VERSION_GET" },
	{ K4A_OP_DOWNLOAD_FIRMWARE, "DOWNLOAD_FIRMWARE" },
	{ K4A_OP_FW_UPDATE_STATUS, "GET_FIRMWARE_UPDATE_STATUS" },
	{ K4A_OP_COLOR_RESET, "COLOR_RESET" },
	{ K4A_OP_SET_SYS_CFG, "SET_SYS_CFG" },
	{ K4A_OP_GET_SYS_CFG, "GET_SYS_CFG" },
	{ K4A_OP_IMU_STREAM_START, "IMU_STREAM_START" },
	{ K4A_OP_IMU_STREAM_STOP, "IMU_STREAM_STOP" },
	{ K4A_OP_GET_JACK_STATE, "GET_JACK_STATE" },
};

static const struct k4a_name k4a_status_names[] = {
	{ 0x00, "SUCCESS" },
	{ 0x01, "ERROR" },
	{ 0x03, "INVALID_PARAMETER" },
	{ 0x07, "COMMAND_BUSY" },
	{ 0x08, "NOT_IMPLEMENTED" },
	{ 0x09, "OUT_OF_MEMORY" },
	{ 0x0D, "PARAM_BAD_TAG" },
	{ 0x12, "INVALID_PAYLOAD_SIZE" },
	{ 0x63, "FAILED" },
	{ 0x101, "WRONG_COMMAND_STATE" },
	{ 0x102, "WRONG_DEVICE_STATE" },
	{ 0x480, "ADC_INVALID_CHANNEL" },
	{ 0x481, "ADC_INCORRECT_CHANNEL" },
	{ 0x482, "ADC_TIMEOUT" },
	{ 0x483, "ADC_UNKNOWN_DEVICE" },
	{ 0x484, "ADC_UNSUPPORTED_DEVICE" },
	{ 0x485, "ADC_UNSUPPORTED_SIGNAL" },
	{ 0x486, "ADC_INVALID_INPUT" },
	{ 0x487, "ADC_DATA_NOT_AVAILABLE" },
};

static const char *k4a_lookup(const struct k4a_name *t, size_t n, u32 value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return "UNKNOWN";
}

/**
 * k4a_proto_opcode_name() - name of an opcode for messages
 * @opcode: command
 *
 * Return: a static string, "UNKNOWN" for opcodes not in the protocol.
 */
const char *k4a_proto_opcode_name(u32 opcode)
{
	return k4a_lookup(k4a_opcode_names,
			  K4A_ARRAY_SIZE(k4a_opcode_names),
			  opcode);
}

/**
 * k4a_proto_status_name() - name of a firmware status value
 * @status: value from a status packet
 *
 * Return: a static string, "UNKNOWN" for values not documented.
 */
const char *k4a_proto_status_name(u32 status)
{
	return k4a_lookup(k4a_status_names,
			  K4A_ARRAY_SIZE(k4a_status_names),
			  status);
}

/**
 * k4a_proto_strerror() - describe a &enum k4a_proto_err
 * @err: error code
 *
 * Return: a static string.
 */
const char *k4a_proto_strerror(int err)
{
	switch (err) {
	case K4A_PROTO_OK:
		return "ok";
	case K4A_PROTO_ERR_ARG:
		return "bad argument";
	case K4A_PROTO_ERR_SHORT:
		return "reply too short";
	case K4A_PROTO_ERR_LONG:
		return "reply too long";
	case K4A_PROTO_ERR_TYPE:
		return "wrong packet type";
	case K4A_PROTO_ERR_TID:
		return "wrong transaction id";
	case K4A_PROTO_ERR_VALUE:
		return "malformed content";
	default:
		return "unknown error";
	}
}

/**
 * k4a_proto_decode_versions() - decode the COMPONENT_VERSION_GET reply
 * @buf: received bytes
 * @len: number of bytes received; must be exactly %K4A_VERSION_LEN
 * @v: decoded versions, written only on success
 *
 * Return: %K4A_PROTO_OK, %K4A_PROTO_ERR_SHORT or %K4A_PROTO_ERR_LONG.
 */
int k4a_proto_decode_versions(const u8 *buf, size_t len,
			      struct k4a_fw_versions *v)
{
	if (!v || (!buf && len))
		return K4A_PROTO_ERR_ARG;
	if (len < K4A_VERSION_LEN)
		return K4A_PROTO_ERR_SHORT;
	if (len > K4A_VERSION_LEN)
		return K4A_PROTO_ERR_LONG;

	v->part[K4A_FW_RGB].major = buf[0];
	v->part[K4A_FW_RGB].minor = buf[1];
	v->part[K4A_FW_RGB].build = k4a_get_le16(buf + 2);
	v->part[K4A_FW_DEPTH].major = buf[4];
	v->part[K4A_FW_DEPTH].minor = buf[5];
	v->part[K4A_FW_DEPTH].build = k4a_get_le16(buf + 6);
	v->part[K4A_FW_AUDIO].major = buf[8];
	v->part[K4A_FW_AUDIO].minor = buf[9];
	v->part[K4A_FW_AUDIO].build = k4a_get_le16(buf + 10);
	v->part[K4A_FW_DEPTH_SENSOR].major = k4a_get_le16(buf + 12);
	v->part[K4A_FW_DEPTH_SENSOR].minor = k4a_get_le16(buf + 14);
	v->part[K4A_FW_DEPTH_SENSOR].build = 0;
	v->build_config = buf[16];
	v->signature_type = buf[17];
	return K4A_PROTO_OK;
}

/**
 * k4a_version_cmp() - order two versions (major, then minor, then build)
 * @a: first version
 * @b: second version
 *
 * Return: negative, zero or positive as @a is older, equal or newer.
 */
int k4a_version_cmp(const struct k4a_version *a, const struct k4a_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->build != b->build)
		return a->build < b->build ? -1 : 1;
	return 0;
}

/**
 * k4a_proto_check_versions() - compare firmware with minimum and suggested
 * @v: decoded versions
 * @worst: if not NULL, the first component with the returned verdict
 *         (unchanged when the verdict is %K4A_FW_OK)
 *
 * Return: the worst verdict over all components.
 */
enum k4a_fw_verdict k4a_proto_check_versions(const struct k4a_fw_versions *v,
					     enum k4a_fw_component *worst)
{
	enum k4a_fw_verdict verdict = K4A_FW_OK;
	int c;

	for (c = 0; c < K4A_FW_NR; c++) {
		if (k4a_version_cmp(&v->part[c], &k4a_fw_minimum[c]) < 0) {
			if (worst)
				*worst = (enum k4a_fw_component)c;
			return K4A_FW_BELOW_MINIMUM;
		}
	}
	for (c = 0; c < K4A_FW_NR; c++) {
		if (k4a_version_cmp(&v->part[c], &k4a_fw_suggested[c]) < 0) {
			if (worst)
				*worst = (enum k4a_fw_component)c;
			verdict = K4A_FW_BELOW_SUGGESTED;
			break;
		}
	}
	return verdict;
}

/**
 * k4a_fw_component_name() - short name of a firmware component
 * @c: component
 *
 * Return: a static string.
 */
const char *k4a_fw_component_name(enum k4a_fw_component c)
{
	switch (c) {
	case K4A_FW_RGB:
		return "color";
	case K4A_FW_DEPTH:
		return "depth";
	case K4A_FW_AUDIO:
		return "audio";
	case K4A_FW_DEPTH_SENSOR:
		return "depth_sensor";
	default:
		return "unknown";
	}
}

/**
 * k4a_proto_decode_serial() - validate and copy a READ_PRODUCT_SN reply
 * @buf: received bytes
 * @len: number of bytes received
 * @out: NUL-terminated serial, written only on success
 * @out_size: size of @out, at least %K4A_PROTO_SERIAL_MAX + 1
 *
 * The reply ends at @len or at its first NUL byte, whichever comes first.
 * It must be 1 to %K4A_PROTO_SERIAL_MAX bytes of printable, non-space
 * ASCII (0x21..0x7e).
 *
 * Return: length of the serial, or a negative &enum k4a_proto_err.
 */
int k4a_proto_decode_serial(const u8 *buf, size_t len, char *out,
			    size_t out_size)
{
	size_t n, i;

	if (!out || out_size < K4A_PROTO_SERIAL_MAX + 1 || (!buf && len))
		return K4A_PROTO_ERR_ARG;
	for (n = 0; n < len && buf[n]; n++)
		;
	if (n == 0)
		return K4A_PROTO_ERR_SHORT;
	if (n > K4A_PROTO_SERIAL_MAX)
		return K4A_PROTO_ERR_LONG;
	for (i = 0; i < n; i++)
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			return K4A_PROTO_ERR_VALUE;
	for (i = 0; i < n; i++)
		out[i] = (char)buf[i];
	out[n] = '\0';
	return (int)n;
}

/**
 * k4a_proto_decode_jack() - decode a GET_JACK_STATE reply
 * @buf: received bytes
 * @len: number of bytes received; must be exactly %K4A_JACK_LEN
 * @sync_in: set to whether a Sync In cable is plugged
 * @sync_out: set to whether a Sync Out cable is plugged
 *
 * Bits other than %K4A_JACK_SYNC_IN and %K4A_JACK_SYNC_OUT are ignored.
 *
 * Return: %K4A_PROTO_OK, %K4A_PROTO_ERR_SHORT or %K4A_PROTO_ERR_LONG.
 */
int k4a_proto_decode_jack(const u8 *buf, size_t len, bool *sync_in,
			  bool *sync_out)
{
	if (!sync_in || !sync_out || (!buf && len))
		return K4A_PROTO_ERR_ARG;
	if (len < K4A_JACK_LEN)
		return K4A_PROTO_ERR_SHORT;
	if (len > K4A_JACK_LEN)
		return K4A_PROTO_ERR_LONG;
	*sync_in = buf[0] & K4A_JACK_SYNC_IN;
	*sync_out = buf[0] & K4A_JACK_SYNC_OUT;
	return K4A_PROTO_OK;
}

/**
 * k4a_proto_encode_sys_cfg() - build the 13-byte SET_SYS_CFG command data
 * @buf: output buffer
 * @size: size of @buf, at least %K4A_SYS_CFG_LEN
 * @mode: 0 standalone, 1 master, 2 subordinate
 * @sub_delay_ticks: subordinate delay off master, 90 kHz ticks
 * @depth_delay_ticks: depth delay off colour, 90 kHz ticks, signed
 * @privacy_led: whether the streaming LED is lit
 *
 * Return: %K4A_SYS_CFG_LEN, or %K4A_PROTO_ERR_ARG for a bad buffer or mode.
 */
int k4a_proto_encode_sys_cfg(u8 *buf, size_t size, u32 mode,
			     u32 sub_delay_ticks, s32 depth_delay_ticks,
			     bool privacy_led)
{
	if (!buf || size < K4A_SYS_CFG_LEN || mode > 2)
		return K4A_PROTO_ERR_ARG;
	k4a_put_le32(buf + 0, mode);
	k4a_put_le32(buf + 4, sub_delay_ticks);
	k4a_put_le32(buf + 8, (u32)depth_delay_ticks);
	buf[12] = privacy_led ? 1 : 0;
	return K4A_SYS_CFG_LEN;
}

/**
 * k4a_proto_check_calibration() - sanity check of a calibration reply
 * @buf: received bytes
 * @len: number of bytes received
 *
 * The calibration is a JSON text. Trailing NUL bytes are dropped; what is
 * left must be non-empty, start (after white space) with '{' and hold only
 * printable ASCII, tab, CR and LF. The JSON itself is not parsed here.
 *
 * Return: the length without trailing NULs, or a negative
 * &enum k4a_proto_err.
 */
int k4a_proto_check_calibration(const u8 *buf, size_t len)
{
	size_t n = len, i;

	if (!buf && len)
		return K4A_PROTO_ERR_ARG;
	if (len > K4A_CALIB_READ_MAX)
		return K4A_PROTO_ERR_LONG;
	while (n && buf[n - 1] == '\0')
		n--;
	if (!n)
		return K4A_PROTO_ERR_SHORT;
	for (i = 0; i < n; i++) {
		u8 c = buf[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c > 0x7e)
			return K4A_PROTO_ERR_VALUE;
	}
	for (i = 0; i < n && (buf[i] == ' ' || buf[i] == '\t' ||
			      buf[i] == '\n' || buf[i] == '\r'); i++)
		;
	if (i == n || buf[i] != '{')
		return K4A_PROTO_ERR_VALUE;
	return (int)n;
}
