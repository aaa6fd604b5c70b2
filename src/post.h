/*
 * post: a writer's post or page, from what was typed to stored rows:
 * a unique slug, the revision an edit replaces, categories and tags
 * (found, or made), publication now or at a time to come, the trash,
 * and deletion for good with what its comments taught the spam filter
 * unlearnt.  The admin's editor, the demo and the command line call it,
 * and an importer will: it knows nothing of HTTP (env.h).  Each call
 * runs inside the caller's transaction (store_begin): what it does is
 * kept or undone with the rest of it.
 */
#ifndef GALLEY_POST_H
#define GALLEY_POST_H

#include <stddef.h>
#include <stdint.h>

struct env;
struct post;

/* A category or tag for a post. */
struct post_term {
	const char	*taxonomy;	/* "category" or "tag" */
	const char	*slug;		/* NULL or "": from name */
	const char	*name;		/* "" with a slug: only if it exists */
};

/*
 * Saves p: new when old is NULL (p->author_id is its
 * author; p->id 0, or a free id to take, as an importer keeps
 * WordPress's), else an edit of old, whose title, body, excerpt and format
 * are kept as a revision by editor_id.  The slug is p->slug, or one
 * from the title if that is "", made unique among posts of its type by
 * -2, -3...  When terms is not NULL the post's terms become terms[0..n)
 * in that order: each found by its slug (made from the name if none is
 * given), or made with its name when it has one.  When a published
 * post's address changes, its old path goes into the redirect table;
 * a post published now takes its own path out of it.
 * Sets *id to the post.  Its search text is made from its body here.
 * Returns a store_rc; on failure the caller rolls back.
 */
int	post_save(const struct env *e, const struct post *p,
	    const struct post *old, const struct post_term *terms, size_t n,
	    int64_t editor_id, int64_t *id);
/*
 * 1 if p's date floats: it is not published and no time was chosen for
 * it, so publishing it dates it then, not when it was first saved (as
 * WordPress's drafts).  A post saved without a time is dated as it is
 * saved, so its published and modified times are the same.
 */
int	post_date_floats(const struct post *p);
/*
 * Moves old to status ("trash", or back to "draft"), as modified now;
 * a floating date (post_date_floats) stays floating.
 */
int	post_move(const struct env *e, const struct post *old,
	    const char *status);
/*
 * Deletes post id for good: first what its comments
 * taught the spam filter is unlearnt, then the post goes (its comments,
 * votes, terms and revisions with it).
 */
int	post_delete(const struct env *e, int64_t id);
/*
 * Makes the search text (body_text) of up to 100 posts that lack it:
 * those already there when migration 16 added it.  Sets *n to how many;
 * 0 when none is left.  `galley serve` runs it, a transaction a time,
 * until none is.  Every save (post_save, post_move) makes its own.
 */
int	post_index(const struct env *e, int64_t *n);

#endif
