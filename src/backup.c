/*
 * backup: a site into one tar file and back (see backup.h), through
 * libarchive.  The database is taken as one snapshot while the site
 * serves: SQLite's online backup API into a file beside FILE
 * (store_copy), or PostgreSQL's rows read in one REPEATABLE READ
 * transaction as JSON lines per table (store_dump).  The pictures are
 * the ones that snapshot names, so the two agree: a picture stored after
 * it is an orphan of the restored site, and is left out.  Each member is
 * hashed as it is written, and MANIFEST, written last, lists them:
 *
 *	galley-backup 1
 *	engine sqlite
 *	schema 21
 *	<sha-256 hex> <bytes> <path>	(one line a member)
 *
 * A restore reads every member aside into DIR/.restore-XXXXXX, checks
 * the whole against MANIFEST, and only then touches the site.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "alloc.h"
#include "arena.h"
#include "backup.h"
#include "buf.h"
#include "check.h"
#include "conf.h"
#include "image.h"
#include "media.h"
#include "site.h"
#include "store.h"

#define MANIFEST_MAX	(16 * 1024 * 1024)
#define CHUNK		65536

/* A backup being written. */
struct writer {
	struct archive	*a;
	struct buf	 manifest;
	const char	*file;
	int64_t		 bytes;
	int		 members;
};

static void
hex_of(crypto_hash_sha256_state *st, char *hex)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_final(st, h);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* Writes a member's header: a regular file of size bytes. */
static int
member_head(struct writer *w, const char *name, int64_t size)
{
	struct archive_entry	*e = archive_entry_new();
	int			 rc;

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_mtime(e, time(NULL), 0);
	rc = archive_write_header(w->a, e);
	archive_entry_free(e);
	if (rc != ARCHIVE_OK)
		fprintf(stderr, "galley backup: %s: %s\n", w->file,
		    archive_error_string(w->a));
	return rc == ARCHIVE_OK ? 0 : -1;
}

/* Adds the file at path as member name, hashed into the manifest. */
static int
add_file(struct writer *w, const char *name, const char *path)
{
	crypto_hash_sha256_state st;
	unsigned char	 b[CHUNK];
	struct stat	 sb;
	char		 hex[65];
	int64_t		 n = 0;
	ssize_t		 r = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1) {
		fprintf(stderr, "galley backup: %s: %s\n", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	crypto_hash_sha256_init(&st);
	if (member_head(w, name, sb.st_size) == 0)
		while (n < sb.st_size && (r = read(fd, b, sizeof(b))) > 0) {
			crypto_hash_sha256_update(&st, b, (size_t)r);
			if (archive_write_data(w->a, b, (size_t)r) != r)
				break;
			n += r;
		}
	close(fd);
	if (n != sb.st_size) {
		fprintf(stderr, "galley backup: %s: %s\n", path, r == -1 ?
		    strerror(errno) : archive_error_string(w->a) != NULL ?
		    archive_error_string(w->a) : "changed while read");
		return -1;
	}
	hex_of(&st, hex);
	buf_printf(&w->manifest, "%s %lld %s\n", hex, (long long)n, name);
	w->bytes += n;
	w->members++;
	return 0;
}

/* Adds the pictures refs name, each once, from the media folder. */
static int
add_media(struct writer *w, const char *dir, const struct media_ref *refs,
    size_t n, FILE *out, int *pictures)
{
	char		 name[128], last[128] = "", path[PATH_MAX];
	const char	*ext;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((ext = media_ref_ext(&refs[i])) == NULL)
			continue;
		snprintf(name, sizeof(name), "media/%s.%s", refs[i].hash, ext);
		if (strcmp(name, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", name);
		snprintf(path, sizeof(path), "%s/%s.%s", dir, refs[i].hash,
		    ext);
		if (access(path, F_OK) == -1 && errno == ENOENT) {
			fprintf(out, "warning: %s is named by a row but"
			    " missing from %s; left out\n", name, dir);
			continue;
		}
		if (add_file(w, name, path) == -1)
			return -1;
		(*pictures)++;
	}
	return 0;
}

/* store_dump's line: one row and its newline. */
static int
put_line(void *arg, const char *s, size_t len)
{
	FILE	*f = arg;

	return fwrite(s, 1, len, f) != len || putc('\n', f) == EOF;
}

/* PostgreSQL: every table's rows as db/TABLE.jsonl, one snapshot. */
static int
add_rows(struct writer *w, struct store_conn *c, const char *tmp)
{
	const char	*t;
	char		 name[128], unknown[128];
	int64_t		 rows;
	size_t		 i;
	FILE		*f;
	int		 rc = STORE_OK;

	if (store_dump_known(c, unknown, sizeof(unknown)) == STORE_CONFLICT) {
		fprintf(stderr, "galley backup: the database has a table"
		    " %s that this galley does not back up\n", unknown);
		return -1;
	}
	for (i = 0; (t = store_dump_table(i)) != NULL && rc == STORE_OK; i++) {
		if ((f = fopen(tmp, "w")) == NULL) {
			fprintf(stderr, "galley backup: %s: %s\n", tmp,
			    strerror(errno));
			return -1;
		}
		rc = store_dump(c, i, put_line, f, &rows);
		if (fclose(f) != 0 && rc == STORE_OK)
			rc = STORE_FULL;
		snprintf(name, sizeof(name), "db/%s.jsonl", t);
		if (rc == STORE_OK && add_file(w, name, tmp) == -1)
			rc = STORE_ERROR;
		unlink(tmp);
	}
	if (rc != STORE_OK)
		fprintf(stderr, "galley backup: dumping %s: %s\n",
		    t != NULL ? t : "", store_rc_name(rc));
	return rc == STORE_OK ? 0 : -1;
}

/*
 * The database and the pictures it names: SQLite's copied to a file
 * beside FILE and its references read from that copy; PostgreSQL's rows
 * and references read in one snapshot.
 */
static int
add_site(struct writer *w, struct site *site, struct store_conn *c,
    FILE *out, int *pictures)
{
	struct store		*copy = NULL;
	struct store_conn	*cc = c;
	struct media_ref	*refs = NULL;
	struct arena		 a;
	char			 tmp[PATH_MAX], err[512];
	size_t			 n = 0;
	int			 rc, sqlite = strcmp(store_engine(c), "sqlite") == 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%s", w->file, sqlite ? "db" :
	    "rows");
	arena_init(&a);
	unlink(tmp);
	if (sqlite) {
		rc = store_copy(c, tmp) == STORE_OK &&
		    store_open_as_is(tmp, &copy, err, sizeof(err)) ==
		    STORE_OK && (cc = store_conn_get(copy)) != NULL ? 0 : -1;
	} else
		rc = store_snapshot(c) == STORE_OK ? add_rows(w, c, tmp) : -1;
	if (rc == 0 && store_media_refs(cc, &a, &refs, &n) != STORE_OK)
		rc = -1;
	if (sqlite) {
		if (copy != NULL)
			store_conn_put(copy, cc);
		store_close(copy);
		if (rc == 0)
			rc = add_file(w, "galley.db", tmp);
		unlink(tmp);
	} else
		store_rollback(c);
	if (rc == 0 && site->media.kind == MEDIA_FILES)
		rc = add_media(w, site->media_dir, refs, n, out, pictures);
	arena_free(&a);
	return rc;
}

/* The manifest, last: its header, then every member's line. */
static int
add_manifest(struct writer *w, struct store_conn *c)
{
	struct buf	 m;
	char		*p;
	size_t		 len;
	int64_t		 have = 0, want = 0;
	int		 rc;

	store_schema_version(c, &have, &want);
	buf_init(&m);
	buf_printf(&m, "galley-backup 1\nengine %s\nschema %d\n",
	    store_engine(c), (int)have);
	p = buf_take(&w->manifest, &len);
	buf_write(p, len, &m);
	free(p);
	p = buf_take(&m, &len);
	rc = member_head(w, "MANIFEST", (int64_t)len);
	if (rc == 0 && archive_write_data(w->a, p, len) != (ssize_t)len)
		rc = -1;
	free(p);
	return rc;
}

/* Syncs the folder holding path, so that a rename in it lasts. */
static int
sync_dir_of(const char *path)
{
	char	 dir[PATH_MAX], *slash;
	int	 fd, rc = 0;

	snprintf(dir, sizeof(dir), "%s", strchr(path, '/') ? path : "./");
	slash = strrchr(dir, '/');
	slash[slash == dir] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1 || fsync(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
	return rc;
}

/* Opens FILE.tmp (0600: the backup holds the secret) for w. */
static int
writer_open(struct writer *w, const char *tmp)
{
	int	 fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		fprintf(stderr, "galley backup: %s: %s\n", tmp,
		    strerror(errno));
		return -1;
	}
	w->a = archive_write_new();
	buf_init(&w->manifest);
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_open_fd(w->a, fd) != ARCHIVE_OK) {
		fprintf(stderr, "galley backup: %s: %s\n", tmp,
		    archive_error_string(w->a));
		close(fd);
		return -1;
	}
	return fd;
}

int
backup_write(const char *dir, const char *file, FILE *out)
{
	struct writer		 w = { .file = file };
	struct site		*site;
	struct store_conn	*c;
	char			 tmp[PATH_MAX], err[512], conf[PATH_MAX];
	int			 fd, rc = -1, pictures = 0;

	if ((site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return -1;
	}
	if ((c = store_conn_get(site->store)) == NULL) {
		fprintf(stderr, "galley: cannot reach the database\n");
		site_close(site);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	snprintf(conf, sizeof(conf), "%s/galley.conf", dir);
	if ((fd = writer_open(&w, tmp)) != -1) {
		rc = add_file(&w, "galley.conf", conf);
		if (rc == 0)
			rc = add_site(&w, site, c, out, &pictures);
		if (rc == 0)
			rc = add_manifest(&w, c);
		if (archive_write_close(w.a) != ARCHIVE_OK && rc == 0) {
			fprintf(stderr, "galley backup: %s: %s\n", tmp,
			    archive_error_string(w.a));
			rc = -1;
		}
		archive_write_free(w.a);
		if (rc == 0 && (fsync(fd) == -1 || rename(tmp, file) == -1 ||
		    sync_dir_of(file) == -1)) {
			fprintf(stderr, "galley backup: %s: %s\n", file,
			    strerror(errno));
			rc = -1;
		}
		close(fd);
		if (rc != 0)
			unlink(tmp);
		buf_reset(&w.manifest);
	}
	if (rc == 0)
		fprintf(out, "backed up %s to %s: the database (%s), %d"
		    " %s, %d members, %lld bytes\n", dir, file,
		    store_engine(c), pictures, pictures == 1 ? "picture" :
		    "pictures", w.members + 1, (long long)w.bytes);
	store_conn_put(site->store, c);
	site_close(site);
	return rc;
}

/* One member of a backup being restored, as read or as listed. */
struct member {
	char	*name;
	char	 hash[65];
	int64_t	 size;
	int	 listed;	/* found in the manifest */
};

/* A backup read aside: its members in stage, its manifest. */
struct reader {
	const char	*file;
	char		 stage[PATH_MAX / 2];	/* room for a member's path */
	struct member	*m;
	size_t		 n, cap;
	char		*manifest;
	char		 engine[32];
	int		 schema;
};

/* Whether s is n lower-case hex digits and nothing else. */
static int
is_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[n] == '\0' || s[n] == '.';
}

/*
 * Whether name is a member a backup holds: MANIFEST, galley.conf,
 * galley.db, db/TABLE.jsonl of a table we dump, media/HASH.EXT.  Nothing
 * else is written aside, so no name reaches outside the stage.
 */
static int
member_ok(const char *name)
{
	const char	*t;
	size_t		 i, len;

	if (strcmp(name, "MANIFEST") == 0 || strcmp(name, "galley.conf") ==
	    0 || strcmp(name, "galley.db") == 0)
		return 1;
	if (strncmp(name, "media/", 6) == 0)
		return strlen(name) > 71 && is_hex(name + 6, 64) &&
		    name[70] == '.' && image_mime(name + 71) != NULL;
	if (strncmp(name, "db/", 3) != 0)
		return 0;
	for (i = 0; (t = store_dump_table(i)) != NULL; i++) {
		len = strlen(t);
		if (strncmp(name + 3, t, len) == 0 &&
		    strcmp(name + 3 + len, ".jsonl") == 0)
			return 1;
	}
	return 0;
}

static struct member *
member_find(struct reader *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->m[i].name, name) == 0)
			return &r->m[i];
	return NULL;
}

/* Reads the manifest member whole into r->manifest. */
static int
read_manifest(struct reader *r, struct archive *a, int64_t size)
{
	if (size < 0 || size > MANIFEST_MAX) {
		fprintf(stderr, "galley restore: %s: MANIFEST is over %d"
		    " bytes\n", r->file, MANIFEST_MAX);
		return -1;
	}
	free(r->manifest);
	r->manifest = xmalloc((size_t)size + 1);
	if (archive_read_data(a, r->manifest, (size_t)size) != size) {
		fprintf(stderr, "galley restore: %s: MANIFEST: %s\n", r->file,
		    archive_error_string(a) ? archive_error_string(a) :
		    "cut short");
		return -1;
	}
	r->manifest[size] = '\0';
	return 0;
}

/* Writes the current member aside into the stage, hashing it. */
static int
read_member(struct reader *r, struct archive *a, const char *name)
{
	crypto_hash_sha256_state st;
	struct member	*m;
	unsigned char	 b[CHUNK];
	char		 path[PATH_MAX];
	ssize_t		 got;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", r->stage, name);
	/* Pictures as media_put writes them; the rest holds secrets. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
	    strncmp(name, "media/", 6) == 0 ? 0644 : 0600)) == -1) {
		fprintf(stderr, "galley restore: %s: %s\n", path, errno ==
		    EEXIST ? "the backup holds this member twice" :
		    strerror(errno));
		return -1;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->m = xrealloc(r->m, r->cap * sizeof(*r->m));
	}
	m = &r->m[r->n++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	crypto_hash_sha256_init(&st);
	while ((got = archive_read_data(a, b, sizeof(b))) > 0) {
		crypto_hash_sha256_update(&st, b, (size_t)got);
		if (write(fd, b, (size_t)got) != got)
			break;
		m->size += got;
	}
	hex_of(&st, m->hash);
	if (got != 0 || fsync(fd) == -1) {
		fprintf(stderr, "galley restore: %s: member %s: %s; nothing"
		    " restored\n", r->file, name, got < 0 ?
		    archive_error_string(a) : strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Reads every member of the backup aside. */
static int
read_all(struct reader *r)
{
	struct archive		*a = archive_read_new();
	struct archive_entry	*e;
	const char		*name;
	int			 rc = 0, st;

	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, r->file, CHUNK) != ARCHIVE_OK) {
		fprintf(stderr, "galley restore: %s: %s; nothing restored\n",
		    r->file, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while (rc == 0 && (st = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK) {
		name = archive_entry_pathname(e);
		if (name == NULL || archive_entry_filetype(e) != AE_IFREG ||
		    !member_ok(name)) {
			fprintf(stderr, "galley restore: %s: member %s is not"
			    " one a Galley backup holds; nothing restored\n",
			    r->file, name != NULL ? name : "(unnamed)");
			rc = -1;
		} else if (strcmp(name, "MANIFEST") == 0)
			rc = read_manifest(r, a, archive_entry_size(e));
		else
			rc = read_member(r, a, name);
	}
	if (rc == 0 && st != ARCHIVE_EOF) {
		fprintf(stderr, "galley restore: %s: %s; nothing restored\n",
		    r->file, archive_error_string(a));
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

/* Reads the manifest's header lines; returns the rest, or NULL. */
static char *
manifest_head(struct reader *r)
{
	char	*p = r->manifest, *nl;
	int	 line;

	for (line = 0; p != NULL && line < 3; line++) {
		if ((nl = strchr(p, '\n')) == NULL)
			return NULL;
		*nl = '\0';
		if ((line == 0 && strcmp(p, "galley-backup 1") != 0) ||
		    (line == 1 && sscanf(p, "engine %31s", r->engine) != 1) ||
		    (line == 2 && sscanf(p, "schema %d", &r->schema) != 1))
			return NULL;
		p = nl + 1;
	}
	return p;
}

/* Says why member name is refused; returns -1. */
static int
refuse(const struct reader *r, const char *name, const char *why)
{
	fprintf(stderr, "galley restore: %s: member %s %s; nothing"
	    " restored, the site is unchanged\n", r->file, name, why);
	return -1;
}

/*
 * Checks every member read against the manifest: each listed one there
 * with its size and SHA-256, none unlisted.
 */
static int
verify(struct reader *r)
{
	struct member	*m;
	char		*p, *nl, hex[65], name[256];
	long long	 size;
	size_t		 i;

	if (r->manifest == NULL || (p = manifest_head(r)) == NULL) {
		fprintf(stderr, "galley restore: %s: no MANIFEST a Galley"
		    " backup writes; nothing restored\n", r->file);
		return -1;
	}
	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + strlen(p)) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (sscanf(p, "%64s %lld %255s", hex, &size, name) != 3)
			return refuse(r, "MANIFEST", "has a line that is not"
			    " HASH SIZE PATH");
		if ((m = member_find(r, name)) == NULL)
			return refuse(r, name, "is listed in the manifest but"
			    " missing");
		if (m->size != size || strcmp(m->hash, hex) != 0)
			return refuse(r, name, "does not match its SHA-256 and"
			    " size in the manifest");
		m->listed = 1;
	}
	for (i = 0; i < r->n; i++)
		if (!r->m[i].listed)
			return refuse(r, r->m[i].name, "is not in the"
			    " manifest");
	return 0;
}

/* Rows sent to the database in one statement, and bytes, at most. */
#define LOAD_ROWS	1000
#define LOAD_BYTES	(4 * 1024 * 1024)

/* Loads the JSON lines of f into table i, LOAD_ROWS a statement. */
static int
load_table(struct store_conn *c, size_t i, FILE *f)
{
	struct buf	 rows;
	char		*line = NULL;
	size_t		 cap = 0, n = 0;
	ssize_t		 len;
	int		 rc = STORE_OK;

	buf_init(&rows);
	while (rc == STORE_OK && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		buf_putc(&rows, n++ == 0 ? '[' : ',');
		buf_write(line, (size_t)len, &rows);
		if (n == LOAD_ROWS || rows.len >= LOAD_BYTES) {
			buf_putc(&rows, ']');
			rc = store_load(c, i, rows.data);
			rows.len = n = 0;
		}
	}
	if (rc == STORE_OK && n > 0) {
		buf_putc(&rows, ']');
		rc = store_load(c, i, rows.data);
	}
	free(line);
	buf_reset(&rows);
	return rc;
}

/* PostgreSQL: every table's rows from the stage, in one transaction. */
static int
load_rows(struct reader *r, struct store_conn *c)
{
	const char	*t = "";
	char		 path[PATH_MAX];
	size_t		 i;
	FILE		*f;
	int		 rc;

	rc = store_begin(c);
	if (rc == STORE_OK)
		rc = store_load_begin(c);
	for (i = 0; rc == STORE_OK && (t = store_dump_table(i)) != NULL;
	    i++) {
		snprintf(path, sizeof(path), "%s/db/%s.jsonl", r->stage, t);
		if ((f = fopen(path, "r")) == NULL) {
			fprintf(stderr, "galley restore: %s: the backup has no"
			    " rows of %s\n", r->file, t);
			rc = STORE_ERROR;
			break;
		}
		rc = load_table(c, i, f);
		fclose(f);
	}
	if (rc == STORE_OK && (rc = store_load_end(c)) == STORE_OK)
		rc = store_commit(c);
	if (rc != STORE_OK) {
		store_rollback(c);
		fprintf(stderr, "galley restore: loading %s: %s; the database"
		    " is unchanged\n", t != NULL ? t : "", store_rc_name(rc));
	}
	return rc == STORE_OK ? 0 : -1;
}

/*
 * Puts the database in place: SQLite's file renamed over the site's
 * (refused while a server has it open), PostgreSQL's rows loaded in one
 * transaction.  The backup must be of the site's engine, and a dump of
 * the site's schema.
 */
static int
put_database(struct reader *r, const char *dir)
{
	struct site		*site;
	struct store_conn	*c;
	char			 err[512], from[PATH_MAX], *db;
	int64_t			 others = 0;
	int64_t			 have, want;
	int			 rc = -1;

	if ((site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return -1;
	}
	if ((c = store_conn_get(site->store)) == NULL ||
	    store_schema_version(c, &have, &want) != STORE_OK)
		fprintf(stderr, "galley: cannot reach the database\n");
	else if (strcmp(store_engine(c), r->engine) != 0)
		fprintf(stderr, "galley restore: %s holds a %s database and"
		    " %s uses %s; nothing restored\n", r->file, r->engine,
		    dir, store_engine(c));
	else if (r->schema > want)
		fprintf(stderr, "galley restore: %s is of schema %d, newer"
		    " than this galley (%d); nothing restored\n", r->file,
		    r->schema, (int)want);
	else if (strcmp(r->engine, "sqlite") != 0 && r->schema != have)
		fprintf(stderr, "galley restore: %s is of schema %d and the"
		    " database of schema %d; restore it with the galley that"
		    " made it; nothing restored\n", r->file, r->schema,
		    (int)have);
	else if (strcmp(r->engine, "sqlite") != 0 && (store_others(c,
	    &others) != STORE_OK || others > 0))
		fprintf(stderr, "galley restore: %lld other clients are"
		    " connected to the database: stop galley serve on this"
		    " site first; nothing restored\n", (long long)others);
	else if (strcmp(r->engine, "sqlite") != 0)
		rc = load_rows(r, c);
	else
		rc = 0;
	store_conn_put(site->store, c);
	db = site_db_uri(site);
	site_close(site);	/* no connection of ours left open */
	snprintf(from, sizeof(from), "%s/galley.db", r->stage);
	if (rc == 0 && strcmp(r->engine, "sqlite") == 0 &&
	    store_replace(db, from, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "galley restore: %s; nothing restored\n", err);
		rc = -1;
	} else if (rc == 0 && strcmp(r->engine, "sqlite") == 0)
		sync_dir_of(db);	/* the rename lasts */
	free(db);
	return rc;
}

/*
 * Swaps the staged pictures in for the media folder; the old one is
 * removed if empty, else kept beside it and named.
 */
static int
put_media(struct reader *r, const char *media, FILE *out)
{
	char	 from[PATH_MAX], aside[PATH_MAX];

	snprintf(from, sizeof(from), "%s/media", r->stage);
	snprintf(aside, sizeof(aside), "%s.before-restore-%lld", media,
	    (long long)time(NULL));
	if (rmdir(media) == 0 || errno == ENOENT)
		aside[0] = '\0';
	else if (rename(media, aside) == -1) {
		fprintf(stderr, "galley restore: %s: %s\n", media,
		    strerror(errno));
		return -1;
	}
	if (rename(from, media) == -1) {
		fprintf(stderr, "galley restore: %s: %s\n", media,
		    strerror(errno));
		if (aside[0] != '\0')
			rename(aside, media);
		return -1;
	}
	if (aside[0] != '\0')
		fprintf(out, "the pictures the site had are in %s; delete it"
		    " once the restored site is right\n", aside);
	return sync_dir_of(media);
}

/* The secret and media_store of the backup's galley.conf into dir's. */
static int
put_conf(struct reader *r, const char *dir)
{
	static const char *const keys[] = { "secret", "media_store" };
	struct conf	*old, *now;
	const char	*v, *w;
	char		 path[PATH_MAX], err[512];
	size_t		 i;
	int		 rc = 0;

	snprintf(path, sizeof(path), "%s/galley.conf", r->stage);
	if ((old = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley restore: the backup's %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/galley.conf", dir);
	if ((now = conf_load(path, err, sizeof(err))) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = conf_get(old, keys[i]);
		w = conf_get(now, keys[i]);
		if (v != NULL && (w == NULL || strcmp(v, w) != 0))
			rc = conf_set(path, keys[i], v, err, sizeof(err));
	}
	if (rc != 0)
		fprintf(stderr, "galley restore: %s\n", err);
	conf_free(old);
	conf_free(now);
	return rc;
}

/* Removes the stage and whatever is left in it. */
static void
stage_free(struct reader *r)
{
	static const char *const sub[] = { "db", "media" };
	char	 path[PATH_MAX];
	size_t	 i;

	for (i = 0; r->stage[0] != '\0' && i < r->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", r->stage, r->m[i].name);
		unlink(path);
		free(r->m[i].name);
	}
	for (i = 0; r->stage[0] != '\0' && i < sizeof(sub) / sizeof(sub[0]);
	    i++) {
		snprintf(path, sizeof(path), "%s/%s", r->stage, sub[i]);
		rmdir(path);
	}
	if (r->stage[0] != '\0')
		rmdir(r->stage);
	free(r->m);
	free(r->manifest);
}

/* Makes the stage in dir, with its db/ and media/ folders. */
static int
stage_make(struct reader *r, const char *dir)
{
	char	 path[PATH_MAX];
	size_t	 len;

	len = (size_t)snprintf(r->stage, sizeof(r->stage), "%s/.restore-XXXXXX",
	    dir);
	if (len >= sizeof(r->stage))
		errno = ENAMETOOLONG;
	if (len >= sizeof(r->stage) || mkdtemp(r->stage) == NULL) {
		fprintf(stderr, "galley restore: %s: %s\n", dir,
		    strerror(errno));
		r->stage[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/db", r->stage);
	if (mkdir(path, 0700) == 0) {
		snprintf(path, sizeof(path), "%s/media", r->stage);
		if (mkdir(path, 0755) == 0)
			return 0;
	}
	fprintf(stderr, "galley restore: %s: %s\n", path, strerror(errno));
	return -1;
}

int
backup_restore(const char *dir, const char *file, FILE *out)
{
	struct reader	 r = { .file = file };
	struct site	*site;
	char		 err[512], *media = NULL;
	int		 rc = -1;

	/* The site must be one: its galley.conf says where things go. */
	if ((site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return -1;
	}
	media = xstrdup(site->media_dir);
	site_close(site);
	if (stage_make(&r, dir) == 0 && read_all(&r) == 0 && verify(&r) == 0)
		rc = put_database(&r, dir);
	if (rc == 0) {
		fprintf(out, "restored the database of %s (%s, schema %d)"
		    " into %s\n", file, r.engine, r.schema, dir);
		if (put_media(&r, media, out) == -1 || put_conf(&r, dir) == -1)
			rc = -1;
	}
	stage_free(&r);
	free(media);
	if (rc == 0 && (rc = check_site(dir, 0, out)) > 0)
		fprintf(stderr, "galley restore: the restored site has the"
		    " problems above\n");
	return rc == 0 ? 0 : -1;
}
