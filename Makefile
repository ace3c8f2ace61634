# SPDX-License-Identifier: GPL-2.0
#
# k4a: Azure Kinect DK driver, CLI, emulator and test bench.
#
#   make setup      install host packages, fetch the bench kernels, build the guest rootfs
#   make            k4a.ko for every bench kernel + userspace + emulator + selftests
#   make check      every test (static checks, host unit tests, fuzz smoke, VM selftests on
#                   both kernel series); ends with "N passed, N failed"
#   make check-debug  the driver's selftests (core_*, module_*, color_*, depth_*) on a KASAN/lockdep/kmemleak kernel
#   make demo       the main job in the VM
#   make soak       3 emulated units streaming depth + colour through k4a for 5 minutes (SOAK_ARGS=...)
#   make bench-color  k4a's colour node against stock uvcvideo (rates, gaps, CPU per frame) and
#                   its timestamps against the emulator's ground truth (BENCH_COLOR_ARGS=FRAMES)
#   make bench-depth  k4a's depth node against the libusb reader on 1, 3 and 8 units (delivered,
#                   dropped, CPU per frame, kernel memory) (BENCH_DEPTH_ARGS="SECONDS FPS UNITS...")
#   make bench-time timestamp error against ground truth and cross-unit spread, 1/3/10 chained units,
#                   0/0.5/2 ms jitter (BENCH_TIME_ARGS="SECONDS 'UNITS' 'JITTERS'")
#   make modules KVER=x | KDIR=dir   build k4a.ko against one chosen kernel tree
#   make install    build for the running kernel and install module, udev rules and CLI
#   make clean      remove build output (keeps build/cache: kernels, rootfs)
#   make distclean  remove build/ entirely
#
# Options: W=1 (default here: 1) and C=1 (sparse) are passed to kbuild.

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD ?= $(ROOT)/build
CACHE ?= $(BUILD)/cache
export K4A_ROOT := $(ROOT)
export K4A_BUILD := $(BUILD)
export K4A_CACHE := $(CACHE)

W ?= 1
C ?=

# Which kernels to build for: KDIR (one tree) > KVER (one release) > every bench kernel.
ifneq ($(KDIR),)
KTARGETS := custom
else ifneq ($(KVER),)
KTARGETS := $(KVER)
else
KTARGETS = $(shell $(ROOT)/tools/vm/kernels.sh list 2>/dev/null)
endif

.PHONY: soak bench-color bench-depth bench-time all setup modules userspace tools selftests unit fuzz lint check check-debug demo \
	vmtest install clean distclean help

all: modules userspace tools selftests

help:
	@sed -n '3,19p' $(ROOT)/Makefile | sed 's/^# \{0,1\}//'

setup:
	$(ROOT)/tools/vm/setup.sh

modules:
	@test -n "$(strip $(KTARGETS))" || { echo "no kernel to build for: run 'make setup' or pass KVER=/KDIR=" >&2; exit 1; }
	@set -e; for k in $(KTARGETS); do \
		$(ROOT)/tools/build-module.sh $$k W=$(W) $(if $(C),C=$(C)); done

userspace:
	@if [ -f $(ROOT)/userspace/Makefile ]; then $(MAKE) -s -C $(ROOT)/userspace BUILD=$(BUILD); fi

tools:
	@if [ -f $(ROOT)/tools/emu/Makefile ]; then $(MAKE) -s -C $(ROOT)/tools/emu BUILD=$(BUILD); fi

selftests:
	@$(MAKE) -s -C $(ROOT)/selftests BUILD=$(BUILD)

unit:
	@$(MAKE) -s -C $(ROOT)/tools/unit BUILD=$(BUILD) test

fuzz:
	@$(MAKE) -s -C $(ROOT)/tools/fuzz BUILD=$(BUILD) run

lint:
	$(ROOT)/tools/lint.sh

vmtest: all
	$(ROOT)/tools/check.sh --only vm

check:
	$(ROOT)/tools/check.sh

# The debug guest kernel (tools/vm/debug-kernel.sh, built once per machine and cached):
# the bench self-test of its checkers, then core_*, module_* and the colour node's tests
# (K4A_DEBUG_TESTS=...).
check-debug:
	$(ROOT)/tools/check.sh --only setup,debug

demo:
	$(ROOT)/tools/demo.sh

# Sustained load in the guest (not part of check): tools/emu/soak-guest.sh
# [SECONDS DEPTH FPS UNITS WxH:FOURCC BUFFER READER], default 300 s through k4a.ko: 3 units,
# K4NU (NFOV unbinned) and MJPG 1280x720 at 5 fps; READER libusb for the emulator's own soak.
soak: all
	$(ROOT)/tools/vm/vm-run.sh $(or $(KVER),$(lastword $(shell $(ROOT)/tools/vm/kernels.sh list))) \
		$(ROOT)/tools/emu/soak-guest.sh $(SOAK_ARGS)

# Colour capture benchmark in the guest (not part of check): tools/vm/guest/bench-color.sh
# [FRAMES], default 300 per stream.
bench-color: all
	$(ROOT)/tools/vm/vm-run.sh $(or $(KVER),$(lastword $(shell $(ROOT)/tools/vm/kernels.sh list))) \
		$(ROOT)/tools/vm/guest/bench-color.sh $(BENCH_COLOR_ARGS)

# Depth load benchmark in the guest (not part of check): tools/vm/guest/bench-depth.sh
# [SECONDS [FPS [UNITS...]]], default 120 s, 5 fps, 1 3 8 units.
bench-depth: all
	$(ROOT)/tools/vm/vm-run.sh $(or $(KVER),$(lastword $(shell $(ROOT)/tools/vm/kernels.sh list))) \
		$(ROOT)/tools/vm/guest/bench-depth.sh $(BENCH_DEPTH_ARGS)

# Timestamp benchmark in the guest (not part of check): tools/vm/guest/bench-time.sh
# [SECONDS ["UNITS" ["JITTERS"]]], default 120 s, units "1 3 10", jitter scales "0 500 2000" us.
bench-time: all
	$(ROOT)/tools/vm/vm-run.sh $(or $(KVER),$(lastword $(shell $(ROOT)/tools/vm/kernels.sh list))) \
		$(ROOT)/tools/vm/guest/bench-time.sh $(BENCH_TIME_ARGS)

install:
	$(ROOT)/tools/install.sh

clean:
	rm -rf $(filter-out $(CACHE),$(wildcard $(BUILD)/*))
	@for d in tools/unit tools/fuzz tools/emu userspace selftests; do \
		[ -f $(ROOT)/$$d/Makefile ] && $(MAKE) -s -C $(ROOT)/$$d BUILD=$(BUILD) clean || true; done

distclean: clean
	rm -rf $(BUILD)
