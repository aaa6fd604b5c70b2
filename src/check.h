/*
 * check: `galley check DIR [--repair]`: what could be wrong with a site
 * at rest, reported one line a problem.
 */
#ifndef GALLEY_CHECK_H
#define GALLEY_CHECK_H

#include <stdio.h>

/*
 * Checks the site in dir as it is (no migration applied): migrations
 * pending, the engine's integrity check, foreign keys, every tally
 * against a recount, pictures rows name that are missing and stored
 * files nothing names.  Each problem is a line on out.  With repair,
 * wrong tallies are corrected and unnamed files taken away (files moved
 * to DIR/media-orphans/, rows of media_blobs deleted), each said.
 * Returns the problems left (0: the site is sound), or -1 if the site
 * cannot be opened (said on stderr).
 */
int	check_site(const char *dir, int repair, FILE *out);

#endif
