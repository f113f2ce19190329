#!/usr/bin/env python3
"""promparse.py - a strict parser of the Prometheus text exposition format
0.0.4, for the tests (no third-party module).

    promparse.py FILE|-        check it; print every sample as
                               NAME{k="v",...} VALUE (labels sorted,
                               values escaped again), exit 1 with
                               LINE: reason on the first error
    promparse.py --self-test   the rejection cases below

Refused: a line that is neither a comment, blank, nor a sample; bad metric
or label names; a label value with an escape other than \\\\, \\" or \\n,
or unterminated; a repeated label; a value that is not a float (or
+Inf/-Inf/NaN); a bad timestamp; HELP or TYPE given twice for a name;
TYPE after that family's samples, or an unknown type; a family's samples
not together; a series twice; for counters, a negative value; for
histograms: a _bucket without le, a bad le, buckets not ascending by le or
not cumulative, no le="+Inf", _count not equal to the +Inf bucket, a
sample that is not _bucket/_sum/_count.
"""
import math
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
TYPES = ('counter', 'gauge', 'histogram', 'summary', 'untyped')


class ParseError(Exception):
    pass


def _value(s, what):
    if s in ('+Inf', 'Inf'):
        return math.inf
    if s == '-Inf':
        return -math.inf
    if s == 'NaN':
        return math.nan
    if not re.fullmatch(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?', s):
        raise ParseError('bad %s %r' % (what, s))
    return float(s)


def _labels(text, i):
    """Parse {...} starting at text[i] == '{': (dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if i < len(text) and text[i] == '}':
            return labels, i + 1
        m = LABEL.match(text, i)
        if not m:
            raise ParseError('bad label name at column %d' % (i + 1))
        name = m.group(0)
        i = m.end()
        if text[i:i + 2] != '="':
            raise ParseError('expected =" after label %s' % name)
        i += 2
        val = []
        while True:
            if i >= len(text):
                raise ParseError('unterminated value of label %s' % name)
            c = text[i]
            if c == '\\':
                nxt = text[i + 1:i + 2]
                if nxt not in ('\\', '"', 'n'):
                    raise ParseError('bad escape \\%s in label %s' %
                                     (nxt, name))
                val.append('\n' if nxt == 'n' else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == '\n':
                raise ParseError('newline in label %s' % name)
            else:
                val.append(c)
                i += 1
        if name in labels:
            raise ParseError('label %s repeated' % name)
        labels[name] = ''.join(val)
        if i < len(text) and text[i] == ',':
            i += 1
        elif i < len(text) and text[i] == '}':
            continue
        else:
            raise ParseError('expected , or } after label %s' % name)


def _family_of(name, types):
    for suffix in ('_bucket', '_sum', '_count'):
        if name.endswith(suffix):
            base = name[:-len(suffix)]
            if types.get(base) == 'histogram':
                return base
    return name


def parse(text):
    """-> (types {family: type}, samples [(name, labels, value)])."""
    types, helps, samples, seen = {}, {}, [], set()
    done, current = set(), None    # families finished, family in progress
    if text and not text.endswith('\n'):
        raise ParseError('no newline at the end')
    for no, line in enumerate(text.split('\n')[:-1], 1):
        try:
            if line.strip() == '':
                continue
            if line.startswith('#'):
                parts = line.split(None, 3)
                if len(parts) >= 2 and parts[1] in ('HELP', 'TYPE'):
                    if len(parts) < 3 or not NAME.fullmatch(parts[2]):
                        raise ParseError('%s without a metric name' %
                                         parts[1])
                    fam = parts[2]
                    if parts[1] == 'HELP':
                        if fam in helps:
                            raise ParseError('HELP of %s again' % fam)
                        h = parts[3] if len(parts) > 3 else ''
                        if not re.fullmatch(r'([^\\]|\\[\\n])*', h):
                            raise ParseError('bad escape in HELP of %s' %
                                             fam)
                        helps[fam] = h
                    else:
                        if fam in types:
                            raise ParseError('TYPE of %s again' % fam)
                        if fam in done or fam == current:
                            raise ParseError('TYPE of %s after its '
                                             'samples' % fam)
                        if len(parts) < 4 or parts[3] not in TYPES:
                            raise ParseError('bad TYPE of %s' % fam)
                        types[fam] = parts[3]
                continue
            m = NAME.match(line)
            if not m:
                raise ParseError('bad metric name')
            name, i = m.group(0), m.end()
            labels = {}
            if i < len(line) and line[i] == '{':
                labels, i = _labels(line, i)
            rest = line[i:]
            if not rest.startswith(' '):
                raise ParseError('expected a blank before the value')
            fields = rest.split()
            if len(fields) not in (1, 2):
                raise ParseError('expected VALUE [TIMESTAMP]')
            value = _value(fields[0], 'value')
            if len(fields) == 2 and not re.fullmatch(r'-?\d+', fields[1]):
                raise ParseError('bad timestamp %r' % fields[1])
            fam = _family_of(name, types)
            if fam != current:
                if fam in done:
                    raise ParseError('samples of %s not together' % fam)
                if current is not None:
                    done.add(current)
                current = fam
            key = (name, tuple(sorted(labels.items())))
            if key in seen:
                raise ParseError('series %s%s twice' % (name, labels))
            seen.add(key)
            t = types.get(fam, 'untyped')
            if t == 'counter' and not value >= 0:
                raise ParseError('counter %s negative' % name)
            if t == 'histogram' and name == fam:
                raise ParseError('histogram %s: a plain sample' % name)
            samples.append((name, labels, value))
        except ParseError as e:
            raise ParseError('%d: %s' % (no, e)) from None
    _check_histograms(types, samples)
    return types, samples


def _check_histograms(types, samples):
    for fam, t in types.items():
        if t != 'histogram':
            continue
        series = {}
        for name, labels, value in samples:
            if _family_of(name, types) != fam:
                continue
            rest = dict(labels)
            le = rest.pop('le', None)
            key = tuple(sorted(rest.items()))
            s = series.setdefault(key, {'b': [], 'count': None})
            if name == fam + '_bucket':
                if le is None:
                    raise ParseError('%s_bucket without le' % fam)
                s['b'].append((_value(le, 'le'), value))
            elif le is not None:
                raise ParseError('le on %s' % name)
            elif name == fam + '_count':
                s['count'] = value
        for key, s in series.items():
            les = [b[0] for b in s['b']]
            if les != sorted(les) or len(set(les)) != len(les):
                raise ParseError('%s%s: buckets not ascending' %
                                 (fam, dict(key)))
            counts = [b[1] for b in s['b']]
            if any(b < a for a, b in zip(counts, counts[1:])):
                raise ParseError('%s%s: buckets not cumulative' %
                                 (fam, dict(key)))
            if not les or les[-1] != math.inf:
                raise ParseError('%s%s: no le="+Inf"' % (fam, dict(key)))
            if s['count'] is None or s['count'] != counts[-1]:
                raise ParseError('%s%s: _count is not the +Inf bucket' %
                                 (fam, dict(key)))


def _esc(v):
    return v.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def canonical(samples):
    out = []
    for name, labels, value in samples:
        lab = ','.join('%s="%s"' % (k, _esc(v))
                       for k, v in sorted(labels.items()))
        v = ('%d' % value if value == int(value) and abs(value) < 2 ** 53
             else repr(value)) if math.isfinite(value) else str(value)
        out.append('%s%s %s' % (name, '{%s}' % lab if lab else '', v))
    return out


GOOD = '''# HELP a_total some \\\\ help\\n
# TYPE a_total counter
a_total{x="1",y="q\\"\\\\\\n"} 3
a_total{x="2"} 4 1700000000000
# TYPE h histogram
h_bucket{le="0.1"} 1
h_bucket{le="+Inf"} 2
h_sum 0.3
h_count 2
g -1.5e3
'''

BAD = {
    'malformed line': 'a_total 1 2 3\n',
    'no value': 'a_total\n',
    'bad value': 'a_total one\n',
    'bad name': '0a 1\n',
    'bad label name': 'a{0x="1"} 1\n',
    'bad escape': 'a{x="\\t"} 1\n',
    'unterminated': 'a{x="1} 1\n',
    'repeated label': 'a{x="1",x="2"} 1\n',
    'missing comma': 'a{x="1" y="2"} 1\n',
    'duplicate series': 'a{x="1"} 1\na{x="1"} 2\n',
    'duplicate TYPE': '# TYPE a counter\n# TYPE a counter\na 1\n',
    'TYPE after samples': 'a 1\n# TYPE a counter\n',
    'unknown type': '# TYPE a thing\na 1\n',
    'not together': 'a 1\nb 1\na{x="1"} 1\n',
    'negative counter': '# TYPE a counter\na -1\n',
    'non-cumulative buckets': '# TYPE h histogram\nh_bucket{le="1"} 2\n'
        'h_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    'missing +Inf': '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\n'
        'h_count 2\n',
    'count not +Inf': '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\n'
        'h_count 3\n',
    'buckets out of order': '# TYPE h histogram\nh_bucket{le="2"} 1\n'
        'h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_count 1\n',
    'bad le': '# TYPE h histogram\nh_bucket{le="x"} 1\n',
    'plain histogram sample': '# TYPE h histogram\nh 1\n',
    'HELP escape': '# HELP a bad \\q\na 1\n',
    'no final newline': 'a 1',
}


def self_test():
    failed = 0
    try:
        types, samples = parse(GOOD)
        want = ['a_total{x="1",y="q\\"\\\\\\n"} 3', 'a_total{x="2"} 4',
                'h_bucket{le="0.1"} 1', 'h_bucket{le="+Inf"} 2',
                'h_sum 0.3', 'h_count 2', 'g -1500']
        got = canonical(samples)
        if got != want:
            print('FAIL good text: %s' % got)
            failed += 1
    except ParseError as e:
        print('FAIL good text refused: %s' % e)
        failed += 1
    for what, text in BAD.items():
        try:
            parse(text)
            print('FAIL accepted: %s' % what)
            failed += 1
        except ParseError as e:
            print('ok refused %s: %s' % (what, e))
    print('promparse self-test: %d cases, %d failed' % (len(BAD) + 1,
                                                         failed))
    return 1 if failed else 0


def main(argv):
    if len(argv) == 2 and argv[1] == '--self-test':
        return self_test()
    if len(argv) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    text = sys.stdin.read() if argv[1] == '-' else open(argv[1]).read()
    try:
        _, samples = parse(text)
    except ParseError as e:
        print('promparse: %s: %s' % (argv[1], e), file=sys.stderr)
        return 1
    for line in canonical(samples):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
