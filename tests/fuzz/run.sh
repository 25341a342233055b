#!/bin/sh
# Runs each libFuzzer target for SECONDS: first every seed in
# tests/fuzz/corpus/TARGET (crash inputs found earlier live there as
# regression tests), then new inputs, which go to OUTDIR/TARGET.
# Prints "fuzz TARGET: 1 passed, 0 failed" per target with its figures;
# exit status 1 if any target found a crash or an invariant failure.
# usage: run.sh SECONDS OUTDIR TARGET...
secs=$1 out=$2; shift 2
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	mkdir -p "$out/$name" "$out/artifacts" || exit 1
	log="$out/$name.log"
	# The logger is silenced in the targets; -close_fd_mask=1 also
	# drops anything written to stdout.
	nice -n 19 "$bin" -max_total_time="$secs" -print_final_stats=1 \
	    -close_fd_mask=1 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$out/artifacts/$name-" \
	    "$out/$name" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | \
	    sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $name: 1 passed, 0 failed ($secs s, ${execs:-?} execs, ${cov:-?})"
	else
		tail -n 60 "$log"
		echo "fuzz $name: 0 passed, 1 failed (log $log)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
