#!/usr/bin/env python3
"""The live heap per connection, by library, from two `jcmd PID GC.class_histogram` readings of one
server: on the fresh server, then with N idle connections held (docs/benchmarks.md, step 27).

    python3 src/test/bench/heapdiff.py BEFORE.txt AFTER.txt N [TOP]
"""
import re
import sys

LIBRARIES = (('org.glassfish.tyrus', 'Tyrus'), ('org.glassfish.grizzly', 'Grizzly'), ('dev.sori.bench', 'the yardstick'),
             ('dev.sori', 'Sori'),
             ('org.eclipse', 'Yasson, Parsson'), ('org.h2', 'H2'), ('sun.nio', 'the socket'),
             ('java.net', 'the socket'))


def histogram(name):
    classes = {}
    for line in open(name):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes


def library(cls):
    return next((name for prefix, name in LIBRARIES if cls.startswith(prefix)), 'plain JDK objects')


before, after, n = histogram(sys.argv[1]), histogram(sys.argv[2]), int(sys.argv[3])
top = int(sys.argv[4]) if len(sys.argv) > 4 else 30
rows = sorted(((size - before.get(cls, (0, 0))[1], count - before.get(cls, (0, 0))[0], cls)
               for cls, (count, size) in after.items()), reverse=True)
print(f'live heap per connection: {sum(r[0] for r in rows) / n / 1024:.2f} KiB')
libraries = {}
for size, _, cls in rows:
    libraries[library(cls)] = libraries.get(library(cls), 0) + size
for name, size in sorted(libraries.items(), key=lambda kv: -kv[1]):
    print(f'  {size / n / 1024:5.2f} KiB  {name}')
for size, count, cls in rows[:top]:
    print(f'{size / n:8.1f} B {count / n:6.2f} objects  {cls}')
