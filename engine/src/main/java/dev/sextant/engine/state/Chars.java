package dev.sextant.engine.state;

/** Characters and strings as gdb quotes them: {@code 'Q'}, {@code '\000'}, {@code "a\tb"}, {@code 'x' <repeats 30 times>}. */
final class Chars {
    private Chars() {}

    static String quoted(int c, char quote) {
        StringBuilder b = new StringBuilder().append(quote);
        escape(b, c & 0xff, quote);
        return b.append(quote).toString();
    }

    static void escape(StringBuilder b, int c, char quote) {
        switch (c) {
            case 7 -> b.append("\\a");
            case 8 -> b.append("\\b");
            case 9 -> b.append("\\t");
            case 10 -> b.append("\\n");
            case 11 -> b.append("\\v");
            case 12 -> b.append("\\f");
            case 13 -> b.append("\\r");
            case 27 -> b.append("\\033");
            case '\\' -> b.append("\\\\");
            default -> {
                if (c == quote) b.append('\\').append((char) c);
                else if (c >= 0x20 && c < 0x7f) b.append((char) c);
                else octal(b.append('\\'), c);
            }
        }
    }

    /** {@code c} in octal, at least 3 digits, as {@code %03o} gives it: a run's first String.format starts java.util.Formatter (0.6-0.8 ms of CPU in a fresh JVM). */
    static void octal(StringBuilder b, int c) {
        String o = Integer.toOctalString(c);
        for (int i = o.length(); i < 3; i++) b.append('0');
        b.append(o);
    }

    /**
     * The bytes as gdb prints a char array: quoted runs, and runs of one character longer than the
     * repeat threshold as {@code 'c' <repeats N times>}, joined by ", ".
     */
    static String segments(byte[] bytes, boolean array) {
        StringBuilder out = new StringBuilder();
        StringBuilder run = null;
        int i = 0;
        while (i < bytes.length) {
            int c = bytes[i] & 0xff;
            int reps = 1;
            while (i + reps < bytes.length && (bytes[i + reps] & 0xff) == c) reps++;
            if (reps > ValueFormat.REPEAT_THRESHOLD) {
                if (run != null) { out.append(run).append("\", "); run = null; }
                else if (out.length() > 0) out.append(", ");
                out.append(quoted(c, '\'')).append(" <repeats ").append(reps).append(" times>");
                i += reps;
                continue;
            }
            if (run == null) {
                if (out.length() > 0) out.append(", ");
                run = new StringBuilder("\"");
            }
            for (int k = 0; k < reps; k++) escape(run, c, '"');
            i += reps;
        }
        if (run != null) out.append(run).append('"');
        if (out.length() == 0) out.append("\"\"");
        return out.toString();
    }
}
