/*
 * lvm.c - the `vm` module of scenarios (DESIGN.md "The scenario API").
 *
 * vm.config sets up the simulated machine before the first process (the
 * real backend reports the host's own); vm.show prints a view of the
 * machine as the real tool would, from the backend's /proc snapshot;
 * vm.expect checks a claim and reports file:line when it fails. Process life
 * (vm.spawn, vm.wait, vm.wait_ready, vm.kill) is lproc.c's, over the
 * backend's process operations. Every operation, view, mark and expectation is also recorded,
 * for --json and for vmlab compare.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

void scenario_bind(lua_State *L, struct scenario *sc)
{
	lua_pushlightuserdata(L, sc);
	lua_setfield(L, LUA_REGISTRYINDEX, VM_KEY);
}

static void on_event(void *ctx, const struct vm_event *ev)
{
	struct scenario *sc = ctx;
	struct strbuf b = STRBUF_INIT;

	format_event(&b, ev);
	fputs(sb_str(&b), sc->out);
	sb_free(&b);
}

/* A VM_BUG_ON in the simulated kernel: say which rule broke, and where the scenario was. */
static void on_bug(void *ctx, const char *file, int line, const char *rule)
{
	struct scenario *sc = ctx;
	lua_State *L = lproc_running_state(sc);
	lua_Debug ar;

	fflush(sc->out);
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		fprintf(stderr, "%s:%d: ", ar.short_src, ar.currentline);
	fprintf(stderr, "vmlab: kernel rule broken (%s:%d): %s\n", file, line, rule);
	exit(3);
}

/* A vm.cgroup{} handle (userdata): its backend id and name. */
#define CGROUP_MT "vmlab.cgroup"

struct lcgroup {
	int id;			/* the backend's: 1, 2, ... */
	char name[64];
	bool protected;		/* its min/low are in force (not on a cgroup v1 host) */
	bool oom_group;		/* memory.oom.group is in force (not on v1) */
};

vm_machine *scenario_machine(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	char err[256];

	if (sc->opt->real || sc->m)
		return sc->m;
	sc->cfg.costs = sc->opt->costs;
	sc->cfg.check = sc->opt->check;
	sc->m = vm_new(&sc->cfg, err, sizeof(err));
	if (!sc->m)
		luaL_error(L, "vm.config: %s", err);
	sc->be.priv = sc->m;
	vm_set_bug_callback(sc->m, on_bug, sc);
	vm_set_user_step(sc->m, lproc_step, sc);
	if (sc->opt->events)
		vm_set_event_callback(sc->m, on_event, sc);
	return sc->m;
}

/* ---- records (--json, compare) ---- */

void scenario_deliver(struct scenario *sc, char type, const char *text)
{
	switch (type) {
	case MSG_RECORD:
		if (sc->recording)
			json_raw(&sc->rec, text);
		break;
	case MSG_EXPECT_OK:
		sc->expect_passed++;
		break;
	case MSG_EXPECT_FAILED:
		sc->expect_failed++;
		break;
	}
}

/*
 * A record's time. On the simulator each process has its own clock and the
 * driver sees the machine's, which lags the process that just finished an
 * operation it waited for: a record never has a time before the record
 * made before it, so the times of a run only go forward.
 */
static uint64_t now_ns(struct scenario *sc, int pid)
{
	struct timespec ts;
	uint64_t t;

	if (sc->m) {
		t = pid ? vm_clock(sc->m, pid) : vm_now(sc->m);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		t = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec - sc->t0;
	}
	if (t < sc->last_t)
		t = sc->last_t;
	sc->last_t = t;
	return t;
}

static void record_head(struct json *j, const char *kind, uint64_t t)
{
	json_init(j);
	json_obj_begin(j);
	json_kv_str(j, "kind", kind);
	json_kv_int(j, "t", (int64_t)t);
}

static void record_done(struct scenario *sc, struct json *j)
{
	json_obj_end(j);
	sc->sink(sc, MSG_RECORD, sb_str(&j->b));
	json_free(j);
}

/* The tolerance table of an operation's options, as compare reads it. */
static void record_tolerance(struct json *j, lua_State *L, int opts)
{
	if (!opts || !lua_istable(L, opts) || lua_getfield(L, opts, "tolerance") != LUA_TTABLE) {
		if (opts && lua_istable(L, opts))
			lua_pop(L, 1);
		return;
	}
	json_key(j, "tolerance");
	json_obj_begin(j);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *key = lua_tostring(L, -2);
			const char *val = luaL_tolstring(L, -1, NULL);	/* pushes the text */

			json_kv_str(j, key, val);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	json_obj_end(j);
	lua_pop(L, 1);
}

void record_op(struct scenario *sc, struct lproc *p, const char *op, const struct vm_result *r,
	       int err, lua_State *L, int opts)
{
	struct json j;

	if (!sc->recording)
		return;
	record_head(&j, "op", now_ns(sc, p->pid));
	json_kv_int(&j, "pid", p->pid);
	json_kv_str(&j, "proc", p->name);
	json_kv_str(&j, "op", op);
	if (!err && r) {
		json_kv_int(&j, "minflt", (int64_t)r->minflt);
		json_kv_int(&j, "majflt", (int64_t)r->majflt);
		json_kv_int(&j, "ns", (int64_t)r->ns);
		json_kv_int(&j, "pages", (int64_t)r->pages);
		json_kv_int(&j, "accesses", (int64_t)r->accesses);
		json_kv_int(&j, "rss_kb", r->rss_kb);
		json_kv_int(&j, "swap_kb", r->swap_kb);
		json_kv_int(&j, "anon_kb", r->anon_kb);
		json_kv_int(&j, "file_kb", r->file_kb);
		json_kv_int(&j, "shmem_kb", r->shmem_kb);
		json_kv_int(&j, "pte_kb", r->pte_kb);
		if (r->host_evicted)
			json_kv_int(&j, "host_evicted", r->host_evicted);
	} else {
		/* the outcome vmlab compare compares: an errno, or a signal */
		json_kv_str(&j, "error", err == VM_ESIGNAL ? "signal" : errno_name(err));
	}
	record_tolerance(&j, L, opts);
	record_done(sc, &j);
}

void record_text(struct scenario *sc, const char *kind, const char *name, const char *text)
{
	struct json j;

	if (!sc->recording)
		return;
	record_head(&j, kind, now_ns(sc, 0));
	json_kv_int(&j, "pid", sc->running_pid);
	json_kv_str(&j, "name", name);
	json_kv_str(&j, "text", text);
	record_done(sc, &j);
}

/* ---- vm.config ---- */

static void tlb_geometry(lua_State *L, const char *key, const char *v, int *entries, int *ways)
{
	char *x, *end = NULL;
	long long e = strtoll(v, &x, 10), w = *x == 'x' ? strtoll(x + 1, &end, 10) : 0;

	if (x == v || *x != 'x' || end == x + 1 || *end || e <= 0 || w <= 0)
		luaL_error(L, "vm.config: %s must be \"ENTRIESxWAYS\", such as \"64x4\", got \"%s\"",
			   key, v);
	if (e > 65536 || w > 64)
		luaL_error(L, "vm.config: %s \"%s\": at most 65536 entries and 64 ways", key, v);
	*entries = (int)e;
	*ways = (int)w;
}

static int l_config(lua_State *L)
{
	static const char *const known[] = { "ram", "swap", "cpus", "kernel", "thp", "swappiness",
					     "min_free_kbytes", "watermark_scale_factor", "mmap_min_addr",
					     "max_map_count", "overcommit", "overcommit_ratio",
					     "read_ahead_kb", "dirty_ratio",
					     "dirty_background_ratio", "dirty_expire_centisecs",
					     "dirty_writeback_centisecs", "policy",
					     "oom", "seed", "tlb_l1_4k", "tlb_l1_2m", "tlb_l2", NULL };
	struct scenario *sc = scenario_of(L);
	struct vm_config *c = &sc->cfg;
	const char *s;

	if (sc->m || sc->configured)
		luaL_error(L, "vm.config: the machine is already running; call vm.config once, before "
			   "the first vm.spawn or view");
	luaL_checktype(L, 1, LUA_TTABLE);
	args_check_keys(L, 1, "vm.config", known);
	c->ram = args_opt_size(L, 1, "ram", c->ram, "vm.config");
	c->swap = args_opt_size(L, 1, "swap", c->swap, "vm.config");
	c->cpus = (int)args_opt_range(L, 1, "cpus", c->cpus, 1, INT32_MAX, "vm.config");
	s = args_opt_str(L, 1, "kernel", NULL, "vm.config");
	if (s && !sc->opt->kernel) {
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
			c->thp = VM_THP_ALWAYS;		/* vm_new() says whether it is modelled */
		else
			luaL_error(L, "vm.config: thp must be \"never\", \"madvise\" or \"always\"");
	}
	/* the sysctls' own bounds (kernel/sysctl.c, mm/page_alloc.c) */
	c->swappiness = (int)args_opt_range(L, 1, "swappiness", c->swappiness, 0, 200, "vm.config");
	c->mmap_min_addr = args_opt_size(L, 1, "mmap_min_addr", c->mmap_min_addr, "vm.config");
	c->max_map_count = (int)args_opt_range(L, 1, "max_map_count", c->max_map_count, 1,
						INT32_MAX, "vm.config");
	c->overcommit_memory = (int)args_opt_range(L, 1, "overcommit", c->overcommit_memory, 0, 2,
						    "vm.config");
	c->overcommit_ratio = (int)args_opt_range(L, 1, "overcommit_ratio", c->overcommit_ratio, 0,
						   INT32_MAX, "vm.config");
	c->read_ahead_kb = (int)args_opt_range(L, 1, "read_ahead_kb", c->read_ahead_kb, 0, 1 << 20,
						"vm.config");
	c->dirty_ratio = (int)args_opt_range(L, 1, "dirty_ratio", c->dirty_ratio, 0, 100,
					      "vm.config");
	c->dirty_background_ratio = (int)args_opt_range(L, 1, "dirty_background_ratio",
							 c->dirty_background_ratio, 0, 100, "vm.config");
	c->dirty_expire_centisecs = (int)args_opt_range(L, 1, "dirty_expire_centisecs",
							 c->dirty_expire_centisecs, 0, INT32_MAX,
							 "vm.config");
	c->dirty_writeback_centisecs = (int)args_opt_range(L, 1, "dirty_writeback_centisecs",
							    c->dirty_writeback_centisecs, 0, INT32_MAX,
							    "vm.config");
	c->min_free_kbytes = (long)args_opt_range(L, 1, "min_free_kbytes", c->min_free_kbytes, 0,
						   INT32_MAX, "vm.config");
	c->watermark_scale_factor = (int)args_opt_range(L, 1, "watermark_scale_factor",
							 c->watermark_scale_factor, 1, 3000,
							 "vm.config");
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
	if (sc->opt->has_seed)
		c->seed = sc->opt->seed;	/* the command line wins */
	s = args_opt_str(L, 1, "tlb_l1_4k", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l1_4k", s, &c->tlb_l1_4k_entries, &c->tlb_l1_4k_ways);
	s = args_opt_str(L, 1, "tlb_l1_2m", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l1_2m", s, &c->tlb_l1_2m_entries, &c->tlb_l1_2m_ways);
	s = args_opt_str(L, 1, "tlb_l2", NULL, "vm.config");
	if (s)
		tlb_geometry(L, "tlb_l2", s, &c->tlb_l2_entries, &c->tlb_l2_ways);
	sc->configured = true;
	scenario_machine(L);	/* the real backend ignores the machine's shape */
	/* math.random follows the scenario's seed too */
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)sc->cfg.seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	return 0;
}

/* ---- views ---- */

static struct backend *backend_of(lua_State *L)
{
	struct scenario *sc = scenario_of(L);

	scenario_machine(L);
	return &sc->be;
}

static struct lproc *view_proc(lua_State *L, const char *view, struct vm_proc *info)
{
	struct backend *be = backend_of(L);
	struct lproc *p;

	if (lua_isnoneornil(L, 2))
		luaL_error(L, "vm.show(\"%s\", p): which process?", view);
	p = lproc_check(L, 2);
	if (p->reaped || be->ops->proc_info(be, p->pid, info))
		luaL_error(L, "vm.show(\"%s\"): process %d (%s) is gone (reaped)", view, p->pid, p->name);
	return p;
}

static void snapshot(lua_State *L, struct vm_snapshot *s, const char *what)
{
	struct backend *be = backend_of(L);

	if (be->ops->snapshot(be, s))
		luaL_error(L, "%s: cannot read the machine's state (/proc)", what);
}

/* vm.show("lru" [, g, ...]): the node's lists, then each group's given. */
#define LRU_VIEW_GROUPS	16
static void lru_view(lua_State *L, struct strbuf *b)
{
	struct backend *be = backend_of(L);
	struct vm_kv kv[LRU_VIEW_GROUPS][NR_VM_MEMSTAT];
	const struct vm_kv *stats[LRU_VIEW_GROUPS];
	const char *names[LRU_VIEW_GROUPS];
	int nstats[LRU_VIEW_GROUPS], n = lua_gettop(L) - 1;
	struct vm_snapshot s;

	if (n > LRU_VIEW_GROUPS)
		luaL_error(L, "vm.show(\"lru\"): at most %d groups", LRU_VIEW_GROUPS);
	for (int i = 0; i < n; i++) {
		struct lcgroup *g = luaL_checkudata(L, i + 2, CGROUP_MT);
		uint64_t max_events, oom_events, oom_kill, peak;

		names[i] = g->name;	/* the handle, an argument, lives through the call */
		nstats[i] = be->ops->cgroup_memstat(be, g->id, kv[i], &max_events, &oom_events,
						    &oom_kill, &peak);
		if (nstats[i] < 0)
			luaL_error(L, "vm.show(\"lru\"): cannot read group %s", names[i]);
		stats[i] = kv[i];
	}
	snapshot(L, &s, "vm.show");
	view_lru(b, &s, names, stats, nstats, n);
	be->ops->snapshot_release(&s);
}

static int l_show(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct backend *be = backend_of(L);
	const char *spec = luaL_checkstring(L, 1);
	char name[32] = "";
	const char *args;
	struct strbuf b = STRBUF_INIT;
	struct vm_snapshot s;
	struct vm_proc info;
	int n = 0;

	sscanf(spec, " %31s%n", name, &n);
	args = spec + n;
	if (!strcmp(name, "free") || !strcmp(name, "vmstat") || !strcmp(name, "meminfo") ||
	    !strcmp(name, "ps") || !strcmp(name, "zoneinfo")) {
		char err[128];
		int rc = 0;

		if (strcmp(name, "free") && *args && strspn(args, " ") != strlen(args))
			luaL_error(L, "vm.show(\"%s\"): this view takes no options", spec);
		snapshot(L, &s, "vm.show");
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
		be->ops->snapshot_release(&s);
		if (rc) {
			sb_free(&b);
			luaL_error(L, "vm.show(\"%s\"): %s", spec, err);
		}
	} else if (!strcmp(name, "lru")) {
		lru_view(L, &b);
	} else if (!strcmp(name, "status")) {
		view_proc(L, name, &info);
		view_status(&b, &info);
	} else if (!strcmp(name, "maps")) {
		static char text[1 << 20];
		struct lproc *p = view_proc(L, name, &info);
		int len = be->ops->maps(be, p->pid, text, sizeof(text));

		if (len < 0)
			luaL_error(L, "vm.show(\"maps\"): process %d (%s) is gone", p->pid, p->name);
		sb_puts(&b, text);
	} else if (!strcmp(name, "smaps")) {
		view_proc(L, name, &info);
		view_smaps_rollup(&b, &info);
	} else if (!strcmp(name, "pagetable")) {
		struct lproc *p = view_proc(L, name, &info);
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
		int rc = be->ops->pagewalk(be, p->pid, addr, &w);

		if (rc == -ENOSYS) {
			fprintf(sc->out, "(pagetable: the real kernel does not show its page tables; "
				"run this scenario on the simulator to see the walk)\n");
			return 0;
		}
		if (rc) {
			fprintf(sc->out, "(pagetable: %s (pid %d) has ended: it has no address space "
				"any more)\n", p->name, p->pid);
			return 0;
		}
		view_pagetable(&b, &w, p->name);
	} else if (!strcmp(name, "dmesg")) {
		static char text[1 << 18];
		int len = be->ops->dmesg(be, text, sizeof(text));

		if (len < 0)
			luaL_error(L, "vm.show(\"dmesg\"): %s", errno_name(len));
		sb_puts(&b, text);
	} else if (!strcmp(name, "oom_score")) {
		struct vm_oom_row rows[256];
		uint64_t totalpages = 0;
		int nrows = be->ops->oom_rows(be, 0, rows, 256, &totalpages);

		if (nrows < 0)
			luaL_error(L, "vm.show(\"oom_score\"): %s", errno_name(nrows));
		view_oom_score(&b, rows, nrows);
	} else if (!strcmp(name, "oom")) {
		struct vm_oom_row rows[256];
		uint64_t totalpages = 0;
		const struct lcgroup *g = lua_isnoneornil(L, 2) ? NULL :
					  luaL_checkudata(L, 2, CGROUP_MT);
		int nrows = be->ops->oom_rows(be, g ? g->id : 0, rows, 256, &totalpages);

		if (nrows < 0)
			luaL_error(L, "vm.show(\"oom\"): %s", errno_name(nrows));
		view_oom(&b, rows, nrows, totalpages, g ? g->name : NULL);
	} else if (!strcmp(name, "sar") || !strcmp(name, "pressure")) {
		luaL_error(L, "vm.show(\"%s\"): this view arrives with the pressure work (not in "
			   "this version of vmlab)", spec);
	} else {
		luaL_error(L, "vm.show: unknown view \"%s\" (free, free -w, vmstat, meminfo, zoneinfo, "
			   "ps, status, smaps, maps, pagetable, lru, dmesg, oom, oom_score)", spec);
	}
	fputs(sb_str(&b), sc->out);
	record_text(sc, "view", spec, sb_str(&b));
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

	snapshot(L, &s, "vm.meminfo");
	push_kv_table(L, s.meminfo, s.n_meminfo);
	backend_of(L)->ops->snapshot_release(&s);
	return 1;
}

static int l_vmstat(lua_State *L)
{
	struct vm_snapshot s;

	snapshot(L, &s, "vm.vmstat");
	push_kv_table(L, s.vmstat, s.n_vmstat);
	backend_of(L)->ops->snapshot_release(&s);
	return 1;
}

/*
 * vm.oom_candidates([g]): what vm.show("oom") prints, as a list of tables
 * ({ pid, name, rss_kb, swap_kb, pte_kb, oom_score_adj, badness,
 * oom_score, chosen }), for a scenario's own user-space OOM guard.
 */
static int l_oom_candidates(lua_State *L)
{
	struct backend *be = backend_of(L);
	struct vm_oom_row rows[256];
	uint64_t totalpages = 0;
	const struct lcgroup *g = lua_isnoneornil(L, 1) ? NULL : luaL_checkudata(L, 1, CGROUP_MT);
	int n = be->ops->oom_rows(be, g ? g->id : 0, rows, 256, &totalpages);

	if (n < 0)
		return luaL_error(L, "vm.oom_candidates: %s", errno_name(n));
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 9);
		lua_pushinteger(L, rows[i].pid);
		lua_setfield(L, -2, "pid");
		lua_pushstring(L, rows[i].comm);
		lua_setfield(L, -2, "name");
		lua_pushinteger(L, rows[i].rss * 4);
		lua_setfield(L, -2, "rss_kb");
		lua_pushinteger(L, rows[i].swapents * 4);
		lua_setfield(L, -2, "swap_kb");
		lua_pushinteger(L, rows[i].pgtables * 4);
		lua_setfield(L, -2, "pte_kb");
		lua_pushinteger(L, rows[i].oom_score_adj);
		lua_setfield(L, -2, "oom_score_adj");
		if (rows[i].eligible)
			lua_pushinteger(L, rows[i].classic ? (lua_Integer)rows[i].points : rows[i].badness);
		else
			lua_pushnil(L);
		lua_setfield(L, -2, "badness");
		lua_pushinteger(L, rows[i].oom_score);
		lua_setfield(L, -2, "oom_score");
		lua_pushboolean(L, rows[i].chosen);
		lua_setfield(L, -2, "chosen");
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* ---- vm.cgroup{}: memory cgroups ---- */

int lcgroup_check(lua_State *L, int idx)
{
	return ((struct lcgroup *)luaL_checkudata(L, idx, CGROUP_MT))->id;
}

static int cgroup_tostring(lua_State *L)
{
	struct lcgroup *g = luaL_checkudata(L, 1, CGROUP_MT);

	lua_pushfstring(L, "cgroup %s", g->name);
	return 1;
}

static int cgroup_index(lua_State *L)
{
	struct lcgroup *g = luaL_checkudata(L, 1, CGROUP_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "name"))
		lua_pushstring(L, g->name);
	else if (!strcmp(k, "id"))
		lua_pushinteger(L, g->id);
	else if (!strcmp(k, "protected"))
		lua_pushboolean(L, g->protected);
	else if (!strcmp(k, "oom_group"))
		lua_pushboolean(L, g->oom_group);
	else
		lua_pushnil(L);
	return 1;
}

/*
 * vm.cgroup{ name =, max =, parent =, swappiness =, min =, low = }: a memory
 * cgroup (cgroup v2's memory.max, memory.min, memory.low; swappiness: v1's
 * memory.swappiness, refused on a v2 host; on --real a group inside the
 * run's own cgroup, v2 or v1; v1 has no min/low: said, and g.protected is
 * false). oom_group = true: memory.oom.group (g.oom_group false on v1).
 * Processes go in with vm.spawn(name, fn, { cgroup = g }); their forks stay.
 */
static int l_cgroup(lua_State *L)
{
	static const char *const known[] = { "name", "max", "parent", "swappiness", "high", "low",
					     "min", "swap_max", "oom_group", NULL };
	struct scenario *sc = scenario_of(L);
	struct lcgroup *g;
	const char *name;
	uint64_t max, min, low;
	int parent = 0, id, swappiness;
	bool protected = false, oom_group = false;
	char err[256];

	if (lproc_current(L))
		luaL_error(L, "vm.cgroup is for the scenario's top level");
	luaL_checktype(L, 1, LUA_TTABLE);
	args_check_keys(L, 1, "vm.cgroup", known);
	args_not_yet(L, 1, "high", "vm.cgroup", "memory.high's throttling comes with later work");
	args_not_yet(L, 1, "swap_max", "vm.cgroup", "memory.swap.max comes with later work");
	lua_getfield(L, 1, "name");
	name = lua_tostring(L, -1);
	if (!name || !*name || strlen(name) >= sizeof(g->name) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
	    strlen(name) || name[0] == '.')
		luaL_error(L, "vm.cgroup: name is a word of letters, digits, '_', '-' and '.' (at most "
			   "63), such as \"box\"");
	lua_pop(L, 1);
	lua_getfield(L, 1, "max");
	if (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "max")) {
		max = 0;
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		max = args_opt_size(L, 1, "max", 0, "vm.cgroup");
		if (lua_getfield(L, 1, "max") != LUA_TNIL && max < (1ULL << 20))
			luaL_error(L, "vm.cgroup: max must be at least 1M (or \"max\": no limit)");
		lua_pop(L, 1);
	}
	if (lua_getfield(L, 1, "parent") != LUA_TNIL)
		parent = lcgroup_check(L, lua_gettop(L));
	lua_pop(L, 1);
	scenario_machine(L);
	swappiness = (int)args_opt_range(L, 1, "swappiness", -1, 0, 200, "vm.cgroup");
	min = args_opt_size(L, 1, "min", 0, "vm.cgroup");
	low = args_opt_size(L, 1, "low", 0, "vm.cgroup");
	id = sc->be.ops->cgroup_create(&sc->be, name, parent, max, err, sizeof(err));
	if (id < 0)
		luaL_error(L, "vm.cgroup: %s: %s", name, err);
	if (swappiness >= 0 && sc->be.ops->cgroup_swappiness(&sc->be, id, swappiness, err,
							       sizeof(err)))
		luaL_error(L, "vm.cgroup: %s: %s", name, err);
	if (min || low) {
		int rc = sc->be.ops->cgroup_protect(&sc->be, id, min, low, err, sizeof(err));

		if (rc == -ENOTSUP)	/* said, and the run goes on: g.protected tells */
			fprintf(stderr, "vmlab: vm.cgroup %s: %s\n", name, err);
		else if (rc)
			luaL_error(L, "vm.cgroup: %s: %s", name, err);
		protected = rc == 0;
	}
	lua_getfield(L, 1, "oom_group");
	if (lua_toboolean(L, -1)) {
		int rc = sc->be.ops->cgroup_oom_group(&sc->be, id, err, sizeof(err));

		if (rc == -ENOTSUP)
			fprintf(stderr, "vmlab: vm.cgroup %s: %s\n", name, err);
		else if (rc)
			luaL_error(L, "vm.cgroup: %s: %s", name, err);
		oom_group = rc == 0;
	}
	lua_pop(L, 1);
	g = lua_newuserdatauv(L, sizeof(*g), 0);
	g->id = id;
	g->protected = protected;
	g->oom_group = oom_group;
	snprintf(g->name, sizeof(g->name), "%s", name);
	luaL_setmetatable(L, CGROUP_MT);
	return 1;
}

/*
 * vm.memstat(g): the group's memory.stat and current, its memory.events
 * (max_events, oom_events, oom_kill; v1 has no OOM count: oom_events nil)
 * and peak.
 */
static int cgroup_memstat_push(lua_State *L, int id)
{
	struct scenario *sc = scenario_of(L);
	struct vm_kv kv[NR_VM_MEMSTAT];
	uint64_t max_events, oom_events, oom_kill, peak;
	int n = sc->be.ops->cgroup_memstat(&sc->be, id, kv, &max_events, &oom_events, &oom_kill,
					   &peak);

	if (n < 0)
		return luaL_error(L, "vm.memstat: cannot read the group: %s", strerror(-n));
	push_kv_table(L, kv, n);
	lua_pushinteger(L, (lua_Integer)max_events);
	lua_setfield(L, -2, "max_events");
	if (oom_events != UINT64_MAX) {		/* cgroup v1 counts no OOMs: nil */
		lua_pushinteger(L, (lua_Integer)oom_events);
		lua_setfield(L, -2, "oom_events");
	}
	lua_pushinteger(L, (lua_Integer)oom_kill);
	lua_setfield(L, -2, "oom_kill");
	lua_pushinteger(L, (lua_Integer)peak);
	lua_setfield(L, -2, "peak");
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "own");
	return 1;
}

/*
 * vm.memstat(): the run's memory cgroup (memory.stat's keys both cgroup
 * versions have, in v2's names and bytes, and "current"). Its own figures,
 * which no other process on the machine moves; the real kernel's lag behind
 * by up to some 128 updates per CPU (cgroup.h says why). own = false when
 * the run has no cgroup of its own (--real without root) and these are the
 * figures of the cgroup vmlab was started in, which others may share.
 */
static int l_memstat(lua_State *L)
{
	struct vm_snapshot s;

	if (!lua_isnoneornil(L, 1))
		return cgroup_memstat_push(L, lcgroup_check(L, 1));
	snapshot(L, &s, "vm.memstat");
	if (!s.n_memstat) {
		backend_of(L)->ops->snapshot_release(&s);
		return luaL_error(L, "vm.memstat: there is no memory cgroup to read (--real makes one "
				  "for the run when run as root)");
	}
	push_kv_table(L, s.memstat, s.n_memstat);
	lua_pushboolean(L, s.memstat_own);
	lua_setfield(L, -2, "own");
	backend_of(L)->ops->snapshot_release(&s);
	return 1;
}

/*
 * vm.usage(): the run's processes summed, from their /proc/PID/status and
 * smaps_rollup: exact on both kernels (page-table walks and per-mm counters,
 * no batching) and moved by no other process. A page shared by n of them
 * counts 1/n in each one's Pss, so the Pss sums count every page once.
 */
static int l_usage(lua_State *L)
{
	struct vm_snapshot s;
	struct vm_kv sum[] = {
		{ "processes", 0 }, { "rss_kb", 0 }, { "pss_kb", 0 }, { "pss_anon_kb", 0 },
		{ "pss_file_kb", 0 }, { "pss_shmem_kb", 0 }, { "swap_kb", 0 }, { "pte_kb", 0 },
	};

	snapshot(L, &s, "vm.usage");
	for (int i = 0; i < s.nprocs; i++) {
		const struct vm_proc *p = &s.procs[i];

		if (p->state == 'Z')
			continue;
		sum[0].value++;
		sum[1].value += (int64_t)p->rss_kb;
		sum[2].value += (int64_t)p->pss;
		sum[3].value += (int64_t)p->pss_anon;
		sum[4].value += (int64_t)p->pss_file;
		sum[5].value += (int64_t)p->pss_shmem;
		sum[6].value += (int64_t)p->swap_kb;
		sum[7].value += (int64_t)p->vm_pte_kb;
	}
	backend_of(L)->ops->snapshot_release(&s);
	push_kv_table(L, sum, (int)(sizeof(sum) / sizeof(sum[0])));
	return 1;
}

/* vm.ncpus(): the simulated machine's CPUs, or this one's online CPUs. */
static int l_ncpus(lua_State *L)
{
	lua_pushinteger(L, scenario_ncpus(scenario_of(L)));
	return 1;
}

/* vm.zoneinfo(): { DMA = { free=, min=, low=, high=, managed=, ... }, ... } in pages */
static int l_zoneinfo(lua_State *L)
{
	struct vm_snapshot s;

	snapshot(L, &s, "vm.zoneinfo");
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
	backend_of(L)->ops->snapshot_release(&s);
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
		if (lua_pcall(L, n - 1, 1, 0) != LUA_OK)	/* said at the scenario's line */
			luaL_error(L, "vm.expect: its message: %s", lua_tostring(L, -1));
		msg = lua_tostring(L, -1);
	}
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		snprintf(where, sizeof(where), "%s:%d", ar.short_src, ar.currentline);
	if (!ok) {
		fflush(sc->out);
		fprintf(stderr, "%s: expectation failed: %s\n", where, msg);
	}
	record_text(sc, ok ? "expect-ok" : "expect-failed", where, msg);
	sc->sink(sc, ok ? MSG_EXPECT_OK : MSG_EXPECT_FAILED, "");
	lua_pushboolean(L, ok);
	return 1;
}

/*
 * vm.near(got, want, slack): got == want on the simulator; within slack (a
 * number, or "N%" of want) on the real kernel, whose machine-wide counters
 * (vm.vmstat, vm.meminfo) also move with every other process, vmlab's own
 * Lua runtime included.
 */
static int l_near(lua_State *L)
{
	lua_Number got = luaL_checknumber(L, 1), want = luaL_checknumber(L, 2), slack;
	const char *s;

	if (lua_type(L, 3) == LUA_TSTRING) {
		char *end;

		s = lua_tostring(L, 3);
		slack = strtod(s, &end);
		if (end == s || strcmp(end, "%") || slack < 0)
			luaL_error(L, "vm.near: slack is a number or a percentage such as \"1%%\", got \"%s\"", s);
		slack = slack / 100 * (want < 0 ? -want : want);
	} else {
		slack = luaL_checknumber(L, 3);
		if (slack < 0)
			luaL_error(L, "vm.near: slack must not be negative");
	}
	if (!scenario_of(L)->opt->real)
		slack = 0;
	lua_pushboolean(L, got >= want - slack && got <= want + slack);
	return 1;
}

static int l_backend(lua_State *L)
{
	lua_pushstring(L, scenario_of(L)->be.ops->name);
	return 1;
}

void lvm_register(lua_State *L)
{
	const luaL_Reg fns[] = {
		{ "config", l_config }, { "spawn", lproc_spawn }, { "wait", lproc_wait },
		{ "wait_ready", lproc_wait_ready }, { "kill", lproc_kill }, { "show", l_show },
		{ "meminfo", l_meminfo }, { "vmstat", l_vmstat }, { "zoneinfo", l_zoneinfo },
		{ "memstat", l_memstat }, { "usage", l_usage }, { "ncpus", l_ncpus },
		{ "oom_candidates", l_oom_candidates },
		{ "mark", l_mark }, { "expect", l_expect }, { "near", l_near }, { "backend", l_backend },
		{ "cgroup", l_cgroup }, { NULL, NULL },
	};

	luaL_newmetatable(L, CGROUP_MT);
	lua_pushcfunction(L, cgroup_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, cgroup_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	luaL_newlib(L, fns);
	lfile_register(L, lua_gettop(L), 0);
	lua_pushinteger(L, (lua_Integer)VM_PAGE_SIZE);
	lua_setfield(L, -2, "PAGE");
	lua_setglobal(L, "vm");
}
