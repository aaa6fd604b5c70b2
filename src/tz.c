/*
 * tz: a TZif reader (RFC 8536) and the POSIX TZ rules of its footer; see
 * tz.h.  A version 1 file is read for its 32-bit data; a version 2 or
 * later one for its 64-bit data and footer.  Leap-second files are
 * refused rather than half-supported.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "date.h"
#include "tz.h"

#define TZ_DIR		"/usr/share/zoneinfo"
#define TZ_NAME_MAX	64

struct tz_type {
	int32_t		 off;		/* seconds east of UTC */
	int		 isdst;
	size_t		 abbr;		/* into chars */
};

/* One end of summer time in a POSIX TZ rule. */
struct tz_when {
	char		 kind;		/* 'J' (1-365, no Feb 29), 'D' (0-365),
					   'M' (month.week.day) */
	int		 n, m, w, d;
	int32_t		 time;		/* local seconds after midnight */
};

/* A POSIX TZ string, as a TZif footer holds it (RFC 8536 3.3). */
struct tz_rule {
	int		 has;		/* the file had a footer rule */
	int		 has_dst;
	char		 std[16], dst[16];
	int32_t		 std_off, dst_off;	/* east of UTC */
	struct tz_when	 start, end;
};

struct tz {
	char		 name[TZ_NAME_MAX + 1];
	size_t		 ntrans, ntypes, nchars;
	int64_t		*trans;		/* ascending */
	unsigned char	*idx;		/* each transition's type */
	struct tz_type	*types;
	char		*chars;		/* abbreviations, NUL-separated */
	struct tz_rule	 rule;
};

int
tz_name_ok(const char *name)
{
	const char	*p;

	if (strlen(name) > TZ_NAME_MAX || *name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (p == name || p[-1] == '/') {
			if (*p == '/' || *p == '-' || *p == '.')
				return 0;
		}
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_+-/", *p) == NULL)
			return 0;
	}
	return p[-1] != '/';
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* A TZif header's six counts, in the file's order. */
struct tz_head {
	uint32_t	 isut, isstd, leap, time, type, chars;
	char		 version;
};

/* Reads the header at p (44 bytes); -1 if it is not one. */
static int
head_read(const unsigned char *p, size_t len, struct tz_head *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = (char)p[4];
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	if (h->type == 0 || h->type > 256 || h->chars == 0 ||
	    (h->isut != 0 && h->isut != h->type) ||
	    (h->isstd != 0 && h->isstd != h->type))
		return -1;
	return 0;
}

/* The bytes of the data block after h, with w-byte times. */
static uint64_t
block_len(const struct tz_head *h, int w)
{
	return (uint64_t)h->time * (w + 1) + (uint64_t)h->type * 6 +
	    h->chars + (uint64_t)h->leap * (w + 4) + h->isstd + h->isut;
}

/* Fills z's transitions and types from the data block p (w-byte times). */
static int
block_read(struct tz *z, const struct tz_head *h, const unsigned char *p,
    int w)
{
	const unsigned char	*q;
	size_t			 i;

	z->ntrans = h->time;
	z->ntypes = h->type;
	z->nchars = h->chars;
	z->trans = xcalloc(z->ntrans + 1, sizeof(*z->trans));
	z->idx = xcalloc(z->ntrans + 1, 1);
	z->types = xcalloc(z->ntypes, sizeof(*z->types));
	z->chars = xcalloc(z->nchars + 1, 1);
	for (i = 0; i < z->ntrans; i++) {
		z->trans[i] = w == 8 ? be64(p + i * 8) :
		    (int32_t)be32(p + i * 4);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return -1;
	}
	q = p + z->ntrans * w;
	for (i = 0; i < z->ntrans; i++)
		if ((z->idx[i] = q[i]) >= z->ntypes)
			return -1;
	q += z->ntrans;
	for (i = 0; i < z->ntypes; i++, q += 6) {
		z->types[i].off = (int32_t)be32(q);
		z->types[i].isdst = q[4];
		z->types[i].abbr = q[5];
		if (q[4] > 1 || q[5] >= z->nchars || z->types[i].off <
		    -89999 || z->types[i].off > 93599)
			return -1;
	}
	memcpy(z->chars, q, z->nchars);
	return 0;
}

/* Reads a TZ string's name (a run of letters, or <...>) into out. */
static const char *
rule_name(const char *s, char *out, size_t outlen)
{
	size_t	 n;

	if (*s == '<') {
		n = strcspn(++s, ">");
		if (s[n] != '>' || n < 3 || n >= outlen)
			return NULL;
		memcpy(out, s, n);
		out[n] = '\0';
		return s + n + 1;
	}
	for (n = 0; (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' &&
	    s[n] <= 'z'); n++)
		;
	if (n < 3 || n >= outlen)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return s + n;
}

/* Reads [+-]hh[:mm[:ss]] (hh up to 167) into *secs. */
static const char *
rule_hms(const char *s, int32_t *secs)
{
	int	 sign = 1, part[3] = { 0, 0, 0 }, i, n;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0 && *s++ != ':')
			break;
		if (*s < '0' || *s > '9')
			return NULL;
		for (n = 0; *s >= '0' && *s <= '9' && n < 3; n++)
			part[i] = part[i] * 10 + *s++ - '0';
		if (part[i] > (i == 0 ? 167 : 59))
			return NULL;
		if (s[0] != ':')
			break;
	}
	*secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return s;
}

/* Reads a rule date (Jn, n or Mm.w.d) and its optional /time. */
static const char *
rule_when(const char *s, struct tz_when *w)
{
	char	*end;

	w->time = 7200;
	if (*s == 'M') {
		w->kind = 'M';
		w->m = (int)strtol(s + 1, &end, 10);
		if (*end != '.' || w->m < 1 || w->m > 12)
			return NULL;
		w->w = (int)strtol(end + 1, &end, 10);
		if (*end != '.' || w->w < 1 || w->w > 5)
			return NULL;
		w->d = (int)strtol(end + 1, &end, 10);
		if (w->d < 0 || w->d > 6)
			return NULL;
	} else {
		w->kind = *s == 'J' ? 'J' : 'D';
		if (*s == 'J')
			s++;
		if (*s < '0' || *s > '9')
			return NULL;
		w->n = (int)strtol(s, &end, 10);
		if (w->n < (w->kind == 'J') || w->n > 365)
			return NULL;
	}
	s = end;
	if (*s == '/')
		s = rule_hms(s + 1, &w->time);
	return s;
}

/*
 * Parses the POSIX TZ string s (RFC 8536 3.3's extended form) into r;
 * -1 if it is not one.  An empty string is no rule.
 */
static int
rule_parse(const char *s, struct tz_rule *r)
{
	int32_t	 off;

	memset(r, 0, sizeof(*r));
	if (*s == '\0')
		return 0;
	if ((s = rule_name(s, r->std, sizeof(r->std))) == NULL ||
	    (s = rule_hms(s, &off)) == NULL)
		return -1;
	r->has = 1;
	r->std_off = r->dst_off = -off;
	if (*s == '\0')
		return 0;
	if ((s = rule_name(s, r->dst, sizeof(r->dst))) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = rule_hms(s, &off)) == NULL)
			return -1;
		r->dst_off = -off;
	}
	/* No dates: POSIX leaves them to the system; glibc's are the US's. */
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || (s = rule_when(s + 1, &r->start)) == NULL ||
	    *s != ',' || (s = rule_when(s + 1, &r->end)) == NULL)
		return -1;
	return *s == '\0' ? 0 : -1;
}

/* The local time (as Unix seconds) at which w happens in year y. */
static int64_t
when_local(const struct tz_when *w, int64_t y)
{
	int64_t	 days = date_days(y, 1, 1), first;
	int	 wday, day, leap = date_month_days(y, 2) == 29;

	if (w->kind == 'J')
		days += w->n - 1 + (leap && w->n >= 60);
	else if (w->kind == 'D')
		days += w->n;
	else {
		first = date_days(y, w->m, 1);
		wday = (int)(((first % 7) + 11) % 7);	/* 1970-01-01: Thu */
		day = (w->d - wday + 7) % 7 + (w->w - 1) * 7;
		while (day >= date_month_days(y, w->m))
			day -= 7;
		days = first + day;
	}
	return days * 86400 + w->time;
}

/* 1 if r has summer time at the instant t. */
static int
rule_dst(const struct tz_rule *r, int64_t t)
{
	int64_t	 y, yy, s, e;
	int	 m, d;

	if (!r->has_dst)
		return 0;
	date_civil((t + r->std_off) / 86400 - ((t + r->std_off) % 86400 < 0),
	    &y, &m, &d);
	/*
	 * Summer time runs from start (in standard time) to end (in summer
	 * time), into the next year in the south: try the years about t.
	 */
	for (yy = y - 1; yy <= y + 1; yy++) {
		s = when_local(&r->start, yy) - r->std_off;
		e = when_local(&r->end, yy) - r->dst_off;
		if (e <= s)
			e = when_local(&r->end, yy + 1) - r->dst_off;
		if (t >= s && t < e)
			return 1;
	}
	return 0;
}

struct tz *
tz_parse(const char *name, const unsigned char *p, size_t len, char *err,
    size_t errlen)
{
	struct tz_head	 h;
	struct tz	*z = xcalloc(1, sizeof(*z));
	const char	*why = "not a TZif file";
	char		 foot[128];
	uint64_t	 n;
	size_t		 k;
	int		 w = 4;

	snprintf(z->name, sizeof(z->name), "%s", name);
	if (head_read(p, len, &h) != 0)
		goto bad;
	n = 44 + block_len(&h, 4);
	if (h.version != '\0') {
		/* Version 2+: skip the 32-bit data for the 64-bit. */
		if (n > len || head_read(p + n, len - n, &h) != 0)
			goto bad;
		p += n + 44;
		len -= n + 44;
		w = 8;
	} else {
		p += 44;
		len -= 44;
	}
	if ((n = block_len(&h, w)) > len)
		goto bad;
	if (h.leap != 0) {
		why = "a zone with leap seconds";
		goto bad;
	}
	if (block_read(z, &h, p, w) != 0)
		goto bad;
	p += n;
	len -= n;
	if (w == 8 && len > 0) {
		/* The footer: "\n" TZ string "\n". */
		for (k = 1; k < len && p[k] != '\n'; k++)
			;
		if (p[0] != '\n' || k >= len || k > sizeof(foot))
			goto bad;
		memcpy(foot, p + 1, k - 1);
		foot[k - 1] = '\0';
		if (rule_parse(foot, &z->rule) != 0)
			goto bad;
	}
	return z;
bad:
	snprintf(err, errlen, "%s: %s", name, why);
	tz_free(z);
	return NULL;
}

/* Reads the file at path (at most TZ_FILE_MAX bytes) into *out. */
static int
file_read(const char *path, unsigned char **out, size_t *len)
{
	struct stat	 st;
	ssize_t		 k;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZ_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	*out = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size && (k = read(fd, *out + got,
	    (size_t)st.st_size - got)) > 0)
		got += (size_t)k;
	close(fd);
	*len = got;
	return 0;
}

struct tz *
tz_load(const char *name, char *err, size_t errlen)
{
	char		 path[sizeof(TZ_DIR) + TZ_NAME_MAX + 2];
	unsigned char	*data;
	size_t		 len;
	struct tz	*z;

	if (!tz_name_ok(name)) {
		snprintf(err, errlen, "not a time zone name: use one such as"
		    " Europe/Berlin or UTC");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", TZ_DIR, name);
	if (file_read(path, &data, &len) != 0) {
		snprintf(err, errlen, "%s: %s", name, errno == ENOENT ||
		    errno == ENOTDIR ? "no such time zone in " TZ_DIR :
		    strerror(errno));
		return NULL;
	}
	z = tz_parse(name, data, len, err, errlen);
	free(data);
	return z;
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z->chars);
	free(z);
}

const char *
tz_name(const struct tz *z)
{
	return z != NULL ? z->name : "UTC";
}

/* The type in force at t by the table (t before the rule's reign). */
static const struct tz_type *
type_at(const struct tz *z, int64_t t)
{
	size_t	 lo = 0, hi = z->ntrans, mid;

	if (z->ntrans == 0 || t < z->trans[0])
		return &z->types[0];
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->idx[lo]];
}

int32_t
tz_offset(const struct tz *z, int64_t t, const char **abbr, int *isdst)
{
	const struct tz_type	*ty;
	int			 dst;

	if (z == NULL || (z->rule.has && (z->ntrans == 0 ||
	    t >= z->trans[z->ntrans - 1]))) {
		dst = z != NULL && rule_dst(&z->rule, t);
		if (abbr != NULL)
			*abbr = z == NULL ? "UTC" : dst ? z->rule.dst :
			    z->rule.std;
		if (isdst != NULL)
			*isdst = dst;
		return z == NULL ? 0 : dst ? z->rule.dst_off : z->rule.std_off;
	}
	ty = type_at(z, t);
	if (abbr != NULL)
		*abbr = z->chars + ty->abbr;
	if (isdst != NULL)
		*isdst = ty->isdst;
	return ty->off;
}

enum tz_fit
tz_utc(const struct tz *z, int64_t local, int64_t *utc)
{
	int32_t		 o[3];
	int64_t		 u, best = 0;
	int		 i, found = 0;

	/* Every offset is within 26 h: these are the ones about local. */
	o[0] = tz_offset(z, local - 30 * 3600, NULL, NULL);
	o[1] = tz_offset(z, local, NULL, NULL);
	o[2] = tz_offset(z, local + 30 * 3600, NULL, NULL);
	for (i = 0; i < 3; i++) {
		u = local - o[i];
		if (tz_offset(z, u, NULL, NULL) != o[i])
			continue;
		if (found == 0) {
			best = u;
			found = 1;
		} else if (u != best) {
			found = 2;
			if (u < best)
				best = u;
		}
	}
	if (found == 0) {
		*utc = local - o[0];
		return TZ_GAP;
	}
	*utc = best;
	return found == 2 ? TZ_OVERLAP : TZ_EXACT;
}

struct tz_cache {
	pthread_mutex_t	 lock;
	struct tz_slot {
		char		 name[TZ_NAME_MAX + 1];
		struct tz	*z;
	}		*slot;
	size_t		 n;
};

struct tz_cache *
tz_cache_new(void)
{
	struct tz_cache	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
tz_cache_free(struct tz_cache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		tz_free(c->slot[i].z);
	free(c->slot);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const struct tz *
tz_cache_get(struct tz_cache *c, const char *name)
{
	const struct tz	*z;
	char		 err[128];
	size_t		 i;

	/* UTC needs no file, so a site without tzdata still runs. */
	if (strcmp(name, "UTC") == 0 || !tz_name_ok(name))
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n; i++)
		if (strcmp(c->slot[i].name, name) == 0)
			break;
	if (i == c->n) {
		/* Kept even when NULL: a missing file is not read again. */
		c->slot = xrealloc(c->slot, (c->n + 1) * sizeof(*c->slot));
		snprintf(c->slot[i].name, sizeof(c->slot[i].name), "%s",
		    name);
		c->slot[i].z = tz_load(name, err, sizeof(err));
		c->n++;
	}
	z = c->slot[i].z;
	pthread_mutex_unlock(&c->lock);
	return z;
}
