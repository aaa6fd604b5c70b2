/*
 * shortcode: [youtube] shortcodes and YouTube autoembeds (see shortcode.h).
 * The regular expressions are WordPress's own (get_shortcode_regex(),
 * shortcode_unautop(), get_shortcode_atts_regex(), WP_Embed::autoembed())
 * with the tag list fixed to "youtube", compiled once (pthread_once) and
 * matched with match data made per call, so threads may share them.
 *
 * Each pass walks the matches of one expression, copying the text between
 * them and letting a callback decide what a match becomes.  A callback
 * that finds nothing valid copies the match unchanged, which is how
 * unknown and malformed input survives byte for byte.  The facade is
 * built from a validated ID and number only, through html_attr/html_url.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "html.h"
#include "kses.h"
#include "shortcode.h"
#include "url.h"

/* wp_spaces_regexp(). */
#define SPACES "(?:[\\r\\n\\t ]|\\xC2\\xA0|&nbsp;)"
/* The opening tag's attributes, after the name (get_shortcode_regex()). */
#define SC_ATTS "[^\\]\\/]*(?:\\/(?!\\])[^\\]\\/]*)*?"
/* Self-closing end, or "]" with optional content and closing tag. */
#define SC_END "(?:\\/\\]|\\](?:[^\\[]*+(?:\\[(?!\\/\\2\\])[^\\[]*+)*+" \
	"\\[\\/\\2\\])?)"
/* The shortcodes Galley knows, as one group (get_shortcode_regex()'s). */
#define TAGS "(youtube|caption|wp_caption|gallery|embed|audio|video)"
/* The URL of an autoembed. */
#define EMBED_URL "(https?://[^\\s<>\"]+)"

/* Where newlines inside elements wait while autoembed looks at lines. */
#define LINE_BREAK "<!-- wp-line-break -->"

enum re {
	RE_SHORTCODE,	/* get_shortcode_regex(): groups 1-6 as there */
	RE_UNAUTOP,	/* shortcode_unautop(): 1 shortcode, 2 its name */
	RE_ATTS,	/* get_shortcode_atts_regex(): groups 1-9 */
	RE_FIXLINK,	/* md4c's autolink that swallowed the closing "]" */
	RE_TAG,		/* get_html_split_regex(): an element or comment */
	RE_RAW,		/* an element whose text is code, not prose */
	RE_PRECHECK,	/* autoembed's quick test for any URL */
	RE_LINE,	/* a URL alone on a line: 1 space, 2 URL, 3 space */
	RE_PARA,	/* a URL alone in a <p>: 1 <p>, 2 URL, 3 </p> */
	RE_PARA_LINK,	/* the same as md4c's autolink, groups as RE_PARA */
	RE_CAPTION,	/* a caption's picture (1) and its text (2) */
	RE__MAX
};

static const struct pattern {
	const char	*re;
	uint32_t	 opts;
} patterns[RE__MAX] = {
	[RE_SHORTCODE] = { "\\[(\\[?)" TAGS "(?![\\w-])(" SC_ATTS ")"
	    "(?:(\\/)\\]|\\](?:([^\\[]*+(?:\\[(?!\\/\\2\\])[^\\[]*+)*+)"
	    "\\[\\/\\2\\])?)(\\]?)", 0 },
	[RE_UNAUTOP] = { "<p>" SPACES "*+(\\[" TAGS "(?![\\w-])" SC_ATTS
	    SC_END ")" SPACES "*+<\\/p>", 0 },
	[RE_ATTS] = { "([\\w-]+)\\s*=\\s*\"([^\"]*)\"(?:\\s|$)|"
	    "([\\w-]+)\\s*=\\s*'([^']*)'(?:\\s|$)|"
	    "([\\w-]+)\\s*=\\s*([^\\s'\"]+)(?:\\s|$)|"
	    "\"([^\"]*)\"(?:\\s|$)|'([^']*)'(?:\\s|$)|(\\S+)(?:\\s|$)", 0 },
	[RE_FIXLINK] = { "(\\[youtube(?![\\w-])[^\\[\\]<]*<a href=\"[^\"<>]*\">"
	    "[^<\\]]*)\\](</a>)", 0 },
	[RE_TAG] = { "<(?(?=!--|!\\[CDATA\\[)(?(?=!-)!(?:-(?!->)[^\\-]*+)*+"
	    "(?:-->)?|!\\[CDATA\\[[^\\]]*+(?:](?!]>)[^\\]]*+)*+(?:]]>)?)|"
	    "[^>]*>?)", 0 },
	[RE_RAW] = { "<(pre|code|script|style|textarea)\\b[^>]*>.*?</\\1\\s*>",
	    PCRE2_CASELESS | PCRE2_DOTALL },
	[RE_PRECHECK] = { "(^|\\s|>)https?://", PCRE2_CASELESS },
	[RE_LINE] = { "^(\\s*)" EMBED_URL "(\\s*)$",
	    PCRE2_CASELESS | PCRE2_MULTILINE },
	[RE_PARA] = { "(<p(?: [^>]*)?>\\s*)" EMBED_URL "(\\s*<\\/p>)",
	    PCRE2_CASELESS },
	[RE_PARA_LINK] = { "(<p(?: [^>]*)?>\\s*)<a href=\"" EMBED_URL "\">\\2"
	    "</a>(\\s*<\\/p>)", PCRE2_CASELESS },
	/* img_caption_shortcode()'s split of a caption without caption="". */
	[RE_CAPTION] = { "^\\s*((?:<a [^>]+>\\s*)?<img [^>]+>(?:\\s*</a>)?)"
	    "(.*)$", PCRE2_CASELESS | PCRE2_DOTALL },
};

static pcre2_code	*compiled[RE__MAX];
static pthread_once_t	 compiled_once = PTHREAD_ONCE_INIT;

/* A video to embed. */
struct video {
	char	 id[12];	/* NUL-terminated, 11 of [A-Za-z0-9_-] */
	long	 start;		/* seconds; 0 for none */
};

/* Offsets of the text that passes must not touch, as [lo, hi) pairs. */
/*
 * The spans a pass leaves alone: those of tags and comments, then those
 * of code elements, each list in order and without overlaps of its own
 * (a match starts after the one before ends), so each is searched by
 * halves.
 */
struct spans {
	PCRE2_SIZE	(*v)[2];
	size_t		  n, cap;
	size_t		  first;	/* v[0..first) one list, the rest another */
	struct media	 *media;	/* what galleries show, or collect */
};

/* What [gallery] knows of the page's pictures, or gathers ids into. */
struct media {
	const struct shortcode_image	*img;
	size_t				 nimg;
	int64_t				*ids;	/* shortcode_gallery_ids' */
	size_t				 nids, cap;
	int				 bare;	/* a [gallery] without ids */
};

/* What a pass does with one match. */
typedef void	each_fn(struct buf *, const char *, const PCRE2_SIZE *, int,
		    const struct spans *);

static void
compile(void)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	int		 i, err;

	for (i = 0; i < RE__MAX; i++) {
		compiled[i] = pcre2_compile((PCRE2_SPTR)patterns[i].re,
		    PCRE2_ZERO_TERMINATED, patterns[i].opts, &err, &off, NULL);
		if (compiled[i] == NULL) {
			/* A bad pattern in the table is a bug, not input. */
			pcre2_get_error_message(err, msg, sizeof(msg));
			fprintf(stderr, "shortcode: pattern %d: %s\n", i, msg);
			abort();
		}
	}
}

/*
 * Returns the length of group n of a match, pointing *p at it; an unset
 * group has length 0.
 */
static size_t
group(const char *s, const PCRE2_SIZE *ov, int rc, int n, const char **p)
{
	*p = s;
	if (n >= rc || ov[2 * n] == PCRE2_UNSET)
		return 0;
	*p = s + ov[2 * n];
	return ov[2 * n + 1] - ov[2 * n];
}

static void
put_group(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    int n)
{
	const char	*p;
	size_t		 len = group(s, ov, rc, n, &p);

	buf_write(p, len, out);
}

/* Adds the span of every match of re in s[0..len). */
static void
spans_add(struct spans *sp, enum re re, const char *s, size_t len)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;

	sp->first = sp->n;	/* a second list begins */
	md = pcre2_match_data_create_from_pattern(compiled[re], NULL);
	ov = pcre2_get_ovector_pointer(md);
	while (at < len && pcre2_match(compiled[re], (PCRE2_SPTR)s, len, at,
	    0, md, NULL) > 0 && ov[1] > ov[0]) {
		if (sp->n == sp->cap) {
			sp->cap = sp->cap ? 2 * sp->cap : 64;
			sp->v = xrealloc(sp->v, sp->cap * sizeof(*sp->v));
		}
		sp->v[sp->n][0] = ov[0];
		sp->v[sp->n][1] = ov[1];
		sp->n++;
		at = ov[1];
	}
	pcre2_match_data_free(md);
}

/* Returns 1 if at lies in one of the ordered spans v[base..hi). */
static int
in_list(PCRE2_SIZE (*v)[2], size_t base, size_t hi, PCRE2_SIZE at)
{
	size_t	 lo = base, mid;

	/* The last span starting at or before at is the only candidate. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid][0] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > base && at < v[lo - 1][1];
}

/* Returns 1 if offset at lies in a tag, a comment or a code element. */
static int
spans_cover(const struct spans *sp, PCRE2_SIZE at)
{
	return in_list(sp->v, 0, sp->first, at) ||
	    in_list(sp->v, sp->first, sp->n, at);
}

/* What a pass tells its callback to leave alone. */
enum protect {
	PROTECT_NONE,
	PROTECT_RAW,	/* code elements */
	PROTECT_ALL	/* code elements, tags and comments */
};

/*
 * Appends s[0..len) to out with each match of re handed to fn, which
 * learns the offsets protect names.
 */
static void
pass(struct buf *out, enum re re, const char *s, size_t len, each_fn *fn,
    enum protect protect, struct media *media)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;
	struct spans		 sp = { NULL, 0, 0, 0, media };
	int			 rc;

	if (protect == PROTECT_ALL)
		spans_add(&sp, RE_TAG, s, len);
	if (protect != PROTECT_NONE)
		spans_add(&sp, RE_RAW, s, len);
	md = pcre2_match_data_create_from_pattern(compiled[re], NULL);
	ov = pcre2_get_ovector_pointer(md);
	while (at < len && (rc = pcre2_match(compiled[re], (PCRE2_SPTR)s, len,
	    at, 0, md, NULL)) > 0 && ov[1] > ov[0]) {
		buf_write(s + at, ov[0] - at, out);
		fn(out, s, ov, rc, &sp);
		at = ov[1];
	}
	buf_write(s + at, len - at, out);
	pcre2_match_data_free(md);
	free(sp.v);
}

static int
id_char(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/*
 * Takes an ID from the start of s[0..len): 11 ID characters followed by
 * the end or a URL delimiter.  Returns 0 on success, -1 if there is none.
 */
static int
id_take(struct video *v, const char *s, size_t len)
{
	size_t	 i;

	if (len < 11 || (len > 11 && strchr("?&#/", s[11]) == NULL))
		return -1;
	for (i = 0; i < 11; i++)
		if (!id_char(s[i]))
			return -1;
	memcpy(v->id, s, 11);
	v->id[11] = '\0';
	return 0;
}

/*
 * Parses a start time: seconds ("90"), or with units ("90s", "1m30s",
 * "1h2m3s").  Returns the seconds, or -1 if s[0..len) is not one.
 */
static long
time_parse(const char *s, size_t len)
{
	const char	*units = "hms";
	static const long mult[] = { 3600, 60, 1 };
	long		 total = 0, n;
	size_t		 i = 0, digits;
	const char	*u;

	if (len == 0)
		return -1;
	while (i < len) {
		for (n = 0, digits = 0; i < len && isdigit((unsigned char)s[i]);
		    i++, digits++)
			n = n * 10 + (s[i] - '0');
		if (digits == 0 || digits > 6)
			return -1;
		if (i < len) {
			if ((u = memchr(units, s[i], 3)) == NULL)
				return -1;
			n *= mult[u - units];
			i++;
		}
		total += n;
	}
	return total > 7 * 86400 ? -1 : total;
}

/*
 * Reads the parameters of a URL's query or fragment, s[0..len): v= sets
 * the ID when want_v, t= or start= the start time.  Returns 0 if the ID
 * is set (or was not wanted), -1 if not.
 */
static int
url_params(struct video *v, const char *s, size_t len, int want_v)
{
	const char	*end = s + len, *amp;
	size_t		 n;
	long		 t;

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		n = (size_t)(amp - s);
		if (want_v && n == 13 && strncmp(s, "v=", 2) == 0 &&
		    id_take(v, s + 2, 11) == 0)
			want_v = 0;
		else if (n > 2 && strncmp(s, "t=", 2) == 0 &&
		    (t = time_parse(s + 2, n - 2)) >= 0)
			v->start = t;
		else if (n > 6 && strncmp(s, "start=", 6) == 0 &&
		    (t = time_parse(s + 6, n - 6)) >= 0)
			v->start = t;
		s = amp + 1;
	}
	return want_v ? -1 : 0;
}

/* The hosts that serve YouTube videos and the kind of path each uses. */
static const struct host {
	const char	*name;
	int		 short_link;	/* youtu.be/ID */
} hosts[] = {
	{ "youtube.com", 0 }, { "www.youtube.com", 0 },
	{ "m.youtube.com", 0 }, { "music.youtube.com", 0 },
	{ "youtube-nocookie.com", 0 }, { "www.youtube-nocookie.com", 0 },
	{ "youtu.be", 1 },
};

/* The paths that are followed by the ID itself. */
static const char *const id_paths[] = {
	"/embed/", "/v/", "/shorts/", "/live/",
};

/* Returns the hosts[] entry for s[0..len), or NULL. */
static const struct host *
host_find(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strlen(hosts[i].name) == len &&
		    strncasecmp(s, hosts[i].name, len) == 0)
			return &hosts[i];
	return NULL;
}

/* Finds the ID in a path of a youtube.com host; v->id set or -1. */
static int
path_id(struct video *v, const char *path, size_t len, const char *query,
    size_t qlen)
{
	size_t	 i, n;

	if (len == 6 && strncmp(path, "/watch", 6) == 0)
		return url_params(v, query, qlen, 1);
	for (i = 0; i < sizeof(id_paths) / sizeof(id_paths[0]); i++) {
		n = strlen(id_paths[i]);
		if (len > n && strncmp(path, id_paths[i], n) == 0)
			return id_take(v, path + n, len - n);
	}
	return -1;
}

/* Reads a YouTube URL u[0..len).  Returns 0 and fills v, or -1. */
static int
video_from_url(struct video *v, const char *u, size_t len)
{
	const struct host	*h;
	const char		*end = u + len, *path, *query, *hash, *qs;

	if (len > 8 && strncasecmp(u, "https://", 8) == 0)
		u += 8;
	else if (len > 7 && strncasecmp(u, "http://", 7) == 0)
		u += 7;
	else
		return -1;
	for (path = u; path < end && strchr("/?#", *path) == NULL; path++)
		continue;
	if ((h = host_find(u, (size_t)(path - u))) == NULL)
		return -1;
	if ((hash = memchr(path, '#', (size_t)(end - path))) == NULL)
		hash = end;
	if ((query = memchr(path, '?', (size_t)(hash - path))) == NULL)
		query = hash;
	qs = query < hash ? query + 1 : hash;
	if (h->short_link ? (path == query || path[0] != '/' ||
	    id_take(v, path + 1, (size_t)(query - path - 1)) == -1) :
	    path_id(v, path, (size_t)(query - path), qs,
	    (size_t)(hash - qs)) == -1)
		return -1;
	url_params(v, qs, (size_t)(hash - qs), 0);
	if (hash < end)		/* the old #t=90 */
		url_params(v, hash + 1, (size_t)(end - hash - 1), 0);
	return 0;
}

/* The entities a writer's HTML or md4c may put in a shortcode or URL. */
static const struct entity {
	const char	*name;
	const char	*text;
} entities[] = {
	{ "&amp;", "&" }, { "&quot;", "\"" }, { "&#39;", "'" },
	{ "&#039;", "'" }, { "&lt;", "<" }, { "&gt;", ">" },
	{ "&nbsp;", " " },
};

/* Returns the entities[] entry s[0..len) starts with, or NULL. */
static const struct entity *
entity_at(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		n = strlen(entities[i].name);
		if (len >= n && strncmp(s, entities[i].name, n) == 0)
			return &entities[i];
	}
	return NULL;
}

/*
 * Appends s[0..len) to out with those entities decoded and, with
 * strip_tags, tags left out.  Returns -1 if a tag is left unclosed.
 */
static int
put_plain(struct buf *out, const char *s, size_t len, int strip_tags)
{
	const struct entity	*e;
	const char		*end = s + len, *gt;

	while (s < end) {
		if (strip_tags && *s == '<') {
			if ((gt = memchr(s, '>', (size_t)(end - s))) == NULL)
				return -1;
			s = gt + 1;
		} else if (*s == '&' &&
		    (e = entity_at(s, (size_t)(end - s))) != NULL) {
			buf_puts(out, e->text);
			s += strlen(e->name);
		} else
			buf_putc(out, *s++);
	}
	return 0;
}

/*
 * Cleans a shortcode's attribute text for shortcode_parse_atts(): tags
 * (md4c's autolinks) out, entities decoded, no-break and zero-width
 * spaces made spaces.  Returns -1 if a tag is left unclosed.
 */
static int
atts_clean(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	if (put_plain(b, s, len, 1) == -1)
		return -1;
	for (i = 0; i + 1 < b->len; i++) {
		if ((unsigned char)b->data[i] == 0xc2 &&
		    (unsigned char)b->data[i + 1] == 0xa0)
			memcpy(b->data + i, "  ", 2);
		else if (i + 2 < b->len && memcmp(b->data + i,
		    "\xe2\x80\x8b", 3) == 0)
			memcpy(b->data + i, "   ", 3);
	}
	return 0;
}

/*
 * Reads one attribute match: the first positional value becomes the ID
 * or URL (*pos), a t= or start= value the start time.
 */
static void
atts_one(const char *s, const PCRE2_SIZE *ov, int rc, const char **pos,
    size_t *poslen, long *start)
{
	const char	*name, *val;
	size_t		 nlen, vlen;
	int		 g;
	long		 t;

	for (g = 1; g <= 5; g += 2) {
		if ((nlen = group(s, ov, rc, g, &name)) == 0)
			continue;
		vlen = group(s, ov, rc, g + 1, &val);
		if (((nlen == 1 && strncasecmp(name, "t", 1) == 0) ||
		    (nlen == 5 && strncasecmp(name, "start", 5) == 0)) &&
		    (t = time_parse(val, vlen)) >= 0)
			*start = t;
		return;
	}
	for (g = 7; g <= 9 && *pos == NULL; g++)
		if ((vlen = group(s, ov, rc, g, &val)) > 0) {
			*pos = val;
			*poslen = vlen;
		}
}

/* Reads the video a shortcode's attributes name.  Returns 0 or -1. */
static int
video_from_atts(struct video *v, const char *s, size_t len)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;
	struct buf		 b;
	const char		*pos = NULL;
	size_t			 poslen = 0;
	long			 start = -1;
	int			 rc, ret = -1;

	buf_init(&b);
	if (atts_clean(&b, s, len) == -1 || b.len == 0)
		goto out;
	md = pcre2_match_data_create_from_pattern(compiled[RE_ATTS], NULL);
	ov = pcre2_get_ovector_pointer(md);
	while (at < b.len && (rc = pcre2_match(compiled[RE_ATTS],
	    (PCRE2_SPTR)b.data, b.len, at, 0, md, NULL)) > 0 && ov[1] > ov[0]) {
		atts_one(b.data, ov, rc, &pos, &poslen, &start);
		at = ov[1];
	}
	pcre2_match_data_free(md);
	if (pos != NULL && pos[0] == '=')	/* [youtube=URL] */
		pos++, poslen--;
	memset(v, 0, sizeof(*v));
	if (pos != NULL && (poslen == 11 ? id_take(v, pos, poslen) :
	    video_from_url(v, pos, poslen)) == 0) {
		if (start >= 0)
			v->start = start;
		ret = 0;
	}
out:
	buf_reset(&b);
	return ret;
}

/* Reads an embed URL, which may hold &amp;.  Returns 0 or -1. */
static int
video_from_embed(struct video *v, const char *s, size_t len)
{
	struct buf	 b;
	int		 ret;

	buf_init(&b);
	put_plain(&b, s, len, 0);
	memset(v, 0, sizeof(*v));
	ret = video_from_url(v, b.data, b.len);
	buf_reset(&b);
	return ret;
}

/* Appends the facade for v; the markup around the data is fixed text. */
static void
video_render(struct buf *out, const struct video *v)
{
	char	 url[64], num[24];

	snprintf(url, sizeof(url), "https://www.youtube.com/watch?v=%s",
	    v->id);
	buf_puts(out, "<figure class=\"video\" data-youtube=\"");
	html_attr(out, v->id, strlen(v->id));
	buf_puts(out, "\"");
	if (v->start > 0) {
		snprintf(num, sizeof(num), "%ld", v->start);
		buf_puts(out, " data-start=\"");
		html_attr(out, num, strlen(num));
		buf_puts(out, "\"");
		snprintf(url, sizeof(url),
		    "https://www.youtube.com/watch?v=%s&t=%lds", v->id,
		    v->start);
	}
	buf_puts(out, "><a class=\"video-link\" href=\"");
	html_url(out, url, strlen(url));
	buf_puts(out, "\"><span class=\"video-play\" aria-hidden=\"true\">"
	    "</span><span class=\"video-label\">" SHORTCODE_VIDEO_LABEL
	    "</span></a></figure>");
}

/* Returns 1 if a RE_SHORTCODE match is escaped: [[youtube ...]]. */
static int
escaped(const char *s, const PCRE2_SIZE *ov, int rc)
{
	const char	*p;

	return group(s, ov, rc, 1, &p) == 1 && group(s, ov, rc, 6, &p) == 1;
}

/* The most attributes read from one shortcode, ids one gallery shows. */
#define ATTS_MAX	24
#define GALLERY_MAX	SHORTCODE_GALLERY_MAX

/* One attribute as written: name NULL for a positional value. */
struct att {
	const char	*name, *val;
	size_t		 nlen, vlen;
};

/* A shortcode as do_shortcode_tag() hands it to its function. */
struct call {
	const char		*atts, *content;  /* content NULL: none */
	size_t			 alen, clen;
	struct att		 att[ATTS_MAX];
	size_t			 natt;
	const struct media	*media;
};

typedef int	render_fn(struct buf *, const struct call *);

/* shortcode_parse_atts() on the raw text: values point into s. */
static void
atts_parse(struct call *c)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;
	struct att		*a;
	int			 rc, g;

	md = pcre2_match_data_create_from_pattern(compiled[RE_ATTS], NULL);
	ov = pcre2_get_ovector_pointer(md);
	while (c->natt < ATTS_MAX && at < c->alen &&
	    (rc = pcre2_match(compiled[RE_ATTS], (PCRE2_SPTR)c->atts, c->alen,
	    at, 0, md, NULL)) > 0 && ov[1] > ov[0]) {
		a = &c->att[c->natt];
		memset(a, 0, sizeof(*a));
		for (g = 1; g <= 5 && a->nlen == 0; g += 2)
			if ((a->nlen = group(c->atts, ov, rc, g,
			    &a->name)) > 0)
				a->vlen = group(c->atts, ov, rc, g + 1,
				    &a->val);
		if (a->nlen == 0) {
			a->name = NULL;
			for (g = 7; g <= 9 && a->vlen == 0; g++)
				a->vlen = group(c->atts, ov, rc, g, &a->val);
		}
		if (a->name != NULL || a->vlen > 0)
			c->natt++;
		at = ov[1];
	}
	pcre2_match_data_free(md);
}

/* The value of attribute name (any case), or NULL (name NULL: the first
 * positional one). */
static const char *
att(const struct call *c, const char *name, size_t *len)
{
	size_t	 i;

	for (i = 0; i < c->natt; i++)
		if (name == NULL ? c->att[i].name == NULL :
		    c->att[i].name != NULL && c->att[i].nlen == strlen(name) &&
		    strncasecmp(c->att[i].name, name, c->att[i].nlen) == 0) {
			*len = c->att[i].vlen;
			return c->att[i].val;
		}
	return NULL;
}

/* Returns 1 if s[0..len) is one of the words in list (NULL-ended). */
static int
word_in(const char *s, size_t len, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == len && strncasecmp(s, *list, len) == 0)
			return 1;
	return 0;
}

/*
 * A URL as a shortcode holds it, into b: md4c's autolink tags out,
 * entities decoded, space around it trimmed.  Returns b's text.
 */
static const char *
url_clean(struct buf *b, const char *s, size_t len)
{
	size_t	 i = 0;

	buf_init(b);
	if (put_plain(b, s, len, 1) == -1)
		b->len = 0;
	while (b->len > 0 && isspace((unsigned char)b->data[b->len - 1]))
		b->len--;
	while (i < b->len && isspace((unsigned char)b->data[i]))
		i++;
	memmove(b->data, b->data + i, b->len - i);
	b->len -= i;
	buf_putc(b, '\0');
	b->len--;
	return b->data;
}

/* A link to u alone in its paragraph: what a third party's media gets. */
static void
link_render(struct buf *out, const char *u)
{
	buf_puts(out, "<p><a href=\"");
	html_url(out, u, strlen(u));
	buf_puts(out, "\">");
	html_text(out, u, strlen(u));
	buf_puts(out, "</a></p>");
}

/* [youtube]: the facade, or -1 when it names no video. */
static int
youtube_render(struct buf *out, const struct call *c)
{
	struct video	 v;

	if (video_from_atts(&v, c->atts, c->alen) == -1)
		return -1;
	video_render(out, &v);
	return 0;
}

/* Appends s[0..len) without the space and <br /> wpautop put around. */
static void
put_trimmed(struct buf *out, const char *s, size_t len)
{
	for (;;) {
		while (len > 0 && isspace((unsigned char)*s))
			s++, len--;
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (len >= 6 && strncmp(s, "<br />", 6) == 0)
			s += 6, len -= 6;
		else if (len >= 6 && strncmp(s + len - 6, "<br />", 6) == 0)
			len -= 6;
		else
			break;
	}
	kses(out, s, len);
}

/*
 * img_caption_shortcode(), HTML5: the picture (a link around it kept)
 * and the caption text (caption="", else what follows the picture), both
 * author HTML through kses so the figure is always well formed.  No
 * inline width: the theme sizes the figure to its picture.
 */
static int
caption_render(struct buf *out, const struct call *c)
{
	static const char *const aligns[] = { "alignnone", "alignleft",
	    "alignright", "aligncenter", NULL };
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov;
	const char		*pic = c->content, *cap, *al;
	size_t			 plen = c->clen, clen = 0, alen = 0;
	int			 rc;

	if (c->content == NULL)
		return -1;
	if ((cap = att(c, "caption", &clen)) == NULL) {
		md = pcre2_match_data_create_from_pattern(
		    compiled[RE_CAPTION], NULL);
		ov = pcre2_get_ovector_pointer(md);
		rc = pcre2_match(compiled[RE_CAPTION],
		    (PCRE2_SPTR)c->content, c->clen, 0, 0, md, NULL);
		if (rc > 0) {
			plen = group(c->content, ov, rc, 1, &pic);
			clen = group(c->content, ov, rc, 2, &cap);
		}
		pcre2_match_data_free(md);
	}
	if ((al = att(c, "align", &alen)) == NULL || !word_in(al, alen,
	    aligns))
		al = "alignnone", alen = 9;
	buf_puts(out, "<figure class=\"wp-caption ");
	buf_write(al, alen, out);	/* one of aligns[] */
	buf_puts(out, "\">");
	put_trimmed(out, pic, plen);
	if (cap != NULL && clen > 0) {
		buf_puts(out, "<figcaption class=\"wp-caption-text\">");
		put_trimmed(out, cap, clen);
		buf_puts(out, "</figcaption>");
	}
	buf_puts(out, "</figure>");
	return 0;
}

/*
 * Reads a gallery's ids="1,2,3" into ids[0..max).  Returns how many, or
 * -1 when the list holds something other than numbers.
 */
static int
gallery_ids(const char *s, size_t len, int64_t *ids, size_t max)
{
	size_t	 i = 0, n = 0, digits;
	int64_t	 v;

	while (i < len) {
		while (i < len && (s[i] == ',' || s[i] == ' '))
			i++;
		if (i == len)
			break;
		for (v = 0, digits = 0; i < len && isdigit((unsigned char)s[i]);
		    i++, digits++)
			v = v * 10 + (s[i] - '0');
		if (digits == 0 || digits > 15)
			return -1;
		if (n < max && v > 0)
			ids[n++] = v;
	}
	return (int)n;
}

/* The picture a gallery's id names: WordPress's id first, then ours. */
static const struct shortcode_image *
image_find(const struct media *m, int64_t id)
{
	size_t	 i;

	for (i = 0; m != NULL && i < m->nimg; i++)
		if (m->img[i].old_id == id)
			return &m->img[i];
	for (i = 0; m != NULL && i < m->nimg; i++)
		if (m->img[i].id == id)
			return &m->img[i];
	return NULL;
}

/* One gallery item: our picture, which picture.c makes responsive. */
static void
gallery_item(struct buf *out, const struct shortcode_image *im, int link,
    const char *size)
{
	buf_puts(out, "<figure class=\"gallery-item\">");
	if (link) {
		buf_puts(out, "<a href=\"");
		html_url(out, im->src, strlen(im->src));
		buf_puts(out, "\">");
	}
	buf_printf(out, "<img src=\"");
	html_url(out, im->src, strlen(im->src));
	buf_printf(out, "\" class=\"wp-image-%lld attachment-%s\" alt=\"\"",
	    (long long)im->id, size);
	if (im->width > 0 && im->height > 0)
		buf_printf(out, " width=\"%d\" height=\"%d\"", im->width,
		    im->height);
	buf_puts(out, ">");
	if (link)
		buf_puts(out, "</a>");
	buf_puts(out, "</figure>");
}

/*
 * gallery_shortcode(), for ids="" (or include=""): the pictures the page
 * found, in the order given; ids it did not find are left out.  A bare
 * [gallery] shows the post's attached pictures (those with an attached
 * place), in that order, less any exclude="" names.
 */
/* Fills shown[] with what a gallery shows; returns how many, or -1. */
static int
gallery_pick(const struct call *c, const struct shortcode_image **shown)
{
	const struct media		*m = c->media;
	const struct shortcode_image	*im;
	int64_t				 ids[GALLERY_MAX];
	const char			*v;
	size_t				 len, i, k;
	int				 n, nx = 0, picked = 0;

	if ((v = att(c, "ids", &len)) != NULL || (v = att(c, "include",
	    &len)) != NULL) {
		if ((n = gallery_ids(v, len, ids, GALLERY_MAX)) == -1)
			return -1;
		for (i = 0; i < (size_t)n; i++)
			if ((im = image_find(m, ids[i])) != NULL)
				shown[picked++] = im;
		return picked;
	}
	if ((v = att(c, "exclude", &len)) != NULL &&
	    (nx = gallery_ids(v, len, ids, GALLERY_MAX)) == -1)
		return -1;
	/* Places run 1, 2, ...: each found by a walk, at most 100 of 100. */
	for (k = 1; m != NULL && k <= m->nimg && picked < GALLERY_MAX; k++)
		for (i = 0; i < m->nimg; i++) {
			im = &m->img[i];
			if (im->attached != (int)k)
				continue;
			for (n = 0; n < nx && ids[n] != (im->old_id > 0 ?
			    im->old_id : im->id); n++)
				;
			if (n == nx)
				shown[picked++] = im;
			break;
		}
	return picked;
}

static int
gallery_render(struct buf *out, const struct call *c)
{
	static const char *const sizes[] = { "thumbnail", "medium", "large",
	    "full", NULL };
	const struct shortcode_image	*shown[GALLERY_MAX];
	const char			*v, *size = "thumbnail";
	size_t				 len, i;
	int				 n, cols = 3, link = 1;

	if ((n = gallery_pick(c, shown)) <= 0)
		return n;
	if ((v = att(c, "columns", &len)) != NULL && len == 1 &&
	    v[0] >= '1' && v[0] <= '9')
		cols = v[0] - '0';
	for (i = 0; sizes[i] != NULL; i++)
		if ((v = att(c, "size", &len)) != NULL &&
		    word_in(v, len, sizes + i) && len == strlen(sizes[i]))
			size = sizes[i];
	if ((v = att(c, "link", &len)) != NULL && len == 4 &&
	    strncasecmp(v, "none", 4) == 0)
		link = 0;
	buf_printf(out, "<div class=\"gallery gallery-columns-%d"
	    " gallery-size-%s\">", cols, size);
	for (i = 0; i < (size_t)n; i++)
		gallery_item(out, shown[i], link, size);
	buf_puts(out, "</div>");
	return 0;
}

/* [embed]URL[/embed]: YouTube's facade, any other web URL a link. */
static int
embed_render(struct buf *out, const struct call *c)
{
	struct video	 v;
	struct buf	 b;
	const char	*u;
	int		 rc = 0;

	if (c->content == NULL)
		return -1;
	u = url_clean(&b, c->content, c->clen);
	memset(&v, 0, sizeof(v));
	if (video_from_url(&v, u, strlen(u)) == 0)
		video_render(out, &v);
	else if (url_http_ok(u))
		link_render(out, u);
	else
		rc = -1;
	buf_reset(&b);
	return rc;
}

/*
 * wp_audio_shortcode() and wp_video_shortcode() for a file of ours: the
 * player, with a link inside for browsers without one; another site's
 * file only as a link, so the page fetches nothing from it.  Without a
 * file (the post's attached media, which Galley does not record):
 * nothing.
 */
static int
player_render(struct buf *out, const struct call *c, const char *el,
    const char *const *keys)
{
	struct buf	 b;
	const char	*v = NULL, *u;
	size_t		 len = 0;
	int		 rc = 0;

	for (; *keys != NULL && v == NULL; keys++)
		v = att(c, *keys, &len);
	if (v == NULL && (v = att(c, NULL, &len)) == NULL)
		return 0;
	u = url_clean(&b, v, len);
	if (url_local(u)) {
		buf_printf(out, "<%s controls preload=\"none\" src=\"", el);
		html_url(out, u, strlen(u));
		buf_puts(out, "\"><a href=\"");
		html_url(out, u, strlen(u));
		buf_puts(out, "\">");
		html_text(out, u, strlen(u));
		buf_printf(out, "</a></%s>", el);
	} else if (url_http_ok(u))
		link_render(out, u);
	else
		rc = -1;
	buf_reset(&b);
	return rc;
}

static int
audio_render(struct buf *out, const struct call *c)
{
	static const char *const keys[] = { "src", "mp3", "m4a", "ogg",
	    "wav", NULL };

	return player_render(out, c, "audio", keys);
}

static int
video_tag_render(struct buf *out, const struct call *c)
{
	static const char *const keys[] = { "src", "mp4", "m4v", "webm",
	    "ogv", NULL };

	return player_render(out, c, "video", keys);
}

/* The shortcodes Galley renders, as TAGS names them. */
static const struct tag {
	const char	*name;
	render_fn	*render;
} tags[] = {
	{ "youtube", youtube_render }, { "caption", caption_render },
	{ "wp_caption", caption_render }, { "gallery", gallery_render },
	{ "embed", embed_render }, { "audio", audio_render },
	{ "video", video_tag_render },
};

/*
 * Renders a RE_SHORTCODE match (not escaped) into out.  Returns -1 when
 * it is not valid, out then unchanged.
 */
static int
call(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct media *media)
{
	struct call	 c;
	struct buf	 b;
	const char	*name;
	size_t		 nlen = group(s, ov, rc, 2, &name), i;
	int		 ret = -1;

	memset(&c, 0, sizeof(c));
	c.media = media;
	c.alen = group(s, ov, rc, 3, &c.atts);
	if (rc > 5 && ov[10] != PCRE2_UNSET)
		c.clen = group(s, ov, rc, 5, &c.content);
	atts_parse(&c);
	buf_init(&b);
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i].name) == nlen &&
		    strncasecmp(tags[i].name, name, nlen) == 0) {
			ret = tags[i].render(&b, &c);
			break;
		}
	if (ret == 0)
		buf_write(b.data, b.len, out);
	buf_reset(&b);
	return ret;
}

/* Returns 1 if the rendered html in b starts with a block element. */
static int
block(const struct buf *b)
{
	return b->len > 0 && (strncmp(b->data, "<figure", 7) == 0 ||
	    strncmp(b->data, "<div", 4) == 0);
}

/*
 * Returns 1 if the HTML in b ends inside a paragraph: its last <p> tag
 * comes after its last </p>.  wpautop's paragraphs do not nest.
 */
static int
in_paragraph(const struct buf *b)
{
	size_t	 i;

	for (i = b->len; i-- > 0;) {
		if (b->data[i] != '<' || b->len - i < 3)
			continue;
		if (strncasecmp(b->data + i, "</p>", 4) == 0)
			return 0;
		if ((b->data[i + 1] == 'p' || b->data[i + 1] == 'P') &&
		    (b->data[i + 2] == '>' || b->data[i + 2] == ' '))
			return 1;
	}
	return 0;
}

/* do_shortcode_tag(). */
static void
do_tag(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	struct buf	 b;

	if (spans_cover(sp, ov[0])) {
		put_group(out, s, ov, rc, 0);
		return;
	}
	if (escaped(s, ov, rc)) {
		buf_write(s + ov[0] + 1, ov[1] - ov[0] - 2, out);
		return;
	}
	buf_init(&b);
	if (call(&b, s, ov, rc, sp->media) == -1)
		put_group(out, s, ov, rc, 0);
	else if (block(&b) && in_paragraph(out)) {
		/*
		 * A shortcode amid a paragraph's text (unautop takes only one
		 * alone in its <p>): a <figure> or <div> cannot be inside a
		 * <p>, so the paragraph ends before it and another begins
		 * after it, which the </p> already there closes.
		 */
		buf_puts(out, "</p>\n");
		buf_write(b.data, b.len, out);
		buf_puts(out, "\n<p>");
	} else {
		put_group(out, s, ov, rc, 1);
		buf_write(b.data, b.len, out);
		put_group(out, s, ov, rc, 6);
	}
	buf_reset(&b);
}

/* Adds the ids of a [gallery] to what the page will ask the store for. */
static void
collect(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	struct media	*m = sp->media;
	struct call	 c;
	const char	*name, *v;
	size_t		 len;
	int		 n;

	(void)out;
	if (spans_cover(sp, ov[0]) || escaped(s, ov, rc) ||
	    group(s, ov, rc, 2, &name) != 7 ||
	    strncasecmp(name, "gallery", 7) != 0)
		return;
	memset(&c, 0, sizeof(c));
	c.alen = group(s, ov, rc, 3, &c.atts);
	atts_parse(&c);
	if ((v = att(&c, "ids", &len)) == NULL && (v = att(&c, "include",
	    &len)) == NULL) {
		m->bare = 1;
		return;
	}
	if (m->cap - m->nids < GALLERY_MAX) {
		m->cap = 2 * m->cap + GALLERY_MAX;
		m->ids = xrealloc(m->ids, m->cap * sizeof(*m->ids));
	}
	if ((n = gallery_ids(v, len, m->ids + m->nids, GALLERY_MAX)) > 0)
		m->nids += (size_t)n;
}

/* strip_shortcode_tag(). */
static void
strip_tag(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	(void)sp;
	if (escaped(s, ov, rc)) {
		buf_write(s + ov[0] + 1, ov[1] - ov[0] - 2, out);
		return;
	}
	put_group(out, s, ov, rc, 1);
	put_group(out, s, ov, rc, 6);
}

/* Returns 1 if the shortcode s[0..len) renders. */
static int
renders(const char *s, size_t len, const struct media *media)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov;
	struct buf		 b;
	int			 rc, ok = 0;

	md = pcre2_match_data_create_from_pattern(compiled[RE_SHORTCODE],
	    NULL);
	ov = pcre2_get_ovector_pointer(md);
	rc = pcre2_match(compiled[RE_SHORTCODE], (PCRE2_SPTR)s, len, 0,
	    PCRE2_ANCHORED, md, NULL);
	if (rc > 0 && ov[1] == len && !escaped(s, ov, rc)) {
		buf_init(&b);
		ok = call(&b, s, ov, rc, media) == 0;
		buf_reset(&b);
	}
	pcre2_match_data_free(md);
	return ok;
}

/* shortcode_unautop(), for shortcodes that will render. */
static void
unautop(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	const char	*sc;
	size_t		 len = group(s, ov, rc, 1, &sc);

	if (spans_cover(sp, ov[2]) || !renders(sc, len, sp->media))
		put_group(out, s, ov, rc, 0);
	else
		buf_write(sc, len, out);
}

/* Moves the "]" md4c's autolink swallowed back out of the link. */
static void
fix_link(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	(void)sp;
	put_group(out, s, ov, rc, 1);
	put_group(out, s, ov, rc, 2);
	buf_putc(out, ']');
}

/*
 * WP_Embed::autoembed_callback(), for YouTube URLs only.  The space
 * around a URL on its line stays; the <p> around one in a paragraph goes,
 * as a <figure> cannot be inside a <p>.
 */
static void
embed(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	struct video	 v;
	const char	*url, *p;
	size_t		 len = group(s, ov, rc, 2, &url);
	int		 para = group(s, ov, rc, 1, &p) > 0 && *p == '<';

	if (spans_cover(sp, ov[0]) || video_from_embed(&v, url, len) == -1) {
		put_group(out, s, ov, rc, 0);
		return;
	}
	if (!para)
		put_group(out, s, ov, rc, 1);
	video_render(out, &v);
	if (!para)
		put_group(out, s, ov, rc, 3);
}

/* Newlines inside an element wait behind LINE_BREAK. */
static void
hide_newlines(struct buf *out, const char *s, const PCRE2_SIZE *ov, int rc,
    const struct spans *sp)
{
	const char	*p = s + ov[0], *end = s + ov[1], *nl;

	(void)rc;
	(void)sp;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		buf_write(p, (size_t)(nl - p), out);
		buf_puts(out, LINE_BREAK);
		p = nl + 1;
	}
	buf_write(p, (size_t)(end - p), out);
}

/* Appends s[0..len) with each LINE_BREAK back to a newline. */
static void
put_newlines(struct buf *out, const char *s, size_t len)
{
	const char	*end = s + len, *p;
	size_t		 n = strlen(LINE_BREAK);

	for (p = s; p + n <= end; p++) {
		if (*p != '<' || memcmp(p, LINE_BREAK, n) != 0)
			continue;
		buf_write(s, (size_t)(p - s), out);
		buf_putc(out, '\n');
		s = p + n;
		p = s - 1;
	}
	buf_write(s, (size_t)(end - s), out);
}

/* Swaps b's content into a, leaving b empty. */
static void
swap(struct buf *a, struct buf *b)
{
	buf_reset(a);
	*a = *b;
	buf_init(b);
}

void
shortcode_autoembed(struct buf *out, const char *in, size_t len)
{
	static const enum re	 steps[] = {
		RE_LINE, RE_PARA, RE_PARA_LINK
	};
	pcre2_match_data	*md;
	struct buf		 a, b;
	size_t			 i;
	int			 rc;

	if (len == 0)
		return;
	pthread_once(&compiled_once, compile);
	md = pcre2_match_data_create_from_pattern(compiled[RE_PRECHECK], NULL);
	rc = pcre2_match(compiled[RE_PRECHECK], (PCRE2_SPTR)in, len, 0, 0, md,
	    NULL);
	pcre2_match_data_free(md);
	if (rc <= 0) {
		buf_write(in, len, out);
		return;
	}
	buf_init(&a);
	buf_init(&b);
	pass(&a, RE_TAG, in, len, hide_newlines, PROTECT_NONE, NULL);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pass(&b, steps[i], a.data, a.len, embed, PROTECT_RAW, NULL);
		swap(&a, &b);
	}
	put_newlines(out, a.data, a.len);
	buf_reset(&a);
}

void
shortcode_render(struct buf *out, const char *html, size_t len,
    const struct shortcode_image *img, size_t nimg)
{
	struct media	 m = { img, nimg, NULL, 0, 0, 0 };
	struct buf	 a, b;

	if (len == 0)
		return;
	if (memchr(html, '[', len) == NULL) {
		buf_write(html, len, out);
		return;
	}
	pthread_once(&compiled_once, compile);
	buf_init(&a);
	buf_init(&b);
	pass(&a, RE_FIXLINK, html, len, fix_link, PROTECT_NONE, NULL);
	pass(&b, RE_UNAUTOP, a.data, a.len, unautop, PROTECT_ALL, &m);
	pass(out, RE_SHORTCODE, b.data, b.len, do_tag, PROTECT_ALL, &m);
	buf_reset(&a);
	buf_reset(&b);
}

void
shortcode_strip(struct buf *out, const char *in, size_t len)
{
	if (len == 0)
		return;
	if (memchr(in, '[', len) == NULL) {
		buf_write(in, len, out);
		return;
	}
	pthread_once(&compiled_once, compile);
	pass(out, RE_SHORTCODE, in, len, strip_tag, PROTECT_NONE, NULL);
}

void
shortcode_gallery_ids(const char *html, size_t len, int64_t **ids,
    size_t *n, int *bare)
{
	struct media	 m = { NULL, 0, NULL, 0, 0, 0 };
	struct buf	 scratch;

	*ids = NULL;
	*n = 0;
	*bare = 0;
	if (len == 0 || memchr(html, '[', len) == NULL)
		return;
	pthread_once(&compiled_once, compile);
	buf_init(&scratch);
	pass(&scratch, RE_SHORTCODE, html, len, collect, PROTECT_ALL, &m);
	buf_reset(&scratch);
	*ids = m.ids;
	*n = m.nids;
	*bare = m.bare;
}
