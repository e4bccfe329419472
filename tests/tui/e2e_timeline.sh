#!/bin/bash
# e2e_timeline.sh - the timeline of the runs the anti-pattern lessons are
# built around, as a learner opens it after verifying the starter: lesson
# 15's deadlock (who holds the lock, who is blocked, how the run ended) and
# lesson 3's busy future (an axis from 0, the bars where the polls were).
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

# open_timeline SEARCH: open the lesson found by SEARCH, verify its starter
# and open the timeline of that run.
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
check "the axis starts at 0" "0 ms"
check "every task has its row" "#4 one_view"
check "no time passed, and the screen says so" "no virtual time passed"
check_joined "the end is the deadlock the checker stopped" \
	"end: deadlock, stopped by the checker: task 3 (one_view) waits for a lock that task 2 (one_view) holds"
check_joined "the tasks still waiting are counted" "4 tasks still waiting"
check "the peak counts the main task" "peak: 4 tasks alive at once, the main task included"
check_not "no axis past the run's end" "10542519"
quit

# Lesson 3: the starter's future wakes itself on every poll.
start 80 24
open_timeline manual "A future by hand"
check "the axis starts at 0" "0 ms"
check "the main task's polls are at the start, where they were" " #1 main        █"
check "the end of the run is named" "end: the program exited with status 0"
check_not "no axis past the run's end" "10542519"
quit

finish
