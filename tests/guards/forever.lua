-- forever.lua: a touch that would run for centuries of simulated time
-- (2^62 passes); the run's guards must end it (tests/run.sh gives them).
local p = vm.spawn("vmlab-forever", function(self)
  local m = self:mmap{ len = "16K" }
  self:touch(m, { stride = 64, passes = 1 << 62 })
end)
vm.wait(p)
