/*
 * po: a GNU gettext PO catalogue read into memory and looked up by
 * message, with the Plural-Forms expression of its header compiled to
 * a small tree and evaluated per count.  Read-only once parsed, so any
 * number of threads may look up one catalogue; no global locale state
 * (libc's gettext is process-wide and wants installed .mo files).
 *
 * What is read: msgctxt, msgid, msgid_plural, msgstr and msgstr[N],
 * strings continued over several lines, C escapes, comments.  Entries
 * marked fuzzy, obsolete ones (#~) and untranslated ones (an empty
 * msgstr, or any empty msgstr[N]) are left out, so a lookup misses and
 * the caller falls back to the msgid.
 */
#ifndef GALLEY_PO_H
#define GALLEY_PO_H

#include <stddef.h>

/* Most plural forms a catalogue may declare. */
#define PO_MAX_FORMS	6

struct po;
struct po_plural;

/*
 * Parses src[0..len).  Returns the catalogue, which the caller frees
 * with po_free, or NULL after writing "line N: why" into err.
 */
struct po	*po_parse(const char *src, size_t len, char *err,
		    size_t errlen);
void		 po_free(struct po *);
/*
 * The translation of msgid in context ctx (NULL: none), or NULL when the
 * catalogue has none.  Valid as long as the catalogue.
 */
const char	*po_get(const struct po *, const char *ctx, const char *msgid);
/*
 * Plural form `form` of the entry msgid (its msgid_plural is not part of
 * the key, as in gettext), or NULL when there is none.
 */
const char	*po_form(const struct po *, const char *ctx, const char *msgid,
		    int form);
/* The form a count takes (0 .. po_nplurals - 1), from Plural-Forms. */
int		 po_plural(const struct po *, unsigned long n);
int		 po_nplurals(const struct po *);
/* Calls fn on every entry (translated ones), in key order. */
void		 po_each(const struct po *, void (*fn)(void *arg,
		    const char *ctx, const char *msgid, const char *plural,
		    const char *const *msgstr, int nmsgstr), void *arg);

/*
 * A Plural-Forms expression ("n%10==1 && n%100!=11 ? 0 : 1"), C syntax:
 * ?:, ||, &&, == != < > <= >=, + - * / %, !, parentheses, n and
 * decimal numbers.  Division by zero gives 0.  Returns NULL on a
 * syntax error.
 */
struct po_plural *po_plural_parse(const char *expr);
unsigned long	 po_plural_eval(const struct po_plural *, unsigned long n);
void		 po_plural_free(struct po_plural *);

#endif
