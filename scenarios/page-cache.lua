-- page-cache.lua: a file written fills the page cache; unlinking it empties
-- it (seed: virtual-memory-and-swap.md, "buff/cache"; the `free` lesson of
-- memory-monitoring-and-tools.md: `dd if=/dev/zero of=big bs=128k count=8192`,
-- then `rm big`).
--
-- write(2) copies into page-cache folios (128 KiB each: ext4 has large
-- folios) and leaves them dirty; nothing is read, nothing faults. `free`
-- shows buff/cache up by 1 GiB, and `available` nearly where it was: clean
-- or soon-clean file pages are memory the kernel can take back
-- (MemAvailable counts them, less the low watermarks, §3.6). fsync writes
-- them back (Dirty to 0); unlink drops them with the file: buff/cache is
-- back where it started.
--
-- The counts come from the run's own memory cgroup (vm.memstat), which
-- nothing else on the machine moves; `free` on the real kernel is the
-- machine's, so the expectation on `available` is the simulator's alone.
-- 12 GiB of simulated RAM keeps 1 GiB of dirty pages under the background
-- writeback threshold (10% of it), as on the real machine.

vm.config{ ram = "12G" }

local SIZE = 1024 * 1024 * 1024
local f = vm.file{ name = "big" }

vm.spawn("dd", function(self)
  local before, mi0 = vm.memstat(), vm.meminfo()
  vm.show("free")
  local w = self:write_file(f, { len = SIZE, value = 0, tolerance = { ns = "60%" } })
  local after, mi1 = vm.memstat(), vm.meminfo()
  print(string.format("dd: 1 GiB written in %.2f s, %d faults", w.ns / 1e9, w.minflt + w.majflt))
  vm.show("free")
  vm.expect(w.minflt + w.majflt == 0, "write(2) took %d page faults", w.minflt + w.majflt)
  vm.expect(vm.near(after.file - before.file, SIZE, SIZE // 100),
            "the page cache grew by %d MiB, want 1024", (after.file - before.file) >> 20)
  vm.expect(after.file_dirty - before.file_dirty + after.file_writeback - before.file_writeback
            > SIZE // 2, "dirty after the write: %d MiB", after.file_dirty >> 20)
  if vm.backend() == "sim" then
    -- si_mem_available(): the new cache counts, less min(cache / 2, the low watermarks)
    vm.expect(math.abs(mi1.MemAvailable - mi0.MemAvailable) < SIZE // 10240,
              "MemAvailable moved by %d kB, more than a tenth of what was written",
              mi1.MemAvailable - mi0.MemAvailable)
  end

  self:fsync(f, { tolerance = { ns = "80%" } })       -- conv=fsync
  local synced = vm.memstat()
  vm.expect(synced.file_dirty + synced.file_writeback < 4 * 1024 * 1024,
            "after fsync %d kB are dirty", (synced.file_dirty + synced.file_writeback) >> 10)

  vm.unlink(f)                   -- rm big
  local gone = vm.memstat()
  vm.show("free")
  vm.expect(vm.near(gone.file, before.file, 8 * 1024 * 1024),
            "after rm the page cache holds %d MiB, it held %d before", gone.file >> 20,
            before.file >> 20)
end)
