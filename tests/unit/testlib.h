/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Minimal unit-test harness for the analysis core. A test file defines
 * TEST(name) { ... CHECK(...); ... } functions; they register themselves
 * and tests/unit/main.c runs them all, printing every failed check and a
 * final "N passed, M failed" line (N, M count checks).
 */
#ifndef MNPROF_TESTLIB_H
#define MNPROF_TESTLIB_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef void (*mn_test_fn)(void);
void mn_test_register(const char *name, mn_test_fn fn);
void mn_test_result(int ok, const char *file, int line, const char *what);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		mn_test_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(cond) mn_test_result(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_EQ_U64(a, b)						\
	do {								\
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);	\
		char m_[256];						\
		snprintf(m_, sizeof(m_), "%s == %s (%" PRIu64 " vs %" PRIu64 ")", \
			 #a, #b, a_, b_);				\
		mn_test_result(a_ == b_, __FILE__, __LINE__, m_);	\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		char m_[512];						\
		snprintf(m_, sizeof(m_), "%s == %s (\"%s\" vs \"%s\")", \
			 #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		mn_test_result(a_ && b_ && !strcmp(a_, b_), __FILE__,	\
			       __LINE__, m_);				\
	} while (0)

#endif /* MNPROF_TESTLIB_H */
