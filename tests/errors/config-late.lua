-- expect-exit: 2
-- expect-stderr: config-late.lua:5: vm.config: the machine is already running
vm.config{ ram = "256M" }
vm.show("free")
vm.config{ cpus = 4 }
