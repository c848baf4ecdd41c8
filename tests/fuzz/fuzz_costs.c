/*
 * fuzz_costs.c - libFuzzer target: cost profiles (vmlab run --costs,
 * src/mm/cost.c). Any file is loaded or refused with its line, and every
 * cost loaded is a finite number of nanoseconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../src/mm/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cost_profile p;
	char err[256] = "";
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;

	if (!f)
		return 0;
	cost_profile_default(&p);
	if (cost_profile_parse(&p, f, "fuzz", err, sizeof(err))) {
		if (!err[0])
			abort();
	} else {
		for (int i = 0; i < NR_COST_ITEMS; i++)
			if (p.ns[i] > 1000000000000ULL)
				abort();
	}
	fclose(f);
	return 0;
}
