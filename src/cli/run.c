/*
 * run.c - `vmlab run [OPTIONS] SCENARIO.lua [ARGS]`: run a scenario on the
 * simulated kernel. Options come before the scenario; everything after it
 * is the scenario's own arguments (the `arg` table and `...`). SCENARIO is a
 * file, or the name of one that came with vmlab (scenarios.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../script/scenario.h"
#include "../lib/size.h"

static int need_value(int i, int argc, char **argv)
{
	if (i + 1 >= argc) {
		fprintf(stderr, "vmlab run: %s needs a value\n", argv[i]);
		return -1;
	}
	return 0;
}

/* --kernel K: a profile vmlab knows (said on stderr with the list if not). */
static bool known_kernel(const char *k)
{
	char names[64];

	if (vm_kernel_profile_known(k))
		return true;
	vm_kernel_profile_names(names, sizeof(names), " ");
	fprintf(stderr, "vmlab run: --kernel %s: no such kernel profile (known: %s, or host)\n", k,
		names);
	return false;
}

int run_parse(int argc, char **argv, struct run_options *out, int *scenario)
{
	struct run_options o = {
		.max_sim_ns = DEFAULT_MAX_SIM_NS, .timeout_ns = DEFAULT_TIMEOUT_NS,
		.lua_mem = DEFAULT_LUA_MEM,
	};
	int i;

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--check")) {
			o.check = true;
			o.check_every = 1;
		} else if (!strncmp(a, "--check=", 8)) {
			char *end;

			errno = 0;
			o.check_every = strtoull(a + 8, &end, 10);
			if (errno || *end || !a[8] || !o.check_every || a[8] == '-') {
				fprintf(stderr, "vmlab run: --check=N needs N, a number of operations "
					"of 1 or more, got '%s'\n", a + 8);
				return 2;
			}
			o.check = true;
		} else if (!strcmp(a, "--events")) {
			o.events = true;
		} else if (!strcmp(a, "--json")) {
			if (need_value(i, argc, argv))
				return 2;
			o.json = argv[++i];
		} else if (!strcmp(a, "--costs")) {
			if (need_value(i, argc, argv))
				return 2;
			o.costs = argv[++i];
		} else if (!strcmp(a, "--seed")) {
			char *end;

			if (need_value(i, argc, argv))
				return 2;
			errno = 0;
			o.seed = strtoull(argv[++i], &end, 0);
			if (errno || *end || argv[i][0] == '-') {
				fprintf(stderr, "vmlab run: --seed needs a non-negative integer, got '%s'\n",
					argv[i]);
				return 2;
			}
			o.has_seed = true;
		} else if (!strcmp(a, "--real")) {
			o.real = true;
		} else if (!strcmp(a, "--unsafe")) {
			o.unsafe = true;
		} else if (!strcmp(a, "--kernel")) {
			if (need_value(i, argc, argv))
				return 2;
			o.kernel = argv[++i];
			if (strcmp(o.kernel, "host") && !known_kernel(o.kernel))
				return 2;
		} else if (!strcmp(a, "--limit")) {
			if (need_value(i, argc, argv))
				return 2;
			if (parse_size(argv[++i], &o.limit) || o.limit < (16ULL << 20)) {
				fprintf(stderr, "vmlab run: --limit needs a size of at least 16M, got '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--swapfile")) {
			if (need_value(i, argc, argv))
				return 2;
			if (parse_size(argv[++i], &o.swapfile) || o.swapfile < (1ULL << 20)) {
				fprintf(stderr, "vmlab run: --swapfile needs a size of at least 1M, got '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--max-sim-time") || !strcmp(a, "--timeout")) {
			uint64_t *ns = a[2] == 'm' ? &o.max_sim_ns : &o.timeout_ns;

			if (need_value(i, argc, argv))
				return 2;
			if (parse_duration(argv[++i], ns)) {
				fprintf(stderr, "vmlab run: %s needs a duration such as 10s, 5min or 2h "
					"(0: no limit), got '%s'\n", a, argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--lua-mem")) {
			if (need_value(i, argc, argv))
				return 2;
			if (parse_size(argv[++i], &o.lua_mem) || (o.lua_mem && o.lua_mem < (1ULL << 20))) {
				fprintf(stderr, "vmlab run: --lua-mem needs a size of at least 1M (0: no "
					"limit), got '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "vmlab run: unknown option '%s'\n", a);
			usage();
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "vmlab run: which scenario? (for example scenarios/cow.lua)\n");
		usage();
		return 2;
	}
	if (o.real && (o.costs || o.events || o.kernel)) {
		fprintf(stderr, "vmlab run: %s is for the simulated kernel; --real runs on this "
			"machine's own\n", o.costs ? "--costs" : o.events ? "--events" : "--kernel");
		return 2;
	}
	if (!o.real && o.swapfile) {
		fprintf(stderr, "vmlab run: --swapfile makes a swap file for the real kernel; it needs "
			"--real (the simulated machine's swap is vm.config's swap)\n");
		return 2;
	}
	if (!o.real && o.limit) {
		fprintf(stderr, "vmlab run: --limit sets the real run's memory cgroup; it needs --real "
			"(the simulated machine's size is vm.config's ram)\n");
		return 2;
	}
	if (o.costs) {
		char err[512];

		if (vm_cost_profile_check(o.costs, err, sizeof(err))) {
			fprintf(stderr, "vmlab run: %s\n", err);
			return 2;
		}
	}
	o.argc = argc - i - 1;
	o.argv = argv + i + 1;
	*out = o;
	*scenario = i;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_options o;
	char path[4096];
	int i, rc = run_parse(argc, argv, &o, &i);

	if (rc)
		return rc;
	o.path = scenario_find(argv[i], path, sizeof(path), "run");
	if (!o.path)
		return 2;
	return scenario_run(&o);
}
