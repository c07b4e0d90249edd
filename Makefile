# mnprof: build the tool, its test-bed tools and run the tests.
#
#   make              build/mnprof (+ build/mnprof-asan) and tools/mnload
#   make unit         build and run the analysis-core unit tests (ASan, UBSan)
#   make test         everything: unit tests, tool tests, VM tests (builds the
#                     test kernel on first use, cached in /var/cache/mnprof)
#   make demo         the demo in the test VM (see README.md)
#   make bench        benchmarks: mnprof's overhead on the workload, trace
#                     file size and report speed (figures)
#   make fuzz         run each libFuzzer target FUZZ_SECONDS (default 60)
#   make soak         SOAK_N invalidations (default 10^6) under mnprof in the
#                     VM (hours under TCG; not in make test): counts, drops,
#                     RSS (tests/soak/run)
#   make kernel       build (or find cached) the test kernel and mnsim
#   make checkpatch   kernel style checks of the patches and of mnsim
#   make install      the binary (sbin), man pages, bash completion and the
#                     kernel patch (share/mnprof/kernel-patch) under
#                     $(DESTDIR)$(PREFIX); make uninstall removes them
#   make clean
#
# Variables: CC, CLANG, BPFTOOL, CFLAGS, O (build directory, default build),
# PREFIX (default /usr/local), DESTDIR (staging root, default none).

CC	?= gcc
CLANG	?= $(shell command -v clang-19 || command -v clang)
BPFTOOL	?= bpftool
O	:= build
CFLAGS	?= -O2 -g

WARN	:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-unused-parameter
override CFLAGS += -std=gnu11 $(WARN) -Iinclude -Isrc -Isrc/core -Isrc/output -I$(O)
SAN	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIBS	:= -Wl,-Bstatic -lbpf -Wl,-Bdynamic -lelf -lz

CORE_SRCS	:= $(wildcard src/core/*.c)
OUTPUT_SRCS	:= $(wildcard src/output/*.c)
APP_SRCS	:= $(wildcard src/*.c)
# The loader and its parts (libbpf): everything in src/ but the CLI.
LOADER_SRCS	:= $(filter-out src/mnprof.c src/cmd_%.c src/run.c src/workload.c src/trace_load.c src/httpd.c,$(APP_SRCS))
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
HDRS		:= $(wildcard include/*.h src/*.h src/core/*.h src/output/*.h)
BPF_HDRS	:= $(wildcard bpf/*.h) include/mnprof_abi.h include/mnprof_calc.h

.PHONY: all unit test demo bench kernel kernel-patched checkpatch clean tools fuzz fuzzers soak \
	install uninstall

all: $(O)/mnprof $(O)/mnprof-asan $(O)/hmm_touch tools

$(O):
	mkdir -p $@

$(O)/mnprof.bpf.o: bpf/mnprof.bpf.c $(BPF_HDRS) | $(O)
	$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 \
		-Iinclude -Ibpf -c $< -o $@

$(O)/mnprof.skel.h: $(O)/mnprof.bpf.o
	$(BPFTOOL) gen skeleton $< name mnprof_bpf > $@

$(O)/mnprof: $(APP_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(HDRS) $(O)/mnprof.skel.h
	$(CC) $(CFLAGS) -o $@ $(APP_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(LIBS)

$(O)/mnprof-asan: $(APP_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(HDRS) $(O)/mnprof.skel.h
	$(CC) $(CFLAGS) $(SAN) -o $@ $(APP_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(LIBS)

# The analysis core is tested on its own: no libbpf, no kernel (kallsyms
# parsing, the command line and serve's HTTP server, plain C too, with it).
UNIT_APP_SRCS	:= src/ksyms.c src/cli_parse.c src/httpd.c
$(O)/unit-tests: $(UNIT_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(UNIT_APP_SRCS) $(HDRS) $(wildcard tests/unit/*.h) | $(O)
	$(CC) $(CFLAGS) $(SAN) -Itests/unit -o $@ $(UNIT_SRCS) $(CORE_SRCS) $(OUTPUT_SRCS) $(UNIT_APP_SRCS) -lz

# libFuzzer targets (tests/fuzz/): the trace file reader (with the analysis
# and output of report), the kallsyms parser, the command line parser.
FUZZ_CC		?= clang-19
FUZZ_FLAGS	:= -g -O1 -std=gnu11 $(WARN) -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
		   -Iinclude -Isrc -Isrc/core -Isrc/output
FUZZ_SECONDS	?= 60
FUZZERS		:= $(O)/fuzz/tracefile $(O)/fuzz/ksyms $(O)/fuzz/cli

$(O)/fuzz:
	mkdir -p $@

$(O)/fuzz/tracefile: tests/fuzz/fuzz_tracefile.c $(CORE_SRCS) $(OUTPUT_SRCS) $(HDRS) | $(O)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(CORE_SRCS) $(OUTPUT_SRCS) -lz

$(O)/fuzz/ksyms: tests/fuzz/fuzz_ksyms.c src/ksyms.c src/ksyms.h | $(O)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< src/ksyms.c

$(O)/fuzz/cli: tests/fuzz/fuzz_cli.c src/cli_parse.c src/cli.h src/core/summary.c $(HDRS) | $(O)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< src/cli_parse.c $(CORE_SRCS) -lz

fuzzers: $(FUZZERS)

# Each target FUZZ_SECONDS from its seeds; a crash fails (reproducer kept).
fuzz: $(FUZZERS)
	tests/fuzz/run $(FUZZ_SECONDS)

# Benchmark helper: synthetic trace files, the reader's own speed.
$(O)/tfgen: bench/tfgen.c tests/unit/stdwork.h $(CORE_SRCS) $(HDRS) | $(O)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(CORE_SRCS) -lz

# The loader on its own, for the VM loader suite (tests/vm/loader-smoke.test).
$(O)/loader-smoke: tests/vm/loader-smoke.c $(LOADER_SRCS) $(CORE_SRCS) $(HDRS) $(O)/mnprof.skel.h
	$(CC) $(CFLAGS) -o $@ $< $(LOADER_SRCS) $(CORE_SRCS) $(LIBS)

# The loader's parts that need libbpf but no kernel, on synthetic input
# (ASan, UBSan): the BTF prototype matching of the fentry source.
LOADER_UNIT_SRCS := $(wildcard tests/loader/*.c) tests/unit/main.c src/targets.c
$(O)/loader-unit-tests: $(LOADER_UNIT_SRCS) $(HDRS) tests/unit/testlib.h | $(O)
	$(CC) $(CFLAGS) $(SAN) -Itests/unit -o $@ $(LOADER_UNIT_SRCS) $(LIBS)

# Test helper: makes lib/test_hmm a subscriber and triggers invalidations.
$(O)/hmm_touch: tests/vm/hmm_touch.c | $(O)
	$(CC) $(CFLAGS) -o $@ $<

unit: $(O)/unit-tests
	$(O)/unit-tests

tools:
	$(MAKE) -C tools/mnload

kernel:
	tools/vmtest/build-kernel --kernel all

kernel-patched:
	tools/vmtest/build-kernel --kernel patched

# The default kernel first: checkpatch, patch-apply and most VM suites
# need its tree; tests/run builds the stock kernels in the background
# while those run, and runs the suites that boot them last.
test: all $(O)/unit-tests $(O)/loader-unit-tests fuzzers kernel-patched
	tests/run

demo: all
	tools/demo

# Figures, not assertions: what tracing costs the workload; the trace
# file's size and how fast report reads it.
bench: all $(O)/tfgen
	bench/overhead
	bench/tracefile

# A benchmark-sized run, not part of test: figures in README.md.
SOAK_N		?= 1000000
soak: all
	tests/soak/run $(SOAK_N)

checkpatch:
	tests/checkpatch.sh

# Installation: what a user of the tool needs, nothing of the test bed.
PREFIX		?= /usr/local
DESTDIR		?=
SBINDIR		:= $(DESTDIR)$(PREFIX)/sbin
MAN8DIR		:= $(DESTDIR)$(PREFIX)/share/man/man8
COMPDIR		:= $(DESTDIR)$(PREFIX)/share/bash-completion/completions
PATCHDIR	:= $(DESTDIR)$(PREFIX)/share/mnprof/kernel-patch
MAN_PAGES	:= $(wildcard man/*.8)
KERNEL_PATCHES	:= $(wildcard kernel-patch/*.patch)

install: $(O)/mnprof
	install -D -m 0755 $(O)/mnprof $(SBINDIR)/mnprof
	install -d $(MAN8DIR) $(COMPDIR) $(PATCHDIR)
	install -m 0644 $(MAN_PAGES) $(MAN8DIR)/
	install -m 0644 completion/mnprof.bash $(COMPDIR)/mnprof
	install -m 0644 $(KERNEL_PATCHES) $(PATCHDIR)/

uninstall:
	rm -f $(SBINDIR)/mnprof $(COMPDIR)/mnprof
	rm -f $(addprefix $(MAN8DIR)/,$(notdir $(MAN_PAGES)))
	rm -f $(addprefix $(PATCHDIR)/,$(notdir $(KERNEL_PATCHES)))
	-rmdir $(PATCHDIR) $(DESTDIR)$(PREFIX)/share/mnprof 2>/dev/null

clean:
	rm -rf $(O)
	$(MAKE) -C tools/mnload clean
	-$(MAKE) -C tools/mnsim clean
