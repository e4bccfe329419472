/* Lesson 0: welcome.  The reference solution: the greeting future is
 * awaited, so it runs. */
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
	/* A future does nothing until it is awaited: AX_AWAIT polls it until
	 * it is ready.  Calling AX_CALL alone would only build the future
	 * and throw it away (the never-polled finding). */
	AX_AWAIT(AX_CALL(greet, .name = "learner"));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
