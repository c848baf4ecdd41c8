/*
 * calibrate.c - see calibrate.h.
 *
 * Every benchmark runs in a process forked for it, so each one starts from
 * the same state (nothing mapped, glibc's heap untouched), and sends its
 * figure back on a pipe. Anonymous regions are 64 MiB with MADV_NOHUGEPAGE,
 * so that they fault one 4 KiB page at a time whatever the THP setting.
 */
#define _GNU_SOURCE		/* sched_setaffinity */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "calibrate.h"
#include "cgroup.h"
#include "madv.h"
#include "optime.h"
#include "../lib/fdio.h"

#define PAGE		4096UL
#define REGION		(BENCH_PAGES * PAGE)
#define HUGE		(2UL << 20)

const struct bench_desc bench_desc[NR_BENCH] = {
	[B_ACCESS] = { "tlb_hit_access", "per access" },
	[B_SEQ_MAPPED] = { "mapped_page_access", "per page" },
	[B_WRITE_FAULT] = { "anon_write_fault", "per fault" },
	[B_READ_FAULT] = { "zero_page_read_fault", "per fault" },
	[B_WRITE_AFTER_READ] = { "write_after_zero_fault", "per fault" },
	[B_POPULATE_READ] = { "populate_read", "per page" },
	[B_POPULATE] = { "populate", "per page" },
	[B_COW_COPY] = { "cow_copy_fault", "per fault" },
	[B_COW_REUSE] = { "cow_reuse_fault", "per fault" },
	[B_SHMEM_READ] = { "shmem_read_fault", "per fault" },
	[B_MUNMAP] = { "munmap", "per page" },
	[B_FORK_BASE] = { "fork_small", "per fork" },
	[B_FORK_PAGES] = { "fork_64m", "per fork" },
	[B_SYSCALL] = { "syscall", "per call" },
	[B_MMAP_MUNMAP] = { "mmap_munmap", "per pair" },
	[B_SWITCH] = { "context_switch", "per switch" },
	[B_MALLOC] = { "malloc_free", "per call" },
	[B_THP_FAULT] = { "thp_fault", "per 2 MiB fault" },
	[B_FILE_HOT] = { "file_hot_fault", "per fault" },
	[B_FILE_COLD] = { "file_cold_fault", "per fault" },
	[B_FILE_READAHEAD] = { "file_readahead_read", "per page" },
};

static volatile uint64_t sink;

static char *region(int extra_flags)
{
	char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, REGION, MADV_NOHUGEPAGE);
	return p;
}

static void write_pages(char *p, size_t pages, char v)
{
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = v;
}

static uint64_t read_pages(const char *p, size_t pages)
{
	uint64_t s = 0;

	for (size_t i = 0; i < pages; i++)
		s += ((const volatile char *)p)[i * PAGE];
	return s;
}

/* ns per page of a pass over a fresh region (or a prepared one). */
static double timed_write(char *p)
{
	struct optime t;

	optime_start(&t);
	write_pages(p, BENCH_PAGES, 1);
	return (double)optime_ns(&t) / BENCH_PAGES;
}

static double timed_read(char *p)
{
	struct optime t;
	uint64_t s;

	optime_start(&t);
	s = read_pages(p, BENCH_PAGES);
	sink += s;
	return (double)optime_ns(&t) / BENCH_PAGES;
}

static int fail(char *why, size_t n, const char *what)
{
	snprintf(why, n, "%s: %s", what, strerror(errno));
	return -1;
}

/* ---- file benchmarks ---- */

static int make_file(const char *dir, char *path, size_t plen, char *why, size_t n)
{
	static char buf[1 << 20];
	int fd;

	snprintf(path, plen, "%s/vmlab-calibrate-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return fail(why, n, dir);
	unlink(path);		/* gone with the process, whatever happens */
	memset(buf, 7, sizeof(buf));
	for (size_t done = 0; done < REGION; done += sizeof(buf)) {
		if (write_all(fd, buf, sizeof(buf))) {
			close(fd);
			return fail(why, n, "writing the scratch file");
		}
	}
	if (fsync(fd)) {
		close(fd);
		return fail(why, n, "fsync");
	}
	return fd;
}

/* Drop the file's pages from the page cache; false if they stay (tmpfs...). */
static int drop_cache(int fd, char *why, size_t n)
{
	unsigned char vec[BENCH_PAGES];
	char *p;
	size_t resident = 0;

	posix_fadvise(fd, 0, REGION, POSIX_FADV_DONTNEED);
	p = mmap(NULL, REGION, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail(why, n, "mmap of the scratch file");
	if (mincore(p, REGION, vec) == 0)
		for (size_t i = 0; i < BENCH_PAGES; i++)
			resident += vec[i] & 1;
	munmap(p, REGION);
	if (resident > BENCH_PAGES / 100) {
		snprintf(why, n, "the scratch file's pages stay in memory (a tmpfs?): no cold faults to time");
		return -1;
	}
	return 0;
}

static int file_bench(enum bench b, const char *dir, double *ns, char *why, size_t n)
{
	char path[4096], *p;
	struct rusage r0, r1;
	struct optime t;
	uint64_t took;
	int fd = make_file(dir, path, sizeof(path), why, n);
	long faults;

	if (fd < 0)
		return -1;
	if (b == B_FILE_HOT) {
		p = mmap(NULL, REGION, PROT_READ, MAP_PRIVATE, fd, 0);	/* bring it all in */
		if (p == MAP_FAILED)
			return fail(why, n, "mmap");
		madvise(p, REGION, MADV_WILLNEED);
		sink += read_pages(p, BENCH_PAGES);
		munmap(p, REGION);
	} else if (drop_cache(fd, why, n)) {
		return -1;
	}
	p = mmap(NULL, REGION, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return fail(why, n, "mmap");
	if (b == B_FILE_COLD)
		madvise(p, REGION, MADV_RANDOM);
	getrusage(RUSAGE_SELF, &r0);
	optime_start(&t);
	sink += read_pages(p, BENCH_PAGES);
	took = optime_ns(&t);
	getrusage(RUSAGE_SELF, &r1);
	faults = (r1.ru_minflt - r0.ru_minflt) + (r1.ru_majflt - r0.ru_majflt);
	if (b == B_FILE_READAHEAD)
		*ns = (double)took / BENCH_PAGES;
	else
		*ns = (double)took / (double)(faults > 0 ? faults : 1);
	close(fd);
	return 0;
}

/* ---- the others ---- */

static int child_bench(enum bench b, const char *dir, double *ns, char *why, size_t n)
{
	char *p = NULL;
	struct optime t;
	pid_t c;
	int fds[2], ws;

	switch (b) {		/* the ones that start from a fresh 64 MiB region */
	case B_SEQ_MAPPED: case B_WRITE_FAULT: case B_READ_FAULT: case B_WRITE_AFTER_READ:
	case B_COW_COPY: case B_COW_REUSE: case B_MUNMAP: case B_FORK_PAGES:
		if (!(p = region(0)))
			return fail(why, n, "mmap");
		break;
	default:
		break;
	}
	switch (b) {
	case B_ACCESS: {
		const uint64_t iters = 1 << 24;

		p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(why, n, "mmap");
		write_pages(p, 16, 1);
		optime_start(&t);
		for (uint64_t i = 0; i < iters; i++)
			sink += ((volatile char *)p)[(i & 15) * PAGE];
		*ns = (double)optime_ns(&t) / (double)iters;
		return 0;
	}
	case B_SEQ_MAPPED:
		write_pages(p, BENCH_PAGES, 1);
		*ns = timed_write(p);
		return 0;
	case B_WRITE_FAULT:
		*ns = timed_write(p);
		return 0;
	case B_READ_FAULT:
		*ns = timed_read(p);
		return 0;
	case B_WRITE_AFTER_READ:
		sink += read_pages(p, BENCH_PAGES);
		*ns = timed_write(p);
		return 0;
	case B_POPULATE_READ:
	case B_POPULATE: {
		int adv = b == B_POPULATE ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;

		p = region(0);
		if (!p)
			return fail(why, n, "mmap");
		optime_start(&t);
		if (madvise(p, REGION, adv))
			return fail(why, n, b == B_POPULATE ? "madvise(MADV_POPULATE_WRITE)" :
				    "madvise(MADV_POPULATE_READ)");
		*ns = (double)optime_ns(&t) / BENCH_PAGES;
		return 0;
	}
	case B_COW_COPY:
	case B_COW_REUSE:
		write_pages(p, BENCH_PAGES, 1);
		if (pipe(fds))
			return fail(why, n, "pipe");
		c = fork();
		if (c < 0)
			return fail(why, n, "fork");
		if (c == 0) {
			char x;

			if (b == B_COW_COPY)
				while (read(fds[0], &x, 1) < 0 && errno == EINTR)
					;
			_exit(0);
		}
		if (b == B_COW_REUSE)
			waitpid(c, &ws, 0);
		*ns = timed_write(p);
		if (b == B_COW_COPY) {
			if (write(fds[1], "x", 1) < 0) {
				/* the child is gone already: nothing to wake */
			}
			waitpid(c, &ws, 0);
		}
		return 0;
	case B_SHMEM_READ:
		p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(why, n, "mmap");
		*ns = timed_read(p);
		return 0;
	case B_MUNMAP:
		write_pages(p, BENCH_PAGES, 1);
		optime_start(&t);
		munmap(p, REGION);
		*ns = (double)optime_ns(&t) / BENCH_PAGES;
		return 0;
	case B_FORK_BASE:
	case B_FORK_PAGES:
		if (p)
			write_pages(p, BENCH_PAGES, 1);
		optime_start(&t);
		c = fork();
		if (c == 0)
			_exit(0);
		*ns = (double)optime_ns(&t);
		if (c < 0)
			return fail(why, n, "fork");
		waitpid(c, &ws, 0);
		return 0;
	case B_SYSCALL: {
		const int iters = 1 << 20;

		optime_start(&t);
		for (int i = 0; i < iters; i++)
			sink += (uint64_t)syscall(SYS_getppid);
		*ns = (double)optime_ns(&t) / iters;
		return 0;
	}
	case B_MMAP_MUNMAP: {
		const int iters = 1 << 15;

		optime_start(&t);
		for (int i = 0; i < iters; i++) {
			void *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (q == MAP_FAILED)
				return fail(why, n, "mmap");
			munmap(q, PAGE);
		}
		*ns = (double)optime_ns(&t) / iters;
		return 0;
	}
	case B_SWITCH: {
		const int iters = 1 << 14;
		int back[2];
		cpu_set_t one;
		char x = 0;

		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one) || pipe(fds) || pipe(back))
			return fail(why, n, "setting up the ping-pong");
		c = fork();
		if (c < 0)
			return fail(why, n, "fork");
		if (c == 0) {
			for (int i = 0; i < iters; i++)
				if (read(fds[0], &x, 1) != 1 || write(back[1], &x, 1) != 1)
					_exit(1);
			_exit(0);
		}
		optime_start(&t);
		for (int i = 0; i < iters; i++)
			if (write(fds[1], &x, 1) != 1 || read(back[0], &x, 1) != 1)
				return fail(why, n, "the ping-pong");
		*ns = (double)optime_ns(&t) / (2.0 * iters);
		waitpid(c, &ws, 0);
		return 0;
	}
	case B_MALLOC: {
		const int iters = 1 << 20;
		void *q;

		q = malloc(64);		/* glibc's first call sets up its heap: not timed */
		free(q);
		optime_start(&t);
		for (int i = 0; i < iters; i++) {
			q = malloc(64);
			sink += (uintptr_t)q;
			free(q);
		}
		*ns = (double)optime_ns(&t) / (2.0 * iters);
		return 0;
	}
	case B_THP_FAULT: {
		char rollup[4096], *a;
		uintptr_t base;
		const size_t n2m = 32;

		p = mmap(NULL, (n2m + 1) * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(why, n, "mmap");
		base = ((uintptr_t)p + HUGE - 1) & ~(HUGE - 1);
		if (madvise((void *)base, n2m * HUGE, MADV_HUGEPAGE))
			return fail(why, n, "madvise(MADV_HUGEPAGE)");
		optime_start(&t);
		for (size_t i = 0; i < n2m; i++)
			((volatile char *)base)[i * HUGE] = 1;
		*ns = (double)optime_ns(&t) / n2m;
		if (read_small("/proc/self/smaps_rollup", rollup, sizeof(rollup)) <= 0 ||
		    !(a = strstr(rollup, "AnonHugePages:")) || strtoul(a + 14, NULL, 10) == 0) {
			snprintf(why, n, "no transparent huge page was given (THP off, or memory too "
				 "fragmented)");
			return -1;
		}
		return 0;
	}
	default:
		return file_bench(b, dir, ns, why, n);
	}
}

static void on_stop(int sig)
{
	cgroup_leave();
	signal(sig, SIG_DFL);
	raise(sig);
}

int bench_setup(char *err, size_t n)
{
	char note[512];
	struct sigaction sa;

	switch (cgroup_enter(cgroup_default_limit(), note, sizeof(note), err, n)) {
	case -1:
		return -1;
	case 1:
		fprintf(stderr, "vmlab calibrate: %s\n", note);
		break;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

void bench_cleanup(void)
{
	cgroup_leave();
}

int bench_run(enum bench b, const char *workdir, double *ns, char *why, size_t n)
{
	struct { double ns; int ok; char why[200]; } res;
	int fds[2], ws;
	pid_t c;

	if (pipe(fds))
		return fail(why, n, "pipe");
	fflush(NULL);
	c = fork();
	if (c < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(why, n, "fork");
	}
	if (c == 0) {
		memset(&res, 0, sizeof(res));
		close(fds[0]);
		res.ok = child_bench(b, workdir, &res.ns, res.why, sizeof(res.why)) == 0;
		if (write_all(fds[1], &res, sizeof(res)))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	memset(&res, 0, sizeof(res));
	if (read(fds[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
		snprintf(res.why, sizeof(res.why), "the benchmark's process died");
	close(fds[0]);
	waitpid(c, &ws, 0);
	if (!res.ok) {
		snprintf(why, n, "%s", res.why);
		return -1;
	}
	*ns = res.ns;
	return 0;
}
