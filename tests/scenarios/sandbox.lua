-- sandbox.lua: what a scenario's Lua has, and what it has not (lsandbox.c).
local pages = require "lib.pages"
vm.expect(pages.of(8192) == 2, "require finds lib/pages.lua beside the scenario")
vm.expect(require("lib.pages") == pages, "a module loads once")
for _, f in ipairs({ "os.execute", "os.exit", "os.remove", "os.rename", "os.getenv", "io.popen",
                     "io.open", "io.lines", "dofile", "loadfile" }) do
  local lib, name = f:match("^(%a+)%.(%a+)$")
  local fn = lib and _G[lib][name] or _G[f]
  local ok, err = pcall(fn, "x")
  vm.expect(not ok and err:find(f .. " is not available to scenarios", 1, true), "%s: %s", f, tostring(err))
end
for _, f in ipairs({ "traceback", "getinfo" }) do
  local ok, err = pcall(function() return debug[f] end)
  vm.expect(not ok and err:find("debug." .. f .. " is not available", 1, true), "debug.%s: %s", f, tostring(err))
end
local ok, err = pcall(function() return package.loadlib end)
vm.expect(not ok and err:find("package.loadlib is not available", 1, true), "package.loadlib: %s", tostring(err))
local f, msg = load(string.dump(function() return 1 end))
vm.expect(f == nil and msg:find("binary chunk", 1, true), "load refuses binary chunks: %s", tostring(msg))
vm.expect(load("return 6 * 7")() == 42, "load takes text chunks")
vm.expect(type(os.time()) == "number" and type(os.clock()) == "number" and os.date("%Y") ~= nil,
          "os.time, os.clock and os.date stay")
vm.expect(not pcall(require, "../secret"), "require stays beside the scenario")
io.write("io.write stays\n")
