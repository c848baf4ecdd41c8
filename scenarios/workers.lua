-- workers.lua: a pre-forking server (seed: page-fault-basics.md, "game server:
-- workers share the initialised data").
--
-- The parent initialises 500 MiB, then forks 10 workers that each modify a
-- little (100 pages). Every worker's RSS shows the whole 500 MiB, because
-- shared pages count in each sharer's RSS; yet the machine spends only
-- 500 MiB + 10 x 400 KiB of anonymous memory (plus each worker's own page
-- tables, which fork copies): not 11 x 500 MiB.

vm.config{ ram = "2G" }

local WORKERS, DIRTY = 10, 100

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
  local used = (now.MemTotal - now.MemAvailable) - (base.MemTotal - base.MemAvailable)
  print(string.format("10 workers: AnonPages %+d kB, PageTables %+d kB, used %+d kB", anon, ptables, used))
  vm.show("ps")
  vm.show("free")
  vm.expect(anon == WORKERS * DIRTY * 4, "the workers added %d kB of anonymous memory, want %d",
            anon, WORKERS * DIRTY * 4)
  vm.expect(used == anon + ptables, "used grew by %d kB, want AnonPages + PageTables = %d",
            used, anon + ptables)

  local s = self:stat()
  vm.expect(s.rss_kb == 512000, "the server's RSS is %d kB, want 512000", s.rss_kb)
  print(string.format("sum of RSS over 11 processes would be ~%d MiB; free says %d MiB more are in use",
        11 * 500, (now.AnonPages - base.AnonPages + 512000) // 1024))

  for i = 1, WORKERS do vm.kill(workers[i], "SIGTERM") end
  for i = 1, WORKERS do
    local st = self:wait(workers[i])
    vm.expect(st.signal == "SIGTERM", "worker %d ended by %s", i, tostring(st.signal))
  end
  local after = vm.meminfo()
  vm.expect(after.AnonPages == base.AnonPages, "the workers' copies are gone: AnonPages back to %d, is %d",
            base.AnonPages, after.AnonPages)
  vm.expect(self:read(data, 1000 * vm.PAGE) == 1, "the server's data is untouched by the workers")
end)
