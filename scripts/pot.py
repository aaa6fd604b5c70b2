#!/usr/bin/python3
# Writes po/galley.pot, the template of every string Galley shows readers,
# from the sources: the theme's {{#_}}msgid{{/_}} and
# {{#_n count}}singular{{^_n}}plural{{/_n}} sections, and in C the calls
# i18n_get(lang, "msgid"), i18n_pget(lang, "ctx", "msgid"),
# i18n_nget(lang, "one", "many", n), page_tr(r, "msgid") and the marks
# N_("msgid"), NC_("ctx", "msgid"), NN_("one", "many") (src/i18n.h).
# References name files, not lines, so an edit elsewhere in a file leaves
# the template as it is.
#
#   scripts/pot.py            write po/galley.pot
#   scripts/pot.py --check    exit 1 if po/galley.pot is not up to date
#   scripts/pot.py --json     the msgids as JSON (tests/test_i18n.c)
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TR = re.compile(r'\{\{#_\}\}(.*?)\{\{/_\}\}', re.S)
TRN = re.compile(r'\{\{#_n\s+[^}]*\}\}(.*?)\{\{\^_n\}\}(.*?)\{\{/_n\}\}', re.S)
CALL = re.compile(r'\b(i18n_get|i18n_pget|i18n_nget|page_tr|NC_|NN_|N_)\s*\(')
LIT = re.compile(r'\s*"((?:[^"\\]|\\.)*)"')
ESC = {'n': '\n', 't': '\t', '"': '"', '\\': '\\', "'": "'"}


def unescape(s):
    def one(m):
        c = m.group(1)
        if c.startswith('u'):
            return chr(int(c[1:], 16))
        if c.startswith('x'):
            return bytes([int(c[1:], 16)]).decode('latin-1')
        return ESC[c]
    out = re.sub(r'\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)', one, s)
    # \xe2\x80\x9c style runs are UTF-8 bytes
    try:
        return out.encode('latin-1').decode('utf-8')
    except (UnicodeEncodeError, UnicodeDecodeError):
        return out


def literal(src, pos):
    """The C string literal (adjacent ones joined) at pos, and its end."""
    parts = []
    while True:
        m = LIT.match(src, pos)
        if not m:
            break
        parts.append(m.group(1))
        pos = m.end()
    if not parts:
        return None, pos
    return unescape(''.join(parts)), pos


def skip_arg(src, pos):
    """Past the first argument (to its comma at depth 0), or None."""
    depth = 0
    while pos < len(src):
        c = src[pos]
        if c in '([':
            depth += 1
        elif c in ')]':
            if depth == 0:
                return None
            depth -= 1
        elif c == ',' and depth == 0:
            return pos + 1
        elif c == '"':
            return None
        pos += 1
    return None


def comma(src, pos):
    m = re.compile(r'\s*,').match(src, pos)
    return m.end() if m else None


def from_c(path, rel, add):
    src = open(path, encoding='utf-8').read()
    for m in CALL.finditer(src):
        fn, pos = m.group(1), m.end()
        if fn in ('i18n_get', 'i18n_pget', 'i18n_nget', 'page_tr'):
            pos = skip_arg(src, pos)
            if pos is None:
                continue
        ctx = None
        if fn in ('i18n_pget', 'NC_'):
            ctx, pos = literal(src, pos)
            if ctx is None or (pos := comma(src, pos)) is None:
                continue
        msgid, pos = literal(src, pos)
        if msgid is None:
            continue
        plural = None
        if fn in ('i18n_nget', 'NN_'):
            pos = comma(src, pos)
            plural, pos = literal(src, pos) if pos else (None, pos)
        add(ctx, msgid, plural, rel, '%' in msgid)


def from_mustache(path, rel, add):
    src = open(path, encoding='utf-8').read()
    for m in TRN.finditer(src):
        add(None, m.group(1), m.group(2), rel, False)
    for m in TR.finditer(src):
        add(None, m.group(1), None, rel, False)


def collect():
    entries = {}
    order = []

    def add(ctx, msgid, plural, where, cfmt):
        key = (ctx, msgid)
        if key not in entries:
            entries[key] = {'ctx': ctx, 'msgid': msgid, 'plural': plural,
                            'refs': [], 'c_format': cfmt}
            order.append(key)
        # c-format if any of its uses formats it, not only the first.
        entries[key]['c_format'] = entries[key]['c_format'] or cfmt
        if where not in entries[key]['refs']:
            entries[key]['refs'].append(where)
    for path in sorted(glob.glob(os.path.join(TOP, 'themes/default/*.mustache'))):
        from_mustache(path, os.path.relpath(path, TOP), add)
    for path in sorted(glob.glob(os.path.join(TOP, 'src/*.c'))):
        from_c(path, os.path.relpath(path, TOP), add)
    return [entries[k] for k in order]


def quote(s):
    s = s.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t')
    lines = s.split('\n')
    if len(lines) == 1:
        return '"%s"' % s
    parts = [l + '\\n' for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + '\n'.join('"%s"' % p for p in parts)


def pot(entries):
    out = ['# The strings Galley shows readers, for translators.',
           '# Made by scripts/pot.py from the sources: do not edit.',
           'msgid ""', 'msgstr ""',
           '"Project-Id-Version: Galley\\n"',
           '"MIME-Version: 1.0\\n"',
           '"Content-Type: text/plain; charset=UTF-8\\n"',
           '"Content-Transfer-Encoding: 8bit\\n"',
           '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"', '']
    for e in entries:
        out.append('#: ' + ' '.join(e['refs']))
        if e['c_format']:
            out.append('#, c-format')
        if e['ctx'] is not None:
            out.append('msgctxt ' + quote(e['ctx']))
        out.append('msgid ' + quote(e['msgid']))
        if e['plural'] is not None:
            out.append('msgid_plural ' + quote(e['plural']))
            out.append('msgstr[0] ""')
            out.append('msgstr[1] ""')
        else:
            out.append('msgstr ""')
        out.append('')
    return '\n'.join(out)


def main():
    entries = collect()
    if '--json' in sys.argv:
        json.dump([{k: e[k] for k in ('ctx', 'msgid', 'plural', 'c_format')}
                   for e in entries], sys.stdout, ensure_ascii=False)
        return 0
    text = pot(entries)
    path = os.path.join(TOP, 'po/galley.pot')
    if '--check' in sys.argv:
        have = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
        if have != text:
            print('po/galley.pot is out of date: run scripts/pot.py',
                  file=sys.stderr)
            return 1
        return 0
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
