/*
 * test_po: the PO reader and the plural evaluator.  The plural cases are
 * the gettext manual's Plural-Forms examples ("Plural forms", section
 * 12.3 of the GNU gettext manual), each checked on counts where its
 * forms change; the reader on a catalogue with every construct the
 * format has (context, plurals, continued strings, escapes, comments,
 * fuzzy and obsolete entries), and on broken ones, which it refuses
 * naming the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "mustache.h"
#include "po.h"

struct pcase {
	const char	*expr;
	unsigned long	 n[12];
	unsigned long	 want[12];
	int		 count;
};

static const struct pcase cases[] = {
	{ "0", { 0, 1, 2, 101 }, { 0, 0, 0, 0 }, 4 },
	{ "n != 1", { 0, 1, 2, 11 }, { 1, 0, 1, 1 }, 4 },
	{ "n>1", { 0, 1, 2, 100 }, { 0, 0, 1, 1 }, 4 },
	/* Latvian */
	{ "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2",
	    { 0, 1, 2, 11, 21, 111 }, { 2, 0, 1, 1, 0, 1 }, 6 },
	/* Gaelic */
	{ "n==1 ? 0 : n==2 ? 1 : 2", { 1, 2, 3, 0 }, { 0, 1, 2, 2 }, 4 },
	/* Romanian */
	{ "n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2",
	    { 1, 0, 2, 19, 20, 101, 120 }, { 0, 1, 1, 1, 2, 1, 2 }, 7 },
	/* Lithuanian */
	{ "n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20)"
	    " ? 1 : 2", { 1, 2, 10, 11, 12, 21, 22, 30 },
	    { 0, 1, 2, 2, 2, 0, 1, 2 }, 8 },
	/* Russian, Ukrainian, Serbian, Croatian */
	{ "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
	    "(n%100<10 || n%100>=20) ? 1 : 2",
	    { 1, 2, 5, 11, 21, 22, 25, 111, 0, 12, 104, 1001 },
	    { 0, 1, 2, 2, 0, 1, 2, 2, 2, 2, 1, 0 }, 12 },
	/* Czech, Slovak */
	{ "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2", { 1, 2, 4, 5, 0 },
	    { 0, 1, 1, 2, 2 }, 5 },
	/* Polish */
	{ "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2",
	    { 1, 2, 5, 12, 21, 22, 112 }, { 0, 1, 2, 2, 2, 1, 2 }, 7 },
	/* Slovenian */
	{ "n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3",
	    { 1, 2, 3, 4, 5, 101, 102, 103 }, { 0, 1, 2, 2, 3, 0, 1, 2 }, 8 },
	/* Arabic */
	{ "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 :"
	    " n%100>=11 ? 4 : 5", { 0, 1, 2, 3, 10, 11, 99, 100, 102 },
	    { 0, 1, 2, 3, 3, 4, 4, 5, 5 }, 9 },
	/* precedence and the rest of C's operators */
	{ "!(n - 2 * 3 + 1) || n / 0 == 0 && n < 3", { 5, 2, 7 },
	    { 1, 1, 0 }, 3 },
	{ "(n + 1) % 3 <= 1 ? n > 5 : 7", { 0, 2, 4, 6 }, { 0, 0, 7, 1 }, 4 },
	{ "!!n", { 0, 3 }, { 0, 1 }, 2 },
	{ "n % 0 + n / 0", { 0, 5 }, { 0, 0 }, 2 },
};

/*
 * A million "!" before the n: each nests the parse one deeper, so the
 * depth bound must count them too or the stack runs out.  Refused.
 */
static int
nots(void)
{
	size_t			 len = 1000000;
	char			*s = malloc(len + 2);
	struct po_plural	*p;

	if (s == NULL)
		return 0;
	memset(s, '!', len);
	s[len] = 'n', s[len + 1] = '\0';
	p = po_plural_parse(s);
	free(s);
	po_plural_free(p);
	return p == NULL;
}

static void
plurals(void)
{
	struct po_plural	*p;
	size_t			 i;
	int			 k;
	char			 what[200];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = po_plural_parse(cases[i].expr);
		if (!CHECK_MSG(p != NULL, cases[i].expr))
			continue;
		for (k = 0; k < cases[i].count; k++) {
			snprintf(what, sizeof(what), "%s for n=%lu",
			    cases[i].expr, cases[i].n[k]);
			CHECK_MSG(po_plural_eval(p, cases[i].n[k]) ==
			    cases[i].want[k], what);
		}
		po_plural_free(p);
	}
	CHECK(po_plural_parse("n ==") == NULL);
	CHECK(po_plural_parse("n ? 1") == NULL);
	CHECK(po_plural_parse("(n") == NULL);
	CHECK(po_plural_parse("x") == NULL);
	CHECK(po_plural_parse("n 1") == NULL);
	CHECK(po_plural_parse("((((((((((((((((((((((((((((((((((n"
	    "))))))))))))))))))))))))))))))))))") == NULL);
	CHECK(nots() == 1);
}

static const char catalogue[] =
    "# A translator's comment\n"
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Plural-Forms: nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : \"\n"
    "\"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2;\\n\"\n"
    "\n"
    "#: themes/default/comment.mustache:1\n"
    "msgid \"Reply\"\n"
    "msgstr \"Ответить\"\n"
    "\n"
    "msgctxt \"month\"\n"
    "msgid \"May\"\n"
    "msgstr \"Май\"\n"
    "\n"
    "msgctxt \"month genitive\"\n"
    "msgid \"May\"\n"
    "msgstr \"мая\"\n"
    "\n"
    "msgid \"{{n}} comment\"\n"
    "msgid_plural \"{{n}} comments\"\n"
    "msgstr[0] \"{{n}} комментарий\"\n"
    "msgstr[1] \"{{n}} комментария\"\n"
    "msgstr[2] \"{{n}} комментариев\"\n"
    "\n"
    "msgid \"\"\n"
    "\"Two \"\n"
    "\"lines\\n\"\n"
    "msgstr \"Две \\\"строки\\\"\\t\\\\\\n\"\n"
    "\"\\x41\\101\"\n"
    "\n"
    "#, fuzzy, c-format\n"
    "msgid \"Fuzzy\"\n"
    "msgstr \"Неточно\"\n"
    "\n"
    "msgid \"Untranslated\"\n"
    "msgstr \"\"\n"
    "\n"
    "msgid \"Half\"\n"
    "msgid_plural \"Halves\"\n"
    "msgstr[0] \"Половина\"\n"
    "msgstr[1] \"\"\n"
    "msgstr[2] \"Половин\"\n"
    "\n"
    "#~ msgid \"Old\"\n"
    "#~ msgstr \"Старое\"\n"
    "msgid \"Last\"\n"
    "msgstr \"Последнее\"";

static void
each_count(void *arg, const char *ctx, const char *msgid, const char *pl,
    const char *const *str, int n)
{
	(void)ctx, (void)msgid, (void)pl, (void)str, (void)n;
	(*(int *)arg)++;
}

static void
reader(void)
{
	struct po	*po;
	char		 err[200];
	int		 count = 0;

	po = po_parse(catalogue, sizeof(catalogue) - 1, err, sizeof(err));
	if (!CHECK_MSG(po != NULL, err))
		return;
	CHECK_STR(po_get(po, NULL, "Reply"), "Ответить");
	CHECK_STR(po_get(po, "month", "May"), "Май");
	CHECK_STR(po_get(po, "month genitive", "May"), "мая");
	CHECK(po_get(po, NULL, "May") == NULL);
	CHECK(po_get(po, "month", "June") == NULL);
	CHECK_STR(po_get(po, NULL, "Two lines\n"),
	    "Две \"строки\"\t\\\nAA");
	CHECK(po_get(po, NULL, "Fuzzy") == NULL);
	CHECK(po_get(po, NULL, "Untranslated") == NULL);
	CHECK(po_get(po, NULL, "Half") == NULL);
	CHECK(po_get(po, NULL, "Old") == NULL);
	CHECK_STR(po_get(po, NULL, "Last"), "Последнее");
	CHECK(po_nplurals(po) == 3);
	CHECK(po_plural(po, 1) == 0 && po_plural(po, 22) == 1 &&
	    po_plural(po, 25) == 2 && po_plural(po, 111) == 2);
	CHECK_STR(po_form(po, NULL, "{{n}} comment", po_plural(po, 21)),
	    "{{n}} комментарий");
	CHECK_STR(po_form(po, NULL, "{{n}} comment", po_plural(po, 3)),
	    "{{n}} комментария");
	CHECK_STR(po_form(po, NULL, "{{n}} comment", po_plural(po, 11)),
	    "{{n}} комментариев");
	CHECK(po_form(po, NULL, "{{n}} comment", 3) == NULL);
	CHECK(po_form(po, NULL, "Reply", 0) == NULL);
	po_each(po, each_count, &count);
	CHECK(count == 6);
	po_free(po);
	/* No catalogue: English's two forms. */
	CHECK(po_plural(NULL, 1) == 0 && po_plural(NULL, 0) == 1);
}

static void
broken(void)
{
	static const struct {
		const char	*src, *err;
	} bad[] = {
		{ "msgid \"a\nmsgstr \"b\"\n", "line 1: unterminated string" },
		{ "msgid \"a\"\nmsgstr \"b\\q\"\n", "line 2: bad escape \\q" },
		{ "msgid \"a\"\nmsgstr[1] \"b\"\n", "line 2: bad msgstr[]"
		    " index" },
		{ "msgid \"a\"\nmsgtxt \"b\"\n", "line 2: unknown keyword" },
		{ "\"a\"\n", "line 1: a string outside an entry" },
		{ "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; "
		    "plural=n ==;\\n\"\n", "line 2: bad plural expression in"
		    " Plural-Forms" },
		{ "msgid \"a\" x\n", "line 1: text after a string" },
		{ "msgstr \"x\"\nmsgid \"a\"\nmsgstr \"b\"\n",
		    "line 1: a msgstr without a msgid" },
		{ "msgid \"a\"\nmsgstr \"b\"\nmsgid_plural \"c\"\n",
		    "line 3: a msgid_plural without a msgid" },
	};
	size_t		 i;
	char		 err[200];
	struct po	*po;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		po = po_parse(bad[i].src, strlen(bad[i].src), err,
		    sizeof(err));
		CHECK(po == NULL);
		CHECK_STR(err, bad[i].err);
		po_free(po);
	}
}

/*
 * A translation is compiled as a template, but it may not write as is
 * what its msgid escapes: a msgstr's {{{x}}} or {{&x}} (a catalogue's
 * mistake, or a hostile one) falls back to the msgid.  A raw tag the
 * msgid itself has (the text mails' {{{who}}}) stays allowed.
 */
static void
raw_in_translation(void)
{
	static const char cat[] =
	    "msgid \"By {{who}}\"\nmsgstr \"Автор {{{who}}}\"\n"
	    "msgid \"At {{where}}\"\nmsgstr \"Где {{&where}}\"\n"
	    "msgid \"Of {{x}}\"\nmsgstr \"Из {{#_}}{{{x}}}{{/_}}\"\n"
	    "msgid \"Mail {{{who}}}\"\nmsgstr \"Письмо {{{who}}}\"\n"
	    "msgid \"{{who}} post\"\nmsgid_plural \"{{who}} posts\"\n"
	    "msgstr[0] \"{{{who}}} запись\"\nmsgstr[1] \"{{who}} записи\"\n";
	static const char src[] = "{{#_}}By {{who}}{{/_}}|"
	    "{{#_}}At {{where}}{{/_}}|{{#_}}Of {{x}}{{/_}}|"
	    "{{#_}}Mail {{{who}}}{{/_}}|"
	    "{{#_n n}}{{who}} post{{^_n}}{{who}} posts{{/_n}}";
	struct po	*po;
	struct mustache	*t;
	struct buf	 b;
	json_t		*v;
	char		 err[200];

	po = po_parse(cat, sizeof(cat) - 1, err, sizeof(err));
	if (!CHECK_MSG(po != NULL, err))
		return;
	t = mustache_compile_po(src, sizeof(src) - 1, po, err, sizeof(err));
	if (!CHECK_MSG(t != NULL, err)) {
		po_free(po);
		return;
	}
	v = json_pack("{s:s,s:s,s:s,s:i}", "who", "<b>", "where", "<i>",
	    "x", "<u>", "n", 1);
	buf_init(&b);
	CHECK(mustache_render(t, v, NULL, &b) == 0);
	CHECK_STR(b.data, "By &lt;b&gt;|At &lt;i&gt;|Of &lt;u&gt;|"
	    "Письмо <b>|&lt;b&gt; post");
	buf_reset(&b);
	json_decref(v);
	mustache_free(t);
	po_free(po);
}

int
main(void)
{
	plurals();
	reader();
	broken();
	raw_in_translation();
	return check_done();
}
