/*
 * date: see date.h.
 */
#include <string.h>

#include "date.h"

void
date_utc(int64_t t, struct tm *tm)
{
	time_t	 tt = (time_t)t;

	if ((int64_t)tt != t || gmtime_r(&tt, tm) == NULL) {
		tt = 0;
		gmtime_r(&tt, tm);
	}
}
