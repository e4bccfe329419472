/* blocking.c - placeholder, being written. */
#include "internal.h"
void ax__pool_destroy(ax_rt *rt) { (void)rt; }
