/*
 * test_appearance: the site's menu, logo, icon and footer over real
 * HTTP, against `galley serve` on a demo site (SQLite, or PostgreSQL
 * with GALLEY_DB).  Menu items added, nested, moved, un-nested and
 * removed in /admin/appearance/ show in every page's <nav> at once (the
 * page cache refreshed); a refused form comes back as typed with the
 * reason beside its field; a deleted term leaves the menu; the logo
 * shows with the site's title as its text; the icon's /favicon.ico is
 * an ICO of PNGs 16, 32 and 48 wide and its touch icon a 180 x 180 PNG;
 * the skip link comes first and the landmarks are there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery staple"
#define APPEAR	"/admin/appearance/"
#define JPEGS	"/fixtures/jpeg/valid/"

static const char	*site;
static const char	*dbpath;

static long
post_to(struct srv *s, const char *path, const char *const *f,
    const char *cookie, int multi, const char *file, struct resp *r)
{
	const char	*h[2] = { cookie, NULL };

	if (http_post(s, path, f, multi, file, h, r) != 0)
		return -1;
	return r->status;
}

static long
post(struct srv *s, const char *const *f, const char *cookie, int multi,
    const char *file, struct resp *r)
{
	return post_to(s, APPEAR, f, cookie, multi, file, r);
}

static long
post_status(struct srv *s, const char *const *f, const char *cookie)
{
	struct resp	 r;
	long		 st = post(s, f, cookie, 0, NULL, &r);

	resp_free(&r);
	return st;
}

/* Checks that the value of the attribute expr selects is want. */
static void
attr_is(htmlDocPtr doc, const char *expr, const char *want)
{
	char	*t = xp_attr(doc, expr);

	CHECK_MSG(t != NULL && strcmp(t, want) == 0, expr);
	free(t);
}

/* The page at path, parsed; NULL unless it answers 200.  Checks nothing. */
static htmlDocPtr
fetch(struct srv *s, const char *path)
{
	struct resp	 r;
	htmlDocPtr	 doc = NULL;

	if (http_get(s, path, &r) == 0 && r.status == 200)
		doc = html_parse(&r);
	resp_free(&r);
	return doc;
}

/* The page at path, parsed, fetched until the menu shows want (2 s). */
static htmlDocPtr
page(struct srv *s, const char *path, const char *want)
{
	htmlDocPtr	 doc;

	if (want != NULL)
		CHECK_MSG(http_eventually(s, path, want), want);
	CHECK((doc = fetch(s, path)) != NULL);
	return doc;
}

/* The text of the nav's links, joined by '|', sub-items in (...). */
static void
menu_text(htmlDocPtr doc, char *out, size_t len)
{
	char	 expr[200], *t;
	int	 i, k, n, kids;

	out[0] = '\0';
	n = xp_count(doc, "//nav[@aria-label='Main menu']/ul/li");
	for (i = 1; i <= n; i++) {
		snprintf(expr, sizeof(expr), "//nav[@aria-label='Main menu']"
		    "/ul/li[%d]/a", i);
		t = xp_text(doc, expr);
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
		    i > 1 ? "|" : "", t != NULL ? t : "?");
		free(t);
		snprintf(expr, sizeof(expr), "//nav[@aria-label='Main menu']"
		    "/ul/li[%d]/ul/li", i);
		kids = xp_count(doc, expr);
		for (k = 1; k <= kids; k++) {
			snprintf(expr, sizeof(expr), "//nav[@aria-label="
			    "'Main menu']/ul/li[%d]/ul/li[%d]/a", i, k);
			t = xp_text(doc, expr);
			snprintf(out + strlen(out), len - strlen(out), "%s%s%s",
			    k == 1 ? "(" : ",", t != NULL ? t : "?",
			    k == kids ? ")" : "");
			free(t);
		}
	}
}

/* doc's menu as menu_text ("" for NULL), doc freed. */
static const char *
menu_of(htmlDocPtr doc)
{
	static char	 text[1000];

	text[0] = '\0';
	if (doc != NULL) {
		menu_text(doc, text, sizeof(text));
		xmlFreeDoc(doc);
	}
	return text;
}

/* The home page's menu as menu_text, waiting for want on PostgreSQL. */
static const char *
home_menu(struct srv *s, const char *want_html)
{
	return menu_of(page(s, "/", want_html));
}

static long long
item_id(const char *where)
{
	char	 sql[300];

	snprintf(sql, sizeof(sql), "SELECT id FROM menu_items WHERE %s",
	    where);
	return db_count(dbpath, sql);
}

/* Every reader's page: the skip link first, the landmarks. */
static void
landmarks(struct srv *s)
{
	static const char *const paths[] = { "/", "/privacy/",
	    "/category/terrorism/", "/no-such-page/" };
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		CHECK(http_get(s, paths[i], &r) == 0);
		doc = html_parse(&r);
		resp_free(&r);
		t = xp_text(doc, "(//body//a | //body//input |"
		    " //body//button)[1]");
		CHECK_STR(t, "Skip to content");
		free(t);
		attr_is(doc, "(//body//a)[1]/@href", "#main");
		CHECK(xp_count(doc, "/html/body/header") == 1);
		CHECK(xp_count(doc, "/html/body/main[@id='main']") == 1);
		CHECK(xp_count(doc, "/html/body/footer") == 1);
		xmlFreeDoc(doc);
	}
}

/* Adds, nests, moves, un-nests, removes; each shown at once. */
static void
menu(struct srv *s, const char *ck)
{
	char		 tok[80], target[40], cat[24], link[24], priv[24];
	char		 term[24], expr[120];
	int		 i;
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;

	snprintf(tok, sizeof(tok), "%s", admin_csrf(s, ck));
	/* No menu yet: no nav, and the home page is in the cache now. */
	CHECK_STR(home_menu(s, NULL), "");
	snprintf(term, sizeof(term), "%lld", db_count(dbpath, "SELECT id"
	    " FROM terms WHERE slug = 'terrorism'"));
	snprintf(target, sizeof(target), "category:%s", term);
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", target, "label", "", "url", "", "parent", "0", NULL },
	    ck) == 303);
	CHECK_STR(home_menu(s, "Main menu"), "Terrorism");
	snprintf(target, sizeof(target), "page:%lld", db_count(dbpath,
	    "SELECT id FROM posts WHERE slug = 'privacy'"));
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", target, "label", "Our privacy", "url", "", "parent",
	    "0", NULL }, ck) == 303);
	CHECK_STR(home_menu(s, "Our privacy"), "Terrorism|Our privacy");
	snprintf(cat, sizeof(cat), "%lld", item_id("kind = 'category'"));
	snprintf(priv, sizeof(priv), "%lld", item_id("kind = 'page'"));
	/* A custom link under the category. */
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", "link", "label", "Elsewhere", "url",
	    "https://example.org/news/", "parent", cat, NULL }, ck) == 303);
	CHECK_STR(home_menu(s, "Elsewhere"),
	    "Terrorism(Elsewhere)|Our privacy");
	snprintf(link, sizeof(link), "%lld", item_id("kind = 'link'"));
	/* The links lead where they say; the page shown is current. */
	doc = page(s, "/privacy/", NULL);
	attr_is(doc, "//nav[@aria-label='Main menu']//a[.='Elsewhere']"
	    "/@href", "https://example.org/news/");
	attr_is(doc, "//nav[@aria-label='Main menu']//a[@aria-current="
	    "'page']/@href", "/privacy/");
	CHECK(xp_count(doc, "//a[@aria-current='page']") == 1);
	xmlFreeDoc(doc);

	/* Refused: a link that is no link; kept as typed, said beside. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", "link", "label", "Keep <me>", "url", "javascript:"
	    "alert(1)", "parent", cat, NULL }, ck, 0, NULL, &r) == 422);
	doc = html_parse(&r);
	attr_is(doc, "//input[@id='add-label']/@value", "Keep <me>");
	attr_is(doc, "//input[@id='add-url']/@value", "javascript:alert(1)");
	attr_is(doc, "//input[@id='add-url']/@aria-describedby",
	    "add-url-error");
	t = xp_text(doc, "//span[@id='add-url-error']");
	CHECK(t != NULL && strstr(t, "http://") != NULL);
	free(t);
	CHECK(xp_count(doc, "//select[@id='add-target']/option[@value="
	    "'link' and @selected]") == 1);
	CHECK(xp_count(doc, "//select[@id='add-parent']/option[@value='"
	    "0' and @selected]") == 0);
	CHECK(xp_count(doc, "//span[@id='add-label-error']") == 0);
	xmlFreeDoc(doc);
	resp_free(&r);
	/* A link labelled with spaces alone has no label: refused. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", "link", "label", "  \t ", "url", "/blank/", "parent",
	    "0", NULL }, ck, 0, NULL, &r) == 422);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//span[@id='add-label-error']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	/* Nested under a sub-item: refused, beside the field, tied to it. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", "link", "label", "Deep", "url", "/deep/", "parent",
	    link, NULL }, ck, 0, NULL, &r) == 422 && r.body.data != NULL &&
	    strstr(r.body.data, "id=\"add-parent-error\"") != NULL);
	doc = html_parse(&r);
	attr_is(doc, "//select[@id='add-parent']/@aria-describedby",
	    "add-parent-error");
	attr_is(doc, "//select[@id='add-parent']/@aria-invalid", "true");
	xmlFreeDoc(doc);
	resp_free(&r);
	/* An item under itself: refused beside its own row's select. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save", "id",
	    link, "label", "Elsewhere", "url", "https://example.org/news/",
	    "parent", link, NULL }, ck, 0, NULL, &r) == 422);
	doc = html_parse(&r);
	snprintf(expr, sizeof(expr), "//select[@id='mp-%s']", link);
	CHECK(xp_count(doc, expr) == 1);
	snprintf(expr, sizeof(expr), "//select[@id='mp-%s' and"
	    " @aria-invalid='true']/@aria-describedby", link);
	t = xp_attr(doc, expr);
	snprintf(expr, sizeof(expr), "mpe-%s", link);
	CHECK_STR(t != NULL ? t : "", expr);
	free(t);
	xmlFreeDoc(doc);
	resp_free(&r);
	/* A sub-item cannot take an item with sub-items under it. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save", "id",
	    cat, "label", "", "parent", priv, NULL }, ck, 0, NULL, &r) ==
	    422 && r.body.data != NULL && strstr(r.body.data,
	    "id=\"mpe-") != NULL);
	resp_free(&r);
	/* No CSRF token: refused, nothing added. */
	CHECK(post_status(s, (const char *[]){ "action", "add", "target",
	    "link", "label", "Forged", "url", "/x/", "parent", "0", NULL },
	    ck) == 403);
	CHECK(db_count(dbpath, "SELECT count(*) FROM menu_items") == 3);

	/* Down, then the link out from under the category. */
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "down",
	    "id", cat, NULL }, ck) == 303);
	CHECK_STR(home_menu(s, "Our privacy</a></li>\n<li><a href=\""
	    "/category/terrorism/\""), "Our privacy|Terrorism(Elsewhere)");
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "save",
	    "id", link, "label", "Away", "url", "https://example.org/news/",
	    "parent", "0", NULL }, ck) == 303);
	CHECK_STR(home_menu(s, ">Away</a>"), "Our privacy|Terrorism|Away");
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "up",
	    "id", link, NULL }, ck) == 303);
	CHECK_STR(home_menu(s, ">Away</a></li>\n<li><a href=\"/category"),
	    "Our privacy|Away|Terrorism");

	/* A term deleted in the admin leaves the menu with it. */
	CHECK(post_to(s, "/admin/terms/", (const char *[]){ "csrf", tok,
	    "action", "delete", "id", term, NULL },
	    ck, 0, NULL, &r) == 303);
	resp_free(&r);
	CHECK(db_count(dbpath, "SELECT count(*) FROM menu_items") == 2);
	CHECK(http_eventually(s, "/", ">Away</a></li>\n</ul>"));
	CHECK_STR(home_menu(s, NULL), "Our privacy|Away");
	/* Removed in the admin. */
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action",
	    "delete", "id", link, NULL }, ck) == 303);
	CHECK(http_eventually(s, "/", "Our privacy</a></li>\n</ul>"));
	CHECK_STR(home_menu(s, NULL), "Our privacy");
	/* The admin's page lists what is left, and offers the rest. */
	CHECK(http_get_as(s, APPEAR, ck, &r) == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//table[contains(@class,'admin-menu')]/tbody/tr")
	    == 1);
	CHECK(xp_count(doc, "//select[@id='add-target']//option[@value="
	    "'page:2']") == 1);
	CHECK(xp_count(doc, "//nav[@aria-label='Administration']//a[@href="
	    "'/admin/appearance/' and @aria-current='page']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	/* A page no longer published leaves the menu, and comes back. */
	CHECK(db_exec(dbpath, "UPDATE posts SET status = 'draft' WHERE"
	    " slug = 'privacy'") == 0);
	/*
	 * PostgreSQL's nodes learn of the write moments after it.  The tries
	 * count no checks (their number varies): the menu is checked below.
	 */
	for (i = 0; i < 20 && strcmp(menu_of(fetch(s, "/")), "") != 0; i++)
		usleep(100000);
	CHECK_STR(home_menu(s, NULL), "");
	CHECK(db_exec(dbpath, "UPDATE posts SET status = 'publish' WHERE"
	    " slug = 'privacy'") == 0);
	CHECK_STR(home_menu(s, "Our privacy"), "Our privacy");
}

/* Adds a custom link labelled label to /label/ under parent. */
static void
link_add(struct srv *s, const char *tok, const char *ck, const char *label,
    const char *parent)
{
	char	 url[40];

	snprintf(url, sizeof(url), "/%s/", label);
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", "link", "label", label, "url", url, "parent", parent,
	    NULL }, ck) == 303);
}

/*
 * A top-level item removed: its sub-items move up to the top level in
 * their order, after the items that were there, not among them.
 */
static void
menu_delete_parent(struct srv *s, const char *ck)
{
	char	 tok[80], a[24];

	snprintf(tok, sizeof(tok), "%s", admin_csrf(s, ck));
	link_add(s, tok, ck, "A", "0");
	snprintf(a, sizeof(a), "%lld", item_id("label = 'A'"));
	link_add(s, tok, ck, "B", "0");
	link_add(s, tok, ck, "C", "0");
	link_add(s, tok, ck, "X", a);
	link_add(s, tok, ck, "Y", a);
	CHECK_STR(home_menu(s, ">Y</a>"), "Our privacy|A(X,Y)|B|C");
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action",
	    "delete", "id", a, NULL }, ck) == 303);
	/* Y last at the top: "/B/" alone is on the page before too. */
	CHECK_STR(home_menu(s, ">Y</a></li>\n</ul>\n</nav>"),
	    "Our privacy|B|C|X|Y");
	/* And they move as any top-level item does. */
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "up",
	    "id", a, NULL }, ck) == 404);
	snprintf(a, sizeof(a), "%lld", item_id("label = 'X'"));
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "up",
	    "id", a, NULL }, ck) == 303);
	CHECK_STR(home_menu(s, ">X</a></li>\n<li><a href=\"/C/\""),
	    "Our privacy|B|X|C|Y");
}

/* Adds category name (slug the same) in the admin; its id. */
static long long
category_add(struct srv *s, const char *tok, const char *ck, const char *name)
{
	struct resp	 r;
	char		 sql[200];

	CHECK(post_to(s, "/admin/terms/", (const char *[]){ "csrf", tok,
	    "action", "add", "taxonomy", "category", "name", name, "slug",
	    name, "parent", "0", NULL }, ck, 0, NULL, &r) == 303);
	resp_free(&r);
	snprintf(sql, sizeof(sql), "SELECT id FROM terms WHERE slug = '%s'",
	    name);
	return db_count(dbpath, sql);
}

/*
 * A category merged into another: its menu item leads to the one it
 * was merged into, as its posts do, and is not lost.
 */
static void
menu_merge(struct srv *s, const char *ck)
{
	char		 tok[80], from[24], into[24], target[40];
	struct resp	 r;

	snprintf(tok, sizeof(tok), "%s", admin_csrf(s, ck));
	snprintf(from, sizeof(from), "%lld", category_add(s, tok, ck, "old"));
	snprintf(into, sizeof(into), "%lld", category_add(s, tok, ck, "new"));
	snprintf(target, sizeof(target), "category:%s", from);
	CHECK(post_status(s, (const char *[]){ "csrf", tok, "action", "add",
	    "target", target, "label", "", "url", "", "parent", "0", NULL },
	    ck) == 303);
	CHECK_STR(home_menu(s, ">old</a>"), "Our privacy|B|X|C|Y|old");
	CHECK(post_to(s, "/admin/terms/", (const char *[]){ "csrf", tok,
	    "action", "merge", "id", from, "into", into, NULL }, ck, 0, NULL,
	    &r) == 303);
	resp_free(&r);
	CHECK_STR(home_menu(s, ">new</a>"), "Our privacy|B|X|C|Y|new");
	CHECK(db_count(dbpath, "SELECT count(*) FROM menu_items WHERE"
	    " kind = 'category'") == 1);
	/*
	 * The term deleted: its item goes, and its sub-items move up to
	 * the end of the top level, as when the item is removed.
	 */
	snprintf(target, sizeof(target), "%lld", item_id("kind ="
	    " 'category'"));
	link_add(s, tok, ck, "Z", target);
	CHECK_STR(home_menu(s, ">Z</a>"), "Our privacy|B|X|C|Y|new(Z)");
	CHECK(post_to(s, "/admin/terms/", (const char *[]){ "csrf", tok,
	    "action", "delete", "id", into, NULL }, ck, 0, NULL, &r) == 303);
	resp_free(&r);
	/*
	 * The wait's needle ends with the nav: ">Z</a></li></ul>" alone
	 * also matches Z still nested under "new" (the sub-list's end),
	 * which a PostgreSQL node can serve until it hears of the delete.
	 */
	CHECK_STR(home_menu(s, ">Z</a></li>\n</ul>\n</nav>"),
	    "Our privacy|B|X|C|Y|Z");
}

/* A 32-bit little-endian number at p. */
static unsigned long
le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned long)p[3] << 24;
}

/* 1 if p[0..len) is a PNG of w x h (its IHDR). */
static int
png_is(const unsigned char *p, size_t len, unsigned long w, unsigned long h)
{
	return len > 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	    memcmp(p + 12, "IHDR", 4) == 0 &&
	    (unsigned long)(p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19]) ==
	    w && (unsigned long)(p[20] << 24 | p[21] << 16 | p[22] << 8 |
	    p[23]) == h;
}

/*
 * Checks an ICO the way a reader of the format does: ICONDIR (0, type
 * 1, count), one 16-byte entry per image, each a PNG of its entry's
 * size at its entry's offset, within the file.
 */
static void
ico_check(const struct resp *r)
{
	const unsigned char	*p = (const unsigned char *)r->body.data;
	size_t			 len = r->body.len, i, off, n;
	static const int	 sides[] = { 16, 32, 48 };

	if (!CHECK(p != NULL && len > 6 + 3 * 16))
		return;
	CHECK(p[0] == 0 && p[1] == 0 && p[2] == 1 && p[3] == 0);
	CHECK(p[4] == 3 && p[5] == 0);
	for (i = 0; i < 3; i++) {
		const unsigned char *e = p + 6 + 16 * i;

		CHECK(e[0] == sides[i] && e[1] == sides[i]);
		n = le32(e + 8);
		off = le32(e + 12);
		if (!CHECK(off + n <= len))
			continue;
		CHECK(png_is(p + off, n, sides[i], sides[i]));
	}
}

/* The logo, the icon and its files; refusals beside their fields. */
static void
pictures(struct srv *s, const char *ck)
{
	char		 tok[80], path[600], *t;
	const char	*shared = getenv("SHARED");
	struct resp	 r;
	htmlDocPtr	 doc;
	int		 i, n;

	snprintf(tok, sizeof(tok), "%s", admin_csrf(s, ck));
	CHECK(http_get(s, "/favicon.ico", &r) == 0 && r.status == 404);
	resp_free(&r);
	CHECK(http_get(s, "/apple-touch-icon.png", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	/*
	 * The logo: in the header, the site's title its text, shown from
	 * its 640 px copy, not its 800 px display copy.
	 */
	snprintf(path, sizeof(path), "%s" JPEGS "blank_800x280.jpg", shared);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "logo", NULL },
	    ck, 1, path, &r) == 303);
	resp_free(&r);
	doc = page(s, "/", "class=\"site-logo\"");
	attr_is(doc, "//header//img[@class='site-logo']/@alt", "Galley News");
	attr_is(doc, "//header//img[@class='site-logo']/@width", "640");
	attr_is(doc, "//header//img[@class='site-logo']/@height", "224");
	t = xp_attr(doc, "//header//img[@class='site-logo']/@src");
	CHECK(t != NULL && strncmp(t, "/media/", 7) == 0);
	if (t != NULL) {
		CHECK(http_get(s, t, &r) == 0 && r.status == 200);
		resp_free(&r);
	}
	free(t);
	CHECK(xp_count(doc, "//link[@rel='icon']") == 0);
	xmlFreeDoc(doc);
	CHECK(db_count(dbpath, "SELECT count(*) FROM media m JOIN"
	    " site_images s ON s.media_id = m.id WHERE s.role = 'logo'") == 1);

	/* Too small an icon: refused beside its field, nothing stored. */
	snprintf(path, sizeof(path), "%s" JPEGS "moz-jpg-size-31x31.jpg",
	    shared);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "icon", NULL },
	    ck, 1, path, &r) == 422);
	doc = html_parse(&r);
	t = xp_text(doc, "//span[@id='icon-error']");
	CHECK(t != NULL && strstr(t, "180 by 180") != NULL);
	free(t);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(db_count(dbpath, "SELECT count(*) FROM site_images WHERE"
	    " role = 'icon'") == 0);
	/* An icon: an ICO of PNGs and a 180 x 180 touch icon. */
	snprintf(path, sizeof(path), "%s" JPEGS "blank_800x280.jpg", shared);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "icon", NULL },
	    ck, 1, path, &r) == 303);
	resp_free(&r);
	CHECK(http_eventually(s, "/favicon.ico", ""));
	CHECK(http_get(s, "/favicon.ico", &r) == 0 && r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Type"), "image/x-icon");
	CHECK(resp_header(&r, "ETag") != NULL);
	CHECK_STR(resp_header(&r, "Cache-Control"),
	    "public, max-age=0, must-revalidate");
	ico_check(&r);
	resp_free(&r);
	CHECK(http_get(s, "/apple-touch-icon.png", &r) == 0 &&
	    r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Type"), "image/png");
	CHECK(png_is((const unsigned char *)r.body.data, r.body.len, 180,
	    180));
	resp_free(&r);
	doc = page(s, "/privacy/", "rel=\"apple-touch-icon\"");
	attr_is(doc, "//head/link[@rel='icon']/@href", "/favicon.ico");
	attr_is(doc, "//head/link[@rel='apple-touch-icon']/@href",
	    "/apple-touch-icon.png");
	xmlFreeDoc(doc);
	/* Removed: said so, 404 again, and no link in the head. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "icon_clear",
	    NULL }, ck, 0, NULL, &r) == 303);
	snprintf(path, sizeof(path), "%s", resp_header(&r, "Location") !=
	    NULL ? resp_header(&r, "Location") : APPEAR);
	resp_free(&r);
	CHECK(http_get_as(s, path, ck, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "The site icon was removed.") != NULL);
	resp_free(&r);
	CHECK(db_count(dbpath, "SELECT count(*) FROM site_images WHERE"
	    " role = 'icon'") == 0);
	/* PostgreSQL's nodes learn of the write moments after it. */
	for (i = 0, n = -1; i < 20 && n != 0; i++) {
		if (i > 0)
			usleep(100000);
		if ((doc = fetch(s, "/privacy/")) == NULL)
			break;
		n = xp_count(doc, "//head/link[@rel='icon' or"
		    " @rel='apple-touch-icon']");
		xmlFreeDoc(doc);
	}
	CHECK(n == 0);
	CHECK(http_get(s, "/favicon.ico", &r) == 0 && r.status == 404);
	resp_free(&r);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "logo_clear",
	    NULL }, ck, 0, NULL, &r) == 303);
	snprintf(path, sizeof(path), "%s", resp_header(&r, "Location") !=
	    NULL ? resp_header(&r, "Location") : APPEAR);
	resp_free(&r);
	CHECK(http_get_as(s, path, ck, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "The logo was removed.") != NULL);
	resp_free(&r);
	CHECK(db_count(dbpath, "SELECT count(*) FROM site_images") == 0);
}

/* footer_text, escaped, at the foot of every page. */
static void
footer(struct srv *s)
{
	htmlDocPtr	 doc;
	char		*t;

	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "footer_text", "Ink & <b>paper</b>", NULL }, NULL) == 0);
	doc = page(s, "/", "Ink &amp; &lt;b&gt;paper&lt;/b&gt;");
	t = xp_text(doc, "//footer/p[@class='footer-text']");
	CHECK_STR(t, "Ink & <b>paper</b>");
	free(t);
	CHECK(xp_count(doc, "//footer//b") == 0);
	xmlFreeDoc(doc);
}

int
main(void)
{
	char		*dir = tmp_path("appearance");
	const char	*db = getenv("GALLEY_DB");
	struct srv	 s;
	char		*ck;
	long		 st;

	site = dir;
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	dbpath = site_db(dir);
	CHECK(user_add(dir, "admin@example.org", "Ada Admin", "admin",
	    PW) == 0);
	CHECK(user_add(dir, "editor@example.org", "Ed Editor", "editor",
	    PW) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	ck = admin_login(&s, "admin@example.org", PW, &st);
	if (CHECK(ck != NULL)) {
		char	*ed = admin_login(&s, "editor@example.org", PW, &st);
		struct resp r;

		/* Admins only. */
		CHECK(http_get_as(&s, APPEAR, ed, &r) == 403);
		resp_free(&r);
		free(ed);
		landmarks(&s);
		menu(&s, ck);
		menu_delete_parent(&s, ck);
		menu_merge(&s, ck);
		pictures(&s, ck);
		footer(&s);
		landmarks(&s);
	}
	free(ck);
	CHECK(srv_stop(&s) == 0);
	free(dir);
	return check_done();
}
