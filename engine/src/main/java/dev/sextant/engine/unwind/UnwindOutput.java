package dev.sextant.engine.unwind;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.sextant.engine.format.json.JsonOut;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where an {@code unwind} listing goes: text through a buffer, JSON through a byte writer, both
 * drained to the output in chunks so that a large table never sits whole in memory; plus the count
 * of entries that could not be decoded (for the exit status).
 */
final class UnwindOutput {
    final Path file;
    final boolean json;
    final OutputStream out;
    final StringBuilder text = new StringBuilder(1 << 16);
    final JsonOut writer;
    final AtomicInteger badEntries = new AtomicInteger();

    UnwindOutput(Path file, boolean json, OutputStream out) {
        this.file = file;
        this.json = json;
        this.out = out;
        this.writer = new JsonOut(out);
    }

    void maybeFlush() throws IOException {
        if (text.length() > (1 << 16)) flush();
        writer.maybeFlush();
    }

    void flush() throws IOException {
        writer.flush();
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        text.setLength(0);
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }
}
