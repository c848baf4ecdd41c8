-- lua-hog.lua: a scenario whose own Lua tables grow without end; --lua-mem
-- must stop it with a message that names the limit.
local t = {}
for i = 1, 1e12 do t[i] = string.rep("x", 100) .. i end
