/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event codec of trace files (format versions 2 and 3): struct mn_event in
 * a few bytes, by prediction from the events before it.
 *
 * ## Why delta/varint, not zstd
 *
 * An invalidation of N devices is 2 + 6 N events that repeat almost
 * everything: the task, the range, the subscription and device of a
 * callback, its finish object, the flags of each type. What changes is
 * the time (microseconds apart) and the completion cookies. Predicting
 * each field from its last value and writing only the difference, as a
 * LEB128 varint, brings an event from 120 bytes to about 7 on the
 * standard workload (4 two-pass mnsim devices; 8 in a real recording of
 * the test VM). zstd -1 on the raw structs does a little better (5.4
 * bytes per event on the same synthetic stream; 5.9 in blocks of 100 ms),
 * both far below the 32-byte target, but measured here on 1,000,000
 * events it costs what the target of `mnprof report` (20 M events per
 * second, 50 ns each, analysis included) cannot pay:
 * - reading: zstd -d alone takes 60-70 ns per event (120 bytes of
 *   output each); this decoder takes 15-20 ns, its blocks' CRCs included;
 * - writing: zstd -1 takes about 180 ns per event in the recorder, this
 *   encoder a few tens;
 * - a killed recorder: every 100 ms block is written whole, however
 *   small, with no compressor frame to finish;
 * - no library: nothing to link statically for the VM guest, nothing
 *   more to fuzz than this file.
 *
 * ## Encoding (all multi-byte integers LEB128 varints; "zz" = zigzag)
 *
 * The state starts zeroed at the first EVENTS record of a file and runs
 * on across records: a file decodes from its start, record by record, up
 * to its last complete record. An event is:
 *
 *   byte A   bits 0-3 type (15: a varint type follows), 4-5 task mode,
 *            6-7 callback mode
 *   byte B   bits 0-1 range mode, 2-3 cookie mode, 4 arg, 5 ret,
 *            6 flags, 7 cpu (a bit set: the field follows)
 *   [type]   varint, when A's type is 15
 *   ts       zz(ts - previous event's ts)
 *   task     (tgid, tid, comm) mode 0: the previous event's; 1: u8 slot;
 *            2: u8 slot, varint tgid, zz(tid - tgid), u8 n <= 16, n bytes
 *            of comm (the rest zero), stored in the slot
 *   callback (sub, dev.ops, dev.kind, dev.id) mode 0: all zero; 1: the
 *            last non-zero one; 2: u8 slot; 3: u8 slot, zz(sub - last
 *            defined sub), zz(ops - last defined ops), varint kind,
 *            varint id, stored in the slot
 *   range    (mm, start, end, seq, event) mode 0: all zero; 1: the last
 *            non-zero one; 2: u8 slot; 3: u8 slot, then against the last
 *            defined range: zz(mm - its mm), zz(start - its start),
 *            zz(end - start - its end - start), zz(seq - its seq), u8
 *            event, stored in the slot
 *   cookie   mode 0: zero; 1: u8 slot; 2: u8 slot, zz(cookie - last
 *            explicit cookie), stored in the slot; 3: the previous
 *            event's cookie
 *   arg      varint, when it differs from the last event of this type's
 *   ret      zz(ret), when it differs from the last event of this type's
 *   flags    u8, when they differ from the last event of this type's
 *   cpu      varint, when it differs from the previous event's
 *
 * Slots: MN_EVC_SLOTS per table (tasks, callbacks, ranges, cookies). The encoder
 * chooses them (a hash of the value); the decoder only follows the slot
 * numbers, so the choice can change without a new format. Using a slot
 * no event defined is corruption, as is any reserved mode, a varint past
 * 64 bits (or 32 for a type) and a comm longer than 16 bytes.
 * @pad and comm bytes after its first NUL are not stored (read as 0).
 */
#ifndef MNPROF_EVCODEC_H
#define MNPROF_EVCODEC_H

#include <stddef.h>
#include <stdint.h>

#include "mnprof_abi.h"

#define MN_EVC_SLOTS		64
/* Bytes an encoded event can take at most. */
#define MN_EVC_MAX_SIZE		160
/* Bytes an encoded event takes at least (A, B, ts). */
#define MN_EVC_MIN_SIZE		3
/*
 * Readable bytes the decoder needs after its input (any content; zero
 * them for memory checkers): more than it can read for one event,
 * however corrupt.
 */
#define MN_EVC_PAD		192

struct mn_evc_task {
	uint32_t tgid;
	uint32_t tid;
	char comm[MN_COMM_LEN];
};

struct mn_evc_cb {
	uint64_t sub;
	struct mn_dev_key dev;
};

struct mn_evc_range {
	uint64_t mm;
	uint64_t start;
	uint64_t end;
	uint64_t seq;
	uint8_t event;
};

/*
 * The state shared by the encoder and the decoder (each has its own, in
 * lockstep); a plain struct, no allocation. Zero it (mn_evc_init()) at
 * the start of a file.
 */
struct mn_evcodec {
	uint64_t ts;
	uint64_t cookie;		/* the previous event's */
	uint64_t cookie_def;		/* the last explicit cookie */
	uint64_t sub_def;		/* the last defined callback's sub, ops */
	uint64_t ops_def;
	uint16_t cpu;
	struct mn_evc_task task;	/* the previous event's */
	struct mn_evc_cb cb;		/* the last non-zero callback */
	struct mn_evc_range range;	/* the last non-zero range */
	struct mn_evc_range range_def;	/* the last defined range */
	uint64_t arg[16];		/* per type (A's type field) */
	int32_t ret[16];
	uint8_t flags[16];
	uint64_t task_def, cb_def, range_set, cookie_set; /* slots defined */
	struct mn_event cur;		/* decoder: the previous event */
	struct mn_evc_task tasks[MN_EVC_SLOTS];
	struct mn_evc_cb cbs[MN_EVC_SLOTS];
	struct mn_evc_range ranges[MN_EVC_SLOTS];
	uint64_t cookies[MN_EVC_SLOTS];
};

void mn_evc_init(struct mn_evcodec *c);

/* Encode @e into @out (room for MN_EVC_MAX_SIZE bytes): bytes written. */
size_t mn_evc_encode(struct mn_evcodec *c, const struct mn_event *e,
		     uint8_t *out);

/*
 * Decode up to @n events from the @len bytes at @p (followed by
 * MN_EVC_PAD readable bytes) into @ev: the number decoded, *@used the
 * bytes they took. Fewer than @n (and not for lack of bytes: "event cut
 * short") means the next event is not valid: *@err says why (a static
 * string; else NULL), and the state is then undefined.
 */
size_t mn_evc_decode_block(struct mn_evcodec *c, const uint8_t *p, size_t len,
			   struct mn_event *ev, size_t n, size_t *used,
			   const char **err);

/* One event (as mn_evc_decode_block()): bytes read, 0 on error. */
size_t mn_evc_decode(struct mn_evcodec *c, const uint8_t *p, size_t len,
		     struct mn_event *e, const char **err);

#endif /* MNPROF_EVCODEC_H */
