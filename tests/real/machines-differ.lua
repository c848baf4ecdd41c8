-- machines-differ.lua: an 8 GiB mapping on a 4 GiB simulated machine is
-- ENOMEM (the overcommit heuristic, __vm_enough_memory()); on a larger host
-- it succeeds. vmlab compare must show both machines in its header and say
-- that this mismatch depends on them.
vm.config{ ram = "4G" }
local p = vm.spawn("big", function(self)
  self:mmap{ len = "8G" }
  self:touch(self:mmap{ len = "1M" })
end)
vm.wait(p)
