#!/bin/bash
# e2e_keys.sh - the lab's smaller promises, each as a learner meets it: a
# course shows every lesson's own number with its place in the course and
# the time box with the time left in the lesson header; h in a hint gives
# the next hint; a search does not outlive the list; a passed lesson's
# time stops; a crash shows the learner's line (in the lab and from
# asynclab verify).
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

tmux_tl() { T capture-pane -p -t lab | sed -n 2,3p; }

# A course of two lessons, join first with a 20 minute time box.
printf 'join 20\nwelcome\n' >"$work/course"
start ASYNCLAB_COURSE="$work/course"
check "the course's list opens" "lessons of the course"
check "join shows its own number with its place in the course" "04 (1/2)"
check "welcome likewise" "00 (2/2)"
check_not "no lesson is renumbered by its place" " 1  welcome"
keys Enter
check "the header has the lesson's own number and its place" "04 (1/2) Join"
check "the header shows the time box and the time left" "of 20 min left"

# h in the hint view gives the next hint.
keys h
check "h opens the first hint" "hint 1 of"
check "the hint view offers h" "h next hint"
keys h
check "h in the hint view opens the next hint" "hint 2 of"
keys q

# A search serves to open one lesson; back in the list, every lesson shows.
keys l
check "l goes to the list" "lessons of the course"
keys / w e l c Enter
check "the search keeps one lesson" "/welc"
check_not "the search hides join" "join "
keys Enter
check "Enter opens the lesson found" "00 (2/2) Welcome"
keys l
check "back in the list, the lesson hidden by the search is there" "join "
check_not "the search is gone" "/welc"
quit

# A passed lesson's time stops: progress says welcome passed after 35 s,
# last active long ago; time in the lab afterwards does not count.
ws="$work/asynclab-work"
ASYNCLAB_LESSONS="$top_srcdir/lessons" "$bin" init "$ws" >/dev/null || bad "the workspace is created"
now=$(date +%s)
cat >"$ws/.asynclab/progress.json" <<EOJ
{ "version": 1, "current": "async-fn", "lessons": { "welcome": { "passed": true,
  "attempts": 1, "hints": 0, "time_s": 35, "last_active": $((now - 1000)),
  "passed_at": $((now - 1000)), "last_failed": null } } }
EOJ
start
check "the lab opens on the prepared progress" "[done]"
keys g Enter
check "the header says how long the passed lesson took" "passed in 0 of 5 min"
keys j k j
quit
if grep -q '"time_s": 35,' "$ws/.asynclab/progress.json"; then
	ok "the time of a passed lesson stops at the pass"
else
	bad "the time of a passed lesson stops at the pass"
	grep -A8 '"welcome"' "$ws/.asynclab/progress.json"
fi

# A crash: the result names the learner's line and quotes it.
ex="$ws/exercises/00-welcome.c"
sed -e 's|^\tprintf("Welcome to asynclab.\\n");|&\n\t{ volatile int *nowhere = 0; *nowhere = 1; }|' \
	"$top_srcdir/lessons/00-welcome/starter.c" >"$ex"
line=$(grep -n 'nowhere = 1' "$ex" | cut -d: -f1)
[ -n "$line" ] || bad "the crashing exercise was made"
# The async fn the line is in, as the learner wrote it.
fn=$(sed -n "1,${line}p" "$ex" | grep -o 'AX_ASYNC([a-z_]*' | tail -1 | cut -d'(' -f2)
start
keys g Enter
check "the welcome lesson opens" "Welcome"
keys r
check "the crash is the verdict" "SIGSEGV" 60
for i in 1 2 3; do
	screen | grep -qF "nowhere = 1" && break
	keys j j j j j j
	wait_for "Where it crashed" 5 >/dev/null
done
check_joined "the result says where it crashed" "at asynclab-work/exercises/00-welcome.c:$line, in $fn:"
check "the learner's line is quoted" "$line | "
check "the quoted line is the one that crashed" "*nowhere = 1;"
quit
# The command line says it too.
out=$(cd "$work" && ASYNCLAB_LESSONS="$top_srcdir/lessons" "$bin" verify welcome 2>&1)
if echo "$out" | grep -qF "asynclab-work/exercises/00-welcome.c:$line: crashed here with SIGSEGV" &&
	echo "$out" | grep -qF "*nowhere = 1;"; then
	ok "asynclab verify names and quotes the crash line"
else
	bad "asynclab verify names and quotes the crash line: $out"
fi
# And its list of a course numbers lessons as the lab does.
out=$(cd "$work" && ASYNCLAB_COURSE="$work/course" ASYNCLAB_LESSONS="$top_srcdir/lessons" "$bin" list 2>&1)
if echo "$out" | grep -qE '^. 04 \(1/2\) +join ' && echo "$out" | grep -qE '^. 00 \(2/2\) +welcome '; then
	ok "asynclab list shows a course's lessons with their own numbers and places"
else
	bad "asynclab list shows a course's lessons with their own numbers and places: $out"
fi
finish
