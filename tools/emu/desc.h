/* SPDX-License-Identifier: GPL-2.0 */
/* Standard USB descriptors of the two USB devices of one emulated unit. */
#ifndef K4A_EMU_DESC_H
#define K4A_EMU_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define K4A_VID		0x045e
#define K4A_PID_DEPTH	0x097c
#define K4A_PID_COLOR	0x097d

/* endpoint addresses */
#define EP_DEPTH_CMD_OUT	0x02
#define EP_DEPTH_RSP_IN		0x81
#define EP_DEPTH_STREAM_IN	0x83
#define EP_COLOR_VIDEO_IN	0x81	/* UVC iso */
#define EP_COLOR_CMD_OUT	0x04
#define EP_COLOR_RSP_IN		0x83
#define EP_COLOR_IMU_IN		0x82

#define COLOR_VENDOR_IFNUM	2

/* descriptor faults (bit mask, applied when the device is (re)plugged) */
#define DESC_F_MALFORMED	0x01	/* stream endpoint descriptor with bLength 4 */
#define DESC_F_NO_BOS		0x02	/* GET_DESCRIPTOR(BOS) stalls */
#define DESC_F_NO_CID		0x04	/* BOS without Container ID capability */
#define DESC_F_DUP_CID		0x08	/* Container ID of unit 0 */
#define DESC_F_BAD_SERIAL	0x10	/* iSerialNumber differs from the MCU serial */

#define DESC_CFG_MAX	8192
#define DESC_BOS_MAX	64
#define DESC_NSTR	4

struct emu_uvc;

/**
 * struct desc_set - every standard descriptor one USB device returns
 * @dev:      device descriptor
 * @cfg:      configuration descriptor with all interface/endpoint descriptors
 * @bos:      BOS descriptor (@bos_len 0 = none, request stalls)
 * @str:      string descriptors 0..3 (0 = LANGID list)
 */
struct desc_set {
	uint8_t dev[18];
	uint8_t cfg[DESC_CFG_MAX];
	size_t cfg_len;
	uint8_t bos[DESC_BOS_MAX];
	size_t bos_len;
	uint8_t str[DESC_NSTR][128];
};

/**
 * struct desc_ident - what distinguishes one unit's device
 * @pid:          K4A_PID_DEPTH or K4A_PID_COLOR
 * @serial:       unit serial (ASCII)
 * @container_id: 16 bytes, shared by both devices of a unit
 * @faults:       DESC_F_* bits
 * @uvc:          colour device: UVC function that appends interfaces 0/1 (may be NULL:
 *                vendor interface 2 only)
 */
struct desc_ident {
	uint16_t pid;
	const char *serial;
	uint8_t container_id[16];
	unsigned int faults;
	struct emu_uvc *uvc;
};

/* Build all descriptors. Returns 0 or -1 (buffer too small / UVC error). */
int desc_build(const struct desc_ident *id, struct desc_set *d);

/* Derive the Container ID of unit @index with serial @serial. */
void desc_container_id(unsigned int index, const char *serial, uint8_t out[16]);

/* Look up an endpoint descriptor in @cfg for interface @ifnum alt @alt.
 * Returns its transfer type (0..3) and fills *mps / *bpi (SS wBytesPerInterval),
 * or -1 if absent. ifnum < 0 = any interface/alt. */
int desc_find_ep(const uint8_t *cfg, size_t len, int ifnum, int alt, uint8_t addr,
		 unsigned int *mps, unsigned int *bpi);

/* Encode ASCII @s as a USB string descriptor into @out (cap bytes). */
size_t desc_string(const char *s, uint8_t *out, size_t cap);

#endif
