package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.DataDirectory;
import dev.sextant.engine.format.pe.PeImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The x64 exception directory ({@code .pdata}) of a PE image: its {@code RUNTIME_FUNCTION}s and their
 * {@code UNWIND_INFO}, decoded on demand. Chains are followed to at most {@link #MAX_CHAIN} links, as
 * Windows' unwinder does, so a chain that loops ends with a typed error. Immutable after construction.
 */
public final class PdataTable {
    /** Windows refuses chains longer than this; so does Sextant (and a loop ends here). */
    public static final int MAX_CHAIN = 8;

    private final PeImage image;
    private final long directoryRva;
    private final List<RuntimeFunction> functions;
    private final boolean sorted;

    private PdataTable(PeImage image, long directoryRva, List<RuntimeFunction> functions) {
        this.image = image;
        this.directoryRva = directoryRva;
        this.functions = functions;
        boolean s = true;
        for (int i = 1; i < functions.size() && s; i++) s = functions.get(i - 1).begin() < functions.get(i).begin();
        this.sorted = s;
    }

    /** The table, or empty when the image has no exception directory. Fails on a directory outside the file. */
    public static Optional<PdataTable> read(PeImage image) {
        Optional<DataDirectory> dir = image.directory(DataDirectory.EXCEPTION);
        if (dir.isEmpty()) return Optional.empty();
        long n = dir.get().size() / 12;
        ByteReader data = image.slice("exception directory", dir.get().rva(), n * 12);
        List<RuntimeFunction> out = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            String w = "RUNTIME_FUNCTION " + i;
            long b = data.u32(w, 12L * i), e = data.u32(w, 12L * i + 4), u = data.u32(w, 12L * i + 8);
            if (b == 0 && e == 0 && u == 0) break;   // padding at the end of .pdata
            out.add(new RuntimeFunction(i, b, e, u));
        }
        return Optional.of(new PdataTable(image, dir.get().rva(), List.copyOf(out)));
    }

    public PeImage image() { return image; }
    public long directoryRva() { return directoryRva; }
    public List<RuntimeFunction> functions() { return functions; }

    /** The entry covering {@code rva} (binary search when the table is sorted, as it must be). */
    public Optional<RuntimeFunction> lookup(long rva) {
        if (sorted) {
            int lo = 0, hi = functions.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                RuntimeFunction f = functions.get(mid);
                if (rva < f.begin()) hi = mid - 1;
                else if (rva >= f.end()) lo = mid + 1;
                else return Optional.of(f);
            }
            return Optional.empty();
        }
        return functions.stream().filter(f -> f.covers(rva)).findFirst();
    }

    /** Decodes the {@code UNWIND_INFO} at {@code rva}. */
    public UnwindInfo unwindInfoAt(long rva) {
        return UnwindInfo.decode(image.fromRva("UNWIND_INFO at RVA 0x" + Long.toHexString(rva), rva), rva);
    }

    /**
     * The unwind info of {@code f} followed by every chained parent's, in order. An entry whose unwind
     * RVA has bit 0 set points at another RUNTIME_FUNCTION (an indirect entry) and is followed the
     * same way. More than {@link #MAX_CHAIN} links fail with "exceeded unwind chain length".
     */
    public List<UnwindInfo> chain(RuntimeFunction f) {
        List<UnwindInfo> out = new ArrayList<>();
        long rva = f.unwindInfo();
        for (int links = 0; ; links++) {
            if (links > MAX_CHAIN) {
                throw new FormatException(FormatException.Kind.INCONSISTENT, image.rvaToFileOffset(f.unwindInfo(), "unwind info"),
                        "RUNTIME_FUNCTION " + f.index() + " at RVA 0x" + Long.toHexString(f.begin()),
                        "exceeded unwind chain length (" + MAX_CHAIN + ")");
            }
            if ((rva & 1) != 0) {
                ByteReader rf = image.slice("indirect RUNTIME_FUNCTION", rva & ~1L, 12);
                rva = rf.u32("indirect RUNTIME_FUNCTION", 8);
                continue;
            }
            UnwindInfo ui = unwindInfoAt(rva);
            out.add(ui);
            if (ui.chained().isEmpty()) return out;
            rva = ui.chained().get().unwindInfo();
        }
    }
}
