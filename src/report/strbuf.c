/*
 * strbuf.c - a growing text buffer (see strbuf.h). Running out of host
 * memory here ends the program: there is no sensible way to go on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "strbuf.h"
#include "../lib/xalloc.h"

static void grow(struct strbuf *b, size_t need)
{
	size_t cap;
	char *s;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = x_realloc(b->s, cap);
	if (!s) {
		fputs("vmlab: out of memory\n", stderr);
		exit(3);
	}
	b->s = s;
	b->cap = cap;
}

void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_puts(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_putc(struct strbuf *b, char c)
{
	grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct strbuf *b)
{
	x_free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *sb_str(const struct strbuf *b)
{
	return b->s ? b->s : "";
}
