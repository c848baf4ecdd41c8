/*
 * lmem.c - a process's memory methods (self:mmap, touch, malloc, stat...),
 * the same on both backends: arguments are read strictly, the operation runs
 * on the backend (simulated or real kernel), and its result comes back as a
 * table with the operation's own deltas.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scenario.h"

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
	/* a trailing { tolerance = ... } is the call's options (range_opts), not a size */
	if (off_idx && !lua_isnoneornil(L, off_idx) && !lua_istable(L, off_idx))
		off = args_size(L, off_idx, what);
	if (len_idx && !lua_isnoneornil(L, len_idx) && !lua_istable(L, len_idx))
		*len = args_size(L, len_idx, what);
	else if (has_len)
		*len = off <= hlen ? hlen - off : 0;
	else
		*len = VM_PAGE_SIZE;
	if (has_len && (off > hlen || *len > hlen - off))
		luaL_error(L, "%s: offset %I + length %I runs past the end of the mapping (%I bytes)",
			   what, (lua_Integer)off, (lua_Integer)*len, (lua_Integer)hlen);
	*addr += off;
}

/*
 * The options of a range operation (munmap, mprotect, madvise, mlock,
 * munlock): a table after the handle, in place of its offset or length or
 * after them, with only a tolerance for vmlab compare. Its index, or 0.
 */
static int range_opts(lua_State *L, int first, const char *what)
{
	static const char *const known[] = { "tolerance", NULL };
	int top = lua_gettop(L);

	if (top < first || !lua_istable(L, top))
		return 0;
	for (int i = first; i < top; i++)
		if (lua_istable(L, i))
			luaL_error(L, "%s: the options table comes last", what);
	args_check_keys(L, top, what, known);
	args_tolerance(L, top, what);
	return top;
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
					     "hugetlb", "addr", "fixed", "noreserve", "tolerance", NULL };
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "mmap");
	struct vm_mmap_args a = { 0 };
	struct vm_result r;
	uint64_t addr;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	args_check_keys(L, 2, "mmap", known);
	args_tolerance(L, 2, "mmap");
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
	if (args_opt_bool(L, 2, "hugetlb", false, "mmap"))
		luaL_error(L, "mmap: hugetlb arrives with the huge-page work (not in this version of "
			   "vmlab)");
	if (lua_getfield(L, 2, "file") != LUA_TNIL)
		a.file = lfile_check(L, lua_gettop(L), "mmap file");
	lua_pop(L, 1);
	a.offset = args_opt_size(L, 2, "offset", 0, "mmap");
	if (a.offset && !a.file)
		luaL_error(L, "mmap: offset applies to file mappings only");
	if (a.offset & (VM_PAGE_SIZE - 1))
		luaL_error(L, "mmap: offset %I is not a multiple of vm.PAGE", (lua_Integer)a.offset);
	err = sc->be.ops->mmap(&sc->be, p->pid, &a, &addr, &r);
	record_op(sc, p, "mmap", &r, err, L, 2);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_handle(L, addr, a.len, "mmap", &r);
	return lproc_finish_op(L, 1);
}

/* The common tail of munmap, mprotect, madvise, mlock, munlock (opts: range_opts()). */
static int range_op_done(lua_State *L, struct lproc *p, const char *op, int err,
			 const struct vm_result *r, int opts)
{
	struct scenario *sc = scenario_of(L);

	record_op(sc, p, op, r, err, L, opts);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_result(L, r);
	return lproc_finish_op(L, 1);
}

static int m_munmap(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "munmap");
	uint64_t addr, len;
	struct vm_result r;
	int err;

	int opts = range_opts(L, 3, "munmap");

	get_range(L, 2, 3, 4, "munmap", &addr, &len);
	err = sc->be.ops->munmap(&sc->be, p->pid, addr, len, &r);
	return range_op_done(L, p, "munmap", err, &r, opts);
}

static int m_mprotect(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "mprotect");
	uint64_t addr, len;
	struct vm_result r;
	int prot, err;

	int opts = range_opts(L, 4, "mprotect");

	prot = parse_prot(L, luaL_checkstring(L, 3), "mprotect");
	get_range(L, 2, 4, 5, "mprotect", &addr, &len);
	err = sc->be.ops->mprotect(&sc->be, p->pid, addr, len, prot, &r);
	return range_op_done(L, p, "mprotect", err, &r, opts);
}

static int m_madvise(lua_State *L)
{
	static const char *const names[NR_VM_MADV] = {
		"normal", "random", "sequential", "willneed", "dontneed", "cold", "pageout",
		"hugepage", "nohugepage", "populate_read", "populate_write", "dontfork", "dofork",
	};
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "madvise");
	const char *adv = luaL_checkstring(L, 3);
	uint64_t addr, len;
	struct vm_result r;
	int i, err, opts;
	char op[40];

	for (i = 0; i < NR_VM_MADV; i++)
		if (!strcmp(names[i], adv))
			break;
	if (i == NR_VM_MADV)
		luaL_error(L, "madvise: unknown advice \"%s\" (normal random sequential willneed "
			   "dontneed cold pageout hugepage nohugepage populate_read populate_write "
			   "dontfork dofork)", adv);
	if (i == VM_MADV_HUGEPAGE && !sc->opt->real)
		luaL_error(L, "madvise: hugepage: transparent huge page faults are not modelled in this "
			   "version of vmlab (the real kernel would fault 2 MiB at a time: vmlab run --real "
			   "does it)");
	opts = range_opts(L, 4, "madvise");
	get_range(L, 2, 4, 5, "madvise", &addr, &len);
	err = sc->be.ops->madvise(&sc->be, p->pid, addr, len, (enum vm_madv)i, &r);
	snprintf(op, sizeof(op), "madvise(%s)", adv);
	return range_op_done(L, p, op, err, &r, opts);
}

static int lock_op(lua_State *L, bool on)
{
	const char *op = on ? "mlock" : "munlock";
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, op);
	uint64_t addr, len;
	struct vm_result r;
	int err, opts = range_opts(L, 3, op);

	get_range(L, 2, 3, 4, op, &addr, &len);
	err = sc->be.ops->mlock(&sc->be, p->pid, addr, len, on, &r);
	return range_op_done(L, p, op, err, &r, opts);
}

static int m_mlock(lua_State *L) { return lock_op(L, true); }
static int m_munlock(lua_State *L) { return lock_op(L, false); }

/* ---- touch: resumable across scheduling quanta ---- */

struct touch_ud {
	struct backend *be;
	void *op;
};

static int touch_gc(lua_State *L)
{
	struct touch_ud *u = lua_touserdata(L, 1);

	if (u->op)
		u->be->ops->touch_end(u->op);
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
	sc->pending_op = "touch";
	rc = sc->be.ops->touch_step(&sc->be, u->op, &r);
	sc->pending_op = NULL;
	if (rc == VM_EMORE) {
		scenario_guard(L, p->pid);	/* a touch of passes = 1 << 62 ends here */
		return scenario_yield(L, ctx, touch_cont);
	}
	sc->be.ops->touch_end(u->op);
	u->op = NULL;
	record_op(sc, p, "touch", &r, rc, L, 3);
	if (rc == VM_ESIGNAL)
		return lproc_died(L, p);
	if (rc == -ENOMEM)
		luaL_error(L, "touch: out of memory: reclaim could not free a page and the OOM killer "
			   "found no process it may kill (oom_score_adj -1000, or nothing in the group): "
			   "the real kernel would panic (\"System is deadlocked on memory\") or, in a "
			   "memory cgroup, retry the fault for ever (give vm.config more ram or swap, or "
			   "the vm.cgroup a larger max)");
	if (rc)
		luaL_error(L, "touch: %s", errno_name(rc));
	push_result(L, &r);
	return lproc_finish_op(L, 1);
}

static int m_touch(lua_State *L)
{
	static const char *const known[] = { "op", "off", "len", "stride", "order", "passes",
					     "value", "zipf", "count", "tolerance", NULL };
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "touch");
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
	args_tolerance(L, 3, "touch");
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
		double s = lua_tonumber(L, -1);

		/* the sampler needs a finite exponent (inf or nan never lands on a page) */
		if (!lua_isnumber(L, -1) || !(s > 0 && s <= 1000))
			luaL_error(L, "touch: zipf is the skew exponent, a number above 0 and at most "
				   "1000 (0.99 is common), got %s", luaL_tolstring(L, -1, NULL));
		if (a.order != VM_ORDER_SEQ)
			luaL_error(L, "touch: zipf chooses the order itself; leave order out");
		a.zipf = lua_tonumber(L, -1);
		a.order = VM_ORDER_ZIPF;
		{
			int64_t count = args_opt_int(L, 3, "count", 0, "touch");

			if (count < 0)
				luaL_error(L, "touch: count is a number of accesses, 0 or more, got %I",
					   (lua_Integer)count);
			a.count = (uint64_t)count;
		}
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
	a.seed = prng_next(&p->rng);	/* the same order on either kernel */
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->be = &sc->be;
	u->op = NULL;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, touch_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	ud = lua_gettop(L);
	u->op = sc->be.ops->touch_begin(&sc->be, p->pid, &a, &err);
	if (!u->op)
		luaL_error(L, "touch: %s", errno_name(err));
	return touch_cont(L, LUA_OK, ud);
}

/* self:read(h, off) -> value, result; self:write(h, off, value) -> result */
static int access_op(lua_State *L, bool write)
{
	const char *op = write ? "write" : "read";
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, op);
	uint64_t addr, len;
	struct vm_result r;
	int value = write ? args_value(L, 4, op) : 0, rc;

	get_range(L, 2, 3, 0, op, &addr, &len);
	sc->pending_op = op;
	rc = sc->be.ops->access(&sc->be, p->pid, addr, write, (uint8_t)value, &r);
	sc->pending_op = NULL;
	record_op(sc, p, op, &r, rc, L, 0);
	if (rc == VM_ESIGNAL)
		return lproc_died(L, p);
	if (rc)
		luaL_error(L, "%s: %s", op, errno_name(rc));
	if (!write)
		lua_pushinteger(L, r.value);
	push_result(L, &r);
	return lproc_finish_op(L, write ? 1 : 2);
}

static int m_read(lua_State *L) { return access_op(L, false); }
static int m_write(lua_State *L) { return access_op(L, true); }

/* ---- the C library ---- */

static int alloc_op(lua_State *L, bool zero)
{
	const char *op = zero ? "calloc" : "malloc";
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, op);
	static const char *const known[] = { "tolerance", NULL };
	uint64_t size = args_size(L, 2, op), addr;
	struct vm_result r;
	int err;

	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		args_check_keys(L, 3, op, known);
		args_tolerance(L, 3, op);
	}

	sc->pending_op = op;
	err = sc->be.ops->alloc(&sc->be, p->pid, size, zero, &addr, &r);
	sc->pending_op = NULL;
	record_op(sc, p, op, &r, err, L, 3);
	if (err == VM_ESIGNAL)
		return lproc_died(L, p);
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
	struct lproc *p = lproc_self(L, "free");
	struct vm_result r;
	uint64_t addr, len;
	int err;

	if (lua_isnil(L, 2)) {
		memset(&r, 0, sizeof(r));
		push_result(L, &r);
		return lproc_finish_op(L, 1);	/* free(NULL) */
	}
	get_range(L, 2, 0, 0, "free", &addr, &len);
	sc->pending_op = "free";
	err = sc->be.ops->free(&sc->be, p->pid, addr, &r);
	sc->pending_op = NULL;
	if (err == -EINVAL)
		luaL_error(L, "free: %p was not returned by malloc, or was freed already (glibc "
			   "would abort the process: \"free(): invalid pointer\")", (void *)(uintptr_t)addr);
	record_op(sc, p, "free", &r, err, L, 0);
	if (err == VM_ESIGNAL)
		return lproc_died(L, p);
	push_result(L, &r);
	return lproc_finish_op(L, 1);
}

static int m_malloc_trim(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "malloc_trim");
	uint64_t pad = lua_isnoneornil(L, 2) ? 0 : args_size(L, 2, "malloc_trim");
	struct vm_result r;
	int ret;

	sc->pending_op = "malloc_trim";
	ret = sc->be.ops->trim(&sc->be, p->pid, pad, &r);
	sc->pending_op = NULL;
	record_op(sc, p, "malloc_trim", &r, ret < 0 ? ret : 0, L, 0);
	if (ret == VM_ESIGNAL)
		return lproc_died(L, p);
	push_result(L, &r);
	lua_pushboolean(L, ret == 1);
	lua_setfield(L, -2, "released");
	return lproc_finish_op(L, 1);
}

static void set_int(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static int m_stat(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "stat");
	struct vm_proc i;

	if (sc->be.ops->proc_info(&sc->be, p->pid, &i))
		luaL_error(L, "stat: cannot read this process's state");
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
	set_int(L, "lck_kb", (int64_t)i.vm_lck_kb);
	set_int(L, "pte_kb", (int64_t)i.vm_pte_kb);
	set_int(L, "hwm_kb", (int64_t)i.vm_hwm_kb);
	set_int(L, "peak_kb", (int64_t)i.vm_peak_kb);
	set_int(L, "data_kb", (int64_t)i.vm_data_kb);
	set_int(L, "oom_score", i.oom_score);
	set_int(L, "oom_score_adj", i.oom_score_adj);
	set_int(L, "heap_kb", (int64_t)i.heap_kb);
	set_int(L, "pss_kb", (int64_t)i.pss);
	set_int(L, "pss_anon_kb", (int64_t)i.pss_anon);
	if (!sc->opt->real)		/* perf's page-faults event: the simulator counts it */
		set_int(L, "perf_faults", (int64_t)i.perf_faults);
	set_int(L, "private_dirty_kb", (int64_t)i.private_dirty);
	set_int(L, "shared_dirty_kb", (int64_t)i.shared_dirty);
	return lproc_finish_op(L, 1);
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

void lmem_register(lua_State *L, int methods)
{
	static const luaL_Reg fns[] = {
		{ "mmap", m_mmap }, { "munmap", m_munmap }, { "mprotect", m_mprotect },
		{ "madvise", m_madvise }, { "mlock", m_mlock }, { "munlock", m_munlock },
		{ "touch", m_touch }, { "read", m_read }, { "write", m_write },
		{ "malloc", m_malloc }, { "calloc", m_calloc }, { "free", m_free },
		{ "malloc_trim", m_malloc_trim }, { "stat", m_stat }, { NULL, NULL },
	};

	lua_pushvalue(L, methods);
	luaL_setfuncs(L, fns, 0);
	lua_pop(L, 1);
	lfile_register(L, 0, methods);
	luaL_newmetatable(L, MAPPING_MT);
	lua_pushcfunction(L, mapping_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
}
