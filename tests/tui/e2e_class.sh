#!/bin/bash
# e2e_class.sh - a workshop on the loopback, as an instructor runs it: the
# class server, three learners in their own workspaces pushing as they
# verify, the live dashboard (from the server, and from its folder) in
# tmux at 80x24; a learner with a wrong code is refused; the server goes
# away while Cy works (Cy's progress waits in the queue), comes back on the
# same folder with nothing lost, and Cy catches up.  Every wait is on a
# condition (a line on the screen or in a file), never a fixed time.
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

export ASYNCLAB_LESSONS="$top_srcdir/lessons"
unset ASYNCLAB_WORKSPACE ASYNCLAB_COURSE
cd "$work" || exit 1

spid=
stop_server() {
	[ -n "$spid" ] || return 0
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	spid=
}
trap 'stop_server; cleanup' EXIT

# serve LOG [PORT]: the server on 127.0.0.1 in the background, kept in
# ./srv; returns once it listens.
serve() {
	"$bin" serve --bind 127.0.0.1 --port "${2:-0}" --dir srv >"$1" 2>&1 &
	spid=$!
	local i=0
	while ! grep -q "listening on port" "$1"; do
		kill -0 "$spid" 2>/dev/null || { cat "$1"; return 1; }
		[ $i -lt 600 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# until_ok SECONDS CMD...: run CMD until it succeeds (bounds a broken run only).
until_ok() {
	local secs=$1 i=0
	shift
	while ! "$@"; do
		[ $i -lt $((secs * 10)) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# dash ARGS: the dashboard in the tmux window "lab".
dash() {
	T kill-server 2>/dev/null
	run=$((run + 1))
	sock="axe2e-$$-$run"
	T -f /dev/null new-session -d -s lab -x 80 -y 24 -c "$work" \
		"env ASYNCLAB_LESSONS='$ASYNCLAB_LESSONS' TERM=screen-256color LANG=C.UTF-8 '$bin' class --watch $*; echo EXITED \$?; sleep 600"
	T set-option -t lab remain-on-exit on >/dev/null
}
expect() { # expect DESCRIPTION STATUS WANTED-TEXT FILE
	if [ "$2" = "$5" ] && grep -qF -- "$3" "$4"; then ok "$1"; else
		bad "$1 (status $5, wanted $2 and '$3' in: $(cat "$4"))"; fi
}
delivered() { # delivered WS: asynclab push there says the server has it
	(cd "$1" && "$bin" push) >"$work/push.out" 2>&1 &&
		grep -q "Your progress is with the class" "$work/push.out"
}
pass_welcome() { # pass_welcome WS: the welcome lesson solved and verified there
	cp "$ASYNCLAB_LESSONS/00-welcome/solution.c" "$1/exercises/00-welcome.c"
	(cd "$1" && "$bin" verify welcome) >"$work/verify.out" 2>&1
}

serve serve1.log || { bad "the server starts"; finish; exit; }
ok "the server starts"
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' serve1.log)
code=$(sed -n 's/.*init --class [^ ]* --code \(.*\)$/\1/p' serve1.log)
view=$(sed -n 's/^Dashboard elsewhere.*--code \(.*\)$/\1/p' serve1.log)
[ -n "$port" ] && [ -n "$code" ] && [ -n "$view" ] && ok "it prints the port, the join and dashboard codes" ||
	bad "it prints the port, the join and dashboard codes: $(cat serve1.log)"

dash "127.0.0.1:$port" --code "$view"
check "the dashboard asks the server" "live from 127.0.0.1:$port"
check "an empty class says how to join" "No learner yet."

for who in Ann Bo Cy; do
	"$bin" init --name "$who" --class "127.0.0.1:$port" --code "$code" "$who" >init.out 2>&1
	expect "$who joins the class" 0 "Class: joined 127.0.0.1:$port" init.out $?
done
"$bin" init --name Eve --class "127.0.0.1:$port" --code WRONG-CODE Eve >init.out 2>&1
expect "a wrong code is refused" 2 "refused it: wrong class code" init.out $?
# A workspace that kept a wrong code: its push is refused, and said so.
printf '{"version":1,"server":"127.0.0.1:%s","code":"WRONG-CODE","token":"%s"}\n' "$port" \
	0123456789abcdef0123456789abcdef >Eve/.asynclab/class.json
(cd Eve && "$bin" push) >push.out 2>&1
expect "a push with a wrong code is refused" 1 "refused it: wrong class code" push.out $?
until_ok 30 grep -q "refused a push from 127.0.0.1: wrong class code" serve1.log &&
	ok "the server logs the refusal" || bad "the server logs the refusal: $(cat serve1.log)"

pass_welcome Ann
expect "Ann passes welcome" 0 "Passed" verify.out $?
for who in Ann Bo Cy; do
	# verify pushed in the background already; push says so until it is done.
	until_ok 60 delivered "$who" && ok "$who's progress is with the class" ||
		bad "$who's progress is with the class: $(cat push.out)"
done
check "the dashboard counts three learners" "class: 3 learners"
check "welcome: one of three passed" "00 welcome                1/3"
check "Ann is on the next lesson" "Ann              01 async-fn         1/17"
check_not "Eve is not in the class" "Eve"

# The server goes away; Cy works on, the dashboard keeps the last answer.
stop_server
check "the dashboard says the server cannot be reached" "showing the last answer: cannot reach 127.0.0.1:$port"
check "and still shows the class" "class: 3 learners"
pass_welcome Cy
expect "Cy verifies without the server" 0 "Passed" verify.out $?
# Cy's verify queued the progress (a background push may be retrying it).
queued=$(sed -n 's/.*"queued": *\([0-9]*\).*/\1/p' Cy/.asynclab/push.json)
sent=$(sed -n 's/.*"sent": *\([0-9]*\).*/\1/p' Cy/.asynclab/push.json)
[ -n "$queued" ] && [ "$queued" -gt "${sent:-0}" ] && ok "Cy's progress waits in the queue" ||
	bad "Cy's progress waits in the queue: $(cat Cy/.asynclab/push.json)"
(cd Cy && "$bin" push) >push.out 2>&1
rc=$?
if { [ $rc = 1 ] && grep -q "Not sent" push.out; } ||
	{ [ $rc = 0 ] && grep -q "under way in the background" push.out; }; then
	ok "Cy's push is not delivered while the server is away, and says so"
else
	bad "Cy's push is not delivered while the server is away (status $rc: $(cat push.out))"
fi
check_not "the dashboard has no news of Cy" "00 welcome                2/3"

# Back on the same folder and port: nothing lost, Cy catches up.
serve serve2.log "$port" || { bad "the server starts again"; finish; exit; }
ok "the server starts again on its folder"
grep -qF -- "--code $code" serve2.log && ok "with the same join code" ||
	bad "with the same join code: $(cat serve2.log)"
check "the dashboard is live again" "live from 127.0.0.1:$port"
check "no learner was lost" "class: 3 learners"
until_ok 60 delivered Cy && ok "Cy's queued progress is delivered" ||
	bad "Cy's queued progress is delivered: $(cat push.out)"
check "welcome: two of three passed" "00 welcome                2/3"
check "Cy is on the next lesson" "Cy               01 async-fn         1/17"
check "Ann is still there" "Ann              01 async-fn         1/17"
T send-keys -t lab q
check "q leaves the dashboard" "EXITED 0"

# The same class from the server's folder (the instructor's own machine).
dash srv
check "the folder dashboard reads the class store" "class: 3 learners"
check "with the same numbers" "00 welcome                2/3"
check "it says where from" "live from srv"
T send-keys -t lab q
check "q leaves it" "EXITED 0"
"$bin" class --watch srv </dev/null >out.txt 2>&1
expect "--watch without a terminal says so" 2 "needs a terminal" out.txt $?
"$bin" class --watch --json srv </dev/null >out.txt 2>&1
expect "--watch with --json is a usage error" 2 "--watch draws the dashboard" out.txt $?
stop_server
finish
