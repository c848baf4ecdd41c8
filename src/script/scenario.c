/*
 * scenario.c - run one scenario file: a fresh Lua state with the vm module,
 * the script's top level, then the rest of the run until every process has
 * ended (paused ones are killed, as a session's end would). Errors in the
 * scenario are reported with file and line and exit status 2; --json output
 * is written to a temporary file and renamed into place only when the run
 * finished, so a failed run never leaves a half-written file.
 *
 * On the real backend the same happens with real processes (lreal.c,
 * src/real/supervisor.c). There
 * the Lua state, the script's text and vmlab's buffers live in a private
 * arena and stdout gets a static buffer, so that glibc's heap is still
 * untouched when a scenario process calls self:malloc.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <lualib.h>
#include "scenario.h"
#include "../lib/fdio.h"
#include "../lib/xalloc.h"
#include "../real/arena.h"
#include "../real/cgroup.h"
#include "../real/supervisor.h"
#include "../real/files.h"
#include "../lib/size.h"

/* ---- the run's guards: --lua-mem, --timeout ---- */

/* The Lua state's allocator, counting its bytes against --lua-mem. */
struct lua_cap {
	lua_Alloc inner;
	void *ud;
	size_t used, cap;
	bool hit;			/* an allocation was refused */
};

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lua_cap *c = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize > old && c->cap && c->used - old + nsize > c->cap) {
		c->hit = true;
		return NULL;	/* Lua raises "not enough memory" */
	}
	p = c->inner(c->ud, ptr, osize, nsize);
	if (p || !nsize)
		c->used = c->used - old + nsize;
	return p;
}

static char timeout_msg[160];
static bool timeout_real;

/* --timeout: SIGALRM. Nothing half-written stays (--json is written at the
 * end only); on the real kernel every process of the run goes too. */
static void on_timeout(int sig)
{
	ssize_t n;

	(void)sig;
	if (timeout_real)
		supervisor_kill_all();
	n = write(2, timeout_msg, strlen(timeout_msg));
	(void)n;
	_exit(2);
}

static void arm_timeout(const struct run_options *o)
{
	char d[32];
	struct sigaction sa;
	uint64_t s = (o->timeout_ns + 999999999ULL) / 1000000000ULL;

	if (!o->timeout_ns)
		return;
	format_duration(o->timeout_ns, d, sizeof(d));
	snprintf(timeout_msg, sizeof(timeout_msg), "vmlab: %s: the run took longer than "
		 "--timeout %s (wall clock) and was stopped\n", o->path, d);
	timeout_real = o->real;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timeout;
	sigaction(SIGALRM, &sa, NULL);
	alarm(s > 0xffffffffULL ? 0xffffffffU : (unsigned)s);
}

/* The body, under lua_pcall: the script, then the rest of the run. */
static int run_body(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	const struct run_options *o = sc->opt;
	int nargs = o->argc;

	luaL_checkstack(L, nargs + 2, "too many scenario arguments");
	for (int i = 0; i < o->argc; i++)
		lua_pushstring(L, o->argv[i]);
	lua_call(L, nargs, 0);		/* the chunk is below the arguments */
	scenario_machine(L);
	return lproc_finish(L);
}

static void set_arg_table(lua_State *L, const struct run_options *o)
{
	lua_createtable(L, o->argc, 1);
	lua_pushstring(L, o->path);
	lua_rawseti(L, -2, 0);
	for (int i = 0; i < o->argc; i++) {
		lua_pushstring(L, o->argv[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "arg");
}

static void json_begin(struct scenario *sc)
{
	struct json *j = &sc->rec;

	json_init(j);
	json_obj_begin(j);
	json_kv_str(j, "vmlab", VMLAB_VERSION);
	json_kv_str(j, "backend", sc->be.ops->name);
	json_kv_str(j, "scenario", sc->opt->path);
	json_key(j, "records");
	json_arr_begin(j);
}

int scenario_ncpus(const struct scenario *sc)
{
	return sc->opt->real ? (int)sysconf(_SC_NPROCESSORS_ONLN) : sc->cfg.cpus;
}

/*
 * The machine: the simulated one's configuration, or the host, with what
 * decides whether memory runs out: RAM, swap, the overcommit mode
 * (vm.overcommit_memory; the simulator models the default heuristic, 0,
 * mm/util.c __vm_enough_memory()) and the limit the run is under (the real
 * run's memory cgroup; 0: none, the simulated machine is all the run's).
 */
static void json_config(struct scenario *sc, struct json *j)
{
	struct utsname u;
	struct sysinfo si;
	uint64_t overcommit = 0, map_count = 65530;

	json_key(j, "config");
	json_obj_begin(j);
	if (sc->m) {
		json_kv_int(j, "ram", (int64_t)sc->cfg.ram);
		json_kv_int(j, "swap", (int64_t)sc->cfg.swap);
		json_kv_int(j, "overcommit", sc->cfg.overcommit_memory);
		json_kv_int(j, "limit", 0);
		json_kv_int(j, "max_map_count", sc->cfg.max_map_count);
		json_kv_int(j, "cpus", scenario_ncpus(sc));
		json_kv_str(j, "kernel", sc->cfg.kernel);
		json_kv_str(j, "oom", sc->cfg.oom);
	} else if (!uname(&u) && !sysinfo(&si)) {
		json_kv_int(j, "ram", (int64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE));
		json_kv_int(j, "swap", (int64_t)sc->real_swap);
		if (read_u64("/proc/sys/vm/overcommit_memory", &overcommit))
			overcommit = 0;
		json_kv_int(j, "overcommit", (int64_t)overcommit);
		json_kv_int(j, "limit", (int64_t)cgroup_limit());
		if (read_u64("/proc/sys/vm/max_map_count", &map_count))
			map_count = 65530;
		json_kv_int(j, "max_map_count", (int64_t)map_count);
		json_kv_int(j, "cpus", scenario_ncpus(sc));
		json_kv_str(j, "kernel", u.release);
		json_kv_str(j, "oom", "modern");	/* oom_badness(), whatever vm.config says */
	}
	json_kv_int(j, "seed", (int64_t)sc->cfg.seed);
	json_obj_end(j);
}

/* Finish the JSON document and put it in place atomically. */
static int json_write(struct scenario *sc, int status)
{
	struct json *j = &sc->rec;
	const char *path = sc->opt->json;

	json_arr_end(j);
	if (sc->m || sc->opt->real)
		json_config(sc, j);
	json_key(j, "expectations");
	json_obj_begin(j);
	json_kv_int(j, "passed", sc->expect_passed);
	json_kv_int(j, "failed", sc->expect_failed);
	json_obj_end(j);
	json_kv_int(j, "exit", status);
	json_obj_end(j);
	sb_putc(&j->b, '\n');
	if (write_file_atomic(path, sb_str(&j->b), j->b.len)) {
		fprintf(stderr, "vmlab: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --kernel: a profile name, or "host" for the one matching uname -r. */
static int pick_kernel(struct scenario *sc, const char *k)
{
	struct utsname u;

	if (!k)
		return 0;
	if (strcmp(k, "host")) {
		snprintf(sc->cfg_kernel, sizeof(sc->cfg_kernel), "%s", k);
	} else {
		if (uname(&u)) {
			fprintf(stderr, "vmlab: --kernel host: uname: %s\n", strerror(errno));
			return -1;
		}
		if (vm_kernel_profile_match(u.release, sc->cfg_kernel, sizeof(sc->cfg_kernel)))
			fprintf(stderr, "vmlab: no kernel profile for Linux %s; simulating %s, the "
				"closest\n", u.release, sc->cfg_kernel);
		/* the host's sysctls that decide an outcome, as the host has them */
		uint64_t v;

		if (!read_u64("/proc/sys/vm/mmap_min_addr", &v))
			sc->cfg.mmap_min_addr = v;
		if (!read_u64("/proc/sys/vm/max_map_count", &v) && v >= 1 && v <= INT32_MAX)
			sc->cfg.max_map_count = (int)v;
		if (!read_u64("/proc/sys/vm/overcommit_memory", &v) && v <= 2)
			sc->cfg.overcommit_memory = (int)v;
		if (!read_u64("/proc/sys/vm/overcommit_ratio", &v) && v <= INT32_MAX)
			sc->cfg.overcommit_ratio = (int)v;
		/* the disk the real run's files go on, and the writeback sysctls */
		if (real_files_read_ahead_kb() >= 0)
			sc->cfg.read_ahead_kb = real_files_read_ahead_kb();
		if (!read_u64("/proc/sys/vm/dirty_ratio", &v) && v <= 100)
			sc->cfg.dirty_ratio = (int)v;
		if (!read_u64("/proc/sys/vm/dirty_background_ratio", &v) && v <= 100)
			sc->cfg.dirty_background_ratio = (int)v;
		if (!read_u64("/proc/sys/vm/dirty_expire_centisecs", &v) && v <= INT32_MAX)
			sc->cfg.dirty_expire_centisecs = (int)v;
		if (!read_u64("/proc/sys/vm/dirty_writeback_centisecs", &v) && v <= INT32_MAX)
			sc->cfg.dirty_writeback_centisecs = (int)v;
	}
	sc->cfg.kernel = sc->cfg_kernel;
	return 0;
}

static void report(struct scenario *sc, int rc, lua_State *L, int *status)
{
	const char *msg = lua_tostring(L, -1);

	fflush(stdout);
	if (rc != LUA_OK) {
		if (rc == LUA_ERRFILE)
			fprintf(stderr, "vmlab: %s\n", msg ? msg : "cannot read the scenario");
		else
			fprintf(stderr, "%s\n", msg ? msg : "vmlab: error object is not a string");
		*status = 2;
		return;
	}
	*status = sc->expect_failed ? 1 : 0;
	if (sc->expect_failed)
		fprintf(stderr, "vmlab: %d of %d expectations failed\n", sc->expect_failed,
			sc->expect_failed + sc->expect_passed);
	if (sc->opt->json && json_write(sc, *status))
		*status = 2;
}

/* lauxlib's allocator, as luaL_newstate's */
static void *std_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (!nsize) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

int scenario_run(const struct run_options *opt)
{
	struct lua_cap cap = { 0 };
	struct scenario sc;
	lua_State *L;
	int status = 0, rc;
	char err[512];
	struct timespec ts;

	memset(&sc, 0, sizeof(sc));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sc.t0 = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	sc.opt = opt;
	sc.out = stdout;
	sc.sink = scenario_deliver;
	sc.recording = opt->json != NULL;
	vm_config_default(&sc.cfg);
	if (opt->has_seed)
		sc.cfg.seed = opt->seed;
	if (pick_kernel(&sc, opt->kernel))
		return 2;
	cap.cap = opt->lua_mem;
	if (opt->real) {
		sc.be.ops = &real_backend_ops;
		if (lreal_begin(&sc, err, sizeof(err))) {
			fprintf(stderr, "vmlab run --real: %s\n", err);
			return 2;
		}
		cap.inner = arena_lua_alloc;
	} else {
		sc.be.ops = &sim_backend_ops;
		cap.inner = std_lua_alloc;
	}
	L = lua_newstate(capped_alloc, &cap);
	arm_timeout(opt);
	if (!L) {
		fprintf(stderr, "vmlab: cannot create a Lua state\n");
		if (opt->real)
			supervisor_end();
		return 3;
	}
	sc.L = L;
	if (opt->unsafe)
		fprintf(stderr, "vmlab: --unsafe: the scenario gets Lua's full os, io, debug and "
			"package libraries%s\n", opt->real ? ", as this user on this machine" : "");
	lsandbox_open(L, opt->path, opt->unsafe);
	lcoroutine_open(L);
	scenario_bind(L, &sc);
	lproc_register(L);
	lvm_register(L);
	set_arg_table(L, opt);
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)sc.cfg.seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	if (sc.recording)
		json_begin(&sc);

	lua_pushcfunction(L, scenario_msgh);
	lua_pushcfunction(L, run_body);
	rc = lsandbox_loadfile(L, opt->path);
	if (rc == LUA_OK)
		rc = lua_pcall(L, 1, 0, -3);
	if (opt->real)
		supervisor_end();	/* every process gone before the verdict */
	alarm(0);
	if (rc != LUA_OK && cap.hit && (rc == LUA_ERRMEM || (lua_tostring(L, -1) &&
					  strstr(lua_tostring(L, -1), "not enough memory")))) {
		char sz[32];

		cap.cap = 0;	/* the message itself needs memory */
		format_size(opt->lua_mem, sz, sizeof(sz));
		lua_pop(L, 1);
		lua_pushfstring(L, "vmlab: %s: the scenario's Lua state reached --lua-mem %s "
				"(its own tables and strings; the simulated memory is not counted)",
				opt->path, sz);
	}
	report(&sc, rc, L, &status);
	lua_close(L);
	if (sc.recording)
		json_free(&sc.rec);
	vm_free(sc.m);
	return status;
}
