package dev.sextant.app.cli;

/** A minimal streaming JSON writer: no reflection, no dependency, so the command line starts fast. */
final class Json {
    private final StringBuilder out;
    private boolean needComma;

    Json(StringBuilder out) { this.out = out; }

    Json beginObject() { comma(); out.append('{'); needComma = false; return this; }
    Json endObject() { out.append('}'); needComma = true; return this; }
    Json beginArray() { comma(); out.append('['); needComma = false; return this; }
    Json endArray() { out.append(']'); needComma = true; return this; }

    Json name(String name) {
        comma();
        string(name);
        out.append(':');
        needComma = false;
        return this;
    }

    Json value(String s) {
        comma();
        if (s == null) out.append("null"); else string(s);
        needComma = true;
        return this;
    }

    Json value(long v) { comma(); out.append(v); needComma = true; return this; }

    Json value(boolean v) { comma(); out.append(v); needComma = true; return this; }

    Json hex(long v) { return value("0x" + Long.toHexString(v)); }

    Json nullValue() { comma(); out.append("null"); needComma = true; return this; }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') return false;
        }
        return true;
    }

    private void comma() { if (needComma) out.append(','); }

    private void string(String s) {
        out.append('"');
        if (plain(s)) {             // the common case (symbol names, paths): no escaping needed
            out.append(s).append('"');
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c)); else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
