#!/usr/bin/python3
# Reads one feed (the file named by the first argument) with Python's
# feedparser, as feed readers do, and prints what it found as one JSON
# object for tests/test_feeds.c to assert: the bozo flag, the version,
# the feed's title and each entry's fields.  For Atom it also checks
# RFC 4287 on the raw XML with xml.etree: an id, title, updated and
# author for the feed and for each entry, a link rel="alternate" per
# entry, RFC 3339 dates, and ids unique within the feed; each problem
# found is listed in "atom_problems".  "emails" counts what looks like an
# email address anywhere in the raw bytes.
import json
import re
import sys
import xml.etree.ElementTree as ET

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?"
                     r"(Z|[+-]\d{2}:\d{2})$")


def atom_problems(raw):
    problems = []
    root = ET.fromstring(raw)
    if root.tag != ATOM + "feed":
        return ["root is not atom:feed"]
    entries = root.findall(ATOM + "entry")

    def need(el, what):
        for name in ("id", "title", "updated"):
            if el.find(ATOM + name) is None or \
                    not (el.find(ATOM + name).text or "").strip():
                problems.append("%s has no %s" % (what, name))
        for name in ("updated", "published"):
            d = el.find(ATOM + name)
            if d is not None and not RFC3339.match(d.text or ""):
                problems.append("%s: %s %r is not RFC 3339" %
                                (what, name, d.text))

    def author(el):
        a = el.find(ATOM + "author")
        return a is not None and (a.findtext(ATOM + "name") or "").strip()

    need(root, "feed")
    if not author(root):
        problems.append("feed has no author")
    ids = []
    for i, e in enumerate(entries):
        what = "entry %d" % i
        need(e, what)
        if not author(e):
            problems.append(what + " has no author")
        alt = [l for l in e.findall(ATOM + "link")
               if l.get("rel", "alternate") == "alternate" and l.get("href")]
        if len(alt) != 1:
            problems.append(what + " has %d alternate links" % len(alt))
        if e.find(ATOM + "content") is None and \
                e.find(ATOM + "summary") is None:
            problems.append(what + " has neither content nor summary")
        ids.append(e.findtext(ATOM + "id"))
    if len(set(ids)) != len(ids):
        problems.append("entry ids are not unique")
    return problems


def main():
    raw = open(sys.argv[1], "rb").read()
    d = feedparser.parse(raw)
    out = {
        "bozo": int(bool(d.bozo)),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.version,
        "title": d.feed.get("title", ""),
        "link": d.feed.get("link", ""),
        "emails": len(re.findall(rb"[\w.+-]+@[\w-]+\.[\w.]+", raw)),
        "entries": [],
    }
    for e in d.entries:
        content = e.get("content")
        out["entries"].append({
            "title": e.get("title", ""),
            "link": e.get("link", ""),
            "id": e.get("id", ""),
            "author": e.get("author", ""),
            "published": bool(e.get("published_parsed")),
            "updated": bool(e.get("updated_parsed")),
            "summary": e.get("summary", ""),
            "content": content[0]["value"] if content else None,
            "tags": [t.get("term") for t in e.get("tags", [])],
            "enclosures": [{"href": x.get("href", ""),
                            "type": x.get("type", ""),
                            "length": x.get("length", "")}
                           for x in e.get("enclosures", [])],
        })
    if d.version == "atom10":
        out["atom_problems"] = atom_problems(raw)
    print(json.dumps(out))


main()
