/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The standard workload as events, without a kernel: mnload's mprotect
 * loop over N two-pass mnsim devices (WALK_BEGIN, per device P1_BEGIN,
 * SUBMIT, P1_END, then the DONEs from a timer interrupting another task,
 * per device P2_BEGIN, P2_END, then WALK_END: 2 + 6 N events), the
 * fields filled as bpf/mnprof.bpf.c fills them, kernel-like pointers and
 * times drawn like those of a recording in the TCG test VM (tens to
 * hundreds of microseconds). For the trace file's unit tests and the
 * report benchmark (bench/tfgen.c). Static inline, libc only.
 */
#ifndef MNPROF_STDWORK_H
#define MNPROF_STDWORK_H

#include <stdint.h>
#include <string.h>

#include "mnprof_abi.h"

#define STDWORK_OPS	0xffffffffc0201040ULL	/* mnsim_two_pass_ops */
#define STDWORK_MM	0xffff888003f2a000ULL
#define STDWORK_SUB0	0xffff888003a1c000ULL	/* device k: + 0x140 k */

/**
 * struct stdwork - a generator
 * @devices: mnsim devices (1..64)
 * @rng: state of its random times (any non-zero seed)
 * @ts: the clock
 * @it: invalidations generated
 * @flush: the last mnsim flush object (the completion cookie)
 */
struct stdwork {
	unsigned int devices;
	uint64_t rng;
	uint64_t ts;
	uint64_t it;
	uint64_t flush;
};

static inline void stdwork_init(struct stdwork *w, unsigned int devices,
				uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->devices = devices;
	w->rng = seed ? seed : 1;
	w->ts = 5000000000ULL;
	w->flush = 0xffff888004b20000ULL;
}

/* A time step of about @us microseconds (0.5 to 1.5 times it), in ns. */
static inline uint64_t stdwork_step(struct stdwork *w, uint64_t us)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return us * 500 + (w->rng * 0x2545f4914f6cdd1dULL >> 32) % (us * 1000);
}

static inline void stdwork_task(struct mn_event *e, uint32_t tid,
				const char *comm, uint16_t cpu)
{
	size_t n = strlen(comm);

	e->tgid = e->tid = tid;
	memset(e->comm, 0, sizeof(e->comm));
	memcpy(e->comm, comm, n < sizeof(e->comm) ? n : sizeof(e->comm));
	e->cpu = cpu;
}

static inline void stdwork_range(struct mn_event *e, uint64_t it)
{
	e->mm = STDWORK_MM;
	e->start = 0x7f3a10000000ULL;
	e->end = e->start + (1 << 20);
	e->seq = 2 * it + 1;
	e->event = 2;			/* protection_vma */
	e->flags |= MN_F_BLOCKABLE;
}

static inline void stdwork_dev(struct mn_event *e, unsigned int k)
{
	e->sub = STDWORK_SUB0 + 0x140 * k;
	e->dev.ops = STDWORK_OPS;
	e->dev.kind = MN_DEV_MNSIM;
	e->dev.id = k;
	e->flags |= MN_F_TWO_PASS;
}

/*
 * One invalidation: 2 + 6 devices events into @ev (room for 2 + 6 x 64).
 * Returns the number of events.
 */
static inline size_t stdwork_next(struct stdwork *w, struct mn_event *ev)
{
	uint64_t fl[64];
	unsigned int k, n = w->devices;
	struct mn_event *e = ev;

#define STDWORK_EV(type_, us_)						\
	do {								\
		memset(e, 0, sizeof(*e));				\
		e->type = (type_);					\
		e->ts = w->ts += stdwork_step(w, (us_));		\
		stdwork_task(e, 812, "mnload", 1);			\
	} while (0)

	STDWORK_EV(MN_EV_WALK_BEGIN, 60);
	stdwork_range(e++, w->it);
	for (k = 0; k < n; k++) {
		STDWORK_EV(MN_EV_P1_BEGIN, 15);
		stdwork_range(e, w->it);
		stdwork_dev(e++, k);
		STDWORK_EV(MN_EV_SUBMIT, 40);
		stdwork_dev(e, k);
		fl[k] = e->cookie = w->flush += 0x80 * (1 + w->it % 3);
		e++->arg = MN_SRC_MNSIM;
		STDWORK_EV(MN_EV_P1_END, 30);
		stdwork_range(e, w->it);
		stdwork_dev(e, k);
		e->cookie = e->sub + 0x100;	/* the finish object */
		e->ret = 1;
		e++->flags |= MN_F_HAS_FINISH;
	}
	for (k = 0; k < n; k++) {
		STDWORK_EV(MN_EV_DONE, 20);
		stdwork_task(e, k & 1 ? 0 : 23, k & 1 ? "swapper/0" : "ksoftirqd/0",
			     0);
		stdwork_dev(e, k);
		e->cookie = fl[k];
		e++->arg = MN_SRC_MNSIM;
	}
	for (k = 0; k < n; k++) {
		STDWORK_EV(MN_EV_P2_BEGIN, 100);
		stdwork_dev(e, k);
		e->mm = STDWORK_MM;
		e->cookie = e->sub + 0x100;
		e++;
		STDWORK_EV(MN_EV_P2_END, 60);
		stdwork_dev(e, k);
		e->mm = STDWORK_MM;
		e->cookie = e->sub + 0x100;
		e++;
	}
	STDWORK_EV(MN_EV_WALK_END, 20);
	stdwork_range(e++, w->it);
#undef STDWORK_EV
	w->it++;
	return (size_t)(e - ev);
}

#endif /* MNPROF_STDWORK_H */
