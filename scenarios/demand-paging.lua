-- demand-paging.lua: "malloc's lie" (seed: demand-paging.md, demonstrate_demand_paging).
--
-- mmap of 1 GiB returns at once and the process's VSZ grows by 1 GiB, but
-- RSS does not move: no page exists yet. Each first touch of a page takes a
-- minor fault that allocates it: 1000 pages touched, 1000 faults, RSS +4000 KiB.

vm.config{ ram = "4G" }

local p = vm.spawn("liar", function(self)
  local before = self:stat()
  local m = self:mmap{ len = "1G" }
  local after = self:stat()
  print(string.format("mmap(1 GiB): VSZ %d -> %d kB, RSS %+d kB, %d faults, %.1f us",
        before.vsz_kb, after.vsz_kb, m.rss_kb, m.minflt, m.ns / 1e3))
  vm.expect(after.vsz_kb - before.vsz_kb == 1048576, "VSZ grew by %d kB, want 1048576",
            after.vsz_kb - before.vsz_kb)
  vm.expect(m.rss_kb == 0, "RSS moved by %d kB at mmap", m.rss_kb)
  vm.expect(m.minflt == 0 and m.majflt == 0, "mmap itself faulted %d times", m.minflt)

  vm.show("pagetable", self, m)          -- nothing there yet: demand paging

  local r = self:touch(m, { len = 1000 * vm.PAGE, value = 65 })   -- 'A' into 1000 pages
  print(string.format("touched 1000 pages: %d minor, %d major faults, RSS %+d kB, %.2f us/fault",
        r.minflt, r.majflt, r.rss_kb, r.ns / 1e3 / r.minflt))
  vm.expect(r.minflt == 1000, "touching 1000 pages took %d minor faults, want 1000", r.minflt)
  vm.expect(r.majflt == 0, "%d major faults, want 0", r.majflt)
  vm.expect(r.rss_kb == 4000, "RSS grew by %d kB, want 4000", r.rss_kb)
  vm.expect(self:stat().vsz_kb == after.vsz_kb, "touching does not change VSZ")

  vm.show("pagetable", self, m)          -- now a PTE maps a frame holding 'A'
  vm.show("status", self)
  local used = 4000 / 1048576 * 100
  print(string.format("the lie: asked for 1024 MiB, using %.2f MiB (%.2f%%)", 4000 / 1024, used))
end)

local st = vm.wait(p)
vm.expect(st.status == "exited" and st.code == 0, "the process ended with %s %d", st.status, st.code)
