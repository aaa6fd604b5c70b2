#!/usr/bin/python3
"""Reads a Prometheus text exposition (the file named, as galley's
/metrics sent it) with Debian's python3-prometheus-client parser, and
prints one line per sample for tests/test_metrics.c:

    SAMPLE name|label=value,label=value|value     (labels sorted)

then a line per family that breaks the format's rules:

    ERROR what

A family must have HELP and a known TYPE; a histogram's buckets must
be cumulative in order of le, end at +Inf, and its _count must equal
the +Inf bucket.  A file the parser refuses is one ERROR."""
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def label_text(labels):
    return ",".join("%s=%s" % (k, labels[k]) for k in sorted(labels))


def check_histogram(fam, out):
    series = {}
    for s in fam.samples:
        key = dict(s.labels)
        le = key.pop("le", None)
        series.setdefault(label_text(key), {"b": [], "count": None})
        if s.name.endswith("_bucket"):
            series[label_text(key)]["b"].append((float(le), s.value))
        elif s.name.endswith("_count"):
            series[label_text(key)]["count"] = s.value
    for key, v in series.items():
        b = v["b"]
        if not b or not math.isinf(b[-1][0]):
            out.append("ERROR %s{%s}: no +Inf bucket" % (fam.name, key))
            continue
        les = [x[0] for x in b]
        if les != sorted(les):
            out.append("ERROR %s{%s}: buckets out of order" % (fam.name, key))
        for (_, a), (_, c) in zip(b, b[1:]):
            if c < a:
                out.append("ERROR %s{%s}: buckets not cumulative"
                           % (fam.name, key))
                break
        if v["count"] != b[-1][1]:
            out.append("ERROR %s{%s}: _count %s, +Inf bucket %s"
                       % (fam.name, key, v["count"], b[-1][1]))


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    out = []
    try:
        fams = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser's refusal, whatever its class
        print("ERROR unparsable: %s" % e)
        return
    for fam in fams:
        if fam.type not in ("counter", "gauge", "histogram", "summary"):
            out.append("ERROR %s: type %s" % (fam.name, fam.type))
        if not fam.documentation:
            out.append("ERROR %s: no HELP" % fam.name)
        if fam.type == "histogram":
            check_histogram(fam, out)
        for s in fam.samples:
            print("SAMPLE %s|%s|%r" % (s.name, label_text(s.labels),
                                       float(s.value)))
    for line in out:
        print(line)


main()
