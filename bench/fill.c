/*
 * fill: grows a Galley site to a large one through Galley's own store,
 * for bench/scale.sh.  Adds POSTS posts (slugs post-1 ...; ten
 * categories, cat-0 to cat-9, each post in one), then COMMENTS approved
 * comments: BIG of them on the post "big", a tenth top level and the
 * rest replies in one of the 50 newest threads (to its first comment or
 * to its latest reply, so threads branch and nest, about ten comments
 * each, as conversations do), the rest spread evenly over the other
 * posts, three in ten of those replies.  Times rise by a second a comment from a fixed start, so a
 * run is the same every time.  Each batch of 10,000 rows is one
 * transaction.  Prints what it made.
 *
 *	fill DIR POSTS COMMENTS BIG
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "site.h"
#include "store.h"

#define BATCH	10000
#define T0	1500000000

static struct store_conn	*conn;
static long			 pending;

static void
die(const char *what)
{
	fprintf(stderr, "fill: %s failed\n", what);
	exit(1);
}

/* Ends the batch's transaction every BATCH rows. */
static void
tick(void)
{
	if (++pending < BATCH)
		return;
	if (store_commit(conn) != STORE_OK || store_begin(conn) != STORE_OK)
		die("commit");
	pending = 0;
}

int
main(int argc, char *argv[])
{
	struct site	*s;
	struct arena	 a;
	struct user	 u;
	struct term	 t = { .taxonomy = "category", .description = "" };
	struct post	 p = { .type = "post", .status = "publish",
	    .format = "markdown", .excerpt = "", .source_name = "",
	    .source_url = "", .comments_open = 1 };
	struct comment	 cm = { .email = "reader@example.org", .url = "",
	    .status = "approved", .ip_hash = "", .user_agent = "bench",
	    .image = "", .thumb = "", .avatar = "", .spam_score = -1,
	    .spam_signals = "" };
	int64_t		 cat[10], *post, big, id, when = T0;
	int64_t		 head[50], last[50];
	long		 nposts, ncomments, nbig, i, k, r, nheads = 0;
	char		 err[512], slug[64], name[64], text[160];
	unsigned	 seed = 1;

	if (argc != 5)
		die("usage: fill DIR POSTS COMMENTS BIG:");
	nposts = atol(argv[2]);
	ncomments = atol(argv[3]);
	nbig = atol(argv[4]);
	if (nposts < 1 || nbig < 0 || nbig > ncomments)
		die("arguments");
	if ((s = site_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "fill: %s\n", err);
		return 1;
	}
	arena_init(&a);
	conn = store_conn_get(s->store);
	if (conn == NULL || store_user_by_slug(conn, &a, "staff-writer",
	    &u) != STORE_OK)
		die("the demo's writer");
	if (store_begin(conn) != STORE_OK)
		die("begin");
	for (i = 0; i < 10; i++) {
		snprintf(slug, sizeof(slug), "cat-%ld", i);
		snprintf(name, sizeof(name), "Category %ld", i);
		t.slug = slug;
		t.name = name;
		if (store_term_add(conn, &t, &cat[i]) != STORE_OK)
			die("term");
	}
	post = calloc((size_t)nposts + 1, sizeof(*post));
	if (post == NULL)
		die("calloc");
	p.author_id = u.id;
	for (i = 0; i <= nposts; i++) {
		if (i == nposts)
			snprintf(slug, sizeof(slug), "big");
		else
			snprintf(slug, sizeof(slug), "post-%ld", i + 1);
		snprintf(name, sizeof(name), "Post number %ld", i + 1);
		p.slug = slug;
		p.title = name;
		p.body = "A paragraph of *body* text for the benchmark.";
		p.published = p.modified = T0 - 86400 * 30 + i * 60;
		if (store_post_add(conn, &p, &post[i]) != STORE_OK ||
		    store_post_term_add(conn, post[i], cat[i % 10]) !=
		    STORE_OK)
			die("post");
		tick();
	}
	big = post[nposts];
	cm.author = "Reader";
	cm.content = text;
	for (i = 0; i < ncomments; i++) {
		seed = seed * 1103515245u + 12345u;
		cm.created = when++;
		cm.parent_id = 0;
		r = -1;
		if (i < nbig) {
			cm.post_id = big;
			if (nheads > 0 && (seed >> 8) % 10 != 0) {
				r = (long)((seed >> 12) % (unsigned)(nheads < 50 ?
				    nheads : 50));
				cm.parent_id = (seed >> 20) % 2 ? head[r] :
				    last[r];
			}
		} else {
			k = (i - nbig) % nposts;
			cm.post_id = post[k];
			if ((seed >> 8) % 10 < 3 && i - nbig >= nposts)
				cm.parent_id = -1;	/* below */
		}
		snprintf(text, sizeof(text), "Comment %ld: a sentence or two"
		    " from a reader about the post above.", i);
		if (cm.parent_id == -1) {
			/* The previous comment on that post, made one round ago. */
			cm.parent_id = id - nposts + 1;
			if (cm.parent_id <= 0)
				cm.parent_id = 0;
		}
		if (store_comment_add(conn, &cm, &id) != STORE_OK)
			die("comment");
		if (i < nbig && r >= 0)
			last[r] = id;
		else if (i < nbig) {
			head[nheads % 50] = last[nheads % 50] = id;
			nheads++;
		}
		tick();
	}
	if (store_commit(conn) != STORE_OK)
		die("commit");
	store_conn_put(s->store, conn);
	printf("fill: %ld posts in 10 categories, %ld comments (%ld on"
	    " /big/)\n", nposts + 1, ncomments, nbig);
	free(post);
	arena_free(&a);
	site_close(s);
	return 0;
}
