/*
 * test_slot: a budget of places in total and per address (slot.c): one
 * address is stopped at its share while others still get in, places come
 * back, IPv6 addresses count by their /64, and many threads taking and
 * giving at once leave the count at zero.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "slot.h"

static void *
churn(void *arg)
{
	struct slots	*s = arg;
	char		 ip[32];
	int		 i;

	for (i = 0; i < 20000; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i % 7, i % 13);
		if (slots_take(s, ip) == SLOT_OK)
			slots_put(s, ip);
	}
	return NULL;
}

int
main(void)
{
	struct slots	*s = slots_new(6, 2);
	pthread_t	 t[4];
	char		 key[64];
	int		 i;

	CHECK(slots_take(s, "10.0.0.1") == SLOT_OK);
	CHECK(slots_take(s, "10.0.0.1") == SLOT_OK);
	CHECK(slots_take(s, "10.0.0.1") == SLOT_MINE_FULL);
	CHECK(slots_take(s, "10.0.0.2") == SLOT_OK);
	CHECK(slots_take(s, "10.0.0.2") == SLOT_OK);
	CHECK(slots_take(s, "10.0.0.3") == SLOT_OK);
	CHECK(slots_take(s, "10.0.0.4") == SLOT_OK);
	CHECK_MSG(slots_take(s, "10.0.0.5") == SLOT_FULL, "all taken");
	CHECK(slots_used(s) == 6);
	slots_put(s, "10.0.0.1");
	CHECK(slots_take(s, "10.0.0.5") == SLOT_OK);
	slots_put(s, "10.0.0.9");	/* holds none: no effect */
	CHECK(slots_used(s) == 6);
	slots_put(s, "10.0.0.1");
	slots_put(s, "10.0.0.2");
	slots_put(s, "10.0.0.2");
	slots_put(s, "10.0.0.3");
	slots_put(s, "10.0.0.4");
	slots_put(s, "10.0.0.5");
	CHECK(slots_used(s) == 0);
	/* One subscriber's /64 is one address. */
	CHECK(slots_take(s, "2001:db8:1:2::1") == SLOT_OK);
	CHECK(slots_take(s, "2001:db8:1:2:ffff::9") == SLOT_OK);
	CHECK(slots_take(s, "2001:db8:1:2:aaaa::7") == SLOT_MINE_FULL);
	CHECK(slots_take(s, "2001:db8:1:3::1") == SLOT_OK);
	slots_key("2001:db8:1:2::1", key, sizeof(key));
	CHECK_STR(key, "20010db800010002::/64");
	slots_key("::ffff:10.1.2.3", key, sizeof(key));
	CHECK_STR(key, "::ffff:10.1.2.3");	/* a v4-mapped one stays whole */
	slots_key("127.0.0.2", key, sizeof(key));
	CHECK_STR(key, "127.0.0.2");
	slots_free(s);

	s = slots_new(8, 3);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, s);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_MSG(slots_used(s) == 0, "every place back after churn");
	slots_free(s);
	return check_done();
}
