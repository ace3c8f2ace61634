// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_proto.c: garbage replies from the
 * device. The first byte selects the decoder, the next four the expected
 * transaction id, the rest is the reply. Every decoder must stay inside the
 * given length and report success only for replies that really are valid;
 * the checks below abort on any contradiction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_proto.h"
#include "fuzz.h"

static void fuzz_status(const u8 *p, size_t n, u32 tid)
{
	u32 st = 0xdeadbeef;
	int r = k4a_proto_decode_status(p, n, tid, &st);

	if (r == K4A_PROTO_OK) {
		check(n == K4A_STATUS_LEN);
		check(k4a_get_le32(p) == K4A_STATUS_PACKET_TYPE);
		check(k4a_get_le32(p + 4) == tid);
		check(st == k4a_get_le32(p + 8));
		check(k4a_proto_is_status(p, n, tid));
		check(!k4a_proto_is_stale_status(p, n, tid, 8));
	} else {
		check(st == 0xdeadbeef);
		check(!k4a_proto_is_status(p, n, tid));
		check(r == K4A_PROTO_ERR_SHORT || r == K4A_PROTO_ERR_LONG ||
		      r == K4A_PROTO_ERR_TYPE || r == K4A_PROTO_ERR_TID);
	}
	if (k4a_proto_is_stale_status(p, n, tid, 8))
		check(r == K4A_PROTO_ERR_TID);
	(void)k4a_proto_status_name(st);
	(void)k4a_proto_strerror(r);
}

static void fuzz_versions(const u8 *p, size_t n)
{
	struct k4a_fw_versions v;
	enum k4a_fw_component c = K4A_FW_NR;
	int r = k4a_proto_decode_versions(p, n, &v);

	if (r == K4A_PROTO_OK) {
		enum k4a_fw_verdict vd = k4a_proto_check_versions(&v, &c);

		check(n == K4A_VERSION_LEN);
		check(vd == K4A_FW_OK || c < K4A_FW_NR);
		if (vd == K4A_FW_BELOW_MINIMUM)
			check(k4a_version_cmp(&v.part[c], &k4a_fw_minimum[c]) < 0);
		(void)k4a_fw_component_name(c);
	} else {
		check(n != K4A_VERSION_LEN);
	}
}

static void fuzz_serial(const u8 *p, size_t n)
{
	char out[K4A_PROTO_SERIAL_MAX + 1];
	int r = k4a_proto_decode_serial(p, n, out, sizeof(out));
	int i;

	if (r > 0) {
		check(r <= K4A_PROTO_SERIAL_MAX && (size_t)r <= n);
		check(out[r] == '\0');
		for (i = 0; i < r; i++)
			check(out[i] > 0x20 && out[i] < 0x7f &&
			      (u8)out[i] == p[i]);
	} else {
		check(r < 0);
	}
}

static void fuzz_jack(const u8 *p, size_t n)
{
	bool in, out;
	int r = k4a_proto_decode_jack(p, n, &in, &out);

	if (r == K4A_PROTO_OK)
		check(n == 1 && in == !!(p[0] & 1) && out == !!(p[0] & 2));
	else
		check(n != 1);
}

static void fuzz_calibration(const u8 *p, size_t n)
{
	int r = k4a_proto_check_calibration(p, n);

	if (r > 0) {
		check((size_t)r <= n);
		check(memchr(p, '{', (size_t)r) != NULL);
		check(memchr(p, '\0', (size_t)r) == NULL);
	}
}

static void fuzz_encode(const u8 *p, size_t n, u32 tid)
{
	u8 pkt[K4A_CMD_PACKET_MAX];
	u8 cfg[K4A_SYS_CFG_LEN];
	u32 op = n >= 4 ? k4a_get_le32(p) : 0;
	int r = k4a_proto_encode_cmd(pkt, sizeof(pkt), tid, op, (u32)n, p, n);

	if (n <= K4A_CMD_DATA_MAX) {
		check(r == (int)(K4A_CMD_HDR_LEN + n));
		check(k4a_get_le32(pkt) == K4A_CMD_PACKET_TYPE);
		check(k4a_get_le32(pkt + 4) == tid);
		check(k4a_get_le32(pkt + 12) == op);
		check(!memcmp(pkt + K4A_CMD_HDR_LEN, p, n));
	} else {
		check(r == K4A_PROTO_ERR_ARG);
	}
	(void)k4a_proto_opcode_name(op);
	r = k4a_proto_encode_sys_cfg(cfg, sizeof(cfg), tid % 4, op,
				     (s32)tid, n & 1);
	check(r == ((tid % 4) < 3 ? K4A_SYS_CFG_LEN : K4A_PROTO_ERR_ARG));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p;
	size_t n;
	u8 *copy;
	u32 tid;

	if (size < 5)
		return 0;
	tid = k4a_get_le32(data + 1);
	n = size - 5;
	/* An exact-size heap copy so that any overread is caught. */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 5, n);
	p = copy;

	switch (data[0] % 6) {
	case 0:
		fuzz_status(p, n, tid);
		break;
	case 1:
		fuzz_versions(p, n);
		break;
	case 2:
		fuzz_serial(p, n);
		break;
	case 3:
		fuzz_jack(p, n);
		break;
	case 4:
		fuzz_calibration(p, n);
		break;
	default:
		fuzz_encode(p, n, tid);
		break;
	}
	free(copy);
	return 0;
}
