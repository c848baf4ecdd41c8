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
