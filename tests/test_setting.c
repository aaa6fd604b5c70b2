/*
 * test_setting: the checks of the settings' table, base_url's first: an
 * origin is an http(s) URL as url_http_ok has it, with nothing after its
 * host and its scheme in lower case.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "setting.h"

static int
ok(enum set_key k, const char *v)
{
	char	 err[200];

	return setting_check(&settings[k], v, LANG_EN, err, sizeof(err)) == 0;
}

int
main(void)
{
	static const char *const good[] = {
		"http://127.0.0.1:8080", "https://news.example.org",
		"http://[::1]:8080", "https://caf\xc3\xa9.example",
	};
	static const char *const bad[] = {
		"", "javascript:alert(1)", "https://", "http:///",
		"https://news.example.org/", "https://news.example.org/blog",
		"https://news.example.org?x", "https://news.example.org#x",
		"HTTPS://news.example.org", "Http://news.example.org",
		"https://news example.org", "https://news.example.org\n",
		"https://it's.example.org", "https://a\x01.example.org",
		"ftp://news.example.org",
	};
	char	 what[200], big[300];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(what, sizeof(what), "good: %s", good[i]);
		CHECK_MSG(ok(SET_BASE_URL, good[i]), what);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "bad: %s", bad[i]);
		CHECK_MSG(!ok(SET_BASE_URL, bad[i]), what);
	}
	/* At most 200 bytes. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://", 8);
	big[200] = '\0';
	CHECK(ok(SET_BASE_URL, big));
	big[200] = 'a';
	big[201] = '\0';
	CHECK(!ok(SET_BASE_URL, big));
	return check_done();
}
