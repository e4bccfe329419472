/* Lesson 12: retry with exponential backoff and jitter, within a deadline.
 *
 * Clients a and b call a service that is restarting and refuses every
 * request until 700 ms.  Client c calls a service that stays down.  Run
 * it: every client retries at once, hammers its service 20 times in
 * 200 ms, and gives up before the restarting service is back. */
#include <asynclab.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* ---- the services ------------------------------------------------------- */

typedef struct service {
	const char *name;
	int up_at_ms;	     /* refuses requests before this; -1: never up */
	int refused;	     /* requests refused so far */
	int collisions;	     /* requests from two clients at one instant */
	uint64_t last_ns;    /* when the last request arrived, and from whom */
	const char *last_from;
} service;

static service restarting = { "restarting", 700, 0, 0, 0, NULL };
static service down = { "down", -1, 0, 0, 0, NULL };

/* async fn request(svc, from) -> Result<i64, Error>: 10 ms. */
AX_ASYNC(request, ax_res, service *svc; const char *from;)
{
	AX_BEGIN;
	service *s = self->svc;
	uint64_t t = ax_now();
	if (t > 0 && t == s->last_ns && strcmp(s->last_from, self->from) != 0)
		printf("[%d ms] %s: requests from %s and %s at the same moment"
		       " (collision %d)\n", now_ms(), s->name, s->last_from,
		       self->from, ++s->collisions);
	s->last_ns = t;
	s->last_from = self->from;
	AX_AWAIT(ax_sleep_ms(10));
	if (self->svc->up_at_ms < 0 || now_ms() < self->svc->up_at_ms) {
		printf("[%d ms] %s: request %d refused\n", now_ms(),
		       self->svc->name, ++self->svc->refused);
		AX_RETURN(((ax_res){ .err = -ECONNREFUSED }));
	}
	AX_RETURN(((ax_res){ .val = 42 }));
	AX_END;
}

/* ---- the clients -------------------------------------------------------- */

typedef struct client {
	const char *name;
	service *svc;
	int attempts; /* how many requests this client has made */
	int end_ms;   /* when it finished, succeeded or not */
	ax_res r;
} client;

/* async fn call_with_retry(c) -> Result<i64, Error> */
AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r;)
{
	AX_BEGIN;
	for (self->c->attempts = 1;; self->c->attempts++) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .svc = self->c->svc,
					     .from = self->c->name));
		if (self->r.err == 0 || self->c->attempts == 20)
			break;
		/* TODO(you): retrying at once hammers a service that is
		 * down.  Wait before each new attempt: 100 ms, then 200,
		 * 400, ... (never more than 1000 ms), each with random
		 * jitter, and start no attempt later than 2000 ms after the
		 * first.  ax_retry does all of that for you. */
	}
	self->c->end_ms = now_ms();
	self->c->r = self->r;
	AX_RETURN(self->r);
	AX_END;
}

static client clients[] = {
	{ "a", &restarting, 0, 0, { 0, 0 } },
	{ "b", &restarting, 0, 0, { 0, 0 } },
	{ "c", &down, 0, 0, { 0, 0 } },
};

AX_ASYNC(main_async, int, ax_vals v; int i;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(call_with_retry, .c = &clients[0]),
				     AX_CALL(call_with_retry, .c = &clients[1]),
				     AX_CALL(call_with_retry, .c = &clients[2])));
	for (self->i = 0; self->i < 3; self->i++) {
		client *c = &clients[self->i];
		if (c->r.err == 0)
			printf("client %s: ok after %d attempts\n", c->name, c->attempts);
		else
			printf("client %s: gave up after %d attempts at %d ms: %s\n",
			       c->name, c->attempts, c->end_ms, strerror(-c->r.err));
	}
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
