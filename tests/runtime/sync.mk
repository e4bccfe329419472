# tests/runtime/sync.mk - build rules for this part (see Makefile.am).
