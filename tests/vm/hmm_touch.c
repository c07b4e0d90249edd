// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test helper: make lib/test_hmm a subscriber of this process and trigger
 * invalidations. Opening /dev/hmm_dmirrorN registers an interval notifier
 * over the whole address space of the opener; every munmap then calls it.
 *
 *   hmm_touch [N]   open hmm_dmirror0 and hmm_dmirror1, then N times map,
 *                   touch and unmap one page (default 1)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *devs[] = { "/dev/hmm_dmirror0", "/dev/hmm_dmirror1" };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	long page = sysconf(_SC_PAGESIZE);
	int fds[2];

	if (n < 1) {
		fprintf(stderr, "usage: hmm_touch [iterations >= 1]\n");
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		fds[i] = open(devs[i], O_RDWR);
		if (fds[i] < 0) {
			fprintf(stderr, "hmm_touch: %s: %s (is test_hmm loaded?)\n",
				devs[i], strerror(errno));
			return 1;
		}
	}
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("hmm_touch: mmap");
			return 1;
		}
		memset(p, 1, page);
		if (munmap(p, page)) {
			perror("hmm_touch: munmap");
			return 1;
		}
	}
	close(fds[0]);
	close(fds[1]);
	return 0;
}
