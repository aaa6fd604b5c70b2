/*
 * wxr: a streaming reader of WordPress's export format (WXR 1.0, 1.1 and
 * 1.2) on libxml2's xmlTextReader.  Nothing is built but the record being
 * read: a channel's authors and terms one at a time, then each item, then
 * each of its comments, handed to the caller's functions as they end, so
 * a file of any size is read within the memory of its largest record
 * (libxml2 bounds one text node at 10 MB).  Elements are known by their
 * namespace URI, never their prefix; anything not WordPress's is passed
 * over.  It knows nothing of Galley: import.c maps what it reads, and an
 * exporter can write the same structs back.
 */
#ifndef GALLEY_WXR_H
#define GALLEY_WXR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Strings below are never NULL ("" when absent) and valid only during
 * the call they are passed to.  Scalar fields have their surrounding
 * white space trimmed; bodies (content, excerpt, comment content) are
 * as written.  line is where the record starts.
 */
struct wxr_channel {
	const char	*version;	/* wp:wxr_version: "1.0" .. "1.2" */
	const char	*title;
	const char	*link;
	const char	*base_site_url;
	const char	*base_blog_url;
	const char	*generator;	/* "Galley" in an export of ours */
};

struct wxr_author {
	int64_t		 id;
	const char	*login;
	const char	*email;
	const char	*display_name;
	const char	*first_name;
	const char	*last_name;
	long		 line;
};

/* wp:category, wp:tag or wp:term, as one shape. */
struct wxr_term {
	int64_t		 id;
	const char	*taxonomy;	/* "category", "post_tag", other */
	const char	*slug;
	const char	*name;
	const char	*parent;	/* the parent's slug, or "" */
	const char	*description;
	long		 line;
};

/* An item's <category domain= nicename=>NAME</category>. */
struct wxr_cat {
	const char	*domain;	/* "category", "post_tag", other */
	const char	*nicename;
	const char	*name;
};

/* An item's <wp:postmeta>: a key and its value, as written. */
struct wxr_meta {
	const char	*key;
	const char	*value;
};

struct wxr_item {
	int64_t		 id;		/* wp:post_id, 0 if none */
	int64_t		 parent;	/* wp:post_parent */
	int64_t		 menu_order;
	int		 sticky;	/* wp:is_sticky */
	const char	*title;
	const char	*link;
	const char	*guid;
	const char	*creator;	/* dc:creator (or wp:author): a login */
	const char	*content;
	const char	*excerpt;
	const char	*date;		/* wp:post_date, site time */
	const char	*date_gmt;	/* wp:post_date_gmt */
	const char	*comment_status;	/* open, closed */
	const char	*name;		/* wp:post_name: the slug */
	const char	*status;	/* publish, draft, ... */
	const char	*type;		/* post, page, attachment, ... */
	const char	*password;
	const char	*attachment_url;
	const struct wxr_cat *cats;
	size_t		 ncats;
	const struct wxr_meta *metas;	/* those before its first comment */
	size_t		 nmetas;
	long		 line;
};

struct wxr_comment {
	int64_t		 id;
	int64_t		 parent;	/* 0: top level */
	int64_t		 user_id;
	const char	*author;
	const char	*email;
	const char	*url;
	const char	*ip;
	const char	*date;
	const char	*date_gmt;
	const char	*content;
	const char	*approved;	/* "1", "0", "spam", "trash" ... */
	const char	*type;		/* "", "comment", "pingback" ... */
	long		 line;
};

/*
 * What the reader calls, each optional (NULL).  channel comes once,
 * before the first author, term or item, or at the end if none; item
 * when the item's own fields are read (at its first comment, or its
 * end: WordPress writes comments last), then comment for each of its
 * comments, then item_end.  A function returning non-zero stops the
 * read and wxr_read returns that value.
 */
struct wxr_handler {
	void	*arg;
	int	(*channel)(void *, const struct wxr_channel *);
	int	(*author)(void *, const struct wxr_author *);
	int	(*term)(void *, const struct wxr_term *);
	int	(*item)(void *, const struct wxr_item *);
	int	(*comment)(void *, const struct wxr_item *,
		    const struct wxr_comment *);
	int	(*item_end)(void *, const struct wxr_item *);
};

/*
 * Reads the WXR file at path (or data[0..len) with wxr_read_memory),
 * calling h's functions as records end.  Returns 0 when the whole file
 * was read; -1 when it is not well-formed XML, not an RSS document, or
 * not WXR (no wp:wxr_version, or one other than 1.0, 1.1, 1.2), with a
 * sentence naming the line (and column, for XML errors) in err; or what
 * a handler returned.  No network access: external entities and DTDs
 * are never loaded.
 */
int	wxr_read(const char *path, const struct wxr_handler *h, char *err,
	    size_t errlen);
int	wxr_read_memory(const void *data, size_t len,
	    const struct wxr_handler *h, char *err, size_t errlen);

#endif
