#!/bin/sh
# workers.sh - the runtime suites again on runtimes with 2 and with 4
# worker threads (AX_TEST_WORKERS, read by tests/testutil.h's test_rt).
# Those runtimes use the virtual clock, on which the workers take turns
# on one queue: each suite must pass exactly as with one worker, while
# its tasks move between threads.  (Workers side by side on the real
# clock are tests/runtime/check_mt's.)  Run from the build directory.
set -u
fail=0
n=0
for w in 2 4; do
	for t in tests/runtime/check_*; do
		case "$t" in
		*.o | *.log | *.trs | *.c) continue ;;
		esac
		[ -f "$t" ] && [ -x "$t" ] || continue
		n=$((n + 1))
		if ! out=$(AX_TEST_WORKERS=$w "$t" 2>&1); then
			echo "FAIL: $t with $w workers:"
			echo "$out" | grep -v '^Running suite'
			fail=1
		fi
	done
done
if [ "$n" -eq 0 ]; then
	echo "workers.sh: no suite found under tests/runtime (run from the build directory)"
	exit 99
fi
echo "workers.sh: $n suite runs"
exit $fail
