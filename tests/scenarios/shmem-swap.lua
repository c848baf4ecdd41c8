-- shmem-swap.lua: shared memory under pressure goes to swap and comes back
-- (mm/shmem.c shmem_writeout, shmem_swapin_folio).
--
-- 96 MiB of MAP_SHARED|MAP_ANONYMOUS memory written in a 64 MiB group: the
-- group's reclaim writes shmem pages to swap (their mappings cleared, the
-- index keeping the swap entry). Reading it back in order: a major fault
-- reads the page and its swap cluster (swap_cluster_readahead, up to 8
-- slots as the hits grow), the next faults find the swap cache: measured on
-- 6.18.44, 3084 major + 21,492 minor (the simulator: 3077 + 21,499). A
-- random read then faults mostly major (6.18.44: 16,343 of 24,576). Every
-- value survives (--check verifies the slots too).
--
-- The real kernel needs a swap device: --real --swapfile 512M (as root).

vm.config{ ram = "1G", swap = "512M" }
local N = 24576

if vm.meminfo().SwapTotal == 0 then
  print("no swap on this machine: run with --real --swapfile 512M (as root)")
  return
end

local g = vm.cgroup{ name = "shm", max = "64M" }
local p = vm.spawn("shm", function(self)
  local m = self:mmap{ len = N * vm.PAGE, shared = true }
  local w = self:touch(m, { op = "write", value = 7 })
  vm.expect(w.minflt == N and w.majflt == 0, "writing: %d minor, %d major", w.minflt, w.majflt)
  local r = self:touch(m, { op = "read" })
  print(string.format("sequential read: %d major, %d minor", r.majflt, r.minflt))
  vm.expect(r.majflt + r.minflt == N, "every page faults once: %d", r.majflt + r.minflt)
  vm.expect(r.majflt >= N // 8 and r.majflt <= N // 8 + N // 100,
            "%d major faults: readahead of 8 slots should make it about %d", r.majflt, N // 8)
  local q = self:touch(m, { op = "read", order = "random" })
  print(string.format("random read: %d major, %d minor", q.majflt, q.minflt))
  vm.expect(q.majflt > N // 2, "a random read of swapped shmem: %d major faults", q.majflt)
  vm.expect(self:read(m, 12345 * vm.PAGE) == 7, "the value came back from swap")
  local ms = vm.memstat(g)
  vm.expect(ms.current <= 64 * 1024 * 1024, "memory.current %d over the limit", ms.current)
end, { cgroup = g })
vm.wait(p)
