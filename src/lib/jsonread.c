/*
 * jsonread.c - see jsonread.h. A recursive-descent parser over RFC 8259,
 * nesting at most 64 deep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonread.h"
#include "xalloc.h"

struct parser {
	const char *s, *start;
	char *err;
	size_t errlen;
	int depth;
};

static int fail(struct parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "byte %ld: %s", (long)(p->s - p->start), what);
	return -1;
}

static void skip_ws(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

static int put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A string at p->s (the opening quote): a new NUL-terminated copy. */
static int parse_string(struct parser *p, char **out)
{
	const char *s = ++p->s;
	size_t cap = 16, len = 0;
	char *o = x_realloc(NULL, cap);

	if (!o)
		return fail(p, "out of memory");
	for (;;) {
		char c = *s;

		if (len + 5 > cap) {
			char *no = x_realloc(o, cap *= 2);

			if (!no) {
				x_free(o);
				return fail(p, "out of memory");
			}
			o = no;
		}
		if (!c || (unsigned char)c < 0x20) {
			x_free(o);
			p->s = s;
			return fail(p, "unterminated string");
		}
		if (c == '"')
			break;
		if (c != '\\') {
			o[len++] = c;
			s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"': o[len++] = '"'; break;
		case '\\': o[len++] = '\\'; break;
		case '/': o[len++] = '/'; break;
		case 'b': o[len++] = '\b'; break;
		case 'f': o[len++] = '\f'; break;
		case 'n': o[len++] = '\n'; break;
		case 'r': o[len++] = '\r'; break;
		case 't': o[len++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(s + 1, &cp)) {
				x_free(o);
				p->s = s;
				return fail(p, "bad \\u escape");
			}
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s[1] == '\\' && s[2] == 'u' && !hex4(s + 3, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			}
			len += (size_t)put_utf8(o + len, cp);
			break;
		}
		default:
			x_free(o);
			p->s = s;
			return fail(p, "bad escape");
		}
		s++;
	}
	o[len] = '\0';
	p->s = s + 1;
	*out = o;
	return 0;
}

static int parse_value(struct parser *p, struct jval *v);

static int append(struct parser *p, struct jval *v, int *cap, char *key)
{
	if (v->n == *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		struct jval *ni = x_realloc(v->item, (size_t)ncap * sizeof(*ni));

		if (!ni)
			return fail(p, "out of memory");
		v->item = ni;
		if (v->type == J_OBJ) {
			char **nk = x_realloc(v->key, (size_t)ncap * sizeof(*nk));

			if (!nk)
				return fail(p, "out of memory");
			v->key = nk;
		}
		*cap = ncap;
	}
	if (v->type == J_OBJ)
		v->key[v->n] = key;
	memset(&v->item[v->n], 0, sizeof(v->item[v->n]));
	if (parse_value(p, &v->item[v->n])) {
		if (v->type == J_OBJ)
			x_free(key);
		jfree(&v->item[v->n]);
		return -1;
	}
	v->n++;
	return 0;
}

static int parse_container(struct parser *p, struct jval *v, char close)
{
	int cap = 0;

	if (++p->depth > 64)
		return fail(p, "nested too deep");
	v->type = close == '}' ? J_OBJ : J_ARR;
	p->s++;
	skip_ws(p);
	if (*p->s == close) {
		p->s++;
		p->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		skip_ws(p);
		if (v->type == J_OBJ) {
			if (*p->s != '"')
				return fail(p, "expected a member name");
			if (parse_string(p, &key))
				return -1;
			skip_ws(p);
			if (*p->s != ':') {
				x_free(key);
				return fail(p, "expected ':'");
			}
			p->s++;
		}
		if (append(p, v, &cap, key))
			return -1;
		skip_ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s == close) {
			p->s++;
			p->depth--;
			return 0;
		}
		return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int parse_number(struct parser *p, struct jval *v)
{
	const char *s = p->s;
	char *end;
	bool integer = true;

	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return fail(p, "unexpected character");
	while ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' || *s == 'E' || *s == '+' || *s == '-') {
		if (*s == '.' || *s == 'e' || *s == 'E')
			integer = false;
		s++;
	}
	errno = 0;
	if (integer) {
		v->i = strtoll(p->s, &end, 10);
		if (errno || end != s)
			integer = false;
		v->num = (double)v->i;
	}
	if (!integer) {
		v->num = strtod(p->s, &end);
		if (end != s)
			return fail(p, "bad number");
		/* truncated, and saturated where an int64 cannot hold it (nan: 0) */
		v->i = v->num >= 9223372036854775807.0 ? INT64_MAX :
		       v->num <= -9223372036854775808.0 ? INT64_MIN :
		       v->num == v->num ? (int64_t)v->num : 0;
	}
	v->type = integer ? J_INT : J_NUM;
	p->s = s;
	return 0;
}

static int parse_value(struct parser *p, struct jval *v)
{
	skip_ws(p);
	switch (*p->s) {
	case '{': return parse_container(p, v, '}');
	case '[': return parse_container(p, v, ']');
	case '"':
		v->type = J_STR;
		return parse_string(p, &v->str);
	case 't':
		if (strncmp(p->s, "true", 4))
			return fail(p, "unexpected character");
		p->s += 4;
		v->type = J_BOOL;
		v->b = true;
		return 0;
	case 'f':
		if (strncmp(p->s, "false", 5))
			return fail(p, "unexpected character");
		p->s += 5;
		v->type = J_BOOL;
		return 0;
	case 'n':
		if (strncmp(p->s, "null", 4))
			return fail(p, "unexpected character");
		p->s += 4;
		v->type = J_NULL;
		return 0;
	case '\0':
		return fail(p, "unexpected end of the text");
	default:
		return parse_number(p, v);
	}
}

int jparse(const char *text, struct jval *out, char *err, size_t errlen)
{
	struct parser p = { text, text, err, errlen, 0 };

	memset(out, 0, sizeof(*out));
	if (parse_value(&p, out)) {
		jfree(out);
		return -1;
	}
	skip_ws(&p);
	if (*p.s) {
		jfree(out);
		return fail(&p, "text after the value");
	}
	return 0;
}

void jfree(struct jval *v)
{
	for (int i = 0; i < v->n; i++) {
		jfree(&v->item[i]);
		if (v->key)
			x_free(v->key[i]);
	}
	x_free(v->item);
	x_free(v->key);
	x_free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct jval *jget(const struct jval *v, const char *key)
{
	if (!v || v->type != J_OBJ)
		return NULL;
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->key[i], key))
			return &v->item[i];
	return NULL;
}

int64_t jget_int(const struct jval *v, const char *key, int64_t dflt)
{
	const struct jval *m = jget(v, key);

	return m && (m->type == J_INT || m->type == J_NUM) ? m->i : dflt;
}

const char *jget_str(const struct jval *v, const char *key, const char *dflt)
{
	const struct jval *m = jget(v, key);

	return m && m->type == J_STR ? m->str : dflt;
}
