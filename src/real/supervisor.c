/*
 * supervisor.c - scenario processes as real processes (vmlab run --real).
 *
 * vm.spawn forks the vmlab process: the child runs the function in its own
 * copy of the Lua state and exits; self:fork forks again. The top of the
 * script, the "driver", stays in the first process. It is the children's
 * subreaper, reaps every one of them through a signalfd for SIGCHLD, and
 * reads what they tell it on a datagram socket: their records (for --json
 * and compare), their expectations' outcomes, the errors in their functions
 * (the scenario is wrong: the run ends with status 2) and the operation a
 * process was in when a signal killed it. All of it reaches the scenario
 * layer through the backend's hooks; nothing here knows Lua.
 *
 * What one process must know of another lives in a small MAP_SHARED table
 * of slots, one per process: whether it called ready(), what it waits for
 * (to tell a deadlock from a slow process, as the simulator does), and the
 * address and si_code of the SIGSEGV that killed it.
 *
 * The whole run sits in its own memory cgroup (cgroup.c). On SIGINT,
 * SIGTERM or SIGHUP, and at the end, every process in it is killed and the
 * cgroup removed.
 */
#define _GNU_SOURCE		/* setresuid, setresgid */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "supervisor.h"
#include "arena.h"
#include "cgroup.h"
#include "prefault.h"
#include "procfs.h"
#include "real.h"
#include "swapfile.h"
#include "files.h"
#include "../lib/fdio.h"
#include "../lib/size.h"
#include "../lib/xalloc.h"
#include "../report/strbuf.h"

/* What processes send the driver besides their records (hooks.deliver). */
#define MSG_FRAGMENT	'r'	/* a piece of a long message; the next one of its
				 * process ends it and gives its type */
#define MSG_ERROR	SUPERVISOR_ERROR	/* an error in the process's function */
#define MSG_DIED	'S'	/* a signal killed it in an operation (text: op name) */
#define MSG_FORKED	'K'	/* it forked (text: the child's name) */

#define MSG_MAX		32768
#define NSLOTS		4096

#define RUNNING		(-1)	/* slot.block: not waiting; else a VM_WAIT_* */

struct slot {
	int pid;			/* 0: free */
	int gone;			/* ended and being reaped: its pid is not ours */
	int ready;
	int block, target;		/* what it waits for: RUNNING or VM_WAIT_* */
	int died_sig, died_code;	/* the signal that killed it (SIGSEGV, SIGBUS) */
	uint64_t died_addr;
	char op[24];			/* the operation it is in ("": none), for a SIGKILL */
	char name[16];
};

struct msg_head {
	char type;
	int pid;
	int child;			/* MSG_FORKED: its pid */
	char name[16];			/* the process's (or the child's) name */
};

/* The driver's view of one process of the run. */
struct kid {
	int pid;
	char name[16];
	bool spawned;			/* the driver's own child */
	bool ended;			/* reaped (spawned), or seen gone */
	struct vm_status st;
};

static struct {
	struct backend *be;
	int sock[2];			/* [0] the driver reads, [1] processes write */
	int sigfd;			/* the driver's SIGCHLD */
	int driver;			/* its pid */
	int self;			/* this process's pid; 0 in the driver */
	char self_name[16];
	struct slot *slots;
	struct slot *my_slot;
	struct kid *kids;
	int nkids, capkids;
	int watchdog, watchdog_fd;	/* cgroup_watch()'s process, and a pidfd of it */
	int forked[64];			/* a process's children it has not reaped */
	int nforked;
	struct real_run run;		/* what the backend needs to know */
	bool has_error;			/* a process's function failed (hooks.error said) */
	bool finishing, started, check;
	const char *const *pending_op;
	struct strbuf frag;		/* a long message arriving in pieces */
	int frag_pid;
	sigset_t old_mask;
	struct sigaction old_int, old_term, old_hup;
} R = { .sock = { -1, -1 }, .sigfd = -1, .watchdog_fd = -1 };

static char stdout_buf[1 << 16];

/* ---- slots (shared by every process of the run) ---- */

static struct slot *slot_of(int pid)
{
	for (int i = 0; i < NSLOTS; i++)
		if (__atomic_load_n(&R.slots[i].pid, __ATOMIC_ACQUIRE) == pid)
			return &R.slots[i];
	return NULL;
}

static struct slot *slot_claim(int pid)
{
	for (int i = 0; i < NSLOTS; i++) {
		int zero = 0;

		if (__atomic_compare_exchange_n(&R.slots[i].pid, &zero, pid, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			struct slot *s = &R.slots[i];

			s->ready = s->target = s->died_sig = s->died_code = s->gone = 0;
			s->block = RUNNING;
			s->died_addr = 0;
			return s;
		}
	}
	return NULL;
}

static void slot_release(int pid)
{
	struct slot *s = slot_of(pid);

	if (s)
		__atomic_store_n(&s->pid, 0, __ATOMIC_RELEASE);
}

static void set_block(int b, int target)
{
	if (!R.my_slot)
		return;
	R.my_slot->target = target;
	__atomic_store_n(&R.my_slot->block, (int)b, __ATOMIC_RELEASE);
}

/* Alive: /proc/PID exists and it is not a zombie. */
static bool alive(int pid)
{
	char state;

	return !procfs_stat_head(pid, &state, NULL) && state != 'Z' && state != 'X';
}

/* ---- messages ---- */

static void send_msg(const struct msg_head *h, const char *text, size_t len)
{
	char buf[sizeof(*h) + MSG_MAX];

	memcpy(buf, h, sizeof(*h));
	if (len > MSG_MAX)
		len = MSG_MAX;
	memcpy(buf + sizeof(*h), text, len);
	while (send(R.sock[1], buf, sizeof(*h) + len, 0) < 0 && errno == EINTR)
		;
}

void supervisor_send(char type, const char *text)
{
	struct msg_head h = { .type = MSG_FRAGMENT, .pid = R.self };
	size_t len = strlen(text);

	memcpy(h.name, R.self_name, sizeof(h.name));
	while (len > MSG_MAX) {
		send_msg(&h, text, MSG_MAX);
		text += MSG_MAX;
		len -= MSG_MAX;
	}
	h.type = type;
	send_msg(&h, text, len);
}

int supervisor_self(void)
{
	return R.self;
}

static struct kid *kid_of(int pid)
{
	for (int i = 0; i < R.nkids; i++)
		if (R.kids[i].pid == pid)
			return &R.kids[i];
	return NULL;
}

static struct kid *kid_add(int pid, const char *name, bool spawned)
{
	struct kid *k;

	if (R.nkids == R.capkids) {
		int cap = R.capkids ? R.capkids * 2 : 64;
		struct kid *nk = x_realloc(R.kids, (size_t)cap * sizeof(*nk));

		if (!nk) {
			fputs("vmlab: out of memory\n", stderr);
			exit(3);
		}
		R.kids = nk;
		R.capkids = cap;
	}
	k = &R.kids[R.nkids++];
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->spawned = spawned;
	return k;
}

/* One message from a process, in the driver. */
static void deliver(const struct msg_head *h, const char *text)
{
	const struct backend_hooks *hk = &R.be->hooks;
	char name[16];

	memcpy(name, h->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (h->type == MSG_FRAGMENT) {
		if (R.frag_pid != h->pid)
			sb_reset(&R.frag);
		R.frag_pid = h->pid;
		sb_puts(&R.frag, text);
		return;
	}
	if (R.frag_pid == h->pid && R.frag.len) {	/* the last piece */
		sb_puts(&R.frag, text);
		text = sb_str(&R.frag);
	}
	switch (h->type) {
	case MSG_ERROR:
		if (!R.has_error && hk->error)
			hk->error(hk->ctx, text);
		R.has_error = true;
		break;
	case MSG_DIED:
		if (hk->died_in_op)
			hk->died_in_op(hk->ctx, h->pid, name, text);
		break;
	case MSG_FORKED:
		if (!kid_of(h->child))
			kid_add(h->child, name, false);
		break;
	default:
		if (hk->deliver)
			hk->deliver(hk->ctx, h->type, text);
		break;
	}
	if (R.frag_pid == h->pid) {
		sb_reset(&R.frag);
		R.frag_pid = 0;
	}
}

static void drain_socket(void)
{
	static char buf[sizeof(struct msg_head) + MSG_MAX + 1];
	ssize_t n;

	while ((n = recv(R.sock[0], buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= (ssize_t)sizeof(struct msg_head)) {
		struct msg_head h;

		memcpy(&h, buf, sizeof(h));
		buf[n] = '\0';
		deliver(&h, buf + sizeof(h));
	}
}

/*
 * The status wait(2) gave, in the simulator's terms; op: the operation a
 * signal found it in ("": none), and its name.
 */
static void status_from(int ws, int pid, struct vm_status *st, char op[24], char name[16])
{
	struct slot *s = slot_of(pid);

	memset(st, 0, sizeof(*st));
	op[0] = name[0] = '\0';
	if (s && WIFSIGNALED(ws)) {
		memcpy(op, s->op, 24);
		memcpy(name, s->name, 16);
	}
	op[23] = name[15] = '\0';
	if (WIFEXITED(ws)) {
		st->exited = 1;
		st->code = WEXITSTATUS(ws);
	} else if (WIFSIGNALED(ws)) {
		st->signal = WTERMSIG(ws);
		st->code = 128 + st->signal;
		st->core_dumped = WCOREDUMP(ws) ? 1 : 0;
		if (s && s->died_sig == st->signal) {
			st->addr = s->died_addr;
			st->segv_code = s->died_code;
		}
	}
	if (s)
		slot_release(pid);
}

/*
 * Reap an ended child (which: its pid, or -1 for any) as waitpid() does,
 * but mark its slot gone before: once reaped, its pid may be anyone's, and
 * run_kill must not find it any more. Returns the pid, 0 (none ended, when
 * not blocking) or -1.
 */
static int reap_child(int which, int *ws, bool block)
{
	siginfo_t si;
	struct slot *s;
	int rc;

	memset(&si, 0, sizeof(si));
	while ((rc = waitid(which > 0 ? P_PID : P_ALL, which > 0 ? (id_t)which : 0, &si,
			    WEXITED | WNOWAIT | (block ? 0 : WNOHANG))) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return -1;
	if (!si.si_pid)
		return 0;
	if ((s = slot_of(si.si_pid)))
		__atomic_store_n(&s->gone, 1, __ATOMIC_RELEASE);
	while (waitpid(si.si_pid, ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	return si.si_pid;
}

/*
 * kill(2) of a process of this run, never of one that took a reaped
 * process's pid. A reaper's own unreaped child cannot lose its pid; any
 * other pid is signalled through a pidfd opened between two looks at its
 * slot: if the slot is still live after the open, the pid was not reaped
 * before it (reap_child marks the slot first), so the pidfd is the run's
 * process. Async-signal-safe. 0 or -errno.
 */
static int run_kill(int pid, int sig, bool own_child)
{
	const struct slot *s;
	int fd, rc;

	if (own_child)
		return kill(pid, sig) ? -errno : 0;
	s = slot_of(pid);
	if (!s || __atomic_load_n(&s->gone, __ATOMIC_ACQUIRE))
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	rc = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE) == pid &&
	     !__atomic_load_n(&s->gone, __ATOMIC_ACQUIRE) ?
	     (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) : (errno = ESRCH, -1);
	rc = rc ? -errno : 0;
	close(fd);
	return rc;
}

static bool forked_by_me(int pid)
{
	for (int i = 0; i < R.nforked; i++)
		if (R.forked[i] == pid)
			return true;
	return false;
}

/* Reap every ended child of the driver (its own, and orphans it inherited). */
static void reap(void)
{
	const struct backend_hooks *hk = &R.be->hooks;
	int ws, pid;

	while ((pid = reap_child(-1, &ws, false)) > 0) {
		struct kid *k = kid_of(pid);
		struct vm_status st;
		char op[24], name[16];

		if (pid == R.watchdog) {	/* it died early: its pid is no longer ours */
			R.watchdog = 0;
			continue;
		}
		drain_socket();		/* its last words arrived before its death */
		status_from(ws, pid, &st, op, name);
		if (!k)
			continue;
		k->st = st;
		k->ended = true;
		if (op[0] && !R.finishing && hk->died_in_op)
			hk->died_in_op(hk->ctx, pid, k->name, op);	/* killed inside it */
		if (k->spawned && !R.finishing && hk->ended)
			hk->ended(hk->ctx, pid, k->name, &st);
	}
}

/* Wait up to ms for news: messages, or children ending. */
static void pump(int ms)
{
	struct pollfd fds[2] = { { R.sock[0], POLLIN, 0 }, { R.sigfd, POLLIN, 0 } };

	fflush(stdout);
	if (poll(fds, 2, ms) > 0) {
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(R.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
		}
	}
	drain_socket();
	reap();
}

/* After pumping: has a process's function failed? (Told once.) */
static bool take_error(void)
{
	bool e = R.has_error;

	R.has_error = false;
	return e;
}

/* Is process k blocked for good as things stand? */
static bool stuck(const struct kid *k)
{
	const struct slot *s = slot_of(k->pid);
	int b = s ? __atomic_load_n(&s->block, __ATOMIC_ACQUIRE) : RUNNING;

	switch (b) {
	case VM_WAIT_PAUSE:
		return true;
	case VM_WAIT_CHILD:
		return alive(s->target);
	case VM_WAIT_READY: {
		const struct slot *t = slot_of(s->target);

		return alive(s->target) && !(t && __atomic_load_n(&t->ready, __ATOMIC_ACQUIRE));
	}
	default:
		return false;
	}
}

/* A process the driver knows of that has not ended (forked ones: by /proc). */
static bool kid_live(struct kid *k)
{
	if (k->ended)
		return false;
	if (!k->spawned && !alive(k->pid))
		k->ended = true;
	return !k->ended;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Every live process waits for something that cannot happen, and has for
 * DEADLOCK_MS: a process that was just sent a signal, or is about to call
 * ready(), still looks stuck for a moment.
 */
#define DEADLOCK_MS	200

static bool deadlocked(void)
{
	static uint64_t since;
	int live = 0;

	for (int i = 0; i < R.nkids; i++) {
		if (!kid_live(&R.kids[i]))
			continue;
		live++;
		if (!stuck(&R.kids[i])) {
			since = 0;
			return false;
		}
	}
	if (!live) {
		since = 0;
		return false;
	}
	if (!since)
		since = now_ms();
	return now_ms() - since >= DEADLOCK_MS;
}

void real_why_blocked(struct backend *b, char *buf, size_t n)
{
	struct wait_text w;

	(void)b;
	wait_text_init(&w, buf, n);
	for (int i = 0; i < R.nkids; i++) {
		const struct slot *s;

		if (!kid_live(&R.kids[i]) || !(s = slot_of(R.kids[i].pid)) || s->block == RUNNING)
			continue;
		wait_text_add(&w, s->pid, s->block, s->target);
	}
	wait_text_end(&w);
}

/* ---- a scenario process's life ---- */

_Noreturn void supervisor_exit(int code)
{
	fflush(stdout);
	_exit(code);
}

/*
 * The operation a process is in, kept in its slot while it runs: a SIGKILL
 * (the OOM killer's) cannot be caught to say where it struck, so the
 * driver reads it there when it reaps the process.
 */
void supervisor_in_op(bool in)
{
	const char *op = R.pending_op ? *R.pending_op : NULL;

	if (!R.my_slot)
		return;
	if (in && op)
		snprintf(R.my_slot->op, sizeof(R.my_slot->op), "%s", op);
	else
		R.my_slot->op[0] = '\0';
}

/* The signal that kills a process in an operation: say where, then die of it. */
static void on_fatal_signal(int sig, siginfo_t *si, void *uc)
{
	const char *op = R.pending_op ? *R.pending_op : NULL;

	(void)uc;
	if (R.my_slot) {
		R.my_slot->died_addr = (uint64_t)(uintptr_t)si->si_addr;
		R.my_slot->died_code = si->si_code;
		__atomic_store_n(&R.my_slot->died_sig, sig, __ATOMIC_RELEASE);
	}
	if (op) {
		struct msg_head h = { .type = MSG_DIED, .pid = R.self };

		memcpy(h.name, R.self_name, sizeof(h.name));
		send_msg(&h, op, strlen(op));
		if (R.my_slot)
			R.my_slot->op[0] = '\0';	/* said: not again at the reaping */
	}
	/* SA_RESETHAND: the access is retried and the default action ends the process */
}

static int set_oom_score_adj(int v)
{
	char s[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	snprintf(s, sizeof(s), "%d", v);
	rc = write_all(fd, s, strlen(s));
	close(fd);
	return rc;
}

/* In the new process, before its function runs. */
static void child_setup(const char *name, bool spawned, const struct vm_spawn_opts *o)
{
	struct sigaction sa;

	R.self = getpid();
	snprintf(R.self_name, sizeof(R.self_name), "%s", name);
	R.nkids = 0;			/* the driver's table is not ours */
	R.nforked = 0;
	if (R.watchdog_fd >= 0)		/* nor its watchdog */
		close(R.watchdog_fd);
	R.watchdog_fd = -1;
	R.watchdog = 0;
	if (R.sigfd >= 0)
		close(R.sigfd);
	if (R.sock[0] >= 0)
		close(R.sock[0]);
	R.sigfd = R.sock[0] = -1;
	sigaction(SIGINT, &R.old_int, NULL);
	sigaction(SIGTERM, &R.old_term, NULL);
	sigaction(SIGHUP, &R.old_hup, NULL);
	sigprocmask(SIG_SETMASK, &R.old_mask, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* no core file is ever written on the host; the simulator models the same */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	prctl(PR_SET_NAME, name, 0, 0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	if (spawned) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != R.driver)
			_exit(137);	/* the driver is already gone */
	}
	R.my_slot = slot_claim(R.self);
	if (R.my_slot)
		snprintf(R.my_slot->name, sizeof(R.my_slot->name), "%s", name);
	/* into its vm.cgroup{} group first: every page it faults is charged there */
	if (spawned && o && o->cgroup && cgroup_child_join(o->cgroup))
		fprintf(stderr, "vmlab: %s: cannot join its cgroup: %s\n", name, strerror(errno));
	real_files_prefault();
	prefault_self();
	/* a spawned process starts at its own oom_score_adj, not the driver's -1000 */
	if (spawned && set_oom_score_adj(o ? o->oom_score_adj : 0))
		fprintf(stderr, "vmlab: %s: cannot set oom_score_adj %d: %s\n", name,
			o ? o->oom_score_adj : 0, strerror(errno));
	if (o && o->uid && (uid_t)o->uid != geteuid()) {
		if (geteuid() != 0)
			fprintf(stderr, "vmlab: %s: uid %d skipped: changing uid needs root\n", name, o->uid);
		else if (setgroups(0, NULL) || setresgid((gid_t)o->uid, (gid_t)o->uid, (gid_t)o->uid) ||
			 setresuid((uid_t)o->uid, (uid_t)o->uid, (uid_t)o->uid))
			fprintf(stderr, "vmlab: %s: cannot run as uid %d: %s\n", name, o->uid,
				strerror(errno));
	}
#ifndef __SANITIZE_ADDRESS__
	if (R.check) {
		struct mallinfo2 mi = mallinfo2();

		if (mi.arena || mi.hblks) {
			fprintf(stderr, "vmlab: invariant violated: glibc's heap was used before %s "
				"started (%zu bytes of brk heap, %zu mmapped chunks)\n", name, mi.arena,
				mi.hblks);
			supervisor_exit(3);
		}
	}
#endif
}

/*
 * fork(2). Afterwards both sides write vmlab's own pages at once (the child
 * in child_setup), so that their copy-on-write faults happen here and not
 * inside the scenario's later measurements (pgreuse, AnonPages).
 */
static int do_fork(const char *name, bool spawned, const struct vm_spawn_opts *o)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		child_setup(name, spawned, o);
		return 0;
	}
	prefault_self();
	return (int)pid;
}

/* ---- process life: the backend's operations ---- */

int real_spawn(struct backend *b, const char *name, const struct vm_spawn_opts *o)
{
	int pid;

	(void)b;
	if (take_error())
		return -ECANCELED;
	pid = do_fork(name, true, o);
	if (pid > 0)
		kid_add(pid, name, true);
	return pid;
}

int real_fork(struct backend *b, int pid, const char *name)
{
	struct msg_head h = { .type = MSG_FORKED, .pid = pid };
	int child;

	(void)b;
	child = do_fork(name, false, NULL);
	if (child > 0) {
		if (R.nforked < (int)(sizeof(R.forked) / sizeof(R.forked[0])))
			R.forked[R.nforked++] = child;
		h.child = child;
		snprintf(h.name, sizeof(h.name), "%s", name);
		send_msg(&h, "", 0);	/* the driver must know of it, to find deadlocks */
	}
	return child;
}

/* The driver waits until done() holds, a process's function fails, or a deadlock. */
static int driver_wait(bool (*done)(int pid), int pid, int ms)
{
	while (!done(pid)) {
		pump(ms);
		if (take_error())
			return -ECANCELED;
		if (!done(pid) && deadlocked())
			return -EDEADLK;
	}
	return 0;
}

static bool kid_ended(int pid)
{
	struct kid *k = kid_of(pid);

	return !k || k->ended;
}

int real_wait(struct backend *b, int pid, int child, struct vm_status *st)
{
	char op[24], name[16];
	int ws, rc;

	(void)b;
	if (!pid) {
		struct kid *k = kid_of(child);

		if (!k)
			return -ECHILD;
		rc = driver_wait(kid_ended, child, 20);
		if (!rc)
			*st = k->st;
		return rc;
	}
	if (child == pid)
		return -ECHILD;
	set_block(VM_WAIT_CHILD, child);
	rc = reap_child(child, &ws, true);
	set_block(RUNNING, 0);
	if (rc <= 0)
		return -ECHILD;
	status_from(ws, child, st, op, name);
	if (op[0]) {		/* killed inside an operation: the driver records it */
		struct msg_head h = { .type = MSG_DIED, .pid = child };

		memcpy(h.name, name, sizeof(h.name));
		send_msg(&h, op, strlen(op));
	}
	for (int i = 0; i < R.nforked; i++)
		if (R.forked[i] == child)
			R.forked[i] = R.forked[--R.nforked];
	return 0;
}

static bool is_ready(int pid)
{
	const struct slot *s = slot_of(pid);

	return s && __atomic_load_n(&s->ready, __ATOMIC_ACQUIRE);
}

static bool ready_or_ended(int pid)
{
	struct kid *k = kid_of(pid);

	return is_ready(pid) || !k || !kid_live(k);
}

int real_wait_ready(struct backend *b, int pid, int target)
{
	int rc;

	(void)b;
	if (pid) {
		struct timespec ts = { 0, 100000 };
		bool ready;

		if (pid == target)
			return -EINVAL;
		set_block(VM_WAIT_READY, target);
		while (!(ready = is_ready(target)) && alive(target))
			nanosleep(&ts, NULL);
		set_block(RUNNING, 0);
		return ready;
	}
	rc = driver_wait(ready_or_ended, target, 1);
	return rc ? rc : is_ready(target);
}

int real_ready(struct backend *b, int pid)
{
	(void)b;
	(void)pid;
	if (R.my_slot)
		__atomic_store_n(&R.my_slot->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

int real_kill(struct backend *b, int pid, int target, int sig)
{
	struct kid *k = pid ? NULL : kid_of(target);

	(void)b;
	if ((k && k->ended) ||
	    run_kill(target, sig, pid ? forked_by_me(target) : k && k->spawned))
		return 0;	/* already gone: kill(2) said ESRCH */
	/* the driver's own child: wait for it to go (announced as the shell would),
	 * if the signal's default action ends it */
	if (vm_signal_action(sig) == VM_SIG_TERM || vm_signal_action(sig) == VM_SIG_CORE)
		for (int ms = 0; k && k->spawned && !k->ended && ms < 10000; ms++)
			pump(1);
	return 1;
}

int real_sleep(struct backend *b, int pid, uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };

	(void)b;
	(void)pid;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

int real_pause(struct backend *b, int pid)
{
	(void)b;
	(void)pid;
	fflush(stdout);
	set_block(VM_WAIT_PAUSE, 0);
	for (;;)
		pause();		/* only a signal ends it */
}

void real_exit(struct backend *b, int pid, int code)
{
	(void)b;
	(void)pid;
	supervisor_exit(code);
}

int real_status(struct backend *b, int pid, struct vm_status *st)
{
	struct kid *k = kid_of(pid);

	(void)b;
	if (!k || !k->ended)
		return -EAGAIN;
	*st = k->st;
	return 0;
}

static bool none_live(int pid)
{
	(void)pid;
	for (int i = 0; i < R.nkids; i++)
		if (kid_live(&R.kids[i]))
			return false;
	return true;
}

/* The end of the script: let the processes finish; what can never end is
 * killed with the session, unannounced. */
int real_finish(struct backend *b)
{
	int rc = driver_wait(none_live, 0, 20);

	(void)b;
	R.finishing = true;
	return rc == -ECANCELED ? rc : 0;
}

/* ---- the run ---- */

/* What the run leaves on the machine, gone: its swap file, its files. */
static void run_cleanup(void)
{
	swapfile_off();
	real_files_remove();
}

void supervisor_kill_all(void)
{
	if (supervisor_self())
		return;		/* a scenario process: the driver cleans up */
	cgroup_leave();
	for (int i = 0; i < R.nkids; i++)
		run_kill(R.kids[i].pid, SIGKILL, R.kids[i].spawned && !R.kids[i].ended);
	run_cleanup();
}

static void on_stop_signal(int sig)
{
	supervisor_kill_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

int supervisor_begin(struct backend *b, const struct real_options *o, char *err, size_t n)
{
	char note[512];
	sigset_t chld;
	struct sigaction sa;
	int sndbuf = 4 << 20;
	uint64_t limit, ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);

	/* from here on, vmlab's own memory never comes from glibc's heap */
	x_set_allocator(arena_realloc, arena_free);
	setvbuf(stdout, stdout_buf, _IOLBF, sizeof(stdout_buf));
	R.be = b;
	R.check = o->check;
	R.pending_op = o->pending_op;
	R.driver = getpid();
	R.run.driver = R.driver;
	limit = o->limit ? o->limit : cgroup_default_limit();
	if (limit > ram) {	/* a limit above the RAM limits nothing: say so, and use the RAM */
		char want[32];

		format_size(limit, want, sizeof(want));
		fprintf(stderr, "vmlab: --limit %s is more than this machine's RAM (%.1f GiB): the "
			"run is limited to the RAM\n", want, (double)ram / (1 << 30));
		limit = ram;
	}
	switch (cgroup_enter(limit, note, sizeof(note), err, n)) {
	case -1:
		return -1;
	case 1:
		fprintf(stderr, "vmlab: %s\n", note);
		break;
	}
	swapfile_reap_stale();
	real_files_reap_stale();
	real_files_init();
	real_oom_note_start();
	if (o->swapfile) {
		char size[32];

		if (swapfile_on(o->swapfile, err, n)) {
			cgroup_leave();
			return -1;
		}
		format_size(o->swapfile, size, sizeof(size));
		fprintf(stderr, "vmlab: swap file %s (%s) on for this run; while it lasts, the "
			"machine's other processes may swap to it too\n", swapfile_path(), size);
	}
	cgroup_watch_cleanup(run_cleanup);
	/* a SIGKILL of the driver cannot run its clean-up: the watchdog does it */
	R.watchdog = cgroup_watch();
	R.watchdog_fd = R.watchdog > 0 ? (int)syscall(SYS_pidfd_open, R.watchdog, 0) : -1;
	if (geteuid() != 0)
		fprintf(stderr, "vmlab: not root: /proc/sys/vm/stat_refresh is not writable, so the "
			"machine-wide counters (vm.meminfo, vm.vmstat) lag by up to the kernel's "
			"per-CPU thresholds\n");
	prefault_note_mappings();
	R.slots = mmap(NULL, NSLOTS * sizeof(struct slot), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (R.slots == MAP_FAILED || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, R.sock)) {
		snprintf(err, n, "cannot set up the run: %s", strerror(errno));
		cgroup_leave();
		swapfile_off();
		return -1;
	}
	memset(R.slots, 0, NSLOTS * sizeof(struct slot));
	if (setsockopt(R.sock[1], SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(R.sock[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (setsockopt(R.sock[0], SOL_SOCKET, SO_RCVBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(R.sock[0], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &R.old_mask);
	R.sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (R.sigfd < 0) {
		snprintf(err, n, "signalfd: %s", strerror(errno));
		cgroup_leave();
		swapfile_off();
		return -1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* the OOM killer must never pick the driver: it is what cleans up */
	if (geteuid() == 0)
		set_oom_score_adj(-1000);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, &R.old_int);
	sigaction(SIGTERM, &sa, &R.old_term);
	sigaction(SIGHUP, &sa, &R.old_hup);
	b->priv = &R.run;
	R.started = true;
	return 0;
}

void supervisor_end(void)
{
	if (!R.started)
		return;
	R.finishing = true;
	drain_socket();
	reap();
	for (int i = 0; i < R.nkids; i++)
		if (kid_live(&R.kids[i]))
			run_kill(R.kids[i].pid, SIGKILL, R.kids[i].spawned);
	/* everything in the cgroup dies and is reaped; what escaped it (no cgroup) too */
	if (R.watchdog > 0) {
		if (R.watchdog_fd >= 0)
			syscall(SYS_pidfd_send_signal, R.watchdog_fd, SIGKILL, NULL, 0);
		waitpid(R.watchdog, NULL, 0);
		R.watchdog = 0;
	}
	if (R.watchdog_fd >= 0)
		close(R.watchdog_fd);
	R.watchdog_fd = -1;
	cgroup_leave();
	for (int i = 0; i < R.nkids; i++) {
		for (int ms = 0; ms < 5000 && alive(R.kids[i].pid); ms++) {
			if (run_kill(R.kids[i].pid, SIGKILL, R.kids[i].spawned && !R.kids[i].ended))
				break;	/* not ours any more */
			pump(1);
		}
		R.kids[i].ended = true;
	}
	run_cleanup();		/* with the processes gone, nothing is left to read back */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sigaction(SIGINT, &R.old_int, NULL);
	sigaction(SIGTERM, &R.old_term, NULL);
	sigaction(SIGHUP, &R.old_hup, NULL);
	close(R.sigfd);
	close(R.sock[0]);
	close(R.sock[1]);
	R.sigfd = R.sock[0] = R.sock[1] = -1;
	sigprocmask(SIG_SETMASK, &R.old_mask, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	munmap(R.slots, NSLOTS * sizeof(struct slot));
	R.started = false;
}
