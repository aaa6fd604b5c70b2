/*
 * tz: IANA time zones read from the system's tz database (TZif files,
 * RFC 8536, under /usr/share/zoneinfo).  localtime_r follows the one
 * process-wide TZ, so a site's zone cannot come from libc; a struct tz is
 * a zone of our own, read once and then only read, so any thread may use
 * it.  Times past the file's last transition follow its footer's POSIX TZ
 * rule (RFC 8536 section 3.3).  Storage stays UTC: a tz only turns
 * instants into local wall-clock times and back.
 */
#ifndef GALLEY_TZ_H
#define GALLEY_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

/* The largest TZif file tz_load reads (the biggest real one is ~3 KiB). */
#define TZ_FILE_MAX	(256 * 1024)

/*
 * 1 if name may name a zone: "UTC" or an IANA name such as
 * "Europe/Berlin" or "America/Argentina/Buenos_Aires" (letters, digits,
 * "_+-" and "/" between parts, no part starting with "." or "-", at most
 * 64 bytes), so it can never leave the tz database's folder.
 */
int	tz_name_ok(const char *name);
/*
 * Reads the zone name from the tz database.  Returns the zone (the
 * caller's, tz_free), or NULL with why in err: a name that is not one, a
 * file missing, too big, not TZif, or one with leap seconds (the
 * "right/" zones: a site's clock ignores leap seconds).
 */
struct tz *tz_load(const char *name, char *err, size_t errlen);
/* As tz_load, from a TZif file's bytes; name is what tz_name says. */
struct tz *tz_parse(const char *name, const unsigned char *p, size_t len,
	    char *err, size_t errlen);
void	tz_free(struct tz *);
/* The zone's name, as loaded ("UTC" for NULL). */
const char *tz_name(const struct tz *);

/*
 * The offset east of UTC, in seconds, of local time in tz at the instant
 * utc (Unix seconds); tz NULL is UTC.  Sets *abbr (valid while tz is;
 * may be NULL) to its abbreviation ("CET") and *isdst (may be NULL).
 */
int32_t	tz_offset(const struct tz *, int64_t utc, const char **abbr,
	    int *isdst);

enum tz_fit {
	TZ_EXACT,	/* the wall-clock time happens once */
	TZ_OVERLAP,	/* twice (clocks went back): the earlier is given */
	TZ_GAP		/* never (clocks went forward): see tz_utc */
};

/*
 * The instant (Unix seconds) at which clocks in tz show local, a
 * wall-clock time counted as Unix seconds are ("2026-03-29 02:30" as if
 * it were UTC).  A time that happens twice, in the hour clocks go back,
 * is its first occurrence (still summer time); a time that never
 * happens, in the hour clocks skip, is read with the offset in force
 * before the change, so 02:30 on the night clocks jump from 02:00 to
 * 03:00 is the instant they show 03:30 (as PHP and WordPress do).
 * Returns which of the three it was.
 */
enum tz_fit tz_utc(const struct tz *, int64_t local, int64_t *utc);

/*
 * A site's zones, each read once and kept until tz_cache_free, so no
 * request reads the disk; locks inside itself.  It holds each name asked
 * for at most once, so it is bounded by the tz database's size.
 */
struct tz_cache;

struct tz_cache *tz_cache_new(void);
void	tz_cache_free(struct tz_cache *);
/*
 * The zone called name, loaded on first use.  A name that fails to load
 * (a value checked when it was set whose file has since gone) gives
 * NULL, which every tz function reads as UTC.  The zone stays valid
 * until tz_cache_free.
 */
const struct tz *tz_cache_get(struct tz_cache *, const char *name);

#endif
