/*
 * test_picture: a rendered body's pictures of our media made responsive:
 * found by hash or by wp-image-N, their own attributes kept, ours added
 * (the first eager, the rest lazy; an author's width and height kept),
 * pictures of others, comments and scripts left alone; the srcset with
 * and without WebP twins, and the file a slot picks.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "picture.h"
#include "store.h"

#define H(c)	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define A	H("a")		/* item 7: 320 jpg + webp, 800 jpg */
#define B	H("b")
#define C	H("c")
#define D	H("d")		/* item 9: WebP alone, 500 */

static struct media_size rows[] = {
	{ 7, 320, 200, A, "image/jpeg", 0 },
	{ 7, 320, 200, B, "image/webp", 0 },
	{ 7, 800, 500, C, "image/jpeg", 0 },
	{ 9, 500, 250, D, "image/webp", 0 },
};

static void
rewrite(const struct picture *it, size_t n, const char *in,
    const char *want)
{
	struct buf	 b;
	int		 eager = 1;

	buf_init(&b);
	picture_rewrite(&b, in, strlen(in), it, n, &eager,
	    "https://news.example/", LANG_EN);
	CHECK_STR(b.data != NULL ? b.data : "", want);
	buf_reset(&b);
}

int
main(void)
{
	struct arena		 a;
	struct picture	*it;
	struct picture_refs	 refs = { 0 };
	struct buf		 b;
	size_t			 n;
	int			 n_eager = 1;
	const char		*body = "<p><img src=\"/media/" C ".jpg\" alt=\"x\""
	    " loading=\"eager\"></p><!-- <img src=\"/media/" A ".jpg\"> -->"
	    "<script>'<img src=\"/media/" A ".jpg\">'</script>"
	    "<img src=\"https://elsewhere.example/a.jpg\">"
	    "<img class=\"size-full wp-image-9\" src=\"/media/" H("e") ".webp\""
	    " width=\"50\" height=\"25\">";

	arena_init(&a);
	picture_items(&a, rows, 4, &it, &n);
	CHECK(n == 2 && it[0].nfiles == 3 && it[0].display == &rows[2] &&
	    it[1].display == &rows[3]);
	CHECK(picture_find(it, n, 0, B) == &it[0]);
	CHECK(picture_find(it, n, 9, NULL) == &it[1]);
	CHECK(picture_pick(&it[0], 320) == &rows[0]);
	CHECK(picture_pick(&it[0], 321) == &rows[2]);
	CHECK(picture_pick(&it[1], 320) == &rows[3]);
	buf_init(&b);
	CHECK(picture_srcset(&b, &it[0], 1) == 1);
	CHECK_STR(b.data, "/media/" B ".webp 320w, /media/" C ".jpg 800w");
	b.len = 0;
	CHECK(picture_srcset(&b, &it[0], 0) == 0);
	CHECK_STR(b.data, "/media/" A ".jpg 320w, /media/" C ".jpg 800w");
	buf_reset(&b);
	picture_refs(&a, body, strlen(body), &refs);
	CHECK(refs.nhash == 2 && strcmp(refs.hash[0], C) == 0 &&
	    strcmp(refs.hash[1], H("e")) == 0 && refs.nid == 1 &&
	    refs.id[0] == 9);
	rewrite(it, n, body, "<p><picture><source type=\"image/webp\" srcset=\""
	    "/media/" B ".webp 320w, /media/" C ".jpg 800w\" sizes=\"(max-width:"
	    " 704px) calc(100vw - 2rem), 672px\"><img src=\"/media/" C ".jpg\""
	    " alt=\"x\" srcset=\"/media/" A ".jpg 320w, /media/" C ".jpg 800w\""
	    " sizes=\"(max-width: 704px) calc(100vw - 2rem), 672px\" width="
	    "\"800\" height=\"500\" fetchpriority=\"high\" decoding=\"async\">"
	    "</picture></p><!-- <img src=\"/media/" A ".jpg\"> -->"
	    "<script>'<img src=\"/media/" A ".jpg\">'</script>"
	    "<a class=\"offsite-picture\" href=\"https://elsewhere.example/"
	    "a.jpg\" rel=\"nofollow noopener noreferrer\">Picture from"
	    " elsewhere.example</a>"
	    "<picture><img class=\"size-full wp-image-9\" src=\"/media/" H("e")
	    ".webp\" width=\"50\" height=\"25\" srcset=\"/media/" D ".webp"
	    " 500w\" sizes=\"(max-width: 532px) calc(100vw - 2rem), 500px\""
	    " loading=\"lazy\" decoding=\"async\"></picture>");
	/* Nothing known: the body as it was, but for the other site's. */
	buf_init(&b);
	picture_rewrite(&b, body, strlen(body), it, 0, &n_eager, NULL,
	    LANG_EN);
	CHECK(strstr(b.data, "elsewhere.example/a.jpg\">") == NULL &&
	    strstr(b.data, "<img src=\"/media/" C ".jpg\" alt=\"x\""
	    " loading=\"eager\">") != NULL);
	buf_reset(&b);
	/*
	 * Other sites' pictures: a link, or text inside the body's own
	 * link; alt text and URL unescaped once and escaped again; this
	 * site's own absolute URLs, relative ones and data: left alone.
	 */
	rewrite(it, 0, "<a href=\"/big\"><img src=\"//cdn.example/x.png\""
	    " alt=\"A &amp; B &lt;i&gt; &#39;q&#39;\"></a>"
	    "<IMG SRC='HTTP://Cdn.Example/p?a=1&amp;b=2' alt=\"\">"
	    "<img src=\"https://NEWS.example/media/x.jpg\">"
	    "<img src=\"/wp-content/uploads/y.jpg\"><img src=\"data:x\">",
	    "<a href=\"/big\"><span class=\"offsite-picture\">Picture from"
	    " cdn.example: A &amp; B &lt;i&gt; &#39;q&#39;</span></a>"
	    "<a class=\"offsite-picture\" href=\"HTTP://Cdn.Example/p?a=1&amp;"
	    "b=2\" rel=\"nofollow noopener noreferrer\">Picture from"
	    " Cdn.Example</a>"
	    "<img src=\"https://NEWS.example/media/x.jpg\">"
	    "<img src=\"/wp-content/uploads/y.jpg\"><img src=\"data:x\">");
	rewrite(it, 0, "<img src=\"//cdn.example/c.jpg\" alt=\"&#8217;caf&#xE9;"
	    " &#55296; &eacute;\">", "<a class=\"offsite-picture\" href=\"//cdn."
	    "example/c.jpg\" rel=\"nofollow noopener noreferrer\">Picture from"
	    " cdn.example: \xe2\x80\x99" "caf\xc3\xa9 &amp;#55296;"
	    " &amp;eacute;</a>");
	rewrite(it, 0, "<img src=\"javascript:alert(1)\">"
	    "<img src=\"https://evil.example/&quot;onerror=&quot;x\">",
	    "<img src=\"javascript:alert(1)\">"
	    "<a class=\"offsite-picture\" href=\"https://evil.example/&quot;"
	    "onerror=&quot;x\" rel=\"nofollow noopener noreferrer\">Picture"
	    " from evil.example</a>");
	arena_free(&a);
	return check_done();
}
