-- pte-differs.lua: the 6.12 profile keeps the PTE tables a MADV_DONTNEED
-- empties, 6.18 (and this host) frees them (mm/pt_reclaim.c): vmlab compare
-- must see the VmPTE difference (0 against -4096 kB) and call it a mismatch.
vm.config{ ram = "1G" }   -- run it with --kernel 6.12
local p = vm.spawn("sparse", function(self)
  local m = self:mmap{ len = "2G", noreserve = true }
  self:touch(m, { op = "write", stride = "2M" })
  self:madvise(m, "dontneed")
end)
vm.wait(p)
