"""Start and stop a real WordPress (WordPress Playground on Node 24) on 127.0.0.1 for the publish tests.

    with Playground(tmp_dir) as wp:          # prepares with prepare.sh when needed
        wp.url, wp.user, wp.app_password     # an application password for user 1 ("admin")

Each start copies the Debian WordPress files (see prepare.sh) into a fresh folder, so every run
begins with an empty site. Also runnable by hand:

    python tests/wordpress/playground.py --port 9400      # Ctrl-C stops it
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
NODE = HERE / "node_modules" / ".bin" / "node"
CLI = HERE / "node_modules" / "@wp-playground" / "cli" / "wp-playground.js"
WORDPRESS = HERE / ".cache" / "wordpress"
BLUEPRINT = HERE / "blueprint.json"
START_TIMEOUT = 300  # seconds; the first boot installs WordPress into SQLite


class PlaygroundError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    """Run prepare.sh when node_modules or the WordPress files are missing."""
    if NODE.exists() and CLI.exists() and (WORDPRESS / "wp-includes" / "version.php").exists():
        return
    done = subprocess.run(["bash", str(HERE / "prepare.sh")], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise PlaygroundError("tests/wordpress/prepare.sh failed: " + " | ".join(tail))


class Playground:
    user = "admin"

    def __init__(self, workdir: Path, *, port: int | None = None):
        self.workdir = Path(workdir)
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app_password = ""
        self._process: subprocess.Popen | None = None
        self.log = self.workdir / "playground.log"

    def __enter__(self) -> "Playground":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "Playground":
        prepare()
        site = self.workdir / "site"
        if site.exists():
            shutil.rmtree(site)
        shutil.copytree(WORDPRESS, site, symlinks=False)
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [str(NODE), str(CLI), "server", f"--port={self.port}", "--php=8.2",
                   f"--mount-before-install={site}:/wordpress", "--wordpress-install-mode=install-from-existing-files",
                   f"--blueprint={BLUEPRINT}", "--verbosity=normal"]
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True, cwd=self.workdir)
        try:
            self._wait(site / "wp-content" / "threadpress-app-password.txt")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, password_file: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PlaygroundError(f"WordPress Playground exited ({self._process.returncode}): {self._log_tail()}")
            if password_file.exists() and password_file.stat().st_size:
                self.app_password = password_file.read_text().strip()
                try:
                    r = httpx.get(f"{self.url}/wp-json/wp/v2/users/me", auth=(self.user, self.app_password),
                                  timeout=60)
                    if r.status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
            time.sleep(0.5)
        raise PlaygroundError(f"WordPress did not answer on {self.url} within {START_TIMEOUT} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(lines[-6:])

    def stop(self) -> None:
        p, self._process = self._process, None
        if p is None or p.poll() is not None:
            return
        os.killpg(p.pid, signal.SIGTERM)  # its own process group (start_new_session): the server and its workers
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=15)


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="Run the test WordPress on 127.0.0.1 until Ctrl-C.")
    parser.add_argument("--port", type=int, default=9400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadpress-wp-") as tmp:
        with Playground(Path(tmp), port=args.port) as wp:
            print(f"THREADPRESS_WP_URL={wp.url}\nTHREADPRESS_WP_USER={wp.user}\n"
                  f"THREADPRESS_WP_APP_PASSWORD='{wp.app_password}'", flush=True)
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    sys.exit(main())
