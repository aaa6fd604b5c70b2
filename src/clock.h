/*
 * clock: the one sum of a time and a wait, for the absolute deadlines
 * pthread_cond_timedwait takes.
 */
#ifndef GALLEY_CLOCK_H
#define GALLEY_CLOCK_H

#include <time.h>

/* The time ms milliseconds from now on clock clk, into *out. */
void	clock_after(clockid_t clk, long ms, struct timespec *out);

#endif
