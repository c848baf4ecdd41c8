-- expect-exit: 2
-- expect-stderr: zipf-inf.lua:6: touch: zipf is the skew exponent, a number above 0 and at most 1000 (0.99 is common), got inf
vm.config{ ram = "256M" }
local p = vm.spawn("z", function(self)
  local m = self:mmap{ len = "64K" }
  self:touch(m, { zipf = math.huge, count = 100 })
end)
vm.wait(p)
