-- errnos.lua: the errors the kernel gives, each the same on both kernels
-- (6.18: mlock.c __mlock_posix_error_return, madvise.c madvise_populate and
-- can_madv_lru_vma, mm/mmap.c __get_unmapped_area and cap_mmap_addr).
vm.config{ ram = "256M" }
local p = vm.spawn("errnos", function(self)
  local function errno(ok, err) return ok and "ok" or err end
  local none = self:mmap{ len = "64K", prot = "none" }
  vm.expect(errno(self:mlock(none)) == "ENOMEM", "mlock of PROT_NONE: ENOMEM")
  vm.expect(errno(self:madvise(none, "populate_read")) == "EINVAL", "populate_read of PROT_NONE: EINVAL")
  vm.expect(errno(self:madvise(none, "populate_write")) == "EINVAL", "populate_write of PROT_NONE: EINVAL")
  local ro = self:mmap{ len = "64K", prot = "r" }
  vm.expect(errno(self:madvise(ro, "populate_write")) == "EINVAL", "populate_write of read-only: EINVAL")
  vm.expect(errno(self:madvise(ro, "populate_read")) == "ok", "populate_read of read-only: ok")
  local l = self:mmap{ len = "64K" }
  self:mlock(l)
  for _, adv in ipairs({ "pageout", "cold", "dontneed" }) do
    vm.expect(errno(self:madvise(l, adv)) == "EINVAL", "%s of mlocked memory: EINVAL", adv)
  end
  -- madvise_walk_vmas(): the VMAs before the locked one are zapped, then EINVAL
  local half = self:mmap{ len = 8 * vm.PAGE }
  self:touch(half, { op = "write" })
  self:mlock(half, 4 * vm.PAGE, 4 * vm.PAGE)
  local rss0 = self:stat().rss_anon_kb
  vm.expect(errno(self:madvise(half, "dontneed")) == "EINVAL", "dontneed over a locked tail: EINVAL")
  vm.expect(self:stat().rss_anon_kb - rss0 == -16, "the unlocked head was zapped first: RSS %+d kB",
            self:stat().rss_anon_kb - rss0)
  vm.expect(errno(self:mmap{ len = "4K", addr = 0x800000000000, fixed = true }) == "ENOMEM",
            "MAP_FIXED at TASK_SIZE: ENOMEM")
  vm.expect(errno(self:mmap{ len = "4K", addr = 0x600000000001, fixed = true }) == "EINVAL",
            "MAP_FIXED unaligned: EINVAL")
  -- root may map below mmap_min_addr (cap_mmap_addr: CAP_SYS_RAWIO); 4096 is not below it
  vm.expect(errno(self:mmap{ len = "4K", addr = 0x10000, fixed = true }) == "ok", "MAP_FIXED at 64K as root")
end)
vm.wait(p)
-- below vm.mmap_min_addr only root may map (cap_mmap_addr); the real kernel has
-- the host's sysctl (4096 here), so this part is the simulator's alone
if vm.backend() == "sim" then
  local u = vm.spawn("user", function(self)
    local ok, err = self:mmap{ len = "4K", addr = 0x1000, fixed = true }
    vm.expect(ok, "MAP_FIXED at 4K as a user, mmap_min_addr 4096: %s", tostring(err))
  end, { uid = 1000 })
  vm.wait(u)
end
