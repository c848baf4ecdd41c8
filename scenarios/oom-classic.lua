-- oom-classic.lua: the textbook OOM score and today's, on the same processes
-- (seed: oom-killer-and-optimization.md, "calculate_oom_score":
-- total_vm, run time, root; reference/linux-mm.md §2.1 and §2.4).
--
-- In a 128 MiB group (swappiness 0) three processes:
--   * mapper, uid 1000: maps 1 GiB (MAP_NORESERVE) and uses 8 MiB of it;
--   * db, root: 72 MiB written, the most resident memory;
--   * grower, uid 1000: writes 100 MiB, more than is left.
-- The classic badness() (<= 2.6.35, vm.config{ oom = "classic" }) starts
-- from the virtual size and divides root's by 16: the mapper's 262,144
-- pages of address space make it the victim, although it holds the least;
-- the grower, still short, goes next; the db lives. Today's oom_badness()
-- counts what is resident (RSS + swap + page tables) and gives root no
-- bonus: it kills the db, and the other two then fit. vm.show("oom", g)
-- prints the classic terms with today's choice beside them (+).
--
-- On the real kernel (modern, whatever vm.config says) the db dies.

vm.config{ oom = "classic" }

local MiB = 1024 * 1024
local g = vm.cgroup{ name = "classic", max = 128 * MiB, swappiness = 0 }
local classic = vm.backend() == "sim"

local function holder(name, uid, fn)
  local p = vm.spawn(name, function(self)
    fn(self)
    self:ready()
    self:pause()
  end, { uid = uid, cgroup = g })
  vm.wait_ready(p)
  return p
end

local mapper = holder("mapper", 1000, function(self)
  local m = self:mmap{ len = 1024 * MiB, noreserve = true }
  self:touch(m, { len = 8 * MiB, op = "write" })
end)
local db = holder("db", 0, function(self)
  self:touch(self:mmap{ len = 72 * MiB }, { op = "write" })
end)
vm.show("oom", g)

local grower = vm.spawn("grower", function(self)
  self:touch(self:mmap{ len = 100 * MiB }, { op = "write" })
end, { uid = 1000, cgroup = g })

local gs = vm.wait(grower)
local function gone(p)
  local alive = vm.kill(p, "SIGTERM")
  local st = vm.wait(p)
  return not alive or st.signal == "SIGKILL", st
end
local mapper_killed = gone(mapper)
local db_killed = gone(db)
print(string.format("killed: mapper %s, db %s, grower %s", tostring(mapper_killed),
      tostring(db_killed), tostring(gs.signal == "SIGKILL")))
if classic then
  vm.expect(mapper_killed, "classic badness(): the mapper's 1 GiB of address space should be chosen")
  vm.expect(gs.signal == "SIGKILL", "classic badness(): the grower should go next")
  vm.expect(not db_killed, "classic badness(): root's points are divided by 16: the db lives")
else
  vm.expect(db_killed, "oom_badness(): the db holds the most and should be chosen")
  vm.expect(not mapper_killed, "oom_badness(): the mapper holds 8 MiB: no victim")
  vm.expect(gs.status == "exited", "oom_badness(): the grower fits once the db is gone: %s",
            gs.status)
end
vm.show("dmesg")
