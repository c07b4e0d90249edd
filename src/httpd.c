// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The HTTP server of `mnprof serve`; see httpd.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

struct conn {
	int fd;			/* -1: free */
	uint64_t deadline_ms;
	char in[MN_HTTPD_MAX_REQUEST];
	size_t inlen;
	char *out;		/* the whole answer, once the request is in */
	size_t outlen, outoff;
};

struct mn_httpd {
	int fd;
	char address[INET6_ADDRSTRLEN + 8];
	struct conn conns[MN_HTTPD_MAX_CONN];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int mn_listen_split(const char *addr, char *host, size_t hostlen, char *port,
		    size_t portlen, char *err, size_t errlen)
{
	const char *colon, *h = addr, *p, *end;
	size_t hl;
	char *e;
	long v;

	if (addr[0] == '[') {
		end = strchr(addr, ']');
		if (!end || end[1] != ':') {
			snprintf(err, errlen, "'%s': an IPv6 address goes in brackets, then ':PORT' ([::1]:9477)",
				 addr);
			return -1;
		}
		h = addr + 1;
		hl = (size_t)(end - h);
		p = end + 2;
	} else {
		colon = strrchr(addr, ':');
		if (!colon) {
			snprintf(err, errlen, "'%s': no port (ADDR:PORT, e.g. 127.0.0.1:9477, or :9477 for every address)",
				 addr);
			return -1;
		}
		if (memchr(addr, ':', (size_t)(colon - addr))) {
			snprintf(err, errlen, "'%s': an IPv6 address goes in brackets ([::1]:9477)",
				 addr);
			return -1;
		}
		hl = (size_t)(colon - addr);
		p = colon + 1;
	}
	errno = 0;
	v = strtol(p, &e, 10);
	if (!*p || *e || errno || v < 0 || v > 65535 || *p == '-' || *p == '+') {
		snprintf(err, errlen, "'%s': the port must be a number from 0 to 65535",
			 addr);
		return -1;
	}
	if (hl >= hostlen || strlen(p) >= portlen) {
		snprintf(err, errlen, "'%s': too long", addr);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", p);
	return 0;
}

/* "ADDR:PORT" of a bound socket. */
static void sock_address(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

int mn_httpd_open(struct mn_httpd **out, const char *addr, char *err,
		  size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	}, *res = NULL, *ai;
	char host[256], port[16];
	struct mn_httpd *h;
	int fd = -1, e = 0, r, one = 1, i;

	*out = NULL;
	if (mn_listen_split(addr, host, sizeof(host), port, sizeof(port), err,
			    errlen))
		return -1;
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (r) {
		snprintf(err, errlen, "'%s': %s", addr, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 64))
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s%s", addr,
			 strerror(e),
			 e == EADDRINUSE ? " (another exporter? choose another port with --listen)" :
			 e == EADDRNOTAVAIL ? " (not an address of this machine)" : "");
		return -1;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->fd = fd;
	for (i = 0; i < MN_HTTPD_MAX_CONN; i++)
		h->conns[i].fd = -1;
	sock_address(fd, h->address, sizeof(h->address));
	*out = h;
	return 0;
}

const char *mn_httpd_address(const struct mn_httpd *h)
{
	return h->address;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->inlen = c->outlen = c->outoff = 0;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	default: return "Internal Server Error";
	}
}

/* The whole answer into c->out: status line, headers, body (not for HEAD). */
static void respond(struct conn *c, int status, const char *ctype,
		    const char *body, size_t bodylen, bool head)
{
	FILE *f;

	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = 0;
	f = open_memstream(&c->out, &c->outlen);
	if (!f)
		return;
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
		status, reason(status), ctype ? ctype : "text/plain; charset=utf-8",
		bodylen);
	if (status == 405)
		fputs("Allow: GET, HEAD\r\n", f);
	fputs("Connection: close\r\nCache-Control: no-store\r\n\r\n", f);
	if (!head && bodylen)
		fwrite(body, 1, bodylen, f);
	if (fclose(f)) {
		free(c->out);
		c->out = NULL;
		c->outlen = 0;
	}
}

static void respond_error(struct conn *c, int status, const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "%d %s%s%s\n", status,
			 reason(status), msg ? ": " : "", msg ? msg : "");

	respond(c, status, NULL, body, (size_t)n, false);
}

/* The end of the request's headers in c->in, or NULL: not all in yet. */
static const char *headers_end(const struct conn *c)
{
	const char *p = memmem(c->in, c->inlen, "\r\n\r\n", 4);

	if (!p)
		p = memmem(c->in, c->inlen, "\n\n", 2);
	return p;
}

/* A complete request in c->in: its answer into c->out. */
static void handle(struct conn *c, mn_httpd_fn fn, void *ctx)
{
	char method[16], target[2048], version[16];
	const char *ctype = NULL;
	char *line_end, *body = NULL;
	size_t bodylen = 0;
	bool head;
	FILE *f;
	int status;

	line_end = memchr(c->in, '\n', c->inlen);
	*line_end = '\0';
	if (sscanf(c->in, "%15s %2047s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7) || target[0] != '/') {
		if (!strncmp(version, "HTTP/", 5) && strncmp(version, "HTTP/1.", 7))
			respond_error(c, 505, NULL);
		else
			respond_error(c, 400, "expected GET /metrics HTTP/1.1");
		return;
	}
	head = !strcmp(method, "HEAD");
	if (!head && strcmp(method, "GET")) {
		respond_error(c, 405, NULL);
		return;
	}
	target[strcspn(target, "?#")] = '\0';
	f = open_memstream(&body, &bodylen);
	if (!f) {
		respond_error(c, 500, "out of memory");
		return;
	}
	status = fn(target, f, &ctype, ctx);
	if (fclose(f) || status < 0)
		respond_error(c, 500, NULL);
	else
		respond(c, status, ctype, body, bodylen, head);
	free(body);
}

static void conn_read(struct conn *c, mn_httpd_fn fn, void *ctx, int *served)
{
	ssize_t n;

	for (;;) {
		if (c->inlen == sizeof(c->in)) {
			respond_error(c, 431, "request headers over 8 KiB");
			if (!c->out)
				conn_close(c);
			return;
		}
		n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->inlen += (size_t)n;
		if (headers_end(c)) {
			handle(c, fn, ctx);
			(*served)++;
			if (!c->out)
				conn_close(c);	/* out of memory */
			return;
		}
	}
}

/* Write what the socket takes; close once all of it is out. */
static void conn_write(struct conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	/*
	 * What the client sent beyond the request (a refused one) is read
	 * and dropped first: closing with unread data would reset the
	 * connection and could lose the answer on the way.
	 */
	shutdown(c->fd, SHUT_WR);
	while (recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT) > 0)
		;
	conn_close(c);
}

static void accept_all(struct mn_httpd *h, uint64_t now)
{
	struct conn *c;
	int fd, i;

	for (;;) {
		for (i = 0; i < MN_HTTPD_MAX_CONN && h->conns[i].fd >= 0; i++)
			;
		if (i == MN_HTTPD_MAX_CONN)
			return;	/* the others wait in the backlog */
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = &h->conns[i];
		c->fd = fd;
		c->inlen = 0;
		c->deadline_ms = now + MN_HTTPD_TIMEOUT_MS;
	}
}

int mn_httpd_step(struct mn_httpd *h, int timeout_ms, mn_httpd_fn fn,
		  void *ctx)
{
	struct pollfd pfd[MN_HTTPD_MAX_CONN + 1];
	int idx[MN_HTTPD_MAX_CONN + 1];
	int n = 0, i, r, served = 0;
	bool room = false;
	uint64_t now;

	for (i = 0; i < MN_HTTPD_MAX_CONN; i++) {
		struct conn *c = &h->conns[i];

		if (c->fd < 0) {
			room = true;
			continue;
		}
		pfd[n].fd = c->fd;
		pfd[n].events = c->out ? POLLOUT : POLLIN;
		pfd[n].revents = 0;
		idx[n++] = i;
	}
	if (room) {
		pfd[n].fd = h->fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		idx[n++] = -1;
	}
	r = poll(pfd, (nfds_t)n, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	now = now_ms();
	for (i = 0; i < n; i++) {
		struct conn *c;

		if (!pfd[i].revents)
			continue;
		if (idx[i] < 0) {
			accept_all(h, now);
			continue;
		}
		c = &h->conns[idx[i]];
		if (!c->out)
			conn_read(c, fn, ctx, &served);
		/* answered: try to write at once, most answers fit */
		if (c->fd >= 0 && c->out)
			conn_write(c);
	}
	for (i = 0; i < MN_HTTPD_MAX_CONN; i++)
		if (h->conns[i].fd >= 0 && now >= h->conns[i].deadline_ms)
			conn_close(&h->conns[i]);
	return served;
}

void mn_httpd_close(struct mn_httpd *h)
{
	int i;

	if (!h)
		return;
	for (i = 0; i < MN_HTTPD_MAX_CONN; i++)
		conn_close(&h->conns[i]);
	close(h->fd);
	free(h);
}
