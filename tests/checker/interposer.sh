#!/bin/sh
# interposer.sh - a library interposed between the probe and libc (as
# ThreadSanitizer's runtime is) still sees the condition-variable waits
# the probe passes on: the probe calls the next definition, and asks libc
# for its 2.3.2 version only when libc is next.  Skipped in sanitizer
# builds, where the probe is linked into the program, not preloaded.
set -u
build=$(pwd)
. "$build/tests/checker/cases.env"
case "$SANITIZE" in *yes*) exit 77 ;; esac
src=$top_srcdir/tests/checker/interposer
probe=$top_builddir/.libs/libasynclab-probe.so
lib=$top_builddir/.libs
work=$(mktemp -d "${TMPDIR:-/tmp}/axinterp.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
$CC -shared -fPIC -o "$work/condwait.so" "$src/condwait.c" -ldl || exit 99
$CC -g -std=gnu11 -I"$top_srcdir/include" "$src/waits.c" -o "$work/waits" \
	-L"$lib" -lasynclab -Wl,-rpath,"$lib" -pthread || exit 99
status=0
ASYNCLAB_PROBE_FD=3 LD_PRELOAD="$probe $work/condwait.so" "$work/waits" \
	3>"$work/events" 2>"$work/err" || status=$?
if [ $status -ne 0 ]; then
	echo "FAIL: the program exited with status $status"; cat "$work/err"; exit 1
fi
if ! grep -q 'interposer: pthread_cond_timedwait' "$work/err"; then
	echo "FAIL: the interposed pthread_cond_timedwait was skipped (the probe called libc's directly)"
	exit 1
fi
if ! grep -q 'blocking-call' "$work/events"; then
	echo "FAIL: the probe did not report the wait as a blocking call"; cat "$work/events"; exit 1
fi
echo "PASS: an interposer after the probe sees the wait, and the probe reports it"
