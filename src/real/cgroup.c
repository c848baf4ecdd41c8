/*
 * cgroup.c - see cgroup.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "procfs.h"
#include "../lib/fdio.h"

#define V2_ROOT		"/sys/fs/cgroup"
#define V1_ROOT		"/sys/fs/cgroup/memory"

static char dir[256];		/* the run's cgroup */
static uint64_t run_limit;	/* its limit (or RLIMIT_DATA's, without one) */
static char root[128];		/* the hierarchy it is in */
static int version;
static char stat_dir[300];	/* whose memory.stat vm.memstat() reads */
static int stat_version;
#define MAX_CHILD_CG	64
static char child_dir[MAX_CHILD_CG][300];	/* vm.cgroup{}'s groups, under dir */
static uint64_t child_max[MAX_CHILD_CG];	/* their limits in bytes (0: none) */
static int child_swappiness[MAX_CHILD_CG];	/* what vm.cgroup set (-1: not set) */
static int nr_child_cg;

uint64_t cgroup_default_limit(void)
{
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t q = ram / 4;

	return q < (4ULL << 30) ? q : 4ULL << 30;
}

const char *cgroup_dir(void)
{
	return dir;
}

uint64_t cgroup_limit(void)
{
	return run_limit;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = write_all(fd, s, strlen(s));
	if (close(fd))
		rc = -1;
	return rc;
}

/* Decimal without stdio (for the signal handler's paths). */
static char *utoa(char *end, unsigned long v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

static void path_join(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb + 1 > n) {
		out[0] = '\0';
		return;
	}
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
}

static bool has_word(const char *text, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(text, w); p; p = strstr(p + 1, w))
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* v2 with a usable memory controller at the root of the unified hierarchy. */
static bool v2_usable(void)
{
	char buf[512];

	if (read_small(V2_ROOT "/cgroup.controllers", buf, sizeof(buf)) <= 0 || !has_word(buf, "memory"))
		return false;
	if (read_small(V2_ROOT "/cgroup.subtree_control", buf, sizeof(buf)) >= 0 &&
	    has_word(buf, "memory"))
		return true;
	return write_str(V2_ROOT "/cgroup.subtree_control", "+memory") == 0;
}

/*
 * Without a cgroup of its own the run reads the memory cgroup vmlab was
 * started in (/proc/self/cgroup: v1's memory line, else v2's "0::"), which
 * other processes may share: where that is the root of cgroup v2, it has no
 * memory.current and vm.memstat() has no "current".
 */
static void find_own_memcg(void)
{
	char buf[4096], *l;
	long len = read_small("/proc/self/cgroup", buf, sizeof(buf) - 1);

	if (len <= 0)
		return;
	buf[len] = '\0';
	if ((l = strstr(buf, ":memory:/")) && access(V1_ROOT "/memory.stat", R_OK) == 0) {
		stat_version = 1;
		snprintf(stat_dir, sizeof(stat_dir), "%s%.*s", V1_ROOT, (int)strcspn(l + 8, "\n"), l + 8);
	} else if ((l = strstr(buf, "0::/"))) {
		const char *mnt = access(V2_ROOT "/cgroup.controllers", R_OK) == 0 ? V2_ROOT :
				  V2_ROOT "/unified";

		stat_version = 2;
		snprintf(stat_dir, sizeof(stat_dir), "%s%.*s", mnt, (int)strcspn(l + 3, "\n"), l + 3);
	}
}

/* A number in a cgroup file (the first one), or -1. */
static int64_t read_num(const char *cg, const char *file)
{
	char path[340], buf[64];
	long len;

	path_join(path, sizeof(path), cg, file);
	len = read_small(path, buf, sizeof(buf) - 1);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	return strtoll(buf, NULL, 10);
}

/* One cgroup's memory.stat and usage as VM_MEMSTAT_KEYS. */
static int memstat_of(const char *cg, int ver, struct vm_kv *kv)
{
	static const char *const v1[] = {
#define X(key, v2name, v1name) v1name,
		VM_MEMSTAT_KEYS(X)
#undef X
	};
	struct vm_kv all[VM_MAX_KV];
	char path[340], buf[16384];
	long len;
	int n, out = 0;

	path_join(path, sizeof(path), cg, "memory.stat");
	len = read_small(path, buf, sizeof(buf) - 1);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	n = procfs_parse_kv(buf, all, VM_MAX_KV);
	for (int k = 0; k < NR_VM_MEMSTAT; k++) {
		int64_t v = -1;

		if (k == MEMSTAT_CURRENT)
			v = read_num(cg, ver == 2 ? "memory.current" : "memory.usage_in_bytes");
		else
			v = vm_kv_get(all, n, ver == 2 ? vm_memstat_names[k] : v1[k]);
		if (v < 0)
			continue;	/* not in this kernel's file */
		snprintf(kv[out].name, sizeof(kv[out].name), "%s", vm_memstat_names[k]);
		kv[out++].value = v;
	}
	return out;
}

int cgroup_memstat(struct vm_kv *kv, int *own)
{
	if (!stat_dir[0])
		return 0;
	*own = dir[0] && !strcmp(stat_dir, dir);
	return memstat_of(stat_dir, stat_version, kv);
}

/* ---- vm.cgroup{}: groups under the run's ---- */

int cgroup_child_create(const char *name, int parent, uint64_t max, char *err, size_t en)
{
	const char *up = parent ? child_dir[parent - 1] : dir;
	char path[340], num[24];

	if (!dir[0]) {
		snprintf(err, en, "vm.cgroup needs the run's own memory cgroup (--real as root)");
		return -ENOTSUP;
	}
	if (nr_child_cg == MAX_CHILD_CG || parent < 0 || parent > nr_child_cg) {
		snprintf(err, en, "vm.cgroup: at most %d groups", MAX_CHILD_CG);
		return -ENOSPC;
	}
	if (version == 2) {
		path_join(path, sizeof(path), up, "cgroup.subtree_control");
		if (write_str(path, "+memory")) {
			snprintf(err, en, "cannot enable the memory controller in %s: %s", up,
				 strerror(errno));
			return -errno;
		}
	}
	path_join(child_dir[nr_child_cg], sizeof(child_dir[0]), up, name);
	if (mkdir(child_dir[nr_child_cg], 0755)) {
		snprintf(err, en, "mkdir %s: %s", child_dir[nr_child_cg], strerror(errno));
		return -errno;
	}
	path_join(path, sizeof(path), child_dir[nr_child_cg],
		  version == 2 ? "memory.max" : "memory.limit_in_bytes");
	if (write_str(path, max ? utoa(num + sizeof(num), (unsigned long)max) :
			      version == 2 ? "max" : "-1")) {
		snprintf(err, en, "cannot set %s: %s", path, strerror(errno));
		rmdir(child_dir[nr_child_cg]);
		return -errno;
	}
	child_max[nr_child_cg] = max;
	child_swappiness[nr_child_cg] = -1;
	return ++nr_child_cg;
}

static int read_pids(const char *procs, int *pids, int max);

int cgroup_child_pids(int id, int *pids, int max, uint64_t *limit, int *swappiness)
{
	char procs[340];

	if (id <= 0 || id > nr_child_cg)
		return -EINVAL;
	*limit = child_max[id - 1];
	*swappiness = child_swappiness[id - 1];
	path_join(procs, sizeof(procs), child_dir[id - 1], "cgroup.procs");
	return read_pids(procs, pids, max);
}

int cgroup_child_swappiness(int id, int swappiness, char *err, size_t en)
{
	char path[340], num[24];

	if (id <= 0 || id > nr_child_cg)
		return -EINVAL;
	if (version == 2) {
		snprintf(err, en, "swappiness: cgroup v2 has no per-group memory.swappiness (this "
			 "host's memory cgroups are v2; the simulator models v1's)");
		return -ENOTSUP;
	}
	path_join(path, sizeof(path), child_dir[id - 1], "memory.swappiness");
	if (write_str(path, utoa(num + sizeof(num), (unsigned long)swappiness))) {
		snprintf(err, en, "cannot set %s: %s", path, strerror(errno));
		return -errno;
	}
	child_swappiness[id - 1] = swappiness;
	return 0;
}

/* Group id exists and has v2's files (0); else -EINVAL, or -ENOTSUP with why_not. */
static int child_v2(int id, const char *why_not, char *err, size_t en)
{
	if (id <= 0 || id > nr_child_cg)
		return -EINVAL;
	if (version != 2) {
		snprintf(err, en, "%s", why_not);
		return -ENOTSUP;
	}
	return 0;
}

int cgroup_child_protect(int id, uint64_t min, uint64_t low, char *err, size_t en)
{
	static const char *const file[2] = { "memory.min", "memory.low" };
	const uint64_t v[2] = { min, low };
	char path[340], num[24];
	int rc = child_v2(id, "cgroup v1 has no memory.min or memory.low (soft_limit_in_bytes is "
			  "another mechanism): on this host the group runs unprotected", err, en);

	if (rc)
		return rc;
	for (int i = 0; i < 2; i++) {
		if (!v[i])
			continue;
		path_join(path, sizeof(path), child_dir[id - 1], file[i]);
		if (write_str(path, utoa(num + sizeof(num), (unsigned long)v[i]))) {
			snprintf(err, en, "cannot set %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int cgroup_child_oom_group(int id, char *err, size_t en)
{
	char path[340];
	int rc = child_v2(id, "cgroup v1 has no memory.oom.group: on this host an OOM kill takes "
			  "one task of the group", err, en);

	if (rc)
		return rc;
	path_join(path, sizeof(path), child_dir[id - 1], "memory.oom.group");
	if (write_str(path, "1")) {
		snprintf(err, en, "cannot set %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

int cgroup_child_join(int id)
{
	char procs[340], num[24];

	if (id <= 0 || id > nr_child_cg)
		return -EINVAL;
	path_join(procs, sizeof(procs), child_dir[id - 1], "cgroup.procs");
	return write_str(procs, utoa(num + sizeof(num), (unsigned long)getpid())) ? -errno : 0;
}

/* memory.events' max of a v2 group, memory.failcnt of a v1 one (0 if unreadable). */
static uint64_t limit_hits_of(const char *cg)
{
	char path[340], buf[4096];
	struct vm_kv ev[32];
	long len;
	int64_t v;

	if (version != 2) {
		v = read_num(cg, "memory.failcnt");
		return v > 0 ? (uint64_t)v : 0;
	}
	path_join(path, sizeof(path), cg, "memory.events");
	len = read_small(path, buf, sizeof(buf) - 1);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	v = vm_kv_get(ev, procfs_parse_kv(buf, ev, 32), "max");
	return v > 0 ? (uint64_t)v : 0;
}

uint64_t cgroup_limit_hits(void)
{
	uint64_t n;

	if (!dir[0])
		return 0;
	n = limit_hits_of(dir);
	for (int i = 0; i < nr_child_cg; i++)
		n += limit_hits_of(child_dir[i]);
	return n;
}

int cgroup_child_memstat(int id, struct vm_kv *kv, uint64_t *max_events, uint64_t *oom_events,
			 uint64_t *oom_kill, uint64_t *peak)
{
	const char *cg;
	char path[340], buf[4096];
	struct vm_kv ev[32];
	long len;
	int n;

	if (id <= 0 || id > nr_child_cg)
		return -EINVAL;
	cg = child_dir[id - 1];
	*max_events = *oom_events = *oom_kill = *peak = 0;
	if (version == 2) {
		path_join(path, sizeof(path), cg, "memory.events");
		len = read_small(path, buf, sizeof(buf) - 1);
		if (len > 0) {
			buf[len] = '\0';
			n = procfs_parse_kv(buf, ev, 32);
			*max_events = (uint64_t)(vm_kv_get(ev, n, "max") > 0 ? vm_kv_get(ev, n, "max") : 0);
			*oom_events = (uint64_t)(vm_kv_get(ev, n, "oom") > 0 ? vm_kv_get(ev, n, "oom") : 0);
			*oom_kill = (uint64_t)(vm_kv_get(ev, n, "oom_kill") > 0 ?
					       vm_kv_get(ev, n, "oom_kill") : 0);
		}
		*peak = (uint64_t)(read_num(cg, "memory.peak") > 0 ? read_num(cg, "memory.peak") : 0);
	} else {
		/* v1: memory.failcnt counts the charges that hit the limit */
		int64_t f = read_num(cg, "memory.failcnt"), p = read_num(cg, "memory.max_usage_in_bytes");

		*max_events = f > 0 ? (uint64_t)f : 0;
		*peak = p > 0 ? (uint64_t)p : 0;
		*oom_events = UINT64_MAX;	/* v1 counts no OOMs, only their kills */
		path_join(path, sizeof(path), cg, "memory.oom_control");
		len = read_small(path, buf, sizeof(buf) - 1);
		if (len > 0) {
			buf[len] = '\0';
			n = procfs_parse_kv(buf, ev, 32);
			*oom_kill = (uint64_t)(vm_kv_get(ev, n, "oom_kill") > 0 ?
					       vm_kv_get(ev, n, "oom_kill") : 0);
		}
	}
	return memstat_of(cg, version, kv);
}

/* The pids in a cgroup.procs file: how many (at most max). */
static int read_pids(const char *procs, int *pids, int max)
{
	char buf[8192];
	long len = read_small(procs, buf, sizeof(buf));
	int n = 0;

	for (long i = 0; i < len && n < max; ) {
		long v = 0;

		while (i < len && (buf[i] < '0' || buf[i] > '9'))
			i++;
		if (i >= len)
			break;
		while (i < len && buf[i] >= '0' && buf[i] <= '9')
			v = v * 10 + (buf[i++] - '0');
		pids[n++] = (int)v;
	}
	return n;
}

int cgroup_pids(int except, int *pids, int max)
{
	char procs[340];
	int all[4096], k = 0;

	if (!dir[0])
		return 0;
	/* the run's cgroup, then each of vm.cgroup's groups inside it */
	for (int g = -1; g < nr_child_cg; g++) {
		int n;

		path_join(procs, sizeof(procs), g < 0 ? dir : child_dir[g], "cgroup.procs");
		n = read_pids(procs, all, 4096);
		for (int i = 0; i < n && k < max; i++)
			if (all[i] != except)
				pids[k++] = all[i];
	}
	return k;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Kill everything in the cgroup at path except this process; reap our own. */
static void kill_in(const char *cg)
{
	char procs[300];
	int pids[4096], self = getpid();

	path_join(procs, sizeof(procs), cg, "cgroup.procs");
	for (int round = 0; round < 200; round++) {
		int n = read_pids(procs, pids, 4096), others = 0;

		for (int i = 0; i < n; i++) {
			if (pids[i] == self)
				continue;
			kill(pids[i], SIGKILL);
			others++;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!others)
			return;
		pause_ms(5);
	}
}

static void remove_cg(const char *cg);

/* A group inside cg (vm.cgroup's): removed first. */
static void remove_child(const char *name, void *ctx)
{
	char sub[300], procs[340];

	if (name[0] == '.')
		return;
	path_join(sub, sizeof(sub), ctx, name);
	path_join(procs, sizeof(procs), sub, "cgroup.procs");
	if (sub[0] && access(procs, F_OK) == 0)
		remove_cg(sub);
}

/* Remove a dead run's cgroup: its groups, what is in it, then rmdir (retrying
 * while the dying processes still count). */
static void remove_cg(const char *cg)
{
	dir_each(cg, remove_child, (void *)cg);
	kill_in(cg);
	for (int i = 0; i < 200 && rmdir(cg) && errno == EBUSY; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		pause_ms(5);
	}
}

void cgroup_leave(void)
{
	char procs[200], num[24];

	if (!dir[0])
		return;
	kill_in(dir);
	path_join(procs, sizeof(procs), root, "cgroup.procs");
	write_str(procs, utoa(num + sizeof(num), (unsigned long)getpid()));
	remove_cg(dir);		/* with vm.cgroup's groups inside it */
	dir[0] = '\0';
	stat_dir[0] = '\0';
	nr_child_cg = 0;
}

static void (*watch_cleanup)(void);	/* cgroup_watch_cleanup() */

/*
 * The watchdog: outside the run's cgroup, it waits for the driver to die
 * (PR_SET_PDEATHSIG) and then does what the driver no longer can. At the
 * driver's normal end the driver kills it first.
 */
static _Noreturn void watchdog(int driver, int ready_fd)
{
	char procs[200], num[24];
	sigset_t set;
	int sig;
	ssize_t n;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGINT, SIG_IGN);	/* a terminal's ^C is the driver's to handle */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
	prctl(PR_SET_NAME, "vmlab-watchdog", 0, 0, 0);
	path_join(procs, sizeof(procs), root, "cgroup.procs");
	write_str(procs, utoa(num + sizeof(num), (unsigned long)getpid()));
	n = write(ready_fd, "", 1);	/* out of the cgroup: the driver may go on */
	(void)n;
	close(ready_fd);
	if (getppid() == driver)	/* else it died before the prctl */
		sigwait(&set, &sig);
	remove_cg(dir);
	if (watch_cleanup)
		watch_cleanup();
	_exit(0);
}

void cgroup_watch_cleanup(void (*fn)(void))
{
	watch_cleanup = fn;
}

int cgroup_watch(void)
{
	int driver = (int)getpid(), fds[2];
	pid_t pid;
	char c;

	if (!dir[0] || pipe(fds))
		return 0;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		watchdog(driver, fds[1]);
	}
	close(fds[1]);
	/* once it has left the cgroup, it is never among the run's processes */
	while (pid > 0 && read(fds[0], &c, 1) < 0 && errno == EINTR)
		;
	close(fds[0]);
	return pid < 0 ? -1 : (int)pid;
}

/* A vmlab-PID cgroup under the root at ctx whose vmlab is gone: remove it. */
static void reap_if_stale(const char *name, void *ctx)
{
	char cg[300];

	if (!procfs_stale_run(name, ""))
		return;		/* not ours, or its vmlab still runs */
	path_join(cg, sizeof(cg), ctx, name);
	remove_cg(cg);
}

void cgroup_reap_stale(void)
{
	dir_each(V2_ROOT, reap_if_stale, (void *)V2_ROOT);
	dir_each(V1_ROOT, reap_if_stale, (void *)V1_ROOT);
}

static int fallback(uint64_t limit, const char *why, char *note, size_t nn, char *err, size_t en)
{
	struct rlimit rl = { limit, limit };

	if (setrlimit(RLIMIT_DATA, &rl)) {
		snprintf(err, en, "no memory cgroup (%s) and setrlimit(RLIMIT_DATA): %s", why,
			 strerror(errno));
		return -1;
	}
	find_own_memcg();
	snprintf(note, nn, "no memory cgroup for this run (%s): each process is limited to %llu MiB "
		 "of private data by RLIMIT_DATA instead, and an OOM experiment is not safe here; "
		 "vm.memstat() reads the cgroup vmlab runs in (%s), which other processes may share",
		 why, (unsigned long long)(limit >> 20), stat_dir[0] ? stat_dir : "none found");
	return 1;
}

int cgroup_enter(uint64_t limit, char *note, size_t nn, char *err, size_t en)
{
	char name[32], path[300], num[24], *v;
	const char *limit_file;

	note[0] = '\0';
	run_limit = limit;
	if (geteuid() != 0)
		return fallback(limit, "vmlab is not running as root", note, nn, err, en);
	cgroup_reap_stale();
	if (v2_usable()) {
		version = 2;
		snprintf(root, sizeof(root), "%s", V2_ROOT);
		limit_file = "memory.max";
	} else if (!access(V1_ROOT "/cgroup.procs", W_OK)) {
		version = 1;
		snprintf(root, sizeof(root), "%s", V1_ROOT);
		limit_file = "memory.limit_in_bytes";
	} else {
		return fallback(limit, "neither a cgroup v2 memory controller nor a writable v1 "
				"memory hierarchy", note, nn, err, en);
	}
	snprintf(name, sizeof(name), "vmlab-%d", (int)getpid());
	path_join(dir, sizeof(dir), root, name);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		int e = errno;

		dir[0] = '\0';
		snprintf(path, sizeof(path), "mkdir %s/%s: %s", root, name, strerror(e));
		return fallback(limit, path, note, nn, err, en);
	}
	path_join(path, sizeof(path), dir, limit_file);
	v = utoa(num + sizeof(num), (unsigned long)limit);
	if (write_str(path, v)) {
		snprintf(err, en, "cannot set %s: %s", path, strerror(errno));
		cgroup_leave();
		return -1;
	}
	path_join(path, sizeof(path), dir, "cgroup.procs");
	if (write_str(path, utoa(num + sizeof(num), (unsigned long)getpid()))) {
		snprintf(err, en, "cannot move vmlab into %s: %s", dir, strerror(errno));
		cgroup_leave();
		return -1;
	}
	memcpy(stat_dir, dir, sizeof(dir));
	stat_version = version;
	return 0;
}
