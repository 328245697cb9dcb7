#!/usr/bin/env python3
"""Where a JVM's CPU went, from async-profiler's collapsed stacks: the shares of docs/benchmarks.md
step 17 (kernel under the socket write, user space, the JIT's compiler threads, the rest).

    python3 src/test/bench/profile/shares.py FILE.collapsed...
    python3 src/test/bench/profile/shares.py FILE.collapsed --containing org/h2 --containing Welcome
        (also the share of the samples whose stack contains each of those texts, e.g. a package)
"""
import collections
import sys


def share(frames):
    stack = ';'.join(frames)
    if 'CompileBroker' in stack:
        return 'JIT compiler threads'
    if 'GangWorker' in stack or 'VMThread' in stack:
        return 'GC and VM'
    if not frames[-1].endswith('_[k]'):
        return 'user space'
    for marker in ('IOUtil.write', 'FileDispatcherImpl.write0', 'SocketDispatcher.write'):
        if marker in stack:
            return 'kernel, under write()'
    return 'kernel, other (futex, epoll, read...)'


args = sys.argv[1:]
containing = [args[i + 1] for i, a in enumerate(args) if a == '--containing']
files = [a for i, a in enumerate(args) if a != '--containing' and (i == 0 or args[i - 1] != '--containing')]
for name in files:
    counts = collections.Counter()
    within = collections.Counter()
    for line in open(name):
        stack, _, n = line.rstrip().rpartition(' ')
        counts[share(stack.split(';'))] += int(n)
        for text in containing:
            if text in stack:
                within[text] += int(n)
    total = sum(counts.values())
    print(name, f'{total} samples')
    for what, n in counts.most_common():
        print(f'  {100 * n / total:5.1f} %  {what}')
    for text in containing:
        print(f'  {100 * within[text] / total:5.1f} %  of stacks containing {text}')
