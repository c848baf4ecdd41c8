/*
 * fuzz_size.c - libFuzzer target: sizes and durations as people write them
 * (src/lib/size.c). Any text is parsed without a crash, and what parses
 * formats back to a text that parses to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/lib/size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[64];
	uint64_t v, w;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!parse_size(s, &v)) {
		format_size(v, buf, sizeof(buf));
		if (parse_size(buf, &w) || w != v)
			abort();
	}
	if (!parse_duration(s, &v)) {
		format_duration(v, buf, sizeof(buf));
		if (parse_duration(buf, &w) || w != v)
			abort();
	}
	free(s);
	return 0;
}
