-- mlock.lua: locked memory under pressure (seed: oom-killer-and-optimization.md's checklist,
-- "mlock으로 중요한 메모리 고정").
--
-- In a 64 MiB memory cgroup a process locks 16 MiB (mlock: the pages are
-- faulted in and moved to the unevictable list), then writes 96 MiB more.
-- Reclaim inside the group takes what it can from the other 96 MiB, which
-- goes to swap, and never the locked pages: reading them again faults
-- nothing, and memory.stat's unevictable stays at 16 MiB. MADV_PAGEOUT on a
-- locked range is refused (EINVAL).
--
-- The real kernel needs a swap device: --real --swapfile 256M (as root).

vm.config{ ram = "1G", swap = "512M" }

local MiB = 1024 * 1024
local box = vm.cgroup{ name = "locked", max = 64 * MiB }

local p = vm.spawn("locker", function(self)
  if vm.meminfo().SwapTotal == 0 then
    print("no swap on this machine: run with --real --swapfile 256M (as root)")
    return
  end
  local keep = self:mmap{ len = 16 * MiB }
  local l = self:mlock(keep)
  print(string.format("mlock 16 MiB: %d faults (populated), VmLck %d kB", l.minflt,
        self:stat().lck_kb))
  vm.expect(l.minflt == 4096, "mlock faulted %d pages in, want 4096", l.minflt)
  self:touch(keep, { op = "write", value = 7 })

  -- the pressure: 96 MiB more into the rest of the group
  local rest = self:mmap{ len = 96 * MiB }
  -- how much of the group is mapped and how much swap cache at a given
  -- moment follows the disk's timing: on the real kernel these move from run
  -- to run (swap-hell.lua says more), and the group's reclaim may take a page of
  -- vmlab's own program text (RssFile) that a simulated process does not have
  local tol = { minflt = "2%", majflt = 8, rss_kb = 32 * 1024, anon_kb = 32 * 1024,
                swap_kb = 32 * 1024, file_kb = 4096, ns = "50%" }
  local w = self:touch(rest, { op = "write", value = 8, tolerance = tol })
  local s, u = vm.memstat(box), vm.usage()
  print(string.format("wrote 96 MiB: %.1f us a page; VmSwap %d kB, unevictable %d kB",
        w.ns / 1e3 / w.minflt, u.swap_kb, s.unevictable // 1024))
  vm.expect(u.swap_kb > 32 * 1024, "only %d kB went to swap", u.swap_kb)
  vm.expect(s.unevictable == 16 * MiB, "unevictable %d kB, want 16384", s.unevictable // 1024)

  local r = self:touch(keep, { op = "read" })
  print(string.format("re-read the locked 16 MiB: %d faults", r.minflt + r.majflt))
  vm.expect(r.minflt + r.majflt == 0, "the locked pages faulted %d times: they left RAM",
            r.minflt + r.majflt)
  vm.expect(self:read(keep, 100 * vm.PAGE) == 7, "the locked data is intact")
  local po, err = self:madvise(keep, "pageout")
  vm.expect(po == nil and err == "EINVAL", "MADV_PAGEOUT of a locked range: %s, want EINVAL",
            tostring(err))
  local back = self:touch(rest, { op = "read", tolerance = {
    minflt = "5%", majflt = "10%", rss_kb = 32 * 1024, anon_kb = 32 * 1024, swap_kb = 32 * 1024,
    file_kb = 4096, ns = "50%" } })
  print(string.format("re-read the other 96 MiB: %d major faults", back.majflt))
  vm.expect(back.majflt > 0, "nothing of the unlocked memory had gone to swap")
  vm.show("lru", box)   -- the group's lists: 16 MiB unevictable, the rest where reclaim looks
end, { cgroup = box })

vm.wait(p)
