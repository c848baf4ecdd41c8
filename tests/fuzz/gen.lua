-- gen.lua: the generative scenario fuzzer (tests/fuzz/run.sh runs it).
--
-- `vmlab run --check --seed S tests/fuzz/gen.lua [OPS]` makes a random
-- machine and a random workload from S: processes that mmap, munmap,
-- mprotect, madvise, mlock, touch, read, write, malloc, calloc, free, trim,
-- fork trees, exit, kill and sleep, with sizes at the edges (0, 1, a page
-- less or more one, 2^31, 2^63, negative, fractional) and handles that are
-- stale, shifted or made up. Every call is protected: an error the API
-- reports is an answer, not a failure. What must never happen is a crash,
-- a sanitizer report, a broken invariant (--check: exit 3), a hang, or two
-- runs of the same seed that differ by a byte.
local ops_per_proc = tonumber(arg[1]) or 60
local R = math.random

local sizes = { 0, 1, 4095, 4096, 4097, 8192, 65536, 65537, 1 << 20, (1 << 20) + 1,
                "4K", "64K", "1M", "2M", "3M", "16M", 1 << 31, 1 << 62, -1, -4096, 2.5, 4096.0 }
local function size() return sizes[R(#sizes)] end
local function small() return sizes[R(12)] end
local prots = { "r", "rw", "none", "rwx", "w", "x", "bogus" }
local advice = { "normal", "random", "sequential", "willneed", "dontneed", "cold", "pageout",
                 "hugepage", "nohugepage", "populate_read", "populate_write", "dontfork",
                 "dofork", "nonsense" }
local orders = { "seq", "reverse", "random" }
local ram = ({ "64M", "96M", "128M" })[R(3)]
vm.config{ ram = ram, cpus = R(4), seed = R(1 << 30) }

local total = 0
local function try(f, ...)
  total = total + 1
  return pcall(f, ...)
end

-- a handle as a careless program holds one: real, shifted, shrunk, or made up
-- (rarely for an access, which then dies of SIGSEGV as the program would)
local function handle(maps, access)
  if #maps == 0 or R(access and 60 or 8) == 1 then
    return { addr = ({ 0, 4096, 0x600000000000, 0x7ffffffff000, 1 << 47 })[R(5)], len = 4096 }
  end
  local m = maps[R(#maps)]
  if R(6) == 1 then return { addr = m.addr + 4096 * R(0, 3), len = m.len } end
  return m
end

local function body(self, depth)
  local maps, bufs, kids = {}, {}, {}
  for _ = 1, ops_per_proc do
    local op = R(20)
    if #maps == 0 and op >= 8 and op <= 11 then op = 1 end    -- nothing to access yet: map
    if op <= 3 then
      local ok, m = try(self.mmap, self, { len = small(), prot = R(8) == 1 and prots[R(3)] or "rw",
                                           shared = R(4) == 1, populate = R(6) == 1 })
      if ok and m then maps[#maps + 1] = m end
    elseif op == 4 then
      local i = #maps > 0 and R(#maps) or nil
      if i and R(4) > 1 then          -- the whole mapping goes, and so does its handle
        try(self.munmap, self, table.remove(maps, i))
      else
        try(self.munmap, self, handle(maps), R(0, 2) * 4096, R(3) == 1 and size() or nil)
      end
    elseif op == 5 then
      try(self.mprotect, self, handle(maps), R(8) == 1 and prots[R(#prots)] or "rw", R(0, 1) * 4096,
          R(2) == 1 and small() or nil)
    elseif op == 6 then
      try(self.madvise, self, handle(maps), advice[R(#advice)], R(0, 1) * 4096, R(2) == 1 and small() or nil)
    elseif op == 7 then
      if R(2) == 1 then try(self.mlock, self, handle(maps)) else try(self.munlock, self, handle(maps)) end
    elseif op <= 10 then
      local t = { op = R(2) == 1 and "write" or "read", order = orders[R(3)], passes = R(3),
                  stride = ({ 64, 4096, 4095, 8192, 1 })[R(5)] }
      if t.op == "write" and R(2) == 1 then t.value = R(0, 255) end
      if R(10) == 1 then t.order = nil; t.zipf = ({ 0.5, 0.99, 1.2, 3 })[R(4)]; t.count = R(0, 500) end
      if R(10) == 1 then t.len = size() end
      try(self.touch, self, handle(maps, true), t)
    elseif op == 11 then
      local h = handle(maps, true)
      if R(2) == 1 then try(self.write, self, h, R(0, 8192), R(0, 255)) else try(self.read, self, h, R(0, 8192)) end
    elseif op <= 13 then
      local ok, b = try(R(2) == 1 and self.malloc or self.calloc, self, size())
      if ok and b then bufs[#bufs + 1] = b end
    elseif op == 14 then
      if #bufs > 0 and R(5) > 1 then
        try(self.free, self, table.remove(bufs, R(#bufs)))
      else
        try(self.free, self, { addr = R(0, 1 << 20), len = 1 })    -- a pointer never malloc'ed
      end
    elseif op == 15 then
      try(self.malloc_trim, self, ({ 0, 4096, 1 << 20 })[R(3)])
    elseif op == 16 and depth < 3 and #kids < 3 then
      local ok, c = try(self.fork, self, "f" .. depth, function(child) body(child, depth + 1) end)
      if ok and c then kids[#kids + 1] = c end
    elseif op == 17 and #kids > 0 then
      try(self.wait, self, table.remove(kids, 1))
    elseif op == 18 then
      try(self.sleep, self, ({ 0, "1us", "1ms", 0.002 })[R(4)])
    elseif op == 19 then
      try(self.stat, self)
    elseif op == 20 and R(4) == 1 and #kids > 0 then
      try(vm.kill, kids[R(#kids)], ({ "SIGKILL", "SIGTERM", "SIGUSR1", "SIGCHLD", "SIGQUIT" })[R(5)])
    end
  end
  for _, c in ipairs(kids) do try(self.wait, self, c) end
  if R(5) == 1 then self:exit(R(0, 255)) end
end

local procs = {}
for i = 1, R(1, 4) do
  procs[i] = vm.spawn("p" .. i, function(self) body(self, 0) end, { oom_score_adj = R(-1000, 1000) })
end
if R(6) == 1 then pcall(vm.kill, procs[R(#procs)], "SIGKILL") end
for _, p in ipairs(procs) do vm.wait(p) end
for _, v in ipairs({ "free", "vmstat", "meminfo", "ps" }) do vm.show(v) end
print(string.format("fuzz: %d calls", total))
