-- memuse.lua: a process's memory is `used` while it lives and free again
-- when it exits (seed: memory-monitoring-and-tools.md, the `free` and `ps`
-- lessons: "allocate 80 MB and watch used grow").
--
-- malloc(80 MiB) is a mmap of its own (above the 128 KiB threshold) of
-- 80 MiB + a page (the chunk header): VSZ grows, RSS by the header's page
-- only. Writing a byte a page from the pointer on faults the other pages
-- it reaches in (20,479 minor faults): RSS,
-- the run's anonymous memory and `free`'s used grow by 80 MiB (used also by
-- the page tables). When the process exits, exit_mmap() frees it all.
--
-- The counts come from the process and the run's own memory cgroup
-- (vm.memstat); `free` on the real kernel is the whole machine's, which
-- other processes move too, so its `used` is shown, and checked on the
-- simulator only.

vm.config{ ram = "1G" }

local SIZE = 80 * 1024 * 1024
local ready = vm.memstat()
local mi0 = vm.meminfo()
vm.show("free")

local p = vm.spawn("hog", function(self)
  local s0 = self:stat()
  local b = self:malloc(SIZE)
  local w = self:touch(b, { op = "write", value = 80 })
  local s = self:stat()
  print(string.format("malloc(80 MiB) + memset: %d minor faults, RSS %d kB, VSZ %d kB", w.minflt,
        s.rss_kb, s.vsz_kb))
  vm.expect(w.minflt == SIZE // vm.PAGE - 1, "writing 80 MiB took %d faults, want %d", w.minflt,
            SIZE // vm.PAGE - 1)
  vm.expect(s.rss_kb - s0.rss_kb == SIZE // 1024 + 4, "RSS grew by %d kB, want %d",
            s.rss_kb - s0.rss_kb, SIZE // 1024 + 4)
  local during = vm.memstat()
  -- the run's cgroup holds the driver and this process's own Lua runtime too, whose heaps
  -- move by a megabyte or two on the real kernel
  vm.expect(vm.near(during.anon - ready.anon, SIZE + vm.PAGE, 2 * 1024 * 1024),
            "the run's anonymous memory grew by %d kB, want %d", (during.anon - ready.anon) >> 10,
            (SIZE + vm.PAGE) >> 10)
  vm.show("free")
  vm.show("ps")
  if vm.backend() == "sim" then
    local mi = vm.meminfo()
    local used = (mi.MemTotal - mi.MemAvailable) - (mi0.MemTotal - mi0.MemAvailable)
    local want = (SIZE + vm.PAGE) // 1024 + mi.PageTables - mi0.PageTables + mi.KernelStack
    vm.expect(used == want, "used grew by %d kB, want %d (the pages, their page tables, the stack)",
              used, want)
  end
  self:ready()
  self:pause()                   -- alive until the top level has looked
end)

vm.wait_ready(p)
vm.kill(p, "SIGKILL")
vm.wait(p)
local after = vm.memstat()
vm.show("free")
vm.expect(vm.near(after.anon, ready.anon, 2 * 1024 * 1024),
          "after the exit the run's anonymous memory is %d kB, it was %d", after.anon >> 10,
          ready.anon >> 10)
if vm.backend() == "sim" then
  local mi = vm.meminfo()
  vm.expect(mi.MemAvailable == mi0.MemAvailable, "MemAvailable after the exit %d kB, before %d",
            mi.MemAvailable, mi0.MemAvailable)
end
