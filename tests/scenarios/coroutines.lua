-- coroutines.lua: a scenario's own coroutines are transparent to the
-- simulator's scheduler (lcoroutine.c): an operation inside one runs to its
-- end across quanta, exit inside one ends the process, and the coroutine's
-- own yields still go to whoever resumes it.
vm.config{ ram = "1G", cpus = 1 }
local function worker(self)
  local m = self:mmap{ len = "40M" }
  -- a long touch (many quanta, another process due in between) inside wrap
  local faults = coroutine.wrap(function() return self:touch(m).minflt end)()
  vm.expect(faults == 10240, "%s: the touch inside coroutine.wrap ran to its end: %d faults", self.name, faults)
  -- resume: user yields come back to us, vmlab's pass through
  local co = coroutine.create(function(a)
    local b = coroutine.yield(a + 1)
    local r = self:touch(m, { op = "read" })
    coroutine.yield(r.pages)
    return b * 2
  end)
  local ok, v = coroutine.resume(co, 1)
  vm.expect(ok and v == 2, "first user yield: %s %s", tostring(ok), tostring(v))
  ok, v = coroutine.resume(co, 21)
  vm.expect(ok and v == 10240, "second user yield, after a read touch: %s %s", tostring(ok), tostring(v))
  ok, v = coroutine.resume(co)
  vm.expect(ok and v == 42 and coroutine.status(co) == "dead", "returned %s", tostring(v))
  ok, v = coroutine.resume(co)
  vm.expect(not ok and v:find("dead coroutine"), "resuming a dead one: %s", tostring(v))
  -- errors inside wrap propagate with their position
  local fine, err = pcall(coroutine.wrap(function() error("boom") end))
  vm.expect(not fine and err:find("coroutines.lua:%d+: boom"), "error through wrap: %s", tostring(err))
  -- exit inside a coroutine ends the process there
  coroutine.wrap(function() self:exit(7) end)()
  vm.expect(false, "%s ran on after exit(7) inside a coroutine", self.name)
end
local a = vm.spawn("a", worker)
local b = vm.spawn("b", worker)
vm.expect(vm.wait(a).code == 7 and vm.wait(b).code == 7, "both exited with 7 from inside a coroutine")
