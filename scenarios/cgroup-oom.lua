-- cgroup-oom.lua: an OOM inside a memory cgroup kills only there (seed:
-- oom-killer-and-optimization.md, "메모리 제한 설정 (cgroup v2)";
-- reference/linux-mm.md §2.2, §2.3).
--
-- A bystander outside the group holds more memory than anything in it.
-- Inside a 64 MiB group (swappiness 0: no way out through swap) a worker
-- keeps 24 MiB and a leaker grows past the limit. The group's reclaim finds
-- nothing it may take, so the memcg OOM killer runs (CONSTRAINT_MEMCG): it
-- weighs only the group's tasks, over the group's 16,384 pages, and kills
-- the leaker, the larger. The bystander, four times as large, is no
-- candidate; the worker lives on. memory.events counts one oom_kill, and the
-- kernel's lines name the group (oom_memcg=, task_memcg=).

local MiB = 1024 * 1024
local box = vm.cgroup{ name = "box", max = 64 * MiB, swappiness = 0 }

local bystander = vm.spawn("bystander", function(self)
  self:touch(self:mmap{ len = 96 * MiB }, { op = "write" })
  self:ready()
  self:pause()
end)
vm.wait_ready(bystander)

local worker = vm.spawn("worker", function(self)
  self:touch(self:mmap{ len = 24 * MiB }, { op = "write" })
  self:ready()
  self:pause()
end, { cgroup = box })
vm.wait_ready(worker)

local leaker = vm.spawn("leaker", function(self)
  self:touch(self:mmap{ len = 64 * MiB }, { op = "write" })
  print("leaker: 64 MiB fit in a 64 MiB group beside 24 MiB (it should not have)")
end, { cgroup = box })

local st = vm.wait(leaker)
print(string.format("leaker: %s by %s", st.status, st.signal or "-"))
vm.expect(st.signal == "SIGKILL", "the leaker was not OOM-killed: %s", st.status)
local s = vm.memstat(box)
vm.expect(s.oom_kill == 1, "the group's OOM kills (memory.events oom_kill): %d, want 1",
          s.oom_kill)
vm.show("dmesg")

for _, p in ipairs{ bystander, worker } do
  vm.expect(vm.kill(p, "SIGTERM"), "%s did not live through the group's OOM", p.name)
  local w = vm.wait(p)
  vm.expect(w.signal == "SIGTERM", "%s: %s by %s", p.name, w.status, w.signal or "-")
end
