-- signals.lua: each signal's default action, the same on both kernels
-- (signal(7)): ignored ones change nothing, the others end the process,
-- announced as bash announces a foreground job; no core is written
-- (RLIMIT_CORE is 0 on both), and stop signals are refused.
vm.config{ ram = "256M" }
local function sleeper(self) self:ready(); self:pause() end

local p = vm.spawn("vmlab-sig", sleeper)
vm.wait_ready(p)
for _, sig in ipairs({ "SIGCHLD", "SIGURG", "SIGWINCH", "SIGCONT" }) do
  vm.expect(vm.kill(p, sig) == true, "%s is delivered", sig)
end
local ok, err = pcall(vm.kill, p, "SIGSTOP")
vm.expect(not ok and err:find("does not model stopped processes", 1, true), "SIGSTOP: %s", tostring(err))
vm.expect(vm.kill(p, "SIGUSR1") == true, "SIGUSR1 is delivered")
local st = vm.wait(p)
vm.expect(st.status == "signaled" and st.signal == "SIGUSR1" and st.code == 138,
          "SIGUSR1 ends it: %s %s %d", st.status, tostring(st.signal), st.code)

local q = vm.spawn("vmlab-sig", sleeper)
vm.wait_ready(q)
vm.kill(q, "SIGQUIT")
st = vm.wait(q)
vm.expect(st.signal == "SIGQUIT" and st.code == 131 and st.core_dumped == false,
          "SIGQUIT ends it without a core: code %d, core_dumped %s", st.code, tostring(st.core_dumped))
vm.expect(vm.kill(q, "SIGTERM") == false, "a reaped process cannot be signalled")
