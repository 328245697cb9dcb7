#!/usr/bin/env python3
"""Where a JVM's CPU went, from async-profiler's collapsed stacks: the shares of docs/benchmarks.md
step 17 (kernel under the socket write, user space, the JIT's compiler threads, the rest).

    python3 src/test/bench/profile/shares.py FILE.collapsed...
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


for name in sys.argv[1:]:
    counts = collections.Counter()
    for line in open(name):
        stack, _, n = line.rstrip().rpartition(' ')
        counts[share(stack.split(';'))] += int(n)
    total = sum(counts.values())
    print(name, f'{total} samples')
    for what, n in counts.most_common():
        print(f'  {100 * n / total:5.1f} %  {what}')
