/*
 * date: see date.h.  Calendar arithmetic is done by hand on day counts
 * (Howard Hinnant's civil-from-days algorithms), so a date needs neither
 * the process's TZ nor its locale, and any thread may write one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "tz.h"

void
date_utc(int64_t t, struct tm *tm)
{
	time_t	 tt = (time_t)t;

	if ((int64_t)tt != t || gmtime_r(&tt, tm) == NULL) {
		tt = 0;
		gmtime_r(&tt, tm);
	}
}

int64_t
date_days(int64_t y, int m, int d)
{
	int64_t		 era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

void
date_civil(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
date_month_days(int64_t y, int m)
{
	static const int	 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

void
date_local(int64_t t, const struct tz *z, struct tm *tm)
{
	int64_t		 local, days, y;
	int		 m, d, isdst, secs;
	int32_t		 off;

	/* Past year 2^31 tm_year cannot hold it: a corrupt row. */
	if (t < -67767976233316800LL || t > 67767976233316800LL)
		t = 0;
	off = tz_offset(z, t, NULL, &isdst);
	local = t + off;
	days = local / 86400 - (local % 86400 < 0);
	secs = (int)(local - days * 86400);
	date_civil(days, &y, &m, &d);
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = secs / 3600;
	tm->tm_min = secs / 60 % 60;
	tm->tm_sec = secs % 60;
	tm->tm_wday = (int)(((days % 7) + 11) % 7);	/* 1970-01-01: Thu */
	tm->tm_yday = (int)(days - date_days(y, 1, 1));
	tm->tm_isdst = isdst;
	tm->tm_gmtoff = off;
}

const struct date_names date_names_en = {
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	  "Oct", "Nov", "Dec" },
	{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	  "Saturday" },
	{ "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
	"am", "pm", "AM", "PM"
};

/* 1 if fmt has a day number before the month name, as "j F" or "d. F". */
static int
genitive(const char *fmt)
{
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != 'd' && *fmt != 'j')
			continue;
		if (fmt[1] == ' ' && fmt[2] == 'F')
			return 1;
		if (fmt[1] == '.' && fmt[2] == ' ' && fmt[3] == 'F')
			return 1;
	}
	return 0;
}

/* The ISO 8601 weeks in year y: 53 if it starts or ends on a Thursday. */
static int
iso_weeks(int64_t y)
{
	int64_t	 p = (y + y / 4 - y / 100 + y / 400) % 7,
		 q = (y - 1 + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400) % 7;

	return 52 + (p == 4 || q == 3);
}

/* The ISO 8601 week of tm and its year. */
static int
iso_week(const struct tm *tm, int64_t *year)
{
	int	 wd = (tm->tm_wday + 6) % 7 + 1, w;

	*year = tm->tm_year + 1900LL;
	w = (tm->tm_yday + 1 - wd + 10) / 7;
	if (w < 1)
		w = iso_weeks(--*year);
	else if (w > iso_weeks(*year)) {
		w = 1;
		++*year;
	}
	return w;
}

/*
 * Appends v in decimal, zero-padded to width as printf's "%0*lld" pads
 * it (a sign counts in the width).  Not printf: a page of comments
 * writes two dates each, and vsnprintf cost more than the rest of them.
 */
static void
put_num(struct buf *b, int64_t v, int width)
{
	char		 d[24], *p = d + sizeof(d);
	uint64_t	 u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		width--;
	while (d + sizeof(d) - p < width)
		*--p = '0';
	if (v < 0)
		*--p = '-';
	buf_write(p, (size_t)(d + sizeof(d) - p), b);
}

/* Appends an offset east of UTC as +hhmm, or +hh:mm with colon. */
static void
put_offset(struct buf *b, int32_t off, int colon)
{
	int	 a = off < 0 ? -off : off;

	buf_putc(b, off < 0 ? '-' : '+');
	put_num(b, a / 3600, 2);
	if (colon)
		buf_putc(b, ':');
	put_num(b, a / 60 % 60, 2);
}

static const char *
suffix(int d)
{
	if (d >= 11 && d <= 13)
		return "th";
	return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" :
	    "th";
}

/* Appends letter c of a date; 0 if c is no letter of ours. */
static int
letter(struct buf *b, char c, const struct tm *tm, int64_t t,
    const struct tz *z, const struct date_names *n, int gen)
{
	const char	*abbr;
	int64_t		 y = tm->tm_year + 1900LL, iy;
	int		 h12 = tm->tm_hour % 12 == 0 ? 12 : tm->tm_hour % 12;

	switch (c) {
	case 'd': put_num(b, tm->tm_mday, 2); break;
	case 'D': buf_puts(b, n->weekday_short[tm->tm_wday]); break;
	case 'j': put_num(b, tm->tm_mday, 0); break;
	case 'l': buf_puts(b, n->weekday[tm->tm_wday]); break;
	case 'N': put_num(b, (tm->tm_wday + 6) % 7 + 1, 0); break;
	case 'S': buf_puts(b, suffix(tm->tm_mday)); break;
	case 'w': put_num(b, tm->tm_wday, 0); break;
	case 'z': put_num(b, tm->tm_yday, 0); break;
	case 'W': put_num(b, iso_week(tm, &iy), 2); break;
	case 'F': buf_puts(b, (gen ? n->month_gen : n->month)[tm->tm_mon]);
		break;
	case 'm': put_num(b, tm->tm_mon + 1, 2); break;
	case 'M': buf_puts(b, n->month_short[tm->tm_mon]); break;
	case 'n': put_num(b, tm->tm_mon + 1, 0); break;
	case 't': put_num(b, date_month_days(y, tm->tm_mon + 1), 0);
		break;
	case 'L': buf_putc(b, date_month_days(y, 2) == 29 ? '1' : '0'); break;
	case 'o': iso_week(tm, &iy); put_num(b, iy, 0);
		break;
	case 'Y': put_num(b, y, 4); break;
	case 'y': put_num(b, (int)(y % 100), 2); break;
	case 'a': buf_puts(b, tm->tm_hour < 12 ? n->am : n->pm); break;
	case 'A': buf_puts(b, tm->tm_hour < 12 ? n->AM : n->PM); break;
	case 'g': put_num(b, h12, 0); break;
	case 'G': put_num(b, tm->tm_hour, 0); break;
	case 'h': put_num(b, h12, 2); break;
	case 'H': put_num(b, tm->tm_hour, 2); break;
	case 'i': put_num(b, tm->tm_min, 2); break;
	case 's': put_num(b, tm->tm_sec, 2); break;
	case 'u': buf_puts(b, "000000"); break;
	case 'v': buf_puts(b, "000"); break;
	case 'e': buf_puts(b, tz_name(z)); break;
	case 'I': buf_putc(b, tm->tm_isdst ? '1' : '0'); break;
	case 'O': put_offset(b, (int32_t)tm->tm_gmtoff, 0); break;
	case 'P': put_offset(b, (int32_t)tm->tm_gmtoff, 1); break;
	case 'p':
		if (tm->tm_gmtoff == 0)
			buf_putc(b, 'Z');
		else
			put_offset(b, (int32_t)tm->tm_gmtoff, 1);
		break;
	case 'T': tz_offset(z, t, &abbr, NULL); buf_puts(b, abbr); break;
	case 'Z': put_num(b, tm->tm_gmtoff, 0); break;
	case 'c': date_format(b, "Y-m-d\\TH:i:sP", t, z, n); break;
	case 'r': date_format(b, "D, d M Y H:i:s O", t, z, &date_names_en);
		break;
	case 'U': put_num(b, t, 0); break;
	default: return 0;
	}
	return 1;
}

void
date_format(struct buf *b, const char *fmt, int64_t t, const struct tz *z,
    const struct date_names *n)
{
	struct tm	 tm;
	int		 gen = genitive(fmt);

	date_local(t, z, &tm);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == '\\' && fmt[1] != '\0')
			buf_putc(b, *++fmt);
		else if (!letter(b, *fmt, &tm, t, z, n, gen))
			buf_putc(b, *fmt);
	}
}
