/*
 * scenario.h - running a Lua scenario, on the simulated kernel or (--real)
 * on this machine's.
 *
 * A scenario is a Lua program using the `vm` module (DESIGN.md). On the
 * simulator each process it spawns or forks is a Lua coroutine that runs its
 * function; the simulated kernel's scheduler (vm_sched_next) decides which
 * coroutine to resume, always the process with the earliest simulated clock,
 * so processes interleave in simulated time and a run is reproducible. An
 * operation that finishes, or a long one whose quantum ends, yields back to
 * the scheduler when another process is due first. On the real kernel each
 * is a real process with its own copy of the Lua state (lreal.c).
 *
 * Everything a process does, its memory operations and its life (spawn,
 * fork, wait, kill...), goes through the backend interface
 * (src/backend/backend.h); the bindings are the same for both kernels.
 *
 * The top level of the script is the "driver": it configures the machine,
 * spawns processes, waits for them and shows views; it is not a scenario
 * process itself.
 */
#ifndef VMLAB_SCENARIO_H
#define VMLAB_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>
#include <lua.h>
#include <lauxlib.h>
#include "../../include/vmlab.h"
#include "../report/json.h"
#include "../lib/errname.h"
#include "../lib/prng.h"
#include "../backend/backend.h"
#include "../real/real.h"

struct run_options {
	const char *path;		/* the scenario file */
	int argc;			/* its arguments */
	char **argv;
	bool check;			/* --check or --check=N */
	uint64_t check_every;		/* N: recount after every Nth operation (and at the end) */
	bool events;			/* --events */
	const char *json;		/* --json FILE */
	bool has_seed;			/* --seed N */
	uint64_t seed;
	const char *costs;		/* --costs FILE */
	bool real;			/* --real */
	uint64_t limit;			/* --limit: the real run's memory cgroup */
	uint64_t swapfile;		/* --swapfile: the real run's own swap file (bytes) */
	const char *kernel;		/* --kernel NAME|host */
	/* the guards of a run, each ending it with exit 2 and its name; 0: none */
	uint64_t max_sim_ns;		/* --max-sim-time: simulated time (sim only) */
	uint64_t timeout_ns;		/* --timeout: wall-clock time */
	uint64_t lua_mem;		/* --lua-mem: the Lua state's bytes */
	bool unsafe;			/* --unsafe: Lua's full libraries (lsandbox.c) */
};

/* The guards' defaults (vmlab help run says them). */
#define DEFAULT_MAX_SIM_NS	(3600ULL * 1000000000ULL)	/* 1 h */
#define DEFAULT_TIMEOUT_NS	(1800ULL * 1000000000ULL)	/* 30 min */
#define DEFAULT_LUA_MEM		(1ULL << 30)			/* 1 GiB */

struct scenario;
struct lproc;

/* The kinds of things processes tell the driver (sc->sink). */
#define MSG_RECORD		'R'	/* a JSON record */
#define MSG_EXPECT_OK		'E'
#define MSG_EXPECT_FAILED	'F'

struct scenario {
	lua_State *L;
	const struct run_options *opt;
	struct vm_config cfg;
	char cfg_kernel[16], cfg_policy[16], cfg_oom[16];
	struct backend be;
	vm_machine *m;			/* sim: the machine (be.priv), once booted */
	int running_pid;		/* the process running this code, 0: the driver */
	char proc_error[2048];		/* real: the error a process's function raised */
	uint64_t real_swap;		/* real: the machine's swap while the run lasts (bytes) */
	struct json rec;		/* --json records */
	bool recording;			/* --json (vmlab compare reads it too) */
	/* where records and expectations go: scenario_deliver, or (in a real
	 * process) the socket to the driver */
	void (*sink)(struct scenario *sc, char type, const char *text);
	bool configured;		/* vm.config was called */
	const char *pending_op;		/* the operation under way (a real process
					 * reports it if a signal kills it there) */
	uint64_t t0;			/* real: when the run started (CLOCK_MONOTONIC) */
	uint64_t last_t;		/* the latest record's time: records never go back */
	int expect_passed, expect_failed;
	uint64_t ops_checked;		/* operations so far, for --check=N */
	FILE *out;
};

/* The scenario a Lua state belongs to. */
struct scenario *scenario_of(lua_State *L);
/* The machine, booted with the configuration so far on first use. */
vm_machine *scenario_machine(lua_State *L);

/* Run one scenario file: 0 all expectations held, 1 some failed, 2 the
 * scenario is wrong (file:line said on stderr), 3 vmlab broke an invariant. */
int scenario_run(const struct run_options *opt);
/* The machine's CPUs: vm.config's on the simulator, the online ones on --real. */
int scenario_ncpus(const struct scenario *sc);

/* ---- processes (lproc.c) ---- */

#define PROC_MT		"vmlab.process"
#define MAPPING_MT	"vmlab.mapping"

struct lproc {
	int pid;
	char name[16];
	bool spawned;		/* by the driver (vm.spawn), not forked */
	bool reaped;
	bool announced;		/* the shell's line for its death was printed */
	struct vm_status st;
	struct prng rng;	/* the workload's random orders, seeded from seed + name */
};

void lproc_register(lua_State *L);
struct lproc *lproc_check(lua_State *L, int idx);
struct lproc *lproc_new(lua_State *L, int pid, const char *name, bool spawned);
/* Argument 1 must be the process running this code. */
struct lproc *lproc_self(lua_State *L, const char *method);
/* The shell's line for a foreground job a signal ended ("Killed"...). */
void lproc_announce(struct scenario *sc, struct lproc *p, const struct vm_status *st);
const char *lproc_signame(int sig);
/* "SIGTERM" or "term" -> 15; 0 for a name vmlab does not know. */
int lproc_signum(const char *name);
void lmem_register(lua_State *L, int methods);
/* vm.spawn, vm.wait, vm.wait_ready, vm.kill */
int lproc_spawn(lua_State *L);
int lproc_wait(lua_State *L);
int lproc_wait_ready(lua_State *L);
int lproc_kill(lua_State *L);
/* After an operation: --check, then maybe let another process run. */
int lproc_finish_op(lua_State *L, int nres);
/* The process died in an operation (SIGSEGV): its function stops here. */
int lproc_died(lua_State *L, struct lproc *p);
/* The end of the script: run or end what is left. */
int lproc_finish(lua_State *L);
/* The status table of an ended process. */
void lproc_push_status(lua_State *L, const struct vm_status *st);
/* The running process (0 at the driver's level). */
int lproc_current(lua_State *L);
lua_State *lproc_running_state(struct scenario *sc);
/* The error object on top of from as a message for L: a string as is, else
 * with the position of the innermost Lua function from level up. */
void lproc_error_text(lua_State *L, lua_State *from, int level);
/* lua_pcall's message handler for a scenario's code (uses lproc_error_text). */
int scenario_msgh(lua_State *L);
/* The simulator's user step for vm_run(): resumes pid's coroutine for one turn. */
int lproc_step(void *ctx, int pid);

/* ---- the scenario's own coroutines (lcoroutine.c) ---- */

/* vmlab's yield to the run loop (lua_yieldk with a token that the
 * replaced coroutine.resume/wrap pass up through user coroutines). */
int scenario_yield(lua_State *L, lua_KContext ctx, lua_KFunction k);
/* Replace coroutine.resume and coroutine.wrap by the transparent ones. */
void lcoroutine_open(lua_State *L);

/* ---- the scenario's Lua (lsandbox.c) ---- */

/* Open the libraries a scenario may use (all of them if unsafe); require
 * finds modules beside the script. */
void lsandbox_open(lua_State *L, const char *script, bool unsafe);
/* Load a scenario file as a text chunk, read without stdio (LUA_OK, or an
 * error code with the message pushed). */
int lsandbox_loadfile(lua_State *L, const char *path);

/* ---- option tables and values (largs.c) ---- */

/* Raise an error unless every key of the table at idx is in known[]. */
void args_check_keys(lua_State *L, int idx, const char *what, const char *const known[]);
uint64_t args_size(lua_State *L, int idx, const char *what);
uint64_t args_opt_size(lua_State *L, int tbl, const char *key, uint64_t dflt, const char *what);
/* A vm.cgroup{} handle at idx: the backend's id of the group. */
int lcgroup_check(lua_State *L, int idx);
/* A vm.file{} handle's id (lfile.c); what names the caller in the error. */
int lfile_check(lua_State *L, int idx, const char *what);
/* vm.file and friends into the vm table at vm, read_file... into methods (0: skip). */
void lfile_register(lua_State *L, int vm, int methods);
int64_t args_opt_int(lua_State *L, int tbl, const char *key, int64_t dflt, const char *what);
/* args_opt_int within [lo, hi], else an error that shows the value. */
int64_t args_opt_range(lua_State *L, int tbl, const char *key, int64_t dflt, int64_t lo,
		       int64_t hi, const char *what);
bool args_opt_bool(lua_State *L, int tbl, const char *key, bool dflt, const char *what);
const char *args_opt_str(lua_State *L, int tbl, const char *key, const char *dflt, const char *what);
uint64_t args_duration(lua_State *L, int idx, const char *what);
/* Check an operation's tolerance table (for vmlab compare). */
void args_tolerance(lua_State *L, int tbl, const char *what);
/* An option the scenario API knows but this version does not model: error if given. */
void args_not_yet(lua_State *L, int tbl, const char *key, const char *what, const char *why);
int args_value(lua_State *L, int idx, const char *what);
/* Push the fields of an operation's result as a table. */
void push_result(lua_State *L, const struct vm_result *r);
/* Raise "what: errno text" for a kernel error, or return nil, "ENAME" for
 * the caller to return (returns 2). */
int push_errno(lua_State *L, int err);

/* ---- the vm module (lvm.c) and records ---- */

void lvm_register(lua_State *L);

void scenario_bind(lua_State *L, struct scenario *sc);
/* An operation's record: its result, or (err) the errno it failed with or
 * VM_ESIGNAL when a signal ended the process in it. */
void record_op(struct scenario *sc, struct lproc *p, const char *op, const struct vm_result *r,
	       int err, lua_State *L, int opts);
void record_text(struct scenario *sc, const char *kind, const char *name, const char *text);
/* What the driver does with a record or an expectation's outcome, its own or
 * one a real process sent it (sc->sink is this function in the driver). */
void scenario_deliver(struct scenario *sc, char type, const char *text);
/* The shared check after every operation (--check; sim only). */
void scenario_check(lua_State *L);
/* --max-sim-time: raise the error that ends the run once process pid's
 * simulated clock has passed it. */
void scenario_guard(lua_State *L, int pid);

/* ---- the real backend's processes (lreal.c; src/real/supervisor.c) ---- */

/* Before the Lua state exists: the supervisor, with the scenario's hooks. */
int lreal_begin(struct scenario *sc, char *err, size_t n);
/* In the process fork(2) just made: run fn (at fn_idx) as it, then exit. */
_Noreturn void lreal_run_process(lua_State *L, const char *name, bool spawned, int fn_idx);
/* Raise the error a real process's function raised (sc->proc_error). */
int lreal_raise(lua_State *L);

#endif
