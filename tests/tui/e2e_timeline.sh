#!/bin/bash
# e2e_timeline.sh - the timeline of the runs the anti-pattern lessons are
# built around, as a learner opens it after verifying the starter: lesson
# 15's deadlock (who holds the lock, who is blocked on it, the futures
# under their tasks, how the run ended) and lesson 3's busy future (an
# axis from the run's start, the bars where the polls were).  Both run in
# no virtual time, so the columns are the scheduler trace's events in
# order.
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

# check_row DESCRIPTION REGEX: a row of the screen matches REGEX.
check_row() {
	local i=0
	while [ $i -lt 100 ]; do
		screen | grep -qE -- "$2" && { ok "$1"; return; }
		sleep 0.1
		i=$((i + 1))
	done
	bad "$1 (expected a row matching '$2')"
}

# open_timeline SEARCH TITLE: open the lesson found by SEARCH, verify its
# starter and open the timeline of that run.
open_timeline() {
	check "the list opens" "[current]"
	keys / "$1" Enter
	check "the search keeps the lesson" "/$1"
	keys Enter
	check "the lesson opens" "$2"
	keys r
	check "the starter fails" "FAIL" 60
	keys t
	check "the timeline opens" "legend"
}

# Lesson 15: the starter deadlocks within its first polls.
start 80 24
open_timeline lock-across "A lock held across an await"
check "the axis runs from the run's start" " task           start"
check "no time passed, and the screen says so" \
	"no virtual time passed (no timer): columns are the events in order"
check_row "task 2 polls, takes the lock and holds it to the end" '^ #2 one_view +─+█+▒+$'
check_row "its futures are under it, the await it holds the lock across last" '^     audit +─+█─+$'
check_row "task 3 polls and is blocked on the lock to the end" '^ #3 one_view +─+█+X+$'
check_row "task 4 never ran" '^ #4 one_view +─+$'
check_joined "who holds the lock and who is blocked on it, in words" \
	"lock 1 (blocking lock): held by #2 one_view at the end, taken at 15-lock-across-await.c:16; #3 one_view blocked on it (the thread waits)"
check_joined "the end is the deadlock the checker stopped" \
	"end: deadlock, stopped by the checker: task 3 (one_view) waits for a lock that task 2 (one_view) holds"
check_joined "the tasks still waiting are counted" "4 tasks still waiting"
check "the peak counts the main task" "peak: 4 tasks alive at once, the main task included"
quit

# Lesson 3: the starter's future wakes itself on every poll: main is
# polled from the run's start to its end, each courier once, at its start.
start 80 24
open_timeline manual "A future by hand"
check "the axis runs from the run's start" " task           start"
check_row "main is polled all through the run" '^ #1 main +█+$'
check_row "the first courier is polled once, at its start" '^ #2 courier +█─+$'
check_row "the future main polls is under it" '^   wait_parcel +█+$'
check "the end of the run is named" "end: the program exited with status 0"
quit

finish
