-- mprotect-upgrade.lua: mprotect(r) then mprotect(rw): the next write does
-- not fault, private or shared (x86 pte_needs_flush() flushes when RW
-- changes either way), on both kernels.
vm.config{ ram = "256M" }
local p = vm.spawn("upgrade", function(self)
  for _, shared in ipairs({ false, true }) do
    local m = self:mmap{ len = "64K", shared = shared }
    self:touch(m, { op = "write", value = 1 })
    self:mprotect(m, "r")
    self:touch(m, { op = "read" })                -- the TLB holds read-only entries
    self:mprotect(m, "rw")
    local r = self:touch(m, { op = "write", value = 2 })
    vm.expect(r.minflt == 0, "%s: a write after mprotect(rw) faulted %d times, want 0",
              shared and "shared" or "private", r.minflt)
    vm.expect(self:read(m, 0) == 2, "the write went through")
  end
end)
vm.wait(p)
