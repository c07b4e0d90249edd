// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader-smoke-hmm N: make lib/test_hmm's devices hmm_dmirror0 and
 * hmm_dmirror1 subscribers of this process (opening one registers an
 * interval notifier over the whole address space), then N times map, touch
 * and unmap one page: N invalidations with one single-pass callback per
 * device. With a second argument "exit", the devices are not closed: the
 * process exit then runs a release walk with one more callback per device.
 * Used by tests/vm/loader-smoke.test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	long page = sysconf(_SC_PAGESIZE);
	int fd0, fd1;
	long i;

	fd0 = open("/dev/hmm_dmirror0", O_RDWR);
	fd1 = open("/dev/hmm_dmirror1", O_RDWR);
	if (fd0 < 0 || fd1 < 0) {
		perror("loader-smoke-hmm: open /dev/hmm_dmirror[01]");
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("loader-smoke-hmm: mmap");
			return 1;
		}
		memset(p, 1, page);
		if (munmap(p, page)) {
			perror("loader-smoke-hmm: munmap");
			return 1;
		}
	}
	if (argc > 2 && !strcmp(argv[2], "exit"))
		return 0;
	close(fd0);
	close(fd1);
	return 0;
}
