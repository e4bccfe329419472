/* Lesson 0: welcome.  Read lesson.md first, then make the checks pass.
 *
 * welcome(name) is meant to greet the learner (greet takes 100 ms of
 * virtual time), then print "Welcome to asynclab.".  The lesson provides
 * greet (see lesson.h) and calls welcome for you.  Run it as it is: it
 * prints only "Welcome to asynclab." and the checker reports a finding.
 * Read the finding, then fix the one line it points at. */
#include "lesson.h"
#include <stdio.h>

/* async fn welcome(name) */
AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	/* TODO(you): this line builds the greet future and drops it unused:
	 * nothing ever polls it.  Await it instead: AX_AWAIT( ... ); */
	AX_CALL(greet, .name = self->name);
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
