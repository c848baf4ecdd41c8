-- expect-exit: 2
-- expect-stderr: error-table.lua:5: (error object is a table value)
vm.config{ ram = "256M" }
local p = vm.spawn("t", function(self)
  error({ code = 1 })
end)
vm.wait(p)
