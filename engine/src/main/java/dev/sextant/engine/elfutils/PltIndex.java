package dev.sextant.engine.elfutils;

import dev.sextant.engine.format.elf.PltStubs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module's PLT stubs and the module's bias, for lookups by address in the target. The file's
 * section headers are read first; the stubs (and the relocations and symbols that name them)
 * only when an address falls in a PLT section. Engine thread only.
 */
final class PltIndex {
    static final PltIndex NONE = new PltIndex(null, 0);

    private final Path file;
    private final long bias;
    private long[] ranges;                   // start, end pairs of the PLT sections
    private List<PltStubs.Stub> stubs;

    PltIndex(Path file, long bias) { this.file = file; this.bias = bias; }

    /** The stub at {@code address} ({@code puts@plt}, a C++ name demangled) and the offset into it. */
    Optional<Map.Entry<String, Long>> pltStub(long address) {
        if (file == null) return Optional.empty();
        long a = address - bias;
        if (ranges == null) ranges = PltStubs.ranges(file);
        boolean in = false;
        for (int i = 0; i < ranges.length && !in; i += 2) {
            in = Long.compareUnsigned(a, ranges[i]) >= 0 && Long.compareUnsigned(a, ranges[i + 1]) < 0;
        }
        if (!in) return Optional.empty();
        if (stubs == null) stubs = PltStubs.ofFile(file);
        int lo = 0, hi = stubs.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            PltStubs.Stub st = stubs.get(mid);
            if (Long.compareUnsigned(a, st.start()) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(a - st.start(), st.size()) >= 0) lo = mid + 1;
            else return Optional.of(Map.entry(displayName(st.name()), a - st.start()));
        }
        return Optional.empty();
    }

    /** {@code _ZNSo3putEc@plt} shown as gdb shows it: {@code std::ostream::put(char)@plt}. */
    private static String displayName(String stub) {
        String base = stub.substring(0, stub.length() - "@plt".length());
        return base.startsWith("_Z") ? Demangler.demangle(base) + "@plt" : stub;
    }
}
