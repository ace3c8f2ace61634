// SPDX-License-Identifier: GPL-2.0
/* Unit tests for driver/lib/k4a_proto.c */
#include "k4a_test.h"
#include "k4a_proto.h"

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v & 0xff);
	p[1] = (u8)((v >> 8) & 0xff);
	p[2] = (u8)((v >> 16) & 0xff);
	p[3] = (u8)((v >> 24) & 0xff);
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void mk_status(u8 *p, u32 type, u32 tid, u32 status)
{
	put32(p, type);
	put32(p + 4, tid);
	put32(p + 8, status);
	put32(p + 12, 0);
}

static void t_encode_cmd(void)
{
	u8 buf[K4A_CMD_PACKET_MAX + 8], data[K4A_CMD_DATA_MAX + 1];
	int n, i;

	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (u8)(i * 7 + 1);

	memset(buf, 0xaa, sizeof(buf));
	n = k4a_proto_encode_cmd(buf, sizeof(buf), 0x01020304, 0x80000006, 1,
				 NULL, 0);
	CHECK_EQ(n, K4A_CMD_HDR_LEN);
	/* Byte-exact: type 0x06022009, tid, payload size, opcode, reserved. */
	{
		static const u8 want[20] = {
			0x09, 0x20, 0x02, 0x06, 0x04, 0x03, 0x02, 0x01,
			0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x80,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK(!memcmp(buf, want, sizeof(want)));
	}
	CHECK_EQ(buf[20], 0xaa);

	n = k4a_proto_encode_cmd(buf, sizeof(buf), 7, K4A_OP_NV_DATA_GET,
				 K4A_NV_READ_LEN, data, 4);
	CHECK_EQ(n, 24);
	CHECK_EQ(get32(buf + 8), K4A_NV_READ_LEN);
	CHECK_EQ(get32(buf + 12), K4A_OP_NV_DATA_GET);
	CHECK(!memcmp(buf + 20, data, 4));

	/* 128 bytes of data is the maximum. */
	n = k4a_proto_encode_cmd(buf, sizeof(buf), 1, 2, 0, data,
				 K4A_CMD_DATA_MAX);
	CHECK_EQ(n, K4A_CMD_PACKET_MAX);
	CHECK(!memcmp(buf + 20, data, K4A_CMD_DATA_MAX));
	CHECK_EQ(k4a_proto_encode_cmd(buf, sizeof(buf), 1, 2, 0, data,
				      K4A_CMD_DATA_MAX + 1), K4A_PROTO_ERR_ARG);
	/* Buffer too small, NULL data with a length, NULL buffer. */
	CHECK_EQ(k4a_proto_encode_cmd(buf, 19, 1, 2, 0, NULL, 0),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_encode_cmd(buf, 23, 1, 2, 0, data, 4),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_encode_cmd(buf, sizeof(buf), 1, 2, 0, NULL, 4),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_encode_cmd(NULL, 100, 1, 2, 0, NULL, 0),
		 K4A_PROTO_ERR_ARG);
}

static void t_decode_status(void)
{
	u8 p[64];
	u32 st = 12345;

	mk_status(p, K4A_STATUS_PACKET_TYPE, 42, 0);
	CHECK_EQ(k4a_proto_decode_status(p, 16, 42, &st), K4A_PROTO_OK);
	CHECK_EQ(st, 0);
	mk_status(p, K4A_STATUS_PACKET_TYPE, 42, 0x101);
	CHECK_EQ(k4a_proto_decode_status(p, 16, 42, &st), K4A_PROTO_OK);
	CHECK_EQ(st, 0x101);
	CHECK_EQ(k4a_proto_decode_status(p, 16, 42, NULL), K4A_PROTO_OK);

	/* Each failure has its own code; length is checked first. */
	st = 777;
	CHECK_EQ(k4a_proto_decode_status(p, 15, 42, &st), K4A_PROTO_ERR_SHORT);
	CHECK_EQ(k4a_proto_decode_status(p, 0, 42, &st), K4A_PROTO_ERR_SHORT);
	CHECK_EQ(k4a_proto_decode_status(NULL, 0, 42, &st), K4A_PROTO_ERR_SHORT);
	CHECK_EQ(k4a_proto_decode_status(p, 17, 42, &st), K4A_PROTO_ERR_LONG);
	CHECK_EQ(k4a_proto_decode_status(p, 64, 42, &st), K4A_PROTO_ERR_LONG);
	CHECK_EQ(k4a_proto_decode_status(p, 16, 43, &st), K4A_PROTO_ERR_TID);
	mk_status(p, K4A_CMD_PACKET_TYPE, 42, 0);
	CHECK_EQ(k4a_proto_decode_status(p, 16, 42, &st), K4A_PROTO_ERR_TYPE);
	/* Wrong type and wrong id: type is reported. */
	CHECK_EQ(k4a_proto_decode_status(p, 16, 41, &st), K4A_PROTO_ERR_TYPE);
	CHECK_EQ(k4a_proto_decode_status(NULL, 16, 42, &st), K4A_PROTO_ERR_ARG);
	CHECK_EQ(st, 777);	/* untouched on failure */
}

static void t_is_status(void)
{
	u8 p[16];

	mk_status(p, K4A_STATUS_PACKET_TYPE, 5, 3);
	CHECK(k4a_proto_is_status(p, 16, 5));
	CHECK(!k4a_proto_is_status(p, 16, 6));
	CHECK(!k4a_proto_is_status(p, 15, 5));
	CHECK(!k4a_proto_is_stale_status(p, 16, 5, 8));
	CHECK(k4a_proto_is_stale_status(p, 16, 6, 8));
	CHECK(k4a_proto_is_stale_status(p, 16, 13, 8));
	CHECK(!k4a_proto_is_stale_status(p, 16, 14, 8));
	CHECK(!k4a_proto_is_stale_status(p, 16, 4, 8));	/* future id */
	CHECK(!k4a_proto_is_stale_status(p, 15, 6, 8));
	CHECK(!k4a_proto_is_stale_status(NULL, 16, 6, 8));
	/* Wrap-around of the 32-bit id. */
	mk_status(p, K4A_STATUS_PACKET_TYPE, 0xffffffffu, 0);
	CHECK(k4a_proto_is_stale_status(p, 16, 0, 8));
	CHECK(k4a_proto_is_stale_status(p, 16, 3, 8));
	mk_status(p, K4A_CMD_PACKET_TYPE, 5, 0);
	CHECK(!k4a_proto_is_stale_status(p, 16, 6, 8));
	CHECK(!k4a_proto_is_status(p, 16, 5));
}

static void t_names(void)
{
	CHECK(!strcmp(k4a_proto_opcode_name(K4A_OP_GET_JACK_STATE),
		      "GET_JACK_STATE"));
	CHECK(!strcmp(k4a_proto_opcode_name(K4A_OP_READ_PRODUCT_SN),
		      "READ_PRODUCT_SN"));
	CHECK(!strcmp(k4a_proto_opcode_name(K4A_OP_SET_SYS_CFG),
		      "SET_SYS_CFG"));
	CHECK(!strcmp(k4a_proto_opcode_name(K4A_OP_DEPTH_RESET),
		      "DEPTH_RESET"));
	CHECK(!strcmp(k4a_proto_opcode_name(0x12345678), "UNKNOWN"));
	CHECK(!strcmp(k4a_proto_status_name(0x101), "WRONG_COMMAND_STATE"));
	CHECK(!strcmp(k4a_proto_status_name(0x63), "FAILED"));
	CHECK(!strcmp(k4a_proto_status_name(0xdead), "UNKNOWN"));
	CHECK(!strcmp(k4a_proto_strerror(K4A_PROTO_ERR_TID),
		      "wrong transaction id"));
	CHECK(!strcmp(k4a_proto_strerror(-99), "unknown error"));
}

static void t_versions(void)
{
	/* RGB 1.6.110, depth 1.6.79, audio 1.6.14, config 6109.7 */
	const u8 good[18] = { 1, 6, 110, 0, 1, 6, 79, 0, 1, 6, 14, 0,
			      0xdd, 0x17, 7, 0, 0, 0 };
	struct k4a_fw_versions v;
	enum k4a_fw_component c = K4A_FW_NR;
	u8 b[19];

	memset(&v, 0xee, sizeof(v));
	CHECK_EQ(k4a_proto_decode_versions(good, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(v.part[K4A_FW_RGB].major, 1);
	CHECK_EQ(v.part[K4A_FW_RGB].minor, 6);
	CHECK_EQ(v.part[K4A_FW_RGB].build, 110);
	CHECK_EQ(v.part[K4A_FW_DEPTH].build, 79);
	CHECK_EQ(v.part[K4A_FW_AUDIO].build, 14);
	CHECK_EQ(v.part[K4A_FW_DEPTH_SENSOR].major, 6109);
	CHECK_EQ(v.part[K4A_FW_DEPTH_SENSOR].minor, 7);
	CHECK_EQ(v.part[K4A_FW_DEPTH_SENSOR].build, 0);
	CHECK_EQ(v.build_config, 0);
	CHECK_EQ(v.signature_type, 0);
	CHECK_EQ(k4a_proto_check_versions(&v, &c), K4A_FW_OK);
	CHECK_EQ(c, K4A_FW_NR);

	CHECK_EQ(k4a_proto_decode_versions(good, 17, &v), K4A_PROTO_ERR_SHORT);
	memcpy(b, good, 18);
	b[18] = 0;
	CHECK_EQ(k4a_proto_decode_versions(b, 19, &v), K4A_PROTO_ERR_LONG);
	CHECK_EQ(k4a_proto_decode_versions(NULL, 18, &v), K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_decode_versions(good, 18, NULL), K4A_PROTO_ERR_ARG);

	/* 16-bit builds are little-endian. */
	memcpy(b, good, 18);
	b[2] = 0x34;
	b[3] = 0x12;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(v.part[K4A_FW_RGB].build, 0x1234);

	/* Exactly the minimum everywhere: usable, below suggested (RGB first). */
	memcpy(b, good, 18);
	b[0] = 1; b[1] = 5; b[2] = 92; b[3] = 0;
	b[4] = 1; b[5] = 5; b[6] = 66; b[7] = 0;
	b[8] = 1; b[9] = 5; b[10] = 14; b[11] = 0;
	b[12] = 5006 & 0xff; b[13] = 5006 >> 8; b[14] = 27; b[15] = 0;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(k4a_proto_check_versions(&v, &c), K4A_FW_BELOW_SUGGESTED);
	CHECK_EQ(c, K4A_FW_RGB);
	/* One build below the minimum on the depth sensor config. */
	b[14] = 26;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(k4a_proto_check_versions(&v, &c), K4A_FW_BELOW_MINIMUM);
	CHECK_EQ(c, K4A_FW_DEPTH_SENSOR);
	/* Depth 1.5.65 is below 1.5.66 even though RGB is fine. */
	memcpy(b, good, 18);
	b[4] = 1; b[5] = 5; b[6] = 65;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(k4a_proto_check_versions(&v, &c), K4A_FW_BELOW_MINIMUM);
	CHECK_EQ(c, K4A_FW_DEPTH);
	/* Newer minor with a smaller build number is newer. */
	memcpy(b, good, 18);
	b[8] = 1; b[9] = 7; b[10] = 0;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(k4a_proto_check_versions(&v, NULL), K4A_FW_OK);
	/* Suggested audio 1.6.14 vs 1.6.13. */
	memcpy(b, good, 18);
	b[10] = 13;
	CHECK_EQ(k4a_proto_decode_versions(b, 18, &v), K4A_PROTO_OK);
	CHECK_EQ(k4a_proto_check_versions(&v, &c), K4A_FW_BELOW_SUGGESTED);
	CHECK_EQ(c, K4A_FW_AUDIO);
	CHECK(!strcmp(k4a_fw_component_name(K4A_FW_AUDIO), "audio"));
	CHECK(!strcmp(k4a_fw_component_name(K4A_FW_NR), "unknown"));
}

static void t_version_cmp(void)
{
	struct k4a_version a = { 1, 6, 110 }, b = { 1, 6, 110 };

	CHECK_EQ(k4a_version_cmp(&a, &b), 0);
	b.build = 111;
	CHECK(k4a_version_cmp(&a, &b) < 0);
	CHECK(k4a_version_cmp(&b, &a) > 0);
	b.build = 0;
	b.minor = 7;
	CHECK(k4a_version_cmp(&a, &b) < 0);
	b.minor = 0;
	b.major = 2;
	CHECK(k4a_version_cmp(&a, &b) < 0);
	b.major = 0;
	b.minor = 99;
	b.build = 9999;
	CHECK(k4a_version_cmp(&a, &b) > 0);
}

static void t_serial(void)
{
	char out[K4A_PROTO_SERIAL_MAX + 1];
	u8 b[300];

	memset(out, 'x', sizeof(out));
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"000263385112", 12, out,
					 sizeof(out)), 12);
	CHECK(!strcmp(out, "000263385112"));
	/* The reply ends at the first NUL; later bytes do not matter. */
	memcpy(b, "ABC-123\0\xff\x01", 10);
	CHECK_EQ(k4a_proto_decode_serial(b, 10, out, sizeof(out)), 7);
	CHECK(!strcmp(out, "ABC-123"));
	/* 25 characters fit, 26 do not. */
	memset(b, '7', sizeof(b));
	CHECK_EQ(k4a_proto_decode_serial(b, 25, out, sizeof(out)), 25);
	CHECK_EQ(strlen(out), 25);
	CHECK_EQ(k4a_proto_decode_serial(b, 26, out, sizeof(out)),
		 K4A_PROTO_ERR_LONG);
	CHECK_EQ(k4a_proto_decode_serial(b, 255, out, sizeof(out)),
		 K4A_PROTO_ERR_LONG);
	/* Empty. */
	CHECK_EQ(k4a_proto_decode_serial(b, 0, out, sizeof(out)),
		 K4A_PROTO_ERR_SHORT);
	b[0] = 0;
	CHECK_EQ(k4a_proto_decode_serial(b, 5, out, sizeof(out)),
		 K4A_PROTO_ERR_SHORT);
	/* Space, control, high bytes. */
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"12 34", 5, out,
					 sizeof(out)), K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"12\n", 3, out,
					 sizeof(out)), K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"12\x80", 3, out,
					 sizeof(out)), K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"~!", 2, out,
					 sizeof(out)), 2);
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"\x7f", 1, out,
					 sizeof(out)), K4A_PROTO_ERR_VALUE);
	/* Output buffer too small for the longest serial. */
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"1", 1, out, 25),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_decode_serial((const u8 *)"1", 1, NULL, 26),
		 K4A_PROTO_ERR_ARG);
}

static void t_jack(void)
{
	bool in = true, out = true;
	u8 b[2] = { 0, 0 };

	CHECK_EQ(k4a_proto_decode_jack(b, 1, &in, &out), K4A_PROTO_OK);
	CHECK(!in && !out);
	b[0] = 1;
	CHECK_EQ(k4a_proto_decode_jack(b, 1, &in, &out), K4A_PROTO_OK);
	CHECK(in && !out);
	b[0] = 2;
	CHECK_EQ(k4a_proto_decode_jack(b, 1, &in, &out), K4A_PROTO_OK);
	CHECK(!in && out);
	b[0] = 0xff;	/* other bits ignored */
	CHECK_EQ(k4a_proto_decode_jack(b, 1, &in, &out), K4A_PROTO_OK);
	CHECK(in && out);
	b[0] = 0xfc;
	CHECK_EQ(k4a_proto_decode_jack(b, 1, &in, &out), K4A_PROTO_OK);
	CHECK(!in && !out);
	in = out = true;
	CHECK_EQ(k4a_proto_decode_jack(b, 0, &in, &out), K4A_PROTO_ERR_SHORT);
	CHECK_EQ(k4a_proto_decode_jack(b, 2, &in, &out), K4A_PROTO_ERR_LONG);
	CHECK(in && out);	/* untouched */
	CHECK_EQ(k4a_proto_decode_jack(b, 1, NULL, &out), K4A_PROTO_ERR_ARG);
}

static void t_sys_cfg(void)
{
	u8 b[16];
	static const u8 want[13] = {
		0x02, 0, 0, 0,			/* subordinate */
		0x2c, 0x01, 0, 0,		/* 300 ticks */
		0xf8, 0xff, 0xff, 0xff,		/* -8 ticks */
		0x01,				/* LED on */
	};

	memset(b, 0x55, sizeof(b));
	CHECK_EQ(k4a_proto_encode_sys_cfg(b, sizeof(b), 2, 300, -8, true),
		 K4A_SYS_CFG_LEN);
	CHECK(!memcmp(b, want, sizeof(want)));
	CHECK_EQ(b[13], 0x55);
	CHECK_EQ(k4a_proto_encode_sys_cfg(b, sizeof(b), 0, 0, 0, false), 13);
	CHECK_EQ(b[12], 0);
	CHECK_EQ(get32(b), 0);
	CHECK_EQ(k4a_proto_encode_sys_cfg(b, sizeof(b), 3, 0, 0, true),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_encode_sys_cfg(b, 12, 1, 0, 0, true),
		 K4A_PROTO_ERR_ARG);
	CHECK_EQ(k4a_proto_encode_sys_cfg(NULL, 13, 1, 0, 0, true),
		 K4A_PROTO_ERR_ARG);
}

static void t_calibration(void)
{
	static u8 big[K4A_CALIB_READ_MAX + 1];
	const char *j = "{\"CalibrationInformation\":{}}\n";
	u8 b[64];

	CHECK_EQ(k4a_proto_check_calibration((const u8 *)j, strlen(j)),
		 (int)strlen(j));
	/* Trailing NULs are dropped. */
	memset(b, 0, sizeof(b));
	memcpy(b, j, strlen(j));
	CHECK_EQ(k4a_proto_check_calibration(b, sizeof(b)), (int)strlen(j));
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)" \r\n\t{}", 6), 6);
	CHECK_EQ(k4a_proto_check_calibration(b, 0), K4A_PROTO_ERR_SHORT);
	memset(b, 0, sizeof(b));
	CHECK_EQ(k4a_proto_check_calibration(b, 10), K4A_PROTO_ERR_SHORT);
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)"[]", 2),
		 K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)"   ", 3),
		 K4A_PROTO_ERR_VALUE);
	/* NUL inside the text, binary bytes. */
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)"{\0}", 3),
		 K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)"{\x01}", 3),
		 K4A_PROTO_ERR_VALUE);
	CHECK_EQ(k4a_proto_check_calibration((const u8 *)"{\xc3\xa9}", 4),
		 K4A_PROTO_ERR_VALUE);
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	CHECK_EQ(k4a_proto_check_calibration(big, K4A_CALIB_READ_MAX),
		 K4A_CALIB_READ_MAX);
	CHECK_EQ(k4a_proto_check_calibration(big, sizeof(big)),
		 K4A_PROTO_ERR_LONG);
	CHECK_EQ(K4A_CALIB_READ_MAX, 10240 + 9 * 5120);
}

int main(void)
{
	RUN(t_encode_cmd);
	RUN(t_decode_status);
	RUN(t_is_status);
	RUN(t_names);
	RUN(t_versions);
	RUN(t_version_cmp);
	RUN(t_serial);
	RUN(t_jack);
	RUN(t_sys_cfg);
	RUN(t_calibration);
	return k4a_test_done();
}
