// SPDX-License-Identifier: GPL-2.0
/*
 * k4a_imu.c - the IMU stream of the colour MCU, read as clock observations.
 *
 * While a unit's colour camera streams, the driver runs the IMU stream too
 * (IMU_STREAM_START, bulk reads of endpoint 0x82), whether or not anybody
 * wants the samples: each packet carries the 90 kHz device times of its
 * samples, about 208 packets a second against the few colour URBs a second
 * that carry an SCR, so the clock estimator (lib/k4a_clock.c) sees many
 * more arrivals near the latency floor. Each packet's newest sample time,
 * with the packet's arrival, is one observation. See
 * Documentation/timestamps.rst.
 *
 * The IMU is a helper here, never a requirement: without the endpoint, or
 * when the device refuses the command or a read fails, colour streams on
 * with its own observations. Packets are untrusted: a packet is used only
 * if it parses (lib/k4a_imu.c) and its time lies within a second of the
 * newest colour SCR, so times from before a device clock reset (the IMU
 * keeps its old times for a while after one) never reach the estimator;
 * and not if it waited in a backlog (k4a_imu_backlogged(): its time more
 * than 100 ms behind where the device clock stood at its arrival, as the
 * newest SCR and the host time since tell), so that a host behind on the
 * IMU stream does not bury the prompt colour observations.
 */
#include <linux/usb.h>

#include "k4a.h"
#include "lib/k4a_imu.h"

/* An IMU time this far from the newest colour SCR is not used (ticks). */
#define K4A_IMU_MAX_SKEW_TICKS	90000

static void k4a_imu_complete(struct urb *urb)
{
	struct k4a_unit *unit = urb->context;
	struct k4a_color *cam = &unit->cam;
	struct k4a_imu *imu = &cam->imu;
	u64 now = ktime_get_ns(), pts = 0;
	unsigned long flags;
	bool resubmit;
	int ret = -EIO;

	switch (urb->status) {
	case 0:
		ret = k4a_imu_newest_pts(urb->transfer_buffer,
					 urb->actual_length, &pts);
		break;
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
		return;
	default:
		dev_dbg_ratelimited(&unit->dev, "IMU read failed (%d)\n",
				    urb->status);
		break;
	}

	spin_lock_irqsave(&unit->slock, flags);
	/* A failed read is not retried: the clock does without it. */
	resubmit = imu->on && !urb->status;
	if (imu->on && ret) {
		imu->bad++;
	} else if (imu->on) {
		s32 d = (s32)((u32)pts - cam->scr);

		if (!cam->have_scr || !unit->stream[K4A_SID_COLOR].running ||
		    d > K4A_IMU_MAX_SKEW_TICKS ||
		    d < -K4A_IMU_MAX_SKEW_TICKS) {
			imu->ignored++;
		} else if (k4a_imu_backlogged((u32)pts, cam->scr, cam->scr_ns,
					      now, K4A_TICK_HZ)) {
			imu->backlogged++;
		} else {
			imu->packets++;
			k4a_unit_clock_add(unit,
					   k4a_clock_unwrap(&unit->clock,
							    (u32)pts),
					   now);
		}
	}
	if (resubmit)
		usb_anchor_urb(urb, &imu->anchor);
	spin_unlock_irqrestore(&unit->slock, flags);

	if (!resubmit)
		return;
	ret = usb_submit_urb(urb, GFP_ATOMIC);
	if (ret) {
		usb_unanchor_urb(urb);
		if (ret != -EPERM && ret != -ENODEV)
			dev_dbg_ratelimited(&unit->dev,
					    "IMU URB resubmit failed (%d)\n",
					    ret);
	}
}

/* The IMU endpoint among the colour device's claimed interfaces. */
static struct usb_endpoint_descriptor *k4a_imu_find_ep(struct k4a_half *h)
{
	unsigned int i, j;

	for (i = 0; i < h->n_claimed; i++) {
		struct usb_host_interface *alt = h->claimed[i]->cur_altsetting;

		for (j = 0; j < alt->desc.bNumEndpoints; j++) {
			struct usb_endpoint_descriptor *d =
				&alt->endpoint[j].desc;

			if (d->bEndpointAddress == K4A_EP_COLOR_IMU_IN &&
			    (usb_endpoint_is_bulk_in(d) ||
			     usb_endpoint_is_int_in(d)) &&
			    usb_endpoint_maxp(d))
				return d;
		}
	}
	return NULL;
}

static void k4a_imu_free(struct k4a_imu *imu)
{
	unsigned int i;

	for (i = 0; i < K4A_IMU_URBS; i++) {
		if (!imu->urb[i])
			continue;
		kfree(imu->urb[i]->transfer_buffer);
		usb_free_urb(imu->urb[i]);
		imu->urb[i] = NULL;
	}
}

/**
 * k4a_imu_init() - set up the unit's IMU reader (nothing runs yet)
 * @unit: unit being created
 */
void k4a_imu_init(struct k4a_unit *unit)
{
	init_usb_anchor(&unit->cam.imu.anchor);
}

/**
 * k4a_imu_start() - run the IMU stream beside the colour stream
 * @unit: unit whose colour stream just started
 *
 * Best effort: on any failure the IMU stays off (logged at debug level)
 * and the colour stream is not affected.
 *
 * Context: process context; unit->lock held.
 */
void k4a_imu_start(struct k4a_unit *unit)
{
	struct k4a_half *color = unit->color;
	struct k4a_imu *imu = &unit->cam.imu;
	struct usb_endpoint_descriptor *d;
	unsigned int i, len, pipe;
	int ret;

	lockdep_assert_held(&unit->lock);
	if (imu->started)
		return;
	d = k4a_imu_find_ep(color);
	if (!d) {
		dev_dbg(&unit->dev, "IMU: no endpoint 0x%02x\n",
			K4A_EP_COLOR_IMU_IN);
		return;
	}
	/* Whole packets of the endpoint: a longer packet cannot overflow. */
	len = roundup(K4A_IMU_PACKET_MAX, usb_endpoint_maxp(d));
	pipe = usb_endpoint_xfer_bulk(d) ?
	       usb_rcvbulkpipe(color->udev, K4A_EP_COLOR_IMU_IN) :
	       usb_rcvintpipe(color->udev, K4A_EP_COLOR_IMU_IN);
	for (i = 0; i < K4A_IMU_URBS; i++) {
		struct urb *urb = usb_alloc_urb(0, GFP_KERNEL);
		void *buf = kmalloc(len, GFP_KERNEL);

		if (!urb || !buf) {
			usb_free_urb(urb);
			kfree(buf);
			goto fail;
		}
		if (usb_endpoint_xfer_bulk(d))
			usb_fill_bulk_urb(urb, color->udev, pipe, buf, len,
					  k4a_imu_complete, unit);
		else
			usb_fill_int_urb(urb, color->udev, pipe, buf, len,
					 k4a_imu_complete, unit,
					 d->bInterval);
		imu->urb[i] = urb;
	}
	ret = k4a_mcu_write(&color->mcu, K4A_OP_IMU_STREAM_START, NULL, 0);
	if (ret) {
		dev_dbg(&unit->dev, "IMU: start refused (%d)\n", ret);
		goto fail;
	}
	imu->started = true;
	spin_lock_irq(&unit->slock);
	imu->on = true;
	imu->packets = 0;
	imu->ignored = 0;
	imu->backlogged = 0;
	imu->bad = 0;
	spin_unlock_irq(&unit->slock);
	for (i = 0; i < K4A_IMU_URBS; i++) {
		usb_anchor_urb(imu->urb[i], &imu->anchor);
		ret = usb_submit_urb(imu->urb[i], GFP_KERNEL);
		if (ret) {
			usb_unanchor_urb(imu->urb[i]);
			dev_dbg(&unit->dev, "IMU: cannot submit URB (%d)\n",
				ret);
			k4a_imu_stop(unit);
			return;
		}
	}
	return;
fail:
	k4a_imu_free(imu);
}

/**
 * k4a_imu_stop() - stop the IMU stream
 * @unit: unit whose colour stream stops
 *
 * Afterwards no IMU URB is in flight and the device was told to stop
 * (unless it is gone). Does nothing if the IMU does not run.
 *
 * Context: process context; unit->lock held.
 */
void k4a_imu_stop(struct k4a_unit *unit)
{
	struct k4a_imu *imu = &unit->cam.imu;

	lockdep_assert_held(&unit->lock);
	spin_lock_irq(&unit->slock);
	imu->on = false;
	spin_unlock_irq(&unit->slock);
	usb_kill_anchored_urbs(&imu->anchor);
	if (imu->started && !test_bit(K4A_MCU_DEAD, &unit->color->mcu.flags))
		k4a_mcu_write(&unit->color->mcu, K4A_OP_IMU_STREAM_STOP, NULL,
			      0);
	imu->started = false;
	k4a_imu_free(imu);
}
