/* hooks.c - the scheduler's hook table.  The checker installs one; with
 * none installed every hook point is a single predictable branch. */
#include "internal.h"

const ax_hooks *ax__hooks;

/* Install h (NULL removes the table).  Callers install before creating a
 * runtime and remove after freeing it, so no poll races the change. */
void ax_hooks_install(const ax_hooks *h)
{
	__atomic_store_n(&ax__hooks, h, __ATOMIC_RELEASE);
}
