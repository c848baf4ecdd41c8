/*
 * procfs.c - see procfs.h. The formats are the kernel's: fs/proc/meminfo.c
 * meminfo_proc_show, mm/vmstat.c vmstat_start and zoneinfo_show_print,
 * fs/proc/stat.c show_stat, fs/proc/task_mmu.c task_mem and
 * show_smaps_rollup, fs/proc/array.c do_task_stat, fs/proc/base.c
 * proc_oom_score.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include "procfs.h"
#include "../lib/fdio.h"
#include "../lib/xalloc.h"

int procfs_parse_kv(const char *text, struct vm_kv *kv, int max)
{
	int n = 0;

	for (const char *s = text; *s && n < max; ) {
		const char *eol = strchr(s, '\n'), *name = s, *v;
		size_t len = 0;

		if (!eol)
			eol = s + strlen(s);
		while (name < eol && (*name == ' ' || *name == '\t'))
			name++;
		while (name + len < eol && name[len] != ':' && name[len] != ' ' && name[len] != '\t')
			len++;
		v = name + len;
		while (v < eol && (*v == ':' || *v == ' ' || *v == '\t'))
			v++;
		if (len && len < sizeof(kv[n].name) && v < eol && (isdigit((unsigned char)*v) || *v == '-')) {
			memcpy(kv[n].name, name, len);
			kv[n].name[len] = '\0';
			kv[n].value = strtoll(v, NULL, 10);
			n++;
		}
		s = *eol ? eol + 1 : eol;
	}
	return n;
}

/* The number after "key" on the line starting at s (and before eol). */
static int64_t after(const char *s, const char *eol, const char *key, bool *found)
{
	const char *k = strstr(s, key);

	if (!k || k >= eol) {
		*found = false;
		return 0;
	}
	*found = true;
	return strtoll(k + strlen(key), NULL, 10);
}

int procfs_parse_zoneinfo(const char *text, struct vm_zone *zones, int max)
{
	struct vm_zone *z = NULL;
	int n = 0;
	bool in_stats = false;

	for (const char *s = text; *s; ) {
		const char *eol = strchr(s, '\n');
		int node;
		char name[8];
		bool f;

		if (!eol)
			eol = s + strlen(s);
		if (sscanf(s, "Node %d, zone %7s", &node, name) == 2) {
			z = NULL;
			in_stats = false;
			if (node == 0 && n < max) {
				z = &zones[n++];
				memset(z, 0, sizeof(*z));
				snprintf(z->name, sizeof(z->name), "%s", name);
			}
		} else if (z) {
			int64_t v;

			if ((v = after(s, eol, "pages free", &f)), f)
				z->free = v;
			else if (!in_stats && ((v = after(s, eol, "boost", &f)), f))
				z->boost = v;
			else if (!in_stats && ((v = after(s, eol, "min ", &f)), f))
				z->min = v;
			else if (!in_stats && ((v = after(s, eol, "low ", &f)), f))
				z->low = v;
			else if (!in_stats && ((v = after(s, eol, "high ", &f)), f))
				z->high = v;
			else if (!in_stats && ((v = after(s, eol, "promo ", &f)), f))
				z->promo = v;
			else if (!in_stats && ((v = after(s, eol, "spanned", &f)), f))
				z->spanned = v;
			else if (!in_stats && ((v = after(s, eol, "present", &f)), f))
				z->present = v;
			else if (!in_stats && ((v = after(s, eol, "managed", &f)), f))
				z->managed = v;
			else if (strstr(s, "protection: (") && strstr(s, "protection: (") < eol) {
				const char *p = strstr(s, "(") + 1;

				for (int j = 0; j < 5 && p < eol; j++) {
					char *end;

					z->protection[j] = strtoll(p, &end, 10);
					p = end;
					while (p < eol && (*p == ',' || *p == ' '))
						p++;
				}
				in_stats = true;
			} else if (strstr(s, "pagesets") && strstr(s, "pagesets") < eol) {
				z = NULL;	/* the per-CPU part is not shown */
			} else if (in_stats && z->n_stat < (int)(sizeof(z->stat) / sizeof(z->stat[0]))) {
				char line[128];
				size_t len = (size_t)(eol - s) < sizeof(line) - 1 ? (size_t)(eol - s) : sizeof(line) - 1;

				memcpy(line, s, len);
				line[len] = '\0';
				z->n_stat += procfs_parse_kv(line, &z->stat[z->n_stat], 1);
			}
		}
		s = *eol ? eol + 1 : eol;
	}
	/* as the simulator does: populated zones only */
	int kept = 0;

	for (int i = 0; i < n; i++)
		if (zones[i].present)
			zones[kept++] = zones[i];
	return kept;
}

static int64_t kv_find(const struct vm_kv *kv, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(kv[i].name, name))
			return kv[i].value;
	return 0;
}

static int read_kv(const char *path, struct vm_kv *kv, int max)
{
	char *buf;
	size_t len;
	int n;

	if (read_whole(path, &buf, &len))
		return -1;
	n = procfs_parse_kv(buf, kv, max);
	x_free(buf);
	return n;
}

int procfs_proc(int pid, struct vm_proc *p)
{
	struct vm_kv kv[96];
	char path[64], buf[4096], *rp;
	unsigned long long lo, hi;
	long clk = sysconf(_SC_CLK_TCK);
	int n;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 || !(rp = strrchr(buf, ')')))
		return -ESRCH;
	{
		char *open = strchr(buf, '(');
		size_t len = open ? (size_t)(rp - open - 1) : 0;
		unsigned long long f[20];

		if (len >= sizeof(p->comm))
			len = sizeof(p->comm) - 1;
		if (open)
			memcpy(p->comm, open + 1, len);
		p->comm[len] = '\0';
		/* fields 3.. after the comm: state ppid pgrp session tty tpgid flags minflt ... */
		if (sscanf(rp + 2, "%c %llu %*d %*d %*d %*d %*u %llu %llu %llu %llu %llu %llu %*d %*d "
			   "%*d %*d %*d %*d %llu", &p->state, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5],
			   &f[6], &f[7]) == 9) {
			p->ppid = (int)f[0];
			p->min_flt = f[1];
			p->cmin_flt = f[2];
			p->maj_flt = f[3];
			p->cmaj_flt = f[4];
			p->utime_ns = f[5] * 1000000000ULL / (unsigned long long)clk;
			p->stime_ns = f[6] * 1000000000ULL / (unsigned long long)clk;
			p->start_ns = f[7] * 1000000000ULL / (unsigned long long)clk;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	n = read_kv(path, kv, 96);
	if (n > 0) {
		p->uid = (int)kv_find(kv, n, "Uid");
		p->vm_peak_kb = (uint64_t)kv_find(kv, n, "VmPeak");
		p->vsz_kb = (uint64_t)kv_find(kv, n, "VmSize");
		p->vm_lck_kb = (uint64_t)kv_find(kv, n, "VmLck");
		p->vm_hwm_kb = (uint64_t)kv_find(kv, n, "VmHWM");
		p->rss_kb = (uint64_t)kv_find(kv, n, "VmRSS");
		p->rss_anon_kb = (uint64_t)kv_find(kv, n, "RssAnon");
		p->rss_file_kb = (uint64_t)kv_find(kv, n, "RssFile");
		p->rss_shmem_kb = (uint64_t)kv_find(kv, n, "RssShmem");
		p->vm_data_kb = (uint64_t)kv_find(kv, n, "VmData");
		p->vm_stk_kb = (uint64_t)kv_find(kv, n, "VmStk");
		p->vm_exe_kb = (uint64_t)kv_find(kv, n, "VmExe");
		p->vm_lib_kb = (uint64_t)kv_find(kv, n, "VmLib");
		p->vm_pte_kb = (uint64_t)kv_find(kv, n, "VmPTE");
		p->swap_kb = (uint64_t)kv_find(kv, n, "VmSwap");
	}
	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	if (read_small(path, buf, sizeof(buf)) > 0)
		p->oom_score = atoi(buf);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	if (read_small(path, buf, sizeof(buf)) > 0)
		p->oom_score_adj = atoi(buf);
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		if (sscanf(buf, "%llx-%llx", &lo, &hi) == 2) {
			p->vm_lo = lo;
			p->vm_hi = hi;
		}
		n = procfs_parse_kv(strchr(buf, '\n') ? strchr(buf, '\n') + 1 : buf, kv, 96);
		p->rss = (uint64_t)kv_find(kv, n, "Rss");
		p->pss = (uint64_t)kv_find(kv, n, "Pss");
		p->pss_dirty = (uint64_t)kv_find(kv, n, "Pss_Dirty");
		p->pss_anon = (uint64_t)kv_find(kv, n, "Pss_Anon");
		p->pss_file = (uint64_t)kv_find(kv, n, "Pss_File");
		p->pss_shmem = (uint64_t)kv_find(kv, n, "Pss_Shmem");
		p->shared_clean = (uint64_t)kv_find(kv, n, "Shared_Clean");
		p->shared_dirty = (uint64_t)kv_find(kv, n, "Shared_Dirty");
		p->private_clean = (uint64_t)kv_find(kv, n, "Private_Clean");
		p->private_dirty = (uint64_t)kv_find(kv, n, "Private_Dirty");
		p->referenced = (uint64_t)kv_find(kv, n, "Referenced");
		p->anonymous = (uint64_t)kv_find(kv, n, "Anonymous");
		p->swap = (uint64_t)kv_find(kv, n, "Swap");
		p->swap_pss = (uint64_t)kv_find(kv, n, "SwapPss");
		p->locked = (uint64_t)kv_find(kv, n, "Locked");
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	{
		char *maps, *h;
		size_t len;

		if (!read_whole(path, &maps, &len)) {
			h = strstr(maps, "[heap]");
			if (h) {
				while (h > maps && h[-1] != '\n')
					h--;
				if (sscanf(h, "%llx-%llx", &lo, &hi) == 2)
					p->heap_kb = (hi - lo) / 1024;
			}
			x_free(maps);
		}
	}
	return 0;
}

/* /proc/stat: the cpu line (in USER_HZ ticks), intr's total, ctxt, procs_*. */
static void parse_stat(struct vm_snapshot *s, const char *text)
{
	long clk = sysconf(_SC_CLK_TCK);
	unsigned long long t[8] = { 0 };
	const char *l;
	uint64_t ns = 1000000000ULL / (uint64_t)clk;

	if (sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &t[0], &t[1], &t[2], &t[3],
		   &t[4], &t[5], &t[6], &t[7]) == 8) {
		s->cpu_user_ns = (t[0] + t[1]) * ns;
		s->cpu_system_ns = (t[2] + t[5] + t[6]) * ns;
		s->cpu_idle_ns = t[3] * ns;
		s->cpu_iowait_ns = t[4] * ns;
		s->cpu_steal_ns = t[7] * ns;
	}
	if ((l = strstr(text, "\nintr ")))
		s->intr = strtoull(l + 6, NULL, 10);
	if ((l = strstr(text, "\nctxt ")))
		s->ctxt = strtoull(l + 6, NULL, 10);
	if ((l = strstr(text, "\nprocs_running ")))
		s->procs_running = atoi(l + 15);
	if ((l = strstr(text, "\nprocs_blocked ")))
		s->procs_blocked = atoi(l + 15);
}

/*
 * The zone and node counters are per-CPU with a threshold (mm/vmstat.c
 * __mod_zone_page_state): the global figure lags by up to the threshold per
 * CPU until vmstat_update folds them, every second. Writing
 * /proc/sys/vm/stat_refresh folds them now (refresh_vm_stats), so that a
 * before/after difference is exact. Root only; without it figures lag.
 */
static void refresh_vm_stats(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) {
			/* EINVAL when some counter went negative: the fold still happened */
		}
		close(fd);
	}
}

int procfs_snapshot(struct vm_snapshot *s, const int *pids, int npids)
{
	char *buf;
	size_t len;
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	refresh_vm_stats();
	s->n_meminfo = read_kv("/proc/meminfo", s->meminfo, VM_MAX_KV);
	s->n_vmstat = read_kv("/proc/vmstat", s->vmstat, VM_MAX_KV);
	if (s->n_meminfo <= 0 || s->n_vmstat <= 0)
		return -EIO;
	if (!read_whole("/proc/stat", &buf, &len)) {
		parse_stat(s, buf);
		x_free(buf);
	}
	if (!read_whole("/proc/zoneinfo", &buf, &len)) {
		s->nzones = procfs_parse_zoneinfo(buf, s->zones, 5);
		x_free(buf);
	}
	clock_gettime(CLOCK_BOOTTIME, &ts);
	s->uptime_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	s->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (npids > 0) {
		s->procs = x_realloc(NULL, (size_t)npids * sizeof(*s->procs));
		if (!s->procs)
			return -ENOMEM;
		for (int i = 0; i < npids; i++)
			if (!procfs_proc(pids[i], &s->procs[s->nprocs]))
				s->nprocs++;
	}
	return 0;
}

void procfs_snapshot_release(struct vm_snapshot *s)
{
	x_free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}

int procfs_stat_head(int pid, char *state, int *ppid)
{
	char path[64], buf[512], *rp;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 || !(rp = strrchr(buf, ')')) || rp[1] != ' ')
		return -ESRCH;
	if (state)
		*state = rp[2];
	if (ppid)
		*ppid = atoi(rp + 4);		/* ") S PPID" */
	return 0;
}

struct proc_list {
	struct { int pid, ppid; } e[32768];
	int n;
};

static void add_proc(const char *name, void *ctx)
{
	struct proc_list *l = ctx;
	int pid = atoi(name), ppid;

	if (pid > 0 && l->n < (int)(sizeof(l->e) / sizeof(l->e[0])) &&
	    !procfs_stat_head(pid, NULL, &ppid)) {
		l->e[l->n].pid = pid;
		l->e[l->n++].ppid = ppid;
	}
}

int procfs_descendants(int ancestor, int *pids, int max)
{
	static struct proc_list all;
	int k = 0;

	all.n = 0;
	if (dir_each("/proc", add_proc, &all))
		return 0;
	for (int i = 0; i < all.n && k < max; i++) {
		int p = all.e[i].ppid, hops = 0;

		while (p > 1 && p != ancestor && hops++ < 64) {
			int j;

			for (j = 0; j < all.n && all.e[j].pid != p; j++)
				;
			p = j < all.n ? all.e[j].ppid : 0;
		}
		if (p == ancestor)
			pids[k++] = all.e[i].pid;
	}
	return k;
}

bool procfs_stale_run(const char *name, const char *suffix)
{
	char *end;
	long pid;

	if (strncmp(name, "vmlab-", 6))
		return false;
	pid = strtol(name + 6, &end, 10);
	return pid > 0 && !strcmp(end, suffix) && kill((pid_t)pid, 0) && errno == ESRCH;
}

/* statfs(2)'s f_type, named (include/uapi/linux/magic.h); can_swap: swapon works there. */
static const struct { unsigned long magic; const char *name; bool can_swap; } fs_types[] = {
	{ 0xEF53, "ext4", true }, { 0x58465342, "xfs", true }, { 0x9123683E, "btrfs", true },
	{ 0x01021994, "tmpfs", false }, { 0x858458f6, "ramfs", false },
	{ 0x794c7630, "overlayfs", false }, { 0x6969, "NFS", false },
	{ 0x65735546, "a FUSE filesystem", false }, { 0x2fc12fc1, "zfs", false },
};

const char *procfs_fs_name(const char *dir, bool *can_swap)
{
	struct statfs fs;

	if (can_swap)
		*can_swap = true;	/* unknown: swapon will say */
	if (statfs(dir, &fs))
		return "an unknown filesystem";
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if ((unsigned long)fs.f_type == fs_types[i].magic) {
			if (can_swap)
				*can_swap = fs_types[i].can_swap;
			return fs_types[i].name;
		}
	return "an unknown filesystem";
}

bool procfs_host_swap(void)
{
	struct vm_kv kv[VM_MAX_KV];
	int n = read_kv("/proc/meminfo", kv, VM_MAX_KV);

	return n > 0 && kv_find(kv, n, "SwapTotal") > 0;
}

int procfs_self_figures(struct self_figures *f)
{
	char buf[4096];
	struct vm_kv kv[96];
	int n;

	/* on the stack, not read_kv()'s heap: this runs inside an operation's bracket */
	if (read_small("/proc/self/status", buf, sizeof(buf)) <= 0 ||
	    (n = procfs_parse_kv(buf, kv, 96)) <= 0)
		return -1;
	f->anon = (long)kv_find(kv, n, "RssAnon");
	f->file = (long)kv_find(kv, n, "RssFile");
	f->shmem = (long)kv_find(kv, n, "RssShmem");
	f->pte = (long)kv_find(kv, n, "VmPTE");
	f->swap = (long)kv_find(kv, n, "VmSwap");
	return 0;
}
