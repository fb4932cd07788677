package dev.sextant.engine.dump.secondary;

import java.util.List;

/** A decoded view of secondary dump data: text, key/value rows, or a hex dump. Immutable. */
public sealed interface Decoded permits Decoded.Text, Decoded.KeyValues, Decoded.Hex {

    /** A one-screen rendering, as the command line prints it. */
    String render();

    record Text(String text) implements Decoded {
        @Override public String render() { return text; }
    }

    record KeyValues(List<Entry> entries) implements Decoded {
        public KeyValues { entries = List.copyOf(entries); }

        @Override public String render() {
            StringBuilder sb = new StringBuilder();
            for (Entry e : entries) sb.append(e.key()).append(" = ").append(e.value()).append('\n');
            return sb.toString();
        }
    }

    record Entry(String key, String value) {}

    /** Classic 16-bytes-per-line hex and ASCII; {@code truncated} when only the first bytes are shown. */
    record Hex(String dump, boolean truncated) implements Decoded {
        @Override public String render() { return dump; }
    }
}
