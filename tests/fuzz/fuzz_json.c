/*
 * fuzz_json.c - libFuzzer target: the JSON reader vmlab compare uses on
 * each side's records (src/lib/jsonread.c). Any text is parsed or refused
 * with a message, and what was parsed is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/lib/jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256];
	struct jval v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!jparse(s, &v, err, sizeof(err))) {
		jget_int(&v, "t", 0);
		jget_str(&v, "kind", NULL);
		jfree(&v);
	} else if (!err[0]) {
		abort();	/* a refusal always says why */
	}
	free(s);
	return 0;
}
