// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The workload of "mnprof ... -- CMD ARGS": CMD is forked at once but held
 * on a pipe until the BPF programs are attached, so its first invalidation
 * is already traced; mnprof stops when it exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload.h"

int mn_workload_prepare(struct mn_workload *w, char **argv)
{
	int pipefd[2];

	memset(w, 0, sizeof(*w));
	w->pid = -1;
	w->go_fd = -1;
	if (!argv || !argv[0])
		return 0;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	w->pid = fork();
	if (w->pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (w->pid == 0) {
		char c;
		ssize_t n;

		close(pipefd[1]);
		/* Wait for mnprof: a byte to go, EOF to give up. */
		do {
			n = read(pipefd[0], &c, 1);
		} while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "mnprof: cannot run '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	w->go_fd = pipefd[1];
	w->name = argv[0];
	return 0;
}

int mn_workload_start(struct mn_workload *w)
{
	ssize_t n;

	if (w->go_fd < 0)
		return 0;
	do {
		n = write(w->go_fd, "g", 1);
	} while (n < 0 && errno == EINTR);
	close(w->go_fd);
	w->go_fd = -1;
	return n == 1 ? 0 : -EPIPE;
}

bool mn_workload_poll(struct mn_workload *w)
{
	int status;
	pid_t r;

	if (w->pid <= 0 || w->exited)
		return w->exited;
	r = waitpid(w->pid, &status, WNOHANG);
	if (r == w->pid) {
		w->exited = true;
		w->status = status;
	}
	return w->exited;
}

void mn_workload_abort(struct mn_workload *w)
{
	if (w->go_fd >= 0) {
		/* EOF on the pipe: the child exits without running CMD. */
		close(w->go_fd);
		w->go_fd = -1;
	} else if (w->pid > 0 && !w->exited) {
		kill(w->pid, SIGTERM);
	}
	if (w->pid > 0 && !w->exited) {
		int status;

		if (waitpid(w->pid, &status, 0) == w->pid) {
			w->exited = true;
			w->status = status;
		}
	}
}

int mn_workload_exit_code(const struct mn_workload *w)
{
	if (!w->exited)
		return -1;
	if (WIFEXITED(w->status))
		return WEXITSTATUS(w->status);
	if (WIFSIGNALED(w->status))
		return 128 + WTERMSIG(w->status);
	return -1;
}
