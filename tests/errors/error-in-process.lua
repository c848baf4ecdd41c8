-- expect-exit: 2
-- expect-stderr: error-in-process.lua:5: attempt to perform arithmetic on a nil value
vm.config{ ram = "256M" }
local p = vm.spawn("buggy", function(self)
  local x = nil + 1
end)
vm.wait(p)
