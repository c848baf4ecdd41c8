-- expect-exit: 2
-- expect-stderr: swap-size.lua:3: vm.config: swap must be 0 or a whole number of 4K pages
vm.config{ ram = "256M", swap = 4097 }
