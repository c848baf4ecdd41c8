/*
 * fuzz_trace.c - libFuzzer target: the trace readers (src/trace/trace.c).
 * Any file, read in every format and by auto-detection, is loaded or refused
 * with a message; a loaded trace is sound (every access a valid dense id,
 * no more writes than accesses) and replays through every policy.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../src/replay/replay.h"
#include "../../src/trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("trace", 0);
	char path[64];

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int f = 0; f < NR_TRACE_FORMATS; f++) {
		char err[512] = "";
		struct trace t;

		if (trace_load(path, (enum trace_format)f, &t, err, sizeof(err))) {
			if (!err[0])
				abort();
			continue;
		}
		if (!t.n || t.writes > t.n || t.distinct > t.npages || !t.distinct)
			abort();
		for (uint64_t i = 0; i < t.n; i++)
			if (TRACE_ID(t.acc[i]) >= t.npages)
				abort();
		for (int k = 0; policy_at(k); k++) {
			struct policy_config pc = { .cap = 1 + size % 5, .seed = 1 };
			struct replay_counts c;

			if (!replay_run(&t, policy_at(k), &pc, &c, NULL, NULL) && c.hits + c.misses != t.n)
				abort();
		}
		trace_free(&t);
	}
	close(fd);
	return 0;
}
