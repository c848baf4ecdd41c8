/*
 * scenario.c - run one scenario file: a fresh Lua state with the vm module,
 * the script's top level, then the simulation until every process has
 * ended (paused ones are killed, as a session's end would). Errors in the
 * scenario are reported with file and line and exit status 2; --json output
 * is written to a temporary file and renamed into place only when the run
 * finished, so a failed run never leaves a half-written file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lualib.h>
#include "scenario.h"

/* The body, under lua_pcall: the script, then the rest of the simulation. */
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
	lproc_finish(sc);
	return 0;
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
	json_kv_str(j, "backend", "sim");
	json_kv_str(j, "scenario", sc->opt->path);
	json_key(j, "records");
	json_arr_begin(j);
}

/* Finish the JSON document and put it in place atomically. */
static int json_write(struct scenario *sc, int status)
{
	struct json *j = &sc->rec;
	const char *path = sc->opt->json;
	char tmp[4096];
	FILE *f;

	json_arr_end(j);
	if (sc->m) {
		json_key(j, "config");
		json_obj_begin(j);
		json_kv_int(j, "ram", (int64_t)sc->cfg.ram);
		json_kv_int(j, "cpus", sc->cfg.cpus);
		json_kv_str(j, "kernel", sc->cfg.kernel);
		json_kv_int(j, "seed", (int64_t)sc->cfg.seed);
		json_obj_end(j);
	}
	json_key(j, "expectations");
	json_obj_begin(j);
	json_kv_int(j, "passed", sc->expect_passed);
	json_kv_int(j, "failed", sc->expect_failed);
	json_obj_end(j);
	json_kv_int(j, "exit", status);
	json_obj_end(j);
	sb_putc(&j->b, '\n');
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f || fwrite(sb_str(&j->b), 1, j->b.len, f) != j->b.len || fclose(f)) {
		fprintf(stderr, "vmlab: cannot write %s: %s\n", path, strerror(errno));
		if (f)
			unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "vmlab: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int scenario_run(const struct run_options *opt)
{
	struct scenario sc;
	lua_State *L;
	int status = 0, rc;

	memset(&sc, 0, sizeof(sc));
	sc.opt = opt;
	sc.out = stdout;
	vm_config_default(&sc.cfg);
	if (opt->has_seed)
		sc.cfg.seed = opt->seed;
	L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "vmlab: cannot create a Lua state\n");
		return 3;
	}
	sc.L = L;
	luaL_openlibs(L);
	scenario_bind(L, &sc);
	lproc_register(L);
	lvm_register(L);
	set_arg_table(L, opt);
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)sc.cfg.seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	if (opt->json)
		json_begin(&sc);

	lua_pushcfunction(L, run_body);
	rc = luaL_loadfile(L, opt->path);
	if (rc == LUA_OK)
		rc = lua_pcall(L, 1, 0, 0);
	fflush(stdout);
	if (rc != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		if (rc == LUA_ERRFILE)
			fprintf(stderr, "vmlab: %s\n", msg ? msg : "cannot read the scenario");
		else
			fprintf(stderr, "%s\n", msg ? msg : "vmlab: error object is not a string");
		status = 2;
	} else {
		status = sc.expect_failed ? 1 : 0;
		if (sc.expect_failed)
			fprintf(stderr, "vmlab: %d of %d expectations failed\n", sc.expect_failed,
				sc.expect_failed + sc.expect_passed);
		if (opt->json && json_write(&sc, status))
			status = 2;
	}
	lua_close(L);
	if (opt->json)
		json_free(&sc.rec);
	vm_free(sc.m);
	return status;
}
