-- cow.lua: fork shares memory until someone writes (seed: page-fault-and-memory-management.md,
-- demonstrate_cow).
--
-- fork copies no memory: both processes map the same frames, write-
-- protected. The first write by either side is a minor fault that copies
-- the page (or, once the other side has let go of it, reuses it in place).
-- A shared page counts in the RSS of every process that maps it, so the
-- child's RSS does not move when it copies 10 pages: the copies show in
-- /proc/PID/smaps_rollup instead, as Private_Dirty +40 kB, Shared_Dirty
-- -40 kB and Pss_Anon +20 kB (measured on Linux 6.18). The seed's "child
-- RSS +40 KB" is a misconception.
--
-- How much anonymous memory the two hold together is the sum of their
-- Pss_Anon (vm.usage(): a page two processes share counts half in each),
-- the run's own figure. /proc/meminfo's AnonPages would say the same on an
-- idle machine, but it is the whole machine's: a build running beside moves
-- it by megabytes. On the real kernel the sum also holds vmlab's own pages
-- in these processes (the Lua tables a step allocates): a page or two,
-- RUNTIME_KB, well below the 40 kB that 10 copies add.

vm.config{ ram = "1G" }

local RUNTIME_KB = 16

vm.spawn("parent", function(p)
  local m = p:mmap{ len = "100M" }
  p:touch(m, { op = "write", value = 80, tolerance = { ns = "25%" } })   -- 'P'
  vm.show("status", p)

  local c = p:fork("child", function(c)
    local s0 = c:stat()
    local r = c:touch(m, { len = 10 * vm.PAGE, op = "write", value = 67 })   -- 'C'
    local s1 = c:stat()
    print(string.format("child: %d CoW faults; RSS %+d kB; Private_Dirty %+d, Shared_Dirty %+d, Pss_Anon %+d kB",
          r.minflt, s1.rss_kb - s0.rss_kb, s1.private_dirty_kb - s0.private_dirty_kb,
          s1.shared_dirty_kb - s0.shared_dirty_kb, s1.pss_anon_kb - s0.pss_anon_kb))
    vm.expect(r.minflt == 10, "child: %d CoW faults, want 10", r.minflt)
    vm.expect(s1.rss_kb == s0.rss_kb, "child RSS moved by %d kB, want 0", s1.rss_kb - s0.rss_kb)
    vm.expect(s1.private_dirty_kb - s0.private_dirty_kb == 40, "Private_Dirty %+d kB, want +40",
              s1.private_dirty_kb - s0.private_dirty_kb)
    vm.expect(s1.shared_dirty_kb - s0.shared_dirty_kb == -40, "Shared_Dirty %+d kB, want -40",
              s1.shared_dirty_kb - s0.shared_dirty_kb)
    vm.expect(s1.pss_anon_kb - s0.pss_anon_kb == 20, "Pss_Anon %+d kB, want +20",
              s1.pss_anon_kb - s0.pss_anon_kb)
    vm.expect(c:read(m, 0) == 67, "child sees its own copy")
    local again = c:touch(m, { len = 10 * vm.PAGE, op = "write", value = 68 })
    vm.expect(again.minflt == 0, "rewriting its copies faulted %d times, want 0", again.minflt)
    vm.show("smaps", c)
    c:ready()
    c:sleep("1s")               -- stay alive while the parent writes
  end)

  vm.wait_ready(c)
  local anon0 = vm.usage().pss_anon_kb
  local alive = p:touch(m, { off = 10 * vm.PAGE, len = 10 * vm.PAGE, op = "write", value = 81 })
  local copied_kb = vm.usage().pss_anon_kb - anon0
  print(string.format("parent, child alive: %d faults, anonymous memory %+d kB (copies)", alive.minflt,
        copied_kb))
  vm.expect(alive.minflt == 10 and vm.near(copied_kb, 40, RUNTIME_KB),
            "parent while the child lives: %d faults, anonymous memory %+d kB; want 10 and +40",
            alive.minflt, copied_kb)

  local st = p:wait(c)
  vm.expect(st.status == "exited" and st.code == 0, "the child exited normally")
  vm.expect(p:read(m, 0) == 80, "parent still sees its value")

  local reuse0, anon1 = vm.vmstat().pgreuse, vm.usage().pss_anon_kb
  local r = p:touch(m, { len = 10 * vm.PAGE, op = "write", value = 82 })
  local grown = vm.usage().pss_anon_kb - anon1
  local reused = vm.vmstat().pgreuse - reuse0
  print(string.format("parent after the child exited: %d faults, pgreuse %+d, anonymous memory %+d kB",
        r.minflt, reused, grown))
  vm.expect(r.minflt == 10, "parent: %d reuse faults, want 10 (no copy)", r.minflt)
  vm.expect(vm.near(grown, 0, RUNTIME_KB), "a reuse allocates nothing (anonymous memory %+d kB)", grown)
  -- pgreuse (wp_page_reuse()) has no per-cgroup counterpart: it is the whole
  -- machine's, and other processes can only add to it
  vm.expect(reused == 10 or (vm.backend() == "real" and reused > 10),
            "pgreuse grew by %d, want 10", reused)

  -- the rest was shared with the child too: 25,580 reuse faults (compare judges their time)
  local rest = p:touch(m, { off = 20 * vm.PAGE, op = "write", value = 83, tolerance = { ns = "25%" } })
  vm.expect(rest.minflt == 25580, "the rest of the region: %d faults, want 25580", rest.minflt)
  print(string.format("reuse fault %.2f us, copy fault %.2f us", r.ns / 1e3 / r.minflt,
        alive.ns / 1e3 / alive.minflt))
end)
