/*
 * json.h - a small streaming JSON writer for --json output: objects and
 * arrays nest, commas and escaping are handled, numbers are integers or
 * doubles printed with %.17g so that nothing is rounded away.
 */
#ifndef VMLAB_JSON_H
#define VMLAB_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "strbuf.h"

struct json {
	struct strbuf b;
	int depth;
	bool need_comma[64];
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_num(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A value already written as JSON text (a record made elsewhere). */
void json_raw(struct json *j, const char *text);
/* key + value in one call */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);

#endif
