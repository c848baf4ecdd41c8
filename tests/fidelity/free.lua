-- free.lua: the sim's /proc/meminfo and its free views, for tests/run.sh to
-- show the same meminfo to the real free(1) and compare byte for byte.
vm.config{ ram = "2G" }
local p = vm.spawn("load", function(self)
  local a = self:mmap{ len = "300M" }
  self:touch(a, { value = 1 })
  local s = self:mmap{ len = "40M", shared = true }
  self:touch(s, { value = 2 })
  self:ready()
  self:pause()
end)
vm.wait_ready(p)
vm.mark("meminfo")
vm.show("meminfo")
for _, v in ipairs({ "free", "free -w", "free -h", "free -m", "free -b -t", "free --si -h" }) do
  vm.mark(v)
  vm.show(v)
end
vm.mark("end")
