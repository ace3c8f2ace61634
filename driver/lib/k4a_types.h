/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_types.h - the one header the kernel-neutral k4a code depends on.
 *
 * Every file of driver/lib/ is compiled twice: into k4a.ko (kbuild defines
 * __KERNEL__) and into host unit tests and fuzzers. This header maps the few
 * things those files need onto <linux/...> in the kernel and onto the C
 * library on the host: fixed-size integer types, bool, errno values, string
 * helpers, 64-bit division and little-endian access to byte buffers.
 *
 * Rules for driver/lib/ code: include only this header (and each other), no
 * floating point, no allocation, no locks, no sleeping, 64-bit division only
 * through the k4a_div*() helpers below.
 */
#ifndef K4A_TYPES_H
#define K4A_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>

#define K4A_ARRAY_SIZE(a) ARRAY_SIZE(a)

static inline s64 k4a_div_s64(s64 a, s32 b)
{
	return div_s64(a, b);
}

static inline s64 k4a_div_s64_rem(s64 a, s32 b, s32 *rem)
{
	return div_s64_rem(a, b, rem);
}

static inline u64 k4a_div_u64(u64 a, u32 b)
{
	return div_u64(a, b);
}

static inline u64 k4a_div_u64_rem(u64 a, u32 b, u32 *rem)
{
	return div_u64_rem(a, b, rem);
}

static inline u64 k4a_div64_u64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

static inline s64 k4a_div64_s64(s64 a, s64 b)
{
	return div64_s64(a, b);
}

#else /* host */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The compiler's own names for the <stdint.h> types, so both spellings mix. */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#ifndef U8_MAX
#define U8_MAX		UINT8_MAX
#define U16_MAX		UINT16_MAX
#define U32_MAX		UINT32_MAX
#define U64_MAX		UINT64_MAX
#define S32_MIN		INT32_MIN
#define S32_MAX		INT32_MAX
#define S64_MIN		INT64_MIN
#define S64_MAX		INT64_MAX
#endif

#define K4A_ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

/* Same contracts as the kernel's <linux/math64.h>: truncation toward zero. */
static inline s64 k4a_div_s64(s64 a, s32 b)
{
	return a / b;
}

static inline s64 k4a_div_s64_rem(s64 a, s32 b, s32 *rem)
{
	*rem = (s32)(a % b);
	return a / b;
}

static inline u64 k4a_div_u64(u64 a, u32 b)
{
	return a / b;
}

static inline u64 k4a_div_u64_rem(u64 a, u32 b, u32 *rem)
{
	*rem = (u32)(a % b);
	return a / b;
}

static inline u64 k4a_div64_u64(u64 a, u64 b)
{
	return a / b;
}

static inline s64 k4a_div64_s64(s64 a, s64 b)
{
	return a / b;
}

#endif /* __KERNEL__ */

/*
 * Little-endian loads and stores on byte buffers of any alignment. Written
 * byte by byte so they are correct on every host and never perform an
 * unaligned access.
 */
static inline u16 k4a_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static inline u32 k4a_get_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

static inline u64 k4a_get_le64(const u8 *p)
{
	return (u64)k4a_get_le32(p) | ((u64)k4a_get_le32(p + 4) << 32);
}

static inline void k4a_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)(v & 0xff);
	p[1] = (u8)((v >> 8) & 0xff);
}

static inline void k4a_put_le32(u8 *p, u32 v)
{
	p[0] = (u8)(v & 0xff);
	p[1] = (u8)((v >> 8) & 0xff);
	p[2] = (u8)((v >> 16) & 0xff);
	p[3] = (u8)((v >> 24) & 0xff);
}

static inline void k4a_put_le64(u8 *p, u64 v)
{
	k4a_put_le32(p, (u32)(v & 0xffffffffU));
	k4a_put_le32(p + 4, (u32)(v >> 32));
}

#endif /* K4A_TYPES_H */
