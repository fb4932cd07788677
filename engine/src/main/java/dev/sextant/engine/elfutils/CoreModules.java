package dev.sextant.engine.elfutils;

import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A core's modules as Sextant reports them to libdwfl, instead of {@code dwfl_core_file_report}:
 * that call opens every name of the dynamic linker's list itself (a relative name such as
 * {@code ./libfoo.so} against Sextant's current directory, {@code --exe} and an {@code ET_REL} file
 * with the right build-id into an assertion that ends the JVM) and maps them. Here the modules come
 * from the {@code NT_FILE} note (absolute paths the kernel wrote) with their build-ids read from the
 * core's memory, and the vDSO from {@code AT_SYSINFO_EHDR} with its image copied out of the core
 * (libdwfl, reading a core without mapping it, copies only the vDSO's loaded bytes and loses its
 * section headers: its symbols are then unusable). Files are found and checked by
 * {@link CoreSession}'s {@code find_elf} rules.
 */
public record CoreModules(List<Entry> modules, ModuleFileCheck.Expected expected) {

    /** One module: libdwfl's name (the file name, as the dynamic linker's list gives it), the mapped path, range, build-id. */
    public record Entry(String name, Optional<String> path, long start, long end, Optional<String> buildId, Optional<byte[]> image) {
        ReportedModule reported() {
            return new ReportedModule(name, start, end, buildId.map(HexFormat.of()::parseHex));
        }
    }

    /** The vDSO's module name (as /proc/PID/maps names it). */
    public static final String VDSO = "[vdso]";
    private static final int HEAD = 64 * 1024, MAX_VDSO = 1 << 20;

    /** The modules of {@code core}, whose notes are {@code notes}; empty when the core has no {@code NT_FILE} note. */
    public static CoreModules of(Path core, CoreFile notes) {
        List<Entry> out = new ArrayList<>();
        ModuleFileCheck.Expected expected = ModuleFileCheck.Expected.of(notes.header());
        if (notes.files().isEmpty()) return new CoreModules(out, expected);
        ByteOrder order = notes.header().order();
        Long entry = notes.auxv().get(CoreFile.AT_ENTRY);
        try (RandomAccessFile f = new RandomAccessFile(core.toFile(), "r")) {
            Reader memory = new Reader(f, notes.segments());
            List<CoreFile.MappedFile> files = notes.files();
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < files.size(); i++) {
                CoreFile.MappedFile first = files.get(i);
                if (first.fileOffset() != 0) continue;
                long end = first.end();
                boolean executable = entry != null && Long.compareUnsigned(entry, first.start()) >= 0;
                // a small file maps its first page twice (text, then data): one module still
                while (i + 1 < files.size() && files.get(i + 1).path().equals(first.path())) {
                    end = files.get(++i).end();
                }
                if (entry != null && Long.compareUnsigned(entry, end) >= 0) executable = false;
                byte[] head = memory.read(first.start(), (int) Math.min(HEAD, end - first.start()));
                Optional<String> buildId = Optional.empty();
                if (head.length >= 4) {
                    if (!isLoadable(head, order)) continue;
                    buildId = buildId(head, order);
                } else if (!executable && !looksLikeLibrary(first.path())) {
                    continue;       // not in the core (filtered out) and no sign of being code
                }
                // Names are how find_elf asks for a module: two files of one name (a library and its namesake elsewhere) keep their paths.
                String name = fileName(first.path());
                if (names.contains(name)) name = first.path();
                names.add(name);
                out.add(new Entry(name, Optional.of(first.path()), first.start(), end, buildId, Optional.empty()));
            }
            vdso(notes, memory).ifPresent(out::add);
        } catch (IOException e) {
            return new CoreModules(List.of(), expected);
        }
        return new CoreModules(out, expected);
    }

    public List<ReportedModule> reported() {
        return modules.stream().map(Entry::reported).toList();
    }

    /** The module reported under {@code name}, if any. */
    public Optional<Entry> named(String name) {
        return modules.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    private static Optional<Entry> vdso(CoreFile notes, Reader memory) throws IOException {
        Long at = notes.auxv().get(CoreFile.AT_SYSINFO_EHDR);
        if (at == null || at == 0) return Optional.empty();
        for (ProgramHeader ph : notes.segments()) {
            if (ph.type() != ProgramHeader.PT_LOAD || Long.compareUnsigned(at, ph.vaddr()) < 0
                    || Long.compareUnsigned(at - ph.vaddr(), ph.memsz()) >= 0) continue;
            long size = Math.min(ph.vaddr() + ph.memsz() - at, MAX_VDSO);
            byte[] image = memory.read(at, (int) size);
            if (image.length < 64 || !isLoadable(image, notes.header().order())) return Optional.empty();
            return Optional.of(new Entry(VDSO, Optional.empty(), at, at + size, buildId(image, notes.header().order()), Optional.of(image)));
        }
        return Optional.empty();
    }

    private static boolean isLoadable(byte[] head, ByteOrder order) {
        try {
            int type = ElfHeader.read(ByteReader.of(head, order)).type();
            return type == ElfHeader.ET_DYN || type == ElfHeader.ET_EXEC;
        } catch (FormatException e) {
            return false;
        }
    }

    private static Optional<String> buildId(byte[] head, ByteOrder order) {
        try {
            return BuildId.of(ByteReader.of(head, order));
        } catch (FormatException e) {
            return Optional.empty();        // notes beyond what the core holds of the file
        }
    }

    private static boolean looksLikeLibrary(String path) {
        String name = fileName(path);
        return name.endsWith(".so") || name.contains(".so.");
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash + 1 < path.length() ? path.substring(slash + 1) : path;
    }

    /** Bytes of the core's memory image by positional reads (no mapping); what a segment does not store is not read. */
    private record Reader(RandomAccessFile file, List<ProgramHeader> segments) {
        byte[] read(long address, int length) throws IOException {
            for (ProgramHeader ph : segments) {
                if (ph.type() != ProgramHeader.PT_LOAD || Long.compareUnsigned(address, ph.vaddr()) < 0
                        || Long.compareUnsigned(address - ph.vaddr(), ph.filesz()) >= 0) continue;
                long within = address - ph.vaddr();
                long offset = ph.offset() + within;
                long n = Math.min(Math.min(length, ph.filesz() - within), Math.max(0, file.length() - offset));
                if (n <= 0) return new byte[0];
                byte[] b = new byte[(int) n];
                file.seek(offset);
                int got = 0;
                while (got < n) {
                    int k = file.read(b, got, (int) n - got);
                    if (k < 0) return java.util.Arrays.copyOf(b, got);
                    got += k;
                }
                return b;
            }
            return new byte[0];
        }
    }
}
