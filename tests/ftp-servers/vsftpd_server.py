#!/usr/bin/python3
"""vsftpd_server.py: Debian's vsftpd as the FTP client suites' server, run as the user who
starts it (run_as_launching_user: no root, no PAM, so anonymous logins only; uploads,
downloads, PASV and PORT), with a generated configuration; the root directory is created.
Prints "root DIR" and "listening on 127.0.0.1:PORT" once it accepts connections.
usage: vsftpd_server.py --port 0 --spool ROOT"""
import argparse
import os
import socket
import sys
import time

CONFIG = """listen=YES
listen_address=127.0.0.1
listen_port={port}
background=NO
run_as_launching_user=YES
seccomp_sandbox=NO
anonymous_enable=YES
no_anon_password=YES
anon_root={root}
anon_umask=022
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
pasv_enable=YES
port_enable=YES
connect_from_port_20=NO
xferlog_enable=NO
secure_chroot_dir={root}
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
    ap.add_argument("--spool", required=True, help="the root directory")
    args = ap.parse_args()
    root = os.path.abspath(args.spool)
    os.makedirs(root, exist_ok=True)
    port = args.port or free_port()
    conf = root + ".conf"
    with open(conf, "w") as f:
        f.write(CONFIG.format(port=port, root=root))
    pid = os.fork()
    if pid == 0:
        os.execv("/usr/sbin/vsftpd", ["vsftpd", conf])
    for _ in range(200):                # until it accepts connections, 10 s at most
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    print("root %s" % root, flush=True)
    print("listening on 127.0.0.1:%d" % port, flush=True)
    try:
        os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, 15)
        except OSError:
            pass


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    main()
