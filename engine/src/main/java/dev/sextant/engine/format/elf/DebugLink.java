package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file's {@code .gnu_debuglink}: the name of its separate debug file and that file's CRC-32
 * (a name, NUL, padding to 4 bytes, then the CRC in the file's byte order).
 */
public record DebugLink(String name, int crc) {

    /** The link in {@code file}'s sections; empty when it has none. */
    public static Optional<DebugLink> of(ElfSections file) {
        Optional<SectionHeader> s = SectionHeader.find(file.sections(), ".gnu_debuglink");
        if (s.isEmpty()) return Optional.empty();
        var c = file.data(s.get());
        String name = c.cString(".gnu_debuglink", 0, 4096);
        long crcOff = (name.length() + 1 + 3) & ~3L;
        return Optional.of(new DebugLink(name, (int) c.u32(".gnu_debuglink CRC", crcOff)));
    }

    /** The link of the file at {@code path}; empty when it has none or is not a readable ELF file. */
    public static Optional<DebugLink> ofFile(Path path) {
        try {
            return ElfSections.read(path, DebugLink::of);
        } catch (IOException | FormatException e) {
            return Optional.empty();
        }
    }
}
