/*
 * comment: a reader's comment from the "Leave a Reply" form, from fields
 * to a stored row: validation with a message per field, the moderation
 * rules (flood, duplicates, links, word lists, first comments held), the
 * optional picture, and the write, all in one transaction so the rules
 * hold across nodes.
 */
#ifndef GALLEY_COMMENT_H
#define GALLEY_COMMENT_H

#include <stddef.h>
#include <stdint.h>

struct env;

enum comment_field {
	CF_FORM,	/* the form as a whole (closed, flood, duplicate) */
	CF_AUTHOR,
	CF_EMAIL,
	CF_URL,
	CF_COMMENT,
	CF_IMAGE,
	CF__MAX
};

/* What the reader sent, and what became of it. */
struct comment_form {
	int64_t		 post_id;
	int64_t		 parent_id;
	const char	*author;	/* NUL-terminated, as typed */
	const char	*email;
	const char	*url;
	const char	*text;
	int		 too_long[CF__MAX];	/* cut by the form reader */
	int		 nul[CF__MAX];		/* held a NUL byte */
	const void	*image;		/* NULL or image_len bytes */
	size_t		 image_len;
	int		 image_sent;	/* a file was chosen, even empty */
	const char	*ip;		/* the peer's address, as text */
	const char	*user_agent;	/* NULL if none was sent */
	const char	*stamp;		/* the form's time stamp ("" if none) */
	const char	*honeypot;	/* the field no reader sees */
	int		 notify;	/* "Notify me of replies by email"
					   ticked (notify_reader.h) */
	/* Results. */
	const char	*err[CF__MAX];	/* a sentence per field, or NULL */
	int		 later;		/* not the reader's doing: the site
					   could not take it now (err says) */
	int64_t		 id;		/* the new comment */
	const char	*status;	/* approved, pending or spam; "" if
					   discarded (nothing stored) */
	double		 spam_score;	/* the filter's score */
	unsigned	 signals;	/* enum spam_signal bits that fired */
	const char	*article;	/* the article's path */
	int		 retry_after;	/* with f->later: seconds to wait */
};

/*
 * Checks f and, if it passes, stores the comment.  Returns the HTTP
 * status for the reply: 303 (stored; f->id, f->status, f->article set),
 * 422 (f->err says why, per field), 404 (no such post), 503 (with
 * f->later set: the database is full, busy or down, or the pictures
 * being decoded leave no room; f->retry_after set), 507 (f->later set:
 * no space to save the picture), 500 (f->later set when the picture
 * could not be saved; else the database failed).  With f->later set,
 * f->err says what happened and the form can be shown again.  A picture
 * stored for a comment that is then not stored is taken back (only the
 * files this call made).  Strings it sets live in e's arena.
 */
int	comment_submit(const struct env *e, struct comment_form *f);
/*
 * Where comment id of post shows (a held one: under its parent): *thread
 * 0 and the article's comment page *page that holds its thread, when it
 * is its thread's head or one of the `comment_replies_shown` replies
 * shown under it there; else *thread its head and the page of that
 * thread's own pages.  One that would head a thread of its own goes
 * after the post's threads (threads of them; -1: not read yet).  Found
 * by index through e->conn.  A store_rc.
 */
int	comment_where(const struct env *e, int64_t post, int64_t id,
	    int64_t threads, int64_t *thread, int64_t *page);
/*
 * Returns, in e's arena, the path that shows comment id of post
 * (comment_where): article (the post's path) itself, with
 * /comment-page-N/, or one of its thread's own pages.  article if the
 * store fails.
 */
const char *comment_path(const struct env *e, const char *article,
	    int64_t post, int64_t id);
/* The comment page, from 1, that holds the thread at place (from 1). */
int64_t	comment_page_of(int64_t place, int64_t per);
/*
 * Returns 1 if s looks like an email address: local@domain.tld,
 * printable ASCII, no spaces, what WordPress's is_email takes.
 */
int	comment_email_ok(const char *s);
/*
 * The picture formats readers may attach under the setting
 * comment_image_formats (a space-separated subset of "jpeg png gif
 * webp"), as image_store's IMAGE_* bits; and, in e's arena, how the form
 * says them ("JPEG only", "JPEG, PNG or WebP") and its accept attribute
 * ("image/jpeg", "image/jpeg,image/png,image/webp").
 */
unsigned	 comment_image_formats(const struct env *e);
const char	*comment_image_label(const struct env *e);
const char	*comment_image_accept(const struct env *e);
struct post;
/*
 * Returns 1 if p takes comments now: open, a post (not a page), and not
 * closed by age (comments_close_days).
 */
int	comment_open(const struct env *e, const struct post *p);
/*
 * Erases the IP hashes and user agents of comments, and the IP hashes of
 * votes, older than the retention (privacy_retention_days) through
 * e->conn, in passes of a bounded number of rows, each its own
 * transaction.  Runs on each node hourly while it serves (server.c's
 * ticker), never on a reader's request.
 */
int	comment_forget_old(const struct env *e);
/*
 * Returns, in e's arena, the token that lets the writer of held comment
 * id see it for ten minutes: "ID.EXPIRY.MAC".
 */
const char *comment_held_token(const struct env *e, int64_t id);
/* Returns the comment id token names if it is genuine and fresh, or 0. */
int64_t	comment_held_check(const struct env *e, const char *token);
/*
 * Returns, in e's arena, a time stamp for the comment form of post_id:
 * "TIME.MAC", signed with the site secret.  The form carries it back,
 * and a form sent sooner after it than comment_min_seconds is a sign
 * of a bot.  Needs no database, so it is cheap to hand out per view.
 */
const char *comment_stamp(const struct env *e, int64_t post_id);
/*
 * Returns the time a genuine stamp for post_id was issued, or -1 for a
 * missing or forged one.
 */
int64_t	comment_stamp_time(const struct env *e, int64_t post_id, const char *stamp);

#endif
