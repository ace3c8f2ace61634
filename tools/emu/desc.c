// SPDX-License-Identifier: GPL-2.0
/* Device, configuration, BOS and string descriptors of 045e:097c / 045e:097d. */
#include "desc.h"

#include <string.h>

#include "le.h"

#ifndef EMU_NO_UVC
#include "uvc.h"
#endif

size_t desc_string(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s), i;

	if (2 + 2 * n > cap)
		n = (cap - 2) / 2;
	if (2 + 2 * n > 255)
		n = 126;
	out[0] = (uint8_t)(2 + 2 * n);
	out[1] = 3;
	for (i = 0; i < n; i++) {
		out[2 + 2 * i] = (uint8_t)s[i];
		out[3 + 2 * i] = 0;
	}
	return 2 + 2 * n;
}

void desc_container_id(unsigned int index, const char *serial, uint8_t out[16])
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a over the serial */
	const char *p;
	int i;

	for (p = serial; *p; p++) {
		h ^= (uint8_t)*p;
		h *= 0x100000001b3ull;
	}
	out[0] = 'K';
	out[1] = '4';
	out[2] = 'A';
	out[3] = 'E';
	out[4] = (uint8_t)(index >> 8);
	out[5] = (uint8_t)index;
	out[6] = 0x40 | (uint8_t)((h >> 56) & 0x0f);	/* version 4 layout */
	out[7] = (uint8_t)(h >> 48);
	out[8] = 0x80 | (uint8_t)((h >> 40) & 0x3f);	/* RFC 4122 variant */
	for (i = 9; i < 16; i++)
		out[i] = (uint8_t)(h >> (8 * (15 - i)));
}

/* append helpers; return new length or 0 on overflow */
static size_t ap(uint8_t *b, size_t len, size_t cap, const uint8_t *d, size_t n)
{
	if (!len || len + n > cap)
		return 0;
	memcpy(b + len, d, n);
	return len + n;
}

static size_t ap_intf(uint8_t *b, size_t len, size_t cap, uint8_t num, uint8_t neps)
{
	const uint8_t d[9] = { 9, 4, num, 0, neps, 0xff, 0x00, 0x00, 0 };

	return ap(b, len, cap, d, sizeof(d));
}

/* bulk endpoint at SuperSpeed: 1024 bytes + companion with @burst */
static size_t ap_bulk(uint8_t *b, size_t len, size_t cap, uint8_t addr, uint8_t burst,
		      bool malformed)
{
	uint8_t d[7] = { 7, 5, addr, 0x02, 0x00, 0x04, 0 };
	const uint8_t comp[6] = { 6, 0x30, burst, 0, 0, 0 };

	if (malformed)
		d[0] = 4;
	len = ap(b, len, cap, d, malformed ? 4 : 7);
	if (malformed)
		return len;
	return ap(b, len, cap, comp, sizeof(comp));
}

static int build_cfg(const struct desc_ident *id, struct desc_set *d)
{
	bool bad = id->faults & DESC_F_MALFORMED;
	uint8_t *b = d->cfg;
	size_t cap = sizeof(d->cfg), len = 9;
	uint8_t nintf;

	memset(b, 0, 9);
	if (id->pid == K4A_PID_DEPTH) {
		nintf = 1;
		len = ap_intf(b, len, cap, 0, 3);
		len = ap_bulk(b, len, cap, EP_DEPTH_CMD_OUT, 0, false);
		len = ap_bulk(b, len, cap, EP_DEPTH_RSP_IN, 0, false);
		len = ap_bulk(b, len, cap, EP_DEPTH_STREAM_IN, 15, bad);
	} else {
		nintf = 1;
#ifndef EMU_NO_UVC
		if (id->uvc) {
			int n = emu_uvc_config_descs(id->uvc, b + len, cap - len);

			if (n < 0)
				return -1;
			len += (size_t)n;
			nintf = 3;
		}
#endif
		len = ap_intf(b, len, cap, COLOR_VENDOR_IFNUM, 3);
		len = ap_bulk(b, len, cap, EP_COLOR_CMD_OUT, 0, false);
		len = ap_bulk(b, len, cap, EP_COLOR_RSP_IN, 0, false);
		len = ap_bulk(b, len, cap, EP_COLOR_IMU_IN, 0, bad);
	}
	if (!len)
		return -1;
	b[0] = 9;
	b[1] = 2;
	put16(b + 2, (uint16_t)len);
	b[4] = nintf;
	b[5] = 1;	/* bConfigurationValue */
	b[6] = 0;	/* iConfiguration */
	b[7] = 0x80;	/* bus powered */
	b[8] = 112;	/* 896 mA in 8 mA units (SuperSpeed) */
	d->cfg_len = len;
	return 0;
}

static void build_bos(const struct desc_ident *id, struct desc_set *d)
{
	static const uint8_t usb2ext[7] = { 7, 0x10, 0x02, 0x02, 0, 0, 0 };	/* LPM */
	static const uint8_t sscap[10] = { 10, 0x10, 0x03, 0x00, 0x0e, 0x00, 0x01, 0x0a,
					   0xff, 0x07 };
	uint8_t *b = d->bos;
	size_t len = 5;
	uint8_t ncaps = 2;

	d->bos_len = 0;
	if (id->faults & DESC_F_NO_BOS)
		return;
	memcpy(b + len, usb2ext, sizeof(usb2ext));
	len += sizeof(usb2ext);
	memcpy(b + len, sscap, sizeof(sscap));
	len += sizeof(sscap);
	if (!(id->faults & DESC_F_NO_CID)) {
		b[len] = 20;
		b[len + 1] = 0x10;
		b[len + 2] = 0x04;
		b[len + 3] = 0;
		memcpy(b + len + 4, id->container_id, 16);
		len += 20;
		ncaps++;
	}
	b[0] = 5;
	b[1] = 0x0f;
	put16(b + 2, (uint16_t)len);
	b[4] = ncaps;
	d->bos_len = len;
}

int desc_build(const struct desc_ident *id, struct desc_set *d)
{
	static const uint8_t langid[4] = { 4, 3, 0x09, 0x04 };
	char serial[40];
	uint8_t *v = d->dev;
	size_t n;

	memset(d, 0, sizeof(*d));
	v[0] = 18;
	v[1] = 1;
	put16(v + 2, 0x0320);
	if (id->pid == K4A_PID_COLOR && id->uvc) {
		v[4] = 0xef;	/* miscellaneous: interface association */
		v[5] = 0x02;
		v[6] = 0x01;
	}
	v[7] = 9;		/* 512-byte ep0 at SuperSpeed */
	put16(v + 8, K4A_VID);
	put16(v + 10, id->pid);
	put16(v + 12, 0x0100);
	v[14] = 1;
	v[15] = 2;
	v[16] = 3;
	v[17] = 1;
	if (build_cfg(id, d))
		return -1;
	build_bos(id, d);
	memcpy(d->str[0], langid, sizeof(langid));
	desc_string("Microsoft", d->str[1], sizeof(d->str[1]));
	desc_string(id->pid == K4A_PID_DEPTH ? "Azure Kinect Depth Camera" :
		    "Azure Kinect 4K Camera", d->str[2], sizeof(d->str[2]));
	n = strlen(id->serial);
	if (n >= sizeof(serial))
		n = sizeof(serial) - 1;
	memcpy(serial, id->serial, n);
	serial[n] = 0;
	if ((id->faults & DESC_F_BAD_SERIAL) && n)
		serial[n - 1] = serial[n - 1] == '9' ? '0' : (char)(serial[n - 1] + 1);
	desc_string(serial, d->str[3], sizeof(d->str[3]));
	return 0;
}

int desc_find_ep(const uint8_t *cfg, size_t len, int ifnum, int alt, uint8_t addr,
		 unsigned int *mps, unsigned int *bpi)
{
	int cur_if = -1, cur_alt = -1, type = -1;
	size_t i = 0;

	while (i + 2 <= len) {
		uint8_t bl = cfg[i], dt = cfg[i + 1];

		if (bl < 2 || i + bl > len)
			break;
		if (dt == 4 && bl >= 9) {
			cur_if = cfg[i + 2];
			cur_alt = cfg[i + 3];
		} else if (dt == 5 && bl >= 7 && cfg[i + 2] == addr &&
			   (ifnum < 0 || (cur_if == ifnum && cur_alt == alt))) {
			type = cfg[i + 3] & 3;
			if (mps)
				*mps = (unsigned int)(cfg[i + 4] | cfg[i + 5] << 8) & 0x7ff;
			if (bpi)
				*bpi = 0;
			if (bpi && i + bl + 6 <= len && cfg[i + bl] == 6 && cfg[i + bl + 1] == 0x30)
				*bpi = (unsigned int)(cfg[i + bl + 4] | cfg[i + bl + 5] << 8);
			return type;
		}
		i += bl;
	}
	return type;
}
