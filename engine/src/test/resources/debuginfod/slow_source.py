"""A slow debuginfod look-alike for SourceDebuginfodTest: answers /buildid/<id>/source/<path> with
FILE in 16 KiB pieces 40 ms apart (Content-Length and X-Debuginfod-Size set), so that a client's
progress function sees a transfer in flight, and appends each request's raw path to LOG.
Usage: slow_source.py PORT FILE LOG. Bound to 127.0.0.1; stops after 120 s on its own."""
import http.server, sys, threading, time

port, path, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]

class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        if not self.path.startswith("/buildid/") or "/source/" not in self.path:
            self.send_error(404)
            return
        data = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Debuginfod-Size", str(len(data)))
        self.end_headers()
        try:
            for i in range(0, len(data), 16384):
                self.wfile.write(data[i:i + 16384])
                self.wfile.flush()
                time.sleep(0.04)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Slow)
threading.Timer(120, server.shutdown).start()
server.serve_forever()
