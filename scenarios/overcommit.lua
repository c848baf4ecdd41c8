-- overcommit.lua: "malloc's lie" taken to its end (seed:
-- page-fault-and-memory-management.md, demand paging: mmap promises, the
-- fault delivers; mm/util.c __vm_enough_memory, Documentation/mm/
-- overcommit-accounting.rst).
--
--   vmlab run scenarios/overcommit.lua [0|1|2]     (vm.overcommit_memory)
--
-- Three requests, each a private writable mapping, so each is charged to
-- Committed_AS:
--   1. twice RAM + swap at once: refused by the heuristic (0) and by
--      strict accounting (2), granted by "always" (1);
--   2. as much as CommitLimit (RAM x overcommit_ratio% + swap): granted by
--      0 and 1, refused by 2, which keeps Committed_AS under that line;
--   3. 128 MiB inside a 64 MiB memory cgroup: every mode grants it (it is
--      under both lines), and the promise fails only when the pages are
--      written: the memcg OOM killer ends the process at touch time.
-- The real kernel runs with the host's sysctl (0 on a default install;
-- vmlab never changes it): modes 1 and 2 are the simulator's to show.

local mode = tonumber(arg[1])
if mode then
  if vm.backend() == "real" then
    error("overcommit.lua " .. arg[1] .. ": the real kernel keeps the host's "
          .. "vm.overcommit_memory (vmlab does not change it): run modes 1 and 2 on the simulator")
  end
  vm.config{ overcommit = mode }
end
mode = mode or 0

local MiB = 1024 * 1024
local g = vm.cgroup{ name = "lie", max = 64 * MiB, swappiness = 0 }
local info = vm.meminfo()
-- twice RAM + swap: still beyond it if a neighbour turns on a swap file
-- between this reading and the mmap (SwapTotal is the machine's)
local beyond = 2 * (info.MemTotal + info.SwapTotal) * 1024
local limit = info.CommitLimit * 1024

local p = vm.spawn("liar", function(self)
  local a, err = self:mmap{ len = beyond }
  print(string.format("overcommit %d: mmap of twice RAM + swap: %s", mode, a and "granted" or err))
  vm.expect((a ~= nil) == (mode == 1), "mmap beyond RAM + swap: %s under overcommit %d",
            a and "granted" or err, mode)
  if a then self:munmap(a) end

  local b
  b, err = self:mmap{ len = limit }
  print(string.format("overcommit %d: mmap of CommitLimit (%d MiB): %s", mode, limit // MiB,
        b and "granted" or err))
  vm.expect((b ~= nil) == (mode ~= 2), "mmap of CommitLimit: %s under overcommit %d",
            b and "granted" or err, mode)
  if b then self:munmap(b) end

  local c = self:mmap{ len = 128 * MiB }
  print("128 MiB granted in a 64 MiB group; now writing it")
  self:touch(c, { op = "write" })
  print("liar: all of it was written (it should not have been)")
end, { cgroup = g })

local st = vm.wait(p)
print(string.format("liar: %s by %s", st.status, st.signal or "-"))
vm.expect(st.signal == "SIGKILL", "the promise should end in the OOM killer: %s", st.status)
vm.show("dmesg")
