/* class.h - what the class view's two halves share: gathering the learners
 * (class.c) and the numbers per lesson and per learner (class_tally.c).
 * Private to lessons/. */
#ifndef ASYNCLAB_LESSONS_CLASS_H
#define ASYNCLAB_LESSONS_CLASS_H

#include "engine.h"

/* What gathering keeps while it reads: the learners and their progress. */
typedef struct axl__gather {
	axl_class *k;
	axl_progress **prog; /* parallel to k->learners */
	char **real;	     /* realpaths already counted, for duplicates */
	size_t nreal;
	bool nomem;
} axl__gather;

/* Add the learners path holds (see axl_class_gather). */
void axl__class_add_path(axl__gather *g, const char *path);
/* Add the learners of a class document (axl_class_gather_doc). */
void axl__class_add_doc(axl__gather *g, const json_t *doc, const char *label);
/* Tally what g gathered into *out (g's scratch is freed either way). */
int axl__class_finish(axl__gather *g, const axl_catalog *c, axl_class **out);

#endif /* ASYNCLAB_LESSONS_CLASS_H */
