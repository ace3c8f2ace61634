// SPDX-License-Identifier: GPL-2.0
/* k4a-emu entry point (the host tests link the rest of the emulator without it). */
#include "emu.h"

int main(int argc, char **argv)
{
	return emu_main(argc, argv);
}
