/*
 * moderation: a moderator's verdict on a comment.  Changing a comment's
 * status trains the spam filter in the same transaction: approved
 * teaches ham, spam teaches spam, and a verdict that changes unlearns
 * the old one first.  Pending and trash teach nothing and unlearn
 * nothing: they say nothing about spam.  Every status change (the
 * command line, the admin) goes through here.
 */
#ifndef GALLEY_MODERATION_H
#define GALLEY_MODERATION_H

#include <stdint.h>

struct env;
struct store_conn;

/*
 * Sets comment id's status (approved, pending, spam or trash) and
 * trains the filter to match, in one transaction on e->conn.  A reply
 * that becomes approved records the mail event "reply" in it, so its
 * parent's writer may hear of it (notify_reader.h).  Returns a
 * store_rc: STORE_NOTFOUND if there is no such comment.
 */
int	moderation_set(const struct env *e, int64_t id, const char *status);

/* What a comment was before a verdict: enough to undo it. */
struct moderation_was {
	char	 status[16];	/* approved, pending, spam, trash */
	char	 trained[8];	/* "", "ham" or "spam" */
};
/* moderation_set, and what the comment was before into *was. */
int	moderation_set_was(const struct env *e, int64_t id,
	    const char *status, struct moderation_was *was);
/*
 * Undoes a verdict: comment id back to was's status, and the filter
 * back to having learnt what was->trained says: what the verdict taught
 * is unlearnt (its exact step), and the old lesson learnt again if it
 * had one.  The counts are then as before the verdict.  No mail: what
 * it restores was seen before.  Returns a store_rc.
 */
int	moderation_undo(const struct env *e, int64_t id,
	    const struct moderation_was *was);

struct arena;
struct comment;
/*
 * Inside the caller's transaction: takes away what comment cm (as read
 * by comment_by_id or privacy_comments) taught the filter, before its
 * fields are erased.  Returns a store_rc.
 */
int	moderation_forget(struct store_conn *c, struct arena *a,
	    const struct comment *cm);

/*
 * A moderator's edit of comment edit->id (author, email, url, content):
 * what the old fields taught the filter is unlearnt and the new ones
 * taught in its place, in one transaction.  Returns a store_rc.
 */
int	moderation_edit(struct store_conn *c, const struct comment *edit);
/* Deletes comment id for good, unlearning what it taught first. */
int	moderation_delete(struct store_conn *c, int64_t id);

#endif
