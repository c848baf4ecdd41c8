-- expect-exit: 2
-- expect-stderr: size-fraction.lua:5: mmap len: a size must be a whole, non-negative number of bytes, got 2.5
vm.config{ ram = "256M" }
local p = vm.spawn("f", function(self)
  self:mmap{ len = 2.5 }
end)
vm.wait(p)
