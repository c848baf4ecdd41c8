-- hang.lua: processes that outlive their driver unless vmlab cleans up.
-- tests/run.sh interrupts (SIGINT) or kills (SIGKILL) the run mid-way and
-- checks that no process and no cgroup of it is left: the third process and
-- its forks live in a vm.cgroup{} group inside the run's, which must go too.
-- The run's files (a disk file and a tmpfs one) must go too.
local ps = {}
local box = vm.cgroup{ name = "hang", max = "256M" }
local f = vm.file{ name = "hang.dat", size = "1M", value = 1 }
local t = vm.file{ name = "hang.tmp", size = "64K", value = 2, tmpfs = true }
for i = 1, 3 do
  ps[i] = vm.spawn("vmlab-hang" .. i, function(self)
    local m = self:mmap{ len = "8M" }
    self:touch(m)
    self:touch(self:mmap{ len = f.size, file = f, shared = true, prot = "r" }, { op = "read" })
    self:read_file(t)
    self:fork("vmlab-kid" .. i, function(k)        -- a fork chain three deep
      k:fork("vmlab-gkid" .. i, function(g) g:touch(m) g:sleep("60s") end)
      k:touch(m)
      k:sleep("60s")
    end)
    self:ready()
    self:sleep("60s")
  end, i == 3 and { cgroup = box } or nil)
end
for i = 1, 3 do vm.wait_ready(ps[i]) end
print("ready")
vm.wait(ps[1])
