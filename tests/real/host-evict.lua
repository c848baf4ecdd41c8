-- host-evict.lua: a run's file evicted by a program outside the run
-- (tests/run.sh starts tests/real/evict.c beside it). The operations after
-- it carry host_evicted in their records, which vmlab compare uses to
-- leave such a run out of its verdict: the simulator has no cause for
-- those evictions.
local f = vm.file{ name = "evictme.dat", size = "4M", value = 3 }

vm.spawn("reader", function(self)
  self:read_file(f)           -- now wholly cached: the program outside evicts it
  self:sleep("2s")
  local r = self:read_file(f)
  vm.expect(r.value == 3, "the file's content after its eviction: %d", r.value)
end)
