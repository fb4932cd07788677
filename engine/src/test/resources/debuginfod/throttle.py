"""A slow debuginfod look-alike (DebuginfodTest, SourceDebuginfodTest, SplitDebugProgram): answers
/buildid/<id>/debuginfo (or, with --source, /buildid/<id>/source/<path>) with FILE in 16 KiB pieces
40 ms apart (Content-Length and X-Debuginfod-Size set), so that a client's progress function sees a
transfer in flight; with --log LOG, appends each request's raw path to LOG. With --hold BYTES GATE,
each transfer slows to a third (130 KB/s) after BYTES until the file GATE exists (libdebuginfod
gives up on a transfer slower than 100 KB/s for DEBUGINFOD_TIMEOUT seconds: 16 KB/s failed): a test on a loaded machine sees it in flight.
Usage: throttle.py PORT FILE [--source] [--log LOG] [--hold BYTES GATE]. With FILE "--silent" it accepts connections
and never answers (a hung server). Bound to 127.0.0.1; stops after 120 s on its own."""
import http.server, os, sys, threading, time

port, path = int(sys.argv[1]), sys.argv[2]
source = "--source" in sys.argv[3:]
log = sys.argv[sys.argv.index("--log") + 1] if "--log" in sys.argv[3:] else None
hold = (int(sys.argv[sys.argv.index("--hold") + 1]), sys.argv[sys.argv.index("--hold") + 2]) if "--hold" in sys.argv[3:] else None

class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if log:
            with open(log, "a") as f:
                f.write(self.path + "\n")
        wanted = "/source/" in self.path if source else self.path.endswith("/debuginfo")
        if not self.path.startswith("/buildid/") or not wanted:
            self.send_error(404)
            return
        data = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Debuginfod-Size", str(len(data)))
        self.end_headers()
        try:
            i = 0
            while i < len(data):
                held = hold is not None and i >= hold[0] and not os.path.exists(hold[1])
                n = 16384
                self.wfile.write(data[i:i + n])
                self.wfile.flush()
                i += n
                time.sleep(0.12 if held else 0.04)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass

if path == "--silent":
    import socket
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    held = []
    s.settimeout(1)
    end = time.time() + 120
    while time.time() < end:
        try:
            held.append(s.accept()[0])
        except socket.timeout:
            pass
    sys.exit(0)

server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Slow)
threading.Timer(120, server.shutdown).start()
server.serve_forever()
