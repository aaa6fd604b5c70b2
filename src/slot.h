/*
 * slot: a budget of places counted in total and per client address, so
 * that one address can never take them all.  The server keeps one for
 * the bodies of POSTs being read and a small one of its own for the
 * admin login.  It locks inside itself.
 */
#ifndef GALLEY_SLOT_H
#define GALLEY_SLOT_H

struct slots;

enum slot_rc {
	SLOT_OK = 0,
	SLOT_FULL,		/* every place is taken */
	SLOT_MINE_FULL		/* this address holds all it may */
};

/* A budget of total places, at most per_key of them per key. */
struct slots	*slots_new(int total, int per_key);
void		 slots_free(struct slots *);
/*
 * Takes a place for key (an address as text; an IPv6 address counts by
 * its /64, which one subscriber usually holds whole).  Returns SLOT_OK,
 * or why not; only SLOT_OK must be given back with slots_put.
 */
int		 slots_take(struct slots *, const char *key);
void		 slots_put(struct slots *, const char *key);
/* Places taken now, in total. */
int		 slots_used(struct slots *);
/*
 * Writes into out[0..len) the form of addr that counts: an IPv4 address
 * as it is, an IPv6 address as the hex of its first 64 bits.  Text that
 * is not an address is kept as it is (truncated).
 */
void		 slots_key(const char *addr, char *out, unsigned long len);

#endif
