-- oom.lua: who will die? (seed: oom-killer-and-optimization.md, "OOM Score
-- 계산: 사형수 선정 기준"; reference/linux-mm.md §2).
--
-- Four processes share a 256 MiB memory cgroup (swappiness 0: nothing goes
-- to swap, so what does not fit must be killed): sshd, shielded with
-- oom_score_adj -1000, holding the most; a server; a backup job at +500;
-- a browser that keeps growing. When the group is full the kernel's memcg
-- OOM killer (CONSTRAINT_MEMCG) scores each process as oom_badness() does:
-- its RSS + swap entries + page-table pages + oom_score_adj x totalpages /
-- 1000 (totalpages: the group's 65,536 pages). +500 adds 32,768 points: the
-- backup, the smallest, dies first. The browser grows on and, the largest
-- left, dies next. sshd, larger than both, is no candidate at all.
--
-- vm.show("oom", g) prints the candidates term by term before the first
-- kill, marking the kernel's choice; vm.show("dmesg") the kernel's lines for
-- each kill (on --real, read from /dev/kmsg).

local MiB = 1024 * 1024
local g = vm.cgroup{ name = "oom", max = 256 * MiB, swappiness = 0 }

local function holder(name, adj, size)
  local p = vm.spawn(name, function(self)
    self:touch(self:mmap{ len = size }, { op = "write" })
    self:ready()
    self:pause()                 -- until a signal ends it
  end, { oom_score_adj = adj, cgroup = g })
  vm.wait_ready(p)
  return p
end

local sshd = holder("sshd", -1000, 96 * MiB)
local server = holder("server", 0, 48 * MiB)
local backup = holder("backup", 500, 16 * MiB)
vm.show("oom", g)
vm.show("oom_score")

local browser = vm.spawn("browser", function(self)
  -- more than the group has left: the OOM killer must act, twice
  self:touch(self:mmap{ len = 160 * MiB }, { op = "write" })
  print("browser: all of it fits (it should not have)")
end, { cgroup = g })

local b = vm.wait(browser)
local k = vm.wait(backup)
print(string.format("backup: %s by %s; browser: %s by %s", k.status, k.signal or "-", b.status,
      b.signal or "-"))
vm.expect(k.signal == "SIGKILL", "the backup (+500) was not killed: %s", k.status)
vm.expect(b.signal == "SIGKILL", "the browser was not killed: %s", b.status)
vm.show("dmesg")
local s = vm.memstat(g)
vm.expect(s.oom_kill == 2, "the group's OOM kills (memory.events oom_kill): %d, want 2",
          s.oom_kill)

for _, p in ipairs{ sshd, server } do
  vm.expect(vm.kill(p, "SIGTERM"), "%s died before its time", p.name)
  local st = vm.wait(p)
  vm.expect(st.signal == "SIGTERM", "%s: %s by %s", p.name, st.status, st.signal or "-")
end
