-- expect-exit: 2
-- expect-stderr: expect-format.lua:4: vm.expect: its message: bad argument #2 to 'string.format' (number expected, got string)
vm.config{ ram = "256M" }
vm.expect(false, "%d", "x")
