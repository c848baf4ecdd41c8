#!/bin/sh
# tests/run.sh - every test of vmlab, run by `make test` (after the builds).
#
#   - C unit tests (cmocka, TAP output), built plain and with ASan+UBSan;
#   - every scenario (scenarios/, tests/scenarios/) with --check, plain and
#     with ASan+UBSan; the randomized stress scenario over several seeds;
#   - scenarios that must fail: exit status and file:line message;
#   - the command line, --json (and that a failed run writes nothing),
#     --events, --costs, determinism (same seed, same bytes);
#   - the views against the real procps free(1), shown the simulator's
#     /proc/meminfo through a bind mount (root only: said so when skipped);
#   - a valgrind memcheck pass.
# The last line is "N passed, N failed"; the exit status is 1 if any failed.
set -u
cd "$(dirname "$0")/.." || exit 2
VMLAB=./vmlab
ASAN=build/asan/vmlab
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
ko() {
	fail=$((fail + 1))
	printf 'FAIL %s\n' "$1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then sed -n '1,30p' "$2" | sed 's/^/     | /'; fi
}
skipped() { skip=$((skip + 1)); printf 'skip %s (%s)\n' "$1" "$2"; }

# ---- unit tests ----
for bin in build/unit/test_* build/asan/unit/test_*; do
	[ -x "$bin" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" > "$TMP/unit.out" 2>&1
	status=$?
	n=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) n=$((n + 1)); ok "$bin: ${line#ok * - }" ;;
		"not ok "*) n=$((n + 1)); ko "$bin: ${line#not ok * - }" "$TMP/unit.out" ;;
		esac
	done < "$TMP/unit.out"
	if [ "$n" = 0 ] || { [ "$status" != 0 ] && ! grep -q '^not ok' "$TMP/unit.out"; }; then
		ko "$bin (crashed or printed no results, status $status)" "$TMP/unit.out"
	fi
done

# ---- scenarios: every one must pass, with the invariant checker on ----
run_scenario() {	# binary, file, label
	if "$1" run --check "$2" > "$TMP/sc.out" 2>&1; then
		ok "$3"
	else
		ko "$3 (exit $?)" "$TMP/sc.out"
	fi
}
for f in scenarios/*.lua tests/scenarios/*.lua; do
	case "$f" in *stress.lua) continue ;; esac
	run_scenario "$VMLAB" "$f" "scenario $f"
	run_scenario "$ASAN" "$f" "scenario $f (asan+ubsan)"
done
for seed in 1 2 3 4 5; do
	if $VMLAB run --check --seed $seed tests/scenarios/stress.lua 300 > "$TMP/st.out" 2>&1; then
		ok "stress, seed $seed, invariants after every operation"
	else
		ko "stress, seed $seed" "$TMP/st.out"
	fi
done
if $ASAN run --check --seed 11 tests/scenarios/stress.lua 200 > "$TMP/st.out" 2>&1; then
	ok "stress, seed 11 (asan+ubsan)"
else
	ko "stress, seed 11 (asan+ubsan)" "$TMP/st.out"
fi

# ---- scenarios that must fail, with the right status and message ----
for f in tests/errors/*.lua; do
	want_exit=$(sed -n 's/^-- expect-exit: *//p' "$f")
	want_err=$(sed -n 's/^-- expect-stderr: *//p' "$f")
	$VMLAB run "$f" > "$TMP/err.out" 2> "$TMP/err.err"
	got=$?
	if [ "$got" = "$want_exit" ] && grep -qF -- "$want_err" "$TMP/err.err"; then
		ok "error case $f"
	else
		printf 'exit %s (want %s); want stderr to contain: %s\n' "$got" "$want_exit" "$want_err" > "$TMP/why"
		cat "$TMP/err.err" >> "$TMP/why"
		ko "error case $f" "$TMP/why"
	fi
done

# ---- the command line ----
expect_status() {	# label, want, command...
	label=$1 want=$2
	shift 2
	"$@" > "$TMP/cli.out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then ok "$label"; else ko "$label (exit $got, want $want)" "$TMP/cli.out"; fi
}
expect_status "cli: no command is a usage error" 2 $VMLAB
expect_status "cli: run without a scenario" 2 $VMLAB run
expect_status "cli: unknown option" 2 $VMLAB run --bogus scenarios/demo.lua
expect_status "cli: missing scenario file" 2 $VMLAB run no/such/file.lua
expect_status "cli: --seed needs a number" 2 $VMLAB run --seed x scenarios/demo.lua
expect_status "cli: help" 0 $VMLAB help
expect_status "cli: help api" 0 $VMLAB help api
expect_status "cli: help of an unknown topic" 2 $VMLAB help nope
expect_status "cli: version" 0 $VMLAB version
printf 'print(arg[1], ...)\n' > "$TMP/args.lua"
if [ "$($VMLAB run "$TMP/args.lua" a b 2>&1)" = "$(printf 'a\ta\tb')" ]; then
	ok "cli: scenario arguments reach arg and ..."
else
	ko "cli: scenario arguments"
fi

# ---- --json: complete, deterministic, never half-written ----
if $VMLAB run --json "$TMP/a.json" scenarios/cow.lua > "$TMP/a.out" 2>&1 &&
   $VMLAB run --json "$TMP/b.json" scenarios/cow.lua > "$TMP/b.out" 2>&1 &&
   cmp -s "$TMP/a.json" "$TMP/b.json" && cmp -s "$TMP/a.out" "$TMP/b.out"; then
	ok "determinism: same scenario and seed, same bytes (stdout and --json)"
else
	ko "determinism" "$TMP/a.out"
fi
if command -v python3 > /dev/null 2>&1; then
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["expectations"]["failed"]==0 and any(r["kind"]=="op" for r in d["records"])' "$TMP/a.json"; then
		ok "--json is valid JSON with the operations in it"
	else
		ko "--json is not valid JSON" "$TMP/a.json"
	fi
else
	skipped "--json validity" "no python3 to parse it"
fi
$VMLAB run --seed 2 scenarios/cow.lua > "$TMP/c.out" 2>&1
if ! cmp -s "$TMP/a.out" "$TMP/c.out"; then ok "determinism: another --seed, another layout"; else ko "--seed changes nothing"; fi
$VMLAB run --json "$TMP/bad.json" tests/errors/unknown-option.lua > /dev/null 2>&1
if [ ! -e "$TMP/bad.json" ] && [ -z "$(ls "$TMP" | grep 'bad.json.tmp')" ]; then
	ok "--json: a failed run leaves no file behind"
else
	ko "--json: a failed run left a file"
fi
n=$($VMLAB run --events scenarios/minor-fault.lua 2>&1 | grep -c 'fault 0x.* write anon: new page')
if [ "$n" = 25600 ]; then ok "--events: one line per fault (25600)"; else ko "--events printed $n fault lines, want 25600"; fi
printf 'anon_alloc = 3670  # 2 us more\nfault_trap=850\n' > "$TMP/slow.cost"
t=$($VMLAB run --costs "$TMP/slow.cost" scenarios/minor-fault.lua 2>&1 | sed -n 's/.*(\(.*\) us\/fault).*/\1/p')
if [ "$t" = "4.58" ]; then ok "--costs: a profile changes the simulated time (4.58 us/fault)"; else ko "--costs: got '$t' us/fault, want 4.58"; fi
printf 'anon_alloc = fast\n' > "$TMP/bad.cost"
expect_status "--costs: a bad profile is an error" 2 $VMLAB run --costs "$TMP/bad.cost" scenarios/demo.lua
if grep -q "^vmlab run: .*bad.cost:1: 'anon_alloc' needs a number of nanoseconds" "$TMP/cli.out"; then ok "--costs: the error names file:line"; else ko "--costs error message" "$TMP/cli.out"; fi

# ---- the views against the real free(1) ----
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && command -v free > /dev/null &&
   unshare -m true 2> /dev/null; then
	$VMLAB run tests/fidelity/free.lua > "$TMP/fid.out" 2>&1
	awk -v dir="$TMP" '/^== .* ==$/ { name = substr($0, 4, length($0) - 6); gsub(/[ -]/, "_", name); next }
		{ print > (dir "/fid_" name) }' "$TMP/fid.out"
	for v in "free" "free -w" "free -h" "free -m" "free -b -t" "free --si -h"; do
		f=$(printf '%s' "$v" | tr ' -' '__')
		unshare -m sh -c "mount --bind '$TMP/fid_meminfo' /proc/meminfo && $v" > "$TMP/real_$f" 2>&1
		if cmp -s "$TMP/fid_$f" "$TMP/real_$f"; then
			ok "view '$v' is byte-identical to procps $v on the same /proc/meminfo"
		else
			diff "$TMP/fid_$f" "$TMP/real_$f" > "$TMP/why" 2>&1
			ko "view '$v' differs from the real $v" "$TMP/why"
		fi
	done
else
	skipped "views against the real free(1)" "needs root, unshare and procps"
fi

# ---- valgrind ----
if command -v valgrind > /dev/null; then
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		$VMLAB run --check tests/scenarios/views.lua > "$TMP/vg.out" 2>&1; then
		ok "valgrind memcheck: no errors, no leaks (tests/scenarios/views.lua)"
	else
		ko "valgrind memcheck" "$TMP/vg.out"
	fi
else
	skipped "valgrind" "valgrind is not installed"
fi

[ "$skip" -gt 0 ] && printf '%d skipped\n' "$skip"
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
