-- fault-cost.lua: what page faults cost (seed: oom-killer-and-optimization.md,
-- measure_fault_cost: "cold start" vs "warm start" memset of 100 MiB).
--
-- malloc(100 MiB) is a fresh mmap: nothing is there yet. The first pass over
-- it ("cold") takes a minor fault on every page - the exception, a page
-- allocated and zeroed, a PTE written; the second ("warm") finds every page
-- mapped and only pays for the memory accesses. Their difference is the
-- faults' cost: about 2.3 us each on the machine vmlab was calibrated on
-- (`vmlab calibrate` measures yours), some 60 ms for 25,600 pages.
--
-- The seed's memset writes every byte; vmlab's touch writes one byte per
-- page, which takes the same faults and leaves out the copying the two
-- passes share. `vmlab compare` checks the cold pass's time against the
-- real kernel (within 25%).
--
-- The same for a file (reference/linux-mm.md §5(e)): read through mmap cold
-- (not in the page cache: the disk, with readahead) and hot (cached: each
-- minor fault maps up to a whole folio), then with MADV_RANDOM cold (a major
-- fault and a disk request for every page).

vm.config{ ram = "1G" }

local p = vm.spawn("memset", function(self)
  local mem = self:malloc("100M")
  local cold = self:touch(mem, { op = "write", value = 0, tolerance = { ns = "25%" } })
  local warm = self:touch(mem, { op = "write", value = 1 })
  local overhead = cold.ns - warm.ns
  print(string.format("Cold start: %.2f ms (%d faults)", cold.ns / 1e6, cold.minflt))
  print(string.format("Warm start: %.2f ms (%d faults)", warm.ns / 1e6, warm.minflt))
  print(string.format("Page fault overhead: %.2f ms, %.2f us per fault", overhead / 1e6,
        overhead / 1e3 / cold.minflt))
  -- the chunk's first page holds glibc's header, written inside malloc
  vm.expect(cold.minflt == 25599 and warm.minflt == 0, "cold %d faults, warm %d; want 25599 and 0",
            cold.minflt, warm.minflt)
  vm.expect(overhead > 0, "the faults cost something")
  self:free(mem)
end)
vm.wait(p)

local N = 25600
-- Linux maps the 2 MiB folios of an 8 MiB readahead with a PMD each, vmlab with 512 PTEs
-- (major-fault.lua says more): up to 30 PTE tables more, and the upper tables of a new region
local PTE_TOL = 30 * 4 + 16
local f = vm.file{ name = "cost.dat", size = N * vm.PAGE, value = 3 }
local q = vm.spawn("reader", function(self)
  local function pass(advice)
    local m = self:mmap{ len = f.size, file = f, prot = "r" }
    if advice then self:madvise(m, advice) end
    local r = self:touch(m, { op = "read", tolerance = { minflt = "3%", ns = "40%",
                                                         pte_kb = PTE_TOL } })
    self:munmap(m, { tolerance = { pte_kb = PTE_TOL } })
    return r
  end
  local cold = pass()
  local hot = pass()
  vm.drop_caches()
  local rnd = pass("random")
  print(string.format("File, cold:        %7.2f ms, %5d faults (%d major): %6.2f us a page",
        cold.ns / 1e6, cold.minflt + cold.majflt, cold.majflt, cold.ns / 1e3 / N))
  print(string.format("File, hot:         %7.2f ms, %5d faults: %6.2f us a fault",
        hot.ns / 1e6, hot.minflt, hot.ns / 1e3 / hot.minflt))
  print(string.format("File, cold random: %7.2f ms, %5d major faults: %6.2f us a fault",
        rnd.ns / 1e6, rnd.majflt, rnd.ns / 1e3 / rnd.majflt))
  vm.expect(cold.majflt >= 1 and hot.majflt == 0 and rnd.majflt == N,
            "major faults: cold %d, hot %d, random %d", cold.majflt, hot.majflt, rnd.majflt)
  vm.expect(cold.ns > 4 * hot.ns and rnd.ns > cold.ns,
            "the disk costs: cold %d ns, hot %d ns, random %d ns", cold.ns, hot.ns, rnd.ns)
end)
vm.wait(q)
