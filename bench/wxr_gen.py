#!/usr/bin/env python3
"""wxr_gen: writes a WordPress export (WXR 1.2) of POSTS posts and COMMENTS
comments for bench/import.sh: five authors, twenty categories, fifty tags,
each post in one category with three tags, comments spread evenly, a
third of them replies to an earlier comment of the same post, a tenth
pending.  The same arguments always give the same file.

    wxr_gen.py POSTS COMMENTS > FILE.xml"""
import random
import sys
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Bench</title>
	<link>http://old.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://old.example.org</wp:base_site_url>
	<wp:base_blog_url>http://old.example.org</wp:base_blog_url>
"""


def cdata(s):
    return '<![CDATA[' + s.replace(']]>', ']]]]><![CDATA[>') + ']]>'


def main():
    posts, comments = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(1)
    w = sys.stdout.write
    w(HEAD)
    for a in range(5):
        w('\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>'
          'writer%d</wp:author_login><wp:author_email>writer%d@example.org'
          '</wp:author_email><wp:author_display_name>%s'
          '</wp:author_display_name></wp:author>\n'
          % (a + 1, a, a, cdata('Writer %d' % a)))
    for c in range(20):
        w('\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>'
          'cat-%d</wp:category_nicename><wp:category_parent>%s'
          '</wp:category_parent><wp:cat_name>%s</wp:cat_name></wp:category>\n'
          % (c + 1, c, 'cat-0' if c > 10 else '', cdata('Category %d' % c)))
    for t in range(50):
        w('\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>tag-%d'
          '</wp:tag_slug><wp:tag_name>%s</wp:tag_name></wp:tag>\n'
          % (100 + t, t, cdata('Tag %d' % t)))
    cid = 1
    per, extra = divmod(comments, posts)
    for p in range(posts):
        pid = 1000 + p
        t = 1400000000 + p * 3600
        date = '%04d-%02d-%02d %02d:%02d:%02d' % (
            2014 + p // 8760, 1 + (p // 730) % 12, 1 + (p // 24) % 28,
            p % 24, 0, 0)
        body = ('<p>Paragraph %d of a post about %s.</p>\n' % (p, escape(
            'things & stuff')) * 6)
        w('\t<item>\n\t\t<title>Post number %d</title>\n'
          '\t\t<link>http://old.example.org/archives/%d</link>\n'
          '\t\t<dc:creator>writer%d</dc:creator>\n'
          '\t\t<guid isPermaLink="false">http://old.example.org/?p=%d</guid>\n'
          '\t\t<content:encoded>%s</content:encoded>\n'
          '\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n'
          '\t\t<wp:post_id>%d</wp:post_id>\n'
          '\t\t<wp:post_date>%s</wp:post_date>\n'
          '\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n'
          '\t\t<wp:comment_status>open</wp:comment_status>\n'
          '\t\t<wp:post_name>post-number-%d</wp:post_name>\n'
          '\t\t<wp:status>publish</wp:status>\n'
          '\t\t<wp:post_parent>0</wp:post_parent>\n'
          '\t\t<wp:post_type>post</wp:post_type>\n'
          '\t\t<wp:is_sticky>0</wp:is_sticky>\n'
          '\t\t<category domain="category" nicename="cat-%d">%s</category>\n'
          % (p, pid, p % 5, pid, cdata(body), pid, date, date, p, p % 20,
             cdata('Category %d' % (p % 20))))
        for k in range(3):
            g = (p + k * 7) % 50
            w('\t\t<category domain="post_tag" nicename="tag-%d">%s'
              '</category>\n' % (g, cdata('Tag %d' % g)))
        mine = []
        for k in range(per + (1 if p < extra else 0)):
            parent = rnd.choice(mine) if mine and rnd.random() < 0.33 else 0
            w('\t\t<wp:comment>\n'
              '\t\t\t<wp:comment_id>%d</wp:comment_id>\n'
              '\t\t\t<wp:comment_author>%s</wp:comment_author>\n'
              '\t\t\t<wp:comment_author_email>reader%d@example.org'
              '</wp:comment_author_email>\n'
              '\t\t\t<wp:comment_author_url>https://reader%d.example.org/'
              '</wp:comment_author_url>\n'
              '\t\t\t<wp:comment_author_IP>192.0.2.%d</wp:comment_author_IP>\n'
              '\t\t\t<wp:comment_date>%s</wp:comment_date>\n'
              '\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n'
              '\t\t\t<wp:comment_content>%s</wp:comment_content>\n'
              '\t\t\t<wp:comment_approved>%s</wp:comment_approved>\n'
              '\t\t\t<wp:comment_type>comment</wp:comment_type>\n'
              '\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n'
              '\t\t</wp:comment>\n'
              % (cid, cdata('Reader %d' % (cid % 997)), cid % 997,
                 cid % 997, cid % 250, date, date,
                 cdata('Comment %d: I read post %d and have thoughts.'
                       % (cid, p)), '0' if cid % 10 == 0 else '1', parent))
            mine.append(cid)
            cid += 1
        w('\t</item>\n')
    w('</channel>\n</rss>\n')


main()
