#!/bin/sh
# tests/fuzz/run.sh SEEDS|--seconds S [FIRST] - the generative scenario
# fuzzer (gen.lua): each seed under ASan+UBSan with --check, and with the
# plain build twice (the same seed must print the same bytes). One line per
# failing seed, then the totals:
#   fuzz: N scenarios, M calls; crashes: C, invariant failures: I,
#   scenario errors: E, nondeterminism: D
# Exit status 1 if any of C, I, E or D is not 0. A seed that fails is kept
# in tests/fuzz/failed/ as a regression scenario to be. FUZZ_OPS (60) is the
# number of calls each process makes.
set -u
cd "$(dirname "$0")/../.." || exit 2
ASAN=build/asan/vmlab
PLAIN=./vmlab
seeds=${1:-100}
first=${2:-1}
until=0
if [ "$seeds" = "--seconds" ]; then
	until=$(( $(date +%s) + ${2:-60} ))
	seeds=1000000000
	first=${3:-1}
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
export ASAN_OPTIONS=exitcode=99:detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
ops=${FUZZ_OPS:-60}
n=0 calls=0 crash=0 inv=0 err=0 nondet=0
s=$first
while [ $n -lt "$seeds" ]; do
	[ "$until" != 0 ] && [ "$(date +%s)" -ge "$until" ] && break
	timeout 120 $ASAN run --check --seed $s tests/fuzz/gen.lua $ops > "$TMP/a.out" 2>&1
	st=$?
	case $st in
	0|1) ;;
	2) err=$((err + 1)); echo "seed $s: scenario error"; sed -n '1,5p' "$TMP/a.out" | grep -v '^ ' ;;
	3) inv=$((inv + 1)); echo "seed $s: invariant violated"; grep 'invariant' "$TMP/a.out" | head -3 ;;
	*) crash=$((crash + 1)); echo "seed $s: crashed (exit $st)"; grep -m5 'ERROR\|runtime error\|SUMMARY' "$TMP/a.out" ;;
	esac
	if [ $st -gt 1 ]; then
		mkdir -p tests/fuzz/failed
		cp "$TMP/a.out" "tests/fuzz/failed/seed-$s.out"
	fi
	c=$(sed -n 's/^fuzz: \([0-9]*\) calls$/\1/p' "$TMP/a.out" | tail -1)
	calls=$((calls + ${c:-0}))
	timeout 120 $PLAIN run --seed $s tests/fuzz/gen.lua $ops > "$TMP/p1.out" 2>&1
	timeout 120 $PLAIN run --seed $s tests/fuzz/gen.lua $ops > "$TMP/p2.out" 2>&1
	if ! cmp -s "$TMP/p1.out" "$TMP/p2.out"; then
		nondet=$((nondet + 1))
		echo "seed $s: two runs differ"
	fi
	n=$((n + 1))
	s=$((s + 1))
done
echo "fuzz: $n scenarios, $calls calls; crashes: $crash, invariant failures: $inv, scenario errors: $err, nondeterminism: $nondet"
[ $((crash + inv + err + nondet)) = 0 ]
