/*
 * page_admin: what the admin's pages share (page_admin*.c).  Each
 * section's GET handler renders a page for a checked session; its POST
 * handler acts on a form whose origin and CSRF token are checked, and
 * answers 303 back to a page (admin_back) or renders it again with
 * messages.
 */
#ifndef GALLEY_PAGE_ADMIN_H
#define GALLEY_PAGE_ADMIN_H

#include <stdint.h>
#include <jansson.h>

struct comment;
struct form;
struct media;
struct req;
struct session;

/* The view every admin page starts from: the menu, the user, the CSRF. */
json_t	*admin_view(struct req *, const struct session *, const char *title);
/* Sets a 303 to /admin/SECTION/?QUERY (query may be NULL); returns 303. */
int	 admin_back(struct req *, const char *section, const char *query);
/*
 * Answers a page's script with o (taken) as compact JSON, never cached;
 * returns status.  admin_json_write is json_dump_callback's writer into
 * a struct buf, for other shapes of the same.
 */
int	 admin_json(struct req *, int status, json_t *o);
int	 admin_json_write(const char *data, size_t len, void *buf);
/* Renders a refusal (403, 404, 405) with the menu; returns status. */
int	 admin_refuse(struct req *, const struct session *, int status,
	    const char *why);
/*
 * A word the admin stores and shows (a role, a post's type or status, a
 * comment's status) in the site's language: kind is its msgctxt
 * ("role", "post type", "post status", "comment status", "spam
 * filter"); a word admin_words lacks is shown as it is.
 */
const char *admin_word(struct req *, const char *kind, const char *word);
/* One comment as the moderation views show it (email, score, signals). */
json_t	*admin_comment_view(struct req *, const struct comment *);

/*
 * The pages for people with no session (page_admin_reset.c): GET (in
 * NULL) and POST of /admin/lost/ and /admin/reset/.
 */
int	 admin_lost(struct req *, struct form *in);
int	 admin_reset(struct req *, struct form *in);

int	 admin_posts(struct req *, struct session *);
int	 admin_posts_post(struct req *, struct session *, struct form *);
int	 admin_comments(struct req *, struct session *);
int	 admin_comments_post(struct req *, struct session *, struct form *);
int	 admin_settings(struct req *, struct session *);
int	 admin_settings_post(struct req *, struct session *, struct form *);
/*
 * Stores the picture uploaded in in's field "image" as a library item
 * (alt its text: refused if it would not do as Markdown's), as the
 * media page's upload and the editor's do, or finds the item
 * that has its bytes already: *id.  Returns 0, or the status to answer
 * with and *why the reason to show (static or in r's arena).
 */
int	 admin_media_store(struct req *, struct form *in, const char *alt,
	    int64_t *id, const char **why);
/*
 * Library item m as the media page shows it: id, src, alt, caption,
 * size, date, and the Markdown and HTML that put it in a post (the
 * editor's picker shows the same).
 */
json_t	*admin_media_item(struct req *, const struct media *m);
int	 admin_media(struct req *, struct session *);
int	 admin_media_post(struct req *, struct session *, struct form *);
int	 admin_terms(struct req *, struct session *);
int	 admin_terms_post(struct req *, struct session *, struct form *);
int	 admin_appearance(struct req *, struct session *);
int	 admin_appearance_post(struct req *, struct session *, struct form *);
int	 admin_privacy(struct req *, struct session *);
int	 admin_privacy_post(struct req *, struct session *, struct form *);
int	 admin_tools(struct req *, struct session *);
int	 admin_tools_post(struct req *, struct session *, struct form *);
int	 admin_users(struct req *, struct session *);
int	 admin_users_post(struct req *, struct session *, struct form *);

#endif
