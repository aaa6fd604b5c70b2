/*
 * spam_corpus: labelled messages from files, for training and measuring
 * the spam filter.  A corpus PATH is a directory with ham/ and spam/
 * subdirectories (one message per file, RFC 822 or plain text), or a
 * CSV file with CONTENT and CLASS columns (CLASS 1 is spam), as the
 * YouTube Spam Collection is.  spam_corpus_eval is `galley spam eval`.
 */
#ifndef GALLEY_SPAM_CORPUS_H
#define GALLEY_SPAM_CORPUS_H

#include <stddef.h>

#include "spam.h"

/* One message of a corpus, borrowed for the call that is given it. */
struct spam_msg {
	int		 spam;		/* 1 spam, 0 ham */
	const char	*text;		/* its bytes, text[0..len) */
	size_t		 len;
	const char	*name;		/* the file it came from */
	const char	*sender;	/* who sent it, or NULL (below) */
};

/*
 * Called once per message.  A CSV corpus with an AUTHOR column names
 * each message's sender (the YouTube account, as an email address is a
 * reader's on a site); other corpora leave it NULL.  A non-zero return
 * stops the walk and is returned by spam_corpus_read.
 */
typedef int (*spam_corpus_fn)(void *arg, const struct spam_msg *);

/*
 * Reads every message of path.  With cls 0 or 1, path is a directory
 * (or file) of messages all of that class; with cls -1 it is a labelled
 * corpus as above.  Returns 0, fn's non-zero value, or -1 with a
 * message in err.
 */
int	spam_corpus_read(const char *path, int cls, spam_corpus_fn fn,
	    void *arg, char *err, size_t errlen);
/*
 * Adds the tokens of one corpus message: RFC 822 if it starts like one,
 * otherwise the content of a comment (text or HTML).
 */
void	spam_corpus_tokens(struct spam_toks *, const char *text, size_t len);

struct store_conn;

/*
 * `galley spam DIR train`: learns every message of paths[0..n) (each a
 * directory or file of messages, spam[i] giving their class) into the
 * site's filter through c, in transactions of 500 messages.  With tty
 * set, a progress line (done/total, rate) is kept on stderr.  Returns
 * the number learnt, or -1 with a message in err.
 */
long	spam_corpus_train(struct store_conn *c, const char *const *paths,
	    const int *spam, size_t n, int tty, char *err, size_t errlen);

/* What `galley spam eval` was asked for. */
struct spam_eval {
	const char		**train;	/* corpus paths */
	size_t			  ntrain;
	const char		**test;
	size_t			  ntest;
	int			  folds;	/* >1: cross-validate train */
	int			  by_path;	/* or leave each path out */
	unsigned		  seed;		/* of the folds' shuffle */
	const char		 *folds_dir;	/* write the folds there */
	int			  threads;	/* of the test pass; 0: cores */
	unsigned		  features;	/* enum spam_feature bits */
	int			  json;
	int			  scores;	/* print each test's score */
	int			  signals;	/* use the signals it can */
	double			  ham_threshold;
	double			  spam_threshold;
	struct spam_params	  params;
};

/*
 * Stratified k-fold assignment: the messages of each class (spam[i]),
 * in the order of their keys (ties by index), are dealt to folds 0,
 * 1, .. k-1 in turn, so each fold holds a k-th of each class, within
 * one.  The key is a seeded hash of a message's bytes, so a fold does
 * not depend on the order files are read in.  Fills fold[0..n).
 */
void	spam_folds(const int *spam, const uint64_t *key, size_t n,
	    unsigned k, unsigned *fold);

/* Runs e, printing the result to stdout; returns 0, or 1 on an error. */
int	spam_corpus_eval(const struct spam_eval *e);

#endif
