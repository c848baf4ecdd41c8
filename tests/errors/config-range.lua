-- expect-exit: 2
-- expect-stderr: config-range.lua:4: vm.config: cpus must be between 1 and 2147483647, got 4294967297
-- (a value that an int cast once turned into 1)
vm.config{ ram = "256M", cpus = 4294967297 }
