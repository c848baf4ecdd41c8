-- workers.lua: a pre-forking server (seed: page-fault-basics.md, "game server:
-- workers share the initialised data").
--
-- The parent initialises 500 MiB, then forks 10 workers that each modify a
-- little (100 pages). Every worker's RSS shows the whole 500 MiB, because
-- shared pages count in each sharer's RSS; yet the machine spends only
-- 500 MiB + 10 x 400 KiB of anonymous memory (plus each worker's own page
-- tables, which fork copies): not 11 x 500 MiB.
--
-- The figures are the run's own, which no other process on the machine
-- moves: the sums over its processes of Pss_Anon (a page n processes share
-- counts 1/n in each) and VmPTE (vm.usage()), and its memory cgroup's charge
-- (vm.memstat().current), the run's share of free's "used". On the real
-- kernel each worker is a copy of vmlab itself, whose Lua runtime writes
-- some pages of its own (about half a MiB, copied on write too), and the
-- cgroup's charge also holds each new process's kernel objects (task,
-- kernel stack, mm, VMAs) and runs ahead by up to 64 pages per CPU (the
-- per-CPU charge stock, consume_stock()): there the checks allow for that
-- (vm.near). `vmlab compare` checks each worker's own faults exactly.
--
-- Two things the sums do not show: Pss is printed in whole kB, rounded down
-- in each process (smaps_rollup), so a sum over 11 sharers can fall short by
-- up to 1 kB a process; and VmPTE counts a process's PTE, PMD and PUD tables
-- (mm_inc_nr_ptes() and its kin) but not its PGD, which PageTables and the
-- cgroup's charge do count (pgd_alloc(): a page on x86-64, two with PTI).

vm.config{ ram = "2G" }

local WORKERS, DIRTY = 10, 100
local RUNTIME_KB = 1024           -- per real process: vmlab's own pages (vm.near)
local KERNEL_KB = 256             -- per real process: its kernel objects, charged to the cgroup
local PGD_KB = 4                  -- per process: its PGD, in PageTables but not in VmPTE

vm.spawn("server", function(self)
  local data = self:mmap{ len = "500M" }
  self:touch(data, { op = "write", value = 1 })
  local base, base_cg = vm.usage(), vm.memstat()

  local workers = {}
  for i = 1, WORKERS do
    workers[i] = self:fork("worker" .. i, function(w)
      w:touch(data, { off = i * 1000 * vm.PAGE, len = DIRTY * vm.PAGE, op = "write", value = 100 + i })
      w:ready()
      w:pause()                 -- serve requests until told to stop
    end)
  end
  for i = 1, WORKERS do vm.wait_ready(workers[i]) end

  local now = vm.usage()
  local anon = now.pss_anon_kb - base.pss_anon_kb
  local ptables = now.pte_kb - base.pte_kb
  local used = (vm.memstat().current - base_cg.current) // 1024
  print(string.format("10 workers: anonymous %+d kB, page tables %+d kB, the run's memory %+d kB",
        anon, ptables, used))
  vm.show("ps")
  vm.show("free")
  local rounding = now.processes   -- kB: Pss rounded down in each process
  local runtime = vm.backend() == "real" and WORKERS * RUNTIME_KB or 0
  vm.expect(anon <= WORKERS * DIRTY * 4 + runtime and anon >= WORKERS * DIRTY * 4 - rounding,
            "the workers added %d kB of anonymous memory, want %d", anon, WORKERS * DIRTY * 4)
  local tables = ptables + WORKERS * PGD_KB
  local kernel = vm.backend() == "real" and WORKERS * KERNEL_KB or 0
  local stock = vm.backend() == "real" and 64 * 4 * vm.ncpus() or 0   -- either way
  -- (without root the run has no cgroup of its own, and others share the one it reads)
  vm.expect(not base_cg.own or
            (used >= anon + tables - stock and used <= anon + tables + rounding + kernel + stock),
            "the run's memory grew by %d kB, want anonymous + page tables = %d", used, anon + tables)

  local s = self:stat()
  vm.expect(vm.near(s.rss_kb, 512000, 8 * RUNTIME_KB), "the server's RSS is %d kB, want 512000", s.rss_kb)
  print(string.format("sum of RSS over 11 processes would be ~%d MiB; free says %d MiB more are in use",
        11 * 500, (anon + 512000) // 1024))

  for i = 1, WORKERS do vm.kill(workers[i], "SIGTERM") end
  for i = 1, WORKERS do
    local st = self:wait(workers[i])
    vm.expect(st.signal == "SIGTERM", "worker %d ended by %s", i, tostring(st.signal))
  end
  local after = vm.usage()
  vm.expect(vm.near(after.pss_anon_kb, base.pss_anon_kb, RUNTIME_KB),
            "the workers' copies are gone: anonymous memory back to %d kB, is %d",
            base.pss_anon_kb, after.pss_anon_kb)
  vm.expect(self:read(data, 1000 * vm.PAGE) == 1, "the server's data is untouched by the workers")
end)
