# tests/runtime/combinators.mk - build rules for this part (see Makefile.am).
