/* SPDX-License-Identifier: GPL-2.0 */
/*
 * k4a_test.h - minimal host test framework for the kernel-neutral k4a code.
 *
 * A test program is one C file with static case functions and a main():
 *
 *	static void t_something(void)
 *	{
 *		CHECK(k4a_fps_valid(30));
 *		CHECK_EQ(k4a_frame_period_us(30), 33333);
 *	}
 *
 *	int main(void)
 *	{
 *		RUN(t_something);
 *		return k4a_test_done();
 *	}
 *
 * Every case prints one line, "PASS <prog>: <case>" or "FAIL <prog>: <case>",
 * preceded by one indented line per failed check (the first few). The
 * program ends with "<prog>: N passed, N failed" and exits 1 if any case
 * failed. Checks do not abort the case; use REQUIRE() where continuing
 * after a failure would touch invalid memory.
 */
#ifndef K4A_TEST_H
#define K4A_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K4A_TEST_MAX_REPORTS 5

struct k4a_test_state {
	unsigned int passed;
	unsigned int failed;
	unsigned int case_failures;
	const char *case_name;
	const char *prog;
};

static struct k4a_test_state k4a_test_st;

static inline const char *k4a_test_prog_name(const char *file)
{
	static char name[64];
	const char *b = strrchr(file, '/');
	size_t n;

	b = b ? b + 1 : file;
	n = strcspn(b, ".");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, b, n);
	name[n] = '\0';
	return name;
}

__attribute__((format(printf, 3, 4)))
static inline void k4a_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (k4a_test_st.case_failures++ >= K4A_TEST_MAX_REPORTS)
		return;
	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Informational line inside a case (measured figures and the like). */
__attribute__((format(printf, 1, 2)))
static inline void k4a_test_note(const char *fmt, ...)
{
	va_list ap;

	printf("    # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define NOTE(...) k4a_test_note(__VA_ARGS__)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			k4a_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

/* Integer comparison; both sides are evaluated once, as long long. */
#define CHECK_CMP(a, op, b)						\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (!(_a op _b))					\
			k4a_test_fail(__FILE__, __LINE__,		\
				      "%s %s %s (%lld vs %lld)",	\
				      #a, #op, #b, _a, _b);		\
	} while (0)

#define CHECK_EQ(a, b) CHECK_CMP(a, ==, b)

/* Unsigned 64-bit comparison. */
#define CHECK_EQ_U64(a, b)						\
	do {								\
		unsigned long long _a = (unsigned long long)(a);	\
		unsigned long long _b = (unsigned long long)(b);	\
		if (_a != _b)						\
			k4a_test_fail(__FILE__, __LINE__,		\
				      "%s == %s (%llu vs %llu)",	\
				      #a, #b, _a, _b);			\
	} while (0)

/* Stop the case if cond is false. */
#define REQUIRE(cond)							\
	do {								\
		if (!(cond)) {						\
			k4a_test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); \
			return;						\
		}							\
	} while (0)

static inline void k4a_test_run(const char *file, const char *name,
				void (*fn)(void))
{
	if (!k4a_test_st.prog)
		k4a_test_st.prog = k4a_test_prog_name(file);
	k4a_test_st.case_failures = 0;
	k4a_test_st.case_name = name;
	fn();
	if (k4a_test_st.case_failures) {
		k4a_test_st.failed++;
		printf("FAIL %s: %s\n", k4a_test_st.prog, name);
	} else {
		k4a_test_st.passed++;
		printf("PASS %s: %s\n", k4a_test_st.prog, name);
	}
	fflush(stdout);
}

#define RUN(fn) k4a_test_run(__FILE__, #fn, fn)

static inline int k4a_test_done(void)
{
	printf("%s: %u passed, %u failed\n",
	       k4a_test_st.prog ? k4a_test_st.prog : "?",
	       k4a_test_st.passed, k4a_test_st.failed);
	return k4a_test_st.failed ? 1 : 0;
}

/*
 * Output captured in memory, for code that prints to a FILE *:
 * k4a_out_open() gives the stream, k4a_out_text() closes it and returns the
 * text (the caller frees it).
 */
struct k4a_out {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *k4a_out_open(struct k4a_out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	return o->f;
}

static inline char *k4a_out_text(struct k4a_out *o)
{
	fclose(o->f);
	return o->buf;
}

#endif /* K4A_TEST_H */
