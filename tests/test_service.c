/*
 * test_service: `galley serve` as a system service runs it.  Readiness
 * through sd_notify, heard on a real datagram socket named by
 * NOTIFY_SOCKET as systemd would: READY=1 once the port answers,
 * RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 at SIGTERM.  The
 * access log appended to --log FILE, reopened on SIGHUP after logrotate
 * renames it (a failed reopen keeps the old file); a bad --log refused
 * at start.  SIGHUP reads the settings again: changed with `galley
 * config`, and (SQLite) written behind the node's back with the data
 * generation set back, as a restore does, which only a reload shows.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

/* What systemd would have heard so far, one datagram a line. */
static struct buf	 heard;

/* A datagram socket bound to path, as systemd's notify socket. */
static int
notify_listen(const char *path)
{
	struct sockaddr_un	 sa = { .sun_family = AF_UNIX };
	int			 fd;

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    (fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Waits up to ms for want to appear in what was heard from offset from
 * on; returns 1 if it did.
 */
static int
notify_wait(int fd, size_t from, const char *want, int ms)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	char		 d[4096];
	ssize_t		 n;
	int		 waited = 0;

	for (;;) {
		if (heard.len > from && strstr(heard.data + from, want))
			return 1;
		if (waited >= ms)
			return 0;
		if (poll(&p, 1, 50) == 1 && (n = recv(fd, d, sizeof(d), 0)) > 0) {
			buf_write(d, (size_t)n, &heard);
			buf_puts(&heard, "\n");
			buf_putc(&heard, '\0');
			heard.len--;
		} else
			waited += 50;
	}
}

/* Returns 1 if the file path holds s (the log written, moments ago). */
static int
file_has(const char *path, const char *s)
{
	struct buf	 b;
	int		 i, has = 0;

	for (i = 0; i < 50 && !has; i++) {
		if (i > 0)
			usleep(20000);
		has = file_slurp(path, &b) == 0 && strstr(b.data, s) != NULL;
		buf_reset(&b);
	}
	return has;
}

/*
 * Sends SIGHUP and returns 1 once systemd would have heard the reload
 * begin (RELOADING=1, with the time) and end (READY=1), in that order.
 */
static int
hup(struct srv *s, int nfd)
{
	size_t	 at = heard.len;
	char	*r;

	if (kill(s->pid, SIGHUP) != 0 || !notify_wait(nfd, at, "READY=1",
	    5000))
		return 0;
	r = strstr(heard.data + at, "RELOADING=1\nSTATUS=Reloading\n"
	    "MONOTONIC_USEC=");
	return r != NULL && strstr(r, "READY=1\nSTATUS=Serving on http://"
	    "127.0.0.1:") != NULL;
}

static long
get(struct srv *s, const char *path)
{
	struct resp	 r;
	long		 st;

	if (http_get(s, path, &r) != 0)
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* A bad --log is refused at start, naming the file and the reason. */
static void
bad_log(const char *dir)
{
	struct buf	 out;

	buf_init(&out);
	CHECK(run_galley((const char *[]){ "serve", dir, "--listen",
	    "127.0.0.1:0", "--log", "/nonexistent/galley/access.log", NULL },
	    &out) == 1);
	buf_putc(&out, '\0');
	CHECK(strstr(out.data, "cannot open the log"
	    " /nonexistent/galley/access.log: No such file or directory"));
	buf_reset(&out);
}

/*
 * Whether the server's descriptor open on path is close-on-exec, read
 * from /proc: 1 if it is, 0 if not, -1 if no descriptor is on path.
 */
static int
log_cloexec(const struct srv *s, const char *path)
{
	char		 dir[64], link[1200], at[4200], got[1200];
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	unsigned long	 flags;
	ssize_t		 n;
	int		 r = -1;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)s->pid);
	if (realpath(path, got) == NULL || (d = opendir(dir)) == NULL)
		return -1;
	while (r == -1 && (de = readdir(d)) != NULL) {
		snprintf(at, sizeof(at), "%s/%s", dir, de->d_name);
		if ((n = readlink(at, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, got) != 0)
			continue;
		snprintf(at, sizeof(at), "/proc/%d/fdinfo/%s", (int)s->pid,
		    de->d_name);
		if ((f = fopen(at, "r")) == NULL)
			continue;
		while (fgets(link, sizeof(link), f) != NULL)
			if (sscanf(link, "flags: %lo", &flags) == 1)
				r = (flags & O_CLOEXEC) != 0;
		fclose(f);
	}
	closedir(d);
	return r;
}

/*
 * logrotate's dance: the log renamed, requests still go to it until the
 * HUP; after, to a new file at the old name.  A reopen that fails (the
 * name taken by a folder) is said and keeps the file it had.
 */
static void
rotate(struct srv *s, int nfd, const char *log)
{
	char	 old[1200];

	snprintf(old, sizeof(old), "%s.1", log);
	CHECK(get(s, "/") == 200);
	CHECK(file_has(log, "\"GET / HTTP/1.1\" 200 "));
	CHECK(!srv_log_has(s, "GET / HTTP/1.1"));
	/* Not handed to anything galley runs, before a reopen or after. */
	CHECK(log_cloexec(s, log) == 1);
	CHECK(rename(log, old) == 0);
	CHECK(get(s, "/renamed") == 301);
	CHECK(file_has(old, "GET /renamed "));
	CHECK(hup(s, nfd));
	CHECK(get(s, "/after-rotate") == 301);
	CHECK(file_has(log, "GET /after-rotate "));
	CHECK(!file_has(old, "GET /after-rotate "));
	CHECK(log_cloexec(s, log) == 1);

	/* The name taken: the reopen fails, the log it had goes on. */
	CHECK(rename(log, old) == 0);
	CHECK(mkdir(log, 0755) == 0);
	CHECK(hup(s, nfd));
	CHECK(srv_log_has(s, "galley: cannot open the log"));
	CHECK(get(s, "/kept") == 301);
	CHECK(file_has(old, "GET /kept "));
	CHECK(rmdir(log) == 0);
}

/* SIGHUP reads the settings again. */
static void
settings(struct srv *s, int nfd, const char *dir)
{
	const char	*db = site_db(dir);
	char		 sql[256];
	long long	 gen;

	CHECK(run_galley((const char *[]){ "config", dir, "set", "site_title",
	    "Titled Before The Reload", NULL }, NULL) == 0);
	CHECK(hup(s, nfd));
	CHECK(http_eventually(s, "/", "Titled Before The Reload"));
	if (getenv("GALLEY_DB") != NULL)
		return;		/* a NOTIFY brings every write (test_nodes) */
	/*
	 * A restore under the node: other data, and the generation the
	 * node has seen.  Only a reload can tell.
	 */
	gen = db_count(db, "SELECT n FROM generation");
	snprintf(sql, sizeof(sql), "UPDATE settings SET value = 'Restored"
	    " Title' WHERE key = 'site_title'; UPDATE generation SET n = %lld",
	    gen);
	CHECK(gen > 0 && db_exec(db, sql) == 0);
	CHECK(http_eventually(s, "/", "Titled Before The Reload"));
	CHECK(!http_eventually(s, "/", "Restored Title"));
	CHECK(hup(s, nfd));
	CHECK(http_eventually(s, "/", "Restored Title"));
}

int
main(void)
{
	char		*dir = tmp_path("service");
	const char	*db = getenv("GALLEY_DB");
	char		 sock[1100], log[1100];
	struct srv	 s;
	int		 nfd;

	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	bad_log(dir);
	buf_init(&heard);
	snprintf(sock, sizeof(sock), "%s/notify.sock", dir);
	snprintf(log, sizeof(log), "%s/access.log", dir);
	if (!CHECK((nfd = notify_listen(sock)) != -1))
		return check_done();
	setenv("NOTIFY_SOCKET", sock, 1);
	if (!CHECK(srv_start_args(&s, dir, (const char *[]){ "--log", log,
	    NULL }) == 0))
		return check_done();
	unsetenv("NOTIFY_SOCKET");
	/* Ready means the port answers already. */
	CHECK(notify_wait(nfd, 0, "READY=1", 5000));
	CHECK(get(&s, "/") == 200);
	CHECK(notify_wait(nfd, 0, "STATUS=Serving on http://127.0.0.1:", 0));
	CHECK(!notify_wait(nfd, 0, "STOPPING=1", 0));
	rotate(&s, nfd, log);
	settings(&s, nfd, dir);
	CHECK(srv_stop(&s) == 0);
	CHECK(notify_wait(nfd, 0, "STOPPING=1", 5000));
	close(nfd);
	buf_reset(&heard);
	free(dir);
	return check_done();
}
