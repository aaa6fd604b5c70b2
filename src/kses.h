/*
 * kses: the HTML a writer without unfiltered HTML may publish, as
 * WordPress's wp_kses_post() filters an author's post.  Editors and
 * admins are trusted with any HTML; an author's body keeps its text and
 * the elements of ordinary writing (paragraphs, headings, lists, links,
 * pictures, tables, quotes), and loses scripts, frames, forms, styles,
 * <meta> and <base>, event handlers, and links whose scheme is not
 * http, https or mailto.
 */
#ifndef GALLEY_KSES_H
#define GALLEY_KSES_H

#include <stddef.h>

struct buf;

/*
 * Appends html[0..len), filtered, to out: allowed elements with their
 * allowed attributes, re-escaped through html.h; the content of other
 * elements (text and allowed elements inside) without their tags,
 * except for elements whose content is code or raw text (script, style,
 * iframe, template, textarea, title and the like), which go whole.
 * List items and a table's parts are written only inside their list or
 * table, where a browser keeps them.  Comments go too.  The output is
 * well formed: every element written is closed.  Safe to call from
 * several threads at once.
 */
void	kses(struct buf *out, const char *html, size_t len);

#endif
