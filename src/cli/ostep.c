/*
 * ostep.c - vmlab replay --ostep: OSTEP's paging-policy.py homework, with
 * its own options and answers. -s SEED -n NUM -m MAXPAGE generate the
 * addresses as the script does (int(MAXPAGE * random()) with Python's
 * generator seeded by SEED), -a gives them; -p FIFO|LRU|OPT|RAND|CLOCK,
 * -C frames, -b clockbits; the script's -c (compute) is what this prints:
 * its per-access lines (not with -N) and FINALSTATS. RAND and CLOCK draw on
 * from where the addresses left the generator, as the script does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"
#include "../lib/pyrandom.h"
#include "../replay/replay.h"

static int number_arg(const char *opt, const char *v, uint64_t *out, uint64_t min)
{
	if (!parse_whole(v, min, UINT32_MAX, out)) {
		fprintf(stderr, "vmlab replay --ostep: %s wants a whole number%s, not '%s'\n", opt,
			min ? " above 0" : "", v);
		return -1;
	}
	return 0;
}

int replay_ostep(int argc, char **argv)
{
	static const struct { const char *name; const struct policy_ops *pol; } names[] = {
		{ "FIFO", &policy_fifo }, { "LRU", &policy_lru }, { "OPT", &policy_opt },
		{ "RAND", &policy_ostep_rand }, { "CLOCK", &policy_ostep_clock },
	};
	uint64_t seed = 0, num = 10, maxpage = 10, frames = 3, clockbits = 2;
	const char *policy = "FIFO", *addresses = NULL;
	const struct policy_ops *pol = NULL;
	struct pyrandom py;
	struct trace t;
	char err[512], *list;
	bool quiet = false;
	int rc;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-c") || !strcmp(a, "--compute") || !strcmp(a, "--ostep"))
			continue;
		if (!strcmp(a, "-N") || !strcmp(a, "--notrace")) {
			quiet = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "vmlab replay --ostep: %s needs a value (or is not an option of "
				"paging-policy.py's: -s -n -m -a -p -C -b -N -c)\n", a);
			return 2;
		}
		i++;
		if ((!strcmp(a, "-s") && number_arg(a, v, &seed, 0)) ||
		    (!strcmp(a, "-n") && number_arg(a, v, &num, 1)) ||
		    (!strcmp(a, "-m") && number_arg(a, v, &maxpage, 1)) ||
		    (!strcmp(a, "-C") && number_arg(a, v, &frames, 1)) ||
		    (!strcmp(a, "-b") && number_arg(a, v, &clockbits, 0)))
			return 2;
		if (!strcmp(a, "-p"))
			policy = v;
		else if (!strcmp(a, "-a"))
			addresses = !strcmp(v, "-1") ? NULL : v;
		else if (strcmp(a, "-s") && strcmp(a, "-n") && strcmp(a, "-m") && strcmp(a, "-C") &&
			 strcmp(a, "-b")) {
			fprintf(stderr, "vmlab replay --ostep: unknown option %s (paging-policy.py's: -s -n "
				"-m -a -p -C -b -N -c)\n", a);
			return 2;
		}
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcasecmp(policy, names[k].name))
			pol = names[k].pol;
	if (!pol) {
		fprintf(stderr, "vmlab replay --ostep: -p %s is not one vmlab plays (FIFO, LRU, OPT, RAND, "
			"CLOCK)\n", policy);
		return 2;
	}
	pyrandom_seed(&py, seed);
	if (addresses) {
		list = strdup(addresses);
	} else {				/* int(maxpage * random.random()), num times */
		list = malloc(num * 12 + 1);
		if (list) {
			size_t len = 0;

			for (uint64_t i = 0; i < num; i++)
				len += (size_t)sprintf(list + len, "%s%llu", i ? "," : "",
						       (unsigned long long)((double)maxpage *
									    pyrandom_random(&py)));
		}
	}
	if (!list) {
		fputs("vmlab replay --ostep: out of memory\n", stderr);
		return 2;
	}
	rc = trace_from_list(list, &t, err, sizeof(err));
	free(list);
	if (rc) {
		fprintf(stderr, "vmlab replay --ostep: %s\n", err);
		return 2;
	}
	struct policy_config pc = { .cap = frames, .seed = seed, .py = &py, .clockbits = clockbits };

	rc = replay_print_ostep(&t, pol, &pc, !quiet);
	trace_free(&t);
	return rc;
}
