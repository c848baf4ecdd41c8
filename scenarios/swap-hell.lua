-- swap-hell.lua: allocate past the memory you have (seed: page-fault-and-memory-management.md,
-- "스왑 지옥", demonstrate_swap_behavior).
--
-- A process in a 128 MiB memory cgroup (memory.max) writes 32 MiB chunks,
-- eight of them: 256 MiB. The first four fit. From then on every page it
-- faults in must be paid for by reclaim inside the group
-- (try_to_free_mem_cgroup_pages): its oldest pages are written to swap
-- (so) and freed, and memory.current stays at the limit. Reading it all
-- back is the hell: half of it comes from the disk (si), a major fault
-- each 8 pages with readahead, and every page read pushes another out.
--
-- The group is the run's own, so the pressure never touches the host:
-- on --real it is a cgroup inside the run's (v1 or v2), and the real
-- kernel's reclaim does there what the simulator does in its group. The
-- whole machine's kswapd is not woken by a cgroup's limit (that is
-- tests/scenarios/kswapd.lua, on the simulated machine).
--
-- The real kernel needs a swap device: --real --swapfile 512M (as root).

vm.config{ ram = "1G", swap = "1G" }

local MiB = 1024 * 1024
local CHUNK, N, LIMIT = 32 * MiB, 8, 128 * MiB
local PAGES = CHUNK / vm.PAGE
-- On --real the group also holds the scenario's own runtime (the Lua state a
-- forked process copies on write) and its page tables: a few MiB more
-- pressure, so the real kernel starts swapping a chunk earlier and swaps
-- 6-11% more (measured on 6.18: 156748 to 162736 kB against the simulator's
-- 147584).

local box = vm.cgroup{ name = "hell", max = LIMIT }

local p = vm.spawn("hog", function(self)
  if vm.meminfo().SwapTotal == 0 then
    print("no swap on this machine: run with --real --swapfile 512M (as root)")
    return
  end
  local chunks, first_swap = {}, nil
  -- Under the limit, how much of the group is mapped and how much is swap
  -- cache waiting to be freed depends on when the disk finishes each write:
  -- from one real run to the next a touch's RSS and swap change differ by up
  -- to a chunk (measured on 6.18), the fault counts by a few percent. Those
  -- are the tolerances vmlab compare holds the simulator to.
  -- (RssAnon, read from /proc/PID/status, is a per-CPU batched counter on the
  -- real kernel: taken in the middle of reclaim it has lagged the RSS by a chunk)
  -- (and the group may swap out a page of the scenario's own runtime, which
  -- then comes back as a major fault inside a write: a few, not a percentage)
  local tol = { minflt = "2%", majflt = 16, rss_kb = CHUNK // 1024, anon_kb = 2 * CHUNK // 1024,
                swap_kb = CHUNK // 1024, file_kb = 4096, ns = "50%" }
  -- reading back, the first chunk meets the swap cache the writes left, and
  -- whether reclaim takes those unmapped copies or mapped pages first swings
  -- its RSS by up to two chunks between real runs
  local tol_back = { minflt = "2%", majflt = "10%", rss_kb = 2 * CHUNK // 1024,
                     anon_kb = 2 * CHUNK // 1024, swap_kb = 2 * CHUNK // 1024, file_kb = 4096,
                     ns = "50%" }
  for i = 1, N do
    local m = self:mmap{ len = CHUNK }
    local r = self:touch(m, { op = "write", value = i, tolerance = tol })
    local u = vm.usage()
    chunks[i] = m
    if not first_swap and u.swap_kb > 0 then first_swap = i end
    print(string.format("chunk %d: %3d MiB written, %5d faults, %5.2f us a page, RSS %6d kB, swap %6d kB",
          i, i * 32, r.minflt + r.majflt, r.ns / 1e3 / PAGES, u.rss_kb, u.swap_kb))
  end
  local u, s = vm.usage(), vm.memstat(box)
  print(string.format("memory.current %d MiB (max %d), memory.peak %d MiB, %d charges over the limit",
        s.current // MiB, LIMIT // MiB, s.peak // MiB, s.max_events))
  vm.expect(first_swap == 5 or (vm.backend() == "real" and first_swap == 4),
            "swapping began with chunk %s, want 5 (the first past the limit)", first_swap)
  vm.expect(s.current <= LIMIT, "memory.current %d is over memory.max %d", s.current, LIMIT)
  vm.expect(s.max_events > 0, "no charge hit the limit")
  -- at least what cannot stay, and more: pages written out stay in the swap
  -- cache (still named by their swap PTEs) until reclaim frees them
  vm.expect(u.swap_kb >= (N * CHUNK - LIMIT) // 1024 and vm.near(u.swap_kb, 147584, "15%"),
            "%d kB swapped out after writing 256 MiB into 128 MiB", u.swap_kb)

  -- read it all back, oldest first: what went out first comes back first
  local faults, majors, ns = 0, 0, 0
  for i = 1, N do
    local r = self:touch(chunks[i], { op = "read", tolerance = tol_back })
    faults, majors, ns = faults + r.minflt + r.majflt, majors + r.majflt, ns + r.ns
  end
  print(string.format("read back: %d faults, %d major (%.1f pages each), %.2f us a page",
        faults, majors, faults / math.max(majors, 1), ns / 1e3 / (N * PAGES)))
  vm.expect(majors > 0, "reading back swapped memory took no major fault")
  vm.expect(vm.near(faults, N * PAGES, 16), "%d faults reading back %d pages", faults, N * PAGES)
  vm.expect(faults / majors >= 7 and faults / majors <= 8.5,
            "%.1f pages a major fault, want about 8 (readahead)", faults / majors)
  vm.show("free")
end, { cgroup = box })

vm.wait(p)
