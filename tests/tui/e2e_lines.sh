#!/bin/bash
# e2e_lines.sh - long lines at 80 columns, in every view that shows text:
# the lesson text, a hint, the result (check messages, compiler output,
# the program's output) and the solution diff.  Text wraps under a
# continuation mark and reads back whole; a code line is cut at the edge
# with a marker and scrolls sideways; no line is drawn over another.
# Also: the status bar shows the exercise's path as the learner opens it.
. "${srcdir:-.}/tests/tui/e2e_lib.sh"

# A lesson made of 200-column lines: paragraph words pNNN, a code line
# ending in END-OF-CODE, output words oNNN, hint words hNNN, check message
# words mNNN, the program's own output words sNNN, a compiler error of
# words qNNN and a solution line of words dNNN.
P=$(words p 40) O=$(words o 40) H=$(words h 40) M=$(words m 40)
S=$(words s 40) Q=$(words q 40) D=$(words d 40)
lessons="$work/lessons"
L="$lessons/00-lines"
mkdir -p "$L"
cat >"$L/lesson.ini" <<EOI
[lesson]
id = lines
title = Long lines
order = 0
concept = reading long lines
time_box_min = 5
starter_fails = prints-done

[check prints-done]
kind = output
expect = done
message = The program did not print done. $M
EOI
cat >"$L/lesson.md" <<EOI
# Long lines

$P

\`\`\`c
int code_marker = 1; /* c001 c002 c003 c004 c005 c006 c007 c008 c009 c010 c011 c012 c013 c014 c015 c016 c017 c018 c019 c020 c021 c022 c023 c024 c025 c026 c027 c028 c029 c030 c031 c032 c033 END-OF-CODE */
\`\`\`

\`\`\`
$O
\`\`\`

LAST-LINE
EOI
printf '%s\n' "$H" >"$L/hint1.md"
echo "The second hint." >"$L/hint2.md"
cat >"$L/starter.c" <<EOI
#include <asynclab.h>
#include <stdio.h>

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	printf("$S\n");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
EOI
sed -e "s|printf(\"$S\\\\n\");|printf(\"done\\\\n\"); /* $D */|" "$L/starter.c" >"$L/solution.c"
grep -q "d040" "$L/solution.c" || { echo "e2e: the fixture's solution was not made" >&2; exit 1; }
ex="$work/asynclab-work/exercises/00-lines.c"
bar_rows() { screen | sed -n '/Progress \[/,$p'; }

start
check "the fixture lesson is listed" "Long lines"
keys Enter
check "the lesson opens" "LAST-LINE"

# The text view: the paragraph and the output block read back whole.
check_joined "a 200-column paragraph wraps and reads whole" "$P"
check_joined "a 200-column output line wraps and reads whole" "$O"
check "output rows carry the continuation mark" $'\xe2\x86\xaa o0'
check "the line after the long ones is intact" "LAST-LINE"
# The code line: cut at the edge with a marker, then sideways.
row=$(screen | grep -F "int code_marker")
case $row in
*$'\xe2\x80\xba') ok "a long code line ends in the cut marker" ;;
*) bad "a long code line ends in the cut marker (row: '$row')" ;;
esac
check_not "the end of the code line is off screen at first" "END-OF-CODE"
check "the prompt offers sideways scrolling" "<-/-> sideways"
for i in 1 2 3 4 5 6; do
	screen | grep -qF "END-OF-CODE" && break
	keys Right
	wait_for "$(printf '\xe2\x80\xb9')" 10 >/dev/null
done
check "Right scrolls the code line to its end" "END-OF-CODE"
check "a scrolled code line shows the left marker" $'\xe2\x80\xb9'
keys g
check "g scrolls back to the start" "int code_marker"

# The status bar (the progress row and below): the path the learner
# opens, whole.
if bar_rows | grep -qF " asynclab-work/exercises/00-lines.c"; then
	ok "the status bar shows the exercise as the learner opens it"
else
	bad "the status bar shows the exercise as the learner opens it"
fi

# A hint of 200 columns.
keys h
check "the first hint opens" "hint 1 of 2"
check_joined "a 200-column hint reads whole" "$H"
keys q

# The result: a 200-column check message and the program's own output.
keys r
check "the starter fails" "FAIL" 60
check_joined "a 200-column check message reads whole" "$M"
for i in 1 2 3 4; do
	joined | grep -qF -- "$S" && break
	keys Space
	wait_for "Output" 5 >/dev/null
done
check_joined "a 200-column line of the program's output reads whole" "$S"

# Compiler output: a 200-column error message.
printf '#error %s\n' "$Q" >"$ex"
keys r
check "the compile error is shown" "did not compile" 60
for i in 1 2 3 4; do
	joined | grep -qF -- "$Q" && break
	keys Space
	wait_for "Compiler output" 5 >/dev/null
done
check_joined "a 200-column compiler message reads whole" "error: #error $Q"

# The solution diff: its 200-column line is cut with a marker, and its
# headers fit.  The learner's passing file lacks the solution's comment.
sed -e "s|printf(\"$S\\\\n\");|printf(\"done\\\\n\");|" "$L/starter.c" >"$ex"
grep -q 'printf("done' "$ex" || { bad "the passing file was not made"; }
keys r
check "the solution passes" "PASS" 60
keys s
check "the solution diff opens" "Reference solution"
check "the diff's header names the learner's file" "--- yours: asynclab-work/exercises/00-lines.c"
row=$(screen | grep -E '^ *\+ *printf\("done.*d001')
case $row in
*$'\xe2\x80\xba') ok "a long diff line ends in the cut marker" ;;
*) bad "a long diff line ends in the cut marker (row: '$row')" ;;
esac
for i in 1 2 3 4 5 6; do
	screen | grep -qF "d040 */" && break
	keys Right
	wait_for "$(printf '\xe2\x80\xb9')" 10 >/dev/null
done
check "Right shows the end of the diff line" "d040 */"
quit

# A workspace outside the folder the lab starts in: its absolute path (68
# columns) is shown whole, on a row of its own as it does not fit beside
# the bar.
deep="$work/a-folder-with-a-long-name"
mkdir -p "$deep" "$work/elsewhere"
ASYNCLAB_LESSONS="$lessons" "$bin" init "$deep/ws" >/dev/null ||
	bad "a workspace is created with asynclab init"
startdir="$work/elsewhere"
start ASYNCLAB_WORKSPACE="$deep/ws"
keys Enter
wait_for "Long lines"
if bar_rows | grep -qF "$deep/ws/exercises/00-lines.c"; then
	ok "a long absolute exercise path is shown whole"
else
	bad "a long absolute exercise path is shown whole"
fi
quit
finish
