-- expect-exit: 2
-- expect-stderr: no-swap-yet.lua:3: vm.config: swap is not modelled yet
vm.config{ ram = "256M", swap = "1G" }
