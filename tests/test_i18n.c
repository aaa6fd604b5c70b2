/*
 * test_i18n: the site in Russian.  First the check over the catalogue:
 * scripts/pot.py finds every msgid the templates and C use, po/galley.pot
 * must be what it writes, and po/ru.po must translate each one (every
 * plural form, the same printf conversions, a template that compiles).
 * Then the theme's translated sections on Russian's plural rule, and
 * then every reader page over real HTTP with language=ru (home, an
 * article with its comments and form, a refused form with its errors,
 * category, tag, author and date archives, search with and without
 * hits, 404, the privacy page, a mail link's page): each has lang="ru"
 * and no msgid of the catalogue left in its visible text; the same page
 * in English first, so the cache is seen to follow the setting.  Then
 * the admin's settings, users, appearance, privacy and tools screens,
 * the login and password pages and refusals (admin_pages(), before any
 * admin exists), with their notices and refused forms; then the admin
 * signed in (admin()): the rest of its screens, refused forms and the
 * queue script's answers.  Last, a reader's mail rendered (mail_render)
 * in Russian.
 */
#include <sys/stat.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "env.h"
#include "http.h"
#include "i18n.h"
#include "mail.h"
#include "mustache.h"
#include "picture.h"
#include "po.h"
#include "setting.h"
#include "site.h"
#include "spam.h"
#include "store.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static const char	*site;
static json_t		*msgids;	/* scripts/pot.py --json */

/* Runs scripts/pot.py with arg; its output in out, its status returned. */
static int
pot(const char *arg, struct buf *out)
{
	char	 cmd[1024], chunk[4096];
	FILE	*f;
	size_t	 n;
	const char *top = getenv("TOP") ? getenv("TOP") : ".";

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/scripts/pot.py %s",
	    top, arg);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (out != NULL)
			buf_write(chunk, n, out);
	return pclose(f);
}

/*
 * The printf conversions of s, in order, each whole: flags, width,
 * precision, an argument's place and length as written ("%s%.2f%lld").
 */
static void
conversions(const char *s, char *out, size_t size)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		do {
			if (n + 1 < size)
				out[n++] = *s;
			s++;
		} while (*s != '\0' && strchr("-+ #0123456789.*$lzhjt", *s) !=
		    NULL);
		if (*s == '\0')
			break;
		if (n + 1 < size)
			out[n++] = *s;
	}
	out[n] = '\0';
}

static void
one_form(const char *msgid, const char *tr, int cfmt)
{
	char			 a[64], b[64], err[200];
	struct mustache		*m;

	if (!CHECK_MSG(tr != NULL, msgid)) {
		fprintf(stderr, "  not in po/ru.po: [%s]\n", msgid);
		return;
	}
	if (cfmt) {
		conversions(msgid, a, sizeof(a));
		conversions(tr, b, sizeof(b));
		if (!CHECK_MSG(strcmp(a, b) == 0, msgid))
			fprintf(stderr, "  conversions %s in ru, %s in en\n",
			    b, a);
	}
	m = mustache_compile(tr, strlen(tr), err, sizeof(err));
	if (!CHECK_MSG(m != NULL, tr))
		fprintf(stderr, "  %s\n", err);
	mustache_free(m);
}

static void
catalogue(void)
{
	const struct po	*ru = i18n_po(LANG_RU);
	struct buf	 out;
	json_t		*e;
	size_t		 i;
	int		 k;
	const char	*ctx, *id;

	CHECK_MSG(pot("--check", NULL) == 0, "po/galley.pot is up to date");
	buf_init(&out);
	CHECK(pot("--json", &out) == 0);
	msgids = json_loadb(out.data ? out.data : "", out.len, 0, NULL);
	buf_reset(&out);
	if (!CHECK(ru != NULL) || !CHECK(json_array_size(msgids) > 150))
		return;
	CHECK(po_nplurals(ru) == 3);
	json_array_foreach(msgids, i, e) {
		ctx = json_string_value(json_object_get(e, "ctx"));
		id = json_string_value(json_object_get(e, "msgid"));
		if (!json_is_string(json_object_get(e, "plural"))) {
			one_form(id, po_get(ru, ctx, id),
			    json_is_true(json_object_get(e, "c_format")));
			continue;
		}
		for (k = 0; k < po_nplurals(ru); k++)
			one_form(id, po_form(ru, ctx, id, k),
			    json_is_true(json_object_get(e, "c_format")));
	}
}

/* The theme's plural sections on Russian's three forms. */
static void
plurals(void)
{
	static const char	 src[] = "{{#_n comment_count}}{{comment_count}}"
	    " Comment{{^_n}}{{comment_count}} Comments{{/_n}}|"
	    "{{#_}}Reply{{/_}}|{{#_}}no such msgid{{/_}}";
	static const struct {
		int		 n;
		const char	*ru, *en;
	} want[] = {
		{ 1, "1 комментарий", "1 Comment" },
		{ 2, "2 комментария", "2 Comments" },
		{ 5, "5 комментариев", "5 Comments" },
		{ 11, "11 комментариев", "11 Comments" },
		{ 21, "21 комментарий", "21 Comments" },
		{ 22, "22 комментария", "22 Comments" },
		{ 25, "25 комментариев", "25 Comments" },
		{ 111, "111 комментариев", "111 Comments" },
		{ 0, "0 комментариев", "0 Comments" },
	};
	struct mustache	*ru, *en;
	struct buf	 b;
	json_t		*v;
	char		 s[200];
	size_t		 i;

	ru = mustache_compile_po(src, sizeof(src) - 1, i18n_po(LANG_RU), NULL,
	    0);
	en = mustache_compile(src, sizeof(src) - 1, NULL, 0);
	if (!CHECK(ru != NULL && en != NULL))
		return;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v = json_pack("{s:i}", "comment_count", want[i].n);
		buf_init(&b);
		CHECK(mustache_render(ru, v, NULL, &b) == 0);
		snprintf(s, sizeof(s), "%s|Ответить|no such msgid", want[i].ru);
		CHECK_STR(b.data, s);
		buf_reset(&b);
		CHECK(mustache_render(en, v, NULL, &b) == 0);
		snprintf(s, sizeof(s), "%s|Reply|no such msgid", want[i].en);
		CHECK_STR(b.data, s);
		buf_reset(&b);
		json_decref(v);
	}
	mustache_free(ru);
	mustache_free(en);
	/* Broken spellings are refused with a line number. */
	CHECK(mustache_compile("a\n{{#_}}x", 8, s, sizeof(s)) == NULL);
	CHECK_STR(s, "line 2: unclosed translation");
	CHECK(mustache_compile("{{#_n c}}x{{/_n}}", 17, s, sizeof(s)) == NULL);
	CHECK_STR(s, "line 1: a plural without {{^_n}}");
}

/* Is n an input whose value is its label (a button), not data? */
static int
labelled(xmlNodePtr n)
{
	xmlChar	*t = xmlGetProp(n, (const xmlChar *)"type");
	int	 yes = t != NULL && strcmp((const char *)n->name, "input") == 0 &&
		    (strcmp((char *)t, "submit") == 0 ||
		    strcmp((char *)t, "button") == 0 ||
		    strcmp((char *)t, "reset") == 0);

	xmlFree(t);
	return yes;
}

/*
 * The text a reader sees: text nodes and the attributes read aloud (a
 * value only a button's: a hidden field's is a name, a text field's data).
 */
static void
visible(xmlNodePtr n, struct buf *out)
{
	static const char *const attrs[] = { "alt", "aria-label", "title",
	    "placeholder", "value" };
	xmlChar		*v;
	size_t		 i;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE) {
			buf_puts(out, (const char *)n->content);
			buf_putc(out, '\n');
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "script") == 0 ||
		    strcmp((const char *)n->name, "style") == 0)
			continue;
		for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
			if ((strcmp(attrs[i], "value") != 0 || labelled(n)) &&
			    (v = xmlGetProp(n, (const xmlChar *)attrs[i])) !=
			    NULL) {
				buf_puts(out, (const char *)v);
				buf_putc(out, '\n');
				xmlFree(v);
			}
		visible(n->children, out);
	}
}

/* A letter, digit or _ of any script (a UTF-8 byte of one, past ASCII). */
static int
wordc(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/*
 * Is piece in text as whole words: "view" is not in "preview", nor
 * "word" in "password"?
 */
static int
words_in(const char *text, const char *piece)
{
	const char	*at;
	size_t		 n = strlen(piece);

	for (at = text; (at = strstr(at, piece)) != NULL; at++)
		if ((at == text || !wordc((unsigned char)at[-1]) ||
		    !wordc((unsigned char)piece[0])) && (!wordc(
		    (unsigned char)at[n]) || !wordc((unsigned char)piece[n -
		    1])))
			return 1;
	return 0;
}

/*
 * The literal pieces of a msgid: its text between tags, both Mustache
 * and HTML, with character references read ("&ldquo;" as itself).
 */
static int
piece_found(const char *text, const char *msgid, char *found, size_t size)
{
	char		 piece[512];
	const char	*s = msgid;
	size_t		 n = 0;
	int		 letters = 0;

	for (;; s++) {
		int	 end = *s == '\0' || *s == '<' || strncmp(s, "{{", 2) ==
		    0 || *s == '%' || *s == '\n';

		if (!end && n + 1 < sizeof(piece)) {
			piece[n++] = *s;
			letters += isalpha((unsigned char)*s) != 0;
			continue;
		}
		piece[n] = '\0';
		/* trim, and keep pieces with a word in them */
		while (n > 0 && strchr(" .,:;()&\"", piece[n - 1]) != NULL)
			piece[--n] = '\0';
		if (letters >= 4 && n > 0 && words_in(text, piece +
		    strspn(piece, " .,:;()\"")) &&
		    strchr(piece, '&') == NULL) {
			snprintf(found, size, "%s", piece);
			return 1;
		}
		n = 0, letters = 0;
		if (*s == '\0')
			return 0;
		if (*s == '<')
			s = strchr(s, '>') ? strchr(s, '>') : s;
		else if (*s == '{')
			s = strstr(s, "}}") ? strstr(s, "}}") + 1 : s;
		else if (*s == '%')
			s++;
	}
}

/* Drops the nodes each of the n XPath expressions xp finds. */
static void
drop_nodes(xmlDocPtr doc, const char *const *xp, size_t n)
{
	xmlXPathContextPtr	 x = xmlXPathNewContext(doc);
	xmlXPathObjectPtr	 o;
	size_t			 i;
	int			 k;

	for (i = 0; i < n; i++) {
		o = xmlXPathEvalExpression((const xmlChar *)xp[i], x);
		for (k = 0; o != NULL && o->nodesetval != NULL &&
		    k < o->nodesetval->nodeNr; k++) {
			xmlUnlinkNode(o->nodesetval->nodeTab[k]);
			xmlFreeNode(o->nodesetval->nodeTab[k]);
		}
		xmlXPathFreeObject(o);
	}
	xmlXPathFreeContext(x);
}

/* Drops what the site's writers and readers wrote: it stays English. */
static void
drop_content(xmlDocPtr doc)
{
	static const char *const xp[] = {
	    "//div[@class='post-body']", "//div[@class='page-body']",
	    "//div[@class='comment-content']", "//p[contains(@class,"
	    "'post-excerpt')]", "//*[contains(@class,'post-title')]",
	    "//h1[@class='page-title']", "//span[@class='comment-author']",
	    "//a[@rel='author']", "//a[@rel='tag']",
	    "//a[@rel='category tag']", "//p[@class='site-tagline']",
	    "//p[@class='site-title']", "//h1[@class='archive-title']",
	    "//p[@class='archive-description']", "//title",
	    "//img", "//p[@class='post-source']", "//figure",
	    "//p[@class='comment-more']" };

	drop_nodes(doc, xp, sizeof(xp) / sizeof(xp[0]));
}

/*
 * Checks one Russian page: lang="ru" and no English msgid shown, once
 * what the n XPath expressions more find (data) is dropped too.
 */
static void
russian_but(const char *path, const struct resp *r, const char *const *more,
    size_t nmore)
{
	htmlDocPtr	 doc = html_parse(r);
	struct buf	 text;
	char		*lang, found[512], what[1200];
	json_t		*e;
	size_t		 i;
	const char	*id;

	if (!CHECK_MSG(doc != NULL, path))
		return;
	lang = xp_attr(doc, "/html/@lang");
	snprintf(what, sizeof(what), "%s has lang=ru", path);
	CHECK_MSG(lang != NULL && strcmp(lang, "ru") == 0, what);
	free(lang);
	drop_content(doc);
	drop_nodes(doc, more, nmore);
	buf_init(&text);
	visible(xmlDocGetRootElement(doc), &text);
	json_array_foreach(msgids, i, e) {
		id = json_string_value(json_object_get(e, "msgid"));
		if (json_is_string(json_object_get(e, "ctx")) &&
		    strcmp(json_string_value(json_object_get(e, "ctx")),
		    "archive") != 0)
			continue;	/* month and weekday names: below */
		if (!piece_found(text.data ? text.data : "", id, found,
		    sizeof(found)))
			continue;
		snprintf(what, sizeof(what), "%s shows English \"%s\"", path,
		    found);
		CHECK_MSG(0, what);
	}
	buf_reset(&text);
	xmlFreeDoc(doc);
}

static void
russian(const char *path, const struct resp *r)
{
	russian_but(path, r, NULL, 0);
}

static void
get_ru(struct srv *s, const char *path, long status)
{
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "GET %s is %ld", path, status);
	if (!CHECK_MSG(http_get(s, path, &r) == 0 && r.status == status,
	    what))
		fprintf(stderr, "  got %ld\n", r.status);
	russian(path, &r);
	resp_free(&r);
}

static void
set(const char *key, const char *value)
{
	CHECK(run_galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, NULL) == 0);
}

static void
pages(struct srv *s)
{
	static const char *const paths[] = { "/", ARTICLE,
	    "/category/terrorism/", "/tag/free-syrian-army/",
	    "/author/staff-writer/", "/2015/", "/2015/10/", "/2015/10/01/",
	    "/search/isis/", "/search/zzzqqqnothing/", "/?s=",
	    "/privacy/" };
	const char	*bad[] = { "post", "1", "parent", "0", "author", "",
	    "email", "not an address", "comment", "", "url", "ftp://x",
	    NULL };
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		get_ru(s, paths[i], 200);
	get_ru(s, "/no/such/page/", 404);
	get_ru(s, "/mail/confirm?t=not-a-token", 404);
	/* A refused form: its errors beside the fields, in Russian. */
	if (CHECK(http_post(s, "/comments", bad, 0, NULL, NULL, &r) == 0)) {
		CHECK(r.status == 422);
		CHECK(strstr(r.body.data, "Пожалуйста, введите имя.") != NULL);
		CHECK(strstr(r.body.data, "Это не похоже на адрес email.") !=
		    NULL);
		CHECK(strstr(r.body.data, "Пожалуйста, напишите комментарий.")
		    != NULL);
		CHECK(strstr(r.body.data, "Ваш комментарий не опубликован.") !=
		    NULL);
		russian("the refused comment form", &r);
		resp_free(&r);
	}
	/* Russian words where the theme had English ones. */
	if (CHECK(http_get(s, ARTICLE, &r) == 0)) {
		CHECK(strstr(r.body.data, "Добавить комментарий") != NULL);
		CHECK(strstr(r.body.data, ">Ответить</a>") != NULL);
		CHECK(strstr(r.body.data, "к записи «") != NULL);
		CHECK(strstr(r.body.data, " октября 2015</time>") != NULL);
		/* Our words inside the body: the video's placeholder. */
		CHECK(strstr(r.body.data, ">Смотреть видео (загружается с "
		    "YouTube)<") != NULL);
		CHECK(strstr(r.body.data, "Play video") == NULL);
		resp_free(&r);
	}
	if (CHECK(http_get(s, "/2015/10/", &r) == 0)) {
		CHECK(strstr(r.body.data, "Месяц: Октябрь 2015") != NULL);
		resp_free(&r);
	}
	/* Feeds: their language and their own words. */
	if (CHECK(http_get(s, "/comments/feed/", &r) == 0)) {
		CHECK(strstr(r.body.data, "<language>ru-RU</language>") !=
		    NULL);
		CHECK(strstr(r.body.data, "<title>Комментарии на сайте ") !=
		    NULL);
		CHECK(strstr(r.body.data, "Комментарий к записи «") != NULL);
		resp_free(&r);
	}
	if (CHECK(http_get(s, "/category/terrorism/", &r) == 0)) {
		CHECK(strstr(r.body.data, "Рубрика: ") != NULL);
		resp_free(&r);
	}
}

/* The page cache follows the setting: a change bumps the generation. */
static void
cache(struct srv *s)
{
	struct resp	 r;

	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	CHECK(strstr(r.body.data, "<html lang=\"en\">") != NULL);
	CHECK(strstr(r.body.data, "Continue reading") != NULL);
	CHECK(strstr(r.body.data, "galley-text") == NULL);
	resp_free(&r);
	set("language", "ru");
	/* On PostgreSQL the server hears of the change by NOTIFY. */
	CHECK(http_eventually(s, "/", "<html lang=\"ru\">"));
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	CHECK(strstr(r.body.data, "<html lang=\"ru\">") != NULL);
	CHECK(strstr(r.body.data, "Читать далее") != NULL);
	CHECK(strstr(r.body.data, "Continue reading") == NULL);
	/* What the script writes, in Russian for it to read. */
	CHECK(strstr(r.body.data, "<script type=\"application/json\" "
	    "id=\"galley-text\">{\"You liked this.\":\"Вам это понравилось.\",")
	    != NULL);
	CHECK(strstr(r.body.data, "\"Thank you for rating.\":\"Спасибо за "
	    "оценку.\"") != NULL);
	resp_free(&r);
}

/* Checks what (a rendered mail) shows no English msgid. */
static void
no_english(const char *what, const char *text)
{
	char		 found[512], msg[1200];
	const char	*id;
	json_t		*e;
	size_t		 i;

	json_array_foreach(msgids, i, e) {
		if (json_is_string(json_object_get(e, "ctx")))
			continue;
		id = json_string_value(json_object_get(e, "msgid"));
		if (!piece_found(text, id, found, sizeof(found)))
			continue;
		/* "Email", a command's name: the translation keeps them. */
		if (strstr(i18n_get(LANG_RU, id), found) != NULL)
			continue;
		snprintf(msg, sizeof(msg), "%s shows English \"%s\"", what,
		    found);
		CHECK_MSG(0, msg);
	}
}

/*
 * The staff's mail in the site's language too: a comment's notice (its
 * score and signals), an invitation, a password link, the test message.
 */
static void
staff_mail(struct env *e)
{
	static const char *const kinds[] = { "notice", "invite", "reset",
	    "test" };
	json_t		*v, *cm, *sig;
	char		*text, *html, what[64];
	size_t		 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		v = mail_view(e, "subject");
		cm = json_object();
		sig = json_array();
		json_array_append_new(sig, json_string(i18n_get(mail_lang(e),
		    spam_signal_words("too_fast", 8))));
		json_object_set_new(cm, "author", json_string("Oleg"));
		json_object_set_new(cm, "email", json_string("o@x.y"));
		json_object_set_new(cm, "url", json_string("https://o.example"));
		json_object_set_new(cm, "text", json_string("Da."));
		json_object_set_new(cm, "held", json_true());
		json_object_set_new(cm, "score", json_string(i18n_get(
		    mail_lang(e), "none yet (the filter has not learnt"
		    " enough comments)")));
		json_object_set_new(cm, "has_signals", json_true());
		json_object_set_new(cm, "signals", sig);
		json_object_set_new(v, "comment", cm);
		json_object_set_new(v, "last", json_integer(5));
		json_object_set_new(v, "name", json_string("Oleg"));
		json_object_set_new(v, "role", json_string(i18n_get(
		    mail_lang(e), "an editor")));
		json_object_set_new(v, "good_for", json_string(i18n_get(
		    mail_lang(e), "seven days")));
		text = html = NULL;
		snprintf(what, sizeof(what), "the %s mail", kinds[i]);
		if (CHECK_MSG(mail_render(e, kinds[i], v, &text, &html) == 0,
		    what)) {
			no_english(what, text);
			no_english(what, html);
		}
		if (i == 0)
			CHECK(text != NULL && strstr(text, "ожидает вашей"
			    " проверки") != NULL && strstr(text, "пока нет")
			    != NULL && strstr(text, "быстрее, чем человек")
			    != NULL);
		if (i == 1)
			CHECK(html != NULL && strstr(html, "Ваша роль: редактор")
			    != NULL && strstr(html, "в течение семи дней") !=
			    NULL);
		json_decref(v);
	}
	CHECK_STR(i18n_get(mail_lang(e), "[%s] Please moderate: \"%s\""),
	    "[%s] Требуется проверка: «%s»");
}

/* A reader's mail rendered in the site's language. */
static void
mail(void)
{
	struct site		*s;
	struct store_conn	*c;
	struct arena		 a;
	struct env		 e;
	const struct settings	*set;
	char			 err[512], *text = NULL, *html = NULL;
	int64_t			 gen = 0;
	json_t			*v;

	if (!CHECK((s = site_open(site, err, sizeof(err))) != NULL))
		return;
	c = store_conn_get(s->store);
	arena_init(&a);
	CHECK(store_generation(c, &gen) == STORE_OK);
	CHECK(settings_get(s->settings, c, gen, &a, &set) == STORE_OK);
	e = (struct env){ s, c, &a, set, (int64_t)time(NULL) };
	CHECK(mail_lang(&e) == LANG_RU);
	v = mail_view(&e, "subject");
	json_object_set_new(v, "confirm", json_string("https://x/c"));
	json_object_set_new(v, "unsubscribe", json_string("https://x/u"));
	json_object_set_new(v, "unsubscribe_reason", json_string(i18n_get(
	    mail_lang(&e), "To get no email from this site again:")));
	CHECK(mail_render(&e, "confirm", v, &text, &html) == 0);
	CHECK(text != NULL && strstr(text, "Пока вы не подтвердите") != NULL);
	CHECK(text != NULL && strstr(text, "Nothing will be sent") == NULL);
	CHECK(html != NULL && strstr(html, "<html lang=\"ru\">") != NULL);
	CHECK(html != NULL && strstr(html, ">Подтвердить письма об ответах<")
	    != NULL);
	CHECK(html != NULL && strstr(html, ">Отписаться</a>.") != NULL);
	CHECK(html != NULL && strstr(html, "Чтобы больше не получать писем")
	    != NULL);
	CHECK_STR(i18n_get(mail_lang(&e), "Confirm email about replies on %s"),
	    "Подтвердите письма об ответах на сайте %s");
	CHECK_STR(i18n_nget(mail_lang(&e),
	    "%zu new reply to your comments on %s",
	    "%zu new replies to your comments on %s", 3),
	    "%zu новых ответа на ваши комментарии на сайте %s");
	json_decref(v);
	staff_mail(&e);
	arena_free(&a);
	store_conn_put(s->store, c);
	site_close(s);
}

/* Dates: the names by language; Russian's genitive after a day. */
static void
dates(void)
{
	const struct date_names	*ru = i18n_date_names(LANG_RU);
	const struct date_names	*en = i18n_date_names(LANG_EN);

	CHECK_STR(ru->month[11], "Декабрь");
	CHECK_STR(ru->month_gen[11], "декабря");
	CHECK_STR(ru->month_short[4], "Май");
	CHECK_STR(ru->weekday[0], "воскресенье");
	CHECK_STR(ru->weekday_short[1], "Пн");
	CHECK_STR(en->month[11], "December");
	CHECK(en->month_gen[11] == en->month[11]);
	CHECK_STR(en->pm, "pm");
	CHECK_STR(ru->PM, "ПП");
	CHECK(i18n_lang("ru") == LANG_RU && i18n_lang("de") == LANG_EN &&
	    i18n_lang(NULL) == LANG_EN);
	CHECK_STR(i18n_code(LANG_RU), "ru");
}

/* What the admin shows that its people wrote: names, titles, texts. */
static const char *const admin_data[] = {
    "//p[@class='admin-site']", "//p[@class='admin-user']/text()",
    "//textarea", "//div[contains(@class,'queue-text')]",
    "//p[@class='queue-parent-text']", "//strong[starts-with(@id,'who-')]",
    "//blockquote//strong", "//span[@class='email']", "//span[@class='url']",
    "//a[@class='queue-in-place']", "//ul[contains(@class,'admin-held') or "
    "contains(@class,'admin-recent')]//span[@class='excerpt']",
    "//li/strong", "//li/a[not(@class)]", "//table//td[1]/a[1]",
    "//table//tr[starts-with(@id,'p')]/td[2]", "//h1",
    "//select[@name='author' or @name='category' or @name='parent' or "
    "@name='into']/option[@value!='0']", "//fieldset//label[starts-with("
    "@for,'cat-')]", "//ul[@class='admin-revisions']", "//td[1]/text()",
    "//p[@class='admin-comment-from']", "//ul[@class='admin-media-users']",
    "//div[@class='entry-content']",
    "//div[contains(@class,'admin-comment-shown')]" };

/* GETs path as cookie: status, then Russian but for the admin's data. */
static void
admin_ru(struct srv *s, const char *cookie, const char *path, long status)
{
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "GET %s is %ld", path, status);
	if (!CHECK_MSG(http_get_as(s, path, cookie, &r) == status, what))
		fprintf(stderr, "  got %ld\n", r.status);
	russian_but(path, &r, admin_data, sizeof(admin_data) /
	    sizeof(admin_data[0]));
	resp_free(&r);
}

/* POSTs fields (csrf added) as cookie; the answer in r, its status. */
static long
admin_post(struct srv *s, const char *cookie, const char *path,
    const char *const *fields, struct resp *r)
{
	const char	*f[40];
	size_t		 n = 0;

	f[n++] = "csrf";
	f[n++] = admin_csrf(s, cookie);
	while (*fields != NULL && n < 38)
		f[n++] = *fields++;
	f[n] = NULL;
	if (http_post(s, path, f, 0, NULL, (const char *[]){ cookie, NULL },
	    r) != 0)
		return -1;
	return r->status;
}

/*
 * The admin in Russian: the menu, dashboard, moderation queue (its
 * notices, Undo, its script's JSON answers), a comment's page, the
 * posts and pages, the editor (its word count, a refused save), media
 * and terms (a refused form), and refusals; first in English, which
 * the admin's pages follow as the setting changes.
 */
static void
admin(struct srv *s)
{
	static const char *const paths[] = { "/admin/",
	    "/admin/comments/", "/admin/comments/?status=pending",
	    "/admin/comments/?status=spam", "/admin/comments/?status=trash",
	    "/admin/comments/?edit=1", "/admin/comments/?edit=1&done=spam-1",
	    "/admin/comments/?edit=1&done=reply",
	    "/admin/comments/?done=approve-2&undo=1.pending.ham",
	    "/admin/comments/?done=trash-1", "/admin/comments/?done=undone",
	    "/admin/posts/", "/admin/posts/?status=trash&done=trash",
	    "/admin/pages/", "/admin/posts/?edit=new",
	    "/admin/posts/?edit=1&done=saved", "/admin/media/?done=edit",
	    "/admin/terms/?done=1" };
	char		*cookie, file[1024];
	struct resp	 r;
	size_t		 i;

	CHECK(user_add(site, "admin@example.org", "Ada Admin", "admin",
	    "correct horse battery") == 0);
	set("language", "en");
	CHECK(http_eventually(s, "/admin/login/", "<html lang=\"en\">"));
	cookie = admin_login(s, "admin@example.org", "correct horse battery",
	    NULL);
	if (!CHECK(cookie != NULL))
		return;
	if (CHECK(http_get_as(s, "/admin/", cookie, &r) == 200)) {
		CHECK(strstr(r.body.data, ">Dashboard</h1>") != NULL);
		CHECK(strstr(r.body.data, "galley-text") == NULL);
		CHECK(strstr(r.body.data, "(admin)") != NULL);
		resp_free(&r);
	}
	set("language", "ru");
	CHECK(http_eventually(s, "/admin/login/", "<html lang=\"ru\">"));
	if (CHECK(http_get_as(s, "/admin/", cookie, &r) == 200)) {
		CHECK(strstr(r.body.data, ">Консоль</h1>") != NULL);
		CHECK(strstr(r.body.data, ">Записи</a>") != NULL);
		CHECK(strstr(r.body.data, "(администратор)") != NULL);
		CHECK(strstr(r.body.data, ">Выйти</button>") != NULL);
		/* The scripts' words, a plural's forms and each count's. */
		CHECK(strstr(r.body.data, "\"Undo\":\"Отменить\"") != NULL);
		CHECK(strstr(r.body.data, "\"%d word\":[\"%d слово\",\"%d "
		    "слова\",\"%d слов\"]") != NULL);
		CHECK(strstr(r.body.data, "\"%plural\":\"2011122222") != NULL);
		resp_free(&r);
	}
	snprintf(file, sizeof(file), "%s/fixtures/jpeg/valid/"
	    "blank_800x280.jpg", getenv("SHARED") ? getenv("SHARED") : ".");
	CHECK(http_post(s, "/admin/media/", (const char *[]){ "csrf",
	    admin_csrf(s, cookie), "alt", "Blank", NULL }, 1, file,
	    (const char *[]){ cookie, NULL }, &r) == 0 && r.status == 303);
	resp_free(&r);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		admin_ru(s, cookie, paths[i], 200);
	admin_ru(s, cookie, "/admin/no-such/", 404);
	admin_ru(s, cookie, "/admin/comments/?edit=99999", 404);
	if (CHECK(http_get_as(s, "/admin/posts/?edit=1", cookie, &r) ==
	    200)) {
		CHECK(strstr(r.body.data, " слов</span>") != NULL ||
		    strstr(r.body.data, " слова</span>") != NULL ||
		    strstr(r.body.data, " слово</span>") != NULL);
		resp_free(&r);
	}
	if (CHECK(http_get_as(s, "/admin/comments/?done=approve-2", cookie,
	    &r) == 200)) {
		CHECK(strstr(r.body.data, "2 комментария одобрено.") != NULL);
		resp_free(&r);
	}
	/* Refused forms: their errors, beside the fields, in Russian. */
	CHECK(admin_post(s, cookie, "/admin/posts/", (const char *[]){
	    "action", "save", "title", "", "slug", "Not A Slug", "body", "x",
	    "source_url", "ftp://x", "when", "soon", "status", "draft",
	    NULL }, &r) == 422);
	CHECK(r.body.data != NULL && strstr(r.body.data, "Ничего не "
	    "сохранено") != NULL && strstr(r.body.data, "Ярлык состоит") !=
	    NULL);
	russian_but("the refused editor", &r, admin_data, sizeof(admin_data) /
	    sizeof(admin_data[0]));
	resp_free(&r);
	CHECK(admin_post(s, cookie, "/admin/terms/", (const char *[]){
	    "action", "add", "taxonomy", "category", "name", "", NULL },
	    &r) == 422);
	CHECK(r.body.data != NULL && strstr(r.body.data, "Название должно")
	    != NULL);
	russian_but("the refused term", &r, admin_data, sizeof(admin_data) /
	    sizeof(admin_data[0]));
	resp_free(&r);
	CHECK(admin_post(s, cookie, "/admin/media/", (const char *[]){
	    "alt", "[x]", NULL }, &r) == 422);
	russian_but("the refused upload", &r, admin_data, sizeof(admin_data) /
	    sizeof(admin_data[0]));
	resp_free(&r);
	CHECK(admin_post(s, cookie, "/admin/comments/", (const char *[]){
	    "action", "nothing", NULL }, &r) == 422);
	CHECK(r.body.data != NULL && strstr(r.body.data, "Выберите действие "
	    "для отмеченных комментариев.") != NULL);
	russian_but("the refused bulk action", &r, admin_data,
	    sizeof(admin_data) / sizeof(admin_data[0]));
	resp_free(&r);
	/* The queue's script: what it says, and the status it writes. */
	CHECK(admin_post(s, cookie, "/admin/comments/", (const char *[]){
	    "row", "unapprove-1", "format", "json", NULL }, &r) == 200);
	CHECK(r.body.data != NULL && strstr(r.body.data, " отклонён.\"") !=
	    NULL && strstr(r.body.data, "\"status_word\":\"ожидает "
	    "проверки\"") != NULL);
	resp_free(&r);
	CHECK(admin_post(s, cookie, "/admin/comments/", (const char *[]){
	    "action", "undo", "id", "1", "was_status", "approved",
	    "was_trained", "", "format", "json", NULL }, &r) == 200);
	CHECK(r.body.data != NULL && strstr(r.body.data, "\"Отменено: "
	    "комментарий снова одобрен.\"") != NULL);
	resp_free(&r);
	CHECK(admin_post(s, cookie, "/admin/comments/", (const char *[]){
	    "row", "delete-1", "format", "json", NULL }, &r) == 409);
	CHECK(r.body.data != NULL && strstr(r.body.data, "\"error\":"
	    "\"Навсегда удаляется") != NULL);
	resp_free(&r);
	free(cookie);
}

/*
 * A template overridden in the site's theme folder is translated as the
 * built-in ones are; a msgid no catalogue has stays English.
 */
static void
theme_folder(const char *dir)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/theme", dir);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/theme/404.mustache", dir);
	if (!CHECK((f = fopen(path, "w")) != NULL))
		return;
	fputs("<article class=\"not-found\">\n<h1>{{#_}}Page not found{{/_}}"
	    "</h1>\n<p>{{#_}}Our own words{{/_}}</p>\n</article>\n", f);
	CHECK(fclose(f) == 0);
}

static void
overridden(struct srv *s)
{
	struct resp	 r;

	if (!CHECK(http_get(s, "/no/such/page/", &r) == 0))
		return;
	CHECK(r.status == 404);
	CHECK(strstr(r.body.data, "<h1>Страница не найдена</h1>\n<p>Our own "
	    "words</p>") != NULL);
	resp_free(&r);
}

/* Another site's picture, named in Russian (picture.c). */
static void
offsite(void)
{
	static const char	 in[] = "<p><img src=\"https://elsewhere."
	    "example/a.jpg\" alt=\"Кремль\"></p>";
	struct buf		 b;
	int			 eager = 1;

	buf_init(&b);
	picture_rewrite(&b, in, sizeof(in) - 1, NULL, 0, &eager,
	    "https://news.example/", LANG_RU);
	CHECK(b.data != NULL && strstr(b.data, ">Изображение с сайта "
	    "elsewhere.example: Кремль</a>") != NULL);
	buf_reset(&b);
}

/*
 * What the screens below show that is not theirs to translate: the
 * frame around them (admin()'s to check), the site's title, commands
 * and paths in <code>, and what people typed (textarea).
 */
static const char *const screen_data[] = { "//a[@class='skip-link']",
    "//header[@class='admin-side']", "//p[@class='admin-site']", "//code",
    "//textarea" };

/* Checks the answer r to what (status, a text it must have) as Russian. */
static void
screen_check(const char *what, const struct resp *r, long status,
    const char *want)
{
	char	 msg[400];

	snprintf(msg, sizeof(msg), "%s is %ld", what, status);
	if (!CHECK_MSG(r->status == status, msg))
		fprintf(stderr, "  got %ld\n", r->status);
	snprintf(msg, sizeof(msg), "%s says \"%s\"", what, want);
	CHECK_MSG(r->body.data != NULL && strstr(r->body.data, want) != NULL,
	    msg);
	russian_but(what, r, screen_data, sizeof(screen_data) /
	    sizeof(screen_data[0]));
}

/* GETs path with the header line cookie (or none), then screen_check. */
static void
screen_get(struct srv *s, const char *cookie, const char *path, long status,
    const char *want)
{
	struct resp	 r;

	if (!CHECK_MSG(http_get_as(s, path, cookie, &r) != -1, path))
		return;
	screen_check(path, &r, status, want);
	resp_free(&r);
}

/* POSTs fields to path (multipart for the tools), then screen_check. */
static void
screen_post(struct srv *s, const char *cookie, const char *path,
    const char *const *fields, long status, const char *want)
{
	const char	*h[] = { cookie, NULL };
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "POST %s (%s)", path, fields[1]);
	if (!CHECK_MSG(http_post(s, path, fields, strcmp(path,
	    "/admin/tools/") == 0, NULL, cookie != NULL ? h : NULL, &r) == 0,
	    what))
		return;
	screen_check(what, &r, status, want);
	resp_free(&r);
}

/*
 * The admin's settings, users, appearance, privacy and tools screens,
 * the login, a lost password and its link, and a refusal, in Russian:
 * each page as shown, and the states with a notice or an error beside
 * a field.  What is checked is each page's <main>: the menu around it
 * is the frame's.  Then once in English, the setting changed.
 */
static void
admin_pages(struct srv *s)
{
	static const char *const shown[] = { "/admin/settings/?done=saved",
	    "Настройки сохранены.", "/admin/users/?done=given",
	    "её записи переданы", "/admin/appearance/?done=icon",
	    "Значок сайта сохранён.", "/admin/privacy/?done=3",
	    "Готово: стёрто 3 комментария.", "/admin/tools/",
	    "Перезагрузить тему", "/admin/logout/",
	    "Здесь этого сделать нельзя." };
	const char	*admin, *tok;
	char		 csrf[200], staff[32];
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*v;
	size_t		 i;
	long		 st;

	/* Before anyone can log in: how the first admin is made. */
	screen_get(s, NULL, "/admin/login/", 200, "Создайте первого"
	    " администратора");
	screen_get(s, NULL, "/admin/login/?done=out", 200, "Вы вышли.");
	screen_get(s, NULL, "/admin/lost/", 200, "почта выключена");
	screen_get(s, NULL, "/admin/reset/?t=forged", 410, "Эту ссылку нельзя"
	    " использовать");
	screen_post(s, NULL, "/admin/login/", (const char *[]){ "email",
	    "boss@example.org", "password", "wrong password", NULL }, 401,
	    "не подходят ни к одной учётной записи");
	if (!CHECK(user_add(site, "boss@example.org", "Boss", "admin",
	    "correct horse battery") == 0))
		return;
	admin = admin_login(s, "boss@example.org", "correct horse battery",
	    &st);
	if (!CHECK(admin != NULL))
		return;
	snprintf(csrf, sizeof(csrf), "%s", admin_csrf(s, admin));
	tok = csrf;
	/* The menu's page, named as a Russian site would name it. */
	CHECK(db_exec(site_db(site), "UPDATE posts SET title ="
	    " 'Конфиденциальность' WHERE slug = 'privacy'") == 0);
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i += 2)
		screen_get(s, admin, shown[i], strstr(shown[i], "logout") ?
		    405 : 200, shown[i + 1]);
	/* The settings: names, help, choices and defaults in Russian. */
	screen_get(s, admin, "/admin/settings/", 200, "Файл cookie и IP-адрес");
	screen_get(s, admin, "/admin/settings/", 200, "(по умолчанию: вкл.)");
	/* Stored words by their names: a role, a menu item's kind. */
	screen_get(s, admin, "/admin/users/", 200, "<option value=\"admin\""
	    " selected>администратор</option>");
	if (CHECK(http_post(s, "/admin/appearance/", (const char *[]){ "csrf",
	    tok, "action", "add", "target", "link", "label", "Главная", "url",
	    "/", NULL }, 0, NULL, (const char *[]){ admin, NULL }, &r) == 0))
		resp_free(&r);
	screen_get(s, admin, "/admin/appearance/", 200, "<span class=\"menu-"
	    "kind\">(ссылка)</span>");
	/* Refused forms: the reason beside the field, in Russian. */
	screen_post(s, admin, "/admin/settings/", (const char *[]){ "csrf", tok,
	    "shown", "posts_per_page", "posts_per_page", "0", NULL }, 422,
	    "Здесь нужно: целое число от 1 до 100.");
	screen_post(s, admin, "/admin/settings/", (const char *[]){ "csrf",
	    "forged", "shown", "posts_per_page", "posts_per_page", "5", NULL },
	    403, "Срок действия формы истёк");
	if (CHECK(http_get_as(s, "/admin/users/", admin, &r) == 200)) {
		doc = html_parse(&r);
		v = doc != NULL ? xp_attr(doc, "//select[@id='rm-id']/option"
		    "[1]/@value") : NULL;
		snprintf(staff, sizeof(staff), "%s", v != NULL ? v : "0");
		free(v);
		xmlFreeDoc(doc);
		resp_free(&r);
		screen_post(s, admin, "/admin/users/", (const char *[]){ "csrf",
		    tok, "action", "remove", "id", staff, "heir", "", NULL },
		    422, "выберите, кому их передать");
	}
	screen_post(s, admin, "/admin/users/", (const char *[]){ "csrf", tok,
	    "action", "add", "email", "nobody", "name", "N", "role", "author",
	    "password", "correct horse battery", NULL }, 422,
	    "Это не похоже на адрес email.");
	screen_post(s, admin, "/admin/users/", (const char *[]){ "csrf", tok,
	    "action", "password", "id", staff, "password", "short", NULL },
	    422, "не меньше 10 символов.");
	screen_post(s, admin, "/admin/appearance/", (const char *[]){ "csrf",
	    tok, "action", "add", "target", "link", "label", "", "url",
	    "ftp://x", NULL }, 422, "У ссылки должно быть название.");
	screen_post(s, admin, "/admin/privacy/", (const char *[]){ "csrf", tok,
	    "action", "erase", "email", "oleg@example.net", NULL }, 422,
	    "Отметьте флажок");
	screen_post(s, admin, "/admin/tools/", (const char *[]){ "csrf", tok,
	    "action", "check", NULL }, 422, "Выберите файл экспорта");
	screen_post(s, admin, "/admin/tools/", (const char *[]){ "csrf", tok,
	    "action", "theme", NULL }, 200, "Тема перезагружена из ");
	/* English again: the same page follows the setting. */
	set("language", "en");
	CHECK(http_eventually(s, "/", "<html lang=\"en\">"));
	if (CHECK(http_get_as(s, "/admin/settings/", admin, &r) == 200)) {
		CHECK(strstr(r.body.data, "<html lang=\"en\">") != NULL);
		CHECK(strstr(r.body.data, ">Save settings</button>") != NULL);
		CHECK(strstr(r.body.data, ">Cookie and IP address</option>")
		    != NULL);
		CHECK(strstr(r.body.data, " (default: on)") != NULL);
		CHECK(strstr(r.body.data, "Настройки") == NULL);
		resp_free(&r);
	}
	set("language", "ru");
	CHECK(http_eventually(s, "/", "<html lang=\"ru\">"));
	free((char *)admin);
}

int
main(void)
{
	char		*dir = tmp_path("i18n");
	const char	*db = getenv("GALLEY_DB");
	struct srv	 s;

	site = dir;
	if (sodium_init() < 0)
		return 1;
	catalogue();
	plurals();
	dates();
	offsite();
	if (db != NULL)
		CHECK(run_galley((const char *[]){ "init", dir, "--demo",
		    "--db", db, NULL }, NULL) == 0);
	else
		CHECK(run_galley((const char *[]){ "init", dir, "--demo",
		    NULL }, NULL) == 0);
	theme_folder(dir);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	cache(&s);
	pages(&s);
	admin_pages(&s);
	admin(&s);
	overridden(&s);
	CHECK(srv_stop(&s) == 0);
	mail();
	json_decref(msgids);
	return check_done();
}
