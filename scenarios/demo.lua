-- demo.lua: vmlab in one page - demand paging, then copy-on-write.
--
-- A process maps 256 MiB and touches half of it; it forks; the child writes
-- a little. Watch VSZ run ahead of RSS, faults arrive one per page, fork
-- copy nothing, and the first writes after fork copy one page each.

vm.config{ ram = "1G", cpus = 2 }

vm.mark("boot: a 1 GiB machine")
vm.show("free")

local p = vm.spawn("demo", function(self)
  vm.mark("mmap 256 MiB: address space, no memory")
  local m = self:mmap{ len = "256M" }
  local s = self:stat()
  print(string.format("VSZ %d kB, RSS %d kB, faults in mmap: %d", s.vsz_kb, s.rss_kb, m.minflt))
  vm.expect(m.minflt == 0, "mmap faults nothing in")

  vm.mark("touch 128 MiB: one minor fault per page")
  local r = self:touch(m, { len = "128M", op = "write", value = 42 })
  print(string.format("%d minor faults, RSS %+d kB, %.1f ms simulated (%.2f us per fault)",
        r.minflt, r.rss_kb, r.ns / 1e6, r.ns / 1e3 / r.minflt))
  vm.expect(r.minflt == 32768, "128 MiB = 32768 pages: %d faults", r.minflt)
  vm.show("pagetable", self, m, "64M")
  vm.show("free")

  vm.mark("fork: nothing is copied")
  local c = self:fork("child", function(child)
    local w = child:touch(m, { len = 16 * vm.PAGE, op = "write", value = 7 })
    print(string.format("child wrote 16 pages: %d copy-on-write faults", w.minflt))
    vm.expect(w.minflt == 16, "16 CoW faults, got %d", w.minflt)
    vm.expect(child:read(m, 0) == 7 and child:read(m, "64M") == 42, "the child sees its copies and the shared rest")
    vm.show("ps")
    vm.show("smaps", child)
  end)
  self:wait(c)
  vm.expect(self:read(m, 0) == 42, "the parent's data is untouched")

  vm.mark("after the child exited: the parent's pages are its own again")
  local again = self:touch(m, { len = 16 * vm.PAGE, op = "write", value = 43 })
  print(string.format("parent rewrote 16 pages: %d faults (reused in place, no copy)", again.minflt))
  vm.show("status", self)
end)

vm.wait(p)
vm.mark("the end: everything freed")
vm.show("free")
