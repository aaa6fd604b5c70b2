/*
 * setting: the table of database settings and their checks (setting.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setting.h"
#include "spam.h"

static int
check_text(const char *v, char *err, size_t errlen)
{
	if (strlen(v) > 200) {
		snprintf(err, errlen, "at most 200 bytes");
		return -1;
	}
	return 0;
}

static int
check_int(const char *v, long lo, long hi, char *err, size_t errlen)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < lo || n > hi) {
		snprintf(err, errlen, "a whole number from %ld to %ld", lo, hi);
		return -1;
	}
	return 0;
}

static int
check_per_page(const char *v, char *err, size_t errlen)
{
	return check_int(v, 1, 100, err, errlen);
}

static int
check_scale(const char *v, char *err, size_t errlen)
{
	return check_int(v, 2, 20, err, errlen);
}

static int
check_list(const char *v, char *err, size_t errlen)
{
	if (strlen(v) > 10000) {
		snprintf(err, errlen, "at most 10,000 bytes");
		return -1;
	}
	return 0;
}

static int
check_bool(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
		snprintf(err, errlen, "true or false");
		return -1;
	}
	return 0;
}

static int
check_seconds(const char *v, char *err, size_t errlen)
{
	return check_int(v, 0, 3600, err, errlen);
}

static int
check_links(const char *v, char *err, size_t errlen)
{
	return check_int(v, 0, 100, err, errlen);
}

static int
check_days(const char *v, char *err, size_t errlen)
{
	return check_int(v, 0, 36500, err, errlen);
}

static int
check_retention(const char *v, char *err, size_t errlen)
{
	return check_int(v, 1, 3650, err, errlen);
}

static int
check_body(const char *v, char *err, size_t errlen)
{
	return check_int(v, 65536, 64L * 1024 * 1024, err, errlen);
}

static int
check_per_comment_page(const char *v, char *err, size_t errlen)
{
	return check_int(v, 1, 1000, err, errlen);
}

static int
check_identity(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "cookie") != 0 && strcmp(v, "ip") != 0 &&
	    strcmp(v, "both") != 0) {
		snprintf(err, errlen, "cookie, ip or both");
		return -1;
	}
	return 0;
}

static int
check_depth(const char *v, char *err, size_t errlen)
{
	return check_int(v, 1, 10, err, errlen);
}

/* A probability: a number from 0 to 1. */
static int
check_prob(const char *v, char *err, size_t errlen)
{
	char	*end;
	double	 x = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || !(x >= 0 && x <= 1)) {
		snprintf(err, errlen, "a number from 0 to 1, such as 0.9");
		return -1;
	}
	return 0;
}

/* An absolute http(s) URL with no trailing slash, query or fragment. */
static int
check_base_url(const char *v, char *err, size_t errlen)
{
	size_t	 n = strlen(v);

	if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
	    n > 200 || v[n - 1] == '/' || strpbrk(v, "?#\"'<> \t\r\n") ||
	    strchr(v + 8, '/') != NULL) {
		snprintf(err, errlen, "an http:// or https:// origin such as"
		    " https://news.example.org, with no path or trailing /");
		return -1;
	}
	return 0;
}

const struct setting settings[] = {
	{ "site_title", "Galley News", "the site's name", check_text },
	{ "site_tagline", "Independent news, self-hosted",
	    "one line under the name", check_text },
	{ "base_url", "http://127.0.0.1:8080",
	    "the public origin, for canonical links", check_base_url },
	{ "posts_per_page", "10", "posts on each listing page",
	    check_per_page },
	{ "rating_scale", "10", "stars in an article's rating", check_scale },
	{ "comment_max_depth", "5", "how deep replies nest; deeper ones join"
	    " the deepest level", check_depth },
	{ "comments_per_page", "50", "top-level comments on each page of an"
	    " article's comments", check_per_comment_page },
	{ "comment_flood_seconds", "15", "seconds between two comments from"
	    " one IP address (0: no limit)", check_seconds },
	{ "comment_max_links", "2", "more links than this holds a comment"
	    " for moderation", check_links },
	{ "comment_moderate_first", "true", "hold a writer's comments until"
	    " one of theirs is approved", check_bool },
	{ "spam_threshold", SPAM_SPAM_THRESHOLD, "a spam score at or above"
	    " this sends a comment to the spam queue", check_prob },
	{ "ham_threshold", SPAM_HAM_THRESHOLD, "a spam score below this is"
	    " ham; between the two thresholds a comment is held",
	    check_prob },
	{ "discard_blatant", "false", "drop, without telling the sender, a"
	    " comment scoring 0.999 or more with another sign of spam",
	    check_bool },
	{ "comment_min_seconds", "3", "a form sent sooner than this after"
	    " its page was shown is a sign of a bot", check_seconds },
	{ "comments_close_days", "0", "close comments this many days after"
	    " publishing (0: never)", check_days },
	{ "comment_max_bytes", "10485760", "the largest comment form, image"
	    " included, in bytes", check_body },
	{ "moderation_words", "", "words (one a line) that hold a comment"
	    " for moderation", check_list },
	{ "disallowed_words", "", "words, hosts or IP hashes (one a line)"
	    " that send a comment to spam", check_list },
	{ "vote_identity", "both", "how a voter is known: cookie, ip or"
	    " both", check_identity },
	{ "vote_allow_change", "false", "a second vote replaces the first"
	    " instead of being refused", check_bool },
	{ "vote_window_days", "30", "days an IP address's vote counts"
	    " against another from it", check_retention },
	{ "privacy_retention_days", "30", "days before IP hashes and user"
	    " agents of comments are erased", check_retention },
	{ NULL, NULL, NULL, NULL }
};

const struct setting *
setting_find(const char *key)
{
	const struct setting	*s;

	for (s = settings; s->key != NULL; s++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}
