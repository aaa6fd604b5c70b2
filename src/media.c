/*
 * media: pictures' bytes in the media folder or the database (see
 * media.h).  Files are written as image.c always wrote them: a
 * temporary file, fsync, link() to HASH.EXT (EEXIST: the same bytes are
 * there), a sync of the folder; link() rather than rename() so a call
 * knows which files it created and can take back exactly those.  Rows
 * go through the store (store_blob_*), so this file holds no SQL.  The
 * move between the two reads, checks, writes, reads back and checks
 * again every picture before it touches galley.conf or any source copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "alloc.h"
#include "arena.h"
#include "conf.h"
#include "image.h"
#include "media.h"
#include "store.h"

/* Pictures listed from the database at a time while moving. */
#define MOVE_PAGE	100

static const char *const kinds[] = {
	[MEDIA_FILES] = "files",
	[MEDIA_DB] = "db",
};

const char *
media_ref_ext(const struct media_ref *r)
{
	if (r->mime[0] != '\0')
		return image_ext(r->mime);
	if (r->ext[0] == '\0')
		return "jpg";	/* a comment's picture from before png, webp */
	return image_mime(r->ext) != NULL ? r->ext : NULL;
}

int
media_kind_parse(const char *s, enum media_kind *kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0) {
			*kind = (enum media_kind)i;
			return 0;
		}
	return -1;
}

const char *
media_kind_name(enum media_kind k)
{
	return kinds[k];
}

/*
 * Logs a failure on what (errno e) once; returns STORE_FULL when the
 * disk or the quota is full, else STORE_ERROR.
 */
static int
io_error(const char *what, int e)
{
	char	 why[128];

	if (strerror_r(e, why, sizeof(why)) != 0)
		snprintf(why, sizeof(why), "error %d", e);
	fprintf(stderr, "media: %s: %s\n", what, why);
	return e == ENOSPC || e == EDQUOT ? STORE_FULL : STORE_ERROR;
}

/* Writes the hex SHA-256 of p[0..len) into hash[65]. */
static void
sha256_hex(const void *p, size_t len, char *hash)
{
	unsigned char	 md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, p, len);
	sodium_bin2hex(hash, 65, md, sizeof(md));
}

/* Whether s is 64 lower-case hex digits: a name we make. */
static int
hash_ok(const char *s)
{
	size_t	 i;

	for (i = 0; i < 64; i++)
		if (s[i] == '\0' || !strchr("0123456789abcdef", s[i]))
			return 0;
	return s[64] == '\0' || s[64] == '.';
}

static int
write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes a link or unlink in dir durable. */
static int
sync_dir(const char *dir)
{
	int	 fd, e;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		return io_error(dir, errno);
	if (fsync(fd) == -1) {
		e = errno;
		close(fd);
		return io_error(dir, e);
	}
	close(fd);
	return STORE_OK;
}

/*
 * Stores p[0..len) as dir/hash.ext: a temporary file, fsync, then
 * link() to its name; on failure nothing this call made is left, but
 * for a folder that does not sync: its file stays, *made set (media.h).
 */
static int
file_put(const char *dir, const char *hash, const char *ext, const void *p,
    size_t len, int *made)
{
	char	 path[PATH_MAX], tmp[PATH_MAX];
	int	 fd, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", dir, hash,
	    ext) >= sizeof(path) || (size_t)snprintf(tmp, sizeof(tmp),
	    "%s/.%s.XXXXXX", dir, hash) >= sizeof(tmp))
		return io_error(dir, ENAMETOOLONG);
	if ((fd = mkstemp(tmp)) == -1)
		return io_error(tmp, errno);
	if (write_all(fd, p, len) == -1 || fchmod(fd, 0644) == -1 ||
	    fsync(fd) == -1) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		e = errno;
		goto fail;
	}
	if (link(tmp, path) == 0)
		*made = 1;
	else if (errno != EEXIST) {
		e = errno;
		goto fail;
	}
	unlink(tmp);
	/*
	 * A folder that would not sync leaves the file, *made still set:
	 * the caller takes it back through media_discard, which keeps it
	 * if a request that found it meanwhile pins it.
	 */
	return sync_dir(dir);
fail:
	unlink(tmp);
	return io_error(path, e);
}

/*
 * The pins: a hash, how many requests hold it, and whether a deletion
 * of its file is under way (going); a slot with neither is free.  The
 * deletion's database work runs outside the lock: a request pinning
 * that hash meanwhile waits for it (pins_done), no other request does.
 */
#define PINS_MAX	1024
static struct {
	char	 hash[65];
	int	 n;
	int	 going;
} pins[PINS_MAX];
static pthread_mutex_t	 pins_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 pins_done = PTHREAD_COND_INITIALIZER;

/* hash's slot, or with add a free one, or -1; pins_lock held. */
static int
pin_slot(const char *hash, int add)
{
	int	 i, free_slot = -1;

	for (i = 0; i < PINS_MAX; i++) {
		if ((pins[i].n > 0 || pins[i].going) &&
		    strcmp(pins[i].hash, hash) == 0)
			return i;
		if (pins[i].n == 0 && !pins[i].going && free_slot == -1)
			free_slot = i;
	}
	if (!add || free_slot == -1)
		return -1;
	snprintf(pins[free_slot].hash, sizeof(pins[free_slot].hash), "%s",
	    hash);
	return free_slot;
}

/*
 * Marks hash's file as going, if no request pins it and no deletion of
 * it is under way: returns its slot, for going_end, or -1 (then the
 * file must stay; also when the table is full).
 */
static int
going_begin(const char *hash)
{
	int	 i;

	pthread_mutex_lock(&pins_lock);
	if ((i = pin_slot(hash, 1)) != -1) {
		if (pins[i].n > 0 || pins[i].going)
			i = -1;
		else
			pins[i].going = 1;
	}
	pthread_mutex_unlock(&pins_lock);
	return i;
}

static void
going_end(int i)
{
	pthread_mutex_lock(&pins_lock);
	pins[i].going = 0;
	pthread_cond_broadcast(&pins_done);
	pthread_mutex_unlock(&pins_lock);
}

int
media_pin(const char *hash)
{
	int	 i;

	pthread_mutex_lock(&pins_lock);
	/* A deletion under way ends first: the put after it makes anew. */
	while ((i = pin_slot(hash, 1)) != -1 && pins[i].going)
		pthread_cond_wait(&pins_done, &pins_lock);
	if (i != -1)
		pins[i].n++;
	pthread_mutex_unlock(&pins_lock);
	if (i == -1)
		fprintf(stderr, "media: %s: too many pictures in flight to"
		    " pin it\n", hash);
	return i == -1 ? -1 : 0;
}

void
media_unpin(const char *hash)
{
	int	 i;

	pthread_mutex_lock(&pins_lock);
	if ((i = pin_slot(hash, 0)) != -1)
		pins[i].n--;
	pthread_mutex_unlock(&pins_lock);
}

static int
put(const struct media_store *ms, struct store_conn *c, const char *mime,
    const void *data, size_t len, char *hash, int *made, int *pinned)
{
	const char	*ext = image_ext(mime);

	*made = 0;
	sha256_hex(data, len, hash);
	/* Before the file is looked for: see media_discard. */
	if (pinned != NULL)
		*pinned = media_pin(hash) == 0;
	if (ext == NULL || len > MEDIA_MAX_BYTES) {
		fprintf(stderr, "media: %s: not a picture we store\n", hash);
		return STORE_ERROR;
	}
	if (ms->kind == MEDIA_FILES)
		return file_put(ms->dir, hash, ext, data, len, made);
	return store_blob_put(c, hash, mime, data, len, (int64_t)time(NULL),
	    made);
}

int
media_put(const struct media_store *ms, struct store_conn *c,
    const char *mime, const void *data, size_t len, char *hash, int *made)
{
	return put(ms, c, mime, data, len, hash, made, NULL);
}

int
media_put_pinned(const struct media_store *ms, struct store_conn *c,
    const char *mime, const void *data, size_t len, char *hash, int *made,
    int *pinned)
{
	return put(ms, c, mime, data, len, hash, made, pinned);
}

void
media_object_reset(struct media_object *o)
{
	if (o->fd != -1)
		close(o->fd);
	free(o->data);
	o->fd = -1;
	o->data = NULL;
	o->len = 0;
}

/* Opens dir/hash.ext into o. */
static int
file_get(const char *dir, const char *hash, const char *ext,
    struct media_object *o)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", dir, hash,
	    ext) >= sizeof(path))
		return STORE_NOTFOUND;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? STORE_NOTFOUND : io_error(path, errno);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return STORE_NOTFOUND;
	}
	o->fd = fd;
	o->len = (size_t)st.st_size;
	return STORE_OK;
}

int
media_get(const struct media_store *ms, struct store_conn *c,
    const char *hash, const char *ext, struct media_object *o)
{
	struct media_blob	 b;
	struct arena		 a;
	int			 rc;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!hash_ok(hash) || hash[64] != '\0' ||
	    (o->mime = image_mime(ext)) == NULL)
		return STORE_NOTFOUND;
	if (ms->kind == MEDIA_FILES)
		return file_get(ms->dir, hash, ext, o);
	arena_init(&a);
	rc = store_blob_get(c, &a, hash, MEDIA_MAX_BYTES, &b);
	/* Stored as another type: not under this name. */
	if (rc == STORE_OK && strcmp(b.mime, o->mime) != 0) {
		free(b.data);
		rc = STORE_NOTFOUND;
	} else if (rc == STORE_OK) {
		o->data = b.data;
		o->len = (size_t)b.size;
	}
	arena_free(&a);
	return rc;
}

/*
 * Deletes hash's files of the extensions exts[0..n) (db: its blob)
 * unless a request pins it or, as c sees it, something names it; with
 * no connection (a caller without a site) nothing names it.  Marked as
 * going meanwhile: a request that pins the picture from now on waits,
 * then finds the file gone and puts it again; one that pinned it
 * before keeps it, and its comment or item names it by the time its
 * pin goes.  A use that cannot be counted keeps the files (`galley
 * check` lists an orphan).
 */
static int
drop(const struct media_store *ms, struct store_conn *c, const char *hash,
    const char *const *exts, size_t n)
{
	char	 path[PATH_MAX];
	int64_t	 uses = 0;
	size_t	 i;
	int	 rc = STORE_OK, slot;

	if ((slot = going_begin(hash)) == -1)
		return STORE_OK;
	if (ms->kind == MEDIA_DB)
		rc = store_blob_delete(c, hash, 1);
	else if (c == NULL || ((rc = store_image_uses(c, hash, &uses)) ==
	    STORE_OK && uses == 0))
		for (i = 0; i < n; i++)
			if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s",
			    ms->dir, hash, exts[i]) < sizeof(path) &&
			    unlink(path) == -1 && errno != ENOENT)
				fprintf(stderr, "media: %s: %s\n", path,
				    strerror(errno));
	going_end(slot);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

void
media_discard(const struct media_store *ms, struct store_conn *c,
    const char *hash, const char *ext)
{
	(void)drop(ms, c, hash, &ext, 1);
}

int
media_remove(const struct media_store *ms, struct store_conn *c,
    const char *hash)
{
	static const char *const exts[] = { "jpg", "png", "webp" };

	if (!hash_ok(hash))
		return STORE_OK;
	return drop(ms, c, hash, exts, sizeof(exts) / sizeof(exts[0]));
}


int
media_read(const struct media_store *ms, struct store_conn *c, const char *hash,
    const char *ext, void **p, size_t *len)
{
	struct media_object	 o;
	size_t			 got = 0;
	ssize_t			 n;
	int			 rc;

	if ((rc = media_get(ms, c, hash, ext, &o)) != STORE_OK)
		return rc;
	if (o.data != NULL || o.len > MEDIA_MAX_BYTES) {
		*p = o.data;
		*len = o.len;
		o.data = NULL;
		rc = o.len > MEDIA_MAX_BYTES ? STORE_ERROR : STORE_OK;
		media_object_reset(&o);
		return rc;
	}
	*p = xmalloc(o.len > 0 ? o.len : 1);
	while (got < o.len && ((n = read(o.fd, (char *)*p + got,
	    o.len - got)) > 0 || (n == -1 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	*len = got;
	rc = got == o.len ? STORE_OK : io_error(hash, errno ? errno : EIO);
	media_object_reset(&o);
	return rc;
}

/*
 * Moves one picture, hash.ext, from from to to: read, checked against
 * its name, written, read back and checked.  Returns 0 copied, 1 there
 * already, -1 failed (said on out).
 */
static int
move_one(const struct media_store *from, const struct media_store *to,
    struct store_conn *c, const char *hash, const char *ext, FILE *out)
{
	const char	*why = NULL;
	char		 got[65];
	void		*p = NULL, *back = NULL;
	size_t		 len = 0, blen = 0;
	int		 made = 0;

	if (media_read(from, c, hash, ext, &p, &len) != STORE_OK)
		why = "cannot be read";
	else if (sha256_hex(p, len, got), strcmp(got, hash) != 0)
		why = "its bytes do not match its name";
	else if (media_put(to, c, image_mime(ext), p, len, got, &made) !=
	    STORE_OK)
		why = "cannot be written";	/* a file left: a rerun checks it */
	else if (media_read(to, c, hash, ext, &back, &blen) != STORE_OK)
		why = "cannot be read back";
	else if (sha256_hex(back, blen, got), strcmp(got, hash) != 0)
		why = "reads back with other bytes";
	free(p);
	free(back);
	fprintf(out, "%s %s.%s%s%s\n", why != NULL ? "failed" : made ?
	    "copied" : "present", hash, ext, why != NULL ? ": " : "",
	    why != NULL ? why : "");
	fflush(out);
	return why != NULL ? -1 : made ? 0 : 1;
}

/* The pictures to move, and which verified. */
struct todo {
	struct arena	 a;
	char		**hash, **ext;
	size_t		 n, cap;
};

static void
todo_add(struct todo *t, const char *hash, const char *ext)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->hash = xrealloc(t->hash, t->cap * sizeof(*t->hash));
		t->ext = xrealloc(t->ext, t->cap * sizeof(*t->ext));
	}
	t->hash[t->n] = arena_strdup(&t->a, hash);
	t->ext[t->n++] = arena_strdup(&t->a, ext);
}

/* Lists the files of dir named HASH.EXT, EXT ours, into t. */
static int
list_files(const char *dir, struct todo *t)
{
	DIR		*d;
	struct dirent	*de;
	char		 hash[65];

	if ((d = opendir(dir)) == NULL)
		return io_error(dir, errno);
	while ((de = readdir(d)) != NULL) {
		if (!hash_ok(de->d_name) || de->d_name[64] != '.' ||
		    image_mime(de->d_name + 65) == NULL)
			continue;
		memcpy(hash, de->d_name, 64);
		hash[64] = '\0';
		todo_add(t, hash, de->d_name + 65);
	}
	closedir(d);
	return STORE_OK;
}

/* Lists the pictures in the database into t. */
static int
list_rows(struct store_conn *c, struct todo *t)
{
	struct media_blob	*b;
	struct arena		 a;
	const char		*after = "", *ext;
	char			 last[65] = "";
	size_t			 n, i;
	int			 rc;

	do {
		arena_init(&a);
		rc = store_blob_list(c, &a, after, MOVE_PAGE, &b, &n);
		for (i = 0; rc == STORE_OK && i < n; i++) {
			ext = image_ext(b[i].mime);
			todo_add(t, b[i].hash, ext != NULL ? ext : "?");
			snprintf(last, sizeof(last), "%s", b[i].hash);
		}
		after = last;
		arena_free(&a);
	} while (rc == STORE_OK && n == MOVE_PAGE);
	return rc;
}

/* Deletes the source copy of t's picture i. */
static int
drop_source(const struct media_store *from, struct store_conn *c,
    const struct todo *t, size_t i)
{
	char	 path[PATH_MAX];
	int	 rc;

	if (from->kind == MEDIA_DB) {
		rc = store_blob_delete(c, t->hash[i], 0);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", from->dir,
	    t->hash[i], t->ext[i]) >= sizeof(path))
		return STORE_ERROR;
	if (unlink(path) == -1 && errno != ENOENT)
		return io_error(path, errno);
	return STORE_OK;
}

int
media_move(const struct media_store *from, const struct media_store *to,
    struct store_conn *c, const char *conf, FILE *out,
    struct media_moved *sum)
{
	struct todo	 t;
	char		 err[512];
	size_t		 i;
	int		 rc, r;

	memset(sum, 0, sizeof(*sum));
	memset(&t, 0, sizeof(t));
	arena_init(&t.a);
	rc = from->kind == MEDIA_FILES ? list_files(from->dir, &t) :
	    list_rows(c, &t);
	for (i = 0; rc == STORE_OK && i < t.n; i++) {
		r = move_one(from, to, c, t.hash[i], t.ext[i], out);
		sum->copied += r == 0;
		sum->present += r == 1;
		sum->failed += r == -1;
	}
	/* Every picture is at the destination: switch, then tidy up. */
	if (rc == STORE_OK && sum->failed == 0 && conf_set(conf,
	    "media_store", media_kind_name(to->kind), err, sizeof(err)) == -1) {
		fprintf(stderr, "galley: %s\n", err);
		rc = STORE_ERROR;
	}
	for (i = 0; rc == STORE_OK && sum->failed == 0 && i < t.n; i++)
		if ((rc = drop_source(from, c, &t, i)) == STORE_OK)
			sum->removed++;
	if (rc == STORE_OK && from->kind == MEDIA_FILES && sum->removed > 0)
		rc = sync_dir(from->dir);
	fprintf(out, "%lld copied, %lld already there, %lld failed; %lld"
	    " source copies removed; media_store = %s\n",
	    (long long)sum->copied, (long long)sum->present,
	    (long long)sum->failed, (long long)sum->removed,
	    media_kind_name(rc == STORE_OK && sum->failed == 0 ? to->kind :
	    from->kind));
	free(t.hash);
	free(t.ext);
	arena_free(&t.a);
	return rc == STORE_OK && sum->failed == 0 ? 0 : -1;
}
