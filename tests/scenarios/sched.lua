-- sched.lua: processes interleave in simulated time.
vm.config{ ram = "1G", cpus = 1 }
local order = {}
local function worker(name)
  return function(self)
    local m = self:mmap{ len = "16M" }
    for i = 1, 4 do
      self:touch(m, { off = (i - 1) * 4 * 1024 * 1024, len = "4M", value = i })
      table.insert(order, name)
    end
  end
end
local a = vm.spawn("a", worker("a"))
local b = vm.spawn("b", worker("b"))
vm.wait(a)
vm.wait(b)
-- on one CPU, 4 MiB writes (1024 faults, 2.6 ms) take turns by quantum
local s = table.concat(order)
vm.expect(s == "abababab", "the two processes alternate: %s", s)

local server = vm.spawn("server", function(self)
  local m = self:mmap{ len = "1M", shared = true }
  self:touch(m, { value = 42 })
  self:ready()
  self:sleep("10ms")
end)
local client = vm.spawn("client", function(self)
  vm.expect(vm.wait_ready(server), "the server became ready")
end)
vm.wait(client)
vm.wait(server)
