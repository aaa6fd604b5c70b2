/*
 * clock: the one sum of a time and a wait, for the absolute deadlines
 * pthread_cond_timedwait takes, and the one monotonic clock in
 * milliseconds, for timeouts and intervals.
 */
#ifndef GALLEY_CLOCK_H
#define GALLEY_CLOCK_H

#include <stdint.h>
#include <time.h>

/* The time ms milliseconds from now on clock clk, into *out. */
void	clock_after(clockid_t clk, long ms, struct timespec *out);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t	clock_ms(void);

#endif
