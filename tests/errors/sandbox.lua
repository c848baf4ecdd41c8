-- expect-exit: 2
-- expect-stderr: sandbox.lua:4: os.execute is not available to scenarios: a scenario describes a workload, not a shell script (vmlab run --unsafe lifts this)
vm.config{ ram = "256M" }
os.execute("kill -TERM 1")
