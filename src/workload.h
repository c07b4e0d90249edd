/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef MNPROF_WORKLOAD_H
#define MNPROF_WORKLOAD_H

#include <fcntl.h>
#include <stdbool.h>
#include <sys/types.h>

/**
 * struct mn_workload - the command given after "--"
 * @pid: its pid, -1 when there is none
 * @go_fd: write end of the pipe the child waits on before exec
 * @name: argv[0]
 * @exited: it has exited; @status is its wait status
 * @drop: it runs as @user (@uid, @gid, HOME @home), not root: mnprof was
 *	run through sudo
 */
struct mn_workload {
	pid_t pid;
	int go_fd;
	const char *name;
	bool exited;
	int status;
	bool drop;
	uid_t uid;
	gid_t gid;
	char user[64];
	char home[256];
};

/*
 * Fork the child and hold it (argv NULL or empty: no workload). Under
 * sudo (SUDO_UID set, not 0) it will run as that user unless @as_root.
 * 0 or a negative errno.
 */
int mn_workload_prepare(struct mn_workload *w, char **argv, bool as_root);
/* Let it exec. */
int mn_workload_start(struct mn_workload *w);
/* Has it exited? Reaps it without blocking. */
bool mn_workload_poll(struct mn_workload *w);
/*
 * Make it go away: never started, or terminated (SIGTERM, SIGKILL when it
 * has not exited a few seconds later, saying so), and reaped.
 */
void mn_workload_abort(struct mn_workload *w);
/* SIGKILL the workload, if one runs; async-signal-safe (a second Ctrl-C). */
void mn_workload_kill_now(void);
/* Its exit status (128 + signal when killed), -1 if it has not exited. */
int mn_workload_exit_code(const struct mn_workload *w);

#endif /* MNPROF_WORKLOAD_H */
