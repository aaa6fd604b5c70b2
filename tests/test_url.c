/*
 * test_url: the URL scheme.  Everything a builder makes, the router reads
 * back to the same route (parse(build(x)) == x); near misses parse to a
 * route whose canonical path differs (so the server redirects); anything
 * outside the scheme is refused.  And which links off the site pass the
 * one safe-URL check.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "url.h"

static void
roundtrip(const char *path, enum route_kind kind)
{
	struct route	 rt;
	struct buf	 b;
	char		 what[300];

	buf_init(&b);
	snprintf(what, sizeof(what), "round trip %s", path);
	if (!CHECK_MSG(url_parse(path, &rt) == 0 && rt.kind == kind, what))
		return;
	url_route(&b, &rt);
	CHECK_STR(b.data, path);
	buf_reset(&b);
}

static void
canonical(const char *path, const char *want)
{
	struct route	 rt;
	struct buf	 b;
	char		 what[300];

	buf_init(&b);
	snprintf(what, sizeof(what), "near miss %s parses", path);
	if (!CHECK_MSG(url_parse(path, &rt) == 0, what))
		return;
	url_route(&b, &rt);
	CHECK_STR(b.data, want);
	buf_reset(&b);
}

static void
refused(const char *path)
{
	struct route	 rt;
	char		 what[300];

	snprintf(what, sizeof(what), "refused: %s", path);
	CHECK_MSG(url_parse(path, &rt) == -1, what);
}

static void
builders(void)
{
	struct buf	 b;
	struct route	 rt;

	buf_init(&b);
	url_post(&b, NULL, 1443709920, "russian-isis-strikes");	/* 2015-10-01 */
	CHECK_STR(b.data, "/2015/10/russian-isis-strikes/");
	CHECK(url_parse(b.data, &rt) == 0 && rt.kind == ROUTE_POST &&
	    rt.year == 2015 && rt.month == 10 &&
	    strcmp(rt.slug, "russian-isis-strikes") == 0);
	buf_reset(&b);
	url_post(&b, NULL, 1451606399, "last");	/* 2015-12-31 23:59:59 UTC */
	CHECK_STR(b.data, "/2015/12/last/");
	buf_reset(&b);
	url_term(&b, "category", "terrorism", 1);
	CHECK_STR(b.data, "/category/terrorism/");
	buf_reset(&b);
	url_term(&b, "tag", "free-syrian-army", 3);
	CHECK_STR(b.data, "/tag/free-syrian-army/page/3/");
	CHECK(url_parse(b.data, &rt) == 0 && rt.kind == ROUTE_TAG &&
	    rt.page == 3 && strcmp(rt.slug, "free-syrian-army") == 0);
	buf_reset(&b);
	url_author(&b, "staff-writer", 1);
	CHECK_STR(b.data, "/author/staff-writer/");
	buf_reset(&b);
	url_home(&b, 2);
	CHECK_STR(b.data, "/page/2/");
	buf_reset(&b);
	url_page(&b, "privacy");
	CHECK_STR(b.data, "/privacy/");
	buf_reset(&b);
	url_media(&b, "ab01", "jpg");
	CHECK_STR(b.data, "/media/ab01.jpg");
	buf_reset(&b);
	url_media(&b, "ab01", "webp");
	CHECK_STR(b.data, "/media/ab01.webp");
	buf_reset(&b);
}

/* Links off the site: where url_http_ok lets a reader be sent. */
static void
http_ok(void)
{
	static const char *const good[] = {
		"http://example.org", "https://example.org/",
		"HTTPS://Example.org/a?b=c#d", "Http://x",
		"https://[2001:db8::1]:8080/x", "http://user@host/",
		"https://example.org/caf\xc3\xa9", "http://a/'quote'",
	};
	static const char *const bad[] = {
		"", "http://", "https://", "http:///path", "http://?q",
		"http://#f", "http:/x", "http:x", "//example.org",
		"/relative", "example.org", "ftp://example.org/",
		"javascript:alert(1)", "mailto:a@b.org", " http://x",
		"http://x y", "http://x\ty", "http://x\n", "http://x\x7f",
		"http://x\x01", "http://x/\"", "http://x/<script>",
		"http://x/>", "httpx://x", "https:example.org",
	};
	char	 what[200];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(what, sizeof(what), "good: %s", good[i]);
		CHECK_MSG(url_http_ok(good[i]), what);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "bad: %s", bad[i]);
		CHECK_MSG(!url_http_ok(bad[i]), what);
	}
	/* A path on this site, and what a browser reads as another host. */
	CHECK(url_local("/media/a.mp3") && url_local("/"));
	CHECK(!url_local("//cdn.example/a") && !url_local("/\\cdn.example/a"));
	CHECK(!url_local("/\t/cdn.example/a") && !url_local("/a\nb"));
	CHECK(!url_local("/a\"b") && !url_local("x/a") && !url_local(""));
}

int
main(void)
{
	builders();
	http_ok();
	roundtrip("/", ROUTE_HOME);
	roundtrip("/page/2/", ROUTE_HOME);
	roundtrip("/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/",
	    ROUTE_POST);
	roundtrip("/2015/10/slug/comment-page-2/", ROUTE_POST);
	roundtrip("/2015/10/slug/thread-7/", ROUTE_POST);
	roundtrip("/2015/10/slug/thread-123456789/comment-page-4/",
	    ROUTE_POST);
	roundtrip("/category/terrorism/", ROUTE_CATEGORY);
	roundtrip("/category/terrorism/page/12/", ROUTE_CATEGORY);
	roundtrip("/tag/isis/", ROUTE_TAG);
	roundtrip("/author/staff-writer/page/2/", ROUTE_AUTHOR);
	roundtrip("/privacy/", ROUTE_PAGE);
	roundtrip("/caf%c3%a9/", ROUTE_PAGE);
	roundtrip("/1-col-page/", ROUTE_PAGE);	/* not a year */
	roundtrip("/404/", ROUTE_PAGE);
	roundtrip("/20151/", ROUTE_PAGE);
	roundtrip("/media/0123abcd.jpg", ROUTE_MEDIA);
	roundtrip("/media/0123abcd.png", ROUTE_MEDIA);
	roundtrip("/media/0123abcd.webp", ROUTE_MEDIA);
	roundtrip("/theme/style.0123456789.css", ROUTE_THEME);
	/* Feeds, date archives, sitemaps, robots.txt (issue 18). */
	roundtrip("/feed/", ROUTE_HOME);
	roundtrip("/feed/rss2/", ROUTE_HOME);
	roundtrip("/feed/atom/", ROUTE_HOME);
	roundtrip("/category/terrorism/feed/", ROUTE_CATEGORY);
	roundtrip("/tag/isis/feed/atom/", ROUTE_TAG);
	roundtrip("/author/staff-writer/feed/rss2/", ROUTE_AUTHOR);
	roundtrip("/comments/feed/", ROUTE_COMMENTS);
	roundtrip("/comments/feed/atom/", ROUTE_COMMENTS);
	roundtrip("/2015/10/slug/feed/", ROUTE_POST);
	roundtrip("/2015/10/slug/feed/atom/", ROUTE_POST);
	roundtrip("/2015/", ROUTE_DATE);
	roundtrip("/2015/page/3/", ROUTE_DATE);
	roundtrip("/2015/10/", ROUTE_DATE);
	roundtrip("/2015/10/page/2/", ROUTE_DATE);
	roundtrip("/2015/10/01/", ROUTE_DATE);
	roundtrip("/2015/10/31/page/2/", ROUTE_DATE);
	roundtrip("/2015/10/feed/atom/", ROUTE_DATE);
	roundtrip("/2015/10/32/", ROUTE_POST);	/* not a day: a slug */
	roundtrip("/2015/10/2015/", ROUTE_POST);
	roundtrip("/2015/10/15-reasons/", ROUTE_POST);
	roundtrip("/wp-sitemap.xml", ROUTE_SITEMAP);
	roundtrip("/sitemap.xml", ROUTE_SITEMAP);
	roundtrip("/wp-sitemap-posts-post-1.xml", ROUTE_SITEMAP);
	roundtrip("/wp-sitemap-posts-page-2.xml", ROUTE_SITEMAP);
	roundtrip("/wp-sitemap-taxonomies-category-1.xml", ROUTE_SITEMAP);
	roundtrip("/wp-sitemap-taxonomies-post_tag-1.xml", ROUTE_SITEMAP);
	roundtrip("/wp-sitemap-users-1.xml", ROUTE_SITEMAP);
	roundtrip("/robots.txt", ROUTE_ROBOTS);
	{
		struct route	 rt;

		CHECK(url_parse("/2015/10/07/page/2/", &rt) == 0 &&
		    rt.year == 2015 && rt.month == 10 && rt.day == 7 &&
		    rt.page == 2 && rt.feed == FEED_NONE);
		CHECK(url_parse("/tag/isis/feed/atom/", &rt) == 0 &&
		    rt.feed == FEED_ATOM && strcmp(rt.slug, "isis") == 0);
		CHECK(url_parse("/wp-sitemap-posts-post-12.xml", &rt) == 0 &&
		    rt.page == 12 && strcmp(rt.slug, "posts-post") == 0);
	}

	canonical("/2015/10/slug", "/2015/10/slug/");
	canonical("/privacy", "/privacy/");
	canonical("/2015/10/slug/comment-page-1/", "/2015/10/slug/");
	canonical("/2015/10/slug/thread-7/comment-page-1/",
	    "/2015/10/slug/thread-7/");
	canonical("/2015/10/slug/thread-7", "/2015/10/slug/thread-7/");
	canonical("/2015/10/slug/comment-page-3", "/2015/10/slug/comment-page-3/");
	canonical("/Privacy/", "/privacy/");
	canonical("/page/1/", "/");
	canonical("/tag/isis/page/1/", "/tag/isis/");
	canonical("/category/terrorism", "/category/terrorism/");
	canonical("/caf%C3%A9/", "/caf%c3%a9/");
	canonical("/feed", "/feed/");
	canonical("/feed/atom", "/feed/atom/");
	canonical("/2015", "/2015/");
	canonical("/2015/10", "/2015/10/");
	canonical("/2015/10/1/", "/2015/10/01/");
	canonical("/2015/10/01/page/1/", "/2015/10/01/");
	canonical("/comments/feed", "/comments/feed/");

	refused("");
	refused("relative/");
	refused("/2015/13/slug/");
	refused("/2015/00/slug/");
	refused("/15/10/slug/");
	refused("/2015/10/slug/extra/");
	refused("/2015/10/slug/comment-page-0/");
	refused("/2015/10/slug/comment-page-x/");
	refused("/2015/10/slug/comment-page-2/x/");
	refused("/2015/10/slug/thread-0/");
	refused("/2015/10/slug/thread-x/");
	refused("/2015/10/slug/thread-7/x/");
	refused("/2015/10/slug/thread-7/thread-8/");
	refused("/2015/10/slug/comment-page-2/thread-7/");
	refused("/2015/10//");
	refused("/page/0/");
	refused("/page/x/");
	refused("/page/99999999/");
	refused("/a b/");
	refused("/a.b/");
	refused("/wp-login.php");
	refused("/%zz/");
	refused("/%e/");
	refused("/media/../galley.db");
	refused("/media/.hidden");
	refused("/media/a/b.jpg");
	refused("/theme/");
	refused("/tag/");
	refused("/privacy/x/");
	refused("/media");		/* would redirect to the media prefix */
	refused("/category");
	refused("/page");
	refused("/feed/rdf/");
	refused("/feed/page/2/");
	refused("/page/2/feed/");
	refused("/comments/");
	refused("/comments/page/2/");
	refused("/2015/10/slug/feed/x/");
	refused("/wp-sitemap");
	refused("/wp-sitemap-posts-post-0.xml");
	refused("/wp-sitemap-posts-post-1.xmlx");
	refused("/wp-sitemap-posts-attachment-1.xml");
	refused("/robots.txt/");
	{
		char	 longslug[260];

		memset(longslug, 'a', sizeof(longslug));
		longslug[0] = '/';
		longslug[sizeof(longslug) - 2] = '/';
		longslug[sizeof(longslug) - 1] = '\0';
		refused(longslug);
	}
	return check_done();
}
