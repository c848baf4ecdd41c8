/*
 * lvm.c - the `vm` module of scenarios (DESIGN.md "The scenario API").
 *
 * vm.config sets up the machine before the first process; vm.spawn starts a
 * process running a Lua function; vm.wait and vm.wait_ready let simulated
 * time run until a process ends or says it is ready; vm.show prints a view
 * of the machine as the real tool would; vm.expect checks a claim and
 * reports file:line when it fails. Every operation, view, mark and
 * expectation is also recorded for --json.
 */
#include <string.h>
#include <strings.h>
#include "scenario.h"
#include "../report/views.h"

#define VM_KEY	"vmlab.scenario"

struct scenario *scenario_of(lua_State *L)
{
	struct scenario *sc;

	lua_getfield(L, LUA_REGISTRYINDEX, VM_KEY);
	sc = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return sc;
}

static void on_event(void *ctx, const struct vm_event *ev)
{
	struct scenario *sc = ctx;
	struct strbuf b = STRBUF_INIT;

	format_event(&b, ev);
	fputs(sb_str(&b), sc->out);
	sb_free(&b);
}

vm_machine *scenario_machine(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	char err[256];

	if (sc->m)
		return sc->m;
	if (sc->opt->has_seed)
		sc->cfg.seed = sc->opt->seed;
	sc->cfg.costs = sc->opt->costs;
	sc->cfg.check = sc->opt->check;
	sc->m = vm_new(&sc->cfg, err, sizeof(err));
	if (!sc->m)
		luaL_error(L, "vm.config: %s", err);
	if (sc->opt->events)
		vm_set_event_callback(sc->m, on_event, sc);
	return sc->m;
}

/* ---- records (--json) ---- */

static void record_head(struct scenario *sc, const char *kind, uint64_t t)
{
	json_obj_begin(&sc->rec);
	json_kv_str(&sc->rec, "kind", kind);
	json_kv_int(&sc->rec, "t", (int64_t)t);
}

void record_op(struct scenario *sc, int pid, const char *op, const struct vm_result *r)
{
	struct vm_proc p;

	if (!sc->opt->json)
		return;
	record_head(sc, "op", vm_clock(sc->m, pid));
	json_kv_int(&sc->rec, "pid", pid);
	if (!vm_proc_info(sc->m, pid, &p))
		json_kv_str(&sc->rec, "proc", p.comm);
	json_kv_str(&sc->rec, "op", op);
	if (r) {
		json_kv_int(&sc->rec, "minflt", (int64_t)r->minflt);
		json_kv_int(&sc->rec, "majflt", (int64_t)r->majflt);
		json_kv_int(&sc->rec, "ns", (int64_t)r->ns);
		json_kv_int(&sc->rec, "pages", (int64_t)r->pages);
		json_kv_int(&sc->rec, "accesses", (int64_t)r->accesses);
		json_kv_int(&sc->rec, "rss_kb", r->rss_kb);
		json_kv_int(&sc->rec, "swap_kb", r->swap_kb);
	} else {
		json_key(&sc->rec, "error");
		json_bool(&sc->rec, true);
	}
	json_obj_end(&sc->rec);
}

void record_text(struct scenario *sc, const char *kind, const char *name, const char *text)
{
	if (!sc->opt->json)
		return;
	record_head(sc, kind, sc->m ? vm_now(sc->m) : 0);
	json_kv_str(&sc->rec, "name", name);
	json_kv_str(&sc->rec, "text", text);
	json_obj_end(&sc->rec);
}

/* ---- vm.config ---- */

static void tlb_geometry(lua_State *L, const char *key, const char *v, int *entries, int *ways)
{
	if (sscanf(v, "%dx%d", entries, ways) != 2 || *entries <= 0 || *ways <= 0)
		luaL_error(L, "vm.config: %s must be \"ENTRIESxWAYS\", such as \"64x4\"", key);
}

static int l_config(lua_State *L)
{
	static const char *const known[] = { "ram", "swap", "cpus", "kernel", "thp", "swappiness",
					     "min_free_kbytes", "watermark_scale_factor", "policy",
					     "oom", "seed", "tlb_l1_4k", "tlb_l1_2m", "tlb_l2", NULL };
	struct scenario *sc = scenario_of(L);
	struct vm_config *c = &sc->cfg;
	const char *s;

	if (sc->m)
		luaL_error(L, "vm.config: the machine is already running; call vm.config once, before "
			   "the first vm.spawn or view");
	luaL_checktype(L, 1, LUA_TTABLE);
	args_check_keys(L, 1, "vm.config", known);
	c->ram = args_opt_size(L, 1, "ram", c->ram, "vm.config");
	c->swap = args_opt_size(L, 1, "swap", c->swap, "vm.config");
	c->cpus = (int)args_opt_int(L, 1, "cpus", c->cpus, "vm.config");
	s = args_opt_str(L, 1, "kernel", NULL, "vm.config");
	if (s) {
		snprintf(sc->cfg_kernel, sizeof(sc->cfg_kernel), "%s", s);
		c->kernel = sc->cfg_kernel;
	}
	s = args_opt_str(L, 1, "thp", NULL, "vm.config");
	if (s) {
		if (!strcmp(s, "never"))
			c->thp = VM_THP_NEVER;
		else if (!strcmp(s, "madvise"))
			c->thp = VM_THP_MADVISE;
		else if (!strcmp(s, "always"))
			c->thp = VM_THP_ALWAYS;
		else
			luaL_error(L, "vm.config: thp must be \"never\", \"madvise\" or \"always\"");
	}
	c->swappiness = (int)args_opt_int(L, 1, "swappiness", c->swappiness, "vm.config");
	c->min_free_kbytes = (long)args_opt_int(L, 1, "min_free_kbytes", c->min_free_kbytes,
						 "vm.config");
	c->watermark_scale_factor = (int)args_opt_int(L, 1, "watermark_scale_factor",
						       c->watermark_scale_factor, "vm.config");
	s = args_opt_str(L, 1, "policy", NULL, "vm.config");
	if (s) {
		snprintf(sc->cfg_policy, sizeof(sc->cfg_policy), "%s", s);
		c->policy = sc->cfg_policy;
	}
	s = args_opt_str(L, 1, "oom", NULL, "vm.config");
	if (s) {
		snprintf(sc->cfg_oom, sizeof(sc->cfg_oom), "%s", s);
		c->oom = sc->cfg_oom;
	}
	c->seed = (uint64_t)args_opt_int(L, 1, "seed", (int64_t)c->seed, "vm.config");
	s = args_opt_str(L, 1, "tlb_l1_4k", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l1_4k", s, &c->tlb_l1_4k_entries, &c->tlb_l1_4k_ways);
	s = args_opt_str(L, 1, "tlb_l1_2m", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l1_2m", s, &c->tlb_l1_2m_entries, &c->tlb_l1_2m_ways);
	s = args_opt_str(L, 1, "tlb_l2", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l2", s, &c->tlb_l2_entries, &c->tlb_l2_ways);
	scenario_machine(L);
	/* math.random follows the scenario's seed too */
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)sc->cfg.seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	return 0;
}

/* ---- processes ---- */

static int l_spawn(lua_State *L)
{
	static const char *const known[] = { "oom_score_adj", "uid", "cgroup", NULL };
	struct scenario *sc = scenario_of(L);
	const char *name = luaL_checkstring(L, 1);
	struct vm_spawn_opts o = { 0, 0 };
	int pid;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		args_check_keys(L, 3, "vm.spawn", known);
		o.oom_score_adj = (int)args_opt_int(L, 3, "oom_score_adj", 0, "vm.spawn");
		o.uid = (int)args_opt_int(L, 3, "uid", 0, "vm.spawn");
		if (o.oom_score_adj < -1000 || o.oom_score_adj > 1000)
			luaL_error(L, "vm.spawn: oom_score_adj must be between -1000 and 1000");
		if (o.uid < 0)
			luaL_error(L, "vm.spawn: uid must be 0 or more");
		args_not_yet(L, 3, "cgroup", "vm.spawn",
			     "memory cgroups arrive with the memory-pressure work");
	}
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
	char s = vm_task_state(sc->m, p->pid);

	return p->reaped || s == 'Z' || !s;
}

/* Why nothing can run: who waits for what. */
static void push_deadlock(lua_State *L, struct scenario *sc)
{
	luaL_Buffer b;
	bool first = true;

	luaL_buffinit(L, &b);
	for (int pid = vm_next_pid(sc->m, 0); pid; pid = vm_next_pid(sc->m, pid)) {
		char line[96];
		int target = 0, kind = vm_blocked_on(sc->m, pid, &target);

		if (kind < 0)
			continue;
		if (kind == VM_WAIT_PAUSE)
			snprintf(line, sizeof(line), "%spid %d is paused", first ? "" : "; ", pid);
		else if (kind == VM_WAIT_READY)
			snprintf(line, sizeof(line), "%spid %d waits for pid %d to be ready",
				 first ? "" : "; ", pid, target);
		else if (target)
			snprintf(line, sizeof(line), "%spid %d waits for its child %d", first ? "" : "; ",
				 pid, target);
		else
			snprintf(line, sizeof(line), "%spid %d waits for a child", first ? "" : "; ", pid);
		luaL_addstring(&b, line);
		first = false;
	}
	luaL_pushresult(&b);
}

static int l_wait(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);

	if (lproc_current(L))
		luaL_error(L, "vm.wait is for the scenario's top level; inside a process use "
			   "self:wait(child)");
	if (!p->spawned)
		luaL_error(L, "vm.wait: process %d (%s) was forked by another process; only its parent "
			   "can wait for it", p->pid, p->name);
	if (!p->reaped) {
		if (!lproc_run_until(sc, ended, p)) {
			push_deadlock(L, sc);
			luaL_error(L, "vm.wait(%s): process %d can never end: nothing else can run (%s)",
				   p->name, p->pid, lua_tostring(L, -1));
		}
		if (vm_status(sc->m, p->pid, &p->st) == 0)
			vm_reap(sc->m, p->pid);
		p->reaped = true;
	}
	lproc_push_status(L, &p->st);
	return 1;
}

static bool ready_or_ended(struct scenario *sc, void *ctx)
{
	struct lproc *p = ctx;

	return vm_is_ready(sc->m, p->pid) || ended(sc, ctx);
}

static int k_wait_ready(lua_State *L, int status, lua_KContext ctx)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lua_touserdata(L, (int)ctx);

	(void)status;
	lua_pushboolean(L, vm_is_ready(sc->m, p->pid));
	return lproc_finish_op(L, 1);
}

static int l_wait_ready(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);
	int self = lproc_current(L);

	lua_settop(L, 1);
	if (ready_or_ended(sc, p)) {
		lua_pushboolean(L, vm_is_ready(sc->m, p->pid));
		return 1;
	}
	if (self) {
		if (self == p->pid)
			luaL_error(L, "vm.wait_ready: a process cannot wait for itself");
		vm_block(sc->m, self, VM_WAIT_READY, p->pid);
		return lua_yieldk(L, 0, 1, k_wait_ready);
	}
	if (!lproc_run_until(sc, ready_or_ended, p)) {
		push_deadlock(L, sc);
		luaL_error(L, "vm.wait_ready(%s): it never calls ready() and nothing else can run (%s)",
			   p->name, lua_tostring(L, -1));
	}
	lua_pushboolean(L, vm_is_ready(sc->m, p->pid));
	return 1;
}

static int parse_signal(lua_State *L, int idx)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", 1 }, { "INT", 2 }, { "ABRT", 6 }, { "BUS", 7 }, { "KILL", 9 },
		{ "USR1", 10 }, { "SEGV", 11 }, { "USR2", 12 }, { "TERM", 15 },
	};
	const char *s;

	if (lua_isnoneornil(L, idx))
		return 15;
	if (lua_isinteger(L, idx)) {
		lua_Integer v = lua_tointeger(L, idx);

		if (v < 1 || v > 64)
			luaL_error(L, "vm.kill: signal %d does not exist", (int)v);
		return (int)v;
	}
	s = luaL_checkstring(L, idx);
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcasecmp(sigs[i].name, s))
			return sigs[i].sig;
	return luaL_error(L, "vm.kill: unknown signal \"%s\"", lua_tostring(L, idx));
}

static int l_kill(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_check(L, 1);
	int sig = parse_signal(L, 2);
	struct vm_status st;

	if (p->reaped || vm_task_state(sc->m, p->pid) == 'Z') {
		lua_pushboolean(L, 0);
		return 1;	/* already gone: kill(2) would say ESRCH */
	}
	vm_kill(sc->m, p->pid, sig);
	record_text(sc, "kill", p->name, "");
	if (p->spawned && !vm_status(sc->m, p->pid, &st)) {
		const char *text = sig == 9 ? "Killed" : sig == 15 ? "Terminated" :
				   sig == 11 ? "Segmentation fault" : sig == 2 ? "" : NULL;

		if (text && *text)
			fprintf(sc->out, "%s\n", text);
	}
	if (lproc_current(L) == p->pid)
		return lua_yield(L, 0);		/* it killed itself */
	lua_pushboolean(L, 1);
	return lproc_finish_op(L, 1);
}

/* ---- views ---- */

static void emit_view(struct scenario *sc, const char *name, struct strbuf *b)
{
	fputs(sb_str(b), sc->out);
	record_text(sc, "view", name, sb_str(b));
}

static struct lproc *view_proc(lua_State *L, struct scenario *sc, const char *view,
			       struct vm_proc *info)
{
	struct lproc *p;

	if (lua_isnoneornil(L, 2))
		luaL_error(L, "vm.show(\"%s\", p): which process?", view);
	p = lproc_check(L, 2);
	if (p->reaped || vm_proc_info(sc->m, p->pid, info))
		luaL_error(L, "vm.show(\"%s\"): process %d (%s) is gone (reaped)", view, p->pid, p->name);
	return p;
}

static int l_show(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	const char *spec = luaL_checkstring(L, 1);
	char name[32];
	const char *args;
	struct strbuf b = STRBUF_INIT;
	struct vm_snapshot s;
	struct vm_proc info;
	vm_machine *m = scenario_machine(L);
	int n = 0;

	sscanf(spec, " %31s%n", name, &n);
	args = spec + n;
	if (!strcmp(name, "free") || !strcmp(name, "vmstat") || !strcmp(name, "meminfo") ||
	    !strcmp(name, "ps") || !strcmp(name, "zoneinfo")) {
		char err[128];
		int rc = 0;

		if (strcmp(name, "free") && *args && strspn(args, " ") != strlen(args))
			luaL_error(L, "vm.show(\"%s\"): this view takes no options", spec);
		if (vm_snapshot(m, &s))
			luaL_error(L, "vm.show: out of memory");
		if (!strcmp(name, "free"))
			rc = view_free(&b, &s, args, err, sizeof(err));
		else if (!strcmp(name, "vmstat"))
			view_vmstat(&b, &s);
		else if (!strcmp(name, "meminfo"))
			view_meminfo(&b, &s);
		else if (!strcmp(name, "zoneinfo"))
			view_zoneinfo(&b, &s);
		else
			view_ps(&b, &s);
		vm_snapshot_release(&s);
		if (rc) {
			sb_free(&b);
			luaL_error(L, "vm.show(\"%s\"): %s", spec, err);
		}
	} else if (!strcmp(name, "status")) {
		view_proc(L, sc, name, &info);
		view_status(&b, &info);
	} else if (!strcmp(name, "smaps")) {
		view_proc(L, sc, name, &info);
		view_smaps_rollup(&b, &info);
	} else if (!strcmp(name, "pagetable")) {
		struct lproc *p = view_proc(L, sc, name, &info);
		struct vm_walk w;
		uint64_t addr;

		if (lua_istable(L, 3)) {
			lua_getfield(L, 3, "addr");
			if (!lua_isinteger(L, -1))
				luaL_error(L, "vm.show(\"pagetable\", p, h): h needs an integer addr");
			addr = (uint64_t)lua_tointeger(L, -1);
			lua_pop(L, 1);
			if (!lua_isnoneornil(L, 4))
				addr += args_size(L, 4, "vm.show pagetable offset");
		} else if (lua_isinteger(L, 3)) {
			addr = (uint64_t)lua_tointeger(L, 3);
		} else {
			return luaL_error(L, "vm.show(\"pagetable\", p, h [, off]): give a handle or an "
					  "address");
		}
		vm_pagewalk(m, p->pid, addr, &w);
		view_pagetable(&b, &w, p->name);
	} else if (!strcmp(name, "oom") || !strcmp(name, "dmesg") || !strcmp(name, "sar") ||
		   !strcmp(name, "pressure") || !strcmp(name, "lru")) {
		luaL_error(L, "vm.show(\"%s\"): this view arrives with the memory-pressure work (not in "
			   "this version of vmlab)", spec);
	} else {
		luaL_error(L, "vm.show: unknown view \"%s\" (free, free -w, vmstat, meminfo, zoneinfo, "
			   "ps, status, smaps, pagetable)", spec);
	}
	emit_view(sc, spec, &b);
	sb_free(&b);
	return 0;
}

static void push_kv_table(lua_State *L, const struct vm_kv *kv, int n)
{
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)kv[i].value);
		lua_setfield(L, -2, kv[i].name);
	}
}

static int l_meminfo(lua_State *L)
{
	struct vm_snapshot s;

	if (vm_snapshot(scenario_machine(L), &s))
		return luaL_error(L, "vm.meminfo: out of memory");
	push_kv_table(L, s.meminfo, s.n_meminfo);
	vm_snapshot_release(&s);
	return 1;
}

/* vm.zoneinfo(): { DMA = { free=, min=, low=, high=, managed=, ... }, ... } in pages */
static int l_zoneinfo(lua_State *L)
{
	struct vm_snapshot s;

	if (vm_snapshot(scenario_machine(L), &s))
		return luaL_error(L, "vm.zoneinfo: out of memory");
	lua_createtable(L, 0, s.nzones);
	for (int i = 0; i < s.nzones; i++) {
		const struct vm_zone *z = &s.zones[i];
		struct vm_kv f[] = {
			{ "free", z->free }, { "min", z->min }, { "low", z->low }, { "high", z->high },
			{ "promo", z->promo }, { "spanned", z->spanned }, { "present", z->present },
			{ "managed", z->managed },
		};

		push_kv_table(L, f, (int)(sizeof(f) / sizeof(f[0])));
		lua_setfield(L, -2, z->name);
	}
	vm_snapshot_release(&s);
	return 1;
}

static int l_vmstat(lua_State *L)
{
	struct vm_snapshot s;

	if (vm_snapshot(scenario_machine(L), &s))
		return luaL_error(L, "vm.vmstat: out of memory");
	push_kv_table(L, s.vmstat, s.n_vmstat);
	vm_snapshot_release(&s);
	return 1;
}

/* ---- marks, expectations, the rest ---- */

static int l_mark(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	const char *label = luaL_checkstring(L, 1);

	fprintf(sc->out, "== %s ==\n", label);
	record_text(sc, "mark", label, "");
	return 0;
}

static int l_expect(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	int ok = lua_toboolean(L, 1);
	const char *msg = "expectation";
	lua_Debug ar;
	char where[256] = "?";

	if (lua_gettop(L) >= 2) {
		int n = lua_gettop(L);

		lua_getglobal(L, "string");
		lua_getfield(L, -1, "format");
		for (int i = 2; i <= n; i++)
			lua_pushvalue(L, i);
		lua_call(L, n - 1, 1);
		msg = lua_tostring(L, -1);
	}
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		snprintf(where, sizeof(where), "%s:%d", ar.short_src, ar.currentline);
	if (ok) {
		sc->expect_passed++;
	} else {
		sc->expect_failed++;
		fflush(sc->out);
		fprintf(stderr, "%s: expectation failed: %s\n", where, msg);
	}
	if (sc->opt->json) {
		record_head(sc, "expect", sc->m ? vm_now(sc->m) : 0);
		json_key(&sc->rec, "ok");
		json_bool(&sc->rec, ok);
		json_kv_str(&sc->rec, "where", where);
		json_kv_str(&sc->rec, "text", msg);
		json_obj_end(&sc->rec);
	}
	lua_pushboolean(L, ok);
	return 1;
}

static int l_backend(lua_State *L)
{
	lua_pushstring(L, "sim");
	return 1;
}

static int l_not_yet(lua_State *L)
{
	return luaL_error(L, "%s: files, the page cache and cgroups arrive with the memory-pressure "
			  "work (not in this version of vmlab)", lua_tostring(L, lua_upvalueindex(1)));
}

void lvm_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "config", l_config }, { "spawn", l_spawn }, { "wait", l_wait },
		{ "wait_ready", l_wait_ready }, { "kill", l_kill }, { "show", l_show },
		{ "meminfo", l_meminfo }, { "vmstat", l_vmstat }, { "zoneinfo", l_zoneinfo },
		{ "mark", l_mark },
		{ "expect", l_expect }, { "backend", l_backend }, { NULL, NULL },
	};
	static const char *const later[] = { "file", "unlink", "drop_caches", "sync", "cgroup", NULL };

	luaL_newlib(L, fns);
	for (int i = 0; later[i]; i++) {
		lua_pushfstring(L, "vm.%s", later[i]);
		lua_pushcclosure(L, l_not_yet, 1);
		lua_setfield(L, -2, later[i]);
	}
	lua_pushinteger(L, (lua_Integer)VM_PAGE_SIZE);
	lua_setfield(L, -2, "PAGE");
	lua_setglobal(L, "vm");
}

void scenario_bind(lua_State *L, struct scenario *sc)
{
	lua_pushlightuserdata(L, sc);
	lua_setfield(L, LUA_REGISTRYINDEX, VM_KEY);
}
