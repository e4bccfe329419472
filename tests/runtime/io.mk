# tests/runtime/io.mk - build rules for this part (see Makefile.am).
