-- errno-differs.lua: the same call fails on one kernel only (the
-- simulator's max_map_count is 20 here, the host's is its own): vmlab
-- compare must call that a mismatch and say which errno each side gave.
vm.config{ ram = "256M", max_map_count = 20 }
local p = vm.spawn("splitter", function(self)
  local m = self:mmap{ len = 64 * vm.PAGE }
  for i = 0, 62, 2 do self:mprotect(m, "r", i * vm.PAGE, vm.PAGE) end
end)
vm.wait(p)
