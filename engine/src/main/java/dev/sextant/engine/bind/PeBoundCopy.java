package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.format.pe.DataDirectory;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.pe.PeImports;
import dev.sextant.engine.format.pe.PeSection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a bound copy of a PE image the way {@code BIND.EXE} binds one: each fully resolved
 * import's IAT slots hold the resolved virtual addresses, its descriptor's TimeDateStamp is -1
 * (bound, new style), and the bound import directory (one {@code IMAGE_BOUND_IMPORT_DESCRIPTOR}
 * per bound DLL with its DLL's TimeDateStamp, followed by its {@code IMAGE_BOUND_FORWARDER_REF}s,
 * a zero descriptor, then the names) goes into the slack after the section table. When the slack
 * is too small the headers grow by whole file-alignment units, as long as they stay below the first
 * section ({@code BindExpandFileHeaders}, every file offset after them moves); otherwise nothing
 * is written ({@code BindNoRoomInImage}). The checksum is recomputed when the image had one.
 */
final class PeBoundCopy {
    private PeBoundCopy() {}

    /** A forwarder reference: the DLL a forwarder led to, and its TimeDateStamp. */
    record Ref(String name, long timeDateStamp) {}

    /** An import descriptor to bind: its resolved addresses (one per procedure) and forwarder refs. */
    record BoundModule(PeImports.Module module, long timeDateStamp, long[] values, List<Ref> refs) {}

    /** Receives the copy's status calls (the binder's status routine with the image filled in). */
    interface Status {
        void report(BindReason reason, String dll, long va, BindParameter parameter);
    }

    /** {@code dir/app.exe} → {@code dir/app.bound.exe}. */
    static Path copyPath(Path image) {
        String n = image.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String copy = dot > 0 ? n.substring(0, dot) + ".bound" + n.substring(dot) : n + ".bound";
        return image.resolveSibling(copy);
    }

    static void write(PeImage pe, Path image, Path dest, List<BoundModule> modules, Status status) throws IOException {
        byte[] file = Files.readAllBytes(image);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        boolean plus = pe.optionalHeader().isPe32Plus();
        long nt = pe.ntHeaderOffset();
        long opt = nt + 24;
        long dirs = opt + (plus ? 112 : 96);
        int nDirs = pe.optionalHeader().dataDirectories().size();
        if (nDirs <= DataDirectory.BOUND_IMPORT) {
            status.report(BindReason.BindNoRoomInImage, "", 0, new BindParameter.ByteCount(0));
            return;
        }

        // 1. IAT slots and descriptors (old-style-less: TimeDateStamp -1 says "see the bound import directory").
        for (BoundModule m : modules) {
            if (m.module().originalFirstThunk() == 0) continue;       // the IAT is the only name table: leave it
            List<PeImports.Procedure> procs = m.module().procedures();
            for (int i = 0; i < procs.size(); i++) {
                int off = (int) pe.rvaToFileOffset(procs.get(i).iatRva(), "import address slot");
                if (plus) b.putLong(off, m.values()[i]); else b.putInt(off, (int) m.values()[i]);
            }
            int d = (int) pe.rvaToFileOffset(m.module().descriptorRva(), "import descriptor");
            b.putInt(d + 4, -1);
        }

        // 2. The bound import directory.
        byte[] table = table(modules.stream().filter(m -> m.module().originalFirstThunk() != 0).toList());
        long sectionTableEnd = opt + pe.fileHeader().sizeOfOptionalHeader() + 40L * pe.fileHeader().numberOfSections();
        long start = (sectionTableEnd + 3) & ~3L;
        long headers = pe.optionalHeader().sizeOfHeaders();
        long firstRaw = Long.MAX_VALUE, firstRva = Long.MAX_VALUE;
        for (PeSection s : pe.sections()) {
            if (s.pointerToRawData() != 0 && s.sizeOfRawData() != 0) firstRaw = Math.min(firstRaw, s.pointerToRawData());
            firstRva = Math.min(firstRva, s.virtualAddress());
        }
        long room = Math.min(headers, firstRaw) - start;
        if (table.length > room) {
            long align = Math.max(1, pe.optionalHeader().fileAlignment());
            long newHeaders = (start + table.length + align - 1) / align * align;
            if (newHeaders > firstRva || firstRaw < headers) {
                status.report(BindReason.BindNoRoomInImage, "", 0, new BindParameter.ByteCount(table.length - room));
                return;
            }
            long delta = newHeaders - headers;
            status.report(BindReason.BindExpandFileHeaders, "", 0, new BindParameter.ByteCount(delta));
            file = expand(pe, file, (int) headers, (int) delta, plus);
            b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        }
        System.arraycopy(table, 0, file, (int) start, table.length);
        b.putInt((int) (dirs + 8L * DataDirectory.BOUND_IMPORT), (int) start);
        b.putInt((int) (dirs + 8L * DataDirectory.BOUND_IMPORT + 4), table.length);

        // 3. Checksum, as CheckSumMappedFile computes it.
        int sumAt = (int) (opt + 64);
        if (pe.optionalHeader().checkSum() != 0) b.putInt(sumAt, (int) checksum(file, sumAt));

        Path tmp = Files.createTempFile(dest.toAbsolutePath().getParent(), ".sextant-bind", ".tmp");
        Files.write(tmp, file);
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        status.report(BindReason.BindImageModified, "", 0, new BindParameter.Written(dest.toString()));
    }

    /** Descriptors with their forwarder refs, a zero descriptor, then the names (offsets from the table's start). */
    static byte[] table(List<BoundModule> modules) {
        int entries = 1;
        for (BoundModule m : modules) entries += 1 + m.refs().size();
        java.io.ByteArrayOutputStream names = new java.io.ByteArrayOutputStream();
        java.util.Map<String, Integer> nameAt = new java.util.HashMap<>();
        int base = entries * 8;
        ByteBuffer out = ByteBuffer.allocate(base).order(ByteOrder.LITTLE_ENDIAN);
        for (BoundModule m : modules) {
            out.putInt((int) m.timeDateStamp()).putShort((short) name(m.module().dllName(), base, names, nameAt))
                    .putShort((short) m.refs().size());
            for (Ref r : m.refs()) out.putInt((int) r.timeDateStamp()).putShort((short) name(r.name(), base, names, nameAt)).putShort((short) 0);
        }
        byte[] n = names.toByteArray();
        byte[] all = new byte[(base + n.length + 3) & ~3];
        System.arraycopy(out.array(), 0, all, 0, base);
        System.arraycopy(n, 0, all, base, n.length);
        return all;
    }

    private static int name(String s, int base, java.io.ByteArrayOutputStream names, java.util.Map<String, Integer> at) {
        return at.computeIfAbsent(s, k -> {
            int off = base + names.size();
            names.writeBytes(k.getBytes(StandardCharsets.US_ASCII));
            names.write(0);
            return off;
        });
    }

    /** Inserts {@code delta} zero bytes at the end of the headers and moves every file offset after them. */
    private static byte[] expand(PeImage pe, byte[] file, int headers, int delta, boolean plus) {
        byte[] out = new byte[file.length + delta];
        System.arraycopy(file, 0, out, 0, headers);
        System.arraycopy(file, headers, out, headers + delta, file.length - headers);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        long nt = pe.ntHeaderOffset();
        long opt = nt + 24;
        b.putInt((int) (opt + 60), headers + delta);                               // SizeOfHeaders
        long symtab = pe.fileHeader().pointerToSymbolTable();
        if (symtab != 0) b.putInt((int) (nt + 12), (int) (symtab + delta));        // PointerToSymbolTable
        long st = opt + pe.fileHeader().sizeOfOptionalHeader();
        for (PeSection s : pe.sections()) {
            int at = (int) (st + 40L * s.index() + 20);
            if (s.pointerToRawData() != 0) b.putInt(at, (int) (s.pointerToRawData() + delta));
        }
        long dirs = opt + (plus ? 112 : 96);
        pe.directory(DataDirectory.SECURITY).ifPresent(d ->                        // a file offset, not an RVA
                b.putInt((int) (dirs + 8L * DataDirectory.SECURITY), (int) (d.rva() + delta)));
        pe.directory(DataDirectory.DEBUG).ifPresent(d -> {
            long off = pe.rvaToFileOffset(d.rva(), "debug directory") + delta;
            for (long e = 0; e + 28 <= d.size(); e += 28) {
                int p = (int) (off + e + 24);
                long raw = b.getInt(p) & 0xffffffffL;
                if (raw != 0) b.putInt(p, (int) (raw + delta));
            }
        });
        return out;
    }

    /** The PE checksum: 16-bit one's-complement-style sum of the file (without the checksum field) plus its length. */
    static long checksum(byte[] file, int checksumOffset) {
        long sum = 0;
        for (int i = 0; i + 1 < file.length; i += 2) {
            if (i == checksumOffset || i == checksumOffset + 2) continue;
            sum += (file[i] & 0xff) | (file[i + 1] & 0xff) << 8;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        if ((file.length & 1) != 0) {
            sum += file[file.length - 1] & 0xff;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        return (sum + file.length) & 0xffffffffL;
    }
}
