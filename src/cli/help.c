/*
 * help.c - `vmlab help [TOPIC]`.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../replay/policy.h"

static const char overview[] =
"vmlab - the Linux memory manager as a laboratory\n"
"\n"
"vmlab runs Lua scenarios on a simulated Linux 6.x kernel: frames and zones,\n"
"4-level page tables and TLBs, VMAs, the page-fault handler, the zero page,\n"
"copy-on-write fork, shared memory and glibc's malloc, with the kernel's own\n"
"counters and the views of free, vmstat, ps and /proc. The same scenarios run\n"
"on this machine's real kernel, and the two can be set side by side.\n"
"\n"
"  vmlab run [OPTIONS] SCENARIO.lua [ARGS]   run a scenario (vmlab help run)\n"
"  vmlab run NAME                            the scenario NAME that came with vmlab\n"
"  vmlab list                                those scenarios, with what each shows\n"
"  vmlab compare SCENARIO.lua [ARGS]         simulated and real, side by side\n"
"                                            (vmlab help compare)\n"
"  vmlab calibrate [-o PROFILE]              measure this machine's costs\n"
"                                            (vmlab help calibrate)\n"
"  vmlab replay --bare --policy P --cache N TRACE\n"
"                                            a trace through the replacement\n"
"                                            policies (vmlab help replay)\n"
"  vmlab mrc TRACE --policy P,P              miss-ratio curves (vmlab help mrc)\n"
"  vmlab trace record -o OUT -- CMD ARGS     a program's accesses, under valgrind\n"
"  vmlab trace info|convert                  (vmlab help trace)\n"
"  vmlab help api                            the scenario API (the vm module)\n"
"  vmlab help views                          what vm.show can print\n"
"  vmlab help exit                           exit statuses\n"
"  vmlab version                             the version, kernel profiles, Lua\n"
"\n"
"Examples: vmlab list. The manual: man vmlab (in a checkout: man ./docs/vmlab.1).\n";

static const char run_help[] =
"vmlab run [OPTIONS] SCENARIO.lua [ARGS]\n"
"vmlab run [OPTIONS] NAME [ARGS]\n"
"\n"
"SCENARIO.lua is a file; a NAME that is no file here is a scenario that came\n"
"with vmlab (vmlab list): cow runs .../share/vmlab/scenarios/cow.lua.\n"
"\n"
"  --seed N       the seed of every random choice (overrides vm.config's);\n"
"                 the same scenario and seed print the same bytes\n"
"  --check        verify the kernel's invariants after every operation\n"
"                 (frames, refcounts, mapcounts, counters, LRU lists, TLBs);\n"
"                 a recount costs time in proportion to RAM and mappings\n"
"  --check=N      the same after every Nth operation, and at the end\n"
"  --events       print one line per kernel event: faults, system calls,\n"
"                 TLB flushes and shootdowns, address-space switches\n"
"  --json FILE    write every operation's result, mark, view and\n"
"                 expectation as JSON (written only if the run finishes)\n"
"  --costs FILE   a cost profile: 'name = nanoseconds' lines (vmlab calibrate\n"
"                 writes one)\n"
"  --kernel K     the kernel profile to simulate (6.18, 6.12, 6.6), or \"host\"\n"
"                 for this machine's release; overrides vm.config's kernel\n"
"  --real         run on this machine's kernel instead: each process is a real\n"
"                 process, each operation the real system call or loop,\n"
"                 measured around itself (getrusage, /proc/self/status, and\n"
"                 the thread's CPU time, or the wall clock if it blocked).\n"
"                 The run lives in a memory cgroup of its own (as root; else\n"
"                 under RLIMIT_DATA), removed at the end, on error and on\n"
"                 SIGINT/SIGTERM/SIGHUP. --check then verifies that vmlab left\n"
"                 glibc's heap untouched for self:malloc\n"
"  --limit SIZE   the real run's memory limit (default: the smaller of a\n"
"                 quarter of RAM and 4G)\n"
"  --swapfile SIZE  with --real, as root: a swap file of SIZE for the run\n"
"                 ($VMLAB_SWAPDIR, else /var/tmp; ext4 or xfs), swapon'd for\n"
"                 the run and swapoff'd and removed at its end, on error, on\n"
"                 SIGINT/SIGTERM/SIGHUP and, if vmlab is killed, by its\n"
"                 watchdog. The machine's other processes may swap to it too\n"
"  --max-sim-time D  end the run (exit 2, at the scenario's line) once a\n"
"                 process's simulated clock passes D (default 1h; 0: none)\n"
"  --timeout D    end the run (exit 2) after D of wall-clock time (default\n"
"                 30min; 0: none); on --real every process of the run goes too\n"
"  --lua-mem SIZE the scenario's own Lua tables and strings may use SIZE\n"
"                 (default 1G; 0: no limit); beyond it the run ends, exit 2\n""  --unsafe       give the scenario Lua's full os, io, debug and package\n"
"                 libraries (normally it has no os.execute, io.popen, file\n"
"                 access, os.exit, C modules or binary chunks: vmlab help api)\n"
"\n"
"Arguments after the scenario reach it as the table `arg` and as `...`.\n";

static const char compare_help[] =
"vmlab compare [OPTIONS] SCENARIO.lua [ARGS]\n"
"vmlab compare --summary [OPTIONS] SCENARIO.lua...\n"
"\n"
"Runs the scenario on the simulated kernel (the profile of this machine's\n"
"release) and on the real one, with the same seed, and prints every\n"
"operation's minflt, majflt, RSS change and time from both, marks and all.\n"
"A process is matched by its name (and rank among processes of that name),\n"
"an operation by its place among its process's operations. Its outcome must\n"
"be the same (it returned, failed with the same errno, or a signal ended the\n"
"process), fault counts equal, RSS within 1% (VmRSS, RssAnon, RssFile,\n"
"RssShmem, VmSwap: rss_kb anon_kb file_kb shmem_kb swap_kb) and VmPTE within\n"
"16 kB (pte_kb); time is shown (sim/real) and judged only where the operation\n"
"declares a tolerance: { tolerance = { ns = \"25%\", minflt = 2, pte_kb = 0 } }.\n"
"The header shows both machines (RAM, swap, overcommit, max_map_count, the\n"
"run's limit); ENOMEM on one side only, where they differ, says so.\n"
"A '*' marks a difference outside tolerance, '~' one within it.\n"
"\n"
"  --repeat N     run the real side N times; each operation's time is the\n"
"                 median, and its counts must agree in every run\n"
"  --no-time      show times but judge none (counts only)\n"
"  --time-advisory  judge times, but an operation whose time alone is outside\n"
"                 its tolerance is counted by its other figures (and reported\n"
"                 in \"time off\"): the exit status stands on counts and RSS\n"
"                 (make fidelity, whose verdict must not depend on the load\n"
"                 beside it)\n"
"  --verbose      when the real run's expectations fail, show its messages\n"
"  --summary      one line per scenario (make fidelity)\n"
"  --json FILE    both sides of every operation, for programs\n"
"  --costs PROFILE  the simulated side's time model: a profile vmlab calibrate\n"
"                 wrote on this machine, so that times are judged against\n"
"                 this machine's speed, not the reference machine's\n"
"  --calibrate    run vmlab calibrate just before each scenario and use what it\n"
"                 measured (make fidelity): the speed of a shared machine\n"
"                 drifts by tens of percent within minutes\n"
"  --seed N, --kernel K, --limit SIZE, --swapfile SIZE, --unsafe   as for\n"
"                 vmlab run (--swapfile: the real side's)\n"
"\n"
"Exit status: 0 everything matched, 1 a mismatch or a failed expectation on\n"
"either side, 2 a run could not be done.\n";

static const char calibrate_help[] =
"vmlab calibrate [-o PROFILE] [--runs N] [--dir DIR]\n"
"\n"
"Measures this machine: TLB-hit access, page walk, anonymous write fault,\n"
"zero-page read fault, write after the zero page, populate, copy-on-write\n"
"copy and reuse, shared-memory fault, munmap, fork, system call, mmap,\n"
"context switch, malloc, THP fault, hot and cold file faults with and\n"
"without readahead (DIR holds the scratch file: default $TMPDIR, else\n"
"/var/tmp), each the median of N runs (default 7) in fresh processes, in a\n"
"memory cgroup like real runs. It then solves each cost item so that the\n"
"simulator reproduces the measurement, prints both, and writes the profile\n"
"(stdout without -o) for vmlab run --costs PROFILE.\n";

static const char replay_help[] =
"vmlab replay --bare --policy P[,P...] --cache N[,N...] [OPTIONS] TRACE\n"
"vmlab replay --bare --policy P --cache N --addresses 1,2,3,1,...\n"
"vmlab replay --ostep [-s SEED] [-n NUM] [-m MAXPAGE] [-a LIST] [-p POLICY]\n"
"                    [-C FRAMES] [-b CLOCKBITS] [-N] [-c]\n"
"vmlab replay --ram SIZE [--swap SIZE] [--cpus N] [--kernel K] [--json FILE] TRACE\n"
"\n"
"Feeds a recorded page-access stream to bare replacement policies, each at\n"
"each cache size (in pages), and prints hits, misses, the miss ratio and the\n"
"evictions of pages written while cached (dirty evict). No kernel is\n"
"involved. Without --bare the trace runs through the whole simulated kernel\n"
"instead: one process maps its pages (in page-number order, gaps removed)\n"
"and makes its reads and writes on a machine of --ram and --swap, and the\n"
"faults (minor, major), swap traffic, reclaim, TLB hits and walks, peak RSS\n"
"and simulated time are printed (--json FILE: accesses, minflt, majflt,\n"
"pswpin, pswpout, tlb_hits, tlb_misses, sim_ns, peak_rss_kb and more).\n"
"\n"
"  --format F     pages (one page number per line, as OSTEP's traces),\n"
"                 hexaddr (a hex address and R or W per line: page =\n"
"                 address >> 12), oracle (libCacheSim's oracleGeneral, 24-byte\n"
"                 records), lackey (valgrind --tool=lackey --trace-mem=yes);\n"
"                 auto (the default) tells them apart\n"
"  --addresses L  the trace as a list of page numbers, as paging-policy.py -a\n"
"  --seed N       random's generator (default 1)\n"
"  --nru-period N nru: accesses between clearings of the R bits (default:\n"
"                 the cache's size)\n"
"  --tau N        wsclock: the working-set window in accesses (default: the\n"
"                 cache's size)\n"
"  -v             one line per access as OSTEP's paging-policy.py -c prints it,\n"
"                 then FINALSTATS (one policy, one size)\n"
"  --ostep        paging-policy.py itself: its options (-s seed, default 0; -n\n"
"                 addresses drawn as int(MAXPAGE * random()); -a a list; -p FIFO,\n"
"                 LRU, OPT, RAND or CLOCK; -C frames, default 3; -b clockbits,\n"
"                 default 2; -N no per-access lines) and its answers, RAND's and\n"
"                 CLOCK's (random probes of use counts) with Python's own draws\n"
"  --json FILE    every run's accesses, hits, misses, miss_ratio, reads,\n"
"                 writes, evictions, dirty_evictions (written whole, or not)\n"
"\n"
"Policies:\n";

static const char mrc_help[] =
"vmlab mrc TRACE [--policy P[,P...]] [--sizes N,N,...|auto] [--sample RATE]\n"
"                [--threads N] [--format F] [--csv] [--json FILE] [--plot FILE.svg]\n"
"\n"
"The miss ratio of each policy (default lru) at each cache size (pages). LRU's\n"
"curve comes from one pass over the trace's stack distances, every size at\n"
"once, or with --sample RATE from a SHARDS sample of the pages (fast, and\n"
"blind below 1/RATE pages); the other policies (vmlab help replay) are\n"
"replayed at each size, --threads at a time (default 2).\n"
"\n"
"  --sizes auto   24 sizes spaced evenly on a log scale from 1 page to the\n"
"                 trace's footprint (the default)\n"
"  --csv          size,policy,... lines instead of the table\n"
"  --json FILE    the sizes and every curve (written whole, or not)\n"
"  --plot FILE    an SVG picture: log-scale sizes, a line per policy\n";

static const char trace_help[] =
"vmlab trace record -o OUT [--to FORMAT] -- COMMAND [ARGS...]\n"
"vmlab trace convert IN OUT [--format F] [--to FORMAT]\n"
"vmlab trace info TRACE [--format F]\n"
"\n"
"record runs COMMAND under valgrind's lackey tool (--trace-mem=yes) and reads\n"
"its stream through a pipe as it comes, so no text file lands on disk: every\n"
"instruction fetch, load, store and modify, one access per page touched (an\n"
"access across a page boundary is two). It writes OUT whole at the end, or\n"
"nothing if the command could not run. convert reads any format and writes\n"
"one; info prints the accesses, reads and writes, the distinct pages and the\n"
"footprint, and the LRU stack distances of the reuses (median, 90%, 99%).\n"
"\n"
"Formats written (--to): hexaddr (\"0xADDR R|W\" lines; the write bit kept;\n"
"record's default), oracle (libCacheSim's oracleGeneral, with\n"
"next_access_vtime filled in for its Belady; no write bit; convert's\n"
"default), pages (one page number per line, as OSTEP's). Read: those and\n"
"lackey (vmlab help replay).\n";

static const char api_help[] =
"The vm module (sizes are bytes or \"4K\", \"100M\", \"1G\"; vm.PAGE is 4096)\n"
"\n"
"  vm.config{ ram=\"4G\", swap=\"0\", swappiness=60, cpus=2, kernel=\"6.18\",\n"
"             thp=\"madvise\", seed=1, oom=\"modern\",   -- or \"classic\": <= 2.6.35's\n"
"             min_free_kbytes=nil, watermark_scale_factor=10,\n"
"             mmap_min_addr=4096, max_map_count=65530,   -- the sysctls\n"
"             overcommit=0, overcommit_ratio=50,   -- 0 guess, 1 always, 2 never\n"
"             read_ahead_kb=128, dirty_ratio=20, dirty_background_ratio=10,\n"
"             dirty_expire_centisecs=3000, dirty_writeback_centisecs=500,\n"
"             tlb_l1_4k=\"64x4\", tlb_l1_2m=\"32x4\", tlb_l2=\"1536x12\" }\n"
"  p = vm.spawn(\"name\", function(self) ... end, { oom_score_adj=0, uid=0, cgroup=g })\n"
"  g = vm.cgroup{ name=\"box\", max=\"64M\", parent=nil, swappiness=nil, min=nil,\n"
"                low=nil }   -- a memory cgroup (memory.max, memory.min, memory.low;\n"
"      swappiness: v1's memory.swappiness; g.protected: min/low in force);\n"
"      its processes' pages are charged to it and reclaimed inside it at the\n"
"      limit; on --real a cgroup inside the run's own\n"
"  st = vm.wait(p)       -- { status=\"exited\"|\"signaled\", code=, signal=, addr= }\n"
"  vm.wait_ready(p)      vm.kill(p, \"SIGTERM\"|\"SIGKILL\")\n"
"  vm.show(\"free\")       vm.meminfo()   vm.vmstat()   vm.zoneinfo()   vm.mark(\"label\")\n"
"  vm.expect(cond, \"format %d\", x)    vm.backend()  -- \"sim\" or \"real\"\n"
"  vm.near(got, want, slack)   -- got == want on the simulator; within slack\n"
"      (a number or \"1%\") on the real kernel, whose machine-wide counters\n"
"      other processes move too\n"
"  vm.usage()    -- the run's own processes summed: { processes=, rss_kb=,\n"
"      pss_kb=, pss_anon_kb=, pss_file_kb=, pss_shmem_kb=, swap_kb=, pte_kb= }\n"
"      (Pss: a page n of them share counts 1/n in each, so once in the sum)\n"
"  vm.memstat()  -- the run's memory cgroup: memory.stat in v2's names and\n"
"      bytes (anon, file, shmem, file_mapped, file_dirty, ..., active_anon,\n"
"      pgfault, pgmajfault) and current; the real kernel's lag by up to 128\n"
"      updates per CPU; own=false when (without root) the cgroup is shared\n"
"  vm.memstat(g) -- a vm.cgroup's memory.stat and current, and peak=,\n"
"      max_events= (charges that hit memory.max), oom_events=\n"
"      vm.ncpus()  -- the machine's CPUs\n"
"  f = vm.file{ name=\"data\", size=\"100M\", value=7, tmpfs=false }   -- on disk,\n"
"      not cached (f.size, f.name); on --real the run's own file, removed after\n"
"  vm.unlink(f)   vm.sync()   vm.drop_caches()   -- sync, then the run's clean\n"
"      cached pages go (on --real: fsync + POSIX_FADV_DONTNEED of its files)\n"
"\n"
"Inside a process function, self is the process:\n"
"  m = self:mmap{ len=\"100M\", prot=\"rw\", shared=false, populate=false,\n"
"                 file=nil, offset=0 }    -- file=f: a file mapping\n"
"  self:munmap(m [, off, len])     self:mprotect(m, \"r\" [, off, len])\n"
"  self:madvise(m, \"dontneed\" [, off, len])  -- normal random sequential willneed\n"
"      dontneed cold pageout hugepage nohugepage populate_read populate_write\n"
"      dontfork dofork\n"
"  self:mlock(m [, off, len])      self:munlock(m [, off, len])\n"
"      -- each range operation also takes a last { tolerance = { ... } }\n"
"      -- pageout: written to swap at once, freed when reclaim comes back\n"
"  r = self:touch(m, { op=\"write\", off=0, len=m.len, stride=vm.PAGE,\n"
"                      order=\"seq\"|\"reverse\"|\"random\", passes=1, value=nil,\n"
"                      zipf=nil, count=nil })\n"
"      -- r = { minflt=, majflt=, ns=, pages=, accesses=, rss_kb=, anon_kb=,\n"
"      --       file_kb=, shmem_kb=, swap_kb=, pte_kb=, tlb_walks=... } (changes)\n"
"  self:write(m, off, value)       v = self:read(m, off)\n"
"  r = self:read_file(f, { off=0, len=f.size })   -- read(2), 128 KiB a call;\n"
"      r.value: the first page's     self:write_file(f, { off=, len=, value= })\n"
"  self:fsync(f)   -- whole pages only: a content value is one per page\n"
"  b = self:malloc(\"100M\")  z = self:calloc(\"100M\")  self:free(b)  self:malloc_trim()\n"
"  c = self:fork(\"child\", function(child) ... end)   st = self:wait(c)\n"
"  self:exit(code)  self:sleep(\"10ms\")  self:pause()  self:ready()\n"
"  s = self:stat()  -- minflt majflt vsz_kb rss_kb rss_anon_kb swap_kb lck_kb ... oom_score\n"
"\n"
"Handles (from mmap and malloc) carry addr, len and the call's own\n"
"minflt/majflt/ns. A hand-made { addr = 0 } handle points anywhere: reading\n"
"it is a null-pointer dereference.\n"
"\n"
"The scenario's Lua: string, table, math, utf8, coroutine, print, io.write\n"
"(io.stdout, io.stderr), os.time, os.clock, os.date, load of text chunks, and\n"
"require \"lib.util\" for lib/util.lua beside the scenario. No os.execute,\n"
"io.popen, files, os.exit, os.getenv, debug, C modules or binary chunks, on\n"
"either backend (vmlab run --unsafe lifts this).\n";

static const char views_help[] =
"vm.show(VIEW [, p [, handle [, off]]])\n"
"\n"
"  \"free\"           free(1) of procps-ng 4.0.2; options -b -k -m -g -h --si -w -t\n"
"                   (\"free -w\", \"free -h\")\n"
"  \"vmstat\"         vmstat(8)'s first line (averages since boot)\n"
"  \"meminfo\"        /proc/meminfo\n"
"  \"zoneinfo\"       the zones of /proc/zoneinfo: free pages, watermarks min/low/high\n"
"  \"lru\" [, g...]   the LRU lists in kB: the node's, then each vm.cgroup given\n"
"  \"ps\"             ps -o pid,comm,vsz,rss,min_flt,maj_flt\n"
"  \"status\", p      the memory lines of /proc/PID/status\n"
"  \"maps\", p        /proc/PID/maps (the simulator's files as /vmlab/NAME)\n"
"  \"smaps\", p       /proc/PID/smaps_rollup (Pss, Shared_/Private_Dirty: CoW)\n"
"  \"pagetable\", p, h [, off]\n"
"                   the 4-level walk of one address: indexes, entries, bits,\n"
"                   the frame, its content value, and where the TLB has it\n"
"  \"oom\" [, g]      the OOM killer's candidates (global, or in group g), term by\n"
"                   term: RSS, swap, page tables, oom_score_adj's points, the\n"
"                   badness, /proc/PID/oom_score; * marks the one it would kill\n"
"  \"dmesg\"          the kernel's log (the OOM killer's lines; on --real the run's\n"
"                   OOM reports, read from /dev/kmsg)\n";

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
	else if (!strcmp(topic, "compare"))
		fputs(compare_help, stdout);
	else if (!strcmp(topic, "calibrate"))
		fputs(calibrate_help, stdout);
	else if (!strcmp(topic, "mrc"))
		fputs(mrc_help, stdout);
	else if (!strcmp(topic, "trace"))
		fputs(trace_help, stdout);
	else if (!strcmp(topic, "replay")) {
		fputs(replay_help, stdout);
		for (int i = 0; policy_at(i); i++)
			printf("  %-12s %s\n", policy_at(i)->name, policy_at(i)->help);
	} else {
		fprintf(stderr, "vmlab help: no topic '%s' (run, api, views, compare, calibrate, "
			"replay, mrc, trace, exit)\n", topic);
		return 2;
	}
	return 0;
}

void usage(void)
{
	fputs("usage: vmlab run [--seed N] [--check[=N]] [--events] [--json FILE] [--costs FILE]\n"
	      "                 [--kernel K] [--real [--limit SIZE] [--swapfile SIZE]]\n"
	      "                 [--max-sim-time D]\n"
	      "                 [--timeout D] [--lua-mem SIZE] [--unsafe] SCENARIO[.lua] [ARGS]\n"
	      "       vmlab compare [--repeat N] [--costs PROFILE] [--no-time] [--verbose]\n"
	      "                     [--json FILE] [--summary] SCENARIO[.lua] [ARGS]\n"
	      "       vmlab list\n"
	      "       vmlab calibrate [-o PROFILE] [--runs N] [--dir DIR]\n"
	      "       vmlab replay --bare --policy P --cache N [--format F] [-v] [--json FILE]\n"
	      "                    (TRACE | --addresses LIST)\n"
	      "       vmlab mrc TRACE [--policy P,...] [--sizes LIST|auto] [--sample RATE]\n"
	      "       vmlab trace record -o OUT [--to F] -- CMD [ARGS]\n"
	      "       vmlab trace convert IN OUT [--to F]   vmlab trace info TRACE\n"
	      "       vmlab help [run | api | views | compare | calibrate | replay | mrc | trace |\n"
	      "                   exit]\n"
	      "       vmlab version\n", stderr);
}
