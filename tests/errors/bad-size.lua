-- expect-exit: 2
-- expect-stderr: bad-size.lua:3: vm.config ram: "lots" is not a size
vm.config{ ram = "lots" }
