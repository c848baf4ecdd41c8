-- zero-page.lua: read first, then write (seed: page-fault-and-memory-management.md,
-- the shared zero page).
--
-- A read of an untouched private page maps the kernel's one shared zero
-- page read-only: a minor fault, no memory, RSS unchanged. The first write
-- to it faults again (the PTE is read-only): now a real zeroed page is
-- allocated (wp_page_copy), RSS grows. 100 MiB: 25,600 + 25,600 faults.

vm.config{ ram = "1G" }

local p = vm.spawn("reader", function(self)
  local m = self:mmap{ len = "100M" }
  local free0 = vm.meminfo().MemFree
  local r = self:touch(m, { op = "read", tolerance = { ns = "25%" } })
  print(string.format("read pass:  %5d minor faults, RSS %+d kB, MemFree %+d kB, %.2f us/fault",
        r.minflt, r.rss_kb, vm.meminfo().MemFree - free0, r.ns / 1e3 / r.minflt))
  vm.expect(r.minflt == 25600, "read pass: %d faults, want 25600", r.minflt)
  vm.expect(r.rss_kb == 0, "read pass: RSS moved by %d kB, want 0 (zero page)", r.rss_kb)
  vm.expect(self:read(m, 12345 * vm.PAGE) == 0, "the zero page reads 0")
  vm.show("pagetable", self, m, 5 * vm.PAGE)   -- a read-only special PTE to the zero page

  local w = self:touch(m, { op = "write", value = 7, tolerance = { ns = "25%" } })
  print(string.format("write pass: %5d minor faults, RSS %+d kB, %.2f us/fault",
        w.minflt, w.rss_kb, w.ns / 1e3 / w.minflt))
  vm.expect(w.minflt == 25600, "write pass: %d faults, want 25600", w.minflt)
  vm.expect(w.rss_kb == 102400, "write pass: RSS grew by %d kB, want 102400", w.rss_kb)
  vm.expect(self:read(m, 5 * vm.PAGE) == 7, "the page now holds what was written")
  vm.show("pagetable", self, m, 5 * vm.PAGE)   -- a private, writable page of its own
end)

vm.wait(p)
