-- expect-exit: 2
-- expect-stderr: unknown-option.lua:5: mmap: unknown option 'lenn'
vm.config{ ram = "256M" }
vm.spawn("p", function(self)
  self:mmap{ lenn = "1M" }
end)
