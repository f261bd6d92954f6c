"""A real IMAP server for the tests: Debian's Dovecot, started in a temporary folder.

It listens on 127.0.0.1 on a free port, accepts any user with the password
``secret`` and keeps each user's mail in a Maildir under the folder. Run as
root, mail is owned by ``nobody``; run as another user, by that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from beffroi.testing.servers import free_port

PASSWORD = "secret"

CONFIG = """
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = beffroi-test-{port}
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None


class Dovecot:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="beffroi-dovecot-"))
        self.port = free_port()
        self.host = "127.0.0.1"
        self.password = PASSWORD

    def start(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is missing: apt-get install dovecot-imapd")
        self.folder.chmod(0o755)
        for name in ("run", "state", "home"):
            (self.folder / name).mkdir()
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            login_user, internal_user = "dovenull", "dovecot"
            os.chown(self.folder / "home", uid, gid)
        else:
            uid, gid = os.getuid(), os.getgid()
            login_user = internal_user = pwd.getpwuid(uid).pw_name
        config = self.folder / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                folder=self.folder,
                port=self.port,
                login_user=login_user,
                internal_user=internal_user,
                password=self.password,
                uid=uid,
                gid=gid,
            )
        )
        subprocess.run([binary, "-c", str(config)], check=True, timeout=30)  # noqa: S603
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        pid_file = self.folder / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
