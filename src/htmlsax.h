/*
 * htmlsax: libxml2's HTML parser run over bytes with callbacks, building
 * no tree.  The spam tokenizer reads comments' HTML through it and kses
 * filters writers' HTML through it, so both see HTML as a browser would:
 * entities decoded, unclosed elements closed, broken markup recovered.
 */
#ifndef GALLEY_HTMLSAX_H
#define GALLEY_HTMLSAX_H

#include <stddef.h>

struct htmlsax {
	/* An element opens: name lower-cased; attrs name, value pairs
	 * (a value may be NULL), NULL-terminated; attrs itself may be NULL. */
	void	(*start)(void *arg, const char *name, const char **attrs);
	/* An element closes; every start gets its end. */
	void	(*end)(void *arg, const char *name);
	/* Text, entities decoded, whitespace included, in pieces. */
	void	(*text)(void *arg, const char *s, size_t len);
};

/* Readies libxml2, once per process; htmlsax_parse calls it too. */
void	htmlsax_init(void);
/*
 * Parses s[0..len) (at most 16 MB of it), calling cb with arg.  Bytes
 * that are not UTF-8, and NULs, become '?' first: libxml2 would stop at
 * them.
 * Comments and processing instructions are not reported.  Returns 0,
 * or -1 if the parser could not start (nothing was reported).  Safe to
 * call from several threads at once.
 */
int	htmlsax_parse(const char *s, size_t len, const struct htmlsax *cb,
	    void *arg);

#endif
