#!/usr/bin/env python3
"""search_text: real text for bench/search.sh.  Gives the posts that
bench/fill.c made (post-1 ... post-N, all one sentence) titles and bodies
of real English from the shared ham corpus (headers dropped), ~250 words
each, their search text to be made again (NULL: `galley serve` makes it
at start); and writes 1,000 queries of the site's own words: 700 single
words, 200 pairs, 100 quoted phrases of two words in a row, as /?s= paths.
The same corpus always gives the same site and queries.

    search_text.py sqlite DB CORPUS POSTS QUERIES
    search_text.py pg SQLFILE CORPUS POSTS QUERIES   (SQL for psql)"""
import os
import random
import re
import sys
import urllib.parse

W = 250


def words(corpus):
    out = []
    for root, _, files in sorted(os.walk(corpus)):
        for name in sorted(files):
            with open(os.path.join(root, name), 'rb') as f:
                text = f.read().decode('latin-1')
            body = text.split('\n\n', 1)[1] if '\n\n' in text else ''
            out += [w for w in re.findall(r'[A-Za-z]+', body)
                    if len(w) < 20]
    return out


def main():
    kind, where, corpus, posts, queries = sys.argv[1:6]
    posts = int(posts)
    ws = words(corpus)
    rows = []
    for i in range(posts):
        at = (i * W) % max(1, len(ws) - W)
        chunk = ws[at:at + W]
        title = ' '.join(chunk[:6]).capitalize()
        body = '\n\n'.join(' '.join(chunk[k:k + 50]) + '.'
                           for k in range(0, len(chunk), 50))
        rows.append((title, body, 'post-%d' % (i + 1)))
    if kind == 'sqlite':
        import sqlite3
        db = sqlite3.connect(where)
        db.executemany('UPDATE posts SET title = ?, body = ?,'
                       ' search_text = NULL WHERE slug = ?', rows)
        db.commit()
        db.close()
    else:
        with open(where, 'w') as f:
            f.write('BEGIN;\n')
            for t, b, s in rows:
                f.write("UPDATE posts SET title = $q$%s$q$, body = $q$%s$q$,"
                        " search_text = NULL WHERE slug = '%s';\n" % (t, b, s))
            f.write('COMMIT;\n')
    used = ws[:min(len(ws), posts * W)]
    rnd = random.Random(1)
    long_words = [w.lower() for w in used if len(w) >= 4]
    qs = [rnd.choice(long_words) for _ in range(700)]
    qs += [rnd.choice(long_words) + ' ' + rnd.choice(long_words)
           for _ in range(200)]
    for _ in range(100):
        k = rnd.randrange(len(used) - 1)
        qs.append('"%s %s"' % (used[k].lower(), used[k + 1].lower()))
    rnd.shuffle(qs)
    with open(queries, 'w') as f:
        for q in qs:
            f.write('/?s=%s\n' % urllib.parse.quote_plus(q))


if __name__ == '__main__':
    main()
