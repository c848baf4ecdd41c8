/*
 * lfile.c - files in scenarios: vm.file{}, vm.unlink, vm.sync,
 * vm.drop_caches, and a process's read_file, write_file and fsync; the
 * same on both backends (the simulated disk, or the run's own directory
 * on the real one: src/real/files.c).
 *
 *	local f = vm.file{ name = "large_file.dat", size = "100M", value = 7 }
 *	self:read_file(f, { off = 0, len = f.size })	-- read(2), 128 KiB a call
 *	self:write_file(f, { off = 0, len = "1M", value = 9 })
 *	self:fsync(f)   vm.sync()   vm.drop_caches()   vm.unlink(f)
 *	local m = self:mmap{ len = f.size, file = f, shared = false, offset = 0 }
 *
 * A new file is on disk and not in the page cache, as after a reboot;
 * vm.drop_caches() makes it so again (sync, then the clean pages of the
 * run's files go: on the real kernel fsync + POSIX_FADV_DONTNEED of the
 * run's own files, never the host's caches). Offsets and lengths are whole
 * pages: a content value is one per page.
 */
#include <errno.h>
#include <string.h>
#include "scenario.h"

#define FILE_MT "vmlab.file"

struct lfile {
	int id;
	bool tmpfs;
	char name[64];
};

static struct lfile *check_file(lua_State *L, int idx, const char *what)
{
	struct lfile *f = luaL_testudata(L, idx, FILE_MT);

	if (!f)
		luaL_error(L, "%s: expected a file (from vm.file{}), got %s", what,
			   luaL_typename(L, idx));
	return f;
}

int lfile_check(lua_State *L, int idx, const char *what)
{
	return check_file(L, idx, what)->id;
}

static int file_index(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lfile *f = luaL_checkudata(L, 1, FILE_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "name")) {
		lua_pushstring(L, f->name);
	} else if (!strcmp(k, "id")) {
		lua_pushinteger(L, f->id);
	} else if (!strcmp(k, "tmpfs")) {
		lua_pushboolean(L, f->tmpfs);
	} else if (!strcmp(k, "size")) {
		int64_t n = sc->be.ops->file_size(&sc->be, f->id);

		if (n < 0)
			luaL_error(L, "file %s: %s", f->name, n == -ENOENT ? "unlinked" :
				   errno_name((int)n));
		lua_pushinteger(L, (lua_Integer)n);
	} else {
		lua_pushnil(L);
	}
	return 1;
}

static int file_tostring(lua_State *L)
{
	struct lfile *f = luaL_checkudata(L, 1, FILE_MT);

	lua_pushfstring(L, "file %s", f->name);
	return 1;
}

/* vm.file{ name =, size = 0, value = 0, tmpfs = false } */
static int l_file(lua_State *L)
{
	static const char *const known[] = { "name", "size", "value", "tmpfs", NULL };
	struct scenario *sc = scenario_of(L);
	struct lfile *f;
	const char *name;
	uint64_t size;
	int value = 0, tmpfs, id;
	char err[256];

	if (lproc_current(L))
		luaL_error(L, "vm.file is for the scenario's top level");
	luaL_checktype(L, 1, LUA_TTABLE);
	args_check_keys(L, 1, "vm.file", known);
	lua_getfield(L, 1, "name");
	name = lua_tostring(L, -1);
	if (!name || !*name)
		luaL_error(L, "vm.file: name is required (for example name = \"large_file.dat\")");
	lua_pop(L, 1);
	size = args_opt_size(L, 1, "size", 0, "vm.file");
	if (size & (VM_PAGE_SIZE - 1))
		luaL_error(L, "vm.file: size %I is not a whole number of pages (vm.PAGE)",
			   (lua_Integer)size);
	if (lua_getfield(L, 1, "value") != LUA_TNIL)
		value = args_value(L, -1, "vm.file value");
	lua_pop(L, 1);
	tmpfs = args_opt_bool(L, 1, "tmpfs", false, "vm.file");
	scenario_machine(L);
	id = sc->be.ops->file_create(&sc->be, name, size, (uint8_t)value, tmpfs, err, sizeof(err));
	if (id < 0)
		luaL_error(L, "vm.file: %s: %s", name, err);
	f = lua_newuserdatauv(L, sizeof(*f), 0);
	f->id = id;
	f->tmpfs = tmpfs;
	snprintf(f->name, sizeof(f->name), "%s", name);
	luaL_setmetatable(L, FILE_MT);
	return 1;
}

static int l_unlink(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lfile *f = check_file(L, 1, "vm.unlink");
	int err = sc->be.ops->file_unlink(&sc->be, f->id);

	if (err)
		luaL_error(L, "vm.unlink: %s: %s", f->name, err == -ENOENT ? "already unlinked" :
			   errno_name(err));
	return 0;
}

/* vm.sync(): sync(2) by the process calling it, or by the driver at the top level. */
static int l_sync(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	int pid = lproc_current(L), err;
	struct vm_result r;

	scenario_machine(L);
	err = sc->be.ops->sync(&sc->be, pid, &r);
	if (err)
		luaL_error(L, "vm.sync: %s", errno_name(err));
	return 0;
}

static int l_drop_caches(lua_State *L)
{
	struct scenario *sc = scenario_of(L);

	scenario_machine(L);
	sc->be.ops->drop_caches(&sc->be);
	return 0;
}

/* The { off =, len = [, value = ] } of read_file/write_file: whole pages inside what is allowed. */
static void io_range(lua_State *L, int id, const char *what, uint64_t *off, uint64_t *len,
		     bool write)
{
	static const char *const known_r[] = { "off", "len", "tolerance", NULL };
	static const char *const known_w[] = { "off", "len", "value", "tolerance", NULL };
	struct scenario *sc = scenario_of(L);
	int64_t size = sc->be.ops->file_size(&sc->be, id);

	if (size < 0)
		luaL_error(L, "%s: the file is unlinked", what);
	lua_settop(L, 3);
	if (lua_isnil(L, 3)) {
		lua_newtable(L);
		lua_replace(L, 3);
	}
	luaL_checktype(L, 3, LUA_TTABLE);
	args_check_keys(L, 3, what, write ? known_w : known_r);
	args_tolerance(L, 3, what);
	*off = args_opt_size(L, 3, "off", 0, what);
	*len = args_opt_size(L, 3, "len", !write && (uint64_t)size > *off ? (uint64_t)size - *off :
			     0, what);
	if ((*off | *len) & (VM_PAGE_SIZE - 1))
		luaL_error(L, "%s: off %I and len %I must be whole pages (multiples of vm.PAGE)", what,
			   (lua_Integer)*off, (lua_Integer)*len);
	if (write && !*len)
		luaL_error(L, "%s: len is required", what);
}

/* The common tail: the record, then the result (read_file's with the value it read). */
static int io_done(lua_State *L, struct lproc *p, const char *op, int err, const struct vm_result *r,
		   bool value)
{
	struct scenario *sc = scenario_of(L);

	record_op(sc, p, op, r, err, L, 3);
	if (err == VM_ESIGNAL)
		return lproc_died(L, p);
	if (err)
		return lproc_finish_op(L, push_errno(L, err));
	push_result(L, r);
	if (value) {
		lua_pushinteger(L, r->value);
		lua_setfield(L, -2, "value");
	}
	return lproc_finish_op(L, 1);
}

static int m_read_file(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "read_file");
	int id = lfile_check(L, 2, "read_file"), err;
	uint64_t off, len;
	struct vm_result r;

	io_range(L, id, "read_file", &off, &len, false);
	err = sc->be.ops->file_read(&sc->be, p->pid, id, off, len, &r);
	return io_done(L, p, "read_file", err, &r, true);
}

static int m_write_file(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "write_file");
	int id = lfile_check(L, 2, "write_file"), err, value = 1;
	uint64_t off, len;
	struct vm_result r;

	io_range(L, id, "write_file", &off, &len, true);
	if (lua_getfield(L, 3, "value") != LUA_TNIL)
		value = args_value(L, -1, "write_file value");
	lua_pop(L, 1);
	err = sc->be.ops->file_write(&sc->be, p->pid, id, off, len, (uint8_t)value, &r);
	return io_done(L, p, "write_file", err, &r, false);
}

static int m_fsync(lua_State *L)
{
	struct scenario *sc = scenario_of(L);
	struct lproc *p = lproc_self(L, "fsync");
	int id = lfile_check(L, 2, "fsync"), err;
	struct vm_result r;

	lua_settop(L, 3);
	if (lua_isnil(L, 3)) {
		lua_newtable(L);
		lua_replace(L, 3);
	}
	err = sc->be.ops->fsync(&sc->be, p->pid, id, &r);
	return io_done(L, p, "fsync", err, &r, false);
}

void lfile_register(lua_State *L, int vm, int methods)
{
	static const luaL_Reg vm_fns[] = {
		{ "file", l_file }, { "unlink", l_unlink }, { "sync", l_sync },
		{ "drop_caches", l_drop_caches }, { NULL, NULL },
	};
	static const luaL_Reg proc_fns[] = {
		{ "read_file", m_read_file }, { "write_file", m_write_file }, { "fsync", m_fsync },
		{ NULL, NULL },
	};

	luaL_newmetatable(L, FILE_MT);
	lua_pushcfunction(L, file_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, file_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	if (vm) {
		lua_pushvalue(L, vm);
		luaL_setfuncs(L, vm_fns, 0);
		lua_pop(L, 1);
	}
	if (methods) {
		lua_pushvalue(L, methods);
		luaL_setfuncs(L, proc_fns, 0);
		lua_pop(L, 1);
	}
}
