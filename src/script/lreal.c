/*
 * lreal.c - the scenario layer's side of real processes (vmlab run --real).
 *
 * The processes themselves, the driver that supervises them and the memory
 * cgroup they run in are src/real/supervisor.c's, behind the backend
 * interface. What is left here needs Lua or the scenario: the body of a
 * new process (its function, run in its own copy of the Lua state), the
 * sink that sends its records and expectations to the driver, and the
 * hooks through which the driver hears of them.
 */
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "scenario.h"
#include "../real/supervisor.h"

/* sc->sink in a scenario process: everything goes to the driver. */
static void child_sink(struct scenario *sc, char type, const char *text)
{
	(void)sc;
	supervisor_send(type, text);
}

_Noreturn void lreal_run_process(lua_State *L, const char *name, bool spawned, int fn_idx)
{
	struct scenario *sc = scenario_of(L);

	sc->sink = child_sink;
	sc->running_pid = supervisor_self();
	lua_pushcfunction(L, scenario_msgh);
	lua_pushvalue(L, fn_idx);
	lproc_new(L, sc->running_pid, name, spawned);
	if (lua_pcall(L, 1, 0, -3) != LUA_OK) {
		supervisor_send(SUPERVISOR_ERROR, lua_tostring(L, -1));
		supervisor_exit(70);
	}
	record_text(sc, "exit", "", "0");	/* the function returned: exit(0) */
	supervisor_exit(0);
}

int lreal_raise(lua_State *L)
{
	struct scenario *sc = scenario_of(L);

	lua_pushstring(L, sc->proc_error);
	return lua_error(L);
}

/* ---- what the driver hears ---- */

static void hook_deliver(void *ctx, char type, const char *text)
{
	scenario_deliver(ctx, type, text);
}

static void hook_died_in_op(void *ctx, int pid, const char *name, const char *op)
{
	struct lproc p = { .pid = pid };

	snprintf(p.name, sizeof(p.name), "%s", name);
	record_op(ctx, &p, op, NULL, VM_ESIGNAL, NULL, 0);
}

static void hook_ended(void *ctx, int pid, const char *name, const struct vm_status *st)
{
	struct lproc p = { .pid = pid, .spawned = true };

	snprintf(p.name, sizeof(p.name), "%s", name);
	lproc_announce(ctx, &p, st);
}

static void hook_error(void *ctx, const char *text)
{
	struct scenario *sc = ctx;

	snprintf(sc->proc_error, sizeof(sc->proc_error), "%s", text);
}

int lreal_begin(struct scenario *sc, char *err, size_t n)
{
	struct real_options o = {
		.limit = sc->opt->limit, .swapfile = sc->opt->swapfile, .check = sc->opt->check,
		.pending_op = &sc->pending_op,
	};

	sc->be.hooks = (struct backend_hooks){
		.ctx = sc, .deliver = hook_deliver, .died_in_op = hook_died_in_op,
		.ended = hook_ended, .error = hook_error,
	};
	struct sysinfo si;
	int rc = supervisor_begin(&sc->be, &o, err, n);

	/* the swap the run has (with --swapfile, its own file) */
	if (!rc && !sysinfo(&si))
		sc->real_swap = (uint64_t)si.totalswap * si.mem_unit;
	return rc;
}
