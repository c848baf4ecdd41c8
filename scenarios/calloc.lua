-- calloc.lua: what calloc and free really cost (seed: demand-paging.md,
-- trace_page_faults: "calloc touches every page: expect size/4096 minor faults").
--
-- The seed's expectation is wrong, and the measurement says why. calloc of
-- 100 MiB is served by a fresh mmap (it is above glibc's 128 KiB mmap
-- threshold), and fresh anonymous memory is already zero: glibc writes only
-- the chunk header into the first page. As a program's first allocation it
-- also builds glibc's thread cache on the brk heap: 2 faults in calloc
-- (measured on glibc 2.36 / Linux 6.18), then 25,599 when the memory is
-- first written (its first page is already there).
--
-- Small allocations come from the brk heap instead. Freeing the big chunk
-- unmaps it and RSS drops at once; freeing small chunks keeps their pages
-- (they go back to glibc's free lists) until malloc_trim() returns them.

vm.config{ ram = "1G" }

local p = vm.spawn("calloc", function(self)
  local z = self:calloc("100M")
  print(string.format("calloc(100 MiB): %d faults inside calloc (%.1f us)", z.minflt, z.ns / 1e3))
  vm.expect(z.minflt == 2, "calloc took %d faults, want 2 (chunk header + glibc's tcache)", z.minflt)
  local w = self:touch(z, { op = "write", value = 1 })
  print(string.format("first write pass: %d faults", w.minflt))
  vm.expect(w.minflt == 25599, "the first write pass took %d faults, want 25599", w.minflt)
  vm.expect(self:read(z, 0) == 1, "the memory holds what was written")

  -- small allocations live on the brk heap
  local before = self:stat()
  local small, grew = {}, 0
  for i = 1, 1000 do
    small[i] = self:malloc(1000)
    grew = grew + small[i].rss_kb
    grew = grew + self:touch(small[i], { op = "write", len = 1000, stride = 1000, value = 2 }).rss_kb
  end
  local keep = self:malloc(1000)       -- still in use after the others are freed
  local mid = self:stat()
  print(string.format("1000 x malloc(1000): heap %d -> %d kB, RSS %+d kB",
        before.heap_kb, mid.heap_kb, grew))
  vm.expect(mid.heap_kb > before.heap_kb, "small allocations grew the brk heap")

  -- free the big one: munmap, RSS drops by every page it had (its mapping is
  -- 25,601 pages, the last holding the chunk's final 16 bytes, never written)
  local f = self:free(z)
  print(string.format("free(100 MiB): RSS %+d kB", f.rss_kb))
  vm.expect(f.rss_kb == -102400, "freeing the 100 MiB chunk changed RSS by %d kB, want -102400", f.rss_kb)

  -- free the small ones: glibc keeps the pages
  local freed = 0
  for i = 1, 1000 do freed = freed + self:free(small[i]).rss_kb end
  print(string.format("free of 1000 small chunks: RSS %+d kB", freed))
  vm.expect(freed == 0, "freeing small chunks changed RSS by %d kB, want 0", freed)

  local t = self:malloc_trim()
  print(string.format("malloc_trim(0): RSS %+d kB (released: %s)", t.rss_kb, tostring(t.released)))
  vm.expect(t.released and t.rss_kb < -900, "malloc_trim gave back %d kB, want most of the ~1 MB",
            -t.rss_kb)
  self:free(keep)
end)

vm.wait(p)
