#!/bin/sh
# tests/fuzz/fuzz.sh SECONDS - `make fuzz`: the generative scenario fuzzer
# (run.sh, two workers) for SECONDS, then each libFuzzer target (fuzz_*.c,
# built with clang by make) for a share of SECONDS over its corpus in
# build/fuzz/corpus/NAME. A crash a target finds is kept by libFuzzer as
# build/fuzz/crash-*; make it a regression test. Exit status 1 on anything found.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
half=$((secs / 2))
rc=0
tests/fuzz/run.sh --seconds "$half" 1 > build/fuzz/gen1.out 2>&1 &
w1=$!
tests/fuzz/run.sh --seconds "$half" 1000001 > build/fuzz/gen2.out 2>&1 || rc=1
wait $w1 || rc=1
cat build/fuzz/gen1.out build/fuzz/gen2.out
targets=$(ls build/fuzz/fuzz_* 2> /dev/null | grep -v '\.')
if [ -z "$targets" ]; then
	echo "fuzz: no libFuzzer targets (they need clang: apt-get install clang)"
	exit $rc
fi
each=$(( (secs - half) / $(echo "$targets" | wc -w) ))
[ "$each" -lt 1 ] && each=1
for t in $targets; do
	name=$(basename "$t")
	mkdir -p "build/fuzz/corpus/$name"
	if "$t" -max_total_time="$each" -close_fd_mask=3 -artifact_prefix=build/fuzz/ \
		"build/fuzz/corpus/$name" $([ -d "tests/fuzz/corpus/$name" ] && echo "tests/fuzz/corpus/$name") \
		> "build/fuzz/$name.log" 2>&1; then
		echo "fuzz: $name: $(grep -o 'Done [0-9]* runs' "build/fuzz/$name.log" | tail -1), no crash"
	else
		echo "fuzz: $name: FOUND A CRASH (build/fuzz/$name.log)"
		rc=1
	fi
done
exit $rc
