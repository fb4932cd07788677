package dev.sextant.engine.format.pe;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A PE image's export directory ({@code IMAGE_EXPORT_DIRECTORY}): exports by ordinal, names to
 * ordinals, and forwarders (an export whose RVA points back into the export directory holds the
 * text {@code DLL.Name} or {@code DLL.#Ordinal}). Immutable.
 */
public final class PeExports {
    /** One export: its RVA in this image, or the forwarder text. */
    public record Export(int ordinal, long rva, Optional<String> forwarder) {}

    private final String dllName;
    private final int base;
    private final Export[] byIndex;           // ordinal - base
    private final Map<String, Integer> byName;

    private PeExports(String dllName, int base, Export[] byIndex, Map<String, Integer> byName) {
        this.dllName = dllName;
        this.base = base;
        this.byIndex = byIndex;
        this.byName = byName;
    }

    public static PeExports read(PeImage pe) {
        Optional<DataDirectory> dir = pe.directory(DataDirectory.EXPORT);
        if (dir.isEmpty()) return new PeExports("", 1, new Export[0], Map.of());
        long start = dir.get().rva(), end = start + dir.get().size();
        ByteReader d = pe.slice("export directory", start, 40);
        String w = "export directory";
        String name = d.u32(w, 12) == 0 ? "" : pe.fromRva("export DLL name", d.u32(w, 12)).cString("export DLL name", 0, 512);
        int base = (int) d.u32(w, 16);
        long nf = d.u32(w, 20), nn = d.u32(w, 24);
        if (nf > 1 << 16 || nn > nf + (1 << 16)) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, d.base() + 20, w, nf + " functions, " + nn + " names is not plausible");
        }
        ByteReader funcs = pe.slice("export address table", d.u32(w, 28), 4 * nf);
        ByteReader names = pe.slice("export name pointers", d.u32(w, 32), 4 * nn);
        ByteReader ords = pe.slice("export ordinals", d.u32(w, 36), 2 * nn);
        Export[] byIndex = new Export[(int) nf];
        for (int i = 0; i < nf; i++) {
            long rva = funcs.u32("export address", 4L * i);
            Optional<String> fwd = Optional.empty();
            if (rva >= start && rva < end) fwd = Optional.of(pe.fromRva("export forwarder", rva).cString("export forwarder", 0, 512));
            byIndex[i] = new Export(base + i, rva, fwd);
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < nn; i++) {
            String n = pe.fromRva("export name", names.u32("export name pointer", 4L * i)).cString("export name", 0, 4096);
            byName.putIfAbsent(n, ords.u16("export ordinal", 2L * i));
        }
        return new PeExports(name, base, byIndex, Map.copyOf(byName));
    }

    public String dllName() { return dllName; }
    public int ordinalBase() { return base; }
    public int count() { return byIndex.length; }

    public Optional<Export> byName(String name) {
        Integer i = byName.get(name);
        return i == null || i < 0 || i >= byIndex.length ? Optional.empty() : Optional.of(byIndex[i]);
    }

    public Optional<Export> byOrdinal(int ordinal) {
        int i = ordinal - base;
        return i < 0 || i >= byIndex.length || byIndex[i].rva() == 0 ? Optional.empty() : Optional.of(byIndex[i]);
    }

    /** Every exported name, for listings. */
    public Map<String, Integer> names() { return byName; }
}
