#!/usr/bin/env python3
# The bundled example maps must stay what the README and their own
# descriptions promise: valid, in canonical form (saving them again changes
# no byte), and with the gaps their descriptions talk about.
#
# usage: check-examples.py BRIDGEMAP EXAMPLE...
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import sys
import tempfile

# What the gap report of each example must say (domain.md, section 4).
EXPECTED_GAPS = {
    'mozambique-1990-1992.bridgemap': [],
    'haiti-1994.bridgemap': [],
    'north-korea-1994.bridgemap': [],
    'oslo-1993.bridgemap': [
        {'kind': 'backchannel', 'severity': 'critical',
         'parties': ['israel', 'plo'],
         'actors': ['arafat', 'beilin', 'peres', 'qurei', 'rabin'],
         'candidates': []},
        {'kind': 'transfer', 'severity': 'warning', 'party': 'israel',
         'actors': ['hirschfeld', 'pundak']},
    ],
}

bridgemap, examples = sys.argv[1], sys.argv[2:]
failures = 0
n = 0


def run(*args):
    return subprocess.run([bridgemap, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def check(ok, name, detail=''):
    global failures, n
    n += 1
    print(f'{"ok" if ok else "not ok"} {n} - {name}')
    if not ok:
        failures += 1
        print(f'{name}: {detail}', file=sys.stderr)


print(f'1..{4 * len(examples)}')
with tempfile.TemporaryDirectory() as tmp:
    for path in examples:
        base = os.path.basename(path)

        result = run('--validate', path)
        check(result.returncode == 0 and not result.stderr,
              f'{base}: valid', result.stderr.decode(errors='replace'))

        out = os.path.join(tmp, base)
        result = run(f'--export={out}', path)
        same = False
        if result.returncode == 0 and os.path.exists(out):
            with open(path, 'rb') as a, open(out, 'rb') as b:
                same = a.read() == b.read()
        if result.returncode != 0 or not os.path.exists(out):
            detail = (f'--export failed with status {result.returncode}: '
                      f'{result.stderr.decode(errors="replace")}')
        else:
            detail = 'the saved file differs: the example is not in canonical form'
        check(same, f'{base}: saving it again gives the same bytes', detail)

        result = run('--analyze', '--json', path)
        try:
            report = json.loads(result.stdout)
        except ValueError:
            report = None
        check(result.returncode == 0 and report is not None
              and base in EXPECTED_GAPS and report.get('gaps') == EXPECTED_GAPS[base],
              f'{base}: gap report as described',
              f'got: {result.stdout.decode(errors="replace")}{result.stderr.decode(errors="replace")}'
              f'expected gaps: {json.dumps(EXPECTED_GAPS.get(base))}')

        result = run('--analyze', path)
        check(result.returncode == 0 and len(result.stdout.strip()) > 0,
              f'{base}: plain-words report', result.stderr.decode(errors='replace'))

sys.exit(1 if failures else 0)
