# e2e_lib.sh - shared by the lab's tmux end-to-end tests (sourced): a tmux
# server of the test's own, the lab started in a window of a given size,
# waiting for screen conditions (never for fixed times), keys, results.
# The caller sets nothing; it gets $work (a fresh folder, removed at exit),
# $top_srcdir and $bin.
set -u
srcdir=${srcdir:-.}
top_srcdir=$(cd "$srcdir" && pwd)
bin=$(pwd)/asynclab
if ! command -v tmux >/dev/null; then
	echo "e2e: tmux is not installed" >&2
	exit 1
fi
[ -x "$bin" ] || { echo "e2e: $bin not built" >&2; exit 1; }

work=$(mktemp -d /tmp/axe2e.XXXXXX)
run=0
sock="axe2e-$$-$run"
T() { LC_ALL=C.UTF-8 tmux -L "$sock" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() {
	fails=$((fails + 1))
	echo "FAIL - $1"
	echo "---- screen ----"
	T capture-pane -p -t lab 2>/dev/null | sed 's/^/| /'
	echo "----------------"
}
finish() {
	echo "$passes passed, $fails failed"
	[ $fails = 0 ]
}

screen() { T capture-pane -p -t lab; }
# wait_for TEXT [SECONDS]: until the screen shows TEXT.  The limit only
# bounds a broken run; a slow machine just takes longer to get there.
wait_for() {
	local want=$1 secs=${2:-20} i=0
	while [ $i -lt $((secs * 10)) ]; do
		screen 2>/dev/null | grep -qF -- "$want" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	local want=$1 secs=${2:-20} i=0
	while [ $i -lt $((secs * 10)) ]; do
		screen 2>/dev/null | grep -qF -- "$want" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() { # check DESCRIPTION TEXT [SECONDS]
	if wait_for "$2" "${3:-20}"; then ok "$1"; else bad "$1 (expected '$2')"; fi
}
check_not() { # check_not DESCRIPTION TEXT: the screen (as it is now) lacks TEXT
	if screen | grep -qF -- "$2"; then bad "$1 (did not expect '$2')"; else ok "$1"; fi
}
# Keys typed while the lab shows "Checking..." are ignored (by design), so
# wait for a check to finish before typing.
keys() {
	wait_gone "Checking" 60
	T send-keys -t lab "$@"
}
# The screen's rows joined with single spaces, the indent and the
# continuation mark of wrapped rows taken away: text the lab wrapped reads
# back as the one line it was.
joined() {
	screen | sed -e 's/^ *//' -e 's/^\xe2\x86\xaa //' -e 's/^> //' -e 's/ *$//' | tr '\n' ' '
}
# words PREFIX N: "p001 p002 ... pN", N words of five columns.
words() {
	local i=1 out=""
	while [ $i -le "$2" ]; do
		out="$out$(printf '%s%03d' "$1" $i) "
		i=$((i + 1))
	done
	printf '%s' "${out% }"
}
# check_joined DESCRIPTION TEXT [SECONDS]: TEXT reads whole once wrapped
# rows are joined: no word lost, cut or drawn over.
check_joined() {
	local i=0 secs=${3:-20}
	while [ $i -lt $((secs * 10)) ]; do
		joined | grep -qF -- "$2" && { ok "$1"; return; }
		sleep 0.1
		i=$((i + 1))
	done
	bad "$1 (expected the whole line '$2')"
}

# start [COLS ROWS] [ENV...]: the lab in a tmux window, in $work (or
# $startdir), lessons from $lessons (default the source tree's).
start() {
	local cols=80 rows=24
	case ${1:-} in [0-9]*) cols=$1 rows=$2; shift 2 ;; esac
	# A fresh tmux server each time: a killed one may still be going away.
	T kill-server 2>/dev/null
	run=$((run + 1))
	sock="axe2e-$$-$run"
	T -f /dev/null new-session -d -s lab -x "$cols" -y "$rows" -c "${startdir:-$work}" \
		"env -u ASYNCLAB_WORKSPACE -u ASYNCLAB_COURSE ASYNCLAB_LESSONS='${lessons:-$top_srcdir/lessons}' VISUAL='$work/fake-editor' TERM=xterm-256color LANG=C.UTF-8 $* '$bin'; echo EXITED \$?; sleep 600"
	T set-option -t lab remain-on-exit on >/dev/null
}
# quit: leave the lab from wherever it is.
quit() {
	local i=0
	while [ $i -lt 10 ] && ! screen | grep -q "EXITED"; do
		keys q
		wait_for "EXITED" 1 && break
		i=$((i + 1))
	done
}
