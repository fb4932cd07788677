package dev.sextant.engine.bind;

import dev.sextant.engine.format.elf.DebugLink;
import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.Note;
import dev.sextant.engine.format.elf.NoteReader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Finds the separate debug file of a module under a symbol path the way gdb and libdwfl do (by
 * build-id under {@code .build-id/xx/rest.debug}, then by {@code .gnu_debuglink} name beside the
 * module's directory mirrored under the symbol path, then directly in it) and tells whether it
 * belongs to the module: the build-ids must be equal, or, without build-ids, the file's CRC32 must
 * equal the one {@code .gnu_debuglink} records. Reads only; never throws on a damaged file.
 */
final class DebugFileCheck {
    private DebugFileCheck() {}

    /** A candidate debug file that does not match its module, and why. */
    record Mismatch(Path debugFile, String why) {}

    static Optional<Mismatch> check(Path symbolPath, Path module, DynamicObject elf) {
        List<Path> candidates = new ArrayList<>();
        elf.buildId().filter(id -> id.length() > 2).ifPresent(id ->
                candidates.add(symbolPath.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug")));
        Optional<DebugLink> link = DebugLink.ofFile(module);
        link.ifPresent(l -> {
            Path dir = module.toAbsolutePath().getParent();
            if (dir != null) candidates.add(symbolPath.resolve(dir.toString().substring(1)).resolve(l.name()));
            candidates.add(symbolPath.resolve(l.name()));
        });
        for (Path c : candidates) {
            if (!Files.isRegularFile(c)) continue;
            try {
                ByteReader r = ByteReader.map(c, ByteOrder.LITTLE_ENDIAN);
                Optional<String> id = buildId(r);
                if (elf.buildId().isPresent() && id.isPresent()) {
                    if (!id.get().equals(elf.buildId().get())) {
                        return Optional.of(new Mismatch(c, "build-id " + id.get() + " is not the module's " + elf.buildId().get()));
                    }
                    return Optional.empty();
                }
                if (link.isPresent() && c.getFileName().toString().equals(link.get().name())) {
                    long crc = crc32(c);
                    if (crc != Integer.toUnsignedLong(link.get().crc())) {
                        return Optional.of(new Mismatch(c, String.format("CRC32 %08x is not the %08x .gnu_debuglink records",
                                crc, link.get().crc())));
                    }
                    return Optional.empty();
                }
            } catch (IOException | FormatException e) {
                return Optional.of(new Mismatch(c, "unreadable: " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> buildId(ByteReader r) {
        try {
            ElfHeader eh = ElfHeader.read(r);
            ByteReader o = r.withOrder(eh.order());
            for (SectionHeader s : SectionHeader.readAll(o, eh)) {
                if (s.type() != SectionHeader.SHT_NOTE) continue;
                for (var n : NoteReader.read(s.data(o), s.name())) {
                    if (n.type() == Note.NT_GNU_BUILD_ID && n.owner().equals("GNU")) {
                        return Optional.of(java.util.HexFormat.of().formatHex(n.desc().bytes("build-id", 0, n.desc().size())));
                    }
                }
            }
        } catch (FormatException e) {
            // fall through: no build-id
        }
        return Optional.empty();
    }

    private static long crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return crc.getValue();
    }
}
