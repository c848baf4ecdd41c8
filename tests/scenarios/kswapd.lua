-- kswapd.lua: the whole machine runs short (the simulated one: a real
-- machine's global reclaim is not provoked by a test on a shared host).
--
-- 256 MiB of RAM, 1 GiB of swap, a process writing 384 MiB. Once free
-- memory falls below a zone's low watermark, the allocation wakes kswapd
-- (a kernel thread on the other CPU) and goes on; kswapd reclaims until
-- every zone is above high again (pageoutrun, pgscan_kswapd). When the
-- writer outruns it and a zone falls below min, the writer reclaims
-- itself (direct reclaim: allocstall, pgscan_direct) and waits in it.
-- vmstat's si/so show the traffic. A second process with no memory
-- pressure of its own is slowed as well: every page it faults in has to
-- be reclaimed from someone.

vm.config{ ram = "256M", swap = "1G" }

local function wmark_sum(which)   -- over the zones (256 MiB: DMA and DMA32)
  local n = 0
  for _, z in pairs(vm.zoneinfo()) do n = n + z[which] end
  return n
end

local w = vm.spawn("writer", function(self)
  local m = self:mmap{ len = "384M" }
  local before = vm.vmstat()
  local r = self:touch(m, { op = "write", value = 9 })
  local v = vm.vmstat()
  local d = function(k) return v[k] - before[k] end
  print(string.format("wrote 384 MiB into 256 MiB: %.2f s (%.1f us a page)", r.ns / 1e9,
        r.ns / 1e3 / r.minflt))
  print(string.format("kswapd: %d runs, %d scanned, %d reclaimed", d("pageoutrun"),
        d("pgscan_kswapd"), d("pgsteal_kswapd")))
  print(string.format("direct: %d stalls, %d scanned, %d reclaimed", d("allocstall_movable"),
        d("pgscan_direct"), d("pgsteal_direct")))
  print(string.format("so: %d pages written to swap", d("pswpout")))
  vm.expect(d("pageoutrun") > 0 and d("pgsteal_kswapd") > 0, "kswapd never reclaimed")
  vm.expect(d("allocstall_movable") > 0 and d("pgsteal_direct") > 0,
            "the writer never reclaimed directly")
  vm.expect(d("pgsteal_anon") == d("pgsteal_kswapd") + d("pgsteal_direct"),
            "pgsteal by type %d, by reclaimer %d", d("pgsteal_anon"),
            d("pgsteal_kswapd") + d("pgsteal_direct"))
  vm.expect(d("pswpout") >= 128 * 256, "only %d pages went to swap", d("pswpout"))
  local u = vm.usage()
  vm.expect(u.swap_kb >= 128 * 1024, "VmSwap %d kB", u.swap_kb)
  -- free memory ends above min: reclaim kept the reserve
  local free = vm.meminfo().MemFree // 4
  vm.expect(free >= wmark_sum("min"), "MemFree %d pages under the min watermarks", free)
  vm.show("vmstat")
  r = self:touch(m, { op = "read" })
  print(string.format("read back: %d major, %d minor, %.2f s", r.majflt, r.minflt, r.ns / 1e9))
  vm.expect(r.majflt > 0, "no major fault reading back")
end)
vm.wait(w)
