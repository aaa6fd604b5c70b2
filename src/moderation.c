/*
 * moderation: see moderation.h.  The comment's tokens are recomputed
 * from its stored fields (author, email, website, text), which never
 * change, so unlearning takes away exactly what learning added.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "moderation.h"
#include "spam.h"
#include "store.h"

/* What status teaches the filter: "ham", "spam", or NULL for nothing. */
static const char *
lesson(const char *status)
{
	if (strcmp(status, "approved") == 0)
		return "ham";
	if (strcmp(status, "spam") == 0)
		return "spam";
	return NULL;
}

/* Unlearns what cm taught (if anything) and learns want (if not NULL). */
static int
retrain(struct store_conn *c, struct arena *a, const struct comment *cm,
    const char *want)
{
	struct spam_comment	 sc = { cm->author, cm->email, cm->url,
	    cm->content };
	struct spam_toks	 t;
	int			 rc;

	spam_toks_init(&t, a);
	spam_comment_tokens(&t, &sc);
	if (*cm->spam_trained != '\0' && (rc = c->ops->spam_learn(c, t.tok,
	    t.n, strcmp(cm->spam_trained, "spam") == 0, -1)) != STORE_OK)
		return rc;
	if (want == NULL)
		return STORE_OK;
	return c->ops->spam_learn(c, t.tok, t.n, strcmp(want, "spam") == 0,
	    1);
}

int
moderation_forget(struct store_conn *c, struct arena *a,
    const struct comment *cm)
{
	return *cm->spam_trained != '\0' ? retrain(c, a, cm, NULL) : STORE_OK;
}

int
moderation_set(struct store_conn *c, int64_t id, const char *status)
{
	struct arena	 a;
	struct comment	 cm;
	const char	*want = lesson(status), *trained;
	char		 key[32];
	int		 rc;

	arena_init(&a);
	if ((rc = c->ops->begin(c)) != STORE_OK)
		goto out;
	/* Two moderators at once must not both teach the same comment. */
	snprintf(key, sizeof(key), "comment:%lld", (long long)id);
	if ((rc = c->ops->lock(c, key)) != STORE_OK ||
	    (rc = c->ops->comment_by_id(c, &a, id, &cm)) != STORE_OK)
		goto fail;
	trained = cm.spam_trained;
	if (want != NULL && strcmp(trained, want) != 0) {
		if ((rc = retrain(c, &a, &cm, want)) != STORE_OK)
			goto fail;
		trained = want;
	}
	if ((rc = c->ops->comment_moderate(c, id, status, trained)) !=
	    STORE_OK)
		goto fail;
	rc = c->ops->commit(c);
	goto out;
fail:
	c->ops->rollback(c);
out:
	arena_free(&a);
	return rc;
}

int
moderation_edit(struct store_conn *c, const struct comment *edit)
{
	struct arena	 a;
	struct comment	 cm;
	const char	*trained;
	char		 key[32];
	int		 rc;

	arena_init(&a);
	if ((rc = c->ops->begin(c)) != STORE_OK)
		goto out;
	snprintf(key, sizeof(key), "comment:%lld", (long long)edit->id);
	if ((rc = c->ops->lock(c, key)) != STORE_OK ||
	    (rc = c->ops->comment_by_id(c, &a, edit->id, &cm)) != STORE_OK ||
	    (rc = moderation_forget(c, &a, &cm)) != STORE_OK ||
	    (rc = c->ops->comment_edit(c, edit)) != STORE_OK)
		goto fail;
	/* What the old words taught, the new words teach. */
	trained = cm.spam_trained;
	cm.author = edit->author;
	cm.email = edit->email;
	cm.url = edit->url;
	cm.content = edit->content;
	cm.spam_trained = "";
	if (*trained != '\0' && (rc = retrain(c, &a, &cm, trained)) !=
	    STORE_OK)
		goto fail;
	rc = c->ops->commit(c);
	goto out;
fail:
	c->ops->rollback(c);
out:
	arena_free(&a);
	return rc;
}

int
moderation_delete(struct store_conn *c, int64_t id)
{
	struct arena	 a;
	struct comment	 cm;
	int		 rc;

	arena_init(&a);
	if ((rc = c->ops->begin(c)) != STORE_OK)
		goto out;
	if ((rc = c->ops->comment_by_id(c, &a, id, &cm)) != STORE_OK ||
	    (rc = moderation_forget(c, &a, &cm)) != STORE_OK ||
	    (rc = c->ops->comment_remove(c, id)) != STORE_OK)
		goto fail;
	rc = c->ops->commit(c);
	goto out;
fail:
	c->ops->rollback(c);
out:
	arena_free(&a);
	return rc;
}
