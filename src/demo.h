/*
 * demo: the demo site of `galley init --demo`, exactly the state of the
 * seed page (shared/seed/seed-page.txt): the article with its video,
 * picture and source, its category and seven tags, two votes averaging
 * 6.0 of 10, Oleg's comment (+1 from 1 vote) and the threaded reply, and
 * the privacy page.  The texts live in demo/ and are embedded.
 */
#ifndef GALLEY_DEMO_H
#define GALLEY_DEMO_H

#include <stddef.h>

struct env;

/*
 * Writes the demo content through e->conn (inside the caller's
 * transaction), its post through post_save, and its picture into the
 * site's media folder; the site's secret keys the commenters' avatars.
 * Returns a store_rc; on failure err may hold a message.
 */
int	demo_load(const struct env *e, char *err, size_t errlen);

#endif
