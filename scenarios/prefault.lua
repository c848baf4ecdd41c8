-- prefault.lua: MAP_POPULATE versus demand paging (seed: demand-paging.md,
-- optimize_with_prefaulting).
--
-- With MAP_POPULATE the kernel faults every page in inside mmap() itself
-- (through GUP: the faults count in the process's minflt, though perf does
-- not see them, and each costs less than a user fault: no exception); the
-- touch afterwards finds everything mapped. Without it, mmap is instant and
-- the touch pays the 25,600 faults.

vm.config{ ram = "1G" }

local p = vm.spawn("prefault", function(self)
  local pre = self:mmap{ len = "100M", populate = true }
  local t1 = self:touch(pre, { op = "write" })
  print(string.format("MAP_POPULATE: %5d faults in mmap (%.1f ms), %5d in the touch (%.2f ms)",
        pre.minflt, pre.ns / 1e6, t1.minflt, t1.ns / 1e6))
  vm.expect(pre.minflt == 25600, "MAP_POPULATE faulted %d pages inside mmap, want 25600", pre.minflt)
  vm.expect(t1.minflt == 0, "after MAP_POPULATE the touch faulted %d times, want 0", t1.minflt)

  local plain = self:mmap{ len = "100M" }
  local t2 = self:touch(plain, { op = "write" })
  print(string.format("plain mmap:   %5d faults in mmap (%.3f ms), %5d in the touch (%.1f ms)",
        plain.minflt, plain.ns / 1e6, t2.minflt, t2.ns / 1e6))
  vm.expect(plain.minflt == 0, "plain mmap faulted %d times, want 0", plain.minflt)
  vm.expect(t2.minflt == 25600, "plain mmap: the touch faulted %d times, want 25600", t2.minflt)
  print(string.format("total: populate %.1f ms, demand paging %.1f ms",
        (pre.ns + t1.ns) / 1e6, (plain.ns + t2.ns) / 1e6))
end)

vm.wait(p)
