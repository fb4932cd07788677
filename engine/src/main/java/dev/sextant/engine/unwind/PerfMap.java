package dev.sextant.engine.unwind;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code /tmp/perf-PID.map} file, the convention JITs (V8, the JVM's perf-map agent, LuaJIT…) use
 * to name generated code for perf: one line per function, {@code START SIZE NAME} with START and
 * SIZE in hex (with or without {@code 0x}). Names only: there is no unwind information. Lines that
 * do not parse are counted, not fatal; the file is the target's and may still be growing.
 */
public final class PerfMap {
    private PerfMap() {}

    /** A bound far above real maps, so a hostile file cannot exhaust memory. */
    public static final int MAX_LINES = 4_000_000;

    public record Read(List<FunctionEntry> functions, int badLines) {}

    public static Path of(int pid) { return Path.of("/tmp/perf-" + pid + ".map"); }

    public static Read read(Path file) throws IOException {
        List<FunctionEntry> out = new ArrayList<>();
        int bad = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null && out.size() < MAX_LINES) {
                int a = line.indexOf(' ');
                int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
                if (b < 0) { if (!line.isBlank()) bad++; continue; }
                try {
                    long start = hex(line.substring(0, a));
                    long size = hex(line.substring(a + 1, b));
                    String name = line.substring(b + 1).strip();
                    if (size <= 0 || start + size < start) { bad++; continue; }
                    out.add(new FunctionEntry(start, start + size, name.isEmpty() ? Optional.empty() : Optional.of(name),
                            new FunctionEntry.Unwind.None()));
                } catch (NumberFormatException e) {
                    bad++;
                }
            }
        }
        return new Read(out, bad);
    }

    private static long hex(String s) {
        String h = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        return Long.parseUnsignedLong(h, 16);
    }
}
