/* inspect_driver.c - a stand-alone `asynclab-check` program over axc_main,
 * for the inspector's own tests and the finding corpus; the asynclab
 * program offers the same as its `check` subcommand. */
#include "config.h"

#include "axcheck.h"

int main(int argc, char **argv)
{
	return axc_main(argc, argv, NULL);
}
