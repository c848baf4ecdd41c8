-- expect-exit: 2
-- expect-stderr: out-of-range.lua:5: touch: offset 4096 + length 4096 runs past the end of the mapping (4096 bytes)
vm.spawn("p", function(self)
  local m = self:mmap{ len = 4096 }
  self:touch(m, { off = 4096, len = 4096 })
end)
