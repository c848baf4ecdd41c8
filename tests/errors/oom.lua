-- expect-exit: 2
-- expect-stderr: oom.lua:6: touch: out of memory: reclaim could not free a page and the OOM killer found no process it may kill
-- the only process is shielded (oom_score_adj -1000): the OOM killer has no victim
vm.config{ ram = "64M" }
vm.spawn("hog", function(self)
  self:touch(self:mmap{ len = "60M" })   -- 128M would be refused by mmap (overcommit)
end, { oom_score_adj = -1000 })
