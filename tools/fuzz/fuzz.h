/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what every libFuzzer target here shares: check() aborts (and so reports a
 * crash with the input that caused it) when a documented guarantee breaks, and a reader
 * that takes little-endian integers off the fuzzer's input, 0 once the input runs out.
 */
#ifndef K4A_FUZZ_H
#define K4A_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "k4a_types.h"

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

struct reader {
	const u8 *p;
	size_t left;
};

static inline u64 take(struct reader *r, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes && r->left; i++, r->left--, r->p++)
		v |= (u64)*r->p << (8 * i);
	return v;
}

#endif /* K4A_FUZZ_H */
