/*
 * oom.c - the OOM killer's side of a real run: vm.show("oom") and
 * vm.show("dmesg") on the real kernel.
 *
 * The candidates are the run's processes (or one vm.cgroup's), each with
 * oom_badness()'s terms as /proc/PID/status shows them (RssAnon + RssFile +
 * RssShmem, VmSwap, VmPTE: mm_pgtables_bytes, all in pages) and
 * /proc/PID/oom_score as the kernel prints it; the mark goes where
 * select_bad_process() would go (the highest, the later on a tie, pid order
 * standing for the task list's).
 *
 * The log is the kernel's, read from /dev/kmsg (root): of every OOM report
 * since the run began, those whose victim was in the run's memory cgroup
 * (the oom-kill: line's task_memcg names the run's group), and of them the
 * lines the simulator writes too: the header, the memcg usage line, the
 * task table, the oom-kill: summary, the "Killed process" line and the
 * reaper's. The stack dump, show_mem() and memory.stat lines are left out,
 * so the two kernels' logs can be set side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "procfs.h"
#include "real.h"
#include "../lib/fdio.h"

static uint64_t run_start_us;		/* CLOCK_MONOTONIC when the run began */

void real_oom_note_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	run_start_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* MemTotal and SwapTotal of /proc/meminfo, in pages. */
static void machine_pages(uint64_t *ram, uint64_t *swap)
{
	char buf[8192];
	struct vm_kv kv[128];
	long len = read_small("/proc/meminfo", buf, sizeof(buf) - 1);
	int n;

	*ram = *swap = 0;
	if (len <= 0)
		return;
	buf[len] = '\0';
	n = procfs_parse_kv(buf, kv, 128);
	*ram = (uint64_t)vm_kv_get(kv, n, "MemTotal") / 4;
	*swap = (uint64_t)(vm_kv_get(kv, n, "SwapTotal") > 0 ? vm_kv_get(kv, n, "SwapTotal") : 0) / 4;
}

int real_oom_rows(struct backend *b, int memcg, struct vm_oom_row *rows, int max,
		  uint64_t *totalpages)
{
	int pids[1024], n, k = 0, chosen = -1;
	uint64_t ram, swap, limit = 0, host_swappiness = 60;
	int swappiness;

	machine_pages(&ram, &swap);
	if (memcg > 0) {
		n = cgroup_child_pids(memcg, pids, 1024, &limit, &swappiness);
		if (n < 0)
			return n;
		/*
		 * mem_cgroup_get_max(): the limit (PAGE_COUNTER_MAX for none),
		 * and the swap it may use (v1 memsw: all of it) unless its
		 * swappiness is 0 (its own, else vm.swappiness)
		 */
		if (swappiness < 0 && !read_u64("/proc/sys/vm/swappiness", &host_swappiness))
			swappiness = (int)host_swappiness;
		*totalpages = (limit ? limit / 4096 : (uint64_t)INT64_MAX / 4096) +
			      (swappiness ? swap : 0);
	} else {
		n = real_run_pids(b, pids, 1024);
		*totalpages = ram + swap;		/* proc_oom_score's, always global */
	}
	qsort(pids, (size_t)n, sizeof(int), cmp_int);
	for (int i = 0; i < n && k < max; i++) {
		struct vm_proc p;
		struct vm_oom_row *r = &rows[k];

		if (procfs_proc(pids[i], &p) || p.state == 'Z')
			continue;
		memset(r, 0, sizeof(*r));
		r->pid = p.pid;
		snprintf(r->comm, sizeof(r->comm), "%s", p.comm);
		r->rss = (int64_t)(p.rss_anon_kb + p.rss_file_kb + p.rss_shmem_kb) / 4;
		r->swapents = (int64_t)p.swap_kb / 4;
		r->pgtables = (int64_t)p.vm_pte_kb / 4;
		r->oom_score_adj = p.oom_score_adj;
		r->adj_points = (int64_t)p.oom_score_adj * (int64_t)(*totalpages / 1000);
		r->eligible = p.oom_score_adj != -1000;
		r->badness = r->eligible ? r->rss + r->swapents + r->pgtables + r->adj_points : INT64_MIN;
		r->oom_score = p.oom_score;
		if (r->eligible && (chosen < 0 || r->badness >= rows[chosen].badness))
			chosen = k;
		k++;
	}
	if (chosen >= 0)
		rows[chosen].chosen = 1;
	return k;
}

/* The lines of an OOM report the simulator writes as well. */
static bool kept_line(const char *text)
{
	static const char *const keep[] = {
		" invoked oom-killer: ", "memory: usage ", "Tasks state (memory values in pages):",
		"[  pid  ]", "oom-kill:constraint=", "Killed process ", "oom_reaper: reaped process ",
		"Out of memory and no killable processes",
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strstr(text, keep[i]))
			return true;
	/* a task table row: "[%7d] ..." */
	return text[0] == '[' && strlen(text) > 9 && text[8] == ']';
}

int real_dmesg(struct backend *b, char *buf, size_t n)
{
	static char rec[8192];
	const char *dir = cgroup_dir(), *base = strrchr(dir, '/');
	size_t at = 0, report_start = 0;
	bool in_report = false, ours = false;
	int fd;

	(void)b;
	buf[0] = '\0';
	if (!base || !base[1])
		return 0;		/* no cgroup of its own: nothing is known to be the run's */
	base++;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		unsigned long long us;
		char *text, *nl;
		int w;

		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten while we read: go on with what is there */
		if (len <= 0)
			break;
		rec[len] = '\0';
		text = strchr(rec, ';');
		if (!text || sscanf(rec, "%*d,%*u,%llu", &us) != 1 || us + 1000000 < run_start_us)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(text, " invoked oom-killer: ")) {
			if (in_report && !ours)
				at = report_start;	/* the last report was not the run's */
			in_report = true;
			ours = false;
			report_start = at;
		}
		if (!in_report || !kept_line(text))
			continue;
		if (strstr(text, "oom-kill:constraint=")) {
			const char *tm = strstr(text, "task_memcg=");

			ours = tm && strstr(tm, base);
		}
		w = snprintf(buf + at, n - at, "[%5llu.%06llu] %s\n", us / 1000000, us % 1000000, text);
		if (w < 0 || (size_t)w >= n - at)
			break;
		at += (size_t)w;
		if (strstr(text, "Killed process ") || strstr(text, "no killable processes")) {
			if (!ours)
				at = report_start;
			in_report = strstr(text, "Killed process ") != NULL && ours;
		}
	}
	close(fd);
	if (in_report && !ours)
		at = report_start;
	buf[at] = '\0';
	return (int)at;
}
