/*
 * i18n: the catalogues and date names declared in i18n.h.  They are
 * made once (pthread_once) from the embedded po/ files and never change
 * after, which is what lets every thread read them without a lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "embed.h"
#include "i18n.h"
#include "po.h"

static const char *const codes[LANG__MAX] = { "en", "ru" };
static const char *const tags[LANG__MAX] = { "en-US", "ru-RU" };

/* English names, each marked with its context for the catalogue. */
static const struct date_names names_en = {
	{ NC_("month", "January"), NC_("month", "February"),
	  NC_("month", "March"), NC_("month", "April"), NC_("month", "May"),
	  NC_("month", "June"), NC_("month", "July"), NC_("month", "August"),
	  NC_("month", "September"), NC_("month", "October"),
	  NC_("month", "November"), NC_("month", "December") },
	{ NC_("month genitive", "January"), NC_("month genitive", "February"),
	  NC_("month genitive", "March"), NC_("month genitive", "April"),
	  NC_("month genitive", "May"), NC_("month genitive", "June"),
	  NC_("month genitive", "July"), NC_("month genitive", "August"),
	  NC_("month genitive", "September"),
	  NC_("month genitive", "October"),
	  NC_("month genitive", "November"),
	  NC_("month genitive", "December") },
	{ NC_("month short", "Jan"), NC_("month short", "Feb"),
	  NC_("month short", "Mar"), NC_("month short", "Apr"),
	  NC_("month short", "May"), NC_("month short", "Jun"),
	  NC_("month short", "Jul"), NC_("month short", "Aug"),
	  NC_("month short", "Sep"), NC_("month short", "Oct"),
	  NC_("month short", "Nov"), NC_("month short", "Dec") },
	{ NC_("weekday", "Sunday"), NC_("weekday", "Monday"),
	  NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
	  NC_("weekday", "Thursday"), NC_("weekday", "Friday"),
	  NC_("weekday", "Saturday") },
	{ NC_("weekday short", "Sun"), NC_("weekday short", "Mon"),
	  NC_("weekday short", "Tue"), NC_("weekday short", "Wed"),
	  NC_("weekday short", "Thu"), NC_("weekday short", "Fri"),
	  NC_("weekday short", "Sat") },
	NC_("time", "am"), NC_("time", "pm"), NC_("time", "AM"),
	NC_("time", "PM")
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static struct po	*cats[LANG__MAX];
static struct date_names names[LANG__MAX];

/* Inside init: i18n_pget would wait on the once that is running. */
static const char *
name_get(enum lang l, const char *ctx, const char *msgid)
{
	const char	*s = po_get(cats[l], ctx, msgid);

	return s != NULL ? s : msgid;
}

static void
names_fill(enum lang l)
{
	static const char *const ctx[] = { "month", "month genitive",
	    "month short", "weekday", "weekday short" };
	const char *const	*from[] = { names_en.month, names_en.month_gen,
	    names_en.month_short, names_en.weekday, names_en.weekday_short };
	const char		**to[] = { names[l].month, names[l].month_gen,
	    names[l].month_short, names[l].weekday, names[l].weekday_short };
	size_t			 k, i;

	for (k = 0; k < sizeof(ctx) / sizeof(ctx[0]); k++)
		for (i = 0; i < (k < 3 ? 12u : 7u); i++)
			to[k][i] = name_get(l, ctx[k], from[k][i]);
	names[l].am = name_get(l, "time", names_en.am);
	names[l].pm = name_get(l, "time", names_en.pm);
	names[l].AM = name_get(l, "time", names_en.AM);
	names[l].PM = name_get(l, "time", names_en.PM);
}

static void
init(void)
{
	const struct embed	*e;
	char			 path[32], err[200];
	int			 l;

	for (l = 1; l < LANG__MAX; l++) {
		snprintf(path, sizeof(path), "po/%s.po", codes[l]);
		if ((e = embed_find(path)) == NULL)
			continue;
		cats[l] = po_parse((const char *)e->data, e->len, err,
		    sizeof(err));
		if (cats[l] == NULL)	/* English, and say why once */
			fprintf(stderr, "galley: %s: %s\n", path, err);
	}
	names[LANG_EN] = names_en;
	for (l = 1; l < LANG__MAX; l++)
		names_fill((enum lang)l);
}

enum lang
i18n_lang(const char *code)
{
	int	 l;

	for (l = 0; code != NULL && l < LANG__MAX; l++)
		if (strcmp(code, codes[l]) == 0)
			return (enum lang)l;
	return LANG_EN;
}

const char *
i18n_code(enum lang l)
{
	return codes[l < LANG__MAX ? l : LANG_EN];
}

const char *
i18n_tag(enum lang l)
{
	return tags[l < LANG__MAX ? l : LANG_EN];
}

const struct po *
i18n_po(enum lang l)
{
	pthread_once(&once, init);
	return l < LANG__MAX ? cats[l] : NULL;
}

const char *
i18n_get(enum lang l, const char *msgid)
{
	return i18n_pget(l, NULL, msgid);
}

const char *
i18n_pget(enum lang l, const char *ctx, const char *msgid)
{
	const char	*s = po_get(i18n_po(l), ctx, msgid);

	return s != NULL ? s : msgid;
}

const char *
i18n_nget(enum lang l, const char *msgid, const char *plural,
    unsigned long n)
{
	const struct po	*po = i18n_po(l);
	const char	*s = po_form(po, NULL, msgid, po_plural(po, n));

	if (s != NULL)
		return s;
	return n == 1 ? msgid : plural;
}

const struct date_names *
i18n_date_names(enum lang l)
{
	pthread_once(&once, init);
	return &names[l < LANG__MAX ? l : LANG_EN];
}
