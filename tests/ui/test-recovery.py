#!/usr/bin/env python3
# test-recovery.py: a crash loses nothing.
#
# Starts Bridgemap with a fresh home on a saved map, adds an actor, waits
# for the recovery copy, kills the process with SIGKILL, starts it again
# with the same state folder, accepts the offer to restore (Enter), and
# checks that the restored map is unsaved, remembers its file, and that
# saving it writes the edit there and removes the copy.  Then an edit
# followed at once by SIGTERM (a logout) leaves a copy too.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uidriver as ui  # noqa: E402

NS = '{http://bridgemap.github.io/ns/1}'


def copies(session):
    return glob.glob(os.path.join(session.recovery_dir(), '*.bridgemap'))


def complete_copy_with(session, name):
    """A copy holding @name whose note about it (the sidecar, written just
    after the copy) names the original file"""
    for copy in copies(session):
        sidecar = copy[:-len('.bridgemap')] + '.ini'
        try:
            with open(sidecar) as f:
                note = f.read()
        except OSError:
            continue
        if name in names_in(copy) and 'original-uri' in note:
            return True
    return False


def offer_shown(wid):
    """Whether the offer to restore is on screen: a window of its own, or
    (libadwaita 1.5 and later) inside window @wid"""
    if not ui.dialogs_in_window():
        return bool(ui.xdo('search', '--onlyvisible', '--name', 'Restore'))
    try:
        window = ui.window_geometry(wid)
    except KeyError:
        return False  # the window is gone
    return ui.window_dimmed(ui.Screen(), window)


def names_in(path):
    return [el.get('name') for el in ET.parse(path).getroot().iter(NS + 'actor')]


def main():
    ui.skip_unless_ready()
    session = ui.Session()
    try:
        run(session)
    finally:
        session.cleanup()
    print('ok')


def run(session):
    source = os.path.join(os.environ['BRIDGEMAP_SOURCE_ROOT'], 'tests', 'data', 'ui',
                          'empty.bridgemap')
    target = session.path('field-notes.bridgemap')
    shutil.copyfile(source, target)
    with open(target, 'rb') as f:
        original = f.read()

    session.start(target)
    wid = ui.find_window('field-notes.bridgemap')
    ui.focus(wid)
    time.sleep(1.0)
    window = ui.window_geometry(wid)
    screen = ui.Screen()
    area = ui.canvas_area(screen, window)
    x0, y0, x1, y1 = area
    cx = (x0 + x1) // 2
    top, bottom = ui.pyramid_rows(screen, area, cx)

    # An edit: an actor in the middle band, named
    ui.click(cx, (top + bottom) // 2, repeat=2)
    time.sleep(0.8)
    ui.type_text('Recovered Mediator')
    ui.key('Return')
    ui.wait_for('the unsaved marker', lambda: ui.window_name(wid).startswith('•'))

    # A few seconds later there is a copy, with the edit, beside the real file
    ui.wait_for('a recovery copy with the edit',
                lambda: complete_copy_with(session, 'Recovered Mediator'))

    # The power goes
    session.kill()
    with open(target, 'rb') as f:
        if f.read() != original:
            ui.fail('the real file was changed without saving')

    # Next start: the copy is offered; Enter restores it
    session.start()
    if ui.dialogs_in_window():
        dialog = ui.find_window('Bridgemap')
        ui.wait_for('the offer to restore', lambda: offer_shown(dialog))
    else:
        dialog = ui.find_window('Restore')
    ui.focus(dialog)
    time.sleep(0.8)
    keep = os.environ.get('BM_E2E_SHOTS')
    ui.Screen(os.path.join(keep, 'recovery-1-offer.png') if keep else None)
    ui.key('Return')
    # Without a window manager the first key can reach the dialog before it
    # takes the keyboard; press again if it is still there
    time.sleep(2.0)
    if offer_shown(dialog):
        ui.focus(dialog)
        ui.key('Return')

    # Restored: unsaved, under its own file's name
    wid = ui.find_window('field-notes.bridgemap')
    ui.wait_for('the restored map, unsaved', lambda: ui.window_name(wid).startswith('•'))
    time.sleep(0.8)
    ui.Screen(os.path.join(keep, 'recovery-2-restored.png') if keep else None)
    ui.focus(wid)
    ui.key('ctrl+s')
    ui.wait_for('the saved title', lambda: ui.window_name(wid) == 'field-notes.bridgemap')
    if names_in(target) != ['Recovered Mediator']:
        ui.fail(f'the saved map holds {names_in(target)}')
    ui.wait_for('the copy to go once saved', lambda: not copies(session))

    ui.key('ctrl+q')
    if session.wait_exit() != 0:
        ui.fail('the application did not quit cleanly')
    result = session.validate(target)
    if result.returncode != 0:
        ui.fail('the saved map is not valid:\n' + result.stderr)

    # A clean quit: nothing is offered at the next start
    session.start(target)
    wid = ui.find_window('field-notes.bridgemap')
    time.sleep(1.5)
    if offer_shown(wid):
        ui.fail('a recovery was offered after a clean quit')

    # Logging out (SIGTERM) right after an edit, before the timer wrote a
    # copy: the copy is written on the way out, and offered next time
    ui.focus(wid)
    ui.key('ctrl+Return')
    time.sleep(0.5)
    ui.type_text('Last Minute Envoy')
    ui.key('Return')
    ui.wait_for('the unsaved marker', lambda: ui.window_name(wid).startswith('•'))
    session.proc.terminate()
    session.wait_exit()
    if not complete_copy_with(session, 'Last Minute Envoy'):
        ui.fail('no recovery copy after SIGTERM')
    session.start()
    if ui.dialogs_in_window():
        wid = ui.find_window('Bridgemap')
        ui.wait_for('the offer to restore', lambda: offer_shown(wid))
    else:
        ui.find_window('Restore')
    session.kill()


if __name__ == '__main__':
    main()
