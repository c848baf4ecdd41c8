-- expect-exit: 2
-- expect-stderr: oom.lua:5: touch: out of memory
vm.config{ ram = "64M" }
vm.spawn("hog", function(self)
  self:touch(self:mmap{ len = "60M" })   -- 128M would be refused by mmap (overcommit)
end)
