/*
 * form: the fields of a POSTed HTML form, urlencoded or multipart, read
 * with libmicrohttpd's post processor.  The caller names the fields it
 * wants and the most bytes each may hold; anything else is dropped, and a
 * field over its limit is kept cut at the limit and flagged, so a form
 * sent back to its writer loses nothing that could be shown.
 */
#ifndef GALLEY_FORM_H
#define GALLEY_FORM_H

#include <stddef.h>

#include "buf.h"

struct MHD_Connection;
struct MHD_PostProcessor;

#define FORM_FIELDS	64

struct form_field {
	const char	*name;
	size_t		 max;		/* bytes */
};

struct form {
	const struct form_field	*fields;	/* NULL: any field */
	size_t			 nfields;
	char			*names[FORM_FIELDS];	/* any-field mode */
	size_t			 any_max;
	struct buf		 val[FORM_FIELDS];
	int			 too_long[FORM_FIELDS];
	int			 file[FORM_FIELDS];	/* a file was chosen */
	struct MHD_PostProcessor *pp;
	int			 multipart;
	size_t			 mixed_at;	/* see count_mixed() */
	int			 mixed;
};

/*
 * Prepares f to read the request body of conn into the named fields,
 * or, with fields NULL, into any fields (the first FORM_FIELDS names,
 * each up to nfields bytes; a repeated field's values joined by
 * newlines, as checkboxes send them, empty ones left out).  Returns 0,
 * or -1 if the body is neither urlencoded nor multipart.
 */
int	form_begin(struct form *f, struct MHD_Connection *conn,
	    const struct form_field *fields, size_t nfields);
/*
 * Feeds one piece of the body.  Returns 0, or -1 if it does not parse
 * or is a multipart body that nests a second part as multipart/mixed
 * (see form.c).
 */
int	form_feed(struct form *f, const char *data, size_t len);
/*
 * Returns field name's value (NUL-terminated, "" if absent; valid until
 * form_free) and sets *len and *too_long when asked.
 */
const char *form_get(struct form *f, const char *name, size_t *len,
	    int *too_long);
/* Returns 1 if the form carried a file (with a name) in field name. */
int	form_file(const struct form *f, const char *name);
void	form_free(struct form *f);

#endif
