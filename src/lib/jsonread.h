/*
 * jsonread.h - a small JSON reader: text in, a tree of values out. For
 * reading vmlab's own --json files back (vmlab compare), so integers stay
 * exact 64-bit values.
 */
#ifndef VMLAB_JSONREAD_H
#define VMLAB_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_BOOL, J_INT, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;
	int64_t i;		/* J_INT (and J_NUM, truncated) */
	double num;		/* J_NUM (and J_INT) */
	char *str;		/* J_STR */
	int n;			/* J_ARR, J_OBJ: how many */
	struct jval *item;	/* J_ARR, J_OBJ: the values */
	char **key;		/* J_OBJ: their keys */
};

/* 0, or -1 with "byte N: what was wrong" in err. */
int jparse(const char *text, struct jval *out, char *err, size_t errlen);
void jfree(struct jval *v);
/* A member of an object (NULL if absent or v is not an object). */
const struct jval *jget(const struct jval *v, const char *key);
/* Member helpers with a default. */
int64_t jget_int(const struct jval *v, const char *key, int64_t dflt);
const char *jget_str(const struct jval *v, const char *key, const char *dflt);

#endif
