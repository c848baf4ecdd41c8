-- dontneed-tables.lua: MADV_DONTNEED of sparse writes over 2 GiB frees the
-- emptied PTE tables on 6.18 (mm/pt_reclaim.c, CONFIG_PT_RECLAIM, 6.14+):
-- VmPTE falls by 4 kB per 2 MiB, as on the real kernel (-4096 kB for
-- 2 GiB); the 6.12 profile keeps them.
vm.config{ ram = "1G" }
local p = vm.spawn("sparse", function(self)
  local m = self:mmap{ len = "2G", noreserve = true }
  self:touch(m, { op = "write", stride = "2M" })          -- one page per table
  local before = self:stat().pte_kb
  self:madvise(m, "dontneed")
  local freed = before - self:stat().pte_kb
  vm.expect(freed == 4096, "VmPTE fell by %d kB, want 4096", freed)
end)
vm.wait(p)
