/*
 * lproc.c - process objects, and simulated processes as Lua coroutines.
 *
 * vm.spawn and self:fork make a process in the simulated kernel and a
 * coroutine that will run its function with the process object as `self`.
 * The run loop is the kernel's (vm_run, src/mm/sched.c): it puts the
 * process on a CPU and calls lproc_step(), which resumes the coroutine; it
 * comes back when the process blocks (wait, pause, sleep), ends, or yields
 * because another task is due earlier in simulated time (after an
 * operation, or when a long touch uses up its quantum). Kernel threads run
 * in the same loop, in C.
 *
 * A process may only act on itself: its methods check that it is the one
 * running. An access that kills the process (SIGSEGV) ends its coroutine
 * where it stands, as the signal ends a real program. For processes the
 * driver spawned, the death is announced the way a shell announces a
 * foreground job's ("Segmentation fault (core dumped)", "Killed").
 *
 * The real backend's processes (lreal.c) share the objects, status tables
 * and announcements defined here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "scenario.h"

#define PROCS_KEY	"vmlab.procs"

/* ---- the process object ---- */

struct lproc *lproc_check(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, PROC_MT);
}

/* FNV-1a: a process's workload stream depends on the seed and its name only. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

struct lproc *lproc_new(lua_State *L, int pid, const char *name, bool spawned)
{
	struct lproc *p = lua_newuserdatauv(L, sizeof(*p), 0);

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->spawned = spawned;
	prng_seed(&p->rng, scenario_of(L)->cfg.seed ^ name_hash(name));
	luaL_setmetatable(L, PROC_MT);
	return p;
}

int lproc_current(lua_State *L)
{
	return scenario_of(L)->life->current(L);
}

struct lproc *lproc_self(lua_State *L, const char *method)
{
	struct lproc *p = lproc_check(L, 1);
	int cur = lproc_current(L);

	if (p->pid != cur) {
		if (!cur)
			luaL_error(L, "%s: process %d (%s) is not running here: call its methods inside "
				   "its own function", method, p->pid, p->name);
		luaL_error(L, "%s: process %d cannot act on process %d (%s): a process can only "
			   "act on itself", method, cur, p->pid, p->name);
	}
	return p;
}

/* The signals scenarios name (x86-64 Linux numbers). */
static const struct { int sig; const char *name; } signals[] = {
	{ 1, "SIGHUP" }, { 2, "SIGINT" }, { 6, "SIGABRT" }, { 7, "SIGBUS" }, { 9, "SIGKILL" },
	{ 10, "SIGUSR1" }, { 11, "SIGSEGV" }, { 12, "SIGUSR2" }, { 15, "SIGTERM" },
};

const char *lproc_signame(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "signal";
}

int lproc_signum(const char *name)
{
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(signals[i].name + 3, name))
			return signals[i].sig;
	return 0;
}

void lproc_add_wait(luaL_Buffer *b, bool first, int pid, int kind, int target)
{
	char line[96];

	if (kind == VM_WAIT_PAUSE)
		snprintf(line, sizeof(line), "%spid %d is paused", first ? "" : "; ", pid);
	else if (kind == VM_WAIT_READY)
		snprintf(line, sizeof(line), "%spid %d waits for pid %d to be ready", first ? "" : "; ",
			 pid, target);
	else if (target)
		snprintf(line, sizeof(line), "%spid %d waits for its child %d", first ? "" : "; ", pid,
			 target);
	else
		snprintf(line, sizeof(line), "%spid %d waits for a child", first ? "" : "; ", pid);
	luaL_addstring(b, line);
}

void lproc_announce(struct scenario *sc, struct lproc *p, const struct vm_status *st)
{
	const char *text;

	if (!p || !p->spawned || st->exited)
		return;
	switch (st->signal) {
	case 11: text = st->core_dumped ? "Segmentation fault (core dumped)" : "Segmentation fault"; break;
	case 9: text = "Killed"; break;
	case 15: text = "Terminated"; break;
	case 6: text = st->core_dumped ? "Aborted (core dumped)" : "Aborted"; break;
	case 7: text = st->core_dumped ? "Bus error (core dumped)" : "Bus error"; break;
	case 2: text = ""; break;
	default: text = lproc_signame(st->signal); break;
	}
	if (*text)
		fprintf(sc->out, "%s\n", text);
	record_text(sc, "shell", p->name, text);
}

void lproc_push_status(lua_State *L, const struct vm_status *st)
{
	lua_createtable(L, 0, 5);
	lua_pushstring(L, st->exited ? "exited" : "signaled");
	lua_setfield(L, -2, "status");
	lua_pushinteger(L, st->code);
	lua_setfield(L, -2, "code");
	if (!st->exited) {
		lua_pushstring(L, lproc_signame(st->signal));
		lua_setfield(L, -2, "signal");
		lua_pushboolean(L, st->core_dumped);
		lua_setfield(L, -2, "core_dumped");
	}
	if (st->signal == 11) {
		lua_pushinteger(L, (lua_Integer)st->addr);
		lua_setfield(L, -2, "addr");
		lua_pushstring(L, st->segv_code == 2 ? "SEGV_ACCERR" : "SEGV_MAPERR");
		lua_setfield(L, -2, "si_code");
	}
}

/* ---- the simulator's coroutines ---- */

static void procs_table(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, PROCS_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, PROCS_KEY);
	}
}

/* The Lua state running now: the process's coroutine during its turn, else the driver's. */
lua_State *lproc_running_state(struct scenario *sc)
{
	lua_State *L = sc->L, *co = NULL;

	if (!sc->running_pid)
		return L;
	procs_table(L);
	if (lua_rawgeti(L, -1, sc->running_pid) == LUA_TTABLE) {
		lua_getfield(L, -1, "co");
		co = lua_tothread(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 2);
	return co ? co : L;
}

/* Create the coroutine that will run fn (at index fn_idx) as process obj. */
static void lproc_start(lua_State *L, int obj_idx, int fn_idx)
{
	struct lproc *p = lua_touserdata(L, obj_idx);
	lua_State *co;

	obj_idx = lua_absindex(L, obj_idx);
	fn_idx = lua_absindex(L, fn_idx);
	procs_table(L);
	lua_createtable(L, 0, 3);
	co = lua_newthread(L);
	lua_pushvalue(L, fn_idx);
	lua_xmove(L, co, 1);
	lua_setfield(L, -2, "co");
	lua_pushvalue(L, obj_idx);
	lua_setfield(L, -2, "obj");
	lua_rawseti(L, -2, p->pid);
	lua_pop(L, 1);
}

static void drop(lua_State *L, int pid)
{
	procs_table(L);
	lua_pushnil(L);
	lua_rawseti(L, -2, pid);
	lua_pop(L, 1);
}

/*
 * The C run loop's user step (vm_run, src/mm/sched.c): resume pid's
 * coroutine for one turn; the loop has put it on its CPU. Returns
 * VM_STEP_NONE if the process has no coroutine, VM_STEP_RETURNED when its
 * function returned (the loop then exits it with status 0), else 0.
 */
int lproc_step(void *ctx, int pid)
{
	struct scenario *sc = ctx;
	lua_State *L = sc->L, *co;
	int nargs = 0, nres, st;

	procs_table(L);
	if (lua_rawgeti(L, -1, pid) != LUA_TTABLE) {
		lua_pop(L, 2);
		return VM_STEP_NONE;
	}
	lua_getfield(L, -1, "co");
	co = lua_tothread(L, -1);
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "started") == LUA_TNIL) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -3, "started");
		lua_getfield(L, -2, "obj");
		lua_xmove(L, co, 1);
		nargs = 1;
	}
	lua_pop(L, 3);
	sc->running_pid = pid;
	st = lua_resume(co, L, nargs, &nres);
	sc->running_pid = 0;
	if (st == LUA_YIELD) {
		lua_pop(co, nres);
		if (vm_task_state(sc->be.m, pid) == 'Z')
			drop(L, pid);
		return 0;
	}
	if (st == LUA_OK) {
		lua_pop(co, nres);
		drop(L, pid);
		if (vm_task_state(sc->be.m, pid) && vm_task_state(sc->be.m, pid) != 'Z') {
			record_text(sc, "exit", "", "0");
			return VM_STEP_RETURNED;
		}
		return 0;
	}
	/* an error in the process's function: the scenario is wrong */
	lua_pushfstring(L, "%s", lua_isstring(co, -1) ? lua_tostring(co, -1) : "(error object is not a string)");
	drop(L, pid);
	lua_error(L);
	return 0;
}

struct until {
	struct scenario *sc;
	bool (*pred)(struct scenario *, void *);
	void *ctx;
};

static int until_pred(void *ctx)
{
	struct until *u = ctx;

	return u->pred(u->sc, u->ctx);
}

/* Run the simulation until pred holds (or, with pred NULL, until nothing can
 * run). Returns false if nothing can run any more and pred still fails. */
static bool lproc_run_until(struct scenario *sc, bool (*pred)(struct scenario *, void *),
			    void *ctx)
{
	struct until u = { sc, pred, ctx };

	return vm_run(sc->be.m, pred ? until_pred : NULL, &u);
}

static void sim_finish(struct scenario *sc)
{
	vm_machine *m = sc->be.m;

	if (!m)
		return;
	lproc_run_until(sc, NULL, NULL);
	/* what still waits (paused, or waiting for those) ends with the session */
	for (int pid = vm_next_pid(m, 0); pid; pid = vm_next_pid(m, pid))
		if (vm_task_state(m, pid) != 'Z')
			vm_kill(m, pid, 9);
}

static int sim_current(lua_State *L)
{
	return scenario_of(L)->running_pid;
}

/* ---- after operations ---- */

static int k_return(lua_State *L, int status, lua_KContext nres)
{
	(void)L;
	(void)status;
	return (int)nres;
}

void scenario_check(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	char err[512];

	if (!sc->opt->check || !sc->be.m || !vm_check(sc->be.m, err, sizeof(err)))
		return;
	lua_Debug ar;

	fflush(sc->out);
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		fprintf(stderr, "%s:%d: ", ar.short_src, ar.currentline);
	fprintf(stderr, "vmlab: invariant violated after this operation: %s\n", err);
	exit(3);
}

static int sim_finish_op(lua_State *L, int nres)
{
	struct scenario *sc = scenario_of(L);
	int pid = lproc_current(L);

	scenario_check(L);
	if (pid && vm_sched_should_yield(sc->be.m, pid))
		return lua_yieldk(L, 0, nres, k_return);
	return nres;
}

/* The process died in an operation: its function stops here for good. */
static int sim_died(lua_State *L, struct lproc *p)
{
	struct scenario *sc = scenario_of(L);
	struct vm_status st;

	if (!vm_status(sc->be.m, p->pid, &st))
		lproc_announce(sc, p, &st);
	return lua_yield(L, 0);
}

/* ---- process life: self:* ---- */

static int m_fork(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "fork");
	const char *name = luaL_checkstring(L, 2);
	int child;

	luaL_checktype(L, 3, LUA_TFUNCTION);
	child = vm_fork(sc->be.m, p->pid, name);
	if (child < 0)
		return sim_finish_op(L, push_errno(L, child));
	lproc_new(L, child, name, false);
	lproc_start(L, -1, 3);
	record_text(sc, "fork", name, p->name);
	return sim_finish_op(L, 1);
}

static int k_wait(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *c = lua_touserdata(L, (int)ctx);

	(void)status;
	if (!c->reaped) {
		if (vm_status(sc->be.m, c->pid, &c->st))
			luaL_error(L, "wait: process %d did not end (a vmlab bug)", c->pid);
		vm_reap(sc->be.m, c->pid);
		c->reaped = true;
	}
	lproc_push_status(L, &c->st);
	return sim_finish_op(L, 1);
}

static int m_wait(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "wait");
	struct lproc *c = lproc_check(L, 2);
	char s;

	lua_settop(L, 2);
	if (c->reaped)
		return k_wait(L, LUA_OK, 2);
	s = vm_task_state(sc->be.m, c->pid);
	if (c->pid == p->pid || !s || vm_parent(sc->be.m, c->pid) != p->pid)
		not_a_child(L, c, p);
	if (s == 'Z')
		return k_wait(L, LUA_OK, 2);
	vm_block(sc->be.m, p->pid, VM_WAIT_CHILD, c->pid);
	return lua_yieldk(L, 0, 2, k_wait);
}

static int m_exit(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "exit");

	vm_exit(sc->be.m, p->pid, exit_args(L, p));
	return lua_yield(L, 0);
}

static int m_sleep(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "sleep");

	vm_sleep(sc->be.m, p->pid, args_duration(L, 2, "sleep"));
	return lua_yieldk(L, 0, 0, k_return);
}

static int m_pause(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "pause");

	vm_block(sc->be.m, p->pid, VM_WAIT_PAUSE, 0);
	return lua_yield(L, 0);		/* only a signal ends it */
}

static int m_ready(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "ready");

	vm_ready(sc->be.m, p->pid);
	record_text(sc, "ready", p->name, "");
	return sim_finish_op(L, 0);
}

/* ---- process life: vm.* ---- */

static int l_spawn(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct vm_spawn_opts o;
	const char *name = luaL_checkstring(L, 1);
	int pid;

	spawn_args(L, &o);
	pid = vm_spawn(scenario_machine(L), name, &o);
	if (pid < 0)
		luaL_error(L, "vm.spawn: %s", errno_name(pid));
	lproc_new(L, pid, name, true);
	lproc_start(L, -1, 2);
	record_text(sc, "spawn", name, "");
	return 1;
}

static bool ended(struct scenario *sc, void *ctx)
{
	struct lproc *p = ctx;
	char s = vm_task_state(sc->be.m, p->pid);

	return p->reaped || s == 'Z' || !s;
}

/* Why nothing can run: who waits for what. */
static void push_deadlock(lua_State *L, struct scenario *sc)
{
	luaL_Buffer b;
	bool first = true;

	luaL_buffinit(L, &b);
	for (int pid = vm_next_pid(sc->be.m, 0); pid; pid = vm_next_pid(sc->be.m, pid)) {
		int target = 0, kind = vm_blocked_on(sc->be.m, pid, &target);

		if (kind < 0)
			continue;
		lproc_add_wait(&b, first, pid, kind, target);
		first = false;
	}
	luaL_pushresult(&b);
}

static int l_wait(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);

	wait_args(L, p);
	if (!p->reaped) {
		if (!lproc_run_until(sc, ended, p)) {
			push_deadlock(L, sc);
			luaL_error(L, "vm.wait(%s): process %d can never end: nothing else can run (%s)",
				   p->name, p->pid, lua_tostring(L, -1));
		}
		if (vm_status(sc->be.m, p->pid, &p->st) == 0)
			vm_reap(sc->be.m, p->pid);
		p->reaped = true;
	}
	lproc_push_status(L, &p->st);
	return 1;
}

static bool ready_or_ended(struct scenario *sc, void *ctx)
{
	struct lproc *p = ctx;

	return vm_is_ready(sc->be.m, p->pid) || ended(sc, ctx);
}

static int k_wait_ready(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lua_touserdata(L, (int)ctx);

	(void)status;
	lua_pushboolean(L, vm_is_ready(sc->be.m, p->pid));
	return sim_finish_op(L, 1);
}

static int l_wait_ready(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);
	int self = lproc_current(L);

	lua_settop(L, 1);
	if (ready_or_ended(sc, p)) {
		lua_pushboolean(L, vm_is_ready(sc->be.m, p->pid));
		return 1;
	}
	if (self) {
		if (self == p->pid)
			luaL_error(L, "vm.wait_ready: a process cannot wait for itself");
		vm_block(sc->be.m, self, VM_WAIT_READY, p->pid);
		return lua_yieldk(L, 0, 1, k_wait_ready);
	}
	if (!lproc_run_until(sc, ready_or_ended, p)) {
		push_deadlock(L, sc);
		luaL_error(L, "vm.wait_ready(%s): it never calls ready() and nothing else can run (%s)",
			   p->name, lua_tostring(L, -1));
	}
	lua_pushboolean(L, vm_is_ready(sc->be.m, p->pid));
	return 1;
}

static int l_kill(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);
	int sig = kill_signal(L, 2);
	struct vm_status st;

	if (p->reaped || vm_task_state(sc->be.m, p->pid) == 'Z') {
		lua_pushboolean(L, 0);
		return 1;	/* already gone: kill(2) would say ESRCH */
	}
	vm_kill(sc->be.m, p->pid, sig);
	record_text(sc, "kill", p->name, "");
	if (!vm_status(sc->be.m, p->pid, &st))
		lproc_announce(sc, p, &st);
	if (lproc_current(L) == p->pid)
		return lua_yield(L, 0);		/* it killed itself */
	lua_pushboolean(L, 1);
	return sim_finish_op(L, 1);
}

const struct life_ops sim_life = {
	.spawn = l_spawn, .wait = l_wait, .wait_ready = l_wait_ready, .kill = l_kill,
	.fork = m_fork, .pwait = m_wait, .exit = m_exit, .sleep = m_sleep,
	.pause = m_pause, .ready = m_ready,
	.finish_op = sim_finish_op, .died = sim_died, .finish = sim_finish,
	.current = sim_current,
};

/* ---- metatables ---- */

static int proc_index(lua_State *L)
{
	struct lproc *p = lproc_check(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "pid")) {
		lua_pushinteger(L, p->pid);
		return 1;
	}
	if (!strcmp(k, "name")) {
		lua_pushstring(L, p->name);
		return 1;
	}
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	if (lua_isnil(L, -1))
		luaL_error(L, "process has no field or method '%s'", k);
	return 1;
}

static int proc_tostring(lua_State *L)
{
	struct lproc *p = lproc_check(L, 1);

	lua_pushfstring(L, "process %d (%s)", p->pid, p->name);
	return 1;
}

static int proc_eq(lua_State *L)
{
	struct lproc *a = luaL_testudata(L, 1, PROC_MT), *b = luaL_testudata(L, 2, PROC_MT);

	lua_pushboolean(L, a && b && a->pid == b->pid);
	return 1;
}

void lproc_register(lua_State *L, const struct life_ops *life)
{
	const luaL_Reg methods[] = {
		{ "fork", life->fork }, { "wait", life->pwait }, { "exit", life->exit },
		{ "sleep", life->sleep }, { "pause", life->pause }, { "ready", life->ready },
		{ NULL, NULL },
	};

	luaL_newmetatable(L, PROC_MT);
	lua_pushcfunction(L, proc_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, proc_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, proc_eq);
	lua_setfield(L, -2, "__eq");
	luaL_newlib(L, methods);
	lmem_register(L, lua_gettop(L));
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
}
