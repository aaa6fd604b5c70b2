/*
 * mustache: logic-less templates (the Mustache spec, v1.4 core modules:
 * interpolation, sections, inverted sections, comments, partials, set
 * delimiters; no lambdas, inheritance or dynamic names).  A template is
 * compiled once into an immutable node list and rendered many times,
 * from any number of threads, against a jansson value.
 *
 * Data rules: {{x}} always escapes through html_text; {{{x}}} and {{&x}}
 * are the raw path, for values that are already HTML.  Falsey values are
 * a missing name, null, false, [] and "" (as mustache.js); 0 and {} are
 * truthy.  Integers print as integers, reals in the shortest "%g" form
 * that reads back as the same double (1.210 prints "1.21"), true and
 * false as "true" and "false"; objects and arrays print nothing.
 */
#ifndef GALLEY_MUSTACHE_H
#define GALLEY_MUSTACHE_H

#include <stddef.h>

#include <jansson.h>

/* How deeply partials may nest (each recursive {{>x}} is one level). */
#define MUSTACHE_MAX_DEPTH	64

struct buf;
struct mustache;

/*
 * Finds a partial by name at render time; name[0..namelen) is not
 * NUL-terminated.  load returns a compiled template that the loader owns
 * and that outlives the render, or NULL, which renders as the empty
 * string.  load may be called from several rendering threads at once, so
 * it should only read: compile every partial up front, not on first use.
 */
struct mustache_loader {
	const struct mustache	*(*load)(void *arg, const char *name,
				    size_t namelen);
	void			*arg;
};

/*
 * Compiles src[0..len), which need not be NUL-terminated and is copied.
 * Returns the template, which the caller frees with mustache_free, or
 * NULL on a syntax error (unclosed or mismatched section, unclosed tag,
 * empty tag name, bad delimiter), after writing a message such as
 * "line 3: unclosed section 'items'" into err (errlen bytes; err may be
 * NULL when errlen is 0).
 */
struct mustache	*mustache_compile(const char *src, size_t len, char *err,
		    size_t errlen);
/*
 * Calls fn for each partial t names ({{>name}}), in order, with the name
 * (not NUL-terminated) and the line it is on; stops at the first call
 * that returns non-zero and returns that, else 0.  For checking a
 * theme's references when it loads.
 */
int		 mustache_partials(const struct mustache *t,
		    int (*fn)(void *arg, const char *name, size_t namelen,
		    size_t line), void *arg);
/* Frees t and everything it holds; t may be NULL. */
void		 mustache_free(struct mustache *t);
/*
 * Renders t against view (borrowed; NULL acts as an empty object) and
 * appends the result to out.  partials may be NULL: every partial is
 * then empty.  Returns 0, or -1 if partials nest deeper than
 * MUSTACHE_MAX_DEPTH or out->err is set; out then holds partial output
 * that the caller should discard.
 */
int		 mustache_render(const struct mustache *t, json_t *view,
		    const struct mustache_loader *partials, struct buf *out);

#endif
