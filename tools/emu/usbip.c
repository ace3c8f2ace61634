// SPDX-License-Identifier: GPL-2.0
/* USB/IP device-side wire codec and vhci_hcd sysfs attach/detach. */
#include "usbip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int usbip_parse_cmd(const uint8_t hdr[USBIP_HDR_SIZE], struct usbip_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->command = get_be32(hdr);
	c->seqnum = get_be32(hdr + 4);
	c->devid = get_be32(hdr + 8);
	c->direction = get_be32(hdr + 12);
	c->ep = get_be32(hdr + 16);
	if (c->command == USBIP_CMD_UNLINK) {
		c->unlink_seqnum = get_be32(hdr + 20);
		return 0;
	}
	if (c->command != USBIP_CMD_SUBMIT)
		return -1;
	c->flags = get_be32(hdr + 20);
	c->length = (int32_t)get_be32(hdr + 24);
	c->start_frame = (int32_t)get_be32(hdr + 28);
	c->npackets = (int32_t)get_be32(hdr + 32);
	c->interval = (int32_t)get_be32(hdr + 36);
	memcpy(c->setup, hdr + 40, 8);
	if (c->direction > USBIP_DIR_IN || c->ep > 15)
		return -1;
	if (c->length < 0 || (uint32_t)c->length > USBIP_MAX_XFER)
		return -1;
	if (c->npackets > USBIP_MAX_ISO_PKTS)
		return -1;
	return 0;
}

size_t usbip_cmd_tail(const struct usbip_cmd *c, int is_iso)
{
	size_t n = 0;

	if (c->command != USBIP_CMD_SUBMIT)
		return 0;
	if (c->direction == USBIP_DIR_OUT)
		n += (size_t)c->length;
	if (is_iso && c->npackets > 0)
		n += (size_t)c->npackets * USBIP_ISO_DESC_SIZE;
	return n;
}

void usbip_pack_ret_submit(uint8_t hdr[USBIP_HDR_SIZE], uint32_t seqnum, uint32_t devid,
			   uint32_t direction, uint32_t ep, int32_t status, int32_t actual,
			   int32_t start_frame, int32_t npackets, int32_t error_count)
{
	memset(hdr, 0, USBIP_HDR_SIZE);
	put_be32(hdr, USBIP_RET_SUBMIT);
	put_be32(hdr + 4, seqnum);
	put_be32(hdr + 8, devid);
	put_be32(hdr + 12, direction);
	put_be32(hdr + 16, ep);
	put_be32(hdr + 20, (uint32_t)status);
	put_be32(hdr + 24, (uint32_t)actual);
	put_be32(hdr + 28, (uint32_t)start_frame);
	put_be32(hdr + 32, (uint32_t)npackets);
	put_be32(hdr + 36, (uint32_t)error_count);
}

void usbip_pack_ret_unlink(uint8_t hdr[USBIP_HDR_SIZE], uint32_t seqnum, uint32_t devid,
			   int32_t status)
{
	memset(hdr, 0, USBIP_HDR_SIZE);
	put_be32(hdr, USBIP_RET_UNLINK);
	put_be32(hdr + 4, seqnum);
	put_be32(hdr + 8, devid);
	put_be32(hdr + 20, (uint32_t)status);
}

void usbip_parse_iso(const uint8_t *p, struct usbip_iso *d)
{
	d->offset = get_be32(p);
	d->length = get_be32(p + 4);
	d->actual = get_be32(p + 8);
	d->status = get_be32(p + 12);
}

void usbip_pack_iso(uint8_t *p, const struct usbip_iso *d)
{
	put_be32(p, d->offset);
	put_be32(p + 4, d->length);
	put_be32(p + 8, d->actual);
	put_be32(p + 12, d->status);
}

#define VHCI_BASE "/sys/devices/platform"

/* Scan one status file for a free port of hub type @hub ("ss"/"hs"). */
static int scan_status(const char *path, const char *hub)
{
	char line[256], h[8];
	unsigned int port, sta;
	FILE *f = fopen(path, "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%7s %u %u", h, &port, &sta) != 3)
			continue;
		if (!strcmp(h, hub) && sta == 4) {	/* VDEV_ST_NULL */
			found = (int)port;
			break;
		}
	}
	fclose(f);
	return found;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int usbip_attach(int fd, uint32_t devid, int speed)
{
	const char *hub = speed >= 5 ? "ss" : "hs";
	char path[320], req[96];
	int tries, i, port = -1;

	/* vhci_hcd.0 holds status (controller 0) and status.N for the others;
	 * port numbers are global, attach goes through vhci_hcd.0. */
	for (tries = 0; tries < 3; tries++) {
		for (i = 0; i < 32 && port < 0; i++) {
			if (i == 0)
				snprintf(path, sizeof(path), VHCI_BASE "/vhci_hcd.0/status");
			else
				snprintf(path, sizeof(path), VHCI_BASE "/vhci_hcd.0/status.%d", i);
			if (access(path, R_OK))
				break;
			port = scan_status(path, hub);
		}
		if (port < 0) {
			errno = ENOSPC;
			return -1;
		}
		snprintf(req, sizeof(req), "%d %d %u %d", port, fd, devid, speed);
		if (!write_file(VHCI_BASE "/vhci_hcd.0/attach", req))
			return port;
		if (errno != EBUSY && errno != EINVAL)
			return -1;
		port = -1;	/* raced with another attach: rescan */
	}
	return -1;
}

int usbip_detach(int port)
{
	char req[32];

	snprintf(req, sizeof(req), "%d", port);
	return write_file(VHCI_BASE "/vhci_hcd.0/detach", req);
}
