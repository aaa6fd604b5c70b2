/*
 * test_client: connection deadlines (client.c) on real sockets: a
 * connection that sends no head in time is shut down, one whose body is
 * too slow after its grace is shut down, a fast one and one the server
 * is busy with are left alone, and an address past its bound is refused
 * while a trusted proxy is not.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "client.h"
#include "clock.h"

/* 1 if the peer of sv[1] has been shut down: a read sees the end. */
static int
dropped(int fd)
{
	char	 c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

int
main(void)
{
	struct client_limits	 lim = { 10000, 5000, 1024, 2, 100 };
	struct clients		*cs = clients_new(&lim);
	struct client		*head, *slow, *fast, *busy, *c4;
	int			 a[2], b[2], d[2], e[2];
	int64_t			 t0 = clock_ms();

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0 &&
	    socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0 &&
	    socketpair(AF_UNIX, SOCK_STREAM, 0, d) == 0 &&
	    socketpair(AF_UNIX, SOCK_STREAM, 0, e) == 0);
	head = client_open(cs, a[0], "10.0.0.1", 0);
	slow = client_open(cs, b[0], "10.0.0.1", 0);
	CHECK_MSG(client_open(cs, -1, "10.0.0.1", 0) == NULL,
	    "a third connection from one address is refused");
	CHECK_MSG((c4 = client_open(cs, -1, "10.0.0.1", 1)) != NULL,
	    "a trusted proxy is not bounded");
	fast = client_open(cs, d[0], "10.0.0.2", 0);
	busy = client_open(cs, e[0], "10.0.0.3", 0);
	CHECK(head && slow && fast && busy && clients_count(cs) == 5);
	client_close(cs, c4);

	client_head(cs, slow, 1);
	client_body(cs, slow, 100);
	client_head(cs, fast, 1);
	client_body(cs, fast, 1 << 20);
	client_head(cs, busy, 1);
	client_body_done(cs, busy);
	/* Within every deadline, nothing is dropped. */
	CHECK(clients_reap(cs, t0 + 4000) == 0);
	/* After the grace, 100 bytes in 6 s is too slow; 1 MB is not. */
	CHECK(clients_reap(cs, t0 + 6000) == 1);
	CHECK(dropped(b[1]) && !dropped(d[1]) && !dropped(a[1]));
	/* No head in 10 s: dropped; the busy one never is. */
	CHECK(clients_reap(cs, t0 + 10500) == 1);
	CHECK(dropped(a[1]) && !dropped(e[1]));
	CHECK_MSG(clients_reap(cs, t0 + 10500) == 0, "each dropped once");
	CHECK(clients_reap(cs, t0 + 3600000) == 1);	/* fast: 1 MB/hour */
	/* Idle again after an answer: the head deadline starts afresh. */
	client_idle(cs, busy);
	CHECK(clients_reap(cs, clock_ms() + 5000) == 0);
	CHECK(clients_reap(cs, clock_ms() + 11000) == 1);
	client_close(cs, head);
	client_close(cs, slow);
	CHECK_MSG(client_open(cs, -1, "10.0.0.1", 0) != NULL,
	    "places come back when connections close");
	CHECK(clients_count(cs) == 3);
	clients_free(cs);
	close(a[1]); close(b[1]); close(d[1]); close(e[1]);
	close(a[0]); close(b[0]); close(d[0]); close(e[0]);
	return check_done();
}
