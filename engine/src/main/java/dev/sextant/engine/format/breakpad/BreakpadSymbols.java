package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.breakpad.SymbolRecords.CfiRules;
import dev.sextant.engine.format.breakpad.SymbolRecords.Function;
import dev.sextant.engine.format.breakpad.SymbolRecords.ModuleLine;
import dev.sextant.engine.format.breakpad.SymbolRecords.Problem;
import dev.sextant.engine.format.breakpad.SymbolRecords.PublicSymbol;
import dev.sextant.engine.format.breakpad.SymbolRecords.SourceFrame;
import dev.sextant.engine.format.breakpad.SymbolRecords.WinFrame;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Breakpad symbol file ({@code .sym}), indexed by one streaming pass: for every {@code FUNC},
 * {@code PUBLIC}, {@code STACK CFI INIT} and {@code STACK WIN} record its address, size and file offset,
 * for {@code FILE} and {@code INLINE_ORIGIN} the offset of the name. Lookups read and parse only the
 * lines of the record that covers an address (a function's {@code LINE} and {@code INLINE} records, a
 * CFI entry's deltas), so a store of large files is never read whole for one frame.
 * <p>
 * The {@code MODULE} line must come first ({@link FormatException} otherwise); any other line that is not
 * understood is skipped and listed in {@link #problems()}, as Breakpad's processor does. Addresses are
 * module-relative. Immutable after {@link #open}; lookups may run on any thread.
 */
public final class BreakpadSymbols {
    /** A name, a line or a record longer than this is not a symbol file's. */
    static final int MAX_LINE = 1 << 20;
    private static final int CHUNK = 1 << 20;
    static final int MAX_PROBLEMS = 100;

    private final ByteReader data;
    private final ModuleLine module;
    // FUNC: address, size, offset of the FUNC line, offset of its first body line, end of its body
    private final RangeIndex functions = new RangeIndex(5);
    private final RangeIndex publics = new RangeIndex(2);           // address, line offset
    private final RangeIndex cfi = new RangeIndex(4);               // address, size, INIT offset, end of its deltas
    private final RangeIndex win = new RangeIndex(4);               // address, size, line offset, type
    private final Map<Long, Long> files = new HashMap<>(), origins = new HashMap<>();   // id -> offset of the name
    private final List<Problem> problems = new ArrayList<>();
    private int problemCount;
    /** Files at least this large are searched in place ({@link SortedScan}) until a lookup needs the index. */
    static final long SCAN_IN_PLACE = 256 << 10;
    private final SortedScan scan;              // null: indexed from the start
    private volatile boolean indexed;

    private BreakpadSymbols(ByteReader data, boolean inPlace) {
        this.data = data;
        if (inPlace) {
            this.scan = new SortedScan(data);
            long end = scan.lineEnd(0);
            byte[] first = data.bytes("symbol file", 0, Math.min(end, MAX_LINE));
            if (first.length == 0) throw new FormatException(FormatException.Kind.TRUNCATED, 0, "symbol file", "empty: no MODULE line");
            this.module = moduleLine(first, 0, first.length, 0);
        } else {
            this.scan = null;
            this.module = index();
            sortIndex();
        }
    }

    private void sortIndex() {
        functions.sort();
        publics.sort();
        cfi.sort();
        win.sort();
        indexed = true;
    }

    /** The whole index, made on first need when the file was opened to be searched in place. */
    private void indexed() {
        if (indexed) return;
        synchronized (this) {
            if (indexed) return;
            index();
            sortIndex();
        }
    }

    /** True while lookups search the file in place (a large file, laid out as dump_syms writes it). */
    private boolean inPlace() { return scan != null && !indexed && scan.consistent(); }

    /**
     * Maps {@code file}. A large file is not read at all here: each lookup searches the mapped bytes
     * (records in dump_syms's order), and the file is indexed whole only when a lookup needs that
     * ({@code STACK WIN}, counts) or finds it out of order.
     */
    public static BreakpadSymbols open(Path file) throws IOException {
        ByteReader data = ByteReader.map(file, ByteOrder.LITTLE_ENDIAN);
        return new BreakpadSymbols(data, data.size() >= SCAN_IN_PLACE);
    }

    /** Maps and indexes the whole of {@code file} at once (what {@link #open} does for small files). */
    public static BreakpadSymbols openIndexed(Path file) throws IOException {
        return new BreakpadSymbols(ByteReader.map(file, ByteOrder.LITTLE_ENDIAN), false);
    }

    /** Indexes a symbol file held in memory. */
    public static BreakpadSymbols read(ByteReader data) { return new BreakpadSymbols(data, false); }

    public ModuleLine module() { return module; }

    /** Lines that were skipped (the first {@value #MAX_PROBLEMS}), and how many there were in all. */
    public List<Problem> problems() { indexed(); return Collections.unmodifiableList(problems); }

    public int problemCount() { indexed(); return problemCount; }

    public int functionCount() { indexed(); return functions.size(); }

    public int publicCount() { indexed(); return publics.size(); }

    public int cfiCount() { indexed(); return cfi.size(); }

    // ---------------------------------------------------------------- the index pass

    private ModuleLine index() {
        long size = data.size(), pos = 0;
        ModuleLine first = null;
        boolean inFunction = false, inCfi = false;
        while (pos < size) {
            int want = (int) Math.min(CHUNK, size - pos);
            byte[] chunk = data.bytes("symbol file", pos, want);
            int at = 0;
            while (at < chunk.length) {
                int nl = indexOf(chunk, at, (byte) '\n');
                if (nl < 0 && pos + chunk.length < size) {
                    if (at == 0) {                               // one line longer than a chunk
                        if (chunk.length >= MAX_LINE) throw new FormatException(FormatException.Kind.UNSUPPORTED, pos, "symbol file line",
                                "longer than " + MAX_LINE + " bytes");
                        chunk = data.bytes("symbol file", pos, (int) Math.min((long) chunk.length * 2, size - pos));
                        continue;
                    }
                    break;                                       // read the rest of this line with the next chunk
                }
                int end = nl < 0 ? chunk.length : nl;
                long lineOffset = pos + at;
                if (first == null) {
                    first = moduleLine(chunk, at, end, lineOffset);
                } else if (end > at) {
                    int kind = kind(chunk, at, end);
                    try {
                        if (kind != LINE && kind != INLINE) inFunction = false;
                        if (kind != CFI_DELTA) inCfi = false;
                        switch (kind) {
                            case FUNC -> { indexFunction(chunk, at, end, lineOffset); inFunction = true; }
                            case LINE, INLINE -> {
                                if (!inFunction) throw new Fields(chunk, at, end, lineOffset, kind == LINE ? "LINE" : "INLINE").bad("record", "outside a FUNC");
                                functions.setLast(4, pos + end);
                            }
                            case PUBLIC -> indexPublic(chunk, at, end, lineOffset);
                            case CFI_INIT -> { indexCfi(chunk, at, end, lineOffset); inCfi = true; }
                            case CFI_DELTA -> {
                                if (!inCfi) throw new Fields(chunk, at, end, lineOffset, "STACK CFI").bad("record", "before any STACK CFI INIT");
                                new Fields(chunk, at + "STACK CFI ".length(), end, lineOffset, "STACK CFI").hex("address");
                                cfi.setLast(3, pos + end);
                            }
                            case WIN -> indexWin(chunk, at, end, lineOffset);
                            case FILE -> named(files, chunk, at, 5, end, lineOffset, "FILE");
                            case ORIGIN -> named(origins, chunk, at, 14, end, lineOffset, "INLINE_ORIGIN");
                            case INFO, BLANK -> { }
                            default -> throw new Fields(chunk, at, end, lineOffset, "symbol file").bad("line", "is not a Breakpad record");
                        }
                    } catch (FormatException e) {
                        problem(lineOffset, e.getMessage());
                    }
                }
                at = end + 1;
            }
            pos += at;
        }
        if (first == null) throw new FormatException(FormatException.Kind.TRUNCATED, 0, "symbol file", "empty: no MODULE line");
        return first;
    }

    private static final int FUNC = 1, LINE = 2, INLINE = 3, PUBLIC = 4, CFI_INIT = 5, CFI_DELTA = 6, WIN = 7, FILE = 8,
            ORIGIN = 9, INFO = 10, BLANK = 11, UNKNOWN = 0;

    private static int kind(byte[] b, int s, int e) {
        if (starts(b, s, e, "FUNC ")) return FUNC;
        if (starts(b, s, e, "FILE ")) return FILE;
        if (starts(b, s, e, "PUBLIC ")) return PUBLIC;
        if (starts(b, s, e, "STACK CFI INIT ")) return CFI_INIT;
        if (starts(b, s, e, "STACK CFI ")) return CFI_DELTA;
        if (starts(b, s, e, "STACK WIN ")) return WIN;
        if (starts(b, s, e, "INLINE_ORIGIN ")) return ORIGIN;
        if (starts(b, s, e, "INLINE ")) return INLINE;
        if (starts(b, s, e, "INFO ")) return INFO;
        if (Character.digit(b[s], 16) >= 0) return LINE;
        boolean blank = true;
        for (int i = s; i < e && blank; i++) blank = b[i] == ' ' || b[i] == '\r' || b[i] == '\t';
        return blank ? BLANK : UNKNOWN;
    }

    private static boolean starts(byte[] b, int s, int e, String word) {
        if (e - s < word.length()) return false;
        for (int i = 0; i < word.length(); i++) if (b[s + i] != word.charAt(i)) return false;
        return true;
    }

    private static int indexOf(byte[] b, int from, byte v) {
        for (int i = from; i < b.length; i++) if (b[i] == v) return i;
        return -1;
    }

    private static ModuleLine moduleLine(byte[] b, int s, int e, long offset) {
        if (!starts(b, s, e, "MODULE ")) {
            throw new FormatException(FormatException.Kind.BAD_MAGIC, offset, "symbol file", "does not start with a MODULE line");
        }
        Fields f = new Fields(b, s + 7, e, offset, "MODULE");
        return new ModuleLine(f.token("os"), f.token("architecture"), f.token("id"), f.rest());
    }

    private void indexFunction(byte[] b, int s, int e, long offset) {
        Fields f = new Fields(b, s + 5, e, offset, "FUNC");
        f.accept("m");
        long address = f.hex("address"), size = f.hex("size");
        f.hex("parameter size");
        functions.add(address, size, offset, offset + (e - s) + 1, offset + (e - s) + 1);
    }

    private void indexPublic(byte[] b, int s, int e, long offset) {
        Fields f = new Fields(b, s + 7, e, offset, "PUBLIC");
        f.accept("m");
        publics.add(f.hex("address"), offset);
    }

    private void indexCfi(byte[] b, int s, int e, long offset) {
        Fields f = new Fields(b, s + 15, e, offset, "STACK CFI INIT");
        long address = f.hex("address"), size = f.hex("size");
        cfi.add(address, size, offset, offset + (e - s));
    }

    private void indexWin(byte[] b, int s, int e, long offset) {
        Fields f = new Fields(b, s + 10, e, offset, "STACK WIN");
        long type = f.hex("type");
        long address = f.hex("rva"), size = f.hex("code size");
        win.add(address, size, offset, type);
    }

    private static void named(Map<Long, Long> into, byte[] b, int s, int keyword, int e, long offset, String what) {
        Fields f = new Fields(b, s + keyword, e, offset + keyword, what);
        long id = f.decimal("id");
        into.put(id, f.here());
    }

    private void problem(long offset, String message) {
        if (problemCount++ < MAX_PROBLEMS) problems.add(new Problem(offset, message));
    }

    // ---------------------------------------------------------------- lookups

    /** The text of the line at {@code offset}, up to {@code end} or its newline (reads only that line). */
    String line(long offset, long end) {
        long limit = Math.min(Math.min(end, data.size()) - offset, MAX_LINE);
        for (long n = Math.min(256, limit); ; n = Math.min(n * 4, limit)) {
            byte[] b = data.bytes("symbol file line", offset, n);
            int nl = indexOf(b, 0, (byte) '\n');
            if (nl >= 0 || n == limit) return new String(b, 0, nl < 0 ? b.length : nl, StandardCharsets.UTF_8);
        }
    }

    /** The {@code FUNC} whose range holds {@code address}. */
    public Optional<Function> function(long address) {
        if (inPlace()) {
            long at = scanned(address, true);
            if (scan.consistent()) return at == SortedScan.NONE ? Optional.empty() : Optional.of(functionAt(at));
        }
        indexed();
        int i = functions.covering(address);
        if (i < 0) return Optional.empty();
        return Optional.of(functionAt(i));
    }

    /** The line offset of the record found in place whose range holds {@code address}, or {@link SortedScan#NONE}. */
    private long scanned(long address, boolean function) {
        long at = function ? scan.function(address) : scan.cfiInit(address);
        if (at == SortedScan.NONE) return at;
        long[] as = scan.addressAndSize(at, function);
        return Long.compareUnsigned(address - as[0], as[1]) < 0 ? at : SortedScan.NONE;
    }

    private Function functionAt(int i) { return functionAt(functions.get(i, 2)); }

    private Function functionAt(long offset) {
        byte[] b = line(offset, data.size()).getBytes(StandardCharsets.UTF_8);
        Fields f = new Fields(b, 5, b.length, offset, "FUNC");
        boolean m = f.accept("m");
        long address = f.hex("address"), size = f.hex("size"), params = f.hex("parameter size");
        return new Function(address, size, params, m, f.rest());
    }

    /**
     * The nearest {@code PUBLIC} at or below {@code address} when no {@code FUNC} starts between it and the
     * address (Breakpad's processor's rule: its answer where no {@code FUNC} covers the address). A large
     * file is searched in place for it, whether its PUBLICs lie among the FUNCs or after them (dump_syms).
     */
    public Optional<PublicSymbol> publicSymbol(long address) {
        long offset = SortedScan.NONE;
        if (inPlace()) offset = scan.publicSymbol(address);
        if (!inPlace()) {
            indexed();
            int i = publics.floor(address), f = functions.floor(address);
            if (i < 0 || f >= 0 && Long.compareUnsigned(publics.get(i, 0), functions.get(f, 0)) <= 0) return Optional.empty();
            offset = publics.get(i, 1);
        }
        if (offset == SortedScan.NONE) return Optional.empty();
        byte[] b = line(offset, data.size()).getBytes(StandardCharsets.UTF_8);
        Fields f = new Fields(b, 7, b.length, offset, "PUBLIC");
        boolean m = f.accept("m");
        return Optional.of(new PublicSymbol(f.hex("address"), f.hex("parameter size"), m, f.rest()));
    }

    /** True once the whole file has been indexed (a small file at once; a large one only when a lookup needed it). */
    public boolean indexedWhole() { return indexed; }

    /**
     * The frames of {@code address}, innermost first: the inlined calls that hold it (from {@code INLINE}
     * records, deepest first), then the physical {@code FUNC}; each with its file and line. Empty when no
     * {@code FUNC} covers the address (then {@link #publicSymbol} may name it).
     */
    public List<SourceFrame> frames(long address) {
        Function fn;
        long start, end;
        long at = inPlace() ? scanned(address, true) : SortedScan.NONE;
        if (inPlace() && at == SortedScan.NONE) return List.of();
        if (inPlace()) {
            fn = functionAt(at);
            start = Math.min(scan.lineEnd(at) + 1, data.size());
            end = scan.bodyEnd(at, true);
        } else {
            indexed();
            int i = functions.covering(address);
            if (i < 0) return List.of();
            fn = functionAt(i);
            start = functions.get(i, 3);
            end = functions.get(i, 4);
        }
        byte[] body = end > start ? data.bytes("FUNC body", start, end - start) : new byte[0];
        return FunctionBody.frames(fn, body, start, address, this::fileName, this::originName);
    }

    /** The file name of {@code FILE id}. */
    public Optional<String> fileName(long id) { return name(files, id); }

    /** The function name of {@code INLINE_ORIGIN id}. */
    public Optional<String> originName(long id) { return name(origins, id); }

    private Map<Long, Long> indexedTable(Map<Long, Long> table) { indexed(); return table; }

    private Optional<String> name(Map<Long, Long> table, long id) {
        Long offset = inPlace() ? scan.name(table == files, id).orElse(null) : indexedTable(table).get(id);
        if (offset == null) return Optional.empty();
        return Optional.of(line(offset, data.size()).stripTrailing());
    }

    /** The CFI rules in force at {@code address}: the {@code INIT} rules with every delta at or below it applied in order. */
    public Optional<CfiRules> cfi(long address) {
        long start = inPlace() ? scanned(address, false) : SortedScan.NONE, end;
        if (inPlace() && start == SortedScan.NONE) return Optional.empty();
        if (inPlace()) {
            end = scan.bodyEnd(start, false);
        } else {
            indexed();
            int i = cfi.covering(address);
            if (i < 0) return Optional.empty();
            start = cfi.get(i, 2);
            end = cfi.get(i, 3);
        }
        String[] lines = new String(data.bytes("STACK CFI records", start, end - start), StandardCharsets.UTF_8).split("\n");
        Map<String, String> rules = new LinkedHashMap<>();
        byte[] init = lines[0].getBytes(StandardCharsets.UTF_8);
        Fields head = new Fields(init, "STACK CFI INIT ".length(), init.length, start, "STACK CFI INIT");
        long initAddress = head.hex("address");
        head.hex("size");
        CfiRuleText.apply(head.rest(), true, start, rules);
        for (int k = 1; k < lines.length; k++) {
            byte[] b = lines[k].getBytes(StandardCharsets.UTF_8);
            Fields f = new Fields(b, "STACK CFI ".length(), b.length, start, "STACK CFI");
            long at = f.hex("address");
            if (Long.compareUnsigned(at, address) > 0) break;
            CfiRuleText.apply(f.rest(), false, start, rules);
        }
        return Optional.of(new CfiRules(initAddress, rules));
    }

    /**
     * The {@code STACK WIN} record for {@code address}: frame data (type 4) before FPO (type 0), as
     * Breakpad's processor prefers them.
     */
    public Optional<WinFrame> win(long address) {
        indexed();
        int i = win.floor(address);
        WinFrame best = null;
        for (int j = i, tries = 0; j >= 0 && tries < 16; j--, tries++) {
            if (Long.compareUnsigned(address - win.get(j, 0), win.get(j, 1)) >= 0) continue;
            WinFrame w = WinRecord.parse(line(win.get(j, 2), data.size()), win.get(j, 2));
            if (best == null || w.type() == WinFrame.FRAME_DATA && best.type() != WinFrame.FRAME_DATA) best = w;
        }
        return Optional.ofNullable(best);
    }
}
