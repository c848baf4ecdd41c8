/*
 * errname.h - the symbolic name of an errno value ("ENOMEM"), as scenarios
 * and event lines print it.
 */
#ifndef VMLAB_ERRNAME_H
#define VMLAB_ERRNAME_H

/* err may be negative (-ENOMEM) or positive. */
const char *errno_name(int err);

#endif
