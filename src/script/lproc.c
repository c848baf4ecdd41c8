/*
 * lproc.c - simulated processes as Lua coroutines, and their methods.
 *
 * vm.spawn and self:fork make a process in the simulated kernel and a
 * coroutine that will run its function with the process object as `self`.
 * lproc_resume() puts the process on a CPU (vm_sched_run) and resumes the
 * coroutine; it comes back when the process blocks (wait, pause, sleep),
 * ends, or yields because another process is due earlier in simulated time
 * (after an operation, or when a long touch uses up its quantum).
 *
 * A process may only act on itself: its methods check that it is the one
 * running. An access that kills the process (SIGSEGV) ends its coroutine
 * where it stands, as the signal ends a real program. For processes the
 * driver spawned, the death is announced the way a shell announces a
 * foreground job's ("Segmentation fault (core dumped)", "Killed").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scenario.h"

#define PROCS_KEY	"vmlab.procs"

/* ---- the process object ---- */

struct lproc *lproc_check(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, PROC_MT);
}

struct lproc *lproc_new(lua_State *L, int pid, const char *name, bool spawned)
{
	struct lproc *p = lua_newuserdatauv(L, sizeof(*p), 0);

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->spawned = spawned;
	luaL_setmetatable(L, PROC_MT);
	return p;
}

int lproc_current(lua_State *L)
{
	return scenario_of(L)->running_pid;
}

/* Argument 1 must be the running process (self). */
static struct lproc *self_check(lua_State *L, const char *method)
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

/* ---- coroutines ---- */

static void procs_table(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, PROCS_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, PROCS_KEY);
	}
}

void lproc_start(lua_State *L, int obj_idx, int fn_idx)
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

static const char *signame(int sig)
{
	switch (sig) {
	case 1: return "SIGHUP";
	case 2: return "SIGINT";
	case 6: return "SIGABRT";
	case 7: return "SIGBUS";
	case 9: return "SIGKILL";
	case 10: return "SIGUSR1";
	case 11: return "SIGSEGV";
	case 12: return "SIGUSR2";
	case 15: return "SIGTERM";
	default: return "signal";
	}
}

/* The shell's line for a foreground job that a signal ended. */
static void announce_death(struct scenario *sc, struct lproc *p)
{
	struct vm_status st;
	const char *text = NULL;

	if (!p || !p->spawned || vm_status(sc->m, p->pid, &st) || st.exited)
		return;
	switch (st.signal) {
	case 11: text = st.core_dumped ? "Segmentation fault (core dumped)" : "Segmentation fault"; break;
	case 9: text = "Killed"; break;
	case 15: text = "Terminated"; break;
	case 6: text = "Aborted"; break;
	case 7: text = "Bus error"; break;
	case 2: text = ""; break;
	default: text = signame(st.signal); break;
	}
	if (*text)
		fprintf(sc->out, "%s\n", text);
	record_text(sc, "shell", p->name, text);
}

void lproc_resume(struct scenario *sc, int pid)
{
	lua_State *L = sc->L, *co;
	int nargs = 0, nres, st;

	procs_table(L);
	if (lua_rawgeti(L, -1, pid) != LUA_TTABLE) {
		lua_pop(L, 2);
		/* a process with no coroutine left: nothing will ever run it */
		vm_kill(sc->m, pid, 9);
		return;
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
	vm_sched_run(sc->m, pid);
	sc->running_pid = pid;
	st = lua_resume(co, L, nargs, &nres);
	sc->running_pid = 0;
	vm_sched_stop(sc->m, pid);
	if (st == LUA_YIELD) {
		lua_pop(co, nres);
		if (vm_task_state(sc->m, pid) == 'Z')
			drop(L, pid);
		return;
	}
	if (st == LUA_OK) {
		lua_pop(co, nres);
		if (vm_task_state(sc->m, pid) && vm_task_state(sc->m, pid) != 'Z') {
			vm_exit(sc->m, pid, 0);	/* the function returned: exit(0) */
			record_text(sc, "exit", "", "0");
		}
		drop(L, pid);
		return;
	}
	/* an error in the process's function: the scenario is wrong */
	lua_pushfstring(L, "%s", lua_isstring(co, -1) ? lua_tostring(co, -1) : "(error object is not a string)");
	drop(L, pid);
	lua_error(L);
}

bool lproc_run_until(struct scenario *sc, bool (*pred)(struct scenario *, void *), void *ctx)
{
	for (;;) {
		int next;

		if (pred && pred(sc, ctx))
			return true;
		next = vm_sched_next(sc->m);
		if (!next)
			return !pred;
		lproc_resume(sc, next);
	}
}

void lproc_finish(struct scenario *sc)
{
	vm_machine *m = sc->m;

	if (!m)
		return;
	lproc_run_until(sc, NULL, NULL);
	/* what still waits (paused, or waiting for those) ends with the session */
	for (int pid = vm_next_pid(m, 0); pid; pid = vm_next_pid(m, pid))
		if (vm_task_state(m, pid) != 'Z')
			vm_kill(m, pid, 9);
}

/* ---- status tables ---- */

void lproc_push_status(lua_State *L, const struct vm_status *st)
{
	lua_createtable(L, 0, 5);
	lua_pushstring(L, st->exited ? "exited" : "signaled");
	lua_setfield(L, -2, "status");
	lua_pushinteger(L, st->code);
	lua_setfield(L, -2, "code");
	if (!st->exited) {
		lua_pushstring(L, signame(st->signal));
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

/* ---- yielding after operations ---- */

static int k_return(lua_State *L, int status, lua_KContext nres)
{
	(void)L;
	(void)status;
	return (int)nres;
}

int lproc_finish_op(lua_State *L, int nres)
{
	struct scenario *sc = scenario_of(L);
	int pid = lproc_current(L);

	sc->ops++;
	if (sc->opt->check) {
		char err[512];

		if (vm_check(sc->m, err, sizeof(err))) {
			lua_Debug ar;

			fflush(sc->out);
			if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
				fprintf(stderr, "%s:%d: ", ar.short_src, ar.currentline);
			fprintf(stderr, "vmlab: invariant violated after this operation: %s\n", err);
			exit(3);
		}
	}
	if (pid && vm_sched_should_yield(sc->m, pid))
		return lua_yieldk(L, 0, nres, k_return);
	return nres;
}

/* The process died in an operation: its function stops here for good. */
static int die_here(lua_State *L, struct lproc *p)
{
	struct scenario *sc = scenario_of(L);

	announce_death(sc, p);
	return lua_yield(L, 0);
}

/* ---- ranges of handles ---- */

static uint64_t handle_field(lua_State *L, int h, const char *key, bool required, bool *present)
{
	lua_Integer v;

	*present = false;
	if (lua_getfield(L, h, key) == LUA_TNIL) {
		lua_pop(L, 1);
		if (required)
			luaL_error(L, "expected a mapping handle (a table with addr and len), "
				   "got a table without '%s'", key);
		return 0;
	}
	v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
	if (v < 0)
		luaL_error(L, "a handle's %s must be a non-negative integer", key);
	lua_pop(L, 1);
	*present = true;
	return (uint64_t)v;
}

/*
 * The range [addr, addr+len) an operation covers: handle at h, an offset at
 * off_idx and a length at len_idx (0: no such argument). Handles with a len
 * are bounds-checked; hand-made ones ({addr = 0}) point anywhere.
 */
static void get_range(lua_State *L, int h, int off_idx, int len_idx, const char *what,
		      uint64_t *addr, uint64_t *len)
{
	bool has_len, present;
	uint64_t hlen, off = 0;

	luaL_checktype(L, h, LUA_TTABLE);
	*addr = handle_field(L, h, "addr", true, &present);
	hlen = handle_field(L, h, "len", false, &has_len);
	if (off_idx && !lua_isnoneornil(L, off_idx))
		off = args_size(L, off_idx, what);
	if (len_idx && !lua_isnoneornil(L, len_idx))
		*len = args_size(L, len_idx, what);
	else if (has_len)
		*len = off <= hlen ? hlen - off : 0;
	else
		*len = VM_PAGE_SIZE;
	if (has_len && (off > hlen || *len > hlen - off))
		luaL_error(L, "%s: offset %d + length %d runs past the end of the mapping (%d bytes)",
			   what, (int)off, (int)*len, (int)hlen);
	*addr += off;
}

/* A handle: the address range, plus the call's own result fields. */
static void push_handle(lua_State *L, uint64_t addr, uint64_t len, const char *kind,
			const struct vm_result *r)
{
	push_result(L, r);
	lua_pushinteger(L, (lua_Integer)addr);
	lua_setfield(L, -2, "addr");
	lua_pushinteger(L, (lua_Integer)len);
	lua_setfield(L, -2, "len");
	lua_pushstring(L, kind);
	lua_setfield(L, -2, "kind");
	luaL_setmetatable(L, MAPPING_MT);
}

/* ---- memory methods ---- */

static int parse_prot(lua_State *L, const char *s, const char *what)
{
	int prot = 0;

	if (!strcmp(s, "none") || !*s)
		return 0;
	for (; *s; s++) {
		switch (*s) {
		case 'r': prot |= VM_PROT_READ; break;
		case 'w': prot |= VM_PROT_WRITE; break;
		case 'x': prot |= VM_PROT_EXEC; break;
		case '-': break;
		default:
			luaL_error(L, "%s: protection \"%s\" is not made of r, w, x (or \"none\")", what, s);
		}
	}
	return prot;
}

static int m_mmap(lua_State *L)
{
	static const char *const known[] = { "len", "prot", "shared", "file", "offset", "populate",
					     "hugetlb", "addr", "fixed", "noreserve", NULL };
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "mmap");
	struct vm_mmap_args a = { 0 };
	struct vm_result r;
	uint64_t addr;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	args_check_keys(L, 2, "mmap", known);
	lua_getfield(L, 2, "len");
	if (lua_isnil(L, -1))
		luaL_error(L, "mmap: len is required (for example len = \"100M\")");
	a.len = args_size(L, -1, "mmap len");
	lua_pop(L, 1);
	a.prot = parse_prot(L, args_opt_str(L, 2, "prot", "rw", "mmap"), "mmap");
	a.shared = args_opt_bool(L, 2, "shared", false, "mmap");
	a.populate = args_opt_bool(L, 2, "populate", false, "mmap");
	a.fixed = args_opt_bool(L, 2, "fixed", false, "mmap");
	a.noreserve = args_opt_bool(L, 2, "noreserve", false, "mmap");
	a.addr = args_opt_size(L, 2, "addr", 0, "mmap");
	if (a.fixed && !a.addr)
		luaL_error(L, "mmap: fixed = true needs an addr");
	args_not_yet(L, 2, "file", "mmap", "file mappings arrive with the page-cache work");
	if (args_opt_bool(L, 2, "hugetlb", false, "mmap"))
		luaL_error(L, "mmap: hugetlb arrives with the huge-page work (not in this version of "
			   "vmlab)");
	if (args_opt_size(L, 2, "offset", 0, "mmap"))
		luaL_error(L, "mmap: offset applies to file mappings only");
	err = vm_mmap(sc->m, p->pid, &a, &addr, &r);
	record_op(sc, p->pid, "mmap", err ? NULL : &r);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_handle(L, addr, a.len, "mmap", &r);
	return lproc_finish_op(L, 1);
}

/* The common tail of munmap, mprotect, madvise, mlock, munlock. */
static int range_op_done(lua_State *L, struct lproc *p, const char *op, int err,
			 const struct vm_result *r)
{
	struct scenario *sc = scenario_of(L);

	record_op(sc, p->pid, op, err ? NULL : r);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_result(L, r);
	return lproc_finish_op(L, 1);
}

static int m_munmap(lua_State *L)
{
	struct lproc *p = self_check(L, "munmap");
	uint64_t addr, len;
	struct vm_result r;
	int err;

	get_range(L, 2, 3, 4, "munmap", &addr, &len);
	err = vm_munmap(scenario_of(L)->m, p->pid, addr, len, &r);
	return range_op_done(L, p, "munmap", err, &r);
}

static int m_mprotect(lua_State *L)
{
	struct lproc *p = self_check(L, "mprotect");
	uint64_t addr, len;
	struct vm_result r;
	int prot, err;

	prot = parse_prot(L, luaL_checkstring(L, 3), "mprotect");
	get_range(L, 2, 4, 5, "mprotect", &addr, &len);
	err = vm_mprotect(scenario_of(L)->m, p->pid, addr, len, prot, &r);
	return range_op_done(L, p, "mprotect", err, &r);
}

static int m_madvise(lua_State *L)
{
	static const char *const names[NR_VM_MADV] = {
		"normal", "random", "sequential", "willneed", "dontneed", "cold", "pageout",
		"hugepage", "nohugepage", "populate_read", "populate_write", "dontfork", "dofork",
	};
	struct lproc *p = self_check(L, "madvise");
	const char *adv = luaL_checkstring(L, 3);
	uint64_t addr, len;
	struct vm_result r;
	int i, err;
	char op[40];

	for (i = 0; i < NR_VM_MADV; i++)
		if (!strcmp(names[i], adv))
			break;
	if (i == NR_VM_MADV)
		luaL_error(L, "madvise: unknown advice \"%s\" (normal random sequential willneed "
			   "dontneed cold pageout hugepage nohugepage populate_read populate_write "
			   "dontfork dofork)", adv);
	get_range(L, 2, 4, 5, "madvise", &addr, &len);
	err = vm_madvise(scenario_of(L)->m, p->pid, addr, len, (enum vm_madv)i, &r);
	snprintf(op, sizeof(op), "madvise(%s)", adv);
	return range_op_done(L, p, op, err, &r);
}

static int lock_op(lua_State *L, bool on)
{
	const char *op = on ? "mlock" : "munlock";
	struct lproc *p = self_check(L, op);
	uint64_t addr, len;
	struct vm_result r;
	int err;

	get_range(L, 2, 3, 4, op, &addr, &len);
	err = on ? vm_mlock(scenario_of(L)->m, p->pid, addr, len, &r)
		 : vm_munlock(scenario_of(L)->m, p->pid, addr, len, &r);
	return range_op_done(L, p, op, err, &r);
}

static int m_mlock(lua_State *L) { return lock_op(L, true); }
static int m_munlock(lua_State *L) { return lock_op(L, false); }

/* ---- touch: resumable across scheduling quanta ---- */

struct touch_ud {
	vm_touch_op *op;
};

static int touch_gc(lua_State *L)
{
	struct touch_ud *u = lua_touserdata(L, 1);

	vm_touch_end(u->op);
	u->op = NULL;
	return 0;
}

static int touch_cont(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct touch_ud *u = lua_touserdata(L, (int)ctx);
	struct lproc *p = lua_touserdata(L, 1);
	struct vm_result r;
	int rc;

	(void)status;
	rc = vm_touch_step(sc->m, u->op, &r);
	if (rc == VM_EMORE)
		return lua_yieldk(L, 0, ctx, touch_cont);
	vm_touch_end(u->op);
	u->op = NULL;
	record_op(sc, p->pid, "touch", rc ? NULL : &r);
	if (rc == VM_ESIGNAL)
		return die_here(L, p);
	if (rc == -ENOMEM)
		luaL_error(L, "touch: out of memory: the simulated machine has no free page left and "
			   "vmlab does not model reclaim or the OOM killer yet (give vm.config a "
			   "larger ram)");
	if (rc)
		luaL_error(L, "touch: %s", errno_name(rc));
	push_result(L, &r);
	return lproc_finish_op(L, 1);
}

static int m_touch(lua_State *L)
{
	static const char *const known[] = { "op", "off", "len", "stride", "order", "passes",
					     "value", "zipf", "count", NULL };
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "touch");
	struct vm_touch_args a = { 0 };
	struct touch_ud *u;
	const char *op, *order;
	uint64_t off, len;
	bool has_len;
	int err, ud;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 3);
	if (lua_isnil(L, 3)) {
		lua_newtable(L);
		lua_replace(L, 3);
	}
	luaL_checktype(L, 3, LUA_TTABLE);
	args_check_keys(L, 3, "touch", known);
	op = args_opt_str(L, 3, "op", "write", "touch");
	if (strcmp(op, "read") && strcmp(op, "write"))
		luaL_error(L, "touch: op must be \"read\" or \"write\", got \"%s\"", op);
	a.write = !strcmp(op, "write");
	off = args_opt_size(L, 3, "off", 0, "touch");
	lua_getfield(L, 3, "len");
	has_len = !lua_isnil(L, -1);
	lua_pop(L, 1);
	len = args_opt_size(L, 3, "len", 0, "touch");
	lua_pushinteger(L, (lua_Integer)off);
	if (has_len)
		lua_pushinteger(L, (lua_Integer)len);
	else
		lua_pushnil(L);
	get_range(L, 2, 4, 5, "touch", &a.addr, &a.len);
	lua_settop(L, 3);
	a.stride = args_opt_size(L, 3, "stride", VM_PAGE_SIZE, "touch");
	if (!a.stride)
		luaL_error(L, "touch: stride must be at least 1 byte");
	{
		int64_t passes = args_opt_int(L, 3, "passes", 1, "touch");

		if (passes < 1)
			luaL_error(L, "touch: passes must be at least 1");
		a.passes = (uint64_t)passes;
	}
	order = args_opt_str(L, 3, "order", "seq", "touch");
	if (!strcmp(order, "seq"))
		a.order = VM_ORDER_SEQ;
	else if (!strcmp(order, "reverse"))
		a.order = VM_ORDER_REVERSE;
	else if (!strcmp(order, "random"))
		a.order = VM_ORDER_RANDOM;
	else
		luaL_error(L, "touch: order must be \"seq\", \"reverse\" or \"random\", got \"%s\"", order);
	lua_getfield(L, 3, "zipf");
	if (!lua_isnil(L, -1)) {
		if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0)
			luaL_error(L, "touch: zipf is the skew exponent, a number above 0 (0.99 is common)");
		if (a.order != VM_ORDER_SEQ)
			luaL_error(L, "touch: zipf chooses the order itself; leave order out");
		a.zipf = lua_tonumber(L, -1);
		a.order = VM_ORDER_ZIPF;
		a.count = (uint64_t)args_opt_int(L, 3, "count", 0, "touch");
	} else if (args_opt_int(L, 3, "count", -1, "touch") != -1) {
		luaL_error(L, "touch: count goes with zipf (a number of Zipf-distributed accesses)");
	}
	lua_pop(L, 1);
	lua_getfield(L, 3, "value");
	if (!lua_isnil(L, -1)) {
		if (!a.write)
			luaL_error(L, "touch: value is what a write stores; a read has none");
		a.value = (uint8_t)args_value(L, -1, "touch value");
		a.has_value = 1;
	}
	lua_pop(L, 1);
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->op = NULL;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, touch_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	ud = lua_gettop(L);
	u->op = vm_touch_begin(sc->m, p->pid, &a, &err);
	if (!u->op)
		luaL_error(L, "touch: %s", errno_name(err));
	return touch_cont(L, LUA_OK, ud);
}

static int m_read(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "read");
	uint64_t addr, len;
	struct vm_result r;
	int rc;

	get_range(L, 2, 3, 0, "read", &addr, &len);
	rc = vm_read(sc->m, p->pid, addr, &r);
	record_op(sc, p->pid, "read", rc ? NULL : &r);
	if (rc == VM_ESIGNAL)
		return die_here(L, p);
	if (rc)
		luaL_error(L, "read: %s", errno_name(rc));
	lua_pushinteger(L, r.value);
	push_result(L, &r);
	return lproc_finish_op(L, 2);
}

static int m_write(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "write");
	uint64_t addr, len;
	struct vm_result r;
	int value, rc;

	value = args_value(L, 4, "write");
	get_range(L, 2, 3, 0, "write", &addr, &len);
	rc = vm_write(sc->m, p->pid, addr, (uint8_t)value, &r);
	record_op(sc, p->pid, "write", rc ? NULL : &r);
	if (rc == VM_ESIGNAL)
		return die_here(L, p);
	if (rc)
		luaL_error(L, "write: %s", errno_name(rc));
	push_result(L, &r);
	return lproc_finish_op(L, 1);
}

/* ---- the C library ---- */

static int alloc_op(lua_State *L, bool zero)
{
	const char *op = zero ? "calloc" : "malloc";
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, op);
	uint64_t size = args_size(L, 2, op), addr;
	struct vm_result r;
	int err;

	err = zero ? vm_calloc(sc->m, p->pid, size, &addr, &r)
		   : vm_malloc(sc->m, p->pid, size, &addr, &r);
	record_op(sc, p->pid, op, err ? NULL : &r);
	if (err == VM_ESIGNAL)
		return die_here(L, p);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_handle(L, addr, size, "malloc", &r);
	return lproc_finish_op(L, 1);
}

static int m_malloc(lua_State *L) { return alloc_op(L, false); }
static int m_calloc(lua_State *L) { return alloc_op(L, true); }

static int m_free(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "free");
	struct vm_result r;
	uint64_t addr, len;
	int err;

	if (lua_isnil(L, 2)) {
		memset(&r, 0, sizeof(r));
		push_result(L, &r);
		return lproc_finish_op(L, 1);	/* free(NULL) */
	}
	get_range(L, 2, 0, 0, "free", &addr, &len);
	err = vm_malloc_free(sc->m, p->pid, addr, &r);
	if (err == -EINVAL)
		luaL_error(L, "free: %p was not returned by malloc, or was freed already (glibc "
			   "would abort the process: \"free(): invalid pointer\")", (void *)(uintptr_t)addr);
	record_op(sc, p->pid, "free", err ? NULL : &r);
	if (err == VM_ESIGNAL)
		return die_here(L, p);
	push_result(L, &r);
	return lproc_finish_op(L, 1);
}

static int m_malloc_trim(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "malloc_trim");
	uint64_t pad = lua_isnoneornil(L, 2) ? 0 : args_size(L, 2, "malloc_trim");
	struct vm_result r;
	int ret;

	ret = vm_malloc_trim(sc->m, p->pid, pad, &r);
	record_op(sc, p->pid, "malloc_trim", ret < 0 ? NULL : &r);
	if (ret == VM_ESIGNAL)
		return die_here(L, p);
	push_result(L, &r);
	lua_pushboolean(L, ret == 1);
	lua_setfield(L, -2, "released");
	return lproc_finish_op(L, 1);
}

/* ---- process life ---- */

static int m_fork(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "fork");
	const char *name = luaL_checkstring(L, 2);
	int child;

	luaL_checktype(L, 3, LUA_TFUNCTION);
	child = vm_fork(sc->m, p->pid, name);
	if (child < 0)
		return lproc_finish_op(L, push_errno(L, child));
	lproc_new(L, child, name, false);
	lproc_start(L, -1, 3);
	record_text(sc, "fork", name, p->name);
	return lproc_finish_op(L, 1);
}

static int k_wait(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *c = lua_touserdata(L, (int)ctx);

	(void)status;
	if (!c->reaped) {
		if (vm_status(sc->m, c->pid, &c->st))
			luaL_error(L, "wait: process %d did not end (a vmlab bug)", c->pid);
		vm_reap(sc->m, c->pid);
		c->reaped = true;
	}
	lproc_push_status(L, &c->st);
	return lproc_finish_op(L, 1);
}

static int m_wait(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "wait");
	struct lproc *c = lproc_check(L, 2);
	char s;

	lua_settop(L, 2);
	if (c->reaped)
		return k_wait(L, LUA_OK, 2);
	s = vm_task_state(sc->m, c->pid);
	if (c->pid == p->pid || !s || vm_parent(sc->m, c->pid) != p->pid)
		luaL_error(L, "wait: process %d (%s) is not a child of process %d (%s)", c->pid,
			   c->name, p->pid, p->name);
	if (s == 'Z')
		return k_wait(L, LUA_OK, 2);
	vm_block(sc->m, p->pid, VM_WAIT_CHILD, c->pid);
	return lua_yieldk(L, 0, 2, k_wait);
}

static int m_exit(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "exit");
	lua_Integer code = luaL_optinteger(L, 2, 0);

	if (code < 0 || code > 255)
		luaL_error(L, "exit: the code is 0-255, got %d", (int)code);
	vm_exit(sc->m, p->pid, (int)code);
	record_text(sc, "exit", p->name, lua_tostring(L, 2) ? lua_tostring(L, 2) : "0");
	return lua_yield(L, 0);
}

static int m_sleep(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "sleep");

	vm_sleep(sc->m, p->pid, args_duration(L, 2, "sleep"));
	return lua_yieldk(L, 0, 0, k_return);
}

static int m_pause(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "pause");

	vm_block(sc->m, p->pid, VM_WAIT_PAUSE, 0);
	return lua_yield(L, 0);		/* only a signal ends it */
}

static int m_ready(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "ready");

	vm_ready(sc->m, p->pid);
	record_text(sc, "ready", p->name, "");
	return lproc_finish_op(L, 0);
}

static void set_int(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static int m_stat(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = self_check(L, "stat");
	struct vm_proc i;

	vm_proc_info(sc->m, p->pid, &i);
	lua_createtable(L, 0, 20);
	set_int(L, "pid", i.pid);
	set_int(L, "minflt", (int64_t)i.min_flt);
	set_int(L, "majflt", (int64_t)i.maj_flt);
	set_int(L, "cminflt", (int64_t)i.cmin_flt);
	set_int(L, "cmajflt", (int64_t)i.cmaj_flt);
	set_int(L, "vsz_kb", (int64_t)i.vsz_kb);
	set_int(L, "rss_kb", (int64_t)i.rss_kb);
	set_int(L, "rss_anon_kb", (int64_t)i.rss_anon_kb);
	set_int(L, "rss_file_kb", (int64_t)i.rss_file_kb);
	set_int(L, "rss_shmem_kb", (int64_t)i.rss_shmem_kb);
	set_int(L, "swap_kb", (int64_t)i.swap_kb);
	set_int(L, "pte_kb", (int64_t)i.vm_pte_kb);
	set_int(L, "hwm_kb", (int64_t)i.vm_hwm_kb);
	set_int(L, "peak_kb", (int64_t)i.vm_peak_kb);
	set_int(L, "data_kb", (int64_t)i.vm_data_kb);
	set_int(L, "oom_score", i.oom_score);
	set_int(L, "oom_score_adj", i.oom_score_adj);
	set_int(L, "heap_kb", (int64_t)i.heap_kb);
	set_int(L, "pss_kb", (int64_t)i.pss);
	set_int(L, "pss_anon_kb", (int64_t)i.pss_anon);
	set_int(L, "perf_faults", (int64_t)i.perf_faults);
	set_int(L, "private_dirty_kb", (int64_t)i.private_dirty);
	set_int(L, "shared_dirty_kb", (int64_t)i.shared_dirty);
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

static int mapping_tostring(lua_State *L)
{
	lua_getfield(L, 1, "addr");
	lua_getfield(L, 1, "len");
	lua_getfield(L, 1, "kind");
	lua_pushfstring(L, "%s %p+%I", lua_tostring(L, -1),
			(void *)(uintptr_t)lua_tointeger(L, -3), lua_tointeger(L, -2));
	return 1;
}

void lproc_register(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "mmap", m_mmap }, { "munmap", m_munmap }, { "mprotect", m_mprotect },
		{ "madvise", m_madvise }, { "mlock", m_mlock }, { "munlock", m_munlock },
		{ "touch", m_touch }, { "read", m_read }, { "write", m_write },
		{ "malloc", m_malloc }, { "calloc", m_calloc }, { "free", m_free },
		{ "malloc_trim", m_malloc_trim }, { "fork", m_fork }, { "wait", m_wait },
		{ "exit", m_exit }, { "sleep", m_sleep }, { "pause", m_pause },
		{ "ready", m_ready }, { "stat", m_stat }, { NULL, NULL },
	};

	luaL_newmetatable(L, PROC_MT);
	lua_pushcfunction(L, proc_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, proc_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, proc_eq);
	lua_setfield(L, -2, "__eq");
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
	luaL_newmetatable(L, MAPPING_MT);
	lua_pushcfunction(L, mapping_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
}
