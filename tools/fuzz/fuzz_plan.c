// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for driver/lib/k4a_plan.c and driver/lib/k4a_modes.c:
 * arbitrary rigs, delays, rates, names and tick conversions (the values a
 * user writes through sysfs or the command line). The checks abort on any
 * contradiction with the documented contract.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k4a_plan.h"
#include "k4a_modes.h"
#include "fuzz.h"

static void fuzz_ticks(s64 v)
{
	s64 t = k4a_us_to_ticks(v), q = k4a_us_quantize(v);

	check(k4a_us_to_ticks(q) == t);
	check(k4a_us_quantize(q) == q);
	check(v >= 0 ? (q >= 0 && q <= v) : (q <= 0 && q >= v));
	check(k4a_us_to_ticks(k4a_ticks_to_us_enc(t)) == t);
	(void)k4a_ticks_to_us(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 rates[] = { 0, 5, 15, 25, 30, 31 };
	struct k4a_plan_unit u[K4A_PLAN_MAX_UNITS + 2];
	struct reader r = { data, size };
	u32 n = (u32)take(&r, 1) % (K4A_PLAN_MAX_UNITS + 2);
	u32 mode = (u32)take(&r, 1) % 7;
	u32 fps = rates[take(&r, 1) % 6];
	u32 spacing = (u32)take(&r, 4);
	u32 style = (u32)take(&r, 1), gap = 0, gap2 = 0, i;
	s64 period = k4a_frame_period_us(fps);
	char name[40];
	int ret, ret2;

	if (style & 1)
		spacing %= 3000;
	for (i = 0; i < n; i++) {
		u[i].role = (u32)take(&r, 1) % 4;
		u[i].sub_delay_us = (s32)take(&r, 4);
		u[i].depth_delay_us = (s32)take(&r, 4);
		if ((style & 2) && period) {
			/* Mostly valid values, to reach the gap computation. */
			u[i].role = i ? K4A_SYNC_SUBORDINATE : K4A_SYNC_MASTER;
			u[i].sub_delay_us = i ? (s32)((u32)u[i].sub_delay_us % (period + 1)) : 0;
			u[i].depth_delay_us = (s32)((u32)u[i].depth_delay_us %
						    (2 * period + 1)) - (s32)period;
		}
	}

	ret = k4a_plan_min_gap(n, u, mode, fps, &gap);
	ret2 = k4a_plan_check(n, u, mode, fps, &gap2);
	check(ret == 0 || ret == -EINVAL);
	if (ret) {
		check(ret2 == -EINVAL);
	} else {
		check(gap2 == gap);
		check(ret2 == (gap >= K4A_PLAN_SPACING_US ? 0 : -ERANGE));
		for (i = 0; i < n; i++)
			check(!k4a_sync_validate(u[i].role, u[i].sub_delay_us,
						 u[i].depth_delay_us, fps));
		check((n == 1 || mode == 5) == (gap == K4A_PLAN_GAP_NONE));
	}

	ret = k4a_plan_delays(n, mode, fps, spacing, u);
	check(ret == 0 || ret == -EINVAL || ret == -ENOSPC);
	if (!ret) {
		check(n >= 1 && n <= K4A_PLAN_MAX_UNITS);
		for (i = 0; i < n; i++) {
			check(u[i].sub_delay_us == 0);
			check(u[i].depth_delay_us >= 0 && u[i].depth_delay_us <= period);
			check(k4a_us_quantize(u[i].depth_delay_us) == u[i].depth_delay_us);
		}
		check(!k4a_plan_min_gap(n, u, mode, fps, &gap));
		check(gap == K4A_PLAN_GAP_NONE || gap >= spacing);
	}

	fuzz_ticks((s64)take(&r, 8));
	{
		enum k4a_color_fmt f = (enum k4a_color_fmt)(take(&r, 1) % 4);
		u32 w = (u32)take(&r, 2), h = (u32)take(&r, 2), cf = (u32)take(&r, 1);
		const struct k4a_color_mode *cm = k4a_color_mode_find(f, w, h);

		if (k4a_color_mode_valid(f, w, h, cf))
			check(cm && k4a_fps_valid(cf) && cf <= cm->max_fps);
		else
			check(!cm || !k4a_fps_valid(cf) || cf > cm->max_fps);
	}

	memset(name, 0, sizeof(name));
	for (i = 0; i + 1 < sizeof(name) && r.left; i++)
		name[i] = (char)take(&r, 1);
	ret = k4a_sync_mode_from_name(name);
	check(ret == -EINVAL || (ret >= 0 && ret < K4A_SYNC_MODE_COUNT));
	if (ret >= 0)
		check(!strncmp(name, k4a_sync_mode_name((u32)ret),
			       strlen(k4a_sync_mode_name((u32)ret))));
	if (k4a_depth_mode_by_name(name))
		check(!strcmp(k4a_depth_mode_by_name(name)->name, name));
	return 0;
}
