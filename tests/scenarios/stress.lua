-- stress.lua: random operations on random processes, with an oracle.
--
-- Run with --check (tests/run.sh does, over several seeds): the kernel's
-- invariants are verified after every operation. On top of that this script
-- keeps its own model of what every page must contain - written values,
-- zeroes after MADV_DONTNEED or a fresh mapping, copies after fork, one
-- shared memory for MAP_SHARED - and reads pages back to compare.
--
-- Processes run concurrently in simulated time, so a write in progress in
-- one process is visible to another before the writer's touch returns. To
-- keep the model exact, only the process that created a shared region writes
-- it; the others accept its committed value or the value it is writing now.
--
-- On the simulator the processes live in a 16 MiB memory cgroup with swap,
-- and MADV_PAGEOUT is frequent: pages go out by pageout and by the group's
-- reclaim, and the faults that read them back go through the swap cache and
-- the readahead, so the values the oracle reads have been through swap,
-- through fork's shared swap slots and munmap's freeing of them (hundreds to
-- thousands of swap-outs and swap-ins a run, printed at the end); shared
-- memory goes to swap through its shmem index and comes back with the
-- cluster readahead. On --real there is no group and no swap (the host's
-- memory is not pressed).
-- Usage: vmlab run --check --seed N tests/scenarios/stress.lua [STEPS]

local STEPS = tonumber(arg[1]) or 400
local LOG = arg[2] == "log"
local function log(fmt, ...) if LOG then print(string.format(fmt, ...)) end end
vm.config{ ram = "256M", cpus = 2, swap = "1G" }
local box = vm.backend() == "sim" and vm.cgroup{ name = "stress", max = "16M" } or nil
local MAX_REGIONS = 8

local P = vm.PAGE
local nextid = 0
local FILE_PAGES = 256
local files = {}
for i = 1, 2 do
  local v = 10 + i
  files[i] = { f = vm.file{ name = "stress" .. i, size = FILE_PAGES * P, value = v }, vals = {},
               init = v }
end
local writer_pid        -- the first process: set in it, inherited by its children

-- a region: { h = handle, pages = n, shared = obj or nil, prot = "rw"|"r" }
-- shared objects: { vals = {} } shared by every process mapping it
-- per process state: { regions = {...}, vals = { [region] = {page -> value} } }

local function new_state() return { regions = {} } end

local function copy_state(s)
  local c = { regions = {} }
  for i, r in ipairs(s.regions) do
    local vals = {}
    if not r.shared then for k, v in pairs(r.vals) do vals[k] = v end end
    c.regions[i] = { h = r.h, pages = r.pages, shared = r.shared, prot = r.prot,
                     vals = r.shared and nil or vals, file = r.file, file_shared = r.file_shared,
                     off = r.off }
  end
  return c
end

local function fileval(file, page) return file.vals[page] or file.init end

local function valof(r, page)
  if r.file then
    if r.file_shared then return fileval(r.file, r.off + page) end
    return r.vals[page] or fileval(r.file, r.off + page)
  end
  if r.shared then return r.shared.vals[page] or 0 end
  return r.vals[page] or 0
end

local function acceptable(self, r, page, got)
  if got == valof(r, page) then return true end
  -- a file page another process may be writing: only its writer knows (on --real the
  -- processes' Lua states are their own); a private copy is the process's own
  if r.file and self.pid ~= writer_pid and (r.file_shared or r.vals[page] == nil) then
    return true
  end
  local w = r.shared and r.shared.inflight
  return w ~= nil and page >= w.first and page <= w.last and got == w.v
end

local function setval(r, page, v)
  if r.file and r.file_shared then r.file.vals[r.off + page] = v
  elseif r.shared then r.shared.vals[page] = v else r.vals[page] = v end
end

-- The read is an operation: the writer may finish its write between the read and the
-- comparison, so what was acceptable when the read began is acceptable too.
local function check_region(self, r, why)
  local n = r.pages
  for _ = 1, 4 do
    local pg = math.random(0, n - 1)
    local was = valof(r, pg)
    local w = r.shared and r.shared.inflight
    local was_writing = w and pg >= w.first and pg <= w.last and w.v or nil
    local got = self:read(r.h, pg * P)
    vm.expect(got == was or got == was_writing or acceptable(self, r, pg, got),
              "%s: pid %d page %d of 0x%x holds %d, want %d", why, self.pid, pg, r.h.addr, got,
              valof(r, pg))
  end
end

local worker

local nsteps = 0        -- on the simulator, every process's steps (one Lua state)

local function step(self, st, depth)
  nsteps = nsteps + 1
  local op = math.random(1, 100)
  local nr = #st.regions
  if op <= 5 and nr < MAX_REGIONS then
    local file = files[math.random(#files)]
    local off = math.random(0, FILE_PAGES - 1)
    local pages = math.random(1, FILE_PAGES - off)
    local shared = math.random() < 0.5
    local h = self:mmap{ len = pages * P, file = file.f, offset = off * P, shared = shared }
    log("pid %d mmap %s +%d %d pages shared=%s -> 0x%x", self.pid, file.f.name, off, pages,
        tostring(shared), h.addr)
    table.insert(st.regions, { h = h, pages = pages, prot = "rw", file = file, off = off,
                               file_shared = shared, vals = {},
                               shared = shared and { writer = writer_pid } or nil })
  elseif op <= 10 then
    local file = files[math.random(#files)]
    local off = math.random(0, FILE_PAGES - 1)
    local len = math.random(1, FILE_PAGES - off)
    if self.pid == writer_pid and math.random() < 0.5 then
      local v = math.random(1, 255)
      self:write_file(file.f, { off = off * P, len = len * P, value = v })
      log("pid %d write_file %s %d..%d = %d", self.pid, file.f.name, off, off + len - 1, v)
      for pg = off, off + len - 1 do file.vals[pg] = v end
      if math.random() < 0.3 then self:fsync(file.f) end
    else
      local r = self:read_file(file.f, { off = off * P, len = len * P })
      vm.expect(self.pid ~= writer_pid or r.value == fileval(file, off),
                "read_file %s page %d: %d, want %d", file.f.name, off, r.value, fileval(file, off))
    end
    if math.random() < 0.1 then vm.drop_caches() end
  elseif (op <= 20 and nr < MAX_REGIONS) or nr == 0 then
    local pages = math.random(1, 512)
    local shared = math.random() < 0.25
    local h = self:mmap{ len = pages * P, shared = shared, populate = math.random() < 0.1 }
    log("pid %d mmap %d pages shared=%s -> 0x%x", self.pid, pages, tostring(shared), h and h.addr or 0)
    if h then
      nextid = nextid + 1
      table.insert(st.regions, { h = h, pages = pages, prot = "rw",
                                 shared = shared and { vals = {}, writer = self.pid } or nil,
                                 vals = {} })
    end
  elseif op <= 45 then
    local r = st.regions[math.random(nr)]
    if r.prot == "rw" and (not r.shared or r.shared.writer == self.pid) then
      local first = math.random(0, r.pages - 1)
      local len = math.random(1, r.pages - first)
      local v = math.random(1, 255)
      local order = ({ "seq", "reverse", "random" })[math.random(3)]
      if r.shared then r.shared.inflight = { first = first, last = first + len - 1, v = v } end
      self:touch(r.h, { off = first * P, len = len * P, value = v, order = order })
      if r.shared then r.shared.inflight = nil end
      log("pid %d write 0x%x pages %d..%d = %d", self.pid, r.h.addr, first, first + len - 1, v)
      for pg = first, first + len - 1 do setval(r, pg, v) end
    end
  elseif op <= 60 then
    local r = st.regions[math.random(nr)]
    self:touch(r.h, { op = "read", order = "random" })
    check_region(self, r, "after a read pass")
  elseif op <= 68 then
    local i = math.random(nr)
    local r = st.regions[i]
    if math.random() < 0.5 then
      log("pid %d munmap 0x%x", self.pid, r.h.addr)
      self:munmap(r.h)
      table.remove(st.regions, i)
    else   -- unmap the tail: the region shrinks
      local keep = math.random(1, r.pages)
      if keep < r.pages then
        self:munmap(r.h, keep * P, (r.pages - keep) * P)
        log("pid %d shrink 0x%x to %d pages", self.pid, r.h.addr, keep)
        for pg = keep, r.pages - 1 do if not r.shared and not r.file_shared then r.vals[pg] = nil end end
        r.pages = keep
        r.h = { addr = r.h.addr, len = keep * P }
      end
    end
  elseif op <= 75 then
    local r = st.regions[math.random(nr)]
    local newprot = r.prot == "rw" and "r" or "rw"
    self:mprotect(r.h, newprot)
    log("pid %d mprotect 0x%x %s", self.pid, r.h.addr, newprot)
    r.prot = newprot
    check_region(self, r, "after mprotect")
  elseif op <= 82 then
    local r = st.regions[math.random(nr)]
    local first = math.random(0, r.pages - 1)
    local len = math.random(1, r.pages - first)
    self:madvise(r.h, "dontneed", first * P, len * P)
    log("pid %d dontneed 0x%x pages %d..%d", self.pid, r.h.addr, first, first + len - 1)
    if not r.shared and not r.file_shared then
      for pg = first, first + len - 1 do r.vals[pg] = nil end
    end
    check_region(self, r, "after MADV_DONTNEED")
  elseif op <= 86 then
    local r = st.regions[math.random(nr)]
    local adv = ({ "cold", "pageout", "pageout", "pageout", "random", "sequential", "normal",
                  "willneed" })[math.random(8)]
    self:madvise(r.h, adv)
    log("pid %d madvise %s 0x%x", self.pid, adv, r.h.addr)
    check_region(self, r, "after madvise " .. adv)
  elseif op <= 90 and depth < 3 then
    local cs = copy_state(st)
    local c = self:fork("w" .. depth + 1, function(child) worker(child, cs, depth + 1) end)
    log("pid %d fork -> %d", self.pid, c.pid)
    if math.random() < 0.5 then self:wait(c) end
  elseif op <= 94 then
    local b = self:malloc(math.random(1, 300000))
    if b then
      self:touch(b, { len = b.len, value = 9 })
      vm.expect(self:read(b, 0) == 9, "malloc'd memory holds its value")
      self:free(b)
    end
  elseif op <= 96 then
    self:malloc_trim()
  else
    for _, r in ipairs(st.regions) do check_region(self, r, "periodic") end
  end
end

worker = function(self, st, depth)
  local n = math.random(STEPS // 8, STEPS // 4)
  for _ = 1, n do step(self, st, depth) end
  for _, r in ipairs(st.regions) do check_region(self, r, "at exit") end
end

local p = vm.spawn("stress", function(self) writer_pid = self.pid; worker(self, new_state(), 0) end,
                  box and { cgroup = box } or nil)
vm.wait(p)
vm.show("free")
if vm.backend() == "sim" then   -- the machine's counters: on --real the host's
  local v = vm.vmstat()
  print(string.format("swap: %d pages out, %d in; %d steps", v.pswpout, v.pswpin, nsteps))
end
