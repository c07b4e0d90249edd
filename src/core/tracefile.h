/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Trace files: what `mnprof record -o FILE` writes and `mnprof report
 * FILE` reads.
 *
 * ## Format (version MN_TF_VERSION; all integers little-endian)
 *
 *   file     = preamble record*
 *   preamble = magic "MNPROFTR" (8 bytes), u32 format version,
 *              u32 MN_ABI_VERSION of the recorder
 *   record   = rechdr payload
 *   rechdr   = u32 type, u32 length (of the payload), u32 crc,
 *              u32 seq (0, 1, 2... the record's number), u32 hcrc
 *              (MN_TF_RECORD_HDR_SIZE = 20 bytes)
 *   crc      = CRC-32 (IEEE 802.3, as zlib's crc32()) of the type, length
 *              and seq fields (12 bytes, in that order) then the payload
 *   hcrc     = CRC-32 of the rechdr's first 16 bytes (type, length, crc,
 *              seq, as stored): the reader trusts the length only once
 *              hcrc matches
 *   string   = u32 length, bytes (no NUL)
 *
 *   HEADER   (1, first record, exactly once)
 *            u64 start_realtime_ns, u64 start_mono_ns (the clock of the
 *            events), u64 flags (0), string host, string kernel release,
 *            string command line, string tool version, string source
 *            (the event source: "tracepoint", "fentry")
 *   OPS      (2) u64 ops, u32 kind, string symbol: a driver's ops
 *            structure and its kallsyms name
 *   DEVICE   (3) u64 ops, u32 kind, u32 id (struct mn_dev_key), string
 *            name ("" = default), string driver ("" = from OPS)
 *   STACK    (4) u64 stack id, u32 n, n x string frame (innermost first,
 *            symbolized on the recording machine)
 *   EVENTS   (5) a block of events: u32 n (1..MN_TF_MAX_BATCH), n events
 *            as evcodec.h encodes them (3 to MN_EVC_MAX_SIZE bytes each,
 *            5 to 8 on the standard workload); the codec's state runs on
 *            from one EVENTS record to the next
 *   COUNTERS (6) u32 n, n x u64: the final enum mn_counter values of the
 *            BPF side (user-space counters included)
 *   END      (7) u64 end_mono_ns, u64 duration_ns, u64 events written,
 *            u64 records written before it
 *
 * Format 2 (mnprof before the header CRC) is format 3 without hcrc: a
 * 16-byte rechdr (MN_TF_RECORD_HDR_SIZE_V2). It is still read, its files
 * being otherwise the same, with one weakness: its length field is only
 * checked by the payload's CRC, so a corrupt length that points past the
 * end of the file cannot be told from a file cut short, and is reported
 * as truncated (a warning), not as an error. hcrc costs 4 bytes per
 * record, that is per block of up to MN_TF_MAX_BATCH events: 0.005 byte
 * per event in bench/tfgen's blocks of 832 events (32 invalidations, a
 * 100 ms block in the test VM).
 *
 * Format 1 (mnprof 0.1.0: fixed 116-byte events, no source) is refused
 * with "recorded by an older mnprof": reading it would double the code
 * that reads untrusted files for files nobody keeps.
 *
 * Histograms are not stored: the unit is chosen at report time. Records
 * of an unknown type are skipped (their CRC still checked), so adding a
 * type needs no new version; changing one does.
 *
 * ## Robustness
 *
 * The writer writes each record whole and flushes it, so a recorder
 * killed at any time leaves a file readable up to its last complete
 * record (the recorder writes a block of events every 100 ms, or
 * sooner when MN_TF_MAX_BATCH events are waiting): the reader then
 * reports "incomplete" (no END record) and, for a partial last record
 * (fewer bytes than a record header, or a payload cut short after a
 * header whose hcrc matches), "truncated" with a warning. Anything else
 * that is wrong (magic, version, a header CRC or a CRC, a record number,
 * a length above the sanity limits, a payload that does not parse) is an
 * error, whatever byte of a complete file was damaged, and names
 * the record and its file offset (and for an event, its number in the
 * block and its own offset). Every count and length is checked against
 * the format's limits and the bytes present before anything is
 * allocated for it: nothing in a file can make the reader read out of
 * bounds, or allocate more than twice the bytes the file holds (and at
 * most MN_TF_MAX_RECORD) at once. The reader is fuzzed (tests/fuzz/).
 */
#ifndef MNPROF_TRACEFILE_H
#define MNPROF_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "evcodec.h"
#include "mnprof_abi.h"
#include "names.h"
#include "stacks.h"
#include "summary.h"

#define MN_TF_MAGIC		"MNPROFTR"
#define MN_TF_MAGIC_LEN		8
#define MN_TF_VERSION		3	/* written; 2 and 3 are read */
#define MN_TF_MIN_VERSION	2
#define MN_TF_PREAMBLE_SIZE	16
#define MN_TF_RECORD_HDR_SIZE	20
#define MN_TF_RECORD_HDR_SIZE_V2	16

/* Sanity limits, checked by the reader (and respected by the writer). */
#define MN_TF_MAX_RECORD	(16u << 20)	/* payload bytes */
#define MN_TF_MAX_STR		4096u		/* bytes of a string */
#define MN_TF_MAX_COUNTERS	1024u
#define MN_TF_MAX_BATCH		4096u		/* events per EVENTS record */

enum mn_tf_type {
	MN_TF_HEADER = 1,
	MN_TF_OPS = 2,
	MN_TF_DEVICE = 3,
	MN_TF_STACK = 4,
	MN_TF_EVENTS = 5,
	MN_TF_COUNTERS = 6,
	MN_TF_END = 7,
};

/* "header", "ops", ... "end"; "unknown" for other types. */
const char *mn_tf_type_name(uint32_t type);

/* CRC-32 (IEEE), continuing from @crc (0 to start). */
uint32_t mn_crc32(uint32_t crc, const void *buf, size_t len);

/**
 * struct mn_tf_header - the HEADER record (strings NUL-terminated,
 * truncated to fit)
 * @format_version, @abi_version: from the preamble (reader only)
 * @source: the event source that recorded the file, as the recorder
 *	named it ("tracepoint", "fentry"; "" when unknown)
 */
struct mn_tf_header {
	uint32_t format_version;
	uint32_t abi_version;
	uint64_t start_realtime_ns;
	uint64_t start_mono_ns;
	uint64_t flags;
	char host[256];
	char kernel[256];
	char cmdline[MN_TF_MAX_STR];
	char tool_version[64];
	char source[32];
};

/* The END record. */
struct mn_tf_end {
	uint64_t end_mono_ns;
	uint64_t duration_ns;
	uint64_t events;
	uint64_t records;
};

/* --- writer --------------------------------------------------------------- */

struct mn_tf_writer;

/*
 * Start a trace file on @f (opened for writing, positioned at its start;
 * the writer never closes it): writes the preamble and the HEADER record.
 * NULL with *@err = -errno on failure.
 */
struct mn_tf_writer *mn_tf_writer_new(FILE *f, const struct mn_tf_header *h,
				      int *err);
/*
 * Flush buffered events (not an END record: write one first to mark the
 * file complete) and free the writer. Returns the first error the writer
 * met, 0 if none.
 */
int mn_tf_writer_free(struct mn_tf_writer *w);

/*
 * Every function below writes whole records and fflush()es, and returns 0
 * or -errno (-EINVAL: argument beyond the format's limits). After an I/O
 * error every later call fails with it.
 */
int mn_tf_write_ops(struct mn_tf_writer *w, uint64_t ops, uint32_t kind,
		    const char *symbol);
int mn_tf_write_device(struct mn_tf_writer *w, const struct mn_dev_key *key,
		       const char *name, const char *driver);
int mn_tf_write_stack(struct mn_tf_writer *w, uint64_t id,
		      const char *const *frames, size_t n);
/* Every ops and device name of @n, every stack of @t (either may be NULL). */
int mn_tf_write_names(struct mn_tf_writer *w, const struct mn_names *n);
int mn_tf_write_stacks(struct mn_tf_writer *w, const struct mn_stacks *t);
/* @n events, as records of at most MN_TF_MAX_BATCH events. */
int mn_tf_write_events(struct mn_tf_writer *w, const struct mn_event *ev,
		       size_t n);
/*
 * Buffered: add one event; a full buffer (MN_TF_MAX_BATCH) is written at
 * once. mn_tf_flush() writes what is buffered as one block: a killed
 * recorder loses what it had not flushed (mnprof record flushes every
 * 100 ms).
 */
int mn_tf_add_event(struct mn_tf_writer *w, const struct mn_event *e);
int mn_tf_flush(struct mn_tf_writer *w);
int mn_tf_write_counters(struct mn_tf_writer *w, const uint64_t *counters,
			 size_t n);
/* Flushes buffered events first. */
int mn_tf_write_end(struct mn_tf_writer *w, uint64_t end_mono_ns,
		    uint64_t duration_ns);
/* Events and records written so far. */
uint64_t mn_tf_writer_events(const struct mn_tf_writer *w);

/* --- reader --------------------------------------------------------------- */

/*
 * Callbacks of mn_tf_read(); any may be NULL. A non-zero return stops the
 * reading, and mn_tf_read() returns it. Pointers are valid during the call.
 */
struct mn_tf_handler {
	int (*header)(const struct mn_tf_header *h, void *ctx);
	int (*ops)(uint64_t ops, uint32_t kind, const char *symbol, void *ctx);
	int (*device)(const struct mn_dev_key *key, const char *name,
		      const char *driver, void *ctx);
	int (*stack)(uint64_t id, const char *const *frames, size_t n,
		     void *ctx);
	int (*events)(const struct mn_event *ev, size_t n, void *ctx);
	int (*counters)(const uint64_t *c, size_t n, void *ctx);
	int (*end)(const struct mn_tf_end *e, void *ctx);
};

/**
 * struct mn_tf_status - how far a read got
 * @complete: the END record was read
 * @truncated: the file ends inside a record (a killed recorder); the
 *	records before it were read
 * @records: complete records read (all types)
 * @events: events read
 * @skipped: records of unknown types skipped
 * @offset: file offset after the last complete record
 * @msg: on error, what and where ("record 12 (events) at offset 4096:
 *	CRC mismatch"); else a warning or "" (NUL-terminated)
 */
struct mn_tf_status {
	bool complete;
	bool truncated;
	uint64_t records;
	uint64_t events;
	uint64_t skipped;
	uint64_t offset;
	char msg[320];
};

/*
 * Read a trace file from @f (at its start) record by record. Returns 0
 * when the file was read to its end (or to its last complete record:
 * see @st->complete, @st->truncated and @st->msg), -1 on an error
 * described in @st->msg, or the non-zero value a handler returned.
 */
int mn_tf_read(FILE *f, const struct mn_tf_handler *h, void *ctx,
	       struct mn_tf_status *st);

/**
 * struct mn_trace - everything but the events of a trace file
 * @hdr: HEADER
 * @names: OPS and DEVICE records
 * @stacks: STACK records
 * @counters, @has_counters: COUNTERS (missing if the recorder was killed)
 * @end, @has_end: END
 */
struct mn_trace {
	struct mn_tf_header hdr;
	struct mn_names names;
	struct mn_stacks stacks;
	uint64_t counters[MN_C_NR];
	bool has_counters;
	struct mn_tf_end end;
	bool has_end;
};

void mn_trace_init(struct mn_trace *t);
void mn_trace_free(struct mn_trace *t);

/*
 * Read a whole trace file: events are fed to @a (an analyzer on @s, set
 * up by the caller, e.g. with an invalidation callback for check; NULL to
 * skip the events), the rest goes into @t. Then, whatever the result:
 * the analyzer is finished, @s gets the device names of @t, the recorded
 * counters merged in (mn_counters_merge()), its duration (END's, else
 * from the header's start to the last event) and is sorted.
 * Returns as mn_tf_read().
 */
int mn_tf_load(FILE *f, struct mn_trace *t, struct mn_analyzer *a,
	       struct mn_summary *s, struct mn_tf_status *st);

#endif /* MNPROF_TRACEFILE_H */
