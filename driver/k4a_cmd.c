// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_cmd: command transport to the depth and colour MCUs.
 *
 * One command is up to three bulk transfers: the command packet on the OUT
 * endpoint, an optional IN data stage, and a 16-byte status packet on the IN
 * endpoint. Each stage has K4A_CMD_TIMEOUT_MS. Transactions of one MCU are
 * serialised by its mutex and use one preallocated URB, so a disconnect can
 * poison that URB and be sure nothing is submitted afterwards.
 *
 * A device that fails a read command may either send an empty data stage
 * followed by the status, or skip the data stage and send the status at
 * once. Both are accepted: a data-stage reply that is exactly a status
 * packet echoing the pending transaction id ends the data stage and is taken
 * as the status.
 *
 * After a failed exchange the response endpoint may still hold the rest of
 * the reply; it is drained (short timeouts) so that the next command starts
 * clean, and late status packets of earlier transactions are skipped.
 *
 * A reply can also come after the drain gave up: a busy device answers a
 * timed-out transaction later, in order, ahead of the next one's reply. The
 * next transaction then reads that late data stage first. A late status
 * packet after data read shows whose the data was: it is dropped and the
 * data stage read again. While a reply is owed (@reply_owed), a packet in
 * the status stage that is not a status packet is taken for the rest of that
 * late data and skipped. Skips are bounded (%K4A_STALE_SKIPS in all), so a
 * device that keeps sending them ends the transaction with -EPROTO.
 *
 * A data stage is received in K4A_CMD_CHUNK pieces; a piece shorter than
 * asked for ends it. That needs every piece but the last to be a whole
 * number of packets, so the response endpoint's wMaxPacketSize must divide
 * K4A_CMD_CHUNK (checked at bind).
 *
 * While a half is suspended or being reset (K4A_MCU_QUIESCED) commands fail
 * with -EAGAIN without touching the device. A long read started with
 * k4a_mcu_read_cancellable() stops between pieces once its caller's cancel
 * bit is set (the unit it was read for is being torn down).
 */
#include <linux/slab.h>
#include <linux/usb.h>

#include "k4a.h"

/* Drain reads after a failure: per read timeout and upper bound. */
#define K4A_FLUSH_TIMEOUT_MS	50
#define K4A_FLUSH_MAX_READS	48
/* Late status packets of up to this many earlier transactions are skipped. */
#define K4A_STALE_WINDOW	8
#define K4A_STALE_SKIPS		4
/* Receive length for the status stage: room to see over-long replies. */
#define K4A_STATUS_RX_LEN	1024

static void k4a_mcu_complete(struct urb *urb)
{
	struct k4a_mcu *mcu = urb->context;

	complete(&mcu->done);
}

static bool k4a_mcu_dead(struct k4a_mcu *mcu)
{
	return test_bit(K4A_MCU_DEAD, &mcu->flags);
}

/*
 * One bulk transfer on @pipe with a timeout. Caller holds mcu->lock.
 * Returns 0 or a negative errno; *actual gets the bytes moved.
 */
static int k4a_mcu_urb(struct k4a_mcu *mcu, unsigned int pipe, void *buf,
		       size_t len, unsigned int timeout_ms, size_t *actual)
{
	struct urb *urb = mcu->urb;
	int ret;

	*actual = 0;
	if (k4a_mcu_dead(mcu))
		return -ENODEV;

	usb_fill_bulk_urb(urb, mcu->udev, pipe, buf, len, k4a_mcu_complete,
			  mcu);
	reinit_completion(&mcu->done);
	ret = usb_submit_urb(urb, GFP_KERNEL);
	if (ret)
		return k4a_mcu_dead(mcu) || ret == -EPERM ? -ENODEV : ret;

	if (!wait_for_completion_timeout(&mcu->done,
					 msecs_to_jiffies(timeout_ms))) {
		usb_kill_urb(urb);
		*actual = urb->actual_length;
		return k4a_mcu_dead(mcu) ? -ENODEV : -ETIMEDOUT;
	}
	*actual = urb->actual_length;

	switch (urb->status) {
	case 0:
		return 0;
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
	case -EPERM:
		return -ENODEV;
	case -EPIPE:
		return -EPIPE;
	case -EOVERFLOW:
	case -EREMOTEIO:
		return -EPROTO;
	default:
		return k4a_mcu_dead(mcu) ? -ENODEV : -EIO;
	}
}

/* Bring the endpoints back to a clean state after a failed exchange. */
static void k4a_mcu_flush(struct k4a_mcu *mcu, int why)
{
	size_t got;
	int i, ret;

	if (why == -EPIPE) {
		usb_clear_halt(mcu->udev, mcu->out_pipe);
		usb_clear_halt(mcu->udev, mcu->in_pipe);
	}
	for (i = 0; i < K4A_FLUSH_MAX_READS; i++) {
		ret = k4a_mcu_urb(mcu, mcu->in_pipe, mcu->bounce, K4A_CMD_CHUNK,
				  K4A_FLUSH_TIMEOUT_MS, &got);
		if (ret == -EPIPE) {
			usb_clear_halt(mcu->udev, mcu->in_pipe);
			break;
		}
		if (ret)
			break;
	}
}

/*
 * A read abandoned between pieces: the device still sends the rest of the
 * data and the status. Take them (at most what is left of the data stage
 * and the status) so that the next command starts clean.
 */
static void k4a_mcu_drain(struct k4a_mcu *mcu, u32 tid, size_t left)
{
	unsigned int i, n = DIV_ROUND_UP(left, K4A_CMD_CHUNK) + 1;
	size_t got;

	for (i = 0; i < n; i++) {
		if (k4a_mcu_urb(mcu, mcu->in_pipe, mcu->bounce, K4A_CMD_CHUNK,
				K4A_CMD_TIMEOUT_MS, &got))
			break;
		if (k4a_proto_is_status(mcu->bounce, got, tid))
			return;
	}
	k4a_mcu_flush(mcu, 0);
}

static int k4a_errno(int ret)
{
	switch (ret) {
	case -EPIPE:
		return -EIO;
	case -ENODEV:
	case -ETIMEDOUT:
	case -EPROTO:
	case -EIO:
		return ret;
	default:
		return -EIO;
	}
}

static int __k4a_mcu_xfer(struct k4a_mcu *mcu, u32 opcode, const void *data,
			  size_t data_len, void *rx, size_t rx_len,
			  size_t *actual, unsigned int flags,
			  const unsigned long *cancel, unsigned int cancel_bit);

/**
 * k4a_mcu_xfer() - run one command
 * @mcu: transport
 * @opcode: command
 * @data: command data (NULL if none)
 * @data_len: bytes of command data, at most %K4A_CMD_DATA_MAX
 * @rx: destination of the read data stage (any kernel memory, vmalloc too);
 *      NULL if the command has no data stage
 * @rx_len: host receive size; announced to the device as the payload size
 * @actual: bytes received in the data stage (may be NULL)
 * @flags: %K4A_XFER_QUIET to suppress the failure message
 *
 * Context: process context, may sleep; takes mcu->lock.
 * Return: 0 on success; -ENODEV when the device is gone, -EAGAIN while the
 * half is quiesced, -ETIMEDOUT when a stage timed out, -EPROTO for a
 * malformed reply (length, packet type, transaction id, over-long data),
 * -EREMOTEIO for a non-zero device status, -EIO for a USB error, -EINVAL
 * for bad arguments.
 */
int k4a_mcu_xfer(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual,
		 unsigned int flags)
{
	return __k4a_mcu_xfer(mcu, opcode, data, data_len, rx, rx_len, actual,
			      flags, NULL, 0);
}

/**
 * k4a_mcu_read_cancellable() - a long read that can be abandoned
 * @mcu: transport
 * @opcode: command
 * @data: command data (NULL if none)
 * @data_len: bytes of command data
 * @rx: destination, @rx_len bytes (any kernel memory)
 * @rx_len: host receive size
 * @actual: bytes received
 * @cancel: word holding the cancel bit
 * @cancel_bit: bit of @cancel; once set, the read ends before its next
 *              piece with -ENODEV and the rest of the reply is drained
 *
 * Return: as k4a_mcu_read().
 */
int k4a_mcu_read_cancellable(struct k4a_mcu *mcu, u32 opcode,
			     const void *data, size_t data_len, void *rx,
			     size_t rx_len, size_t *actual,
			     const unsigned long *cancel,
			     unsigned int cancel_bit)
{
	int ret = __k4a_mcu_xfer(mcu, opcode, data, data_len, rx, rx_len,
				 actual, 0, cancel, cancel_bit);

	return ret == -EREMOTEIO ? -EIO : ret;
}

static int __k4a_mcu_xfer(struct k4a_mcu *mcu, u32 opcode, const void *data,
			  size_t data_len, void *rx, size_t rx_len,
			  size_t *actual, unsigned int flags,
			  const unsigned long *cancel, unsigned int cancel_bit)
{
	const char *stage = "command";
	const char *why = NULL;
	bool status_seen = false, cancelled = false, zlp_seen = false;
	bool sent = false;
	size_t done = 0, got;
	int n, perr, skips = 0;
	u32 tid, status = 0;
	int ret;

	if (actual)
		*actual = 0;
	if (data_len > K4A_CMD_DATA_MAX || (rx_len && !rx) || rx_len > U32_MAX)
		return -EINVAL;

	mutex_lock(&mcu->lock);
	if (k4a_mcu_dead(mcu)) {
		mutex_unlock(&mcu->lock);
		return -ENODEV;
	}
	if (test_bit(K4A_MCU_QUIESCED, &mcu->flags)) {
		mutex_unlock(&mcu->lock);
		return -EAGAIN;
	}
	tid = mcu->tid++;
	n = k4a_proto_encode_cmd(mcu->cmd_buf, K4A_CMD_PACKET_MAX, tid, opcode,
				 (u32)rx_len, data, data_len);
	if (n < 0) {
		ret = -EINVAL;
		goto out;
	}

	ret = k4a_mcu_urb(mcu, mcu->out_pipe, mcu->cmd_buf, n,
			  K4A_CMD_TIMEOUT_MS, &got);
	if (!ret && got != n) {
		ret = -EIO;
		why = "short command write";
	}
	if (ret)
		goto fail;
	sent = true;

data_stage:
	stage = "data";
	while (rx_len && done < rx_len) {
		size_t chunk = min_t(size_t, rx_len - done, K4A_CMD_CHUNK);
		size_t post = max_t(size_t, chunk, K4A_STATUS_LEN);

		if (cancel && test_bit(cancel_bit, cancel)) {
			ret = -ENODEV;
			cancelled = true;
			goto fail;
		}
		ret = k4a_mcu_urb(mcu, mcu->in_pipe, mcu->bounce, post,
				  K4A_CMD_TIMEOUT_MS, &got);
		if (ret)
			goto fail;
		if (k4a_proto_is_status(mcu->bounce, got, tid)) {
			/* no data stage, or it ended exactly at a chunk end */
			status_seen = true;
			break;
		}
		if (k4a_proto_is_stale_status(mcu->bounce, got, tid,
					      K4A_STALE_WINDOW) &&
		    skips++ < K4A_STALE_SKIPS) {
			/* anything read before it was that reply's data */
			mcu->reply_owed = false;
			done = 0;
			continue;
		}
		if (got > chunk) {
			ret = -EPROTO;
			why = "over-long data stage";
			goto fail;
		}
		memcpy((u8 *)rx + done, mcu->bounce, got);
		done += got;
		if (got < chunk)
			break;
	}

	stage = "status";
	while (!status_seen) {
		ret = k4a_mcu_urb(mcu, mcu->in_pipe, mcu->bounce,
				  K4A_STATUS_RX_LEN, K4A_CMD_TIMEOUT_MS, &got);
		if (ret)
			goto fail;
		/*
		 * A data stage that filled the receive size exactly may still
		 * be ended by a zero length packet: not the status yet.
		 */
		if (!got && rx_len && done == rx_len && !zlp_seen) {
			zlp_seen = true;
			continue;
		}
		if (k4a_proto_is_stale_status(mcu->bounce, got, tid,
					      K4A_STALE_WINDOW) &&
		    skips++ < K4A_STALE_SKIPS) {
			mcu->reply_owed = false;
			if (done) {
				/* what the data stage read was that reply's */
				done = 0;
				zlp_seen = false;
				goto data_stage;
			}
			continue;
		}
		if (mcu->reply_owed &&
		    !k4a_proto_is_status(mcu->bounce, got, tid) &&
		    skips++ < K4A_STALE_SKIPS)
			continue;
		break;
	}
	perr = k4a_proto_decode_status(mcu->bounce, got, tid, &status);
	if (perr) {
		ret = -EPROTO;
		why = k4a_proto_strerror(perr);
		goto fail;
	}
	/* our own status: nothing older can follow */
	mcu->reply_owed = false;
	if (status != K4A_STATUS_SUCCESS) {
		ret = -EREMOTEIO;
		if (!(flags & K4A_XFER_QUIET))
			dev_err_ratelimited(mcu->dev,
					    "%s MCU: %s (0x%08x): device status 0x%x (%s)\n",
					    mcu->name,
					    k4a_proto_opcode_name(opcode),
					    opcode, status,
					    k4a_proto_status_name(status));
		goto out;
	}
	if (actual)
		*actual = done;
	ret = 0;
	goto out;

fail:
	if (cancelled) {
		k4a_mcu_drain(mcu, tid, rx_len - done);
	} else if (ret != -ENODEV) {
		if (!(flags & K4A_XFER_QUIET)) {
			if (!why)
				why = ret == -ETIMEDOUT ? "timed out" :
				      ret == -EPIPE ? "endpoint stalled" :
				      ret == -EPROTO ? "babble" : "USB error";
			dev_err_ratelimited(mcu->dev,
					    "%s MCU: %s (0x%08x): %s stage: %s\n",
					    mcu->name,
					    k4a_proto_opcode_name(opcode),
					    opcode, stage, why);
		}
		k4a_mcu_flush(mcu, ret);
		if (ret == -ETIMEDOUT && sent)
			mcu->reply_owed = true;
	}
	ret = k4a_errno(ret);
out:
	mutex_unlock(&mcu->lock);
	return ret;
}

/**
 * k4a_mcu_read() - run a command with a read data stage
 * @mcu: transport
 * @opcode: command
 * @data: command data (NULL if none)
 * @data_len: bytes of command data
 * @rx: destination, @rx_len bytes (any kernel memory)
 * @rx_len: host receive size
 * @actual: bytes received
 *
 * Return: as k4a_mcu_xfer(), but -EIO for a non-zero device status.
 */
int k4a_mcu_read(struct k4a_mcu *mcu, u32 opcode, const void *data,
		 size_t data_len, void *rx, size_t rx_len, size_t *actual)
{
	int ret = k4a_mcu_xfer(mcu, opcode, data, data_len, rx, rx_len, actual,
			       0);

	return ret == -EREMOTEIO ? -EIO : ret;
}

/**
 * k4a_mcu_write() - run a command without data stage
 * @mcu: transport
 * @opcode: command
 * @data: command data (NULL if none)
 * @data_len: bytes of command data
 *
 * Return: as k4a_mcu_read().
 */
int k4a_mcu_write(struct k4a_mcu *mcu, u32 opcode, const void *data,
		  size_t data_len)
{
	int ret = k4a_mcu_xfer(mcu, opcode, data, data_len, NULL, 0, NULL, 0);

	return ret == -EREMOTEIO ? -EIO : ret;
}

/**
 * k4a_mcu_init() - set up the transport of one MCU
 * @mcu: transport to fill
 * @name: "depth" or "color"
 * @intf: interface holding the two endpoints
 * @out_ep: address of the command OUT endpoint
 * @in_ep: address of the response IN endpoint
 *
 * Both endpoints must exist on the interface's current altsetting and be
 * bulk endpoints of the right direction, and the response endpoint's
 * wMaxPacketSize must divide the data stage piece size.
 *
 * Return: 0, -ENODEV if the endpoints are missing or wrong, -ENOMEM.
 */
int k4a_mcu_init(struct k4a_mcu *mcu, const char *name,
		 struct usb_interface *intf, u8 out_ep, u8 in_ep)
{
	struct usb_host_interface *alt = intf->cur_altsetting;
	struct usb_endpoint_descriptor *out = NULL, *in = NULL;
	struct usb_device *udev = interface_to_usbdev(intf);
	unsigned int i;

	for (i = 0; i < alt->desc.bNumEndpoints; i++) {
		struct usb_endpoint_descriptor *ep = &alt->endpoint[i].desc;

		if (ep->bEndpointAddress == out_ep)
			out = ep;
		else if (ep->bEndpointAddress == in_ep)
			in = ep;
	}
	if (!out || !in || !usb_endpoint_is_bulk_out(out) ||
	    !usb_endpoint_is_bulk_in(in)) {
		dev_err(&intf->dev,
			"%s MCU: bulk endpoints 0x%02x/0x%02x not found\n",
			name, out_ep, in_ep);
		return -ENODEV;
	}
	if (!usb_endpoint_maxp(in) || K4A_CMD_CHUNK % usb_endpoint_maxp(in)) {
		dev_err(&intf->dev,
			"%s MCU: response endpoint packet size %u does not divide %u\n",
			name, usb_endpoint_maxp(in), K4A_CMD_CHUNK);
		return -ENODEV;
	}

	mcu->name = name;
	mcu->udev = udev;
	mcu->dev = &intf->dev;
	mcu->out_pipe = usb_sndbulkpipe(udev, out_ep);
	mcu->in_pipe = usb_rcvbulkpipe(udev, in_ep);
	mcu->flags = 0;
	mcu->tid = 0;
	mutex_init(&mcu->lock);
	init_completion(&mcu->done);

	mcu->urb = usb_alloc_urb(0, GFP_KERNEL);
	mcu->cmd_buf = kmalloc(K4A_CMD_PACKET_MAX, GFP_KERNEL);
	mcu->bounce = kmalloc(K4A_CMD_CHUNK, GFP_KERNEL);
	if (!mcu->urb || !mcu->cmd_buf || !mcu->bounce) {
		k4a_mcu_cleanup(mcu);
		return -ENOMEM;
	}
	return 0;
}

/**
 * k4a_mcu_kill() - stop all command traffic for good
 * @mcu: transport
 *
 * Marks the transport dead, cancels a transfer in flight and makes further
 * submissions fail, then waits until no transaction is running. Every later
 * command returns -ENODEV.
 *
 * Context: process context; must not be called with mcu->lock held.
 */
void k4a_mcu_kill(struct k4a_mcu *mcu)
{
	if (!mcu->urb)
		return;
	set_bit(K4A_MCU_DEAD, &mcu->flags);
	usb_poison_urb(mcu->urb);
	mutex_lock(&mcu->lock);
	mutex_unlock(&mcu->lock);
}

/**
 * k4a_mcu_quiesce() - stop command traffic until k4a_mcu_resume()
 * @mcu: transport
 *
 * Waits for a running transaction to end; commands issued afterwards fail
 * with -EAGAIN without reaching the device. Used across suspend and reset.
 *
 * Context: process context; must not be called with mcu->lock held.
 */
void k4a_mcu_quiesce(struct k4a_mcu *mcu)
{
	mutex_lock(&mcu->lock);
	set_bit(K4A_MCU_QUIESCED, &mcu->flags);
	mutex_unlock(&mcu->lock);
}

/**
 * k4a_mcu_resume() - allow command traffic again after k4a_mcu_quiesce()
 * @mcu: transport
 */
void k4a_mcu_resume(struct k4a_mcu *mcu)
{
	clear_bit(K4A_MCU_QUIESCED, &mcu->flags);
}

/**
 * k4a_mcu_cleanup() - free the transport's resources
 * @mcu: transport, killed or never used
 */
void k4a_mcu_cleanup(struct k4a_mcu *mcu)
{
	usb_free_urb(mcu->urb);
	mcu->urb = NULL;
	kfree(mcu->cmd_buf);
	mcu->cmd_buf = NULL;
	kfree(mcu->bounce);
	mcu->bounce = NULL;
}
