#!/bin/bash
# e2e_present.sh - presenter mode in tmux at 80x24 over a recorded run of
# lesson 15's starter (tests/tui/data/present-15-starter.json: three
# requests, ana takes the blocking lock and suspends with it, bo blocks the
# thread on it): forward and back one event at a time, Home/End and < >,
# a task's next poll, the next finding, a time; a stray Esc does not end
# the show; and the messages when there is nothing to step through.
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

# present in the tmux window with ARGS; screen-256color so that tmux's
# Home and End reach curses as keys.
start_present() {
	T kill-server 2>/dev/null
	run=$((run + 1))
	sock="axe2e-$$-$run"
	T -f /dev/null new-session -d -s lab -x 80 -y 24 -c "$work" \
		"env -u ASYNCLAB_WORKSPACE -u ASYNCLAB_COURSE ASYNCLAB_LESSONS='$top_srcdir/lessons' TERM=screen-256color LANG=C.UTF-8 '$bin' present $*; echo EXITED \$?; sleep 600"
	T set-option -t lab remain-on-exit on >/dev/null
}
# press KEYS...: type them (no "Checking" to wait for here).
press() { T send-keys -t lab "$@"; }

rec="$work/run15.json"
sed "s#@SRC@#$top_srcdir/lessons#g" "$top_srcdir/tests/tui/data/present-15-starter.json" >"$rec"

start_present --report "'$rec'"
check "present opens at the first event" "step 1 of 19"
check "it says what happened" "> the runtime starts (virtual clock)"
check "it names the recording" "present $rec"
check "the status counts the events" "19 scheduler events; f shows the findings; recorded run"
check "the keys are listed" "n/-> next  p/<- back"

# Forward to the moment ana takes the lock (event 14).
press End
check "End goes to the last event" "step 19 of 19"
press p p p p p
check "five back is event 14" "step 14 of 19"
check "ana takes the lock at its line" "> #2 count_view takes lock 1 at starter.c:16"
check "the lock has a holder and nobody waiting" "lock 1 blocking: #2 count_view holds it (starter.c:16)"
check "the running task is in capitals" "#2 count_view      RUNNING"
check "the ready queue in order" "ready queue (front first): #3 count_view -> #4 count_view"
check "the line being executed is marked" ">   16 |     ax_bmutex_lock(views_lock);"
check "the output so far" "output so far (2 lines)"
check_not "bo has not asked yet" "THREAD BLOCKED"

press n n
check "two on: ana arms its timer" "step 16 of 19"
check "in words" "> a timer for #2 count_view is set for t = 10.000 ms"
press n
check "one more: ana suspends on its audit" "step 17 of 19"
check "ana waits on the sleep at the learner's await" "#2 count_view      waiting  on sleep at starter.c:23  wakers 1"
check "its timer is pending" "timers: t=10.000ms wakes #2 count_view"
check "wakers are listed with their holders" "wakers held: #1 main's by join, #2 count_view's by sleep"
press Right Right
check "Right steps too: the last event" "step 19 of 19"
check "the thread is blocked" "THREAD BLOCKED: #3 count_view waits for a blocking lock inside its poll"
check "bo is blocked on the lock ana holds" "#3 count_view      BLOCKED  on lock 1 held by #2 count_view"
check "the lock lists its waiter" "waits: #3 count_view"
check "the finding shows at its step" "finding lock-across-await at starter.c:16"
check "bo's line is in the output" "[0 ms] bo: locking the counter"
press n
check "past the end it says so" "the end of the run"
press Left
check "Left steps back" "step 18 of 19"
check_not "one back, the thread runs again" "THREAD BLOCKED"
check_not "and the finding is not shown" "finding lock-across-await"

press Home
check "Home goes to the start" "step 1 of 19"
press p
check "before the start it says so" "the start of the run"
press f
check "f goes to the finding" "step 19 of 19"
check "and shows it" "deadlock: bo waits for the lock"
press '<'
check "< is Home" "step 1 of 19"
press f f
check "no second finding" "no finding after this step"
press '<' n n n n n n n n n
check "nine on: every request is spawned" "step 10 of 19"
press Tab Tab
check "Tab chooses the tasks in turn" "selected #2 count_view (t: its next poll)"
check "the chosen task is marked" "* #2 count_view"
press t
check "t goes to its next poll" "step 13 of 19"
check "where it is polled" "#2 count_view"
press Tab t
check "bo's next poll" "step 18 of 19"
press t
check "bo is not polled again" "#3 count_view is not polled again"
press g
check "g asks for a time" "go to time (ms), Enter:"
press 0 Enter
check "time 0 is the first event" "step 1 of 19"
press '>'
check "> is End" "step 19 of 19"
press Escape
press p
check "a stray Esc does not end the show" "step 18 of 19"
press q
check "q quits" "EXITED 0"

# Nothing to step through: a report without the trace, a broken file, no
# terminal.
sed 's/"on": true/"on": false/' "$rec" >"$work/untraced.json"
"$bin" present --report "$work/untraced.json" 2>"$work/err" </dev/null
rc=$?
if [ $rc = 1 ] && grep -q "records no scheduler trace" "$work/err"; then
	ok "an untraced run is refused with why"
else
	bad "an untraced run is refused with why (rc $rc: $(cat "$work/err"))"
fi
echo '{"version": 2,' >"$work/broken.json"
"$bin" present --report "$work/broken.json" 2>"$work/err" </dev/null
rc=$?
if [ $rc = 2 ] && grep -q "broken.json: not a run report: line" "$work/err"; then
	ok "a broken report is named with the line"
else
	bad "a broken report is named with the line (rc $rc: $(cat "$work/err"))"
fi
"$bin" present --report "$rec" 2>"$work/err" </dev/null >/dev/null
rc=$?
if [ $rc = 2 ] && grep -q "needs a terminal" "$work/err"; then
	ok "without a terminal it says so"
else
	bad "without a terminal it says so (rc $rc: $(cat "$work/err"))"
fi
"$bin" present 15 --report "$rec" 2>"$work/err" </dev/null
rc=$?
if [ $rc = 2 ] && grep -q "'--report' replays a saved run" "$work/err"; then
	ok "--report with a lesson is a usage error"
else
	bad "--report with a lesson is a usage error (rc $rc: $(cat "$work/err"))"
fi
finish
