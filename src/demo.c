/*
 * demo: loads the demo site (see demo.h).  The picture is stored as every
 * upload is (media.c): named by its SHA-256, in the media folder or the
 * database as the site keeps them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "avatar.h"
#include "buf.h"
#include "demo.h"
#include "embed.h"
#include "env.h"
#include "media.h"
#include "post.h"
#include "site.h"
#include "store.h"

#define DEMO_POSTED	1443709920	/* 2015-10-01 14:32 UTC */

static const char *
text(const char *name)
{
	const struct embed	*e = embed_find(name);

	return e != NULL ? (const char *)e->data : "";
}

/* Stores the picture; its hash goes into hash (65 bytes). */
static int
demo_picture(struct store_conn *c, const struct media_store *ms, char *hash,
    char *err, size_t errlen)
{
	const struct embed	*e = embed_find("demo/russian-airstrikes-ISIS.jpg");
	struct media		 m = { .mime = "image/jpeg", .width = 640,
	    .height = 360, .alt = "russian-airstrikes-ISIS" };
	int			 made, rc;

	if (e == NULL)
		return STORE_ERROR;
	if ((rc = media_put(ms, c, m.mime, e->data, e->len, hash, &made)) !=
	    STORE_OK) {
		snprintf(err, errlen, "the demo picture could not be stored");
		return rc;
	}
	m.hash = hash;
	m.bytes = (int64_t)e->len;
	return store_media_add(c, &m, NULL);
}

/* The article body with the picture's URL put in for @IMAGE@. */
static char *
article_body(const char *hash)
{
	const char	*src = text("demo/article.html"), *at;
	struct buf	 b;

	buf_init(&b);
	at = strstr(src, "@IMAGE@");
	if (at == NULL)
		return xstrdup(src);
	buf_write(src, (size_t)(at - src), &b);
	buf_printf(&b, "/media/%s.jpg", hash);
	buf_puts(&b, at + 7);
	return buf_take(&b, NULL);
}

/* The article's category, then its seven tags, in the seed page's order. */
static const struct post_term terms[] = {
	{ "category", "terrorism", "Terrorism" },
	{ "tag", "russia", "Russia" }, { "tag", "syria", "Syria" },
	{ "tag", "isis", "ISIS" },
	{ "tag", "free-syrian-army", "Free Syrian Army" },
	{ "tag", "airstrikes", "airstrikes" }, { "tag", "hama", "Hama" },
	{ "tag", "homs", "Homs" },
};

/* Oleg's comment with its one up-vote, and the reply with none. */
static int
demo_comments(const struct env *e, int64_t post)
{
	struct store_conn	*c = e->conn;
	struct comment	 cm = { .post_id = post, .author = "Oleg",
	    .email = "oleg@example.net", .status = "approved",
	    .created = DEMO_POSTED + 12600, .user_agent = "" };
	int64_t		 oleg, reply;
	int		 rc;

	cm.content = (char *)text("demo/comment-oleg.txt");
	cm.avatar = (char *)avatar_key(e->site, e->arena, cm.email);
	if ((rc = store_comment_add(c, &cm, &oleg)) != STORE_OK)
		return rc;
	cm.parent_id = oleg;
	cm.author = "Brian";
	cm.email = "brian@example.org";
	cm.created = DEMO_POSTED + 45540;
	cm.content = (char *)text("demo/comment-reply.txt");
	cm.avatar = (char *)avatar_key(e->site, e->arena, cm.email);
	if ((rc = store_comment_add(c, &cm, &reply)) != STORE_OK)
		return rc;
	return store_comment_vote_add(c, oleg, "demo-voter-1", 1,
	    DEMO_POSTED + 20000);
}

int
demo_load(const struct env *e, char *err, size_t errlen)
{
	struct store_conn	*c = e->conn;
	struct user	 u = { .slug = "staff-writer", .name = "Staff Writer",
	    .email = "staff@example.com", .role = "admin",
	    .bio = "News from the Galley demo desk." };
	struct post	 p = { .type = "post", .status = "publish",
	    .format = "html", .comments_open = 1,
	    .slug = "russian-isis-strikes-hit-us-backed-anti-isis-groups-instead",
	    .title = "Russian \u2018ISIS Strikes\u2019 Hit US-Backed Anti-ISIS"
	    " Groups Instead", .published = DEMO_POSTED,
	    .modified = DEMO_POSTED, .excerpt = "",
	    .source_name = "Reuters", .source_url = "https://www.reuters.com/" };
	char		 hash[65];
	int64_t		 post;
	int		 rc;

	if ((rc = store_user_add(c, &u, &p.author_id)) != STORE_OK ||
	    (rc = demo_picture(c, &e->site->media, hash, err, errlen)) !=
	    STORE_OK)
		return rc;
	p.body = article_body(hash);
	rc = post_save(e, &p, NULL, terms, sizeof(terms) / sizeof(terms[0]),
	    p.author_id, &post);
	free(p.body);
	if (rc != STORE_OK ||
	    (rc = demo_comments(e, post)) != STORE_OK ||
	    (rc = store_post_vote_add(c, post, "demo-voter-1", 5,
	    DEMO_POSTED + 3600)) != STORE_OK ||
	    (rc = store_post_vote_add(c, post, "demo-voter-2", 7,
	    DEMO_POSTED + 7200)) != STORE_OK)
		return rc;
	p = (struct post){ .type = "page", .status = "publish",
	    .format = "markdown", .slug = "privacy", .title = "Privacy",
	    .author_id = p.author_id, .published = DEMO_POSTED,
	    .modified = DEMO_POSTED, .excerpt = "", .comments_open = 0,
	    .body = (char *)text("demo/privacy.md") };
	return post_save(e, &p, NULL, NULL, 0, p.author_id, &post);
}
