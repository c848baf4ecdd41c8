-- expect-exit: 2
-- expect-stderr: syntax.lua:4: unexpected symbol
vm.config{ ram = "256M" }
local x = = 1
