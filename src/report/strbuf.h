/*
 * strbuf.h - a growing text buffer: views are rendered into one, then go to
 * stdout and to the JSON record unchanged.
 */
#ifndef VMLAB_STRBUF_H
#define VMLAB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap);
void sb_puts(struct strbuf *b, const char *s);
void sb_putc(struct strbuf *b, char c);
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);
/* The text, never NULL. */
const char *sb_str(const struct strbuf *b);

#endif
