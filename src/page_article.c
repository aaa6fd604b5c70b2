/*
 * page_article: an article, /YYYY/MM/slug/ — the seed page.  In order:
 * title, date, author, body, "Courtesy of", the post's star rating, the
 * category and tags, the threaded comments with their thumbs, and the
 * "Leave a Reply" form; JSON-LD, canonical link and Open Graph in the head.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "avatar.h"
#include "body.h"
#include "buf.h"
#include "comment.h"
#include "comment_text.h"
#include "html.h"
#include "image.h"
#include "i18n.h"
#include "mail.h"
#include "picture.h"
#include "page.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "url.h"

/* "6.0": the average to one decimal, as GD Star Rating shows it. */
static const char *
rating_average(struct req *r, const struct post *p)
{
	double	 avg = p->rating_count ?
	    (double)p->rating_sum / (double)p->rating_count : 0.0;

	return arena_printf(&r->arena, "%.1f", avg);
}

static json_t *
view_rating(struct req *r, const struct post *p, int64_t scale)
{
	json_t	*o = json_object(), *stars = json_array(), *s;
	double	 avg = p->rating_count ?
	    (double)p->rating_sum / (double)p->rating_count : 0.0;
	int64_t	 i;

	view_str(o, "average", rating_average(r, p));
	view_int(o, "count", p->rating_count);
	view_int(o, "scale", scale);
	for (i = 1; i <= scale; i++) {
		s = json_object();
		view_str(s, "class", avg >= (double)i ? "star-full" :
		    avg >= (double)i - 0.5 ? "star-half" : "star-empty");
		json_array_append_new(stars, s);
	}
	json_object_set_new(o, "stars", stars);
	stars = json_array();
	for (i = 1; i <= scale; i++) {
		s = json_object();
		view_int(s, "n", i);
		json_array_append_new(stars, s);
	}
	json_object_set_new(o, "choices", stars);
	return o;
}

/* Appends terms of one taxonomy to a new array with ", " separators. */
static json_t *
view_terms(struct req *r, const struct term *t, size_t n, const char *tax)
{
	json_t		*a = json_array(), *o = NULL;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (strcmp(t[i].taxonomy, tax) != 0)
			continue;
		if (o != NULL)
			view_str(o, "sep", ", ");
		o = json_object();
		view_str(o, "sep", "");
		view_str(o, "name", t[i].name);
		url_term(&b, tax, t[i].slug, 1);
		view_str(o, "url", b.data);
		buf_reset(&b);
		json_array_append_new(a, o);
	}
	(void)r;
	return a;
}

/*
 * o["more"], the words of the link under a head to the rest of its
 * thread, and o["more_url"], the thread's own page; "" when the page
 * shows it whole (the head and `replies` replies are shown).
 */
static void
view_more(struct req *r, json_t *o, const struct comment *c, int64_t replies)
{
	struct route	 rt = r->route;
	int64_t		 rest = c->thread_size - replies - 1;
	struct buf	 b;

	if (rest <= 0) {
		view_str(o, "more", "");
		return;
	}
	view_str(o, "more", c->thread_size >= STORE_THREAD_COUNTED ?
	    arena_printf(&r->arena, i18n_get(page_lang(r),
	    "More than %d replies in this thread"),
	    STORE_THREAD_COUNTED - 1) : arena_printf(&r->arena,
	    i18n_nget(page_lang(r), "%lld more reply in this thread",
	    "%lld more replies in this thread", (unsigned long)rest),
	    (long long)rest));
	rt.page = 1;
	rt.thread = c->id;
	buf_init(&b);
	url_route(&b, &rt);
	view_str(o, "more_url", arena_printf(&r->arena, "%s#comment-%lld",
	    b.data, (long long)c->id));
	buf_reset(&b);
}

/*
 * A comment's view.  Every key the template reads outside a section is
 * set, even when empty: a missing one would be looked up in the parent
 * comment's context by the recursive partial.  The keys THEMES.md names
 * only inside a section (a picture's inside "thumb", "more_url" inside
 * "more", "children" inside "has_children") are set only when that
 * section shows, so a plain comment is 14 keys rather than 19.
 */
static json_t *
view_comment(struct req *r, const struct comment *c, int64_t replies)
{
	json_t		*o = json_object();
	struct buf	 b;

	buf_init(&b);
	view_int(o, "id", c->id);
	view_str(o, "author", c->author);
	view_str(o, "author_url", url_http_ok(c->url) ? c->url : "");
	view_str(o, "date", page_human_date(r, c->created));
	view_str(o, "date_iso", page_iso_date(r, c->created));
	/* {{{content}}}: comment_text_render escapes every reader byte. */
	comment_text_render(&b, c->content, strlen(c->content));
	view_str(o, "content", b.data);
	buf_reset(&b);
	json_object_set_new(o, "held", json_boolean(strcmp(c->status,
	    "approved") != 0));
	/* Its picture is not public yet: the writer's token shows it. */
	if (strcmp(c->status, "approved") != 0 &&
	    req_arg(r, "unapproved") != NULL)
		view_str(o, "held_token", req_arg(r, "unapproved"));
	if (c->thumb != NULL && *c->thumb != '\0')
		view_comment_picture(o, c);
	else
		view_str(o, "thumb", "");
	/* {{{avatar}}}: shapes and a colour drawn from a hex key, no text. */
	avatar_svg(&b, c->avatar != NULL ? c->avatar : "");
	view_str(o, "avatar", b.data);
	buf_reset(&b);
	/*
	 * "+3" a string; "0" and "-2" as numbers, which render alike and
	 * take no printf, and most comments have no votes.
	 */
	if (c->vote_sum > 0)
		view_str(o, "score", arena_printf(&r->arena, "+%lld",
		    (long long)c->vote_sum));
	else
		view_int(o, "score", c->vote_sum);
	view_int(o, "vote_count", c->vote_count);
	/* False, not absent: {{#children}} must not find the parent's. */
	json_object_set_new(o, "children", json_false());
	json_object_set_new(o, "has_children", json_false());
	view_more(r, o, c, replies);
	return o;
}

static int
by_id(const void *a, const void *b)
{
	const struct comment	*x = *(const struct comment *const *)a;
	const struct comment	*y = *(const struct comment *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Builds the comment tree: replies nest in their parent's "children", at
 * most max levels deep; a deeper reply joins the deepest level, after its
 * parent, as WordPress shows it.  Comments come oldest first, so a parent
 * precedes its replies; a reply whose parent is not shown (held, spam)
 * is shown at the top level.  Parents are found by id in a sorted copy,
 * so a page with one thread of 100,000 replies builds in n log n.  A
 * head whose thread goes on past its `replies` replies links to it.
 */
static json_t *
view_comments(struct req *r, const struct comment *c, size_t n, int64_t max,
    int64_t replies)
{
	json_t			 *top = json_array(), **node, *kids;
	const struct comment	**sorted, *key, **hit;
	int64_t			 *depth, *up;
	size_t			  i, m = n ? n : 1;

	node = arena_alloc(&r->arena, m * sizeof(*node));
	depth = arena_alloc(&r->arena, m * sizeof(*depth));
	up = arena_alloc(&r->arena, m * sizeof(*up));
	sorted = arena_alloc(&r->arena, m * sizeof(*sorted));
	for (i = 0; i < n; i++)
		sorted[i] = &c[i];
	qsort(sorted, n, sizeof(*sorted), by_id);
	for (i = 0; i < n; i++) {
		struct comment	 probe;

		node[i] = view_comment(r, &c[i], replies);
		depth[i] = 1;
		up[i] = -1;
		if (c[i].parent_id != 0) {
			probe.id = c[i].parent_id;
			key = &probe;
			hit = bsearch(&key, sorted, n, sizeof(*sorted), by_id);
			/* Only a parent shown before it (a held one comes last). */
			if (hit != NULL && *hit - c < (ptrdiff_t)i)
				up[i] = *hit - c;
		}
		/* Climb until the reply fits under max levels. */
		while (up[i] >= 0 && depth[up[i]] >= max)
			up[i] = up[up[i]];
		if (up[i] < 0) {
			json_array_append_new(top, node[i]);
			continue;
		}
		depth[i] = depth[up[i]] + 1;
		if (!json_is_array(kids = json_object_get(node[up[i]],
		    "children"))) {
			kids = json_array();
			json_object_set_new(node[up[i]], "children", kids);
			json_object_set_new(node[up[i]], "has_children",
			    json_true());
		}
		json_array_append_new(kids, node[i]);
	}
	return top;
}

static void
jsonld_field(struct buf *b, const char *key, const char *val)
{
	buf_printf(b, ",\"%s\":", key);
	html_json(b, val, strlen(val));
}

/* The NewsArticle JSON-LD, every string through html_json. */
static const char *
jsonld(struct req *r, const struct post *p, json_t *site, const char *url,
    const char *author_url, const char *image)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b);
	buf_puts(&b, "{\"@context\":\"https://schema.org\","
	    "\"@type\":\"NewsArticle\"");
	jsonld_field(&b, "headline", p->title);
	jsonld_field(&b, "datePublished", page_iso_date(r, p->published));
	jsonld_field(&b, "dateModified", page_iso_date(r, p->modified));
	jsonld_field(&b, "mainEntityOfPage", url);
	if (image != NULL)
		jsonld_field(&b, "image", image);
	buf_puts(&b, ",\"author\":{\"@type\":\"Person\"");
	jsonld_field(&b, "name", p->author_name);
	jsonld_field(&b, "url", author_url);
	buf_puts(&b, "},\"publisher\":{\"@type\":\"Organization\"");
	jsonld_field(&b, "name", json_string_value(json_object_get(site,
	    "title")));
	buf_putc(&b, '}');
	if (p->rating_count > 0)
		buf_printf(&b, ",\"aggregateRating\":{\"@type\":"
		    "\"AggregateRating\",\"ratingValue\":%s,\"ratingCount\":"
		    "%lld,\"bestRating\":%lld,\"worstRating\":1}",
		    rating_average(r, p), (long long)p->rating_count,
		    (long long)set_int(page_settings(r), SET_RATING_SCALE));
	buf_putc(&b, '}');
	out = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return out;
}

/* Sets head's image fields for picture m: absolute URL, size, alt. */
static const char *
view_head_image(struct req *r, json_t *head, const char *base,
    const struct picture *m, const char *alt)
{
	const char	*ext = image_ext(m->display->mime);
	const char	*url;
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, base);
	url_media(&b, m->display->hash, ext != NULL ? ext : "jpg");
	url = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	view_str(head, "image", url);
	view_int(head, "image_width", m->display->width);
	view_int(head, "image_height", m->display->height);
	if (*alt != '\0')
		view_str(head, "image_alt", alt);
	return url;
}

static void
view_head(struct req *r, json_t *view, const struct post *p,
    const char *path, const char *author_path, const struct picture *m)
{
	json_t		*head = json_object_get(view, "head");
	json_t		*site = json_object_get(view, "site");
	const char	*base = json_string_value(json_object_get(site,
	    "base_url"));
	const char	*url = arena_printf(&r->arena, "%s%s", base, path);
	struct buf	 b;
	enum body_format fmt;

	buf_init(&b);
	if (p->excerpt[0] != '\0')
		buf_puts(&b, p->excerpt);
	else if (body_format_parse(p->format, &fmt) == 0)
		body_excerpt(&b, p->body, strlen(p->body), fmt,
		    p->filtered, 30);
	view_str(head, "title", p->title);
	view_str(head, "description", b.data);
	buf_reset(&b);
	view_str(head, "canonical", path);
	view_str(head, "og_type", "article");
	view_str(head, "published_iso", page_iso_date(r, p->published));
	view_str(head, "modified_iso", page_iso_date(r, p->modified));
	view_str(head, "jsonld", jsonld(r, p, site, url,
	    arena_printf(&r->arena, "%s%s", base, author_path), m != NULL ?
	    view_head_image(r, head, base, m, p->featured_alt) : NULL));
}

/* Sets o[key] to the path of comment page n of the article. */
static void
view_comment_link(struct req *r, json_t *o, const char *key, int n)
{
	struct route	 rt = r->route;
	struct buf	 b;

	rt.page = n;
	buf_init(&b);
	url_route(&b, &rt);
	view_str(o, key, arena_printf(&r->arena, "%s#comments", b.data));
	buf_reset(&b);
}

/*
 * Sets o["comments"] to top, the threads of comment page `page` of
 * `pages`, with links to the pages around it.  Takes the reference.
 */
static void
view_comment_page(struct req *r, json_t *o, json_t *top, int64_t page,
    int64_t pages)
{
	json_object_set_new(o, "has_comments", json_boolean(
	    json_array_size(top) > 0));
	json_object_set_new(o, "comments", top);
	view_str(o, "comments_older", "");
	view_str(o, "comments_newer", "");
	if (page > 1)
		view_comment_link(r, o, "comments_older", (int)page - 1);
	if (page < pages)
		view_comment_link(r, o, "comments_newer", (int)page + 1);
}

/*
 * view["form"]: the reply form's values and messages.  Empty for the
 * public page; the reader's own words and the reasons on a 422, or on a
 * 503 or 507 ("later": the site could not take the comment now); the
 * parent and its author for ?replytocom=N (WordPress's no-script reply).
 */
static void
view_form(struct req *r, json_t *view, int64_t post_id)
{
	struct env	 env = page_env(r);
	static const char *const names[CF__MAX] = { "form", "author",
	    "email", "url", "comment", "image" };
	const struct comment_form	*f = r->form;
	json_t				*o = json_object(), *err = json_object();
	const char			*arg = req_arg(r, "replytocom");
	int64_t				 parent = f ? f->parent_id : 0;
	struct comment			 up;
	size_t				 i;

	if (arg != NULL)
		parent = strtoll(arg, NULL, 10);
	view_str(o, "author", f ? f->author : "");
	view_str(o, "email", f ? f->email : "");
	view_str(o, "url", f ? f->url : "");
	view_str(o, "comment", f ? f->text : "");
	view_str(o, "image_formats", comment_image_label(&env));
	view_str(o, "image_accept", comment_image_accept(&env));
	/* The box only where mail can be sent; as the reader left it. */
	json_object_set_new(o, "mail", json_boolean(mail_on(r->site)));
	json_object_set_new(o, "notify", json_boolean(f != NULL &&
	    f->notify));
	/* A reply only to a comment shown on this post. */
	if (parent > 0 && store_comment_by_id(r->conn, &r->arena, parent,
	    &up) == STORE_OK && up.post_id == post_id &&
	    strcmp(up.status, "approved") == 0)
		view_str(o, "reply_to", up.author);
	else {
		view_str(o, "reply_to", "");
		parent = 0;
	}
	view_int(o, "parent", parent);
	/* A form sent back keeps its stamp: the time counts from the first
	 * view, not from the page that said what to correct. */
	view_str(o, "stamp", f != NULL && comment_stamp_time(&env, f->post_id,
	    f->stamp) >= 0 ? f->stamp : comment_stamp(&env, post_id));
	for (i = 0; f != NULL && i < CF__MAX; i++)
		if (f->err[i] != NULL)
			view_str(err, names[i], page_tr(r, f->err[i]));
	json_object_set_new(o, "errors", err);
	json_object_set_new(o, "has_errors", json_boolean(json_object_size(
	    err) > 0 && !(f != NULL && f->later)));
	json_object_set_new(o, "later", json_boolean(f != NULL && f->later));
	json_object_set_new(view, "form", o);
	if (f != NULL || arg != NULL)
		json_object_set_new(json_object_get(view, "head"), "noindex",
		    json_true());
}

/*
 * The writer of a held comment, back from the form with its token, sees
 * it in its place with "Your comment is awaiting moderation."  Sets
 * *held to it and *thread and *page to where it shows (comment_where),
 * and returns 1; 0 if there is none to show.
 */
static int
held_comment(struct req *r, json_t *view, int64_t post, int64_t threads,
    struct comment *held, int64_t *thread, int64_t *page)
{
	struct env	 env = page_env(r);
	const char	*token = req_arg(r, "unapproved");
	int64_t		 id;

	if (token == NULL || (id = comment_held_check(&env, token)) == 0 ||
	    store_comment_by_id(r->conn, &r->arena, id, held) !=
	    STORE_OK || held->post_id != post ||
	    strcmp(held->status, "trash") == 0 ||
	    strcmp(held->status, "approved") == 0 ||	/* shown already */
	    comment_where(&env, post, id, threads, thread, page) != STORE_OK)
		return 0;
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	held->email = NULL;	/* never into a view */
	return 1;
}

/*
 * Page `page` of the thread r->route.thread, comments_per_page comments a
 * page: *cm and *ncm, *pages the last page known (this one, or the next
 * when there are more), and o["thread"] with the way back to the
 * article's comment page that holds the thread.  STORE_NOTFOUND for no
 * such thread of p, or a page past its last.
 */
static int
view_thread(struct req *r, json_t *o, const struct post *p, int64_t page,
    struct comment **cm, size_t *ncm, int64_t *pages)
{
	int64_t		 per = set_int(page_settings(r), SET_COMMENTS_PER_PAGE);
	int64_t		 pos;
	struct route	 rt = r->route;
	struct buf	 b;
	json_t		*t;
	int		 rc;

	rc = store_comment_thread(r->conn, &r->arena, p->id, r->route.thread,
	    (page - 1) * per, per + 1, &pos, cm, ncm);
	if (rc != STORE_OK)
		return rc;
	if (*ncm == 0)
		return STORE_NOTFOUND;
	*pages = page;
	if ((int64_t)*ncm > per) {
		*ncm = (size_t)per;
		*pages = page + 1;
	}
	rt.thread = 0;
	rt.page = (int)comment_page_of(pos, per);
	buf_init(&b);
	url_route(&b, &rt);
	t = json_object();
	view_str(t, "back", arena_printf(&r->arena, "%s#comment-%lld", b.data,
	    (long long)r->route.thread));
	buf_reset(&b);
	json_object_set_new(o, "thread", t);
	return STORE_OK;
}

/*
 * Fills view["post"] from p, its terms and comment page r->route.page of
 * its approved threads (comments_per_page a page, oldest first): the
 * heads of one range of places and the first comment_replies_shown
 * replies of each, so a page costs the same on any post, however long
 * its threads; or, for a thread's own route, a page of that thread.
 * STORE_NOTFOUND for a page past the last.
 */
static int
view_article(struct req *r, json_t *view, const struct post *p,
    const char *path)
{
	struct env	 env = page_env(r);
	json_t		*o = json_object();
	struct term	*terms;
	struct comment	*cm, held, *all;
	size_t		 nterms, ncm;
	int64_t		 per = set_int(page_settings(r), SET_COMMENTS_PER_PAGE);
	int64_t		 replies = set_int(page_settings(r),
			    SET_COMMENT_REPLIES_SHOWN);
	int64_t		 page = r->route.page, threads, pages;
	int64_t		 held_thread, held_page;
	int		 show_held;
	const struct picture	*featured;
	const char	*author_path;
	struct buf	 b;
	int		 rc;

	json_object_set_new(view, "post", o);
	if ((rc = store_post_terms(r->conn, &r->arena, p->id,
	    &terms, &nterms)) != STORE_OK ||
	    (rc = store_comment_threads(r->conn, p->id, &threads)) !=
	    STORE_OK)
		return rc;
	show_held = held_comment(r, view, p->id, threads, &held,
	    &held_thread, &held_page);
	if (r->route.thread != 0)
		rc = view_thread(r, o, p, page, &cm, &ncm, &pages);
	else {
		pages = threads > 0 ? comment_page_of(threads, per) : 1;
		if (show_held && held_thread == 0 && held_page > pages)
			pages = held_page;
		json_object_set_new(o, "thread", json_false());
		rc = page > pages ? STORE_NOTFOUND : store_comments_page(
		    r->conn, &r->arena, p->id, (page - 1) * per + 1,
		    page * per, replies, &cm, &ncm);
	}
	if (rc != STORE_OK)
		return rc;
	if (show_held && held_thread == r->route.thread && held_page == page) {
		all = arena_alloc(&r->arena, (ncm + 1) * sizeof(*all));
		if (ncm > 0)
			memcpy(all, cm, ncm * sizeof(*all));
		all[ncm++] = held;
		cm = all;
	}
	view_int(o, "comment_count", p->comment_count);
	view_form(r, view, p->id);
	buf_init(&b);
	view_int(o, "id", p->id);
	view_str(o, "title", p->title);
	view_str(o, "url", path);
	view_str(o, "date", page_human_date(r, p->published));
	view_str(o, "date_iso", page_iso_date(r, p->published));
	view_str(o, "author", p->author_name);
	url_author(&b, p->author_slug, 1);
	view_str(o, "author_url", b.data);
	author_path = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	page_body(r, p, &b, &featured);
	/*
	 * {{{post.body}}}: writers' HTML, trusted as WordPress trusts
	 * editors' and admins', or filtered by kses (an author's); its
	 * pictures rewritten by media.c, which escapes what it adds.
	 */
	view_str(o, "body", b.data);
	buf_reset(&b);
	if (featured != NULL)
		json_object_set_new(o, "featured", view_picture(r, featured,
		    p->featured_alt, 0, NULL, 1));
	view_head(r, view, p, path, author_path, featured);
	if (p->source_name[0] != '\0') {
		view_str(o, "source_name", p->source_name);
		if (url_http_ok(p->source_url))
			view_str(o, "source_url", p->source_url);
	}
	json_object_set_new(o, "rating", view_rating(r, p,
	    set_int(page_settings(r), SET_RATING_SCALE)));
	json_object_set_new(o, "categories", view_terms(r, terms, nterms,
	    "category"));
	json_object_set_new(o, "tags", view_terms(r, terms, nterms, "tag"));
	json_object_set_new(o, "has_tags", json_boolean(json_array_size(
	    json_object_get(o, "tags")) > 0));
	view_comment_page(r, o, view_comments(r, cm, ncm,
	    set_int(page_settings(r), SET_COMMENT_MAX_DEPTH), replies), page,
	    pages);
	json_object_set_new(o, "comments_open", json_boolean(
	    comment_open(&env, p)));
	return STORE_OK;
}

int
page_article(struct req *r)
{
	struct post	 p;
	struct buf	 b;
	const char	*path;
	struct route	 rt;
	json_t		*view;
	int		 rc, moved;

	rc = store_post_by_slug(r->conn, &r->arena, "post",
	    r->route.slug, &p);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && p.published > r->now))
		return page_notfound(r);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	buf_init(&b);
	url_post(&b, page_tz(r), p.published, p.slug);
	path = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	rt = r->route;
	rt.page = 1;
	rt.thread = 0;
	url_route(&b, &rt);
	moved = strcmp(b.data, path) != 0;
	buf_reset(&b);
	if (moved) {
		/* Right slug, wrong month: WordPress redirects too. */
		r->location = path;
		return 301;
	}
	view = page_view(r);
	rt.feed = FEED_RSS;
	view_feed_link(r, view, arena_printf(&r->arena, i18n_get(page_lang(r),
	    "%s \u00bb %s Comments Feed"), set_text(page_settings(r),
	    SET_SITE_TITLE), p.title), &rt);
	if ((rc = view_article(r, view, &p, path)) != STORE_OK) {
		json_decref(view);
		return rc == STORE_NOTFOUND ? page_notfound(r) :
		    page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	return page_render(r, "article", view, r->form != NULL ? 422 : 200);
}

int
page_article_preview(struct req *r, const struct post *p,
    const struct term *t, size_t n)
{
	json_t		*view = page_view(r), *o;
	struct route	 saved = r->route;
	struct buf	 b;
	const char	*path;
	int		 rc;

	buf_init(&b);
	url_post(&b, page_tz(r), p->published, p->slug);
	path = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	/* The first page of its comments, as a reader arriving sees it. */
	r->route.page = 1;
	r->route.thread = 0;
	rc = view_article(r, view, p, path);
	r->route = saved;
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		json_decref(view);
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	o = json_object_get(view, "post");
	json_object_set_new(o, "categories", view_terms(r, t, n,
	    "category"));
	json_object_set_new(o, "tags", view_terms(r, t, n, "tag"));
	json_object_set_new(o, "has_tags", json_boolean(json_array_size(
	    json_object_get(o, "tags")) > 0));
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	return page_render(r, "article", view, 200);
}
