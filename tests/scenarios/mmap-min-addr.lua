-- mmap-min-addr.lua: vm.mmap_min_addr (vm.config's, or the host's with
-- --kernel host): below it only root may map (security/commoncap.c
-- cap_mmap_addr: CAP_SYS_RAWIO).
vm.config{ ram = "256M", mmap_min_addr = "64K" }
local u = vm.spawn("user", function(self)
  local ok, err = self:mmap{ len = "4K", addr = 0x1000, fixed = true }
  vm.expect(not ok and err == "EPERM", "a user below mmap_min_addr: %s", tostring(err))
  ok, err = self:mmap{ len = "4K", addr = 0x10000, fixed = true }
  vm.expect(ok, "a user at mmap_min_addr: %s", tostring(err))
end, { uid = 1000 })
vm.wait(u)
local r = vm.spawn("root", function(self)
  local ok, err = self:mmap{ len = "4K", addr = 0x1000, fixed = true }
  vm.expect(ok, "root below mmap_min_addr: %s", tostring(err))
end)
vm.wait(r)
