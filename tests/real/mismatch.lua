-- mismatch.lua: a scenario that does one thing on the simulator and another
-- on the real kernel, so that `vmlab compare` must find the difference.
vm.spawn("p", function(self)
  local m = self:mmap{ len = "1M" }
  local pages = vm.backend() == "sim" and 10 or 11
  self:touch(m, { len = pages * vm.PAGE })
  self:touch(m, { len = 4 * vm.PAGE, tolerance = { minflt = "1" } })
end)
