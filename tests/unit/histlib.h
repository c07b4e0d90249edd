/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Histograms in the tests' terms: log2 buckets (as the text output shows
 * them) on top of the log-linear slots of struct mn_hist.
 */
#ifndef MNPROF_TEST_HISTLIB_H
#define MNPROF_TEST_HISTLIB_H

#include <stdint.h>

#include "mnprof_abi.h"
#include "mnprof_calc.h"

/* A slot of log2 bucket k: the one of value 2^k. */
#define L2(k)	mn_hist_slot(1ULL << (k))

/* Values in log2 bucket k: the sum of its slots. */
static inline uint64_t l2count(const struct mn_hist *h, unsigned int k)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < MN_HIST_SLOTS; i++)
		if (mn_hist_slot_log2(i) == k)
			n += h->slots[i];
	return n;
}

#endif /* MNPROF_TEST_HISTLIB_H */
