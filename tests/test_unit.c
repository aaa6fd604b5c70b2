/*
 * test_unit: the systemd units in contrib/.  Each passes
 * `systemd-analyze verify` with nothing to say, and the services'
 * exposure under `systemd-analyze security --offline=yes` is at most
 * 3.0 (printed, for the record).  verify wants the binaries the unit
 * runs to exist, so it reads copies whose /usr/local/bin/galley is the
 * galley under test; nothing else in them changes.  The ExecStart line
 * of galley.service is one the binary accepts, and it waits for
 * readiness (Type=notify) and reloads by SIGHUP.
 */
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

static const char *const units[] = {
	"galley.service", "galley-backup.service", "galley-backup.timer"
};

/* Runs the shell command cmd, its output into out; its exit status. */
static int
run(const char *cmd, struct buf *out)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*p;
	int	 st;

	buf_reset(out);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_write(chunk, n, out);
	st = pclose(p);
	buf_putc(out, '\0');
	out->len--;
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copies the units into dir, naming galley as the binary to run. */
static int
copy_units(const char *top, const char *dir, const char *galley)
{
	char		 cmd[4096];
	struct buf	 out;
	size_t		 i;
	int		 ok = 1;

	buf_init(&out);
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && ok; i++) {
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && sed 's|/usr/local/"
		    "bin/galley|%s|g' '%s/contrib/%s' > '%s/%s'", dir, galley,
		    top, units[i], dir, units[i]);
		ok = run(cmd, &out) == 0;
	}
	buf_reset(&out);
	return ok;
}

/* verify: silent and successful on every unit. */
static void
verify(const char *dir)
{
	char		 cmd[2048];
	struct buf	 out;
	size_t		 i;

	buf_init(&out);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		snprintf(cmd, sizeof(cmd), "cd '%s' && systemd-analyze verify"
		    " %s 2>&1", dir, units[i]);
		if (!CHECK_MSG(run(cmd, &out) == 0 && out.len == 0, units[i]))
			fprintf(stderr, "%s", out.data);
	}
	buf_reset(&out);
}

/* security: exposure at most 3.0, by the threshold and by the score. */
static void
security(const char *dir, const char *unit)
{
	char		 cmd[2048], want[128];
	const char	*at;
	struct buf	 out;
	double		 score = 99;
	int		 rc;

	buf_init(&out);
	snprintf(cmd, sizeof(cmd), "cd '%s' && systemd-analyze security"
	    " --offline=yes --threshold=30 %s 2>&1", dir, unit);
	rc = run(cmd, &out);
	snprintf(want, sizeof(want), "Overall exposure level for %s: ", unit);
	if ((at = strstr(out.data, want)) != NULL)
		score = strtod(at + strlen(want), NULL);
	if (!CHECK_MSG(rc == 0 && score <= 3.0, unit))
		fprintf(stderr, "%s", out.data);
	printf("%s: exposure %.1f\n", unit, score);
	buf_reset(&out);
}

/* The unit's ExecStart flags are the binary's, and it is Type=notify. */
static void
exec_start(const char *dir)
{
	char		 cmd[2048];
	struct buf	 out;

	buf_init(&out);
	/* The site does not exist: the flags get that far. */
	snprintf(cmd, sizeof(cmd), "cd '%s' && line=$(sed -n 's/^ExecStart=//p'"
	    " galley.service) && $line 2>&1", dir);
	CHECK(run(cmd, &out) == 1);
	CHECK(strstr(out.data, "/var/lib/galley") != NULL &&
	    strstr(out.data, "usage") == NULL);
	snprintf(cmd, sizeof(cmd), "cd '%s' && grep -x 'Type=notify'"
	    " galley.service && grep -x 'ExecReload=/bin/kill -HUP $MAINPID'"
	    " galley.service", dir);
	CHECK(run(cmd, &out) == 0);
	buf_reset(&out);
}

int
main(void)
{
	const char	*top = getenv("TOP") ? getenv("TOP") : ".";
	const char	*galley = getenv("GALLEY");
	char		*dir = tmp_path("unit");
	struct buf	 out;

	buf_init(&out);
	if (!CHECK_MSG(run("systemd-analyze --version", &out) == 0,
	    "systemd-analyze runs (Debian's systemd package)") ||
	    !CHECK(galley != NULL && galley[0] == '/') ||
	    !CHECK(copy_units(top, dir, galley)))
		return check_done();
	buf_reset(&out);
	verify(dir);
	security(dir, "galley.service");
	security(dir, "galley-backup.service");
	exec_start(dir);
	free(dir);
	return check_done();
}
