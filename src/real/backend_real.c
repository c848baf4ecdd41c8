/*
 * backend_real.c - the backend interface over the real kernel: each
 * operation is the real system call or a tight C loop, run by the process
 * it is for (a real scenario process acts only on itself), and measured
 * around the operation alone: getrusage(RUSAGE_SELF) for the fault counts,
 * the thread's CPU time for the time (optime.h: a busy neighbour does not
 * count in it), /proc/self/status for the changes of RSS
 * (RssAnon, RssFile, RssShmem), VmPTE and VmSwap. The
 * Lua runtime's own faults happen outside that bracket.
 *
 * A page's content value (DESIGN.md) is the byte at the address written:
 * touch and write store it at each address they visit, read returns the
 * byte at its address. (Not the page's first byte: a malloc'ed handle's
 * page starts with glibc's chunk header.) malloc, calloc, free and
 * malloc_trim are glibc's own; vmlab remembers the live pointers so that
 * freeing anything else is a scenario error instead of glibc's abort.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "madv.h"
#include "real.h"
#include "procfs.h"
#include "cgroup.h"
#include "supervisor.h"
#include "optime.h"
#include "files.h"
#include <fcntl.h>
#include "../lib/fdio.h"
#include "../lib/pattern.h"
#include "../lib/u64map.h"
#include "../lib/xalloc.h"

static struct u64map live;	/* malloc'ed pointer -> size */

/* ---- the measurement bracket ---- */

/*
 * Around every operation, outside its measurement, the bracket also looks
 * for pages of the run's files that something other than the run evicted:
 * on a shared host another program's pressure, or the host's own cache
 * trimming (on the machine vmlab is developed on, something evicts the
 * guest's page cache at a few MB a second, leaving shadow entries but no
 * pgscan count: not kswapd nor direct reclaim), makes a later read of them
 * fault where the simulator has no cause to. Reclaim leaves a
 * shadow entry (cachestat's nr_evicted); the run's own reclaim happens only
 * when one of its groups meets its limit (cgroup_limit_hits) or when it
 * asks for it (MADV_PAGEOUT, real_files_note_own_eviction). Shadows while
 * the run never met a limit nor asked, or new ones during an operation
 * that did neither, are the host's: the operation's record says how many
 * (host_evicted), and vmlab compare leaves that run out of its verdict.
 */
struct bracket {
	struct rusage ru;
	struct optime t;
	struct self_figures f;
	int64_t evicted;		/* real_files_evicted() before */
	uint64_t hits;			/* cgroup_limit_hits() before */
};

static bool host_evicted_told;		/* this process said so once */

static int64_t host_evicted(const struct bracket *b)
{
	int64_t now = real_files_evicted();
	uint64_t hits = cgroup_limit_hits() + real_files_own_evictions();

	if (b->evicted < 0 || now < 0)
		return 0;			/* no cachestat(2): cannot tell */
	if (!hits)
		return now > b->evicted ? now : b->evicted;
	return hits == b->hits && now > b->evicted ? now - b->evicted : 0;
}

static void bracket_begin(struct bracket *b)
{
	b->evicted = real_files_evicted();
	b->hits = cgroup_limit_hits() + real_files_own_evictions();
	supervisor_in_op(true);
	if (procfs_self_figures(&b->f))
		memset(&b->f, 0, sizeof(b->f));
	getrusage(RUSAGE_SELF, &b->ru);
	optime_start(&b->t);
}

static void bracket_end(const struct bracket *b, struct vm_result *r)
{
	uint64_t ns = optime_ns(&b->t);
	struct rusage ru;
	struct self_figures f;

	supervisor_in_op(false);
	getrusage(RUSAGE_SELF, &ru);
	if (procfs_self_figures(&f))
		f = b->f;
	memset(r, 0, sizeof(*r));
	r->minflt = (uint64_t)(ru.ru_minflt - b->ru.ru_minflt);
	r->majflt = (uint64_t)(ru.ru_majflt - b->ru.ru_majflt);
	r->ns = ns;
	r->anon_kb = f.anon - b->f.anon;
	r->file_kb = f.file - b->f.file;
	r->shmem_kb = f.shmem - b->f.shmem;
	r->rss_kb = r->anon_kb + r->file_kb + r->shmem_kb;	/* VmRSS */
	r->pte_kb = f.pte - b->f.pte;
	r->swap_kb = f.swap - b->f.swap;
	r->host_evicted = host_evicted(b);
	if (r->host_evicted && !host_evicted_told) {
		host_evicted_told = true;
		fprintf(stderr, "vmlab: %lld pages of the run's files were evicted by something outside "
			"the run (the host's reclaim): reading them again faults where the simulator's "
			"would not\n", (long long)r->host_evicted);
	}
}

static uint64_t pages_of(uint64_t addr, uint64_t len)
{
	if (!len)
		return 0;
	return ((addr + len - 1) >> 12) - (addr >> 12) + 1;
}

static int prot_of(int p)
{
	return (p & VM_PROT_READ ? PROT_READ : 0) | (p & VM_PROT_WRITE ? PROT_WRITE : 0) |
	       (p & VM_PROT_EXEC ? PROT_EXEC : 0);
}

/* ---- system calls ---- */

static int r_mmap(struct backend *b, int pid, const struct vm_mmap_args *a, uint64_t *addr,
		  struct vm_result *r)
{
	int flags = (a->shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
		    (a->populate ? MAP_POPULATE : 0) | (a->fixed ? MAP_FIXED : 0) |
		    (a->noreserve ? MAP_NORESERVE : 0);
	struct bracket br;
	void *p;
	int err;

	int fd = -1;

	(void)b;
	(void)pid;
	if (a->file) {
		/* open(2), mmap(2), close(2): the mapping holds the file */
		const char *path = real_file_path(a->file, NULL);

		if (!path)
			return -EBADF;
		flags &= ~MAP_ANONYMOUS;
		bracket_begin(&br);
		fd = open(path, (a->shared && (a->prot & VM_PROT_WRITE) ? O_RDWR : O_RDONLY) |
			  O_CLOEXEC);
		p = fd < 0 ? MAP_FAILED : mmap((void *)(uintptr_t)a->addr, a->len,
					      prot_of(a->prot), flags, fd, (off_t)a->offset);
		err = errno;
		if (fd >= 0)
			close(fd);
		bracket_end(&br, r);
	} else {
		bracket_begin(&br);
		p = mmap((void *)(uintptr_t)a->addr, a->len, prot_of(a->prot), flags, -1, 0);
		err = errno;		/* before the bracket's own reads can change it */
		bracket_end(&br, r);
	}
	if (p == MAP_FAILED)
		return -err;
	*addr = (uint64_t)(uintptr_t)p;
	r->pages = pages_of(*addr, a->len);
	return 0;
}

/* The calls on a range of an existing mapping, measured alike. */
enum range_call { RC_MUNMAP, RC_MPROTECT, RC_MADVISE, RC_MLOCK, RC_MUNLOCK };

static int range_call(enum range_call c, uint64_t addr, uint64_t len, int arg, struct vm_result *r)
{
	void *p = (void *)(uintptr_t)addr;
	struct bracket br;
	int rc = -1, err;

	bracket_begin(&br);
	switch (c) {
	case RC_MUNMAP: rc = munmap(p, len); break;
	case RC_MPROTECT: rc = mprotect(p, len, arg); break;
	case RC_MADVISE: rc = madvise(p, len, arg); break;
	case RC_MLOCK: rc = mlock(p, len); break;
	case RC_MUNLOCK: rc = munlock(p, len); break;
	}
	err = errno;
	bracket_end(&br, r);
	r->pages = pages_of(addr, len);
	return rc ? -err : 0;
}

static int r_munmap(struct backend *b, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	(void)b;
	(void)pid;
	return range_call(RC_MUNMAP, addr, len, 0, r);
}

static int r_mprotect(struct backend *b, int pid, uint64_t addr, uint64_t len, int prot,
		      struct vm_result *r)
{
	(void)b;
	(void)pid;
	return range_call(RC_MPROTECT, addr, len, prot_of(prot), r);
}

static int r_madvise(struct backend *b, int pid, uint64_t addr, uint64_t len, enum vm_madv adv,
		     struct vm_result *r)
{
	static const int advice[NR_VM_MADV] = {
		[VM_MADV_NORMAL] = MADV_NORMAL, [VM_MADV_RANDOM] = MADV_RANDOM,
		[VM_MADV_SEQUENTIAL] = MADV_SEQUENTIAL, [VM_MADV_WILLNEED] = MADV_WILLNEED,
		[VM_MADV_DONTNEED] = MADV_DONTNEED, [VM_MADV_COLD] = MADV_COLD,
		[VM_MADV_PAGEOUT] = MADV_PAGEOUT, [VM_MADV_HUGEPAGE] = MADV_HUGEPAGE,
		[VM_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE, [VM_MADV_POPULATE_READ] = MADV_POPULATE_READ,
		[VM_MADV_POPULATE_WRITE] = MADV_POPULATE_WRITE, [VM_MADV_DONTFORK] = MADV_DONTFORK,
		[VM_MADV_DOFORK] = MADV_DOFORK,
	};

	(void)b;
	(void)pid;
	if (adv == VM_MADV_PAGEOUT)
		real_files_note_own_eviction();	/* before its bracket begins */
	return range_call(RC_MADVISE, addr, len, advice[adv], r);
}

static int r_mlock(struct backend *b, int pid, uint64_t addr, uint64_t len, int on,
		   struct vm_result *r)
{
	(void)b;
	(void)pid;
	return range_call(on ? RC_MLOCK : RC_MUNLOCK, addr, len, 0, r);
}

/* ---- touch: the whole access pattern in one tight loop ---- */

struct real_touch {
	struct vm_touch_args a;
	struct pattern pat;
	size_t perm_bytes;
};

/* The permutation lives in its own mapping, faulted in before the bracket. */
static void *perm_alloc(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *r_touch_begin(struct backend *b, int pid, const struct vm_touch_args *a, int *err)
{
	struct real_touch *t = x_realloc(NULL, sizeof(*t));

	(void)b;
	(void)pid;
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->a = *a;
	t->a.stride = a->stride ? a->stride : VM_PAGE_SIZE;
	t->a.passes = a->passes ? a->passes : 1;
	if (!a->has_value)
		t->a.value = 1;
	*err = pattern_init(&t->pat, &t->a, perm_alloc);
	if (*err) {
		x_free(t);
		return NULL;
	}
	if (t->pat.perm)
		t->perm_bytes = t->pat.positions * sizeof(uint32_t);
	pattern_pass(&t->pat);		/* the first pass's order, outside the bracket */
	return t;
}

/* Returns something derived from every byte read, so no read is optimised away. */
static uint64_t run_touch(struct real_touch *t)
{
	const struct vm_touch_args *a = &t->a;
	uint64_t sum = 0;

	for (uint64_t pass = 0; pass < a->passes; pass++) {
		if (pass)
			pattern_pass(&t->pat);
		if (a->write) {
			for (uint64_t i = 0; i < t->pat.n; i++) {
				uint64_t addr = a->addr + pattern_pos(&t->pat, i) * a->stride;

				*(volatile uint8_t *)(uintptr_t)addr = a->value;
			}
		} else {
			for (uint64_t i = 0; i < t->pat.n; i++) {
				uint64_t addr = a->addr + pattern_pos(&t->pat, i) * a->stride;

				sum += *(volatile uint8_t *)(uintptr_t)addr;
			}
		}
	}
	return sum;
}

static volatile uint64_t touch_sink;

static int r_touch_step(struct backend *b, void *op, struct vm_result *r)
{
	struct real_touch *t = op;
	struct bracket br;

	(void)b;
	bracket_begin(&br);
	touch_sink += run_touch(t);
	bracket_end(&br, r);
	r->accesses = t->a.passes * t->pat.n;
	r->pages = pattern_pages(&t->pat, &t->a);
	return 0;
}

static void r_touch_end(void *op)
{
	struct real_touch *t = op;

	if (t->pat.perm)
		munmap(t->pat.perm, t->perm_bytes);
	x_free(t);
}

static int r_access(struct backend *b, int pid, uint64_t addr, int write, uint8_t value,
		    struct vm_result *r)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	struct bracket br;
	uint8_t v = value;

	(void)b;
	(void)pid;
	bracket_begin(&br);
	if (write)
		*p = value;
	else
		v = *p;
	bracket_end(&br, r);
	r->value = v;
	r->pages = 1;
	r->accesses = 1;
	return 0;
}

/* ---- glibc ---- */

static int r_alloc(struct backend *b, int pid, uint64_t size, int zero, uint64_t *addr,
		   struct vm_result *r)
{
	struct bracket br;
	void *p;

	(void)b;
	(void)pid;
	bracket_begin(&br);
	p = zero ? calloc(1, size) : malloc(size);
	bracket_end(&br, r);
	if (!p)
		return -ENOMEM;
	*addr = (uint64_t)(uintptr_t)p;
	if (u64map_set(&live, *addr, size)) {	/* after the bracket: arena memory */
		free(p);
		return -ENOMEM;
	}
	r->pages = pages_of(*addr, size);
	return 0;
}

static int r_free(struct backend *b, int pid, uint64_t addr, struct vm_result *r)
{
	struct bracket br;
	uint64_t size;

	(void)b;
	(void)pid;
	if (!u64map_get(&live, addr, &size))
		return -EINVAL;
	u64map_del(&live, addr);
	bracket_begin(&br);
	free((void *)(uintptr_t)addr);
	bracket_end(&br, r);
	r->pages = pages_of(addr, size);
	return 0;
}

static int r_trim(struct backend *b, int pid, uint64_t pad, struct vm_result *r)
{
	struct bracket br;
	int released;

	(void)b;
	(void)pid;
	bracket_begin(&br);
	released = malloc_trim(pad);
	bracket_end(&br, r);
	return released;
}

/* ---- /proc ---- */

static int r_proc_info(struct backend *b, int pid, struct vm_proc *p)
{
	(void)b;
	return procfs_proc(pid, p);
}

static int r_snapshot(struct backend *b, struct vm_snapshot *s)
{
	int pids[1024], n = real_run_pids(b, pids, 1024), rc = procfs_snapshot(s, pids, n);

	if (!rc)
		s->n_memstat = cgroup_memstat(s->memstat, &s->memstat_own);
	return rc;
}

int real_run_pids(struct backend *b, int *pids, int max)
{
	const struct real_run *rp = b->priv;

	if (cgroup_dir()[0])
		return cgroup_pids(rp ? rp->driver : 0, pids, max);
	return rp ? procfs_descendants(rp->driver, pids, max) : 0;
}

static int r_pagewalk(struct backend *b, int pid, uint64_t addr, struct vm_walk *w)
{
	(void)b;
	(void)pid;
	(void)addr;
	(void)w;
	return -ENOSYS;		/* the real page tables are not visible from user space */
}

/* A real process is never asked to let another run: the host schedules them. */
static bool r_should_yield(struct backend *b, int pid)
{
	(void)b;
	(void)pid;
	return false;
}

static int real_cgroup_create(struct backend *b, const char *name, int parent, uint64_t max,
			      char *err, size_t en)
{
	(void)b;
	return cgroup_child_create(name, parent, max, err, en);
}

static int real_cgroup_swappiness(struct backend *b, int id, int swappiness, char *err, size_t en)
{
	(void)b;
	return cgroup_child_swappiness(id, swappiness, err, en);
}

static int real_cgroup_protect(struct backend *b, int id, uint64_t min, uint64_t low, char *err,
			       size_t en)
{
	(void)b;
	return cgroup_child_protect(id, min, low, err, en);
}

static int real_cgroup_oom_group(struct backend *b, int id, char *err, size_t en)
{
	(void)b;
	return cgroup_child_oom_group(id, err, en);
}

static int real_cgroup_memstat(struct backend *b, int id, struct vm_kv *kv, uint64_t *max_events,
			       uint64_t *oom_events, uint64_t *oom_kill, uint64_t *peak)
{
	(void)b;
	return cgroup_child_memstat(id, kv, max_events, oom_events, oom_kill, peak);
}

/* /proc/PID/maps as the kernel writes it */
static int r_maps(struct backend *b, int pid, char *buf, size_t n)
{
	char path[64];
	long len;

	(void)b;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	len = read_small(path, buf, n);
	return len < 0 ? -ESRCH : (int)len;
}

/* ---- files (files.c) ---- */

static int real_file_create_op(struct backend *b, const char *name, uint64_t size, uint8_t value,
			       int tmpfs, char *err, size_t en)
{
	(void)b;
	return real_file_create(name, size, value, tmpfs, err, en);
}

static int real_file_unlink_op(struct backend *b, int id)
{
	(void)b;
	return real_file_unlink(id);
}

static int r_file_read(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
		       struct vm_result *r)
{
	struct bracket br;
	uint8_t first = 0;
	int err;

	(void)b;
	(void)pid;
	real_files_buffer_ready();
	bracket_begin(&br);
	err = real_file_read(id, off, len, &first);
	bracket_end(&br, r);
	r->value = first;
	r->pages = len >> 12;
	return err;
}

static int r_file_write(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
			uint8_t value, struct vm_result *r)
{
	struct bracket br;
	int err;

	(void)b;
	(void)pid;
	real_files_buffer_ready();
	bracket_begin(&br);
	err = real_file_write(id, off, len, value);
	bracket_end(&br, r);
	r->pages = len >> 12;
	return err;
}

static int r_fsync(struct backend *b, int pid, int id, struct vm_result *r)
{
	struct bracket br;
	int err;

	(void)b;
	(void)pid;
	bracket_begin(&br);
	err = real_file_fsync(id);
	bracket_end(&br, r);
	return err;
}

/* sync(2) of the run's files only (fsync each: the host's others are not ours to flush) */
static int r_sync(struct backend *b, int pid, struct vm_result *r)
{
	struct bracket br;
	int err;

	(void)b;
	(void)pid;
	bracket_begin(&br);
	err = real_files_sync();
	bracket_end(&br, r);
	return err;
}

static int64_t r_drop_caches(struct backend *b)
{
	(void)b;
	real_files_sync();
	real_files_drop();
	return 0;
}

static int64_t r_file_size(struct backend *b, int id)
{
	(void)b;
	return real_file_size(id);
}

const struct backend_ops real_backend_ops = {
	.name = "real",
	.mmap = r_mmap,
	.munmap = r_munmap,
	.mprotect = r_mprotect,
	.madvise = r_madvise,
	.mlock = r_mlock,
	.touch_begin = r_touch_begin,
	.touch_step = r_touch_step,
	.touch_end = r_touch_end,
	.access = r_access,
	.alloc = r_alloc,
	.free = r_free,
	.trim = r_trim,
	.proc_info = r_proc_info,
	.snapshot = r_snapshot,
	.snapshot_release = procfs_snapshot_release,
	.pagewalk = r_pagewalk,
	.dmesg = real_dmesg,
	.oom_rows = real_oom_rows,
	.coroutines = false,
	.spawn = real_spawn,
	.cgroup_create = real_cgroup_create,
	.cgroup_memstat = real_cgroup_memstat,
	.cgroup_swappiness = real_cgroup_swappiness,
	.cgroup_protect = real_cgroup_protect,
	.cgroup_oom_group = real_cgroup_oom_group,
	.maps = r_maps,
	.file_create = real_file_create_op,
	.file_unlink = real_file_unlink_op,
	.file_read = r_file_read,
	.file_write = r_file_write,
	.fsync = r_fsync,
	.sync = r_sync,
	.drop_caches = r_drop_caches,
	.file_size = r_file_size,
	.fork = real_fork,
	.wait = real_wait,
	.wait_ready = real_wait_ready,
	.ready = real_ready,
	.kill = real_kill,
	.sleep = real_sleep,
	.pause = real_pause,
	.exit = real_exit,
	.status = real_status,
	.should_yield = r_should_yield,
	.why_blocked = real_why_blocked,
	.finish = real_finish,
};
