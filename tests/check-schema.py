#!/usr/bin/env python3
# The RELAX NG schema must accept every example map and every valid test
# fixture, accept what the writer produces from them, and reject the invalid
# fixtures whose problem the schema can express.
#
# usage: check-schema.py XMLLINT SCHEMA SOURCE_ROOT [BRIDGEMAP]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import subprocess
import sys
import tempfile

# Invalid fixtures (tests/data/invalid/) that break a rule RELAX NG can
# state.  The others (duplicate ids, dangling references, self-ties,
# coordinate ranges, encodings, DOCTYPEs, malformed XML) are the loader's
# alone.
REJECTED = [
    'bad-colour', 'bad-version', 'coordinate-syntax', 'digits-out-of-range',
    'element-in-note', 'element-in-title', 'empty-name', 'empty-party',
    'malformed-id', 'meta-order', 'missing-attribute', 'missing-version',
    'newer-version', 'no-namespace', 'no-namespace-element', 'only-x',
    'only-y', 'out-of-order', 'prefixed-attribute', 'repeated-section',
    'text-in-section', 'two-notes', 'unknown-attribute', 'unknown-element',
    'unknown-enum', 'unknown-tie-kind', 'wrong-namespace',
]

xmllint, schema, root = sys.argv[1:4]
bridgemap = sys.argv[4] if len(sys.argv) > 4 else None

valid = sorted(glob.glob(os.path.join(root, 'data', 'examples', '*.bridgemap')) +
               glob.glob(os.path.join(root, 'tests', 'data', 'valid', '*.bridgemap')))
invalid = [os.path.join(root, 'tests', 'data', 'invalid', name + '.bridgemap')
           for name in REJECTED]

n_tests = len(valid) * (2 if bridgemap else 1) + len(invalid)
print(f'1..{n_tests}')
n = 0
failures = 0


def report(ok, name, detail=''):
    global n, failures
    n += 1
    print(f'{"ok" if ok else "not ok"} {n} - {name}')
    if not ok:
        failures += 1
        for line in detail.splitlines():
            print(f'# {line}')


def validate(path):
    result = subprocess.run([xmllint, '--noout', '--nonet', '--relaxng', schema, path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    return result.returncode, result.stderr


if not valid:
    print('Bail out! no maps to validate')
    sys.exit(1)

with tempfile.TemporaryDirectory() as tmp:
    for path in valid:
        name = os.path.relpath(path, root)
        status, err = validate(path)
        report(status == 0, f'{name} is valid', err)

        if bridgemap:
            # what the writer makes of it must be valid too
            out = os.path.join(tmp, os.path.basename(path))
            result = subprocess.run([bridgemap, f'--export={out}', path],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, universal_newlines=True)
            if result.returncode != 0:
                report(False, f'{name} saved again is valid', result.stderr)
            else:
                status, err = validate(out)
                report(status == 0, f'{name} saved again is valid', err)

for path in invalid:
    name = os.path.relpath(path, root)
    if not os.path.exists(path):
        report(False, f'{name} is rejected', 'missing fixture')
        continue
    status, err = validate(path)
    report(status != 0, f'{name} is rejected', 'the schema accepted it')

sys.exit(1 if failures else 0)
