/*
 * help.c - `vmlab help [TOPIC]`.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char overview[] =
"vmlab - the Linux memory manager as a laboratory\n"
"\n"
"vmlab runs Lua scenarios on a simulated Linux 6.x kernel: frames and zones,\n"
"4-level page tables and TLBs, VMAs, the page-fault handler, the zero page,\n"
"copy-on-write fork, shared memory and glibc's malloc, with the kernel's own\n"
"counters and the views of free, vmstat, ps and /proc.\n"
"\n"
"  vmlab run [OPTIONS] SCENARIO.lua [ARGS]   run a scenario (vmlab help run)\n"
"  vmlab help api                            the scenario API (the vm module)\n"
"  vmlab help views                          what vm.show can print\n"
"  vmlab help exit                           exit statuses\n"
"  vmlab version\n"
"\n"
"Examples: scenarios/*.lua. The manual: docs/vmlab.1 (man ./docs/vmlab.1).\n";

static const char run_help[] =
"vmlab run [OPTIONS] SCENARIO.lua [ARGS]\n"
"\n"
"  --seed N       the seed of every random choice (overrides vm.config's);\n"
"                 the same scenario and seed print the same bytes\n"
"  --check        verify the kernel's invariants after every operation\n"
"                 (frames, refcounts, mapcounts, counters, LRU lists, TLBs)\n"
"  --events       print one line per kernel event: faults, system calls,\n"
"                 TLB flushes and shootdowns, address-space switches\n"
"  --json FILE    write every operation's result, mark, view and\n"
"                 expectation as JSON (written only if the run finishes)\n"
"  --costs FILE   a cost profile: 'name = nanoseconds' lines\n"
"\n"
"Arguments after the scenario reach it as the table `arg` and as `...`.\n";

static const char api_help[] =
"The vm module (sizes are bytes or \"4K\", \"100M\", \"1G\"; vm.PAGE is 4096)\n"
"\n"
"  vm.config{ ram=\"4G\", cpus=2, kernel=\"6.18\", thp=\"madvise\", seed=1,\n"
"             min_free_kbytes=nil, watermark_scale_factor=10,\n"
"             tlb_l1_4k=\"64x4\", tlb_l1_2m=\"32x4\", tlb_l2=\"1536x12\" }\n"
"  p = vm.spawn(\"name\", function(self) ... end, { oom_score_adj=0, uid=0 })\n"
"  st = vm.wait(p)       -- { status=\"exited\"|\"signaled\", code=, signal=, addr= }\n"
"  vm.wait_ready(p)      vm.kill(p, \"SIGTERM\"|\"SIGKILL\")\n"
"  vm.show(\"free\")       vm.meminfo()   vm.vmstat()   vm.zoneinfo()   vm.mark(\"label\")\n"
"  vm.expect(cond, \"format %d\", x)    vm.backend()  -- \"sim\"\n"
"\n"
"Inside a process function, self is the process:\n"
"  m = self:mmap{ len=\"100M\", prot=\"rw\", shared=false, populate=false }\n"
"  self:munmap(m [, off, len])     self:mprotect(m, \"r\" [, off, len])\n"
"  self:madvise(m, \"dontneed\" [, off, len])  -- normal random sequential willneed\n"
"      dontneed cold pageout hugepage nohugepage populate_read populate_write\n"
"      dontfork dofork\n"
"  self:mlock(m [, off, len])      self:munlock(m [, off, len])\n"
"  r = self:touch(m, { op=\"write\", off=0, len=m.len, stride=vm.PAGE,\n"
"                      order=\"seq\"|\"reverse\"|\"random\", passes=1, value=nil,\n"
"                      zipf=nil, count=nil })\n"
"      -- r = { minflt=, majflt=, ns=, pages=, accesses=, rss_kb=, tlb_walks=... }\n"
"  self:write(m, off, value)       v = self:read(m, off)\n"
"  b = self:malloc(\"100M\")  z = self:calloc(\"100M\")  self:free(b)  self:malloc_trim()\n"
"  c = self:fork(\"child\", function(child) ... end)   st = self:wait(c)\n"
"  self:exit(code)  self:sleep(\"10ms\")  self:pause()  self:ready()\n"
"  s = self:stat()  -- minflt majflt vsz_kb rss_kb rss_anon_kb ... oom_score\n"
"\n"
"Handles (from mmap and malloc) carry addr, len and the call's own\n"
"minflt/majflt/ns. A hand-made { addr = 0 } handle points anywhere: reading\n"
"it is a null-pointer dereference.\n";

static const char views_help[] =
"vm.show(VIEW [, p [, handle [, off]]])\n"
"\n"
"  \"free\"           free(1) of procps-ng 4.0.2; options -b -k -m -g -h --si -w -t\n"
"                   (\"free -w\", \"free -h\")\n"
"  \"vmstat\"         vmstat(8)'s first line (averages since boot)\n"
"  \"meminfo\"        /proc/meminfo\n"
"  \"zoneinfo\"       the zones of /proc/zoneinfo: free pages, watermarks min/low/high\n"
"  \"ps\"             ps -o pid,comm,vsz,rss,min_flt,maj_flt\n"
"  \"status\", p      the memory lines of /proc/PID/status\n"
"  \"smaps\", p       /proc/PID/smaps_rollup (Pss, Shared_/Private_Dirty: CoW)\n"
"  \"pagetable\", p, h [, off]\n"
"                   the 4-level walk of one address: indexes, entries, bits,\n"
"                   the frame, its content value, and where the TLB has it\n";

static const char exit_help[] =
"Exit status of vmlab run:\n"
"  0  the scenario ran and every vm.expect held\n"
"  1  some vm.expect failed (each one is reported as file:line)\n"
"  2  the scenario is wrong: a Lua error, a bad option or value (file:line),\n"
"     a deadlock, or a resource the simulated machine does not have\n"
"  3  vmlab broke one of its own invariants (--check): a bug in vmlab\n";

int cmd_help(int argc, char **argv)
{
	const char *topic = argc > 0 ? argv[0] : NULL;

	if (!topic)
		fputs(overview, stdout);
	else if (!strcmp(topic, "run"))
		fputs(run_help, stdout);
	else if (!strcmp(topic, "api") || !strcmp(topic, "scenario"))
		fputs(api_help, stdout);
	else if (!strcmp(topic, "views"))
		fputs(views_help, stdout);
	else if (!strcmp(topic, "exit"))
		fputs(exit_help, stdout);
	else {
		fprintf(stderr, "vmlab help: no topic '%s' (run, api, views, exit)\n", topic);
		return 2;
	}
	return 0;
}
