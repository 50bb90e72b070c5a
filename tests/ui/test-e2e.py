#!/usr/bin/env python3
# test-e2e.py: a user's first map, end to end, under Xvfb with xdotool.
#
# Starts Bridgemap with a fresh home on an empty map file, adds two actors
# by double-clicking in different bands of the pyramid, names them in the
# inspector, draws a tie from one actor's handle to the other, renames one
# with F2, saves with Ctrl+S, quits, checks the file with
# `bridgemap --validate` and by reading it, and opens it again.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uidriver as ui  # noqa: E402

NS = '{http://bridgemap.github.io/ns/1}'


def screenshot(session, name):
    keep = os.environ.get('BM_E2E_SHOTS')
    return ui.Screen(os.path.join(keep, name) if keep else None)


def main():
    ui.skip_unless_ready()
    session = ui.Session()
    try:
        run(session)
    finally:
        session.cleanup()
    print('ok')


def add_actor(session, wid, x, y, name):
    ui.click(x, y, repeat=2)
    # The new actor is selected and its name field has the keyboard
    time.sleep(0.8)
    ui.type_text(name)
    ui.key('Return')
    time.sleep(0.5)


def run(session):
    source = os.path.join(os.environ['BRIDGEMAP_SOURCE_ROOT'], 'tests', 'data', 'ui',
                          'empty.bridgemap')
    target = session.path('workshop.bridgemap')
    shutil.copyfile(source, target)

    session.start(target)
    wid = ui.find_window('workshop.bridgemap')
    ui.focus(wid)
    time.sleep(1.0)
    window = ui.window_geometry(wid)

    # Where the canvas and the pyramid's bands are
    screen = screenshot(session, 'e2e-1-empty.png')
    area = ui.canvas_area(screen, window)
    x0, y0, x1, y1 = area
    cx = (x0 + x1) // 2
    top, bottom = ui.pyramid_rows(screen, area, cx)
    band = (bottom - top) / 3
    a = (cx - (x1 - x0) // 8, round(top + band / 2))

    # Actor A in the top band
    add_actor(session, wid, *a, 'Amina Diallo')
    ui.wait_for('the unsaved marker', lambda: ui.window_name(wid).startswith('•'))

    # The view may have moved to the new content: look again
    screen = screenshot(session, 'e2e-2-one-actor.png')
    top, bottom = ui.pyramid_rows(screen, area, cx)
    band = (bottom - top) / 3
    b = (cx + (x1 - x0) // 8, round(bottom - band / 2))

    # Actor B in the grassroots band
    add_actor(session, wid, *b, 'Council of Elders')

    # B is selected: drag from its tie handle to A
    screen = screenshot(session, 'e2e-3-two-actors.png')
    handle = ui.handle_right_of(screen, *b)
    ui.drag(*handle, *a)
    time.sleep(0.8)
    screenshot(session, 'e2e-4-tie.png')

    # Select A and rename it from the inspector (F2 puts the keyboard there)
    ui.click(*a)
    time.sleep(0.5)
    ui.key('F2')
    time.sleep(0.3)
    ui.type_text('Amina Diallo-Ndiaye')
    ui.key('Return')
    time.sleep(0.5)
    screenshot(session, 'e2e-5-renamed.png')

    # Ctrl+S writes the file it came from; the marker goes
    ui.key('ctrl+s')
    ui.wait_for('the saved title', lambda: ui.window_name(wid) == 'workshop.bridgemap')
    ui.key('ctrl+q')
    status = session.wait_exit()
    if status != 0:
        ui.fail(f'the application exited with status {status}')

    # The file is valid and holds what was drawn
    result = session.validate(target)
    if result.returncode != 0:
        ui.fail('the saved map is not valid:\n' + result.stderr)
    doc = ET.parse(target).getroot()
    actors = {el.get('name'): el for el in doc.iter(NS + 'actor')}
    ties = list(doc.iter(NS + 'tie'))
    if set(actors) != {'Amina Diallo-Ndiaye', 'Council of Elders'}:
        ui.fail(f'unexpected actors {sorted(actors)}')
    if actors['Amina Diallo-Ndiaye'].get('level') != 'top':
        ui.fail('the first actor is not in the top band')
    if actors['Council of Elders'].get('level') != 'grassroots':
        ui.fail('the second actor is not in the grassroots band')
    if len(ties) != 1:
        ui.fail(f'expected one tie, found {len(ties)}')
    ends = {ties[0].get('from'), ties[0].get('to')}
    if ends != {actors['Amina Diallo-Ndiaye'].get('id'), actors['Council of Elders'].get('id')}:
        ui.fail('the tie does not join the two actors')

    # It opens again, unmodified
    session.start(target)
    wid = ui.find_window('workshop.bridgemap')
    time.sleep(1.0)
    screenshot(session, 'e2e-6-reopened.png')
    if ui.window_name(wid) != 'workshop.bridgemap':
        ui.fail(f'reopened with the title {ui.window_name(wid)!r}')
    ui.focus(wid)
    ui.key('ctrl+q')
    if session.wait_exit() != 0:
        ui.fail('the application did not quit cleanly after reopening')


if __name__ == '__main__':
    main()
