# tests/checker/local.mk - build rules for this part (see Makefile.am).
