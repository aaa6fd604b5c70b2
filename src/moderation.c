/*
 * moderation: see moderation.h.  The comment's tokens are recomputed
 * from its stored fields (author, email, website, text), which never
 * change, and the logistic model's step and the tokenizer's features
 * are kept with the comment (comments.spam_step, spam_feat), so
 * unlearning takes away exactly what learning added, from both models,
 * even after an upgrade that changed the tokenizer's features.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "env.h"
#include "mail.h"
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

/* cm's tokens as the tokenizer with features feat makes them. */
static void
tokens(struct arena *a, const struct comment *cm, unsigned feat,
    struct spam_toks *t)
{
	struct spam_comment	 sc = { cm->author, cm->email, cm->url,
	    cm->content };

	spam_toks_init(t, a);
	t->feat = feat;
	spam_comment_tokens(t, &sc);
}

/*
 * Unlearns what cm taught (if anything), with the features it was learnt
 * with, and learns want (if not NULL) with today's.
 */
static int
retrain(struct store_conn *c, struct arena *a, const struct comment *cm,
    const char *want)
{
	struct spam_toks	 t;
	int64_t			 step;
	unsigned		 feat;
	int			 rc;

	if (*cm->spam_trained != '\0') {
		if ((rc = store_spam_step_of(c, cm->id, &step, &feat)) !=
		    STORE_OK)
			return rc;
		tokens(a, cm, feat, &t);
		if ((rc = store_spam_teach(c, t.tok, t.n, strcmp(
		    cm->spam_trained, "spam") == 0, -1, &step)) != STORE_OK)
			return rc;
	}
	if (want == NULL)
		return STORE_OK;
	tokens(a, cm, SPAM_FEATURES, &t);
	if ((rc = store_spam_teach(c, t.tok, t.n, strcmp(want, "spam") == 0,
	    1, &step)) != STORE_OK)
		return rc;
	return store_spam_step_keep(c, cm->id, step, SPAM_FEATURES);
}

int
moderation_forget(struct store_conn *c, struct arena *a,
    const struct comment *cm)
{
	return *cm->spam_trained != '\0' ? retrain(c, a, cm, NULL) : STORE_OK;
}

/*
 * Runs fn on comment id in one transaction, the comment locked (two
 * moderators at once must not both teach it) and read: committed if fn
 * returns STORE_OK, else rolled back.  Returns fn's or the store's rc.
 */
static int
with_comment(struct store_conn *c, int64_t id, int (*fn)(struct store_conn *,
    struct arena *, struct comment *, const void *), const void *arg)
{
	struct arena	 a;
	struct comment	 cm;
	char		 key[32];
	int		 rc;

	arena_init(&a);
	if ((rc = store_begin(c)) != STORE_OK)
		goto out;
	snprintf(key, sizeof(key), "comment:%lld", (long long)id);
	if ((rc = store_lock(c, key)) != STORE_OK ||
	    (rc = store_comment_by_id(c, &a, id, &cm)) != STORE_OK ||
	    (rc = fn(c, &a, &cm, arg)) != STORE_OK)
		store_rollback(c);
	else
		rc = store_commit(c);
out:
	arena_free(&a);
	return rc;
}

/* What moderation_set and moderation_undo hand set_status. */
struct verdict {
	const struct env	*e;
	const char		*status;
	const char		*trained;	/* NULL: what status teaches */
	struct moderation_was	*was;		/* NULL, or filled */
};

static int
set_status(struct store_conn *c, struct arena *a, struct comment *cm,
    const void *arg)
{
	const struct verdict	*v = arg;
	const char		*want = v->trained != NULL ? v->trained :
				    lesson(v->status),
				*trained = cm->spam_trained;
	int			 rc;

	if (v->was != NULL) {
		snprintf(v->was->status, sizeof(v->was->status), "%s",
		    cm->status);
		snprintf(v->was->trained, sizeof(v->was->trained), "%s",
		    cm->spam_trained);
	}
	if (want != NULL && strcmp(trained, want) != 0) {
		if ((rc = retrain(c, a, cm, *want != '\0' ? want : NULL)) !=
		    STORE_OK)
			return rc;
		trained = want;
	}
	if ((rc = store_comment_moderate(c, cm->id, v->status, trained)) !=
	    STORE_OK)
		return rc;
	/* A reply approved now: its parent's writer may want to know. */
	if (v->trained == NULL && cm->parent_id != 0 &&
	    strcmp(v->status, "approved") == 0 &&
	    strcmp(cm->status, "approved") != 0)
		return mail_event(v->e, "reply", cm->id);
	return STORE_OK;
}

int
moderation_set_was(const struct env *e, int64_t id, const char *status,
    struct moderation_was *was)
{
	struct verdict	 v = { e, status, NULL, was };
	int		 rc;

	if ((rc = with_comment(e->conn, id, set_status, &v)) == STORE_OK &&
	    strcmp(status, "approved") == 0)
		mail_wake(e->site);
	return rc;
}

int
moderation_set(const struct env *e, int64_t id, const char *status)
{
	return moderation_set_was(e, id, status, NULL);
}

int
moderation_undo(const struct env *e, int64_t id,
    const struct moderation_was *was)
{
	struct verdict	 v = { e, was->status, was->trained, NULL };

	return with_comment(e->conn, id, set_status, &v);
}

static int
edit(struct store_conn *c, struct arena *a, struct comment *cm,
    const void *arg)
{
	const struct comment	*e = arg;
	const char		*trained = cm->spam_trained;
	int			 rc;

	if ((rc = moderation_forget(c, a, cm)) != STORE_OK ||
	    (rc = store_comment_edit(c, e)) != STORE_OK)
		return rc;
	/* What the old words taught, the new words teach. */
	cm->author = e->author;
	cm->email = e->email;
	cm->url = e->url;
	cm->content = e->content;
	cm->spam_trained = "";
	return *trained != '\0' ? retrain(c, a, cm, trained) : STORE_OK;
}

int
moderation_edit(struct store_conn *c, const struct comment *e)
{
	return with_comment(c, e->id, edit, e);
}

static int
delete(struct store_conn *c, struct arena *a, struct comment *cm,
    const void *arg)
{
	int	 rc;

	(void)arg;
	if ((rc = moderation_forget(c, a, cm)) != STORE_OK)
		return rc;
	return store_comment_remove(c, cm->id);
}

int
moderation_delete(struct store_conn *c, int64_t id)
{
	return with_comment(c, id, delete, NULL);
}
