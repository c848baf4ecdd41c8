-- expect-exit: 2
-- expect-stderr: foreign-process.lua:6: touch: process 1001 cannot act on process 1000 (a)
vm.config{ ram = "256M" }
local a
a = vm.spawn("a", function(self) self:sleep("1s") end)
vm.spawn("b", function(self) a:touch({ addr = 0, len = 4096 }) end)
