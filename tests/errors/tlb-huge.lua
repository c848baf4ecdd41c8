-- expect-exit: 2
-- expect-stderr: tlb-huge.lua:4: vm.config: tlb_l2 "2000000000x1": at most 65536 entries and 64 ways
-- (an allocation of 32 GB once, and an abort under ASan)
vm.config{ ram = "256M", tlb_l2 = "2000000000x1" }
