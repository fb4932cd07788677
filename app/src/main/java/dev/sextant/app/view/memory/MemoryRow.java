package dev.sextant.app.view.memory;

import dev.sextant.engine.api.Address;
import java.util.List;
import java.util.OptionalInt;

/** One row of the Memory view: 16 bytes from {@code address}. Immutable. */
public record MemoryRow(Address address, List<Cell> cells) {
    public static final int WIDTH = 16;

    public MemoryRow { cells = List.copyOf(cells); }

    /**
     * One byte: its value where it could be read, whether it has been read yet at this stop, and
     * whether it differs from the value it had at the previous stop.
     */
    public record Cell(OptionalInt value, boolean loaded, boolean changed) {
        /** {@code 3f}; {@code ??} where the memory cannot be read; blank until it has been read. */
        public String hex() {
            if (value.isPresent()) return String.format("%02x", value.getAsInt());
            return loaded ? "??" : "  ";
        }

        public char ascii() {
            int v = value.orElse(-1);
            if (v >= 0x20 && v < 0x7f) return (char) v;
            if (v >= 0) return '.';
            return loaded ? '?' : ' ';
        }
    }

    public String ascii() {
        StringBuilder sb = new StringBuilder(WIDTH);
        for (Cell c : cells) sb.append(c.ascii());
        return sb.toString();
    }

    /** The row as {@code xxd} would print it: address, 16 hex bytes, the ASCII. */
    public String text() {
        StringBuilder sb = new StringBuilder(String.format("%016x ", address.value()));
        for (int i = 0; i < cells.size(); i++) sb.append(i == 8 ? "  " : " ").append(cells.get(i).hex());
        return sb.append("  ").append(ascii()).toString();
    }
}
