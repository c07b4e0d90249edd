// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * serve's HTTP server (src/httpd.c) on loopback, driven in this thread:
 * the client's request waits in the socket until mn_httpd_step() serves
 * it. Answers, status codes, HEAD, a client that never sends anything,
 * listen addresses.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testlib.h"
#include "httpd.h"

struct hctx {
	int calls;
	char path[256];
};

static int handler(const char *path, FILE *body, const char **ctype,
		   void *arg)
{
	struct hctx *c = arg;

	c->calls++;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (!strcmp(path, "/metrics")) {
		*ctype = "text/plain; version=0.0.4; charset=utf-8";
		fputs("a_total 1\n", body);
		return 200;
	}
	if (!strcmp(path, "/fail"))
		return -1;
	fputs("no\n", body);
	return 404;
}

/* A connected client socket to @h's address, or -1. */
static int client(const struct mn_httpd *h)
{
	const char *a = mn_httpd_address(h);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *colon = strrchr(a, ':');
	char ip[64];
	int fd;

	snprintf(ip, sizeof(ip), "%.*s", (int)(colon - a), a);
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Send @req on a new connection, serve until the answer is complete (the
 * server closes), return it (free it), NULL on a failure.
 */
static char *exchange(struct mn_httpd *h, struct hctx *c, const char *req,
		      size_t len)
{
	char *buf = calloc(1, 65536);
	size_t got = 0;
	int fd = client(h), i;
	ssize_t n;

	if (fd < 0 || !buf || send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (i = 0; i < 50; i++) {
		if (mn_httpd_step(h, 20, handler, c) < 0)
			break;
		n = recv(fd, buf + got, 65535 - got, MSG_DONTWAIT);
		if (n > 0) {
			got += (size_t)n;
			i = 0;
			continue;
		}
		if (n == 0)
			break;	/* the server closed: all of it */
	}
	close(fd);
	return buf;
}

static struct mn_httpd *open_any(void)
{
	struct mn_httpd *h = NULL;
	char err[256] = "";

	CHECK(mn_httpd_open(&h, "127.0.0.1:0", err, sizeof(err)) == 0);
	if (err[0])
		printf("  %s\n", err);
	return h;
}

TEST(httpd_get_head_errors)
{
	struct hctx c = { 0 };
	struct mn_httpd *h = open_any();
	char *r;

	if (!h)
		return;
	CHECK(!strncmp(mn_httpd_address(h), "127.0.0.1:", 10));
	CHECK(atoi(strrchr(mn_httpd_address(h), ':') + 1) > 0);

	r = exchange(h, &c, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n", 62);
	CHECK(r && !strncmp(r, "HTTP/1.1 200 OK\r\n", 17));
	CHECK(r && strstr(r, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	CHECK(r && strstr(r, "\r\nContent-Length: 10\r\n"));
	CHECK(r && strstr(r, "\r\nConnection: close\r\n"));
	/* the body is the handler's, after the headers, nothing more */
	CHECK(r && strstr(r, "\r\n\r\na_total 1\n") &&
	      !strcmp(strstr(r, "\r\n\r\n"), "\r\n\r\na_total 1\n"));
	CHECK_STR(c.path, "/metrics");
	free(r);

	r = exchange(h, &c, "HEAD /metrics HTTP/1.0\n\n", 24);
	CHECK(r && !strncmp(r, "HTTP/1.1 200 OK\r\n", 17));
	CHECK(r && strstr(r, "\r\nContent-Length: 10\r\n"));
	CHECK(r && !strstr(r, "a_total"));
	free(r);

	r = exchange(h, &c, "GET /x HTTP/1.1\r\n\r\n", 19);
	CHECK(r && !strncmp(r, "HTTP/1.1 404 Not Found\r\n", 24));
	free(r);

	c.calls = 0;
	r = exchange(h, &c, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 45);
	CHECK(r && !strncmp(r, "HTTP/1.1 405 ", 13));
	CHECK(r && strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	CHECK_EQ_U64(c.calls, 0);
	free(r);

	r = exchange(h, &c, "hello\r\n\r\n", 9);
	CHECK(r && !strncmp(r, "HTTP/1.1 400 ", 13));
	free(r);

	r = exchange(h, &c, "GET /metrics HTTP/2.0\r\n\r\n", 25);
	CHECK(r && !strncmp(r, "HTTP/1.1 505 ", 13));
	free(r);

	r = exchange(h, &c, "GET /fail HTTP/1.1\r\n\r\n", 22);
	CHECK(r && !strncmp(r, "HTTP/1.1 500 ", 13));
	free(r);
	mn_httpd_close(h);
}

TEST(httpd_oversized_and_stuck_clients)
{
	struct hctx c = { 0 };
	struct mn_httpd *h = open_any();
	char *big, *r;
	int stuck[3], i;

	if (!h)
		return;
	/* headers that never end within the limit */
	big = malloc(MN_HTTPD_MAX_REQUEST + 100);
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	memset(big + 26, 'a', MN_HTTPD_MAX_REQUEST + 100 - 26);
	r = exchange(h, &c, big, MN_HTTPD_MAX_REQUEST + 100);
	CHECK(r && !strncmp(r, "HTTP/1.1 431 ", 13));
	free(r);
	free(big);

	/* clients that connect and say nothing do not hold the others up */
	for (i = 0; i < 3; i++)
		stuck[i] = client(h);
	mn_httpd_step(h, 10, handler, &c);
	c.calls = 0;
	r = exchange(h, &c, "GET /metrics HTTP/1.1\r\n\r\n", 25);
	CHECK(r && !strncmp(r, "HTTP/1.1 200 OK\r\n", 17));
	CHECK_EQ_U64(c.calls, 1);
	free(r);
	for (i = 0; i < 3; i++)
		if (stuck[i] >= 0)
			close(stuck[i]);
	mn_httpd_close(h);
}

TEST(httpd_listen_addresses)
{
	char host[64], port[16], err[256];
	struct mn_httpd *h = open_any(), *h2 = NULL;
	char busy[64];

	CHECK(mn_listen_split("127.0.0.1:9477", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == 0);
	CHECK_STR(host, "127.0.0.1");
	CHECK_STR(port, "9477");
	CHECK(mn_listen_split(":9100", host, sizeof(host), port, sizeof(port),
			      err, sizeof(err)) == 0);
	CHECK_STR(host, "");
	CHECK_STR(port, "9100");
	CHECK(mn_listen_split("[::1]:80", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == 0);
	CHECK_STR(host, "::1");
	CHECK_STR(port, "80");
	CHECK(mn_listen_split("localhost:0", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == 0);
	CHECK_STR(host, "localhost");
	/* errors say what is wrong */
	CHECK(mn_listen_split("127.0.0.1", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == -1);
	CHECK(strstr(err, "no port"));
	CHECK(mn_listen_split("::1:80", host, sizeof(host), port, sizeof(port),
			      err, sizeof(err)) == -1);
	CHECK(strstr(err, "brackets"));
	CHECK(mn_listen_split("[::1]80", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == -1);
	CHECK(strstr(err, "brackets"));
	CHECK(mn_listen_split("a:65536", host, sizeof(host), port,
			      sizeof(port), err, sizeof(err)) == -1);
	CHECK(strstr(err, "0 to 65535"));
	CHECK(mn_listen_split("a:-1", host, sizeof(host), port, sizeof(port),
			      err, sizeof(err)) == -1);
	CHECK(mn_listen_split("a:", host, sizeof(host), port, sizeof(port),
			      err, sizeof(err)) == -1);
	/* a port in use: refused, with a hint */
	if (h) {
		snprintf(busy, sizeof(busy), "%s", mn_httpd_address(h));
		CHECK(mn_httpd_open(&h2, busy, err, sizeof(err)) == -1);
		CHECK(h2 == NULL);
		CHECK(strstr(err, "Address already in use"));
		CHECK(strstr(err, "--listen"));
	}
	mn_httpd_close(h);
}
