-- time-off.lua: a time outside its declared tolerance (here none at all: 0 ns
-- of slack, which no two measurements meet) is a mismatch for `vmlab compare`,
-- and with --time-advisory only reported, the counts deciding.
vm.spawn("p", function(self)
  local m = self:mmap{ len = "1M" }
  self:touch(m, { op = "write", tolerance = { ns = "0ns" } })
end)
