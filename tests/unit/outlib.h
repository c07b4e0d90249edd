/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers of the output-format tests: memory streams to print into, a
 * strict JSON validator, and checks on long texts.
 */
#ifndef MNPROF_OUTLIB_H
#define MNPROF_OUTLIB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

struct mstream {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *ms_open(struct mstream *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

/* Close the stream; the text stays in m->buf (free it). */
static inline char *ms_close(struct mstream *m)
{
	fclose(m->f);
	m->f = NULL;
	return m->buf;
}

/* A strict JSON validator (RFC 8259 grammar, one value, no trailing text). */
static inline const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static inline const char *jv_value(const char *p, int depth);

static inline const char *jv_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;

		if (!c || c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i])
						return NULL;
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static inline const char *jv_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p > s ? p : NULL;
}

static inline const char *jv_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = jv_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = jv_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = jv_string(jv_ws(p));
				if (!p)
					return NULL;
				p = jv_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = jv_value(p, depth + 1);
			if (!p)
				return NULL;
			p = jv_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == close)
				return p + 1;
			return NULL;
		}
	}
	if (*p == '"')
		return jv_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return jv_number(p);
}

static inline bool json_valid(const char *s)
{
	const char *p = jv_value(s, 0);

	return p && !*jv_ws(p);
}

/*
 * Long texts: CHECK_STR's message buffer is too small for them; on a
 * mismatch print both in full.
 */
static inline void check_text(const char *got, const char *want, const char *file,
		       int line)
{
	int ok = got && !strcmp(got, want);

	if (!ok)
		printf("--- expected:\n%s--- got:\n%s---\n", want,
		       got ? got : "(null)");
	mn_test_result(ok, file, line, "text output as expected");
}

#define CHECK_TEXT(got, want) check_text((got), (want), __FILE__, __LINE__)

/* strstr() with the text printed when the piece is missing. */
static inline void check_has(const char *text, const char *piece, bool want,
		      const char *file, int line)
{
	int ok = (text && strstr(text, piece)) == want;

	if (!ok)
		printf("--- %s:\n%s--- in:\n%s---\n",
		       want ? "missing" : "unexpected", piece,
		       text ? text : "(null)");
	mn_test_result(ok, file, line, want ? "text has the piece" :
			"text lacks the piece");
}

#define CHECK_HAS(text, piece) check_has((text), (piece), true, __FILE__, __LINE__)
#define CHECK_HASNT(text, piece) check_has((text), (piece), false, __FILE__, __LINE__)

/* Occurrences of @piece in @text. */
static inline size_t count_of(const char *text, const char *piece)
{
	size_t n = 0;
	const char *p = text;

	while (p && (p = strstr(p, piece))) {
		n++;
		p += strlen(piece);
	}
	return n;
}

#endif /* MNPROF_OUTLIB_H */
