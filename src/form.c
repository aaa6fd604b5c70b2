/*
 * form: see form.h.  The post processor calls back with pieces of each
 * field; they are appended to that field's buffer up to its limit.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <microhttpd.h>

#include "alloc.h"
#include "form.h"

#define FORM_PP_BUFFER	8192

/*
 * libmicrohttpd 0.9.75 (and upstream still, in 1.0.1) leaks the
 * boundary of a part nested as multipart/mixed (RFC 2388's way to send
 * several files in one field, deprecated by RFC 7578) whenever another
 * such part follows: up to 8 KB a part, half of what the client sends,
 * for as long as the server runs.  A part's header starts one when it
 * holds this text, compared as the post processor compares it (ASCII
 * case folded, one space).  A multipart body holding it twice is
 * refused before the second reaches the post processor: one nested part
 * is read, and never leaks.
 */
static const char	 mixed[] = "content-type: multipart/mixed";

static int
field_index(const struct form *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields == NULL ? f->names[i] :
		    f->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Any-field mode: the field called key, made if there is room. */
static int
any_index(struct form *f, const char *key)
{
	int	 i = field_index(f, key);

	if (i != -1 || f->nfields == FORM_FIELDS || strlen(key) > 64)
		return i;
	f->names[f->nfields] = xstrdup(key);
	buf_init(&f->val[f->nfields]);
	return (int)f->nfields++;
}

static enum MHD_Result
collect(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *type, const char *encoding,
    const char *data, uint64_t off, size_t size)
{
	struct form	*f = cls;
	struct buf	*b;
	int		 i;
	size_t		 room, max;

	(void)kind;
	(void)filename;
	(void)type;
	(void)encoding;
	if (key == NULL || (i = f->fields == NULL ? any_index(f, key) :
	    field_index(f, key)) == -1)
		return MHD_YES;
	if (filename != NULL && *filename != '\0')
		f->file[i] = 1;
	b = &f->val[i];
	max = f->fields == NULL ? f->any_max : f->fields[i].max;
	/*
	 * Any-field mode keeps a repeated field's values, one a line.  A
	 * value starts with the first piece that brings bytes at offset
	 * 0: the post processor may first call with none, so an empty
	 * value looks like that call and is left out.
	 */
	if (f->fields == NULL && off == 0 && size > 0 && b->len > 0 &&
	    b->len < max)
		buf_putc(b, '\n');
	room = max > b->len ? max - b->len : 0;
	if (size > room) {
		f->too_long[i] = 1;
		size = room;
	}
	buf_write(data, size, b);
	return MHD_YES;
}

int
form_begin(struct form *f, struct MHD_Connection *conn,
    const struct form_field *fields, size_t nfields)
{
	const char	*type;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	f->fields = fields;
	f->nfields = fields == NULL ? 0 : nfields < FORM_FIELDS ? nfields :
	    FORM_FIELDS;
	f->any_max = nfields;	/* any-field mode: the limit per field */
	for (i = 0; i < f->nfields; i++)
		buf_init(&f->val[i]);
	type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (type == NULL)
		return -1;
	f->multipart = strncasecmp(type, "multipart/", 10) == 0;
	f->pp = MHD_create_post_processor(conn, FORM_PP_BUFFER, collect, f);
	return f->pp != NULL ? 0 : -1;
}

/*
 * Counts the times the text above ends in the len bytes at data, from
 * where the last piece left off.  Its one 'c' is its first byte, so a
 * byte that breaks a match starts again there or at nothing.
 */
static void
count_mixed(struct form *f, const char *data, size_t len)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < len; i++) {
		c = data[i] >= 'A' && data[i] <= 'Z' ? data[i] - 'A' + 'a' :
		    data[i];
		if (c == mixed[f->mixed_at])
			f->mixed_at++;
		else
			f->mixed_at = c == mixed[0];
		if (f->mixed_at == sizeof(mixed) - 1) {
			f->mixed++;
			f->mixed_at = 0;
		}
	}
}

int
form_feed(struct form *f, const char *data, size_t len)
{
	if (f->multipart) {
		count_mixed(f, data, len);
		if (f->mixed > 1)
			return -1;
	}
	return MHD_post_process(f->pp, data, len) == MHD_YES ? 0 : -1;
}

const char *
form_get(struct form *f, const char *name, size_t *len, int *too_long)
{
	int		 i = field_index(f, name);
	struct buf	*b;

	if (len != NULL)
		*len = 0;
	if (too_long != NULL)
		*too_long = 0;
	if (i == -1 || f->val[i].data == NULL)
		return "";
	b = &f->val[i];
	if (len != NULL)
		*len = b->len;
	if (too_long != NULL)
		*too_long = f->too_long[i];
	return b->data;
}

int
form_file(const struct form *f, const char *name)
{
	int	 i = field_index(f, name);

	return i != -1 && f->file[i];
}

void
form_free(struct form *f)
{
	size_t	 i;

	if (f->pp != NULL)
		MHD_destroy_post_processor(f->pp);
	for (i = 0; i < f->nfields; i++) {
		buf_reset(&f->val[i]);
		if (f->fields == NULL)
			free(f->names[i]);
	}
	f->nfields = 0;
	f->pp = NULL;
}
