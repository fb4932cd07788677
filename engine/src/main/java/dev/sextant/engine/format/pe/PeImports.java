package dev.sextant.engine.format.pe;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PE image's import directory ({@code IMAGE_IMPORT_DESCRIPTOR}s with their thunks, by name and
 * by ordinal), its delay-load import directory ({@code ImgDelayDescr}s) and its bound import directory ({@code IMAGE_BOUND_IMPORT_DESCRIPTOR}s with their
 * {@code IMAGE_BOUND_FORWARDER_REF}s). Counts are bounded by the bytes that hold them, so a
 * hostile table ends in a {@link FormatException}, never a long loop. Immutable.
 */
public final class PeImports {
    private PeImports() {}

    /** Most descriptors or thunks one table may have before it is called hostile. */
    private static final int LIMIT = 1 << 16;

    /**
     * One imported procedure: by name (with its hint) or by ordinal; {@code iatRva} is its slot in
     * the import address table (FirstThunk), which a bound image fills with the resolved address.
     */
    public record Procedure(Optional<String> name, int hintOrOrdinal, boolean byOrdinal, long iatRva, long iatValue) {
        public String display() { return name.orElse("#" + hintOrOrdinal); }
    }

    /** One import descriptor: the DLL, where it sits (for updating), and its procedures. */
    public record Module(String dllName, long descriptorRva, long originalFirstThunk, long timeDateStamp,
                         long forwarderChain, long firstThunk, List<Procedure> procedures) {}

    /** One bound import descriptor: module, its TimeDateStamp when bound, and forwarder references. */
    public record Bound(String moduleName, long timeDateStamp, List<Bound> forwarderRefs) {}

    public static List<Module> read(PeImage pe) {
        Optional<DataDirectory> dir = pe.directory(DataDirectory.IMPORT);
        if (dir.isEmpty()) return List.of();
        ByteReader t = pe.fromRva("import directory", dir.get().rva());
        List<Module> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            long o = 20L * i;
            if (i >= LIMIT) throw new FormatException(FormatException.Kind.INCONSISTENT, t.base() + o, "import directory", "more than " + LIMIT + " descriptors");
            String w = "import descriptor";
            long oft = t.u32(w, o), stamp = t.u32(w, o + 4), chain = t.u32(w, o + 8), name = t.u32(w, o + 12), ft = t.u32(w, o + 16);
            if (oft == 0 && name == 0 && ft == 0) break;
            String dll = pe.fromRva("imported DLL name", name).cString("imported DLL name", 0, 512);
            long lookup = oft != 0 ? oft : ft;     // without OriginalFirstThunk the IAT holds the names (old linkers)
            out.add(new Module(dll, dir.get().rva() + o, oft, stamp, chain, ft, thunks(pe, lookup, ft, 0)));
        }
        return List.copyOf(out);
    }

    /**
     * The procedures of one import lookup table (names or ordinals) and their import address table
     * slots. {@code vaBias} is subtracted from name pointers: the image base for the old VA-based
     * delay-load descriptors, else 0.
     */
    private static List<Procedure> thunks(PeImage pe, long lookup, long ft, long vaBias) {
        boolean plus = pe.optionalHeader().isPe32Plus();
        int thunk = plus ? 8 : 4;
        ByteReader names = pe.fromRva("import lookup table", lookup);
        ByteReader iat = pe.fromRva("import address table", ft);
        List<Procedure> procs = new ArrayList<>();
        for (int k = 0; ; k++) {
            if (k >= LIMIT) throw new FormatException(FormatException.Kind.INCONSISTENT, names.base(), "import lookup table", "more than " + LIMIT + " thunks");
            long e = plus ? names.u64("import thunk", (long) k * thunk) : names.u32("import thunk", (long) k * thunk);
            if (e == 0) break;
            long slot = plus ? iat.u64("import address", (long) k * thunk) : iat.u32("import address", (long) k * thunk);
            boolean ordinal = plus ? e < 0 : (e & 0x80000000L) != 0;
            if (ordinal) {
                procs.add(new Procedure(Optional.empty(), (int) (e & 0xffff), true, ft + (long) k * thunk, slot));
            } else {
                ByteReader hn = pe.fromRva("import by name", vaBias == 0 ? e & 0x7fffffffL : e - vaBias);
                procs.add(new Procedure(Optional.of(hn.cString("import name", 2, 4096)), hn.u16("import hint", 0), false,
                        ft + (long) k * thunk, slot));
            }
        }
        return List.copyOf(procs);
    }

    /**
     * One delay-load descriptor ({@code ImgDelayDescr}), every address as an RVA (old VA-based
     * descriptors, attribute bit 0 clear, are converted): the DLL, where the descriptor sits, its
     * attributes, module handle, import address and name tables, bound and unload copies of the
     * IAT, the stamp of a bound image, and the procedures.
     */
    public record DelayModule(String dllName, long descriptorRva, long attributes, long moduleHandleRva, long iatRva,
                              long intRva, long boundIatRva, long unloadIatRva, long timeDateStamp, List<Procedure> procedures) {
        /** {@code dlattrRva}: the descriptor holds RVAs (every linker since Visual C++ 7). */
        public boolean rvaBased() { return (attributes & 1) != 0; }
    }

    /**
     * The delay-load import directory (data directory 13): descriptors up to a null one, at most
     * as many as the directory's size holds (a size of more than one descriptor counts the null
     * terminator, as the Microsoft linker writes it). Anything outside the file is a {@link FormatException}.
     */
    public static List<DelayModule> readDelay(PeImage pe) {
        Optional<DataDirectory> dir = pe.directory(DataDirectory.DELAY_IMPORT);
        if (dir.isEmpty()) return List.of();
        long n = dir.get().size() / 32;
        if (n >= 2) n--;
        if (n > LIMIT) throw new FormatException(FormatException.Kind.INCONSISTENT, dir.get().rva(), "delay import directory", "more than " + LIMIT + " descriptors");
        ByteReader t = pe.fromRva("delay import directory", dir.get().rva());     // a read past its section fails
        List<DelayModule> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long o = 32L * i;
            String w = "delay import descriptor";
            long attrs = t.u32(w, o), name = t.u32(w, o + 4), hmod = t.u32(w, o + 8), iat = t.u32(w, o + 12),
                    names = t.u32(w, o + 16), bound = t.u32(w, o + 20), unload = t.u32(w, o + 24), stamp = t.u32(w, o + 28);
            if (name == 0 && iat == 0 && names == 0) break;
            long bias = (attrs & 1) != 0 ? 0 : pe.imageBase();       // VA-based: every pointer is a VA
            String dll = pe.fromRva("delay-loaded DLL name", rva(name, bias)).cString("delay-loaded DLL name", 0, 512);
            List<Procedure> procs = thunks(pe, rva(names, bias), rva(iat, bias), bias);
            out.add(new DelayModule(dll, dir.get().rva() + o, attrs, rva(hmod, bias), rva(iat, bias), rva(names, bias),
                    rva(bound, bias), rva(unload, bias), stamp, procs));
        }
        return List.copyOf(out);
    }

    /** A descriptor field as an RVA; 0 stays 0 (absent). A VA below the image base gives a negative RVA, which nothing maps. */
    private static long rva(long value, long bias) {
        return value == 0 ? 0 : value - bias;
    }

    /** The bound import directory; empty when the image has none. Names are read from the directory itself. */
    public static List<Bound> readBound(PeImage pe) {
        Optional<DataDirectory> dir = pe.directory(DataDirectory.BOUND_IMPORT);
        if (dir.isEmpty()) return List.of();
        // The directory lives in the headers, where RVA and file offset are the same.
        ByteReader t = pe.file().slice("bound import directory", dir.get().rva(), dir.get().size());
        List<Bound> out = new ArrayList<>();
        long o = 0;
        while (true) {
            String w = "bound import descriptor";
            long stamp = t.u32(w, o);
            int nameOff = t.u16(w, o + 4), refs = t.u16(w, o + 6);
            if (stamp == 0 && nameOff == 0 && refs == 0) break;
            String name = t.cString("bound import module name", nameOff, 512);
            o += 8;
            List<Bound> fw = new ArrayList<>();
            for (int k = 0; k < refs; k++, o += 8) {
                fw.add(new Bound(t.cString("bound forwarder name", t.u16(w, o + 4), 512), t.u32(w, o), List.of()));
            }
            out.add(new Bound(name, stamp, List.copyOf(fw)));
        }
        return List.copyOf(out);
    }
}
