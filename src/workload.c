// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The workload of "mnprof ... -- CMD ARGS": CMD is forked at once but held
 * on a pipe until the BPF programs are attached, so its first invalidation
 * is already traced; mnprof stops when it exits.
 *
 * Run through sudo, CMD runs as the user who ran sudo (SUDO_UID, SUDO_GID,
 * with that user's groups, HOME, USER and LOGNAME), as perf does, unless
 * --as-root: tracing needs root, the workload does not. Stopped before it
 * ends, CMD gets SIGTERM, and SIGKILL if it is still there
 * MN_WORKLOAD_GRACE_MS later: a workload that ignores SIGTERM does not
 * keep mnprof from exiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

/* Time the workload gets to exit after SIGTERM, before SIGKILL. */
#define MN_WORKLOAD_GRACE_MS	5000
/* After this much of it, say that we wait and why. */
#define MN_WORKLOAD_SAY_MS	500

/* The running workload, for mn_workload_kill_now() (a signal handler). */
static volatile pid_t live_pid;

/*
 * Under sudo, without --as-root: the user to run as. 0 and no error when
 * the workload stays as it is.
 */
static int sudo_user(struct mn_workload *w)
{
	const char *suid = getenv("SUDO_UID"), *sgid = getenv("SUDO_GID");
	const struct passwd *pw;
	char *end;
	unsigned long uid, gid;

	if (geteuid() != 0 || !suid || !*suid)
		return 0;
	errno = 0;
	uid = strtoul(suid, &end, 10);
	if (errno || *end || uid > (uid_t)-2)
		return -EINVAL;
	if (uid == 0)
		return 0;
	pw = getpwuid((uid_t)uid);
	gid = pw ? pw->pw_gid : 0;
	if (sgid && *sgid) {
		errno = 0;
		gid = strtoul(sgid, &end, 10);
		if (errno || *end || gid > (gid_t)-2)
			return -EINVAL;
	} else if (!pw) {
		return -ENOENT;
	}
	w->uid = (uid_t)uid;
	w->gid = (gid_t)gid;
	w->drop = true;
	snprintf(w->user, sizeof(w->user), "%s",
		 pw ? pw->pw_name : (getenv("SUDO_USER") ? getenv("SUDO_USER") : ""));
	snprintf(w->home, sizeof(w->home), "%s", pw ? pw->pw_dir : "/");
	return 0;
}

/* In the child: become the sudo user. */
static int drop_to_user(const struct mn_workload *w)
{
	if (w->user[0] ? initgroups(w->user, w->gid) :
			 setgroups(1, &w->gid))
		return -1;
	if (setgid(w->gid) || setuid(w->uid))
		return -1;
	/* no way back: a workload must not regain root */
	if (setuid(0) == 0)
		return -1;
	if (w->user[0]) {
		setenv("USER", w->user, 1);
		setenv("LOGNAME", w->user, 1);
	}
	setenv("HOME", w->home, 1);
	return 0;
}

int mn_workload_prepare(struct mn_workload *w, char **argv, bool as_root)
{
	int pipefd[2], err;

	memset(w, 0, sizeof(*w));
	w->pid = -1;
	w->go_fd = -1;
	if (!argv || !argv[0])
		return 0;
	if (!as_root) {
		err = sudo_user(w);
		if (err)
			return err;
	}
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	w->pid = fork();
	if (w->pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (w->pid == 0) {
		char c;
		ssize_t n;

		close(pipefd[1]);
		/* mnprof ignores SIGPIPE; CMD gets the usual default */
		signal(SIGPIPE, SIG_DFL);
		if (w->drop && drop_to_user(w)) {
			fprintf(stderr, "mnprof: cannot run '%s' as user %s (uid %u): %s\n",
				argv[0], w->user, (unsigned int)w->uid,
				strerror(errno));
			_exit(127);
		}
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
	live_pid = w->pid;
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

static void reaped(struct mn_workload *w, int status)
{
	w->exited = true;
	w->status = status;
	live_pid = 0;
}

bool mn_workload_poll(struct mn_workload *w)
{
	int status;
	pid_t r;

	if (w->pid <= 0 || w->exited)
		return w->exited;
	r = waitpid(w->pid, &status, WNOHANG);
	if (r == w->pid)
		reaped(w, status);
	return w->exited;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void mn_workload_abort(struct mn_workload *w)
{
	int status;
	long waited = 0;

	if (w->go_fd >= 0) {
		/* EOF on the pipe: the child exits without running CMD. */
		close(w->go_fd);
		w->go_fd = -1;
	} else if (w->pid > 0 && !w->exited) {
		kill(w->pid, SIGTERM);
		while (!mn_workload_poll(w) && waited < MN_WORKLOAD_GRACE_MS) {
			if (waited == MN_WORKLOAD_SAY_MS)
				fprintf(stderr, "mnprof: waiting for the workload '%s' (pid %d) to exit after SIGTERM; SIGKILL in %d s (Ctrl-C again: now)\n",
					w->name, (int)w->pid,
					(MN_WORKLOAD_GRACE_MS - MN_WORKLOAD_SAY_MS) / 1000);
			sleep_ms(10);
			waited += 10;
		}
		if (!w->exited) {
			fprintf(stderr, "mnprof: the workload '%s' (pid %d) ignored SIGTERM: killed with SIGKILL\n",
				w->name, (int)w->pid);
			kill(w->pid, SIGKILL);
		}
	}
	while (w->pid > 0 && !w->exited) {
		pid_t r = waitpid(w->pid, &status, 0);

		if (r == w->pid)
			reaped(w, status);
		else if (r < 0 && errno != EINTR)
			break;
	}
}

void mn_workload_kill_now(void)
{
	pid_t pid = live_pid;

	if (pid > 0)
		kill(pid, SIGKILL);
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
