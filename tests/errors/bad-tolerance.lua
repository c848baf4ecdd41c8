-- expect-exit: 2
-- expect-stderr: bad-tolerance.lua:6: touch: tolerance minflt must be a number, a percentage
vm.config{ ram = "256M" }
vm.spawn("t", function(self)
  local m = self:mmap{ len = "1M" }
  self:touch(m, { tolerance = { minflt = "a few" } })
end)
