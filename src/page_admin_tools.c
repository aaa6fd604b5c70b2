/*
 * page_admin_tools: /admin/tools/ (admins only), WordPress's Tools ->
 * Import and Tools -> Export.  Import takes a WXR file uploaded as
 * multipart (its size bounded by server.c's actions[] row before the
 * body is read) and runs import.c on it in the request's connection:
 * "Check" is a dry run that shows the summary and changes nothing,
 * "Import" writes it in one transaction and shows the same summary.
 * Pictures cannot come this way (there is no wp-content/uploads here):
 * they are listed as missing, for `galley import --uploads`.  Export
 * answers a POST (it changes nothing, but a download of every email
 * address the site holds is kept behind the CSRF token) with the WXR
 * of export.c as an attachment.  "Reload theme" loads the site's theme
 * folder again (site_reload: only this node) and shows what is served,
 * or the first problem with its file and line, the old theme kept.
 * All are POSTs with the CSRF token page_admin checks.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "buf.h"
#include "export.h"
#include "form.h"
#include "import.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "theme.h"

/* The theme served: its folder, the files it takes from there, notes. */
static void
theme_view(struct req *r, json_t *view)
{
	const struct theme	*t = page_theme(r);
	json_t			*o = json_object();

	view_str(o, "dir", r->site->theme_dir);
	if (*theme_overrides(t) != '\0')
		view_str(o, "files", theme_overrides(t));
	if (theme_notes(t) != NULL)
		view_str(o, "notes", theme_notes(t));
	json_object_set_new(view, "theme", o);
}

/*
 * The Tools page, with text under key ("summary" or "error" of an
 * import, "theme_done" or "theme_error" of a reload) if not NULL.
 */
static int
tools_page(struct req *r, struct session *se, const char *key,
    const char *text, int status)
{
	json_t	*view = admin_view(r, se, N_("Tools"));

	if (text != NULL)
		view_str(view, key, text);
	theme_view(r, view);
	return page_render(r, "admin-tools", view, status);
}

int
admin_tools(struct req *r, struct session *se)
{
	return tools_page(r, se, NULL, NULL, 200);
}

/*
 * Reload theme: the answer is rendered with the theme just loaded, so
 * the one this request may have taken before is given back first.
 */
static int
tools_theme(struct req *r, struct session *se)
{
	char	 msg[1024];

	if (site_reload(r->site, msg, sizeof(msg)) == -1)
		return tools_page(r, se, "theme_error", msg, 422);
	theme_drop(r->theme);
	r->theme = NULL;
	/* site_reload's message, for the log, in the site's language. */
	return tools_page(r, se, "theme_done", arena_printf(&r->arena,
	    page_tr(r, "Theme reloaded from %s; settings read again."),
	    r->site->theme_dir), 200);
}

/* Writes data[0..len) to a new temporary file; its path in path. */
static int
upload_file(const char *data, size_t len, char *path, size_t pathlen)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;
	ssize_t		 n;

	snprintf(path, pathlen, "%s/galley-import-XXXXXX", dir != NULL &&
	    *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	for (; len > 0; data += n, len -= (size_t)n)
		if ((n = write(fd, data, len)) <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
	return close(fd);
}

/* Runs the import of the uploaded file (a dry run unless real). */
static int
tools_import(struct req *r, struct session *se, struct form *in, int real)
{
	struct import_opts	 o;
	const char		*data;
	char			 path[512], err[600], *text = NULL;
	size_t			 len, tlen = 0;
	FILE			*out;
	int			 too_long, rc;

	data = form_get(in, "wxr", &len, &too_long);
	if (too_long)
		return tools_page(r, se, "error", page_tr(r, "The file is too"
		    " large."), 413);
	if (!form_file(in, "wxr") || len == 0)
		return tools_page(r, se, "error", page_tr(r, "Choose a"
		    " WordPress export (WXR) file to import."), 422);
	if (upload_file(data, len, path, sizeof(path)) == -1) {
		fprintf(stderr, "tools: keeping the upload: %s\n", strerror(errno));
		return page_error(r, 500);
	}
	memset(&o, 0, sizeof(o));
	o.file = path;
	o.dry_run = !real;
	o.conn = r->conn;
	if ((out = open_memstream(&text, &tlen)) == NULL) {
		unlink(path);
		return page_error(r, 500);
	}
	rc = import_run(r->site, &o, out, err, sizeof(err));
	fclose(out);
	unlink(path);
	if (rc != 0) {
		free(text);
		return tools_page(r, se, "error", arena_printf(&r->arena,
		    page_tr(r, "The file was not imported: %s. Nothing was"
		    " changed."), err), 422);
	}
	/*
	 * The summary names the temporary file first: say what it was.  The
	 * rest is import.c's report, as the CLI prints it.
	 */
	rc = tools_page(r, se, "summary", arena_printf(&r->arena, "%s\n%s",
	    real ? page_tr(r, "Imported.") : page_tr(r, "Checked: nothing was"
	    " changed. Import the file to make these changes."),
	    strchr(text, '\n') != NULL ? strchr(text, '\n') + 1 : text), 200);
	free(text);
	return rc;
}

/* export_run's writer: into the file, the first failure kept. */
static void
file_write(const char *data, size_t len, void *arg)
{
	FILE	*f = arg;

	if (!ferror(f))
		fwrite(data, 1, len, f);
}

/*
 * An unnamed file in the site's folder (on its disk, where /tmp may be
 * memory), or failing that tmpfile()'s; NULL on failure.
 */
static FILE *
export_file(const struct site *s)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(s->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1)
		return tmpfile();
	if ((f = fdopen(fd, "w+")) == NULL)
		close(fd);
	return f;
}

/*
 * The export, written to an unlinked temporary file and sent from it:
 * a site of a million comments makes hundreds of megabytes, which no
 * request may hold in memory.
 */
static int
tools_export(struct req *r)
{
	char	 err[512] = "";
	FILE	*f;
	int	 fd = -1;

	if ((f = export_file(r->site)) == NULL) {
		fprintf(stderr, "tools: export: %s\n", strerror(errno));
		return page_error(r, 500);
	}
	if (export_run(r->site, r->conn, file_write, f, err,
	    sizeof(err)) != 0 || fflush(f) != 0 || ferror(f) ||
	    (fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 0)) == -1 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		fprintf(stderr, "tools: export: %s\n", *err != '\0' ? err :
		    strerror(errno));
		if (fd != -1)
			close(fd);
		fclose(f);
		return page_error(r, 503);
	}
	fclose(f);
	r->body_is_file = 1;
	r->body_fd = fd;
	r->type = "application/rss+xml; charset=utf-8";
	r->disposition = "attachment; filename=\"galley-export.xml\"";
	return 200;
}

int
admin_tools_post(struct req *r, struct session *se, struct form *in)
{
	const char	*action = form_get(in, "action", NULL, NULL);

	if (strcmp(action, "export") == 0)
		return tools_export(r);
	if (strcmp(action, "theme") == 0)
		return tools_theme(r, se);
	if (strcmp(action, "check") == 0 || strcmp(action, "import") == 0)
		return tools_import(r, se, in, strcmp(action, "import") == 0);
	return admin_refuse(r, se, 422, N_("Unknown action."));
}
