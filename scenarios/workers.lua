-- workers.lua: a pre-forking server (seed: page-fault-basics.md, "game server:
-- workers share the initialised data").
--
-- The parent initialises 500 MiB, then forks 10 workers that each modify a
-- little (100 pages). Every worker's RSS shows the whole 500 MiB, because
-- shared pages count in each sharer's RSS; yet the machine spends only
-- 500 MiB + 10 x 400 KiB of anonymous memory (plus each worker's own page
-- tables, which fork copies): not 11 x 500 MiB.
--
-- On the real kernel each worker is a copy of vmlab itself, whose Lua runtime
-- writes some pages of its own (about half a MiB, copied on write too), and
-- the machine's other processes move the counters as well: there the
-- machine-wide checks allow for that (vm.near). `vmlab compare` checks each
-- worker's own faults exactly.

vm.config{ ram = "2G" }

local WORKERS, DIRTY = 10, 100
local RUNTIME_KB = 1024           -- per real process: vmlab's own pages (vm.near)

vm.spawn("server", function(self)
  local data = self:mmap{ len = "500M" }
  self:touch(data, { op = "write", value = 1 })
  local base = vm.meminfo()

  local workers = {}
  for i = 1, WORKERS do
    workers[i] = self:fork("worker" .. i, function(w)
      w:touch(data, { off = i * 1000 * vm.PAGE, len = DIRTY * vm.PAGE, op = "write", value = 100 + i })
      w:ready()
      w:pause()                 -- serve requests until told to stop
    end)
  end
  for i = 1, WORKERS do vm.wait_ready(workers[i]) end

  local now = vm.meminfo()
  local anon = now.AnonPages - base.AnonPages
  local ptables = now.PageTables - base.PageTables
  -- free's "used": total - free - buffers - cache (procps 4), which a drop of
  -- the page cache elsewhere does not move
  local function used_kb(mi) return mi.MemTotal - mi.MemFree - mi.Buffers - mi.Cached - mi.SReclaimable end
  local used = used_kb(now) - used_kb(base)
  print(string.format("10 workers: AnonPages %+d kB, PageTables %+d kB, used %+d kB", anon, ptables, used))
  vm.show("ps")
  vm.show("free")
  vm.expect(vm.near(anon, WORKERS * DIRTY * 4, WORKERS * RUNTIME_KB),
            "the workers added %d kB of anonymous memory, want %d", anon, WORKERS * DIRTY * 4)
  -- (a real kernel also keeps free pages on per-CPU lists, outside MemFree:
  -- allocations drawn from those do not move "used" - some MiB either way)
  vm.expect(vm.near(used, anon + ptables, 16384 + WORKERS * RUNTIME_KB),
            "used grew by %d kB, want AnonPages + PageTables = %d", used, anon + ptables)

  local s = self:stat()
  vm.expect(vm.near(s.rss_kb, 512000, 8 * RUNTIME_KB), "the server's RSS is %d kB, want 512000", s.rss_kb)
  print(string.format("sum of RSS over 11 processes would be ~%d MiB; free says %d MiB more are in use",
        11 * 500, (now.AnonPages - base.AnonPages + 512000) // 1024))

  for i = 1, WORKERS do vm.kill(workers[i], "SIGTERM") end
  for i = 1, WORKERS do
    local st = self:wait(workers[i])
    vm.expect(st.signal == "SIGTERM", "worker %d ended by %s", i, tostring(st.signal))
  end
  local after = vm.meminfo()
  vm.expect(vm.near(after.AnonPages, base.AnonPages, RUNTIME_KB),
            "the workers' copies are gone: AnonPages back to %d, is %d", base.AnonPages, after.AnonPages)
  vm.expect(self:read(data, 1000 * vm.PAGE) == 1, "the server's data is untouched by the workers")
end)
