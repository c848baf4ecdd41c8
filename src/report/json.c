/*
 * json.c - the JSON writer (see json.h).
 */
#include <math.h>
#include <stdio.h>
#include "json.h"

void json_init(struct json *j)
{
	j->b = (struct strbuf)STRBUF_INIT;
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_free(struct json *j)
{
	sb_free(&j->b);
}

/* Before a value: a comma if the container already holds one. */
static void value_prefix(struct json *j)
{
	if (j->need_comma[j->depth])
		sb_putc(&j->b, ',');
	j->need_comma[j->depth] = true;
}

void json_raw(struct json *j, const char *text)
{
	value_prefix(j);
	sb_puts(&j->b, text);
}

static void open_container(struct json *j, char c)
{
	value_prefix(j);
	sb_putc(&j->b, c);
	if (j->depth < 63)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void json_obj_begin(struct json *j) { open_container(j, '{'); }
void json_arr_begin(struct json *j) { open_container(j, '['); }

void json_obj_end(struct json *j)
{
	j->depth--;
	sb_putc(&j->b, '}');
}

void json_arr_end(struct json *j)
{
	j->depth--;
	sb_putc(&j->b, ']');
}

static void put_string(struct strbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\r': sb_puts(b, "\\r"); break;
		default:
			if (c < 0x20)
				sb_printf(b, "\\u%04x", c);
			else
				sb_putc(b, (char)c);
		}
	}
	sb_putc(b, '"');
}

void json_key(struct json *j, const char *key)
{
	value_prefix(j);
	put_string(&j->b, key);
	sb_putc(&j->b, ':');
	j->need_comma[j->depth] = false;	/* the value follows without a comma */
}

void json_str(struct json *j, const char *s)
{
	value_prefix(j);
	put_string(&j->b, s);
}

void json_int(struct json *j, int64_t v)
{
	value_prefix(j);
	sb_printf(&j->b, "%lld", (long long)v);
}

void json_num(struct json *j, double v)
{
	value_prefix(j);
	if (isfinite(v))
		sb_printf(&j->b, "%.17g", v);
	else
		sb_puts(&j->b, "null");
}

void json_bool(struct json *j, bool v)
{
	value_prefix(j);
	sb_puts(&j->b, v ? "true" : "false");
}

void json_null(struct json *j)
{
	value_prefix(j);
	sb_puts(&j->b, "null");
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}
