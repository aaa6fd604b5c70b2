/*
 * spam_corpus: see spam_corpus.h.  Files are read whole (at most
 * FILE_MAX bytes each); CSV goes through libcsv, which knows RFC 4180's
 * quoting and embedded newlines.  The evaluation keeps every training
 * message's tokens in one arena so that cross-validation can relearn
 * from any subset without reading the files again.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include <csv.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "spam.h"
#include "spam_corpus.h"
#include "store.h"

#define FILE_MAX	(4 << 20)

static int
read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
	FILE	*f = fopen(path, "rb");
	char	 chunk[65536];
	size_t	 n;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b->len = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len < FILE_MAX)
		buf_write(chunk, n, b);
	fclose(f);
	if (b->data == NULL)
		buf_write("", 0, b);
	return 0;
}

/* Reads the message at path (into b), of class cls, and gives it to fn. */
static int
read_message(const char *path, int cls, struct buf *b, spam_corpus_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct spam_msg	 m = { cls, NULL, 0, path, NULL };
	int		 rc;

	if ((rc = read_file(path, b, err, errlen)) != 0)
		return rc;
	m.text = b->data;
	m.len = b->len;
	return fn(arg, &m);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order, as class cls. */
static int
read_dir(const char *dir, int cls, spam_corpus_fn fn, void *arg, char *err,
    size_t errlen)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	struct stat	 st;
	struct buf	 b;
	char		**names = NULL, *path;
	size_t		 n = 0, cap = 0, i;
	int		 rc = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? cap * 2 : 256) *
			    sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	buf_init(&b);
	for (i = 0; i < n && rc == 0; i++) {
		path = xmalloc(strlen(dir) + strlen(names[i]) + 2);
		sprintf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = read_message(path, cls, &b, fn, arg, err, errlen);
		free(path);
	}
	buf_reset(&b);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The CSV reader's state: which columns, and the row being read. */
struct csv_state {
	spam_corpus_fn	 fn;
	void		*arg;
	const char	*path;
	long		 content, class, author, col, row;
	struct buf	 text, author_text;
	int		 cls, rc;
};

static void
csv_field(void *s, size_t len, void *data)
{
	struct csv_state	*c = data;

	if (c->row == 0) {
		if (len == 7 && strncasecmp(s, "CONTENT", 7) == 0)
			c->content = c->col;
		else if (len == 5 && strncasecmp(s, "CLASS", 5) == 0)
			c->class = c->col;
		else if (len == 6 && strncasecmp(s, "AUTHOR", 6) == 0)
			c->author = c->col;
	} else if (c->col == c->content) {
		c->text.len = 0;
		buf_write(s, len, &c->text);
	} else if (c->col == c->author) {
		c->author_text.len = 0;
		buf_write(s, len, &c->author_text);
	} else if (c->col == c->class)
		c->cls = len == 1 && *(char *)s == '1' ? 1 :
		    len == 1 && *(char *)s == '0' ? 0 : -1;
	c->col++;
}

static void
csv_row(int term, void *data)
{
	struct csv_state	*c = data;
	struct spam_msg		 m = { c->cls, c->text.data, c->text.len,
	    c->path, NULL };

	(void)term;
	/* An empty author is no one's: it must not tie messages together. */
	if (c->author_text.len > 0)
		m.sender = c->author_text.data;
	if (c->row++ > 0 && c->rc == 0 && c->cls >= 0 && c->text.data != NULL)
		c->rc = c->fn(c->arg, &m);
	c->col = 0;
	c->cls = -1;
	c->text.len = 0;
	c->author_text.len = 0;
}

static int
read_csv(const char *path, spam_corpus_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct csv_parser	 p;
	struct csv_state	 c = { fn, arg, path, -1, -1, -1, 0, 0, { 0 },
	    { 0 }, -1, 0 };
	struct buf		 b;
	int			 rc = -1;

	buf_init(&b);
	buf_init(&c.text);
	buf_init(&c.author_text);
	if (read_file(path, &b, err, errlen) != 0)
		goto out;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		snprintf(err, errlen, "%s: cannot start the CSV reader", path);
		goto out;
	}
	if (csv_parse(&p, b.data, b.len, csv_field, csv_row, &c) != b.len)
		snprintf(err, errlen, "%s: %s", path,
		    csv_strerror(csv_error(&p)));
	else if (csv_fini(&p, csv_field, csv_row, &c) != 0)
		snprintf(err, errlen, "%s: %s", path,
		    csv_strerror(csv_error(&p)));
	else if (c.content < 0 || c.class < 0)
		snprintf(err, errlen, "%s: no CONTENT and CLASS columns", path);
	else
		rc = c.rc;
	csv_free(&p);
out:
	buf_reset(&b);
	buf_reset(&c.text);
	buf_reset(&c.author_text);
	return rc;
}

int
spam_corpus_read(const char *path, int cls, spam_corpus_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct stat	 st;
	struct buf	 b;
	char		*sub;
	int		 rc;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && cls >= 0)
		return read_dir(path, cls, fn, arg, err, errlen);
	if (S_ISDIR(st.st_mode)) {
		sub = xmalloc(strlen(path) + 6);
		sprintf(sub, "%s/ham", path);
		rc = read_dir(sub, 0, fn, arg, err, errlen);
		sprintf(sub, "%s/spam", path);
		if (rc == 0)
			rc = read_dir(sub, 1, fn, arg, err, errlen);
		free(sub);
		return rc;
	}
	if (cls < 0)
		return read_csv(path, fn, arg, err, errlen);
	buf_init(&b);
	rc = read_message(path, cls, &b, fn, arg, err, errlen);
	buf_reset(&b);
	return rc;
}

/*
 * Starts like a mail: an mbox From line, or a first line that is one
 * of the headers a message starts with.  ("Subscribe: my channel" is a
 * comment, not a header.)
 */
static int
mail_like(const char *s, size_t len)
{
	static const char *const first[] = { "received", "return-path",
	    "from", "to", "subject", "date", "message-id", "delivered-to",
	    "mime-version", "reply-to", "content-type", "x-" };
	size_t	 i, n;

	if (len > 5 && memcmp(s, "From ", 5) == 0)
		return 1;
	for (n = 0; n < len && n < 80 && (isalnum((unsigned char)s[n]) ||
	    s[n] == '-' || s[n] == '_'); n++)
		;
	if (n == 0 || n >= len || s[n] != ':')
		return 0;
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (strncasecmp(s, first[i], strlen(first[i])) == 0 &&
		    (strlen(first[i]) == n || first[i][strlen(first[i]) - 1] ==
		    '-'))
			return 1;
	return 0;
}

void
spam_corpus_tokens(struct spam_toks *t, const char *text, size_t len)
{
	struct spam_comment	 c = { NULL, NULL, NULL, NULL };
	char			*s;

	unsigned		 feat = t->feat;

	/* A mail is long enough for words: n-grams are for comments. */
	t->feat &= ~(unsigned)SPAM_F_GRAMS;
	if (mail_like(text, len) && spam_mail_tokens(t, text, len) == 0) {
		t->feat = feat;
		return;
	}
	t->feat = feat;
	s = arena_strndup(t->arena, text, len);
	c.content = s;
	spam_comment_tokens(t, &c);
}

/* The evaluation: messages kept for cross-validation, and the tally. */
struct msg {
	int		 spam;
	unsigned	 fold;
	unsigned	 src;	/* which --train path it came from */
	uint64_t	 key;	/* its place in the seeded shuffle */
	const char	*text;	/* kept only for --write-folds */
	size_t		 len;
	struct spam_toks t;
	struct spam_toks who;	/* the sender, as one token, if known */
	double		 score;	/* the verdict, for --scores */
	unsigned	 sig;
};

struct tally {
	long	 ham, spam, fp, fn, unsure_ham, unsure_spam;
	double	 seconds;
};

static double	now(void);

struct run {
	const struct spam_eval	*e;
	struct arena		 arena;
	struct msg		*m;
	size_t			 n, cap;
	unsigned		 src;	/* the --train path being read */
	struct spam_mem		*mem;	/* the test pass's filter */
	struct spam_mem		*senders; /* and who it learnt from */
	struct tally		 tally;
	struct tally		*fold;	/* each fold's, cross-validating */
	struct msg		**order; /* the seeded shuffle: learnt so */
	int			 nfolds;
	int			 threads;
};

/* FNV-1a of the seed then s[0..len), mixed (splitmix64's finalizer). */
static uint64_t
shuffle_key(unsigned seed, const char *s, size_t len)
{
	uint64_t	 h = 1469598103934665603ULL;
	int		 i;

	for (i = 0; i < 4; i++)
		h = (h ^ ((seed >> (8 * i)) & 0xff)) * 1099511628211ULL;
	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* Sorting by class, then key, then place read: a total order. */
struct fold_rank {
	int		 spam;
	uint64_t	 key;
	size_t		 i;
};

static int
by_rank(const void *a, const void *b)
{
	const struct fold_rank	*x = a, *y = b;

	if (x->spam != y->spam)
		return x->spam - y->spam;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
spam_folds(const int *spam, const uint64_t *key, size_t n, unsigned k,
    unsigned *fold)
{
	struct fold_rank	*r = xmalloc((n + 1) * sizeof(*r));
	size_t			 i, rank = 0;

	for (i = 0; i < n; i++)
		r[i] = (struct fold_rank){ spam[i] != 0, key[i], i };
	qsort(r, n, sizeof(*r), by_rank);
	for (i = 0; i < n; i++) {
		if (i > 0 && r[i].spam != r[i - 1].spam)
			rank = 0;
		fold[r[i].i] = (unsigned)(rank++ % k);
	}
	free(r);
}

/* The sender as a token of its own table, so it is never scored. */
static void
sender_token(struct spam_toks *who, struct arena *a, const char *sender)
{
	spam_toks_init(who, a);
	if (sender != NULL)
		spam_toks_add(who, "", sender, strlen(sender));
}

static int
keep(void *arg, const struct spam_msg *msg)
{
	struct run	*r = arg;
	struct msg	*m;

	if (r->n == r->cap)
		r->m = xrealloc(r->m, (r->cap = r->cap ? r->cap * 2 : 1024) *
		    sizeof(*r->m));
	m = &r->m[r->n++];
	memset(m, 0, sizeof(*m));
	m->spam = msg->spam;
	m->src = r->src;
	m->key = shuffle_key(r->e->seed, msg->text, msg->len);
	if (r->e->folds_dir != NULL) {
		m->text = arena_strndup(&r->arena, msg->text, msg->len);
		m->len = msg->len;
	}
	spam_toks_init(&m->t, &r->arena);
	m->t.feat = r->e->features;
	spam_corpus_tokens(&m->t, msg->text, msg->len);
	sender_token(&m->who, &r->arena, msg->sender);
	return 0;
}

static int
by_key(const void *a, const void *b)
{
	const struct msg	*x = *(struct msg *const *)a,
				*y = *(struct msg *const *)b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The order messages are learnt in: the seeded shuffle, as a site's
 * verdicts come, ham and spam mixed (an online model that learnt all
 * the ham and then all the spam would think everything spam).
 */
static void
shuffle(struct run *r)
{
	size_t	 i;

	r->order = xmalloc((r->n + 1) * sizeof(*r->order));
	for (i = 0; i < r->n; i++)
		r->order[i] = &r->m[i];
	qsort(r->order, r->n, sizeof(*r->order), by_key);
}

/*
 * Gives each message its fold: the path it came from (leave one out),
 * or a stratified fold of the seeded shuffle.
 */
static void
assign_folds(struct run *r)
{
	int		*spam = xmalloc((r->n + 1) * sizeof(*spam));
	uint64_t	*key = xmalloc((r->n + 1) * sizeof(*key));
	unsigned	*fold = xmalloc((r->n + 1) * sizeof(*fold));
	size_t		 i;

	for (i = 0; i < r->n; i++) {
		spam[i] = r->m[i].spam;
		key[i] = r->m[i].key;
	}
	r->nfolds = r->e->by_path ? (int)r->e->ntrain : r->e->folds;
	if (!r->e->by_path)
		spam_folds(spam, key, r->n, (unsigned)r->nfolds, fold);
	for (i = 0; i < r->n; i++)
		r->m[i].fold = r->e->by_path ? r->m[i].src : fold[i];
	free(spam);
	free(key);
	free(fold);
}

/*
 * --write-folds DIR: each message as DIR/FOLD/ham|spam/N, so another
 * filter can be run on the very same folds.  A message that is not a
 * mail starts with an empty line, so that a mail reader takes it all
 * as a body, as spam_corpus_tokens does.
 */
static int
write_folds(const struct run *r, char *err, size_t errlen)
{
	char	 path[4096];
	FILE	*f;
	size_t	 i;
	int	 k;

	for (k = 0; k < r->nfolds; k++) {
		snprintf(path, sizeof(path), "%s/%d", r->e->folds_dir, k);
		mkdir(r->e->folds_dir, 0777);
		mkdir(path, 0777);
		snprintf(path, sizeof(path), "%s/%d/ham", r->e->folds_dir, k);
		mkdir(path, 0777);
		snprintf(path, sizeof(path), "%s/%d/spam", r->e->folds_dir, k);
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%.400s: %s", path,
			    strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < r->n; i++) {
		snprintf(path, sizeof(path), "%s/%u/%s/%06zu", r->e->folds_dir,
		    r->m[i].fold, r->m[i].spam ? "spam" : "ham", i);
		if ((f = fopen(path, "wb")) == NULL) {
			snprintf(err, errlen, "%.400s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (!mail_like(r->m[i].text, r->m[i].len))
			fputc('\n', f);
		fwrite(r->m[i].text, 1, r->m[i].len, f);
		if (fclose(f) != 0) {
			snprintf(err, errlen, "%.400s: %s", path,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Learns m into the filter, and its sender into senders; with the
 * logistic model mixed in, it takes its step too, as the server's
 * moderation does.
 */
static void
learn(const struct spam_params *p, struct spam_mem *mem,
    struct spam_mem *senders, const struct msg *m)
{
	struct spam_count	*c;
	double			 lr;

	if (p->mix > 0) {
		c = xmalloc((m->t.n + 1) * sizeof(*c));
		spam_mem_counts(mem, &m->t, c);
		lr = spam_lr(c, m->t.n, spam_mem_bias(mem));
		spam_mem_step(mem, &m->t, spam_lr_step(lr, m->t.n, m->spam,
		    p->lr_rate));
		free(c);
	}
	spam_mem_learn(mem, &m->t, m->spam, 1);
	spam_mem_learn(senders, &m->who, m->spam, 1);
}

/*
 * Classifies t (sent by who) with mem and senders, counts the outcome
 * against truth spam, and returns the score and signals (*sig).  The
 * signals the corpus can show: a link host seen only in spam, and a
 * sender seen in spam, as the server knows an email or IP hash.
 */
static double
judge(const struct spam_eval *e, const struct spam_mem *mem,
    const struct spam_mem *senders, const struct spam_toks *t,
    const struct spam_toks *who, int spam, struct tally *y, unsigned *sigp)
{
	struct spam_count	*c = xmalloc((t->n + 1) * sizeof(*c));
	struct spam_count	 s;
	int64_t			 nham, nspam;
	unsigned		 sig = 0;
	enum spam_class		 k;
	double			 score;

	spam_mem_counts(mem, t, c);
	spam_mem_totals(mem, &nham, &nspam);
	score = spam_mix(spam_score(c, t->n, nham, nspam, &e->params),
	    spam_lr(c, t->n, spam_mem_bias(mem)), &e->params);
	if (e->signals) {
		sig = spam_host_signal(t, c);
		if (who->n == 1) {
			spam_mem_counts(senders, who, &s);
			if (s.spam > 0)
				sig |= SPAM_SIG_KNOWN;
		}
	}
	free(c);
	k = spam_verdict(score, sig, e->ham_threshold, e->spam_threshold, 0);
	if (spam) {
		y->spam++;
		if (k == SPAM_UNSURE)
			y->unsure_spam++;
		if (k < SPAM_SPAM)
			y->fn++;
	} else {
		y->ham++;
		if (k == SPAM_UNSURE)
			y->unsure_ham++;
		if (k >= SPAM_SPAM)
			y->fp++;
	}
	*sigp = sig;
	return score;
}

/* --scores: a message's class, score and signals, in corpus order. */
static void
print_score(int spam, double score, unsigned sig)
{
	printf("%s %.6f %u\n", spam ? "spam" : "ham", score, sig);
}

/* A test message read and waiting for a worker. */
struct item {
	int		 spam;
	char		*text;
	size_t		 len;
	char		*sender;	/* or NULL */
	double		 score;		/* the verdict, for --scores */
	unsigned	 sig;
	uint64_t	 key;		/* bulk training: its place */
};

struct pass {
	struct run	*r;
	struct item	*it;
	size_t		 n, cap, next;
	int		 done;		/* every file has been read */
	pthread_mutex_t	 lock;
	pthread_cond_t	 more;
};

static int
test_keep(void *arg, const struct spam_msg *m)
{
	struct pass	*p = arg;
	char		*copy = xstrndup(m->text, m->len);
	char		*sender = m->sender != NULL ? xstrdup(m->sender) : NULL;

	pthread_mutex_lock(&p->lock);
	if (p->n == p->cap)
		p->it = xrealloc(p->it, (p->cap = p->cap ? p->cap * 2 : 1024) *
		    sizeof(*p->it));
	p->it[p->n].spam = m->spam;
	p->it[p->n].text = copy;
	p->it[p->n].sender = sender;
	p->it[p->n++].len = m->len;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* A worker: takes the next message until none is left. */
static void *
test_worker(void *arg)
{
	struct pass		*p = arg;
	struct tally		 y;
	struct arena		 a;
	struct spam_toks	 t, who;
	struct item		 it;
	size_t			 i;

	memset(&y, 0, sizeof(y));
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next == p->n && !p->done)
			pthread_cond_wait(&p->more, &p->lock);
		if (p->next == p->n) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		i = p->next++;
		it = p->it[i];	/* the array may move: copy */
		pthread_mutex_unlock(&p->lock);
		arena_init(&a);
		spam_toks_init(&t, &a);
		t.feat = p->r->e->features;
		spam_corpus_tokens(&t, it.text, it.len);
		sender_token(&who, &a, it.sender);
		it.score = judge(p->r->e, p->r->mem, p->r->senders, &t, &who,
		    it.spam, &y, &it.sig);
		arena_free(&a);
		pthread_mutex_lock(&p->lock);
		p->it[i].score = it.score;
		p->it[i].sig = it.sig;
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->r->tally.ham += y.ham;
	p->r->tally.spam += y.spam;
	p->r->tally.fp += y.fp;
	p->r->tally.fn += y.fn;
	p->r->tally.unsure_ham += y.unsure_ham;
	p->r->tally.unsure_spam += y.unsure_spam;
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * The test pass, timed from the first file read to the last verdict:
 * messages are classified on as many threads as there are cores, as
 * the server's workers classify comments side by side, while this
 * thread reads the files.
 */
static int
test_pass(struct run *r, char *err, size_t errlen)
{
	struct pass	 p;
	pthread_t	 th[8];
	long		 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 i, k, nth = cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;

	if (r->e->threads > 0)
		nth = r->e->threads > 8 ? 8 : (size_t)r->e->threads;
	double		 t0 = now();
	int		 rc = 0;

	memset(&p, 0, sizeof(p));
	p.r = r;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.more, NULL);
	spam_init();
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, test_worker, &p) != 0)
			break;
	for (k = 0; k < r->e->ntest && rc == 0; k++)
		rc = spam_corpus_read(r->e->test[k], -1, test_keep, &p, err,
		    errlen);
	pthread_mutex_lock(&p.lock);
	p.done = 1;
	pthread_cond_broadcast(&p.more);
	pthread_mutex_unlock(&p.lock);
	if (i == 0)
		test_worker(&p);
	while (i > 0)
		pthread_join(th[--i], NULL);
	r->tally.seconds = now() - t0;
	r->threads = (int)nth;
	for (i = 0; i < p.n; i++) {
		if (r->e->scores)
			print_score(p.it[i].spam, p.it[i].score, p.it[i].sig);
		free(p.it[i].text);
		free(p.it[i].sender);
	}
	free(p.it);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.more);
	return rc;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Bulk training: every message read first, then learnt in the order of
 * the seeded shuffle (the logistic model must meet ham and spam mixed,
 * as a site's verdicts come, not all of one class and then the other),
 * in batches, one transaction each.
 */
struct train {
	struct store_conn	*c;
	struct item		*it;
	long			 done, total, batch;
	size_t			 cap;
	double			 t0;
	int			 tty, rc;
};

static int
train_keep(void *arg, const struct spam_msg *m)
{
	struct train	*t = arg;

	if ((size_t)t->total == t->cap)
		t->it = xrealloc(t->it, (t->cap = t->cap ? t->cap * 2 : 1024) *
		    sizeof(*t->it));
	t->it[t->total].spam = m->spam;
	t->it[t->total].text = xstrndup(m->text, m->len);
	t->it[t->total].len = m->len;
	t->it[t->total++].key = shuffle_key(0, m->text, m->len);
	return 0;
}

static int
by_item_key(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int
train_one(struct train *t, const struct item *m)
{
	struct arena		 a;
	struct spam_toks	 k;
	int64_t			 step;
	double			 dt;

	if (t->batch == 0 && (t->rc = store_begin(t->c)) != STORE_OK)
		return 1;
	arena_init(&a);
	spam_toks_init(&k, &a);
	spam_corpus_tokens(&k, m->text, m->len);
	t->rc = store_spam_teach(t->c, k.tok, k.n, m->spam, 1, &step);
	arena_free(&a);
	if (t->rc != STORE_OK) {
		store_rollback(t->c);
		return 1;
	}
	t->done++;
	if (++t->batch == 500) {
		t->batch = 0;
		if ((t->rc = store_commit(t->c)) != STORE_OK)
			return 1;
	}
	if (t->tty && (t->done % 50 == 0 || t->done == t->total)) {
		dt = now() - t->t0;
		fprintf(stderr, "\rtrained %ld/%ld messages, %.0f/s", t->done,
		    t->total, dt > 0 ? (double)t->done / dt : 0);
	}
	return 0;
}

long
spam_corpus_train(struct store_conn *c, const char *const *paths,
    const int *spam, size_t n, int tty, char *err, size_t errlen)
{
	struct train	 t = { c, NULL, 0, 0, 0, 0, now(), tty, STORE_OK };
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = spam_corpus_read(paths[i], spam[i], train_keep, &t, err,
		    errlen);
	if (rc == 0 && t.total > 0)
		qsort(t.it, (size_t)t.total, sizeof(*t.it), by_item_key);
	for (i = 0; rc == 0 && i < (size_t)t.total; i++)
		rc = train_one(&t, &t.it[i]);
	if (rc == 0 && t.batch > 0)
		t.rc = store_commit(c);
	else if (rc != 0 && t.batch > 0 && t.rc == STORE_OK)
		store_rollback(c);
	if (tty && t.total > 0)
		fputc('\n', stderr);
	if (rc == 0 && t.rc != STORE_OK)
		snprintf(err, errlen, "%s", store_rc_name(t.rc));
	for (i = 0; i < (size_t)t.total; i++)
		free(t.it[i].text);
	free(t.it);
	return rc != 0 || t.rc != STORE_OK ? -1 : t.done;
}

/* Adds y's counts into sum. */
static void
tally_add(struct tally *sum, const struct tally *y)
{
	sum->ham += y->ham;
	sum->spam += y->spam;
	sum->fp += y->fp;
	sum->fn += y->fn;
	sum->unsure_ham += y->unsure_ham;
	sum->unsure_spam += y->unsure_spam;
	sum->seconds += y->seconds;
}

/*
 * Cross-validation: for each fold, a fresh filter learns every message
 * of the other folds and judges the fold's own, so no message is ever
 * both learnt and judged in one fold.
 */
static void
cross(struct run *r)
{
	struct spam_mem	*mem, *senders;
	struct tally	*y;
	size_t		 i;
	int		 k;
	double		 t0;

	r->fold = xcalloc((size_t)r->nfolds, sizeof(*r->fold));
	for (k = 0; k < r->nfolds; k++) {
		y = &r->fold[k];
		mem = spam_mem_new();
		senders = spam_mem_new();
		for (i = 0; i < r->n; i++)
			if (r->order[i]->fold != (unsigned)k)
				learn(&r->e->params, mem, senders, r->order[i]);
		t0 = now();
		for (i = 0; i < r->n; i++)
			if (r->m[i].fold == (unsigned)k)
				r->m[i].score = judge(r->e, mem, senders,
				    &r->m[i].t, &r->m[i].who, r->m[i].spam,
				    y, &r->m[i].sig);
		y->seconds = now() - t0;
		tally_add(&r->tally, y);
		spam_mem_free(mem);
		spam_mem_free(senders);
	}
	for (i = 0; i < r->n && r->e->scores; i++)
		print_score(r->m[i].spam, r->m[i].score, r->m[i].sig);
}

static double
accuracy(const struct tally *y)
{
	long	 n = y->ham + y->spam;

	return n > 0 ? (double)(n - y->fp - y->fn) / (double)n : 0;
}

static void
report_json(const struct tally *y, const char *end)
{
	printf("{\"ham\":%ld,\"spam\":%ld,\"fp\":%ld,\"fn\":%ld,"
	    "\"unsure_ham\":%ld,\"unsure_spam\":%ld,\"accuracy\":%.4f,"
	    "\"msgs_per_s\":%.0f%s", y->ham, y->spam, y->fp, y->fn,
	    y->unsure_ham, y->unsure_spam, accuracy(y), y->seconds > 0 ?
	    (double)(y->ham + y->spam) / y->seconds : 0, end);
}

static void
report_row(const char *name, const struct tally *y)
{
	printf("%-6s %5ld %5ld %4ld %4ld %6ld %6ld %8.4f\n", name, y->ham,
	    y->spam, y->fp, y->fn, y->unsure_ham, y->unsure_spam,
	    accuracy(y));
}

/*
 * Cross-validated: a row per fold, the total, and the mean and the
 * lowest of the folds' accuracies (leave one video out asks for both).
 */
static void
report_folds(const struct run *r)
{
	double	 a, mean = 0, min = 1;
	char	 name[16];
	int	 k;

	for (k = 0; k < r->nfolds; k++) {
		a = accuracy(&r->fold[k]);
		mean += a / r->nfolds;
		min = a < min ? a : min;
	}
	if (r->e->json) {
		report_json(&r->tally, ",\"folds\":[");
		for (k = 0; k < r->nfolds; k++)
			report_json(&r->fold[k], k + 1 < r->nfolds ? "}," :
			    "}");
		printf("],\"mean_accuracy\":%.4f,\"min_accuracy\":%.4f}\n",
		    mean, min);
		return;
	}
	printf("%-6s %5s %5s %4s %4s %6s %6s %8s\n", "fold", "ham", "spam",
	    "fp", "fn", "u_ham", "u_spam", "accuracy");
	for (k = 0; k < r->nfolds; k++) {
		snprintf(name, sizeof(name), "%d", k);
		report_row(name, &r->fold[k]);
	}
	report_row("total", &r->tally);
	printf("accuracy over folds: mean %.4f, lowest %.4f (unsure counted"
	    " as not spam)\n", mean, min);
}

static void
report(const struct spam_eval *e, const struct tally *y, int threads)
{
	long	 n = y->ham + y->spam;
	double	 rate = y->seconds > 0 ? (double)n / y->seconds : 0;

	if (e->json) {
		report_json(y, "}\n");
		return;
	}
	printf("ham %ld, spam %ld: false positives %ld, false negatives %ld"
	    " (unsure: %ld ham, %ld spam, counted as not spam)\n"
	    "accuracy %.4f, %.0f messages/s on %d threads\n", y->ham, y->spam,
	    y->fp, y->fn, y->unsure_ham, y->unsure_spam, accuracy(y), rate,
	    threads);
}

int
spam_corpus_eval(const struct spam_eval *e)
{
	struct run	 r;
	char		 err[512];
	size_t		 i;
	int		 rc = 0, cv = e->folds > 1 || e->by_path;

	memset(&r, 0, sizeof(r));
	r.e = e;
	arena_init(&r.arena);
	for (i = 0; i < e->ntrain && rc == 0; i++) {
		r.src = (unsigned)i;
		rc = spam_corpus_read(e->train[i], -1, keep, &r, err,
		    sizeof(err));
	}
	if (rc == 0 && cv) {
		shuffle(&r);
		assign_folds(&r);
		if (e->folds_dir != NULL)
			rc = write_folds(&r, err, sizeof(err));
		if (rc == 0)
			cross(&r);
	} else if (rc == 0) {
		r.mem = spam_mem_new();
		r.senders = spam_mem_new();
		shuffle(&r);
		for (i = 0; i < r.n; i++)
			learn(&e->params, r.mem, r.senders, r.order[i]);
		rc = test_pass(&r, err, sizeof(err));
		spam_mem_free(r.mem);
		spam_mem_free(r.senders);
	}
	if (rc != 0)
		fprintf(stderr, "galley spam eval: %s\n", err);
	else if (cv)
		report_folds(&r);
	else
		report(e, &r.tally, r.threads > 0 ? r.threads : 1);
	free(r.m);
	free(r.order);
	free(r.fold);
	arena_free(&r.arena);
	return rc != 0;
}
