-- expect-exit: 1
-- expect-stderr: failed-expect.lua:4: expectation failed: two is 2, not 3
vm.config{ ram = "256M" }
vm.expect(1 + 1 == 3, "two is %d, not 3", 1 + 1)
vm.expect(true, "this one holds")
