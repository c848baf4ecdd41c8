-- pages.lua: a helper module for sandbox.lua (require "lib.pages").
local M = {}
function M.of(bytes) return bytes // vm.PAGE end
return M
