/* Lesson 0: welcome.  Read lesson.md first, then make the checks pass.
 *
 * This program is meant to print a greeting after 100 ms of (virtual)
 * time.  Run it as it is: it prints only "Welcome to asynclab." and the
 * checker reports a finding.  Read the finding, then fix the one line it
 * points at. */
#include <asynclab.h>
#include <stdio.h>

/* async fn greet(name: &str) -> i32: waits 100 ms, then says hello. */
AX_ASYNC(greet, int, const char *name;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	printf("Hello, %s! The virtual clock says %d ms.\n", self->name,
	       (int)(ax_now() / 1000000));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	/* TODO(you): this line builds the greet future and drops it unused:
	 * nothing ever polls it.  Await it instead: AX_AWAIT( ... ); */
	AX_CALL(greet, .name = "learner");
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
