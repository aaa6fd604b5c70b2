/*
 * mail: what Galley sends by email, and how a message gets into the
 * outbox.  A request never sends: it records an event (mail_event) or
 * adds a whole message (mail_queue), inside the transaction of what
 * caused it, so the mail is sent if and only if that commits.  The
 * sender (outbox.h), one per node, turns events into messages and
 * delivers the outbox over SMTP with retries.
 *
 * Messages are built with GMime: MIME with a text part and an HTML part
 * (multipart/alternative), UTF-8 headers encoded as RFC 2047 asks, a
 * Message-ID made once and kept across retries, and, for mail a reader
 * asked for, List-Unsubscribe with RFC 8058's one-click POST.  The body
 * is kept sealed with a key drawn from the site secret (it may hold a
 * password link), and dropped once sent.
 *
 * Mail is on when galley.conf names an SMTP server (smtp_url) and a
 * sender (mail_from); with neither, nothing is queued.
 */
#ifndef GALLEY_MAIL_H
#define GALLEY_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "i18n.h"

struct arena;
struct conf;
struct env;
struct mail_conf;
struct site;

/*
 * Reads the mail keys of galley.conf: smtp_url (smtp:// with STARTTLS
 * required unless the host is loopback, or smtps:// for TLS from the
 * start), smtp_user, smtp_password or smtp_password_file (read now; a
 * path relative to dir), mail_from ("Name <addr>" or "addr"),
 * smtp_connect_timeout and smtp_timeout (seconds), mail_retry_seconds
 * (the first retry's wait, doubled at each retry up to an hour).  *out is NULL when
 * smtp_url is absent or empty: mail is off.  Returns 0, or -1 with a
 * sentence naming the key in err.
 */
int	mail_conf_load(const struct conf *, const char *dir,
	    struct mail_conf **out, char *err, size_t errlen);
void	mail_conf_free(struct mail_conf *);

/* What the sender needs of the configuration (NULL: mail is off). */
struct mail_smtp {
	const char	*url;
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	const char	*from_addr;	/* the envelope sender */
	int		 tls_required;	/* smtp:// off loopback: STARTTLS
					   or fail (smtps:// is TLS always) */
	long		 connect_timeout;	/* seconds */
	long		 timeout;		/* seconds, the whole exchange */
	long		 retry;		/* seconds to the first retry */
};
const struct mail_smtp *mail_smtp(const struct site *);

/* Returns 1 if mail is on for the site. */
int	mail_on(const struct site *);

/* One message to queue. */
struct mail_out {
	const char	*kind;		/* confirm, reply, digest, notice,
					   reset, invite, test */
	const char	*to;		/* the recipient's address */
	const char	*to_name;	/* NULL or "" for none */
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* the text part, UTF-8 */
	const char	*html;		/* the HTML part, or NULL */
	const char	*unsubscribe;	/* an https URL for List-Unsubscribe
					   (one-click POST), or NULL */
	int64_t		 due;		/* not sent before; 0: now */
};

/*
 * Builds m as a whole message (CRLF line ends) dated now, with a new
 * Message-ID, into a: *msg, *len, and the Message-ID in *message_id
 * ("<...@host>").  Returns 0, or -1 if GMime failed.
 */
int	mail_build(const struct site *, struct arena *a,
	    const struct mail_out *m, int64_t now, char **msg, size_t *len,
	    char **message_id);

/*
 * In the caller's transaction on e->conn: builds m and adds it to the
 * outbox, sealed.  Does nothing when mail is off, or (logged) when
 * m->to is not an email address (comment_email_ok).  Returns a store_rc.
 * The sender learns of it at its next look (mail_wake after the commit
 * makes that now).
 */
int	mail_queue(const struct env *e, const struct mail_out *m);

/*
 * In the caller's transaction on e->conn: records that kind happened to
 * item, for the sender to act on (notify.h).  Does nothing when mail
 * is off.  Returns a store_rc.
 */
int	mail_event(const struct env *e, const char *kind, int64_t item);

/*
 * Tells this node's sender to look now (after a commit that queued
 * something); it looks every few seconds anyway, as other nodes' mail
 * may be due.  Cheap, and a no-op when mail is off.
 */
void	mail_wake(const struct site *);
/*
 * For the sender: waits until mail_wake or ms milliseconds pass.
 * Returns 1 if woken.
 */
int	mail_wait(const struct site *, int ms);

/*
 * Seals msg[0..len) with the site's mail key, into a: *out, *outlen.
 * mail_unseal reverses it (*out NUL-terminated, in a); it returns -1 if
 * the sealed bytes were not made with this site's secret or were
 * changed.
 */
void	mail_seal(const struct site *, struct arena *a, const void *msg,
	    size_t len, void **out, size_t *outlen);
int	mail_unseal(const struct site *, struct arena *a, const void *sealed,
	    size_t len, char **out, size_t *outlen);

/*
 * A new view for mail_render with what every mail template reads:
 * "site" {"title", "base_url", "lang"} and "subject".  Its values are
 * jansson's (json_decref it); strings are read from e's settings.
 */
json_t	*mail_view(const struct env *e, const char *subject);
/* The site's language, which mail is written in (i18n_get's lang). */
enum lang mail_lang(const struct env *e);
/*
 * The site's base_url as links in mail begin with it (no trailing
 * slash), in e's arena.
 */
const char *mail_base(const struct env *e);

/*
 * Renders the theme's mail templates NAME: mail-NAME-text (the text
 * part, alone) and mail-NAME (the HTML part, inside mail-layout),
 * against view, into e's arena.  Returns 0, or -1 if either failed.
 */
int	mail_render(const struct env *e, const char *name, json_t *view,
	    char **text, char **html);

/* GMime's one-time set-up: call before any GMime use (thread-safe). */
void	mail_gmime_init(void);

#endif
