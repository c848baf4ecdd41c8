-- swap.lua: RAM access against swapped access (seed: virtual-memory-and-swap.md,
-- "스왑 영역"; the major-fault lesson of page-fault-and-memory-management.md).
--
-- 10 MiB of private memory is written, then pushed out with MADV_PAGEOUT:
-- every page is written to swap (pswpout, VmSwap +10240 kB). But a page
-- written out is not yet a page freed: the write is asynchronous, and the
-- page stays in RAM, in the swap cache, until reclaim comes back for it. So
-- reading it straight after is 2560 *minor* faults, no disk at all
-- (measured on Linux 6.18). A second MADV_PAGEOUT frees the clean copies
-- without writing again; now the re-read really goes to the disk: a major
-- fault reads the page and, with VMA readahead (page-cluster 3), up to 7
-- of its swapped neighbours, so the minor faults that follow find them in
-- the swap cache. 2560 pages take 322 major faults (6.18 measured 321-323:
-- the pages a second CPU's LRU batch still holds are not paged out).
--
-- The real kernel needs a swap device: run it with --real --swapfile 256M
-- (as root); without swap the scenario says so and checks only what holds.

vm.config{ ram = "1G", swap = "512M" }

local N = 2560
-- A page that sits in another CPU's per-CPU LRU batch (31 pages each: lru_add
-- after its fault, lru_move_tail after its write, up to one of each) is not
-- on the LRU, so MADV_PAGEOUT, which drains only its own CPU's batches,
-- cannot take it. The simulator has no per-CPU batches: exact there.
local BATCH = 2 * 31 * (vm.ncpus() - 1)
local TOL = { minflt = BATCH, majflt = 8, rss_kb = BATCH * 4, swap_kb = BATCH * 4 }   -- compare

vm.spawn("swapper", function(self)
  local m = self:mmap{ len = N * vm.PAGE }
  self:touch(m, { op = "write", value = 42 })
  local hot = self:touch(m, { op = "read" })
  print(string.format("in RAM:       %4d faults, %7.1f ns a page", hot.minflt + hot.majflt,
        hot.ns / N))
  vm.expect(hot.minflt + hot.majflt == 0, "reading resident pages faulted %d times", hot.minflt)

  if vm.meminfo().SwapTotal == 0 then
    print("no swap on this machine: run with --real --swapfile 256M (as root)")
    return
  end

  local po = self:madvise(m, "pageout", { tolerance = TOL })
  local u = vm.usage()
  print(string.format("MADV_PAGEOUT: VmSwap %d kB, %.1f us a page", u.swap_kb, po.ns / 1e3 / N))
  vm.expect(vm.near(u.swap_kb, N * 4, BATCH * 4), "after MADV_PAGEOUT VmSwap is %d kB, want %d",
            u.swap_kb, N * 4)
  vm.show("free")

  self:sleep("200ms")            -- the writes end; the pages stay in the swap cache
  local cached = self:touch(m, { op = "read", tolerance = TOL })
  print(string.format("re-read:      %4d minor, %d major: still in the swap cache", cached.minflt,
        cached.majflt))
  vm.expect(cached.minflt == u.swap_kb / 4 and cached.majflt == 0,
            "re-read after one pageout: %d minor, %d major, want %d minor", cached.minflt,
            cached.majflt, u.swap_kb / 4)

  self:madvise(m, "pageout", { tolerance = TOL })   -- clean copies: freed, not written again
  local cold = self:touch(m, { op = "read", tolerance = { minflt = BATCH, majflt = "3%",
                                                          rss_kb = BATCH * 4, swap_kb = BATCH * 4,
                                                          ns = "30%" } })
  local faults = cold.minflt + cold.majflt
  print(string.format("re-read:      %4d major, %4d minor (readahead): %.1f pages a major fault",
        cold.majflt, cold.minflt, faults / cold.majflt))
  print(string.format("              %.1f us a page: %.0fx slower than RAM", cold.ns / 1e3 / N,
        cold.ns / hot.ns))
  vm.expect(vm.near(faults, N, BATCH), "%d faults re-reading %d pages", faults, N)
  vm.expect(vm.near(cold.majflt, 322, "3%"), "%d major faults, want 322", cold.majflt)
  vm.expect(self:read(m, 1234 * vm.PAGE) == 42, "the data came back from swap")
end)
