-- views.lua: every view renders, on a machine with some of everything.
vm.config{ ram = "512M", cpus = 2 }
local f = vm.file{ name = "views.dat", size = "1M", value = 5 }
local p = vm.spawn("viewer", function(self)
  local a = self:mmap{ len = "8M" }
  self:touch(self:mmap{ len = f.size, file = f, prot = "r" }, { op = "read" })
  local s = self:mmap{ len = "2M", shared = true }
  self:touch(a, { value = 3 })
  self:touch(s, { op = "read" })
  self:mlock(a, 0, "1M")
  local c = self:fork("kid", function(kid) kid:touch(a, { len = "64K", value = 4 }); kid:pause() end)
  self:sleep("1ms")
  for _, v in ipairs({ "free", "free -w", "free -h", "free -m -t", "vmstat", "meminfo", "zoneinfo", "ps" }) do
    vm.show(v)
  end
  vm.show("status", self)
  vm.show("smaps", self)
  vm.show("maps", self)
  vm.show("lru")
  vm.show("pagetable", self, a, "1M")
  vm.show("pagetable", self, { addr = 0x1000 })
  local z = vm.zoneinfo()
  vm.expect(z.DMA.managed == 3840, "DMA manages %d pages", z.DMA.managed)
  -- min_free_kbytes is shared among the zones in proportion to their size
  vm.expect(z.DMA.min == (z.DMA.min + z.DMA32.min + 1) * z.DMA.managed // (z.DMA.managed + z.DMA32.managed),
            "DMA's share of the min watermark: %d of %d", z.DMA.min, z.DMA.min + z.DMA32.min)
  vm.expect(z.DMA32.low > z.DMA32.min and z.DMA32.high > z.DMA32.low, "min < low < high")
  local mi = vm.meminfo()
  vm.expect(mi.Mlocked == 1024, "Mlocked %d kB", mi.Mlocked)
  vm.expect(mi.Shmem == 2048, "Shmem %d kB", mi.Shmem)
  vm.expect(mi.AnonPages == 8192 + 64, "AnonPages %d kB", mi.AnonPages)
  vm.expect(vm.vmstat().nr_mlock == 256, "nr_mlock %d", vm.vmstat().nr_mlock)
  vm.kill(c, "SIGKILL")
  local st = self:wait(c)
  vm.expect(st.signal == "SIGKILL" and st.code == 137, "killed child: %s %d", tostring(st.signal), st.code)
end)
vm.wait(p)
