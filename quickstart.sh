#!/bin/sh
# quickstart.sh - set up asynclab on a Debian 12 machine and start the lab
# (`./quickstart.sh`) or run every test (`./quickstart.sh test`).
# It installs the missing Debian packages (with sudo when not root),
# builds in ./build and then does what was asked.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool pkg-config check libncurses-dev
libjansson-dev libdw-dev libcmark-dev libmicrohttpd-dev libcurl4-openssl-dev
libsqlite3-dev tmux valgrind clang bubblewrap libseccomp-dev"

missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "quickstart: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi

build() { # build DIR [configure options]
	dir=$1
	shift
	[ -x configure ] || autoreconf -fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && ../configure -q "$@")
	fi
	make -s -C "$dir" -j"$(nproc)"
}

case "${1:-lab}" in
lab)
	build build
	if [ $# -gt 0 ]; then shift; fi
	exec ./build/asynclab "$@"
	;;
test)
	build build
	make -s -C build -j"$(nproc)" check
	# The checker's timing-dependent cases, 10 runs each on both clocks,
	# run while the sanitizer builds below load the machine: every run
	# must give the same verdict.
	rm -f build/check-repeat.log
	# (In a session of its own, so that stopping it stops its runs too.)
	setsid make -s -C build check-repeat >build/check-repeat.log 2>&1 &
	repeat=$!
	trap 'kill -- -$repeat 2>/dev/null || true' EXIT
	trap 'exit 130' INT TERM
	# The runtime under AddressSanitizer + UBSan, and under
	# ThreadSanitizer (it has threads: remote wakes, the blocking pool).
	build build-asan --enable-sanitizers
	make -s -C build-asan -j"$(nproc)" check
	build build-tsan --enable-tsan
	make -s -C build-tsan -j"$(nproc)" check-runtime
	# gcc and clang both build warning-free.
	build build-clang CC=clang --enable-werror
	build build-gcc-werror --enable-werror
	if ! wait $repeat; then
		tail -n 40 build/check-repeat.log >&2
		echo "quickstart: the repeated timing cases failed (build/check-repeat.log)" >&2
		exit 1
	fi
	trap - EXIT INT TERM
	echo "quickstart: the repeated timing cases gave the same verdict every run"
	# valgrind: no leaks or errors in the runtime suites or the checker
	# corpus, and the timing cases 10 times each under it.
	make -s -C build valgrind-check VALGRIND_REPEAT=10
	echo "quickstart: every test passed"
	;;
*)
	echo "usage: $0 [lab [ARGS]|test]" >&2
	exit 2
	;;
esac
