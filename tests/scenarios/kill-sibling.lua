-- kill-sibling.lua: vm.kill from inside a process, of a sibling (through a
-- pidfd on the real kernel: never a bare pid that a reaped process left).
vm.config{ ram = "256M" }
local p = vm.spawn("vmlab-parent", function(self)
  local gone = self:fork("vmlab-gone", function(c) c:exit(3) end)
  vm.expect(self:wait(gone).code == 3, "the first child exited with 3")
  local victim = self:fork("vmlab-victim", function(c) c:ready(); c:pause() end)
  vm.wait_ready(victim)
  local killer = self:fork("vmlab-killer", function(c)
    vm.expect(vm.kill(gone, "SIGKILL") == false, "a reaped sibling cannot be signalled")
    vm.expect(vm.kill(victim, "SIGTERM") == true, "a live sibling can")
  end)
  self:wait(killer)
  local st = self:wait(victim)
  vm.expect(st.signal == "SIGTERM" and st.code == 143, "the sibling died of SIGTERM: %s %d",
            tostring(st.signal), st.code)
end)
vm.wait(p)
