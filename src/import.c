/*
 * import: see import.h.  The mapping from WordPress's records (wxr.h) to
 * Galley's rows lives here, one function per kind; the counts it keeps
 * are what the summary prints.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "avatar.h"
#include "buf.h"
#include "env.h"
#include "export.h"
#include "htmlsax.h"
#include "image.h"
#include "library.h"
#include "import.h"
#include "post.h"
#include "sign.h"
#include "site.h"
#include "slug.h"
#include "store.h"
#include "tz.h"
#include "url.h"
#include "wxr.h"

#define UPLOADS		"wp-content/uploads/"
#define LIST_MAX	50	/* lines of each list in the summary */
#define FILE_MAX	(8 * 1024 * 1024)	/* image_store's own limit */

enum kind { K_AUTHOR, K_TERM, K_POST, K_PAGE, K_COMMENT, K_ATTACHMENT,
    K__MAX };
static const char *const kind_names[K__MAX] = { "authors", "terms", "posts",
    "pages", "comments", "attachments" };

struct count {
	long	 file, imported, existing, conflicts, missing, refused;
};

/* A reason something was skipped, and how many times. */
struct skip {
	char	*why;
	long	 n;
};

/* An attachment: found in the first pass, stored before the second. */
struct att {
	char	*rel;		/* its path under wp-content/uploads/ */
	char	*url;		/* wp:attachment_url */
	char	*guid;
	int64_t	 old_id;
	int64_t	 media_id;	/* 0: not stored */
	char	*hash;		/* its display copy: HASH.ext */
	const char *ext;
};

/* An author by login, and a term by taxonomy and slug, as mapped. */
struct login {
	char	*login;
	int64_t	 id;
};

/* A term whose parent is known by slug until every term is in. */
struct pending_term {
	int64_t	 id;
	char	*taxonomy, *parent;
};

/* A comment whose parent comes later in its item. */
struct pending_comment {
	struct wxr_comment	 c;
	char			*key;
};

/*
 * A page whose parent comes later in the file; or an attachment (media
 * set) and its post, which may too, attached once every post is in.
 */
struct pending_parent {
	int64_t	 id, old_parent;
	int64_t	 order;		/* an attachment's menu_order */
	int	 media;
};

struct imp {
	const struct site	*site;
	const struct import_opts *o;
	struct env		 env;
	struct arena		 run;		/* lives for the whole run */
	struct arena		 rec;		/* one record's, freed after */
	int			 writing;	/* the second pass */
	char			*err;
	size_t			 errlen;
	struct count		 n[K__MAX];
	struct skip		*skips;
	size_t			 nskips;
	struct buf		 missing, conflicts;
	long			 nmissing_listed, nconflicts_listed;
	struct att		*atts;
	size_t			 natts;
	struct login		*logins;
	size_t			 nlogins;
	struct login		*terms;		/* "taxonomy:slug" met */
	size_t			 nterms;
	struct pending_term	*pterms;
	size_t			 npterms;
	int			 terms_done;
	int64_t			 fallback_author;
	/* The item being read. */
	int			 item_kind;	/* K_POST, K_PAGE, -1: skipped */
	int64_t			 item_post;	/* our post, 0: none */
	int			 item_new;	/* made by this run: its
						   comments are all new */
	int64_t			*cm_old, *cm_new;
	size_t			 ncms, cmcap;
	const char		*item_key;
	struct pending_comment	*pcs;
	size_t			 npcs;
	struct pending_parent	*pparents;
	size_t			 npparents;
	/* Progress. */
	long			 items, items_total;
	double			 started, shown;
	int			 ours;	/* the file is an export of Galley's */
	/* Approved comments written and not yet in their post's count. */
	int64_t			 tally_post, tally_n;
};

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
skip(struct imp *m, const char *fmt, const char *what)
{
	char	 why[200];
	size_t	 i;

	if (!m->writing)
		return;
	snprintf(why, sizeof(why), fmt, what);
	for (i = 0; i < m->nskips; i++)
		if (strcmp(m->skips[i].why, why) == 0) {
			m->skips[i].n++;
			return;
		}
	m->skips = xrealloc(m->skips, (m->nskips + 1) * sizeof(*m->skips));
	m->skips[m->nskips].why = xstrdup(why);
	m->skips[m->nskips++].n = 1;
}

/* One line of a list (missing files, conflicts), at most LIST_MAX. */
static void
listed(struct buf *b, long *nlisted, const char *fmt, const char *a,
    const char *c)
{
	if ((*nlisted)++ >= LIST_MAX)
		return;
	buf_puts(b, "  ");
	buf_printf(b, fmt, a, c);
	buf_putc(b, '\n');
}

static int
fail(struct imp *m, int rc, const char *what, long line)
{
	snprintf(m->err, m->errlen, "line %ld: %s: %s", line, what,
	    store_rc_name(rc));
	return -1;
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) as Unix time; 0 if not a real date. */
static int64_t
wp_time(const char *s)
{
	struct tm	 tm;
	int		 y, mo, d, h = 0, mi = 0, se = 0;

	if (sscanf(s, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) < 3 ||
	    y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return (int64_t)timegm(&tm);
}

/* The _gmt time, else the local one read in the site's zone, else now. */
static int64_t
best_time(const struct imp *m, const char *gmt, const char *local)
{
	int64_t	 t = wp_time(gmt);

	if (t == 0 && (t = wp_time(local)) != 0)
		tz_utc(site_zone(m->site, m->env.set), t, &t);
	return t != 0 ? t : m->env.now;
}

/* The path (and query) of an absolute URL, or NULL. */
static const char *
url_path(const char *u)
{
	const char	*p = strstr(u, "://");

	if (p == NULL)
		return NULL;
	p = strchr(p + 3, '/');
	return p != NULL && strlen(p) <= 1000 ? p : NULL;
}

/* Galley's own kinds of item; -1 for one it does not import. */
static int
item_kind(const struct wxr_item *it)
{
	if (strcmp(it->type, "post") == 0)
		return K_POST;
	if (strcmp(it->type, "page") == 0)
		return K_PAGE;
	if (strcmp(it->type, "attachment") == 0)
		return K_ATTACHMENT;
	return -1;
}

static const char *
item_key(struct arena *a, const struct wxr_item *it)
{
	return *it->guid != '\0' ? it->guid : arena_printf(a, "id:%lld",
	    (long long)it->id);
}

/* The taxonomy Galley calls WordPress's, or NULL for one it has not. */
static const char *
taxonomy(const char *wp)
{
	if (strcmp(wp, "category") == 0)
		return "category";
	if (strcmp(wp, "post_tag") == 0)
		return "tag";
	return NULL;
}

static int
att_cmp(const void *a, const void *b)
{
	return strcmp(((const struct att *)a)->rel,
	    ((const struct att *)b)->rel);
}

/* The attachment stored from uploads path rel, or NULL. */
static const struct att *
att_find(const struct imp *m, const char *rel, size_t len)
{
	char		 key[1024];
	struct att	 k;

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, rel, len);
	key[len] = '\0';
	k.rel = key;
	return bsearch(&k, m->atts, m->natts, sizeof(*m->atts), att_cmp);
}

/* Stored media for an upload URL's path: a -WxH size as its original. */
static const struct att *
att_of_url(const struct imp *m, const char *rel, size_t len)
{
	const struct att	*a;
	char			 base[1024];
	const char		*dot, *dash;
	size_t			 n;

	if ((a = att_find(m, rel, len)) != NULL || len >= sizeof(base))
		return a != NULL && a->hash != NULL ? a : NULL;
	memcpy(base, rel, len);
	base[len] = '\0';
	if ((dot = strrchr(base, '.')) == NULL ||
	    (dash = strrchr(base, '-')) == NULL || dash > dot ||
	    strspn(dash + 1, "0123456789x") != (size_t)(dot - dash - 1) ||
	    strchr(dash + 1, 'x') == NULL)
		return NULL;
	n = (size_t)(dash - base);
	memmove(base + n, dot, strlen(dot) + 1);
	a = att_find(m, base, strlen(base));
	return a != NULL && a->hash != NULL ? a : NULL;
}

/* The stored attachment whose URL is exactly u[0..len), or NULL. */
static const struct att *
att_by_url(const struct imp *m, const char *u, size_t len)
{
	size_t	 i;

	for (i = 0; i < m->natts; i++)
		if (m->atts[i].hash != NULL && strlen(m->atts[i].url) == len &&
		    memcmp(m->atts[i].url, u, len) == 0)
			return &m->atts[i];
	return NULL;
}

/*
 * The stored attachment a URL in a body names: by its path under
 * wp-content/uploads/ (any host, a -WxH size as its original), else by
 * the attachment's own URL (WordPress.com's files are not under
 * wp-content).  NULL if none.
 */
static const struct att *
att_in(const struct imp *m, const char *s, size_t len)
{
	const char	*up = memmem(s, len, UPLOADS, strlen(UPLOADS));

	if (up != NULL)
		return att_of_url(m, up + strlen(UPLOADS), len - (size_t)(up -
		    s) - strlen(UPLOADS));
	return att_by_url(m, s, len);
}

/*
 * body with every URL of a stored attachment pointed at /media/HASH.jpg
 * (absolute ones, and paths from /wp-content/uploads/); the rest as it
 * is.  In m->rec.
 */
static char *
rewrite(struct imp *m, const char *body)
{
	const char		*p = body, *a1, *a2, *s, *e;
	const struct att	*a;
	struct buf		 b;
	char			*out;

	if (m->natts == 0)
		return (char *)body;
	buf_init(&b);
	for (;;) {
		a1 = strstr(p, "://");
		a2 = strstr(p, UPLOADS);
		if (a1 == NULL && a2 == NULL)
			break;
		s = a1 != NULL && (a2 == NULL || a1 < a2) ? a1 : a2;
		while (s > p && strchr("\"' =(\n\t>", s[-1]) == NULL)
			s--;
		e = (a1 != NULL && (a2 == NULL || a1 < a2) ? a1 + 3 : a2);
		e += strcspn(e, "\"' )<>?#\n\t");
		a = att_in(m, s, (size_t)(e - s));
		buf_write(p, (size_t)((a != NULL ? s : e) - p), &b);
		if (a != NULL)
			url_media(&b, a->hash, a->ext);
		p = e;
	}
	if (p == body) {
		buf_reset(&b);
		return (char *)body;
	}
	buf_puts(&b, p);
	out = arena_strdup(&m->rec, b.data != NULL ? b.data : "");
	buf_reset(&b);
	return out;
}

/* The account of login, made if new; 0 with none given. */
static int
author_id(struct imp *m, const char *login, const char *email,
    const char *name, long line, int64_t *id)
{
	struct user	 u, old;
	char		*base;
	size_t		 i;
	int		 rc, n;

	*id = 0;
	if (*login == '\0')
		return STORE_OK;
	for (i = 0; i < m->nlogins; i++)
		if (strcmp(m->logins[i].login, login) == 0) {
			*id = m->logins[i].id;
			return STORE_OK;
		}
	m->n[K_AUTHOR].file++;
	if ((rc = store_import_find(m->env.conn, "user", login, id)) ==
	    STORE_OK && store_user_by_id(m->env.conn, &m->rec, *id, &old) !=
	    STORE_OK) {
		/* Imported once, removed since: not made again. */
		m->n[K_AUTHOR].conflicts++;
		listed(&m->conflicts, &m->nconflicts_listed, "author %s:"
		    " imported before and removed since%s", login, "");
		*id = 0;
	} else if (rc == STORE_OK)
		m->n[K_AUTHOR].existing++;
	else if (rc != STORE_NOTFOUND)
		return rc;
	else {
		memset(&u, 0, sizeof(u));
		u.email = *email != '\0' ? (char *)email :
		    arena_printf(&m->rec, "%s@import.invalid", login);
		if (store_user_by_email(m->env.conn, &m->rec, u.email, &old) ==
		    STORE_OK) {
			*id = old.id;	/* the site's own account */
			m->n[K_AUTHOR].existing++;
		} else {
			u.name = (char *)(*name != '\0' ? name : login);
			u.url = u.bio = "";
			u.role = "author";	/* WXR carries no roles */
			u.pass_hash = NULL;	/* no password: cannot sign in */
			base = slug_from_title(u.name);
			u.slug = arena_strdup(&m->rec, *base ? base : "author");
			/*
			 * Asked first, not tried: a refused INSERT ends a
			 * PostgreSQL transaction.
			 */
			for (n = 2; store_user_by_slug(m->env.conn, &m->rec,
			    u.slug, &old) == STORE_OK && n < 1000; n++)
				u.slug = arena_printf(&m->rec, "%s-%d", *base ?
				    base : "author", n);
			free(base);
			if ((rc = store_user_add(m->env.conn, &u, id)) !=
			    STORE_OK)
				return fail(m, rc, "adding an author", line);
			m->n[K_AUTHOR].imported++;
		}
		if ((rc = store_import_add(m->env.conn, "user", login, 0,
		    *id)) != STORE_OK)
			return rc;
	}
	m->logins = xrealloc(m->logins, (m->nlogins + 1) * sizeof(*m->logins));
	m->logins[m->nlogins].login = xstrdup(login);
	m->logins[m->nlogins++].id = *id;
	return STORE_OK;
}

static int
on_author(void *arg, const struct wxr_author *a)
{
	struct imp	*m = arg;
	int64_t		 id;
	int		 rc;

	if (!m->writing)
		return 0;
	if (*a->login == '\0') {
		skip(m, "an author without a login%s", "");
		return 0;
	}
	rc = author_id(m, a->login, a->email, a->display_name, a->line, &id);
	arena_free(&m->rec);
	arena_init(&m->rec);
	return rc == STORE_OK ? 0 : rc < 0 ? -1 : fail(m, rc, "author",
	    a->line);
}

/* Notes a term met in this file, so it counts once. */
static int
term_seen(struct imp *m, const char *key, int64_t id)
{
	m->terms = xrealloc(m->terms, (m->nterms + 1) * sizeof(*m->terms));
	m->terms[m->nterms].login = xstrdup(key);
	m->terms[m->nterms++].id = id;
	return STORE_OK;
}

/*
 * The term (taxonomy, slug) of Galley's, made if new (with WordPress's
 * id when free); a name that differs from the one stored is a conflict.
 */
static int
term_ensure(struct imp *m, const char *tax, const char *slug,
    const char *name, const char *desc, int64_t old_id, int64_t *id)
{
	struct term	 t, have;
	char		*key = arena_printf(&m->rec, "%s:%s", tax, slug);
	size_t		 i;
	int		 rc;

	for (i = 0; i < m->nterms; i++)
		if (strcmp(m->terms[i].login, key) == 0) {
			*id = m->terms[i].id;
			return STORE_OK;
		}
	m->n[K_TERM].file++;
	if ((rc = store_import_find(m->env.conn, "term", key, id)) ==
	    STORE_OK) {
		m->n[K_TERM].existing++;
		return term_seen(m, key, *id);
	}
	if (rc != STORE_NOTFOUND)
		return rc;
	if ((rc = store_term_by_slug(m->env.conn, &m->rec, tax, slug,
	    &have)) == STORE_OK) {
		*id = have.id;
		if (*name != '\0' && strcmp(have.name, name) != 0) {
			m->n[K_TERM].conflicts++;
			listed(&m->conflicts, &m->nconflicts_listed, "term %s:"
			    " named \"%s\" here; left as it is", key, name);
		} else
			m->n[K_TERM].existing++;
	} else if (rc != STORE_NOTFOUND)
		return rc;
	else {
		memset(&t, 0, sizeof(t));
		t.taxonomy = (char *)tax;
		t.slug = (char *)slug;
		t.name = (char *)(*name != '\0' ? name : slug);
		t.description = (char *)desc;
		if (old_id > 0 && store_term_get(m->env.conn, &m->rec, old_id,
		    &have) == STORE_NOTFOUND)
			t.id = old_id;
		else if ((rc = store_ids_sync(m->env.conn)) != STORE_OK)
			return rc;	/* the engine's next id past ours */
		if ((rc = store_term_add(m->env.conn, &t, id)) != STORE_OK)
			return rc;
		m->n[K_TERM].imported++;
	}
	if ((rc = store_import_add(m->env.conn, "term", key, old_id, *id)) !=
	    STORE_OK)
		return rc;
	return term_seen(m, key, *id);
}

static int
on_term(void *arg, const struct wxr_term *wt)
{
	struct imp	*m = arg;
	const char	*tax = taxonomy(wt->taxonomy);
	char		*slug;
	int64_t		 id;
	int		 rc;

	if (!m->writing)
		return 0;
	if (tax == NULL) {
		skip(m, "a term of taxonomy %s (not a category or tag)",
		    wt->taxonomy);
		return 0;
	}
	slug = *wt->slug != '\0' ? xstrdup(wt->slug) :
	    slug_from_title(wt->name);
	rc = term_ensure(m, tax, slug, wt->name, wt->description, wt->id,
	    &id);
	if (rc == STORE_OK && *wt->parent != '\0') {
		m->pterms = xrealloc(m->pterms, (m->npterms + 1) *
		    sizeof(*m->pterms));
		m->pterms[m->npterms].id = id;
		m->pterms[m->npterms].taxonomy = xstrdup(tax);
		m->pterms[m->npterms++].parent = xstrdup(wt->parent);
	}
	free(slug);
	arena_free(&m->rec);
	arena_init(&m->rec);
	return rc == STORE_OK ? 0 : fail(m, rc, "term", wt->line);
}

/* Once every term of the channel is in: each one's parent. */
static int
terms_finish(struct imp *m)
{
	struct term	 t, parent;
	size_t		 i;
	int		 rc = STORE_OK;

	if (m->terms_done)
		return STORE_OK;
	m->terms_done = 1;
	for (i = 0; i < m->npterms && rc == STORE_OK; i++) {
		if (store_term_by_slug(m->env.conn, &m->rec,
		    m->pterms[i].taxonomy, m->pterms[i].parent, &parent) !=
		    STORE_OK || (rc = store_term_get(m->env.conn, &m->rec,
		    m->pterms[i].id, &t)) != STORE_OK)
			continue;
		if (t.parent_id != 0 || parent.id == t.id)
			continue;	/* set already: nothing silently */
		t.parent_id = parent.id;
		rc = store_term_update(m->env.conn, &t);
	}
	arena_free(&m->rec);
	arena_init(&m->rec);
	return rc;
}

/* The terms of an item, made if new, as post_save takes them. */
static int
item_terms(struct imp *m, const struct wxr_item *it, struct post_term **out,
    size_t *n)
{
	struct post_term	*t;
	const char		*tax, *slug;
	int64_t			 id;
	size_t			 i;
	int			 rc;

	*out = t = arena_alloc(&m->rec, (it->ncats + 1) * sizeof(*t));
	*n = 0;
	for (i = 0; i < it->ncats; i++) {
		if ((tax = taxonomy(it->cats[i].domain)) == NULL)
			continue;
		slug = *it->cats[i].nicename != '\0' ? it->cats[i].nicename :
		    arena_strdup(&m->rec, slug_from_title(it->cats[i].name));
		if (*slug == '\0')
			continue;
		if ((rc = term_ensure(m, tax, slug, it->cats[i].name, "", 0,
		    &id)) != STORE_OK)
			return rc;
		t[*n].taxonomy = tax;
		t[*n].slug = slug;
		t[(*n)++].name = it->cats[i].name;
	}
	return STORE_OK;
}

static const char *
post_status(const char *wp)
{
	static const char *const same[] = { "publish", "draft", "pending",
	    "private", "trash" };
	size_t	 i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(wp, same[i]) == 0)
			return same[i];
	/* A future post is published at its time, as Galley schedules. */
	return strcmp(wp, "future") == 0 ? "publish" : "draft";
}

/* Records path -> post (or media); one already there stays. */
static int
redirect(struct imp *m, const char *path, int64_t post, int64_t media)
{
	int	 rc;

	if (path == NULL || *path == '\0')
		return STORE_OK;
	rc = store_redirect_add(m->env.conn, path, post, media, 0);
	return rc == STORE_CONFLICT ? STORE_OK : rc;
}

/*
 * The old paths an export of ours carried (postmeta of export.h's key):
 * absolute paths only, never the item's own address (self, or NULL).
 */
static int
meta_redirects(struct imp *m, const struct wxr_item *it, const char *self,
    int64_t post, int64_t media)
{
	const char	*v;
	size_t		 i;
	int		 rc = STORE_OK;

	for (i = 0; i < it->nmetas && rc == STORE_OK; i++) {
		if (strcmp(it->metas[i].key, EXPORT_META_REDIRECT) != 0)
			continue;
		v = it->metas[i].value;
		if (*v != '/' || strlen(v) > 1000 || strpbrk(v, " \t\r\n") !=
		    NULL || (self != NULL && strcmp(v, self) == 0))
			continue;
		rc = redirect(m, v, post, media);
	}
	return rc;
}

/* The old addresses of a post that became ours. */
static int
post_redirects(struct imp *m, const struct wxr_item *it, int64_t id)
{
	struct post	 p;
	struct buf	 b;
	const char	*old = url_path(it->link);
	int		 rc;

	if ((rc = store_post_get(m->env.conn, &m->rec, id, &p)) != STORE_OK)
		return rc;
	buf_init(&b);
	if (strcmp(p.type, "page") == 0)
		url_page(&b, p.slug);
	else
		url_post(&b, site_zone(m->site, m->env.set), p.published,
		    p.slug);
	if (old != NULL && strcmp(old, b.data) != 0)
		rc = redirect(m, old, id, 0);
	if (rc == STORE_OK)
		rc = meta_redirects(m, it, b.data, id, 0);
	buf_reset(&b);
	if (rc == STORE_OK && it->id > 0)
		rc = redirect(m, arena_printf(&m->rec, "/?%s=%lld",
		    strcmp(p.type, "page") == 0 ? "page_id" : "p",
		    (long long)it->id), id, 0);
	/* WordPress answers ?p= for pages too. */
	if (rc == STORE_OK && it->id > 0 && strcmp(p.type, "page") == 0)
		rc = redirect(m, arena_printf(&m->rec, "/?p=%lld",
		    (long long)it->id), id, 0);
	return rc;
}

/* An item seen again: the same, or a conflict reported. */
static int
post_again(struct imp *m, const struct wxr_item *it, int k, int64_t id)
{
	struct post	 p;
	int		 rc;

	if ((rc = store_post_get(m->env.conn, &m->rec, id, &p)) != STORE_OK)
		return rc;
	if (strcmp(p.title, it->title) != 0 ||
	    strcmp(p.body, rewrite(m, it->content)) != 0) {
		m->n[k].conflicts++;
		listed(&m->conflicts, &m->nconflicts_listed, "%s %s: differs"
		    " from what is stored; left as it is", k == K_PAGE ?
		    "page" : "post", it->guid);
	} else
		m->n[k].existing++;
	return STORE_OK;
}

static int	fallback(struct imp *);

static int
post_new(struct imp *m, const struct wxr_item *it, int k, int64_t *id)
{
	struct post		 p, have;
	struct post_term	*terms;
	size_t			 nt;
	int64_t			 author, parent = 0;
	int			 rc;

	if ((rc = author_id(m, it->creator, "", "", it->line, &author)) !=
	    STORE_OK || (rc = item_terms(m, it, &terms, &nt)) != STORE_OK)
		return rc;
	if (author == 0 && m->fallback_author == 0 &&
	    (rc = fallback(m)) != STORE_OK)
		return rc;
	if (author == 0)
		author = m->fallback_author;
	if (it->parent > 0 && store_import_old(m->env.conn, "post",
	    it->parent, &parent) != STORE_OK)
		parent = -1;	/* later in the file: set at the end */
	memset(&p, 0, sizeof(p));
	p.type = k == K_PAGE ? "page" : "post";
	p.slug = (char *)it->name;
	if (strlen(p.slug) > URL_SLUG_MAX)
		p.slug = "";	/* one is made from the title */
	p.title = (char *)it->title;
	p.status = (char *)post_status(it->status);
	p.author_id = author;
	p.published = p.modified = best_time(m, it->date_gmt, it->date);
	p.format = "html";
	p.body = rewrite(m, it->content);
	p.excerpt = (char *)it->excerpt;
	p.source_name = p.source_url = "";
	p.comments_open = strcmp(it->comment_status, "closed") != 0;
	/* A file from elsewhere is filtered when rendered, as an author's. */
	p.filtered = 1;
	p.sticky = it->sticky;
	p.parent_id = parent > 0 ? parent : 0;
	if (it->id > 0 && store_post_get(m->env.conn, &m->rec, it->id,
	    &have) == STORE_NOTFOUND)
		p.id = it->id;
	else if ((rc = store_ids_sync(m->env.conn)) != STORE_OK)
		return rc;
	if ((rc = post_save(&m->env, &p, NULL, terms, nt, author, id)) !=
	    STORE_OK)
		return rc;
	m->n[k].imported++;
	if ((rc = store_import_add(m->env.conn, "post", item_key(&m->rec, it),
	    it->id, *id)) != STORE_OK)
		return rc;
	if (parent < 0) {
		m->pparents = xrealloc(m->pparents, (m->npparents + 1) *
		    sizeof(*m->pparents));
		m->pparents[m->npparents++] = (struct pending_parent){ *id,
		    it->parent, 0, 0 };
	}
	return post_redirects(m, it, *id);
}

/* An attachment's old addresses, once its media is stored. */
static int
attachment_item(struct imp *m, const struct wxr_item *it)
{
	const struct att *a;
	const char	*up, *lp;
	struct buf	 self;
	int		 rc = STORE_OK;

	if ((a = att_in(m, it->attachment_url, strlen(it->attachment_url))) ==
	    NULL || a->media_id == 0)
		return STORE_OK;
	/* Not the picture's own address here (an export of ours). */
	buf_init(&self);
	url_media(&self, a->hash, a->ext);
	up = url_path(it->attachment_url);
	lp = url_path(it->link);
	if (up != NULL && strcmp(up, self.data) != 0)
		rc = redirect(m, up, 0, a->media_id);
	if (rc == STORE_OK && lp != NULL && strcmp(lp, self.data) != 0)
		rc = redirect(m, lp, 0, a->media_id);
	if (rc == STORE_OK)
		rc = meta_redirects(m, it, self.data, 0, a->media_id);
	buf_reset(&self);
	if (rc == STORE_OK && it->id > 0)
		rc = redirect(m, arena_printf(&m->rec, "/?attachment_id=%lld",
		    (long long)it->id), 0, a->media_id);
	if (rc == STORE_OK && it->parent > 0) {
		m->pparents = xrealloc(m->pparents, (m->npparents + 1) *
		    sizeof(*m->pparents));
		m->pparents[m->npparents++] = (struct pending_parent){
		    a->media_id, it->parent, it->menu_order, 1 };
	}
	return rc;
}

static void
progress(struct imp *m)
{
	double	 t = now_s();

	m->items++;
	if (!m->o->progress || (t - m->shown < 0.25 && m->items <
	    m->items_total))
		return;
	m->shown = t;
	fprintf(stderr, "\rimporting: %ld/%ld items, %.0f a second ",
	    m->items, m->items_total, m->items / (t - m->started + 1e-9));
	fflush(stderr);
}

/* The first pass: how many items, and which attachments. */
static int
scan_item(struct imp *m, const struct wxr_item *it, int k)
{
	const char	*rel = strstr(it->attachment_url, UPLOADS);
	struct att	*a;

	m->items_total++;
	if (k != K_ATTACHMENT)
		return 0;
	m->n[K_ATTACHMENT].file++;
	rel = rel != NULL ? rel + strlen(UPLOADS) : url_path(it->attachment_url);
	while (rel != NULL && *rel == '/')
		rel++;
	m->atts = xrealloc(m->atts, (m->natts + 1) * sizeof(*m->atts));
	a = &m->atts[m->natts++];
	memset(a, 0, sizeof(*a));
	a->rel = arena_strdup(&m->run, rel != NULL ? rel : "");
	a->url = arena_strdup(&m->run, it->attachment_url);
	a->guid = arena_strdup(&m->run, item_key(&m->rec, it));
	a->old_id = it->id;
	return 0;
}

static int
on_item(void *arg, const struct wxr_item *it)
{
	struct imp	*m = arg;
	int		 k = item_kind(it), rc = STORE_OK;
	int64_t		 id;

	m->item_kind = -1;
	m->item_post = 0;
	m->item_new = 0;
	m->ncms = 0;
	m->npcs = 0;
	if (!m->writing)
		return scan_item(m, it, k);
	progress(m);
	if ((rc = terms_finish(m)) != STORE_OK)
		return fail(m, rc, "term parents", it->line);
	if (k < 0) {
		skip(m, "an item of type \"%s\" (not a post, page or"
		    " attachment)", *it->type ? it->type : "(none)");
		return 0;
	}
	m->item_kind = k;
	if (k == K_ATTACHMENT)
		return (rc = attachment_item(m, it)) == STORE_OK ? 0 :
		    fail(m, rc, "attachment", it->line);
	m->n[k].file++;
	m->item_key = xstrdup(item_key(&m->rec, it));
	rc = store_import_find(m->env.conn, "post", m->item_key, &id);
	if (rc == STORE_OK && (rc = post_again(m, it, k, id)) ==
	    STORE_NOTFOUND) {
		/* Imported once, deleted since: its comments stay out too. */
		m->n[k].conflicts++;
		listed(&m->conflicts, &m->nconflicts_listed, "%s %s: imported"
		    " before and deleted since; left out", k == K_PAGE ?
		    "page" : "post", m->item_key);
		m->item_kind = -1;
		return 0;
	}
	else if (rc == STORE_NOTFOUND && (rc = post_new(m, it, k, &id)) ==
	    STORE_OK)
		m->item_new = 1;
	if (rc != STORE_OK)
		return rc < 0 ? -1 : fail(m, rc, "item", it->line);
	m->item_post = id;
	return 0;
}

static const char *
comment_status(const char *wp)
{
	if (strcmp(wp, "1") == 0 || strcmp(wp, "approve") == 0)
		return "approved";
	if (strcmp(wp, "spam") == 0)
		return "spam";
	if (strcmp(wp, "trash") == 0 || strcmp(wp, "post-trashed") == 0)
		return "trash";
	return "pending";
}

/* Notes that the item's comment old became ours, new. */
static void
cm_map(struct imp *m, int64_t old, int64_t new)
{
	if (old <= 0)
		return;
	if (m->ncms == m->cmcap) {
		m->cmcap = m->cmcap ? m->cmcap * 2 : 64;
		m->cm_old = xrealloc(m->cm_old, m->cmcap * sizeof(int64_t));
		m->cm_new = xrealloc(m->cm_new, m->cmcap * sizeof(int64_t));
	}
	m->cm_old[m->ncms] = old;
	m->cm_new[m->ncms++] = new;
}

/* Ours for the item's comment old, or 0 (the newest first: replies
 * usually follow their parents closely). */
static int64_t
cm_mapped(const struct imp *m, int64_t old)
{
	size_t	 i;

	for (i = m->ncms; i > 0; i--)
		if (m->cm_old[i - 1] == old)
			return m->cm_new[i - 1];
	return 0;
}

/*
 * A WordPress comment's HTML as the Markdown subset comment_text.c
 * renders (raw HTML off there, so tags would show as text).  Read by
 * htmlsax.c as a browser would; what it writes is text: every character
 * Markdown would read as markup escaped, and markup only for what
 * comments may hold.
 */
struct md {
	struct buf	*out;
	int		 quote;		/* blockquotes open */
	int		 code;		/* <code> open */
	int		 hidden;	/* <script>, <style> open */
	int		 link;		/* <a> open; written when it had a URL */
	char		*href;		/* the open link's URL, or NULL */
	int		 nl;		/* newlines owed before more text */
	int		 bol;		/* at the start of a line */
};

/* Pays the newlines owed, each line then opened with its "> "s. */
static void
md_lines(struct md *d)
{
	int	 i;

	if (d->out->len == 0)
		d->nl = 0;
	for (; d->nl > 0; d->nl--) {
		buf_putc(d->out, '\n');
		d->bol = 1;
	}
	if (d->bol) {
		for (i = 0; i < d->quote; i++)
			buf_puts(d->out, "> ");
		d->bol = 0;
	}
}

/* Owes at least n newlines (1: a line break, 2: a new paragraph). */
static void
md_break(struct md *d, int n)
{
	if (d->nl < n)
		d->nl = n;
}

static void
md_text(void *arg, const char *s, size_t len)
{
	struct md	*d = arg;
	size_t		 i;
	char		 c;

	if (d->hidden)
		return;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '\n') {
			d->nl++;
			continue;
		}
		if (c == '\r')
			continue;
		if (d->bol || d->nl > 0) {
			if (c == ' ' || c == '\t')
				continue;	/* indentation would be code */
			md_lines(d);
			if (!d->code && strchr("-+=", c) != NULL)
				buf_putc(d->out, '\\');
		}
		if (d->code && c == '`')
			c = '\'';	/* no way out of the code span */
		else if (!d->code && strchr("\\`*_[]()<>~#!|&", c) != NULL)
			buf_putc(d->out, '\\');
		buf_putc(d->out, c);
	}
}

/* Writes markup (no escaping), the owed newlines first. */
static void
md_mark(struct md *d, const char *s)
{
	md_lines(d);
	buf_puts(d->out, s);
}

static const char *
md_attr(const char **attrs, const char *name)
{
	for (; attrs != NULL && attrs[0] != NULL; attrs += 2)
		if (strcmp(attrs[0], name) == 0)
			return attrs[1];
	return NULL;
}

static void
md_start(void *arg, const char *name, const char **attrs)
{
	struct md	*d = arg;
	const char	*href;

	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
		d->hidden++;
	else if (strcmp(name, "p") == 0 || strcmp(name, "div") == 0)
		md_break(d, 2);
	else if (strcmp(name, "br") == 0)
		md_break(d, 1);
	else if (strcmp(name, "blockquote") == 0) {
		md_break(d, 2);
		md_lines(d);
		d->quote++;
		d->bol = 1;
	} else if (d->code > 0)
		return;		/* nothing inside code but its text */
	else if (strcmp(name, "em") == 0 || strcmp(name, "i") == 0)
		md_mark(d, "*");
	else if (strcmp(name, "strong") == 0 || strcmp(name, "b") == 0)
		md_mark(d, "**");
	else if (strcmp(name, "code") == 0) {
		md_mark(d, "`");
		d->code++;
	} else if (strcmp(name, "a") == 0 && d->link++ == 0 &&
	    (href = md_attr(attrs, "href")) != NULL && url_http_ok(href) &&
	    strlen(href) <= 2000) {
		md_mark(d, "[");
		d->href = xstrdup(href);
	}
}

/* Appends the link target u, its parentheses and backslashes escaped. */
static void
md_url(struct buf *out, const char *u)
{
	for (; *u != '\0'; u++) {
		if (strchr("()\\", *u) != NULL)
			buf_putc(out, '\\');
		buf_putc(out, *u);
	}
}

static void
md_end(void *arg, const char *name)
{
	struct md	*d = arg;

	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
		d->hidden--;
	else if (strcmp(name, "p") == 0 || strcmp(name, "div") == 0)
		md_break(d, 2);
	else if (strcmp(name, "blockquote") == 0) {
		d->quote--;
		md_break(d, 2);
	} else if (strcmp(name, "code") == 0 && d->code > 0) {
		if (--d->code == 0)
			buf_putc(d->out, '`');
	} else if (d->code > 0)
		return;
	else if (strcmp(name, "em") == 0 || strcmp(name, "i") == 0)
		buf_putc(d->out, '*');
	else if (strcmp(name, "strong") == 0 || strcmp(name, "b") == 0)
		buf_puts(d->out, "**");
	else if (strcmp(name, "a") == 0 && d->link > 0 && --d->link == 0 &&
	    d->href != NULL) {
		buf_puts(d->out, "](");
		md_url(d->out, d->href);
		buf_putc(d->out, ')');
		free(d->href);
		d->href = NULL;
	}
}

void
import_comment_text(struct buf *out, const char *html, size_t len)
{
	static const struct htmlsax	 cb = { md_start, md_end, md_text };
	struct md			 d;
	size_t				 start = out->len;

	memset(&d, 0, sizeof(d));
	d.out = out;
	d.bol = 1;
	if (htmlsax_parse(html, len, &cb, &d) == -1)
		md_text(&d, html, len);		/* as text, escaped */
	free(d.href);
	while (out->len > start && (out->data[out->len - 1] == ' ' ||
	    out->data[out->len - 1] == '>'))
		out->len--;	/* an empty quote's last "> " */
}

/*
 * Counts an approved comment of post (0: none, to end with) and adds
 * the run of one post's to its count when another's begins: comments
 * come by post, so that is about once a post (store_tallies_later).
 */
static int
tally(struct imp *m, int64_t post)
{
	int	 rc = STORE_OK;

	if (post != m->tally_post && m->tally_n > 0)
		rc = store_tallies_add(m->env.conn, m->tally_post,
		    m->tally_n);
	if (post != m->tally_post)
		m->tally_post = post, m->tally_n = 0;
	m->tally_n += post != 0;
	return rc;
}

/*
 * Adds comment c of the current item; *later when its parent is not
 * in yet (a reply before its parent in the file).
 */
static int
comment_add(struct imp *m, const struct wxr_comment *c, const char *key,
    int *later)
{
	struct comment	 cm, have;
	struct buf	 text;
	int64_t		 parent = 0, id;
	int		 rc;

	*later = 0;
	/* A new item's comments' parents are its own: known here. */
	if (c->parent > 0 && m->item_new && (parent = cm_mapped(m,
	    c->parent)) == 0) {
		*later = 1;
		return STORE_OK;
	}
	if (c->parent > 0 && !m->item_new && (rc = store_import_old(
	    m->env.conn, "comment", c->parent, &parent)) != STORE_OK) {
		if (rc != STORE_NOTFOUND)
			return rc;
		*later = 1;
		return STORE_OK;
	}
	memset(&cm, 0, sizeof(cm));
	cm.post_id = m->item_post;
	cm.parent_id = parent;
	cm.author = (char *)(*c->author != '\0' ? c->author : "Anonymous");
	cm.email = (char *)c->email;
	cm.url = (char *)(url_http_ok(c->url) && strlen(c->url) <= 200 ?
	    c->url : "");
	/*
	 * WordPress's HTML as the Markdown comments are written in; an
	 * export of ours holds that Markdown already.
	 */
	buf_init(&text);
	if (m->ours)
		buf_puts(&text, c->content);
	else
		import_comment_text(&text, c->content, strlen(c->content));
	cm.content = arena_strndup(&m->rec, text.data, text.len);
	buf_reset(&text);
	cm.status = (char *)comment_status(c->approved);
	cm.created = best_time(m, c->date_gmt, c->date);
	/* The address only as the site's keyed hash; retention applies. */
	cm.ip_hash = *c->ip != '\0' ? (char *)sign_hex(m->site, &m->rec,
	    SIGN_IP, c->ip) : "";
	cm.user_agent = cm.image = cm.thumb = cm.spam_signals = "";
	cm.avatar = *c->email != '\0' ? (char *)avatar_key(m->site, &m->rec,
	    c->email) : "";
	cm.spam_score = -1;
	if (c->id > 0 && store_comment_by_id(m->env.conn, &m->rec, c->id,
	    &have) == STORE_NOTFOUND)
		cm.id = c->id;
	else if ((rc = store_ids_sync(m->env.conn)) != STORE_OK)
		return rc;
	if ((rc = store_comment_add(m->env.conn, &cm, &id)) != STORE_OK ||
	    (rc = store_import_add(m->env.conn, "comment", key, c->id, id)) !=
	    STORE_OK)
		return rc;
	cm_map(m, c->id, id);
	m->n[K_COMMENT].imported++;
	if (strcmp(cm.status, "approved") == 0 && (rc = tally(m,
	    cm.post_id)) != STORE_OK)
		return rc;
	return STORE_OK;
}

static int
on_comment(void *arg, const struct wxr_item *it, const struct wxr_comment *c)
{
	struct imp		*m = arg;
	struct pending_comment	*p;
	char			*key;
	int64_t			 id;
	int			 rc, later;

	(void)it;
	if (!m->writing)
		return 0;
	if (m->item_kind != K_POST && m->item_kind != K_PAGE) {
		skip(m, "a comment on %s", m->item_kind == K_ATTACHMENT ?
		    "an attachment" : "an item not imported");
		return 0;
	}
	m->n[K_COMMENT].file++;
	key = arena_printf(&m->rec, "%s#%lld", m->item_key, (long long)c->id);
	/* An item made by this run has none yet: no need to ask. */
	if (m->item_new)	/* twice in the item: the first stays */
		rc = (id = cm_mapped(m, c->id)) != 0 ? STORE_OK :
		    STORE_NOTFOUND;
	else
		rc = store_import_find(m->env.conn, "comment", key, &id);
	if (rc == STORE_OK) {
		m->n[K_COMMENT].existing++;
		return 0;
	}
	if (rc == STORE_NOTFOUND && (rc = comment_add(m, c, key, &later)) ==
	    STORE_OK && later) {
		/* Kept (in the run's arena) until its item ends. */
		m->pcs = xrealloc(m->pcs, (m->npcs + 1) * sizeof(*m->pcs));
		p = &m->pcs[m->npcs++];
		p->c = *c;
		p->key = arena_strdup(&m->run, key);
#define KEEP(f)	p->c.f = arena_strdup(&m->run, c->f)
		KEEP(author); KEEP(email); KEEP(url); KEEP(ip); KEEP(date);
		KEEP(date_gmt); KEEP(content); KEEP(approved); KEEP(type);
#undef KEEP
	}
	arena_free(&m->rec);
	arena_init(&m->rec);
	return rc == STORE_OK ? 0 : fail(m, rc, "comment", c->line);
}

/* Replies whose parents came after them; orphans go to the top level. */
static int
comments_finish(struct imp *m)
{
	size_t	 i, left = m->npcs, done;
	int	 rc, later;

	while (left > 0) {
		done = 0;
		for (i = 0; i < m->npcs; i++) {
			if (m->pcs[i].key == NULL)
				continue;
			if ((rc = comment_add(m, &m->pcs[i].c, m->pcs[i].key,
			    &later)) != STORE_OK)
				return rc;
			if (!later) {
				m->pcs[i].key = NULL;
				done++;
				left--;
			}
		}
		if (done > 0)
			continue;
		/* No parent anywhere: the first left heads its thread. */
		for (i = 0; m->pcs[i].key == NULL; i++)
			;
		m->pcs[i].c.parent = 0;
	}
	m->npcs = 0;
	return STORE_OK;
}

static int
on_item_end(void *arg, const struct wxr_item *it)
{
	struct imp	*m = arg;
	int		 rc = STORE_OK;

	if (!m->writing)
		return 0;
	if (m->npcs > 0)
		rc = comments_finish(m);
	free((char *)m->item_key);
	m->item_key = NULL;
	arena_free(&m->rec);
	arena_init(&m->rec);
	return rc == STORE_OK ? 0 : fail(m, rc, "item", it->line);
}

/* The bytes of a file under uploads, at most FILE_MAX + 1; NULL: none. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*data;

	if (f == NULL)
		return NULL;
	data = xmalloc(FILE_MAX + 1);
	*len = fread(data, 1, FILE_MAX + 1, f);
	fclose(f);
	return data;
}

/* A relative path that stays inside uploads: no "..", not absolute. */
static int
rel_ok(const char *rel)
{
	return *rel != '\0' && *rel != '/' && strstr(rel, "..") == NULL;
}

/*
 * Stores attachment a as media, from the uploads copy; what it cannot
 * is counted missing (no such file) or refused (not a picture we keep).
 * made lists the files image_store created, for a rollback.
 */
static int
media_one(struct imp *m, struct att *a, struct image *made, size_t *nmade)
{
	struct media	 md;
	struct media_size sizes[IMAGE_FILES_MAX];
	struct image	 im;
	char		*path, msg[200], *data;
	size_t		 len;
	int		 rc;

	if ((rc = store_import_find(m->env.conn, "media", a->guid,
	    &a->media_id)) == STORE_OK) {
		if ((rc = store_media_get(m->env.conn, &m->run, a->media_id,
		    &md)) != STORE_OK)
			return rc;
		a->hash = md.hash;
		a->ext = image_ext(md.mime);
		m->n[K_ATTACHMENT].existing++;
		return STORE_OK;
	}
	if (rc != STORE_NOTFOUND)
		return rc;
	a->media_id = 0;
	path = arena_printf(&m->rec, "%s/%s", m->o->uploads ? m->o->uploads :
	    "", a->rel);
	if (m->o->uploads == NULL || !rel_ok(a->rel) ||
	    access(path, R_OK) != 0) {
		m->n[K_ATTACHMENT].missing++;
		listed(&m->missing, &m->nmissing_listed, "%s (%s)", a->rel,
		    m->o->uploads == NULL ? "no --uploads given" :
		    "no such file");
		return STORE_OK;
	}
	if (m->o->dry_run) {
		m->n[K_ATTACHMENT].imported++;
		return STORE_OK;
	}
	if ((data = slurp(path, &len)) == NULL)
		return STORE_ERROR;
	rc = image_store(data, len, IMAGE_ANY | IMAGE_SIZES, &m->site->media,
	    m->env.conn, m->site->images, &im, msg, sizeof(msg));
	free(data);
	if (rc != IMAGE_OK) {
		m->n[K_ATTACHMENT].refused++;
		listed(&m->missing, &m->nmissing_listed, "%s (refused: %s)",
		    a->rel, msg);
		return rc == IMAGE_FULL || rc == IMAGE_IO ? STORE_FULL :
		    STORE_OK;
	}
	made[(*nmade)++] = im;
	/* The same picture stored before; asked, not tried (PostgreSQL). */
	if ((rc = store_media_by_hash(m->env.conn, &m->rec, im.hash, &md)) ==
	    STORE_OK)
		a->media_id = md.id;
	else if (rc != STORE_NOTFOUND)
		return rc;
	else {
		library_item(&im, len, "", &md, sizes);
		if ((rc = store_media_add(m->env.conn, &md, &a->media_id)) !=
		    STORE_OK)
			return rc;
	}
	a->hash = arena_strdup(&m->run, im.hash);
	a->ext = im.ext;
	m->n[K_ATTACHMENT].imported++;
	return store_import_add(m->env.conn, "media", a->guid, a->old_id,
	    a->media_id);
}

static int
media_all(struct imp *m, struct image *made, size_t *nmade)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < m->natts; i++) {
		if ((rc = media_one(m, &m->atts[i], made, nmade)) != STORE_OK) {
			snprintf(m->err, m->errlen, "attachment %s: %s",
			    m->atts[i].rel, store_rc_name(rc));
			return -1;
		}
		arena_free(&m->rec);
		arena_init(&m->rec);
	}
	/* Sorted by path for the body rewriting's lookups. */
	if (m->natts > 0)
		qsort(m->atts, m->natts, sizeof(*m->atts), att_cmp);
	return 0;
}

/*
 * Pages whose parents came after them, attachments' posts; then
 * PostgreSQL's sequences.
 */
static int
finish(struct imp *m)
{
	const struct pending_parent	*pp;
	int64_t				 parent;
	size_t				 i;
	int				 rc = terms_finish(m);

	for (i = 0; rc == STORE_OK && i < m->npparents; i++) {
		pp = &m->pparents[i];
		if (store_import_old(m->env.conn, "post", pp->old_parent,
		    &parent) != STORE_OK)
			continue;
		rc = pp->media ? store_media_attach(m->env.conn, pp->id,
		    parent, pp->order) : store_post_parent_set(m->env.conn,
		    pp->id, parent);
	}
	if (rc == STORE_OK)
		rc = store_ids_sync(m->env.conn);
	if (rc != STORE_OK)
		snprintf(m->err, m->errlen, "finishing: %s", store_rc_name(rc));
	return rc == STORE_OK ? 0 : -1;
}

/*
 * Posts without a known author are the site's first account's; on a
 * site without accounts, one made for them (asked only when needed).
 */
static int
fallback(struct imp *m)
{
	struct user	*u;
	struct count	 save;
	size_t		 n;
	int		 rc;

	if ((rc = store_users_list(m->env.conn, &m->run, &u, &n)) !=
	    STORE_OK)
		return rc;
	if (n > 0) {
		m->fallback_author = u[0].id;
		return STORE_OK;
	}
	/* None: an account for them, as for any author in the file. */
	save = m->n[K_AUTHOR];	/* not one of the file's authors */
	rc = author_id(m, "wordpress", "", "WordPress", 0,
	    &m->fallback_author);
	m->n[K_AUTHOR] = save;
	return rc;
}

static void
summary(struct imp *m, FILE *out)
{
	const struct count	*c;
	size_t			 i;

	fprintf(out, "%s%s\n", m->o->dry_run ? "dry run, nothing changed: " :
	    "", m->o->file);
	for (i = 0; i < K__MAX; i++) {
		c = &m->n[i];
		fprintf(out, "%s: %ld in the file, %ld imported, %ld already"
		    " there, %ld conflicts", kind_names[i], c->file,
		    c->imported, c->existing, c->conflicts);
		if (i == K_ATTACHMENT)
			fprintf(out, ", %ld missing, %ld refused", c->missing,
			    c->refused);
		fputc('\n', out);
	}
	for (i = 0; i < m->nskips; i++)
		fprintf(out, "skipped: %ld %s\n", m->skips[i].n,
		    m->skips[i].why);
	if (m->missing.len > 0)
		fprintf(out, "attachments not imported (never fetched):\n%s",
		    m->missing.data);
	if (m->nmissing_listed > LIST_MAX)
		fprintf(out, "  and %ld more\n", m->nmissing_listed - LIST_MAX);
	if (m->conflicts.len > 0)
		fprintf(out, "conflicts (nothing updated):\n%s",
		    m->conflicts.data);
	if (m->nconflicts_listed > LIST_MAX)
		fprintf(out, "  and %ld more\n",
		    m->nconflicts_listed - LIST_MAX);
}

static void
imp_free(struct imp *m)
{
	size_t	 i;

	for (i = 0; i < m->nskips; i++)
		free(m->skips[i].why);
	free(m->skips);
	for (i = 0; i < m->nlogins; i++)
		free(m->logins[i].login);
	free(m->logins);
	for (i = 0; i < m->nterms; i++)
		free(m->terms[i].login);
	free(m->terms);
	for (i = 0; i < m->npterms; i++) {
		free(m->pterms[i].taxonomy);
		free(m->pterms[i].parent);
	}
	free(m->pterms);
	free(m->pcs);
	free(m->pparents);
	free(m->cm_old);
	free(m->cm_new);
	free(m->atts);
	free((char *)m->item_key);
	buf_reset(&m->missing);
	buf_reset(&m->conflicts);
	arena_free(&m->rec);
	arena_free(&m->run);
}

/* The second pass and everything it writes, in the caller's transaction. */
/* Whether the file is an export of ours (export.c writes "Galley"). */
static int
on_channel(void *arg, const struct wxr_channel *ch)
{
	struct imp	*m = arg;

	m->ours = ch->generator != NULL && strcmp(ch->generator, "Galley") ==
	    0;
	return 0;
}

static int
write_all(struct imp *m, const struct wxr_handler *h, struct image *made,
    size_t *nmade)
{
	if (media_all(m, made, nmade) != 0)
		return -1;
	m->writing = 1;
	m->started = now_s();
	if (wxr_read(m->o->file, h, m->err, m->errlen) != 0)
		return -1;
	if (m->o->progress)
		fputc('\n', stderr);
	return finish(m);
}

int
import_run(const struct site *s, const struct import_opts *o, FILE *out,
    char *err, size_t errlen)
{
	struct wxr_handler	 h = { NULL, on_channel, on_author, on_term,
	    on_item, on_comment, on_item_end };
	struct imp		 m;
	struct env		 env;
	struct image		*made = NULL;
	size_t			 nmade = 0, i;
	int			 rc = -1;

	memset(&m, 0, sizeof(m));
	h.arg = &m;
	m.site = s;
	m.o = o;
	m.err = err;
	m.errlen = errlen;
	arena_init(&m.run);
	arena_init(&m.rec);
	buf_init(&m.missing);
	buf_init(&m.conflicts);
	/* First pass: the whole file checked before anything is written. */
	if (wxr_read(o->file, &h, err, errlen) != 0)
		goto out;
	if ((m.env.conn = o->conn != NULL ? o->conn :
	    store_conn_get(s->store)) == NULL) {
		snprintf(err, errlen, "cannot reach the database");
		goto out;
	}
	if (site_env(s, m.env.conn, &m.run, &env) == STORE_OK)
		m.env.set = env.set;	/* for the site's zone */
	m.env.site = s;
	m.env.arena = &m.rec;
	m.env.now = (int64_t)time(NULL);
	made = xcalloc(m.natts + 1, sizeof(*made));
	if (store_bulk(m.env.conn) != STORE_OK ||
	    store_begin(m.env.conn) != STORE_OK) {
		snprintf(err, errlen, "cannot start a transaction");
		if (o->conn == NULL)
			store_conn_put(s->store, m.env.conn);
		goto out;
	}
	if (store_tallies_later(m.env.conn) != STORE_OK) {
		snprintf(err, errlen, "cannot start a transaction");
		rc = -1;
	} else
		rc = write_all(&m, &h, made, &nmade);
	if (rc == 0 && tally(&m, 0) != STORE_OK) {
		snprintf(err, errlen, "cannot count the posts' comments");
		rc = -1;
	}
	if (rc == 0 && !o->dry_run && store_commit(m.env.conn) != STORE_OK) {
		snprintf(err, errlen, "the transaction did not commit");
		rc = -1;
	} else if (rc != 0 || o->dry_run)
		store_rollback(m.env.conn);
	if (rc != 0)	/* nothing of this run stays: its pictures neither */
		for (i = 0; i < nmade; i++)
			image_discard(&s->media, m.env.conn, &made[i]);
	if (rc == 0)
		summary(&m, out);
	if (o->conn == NULL)
		store_conn_put(s->store, m.env.conn);
out:
	free(made);
	imp_free(&m);
	return rc;
}
