/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small HTTP/1.1 server for `mnprof serve`: one thread, non-blocking
 * sockets, driven by the caller's loop (mn_httpd_step() between two polls
 * of the ring buffer), GET and HEAD only, one request per connection
 * (Connection: close), at most MN_HTTPD_MAX_CONN clients at a time, each
 * with MN_HTTPD_TIMEOUT_MS to send its request and take the answer. That
 * is what a Prometheus scrape needs; a slow or stuck client cannot hold
 * up the others or the tracing. Plain C and sockets, no libbpf.
 */
#ifndef MNPROF_HTTPD_H
#define MNPROF_HTTPD_H

#include <stddef.h>
#include <stdio.h>

#define MN_HTTPD_MAX_CONN	16
#define MN_HTTPD_TIMEOUT_MS	10000
#define MN_HTTPD_MAX_REQUEST	8192	/* request line and headers */

/*
 * Split a listen address, "HOST:PORT", "[IPV6]:PORT" or ":PORT" (every
 * address), into @host ("" for every address) and @port. 0, or -1 with
 * the reason in @err.
 */
int mn_listen_split(const char *addr, char *host, size_t hostlen, char *port,
		    size_t portlen, char *err, size_t errlen);

/*
 * The answer to a request of @path (the target without its query): the
 * body written to @body, *@ctype its Content-Type (NULL: text/plain).
 * Returns the HTTP status (200, 404...), or -1 for 500.
 */
typedef int (*mn_httpd_fn)(const char *path, FILE *body, const char **ctype,
			   void *ctx);

struct mn_httpd;

/*
 * Listen on @addr (see mn_listen_split(); port 0: any free port). 0, or
 * -1 with the reason in @err.
 */
int mn_httpd_open(struct mn_httpd **out, const char *addr, char *err,
		  size_t errlen);

/* The address listened on, "127.0.0.1:9477" or "[::1]:9477". */
const char *mn_httpd_address(const struct mn_httpd *h);

/*
 * Wait up to @timeout_ms for a client, serve what is ready (accept, read,
 * answer through @fn, write, close), drop clients past their time.
 * Returns the requests answered, or a negative errno when the server
 * cannot go on.
 */
int mn_httpd_step(struct mn_httpd *h, int timeout_ms, mn_httpd_fn fn,
		  void *ctx);

void mn_httpd_close(struct mn_httpd *h);

#endif /* MNPROF_HTTPD_H */
