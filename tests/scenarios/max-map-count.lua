-- max-map-count.lua: vm.max_map_count (65530 by default, the host's with
-- --kernel host). A split that would pass it fails with ENOMEM
-- (__split_vma), and so does an mmap once a process has more mappings than
-- it (do_mmap). A process starts with 2 here (its stack and this mapping).
vm.config{ ram = "256M", max_map_count = 100 }
local p = vm.spawn("splitter", function(self)
  local m = self:mmap{ len = 200 * vm.PAGE }
  local ok, first_fail = 0, nil
  for i = 0, 198, 2 do
    local r, err = self:mprotect(m, "r", i * vm.PAGE, vm.PAGE)
    if r then ok = ok + 1 elseif not first_fail then first_fail = err end
  end
  -- 3 VMAs after the first call, 2 more after each: the 50th call's second split is refused
  vm.expect(ok == 49 and first_fail == "ENOMEM", "%d mprotects, then %s", ok, tostring(first_fail))
  local a = self:mmap{ len = vm.PAGE, prot = "none" }       -- 101 mappings: more than 100
  local b, err = self:mmap{ len = vm.PAGE, prot = "none" }
  vm.expect(a and not b and err == "ENOMEM", "mmap past max_map_count: %s", tostring(err))
end)
vm.wait(p)
