/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USB/IP wire format, device side (the side vhci_hcd talks to).
 * All header fields travel big-endian; these helpers convert to and from
 * host-order structs and never trust a length they have not checked.
 */
#ifndef K4A_EMU_USBIP_H
#define K4A_EMU_USBIP_H

#include <stddef.h>
#include <stdint.h>

#define USBIP_CMD_SUBMIT	1
#define USBIP_CMD_UNLINK	2
#define USBIP_RET_SUBMIT	3
#define USBIP_RET_UNLINK	4

#define USBIP_HDR_SIZE		48
#define USBIP_ISO_DESC_SIZE	16
#define USBIP_DIR_OUT		0
#define USBIP_DIR_IN		1

/* largest transfer the emulator accepts in one URB (vhci/usbfs stay far below) */
#define USBIP_MAX_XFER		(16u << 20)
/* largest number of iso packets in one URB */
#define USBIP_MAX_ISO_PKTS	1024

/**
 * struct usbip_cmd - a decoded CMD_SUBMIT or CMD_UNLINK header
 * @command:      USBIP_CMD_SUBMIT or USBIP_CMD_UNLINK
 * @seqnum:       URB sequence number chosen by vhci
 * @devid:        bus/dev id given at attach time
 * @direction:    USBIP_DIR_IN / USBIP_DIR_OUT
 * @ep:           endpoint number (0..15, no direction bit)
 * @flags:        URB transfer flags
 * @length:       transfer_buffer_length
 * @start_frame:  iso start frame
 * @npackets:     number_of_packets (iso only, else 0 or -1)
 * @interval:     URB interval
 * @setup:        setup packet (control transfers)
 * @unlink_seqnum: CMD_UNLINK: seqnum of the URB to unlink
 */
struct usbip_cmd {
	uint32_t command, seqnum, devid, direction, ep;
	uint32_t flags;
	int32_t length, start_frame, npackets, interval;
	uint8_t setup[8];
	uint32_t unlink_seqnum;
};

/* one iso packet descriptor (host order) */
struct usbip_iso {
	uint32_t offset, length, actual, status;
};

/* Decode a 48-byte header. Returns 0, or -1 for an unknown command or
 * lengths out of range (the caller then drops the connection). */
int usbip_parse_cmd(const uint8_t hdr[USBIP_HDR_SIZE], struct usbip_cmd *c);

/* Bytes that follow the header of @c on the wire (OUT data + iso descs). */
size_t usbip_cmd_tail(const struct usbip_cmd *c, int is_iso);

/* Encode a RET_SUBMIT header. */
void usbip_pack_ret_submit(uint8_t hdr[USBIP_HDR_SIZE], uint32_t seqnum, uint32_t devid,
			   uint32_t direction, uint32_t ep, int32_t status, int32_t actual,
			   int32_t start_frame, int32_t npackets, int32_t error_count);

/* Encode a RET_UNLINK header. */
void usbip_pack_ret_unlink(uint8_t hdr[USBIP_HDR_SIZE], uint32_t seqnum, uint32_t devid,
			   int32_t status);

void usbip_parse_iso(const uint8_t *p, struct usbip_iso *d);
void usbip_pack_iso(uint8_t *p, const struct usbip_iso *d);

/*
 * Find a free SuperSpeed port on any vhci_hcd controller and attach @fd to it.
 * Returns the port number, or -1 (errno set). @devid is the bus/dev id vhci
 * will echo in headers.
 */
int usbip_attach(int fd, uint32_t devid, int speed);
/* Detach a port (clean unplug). Returns 0 or -1. */
int usbip_detach(int port);

#endif
