#!/bin/sh
# Guest script for the emulator soak (make soak): tools/vm/vm-run.sh KVER tools/emu/soak-guest.sh
#   [SECONDS [MODE [FPS [UNITS [WxH:FOURCC [BUFFER]]]]]]   defaults: 120 pcm 5 3 1280x720:MJPG 2
# MODE or WxH:FOURCC "none" leaves that stream off.
K4A_SOAK_SECONDS=${1:-120}
K4A_SOAK_MODE=${2:-pcm}
K4A_SOAK_FPS=${3:-5}
K4A_SOAK_UNITS=${4:-3}
K4A_SOAK_COLOR=${5:-1280x720:MJPG}
K4A_SOAK_BUFFER=${6:-2}
export K4A_SOAK_SECONDS K4A_SOAK_MODE K4A_SOAK_FPS K4A_SOAK_UNITS K4A_SOAK_COLOR K4A_SOAK_BUFFER
K4A_TEST_TIMEOUT=$((K4A_SOAK_SECONDS + 300))
export K4A_TEST_TIMEOUT
exec sh "$K4A_ROOT/selftests/run.sh" emu_soak
