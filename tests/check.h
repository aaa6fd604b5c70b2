/*
 * check: the assertions every C test uses.  Each CHECK counts one passed
 * or failed assertion and explains a failure on stderr; check_done()
 * prints the closing "N passed, N failed" line that tests/run.sh sums and
 * returns the process exit status.
 */
#ifndef GALLEY_CHECK_H
#define GALLEY_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

static inline int
check_one(int ok, const char *what, const char *file, int line)
{
	if (ok)
		check_passed++;
	else {
		check_failed++;
		fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

static inline int
check_str(const char *got, const char *want, const char *what,
    const char *file, int line)
{
	int	 ok = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (!check_one(ok, what, file, line))
		fprintf(stderr, "  want: [%s]\n  got:  [%s]\n",
		    want ? want : "(null)", got ? got : "(null)");
	return ok;
}

static inline int
check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	fflush(stdout);		/* LeakSanitizer exits without flushing */
	return check_failed ? 1 : 0;
}

#define CHECK(c)		check_one(!!(c), #c, __FILE__, __LINE__)
#define CHECK_MSG(c, msg)	check_one(!!(c), (msg), __FILE__, __LINE__)
#define CHECK_STR(got, want)	check_str((got), (want), #got " == " #want, \
				    __FILE__, __LINE__)

#endif
