/* lab.h - the interactive lab's entry point. */
#ifndef ASYNCLAB_TUI_LAB_H
#define ASYNCLAB_TUI_LAB_H

/* Run the lab (argv[0] is the program; options --ascii, --color,
 * --no-color).  Returns the exit status. */
int axtui_main(int argc, char **argv);

#endif
