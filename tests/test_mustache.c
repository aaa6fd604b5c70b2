/*
 * test_mustache: runs every case of the official Mustache spec (the JSON
 * files in $SHARED/spec/mustache) through mustache.c, one check per case
 * named "file: case", and then the behaviour Galley adds or relies on:
 * compile errors with line numbers, the partial depth limit, recursive
 * partials for threaded comments, "" as falsey, number formatting.  Files
 * whose names start with '~' are optional spec modules and are skipped.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "buf.h"
#include "check.h"
#include "mustache.h"

/* A spec case's "partials" object, compiled on first use. */
struct partials {
	json_t			*src;
	struct cached {
		char		*name;
		struct mustache	*t;
	}			*c;
	size_t			 n;
};

static const struct mustache *
partials_load(void *arg, const char *name, size_t namelen)
{
	struct partials	*p = arg;
	json_t		*s;
	size_t		 i;

	for (i = 0; i < p->n; i++)
		if (strlen(p->c[i].name) == namelen &&
		    memcmp(p->c[i].name, name, namelen) == 0)
			return p->c[i].t;
	s = json_object_getn(p->src, name, namelen);
	if (!json_is_string(s))
		return NULL;
	p->c = xrealloc(p->c, (p->n + 1) * sizeof(*p->c));
	p->c[p->n].name = xstrndup(name, namelen);
	p->c[p->n].t = mustache_compile(json_string_value(s),
	    json_string_length(s), NULL, 0);
	return p->c[p->n++].t;
}

static void
partials_free(struct partials *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		free(p->c[i].name);
		mustache_free(p->c[i].t);
	}
	free(p->c);
}

/* Compiles and renders tpl; returns the output or "error: ..." (heap). */
static char *
render(const char *tpl, size_t len, json_t *view, json_t *partials)
{
	struct partials		 p = { partials, NULL, 0 };
	struct mustache_loader	 l = { partials_load, &p };
	struct mustache		*t;
	struct buf		 out;
	char			 err[128];

	buf_init(&out);
	if ((t = mustache_compile(tpl, len, err, sizeof(err))) == NULL)
		buf_printf(&out, "compile error: %s", err);
	else if (mustache_render(t, view, &l, &out) == -1) {
		buf_reset(&out);
		buf_puts(&out, "render error");
	}
	mustache_free(t);
	partials_free(&p);
	return buf_take(&out, NULL);
}

static void
case_run(const char *file, json_t *c)
{
	json_t	*tpl = json_object_get(c, "template");
	char	*got, what[256];

	snprintf(what, sizeof(what), "%s: %s", file,
	    json_string_value(json_object_get(c, "name")));
	got = render(json_string_value(tpl), json_string_length(tpl),
	    json_object_get(c, "data"), json_object_get(c, "partials"));
	check_str(got, json_string_value(json_object_get(c, "expected")),
	    what, __FILE__, __LINE__);
	free(got);
}

/* Runs one spec file, or counts its cases into *skipped if optional. */
static void
file_run(const char *dir, const char *name, size_t *skipped)
{
	char		 path[1024];
	json_t		*root, *tests;
	json_error_t	 e;
	size_t		 i;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return;
	root = json_load_file(path, 0, &e);
	if (!CHECK_MSG(root != NULL, path)) {
		fprintf(stderr, "  %s:%d: %s\n", path, e.line, e.text);
		return;
	}
	tests = json_object_get(root, "tests");
	CHECK_MSG(json_array_size(tests) > 0, path);
	if (name[0] == '~')
		*skipped += json_array_size(tests);
	else
		for (i = 0; i < json_array_size(tests); i++)
			case_run(name, json_array_get(tests, i));
	json_decref(root);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
spec_run(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, opt[256] = "";
	size_t		 n = 0, i, len, skipped = 0;

	if (!CHECK_MSG((d = opendir(dir)) != NULL, dir))
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	CHECK_MSG(n > 0, "spec files found");
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		file_run(dir, names[i], &skipped);
		if (names[i][0] == '~')
			snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt),
			    "%s%.*s", opt[0] ? ", " : "",
			    (int)strlen(names[i]) - 5, names[i]);
		free(names[i]);
	}
	free(names);
	printf("skipped %zu optional cases (%s)\n", skipped, opt);
}

/* Renders tpl against the JSON text view with the given partials. */
static char *
render_json(const char *tpl, const char *view, const char *partials)
{
	json_t	*v, *p;
	char	*s;

	v = json_loads(view, JSON_DECODE_ANY, NULL);
	p = partials ? json_loads(partials, 0, NULL) : NULL;
	s = render(tpl, strlen(tpl), v, p);
	json_decref(v);
	json_decref(p);
	return s;
}

static void
test_errors(void)
{
	char		 err[128];
	const char	*bad = "<ul>\n{{#items}}\n<li>{{name}}</li>\n";

	CHECK(mustache_compile(bad, strlen(bad), err, sizeof(err)) == NULL);
	CHECK_STR(err, "line 2: unclosed section 'items'");
	CHECK(mustache_compile("a\n{{#a}}{{/b}}", 13, err, sizeof(err)) ==
	    NULL);
	CHECK(strncmp(err, "line 2: ", 8) == 0);
	CHECK(mustache_compile("x\n\n{{name", 9, err, sizeof(err)) == NULL);
	CHECK_STR(err, "line 3: unclosed tag");
	CHECK(mustache_compile("{{/a}}", 6, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "line 1: ") == err);
	CHECK(mustache_compile("{{=<%=}}", 8, err, sizeof(err)) == NULL);
	CHECK_STR(err, "line 1: bad delimiter tag");
	CHECK(mustache_compile("{{}}", 4, err, sizeof(err)) == NULL);
	CHECK(mustache_compile("{{#a}}", 6, NULL, 0) == NULL);
	CHECK(mustache_compile("{{#a}}", 6, err, 4) == NULL);
	CHECK(strlen(err) == 3);
}

static void
test_recursion(void)
{
	char	*s;

	s = render_json("{{>self}}", "{}", "{\"self\": \"x{{>self}}\"}");
	CHECK_STR(s, "render error");
	free(s);
	/* A reply without "replies" finds its parent's: endless. */
	s = render_json("{{#r}}{{>c}}{{/r}}", "{\"r\": [{}]}",
	    "{\"c\": \"{{#r}}{{>c}}{{/r}}\"}");
	CHECK_STR(s, "render error");
	free(s);
}

static void
test_threaded(void)
{
	const char	*tpl = "<ul>\n{{#comments}}\n{{>comment}}\n"
			    "{{/comments}}\n</ul>\n";
	const char	*view = "{\"comments\": ["
			    "{\"body\": \"a\", \"replies\": ["
			    "{\"body\": \"<b>\", \"replies\": []}]},"
			    "{\"body\": \"c\", \"replies\": []}]}";
	const char	*part = "{\"comment\": \"<li>{{body}}\\n  <ul>\\n"
			    "  {{#replies}}\\n  {{>comment}}\\n"
			    "  {{/replies}}\\n  </ul>\\n</li>\\n\"}";
	char		*s;

	s = render_json(tpl, view, part);
	CHECK_STR(s, "<ul>\n<li>a\n  <ul>\n  <li>&lt;b&gt;\n    <ul>\n"
	    "    </ul>\n  </li>\n  </ul>\n</li>\n<li>c\n  <ul>\n  </ul>\n"
	    "</li>\n</ul>\n");
	free(s);
}

static void
test_values(void)
{
	char	*s;

	s = render_json("{{#s}}yes{{/s}}{{^s}}no{{/s}}", "{\"s\": \"\"}",
	    NULL);
	CHECK_STR(s, "no");
	free(s);
	s = render_json("{{#z}}zero{{/z}}{{#o}}obj{{/o}}",
	    "{\"z\": 0, \"o\": {}}", NULL);
	CHECK_STR(s, "zeroobj");
	free(s);
	s = render_json("{{a}} {{b}} {{c}} {{d}} {{e}} {{t}}{{o}}",
	    "{\"a\": 1.210, \"b\": -42, \"c\": 0.1, \"d\": 1e21, "
	    "\"e\": 3.0, \"t\": true, \"o\": {\"x\": 1}}", NULL);
	CHECK_STR(s, "1.21 -42 0.1 1e+21 3 true");
	free(s);
	s = render_json("{{a}} {{b}} {{c}} {{d}}", "{\"a\": 0, \"b\": "
	    "9223372036854775807, \"c\": -9223372036854775808, \"d\": 10}",
	    NULL);
	CHECK_STR(s, "0 9223372036854775807 -9223372036854775808 10");
	free(s);
	s = render_json("{{x}}|{{{x}}}|{{&x}}", "{\"x\": \"<a href='#'>\"}",
	    NULL);
	CHECK_STR(s, "&lt;a href=&#39;#&#39;&gt;|<a href='#'>|<a href='#'>");
	free(s);
	s = render_json("[{{x}}]", "null", NULL);
	CHECK_STR(s, "[]");
	free(s);
}

static void
test_limits(void)
{
	struct mustache	*t;
	struct buf	 out;
	json_t		*v = json_pack("{s:s}", "x", "abc");
	const char	*tpl = "0123456789{{x}}";

	t = mustache_compile(tpl, strlen(tpl), NULL, 0);
	buf_init(&out);
	out.max = 12;
	CHECK(mustache_render(t, v, NULL, &out) == -1);
	CHECK(out.err);
	buf_reset(&out);
	out.max = 13;
	CHECK(mustache_render(t, v, NULL, &out) == 0);
	CHECK_STR(out.data, "0123456789abc");
	buf_reset(&out);
	mustache_free(t);
	json_decref(v);
}

int
main(void)
{
	const char	*shared = getenv("SHARED"), *top = getenv("TOP");
	char		 dir[1024];

	if (shared != NULL)
		snprintf(dir, sizeof(dir), "%s/spec/mustache", shared);
	else if (top != NULL)
		snprintf(dir, sizeof(dir), "%s/../shared/spec/mustache", top);
	else
		snprintf(dir, sizeof(dir), "/work/shared/spec/mustache");
	spec_run(dir);
	test_errors();
	test_recursion();
	test_threaded();
	test_values();
	test_limits();
	return check_done();
}
