/*
 * i18n: the site's language.  English is the msgids themselves; every
 * other language is a PO catalogue embedded from po/ (po/ru.po), parsed
 * once, on first use, and read-only after, so any thread may look up.
 * A string the catalogue lacks (or marks fuzzy) falls back to English.
 *
 * C code marks what it shows readers so scripts/pot.sh finds it:
 * i18n_get(lang, "msgid"), i18n_pget(lang, "context", "msgid"),
 * i18n_nget(lang, "singular", "plural", n), and N_("msgid") for a string
 * kept in a table or a struct and translated later by i18n_get
 * (NC_("context", "msgid") for i18n_pget, NN_("one", "many") for
 * i18n_nget).
 */
#ifndef GALLEY_I18N_H
#define GALLEY_I18N_H

#include "date.h"

/* Marks a msgid translated later (gettext's N_). */
#define N_(s)	s
/* The same, with a context (msgctxt). */
#define NC_(c, s)	s
/* A singular and plural pair, two fields of a table, for i18n_nget. */
#define NN_(s, p)	s, p

enum lang {
	LANG_EN,
	LANG_RU,
	LANG__MAX
};

struct po;

/* The language of a code ("ru"); anything unknown is English. */
enum lang	 i18n_lang(const char *code);
/* The code of a language, for <html lang> ("en", "ru"). */
const char	*i18n_code(enum lang);
/* Its tag with a region, as WordPress's feeds give it ("en-US"). */
const char	*i18n_tag(enum lang);
/* The catalogue of lang, or NULL for English (or one that is broken). */
const struct po	*i18n_po(enum lang);
/*
 * The translation of msgid, or msgid itself; valid for the process.
 * pget looks it up in a context (msgctxt), nget picks the plural form
 * that n takes (English: singular for 1 alone).
 */
/* format_arg: a msgid used as a printf format is checked as one. */
const char	*i18n_get(enum lang, const char *msgid)
		    __attribute__((format_arg(2)));
const char	*i18n_pget(enum lang, const char *ctx, const char *msgid)
		    __attribute__((format_arg(3)));
const char	*i18n_nget(enum lang, const char *msgid, const char *plural,
		    unsigned long n)
		    __attribute__((format_arg(2), format_arg(3)));
/* The month and weekday names of lang (msgctxt "month", ...). */
const struct date_names *i18n_date_names(enum lang);

#endif
