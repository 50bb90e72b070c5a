#!/usr/bin/env python3
# Checks the Flatpak manifest: it parses, names the application and the
# command, and asks for no more than the app needs (files go through the
# portals, there is no network access).  When flatpak-builder is installed
# it must accept the manifest without a warning.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import sys
import tempfile

path, app_id = sys.argv[1], sys.argv[2]
problems = []

with open(path, encoding='utf-8') as f:
    manifest = json.load(f)

def expect(cond, message):
    if not cond:
        problems.append(message)

expect(manifest.get('id') == app_id, f'id is {manifest.get("id")!r}, not {app_id!r}')
expect(manifest.get('command') == 'bridgemap', 'command is not bridgemap')
expect(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
expect(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')

args = manifest.get('finish-args', [])
for needed in ('--share=ipc', '--socket=fallback-x11', '--socket=wayland', '--device=dri'):
    expect(needed in args, f'finish-args lack {needed}')
for arg in args:
    expect(arg != '--share=network', 'the app must not ask for the network')
    expect(not arg.startswith('--filesystem'), f'{arg}: use the file chooser portal instead')
    expect(arg != '--socket=x11', 'use --socket=fallback-x11')

modules = manifest.get('modules', [])
expect(bool(modules) and modules[-1].get('name') == 'bridgemap', 'the last module is not bridgemap')
if modules:
    main = modules[-1]
    expect(main.get('buildsystem') == 'meson', 'bridgemap is not built with meson')
    expect(any(s.get('type') == 'dir' and s.get('path') == '..'
               for s in main.get('sources', [])),
           'bridgemap is not built from this source tree')

builder = shutil.which('flatpak-builder')
if builder:
    env = dict(os.environ, G_DEBUG='fatal-warnings')
    # flatpak-builder leaves a state folder in its working directory
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run([builder, '--show-manifest', os.path.abspath(path)],
                                env=env, cwd=scratch, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    expect(result.returncode == 0,
           f'flatpak-builder --show-manifest failed ({result.returncode}): {result.stderr.strip()}')
else:
    print('# flatpak-builder not installed: checked the JSON only')

for p in problems:
    print(f'{path}: {p}', file=sys.stderr)
sys.exit(1 if problems else 0)
