-- within.lua: a difference inside the operation's declared tolerance is
-- accepted (and counted as such) by `vmlab compare`.
vm.spawn("p", function(self)
  local m = self:mmap{ len = "1M" }
  local pages = vm.backend() == "sim" and 100 or 101
  self:touch(m, { len = pages * vm.PAGE, tolerance = { minflt = "2%", rss_kb = "2%" } })
end)
