// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Runs every TEST() linked into the binary; see testlib.h. */
#include <stdio.h>
#include <stdlib.h>

#include "testlib.h"

#define MAX_TESTS 1024

static struct {
	const char *name;
	mn_test_fn fn;
} tests[MAX_TESTS];
static int nr_tests;
static const char *current;
static unsigned long passed, failed;

void mn_test_register(const char *name, mn_test_fn fn)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "testlib: too many tests\n");
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

void mn_test_result(int ok, const char *file, int line, const char *what)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s (%s:%d): %s\n", current, file, line, what);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int i, ran = 0;

	for (i = 0; i < nr_tests; i++) {
		if (only && !strstr(tests[i].name, only))
			continue;
		current = tests[i].name;
		tests[i].fn();
		ran++;
	}
	printf("unit: %d tests run\n", ran);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
