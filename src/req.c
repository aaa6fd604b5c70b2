/*
 * req: the HTTP glue of a request (see req.h): the query arguments a
 * handler may read, and what a handler knows of who sent it: the
 * client's address (through trusted proxies), headers and cookies, and
 * whether it came over TLS.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <microhttpd.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "conf.h"
#include "page.h"
#include "req.h"
#include "setting.h"
#include "site.h"
#include "url.h"

/*
 * The query arguments a page handler reads (req_arg).  A request that
 * carries one is rendered for itself and never cached.
 */
static const char *const vary_args[] = { "replytocom", "unapproved" };

/* The arguments the admin pages read; they are never cached. */
static const char *const admin_args[] = { "status", "q", "page", "done",
    "next", "edit", "author", "category", "t", "undo" };

const char *
req_arg(struct req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(vary_args) / sizeof(vary_args[0]); i++)
		if (strcmp(vary_args[i], name) == 0)
			return MHD_lookup_connection_value(r->http,
			    MHD_GET_ARGUMENT_KIND, name);
	for (i = 0; r->route.kind == ROUTE_ADMIN &&
	    i < sizeof(admin_args) / sizeof(admin_args[0]); i++)
		if (strcmp(admin_args[i], name) == 0)
			return MHD_lookup_connection_value(r->http,
			    MHD_GET_ARGUMENT_KIND, name);
	return NULL;	/* not in vary_args: the cache would not vary */
}

void
req_admin_query(struct req *r, struct buf *b)
{
	const char	*v;
	size_t		 i;
	int		 n = 0;

	for (i = 0; i < sizeof(admin_args) / sizeof(admin_args[0]); i++) {
		if (strcmp(admin_args[i], "next") == 0 ||
		    strcmp(admin_args[i], "done") == 0 ||
		    strcmp(admin_args[i], "undo") == 0 ||
		    (v = req_arg(r, admin_args[i])) == NULL)
			continue;
		buf_printf(b, "%c%s=", n++ ? '&' : '?', admin_args[i]);
		url_escape(b, v);
	}
}

/* Returns 1 if the request carries an argument some handler reads. */
int
req_varies(struct MHD_Connection *conn)
{
	size_t	 i;

	for (i = 0; i < sizeof(vary_args) / sizeof(vary_args[0]); i++)
		if (MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
		    vary_args[i]) != NULL)
			return 1;
	return 0;
}

/* The address sa as text into out (INET6_ADDRSTRLEN bytes); "" if none. */
static void
addr_text(const struct sockaddr *sa, char *out, size_t len)
{
	*out = '\0';
	if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)len);
	else if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)len);
}

void
req_addr(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	addr_text(ci != NULL ? ci->client_addr : NULL, out, len);
}

const char *
req_peer(struct req *r, struct MHD_Connection *conn)
{
	char	 s[INET6_ADDRSTRLEN];

	req_addr(conn, s, sizeof(s));
	return arena_strdup(&r->arena, s);
}

int
req_trusted(const struct site *site, const char *ip, size_t n)
{
	const char	*list = conf_get(site->conf, "trusted_proxies"), *p;
	size_t		 k;

	for (p = list; p != NULL && *p != '\0'; p += k) {
		p += strspn(p, " ,\t");
		k = strcspn(p, " ,\t");
		if (k == n && k > 0 && strncmp(p, ip, n) == 0)
			return 1;
	}
	return 0;
}

const char *
req_client(struct req *r, struct MHD_Connection *conn, const char *peer)
{
	const char	*xff, *hop[32];
	char		*list, *p, *save = NULL;
	size_t		 n = 0, len;

	if (!req_trusted(r->site, peer, strlen(peer)) ||
	    (xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-For")) == NULL)
		return peer;
	list = arena_strndup(&r->arena, xff, strnlen(xff, 2048));
	for (p = strtok_r(list, ",", &save); p != NULL && n < 32;
	    p = strtok_r(NULL, ",", &save)) {
		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		p[len] = '\0';
		if (len > 0 && len < 64)
			hop[n++] = p;
	}
	while (n > 0) {
		n--;
		if (!req_trusted(r->site, hop[n], strlen(hop[n])))
			return hop[n];
	}
	return peer;
}

void
req_context(struct req *r, struct MHD_Connection *conn)
{
	const char	*peer = req_peer(r, conn), *proto;

	r->ip = req_client(r, conn, peer);
	r->user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_USER_AGENT);
	r->origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Origin");
	r->fetch_site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Sec-Fetch-Site");
	r->host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	r->voter_cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
	    "galley_voter");
	r->session_cookie = MHD_lookup_connection_value(conn,
	    MHD_COOKIE_KIND, AUTH_COOKIE);
	proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-Proto");
	r->https = strncmp(set_text(page_settings(r), SET_BASE_URL), "https:",
	    6) == 0 || (proto != NULL && strcmp(proto, "https") == 0 &&
	    req_trusted(r->site, peer, strlen(peer)));
}

