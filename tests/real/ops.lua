-- ops.lua: every kind of operation vmlab has, for vmlab compare: random,
-- reverse, strided and Zipf touches (the same seed draws the same order on
-- both kernels), dontneed, mprotect, partial munmap, populate, mlock, shared
-- memory across fork, glibc's malloc and free in both of its arenas, trim.
-- tests/run.sh requires every count equal on the simulator and the real kernel.
vm.config{ ram = "2G" }
local p = vm.spawn("ops", function(self)
  local m = self:mmap{ len = "16M" }
  self:touch(m, { order = "random" })
  self:touch(m, { order = "reverse", op = "read" })
  self:madvise(m, "dontneed", "4M", "4M")
  self:touch(m, { op = "read" })
  self:touch(m, { op = "write", stride = 1000 })
  self:mprotect(m, "r", "8M", "4M")
  self:touch(m, { len = "8M" })
  self:munmap(m, "12M", "4M")
  local z = self:mmap{ len = "8M" }
  self:touch(z, { zipf = 0.99, count = 5000 })
  self:madvise(z, "populate_read")
  self:touch(z, { op = "write" })
  local q = self:mmap{ len = "4M" }
  self:madvise(q, "populate_write")
  self:mlock(q)
  self:munlock(q)
  local l = self:mmap{ len = "4M" }
  self:mlock(l)
  self:touch(l)
  local s = self:mmap{ len = "8M", shared = true }
  self:touch(s, { op = "read" })
  self:touch(s, { op = "write" })
  local c = self:fork("kid", function(k)
    k:touch(s, { op = "write" })
    k:touch(z, { op = "write", len = "1M" })
    k:touch(m, { op = "read", len = "4M" })
  end)
  self:wait(c)
  self:touch(z, { op = "write" })
  self:madvise(s, "dontneed")
  self:touch(s, { op = "read" })
  local b = {}
  for i = 1, 50 do b[i] = self:malloc(i * 7000) end
  for i = 1, 50, 2 do self:free(b[i]) end
  local big = self:malloc("3M")
  self:touch(big)
  self:free(big)
  self:malloc_trim()
  for i = 2, 50, 2 do self:free(b[i]) end
  local e = self:mmap{ len = "64M", populate = true }
  self:munmap(e)
  local r = self:mmap{ len = "2M", noreserve = true }
  self:touch(r, { passes = 3 })
end)
vm.wait(p)
