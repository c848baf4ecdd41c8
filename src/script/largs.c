/*
 * largs.c - reading a scenario's option tables and values strictly: an
 * unknown option name, a size that is not a size, a value out of range is
 * an error at the scenario's file and line, never silently ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scenario.h"
#include "../lib/size.h"

void args_check_keys(lua_State *L, int idx, const char *what, const char *const known[])
{
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k;
		int ok = 0;

		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			luaL_error(L, "%s: option names must be strings", what);
			return;
		}
		k = lua_tostring(L, -1);
		for (int i = 0; known[i]; i++)
			ok |= !strcmp(known[i], k);
		if (!ok) {
			luaL_Buffer b;

			luaL_buffinit(L, &b);
			for (int i = 0; known[i]; i++) {
				if (i)
					luaL_addstring(&b, ", ");
				luaL_addstring(&b, known[i]);
			}
			luaL_pushresult(&b);
			luaL_error(L, "%s: unknown option '%s' (known: %s)", what, k, lua_tostring(L, -1));
			return;
		}
	}
}

uint64_t args_size(lua_State *L, int idx, const char *what)
{
	uint64_t v;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		int ok;
		lua_Integer n = lua_tointegerx(L, idx, &ok);	/* 2048.0 is 2048 */

		if (!ok || n < 0)
			luaL_error(L, "%s: a size must be a whole, non-negative number of bytes, got %s",
				   what, luaL_tolstring(L, idx, NULL));
		return (uint64_t)n;
	}
	if (lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "%s: expected a size such as 4096 or \"100M\", got %s", what,
			   luaL_typename(L, idx));
	if (parse_size(lua_tostring(L, idx), &v))
		luaL_error(L, "%s: \"%s\" is not a size (examples: 4096, \"4K\", \"100M\", \"1G\")",
			   what, lua_tostring(L, idx));
	return v;
}

static bool field(lua_State *L, int tbl, const char *key)
{
	if (tbl == 0 || lua_isnoneornil(L, tbl))
		return false;
	lua_getfield(L, tbl, key);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return false;
	}
	return true;
}

uint64_t args_opt_size(lua_State *L, int tbl, const char *key, uint64_t dflt, const char *what)
{
	char name[96];
	uint64_t v;

	if (!field(L, tbl, key))
		return dflt;
	snprintf(name, sizeof(name), "%s %s", what, key);
	v = args_size(L, -1, name);
	lua_pop(L, 1);
	return v;
}

int64_t args_opt_int(lua_State *L, int tbl, const char *key, int64_t dflt, const char *what)
{
	int64_t v;

	if (!field(L, tbl, key))
		return dflt;
	{
		int ok;

		v = lua_tointegerx(L, -1, &ok);		/* 3.0 is 3; 2.5, inf, nan are not */
		if (!ok || lua_type(L, -1) != LUA_TNUMBER)
			luaL_error(L, "%s: %s must be a whole number, got %s", what, key,
				   luaL_tolstring(L, -1, NULL));
	}
	lua_pop(L, 1);
	return v;
}

int64_t args_opt_range(lua_State *L, int tbl, const char *key, int64_t dflt, int64_t lo,
		       int64_t hi, const char *what)
{
	int64_t v;

	if (!field(L, tbl, key))
		return dflt;	/* the default may be a marker, such as -1 for "computed" */
	lua_pop(L, 1);
	v = args_opt_int(L, tbl, key, dflt, what);
	if (v < lo || v > hi)
		luaL_error(L, "%s: %s must be between %I and %I, got %I", what, key, (lua_Integer)lo,
			   (lua_Integer)hi, (lua_Integer)v);
	return v;
}

bool args_opt_bool(lua_State *L, int tbl, const char *key, bool dflt, const char *what)
{
	bool v;

	if (!field(L, tbl, key))
		return dflt;
	if (!lua_isboolean(L, -1))
		luaL_error(L, "%s: %s must be true or false, got %s", what, key, luaL_typename(L, -1));
	v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

const char *args_opt_str(lua_State *L, int tbl, const char *key, const char *dflt, const char *what)
{
	const char *v;

	if (!field(L, tbl, key))
		return dflt;
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "%s: %s must be a string, got %s", what, key, luaL_typename(L, -1));
	v = lua_tostring(L, -1);
	lua_pop(L, 1);		/* still referenced by the table */
	return v;
}

void args_not_yet(lua_State *L, int tbl, const char *key, const char *what, const char *why)
{
	if (field(L, tbl, key))
		luaL_error(L, "%s: %s: %s (not in this version of vmlab)", what, key, why);
}

/*
 * An operation's { tolerance = { minflt = 2, rss_kb = "1%", ns = "25%" } } for
 * vmlab compare: known fields, and each a count, a percentage, or (ns) a
 * duration.
 */
void args_tolerance(lua_State *L, int tbl, const char *what)
{
	static const char *const known[] = { "minflt", "majflt", "rss_kb", "swap_kb", "ns", "anon_kb",
					     "file_kb", "shmem_kb", "pte_kb", NULL };

	if (lua_getfield(L, tbl, "tolerance") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "%s: tolerance is a table such as { minflt = 2, ns = \"25%%\" }", what);
	args_check_keys(L, lua_gettop(L), "tolerance", known);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		const char *k = lua_tostring(L, -2), *v = NULL;
		char *end = NULL;
		uint64_t ns;
		bool ok;

		if (lua_type(L, -1) == LUA_TNUMBER)
			ok = lua_tonumber(L, -1) >= 0;
		else if (lua_type(L, -1) != LUA_TSTRING)
			ok = false;
		else if (v = lua_tostring(L, -1), strtod(v, &end) >= 0 && end != v &&
			 (!*end || !strcmp(end, "%")))
			ok = true;		/* "2" or "2%" */
		else
			ok = !strcmp(k, "ns") && !parse_duration(v, &ns);
		if (!ok)
			luaL_error(L, "%s: tolerance %s must be a number, a percentage (\"2%%\")%s", what, k,
				   strcmp(k, "ns") ? "" : " or a duration (\"5us\")");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

uint64_t args_duration(lua_State *L, int idx, const char *what)
{
	uint64_t ns;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		double s = lua_tonumber(L, idx);

		if (s < 0 || s > 9e9)
			luaL_error(L, "%s: a duration must be between 0 and 9e9 seconds", what);
		return (uint64_t)(s * 1e9 + 0.5);
	}
	if (lua_type(L, idx) != LUA_TSTRING || parse_duration(lua_tostring(L, idx), &ns))
		luaL_error(L, "%s: expected a duration such as \"10ms\", \"2s\" or 0.5", what);
	return ns;
}

int args_value(lua_State *L, int idx, const char *what)
{
	lua_Integer v;

	if (!lua_isinteger(L, idx))
		luaL_error(L, "%s: a content value is an integer 0-255, got %s", what,
			   luaL_typename(L, idx));
	v = lua_tointeger(L, idx);
	if (v < 0 || v > 255)
		luaL_error(L, "%s: a content value is an integer 0-255, got %I", what, (lua_Integer)v);
	return (int)v;
}

void push_result(lua_State *L, const struct vm_result *r)
{
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, (lua_Integer)r->minflt);
	lua_setfield(L, -2, "minflt");
	lua_pushinteger(L, (lua_Integer)r->majflt);
	lua_setfield(L, -2, "majflt");
	lua_pushinteger(L, (lua_Integer)r->ns);
	lua_setfield(L, -2, "ns");
	lua_pushinteger(L, (lua_Integer)r->pages);
	lua_setfield(L, -2, "pages");
	lua_pushinteger(L, (lua_Integer)r->accesses);
	lua_setfield(L, -2, "accesses");
	lua_pushinteger(L, (lua_Integer)r->rss_kb);
	lua_setfield(L, -2, "rss_kb");
	lua_pushinteger(L, (lua_Integer)r->swap_kb);
	lua_setfield(L, -2, "swap_kb");
	lua_pushinteger(L, (lua_Integer)r->anon_kb);
	lua_setfield(L, -2, "anon_kb");
	lua_pushinteger(L, (lua_Integer)r->file_kb);
	lua_setfield(L, -2, "file_kb");
	lua_pushinteger(L, (lua_Integer)r->shmem_kb);
	lua_setfield(L, -2, "shmem_kb");
	lua_pushinteger(L, (lua_Integer)r->pte_kb);
	lua_setfield(L, -2, "pte_kb");
	lua_pushinteger(L, (lua_Integer)r->tlb_l1_hits);
	lua_setfield(L, -2, "tlb_l1_hits");
	lua_pushinteger(L, (lua_Integer)r->tlb_l2_hits);
	lua_setfield(L, -2, "tlb_l2_hits");
	lua_pushinteger(L, (lua_Integer)r->tlb_walks);
	lua_setfield(L, -2, "tlb_walks");
}

int push_errno(lua_State *L, int err)
{
	lua_pushnil(L);
	lua_pushstring(L, errno_name(err));
	return 2;
}
