#!/bin/sh
# Runs the unit tests (cmocka, under ASan and UBSan), a short run of each
# libFuzzer target, make lint and the integration tests (Python, against the
# sanitizer build of the real server), then
# prints one closing line: "N passed, M failed". Exit status 1 on failure.
san=$1; shift
passed=0 failed=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
	: "${p:=0}" "${f:=0}"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crash, leak
	if [ "$f" -ne 0 ]; then cat "$log"; fi
	echo "unit $(basename "$t"): $p passed, $f failed"
	passed=$((passed + p)) failed=$((failed + f))
done

# libFuzzer smoke runs, about 10 s each (make fuzz-build made them beside
# the sanitizer build); each target counts as one test.
top=$(dirname "$san")
for t in "$top"/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	if sh tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-10}" "$top/fuzz-corpus" \
	    "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

# Static analysis (make lint: cppcheck and clang-tidy) counts as one test,
# so a new finding fails the suite instead of waiting for someone to look.
if ${MAKE:-make} --no-print-directory lint-check >"$log" 2>&1; then
	passed=$((passed + 1))
	echo "lint: passed"
else
	cat "$log"
	failed=$((failed + 1))
	echo "lint: failed"
fi

GEMSERV="$san/gemserv" python3 tests/integration/run.py >"$log" 2>&1
rc=$?
cat "$log"
line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
p=$(echo "$line" | sed -n 's/^integration: \([0-9]*\) passed.*/\1/p')
f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
: "${p:=0}" "${f:=0}"
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
passed=$((passed + p)) failed=$((failed + f))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
