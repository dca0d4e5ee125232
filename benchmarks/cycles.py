#!/usr/bin/env python3
"""What each round trip of the one-connection row costs in scheduling, from a system-wide perf record of
scheduler and system-call events (see run-cycles.sh, which records it).

A round trip runs from one client write (the request) to the next. Within it, every event of the server's threads
and of the client's is reduced to a token: 'read=data' or 'read=EAGAIN', 'writev', 'epoll_wait' (entered) and
'x_epoll_wait' (returned), 'epoll_ctl', 'futex' waits and wakes, a selector wake-up (an 8-byte write to the JDK
selector's eventfd), 'wake' of another thread, and 'sleep' (blocked) or 'preempt' (descheduled while runnable).
Server threads are named a, b, ... in the order each round trip first sees them, so the same pattern on other
threads counts as the same.

A round trip is "direct" when the server thread that wrote the echo was preempted by the client it woke, and read
the next request on its return without any server thread blocking: the cheapest cycle two threads sharing a CPU can
settle into. Prints the share of direct round trips and how long their runs last, the per-round-trip counts, and
the most frequent patterns.

Usage: perf script -F comm,tid,cpu,time,event,trace | cycles.py SERVER_TIDS CLIENT_TIDS [patterns to show]
where the tid arguments are comma-separated thread ids."""
import collections
import re
import sys

EVENT = re.compile(r'\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+\w+:(\w+):\s*(.*)')


def tokens(lines, server, client):
    """Yields (who, token) for the events of the server's and the client's threads; who is 'C' or a server tid."""
    for line in lines:
        m = EVENT.match(line)
        if not m:
            continue
        _, tid, _, _, event, rest = m.groups()
        if tid in client:
            who = 'C'
        elif tid in server:
            who = tid
        else:
            continue
        if event == 'sched_switch':
            state = re.search(r'prev_state=(\S+)', rest).group(1)
            yield who, 'sleep' if state.startswith(('S', 'D')) else 'preempt'
        elif event == 'sched_wakeup':
            woken = re.search(r' pid=(\d+)', rest).group(1)
            yield who, 'wake(C)' if woken in client else 'wake(srv)' if woken in server else 'wake(other)'
        elif event == 'sys_exit_read':
            yield who, 'read=EAGAIN' if rest.startswith('0xfffffffffffffff5') else 'read=data'
        elif event in ('sys_enter_write', 'sys_enter_writev'):
            if who == 'C':
                yield who, 'SEND'
            elif event == 'sys_enter_write' and rest.rstrip().endswith('count: 0x00000008'):
                yield who, 'selector-wakeup'
            else:
                yield who, event.removeprefix('sys_enter_')
        elif event == 'sys_enter_futex':
            op = int(re.search(r'op: (0x[0-9a-f]+)', rest).group(1), 16) & 0x7f
            yield who, 'futex-wait' if op in (0, 9) else 'futex-wake' if op in (1, 10) else 'futex'
        elif event.startswith('sys_enter_'):
            yield who, event.removeprefix('sys_enter_')
        elif event.startswith('sys_exit_'):
            yield who, 'x_' + event.removeprefix('sys_exit_')


def round_trips(events):
    """Groups the events into round trips, each a list of 'who.token' with server threads renamed a, b, ..."""
    current, names = [], {}
    for who, token in events:
        if who == 'C' and token == 'SEND':
            if current:
                yield current
            current, names = [], {}
        name = who if who == 'C' else names.setdefault(who, 'abcdefghijklmnopqrstuvwxyz'[min(len(names), 25)])
        current.append(f'{name}.{token}')


def is_direct(trip):
    server = [t for t in trip if not t.startswith('C.')]
    blocked = any(t.endswith(('.sleep', 'epoll_wait', '.futex-wait')) for t in server)
    threads = {t.split('.')[0] for t in server}
    return not blocked and len(threads) == 1 and any(t.endswith('.preempt') for t in server)


def main(server_tids, client_tids, shown=6):
    server, client = set(server_tids.split(',')), set(client_tids.split(','))
    trips = list(round_trips(tokens(sys.stdin, server, client)))[1:]  # the first is cut by the recording's start
    if not trips:
        sys.exit('no round trips in the recording')
    direct = ''.join('d' if is_direct(t) else '.' for t in trips)
    runs = [len(r) for r in re.findall('d+', direct)]
    print(f'round trips: {len(trips)}; direct: {direct.count("d")} ({100 * direct.count("d") / len(trips):.1f}%), '
          f'in {len(runs)} runs of {sum(runs) / max(1, len(runs)):.1f} on average')
    counts = collections.Counter()
    for trip in trips:
        for t in trip:
            if not t.startswith('C.'):
                counts[t.split('.', 1)[1]] += 1
    keys = ['sleep', 'preempt', 'epoll_wait', 'epoll_ctl', 'selector-wakeup', 'futex-wait', 'futex-wake',
            'read=EAGAIN']
    print('per round trip, server threads: ' + ', '.join(f'{k} {counts[k] / len(trips):.2f}' for k in keys))
    patterns = collections.Counter(' '.join(t) for t in trips)
    for pattern, n in patterns.most_common(shown):
        print(f'{n:6d} {100 * n / len(trips):5.1f}%  {pattern}')


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
