-- expect-exit: 2
-- expect-stderr: deadlock.lua:5: vm.wait(sleeper): process 1000 can never end
vm.config{ ram = "256M" }
local p = vm.spawn("sleeper", function(self) self:pause() end)
vm.wait(p)
