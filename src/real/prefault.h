/*
 * prefault.h - keep vmlab's own page faults out of a real process's
 * measurements.
 *
 * A scenario process is a fork of vmlab: its first write to any of vmlab's
 * pages (the Lua state, libc's data, the stack) is a copy-on-write fault,
 * and its first run through a piece of code maps that text page. Those
 * faults are vmlab's, not the scenario's, and a fresh C program would have
 * taken them before main(). So each new process first touches what vmlab
 * had mapped when the run began (text and rodata read, resident private
 * data rewritten in place), the arena's resident pages and a stretch of
 * stack below the current frame. Mappings the scenario made are never
 * touched: a child's copy-on-write experiment stays the scenario's.
 */
#ifndef VMLAB_PREFAULT_H
#define VMLAB_PREFAULT_H

/* In the driver, before any scenario process exists: note vmlab's mappings. */
int prefault_note_mappings(void);
/* In a new process, before its function runs. */
void prefault_self(void);

#endif
