package dev.sextant.app.cli;

import dev.sextant.engine.api.Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of {@code --addr-file}: one per line, hex with or without {@code 0x} (or
 * {@code #decimal}), blank lines skipped, as {@link Address#parse}. Plain hex lines are read from
 * the bytes directly: ten thousand lines cost a String and a parse each otherwise, most of it
 * interpreted at start-up.
 */
final class AddressFile {
    private AddressFile() {}

    /** @throws IllegalArgumentException for a line {@link Address#parse} refuses, with its message */
    static List<Address> read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<Address> out = new ArrayList<>(b.length / 12 + 1);
        int i = 0;
        while (i < b.length) {
            int end = i;
            while (end < b.length && b[end] != '\n') end++;
            int s = i, e = end;
            while (s < e && b[s] <= ' ') s++;
            while (e > s && b[e - 1] <= ' ') e--;
            if (s < e) out.add(Address.of(hexOrParse(b, s, e)));
            i = end + 1;
        }
        return out;
    }

    private static long hexOrParse(byte[] b, int s, int e) {
        int d = s;
        if (e - s > 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) d += 2;
        if (e - d <= 16) {
            long v = 0;
            int k = d;
            for (; k < e; k++) {
                int c = b[k], x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (x < 0) break;
                v = v << 4 | x;
            }
            if (k == e) return v;
        }
        return Address.parse(new String(b, s, e - s, java.nio.charset.StandardCharsets.UTF_8)).value();
    }
}
