/*
 * setting: the table of database settings, their one check, and the
 * snapshots pages read them through (setting.h).  A snapshot is one
 * block (numbers, then the texts packed behind them), so handing a
 * request its own copy is one allocation and one memcpy, and the kept
 * one can be replaced while requests still read theirs.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "i18n.h"
#include "setting.h"
#include "spam.h"
#include "store.h"
#include "tz.h"
#include "url.h"

const struct setting settings[SET__MAX] = {
	[SET_SITE_TITLE] = { "site_title", "Galley News", N_("the site's name"),
	    SET_TEXT, 0, 200, NULL,
	    N_("Site title"), SETG_GENERAL },
	[SET_SITE_TAGLINE] = { "site_tagline", "Independent news, self-hosted",
	    N_("one line under the name"), SET_TEXT, 0, 200, NULL,
	    N_("Tagline"), SETG_GENERAL },
	[SET_BASE_URL] = { "base_url", "http://127.0.0.1:8080",
	    N_("the public origin, for canonical links"), SET_ORIGIN, 0, 200,
	    NULL,
	    N_("Site address (URL)"), SETG_GENERAL },
	[SET_POSTS_PER_PAGE] = { "posts_per_page", "10", N_("posts on each"
	    " listing page"), SET_INT, 1, 100, NULL,
	    N_("Posts per page"), SETG_READING },
	[SET_RATING_SCALE] = { "rating_scale", "10", N_("stars in an article's"
	    " rating"), SET_INT, 2, 20, NULL,
	    N_("Stars in a rating"), SETG_RATINGS },
	[SET_COMMENT_MAX_DEPTH] = { "comment_max_depth", "5", N_("how deep"
	    " replies nest; deeper ones join the deepest level"), SET_INT, 1,
	    10, NULL,
	    N_("Reply nesting depth"), SETG_DISCUSSION },
	[SET_COMMENTS_PER_PAGE] = { "comments_per_page", "50", N_("top-level"
	    " comments on each page of an article's comments"), SET_INT, 1,
	    1000, NULL,
	    N_("Comments per page"), SETG_DISCUSSION },
	[SET_COMMENT_REPLIES_SHOWN] = { "comment_replies_shown", "3",
	    N_("replies shown under each top-level comment there; a link opens"
	    " the whole thread"), SET_INT, 0, 1000, NULL,
	    N_("Replies shown under a comment"), SETG_DISCUSSION },
	[SET_COMMENT_FLOOD_SECONDS] = { "comment_flood_seconds", "15",
	    N_("seconds between two comments from one IP address (0: no"
	    " limit)"),
	    SET_INT, 0, 3600, NULL,
	    N_("Seconds between comments"), SETG_SPAM },
	[SET_COMMENT_MAX_LINKS] = { "comment_max_links", "2", N_("more links"
	    " than this holds a comment for moderation"), SET_INT, 0, 100,
	    NULL,
	    N_("Links before a comment is held"), SETG_DISCUSSION },
	[SET_COMMENT_MODERATE_FIRST] = { "comment_moderate_first", "true",
	    N_("hold a writer's comments until one of theirs is approved"),
	    SET_BOOL, 0, 0, NULL,
	    N_("Hold a writer's first comment"), SETG_DISCUSSION },
	[SET_SPAM_THRESHOLD] = { "spam_threshold", SPAM_SPAM_THRESHOLD,
	    N_("a spam score at or above this sends a comment to the spam"
	    " queue"),
	    SET_PROB, 0, 0, NULL,
	    N_("Spam score"), SETG_SPAM },
	[SET_HAM_THRESHOLD] = { "ham_threshold", SPAM_HAM_THRESHOLD, N_("a spam"
	    " score below this is ham; between the two thresholds a comment"
	    " is held"), SET_PROB, 0, 0, NULL,
	    N_("Ham score"), SETG_SPAM },
	[SET_DISCARD_BLATANT] = { "discard_blatant", "false", N_("drop, without"
	    " telling the sender, a comment scoring 0.999 or more with another"
	    " sign of spam"), SET_BOOL, 0, 0, NULL,
	    N_("Drop blatant spam silently"), SETG_SPAM },
	[SET_COMMENT_MIN_SECONDS] = { "comment_min_seconds", "3",
	    N_("a form sent sooner than this after its page was shown is a"
	    " sign of a bot"),
	    SET_INT, 0, 3600, NULL,
	    N_("Fastest human form (seconds)"), SETG_SPAM },
	[SET_COMMENTS_CLOSE_DAYS] = { "comments_close_days", "0", N_("close"
	    " comments this many days after publishing (0: never)"), SET_INT,
	    0, 36500, NULL,
	    N_("Close comments after (days)"), SETG_DISCUSSION },
	[SET_COMMENT_MAX_BYTES] = { "comment_max_bytes", "10485760", N_("the"
	    " largest comment form, image included, in bytes"), SET_INT, 65536,
	    64LL * 1024 * 1024, NULL,
	    N_("Largest comment (bytes)"), SETG_DISCUSSION },
	[SET_MODERATION_WORDS] = { "moderation_words", "", N_("words (one a"
	    " line) that hold a comment for moderation"), SET_LIST, 0, 10000,
	    NULL,
	    N_("Words that hold a comment"), SETG_DISCUSSION },
	[SET_DISALLOWED_WORDS] = { "disallowed_words", "",
	    N_("words, hosts or IP hashes (one a line) that send a comment"
	    " to spam"), SET_LIST, 0, 10000, NULL,
	    N_("Disallowed words"), SETG_SPAM },
	[SET_VOTE_IDENTITY] = { "vote_identity", "both", N_("how a voter is"
	    " known: cookie, ip or both"), SET_CHOICE, 0, 0, "cookie ip both",
	    N_("How voters are told apart"), SETG_RATINGS },
	[SET_VOTE_ALLOW_CHANGE] = { "vote_allow_change", "false", N_("a second"
	    " vote replaces the first instead of being refused"), SET_BOOL, 0,
	    0, NULL,
	    N_("Voters may change their vote"), SETG_RATINGS },
	[SET_VOTE_WINDOW_DAYS] = { "vote_window_days", "30", N_("days an IP"
	    " address's vote counts against another from it"), SET_INT, 1,
	    3650, NULL,
	    N_("Days an address's vote counts"), SETG_RATINGS },
	[SET_PRIVACY_RETENTION_DAYS] = { "privacy_retention_days", "30",
	    N_("days before IP hashes and user agents of comments are erased"),
	    SET_INT, 1, 3650, NULL,
	    N_("Keep IP hashes and user agents (days)"), SETG_PRIVACY },
	[SET_COMMENT_IMAGE_FORMATS] = { "comment_image_formats", "jpeg",
	    N_("the picture formats readers may attach to a comment, separated"
	    " by spaces (jpeg png gif webp)"), SET_CHOICES, 0, 0, "jpeg png gif"
	    " webp",
	    N_("Picture formats in comments"), SETG_DISCUSSION },
	[SET_FEED_FULL_TEXT] = { "feed_full_text", "true", N_("feeds carry each"
	    " post's full text (false: its summary only)"), SET_BOOL, 0, 0,
	    NULL,
	    N_("Full text in feeds"), SETG_READING },
	[SET_FEED_ITEMS] = { "feed_items", "10", N_("the newest posts or"
	    " comments a feed shows"), SET_INT, 1, 100, NULL,
	    N_("Items in a feed"), SETG_READING },
	[SET_ROBOTS_TXT] = { "robots_txt", "", N_("lines added to /robots.txt"
	    " (User-agent:, Disallow: ...)"), SET_LIST, 0, 10000, NULL,
	    N_("Lines for robots.txt"), SETG_READING },
	[SET_COMMENTS_NOTIFY] = { "comments_notify", "true", N_("email a post's"
	    " author when a comment on it is published (mail must be set up"
	    " in galley.conf)"), SET_BOOL, 0, 0, NULL,
	    N_("Email authors new comments"), SETG_MAIL },
	[SET_MODERATION_NOTIFY] = { "moderation_notify", "true", N_("email a"
	    " post's author when a comment on it is held for moderation"),
	    SET_BOOL, 0, 0, NULL,
	    N_("Email authors held comments"), SETG_MAIL },
	[SET_NOTIFY_EDITORS] = { "notify_editors", "false", N_("send those"
	    " emails to every editor and administrator too"), SET_BOOL, 0, 0,
	    NULL,
	    N_("Email editors and admins too"), SETG_MAIL },
	[SET_NOTIFY_PER_HOUR] = { "notify_per_hour", "20", N_("comment emails"
	    " one staff address gets in an hour; past that the moderation"
	    " queue has the rest"), SET_INT, 1, 1000, NULL,
	    N_("Comment emails an hour to one of the staff"), SETG_MAIL },
	[SET_MAIL_PER_HOUR] = { "mail_per_hour", "10", N_("reply emails one"
	    " address gets in an hour; more wait for one digest"), SET_INT, 1,
	    1000, NULL,
	    N_("Reply emails an hour to one reader"), SETG_MAIL },
	[SET_MAIL_GIVE_UP_HOURS] = { "mail_give_up_hours", "48", N_("hours to"
	    " keep retrying an email the mail server refuses for now"),
	    SET_INT, 1, 720, NULL,
	    N_("Hours to keep retrying an email"), SETG_MAIL },
	[SET_LANGUAGE] = { "language", "en", N_("the language of the site's"
	    " pages, dates and email: en (English) or ru (Russian)"),
	    SET_CHOICE, 0, 0, "en ru",
	    N_("Site language"), SETG_LANGUAGE },
	[SET_TIMEZONE] = { "timezone", "UTC", N_("the time zone every date is"
	    " shown in, an IANA name such as Europe/Berlin"), SET_ZONE, 0, 64,
	    NULL,
	    N_("Time zone"), SETG_LANGUAGE },
	[SET_DATE_FORMAT] = { "date_format", "F j, Y", N_("how dates are shown,"
	    " in WordPress's (PHP's) date letters: F j, Y is December 6, 2026"),
	    SET_TEXT, 0, 64, NULL,
	    N_("Date format"), SETG_LANGUAGE },
	[SET_TIME_FORMAT] = { "time_format", "g:i a", N_("how times are shown,"
	    " in the same letters: g:i a is 3:04 pm"), SET_TEXT, 0, 64, NULL,
	    N_("Time format"), SETG_LANGUAGE },
	[SET_FOOTER_TEXT] = { "footer_text", "", N_("a line of text at the foot"
	    " of every page"), SET_TEXT, 0, 500, NULL,
	    N_("Footer text"), SETG_APPEARANCE },
	[SET_LOG_CLIENT] = { "log_client", "hash", "how the request log shows"
	    " a client's address: hash (keyed, as comments keep it) or"
	    " truncate (/24 for IPv4, /48 for IPv6)", SET_CHOICE, 0, 0,
	    "hash truncate",
	    "Client addresses in the request log", SETG_PRIVACY },
};

const struct setting *
setting_find(const char *key)
{
	size_t	 i;

	for (i = 0; i < SET__MAX; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

static int one_of(const char *, const char *);

/* 1 if the space-separated words of s[..] hold w. */
static int
word_in(const char *s, const char *w)
{
	return one_of(s + strspn(s, " "), w);
}

/* 1 if v is word, one of the space-separated words of list. */
static int
one_of(const char *list, const char *v)
{
	size_t	 n = strlen(v), k;

	for (; *list != '\0'; list += k + (list[k] == ' ')) {
		k = strcspn(list, " ");
		if (k == n && n > 0 && strncmp(list, v, n) == 0)
			return 1;
	}
	return 0;
}

int
setting_word(const char *list, const char *w)
{
	return word_in(list, w);
}

/* 1 if v is one or more of list's words, space-separated, none twice. */
static int
some_of(const char *list, const char *v)
{
	char	 w[32];
	size_t	 k, n = 0;

	if (strlen(v) > 200)
		return 0;
	for (; *v != '\0'; v += k) {
		v += strspn(v, " ");
		if ((k = strcspn(v, " ")) == 0)
			break;
		if (k >= sizeof(w))
			return 0;
		memcpy(w, v, k);
		w[k] = '\0';
		if (!one_of(list, w) || word_in(v + k, w))
			return 0;
		n++;
	}
	return n > 0;
}

/*
 * An origin: an http(s) URL (url_http_ok) with nothing after its host (no
 * path, not even "/", no query or fragment), at most 200 bytes, and its
 * scheme in lower case, as server.c compares it with "https:".
 */
static int
origin_ok(const char *v)
{
	const char	*p;

	if (strlen(v) > 200 || !url_http_ok(v))
		return 0;
	for (p = v; *p != ':'; p++)
		if (isupper((unsigned char)*p))
			return 0;
	return strpbrk(p + 3, "/?#'") == NULL;
}

/* 0 if v is UTC or a zone tz_load reads, else -1 with why in err. */
static int
zone_ok(const char *v, enum lang lang, char *err, size_t errlen)
{
	struct tz	*z;
	char		 why[160];

	if (strcmp(v, "UTC") == 0)
		return 0;
	if ((z = tz_load(v, why, sizeof(why))) != NULL) {
		tz_free(z);
		return 0;
	}
	snprintf(err, errlen, i18n_get(lang, "a time zone of the tz database,"
	    " such as Europe/Berlin or America/New_York, or UTC (%s)"), why);
	return -1;
}

int
setting_check(const struct setting *st, const char *v, enum lang lang,
    char *err, size_t errlen)
{
	char		*end;
	long long	 n;
	double		 x;

	switch (st->type) {
	case SET_TEXT:
	case SET_LIST:
		if (strlen(v) <= (size_t)st->hi)
			return 0;
		snprintf(err, errlen, i18n_get(lang, "at most %lld bytes"),
		    st->hi);
		return -1;
	case SET_ORIGIN:
		if (origin_ok(v))
			return 0;
		snprintf(err, errlen, "%s", i18n_get(lang, "an http:// or"
		    " https:// origin such as https://news.example.org, with no"
		    " path or trailing /"));
		return -1;
	case SET_INT:
		n = strtoll(v, &end, 10);
		if (*v != '\0' && *end == '\0' && n >= st->lo && n <= st->hi)
			return 0;
		snprintf(err, errlen, i18n_get(lang, "a whole number from %lld"
		    " to %lld"), st->lo, st->hi);
		return -1;
	case SET_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return 0;
		snprintf(err, errlen, "%s", i18n_get(lang, "true or false"));
		return -1;
	case SET_PROB:
		x = strtod(v, &end);
		if (*v != '\0' && *end == '\0' && x >= 0 && x <= 1)
			return 0;
		snprintf(err, errlen, "%s", i18n_get(lang, "a number from 0 to"
		    " 1, such as 0.9"));
		return -1;
	case SET_CHOICE:
		if (one_of(st->choices, v))
			return 0;
		snprintf(err, errlen, i18n_get(lang, "one of: %s"),
		    st->choices);
		return -1;
	case SET_CHOICES:
		if (some_of(st->choices, v))
			return 0;
		snprintf(err, errlen, i18n_get(lang, "one or more of: %s"),
		    st->choices);
		return -1;
	case SET_ZONE:
		return zone_ok(v, lang, err, errlen);
	}
	return -1;
}

struct settings {
	int64_t		 num[SET__MAX];		/* SET_INT, SET_BOOL */
	double		 real[SET__MAX];	/* SET_PROB */
	size_t		 off[SET__MAX];		/* each text in blob */
	size_t		 size;			/* of the whole */
	char		 blob[];
};

const char *
set_text(const struct settings *s, enum set_key k)
{
	return s->blob + s->off[k];
}

int64_t
set_int(const struct settings *s, enum set_key k)
{
	return s->num[k];
}

int
set_bool(const struct settings *s, enum set_key k)
{
	return s->num[k] != 0;
}

double
set_real(const struct settings *s, enum set_key k)
{
	return s->real[k];
}

/*
 * 1 if the stored v will do for st.  A zone was loaded when it was set:
 * its name is checked, not the disk read again (tz_cache_get reads it).
 */
static int
stored_ok(const struct setting *st, const char *v)
{
	char	 err[256];

	if (st->type == SET_ZONE)
		return tz_name_ok(v);
	return setting_check(st, v, LANG_EN, err, sizeof(err)) == 0;
}

/*
 * A snapshot (heap, free()) of the values in v[0..SET__MAX): each that
 * passes its check, else its default.
 */
static struct settings *
build(const char *const *v)
{
	struct settings	*s;
	const char	*val[SET__MAX];
	size_t		 i, len = 0, at = 0;

	for (i = 0; i < SET__MAX; i++) {
		val[i] = v[i] != NULL && stored_ok(&settings[i], v[i]) ?
		    v[i] : settings[i].dflt;
		len += strlen(val[i]) + 1;
	}
	s = xcalloc(1, sizeof(*s) + len);
	s->size = sizeof(*s) + len;
	for (i = 0; i < SET__MAX; i++) {
		s->off[i] = at;
		memcpy(s->blob + at, val[i], strlen(val[i]) + 1);
		at += strlen(val[i]) + 1;
		s->num[i] = settings[i].type == SET_BOOL ?
		    strcmp(val[i], "true") == 0 : strtoll(val[i], NULL, 10);
		s->real[i] = strtod(val[i], NULL);
	}
	return s;
}

struct setting_cache {
	pthread_mutex_t	 lock;
	struct settings	*snap;		/* NULL until first loaded */
	int64_t		 gen;		/* snap's generation */
	unsigned long	 clears;	/* setting_cache_clear calls */
};

struct setting_cache *
setting_cache_new(void)
{
	struct setting_cache	*sc = xcalloc(1, sizeof(*sc));

	pthread_mutex_init(&sc->lock, NULL);
	sc->gen = -1;
	return sc;
}

void
setting_cache_free(struct setting_cache *sc)
{
	if (sc == NULL)
		return;
	pthread_mutex_destroy(&sc->lock);
	free(sc->snap);
	free(sc);
}

void
setting_cache_clear(struct setting_cache *sc)
{
	pthread_mutex_lock(&sc->lock);
	free(sc->snap);
	sc->snap = NULL;
	sc->gen = -1;
	sc->clears++;
	pthread_mutex_unlock(&sc->lock);
}

/* A copy of s in a. */
static const struct settings *
copy(struct arena *a, const struct settings *s)
{
	struct settings	*c = arena_alloc(a, s->size);

	memcpy(c, s, s->size);
	return c;
}

/* Reads every stored value through c into a snapshot (heap), or NULL. */
static struct settings *
load(struct store_conn *c, int *rc)
{
	struct setting_value	*sv;
	const struct setting	*st;
	const char		*v[SET__MAX] = { NULL };
	struct settings		*s;
	struct arena		 a;
	size_t			 n, i;

	arena_init(&a);
	if ((*rc = store_settings_all(c, &a, &sv, &n)) == STORE_OK)
		for (i = 0; i < n; i++)
			if ((st = setting_find(sv[i].key)) != NULL)
				v[st - settings] = sv[i].value;
	s = *rc == STORE_OK ? build(v) : NULL;
	arena_free(&a);
	return s;
}

int
settings_kept_is(struct setting_cache *sc, enum set_key k, const char *v)
{
	int	 is;

	pthread_mutex_lock(&sc->lock);
	is = strcmp(sc->snap != NULL ? set_text(sc->snap, k) :
	    settings[k].dflt, v) == 0;
	pthread_mutex_unlock(&sc->lock);
	return is;
}

int
settings_get(struct setting_cache *sc, struct store_conn *c, int64_t gen,
    struct arena *a, const struct settings **out)
{
	const char	*none[SET__MAX] = { NULL };
	struct settings	*s;
	unsigned long	 clears;
	int		 rc = STORE_OK;

	pthread_mutex_lock(&sc->lock);
	if (sc->snap != NULL && sc->gen >= gen) {
		*out = copy(a, sc->snap);
		pthread_mutex_unlock(&sc->lock);
		return STORE_OK;
	}
	clears = sc->clears;
	pthread_mutex_unlock(&sc->lock);
	/* Read outside the lock: no request waits on another's query. */
	if ((s = c != NULL ? load(c, &rc) : NULL) == NULL) {
		s = build(none);
		*out = copy(a, s);
		free(s);
		return c != NULL ? rc : STORE_DOWN;
	}
	*out = copy(a, s);
	pthread_mutex_lock(&sc->lock);
	/* Not kept if a clear came meanwhile: it may be what was cleared. */
	if ((sc->snap == NULL || sc->gen < gen) && sc->clears == clears) {
		free(sc->snap);
		sc->snap = s;
		sc->gen = gen;
		s = NULL;
	}
	pthread_mutex_unlock(&sc->lock);
	free(s);
	return STORE_OK;
}
