/*
 * test_settings_page: the admin's settings page over real HTTP, sent as
 * a browser sends it (tests/http.h's form_read: unchecked boxes send
 * nothing).  Human labels and help, a fieldset per group, a control per
 * type; an unchecked box saves false; one bad value is marked beside
 * its own field only, every other value comes back as typed, nothing is
 * saved, and the page sent back saves once the value is mended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"

static const char	*site;

/* The stored value of key, by `galley config DIR get` (static). */
static const char *
config(const char *key)
{
	static char	 v[300];
	struct buf	 out;

	buf_init(&out);
	v[0] = '\0';
	if (run_galley((const char *[]){ "config", site, "get", key, NULL },
	    &out) == 0 && out.data != NULL)
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(out.data, "\n"),
		    out.data);
	buf_reset(&out);
	return v;
}

static htmlDocPtr
page(struct srv *s, const char *admin, long want)
{
	struct resp	 r;
	htmlDocPtr	 doc;

	CHECK(http_get_as(s, "/admin/settings/", admin, &r) == want);
	doc = html_parse(&r);
	resp_free(&r);
	return doc;
}

/* Labels, groups and controls of the page as first shown. */
static void
shape(htmlDocPtr doc)
{
	static const char *const groups[] = { "General", "Reading",
	    "Discussion", "Ratings", "Spam", "Privacy", "Mail",
	    "Language & time", "Appearance" };
	char	 q[200];
	size_t	 i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		snprintf(q, sizeof(q), "//form//fieldset[@class='setting-group']"
		    "/legend[.='%s']", groups[i]);
		CHECK_MSG(xp_count(doc, q) == 1, groups[i]);
	}
	/* No raw key for a label; help tied to its field. */
	CHECK(xp_count(doc, "//label[normalize-space(.)='discard_blatant']")
	    == 0);
	CHECK(xp_count(doc, "//label[@for='s-discard_blatant'][.='Drop"
	    " blatant spam silently']") == 1);
	CHECK(xp_count(doc, "//input[@id='s-discard_blatant'][@type="
	    "'checkbox'][@aria-describedby='h-discard_blatant']") == 1);
	CHECK(xp_count(doc, "//fieldset[legend='Spam']//input[@name="
	    "'discard_blatant']") == 1);
	CHECK(xp_count(doc, "//input[@name='comment_moderate_first']"
	    "[@checked]") == 1);
	CHECK(xp_count(doc, "//select[@name='vote_identity']/option") == 3);
	CHECK(xp_count(doc, "//select[@name='vote_identity']/option"
	    "[@selected][@value='both']") == 1);
	CHECK(xp_count(doc, "//select[@name='log_client']/option") == 2);
	CHECK(xp_count(doc, "//fieldset[legend='Privacy']//select[@name="
	    "'log_client']") == 1);
	CHECK(xp_count(doc, "//select[@name='language']/option") == 2);
	CHECK(xp_count(doc, "//input[@name='comment_image_formats']"
	    "[@type='checkbox']") == 4);
	CHECK(xp_count(doc, "//input[@name='comment_image_formats']"
	    "[@checked]") == 1);
	CHECK(xp_count(doc, "//input[@name='posts_per_page'][@type="
	    "'number'][@min='1'][@max='100']") == 1);
	CHECK(xp_count(doc, "//textarea[@name='moderation_words']") == 1);
	CHECK(xp_count(doc, "//fieldset[legend='Appearance']//input[@name="
	    "'footer_text']") == 1);
	CHECK(xp_count(doc, "//*[@aria-invalid]") == 0);
	CHECK(xp_count(doc, "//*[@class='field-error']") == 0);
}

static void
refused(struct srv *s, const char *admin, struct form_sent *f)
{
	struct resp	 r;
	htmlDocPtr	 doc;

	/* A box unchecked, a choice made, a box added, a bad number. */
	form_drop(f, "comment_moderate_first", NULL);
	form_put(f, "vote_identity", "cookie");
	form_append(f, "comment_image_formats", "png");
	form_put(f, "site_title", "Typed & kept");
	form_put(f, "posts_per_page", "0");
	CHECK(http_post(s, "/admin/settings/", (const char *const *)f->v, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 422);
	doc = html_parse(&r);
	resp_free(&r);
	/* The error beside the one field, and only there. */
	CHECK(xp_count(doc, "//*[@class='field-error']") == 1);
	CHECK(xp_count(doc, "//div[@class='setting'][.//input[@name="
	    "'posts_per_page']]/span[@id='e-posts_per_page'][contains(.,"
	    " 'from 1 to 100')]") == 1);
	CHECK(xp_count(doc, "//*[@aria-invalid='true']") == 1);
	CHECK(xp_count(doc, "//input[@name='posts_per_page'][@aria-invalid="
	    "'true'][@aria-describedby='h-posts_per_page e-posts_per_page']"
	    "[@value='0']") == 1);
	/* Everything else as typed. */
	CHECK(xp_count(doc, "//input[@name='site_title'][@value='Typed &"
	    " kept']") == 1);
	CHECK(xp_count(doc, "//input[@name='comment_moderate_first']"
	    "[@checked]") == 0);
	CHECK(xp_count(doc, "//select[@name='vote_identity']/option"
	    "[@selected]/@value") == 1);
	CHECK(xp_count(doc, "//select[@name='vote_identity']/option"
	    "[@selected][@value='cookie']") == 1);
	CHECK(xp_count(doc, "//input[@name='comment_image_formats']"
	    "[@checked]") == 2);
	/* Nothing saved. */
	CHECK(strcmp(config("site_title"), "Galley News") == 0);
	CHECK(strcmp(config("comment_moderate_first"), "true") == 0);
	CHECK(strcmp(config("vote_identity"), "both") == 0);
	/* The page sent back, mended, saves every value it holds. */
	form_done(f);
	form_read(doc, "//form[@class='admin-settings']", f);
	xmlFreeDoc(doc);
	form_put(f, "posts_per_page", "7");
	CHECK(http_post(s, "/admin/settings/", (const char *const *)f->v, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK(strcmp(config("site_title"), "Typed & kept") == 0);
	CHECK(strcmp(config("posts_per_page"), "7") == 0);
	CHECK(strcmp(config("comment_moderate_first"), "false") == 0);
	CHECK(strcmp(config("vote_identity"), "cookie") == 0);
	CHECK(strcmp(config("comment_image_formats"), "jpeg png") == 0);
	CHECK(strcmp(config("discard_blatant"), "false") == 0);
}

/* Checking a box saves true; no format at all is refused beside it. */
static void
boxes(struct srv *s, const char *admin)
{
	struct form_sent	 f;
	struct resp		 r;
	htmlDocPtr		 doc = page(s, admin, 200);

	CHECK(xp_count(doc, "//input[@name='comment_moderate_first']"
	    "[@checked]") == 0);
	form_read(doc, "//form[@class='admin-settings']", &f);
	xmlFreeDoc(doc);
	form_append(&f, "comment_moderate_first", "true");
	form_drop(&f, "comment_image_formats", NULL);
	CHECK(http_post(s, "/admin/settings/", (const char *const *)f.v, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 422);
	doc = html_parse(&r);
	resp_free(&r);
	CHECK(xp_count(doc, "//span[@id='e-comment_image_formats']") == 1);
	CHECK(xp_count(doc, "//*[@class='field-error']") == 1);
	CHECK(xp_count(doc, "//input[@name='comment_moderate_first']"
	    "[@checked]") == 1);
	xmlFreeDoc(doc);
	form_append(&f, "comment_image_formats", "webp");
	CHECK(http_post(s, "/admin/settings/", (const char *const *)f.v, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK(strcmp(config("comment_moderate_first"), "true") == 0);
	CHECK(strcmp(config("comment_image_formats"), "webp") == 0);
	form_done(&f);
}

int
main(void)
{
	char			*dir = tmp_path("settings-page");
	const char		*db = getenv("GALLEY_DB");
	struct form_sent	 f;
	struct srv		 s;
	htmlDocPtr		 doc;
	char			*admin;
	long			 st;

	site = dir;
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	CHECK(user_add(dir, "admin@example.org", "Ada Admin", "admin",
	    PW) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	admin = admin_login(&s, "admin@example.org", PW, &st);
	if (CHECK(admin != NULL)) {
		doc = page(&s, admin, 200);
		shape(doc);
		form_read(doc, "//form[@class='admin-settings']", &f);
		xmlFreeDoc(doc);
		refused(&s, admin, &f);
		form_done(&f);
		boxes(&s, admin);
	}
	free(admin);
	CHECK(srv_stop(&s) == 0);
	free(dir);
	return check_done();
}
