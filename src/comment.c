/*
 * comment: see comment.h.  Validation first (cheap, no database), then
 * the picture (files named by their hash; those this comment made are
 * taken back if it is then not stored), then one transaction: lock the
 * writer's IP hash, read the facts the rules need, decide, insert; that
 * transaction is shared with the comments that arrive at the same time
 * (group commit, batch.h), each in a savepoint of its own only once one
 * of the batch has failed.  Retention (comment_forget_old) runs beside,
 * on the server's ticker.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "avatar.h"
#include "batch.h"
#include "buf.h"
#include "comment.h"
#include "comment_text.h"
#include "html.h"
#include "i18n.h"
#include "image.h"
#include "env.h"
#include "mail.h"
#include "notify_reader.h"
#include "setting.h"
#include "sign.h"
#include "site.h"
#include "spam.h"
#include "store.h"
#include "url.h"

#define HELD_SECONDS	600	/* how long a held comment's token lives */
#define STAMP_AHEAD	60	/* how far ahead a node's clock may run */
#define FULL_RETRY	60	/* Retry-After when the disk is full */
#define BUSY_RETRY	10	/* ... when the database or decoding is busy */

/* Code points in valid UTF-8. */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
comment_email_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strlen(s) > 254 || strchr(at, '.') == NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("\"(),:;<>[\\]", *p) != NULL)
			return 0;
	p = s + strlen(s) - 1;
	return *p != '.' && at[1] != '.' && strstr(at, "..") == NULL;
}

/* Sets the per-field messages; returns 1 if every field passed. */
static int
validate(struct comment_form *f)
{
	int	 i, ok = 1;

	if (f->too_long[CF_AUTHOR] || chars(f->author) > 100)
		f->err[CF_AUTHOR] = N_("Your name can be at most 100"
		    " characters.");
	else if (!comment_text_valid(f->author, strlen(f->author)))
		f->err[CF_AUTHOR] = N_("Your name has characters that are not"
		    " valid text (UTF-8).");
	else if (blank(f->author))
		f->err[CF_AUTHOR] = N_("Please enter your name.");
	if (blank(f->email))
		f->err[CF_EMAIL] = N_("Please enter your email address.");
	else if (f->too_long[CF_EMAIL] || !comment_email_ok(f->email))
		f->err[CF_EMAIL] = N_("That does not look like an email"
		    " address.");
	if (*f->url != '\0' && (f->too_long[CF_URL] || strlen(f->url) > 200 ||
	    !url_http_ok(f->url)))
		f->err[CF_URL] = N_("A website address must start with http://"
		    " or https:// (at most 200 characters).");
	if (f->too_long[CF_COMMENT] || chars(f->text) > 20000)
		f->err[CF_COMMENT] = N_("A comment can be at most 20,000"
		    " characters.");
	else if (!comment_text_valid(f->text, strlen(f->text)))
		f->err[CF_COMMENT] = N_("Your comment has characters that are"
		    " not valid text (UTF-8).");
	else if (blank(f->text))
		f->err[CF_COMMENT] = N_("Please type a comment.");
	if (f->too_long[CF_IMAGE])
		f->err[CF_IMAGE] = N_("The image is too large: at most 8 MB.");
	for (i = CF_AUTHOR; i <= CF_COMMENT; i++)
		if (f->nul[i])
			f->err[i] = N_("This field holds a character (NUL) that"
			    " text cannot contain.");
	for (i = 0; i < CF__MAX; i++)
		if (f->err[i] != NULL)
			ok = 0;
	return ok;
}

/* ASCII case-insensitive search for needle[0..n) in hay. */
static int
contains(const char *hay, const char *needle, size_t n)
{
	size_t	 i;

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0' &&
		    tolower((unsigned char)hay[i]) ==
		    tolower((unsigned char)needle[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * Returns 1 if any word of list (one per line or comma-separated, as
 * WordPress's lists are) occurs in any of the comment's fields.
 */
static int
listed(const char *list, const struct comment *cm)
{
	const char	*fields[] = { cm->author, cm->email, cm->url,
	    cm->content, cm->ip_hash, cm->user_agent };
	const char	*w = list, *end;
	size_t		 n, i;

	while (*w != '\0') {
		while (*w == '\n' || *w == '\r' || *w == ',' || *w == ' ' ||
		    *w == '\t')
			w++;
		end = w + strcspn(w, "\r\n,");
		n = (size_t)(end - w);
		while (n > 0 && (w[n - 1] == ' ' || w[n - 1] == '\t'))
			n--;
		for (i = 0; n > 0 && i < sizeof(fields) / sizeof(fields[0]);
		    i++)
			if (fields[i] != NULL && contains(fields[i], w, n))
				return 1;
		w = end;
	}
	return 0;
}

/*
 * The signals the form itself gives: the honeypot filled, the stamp
 * missing or forged, the form sent too soon after it, no user agent.
 */
static unsigned
form_signals(const struct env *e, const struct comment_form *f)
{
	unsigned	 sig = 0;
	int64_t		 t = comment_stamp_time(e, f->post_id, f->stamp);

	if (f->honeypot != NULL && *f->honeypot != '\0')
		sig |= SPAM_SIG_HONEYPOT;
	if (t < 0)
		sig |= SPAM_SIG_NO_TOKEN;
	else if (e->now - t < set_int(e->set, SET_COMMENT_MIN_SECONDS))
		sig |= SPAM_SIG_TOO_FAST;
	if (f->user_agent == NULL || *f->user_agent == '\0')
		sig |= SPAM_SIG_NO_AGENT;
	return sig;
}

/*
 * The filter's score for cm, and the link-host signal, read before the
 * comment's transaction: counts need not be locked, and the locks are
 * held for less time.
 */
static int
score(const struct env *e, struct comment_form *f, const struct comment *cm)
{
	struct spam_comment	 sc = { cm->author, cm->email, cm->url,
	    cm->content };
	struct spam_toks	 t;
	struct spam_count	*c;
	int64_t			 nham, nspam, bias;
	int			 rc;

	spam_toks_init(&t, e->arena);
	spam_comment_tokens(&t, &sc);
	c = arena_alloc(e->arena, (t.n + 1) * sizeof(*c));
	if ((rc = store_spam_counts(e->conn, t.tok, t.n, c, &nham,
	    &nspam, &bias)) != STORE_OK)
		return rc;
	f->spam_score = spam_opinion(c, t.n, nham, nspam, bias);
	f->signals |= spam_host_signal(&t, c);
	return STORE_OK;
}

/*
 * The filter's class, inside the transaction: the score and signals,
 * with a sender seen in spam (from the facts read under the locks).
 */
static enum spam_class
classify(const struct env *e, struct comment_form *f,
    const struct comment_facts *fa)
{
	if (fa->spam_before > 0)
		f->signals |= SPAM_SIG_KNOWN;
	return spam_verdict(f->spam_score, f->signals,
	    set_real(e->set, SET_HAM_THRESHOLD),
	    set_real(e->set, SET_SPAM_THRESHOLD),
	    set_bool(e->set, SET_DISCARD_BLATANT));
}

/*
 * Which status a new comment gets (facts read, filter consulted):
 * NULL to discard it.  Spam as the filter or the disallowed words say;
 * held when the filter is unsure or a moderation rule says so.
 */
static const char *
decide(const struct env *e, const struct comment *cm, const struct comment_facts *fa,
    enum spam_class k)
{
	if (k == SPAM_DISCARD)
		return NULL;
	if (k == SPAM_SPAM || listed(set_text(e->set, SET_DISALLOWED_WORDS), cm))
		return "spam";
	if (k == SPAM_UNSURE || comment_text_links(cm->content, strlen(cm->content)) >
	    set_int(e->set, SET_COMMENT_MAX_LINKS) ||
	    listed(set_text(e->set, SET_MODERATION_WORDS), cm) ||
	    (set_bool(e->set, SET_COMMENT_MODERATE_FIRST) &&
	    fa->approved_by_email == 0))
		return "pending";
	return "approved";
}

int
comment_open(const struct env *e, const struct post *p)
{
	int64_t	 days = set_int(e->set, SET_COMMENTS_CLOSE_DAYS);

	return p->comments_open && strcmp(p->type, "post") == 0 &&
	    (days == 0 || e->now - p->published <= days * 86400);
}

/* The checks that need the post: it exists, is open, the parent fits. */
static int
check_post(const struct env *e, struct comment_form *f, struct post *p)
{
	struct comment	 parent;
	struct buf	 b;
	int		 rc;

	rc = store_post_by_id(e->conn, e->arena, f->post_id, p);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? 404 : 503;
	buf_init(&b);
	url_post(&b, site_zone(e->site, e->set), p->published, p->slug);
	f->article = arena_strdup(e->arena, b.data);
	buf_reset(&b);
	if (p->published > e->now)
		return 404;	/* scheduled: not there yet */
	if (!comment_open(e, p))
		f->err[CF_FORM] = N_("Comments are closed on this article.");
	else if (f->parent_id != 0 && (store_comment_by_id(e->conn,
	    e->arena, f->parent_id, &parent) != STORE_OK ||
	    parent.post_id != p->id || strcmp(parent.status, "approved") != 0))
		f->err[CF_FORM] = N_("The comment you replied to is not on this"
		    " article.");
	return f->err[CF_FORM] != NULL ? 422 : 0;
}

/* The rules that refuse a comment outright; sets the form's message. */
static int
refused(struct comment_form *f, const struct comment_facts *fa,
    int64_t flood)
{
	if (fa->duplicates > 0)
		f->err[CF_FORM] = N_("You have already posted that comment here.");
	else if (flood > 0 && fa->recent_from_ip > 0)
		f->err[CF_FORM] = N_("You are posting comments too quickly."
		    " Please wait a few seconds and try again.");
	return f->err[CF_FORM] != NULL;
}

/*
 * The refusing rules once before a picture is decoded, so a flood or a
 * duplicate costs no image work; batch_one checks them again under
 * its locks, where they count (and alone, for a comment with none: one
 * query fewer for each comment the rules let through).
 */
static int
precheck(const struct env *e, struct comment_form *f, const struct comment *cm)
{
	struct comment_facts	 fa;
	int64_t			 flood = set_int(e->set, SET_COMMENT_FLOOD_SECONDS);
	int			 rc;

	rc = store_comment_facts(e->conn, cm, e->now - flood, &fa);
	if (rc != STORE_OK)
		return rc;
	return refused(f, &fa, flood) ? STORE_CONFLICT : STORE_OK;
}

/*
 * The staff's notice of comment id, stored with status (notify_staff.c):
 * recorded with the comment in its batch, so it goes if the comment
 * goes.  Approved with comments_notify on, held with moderation_notify
 * on; never for spam.
 */
static int
staff_event(const struct env *e, const char *status, int64_t id)
{
	int	 on = 0;		/* spam: nobody is told */

	if (strcmp(status, "approved") == 0)
		on = set_bool(e->set, SET_COMMENTS_NOTIFY);
	else if (strcmp(status, "pending") == 0)
		on = set_bool(e->set, SET_MODERATION_NOTIFY);
	return on ? mail_event(e, "staff", id) : STORE_OK;
}

/*
 * One comment of a batch, inside the batch's transaction on e->conn with
 * its locks held: the facts (which see the comments of the batch before
 * it), the rules, the verdict, the insert.  STORE_CONFLICT when the
 * rules refuse it (*clean set: nothing written, no statement failed);
 * STORE_OK with cm->status NULL when it is blatant spam, to be dropped
 * with the sender told nothing.
 */
static int
batch_one(const struct env *e, struct comment_form *f, struct comment *cm,
    int *clean)
{
	struct comment_facts	 fa;
	enum spam_class		 k;
	int64_t			 flood = set_int(e->set, SET_COMMENT_FLOOD_SECONDS);
	int			 rc;

	*clean = 0;
	if ((rc = store_comment_facts(e->conn, cm, e->now - flood, &fa)) !=
	    STORE_OK)
		return rc;
	if (refused(f, &fa, flood)) {
		/* Nothing of a first run rolled back is left to be read. */
		f->id = 0;
		cm->status = NULL;
		*clean = 1;
		return STORE_CONFLICT;
	}
	k = classify(e, f, &fa);
	cm->spam_score = f->spam_score;
	cm->spam_signals = (char *)spam_signal_names(e->arena, f->signals);
	if ((cm->status = (char *)decide(e, cm, &fa, k)) == NULL)
		return STORE_OK;
	if ((rc = store_comment_add(e->conn, cm, &f->id)) != STORE_OK)
		return rc;
	/*
	 * What the mail needs, with the comment or not at all.  Spam
	 * subscribes no one: else a spammer could have the site mail a
	 * confirmation to every address it makes up.
	 */
	if (f->notify && strcmp(cm->status, "spam") != 0 &&
	    (rc = notify_reader_subscribe(e, f->id, f->email)) != STORE_OK)
		return rc;
	if (cm->parent_id != 0 && strcmp(cm->status, "approved") == 0 &&
	    (rc = mail_event(e, "reply", f->id)) != STORE_OK)
		return rc;
	return staff_event(e, cm->status, f->id);
}

/* A comment waiting in the site's batch (site->comments). */
struct queued {
	const struct env	*e;
	struct comment_form	*f;
	struct comment		*cm;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Runs a batch of comments in one transaction on the leader's connection
 * c: one commit, one fsync, for every comment that arrived together.
 * The locks of every comment (its post's, which serialises the duplicate
 * rule, and its IP hash's, the flood rule's) are taken first, in one
 * sorted order, so batches on different nodes cannot deadlock.  With
 * each set, every comment runs inside a savepoint of its own, so one
 * that fails or is refused takes back only its own writes.  Without,
 * the first comment that fails (not one the rules refuse, which has
 * written nothing) rolls the whole batch back: 1 is returned, its rc
 * set, for the batch to be run again with savepoints.
 */
static int
comments_try(struct store_conn *c, struct batch_item **items, size_t n,
    int each)
{
	const char		*keys[2 * BATCH_MAX];
	struct queued		*q, *first = items[0]->arg;	/* n >= 1 */
	struct env		 e;
	size_t			 i, nk = 0;
	int64_t			 gen = 0;
	int			 rc, one, clean;

	for (i = 0; i < n; i++) {
		q = items[i]->arg;
		keys[nk++] = arena_printf(q->e->arena, "post:%lld",
		    (long long)q->cm->post_id);
		keys[nk++] = q->cm->ip_hash;
	}
	qsort(keys, nk, sizeof(keys[0]), by_name);
	rc = store_begin(c);
	for (i = 0; i < nk && rc == STORE_OK; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]) != 0)
			rc = store_lock(c, keys[i]);
	for (i = 0; i < n; i++) {
		q = items[i]->arg;
		if (rc != STORE_OK ||
		    (each && (rc = store_savepoint(c)) != STORE_OK)) {
			items[i]->rc = rc;
			continue;
		}
		e = *q->e;
		e.conn = c;
		one = batch_one(&e, q->f, q->cm, &clean);
		if (!each) {
			if (one != STORE_OK && !clean) {
				items[i]->rc = one;
				store_rollback(c);
				return 1;
			}
		} else if (one == STORE_OK && q->cm->status != NULL)
			rc = store_savepoint_keep(c);
		else
			rc = store_savepoint_undo(c);
		items[i]->rc = rc == STORE_OK ? one : rc;
	}
	/*
	 * The generation the batch made, noted once it has committed, one
	 * read for all its writers: the pages they are sent to next must
	 * show their comments, also on a PostgreSQL node that has not yet
	 * heard of the commit by NOTIFY.
	 */
	if (rc == STORE_OK)
		rc = store_generation(c, &gen);
	/* A COMMIT that failed may leave the transaction open on SQLite. */
	if (rc == STORE_OK && (rc = store_commit(c)) != STORE_OK)
		store_rollback(c);
	else if (rc != STORE_OK)
		store_rollback(c);
	if (rc == STORE_OK)	/* every item is of one site's batch */
		store_generation_note(first->e->site->store, gen);
	/*
	 * Nothing of the batch was kept: each comment fails with it, even
	 * one the rules refused for an earlier one's sake.
	 */
	for (i = 0; i < n && rc != STORE_OK; i++)
		items[i]->rc = rc;
	return 0;
}

/*
 * A batch without savepoints first: on PostgreSQL each is a
 * subtransaction, and 30 INSERTs of a comment each in one took 11 to
 * 25 ms against 1.4 to 2.4 ms in one transaction (PL/pgSQL's exception
 * blocks, the same subtransactions), besides the SAVEPOINT and RELEASE
 * round trips: the leader runs every comment of the batch in turn, and
 * the rest wait for it.  Only when one fails is the batch run again,
 * each comment in a savepoint, with what the first run set in each form
 * put back.
 */
static void
comments_run(void *ctx, struct batch_item **items, size_t n)
{
	struct store_conn	*c = ctx;
	unsigned		 signals[BATCH_MAX];
	const char		*said[BATCH_MAX];
	struct queued		*q;
	size_t			 i;

	for (i = 0; i < n; i++) {
		q = items[i]->arg;
		signals[i] = q->f->signals;
		said[i] = q->f->err[CF_FORM];
	}
	/* One alone has nothing to share its transaction with. */
	if (comments_try(c, items, n, 0) && n > 1) {
		for (i = 0; i < n; i++) {
			q = items[i]->arg;
			q->f->signals = signals[i];
			q->f->err[CF_FORM] = said[i];
		}
		(void)comments_try(c, items, n, 1);
	}
	for (i = 0; i < n; i++) {
		q = items[i]->arg;
		if (items[i]->rc == STORE_OK)
			q->f->status = q->cm->status != NULL ?
			    q->cm->status : "";
	}
}

/*
 * Stores cm with the comments that arrive with it, in one transaction
 * (comments_run); returns as batch_one would, once that transaction has
 * committed, with f->status set ("" for a comment dropped as spam).
 */
static int
comment_commit(const struct env *e, struct comment_form *f,
    struct comment *cm)
{
	struct queued		 q = { e, f, cm };
	struct batch_item	 it = { .arg = &q };

	batch_join(e->site->comments, &it, comments_run, e->conn);
	return it.rc;
}

int64_t
comment_page_of(int64_t place, int64_t per)
{
	return (place - 1) / per + 1;
}

int
comment_where(const struct env *e, int64_t post, int64_t id, int64_t threads,
    int64_t *thread, int64_t *page)
{
	int64_t			 per = set_int(e->set, SET_COMMENTS_PER_PAGE);
	struct comment_place	 pl;
	int			 rc;

	if ((rc = store_comment_place(e->conn, id, &pl)) != STORE_OK)
		return rc;
	if (pl.pos == 0) {
		if (threads < 0 && (rc = store_comment_threads(e->conn, post,
		    &threads)) != STORE_OK)
			return rc;
		pl.pos = threads + 1;
	}
	if (pl.rank <= set_int(e->set, SET_COMMENT_REPLIES_SHOWN)) {
		*thread = 0;
		*page = comment_page_of(pl.pos, per);
	} else {
		*thread = pl.head;
		*page = pl.rank / per + 1;
	}
	return STORE_OK;
}

const char *
comment_path(const struct env *e, const char *article, int64_t post,
    int64_t id)
{
	struct route	 rt;
	struct buf	 b;
	const char	*out;
	int64_t		 thread, page;

	if (url_parse(article, &rt) == -1 ||
	    comment_where(e, post, id, -1, &thread, &page) != STORE_OK)
		return article;
	rt.thread = thread;
	rt.page = (int)page;
	buf_init(&b);
	url_route(&b, &rt);
	out = arena_strdup(e->arena, b.data);
	buf_reset(&b);
	return out;
}

/* Rows a pass of retention blanks at most, per table: a short write. */
#define FORGET_BATCH	1000

int
comment_forget_old(const struct env *e)
{
	int64_t	 days = set_int(e->set, SET_PRIVACY_RETENTION_DAYS);
	int64_t	 n;
	int	 rc;

	do
		rc = store_forget(e->conn, e->now - days * 86400,
		    FORGET_BATCH, &n);
	while (rc == STORE_OK && n == FORGET_BATCH);
	return rc;
}

/* The formats a comment may carry, as the setting and the form name them. */
static const struct image_kind {
	const char	*word, *name, *mime;
	unsigned	 bit;
} image_kinds[] = {
	{ "jpeg", "JPEG", "image/jpeg", IMAGE_JPEG },
	{ "png", "PNG", "image/png", IMAGE_PNG },
	{ "gif", "GIF", "image/gif", IMAGE_GIF },
	{ "webp", "WebP", "image/webp", IMAGE_WEBP },
};
#define IMAGE_KINDS	(sizeof(image_kinds) / sizeof(image_kinds[0]))

unsigned
comment_image_formats(const struct env *e)
{
	const char	*v = set_text(e->set, SET_COMMENT_IMAGE_FORMATS);
	unsigned	 mask = 0;
	size_t		 i, k, n = strlen(v);

	for (i = 0; i < IMAGE_KINDS; i++)
		for (k = 0; k + strlen(image_kinds[i].word) <= n; k++)
			if (strncmp(v + k, image_kinds[i].word,
			    strlen(image_kinds[i].word)) == 0)
				mask |= image_kinds[i].bit;
	return mask != 0 ? mask : IMAGE_JPEG;
}

const char *
comment_image_label(const struct env *e)
{
	unsigned	 mask = comment_image_formats(e);
	const char	*out = "";
	size_t		 i, n = 0, k = 0;

	for (i = 0; i < IMAGE_KINDS; i++)
		n += (mask & image_kinds[i].bit) != 0;
	for (i = 0; i < IMAGE_KINDS; i++) {
		if ((mask & image_kinds[i].bit) == 0)
			continue;
		out = arena_printf(e->arena, "%s%s%s", out, k == 0 ? "" :
		    k + 1 == n ? " or " : ", ", image_kinds[i].name);
		k++;
	}
	return n == 1 ? arena_printf(e->arena, "%s only", out) : out;
}

const char *
comment_image_accept(const struct env *e)
{
	unsigned	 mask = comment_image_formats(e);
	const char	*out = "";
	size_t		 i;

	for (i = 0; i < IMAGE_KINDS; i++)
		if (mask & image_kinds[i].bit)
			out = arena_printf(e->arena, "%s%s%s", out,
			    *out != '\0' ? "," : "", image_kinds[i].mime);
	return out;
}

/*
 * Stores the picture, if one was sent, into im and cm.  Returns 0, or
 * the status for a picture refused (422: the reader's; 503, 507, 500:
 * the site's, f->later set) with the reason beside the image field.
 */
static int
attach_image(const struct env *e, struct comment_form *f, struct comment *cm,
    struct image *im)
{
	char	 msg[200];
	int	 rc;

	memset(im, 0, sizeof(*im));
	if (!f->image_sent)
		return 0;
	/* The formats the site takes (JPEG alone by default), a display
	   copy and a thumbnail, both of im->ext, which the comment keeps
	   for the template's links; erasure removes these two files. */
	rc = image_store(f->image, f->image_len, comment_image_formats(e) |
	    IMAGE_PIN, &e->site->media, e->conn, e->site->images, im, msg,
	    sizeof(msg));
	if (rc == IMAGE_OK) {
		cm->image = arena_strdup(e->arena, im->hash);
		cm->image_ext = arena_strdup(e->arena, im->ext);
		cm->thumb = arena_strdup(e->arena, im->thumb);
		cm->thumb_w = im->thumb_width;
		cm->thumb_h = im->thumb_height;
		return 0;
	}
	f->err[CF_IMAGE] = arena_strdup(e->arena, msg);
	f->later = rc == IMAGE_BUSY || rc == IMAGE_FULL || rc == IMAGE_IO;
	if (rc == IMAGE_BUSY)
		f->retry_after = BUSY_RETRY;
	return rc == IMAGE_BUSY ? 503 : rc == IMAGE_FULL ? 507 :
	    rc == IMAGE_IO ? 500 : 422;
}

/*
 * The answer to a write the database did not take: 503 with the form
 * and a message when it may take it later (full, busy, down), else 500.
 */
static int
store_failed(struct comment_form *f, int rc)
{
	if (rc == STORE_FULL) {
		f->err[CF_FORM] = N_("The site cannot save comments right now."
		    " Please try again in a few minutes.");
		f->retry_after = FULL_RETRY;
	} else if (rc == STORE_DOWN || rc == STORE_RETRY) {
		f->err[CF_FORM] = N_("The site is busy and could not save your"
		    " comment. Please try again in a moment.");
		f->retry_after = BUSY_RETRY;
	} else
		return 500;
	f->later = 1;
	return 503;
}

/*
 * A conflict that no rule named (a unique key that another write took
 * first) is answered as a busy site, the form back with a message to
 * try again, never as a bare 422 with nothing marked.
 */
static int
unnamed(int rc)
{
	return rc == STORE_CONFLICT ? STORE_RETRY : rc;
}

/*
 * The reads before the batch: the post and the parent, the refusing
 * rules once, the filter's score; fills cm.  0 to go on, else the answer
 * (a store_failed one for the store's errors).
 */
static int
comment_reads(const struct env *e, struct comment_form *f, struct comment *cm,
    int valid)
{
	struct post	 p;
	int		 rc;

	if ((rc = check_post(e, f, &p)) != 0)
		return rc;
	if (!valid)
		return 422;
	memset(cm, 0, sizeof(*cm));
	cm->post_id = f->post_id;
	cm->parent_id = f->parent_id;
	cm->author = (char *)f->author;
	cm->email = (char *)f->email;
	cm->url = (char *)f->url;
	cm->content = (char *)f->text;
	cm->created = e->now;
	cm->ip_hash = (char *)sign_hex(e->site, e->arena, SIGN_IP, f->ip);
	cm->avatar = (char *)avatar_key(e->site, e->arena, f->email);
	/* Kept short: enough to spot a bot, not to fingerprint a reader. */
	cm->user_agent = arena_strndup(e->arena, f->user_agent ?
	    f->user_agent : "", f->user_agent ? strnlen(f->user_agent, 200) :
	    0);
	f->signals = form_signals(e, f);
	/* Without a picture there is no work to save: batch_one decides. */
	rc = f->image_sent ? precheck(e, f, cm) : STORE_OK;
	if (rc == STORE_OK)
		rc = score(e, f, cm);
	if (rc == STORE_CONFLICT && f->err[CF_FORM] != NULL)
		return 422;
	return rc == STORE_OK ? 0 : store_failed(f, unnamed(rc));
}

int
comment_submit(const struct env *e, struct comment_form *f)
{
	struct comment	 cm;
	struct image	 im;
	int		 rc, valid = validate(f);

	/* The reads in one snapshot; the picture's decoding outside it. */
	if ((rc = store_read_begin(e->conn)) != STORE_OK)
		return store_failed(f, rc);
	rc = comment_reads(e, f, &cm, valid);
	if (store_read_end(e->conn) != STORE_OK && rc == 0)
		rc = store_failed(f, STORE_ERROR);
	if (rc != 0)
		return rc;
	if ((rc = attach_image(e, f, &cm, &im)) != 0)
		return rc;
	rc = comment_commit(e, f, &cm);
	/*
	 * Refused, discarded or failed: its new files are orphans, unless
	 * a twin that found them there has named them.  Kept: its comment
	 * names them now, and its pins can go.
	 */
	if (rc != STORE_OK || *f->status == '\0')
		image_discard(&e->site->media, e->conn, &im);
	else
		image_unpin(&im);
	if (rc == STORE_CONFLICT && f->err[CF_FORM] != NULL)
		return 422;
	if (rc != STORE_OK)
		return store_failed(f, unnamed(rc));
	if (*f->status != '\0')
		mail_wake(e->site);	/* its events, if it made any */
	return 303;
}

const char *
comment_held_token(const struct env *e, int64_t id)
{
	return sign_held(e->site, e->arena, id, e->now + HELD_SECONDS);
}

int64_t
comment_held_check(const struct env *e, const char *token)
{
	return sign_held_check(e->site, token, e->now, HELD_SECONDS);
}

const char *
comment_stamp(const struct env *e, int64_t post_id)
{
	return sign_stamp(e->site, e->arena, post_id, e->now);
}

int64_t
comment_stamp_time(const struct env *e, int64_t post_id, const char *stamp)
{
	/* A minute's grace for a node whose clock runs ahead. */
	return sign_stamp_check(e->site, post_id, stamp, e->now + STAMP_AHEAD);
}
