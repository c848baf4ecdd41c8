/*
 * lproc.c - process objects and their life: vm.spawn, vm.wait, self:fork,
 * self:wait... over the backend's process operations (backend.h), the same
 * bindings for both kernels.
 *
 * On the simulator, vm.spawn and self:fork make a process in the simulated
 * kernel and a coroutine that will run its function with the process
 * object as `self`. The run loop is the kernel's (vm_run, src/mm/sched.c): it puts the
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
 * On the real kernel, spawn and fork return in the new process too, which
 * runs its function in its own copy of the Lua state (lreal.c) instead of
 * a coroutine, and blocking calls block in the system call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "scenario.h"
#include "../lib/size.h"

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
	return scenario_of(L)->running_pid;
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

/*
 * The signals scenarios name (x86-64 Linux numbers), and what bash prints
 * when one ends a foreground job (its strsignal() texts; nothing for SIGINT
 * and SIGPIPE), with " (core dumped)" when WCOREDUMP says so.
 */
static const struct { int sig; const char *name, *shell; } signals[] = {
	{ 1, "SIGHUP", "Hangup" }, { 2, "SIGINT", "" }, { 3, "SIGQUIT", "Quit" },
	{ 4, "SIGILL", "Illegal instruction" }, { 5, "SIGTRAP", "Trace/breakpoint trap" },
	{ 6, "SIGABRT", "Aborted" }, { 7, "SIGBUS", "Bus error" },
	{ 8, "SIGFPE", "Floating point exception" }, { 9, "SIGKILL", "Killed" },
	{ 10, "SIGUSR1", "User defined signal 1" }, { 11, "SIGSEGV", "Segmentation fault" },
	{ 12, "SIGUSR2", "User defined signal 2" }, { 13, "SIGPIPE", "" },
	{ 14, "SIGALRM", "Alarm clock" }, { 15, "SIGTERM", "Terminated" },
	{ 17, "SIGCHLD", "Child exited" }, { 18, "SIGCONT", "Continued" },
	{ 19, "SIGSTOP", "Stopped (signal)" }, { 20, "SIGTSTP", "Stopped" },
	{ 21, "SIGTTIN", "Stopped (tty input)" }, { 22, "SIGTTOU", "Stopped (tty output)" },
	{ 23, "SIGURG", "Urgent I/O condition" }, { 24, "SIGXCPU", "CPU time limit exceeded" },
	{ 25, "SIGXFSZ", "File size limit exceeded" }, { 26, "SIGVTALRM", "Virtual timer expired" },
	{ 27, "SIGPROF", "Profiling timer expired" }, { 28, "SIGWINCH", "Window changed" },
	{ 29, "SIGIO", "I/O possible" }, { 30, "SIGPWR", "Power failure" },
	{ 31, "SIGSYS", "Bad system call" },
};

static int sig_index(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return (int)i;
	return -1;
}

const char *lproc_signame(int sig)
{
	int i = sig_index(sig);

	return i < 0 ? "signal" : signals[i].name;
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

void lproc_announce(struct scenario *sc, struct lproc *p, const struct vm_status *st)
{
	char text[64];
	int i;

	if (!p || !p->spawned || st->exited || p->announced)
		return;
	p->announced = true;
	i = sig_index(st->signal);
	if (i < 0)	/* a real-time signal: bash says "Real-time signal N" */
		snprintf(text, sizeof(text), "Real-time signal %d", st->signal - 34);
	else
		snprintf(text, sizeof(text), "%s%s", signals[i].shell,
			 *signals[i].shell && st->core_dumped ? " (core dumped)" : "");
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

/* ---- coroutines (a backend whose processes are coroutines: the sim) ---- */

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
		if (vm_task_state(sc->m, pid) == 'Z')
			drop(L, pid);
		return 0;
	}
	if (st == LUA_OK) {
		lua_pop(co, nres);
		drop(L, pid);
		if (vm_task_state(sc->m, pid) && vm_task_state(sc->m, pid) != 'Z') {
			record_text(sc, "exit", "", "0");
			return VM_STEP_RETURNED;
		}
		return 0;
	}
	/* an error in the process's function: the scenario is wrong */
	lproc_error_text(L, co, 0);
	drop(L, pid);
	lua_error(L);
	return 0;
}

void lproc_error_text(lua_State *L, lua_State *from, int level)
{
	lua_Debug ar;
	char where[300] = "";

	if (lua_type(from, -1) == LUA_TSTRING) {
		lua_pushstring(L, lua_tostring(from, -1));
		return;
	}
	/* error({}) and the like: the innermost Lua function still on the stack says where */
	for (; lua_getstack(from, level, &ar); level++) {
		if (lua_getinfo(from, "Sl", &ar) && ar.currentline > 0) {
			snprintf(where, sizeof(where), "%s:%d: ", ar.short_src, ar.currentline);
			break;
		}
	}
	if (luaL_callmeta(from, -1, "__tostring")) {
		char text[512] = "";
		bool is_str = lua_type(from, -1) == LUA_TSTRING;

		if (is_str)
			snprintf(text, sizeof(text), "%s", lua_tostring(from, -1));
		lua_pop(from, 1);
		if (is_str) {
			lua_pushfstring(L, "%s%s", where, text);
			return;
		}
	}
	lua_pushfstring(L, "%s(error object is a %s value)", where, luaL_typename(from, -1));
}

int scenario_msgh(lua_State *L)
{
	lproc_error_text(L, L, 1);
	return 1;
}

/* A new process's body: a coroutine of this state (sim), or this very
 * process, which fork(2) has just made (real: runs fn, never returns). */
static void lproc_body(lua_State *L, int pid, const char *name, bool spawned, int fn_idx)
{
	struct scenario *sc = scenario_of(L);

	fn_idx = lua_absindex(L, fn_idx);
	if (pid == 0)
		lreal_run_process(L, name, spawned, fn_idx);
	lproc_new(L, pid, name, spawned);
	if (sc->be.ops->coroutines)
		lproc_start(L, -1, fn_idx);
}

/* ---- after operations ---- */

static int k_return(lua_State *L, int status, lua_KContext nres)
{
	(void)L;
	(void)status;
	return (int)nres;
}

/*
 * --check: the full recount (vm_check) after an operation; with --check=N
 * after every Nth only, and once more at the end of the run (lproc_finish),
 * since one recount costs time in proportion to RAM and mappings.
 */
void scenario_check(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	char err[512];

	if (!sc->opt->check || !sc->m || ++sc->ops_checked % sc->opt->check_every)
		return;
	if (!vm_check(sc->m, err, sizeof(err)))
		return;
	lua_Debug ar;

	fflush(sc->out);
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		fprintf(stderr, "%s:%d: ", ar.short_src, ar.currentline);
	fprintf(stderr, "vmlab: invariant violated after this operation: %s\n", err);
	exit(3);
}

void scenario_guard(lua_State *L, int pid)
{
	struct scenario *sc = scenario_of(L);
	uint64_t limit = sc->opt->max_sim_ns;

	if (limit && sc->m && pid && vm_clock(sc->m, pid) > limit) {
		char d[32], at[32];

		format_duration(limit, d, sizeof(d));
		snprintf(at, sizeof(at), "%.3f s", (double)vm_clock(sc->m, pid) / 1e9);
		luaL_error(L, "the run passed --max-sim-time %s of simulated time here (pid %d at "
			   "%s); give it a larger one if the scenario means it", d, pid, at);
	}
}

int lproc_finish_op(lua_State *L, int nres)
{
	struct scenario *sc = scenario_of(L);
	int pid = lproc_current(L);

	scenario_check(L);
	scenario_guard(L, pid);
	if (pid && sc->be.ops->should_yield(&sc->be, pid))
		return scenario_yield(L, nres, k_return);
	return nres;
}

int lproc_died(lua_State *L, struct lproc *p)
{
	struct scenario *sc = scenario_of(L);
	struct vm_status st;

	if (!sc->be.ops->coroutines)	/* a real process dies of the signal itself */
		return luaL_error(L, "vmlab: process %d (%s) reported its own death (a vmlab bug)",
				  p->pid, p->name);
	if (!sc->be.ops->status(&sc->be, p->pid, &st))
		lproc_announce(sc, p, &st);
	return scenario_yield(L, 0, NULL);		/* its function stops here for good */
}

/* The driver's wait failed: a process's function failed, or nothing can
 * ever make it end (what = "vm.wait(a): process 3 can never end"). */
static int driver_failed(lua_State *L, int err, const char *what)
{
	struct scenario *sc = scenario_of(L);
	char why[1024];

	if (err == -ECANCELED)
		return lreal_raise(L);
	if (err != -EDEADLK)
		return luaL_error(L, "%s: %s", what, errno_name(err));
	sc->be.ops->why_blocked(&sc->be, why, sizeof(why));
	return luaL_error(L, "%s: nothing else can run (%s)", what, why);
}

int lproc_finish(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	char err[512];

	if (sc->be.ops->finish(&sc->be) == -ECANCELED)
		lreal_raise(L);
	if (sc->opt->check && sc->m && vm_check(sc->m, err, sizeof(err))) {
		fflush(sc->out);
		fprintf(stderr, "vmlab: invariant violated at the end of the run: %s\n", err);
		exit(3);
	}
	return 0;
}

/* ---- arguments ---- */

static void spawn_args(lua_State *L, struct vm_spawn_opts *o)
{
	static const char *const known[] = { "oom_score_adj", "uid", "cgroup", NULL };

	o->uid = 0;
	o->oom_score_adj = 0;
	o->cgroup = 0;
	if (lproc_current(L))
		luaL_error(L, "vm.spawn is for the scenario's top level; inside a process use "
			   "self:fork(name, fn)");
	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (lua_isnoneornil(L, 3))
		return;
	luaL_checktype(L, 3, LUA_TTABLE);
	args_check_keys(L, 3, "vm.spawn", known);
	o->oom_score_adj = (int)args_opt_range(L, 3, "oom_score_adj", 0, -1000, 1000, "vm.spawn");
	o->uid = (int)args_opt_range(L, 3, "uid", 0, 0, INT32_MAX - 1, "vm.spawn");
	if (lua_getfield(L, 3, "cgroup") != LUA_TNIL)
		o->cgroup = lcgroup_check(L, lua_gettop(L));
	lua_pop(L, 1);
}

static void wait_args(lua_State *L, struct lproc *p)
{
	if (lproc_current(L))
		luaL_error(L, "vm.wait is for the scenario's top level; inside a process use "
			   "self:wait(child)");
	if (!p->spawned)
		luaL_error(L, "vm.wait: process %d (%s) was forked by another process; only its parent "
			   "can wait for it", p->pid, p->name);
}

static int exit_args(lua_State *L, struct lproc *p)
{
	lua_Integer code = luaL_optinteger(L, 2, 0);

	if (code < 0 || code > 255)
		luaL_error(L, "exit: the code is 0-255, got %I", code);
	record_text(scenario_of(L), "exit", p->name, lua_tostring(L, 2) ? lua_tostring(L, 2) : "0");
	return (int)code;
}

static int not_a_child(lua_State *L, const struct lproc *c, const struct lproc *p)
{
	return luaL_error(L, "wait: process %d (%s) is not a child of process %d (%s)", c->pid, c->name,
			  p->pid, p->name);
}

static int kill_signal(lua_State *L, int idx)
{
	int sig;

	if (lua_isnoneornil(L, idx))
		return 15;
	if (lua_isinteger(L, idx)) {
		lua_Integer v = lua_tointeger(L, idx);

		if (v < 1 || v > 64)
			luaL_error(L, "vm.kill: signal %I does not exist", v);
		return (int)v;
	}
	sig = lproc_signum(luaL_checkstring(L, idx));
	if (!sig)
		luaL_error(L, "vm.kill: unknown signal \"%s\"", lua_tostring(L, idx));
	return sig;
}

/* ---- process life: self:* ---- */

static int m_fork(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "fork");
	const char *name = luaL_checkstring(L, 2);
	int child;

	luaL_checktype(L, 3, LUA_TFUNCTION);
	child = sc->be.ops->fork(&sc->be, p->pid, name);
	if (child < 0)
		return lproc_finish_op(L, push_errno(L, child));
	lproc_body(L, child, name, false, 3);
	record_text(sc, "fork", name, p->name);
	return lproc_finish_op(L, 1);
}

/* self:wait(c), and its continuation once the kernel woke p: call again. */
static int k_wait(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lua_touserdata(L, 1), *c = lua_touserdata(L, 2);

	(void)status;
	(void)ctx;
	if (!c->reaped) {
		int rc = sc->be.ops->wait(&sc->be, p->pid, c->pid, &c->st);

		if (rc == -EAGAIN)
			return scenario_yield(L, 0, k_wait);
		if (rc)
			not_a_child(L, c, p);
		c->reaped = true;
	}
	lproc_push_status(L, &c->st);
	return lproc_finish_op(L, 1);
}

static int m_wait(lua_State *L)
{
	lproc_self(L, "wait");
	lproc_check(L, 2);
	lua_settop(L, 2);
	return k_wait(L, LUA_OK, 0);
}

static int m_exit(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "exit");

	sc->be.ops->exit(&sc->be, p->pid, exit_args(L, p));
	return scenario_yield(L, 0, NULL);
}

static int m_sleep(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "sleep");

	if (sc->be.ops->sleep(&sc->be, p->pid, args_duration(L, 2, "sleep")) == -EAGAIN)
		return scenario_yield(L, 0, k_return);
	return 0;
}

static int m_pause(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "pause");

	sc->be.ops->pause(&sc->be, p->pid);
	return scenario_yield(L, 0, NULL);		/* only a signal ends it */
}

static int m_ready(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "ready");

	sc->be.ops->ready(&sc->be, p->pid);
	record_text(sc, "ready", p->name, "");
	return lproc_finish_op(L, 0);
}

/* ---- process life: vm.* ---- */

int lproc_spawn(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct vm_spawn_opts o;
	const char *name = luaL_checkstring(L, 1);
	int pid;

	spawn_args(L, &o);
	scenario_machine(L);
	pid = sc->be.ops->spawn(&sc->be, name, &o);
	if (pid == -ECANCELED)
		lreal_raise(L);
	if (pid < 0)
		luaL_error(L, "vm.spawn: %s", errno_name(pid));
	lproc_body(L, pid, name, true, 2);
	record_text(sc, "spawn", name, "");
	return 1;
}

int lproc_wait(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);

	wait_args(L, p);
	if (!p->reaped) {
		int rc = sc->be.ops->wait(&sc->be, 0, p->pid, &p->st);

		if (rc) {
			char what[96];

			snprintf(what, sizeof(what), "vm.wait(%s): process %d can never end", p->name, p->pid);
			driver_failed(L, rc, what);
		}
		p->reaped = true;
		/* a signal from the kernel (the OOM killer) ended it unseen: the shell says so */
		if (sc->be.ops->coroutines)
			lproc_announce(sc, p, &p->st);
	}
	lproc_push_status(L, &p->st);
	return 1;
}

/* vm.wait_ready(p); ctx 1 in the continuation, after the kernel woke self. */
static int k_wait_ready(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lua_touserdata(L, 1);
	int self = lproc_current(L), rc;

	(void)status;
	rc = sc->be.ops->wait_ready(&sc->be, self, p->pid);
	if (rc == -EAGAIN)
		return scenario_yield(L, 1, k_wait_ready);
	if (rc == -EINVAL)
		luaL_error(L, "vm.wait_ready: a process cannot wait for itself");
	if (rc < 0) {
		char what[96];

		snprintf(what, sizeof(what), "vm.wait_ready(%s): it never calls ready() and", p->name);
		driver_failed(L, rc, what);
	}
	lua_pushboolean(L, rc);
	return ctx ? lproc_finish_op(L, 1) : 1;
}

int lproc_wait_ready(lua_State *L)
{
	lproc_check(L, 1);
	lua_settop(L, 1);
	return k_wait_ready(L, LUA_OK, 0);
}

int lproc_kill(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);
	int sig = kill_signal(L, 2), self = lproc_current(L);
	struct vm_status st;

	if (vm_signal_action(sig) == VM_SIG_STOP)
		luaL_error(L, "vm.kill: %s would stop the process, and vmlab does not model stopped "
			   "processes (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)", lproc_signame(sig));

	if (p->reaped || !sc->be.ops->status(&sc->be, p->pid, &st)) {
		lua_pushboolean(L, 0);
		return 1;	/* already gone: kill(2) would say ESRCH */
	}
	record_text(sc, "kill", p->name, "");
	if (!sc->be.ops->kill(&sc->be, self, p->pid, sig)) {
		lua_pushboolean(L, 0);
		return 1;
	}
	if (sc->be.ops->coroutines) {	/* it ended now (a real one: hooks.ended says) */
		if (!sc->be.ops->status(&sc->be, p->pid, &st))
			lproc_announce(sc, p, &st);
		if (self == p->pid)
			return scenario_yield(L, 0, NULL);		/* it killed itself */
	}
	lua_pushboolean(L, 1);
	return lproc_finish_op(L, 1);
}

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

void lproc_register(lua_State *L)
{
	const luaL_Reg methods[] = {
		{ "fork", m_fork }, { "wait", m_wait }, { "exit", m_exit },
		{ "sleep", m_sleep }, { "pause", m_pause }, { "ready", m_ready },
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
