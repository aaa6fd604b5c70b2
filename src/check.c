/*
 * check: `galley check DIR [--repair]` (see check.h).  Every question
 * goes through the store (store_check.c, the tallies' recount in
 * store_vote.c); this file decides what is a problem, says it, and with
 * --repair does the two safe fixes: tallies set from their rows, and
 * stored files no row names taken away (files moved aside, never
 * deleted, in case a running upload was about to name one; rows of
 * media_blobs deleted, as media_remove would).  A database with
 * migrations pending is reported and its rows not checked further: the
 * queries are this galley's, for the newest schema.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "check.h"
#include "media.h"
#include "site.h"
#include "store.h"

#define BLOB_PAGE	500

struct checker {
	FILE		*out;
	const char	*what;		/* the check running, for its lines */
	int		 repair;
	int		 problems;	/* found and left */
	int		 fixed;
};

/* A problem the store found: one line under the check's name. */
static void
said(void *arg, const char *problem)
{
	struct checker	*ch = arg;

	ch->problems++;
	fprintf(ch->out, "%s: %s\n", ch->what, problem);
}

static void
tally(void *arg, const char *kind, int64_t id, int64_t old_sum,
    int64_t old_count, int64_t sum, int64_t count)
{
	struct checker	*ch = arg;

	fprintf(ch->out, "tally: %s %lld: ", kind, (long long)id);
	if (old_sum != sum)
		fprintf(ch->out, "sum %lld, recounted %lld; ",
		    (long long)old_sum, (long long)sum);
	fprintf(ch->out, "count %lld, recounted %lld (%s)\n",
	    (long long)old_count, (long long)count, ch->repair ? "corrected" :
	    "--repair corrects it");
	if (ch->repair)
		ch->fixed++;
	else
		ch->problems++;
}

/* Returns 1 if the schema is this galley's, so rows can be checked. */
static int
check_schema(struct checker *ch, struct store_conn *c)
{
	int64_t	 have = 0, want = 0;
	int	 rc;

	if ((rc = store_schema_version(c, &have, &want)) != STORE_OK) {
		fprintf(ch->out, "migrations: cannot read the schema"
		    " version: %s\n", store_rc_name(rc));
		ch->problems++;
		return 0;
	}
	if (have == want)
		return 1;
	ch->problems++;
	if (have > want)
		fprintf(ch->out, "migrations: the database is of schema %d,"
		    " newer than this galley (%d)\n", (int)have, (int)want);
	else
		fprintf(ch->out, "migrations: %d pending (the database is of"
		    " schema %d, this galley makes %d); galley serve applies"
		    " them\n", (int)(want - have), (int)have, (int)want);
	fprintf(ch->out, "tallies and media: not checked until the schema"
	    " is this galley's\n");
	return 0;
}

static void
check_tallies(struct checker *ch, struct store_conn *c)
{
	int	 rc;

	ch->what = "tally";
	rc = ch->repair ? store_begin(c) : store_read_begin(c);
	if (rc == STORE_OK)
		rc = store_tallies(c, ch->repair, tally, ch);
	if (rc == STORE_OK)
		rc = ch->repair ? store_commit(c) : store_read_end(c);
	if (rc != STORE_OK) {
		store_rollback(c);
		said(ch, store_rc_name(rc));
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
named(char **names, size_t n, const char *name)
{
	return bsearch(&name, names, n, sizeof(*names), by_name) != NULL;
}

/*
 * The files rows name, as HASH.EXT (files) or HASH (db), sorted, each
 * once, in a; *n of them.
 */
static char **
ref_names(struct arena *a, const struct media_ref *refs, size_t nrefs,
    int ext, size_t *n)
{
	char		**names = arena_alloc(a, (nrefs + 1) * sizeof(*names));
	const char	 *e;
	size_t		  i;

	*n = 0;
	for (i = 0; i < nrefs; i++) {
		if ((e = media_ref_ext(&refs[i])) == NULL)
			continue;
		names[*n] = ext ? arena_printf(a, "%s.%s", refs[i].hash, e) :
		    refs[i].hash;
		if (*n == 0 || strcmp(names[*n - 1], names[*n]) != 0)
			(*n)++;
	}
	qsort(names, *n, sizeof(*names), by_name);
	return names;
}

/* Moves the orphan file name of the media folder to DIR/media-orphans. */
static void
orphan_file(struct checker *ch, const struct site *s, const char *name)
{
	char	 from[PATH_MAX], to[PATH_MAX];

	if (!ch->repair) {
		fprintf(ch->out, "media: %s/%s is named by no row (--repair"
		    " moves it aside)\n", s->media_dir, name);
		ch->problems++;
		return;
	}
	snprintf(to, sizeof(to), "%s/media-orphans", s->dir);
	if (mkdir(to, 0755) == -1 && errno != EEXIST) {
		fprintf(ch->out, "media: %s: %s\n", to, strerror(errno));
		ch->problems++;
		return;
	}
	snprintf(from, sizeof(from), "%s/%s", s->media_dir, name);
	snprintf(to, sizeof(to), "%s/media-orphans/%s", s->dir, name);
	if (rename(from, to) == -1) {
		fprintf(ch->out, "media: %s: %s\n", from, strerror(errno));
		ch->problems++;
		return;
	}
	fprintf(ch->out, "media: %s was named by no row: moved to %s\n",
	    from, to);
	ch->fixed++;
}

/* media_store = files: each named file there, each file there named. */
static void
check_files(struct checker *ch, const struct site *s, char **names,
    size_t n)
{
	struct dirent	*de;
	char		 path[PATH_MAX];
	size_t		 i;
	DIR		*d;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", s->media_dir, names[i]);
		if (access(path, F_OK) == -1) {
			fprintf(ch->out, "media: %s is named by a row but"
			    " missing\n", path);
			ch->problems++;
		}
	}
	if ((d = opendir(s->media_dir)) == NULL) {
		fprintf(ch->out, "media: %s: %s\n", s->media_dir,
		    strerror(errno));
		ch->problems++;
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    !named(names, n, de->d_name))
			orphan_file(ch, s, de->d_name);
	closedir(d);
}

/* The hashes of media_blobs, sorted, in a; the array is the caller's. */
static char **
blob_names(struct store_conn *c, struct arena *a, size_t *n, int *rc)
{
	struct media_blob	*b;
	char			**names = NULL;
	const char		*after = "";
	size_t			 got, i, cap = 0;

	*n = 0;
	do {
		if ((*rc = store_blob_list(c, a, after, BLOB_PAGE, &b, &got)) !=
		    STORE_OK)
			return names;
		if (*n + got > cap) {
			cap = (*n + got) * 2;
			names = xrealloc(names, cap * sizeof(*names));
		}
		for (i = 0; i < got; i++)
			names[(*n)++] = b[i].hash;
		if (got > 0)
			after = b[got - 1].hash;
	} while (got == BLOB_PAGE);
	return names;
}

/* media_store = db: each named picture a row, each row named. */
static void
check_blobs(struct checker *ch, struct store_conn *c, struct arena *a,
    char **names, size_t n)
{
	char	**blobs;
	size_t	  nb, i;
	int	  rc;

	blobs = blob_names(c, a, &nb, &rc);
	if (rc != STORE_OK) {
		said(ch, store_rc_name(rc));
		free(blobs);
		return;
	}
	for (i = 0; i < n; i++)
		if (!named(blobs, nb, names[i])) {
			fprintf(ch->out, "media: %s is named by a row but"
			    " missing from media_blobs\n", names[i]);
			ch->problems++;
		}
	for (i = 0; i < nb; i++) {
		if (named(names, n, blobs[i]))
			continue;
		if (ch->repair && store_blob_delete(c, blobs[i], 1) ==
		    STORE_OK) {
			fprintf(ch->out, "media: %s was named by no row:"
			    " deleted from media_blobs\n", blobs[i]);
			ch->fixed++;
			continue;
		}
		fprintf(ch->out, "media: %s in media_blobs is named by no row"
		    "%s\n", blobs[i], ch->repair ? "" : " (--repair deletes"
		    " it)");
		ch->problems++;
	}
	free(blobs);
}

static void
check_media(struct checker *ch, const struct site *s, struct store_conn *c)
{
	struct media_ref	*refs;
	struct arena		 a;
	char			**names;
	size_t			 nrefs, n;
	int			 rc, files = s->media.kind == MEDIA_FILES;

	ch->what = "media";
	arena_init(&a);
	if ((rc = store_media_refs(c, &a, &refs, &nrefs)) != STORE_OK)
		said(ch, store_rc_name(rc));
	else {
		names = ref_names(&a, refs, nrefs, files, &n);
		if (files)
			check_files(ch, s, names, n);
		else
			check_blobs(ch, c, &a, names, n);
	}
	arena_free(&a);
}

int
check_site(const char *dir, int repair, FILE *out)
{
	struct checker		 ch = { .out = out, .repair = repair };
	struct site		*s;
	struct store_conn	*c;
	char			 err[512];
	int			 rc;

	if ((s = site_open_as_is(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return -1;
	}
	if ((c = store_conn_get(s->store)) == NULL) {
		fprintf(stderr, "galley: cannot reach the database\n");
		site_close(s);
		return -1;
	}
	ch.what = "integrity";
	if ((rc = store_integrity(c, said, &ch)) != STORE_OK)
		said(&ch, store_rc_name(rc));
	ch.what = "foreign key";
	if ((rc = store_foreign_keys(c, said, &ch)) != STORE_OK)
		said(&ch, store_rc_name(rc));
	if (check_schema(&ch, c)) {
		check_tallies(&ch, c);
		check_media(&ch, s, c);
	}
	store_conn_put(s->store, c);
	site_close(s);
	if (ch.fixed > 0)
		fprintf(out, "%d %s repaired\n", ch.fixed, ch.fixed == 1 ?
		    "problem" : "problems");
	if (ch.problems == 0)
		fprintf(out, "%s: no problems found\n", dir);
	else
		fprintf(out, "%s: %d %s\n", dir, ch.problems, ch.problems == 1 ?
		    "problem" : "problems");
	return ch.problems;
}
