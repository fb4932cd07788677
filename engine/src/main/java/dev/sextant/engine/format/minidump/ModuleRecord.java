package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code MINIDUMP_MODULE}: a loaded image's base, size, name, version and CodeView record. The
 * CodeView record identifies the debug file: PDB 7.0 ({@code RSDS}: GUID + age + PDB path), PDB 2.0
 * ({@code NB10}) or an ELF build id ({@code BpEL}, Breakpad/Crashpad on Linux). Immutable.
 */
public record ModuleRecord(int index, long base, long size, long checksum, long timestamp, String name,
                           Optional<String> version, Optional<CodeView> codeView) {
    public static final int SIZE = 108;
    /** More modules than any real process maps; beyond it a list is read in part. */
    public static final int MAX_MODULES = 100_000;

    /** The debug identity of a module. */
    public sealed interface CodeView permits Pdb70, Pdb20, ElfBuildId, Other {}

    /** {@code RSDS}: the PDB's GUID, age and path. */
    public record Pdb70(byte[] guid, long age, String pdbName) implements CodeView {
        /** Breakpad's debug id: the GUID's fields in upper-case hex, then the age in hex ({@code 5A9832E5…FF1}). */
        public String debugId() {
            ByteReader g = ByteReader.of(guid, java.nio.ByteOrder.LITTLE_ENDIAN);
            StringBuilder sb = new StringBuilder(String.format("%08X%04X%04X", g.u32("guid", 0), g.u16("guid", 4), g.u16("guid", 6)));
            for (int i = 8; i < 16; i++) sb.append(String.format("%02X", guid[i] & 0xff));
            return sb.append(Long.toHexString(age).toUpperCase()).toString();
        }
    }

    /** {@code NB10}: a PDB 2.0 signature (timestamp), age and path. */
    public record Pdb20(long signature, long age, String pdbName) implements CodeView {}

    /** {@code BpEL}: the ELF {@code NT_GNU_BUILD_ID} bytes. */
    public record ElfBuildId(byte[] buildId) implements CodeView {
        public String hex() { return HexFormat.of().formatHex(buildId); }
    }

    /** A CodeView record of an unknown signature, kept as its signature. */
    public record Other(long signature, long size) implements CodeView {}

    /** {@code MINIDUMP_UNLOADED_MODULE}. */
    public record Unloaded(long base, long size, long checksum, long timestamp, String name) {}

    /** The last path component, for Windows ({@code c:\test_app.exe}) and Unix paths alike. */
    public String shortName() {
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return cut >= 0 ? name.substring(cut + 1) : name;
    }

    /** The code identifier: ELF build id, or Windows' {@code TimeDateStamp}+{@code SizeOfImage} ({@code 45D35F6C2d000}). */
    public String codeId() {
        if (codeView.orElse(null) instanceof ElfBuildId b) return b.hex();
        return String.format("%08X%x", timestamp, size);
    }

    /** The identifier that finds the debug file: PDB GUID+age, ELF build id, or the code id. */
    public String debugId() {
        if (codeView.isPresent()) {
            CodeView cv = codeView.get();
            if (cv instanceof Pdb70 p) return p.debugId();
            if (cv instanceof ElfBuildId b) return b.hex();
            if (cv instanceof Pdb20 p) return String.format("%08X%x", p.signature(), p.age());
        }
        return codeId();
    }

    public Optional<String> debugFileName() {
        if (codeView.orElse(null) instanceof Pdb70 p) return Optional.of(p.pdbName());
        if (codeView.orElse(null) instanceof Pdb20 p) return Optional.of(p.pdbName());
        return Optional.empty();
    }

    static List<ModuleRecord> readList(ByteReader b, Minidump dump) {
        String w = "ModuleList";
        Minidump.ListHead head = dump.listHead(b, w, SIZE, MAX_MODULES, "modules");
        long start = head.start();
        int count = head.count();
        List<ModuleRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long o = start + (long) i * SIZE;
            String wm = "module " + i;
            long base = b.u64(wm, o);
            long size = b.u32(wm, o + 8);
            String name;
            try {
                name = dump.utf16String(wm + " name", b.u32(wm, o + 20));
            } catch (FormatException e) {
                dump.problem(wm + " at 0x" + Long.toHexString(base) + ": name unreadable: " + e.getMessage());
                name = "<module at 0x" + Long.toHexString(base) + ">";
            }
            Optional<String> version = Optional.empty();
            if (b.u32(wm, o + 24) == 0xfeef04bdL) {
                long ms = b.u32(wm, o + 32), ls = b.u32(wm, o + 36);
                version = Optional.of((ms >>> 16) + "." + (ms & 0xffff) + "." + (ls >>> 16) + "." + (ls & 0xffff));
            }
            Optional<CodeView> cv = Optional.empty();
            long cvSize = b.u32(wm, o + 76), cvRva = b.u32(wm, o + 80);
            if (cvSize != 0) {
                try {
                    cv = Optional.of(codeView(dump.range(wm + " CodeView record", cvRva, cvSize)));
                } catch (FormatException e) {
                    dump.problem(wm + " " + name + ": CodeView record unreadable: " + e.getMessage());
                }
            }
            out.add(new ModuleRecord(i, base, size, b.u32(wm, o + 12), b.u32(wm, o + 16), name, version, cv));
        }
        return List.copyOf(out);
    }

    static CodeView codeView(ByteReader r) {
        String w = "CodeView record";
        long sig = r.u32(w, 0);
        if (sig == 0x53445352L) { // "RSDS"
            return new Pdb70(r.bytes(w + " GUID", 4, 16), r.u32(w + " age", 20), r.cString(w + " PDB name", 24, 4096));
        }
        if (sig == 0x3031424eL) { // "NB10"
            return new Pdb20(r.u32(w, 8), r.u32(w, 12), r.cString(w + " PDB name", 16, 4096));
        }
        if (sig == 0x4270454cL) { // Breakpad's MD_CVINFOELF_SIGNATURE "BpEL" (bytes "LEpB" in the file)
            return new ElfBuildId(r.bytes(w + " build id", 4, r.size() - 4));
        }
        return new Other(sig, r.size());
    }

    static List<Unloaded> readUnloaded(ByteReader b, Minidump dump) {
        String w = "UnloadedModuleList";
        long headerSize = b.u32(w, 0), entrySize = b.u32(w, 4), count = b.u32(w, 8);
        if (headerSize < 12 || entrySize < 24 || headerSize > b.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, b.base(), w,
                    "header of " + headerSize + " bytes with entries of " + entrySize + " bytes");
        }
        Minidump.listStart(b, w, count, headerSize, entrySize);
        List<Unloaded> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long o = headerSize + (long) i * entrySize;
            String name;
            try {
                name = dump.utf16String("unloaded module " + i + " name", b.u32(w, o + 20));
            } catch (FormatException e) {
                dump.problem(w + ": " + e.getMessage());
                name = "<unloaded module " + i + ">";
            }
            out.add(new Unloaded(b.u64(w, o), b.u32(w, o + 8), b.u32(w, o + 12), b.u32(w, o + 16), name));
        }
        return List.copyOf(out);
    }

}
