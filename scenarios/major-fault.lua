-- major-fault.lua: a file read through mmap, cold and hot (seed:
-- page-fault-and-memory-management.md, "Major Fault"; reference/linux-mm.md
-- §1.6 and §5(d)).
--
-- A 100 MiB file on disk, not in the page cache, mapped and read one byte a
-- page (25,600 pages):
--   * cold: the first fault is major; it reads the file ahead (mmap
--     read-around, then async readahead as the reader reaches the marked
--     folio, each window in folios two orders larger) and the faults after
--     it find the pages cached: minor, each mapping 16 pages or a whole
--     large folio (fault-around);
--   * hot, the same folios: minor faults only, the same number;
--   * cold with MADV_RANDOM: no readahead at all, every page a major fault
--     (25,600), each mapping its one page;
--   * hot on the order-0 cache that leaves: 1600 minor faults, 16 pages each;
--   * hot after read(2) of the whole file (128 KiB calls): 123 at 8 MiB
--     readahead, on both kernels (the read's own folio ramp).
-- How many faults the cold and hot reads take depends on the disk's
-- read_ahead_kb (folio sizes): 804 at the kernel's default 128 KiB, 454 at
-- 8 MiB (this machine's virtio disk). `vmlab compare` runs the simulator
-- with the host's value.
--
-- With 8 MiB readahead the file ends in 2 MiB folios (30 after the mmap
-- reads, 35 after read(2)), which Linux maps with one PMD each
-- (FilePmdMapped); vmlab maps them with 512 PTEs in the same single fault,
-- so its page tables are larger by a PTE table per 2 MiB folio: PTE_TOL
-- says so to compare (the huge-page work brings PMD maps).

vm.config{ ram = "1G" }

local N = 25600
local PTE_TOL = 50 * 4 + 16    -- kB: a PTE table per 2 MiB at most, and the upper tables of a new region
local f = vm.file{ name = "large_file.dat", size = N * vm.PAGE, value = 7 }

local function mapped(self)
  return self:mmap{ len = f.size, file = f, prot = "r" }
end

vm.spawn("reader", function(self)
  local m = mapped(self)
  -- on the real kernel a fault-around can meet a folio still being read: a few more faults
  -- (455-457 here, 460 beside a parallel build writing to the same disk)
  local cold = self:touch(m, { op = "read", tolerance = { minflt = "3%", ns = "40%",
                                                         pte_kb = PTE_TOL } })
  print(string.format("cold:         %5d minor, %5d major, %6.2f us a page", cold.minflt,
        cold.majflt, cold.ns / 1e3 / N))
  vm.expect(cold.majflt == 1, "cold read: %d major faults, want 1 (readahead reads the rest)",
            cold.majflt)
  vm.expect(cold.minflt < N / 16 + 16, "cold read: %d minor faults, want at most %d (fault-around)",
            cold.minflt, N / 16)
  vm.expect(self:read(m, 12345 * vm.PAGE) == 7, "the file's content")
  vm.show("free")
  self:munmap(m, { tolerance = { pte_kb = PTE_TOL } })

  m = mapped(self)
  local hot = self:touch(m, { op = "read", tolerance = { ns = "40%", pte_kb = PTE_TOL } })
  print(string.format("hot:          %5d minor, %5d major, %6.2f us a page", hot.minflt,
        hot.majflt, hot.ns / 1e3 / N))
  vm.expect(hot.majflt == 0, "hot read: %d major faults, want 0", hot.majflt)
  vm.expect(math.abs(hot.minflt - cold.minflt) <= N / 100,
            "hot read: %d minor faults, the cold read's %d", hot.minflt, cold.minflt)
  self:munmap(m, { tolerance = { pte_kb = PTE_TOL } })

  vm.drop_caches()               -- sync; echo 1 > drop_caches, for this run's files
  m = mapped(self)
  self:madvise(m, "random")
  local rnd = self:touch(m, { op = "read", tolerance = { ns = "40%" } })
  print(string.format("MADV_RANDOM:  %5d minor, %5d major, %6.2f us a page", rnd.minflt,
        rnd.majflt, rnd.ns / 1e3 / N))
  vm.expect(rnd.majflt == N and rnd.minflt == 0,
            "cold read with MADV_RANDOM: %d major, %d minor, want %d major", rnd.majflt,
            rnd.minflt, N)
  self:munmap(m)

  m = mapped(self)
  local hot0 = self:touch(m, { op = "read", tolerance = { ns = "40%" } })
  print(string.format("hot, order-0: %5d minor, %5d major, %6.2f us a page", hot0.minflt,
        hot0.majflt, hot0.ns / 1e3 / N))
  vm.expect(hot0.minflt == N / 16 and hot0.majflt == 0,
            "hot read of the order-0 cache: %d minor, %d major, want %d minor (16 pages a fault)",
            hot0.minflt, hot0.majflt, N / 16)
  self:munmap(m)

  -- read(2) in 128 KiB calls fills the cache with its own folios (page_cache_sync_ra and
  -- async_ra for each call): with a large readahead, larger ones sooner, so the mapping
  -- faults fewer times still (123 at 8 MiB); at 128 KiB both end in 128 KiB folios (804)
  vm.drop_caches()
  local rd = self:read_file(f, { tolerance = { ns = "60%" } })
  vm.expect(rd.minflt + rd.majflt == 0 and rd.value == 7, "read(2) took %d faults, read %d",
            rd.minflt + rd.majflt, rd.value)
  m = mapped(self)
  local hotr = self:touch(m, { op = "read", tolerance = { ns = "40%", pte_kb = PTE_TOL } })
  print(string.format("hot, read(2):  %5d minor, %5d major, %6.2f us a page", hotr.minflt,
        hotr.majflt, hotr.ns / 1e3 / N))
  vm.expect(hotr.majflt == 0 and hotr.minflt <= hot.minflt,
            "hot after read(2): %d minor, %d major (the mmap-filled cache took %d)", hotr.minflt,
            hotr.majflt, hot.minflt)
  vm.show("free")
end)
