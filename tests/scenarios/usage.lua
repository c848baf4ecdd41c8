-- usage.lua: the run's own figures (vm.usage(), vm.memstat()) on both kernels.
--
-- vm.usage() sums the run's processes' Pss, so a page two of them share
-- counts once; vm.memstat() is the run's memory cgroup. On the simulator
-- the run is the whole machine: memory.stat's figures are /proc/meminfo's
-- and /proc/vmstat's, exactly. On the real kernel the sums also hold
-- vmlab's own pages in each process (RUNTIME_KB) and the cgroup's counters
-- lag by up to 128 updates per CPU (vm.near).
vm.config{ ram = "1G" }

local RUNTIME_KB = 1024

vm.spawn("parent", function(p)
  local m = p:mmap{ len = "4M" }
  local u0, c0 = vm.usage(), vm.memstat()
  local r = p:touch(m, { op = "write", value = 1 })
  local u1, c1 = vm.usage(), vm.memstat()
  vm.expect(u1.processes == 1, "one process in the run, not %d", u1.processes)
  vm.expect(u1.pss_anon_kb - u0.pss_anon_kb == 4096, "Pss_Anon summed grew by %d kB, want 4096",
            u1.pss_anon_kb - u0.pss_anon_kb)
  vm.expect(u1.rss_kb - u0.rss_kb == r.rss_kb, "the sum's RSS moved as the touch's did")
  vm.expect(vm.near(c1.pgfault - c0.pgfault, 1024, 128 * vm.ncpus()),
            "memory.stat pgfault grew by %d, want 1024", c1.pgfault - c0.pgfault)
  vm.expect(vm.near((c1.anon - c0.anon) // 1024, 4096, 4 * 128 * vm.ncpus()),
            "memory.stat anon grew by %d kB, want 4096", (c1.anon - c0.anon) // 1024)

  if vm.backend() == "sim" then   -- the run is the whole simulated machine
    local mi, vs = vm.meminfo(), vm.vmstat()
    vm.expect(c1.anon == mi.AnonPages * 1024, "anon %d = AnonPages %d kB", c1.anon, mi.AnonPages)
    vm.expect(c1.pgfault == vs.pgfault, "pgfault %d = vmstat's %d", c1.pgfault, vs.pgfault)
    vm.expect(c1.current == (mi.AnonPages + mi.Cached + mi.PageTables + mi.KernelStack) * 1024,
              "current %d = anon + file + page tables + stacks", c1.current)
    vm.expect(c1.active_anon + c1.inactive_anon == c1.anon, "the anon LRU lists hold every anon page")
  end

  -- new anonymous pages start on the inactive list (folio_add_lru_vma(), 5.9+;
  -- linux-mm.md measured inactive_anon +66842624 bytes and active_anon 4096
  -- after a 64 MiB fill). On the real kernel a new folio first waits in its
  -- CPU's lru_add batch (folio_batch_add_and_move(), PAGEVEC_SIZE 31) before
  -- it reaches the list, and the cgroup's counters lag (memcg_rstat_updated())
  local big = p:mmap{ len = "64M" }
  local l0 = vm.memstat()
  p:touch(big, { op = "write" })
  local l1 = vm.memstat()
  local inactive = (l1.inactive_anon - l0.inactive_anon) // vm.PAGE
  local active = (l1.active_anon - l0.active_anon) // vm.PAGE
  vm.expect(vm.near(inactive, 16384, (31 + 128) * vm.ncpus()),
            "64 MiB written: inactive_anon grew by %d pages, want 16384", inactive)
  vm.expect(vm.near(active, 0, 128 * vm.ncpus()),
            "64 MiB written: active_anon grew by %d pages, want 0", active)
  p:munmap(big)

  -- shared after fork: both RSSes show the 4 MiB, the Pss sum counts it once
  local c = p:fork("child", function(c) c:ready(); c:pause() end)
  vm.wait_ready(c)
  local u2 = vm.usage()
  local runtime = vm.backend() == "real" and RUNTIME_KB or 0
  vm.expect(u2.processes == 2, "two processes in the run, not %d", u2.processes)
  vm.expect(u2.rss_kb - u1.rss_kb >= 4096, "the child's RSS holds the shared 4 MiB")
  vm.expect(u2.pss_anon_kb - u1.pss_anon_kb >= 0 and u2.pss_anon_kb - u1.pss_anon_kb <= runtime,
            "a fork adds no anonymous memory (the Pss sum grew by %d kB)", u2.pss_anon_kb - u1.pss_anon_kb)
  vm.expect(u2.pte_kb > u1.pte_kb, "the child's page tables count (VmPTE %d -> %d kB)", u1.pte_kb, u2.pte_kb)
  vm.kill(c, "SIGTERM")
  p:wait(c)
  vm.expect(vm.usage().processes == 1, "the child is gone from the sums")
end)
