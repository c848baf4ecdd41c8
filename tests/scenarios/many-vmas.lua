-- many-vmas.lua: a process with 60,000 VMAs (40,000 from splits, 20,000
-- mmaps). The VMAs are a balanced tree with the largest gap of each subtree
-- (vma_tree.c), so mapping, splitting, faulting and unmapping stay O(log n)
-- each: this runs in a fraction of a second (a sorted array scanned for gaps
-- took 2.7 s). tests/run.sh runs it with --check=5000: a full recount after
-- every one of its 80,000 operations would walk up to 60,000 VMAs each time.
local N = 20000
vm.config{ ram = "1G" }
local p = vm.spawn("many", function(self)
  local m = self:mmap{ len = 2 * N * vm.PAGE }
  -- every other page read-only: 2N - 1 VMAs out of one (below 65530)
  local ok = 0
  for i = 0, 2 * N - 2, 2 do
    if self:mprotect(m, "r", i * vm.PAGE, vm.PAGE) then ok = ok + 1 end
  end
  vm.expect(ok == N, "%d of %d mprotects", ok, N)
  -- a write to each writable page: one fault each, each finding its VMA
  local f = 0
  for i = 1, 2 * N - 1, 2 do
    f = f + self:touch(m, { off = i * vm.PAGE, len = vm.PAGE, op = "write" }).minflt
  end
  vm.expect(f == N, "%d write faults", f)
  -- 20,000 separate one-page mappings, each placed top-down below the last
  local prev, below = nil, 0
  for i = 1, N do
    local a = self:mmap{ len = vm.PAGE, prot = i % 2 == 0 and "r" or "rw" }
    if prev and a.addr == prev - vm.PAGE then below = below + 1 end
    prev = a.addr
  end
  vm.expect(below == N - 1, "%d of %d mappings right below the one before", below, N - 1)
  -- unmapping every writable page leaves the read-only ones
  for i = 1, 2 * N - 1, 2 do self:munmap(m, i * vm.PAGE, vm.PAGE) end
  local st = self:stat()
  vm.expect(st.rss_anon_kb == 0, "RssAnon %d kB after the unmaps", st.rss_anon_kb)
  -- the stack's 132 kB, N read-only pages, N one-page mappings
  vm.expect(st.vsz_kb == 132 + 2 * N * 4, "VmSize %d kB", st.vsz_kb)
end)
vm.wait(p)
