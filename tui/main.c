/* main.c - the asynclab program.  Until the lab's screens exist it runs a
 * short runtime demo: three sleeps run one after another, then together,
 * on the virtual clock. */
#include <asynclab.h>
#include <stdio.h>
#include <string.h>

AX_ASYNC(nap, int, int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

AX_ASYNC(demo, ax_unit, int i; ax_vals v; uint64_t t0;)
{
	AX_BEGIN;
	self->t0 = ax_now();
	for (self->i = 1; self->i <= 3; self->i++)
		AX_AWAIT(AX_CALL(nap, .ms = 100 * self->i));
	printf("sequential awaits: %3llu ms of virtual time (the sum)\n",
	       (unsigned long long)((ax_now() - self->t0) / 1000000));
	self->t0 = ax_now();
	AX_AWAIT(AX_TIMEOUT_MS(1000, AX_CALL(nap, .ms = 300)));
	printf("one awaited 300 ms nap: %3llu ms\n",
	       (unsigned long long)((ax_now() - self->t0) / 1000000));
	AX_END;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("asynclab %s\n", AX_VERSION);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: asynclab [--version]\n");
		return 2;
	}
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_VIRTUAL });
	if (!rt)
		return 1;
	AX_BLOCK_ON(rt, AX_CALL(demo));
	return ax_rt_free(rt) == 0 ? 0 : 1;
}
