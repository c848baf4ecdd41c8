/*
 * calibrate.h - microbenchmarks of this machine's memory-management events,
 * for `vmlab calibrate`: each runs in a fresh process of its own and
 * returns nanoseconds per event (per page, per fault, per call).
 */
#ifndef VMLAB_CALIBRATE_H
#define VMLAB_CALIBRATE_H

#include <stddef.h>

enum bench {
	B_ACCESS,		/* a load from a page the TLB holds */
	B_SEQ_MAPPED,		/* the first access to each page of a mapped region (a page walk) */
	B_WRITE_FAULT,		/* first write to an anonymous page */
	B_READ_FAULT,		/* first read: maps the zero page */
	B_WRITE_AFTER_READ,	/* write after the zero page was mapped */
	B_POPULATE_READ,	/* MADV_POPULATE_READ, per page: maps the zero page */
	B_POPULATE,		/* MADV_POPULATE_WRITE, per page */
	B_COW_COPY,		/* write to a page a live child shares */
	B_COW_REUSE,		/* write to a page whose sharer exited */
	B_SHMEM_READ,		/* first read of a shared anonymous page */
	B_MUNMAP,		/* munmap, per mapped page */
	B_FORK_BASE,		/* fork() of a small process */
	B_FORK_PAGES,		/* fork() of a process with BENCH_PAGES mapped pages */
	B_SYSCALL,		/* getppid() */
	B_MMAP_MUNMAP,		/* mmap + munmap of one untouched page */
	B_SWITCH,		/* a context switch (pipe ping-pong on one CPU) */
	B_MALLOC,		/* malloc(64) or free() */
	B_THP_FAULT,		/* a 2 MiB transparent huge page fault */
	B_FILE_HOT,		/* a read fault on a cached file page (fault-around) */
	B_FILE_COLD,		/* a read fault on an uncached file page, MADV_RANDOM */
	B_FILE_READAHEAD,	/* the same with readahead, per page */
	NR_BENCH
};

#define BENCH_PAGES	16384	/* 64 MiB regions */

struct bench_desc {
	const char *name;
	const char *what;	/* "per fault", "per page"... */
};

extern const struct bench_desc bench_desc[NR_BENCH];

/*
 * Before the first benchmark: move into a memory cgroup of our own, as a
 * real scenario run does (so memcg charging is in every figure, and the
 * benchmarks cannot hurt the host), with cleanup on SIGINT/SIGTERM/SIGHUP.
 * 0, or -1 with err. Notes (no cgroup: why) go to stderr.
 */
int bench_setup(char *err, size_t n);
void bench_cleanup(void);

/*
 * Run benchmark b once, in a new process; file benchmarks use a scratch
 * file in workdir. 0 and *ns; or -1 with the reason it was skipped (or
 * failed) in why.
 */
int bench_run(enum bench b, const char *workdir, double *ns, char *why, size_t n);

#endif
