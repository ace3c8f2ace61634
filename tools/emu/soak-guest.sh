#!/bin/sh
# Guest script for the soak (make soak): tools/vm/vm-run.sh KVER tools/emu/soak-guest.sh
#   [SECONDS [DEPTH [FPS [UNITS [WxH:FOURCC [BUFFER [READER]]]]]]]
# READER k4a (default): units stream depth and colour through k4a.ko's nodes
#   (selftests/k4a/stream_soak.sh); defaults 300 K4NU 5 3 1280x720:MJPG 2; DEPTH a depth
#   fourcc (K4NU, K4NB, K4WU, K4WB, K4PI).
# READER libusb: raw depth through the emulator's libusb reader and colour through the stock
#   uvcvideo (selftests/k4a/emu_soak.sh), the emulator's own soak; defaults 120 pcm 5 3
#   1280x720:MJPG 2; DEPTH nfov|wfov|qmp|pcm, or none (with WxH:FOURCC none) to leave a
#   stream off.
READER=${7:-k4a}
K4A_SOAK_FPS=${3:-5}
K4A_SOAK_UNITS=${4:-3}
K4A_SOAK_COLOR=${5:-1280x720:MJPG}
K4A_SOAK_BUFFER=${6:-2}
if [ "$READER" = k4a ]; then
	K4A_SOAK_SECONDS=${1:-300}
	K4A_SOAK_DEPTH=${2:-K4NU}
	test=stream_soak
else
	K4A_SOAK_SECONDS=${1:-120}
	K4A_SOAK_MODE=${2:-pcm}
	test=emu_soak
fi
export K4A_SOAK_SECONDS K4A_SOAK_MODE K4A_SOAK_DEPTH K4A_SOAK_FPS K4A_SOAK_UNITS K4A_SOAK_COLOR \
	K4A_SOAK_BUFFER
K4A_TEST_TIMEOUT=$((K4A_SOAK_SECONDS + 600))
export K4A_TEST_TIMEOUT
exec sh "$K4A_ROOT/selftests/run.sh" "$test"
