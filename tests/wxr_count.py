#!/usr/bin/env python3
"""wxr_count: counts what a WXR file holds, per kind, with Python's own
XML parser (xml.etree), independently of Galley's reader, for
tests/test_import.c.  Prints "KIND N" lines: authors (distinct logins of
the channel's authors and of the posts' and pages' creators), terms
(distinct category and tag slugs, declared or used by posts and pages),
posts, pages, comments (on posts and pages) and attachments.

  wxr_count.py FILE --attached POST_ID
    prints the ids of the attachments whose post_parent is POST_ID, in
    WordPress's gallery order (menu_order, then id), one a line.
  wxr_count.py FILE --uploads DIR
    writes a picture of its own (a PNG of one colour, whatever the name
    says) to DIR/PATH for each attachment's PATH under
    wp-content/uploads/ (or its URL's path, as WordPress.com's files
    have), as a site's uploads folder would hold it."""
import os
import re
import struct
import sys
import urllib.parse
import zlib
import xml.etree.ElementTree as ET

WP = re.compile(r'^\{https?://wordpress\.org/export/1\.[012]/\}(.*)$')
DC = '{http://purl.org/dc/elements/1.1/}creator'


def wp(el):
    m = WP.match(el.tag)
    return m.group(1) if m else None


def first(el, name):
    for c in el:
        if wp(c) == name:
            return (c.text or '').strip()
    return ''


def main(path):
    ch = ET.parse(path).getroot().find('channel')
    logins, terms = set(), set()
    n = dict(posts=0, pages=0, comments=0, attachments=0)
    for el in ch:
        kind = wp(el)
        if kind == 'author' and first(el, 'author_login'):
            logins.add(first(el, 'author_login'))
        elif kind in ('category', 'tag', 'term'):
            tax = {'category': 'category', 'tag': 'post_tag'}.get(
                kind) or first(el, 'term_taxonomy')
            slug = (first(el, 'term_slug') or first(el, 'category_nicename')
                    or first(el, 'tag_slug'))
            if tax in ('category', 'post_tag'):
                terms.add((tax, slug))
        elif el.tag == 'item':
            typ = first(el, 'post_type')
            if typ == 'attachment':
                n['attachments'] += 1
            if typ not in ('post', 'page'):
                continue
            n['posts' if typ == 'post' else 'pages'] += 1
            c = el.find(DC)
            login = (c.text or '').strip() if c is not None else ''
            login = login or first(el, 'author')
            if login:
                logins.add(login)
            for cat in el.findall('category'):
                d = cat.get('domain', '')
                if d in ('category', 'post_tag') and cat.get('nicename'):
                    terms.add((d, cat.get('nicename').strip()))
            n['comments'] += sum(1 for c in el if wp(c) == 'comment')
    print('authors', len(logins))
    print('terms', len(terms))
    for k in ('posts', 'pages', 'comments', 'attachments'):
        print(k, n[k])


def png(n):
    """A 16x16 PNG of a colour of n's own."""
    def chunk(kind, data):
        c = kind + data
        return (struct.pack('>I', len(data)) + c +
                struct.pack('>I', zlib.crc32(c) & 0xffffffff))
    rgb = bytes(((n * 37) % 256, (n * 91) % 256, (n * 53 + 7) % 256))
    rows = b''.join(b'\0' + rgb * 16 for _ in range(16))
    return (b'\x89PNG\r\n\x1a\n' +
            chunk(b'IHDR', struct.pack('>IIBBBBB', 16, 16, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def attachments(path):
    ch = ET.parse(path).getroot().find('channel')
    for el in ch.findall('item'):
        if first(el, 'post_type') == 'attachment':
            yield el


if len(sys.argv) == 4 and sys.argv[2] == '--attached':
    found = sorted((int(first(el, 'menu_order') or 0), int(first(el,
                   'post_id'))) for el in attachments(sys.argv[1])
                   if first(el, 'post_parent') == sys.argv[3])
    for _, i in found:
        print(i)
elif len(sys.argv) == 4 and sys.argv[2] == '--uploads':
    for k, el in enumerate(attachments(sys.argv[1])):
        url = first(el, 'attachment_url')
        if 'wp-content/uploads/' in url:
            rel = url.split('wp-content/uploads/', 1)[1]
        else:
            rel = urllib.parse.urlsplit(url).path
        rel = rel.lstrip('/')
        if rel:
            dest = os.path.join(sys.argv[3], rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, 'wb') as f:
                f.write(png(k))
else:
    main(sys.argv[1])
