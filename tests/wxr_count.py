#!/usr/bin/env python3
"""wxr_count: counts what a WXR file holds, per kind, with Python's own
XML parser (xml.etree), independently of Galley's reader, for
tests/test_import.c.  Prints "KIND N" lines: authors (distinct logins of
the channel's authors and of the posts' and pages' creators), terms
(distinct category and tag slugs, declared or used by posts and pages),
posts, pages, comments (on posts and pages) and attachments."""
import re
import sys
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


main(sys.argv[1])
