#!/usr/bin/python3
"""dovecot_server.py: Debian's dovecot-pop3d as the POP3 client suites' server, with a
generated configuration in a temp directory (no system files): POP3 on 127.0.0.1, one user
with a plain password, a Maildir at ROOT/Maildir whose new/ the test fills before it logs in.
Run as root (CI containers) the login process runs as dovenull and the mail one as nobody,
else all run as the user who starts it. Prints "root DIR" (the Maildir) and "listening on
127.0.0.1:PORT" once it accepts connections.
usage: dovecot_server.py --port 0 --spool DIR [--user U --password P]"""
import argparse
import grp
import os
import pwd
import signal
import socket
import sys
import time

CONFIG = """base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 0
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {port}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={dir}
}}
mail_location = maildir:{dir}/Maildir
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--user", default="module")
    ap.add_argument("--password", default="s3cret")
    args = ap.parse_args()
    d = os.path.abspath(args.spool)
    for sub in ("run", "state", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for sub in ("", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp", "state"):
        os.chmod(os.path.join(d, sub), 0o777)
    me = pwd.getpwuid(os.getuid()).pw_name
    my_group = grp.getgrgid(os.getgid()).gr_name
    root = os.getuid() == 0
    port = args.port or free_port()
    with open(os.path.join(d, "passwd"), "w") as f:
        f.write("%s:{PLAIN}%s\n" % (args.user, args.password))
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(CONFIG.format(dir=d, port=port,
                              internal="dovecot" if root else me,
                              internal_group="dovecot" if root else my_group,
                              login="dovenull" if root else me,
                              mail_user="nobody" if root else me,
                              mail_group="nogroup" if root else my_group))
    pid = os.fork()
    if pid == 0:
        os.execv("/usr/sbin/dovecot", ["dovecot", "-F", "-c", conf])
    signal.signal(signal.SIGTERM, lambda *a: (os.kill(pid, signal.SIGTERM), sys.exit(0)))
    for _ in range(200):                # until it accepts connections, 10 s at most
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    print("root %s" % os.path.join(d, "Maildir"), flush=True)
    print("listening on 127.0.0.1:%d" % port, flush=True)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
