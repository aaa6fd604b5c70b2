/*
 * backup: `galley backup DIR FILE` and `galley restore DIR FILE`.  A
 * backup is one tar file holding the database (SQLite's file, copied
 * with the online backup API; PostgreSQL's rows, dumped as JSON lines
 * through the store), the pictures its rows name, galley.conf (for the
 * secret) and a MANIFEST of every other member's SHA-256, size and path.
 */
#ifndef GALLEY_BACKUP_H
#define GALLEY_BACKUP_H

#include <stdio.h>

/*
 * Writes a backup of the site in dir to file (FILE.tmp, synced, then
 * renamed; mode 0600: it holds the secret) while the site may be
 * serving and taking writes; says what it holds on out.  Returns 0, or
 * -1 with the problem on stderr and file untouched.
 */
int	backup_write(const char *dir, const char *file, FILE *out);

/*
 * Restores file into the site in dir (made by galley init): every
 * member is read aside and checked against the manifest before the site
 * is touched, and a member whose hash or size differs, one missing or
 * one not listed is refused by name, the site unchanged.  Then the
 * database is replaced (refused while a galley serve has the SQLite
 * file open), the pictures swapped in (the old folder kept beside it),
 * the secret and media_store taken from the backup's galley.conf, and
 * the site checked.  Returns 0, or -1 with the problem on stderr.
 */
int	backup_restore(const char *dir, const char *file, FILE *out);

#endif
