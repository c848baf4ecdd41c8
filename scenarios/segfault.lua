-- segfault.lua: invalid faults (seed: page-fault-basics.md, "Segmentation
-- fault (core dumped)").
--
-- A nil-pointer dereference and a write to a read-only mapping both raise a
-- page fault that the kernel cannot satisfy: the process gets SIGSEGV and
-- dies with status 139 (128 + 11); si_addr says where. si_code tells the two
-- apart: SEGV_MAPERR (nothing is mapped there) and SEGV_ACCERR (mapped, but
-- not for this access).
--
-- The seed says pgfault counts the failed fault. The kernel says otherwise:
-- x86's do_user_addr_fault() sends SIGSEGV for a missing VMA or a forbidden
-- access before it ever calls handle_mm_fault(), so neither /proc/vmstat's
-- pgfault nor the task's min_flt moves (measured on 6.18: 10,000 such faults
-- left pgfault unchanged). Only perf's page-faults event, counted at the
-- exception's entry, sees them.

vm.config{ ram = "256M" }

local pgfault = vm.vmstat().pgfault
local null = vm.spawn("null", function(self)
  local v = self:read({ addr = 0 }, 0)             -- *(char *)NULL
  vm.expect(false, "a null dereference returned %d instead of killing the process", v)
end)
local st = vm.wait(null)
print(string.format("null: %s by %s, code %d, si_addr 0x%x (%s)", st.status, st.signal, st.code,
      st.addr, st.si_code))
vm.expect(st.signal == "SIGSEGV" and st.code == 139, "null dereference: %s code %d", st.status, st.code)
vm.expect(st.addr == 0 and st.si_code == "SEGV_MAPERR", "si_addr 0x%x %s", st.addr, st.si_code)
vm.expect(vm.vmstat().pgfault == pgfault, "pgfault moved by %d: a fault with no VMA never reaches handle_mm_fault",
          vm.vmstat().pgfault - pgfault)

local ro_addr
local ro = vm.spawn("readonly", function(self)
  local m = self:mmap{ len = "1M", prot = "r" }
  ro_addr = m.addr
  vm.expect(self:read(m, 0) == 0, "reading a read-only mapping works (zero page)")
  local s0 = self:stat()
  vm.expect(s0.minflt == 1 and s0.perf_faults == 1, "the read: 1 fault")
  pgfault = vm.vmstat().pgfault
  self:write(m, 4096, 1)                           -- a store to PROT_READ memory
  vm.expect(false, "the write to a read-only mapping succeeded")
end)
st = vm.wait(ro)
print(string.format("readonly: %s by %s, code %d, si_addr 0x%x (%s)", st.status, st.signal, st.code,
      st.addr, st.si_code))
vm.expect(st.signal == "SIGSEGV" and st.code == 139, "write to read-only: %s code %d", st.status, st.code)
vm.expect(st.addr == ro_addr + 4096 and st.si_code == "SEGV_ACCERR",
          "si_addr 0x%x %s, want 0x%x SEGV_ACCERR", st.addr, st.si_code, ro_addr + 4096)
vm.expect(vm.vmstat().pgfault == pgfault, "pgfault moved by %d for a protection fault",
          vm.vmstat().pgfault - pgfault)
