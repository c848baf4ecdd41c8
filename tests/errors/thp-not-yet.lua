-- expect-exit: 2
-- expect-stderr: thp-not-yet.lua:6: madvise: hugepage: transparent huge page faults are not modelled
vm.config{ ram = "256M" }
vm.spawn("t", function(self)
  local m = self:mmap{ len = "4M" }
  self:madvise(m, "hugepage")
  self:touch(m)
end)
