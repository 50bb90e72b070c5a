# uidriver.py: start Bridgemap under the X server of the test (Xvfb), look
# at the screen and drive it with xdotool, as a user would.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


def own_display():
    """Starts an X server of our own and points DISPLAY at it.  Xvfb picks a
    free display number itself (-displayfd), so tests run at the same time
    on one machine never share a screen (xvfb-run -a can race)."""
    xvfb = shutil.which('Xvfb')
    if xvfb is None:
        return False
    read_end, write_end = os.pipe()
    server = subprocess.Popen([xvfb, '-displayfd', str(write_end), '-screen', '0', '1920x1080x24',
                               '-nolisten', 'tcp'],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write_end)
    number = b''
    while not number.endswith(b'\n'):
        chunk = os.read(read_end, 16)
        if not chunk:
            break
        number += chunk
    os.close(read_end)
    if not number.strip():
        server.kill()
        return False
    os.environ['DISPLAY'] = ':' + number.decode().strip()
    atexit.register(server.kill)
    return True


def skip_unless_ready():
    """Starts a private X server when Xvfb is there; exits 77 (skipped) when
    there is no display at all or a tool is missing."""
    if not own_display() and not os.environ.get('DISPLAY'):
        print('no display: skipped')
        sys.exit(SKIP)
    for tool in ('xdotool', 'import'):
        if shutil.which(tool) is None:
            print(f'{tool} is not installed: skipped')
            sys.exit(SKIP)


_session = None


def fail(message):
    print(f'FAIL: {message}')
    if _session is not None:
        try:
            with open(_session.path('app.log'), errors='replace') as f:
                print('--- the application said:\n' + f.read()[-4000:])
        except OSError:
            pass
    keep = os.environ.get('BM_E2E_SHOTS')
    if keep:
        subprocess.run(['import', '-window', 'root', os.path.join(keep, 'failure.png')])
    sys.exit(1)


def wait_for(what, predicate, timeout=60.0, interval=0.1):
    """Polls @predicate until it returns a true value; fails after @timeout
    (a guard against hangs, not a timing check)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            fail(f'timed out waiting for {what}')
        time.sleep(interval)


class Session:
    """A fresh home: HOME, XDG folders, in-memory settings."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix='bridgemap-e2e-')
        home = os.path.join(self.root, 'home')
        self.env = dict(os.environ)
        self.env.update({
            'HOME': home,
            'XDG_CONFIG_HOME': os.path.join(home, '.config'),
            'XDG_DATA_HOME': os.path.join(home, '.local', 'share'),
            'XDG_STATE_HOME': os.path.join(home, '.local', 'state'),
            'XDG_CACHE_HOME': os.path.join(home, '.cache'),
            'GSETTINGS_BACKEND': 'memory',
            'GSK_RENDERER': 'cairo',
            'GTK_A11Y': 'none',
            'NO_AT_BRIDGE': '1',
            'DBUS_SESSION_BUS_ADDRESS': 'disabled:',
            'LC_ALL': 'C.UTF-8',
        })
        for key in ('XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'):
            os.makedirs(self.env[key], exist_ok=True)
        self.exe = os.environ['BRIDGEMAP']
        self.proc = None
        global _session
        _session = self

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def recovery_dir(self):
        return os.path.join(self.env['XDG_STATE_HOME'], 'io.github.bridgemap.Bridgemap',
                            'recovery')

    def start(self, *args):
        self.log = open(self.path('app.log'), 'a')
        self.proc = subprocess.Popen([self.exe, *args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        return self.proc

    def wait_exit(self, timeout=60.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            fail('the application did not quit')

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def validate(self, path):
        return subprocess.run([self.exe, '--validate', path], env=self.env,
                              capture_output=True, text=True)


def xdo(*args):
    out = subprocess.run(['xdotool', *[str(a) for a in args]], capture_output=True, text=True)
    return out.stdout.strip()


def find_window(name, timeout=60.0):
    """The visible top-level window whose title contains @name."""
    def search():
        out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name],
                             capture_output=True, text=True).stdout.split()
        return out[0] if out else None
    return wait_for(f'a window named {name!r}', search, timeout)


def window_geometry(wid):
    out = xdo('getwindowgeometry', '--shell', wid)
    values = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
    return int(values['X']), int(values['Y']), int(values['WIDTH']), int(values['HEIGHT'])


def window_name(wid):
    return xdo('getwindowname', wid)


def focus(wid):
    xdo('windowfocus', '--sync', wid)


def key(*keys):
    xdo('key', '--delay', '60', *keys)


def type_text(text):
    xdo('type', '--delay', '40', text)


def click(x, y, button=1, repeat=1):
    xdo('mousemove', '--sync', x, y)
    time.sleep(0.15)
    xdo('click', '--repeat', repeat, '--delay', '90', button)


def drag(x0, y0, x1, y1, steps=12):
    xdo('mousemove', '--sync', x0, y0)
    time.sleep(0.2)
    xdo('mousedown', 1)
    time.sleep(0.1)
    for i in range(1, steps + 1):
        xdo('mousemove', '--sync', round(x0 + (x1 - x0) * i / steps),
            round(y0 + (y1 - y0) * i / steps))
        time.sleep(0.03)
    time.sleep(0.1)
    xdo('mouseup', 1)


class Screen:
    """One screenshot of the whole X screen, as RGB pixels."""

    def __init__(self, keep_as=None):
        fd, raw = tempfile.mkstemp(suffix='.rgb')
        os.close(fd)
        size = subprocess.run(['xdpyinfo'], capture_output=True, text=True).stdout \
            if shutil.which('xdpyinfo') else ''
        subprocess.run(['import', '-window', 'root', '-depth', '8', 'rgb:' + raw], check=True)
        if keep_as:
            subprocess.run(['import', '-window', 'root', keep_as], check=True)
        with open(raw, 'rb') as f:
            self.data = f.read()
        os.unlink(raw)
        self.width = 0
        for line in size.splitlines():
            if 'dimensions:' in line:
                self.width = int(line.split()[1].split('x')[0])
        if self.width == 0:
            self.width = int(os.environ.get('BM_SCREEN_WIDTH', '1920'))
        self.height = len(self.data) // (3 * self.width)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.data[i:i + 3])


def is_white(p):
    # The canvas background; the side panels are a shade darker (#fafafa)
    return p[0] >= 254 and p[1] >= 254 and p[2] >= 254


def adwaita_version():
    """The libadwaita the program was built with, e.g. (1, 7)."""
    version = os.environ.get('BM_ADW_VERSION', '1.2')
    return tuple(int(part) for part in version.split('.')[:2])


def dialogs_in_window():
    """Since libadwaita 1.5 an alert (AdwAlertDialog) is drawn inside its
    window, which it dims, instead of being a window of its own."""
    return adwaita_version() >= (1, 5)


def window_dimmed(screen, window):
    """Whether a dialog inside @window dims it: the brightest pixel across
    the header bar, white since libadwaita 1.6 (light grey in 1.5), is
    darker.  A window not drawn yet (black) is not dimmed."""
    wx, wy, ww, wh = window
    brightest = max(min(screen.pixel(x, wy + 8)) for x in range(wx + 8, wx + ww - 8))
    limit = 240 if adwaita_version() >= (1, 6) else 225
    return 150 < brightest < limit


def is_blue(p):
    # The canvas' selection and handle blue (0.21, 0.52, 0.89)
    return abs(p[0] - 54) < 40 and abs(p[1] - 133) < 40 and p[2] > 180 and p[2] - p[0] > 100


def canvas_area(screen, window):
    """The canvas: the widest white run across the window just below the
    header bar, from there down to the window's bottom.  Returns
    (x0, y0, x1, y1)."""
    wx, wy, ww, wh = window
    y = wy + 70
    best = (0, 0)
    start = None
    for x in range(wx, wx + ww):
        if is_white(screen.pixel(x, y)):
            if start is None:
                start = x
        else:
            if start is not None and x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    if start is not None and wx + ww - start > best[1] - best[0]:
        best = (start, wx + ww)
    if best[1] - best[0] < 100:
        fail('could not find the canvas on the screen')
    x0, x1 = best
    # Top: the first white row below the header bar's bottom edge, the
    # first row with no white across the canvas' width (since libadwaita
    # 1.6 the header bar itself is white)
    cx = (x0 + x1) // 2
    y0 = wy + 20
    while y0 < wy + wh and any(is_white(screen.pixel(x, y0)) for x in range(x0, x1)):
        y0 += 1
    while y0 < wy + wh and not is_white(screen.pixel(cx, y0)):
        y0 += 1
    return x0, y0, x1, wy + wh - 1


def pyramid_rows(screen, area, x):
    """Top and bottom of the drawn bands in column @x of the canvas: the
    first run of non-white rows (the canvas' focus ring at its edges is
    left out)."""
    x0, y0, x1, y1 = area
    y = y0 + 4
    while y < y1 - 4 and is_white(screen.pixel(x, y)):
        y += 1
    top = y
    while y < y1 - 4 and not is_white(screen.pixel(x, y)):
        y += 1
    if y - top < 30:
        fail('could not find the pyramid on the canvas')
    return top, y - 1


def handle_right_of(screen, x, y, reach=80):
    """Centre of the tie handle drawn to the right of the selected actor
    centred at (@x, @y): the last selection-blue pixel on that row."""
    last = None
    for dx in range(0, reach):
        if is_blue(screen.pixel(x + dx, y)):
            last = x + dx
    if last is None:
        fail(f'no tie handle next to the actor at {x},{y}')
    return last - 7, y
