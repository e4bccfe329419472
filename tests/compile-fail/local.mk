# tests/compile-fail: misuses of the asynclab.h macros that must not
# compile (with the compiler's message named in each file), and correct
# uses that must compile warning-free; gcc and clang.
TESTS += tests/compile-fail/run
EXTRA_DIST += tests/compile-fail/run tests/compile-fail/fail_await_boxed.c \
	tests/compile-fail/fail_await_box_value.c \
	tests/compile-fail/fail_await_int.c \
	tests/compile-fail/fail_call_misspelled.c \
	tests/compile-fail/fail_call_positional.c \
	tests/compile-fail/fail_call_positional_zero.c \
	tests/compile-fail/fail_no_begin.c \
	tests/compile-fail/fail_timeout_join.c \
	tests/compile-fail/fail_join_struct.c \
	tests/compile-fail/fail_select_double.c \
	tests/compile-fail/fail_try_join_collect.c \
	tests/compile-fail/fail_join_17.c \
	tests/compile-fail/fail_join_into_type.c \
	tests/compile-fail/fail_join_into_struct.c \
	tests/compile-fail/fail_join_into_odd.c \
	tests/compile-fail/fail_map_call_field.c \
	tests/compile-fail/fail_map_call_output.c \
	tests/compile-fail/fail_spawn_struct.c \
	tests/compile-fail/fail_spawn_named_double.c \
	tests/compile-fail/fail_taskset_struct.c \
	tests/compile-fail/fail_taskset_join.c \
	tests/compile-fail/ok_uses.c
