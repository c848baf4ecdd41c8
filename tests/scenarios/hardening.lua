-- hardening.lua: inputs that once crashed vmlab, hung it or broke its
-- counts, each now with the answer the kernel or glibc gives.
vm.config{ ram = "4G" }
local p = vm.spawn("edges", function(self)
  -- a float with an integral value is a size like any other
  local m = self:mmap{ len = 1024 * vm.PAGE / 2 }
  vm.expect(m.len == 2097152, "len %d", m.len)
  vm.expect(self:touch(m).minflt == 512, "a 2 MiB float-sized mapping faults 512 pages")
  -- huge mallocs: ENOMEM, never a crash or a bogus pointer (32-63 GiB once
  -- indexed glibc's tcache with a negative number)
  for _, size in ipairs({ "32G", "40G", "63G", "64G", "1T", (1 << 62) + 1, math.maxinteger }) do
    local b, err = self:malloc(size)
    vm.expect(b == nil and err == "ENOMEM", "malloc(%s) gives ENOMEM, got %s", tostring(size), tostring(err))
  end
  local small = self:malloc(100)
  self:free(small)
  -- mlock, mprotect(PROT_NONE), munlock: the page is still present to the
  -- kernel (pte_present), so munlock unlocks it
  local l = self:mmap{ len = "64K" }
  self:mlock(l)
  vm.expect(vm.meminfo().Mlocked == 64, "Mlocked %d kB after mlock", vm.meminfo().Mlocked)
  self:mprotect(l, "none")
  self:munlock(l)
  vm.expect(vm.meminfo().Mlocked == 0, "Mlocked %d kB after munlock through PROT_NONE", vm.meminfo().Mlocked)
  self:munmap(l)
  vm.expect(vm.meminfo().Mlocked == 0, "Mlocked %d kB after munmap", vm.meminfo().Mlocked)
end)
vm.wait(p)
