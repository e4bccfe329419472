#!/bin/bash
# e2e_present_live.sh - presenter mode in tmux at 80x24 over real runs, in
# a workspace made with `asynclab init`: each program is compiled and run
# with the scheduler trace on the virtual clock with the lesson's seed, so
# the steps and times asserted here are the same on any machine, however
# loaded (lesson 14's second run, with two workers on the real clock, is
# not asserted).  Lesson 4's sequential starter against its joined solution (one
# fetch in flight at a time against three), lesson 15's starter reaching
# its deadlock, lesson 14's starter stalling the thread, lesson 16's
# starter's count of live tasks; stepped forward and back, with the jump
# keys (a time, a task's next poll, the finding, Home, End); --save then
# --report gives the same run.
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

ws="$work/ws"
ASYNCLAB_LESSONS="$top_srcdir/lessons" "$bin" init --name Presenter "$ws" >/dev/null </dev/null ||
	bad "the workspace is created with asynclab init"
cp "$top_srcdir/lessons/04-join/solution.c" "$ws/join-solution.c"

# present ARGS in the workspace; screen-256color so that tmux's Home and
# End reach curses as keys.  The run compiles the program first: the
# first screen may take a while on a loaded machine.
start_present() {
	T kill-server 2>/dev/null
	run=$((run + 1))
	sock="axe2e-$$-$run"
	T -f /dev/null new-session -d -s lab -x 80 -y 24 -c "$ws" \
		"env -u ASYNCLAB_WORKSPACE -u ASYNCLAB_COURSE ASYNCLAB_LESSONS='$top_srcdir/lessons' TERM=screen-256color LANG=C.UTF-8 '$bin' present $*; echo EXITED \$?; sleep 600"
	T set-option -t lab remain-on-exit on >/dev/null
}
press() { T send-keys -t lab "$@"; }
# go MS: the g key, a time, Enter.
go() {
	press g
	wait_for "go to time (ms), Enter:" 10
	press "$1" Enter
}

# ---- Lesson 4's starter: the three fetches of a page one after another.
start_present join
check "the workspace's starter is compiled, run and shown" "step 1 of 106" 180
check "its title names the exercise" "present exercises/04-join.c"
check "on the virtual clock, from 0" "t = 0.000 ms"
go 1
check "g 1: the clock jumps to the first fetch's end" "> every task waits: the clock jumps to t = 100.000 ms"
check "one timer is armed, for the user's fetch" "timers: t=100.000ms wakes #1 main"
check "one waker, held by that fetch" "wakers held: #1 main's by fetch"
check_not "the posts' fetch has not started: no timer at 200 ms" "t=200.000ms"
check_not "nor the comments'" "t=300.000ms"
check "main waits on that fetch's sleep" "#1 main            waiting  on sleep at harness.c:37  wakers 1"
press Tab
check "Tab chooses main" "selected #1 main (t: its next poll)"
press t
check "t: main's next poll, when the user's fetch is done" "> the executor polls #1 main"
check "still at 100 ms" "t = 100.000 ms"
go 101
check "g 101: the next fetch ends at 300 ms" "> every task waits: the clock jumps to t = 300.000 ms"
check "only now the posts' timer, and it alone" "timers: t=300.000ms wakes #1 main"
check "the user's fetch is done before the posts' starts" "[100 ms] user of page 7 loaded"
check_not "never two timers at once" "wakes #1 main, t="
go 301
check "the comments' fetch ends at 600 ms" "> every task waits: the clock jumps to t = 600.000 ms"
check "one timer again" "timers: t=600.000ms wakes #1 main"
check "the posts were loaded at 300 ms" "[300 ms] posts of page 7 loaded"
go 601
check "g 601: the second page's first fetch ends at 700 ms" "> every task waits: the clock jumps to t = 700.000 ms"
check "the first page was ready at 600 ms" "[600 ms] page 7 ready"
press End
check "End: the run stops" "> the runtime stops"
check "two pages take 1200 ms" "t = 1200.000 ms"
check "main is done" "tasks alive 0, finished 1"
press Home
check "Home: back to the start" "step 1 of 106"
press q
check "q quits" "EXITED 0"

# ---- Its solution: the three fetches of a page at once.
start_present join --file join-solution.c --save "'$work/join.json'"
check "the solution is compiled, run and shown" "step 1 of 112" 180
go 1
check "g 1: at 100 ms" "> every task waits: the clock jumps to t = 100.000 ms"
check "three timers armed at once" "timers (3): t=100.000ms wakes #1 main, t=200.000ms wakes #1 main, t=300"
check "three wakers, one per fetch in flight" "wakers held: #1 main's by fetch, #1 main's by fetch, #1 main's by fetch"
check "main waits on the join, at the solution's line" "#1 main            waiting  on join_all at join-solution.c:14  wakers 3"
check "the line of the join" ">   14 |     AX_AWAIT_TO(self->v,"
press p
check "one back, before the jump: still at 0" "t = 0.000 ms"
check "the three timers were armed at 0" "timers (3): t=100.000ms wakes #1 main, t=200.000ms wakes #1 main, t=300"
go 101
check "g 101: the posts' fetch ends at 200 ms, while the comments' still runs" "> every task waits: the clock jumps to t = 200.000 ms"
check "two fetches still in flight" "timers: t=200.000ms wakes #1 main, t=300.000ms wakes #1 main"
go 201
check "at 300 ms the third ends" "> every task waits: the clock jumps to t = 300.000 ms"
check "the posts were loaded at 200 ms" "[200 ms] posts of page 7 loaded"
go 301
check "g 301: the second page's first fetch ends at 400 ms" "> every task waits: the clock jumps to t = 400.000 ms"
check "the first page was ready at 300 ms" "[300 ms] page 7 ready"
press End
check "two pages take 600 ms" "t = 600.000 ms"
press q
check "q quits the solution" "EXITED 0"

# The saved run replays the same.
[ -s "$work/join.json" ] && ok "--save wrote the run" || bad "--save wrote the run"
start_present --report "'$work/join.json'"
check "the replay opens" "step 1 of 112"
go 1
check "and shows the same three timers" "timers (3): t=100.000ms wakes #1 main, t=200.000ms wakes #1 main, t=300"
press q
check "q quits the replay" "EXITED 0"

# ---- Lesson 15's starter: the deadlock.
start_present lock-across-await
check "lesson 15's starter is shown" "step 1 of 35" 180
check "it has a finding" "f shows the findings"
press End
check "End: the deadlock" "DEADLOCK: every task is asleep and nothing can wake one"
check "one request is blocked on the lock" "BLOCKED  on lock 1 held by #2"
check "the holder waits at an await" "#2 one_view        waiting  on sleep"
check "the blocking lock with its holder, where taken, and its waiter" "lock 1 blocking: #2 one_view holds it (15-lock-across-await.c:16); waits: #3"
check "the output stops after two lockings" "[0 ms] bo: locking the counter"
press p
check "one back: the thread stops in the lock" "THREAD BLOCKED: #3 one_view waits for a blocking lock inside its poll"
check_not "not yet the deadlock" "DEADLOCK"
press Home f
check "f: the finding, at its step" "finding lock-across-await at 15-lock-across-await.c:16"
check "where the lock is taken" "takes lock 1 at 15-lock-across-await.c:16"
check "the learner's line" ">   16 |     ax_bmutex_lock(views_lock);"
check_not "nobody is blocked yet" "BLOCKED"
press q
check "q quits lesson 15" "EXITED 0"

# ---- Lesson 14's starter: the blocking calls stall the thread.  Its first
# run has one worker on the virtual clock, asserted here; the second, with
# two workers side by side on the real clock, differs from run to run (how
# many events, which worker runs what), so only that it ends is.
start_present blocking
check "lesson 14's starter is shown" "step 1 of " 180
check "its first run: one worker, on the virtual clock" "-- 1 worker (virtual clock) --"
go 21
check "g 21: the clock moves to 120 ms" "t = 120.000 ms"
check "inside the poll of the first request (its lookup), not because every task waits" "> the clock moves to t = 120.000 ms inside the poll of #3 request"
check "the thread is blocked from 20 to 120 ms" "THREAD BLOCKED by #3 request from t = 20.000 ms to 120.000 ms"
check "the other requests wait in the ready queue" "ready queue (front first): #4 request -> #5 request"
check "queued since the start" "#4 request         ready    since t = 0.000 ms"
check "the heartbeat's beat was due at 20 ms" "timers: t=20.000ms wakes #2 heartbeat"
check_not "and never every task waiting" "every task waits"
go 121
check "g 121: the next request blocks the thread in turn" "THREAD BLOCKED by #4 request from t = 120.000 ms to 140.000 ms"
check "one request served" "[120 ms] request 4: price 115"
press Home f
check "Home f: the checker's finding, at the first stall" "finding blocking-call at 14-blocking.c:23"
check "the first stall, from 0 to 20 ms" "THREAD BLOCKED by #3 request from t = 0.000 ms to 20.000 ms"
press Tab Tab
check "Tab twice chooses the heartbeat" "selected #2 heartbeat (t: its next poll)"
press t
check "t: the heartbeat is polled next only after the three requests" "> the executor polls #2 heartbeat"
check "its beats come late, at 360 ms" "t = 360.000 ms"
check "the requests were served one after another" "[360 ms] 3 requests served"
press End
check "End: both runs to the end" "> the runtime stops"
press q
check "q quits lesson 14" "EXITED 0"

# ---- Lesson 16's starter: one task per upload, all alive at once.
start_present unbounded-spawn
check "lesson 16's starter is shown" "step 1 of 4110" 180
press f
check "f: the finding at the spawning line" "finding unbounded-spawn at 16-unbounded-spawn.c:22"
go 1
check "g 1: when the first uploads end, 241 tasks are alive" "tasks alive 241, finished 0"
check "the rest summed up under the first" "... and 234 more tasks (234 waiting, 0 finished)"
check "a timer each" "timers (241):"
press End
check "End: all of them done" "tasks alive 0, finished 241"
press q
check "q quits lesson 16" "EXITED 0"
finish
