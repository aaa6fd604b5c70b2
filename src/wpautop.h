/*
 * wpautop: WordPress's wpautop() with $br = true, so that post bodies
 * written for WordPress (blank lines between paragraphs, raw block HTML
 * mixed in) render here exactly as they did there.  Each regular
 * expression is WordPress's own, compiled once with PCRE2.
 */
#ifndef GALLEY_WPAUTOP_H
#define GALLEY_WPAUTOP_H

#include <stddef.h>

struct buf;

/*
 * Appends in[0..len) to out with paragraphs as WordPress makes them:
 * blank lines become <p> boundaries, other newlines "<br />\n" except
 * around block tags; <pre> and the insides of <script>, <style>, <svg>
 * and <math> keep their newlines.  Input that is empty or only
 * whitespace appends nothing.  The input is trusted HTML and passes
 * through unescaped.  Safe to call from several threads at once.
 */
void	wpautop(struct buf *out, const char *in, size_t len);

#endif
