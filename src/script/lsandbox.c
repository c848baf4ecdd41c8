/*
 * lsandbox.c - the Lua a scenario sees: a workload description, not a
 * shell script.
 *
 * Scenarios run as root on --real, so they get no way out of their run:
 * no os.execute or io.popen, no files opened, renamed or removed, no
 * os.exit, no C modules (package.loadlib, require of a .so), no binary
 * chunks (load is text-only; a forged bytecode chunk can crash the VM),
 * no debug library. What a scenario needs stays: string, table, math,
 * utf8, coroutine, print, io.write (and io.stdout/io.stderr), os.time,
 * os.clock, os.date, os.difftime, and require of Lua files beside the
 * scenario (require "lib.util" loads DIR/lib/util.lua). A removed name is
 * a function that says so, rather than a nil to call. The rule is the same
 * on both backends, so a scenario that runs on one runs on the other.
 * `vmlab run --unsafe` opens Lua's full libraries instead, with a warning.
 *
 * Scenario files are read with read(2), not stdio, whose FILE would come
 * from glibc's heap (the real backend keeps it untouched).
 */
#include <errno.h>
#include <string.h>
#include <lualib.h>
#include "scenario.h"
#include "../lib/fdio.h"
#include "../lib/xalloc.h"

#define MODULES_KEY	"vmlab.modules"
#define DIR_KEY		"vmlab.scenario_dir"

int lsandbox_loadfile(lua_State *L, const char *path)
{
	char *buf;
	size_t len;
	int rc;

	if (read_whole(path, &buf, &len)) {
		lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
		return LUA_ERRFILE;
	}
	if (len && buf[0] == '#')	/* a #! line, blanked as lua.c does (lines kept) */
		for (size_t i = 0; i < len && buf[i] != '\n'; i++)
			buf[i] = ' ';
	lua_pushfstring(L, "@%s", path);
	rc = luaL_loadbufferx(L, buf, len, lua_tostring(L, -1), "t");
	lua_remove(L, -2);
	x_free(buf);
	return rc;
}

/* A name the sandbox took away: calling it says so. */
static int removed(lua_State *L)
{
	return luaL_error(L, "%s is not available to scenarios: a scenario describes a workload, "
			  "not a shell script (vmlab run --unsafe lifts this)",
			  lua_tostring(L, lua_upvalueindex(1)));
}

static void set_removed(lua_State *L, int tbl, const char *field, const char *shown)
{
	tbl = lua_absindex(L, tbl);
	lua_pushstring(L, shown);
	lua_pushcclosure(L, removed, 1);
	lua_setfield(L, tbl, field);
}

/* load(chunk [, chunkname [, mode [, env]]]), text chunks only. */
static int safe_load(lua_State *L)
{
	int n, nargs = 3;

	if (strchr(luaL_optstring(L, 3, "t"), 'b'))
		return luaL_error(L, "load: binary chunks are not available to scenarios");
	lua_settop(L, lua_gettop(L) >= 4 ? 4 : 2);	/* chunk, name[, mode, env] */
	n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));	/* the base library's load */
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushstring(L, "t");
	if (n >= 4) {
		lua_pushvalue(L, 4);		/* an env given, even nil, as load takes it */
		nargs = 4;
	}
	lua_call(L, nargs, LUA_MULTRET);
	return lua_gettop(L) - n;
}

/* A library the sandbox took away: a table whose every field says so. */
static int removed_index(lua_State *L)
{
	return luaL_error(L, "%s.%s is not available to scenarios: a scenario describes a "
			  "workload, not a shell script (vmlab run --unsafe lifts this)",
			  lua_tostring(L, lua_upvalueindex(1)), luaL_tolstring(L, 2, NULL));
}

static void set_removed_lib(lua_State *L, const char *lib)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, lib);
	lua_pushcclosure(L, removed_index, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setglobal(L, lib);
}

/* require "a.b": DIR/a/b.lua, DIR the scenario's; loaded once, text only. */
static int safe_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	char path[4096];
	size_t n;

	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
			return luaL_error(L, "require \"%s\": a module name is letters, digits, _, - "
					  "and dots (lib.util is lib/util.lua beside the scenario)",
					  name);
	if (!*name || name[0] == '.' || strstr(name, ".."))
		return luaL_error(L, "require \"%s\": not a module name", name);
	lua_getfield(L, LUA_REGISTRYINDEX, MODULES_KEY);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	n = (size_t)snprintf(path, sizeof(path), "%s/%s", lua_tostring(L, -1), name);
	lua_pop(L, 1);
	for (char *c = path + n - strlen(name); *c; c++)
		if (*c == '.')
			*c = '/';
	if (n + 4 >= sizeof(path))
		return luaL_error(L, "require \"%s\": the path is too long", name);
	strcat(path, ".lua");
	if (lsandbox_loadfile(L, path) != LUA_OK)
		return luaL_error(L, "require \"%s\": %s", name, lua_tostring(L, -1));
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);	/* modules[name] = the value */
	return 1;
}

/* Keep only `keep` of the library table at idx; stub the rest of `drop`. */
static void prune(lua_State *L, int idx, const char *lib, const char *const keep[],
		  const char *const drop[])
{
	char shown[64];

	idx = lua_absindex(L, idx);
	lua_newtable(L);
	for (int i = 0; keep[i]; i++) {
		lua_getfield(L, idx, keep[i]);
		lua_setfield(L, -2, keep[i]);
	}
	for (int i = 0; drop[i]; i++) {
		snprintf(shown, sizeof(shown), "%s.%s", lib, drop[i]);
		set_removed(L, -1, drop[i], shown);
	}
	lua_setglobal(L, lib);
}

void lsandbox_open(lua_State *L, const char *script, bool unsafe)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base }, { LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math }, { LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL },
	};
	static const char *const os_keep[] = { "time", "clock", "date", "difftime", NULL };
	static const char *const os_drop[] = { "execute", "exit", "getenv", "remove", "rename",
					       "setlocale", "tmpname", NULL };
	static const char *const io_keep[] = { "write", "stdout", "stderr", NULL };
	static const char *const io_drop[] = { "open", "popen", "lines", "read", "input",
					       "output", "close", "tmpfile", "type", NULL };
	const char *slash = strrchr(script, '/');

	if (!slash)
		lua_pushstring(L, ".");
	else if (slash == script)
		lua_pushstring(L, "/");
	else
		lua_pushlstring(L, script, (size_t)(slash - script));
	lua_setfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	if (unsafe) {
		luaL_openlibs(L);
		return;
	}
	for (const luaL_Reg *l = libs; l->name; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	prune(L, -1, "os", os_keep, os_drop);
	lua_pop(L, 1);
	luaL_requiref(L, LUA_IOLIBNAME, luaopen_io, 0);
	prune(L, -1, "io", io_keep, io_drop);
	lua_pop(L, 1);
	lua_getglobal(L, "load");
	lua_pushcclosure(L, safe_load, 1);
	lua_setglobal(L, "load");
	lua_pushglobaltable(L);
	set_removed(L, -1, "dofile", "dofile");
	set_removed(L, -1, "loadfile", "loadfile");
	lua_pop(L, 1);
	set_removed_lib(L, "debug");
	set_removed_lib(L, "package");
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, MODULES_KEY);
	lua_pushcfunction(L, safe_require);
	lua_setglobal(L, "require");
}
