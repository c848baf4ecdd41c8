/*
 * lcoroutine.c - a scenario's own coroutines, transparent to the
 * simulator's scheduler.
 *
 * On the simulator a process is a coroutine, and an operation yields it
 * back to the run loop when another task is due first, when its quantum
 * ends in a long touch, or when it blocks. A scenario that wraps an
 * operation in a coroutine of its own would catch that yield instead: the
 * touch stopped after one quantum, and self:exit let the process run on.
 * So vmlab's yields carry a token (sched_yield), and coroutine.resume and
 * coroutine.wrap are replaced by versions that, when the coroutine they
 * resume yields the token, yield it on up to their own resumer, and resume
 * the inner one again when they are resumed: the scheduler's yields pass
 * through every level of user coroutines to the process's own, as
 * OpenResty's ngx_lua passes its I/O yields. Everything else about
 * coroutines is Lua's. On the real kernel nothing yields for the
 * scheduler, and the replacements behave as Lua's own.
 */
#include "scenario.h"

static char sched_token;	/* its address marks vmlab's yields */

int scenario_yield(lua_State *L, lua_KContext ctx, lua_KFunction k)
{
	lua_pushlightuserdata(L, &sched_token);
	return lua_yieldk(L, 1, ctx, k);
}

/*
 * Resume co with the narg values on top of L (lcorolib.c's auxresume):
 * the number of values it yielded or returned, now on L; -1 and its error
 * message on L; or -2 when it yielded for the scheduler (nothing on L).
 */
static int resume(lua_State *L, lua_State *co, int narg)
{
	int status, nres;

	if (lua_status(co) == LUA_OK && lua_gettop(co) == 0) {
		lua_pushliteral(L, "cannot resume dead coroutine");
		return -1;
	}
	if (!lua_checkstack(co, narg)) {
		lua_pushliteral(L, "too many arguments to resume");
		return -1;
	}
	lua_xmove(L, co, narg);
	status = lua_resume(co, L, narg, &nres);
	if (status == LUA_OK || status == LUA_YIELD) {
		if (status == LUA_YIELD && nres >= 1 && lua_touserdata(co, -nres) == &sched_token) {
			lua_pop(co, nres);
			return -2;
		}
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			lua_pushliteral(L, "too many results to resume");
			return -1;
		}
		lua_xmove(co, L, nres);
		return nres;
	}
	lua_xmove(co, L, 1);	/* the error object */
	return -1;
}

static lua_State *check_co(lua_State *L)
{
	lua_State *co = lua_tothread(L, 1);

	luaL_argexpected(L, co, 1, "coroutine");
	return co;
}

static int resume_done(lua_State *L, int r);

/* coroutine.resume's continuation: the scheduler resumed us, resume co again. */
static int k_resume(lua_State *L, int status, lua_KContext ctx)
{
	(void)status;
	(void)ctx;
	return resume_done(L, resume(L, lua_tothread(L, 1), 0));
}

static int resume_done(lua_State *L, int r)
{
	if (r == -2) {
		lua_settop(L, 1);	/* co; its arguments went to it */
		return scenario_yield(L, 0, k_resume);
	}
	if (r < 0) {
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;	/* false, message */
	}
	lua_pushboolean(L, 1);
	lua_insert(L, -(r + 1));
	return r + 1;		/* true, values */
}

static int co_resume(lua_State *L)
{
	lua_State *co = check_co(L);

	return resume_done(L, resume(L, co, lua_gettop(L) - 1));
}

static int wrap_done(lua_State *L, int r);

static int k_wrap(lua_State *L, int status, lua_KContext ctx)
{
	(void)status;
	(void)ctx;
	return wrap_done(L, resume(L, lua_tothread(L, lua_upvalueindex(1)), 0));
}

/* lcorolib.c's auxwrap: an error propagates, with the position prepended. */
static int wrap_done(lua_State *L, int r)
{
	if (r == -2) {
		lua_settop(L, 0);
		return scenario_yield(L, 0, k_wrap);
	}
	if (r < 0) {
		lua_State *co = lua_tothread(L, lua_upvalueindex(1));
		int st = lua_status(co);

		if (st != LUA_OK && st != LUA_YIELD) {	/* an error in co: close it */
#if LUA_VERSION_RELEASE_NUM >= 50406
			st = lua_closethread(co, L);
#else
			st = lua_resetthread(co);
#endif
			lua_xmove(co, L, 1);
		}
		if (st != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
			luaL_where(L, 1);
			lua_insert(L, -2);
			lua_concat(L, 2);
		}
		return lua_error(L);
	}
	return r;
}

static int wrapped(lua_State *L)
{
	return wrap_done(L, resume(L, lua_tothread(L, lua_upvalueindex(1)), lua_gettop(L)));
}

static int co_wrap(lua_State *L)
{
	lua_State *co;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	lua_pushcclosure(L, wrapped, 1);
	return 1;
}

void lcoroutine_open(lua_State *L)
{
	if (lua_getglobal(L, "coroutine") != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	lua_pushcfunction(L, co_resume);
	lua_setfield(L, -2, "resume");
	lua_pushcfunction(L, co_wrap);
	lua_setfield(L, -2, "wrap");
	lua_pop(L, 1);
}
