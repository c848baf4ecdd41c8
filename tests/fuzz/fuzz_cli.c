/*
 * fuzz_cli.c - libFuzzer target: vmlab run's command line (run_parse in
 * src/cli/run.c). The input is split at NUL bytes into arguments; any of
 * them is accepted or refused with exit status 2, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/cli/cli.h"
#include "../../src/script/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[64];
	int argc = 0, idx;
	struct run_options o;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i <= size && argc < 63; ) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	int rc = run_parse(argc, argv, &o, &idx);

	if (rc != 0 && rc != 2)
		abort();
	if (!rc && (idx < 0 || idx >= argc))
		abort();
	free(buf);
	return 0;
}
