/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * k4a: user-visible constants of the Azure Kinect DK driver.
 *
 * The per-unit sysfs interface (Documentation/ABI/testing/sysfs-driver-k4a)
 * speaks in the words defined here, one value per file.
 */
#ifndef _UAPI_LINUX_K4A_H
#define _UAPI_LINUX_K4A_H

/* Values of the wired sync mode, as sent to the device in SET_SYS_CFG. */
enum k4a_sync_mode {
	K4A_SYNC_STANDALONE = 0,
	K4A_SYNC_MASTER = 1,
	K4A_SYNC_SUBORDINATE = 2,
};

/* sync_mode (read/write) and sync_mode_available (read) words. */
#define K4A_SYNC_WORD_STANDALONE	"standalone"
#define K4A_SYNC_WORD_MASTER		"master"
#define K4A_SYNC_WORD_SUBORDINATE	"subordinate"

/* sync_in_jack / sync_out_jack words. */
#define K4A_JACK_WORD_CONNECTED		"connected"
#define K4A_JACK_WORD_DISCONNECTED	"disconnected"

/*
 * state words:
 *   idle       both halves present, no stream runs; sync settings writable
 *   armed      a stream runs (the start gate passed, SET_SYS_CFG was sent),
 *              but a stream the configuration needs does not: a master's
 *              colour stream, or the second stream a non-zero depth delay
 *              is measured between; sync settings are locked (-EBUSY)
 *   streaming  every stream the configuration needs runs; sync settings
 *              are locked (-EBUSY)
 */
#define K4A_STATE_WORD_IDLE		"idle"
#define K4A_STATE_WORD_ARMED		"armed"
#define K4A_STATE_WORD_STREAMING	"streaming"

/* Longest serial number string the device may report (without NUL). */
#define K4A_SERIAL_MAX_LEN		25

/* The sysfs class under which every unit appears (/sys/class/k4a/k4aN). */
#define K4A_CLASS_NAME			"k4a"

#endif /* _UAPI_LINUX_K4A_H */
