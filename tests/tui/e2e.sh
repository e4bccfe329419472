#!/bin/bash
# e2e.sh - drives the real asynclab program in tmux, the way a learner
# would: fresh workspace, the list, the welcome lesson, verify the starter
# (failing check and its finding), copy the solution in (watch mode passes
# it and the progress bar moves), the timeline, a too-small terminal,
# NO_COLOR, and quitting with the terminal restored and progress saved.
# (e2e_lines.sh: long lines in every view; e2e_keys.sh: the course's
# numbers and time box, hint key, search, time, crash line.)
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

# A stand-in for the learner's editor: records that it ran, touches nothing
# that matters.
cat >"$work/fake-editor" <<'EOS'
#!/bin/sh
echo "opened $1" >"$(dirname "$0")/editor-ran"
printf '/* edited */\n' >>"$1"
EOS
chmod +x "$work/fake-editor"

# 1. A fresh workspace and the lesson list.
start
check "the list opens in a fresh workspace" "[current]"
check "the list shows the welcome lesson" "welcome"
check "the workspace was created and said so" "created a workspace"
check "the progress bar is shown" "0/"
[ -f "$work/asynclab-work/exercises/00-welcome.c" ] && ok "the exercise was copied" || bad "the exercise was copied"

# 2. Open the welcome lesson.
keys g Enter
check "the welcome lesson opens" "Welcome"

# e: the editor opens on the exercise and the lab comes back.
keys e
check "e opens the editor and comes back" "back from"
grep -q "00-welcome.c" "$work/editor-ran" 2>/dev/null && ok "the editor got the exercise" || bad "the editor got the exercise"

# 3. Verify the untouched starter: the failing check and its finding.
keys r
check "the starter fails" "FAIL" 30
check "the failing check is named" "greeting"
# The finding is further down the result: scroll until it shows.
found=0
for i in $(seq 1 8); do
	if screen | grep -qF "never-polled"; then found=1; break; fi
	keys Space
	sleep 0.1
done
[ $found = 1 ] && ok "the finding is shown with its id" || bad "the finding is shown with its id"

# 4. Copy the reference solution in: watch mode verifies, it passes, the
#    progress bar moves.
cp "$top_srcdir/lessons/00-welcome/solution.c" "$work/asynclab-work/exercises/00-welcome.c"
check "saving the solution verifies it and it passes" "PASS" 30
check "the progress bar moved" "1/" 5

# The solution (as a diff, now that it passed), a hint, and reset's y/n.
check "the pass is settled" "passed: every check is green"
sleep 0.5
keys s
check "s shows the reference solution after a pass" "Reference solution"
keys q
keys h
check "h reveals the first hint" "hint 1 of 3"
keys q
keys x
check "x asks before resetting" "[y/n]"
keys n
check "anything but y cancels the reset" "reset cancelled"

# 5. The timeline of the last run.
keys t
check "the timeline opens" "legend"
check "the timeline shows the main task" "main"

# 6. Too small a terminal.
T resize-window -t lab -x 60 -y 20
check "a small terminal gets a message" "terminal too small (need 80x24)"
T resize-window -t lab -x 80 -y 24
check "back at 80x24 the timeline returns" "legend"

# 8. Quit: every view says what it closed, then the program ends, the
#    terminal is restored and progress is saved.
keys q
check "q closes the timeline and says so" "closed the timeline"
keys q q
check "the program ends" "EXITED 0"
check "it says where progress was saved" "progress saved"
if T capture-pane -p -t lab | grep -q "Progress \["; then
	bad "the terminal is restored (the lab's screen is gone)"
else
	ok "the terminal is restored (the lab's screen is gone)"
fi
if grep -q '"welcome"' "$work/asynclab-work/.asynclab/progress.json" 2>/dev/null &&
	grep -q '"passed": *true' "$work/asynclab-work/.asynclab/progress.json"; then
	ok "progress was saved with the lesson passed"
else
	bad "progress was saved with the lesson passed"
	cat "$work/asynclab-work/.asynclab/progress.json" 2>&1 | head -20
fi

# 7. NO_COLOR: no colour escape sequences at all; with colour there are.
start
check "the lab starts again in the same workspace" "[done]"
if T capture-pane -e -p -t lab | grep -qE $'\e\\[[0-9;]*3[0-7]m|\e\\[[0-9;]*38;5'; then
	ok "colour is used by default"
else
	bad "colour is used by default"
fi
keys q
wait_for "EXITED" 5
start NO_COLOR=1
check "the lab starts under NO_COLOR" "[done]"
if T capture-pane -e -p -t lab | grep -qE $'\e\\[[0-9;]*3[0-7]m|\e\\[[0-9;]*38;5'; then
	bad "NO_COLOR turns colour off"
else
	ok "NO_COLOR turns colour off"
fi
keys q
wait_for "EXITED" 5

# No terminal: a clear message and exit status 2.
out=$(env ASYNCLAB_LESSONS="$top_srcdir/lessons" "$bin" </dev/null 2>&1)
st=$?
if [ $st = 2 ] && echo "$out" | grep -q "not a terminal"; then
	ok "without a terminal it says so"
else
	bad "without a terminal it says so (status $st: $out)"
fi

finish
