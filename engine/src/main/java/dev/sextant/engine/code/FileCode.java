package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.code.jna.Capstone;
import dev.sextant.engine.format.elf.ElfSections;
import dev.sextant.engine.format.elf.MappingSymbols;
import dev.sextant.engine.format.elf.PltStubs;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The code of an ELF module file, at the addresses the file gives (as {@code objdump -d} shows
 * them): the executable section holding a range, named by the file's function symbols and its PLT
 * stubs ({@code puts@plt}). Reads the headers, the symbol tables and the one section it needs.
 */
public final class FileCode {
    private final Path path;
    private final ElfSections file;
    private final SymbolTable functions;
    private final List<PltStubs.Stub> stubs;
    private final long stubsLow, stubsHigh;
    /** The symbol lookup, and the same with the last answer remembered (one thread's: see {@link #stretchSymbols}). */
    private final CodeSymbols lookup, symbols;
    private final Capstone.Target target;
    /** ARM: a symbol's low bit marks Thumb code, the code starts at the value without it. */
    private final long codeMask;
    /** ARM and AArch64: what the bytes are ($a, $t, $x code, $d data), where the file says; else none. */
    private final MappingSymbols mapping;

    private FileCode(Path path, ElfSections file) {
        this.path = path;
        this.file = file;
        this.target = Machines.target(file.header().machine(), file.header().is64(), file.header().order(), path.toString());
        this.codeMask = target == Capstone.Target.ARM ? ~1L : ~0L;
        this.functions = SymbolTable.read(file.header(), file.sections(), file::data);
        this.stubs = PltStubs.read(file);
        this.mapping = target == Capstone.Target.ARM || target == Capstone.Target.AARCH64
                ? MappingSymbols.read(file.header(), file.sections(), file::data) : null;
        long low = -1L, high = 0;
        for (PltStubs.Stub st : stubs) {
            if (Long.compareUnsigned(st.start(), low) < 0) low = st.start();
            if (Long.compareUnsigned(st.start() + st.size(), high) > 0) high = st.start() + st.size();
        }
        this.stubsLow = stubs.isEmpty() ? 0 : low;
        this.stubsHigh = stubs.isEmpty() ? 0 : high;
        this.functionNames = new CodeSymbols.Named[functions.size()];
        this.lookup = new Lookup();
        this.symbols = CodeSymbols.remembering(lookup);
    }

    /**
     * The file's symbol lookup ({@link #named(long)}), also asked without an {@code Optional}
     * ({@link RememberedSymbols} asks it once or more per instruction of a listing).
     */
    final class Lookup implements CodeSymbols {
        @Override public Optional<Named> containing(long address) { return named(address); }

        /** {@link #containing}'s answer or null, with (plain x86 files) each function's {@code Named} made once. */
        Named find(long address) {
            if (!plainLookup(address)) return named(address).orElse(null);
            int i = functions.indexContaining(address);
            if (i < 0) return null;
            Named n = functionNames[i];
            if (n == null) {
                long start = functions.valueAt(i);
                functionNames[i] = n = new Named(functions.symbolAt(i).name(), start, start + Math.max(1, functions.sizeAt(i)));
            }
            return n;
        }

        /**
         * For an {@code address} that {@link #find} names nothing: where the addresses after it that it
         * names nothing either end (the next function symbol, or the PLT stubs), at least {@code address + 1}.
         */
        long emptyUntil(long address) {
            if (!plainLookup(address)) return address + 1;
            int i = functions.lastAtOrBefore(address);
            long next = i + 1 < functions.size() ? functions.valueAt(i + 1) : -1L;
            if (!stubs.isEmpty() && Long.compareUnsigned(stubsLow, address) > 0 && Long.compareUnsigned(stubsLow, next) < 0) next = stubsLow;
            return Long.compareUnsigned(next, address) > 0 ? next : address + 1;
        }

        /** Whether {@code address} is named by the function symbols alone, their values the code's addresses (not ARM, ppc64, a PLT stub). */
        private boolean plainLookup(long address) {
            return codeMask == ~0L && target != Capstone.Target.PPC64 && Long.compareUnsigned(address - stubsLow, stubsHigh - stubsLow) >= 0;
        }
    }

    /**
     * The name of each function symbol as {@link #named} makes it, made at the first question
     * ({@code null} until then): a listing of a whole library asks about the same few thousand
     * functions at every call and every return into them. Shared by the threads of a listing: a
     * {@code Named} is immutable, so one seen half-published is only made again.
     */
    private final CodeSymbols.Named[] functionNames;

    /** The PLT stub or function symbol holding {@code address}. */
    private Optional<CodeSymbols.Named> named(long address) {
        Optional<PltStubs.Stub> s = stub(address);
        if (s.isPresent()) return Optional.of(new CodeSymbols.Named(s.get().name(), s.get().start(), s.get().start() + s.get().size()));
        Optional<SymbolTable.Symbol> f = symbolAt(address);
        if (f.isEmpty()) return Optional.empty();
        long start = f.get().value() & codeMask;
        return Optional.of(new CodeSymbols.Named(f.get().name(), start, start + Math.max(1, f.get().size())));
    }

    /** The function symbol covering {@code address} (on ARM also a Thumb one, whose value is the address + 1). */
    private Optional<SymbolTable.Symbol> symbolAt(long address) {
        if (target == Capstone.Target.PPC64) return descriptorSymbolAt(address);
        if (codeMask == ~0L) return functions.containing(address);
        // A Thumb symbol's value is its start + 1: the table's [value, value + size) is one byte off its
        // code. Without the check, the first instruction of a Thumb function after another one
        // (thumb_switch after thumb_pool) was named thumb_pool+0x10.
        return functions.containing(address + 1).filter(t -> coversCode(t, address))
                .or(() -> functions.containing(address).filter(f -> coversCode(f, address)));
    }

    private boolean coversCode(SymbolTable.Symbol s, long address) {
        return Long.compareUnsigned(address - (s.value() & codeMask), Math.max(1, s.size())) < 0;
    }

    private java.util.TreeMap<Long, SymbolTable.Symbol> byEntry;

    /** ppc64 ELFv1: the function whose code (from its descriptor's entry, for its size) holds {@code address}, as a symbol at its entry. */
    private Optional<SymbolTable.Symbol> descriptorSymbolAt(long address) {
        if (byEntry == null) {
            byEntry = new java.util.TreeMap<>(Long::compareUnsigned);
            for (SymbolTable.Symbol s : functions.functions()) {
                long e = entry(s.value());
                byEntry.putIfAbsent(e, new SymbolTable.Symbol(e, s.size(), s.name()));
            }
        }
        var f = byEntry.floorEntry(address);
        if (f == null || Long.compareUnsigned(address - f.getKey(), Math.max(1, f.getValue().size())) >= 0) return Optional.empty();
        return Optional.of(f.getValue());
    }

    /**
     * Where a function symbol's code starts: its value, except on big-endian ppc64 (ELFv1), where
     * the value is the address of a function descriptor in {@code .opd} whose first word is the entry.
     */
    private long entry(long value) {
        if (target != Capstone.Target.PPC64) return value;
        for (SectionHeader sh : file.sections()) {
            if (sh.name().equals(".opd") && sh.hasFileData() && Long.compareUnsigned(value - sh.addr(), sh.size() - 7) < 0) {
                try {
                    return file.data(sh).u64(".opd", value - sh.addr());
                } catch (FormatException e) {
                    return value;
                }
            }
        }
        return value;
    }

    /** The back end for code at {@code start}: Thumb when the ARM function holding it says so. */
    private Capstone.Target targetAt(long start) {
        if (target != Capstone.Target.ARM) return target;
        return symbolAt(start).map(f -> Machines.thumb(target, f.value())).orElse(target);
    }

    /** Disassembles {@code range} of the file at {@code path}. */
    public static Disassembly disassemble(Path path, CodeRange range, Disassembler disassembler) {
        return open(path, code -> code.disassemble(range, disassembler));
    }

    /**
     * Every function symbol with a size, in address order, each decoded whole (what a disassembler
     * benchmark against {@code objdump -d} over a library decodes); {@code each} sees them one by one.
     */
    public static int disassembleAllFunctions(Path path, Disassembler disassembler, Consumer<Disassembly> each) {
        return WholeFile.list(path, false, disassembler, (code, s, d) -> s.decoded(code.path, d), (s, d) -> each.accept(d));
    }

    /**
     * Every executable section with contents, each decoded whole from its start, in the file's order
     * (what {@code objdump -d} decodes: a fair benchmark input); {@code each} sees them one by one
     * (a large section of x86 code is decoded in stretches, in parallel, and joined).
     */
    public static int disassembleAllCode(Path path, Disassembler disassembler, Consumer<Disassembly> each) {
        List<Instruction> section = new ArrayList<>();
        Disassembly[] last = new Disassembly[1];
        int n = WholeFile.list(path, true, disassembler, (code, s, d) -> s.decoded(code.path, d), (s, d) -> {
            if (!s.continues() && last[0] != null) {
                each.accept(new Disassembly(last[0].source(), section, last[0].diagnostics()));
                section.clear();
            }
            section.addAll(d.instructions());
            if (!s.continues()) last[0] = d;
        });
        if (last[0] != null) each.accept(new Disassembly(last[0].source(), section, last[0].diagnostics()));
        return n;
    }

    /** What objdump names this file's format ({@code elf64-x86-64}). */
    String format() { return dev.sextant.engine.format.elf.BfdTarget.name(file.header()); }

    /**
     * A run of code planned on the thread that reads the file, to be decoded on any: {@code bytes}
     * from {@code start} (at {@code start + bias} in the listing), the instructions that start in the
     * first {@code stop} of them (the rest is what follows, for an instruction that runs past the
     * stop). {@code continues}: the stretch goes on from the one before it, in one run of decoding.
     */
    record Stretch(Capstone.Target target, int section, long start, long bias, byte[] bytes, int stop, int count,
                   boolean continues, List<Diagnostic> diagnostics) {
        /** Where the instructions decoded from it end. */
        static long end(Stretch s, List<Instruction> decoded) {
            if (decoded.isEmpty()) return s.start + s.bias;
            Instruction last = decoded.get(decoded.size() - 1);
            return last.address().value() + last.length();
        }

        /** The same stretch decoded from {@code address} on (where the stretch before it really ended). */
        Stretch from(long address) {
            int skip = (int) Math.min(bytes.length, Math.max(0, address - bias - start));
            return new Stretch(target, section, start + skip, bias, java.util.Arrays.copyOfRange(bytes, skip, bytes.length),
                    Math.max(0, stop - skip), count, continues, diagnostics);
        }

        /** Its instructions as a listing of {@code path}. */
        Disassembly decoded(Path path, List<Instruction> instructions) { return new Disassembly(path.toString(), instructions, diagnostics); }
    }

    /** Whether stretches of this file may be decoded on several threads (x86: no mapping symbols, no descriptors). */
    boolean parallel() { return target.x86(); }

    /** Symbols for one stretch: the lookup with a memory of its own (the one of {@link #symbols} is not thread-safe). */
    CodeSymbols stretchSymbols() { return parallel() ? CodeSymbols.remembering(lookup) : symbols; }

    /** Every function with a size, planned one by one: what {@link #disassembleAllFunctions} decodes. */
    java.util.Iterator<Stretch> functionStretches() {
        List<SymbolTable.Symbol> all = functions.functions();
        return new java.util.Iterator<>() {
            int i;
            long lastStart = -1;
            Stretch next = advance();

            private Stretch advance() {
                while (i < all.size()) {
                    SymbolTable.Symbol s = all.get(i++);
                    long at = entry(s.value()) & codeMask;
                    if (s.size() == 0 || at == lastStart) continue;     // aliases share a body: once
                    lastStart = at;
                    return plan(new CodeRange("0x" + Long.toHexString(at), java.util.OptionalInt.empty(), Optional.of(Address.of(at + s.size()))),
                            0, Optional.empty(), false);
                }
                return null;
            }

            @Override public boolean hasNext() { return next != null; }

            @Override public Stretch next() {
                if (next == null) throw new java.util.NoSuchElementException();
                Stretch s = next;
                next = advance();
                return s;
            }
        };
    }

    /**
     * Every executable section with contents, in the file's order; x86 code in stretches of about
     * {@code piece} bytes that start where a function symbol does (where a run of decoding from the
     * section's start has an instruction boundary, bar a rare straddling one: see {@link Stretch#from}).
     */
    List<Stretch> codeStretches(int piece) { return codeStretches(piece, true); }

    /** {@code atSymbols} false: split every {@code piece} bytes, wherever that falls (a test of the stretches' rejoining). */
    List<Stretch> codeStretches(int piece, boolean atSymbols) {
        List<Stretch> out = new ArrayList<>();
        for (SectionHeader sh : file.sections()) {
            if ((sh.flags() & SectionHeader.SHF_EXECINSTR) == 0 || !sh.hasFileData() || sh.type() == SectionHeader.SHT_NOBITS
                    || sh.size() == 0) continue;
            Stretch whole = plan(new CodeRange("0x" + Long.toHexString(sh.addr()), java.util.OptionalInt.of(CodeRange.MAX_COUNT),
                    Optional.of(Address.of(sh.addr() + sh.size()))), 0, Optional.of(sh), false);
            if (!parallel() || whole.bytes().length <= 2 * piece) {
                out.add(whole);
                continue;
            }
            long from = sh.addr(), end = sh.addr() + whole.bytes().length;
            for (long at = from + piece; !atSymbols && at < end; at += piece) {
                out.add(piece(whole, from, at));
                from = at;
            }
            for (int i = 0; atSymbols && i < functions.size() && from < end; i++) {
                long v = functions.valueAt(i);
                if (Long.compareUnsigned(v, from + piece) < 0 || Long.compareUnsigned(v, end - piece) > 0) continue;
                out.add(piece(whole, from, v));
                from = v;
            }
            out.add(piece(whole, from, end));
        }
        return out;
    }

    /** {@code [from, to)} of a section's stretch, with the 30 bytes after it (an instruction straddling {@code to}, and the next). */
    private static Stretch piece(Stretch whole, long from, long to) {
        int a = (int) (from - whole.start()), b = (int) (to - whole.start());
        int c = Math.min(whole.bytes().length, b + 30);
        return new Stretch(whole.target(), whole.section(), from, 0, java.util.Arrays.copyOfRange(whole.bytes(), a, c), b - a,
                Integer.MAX_VALUE, a > 0, whole.diagnostics());
    }

    /**
     * Whether the text of stretch {@code s} may be written straight from the decoder
     * ({@link Disassembler#writeLines}): x86 code at the file's addresses, all of it listed.
     */
    boolean straightToText(Stretch s) { return s.target().x86() && s.bias() == 0 && s.count() >= s.bytes().length; }

    /** Decodes a planned stretch with {@code disassembler} and {@code named} ({@link #stretchSymbols}), on any thread where {@link #parallel}. */
    List<Instruction> decode(Stretch s, Disassembler disassembler, CodeSymbols named) {
        CodeSymbols biased = s.bias() == 0 ? named : a -> named.containing(a - s.bias())
                .map(n -> new CodeSymbols.Named(n.name(), n.start() + s.bias(), n.end() + s.bias()));
        if (s.stop() < s.bytes().length) return disassembler.decodeStretch(s.target(), s.bytes(), s.bytes().length, s.stop(), s.start() + s.bias(), biased);
        return mapping == null || mapping.isEmpty()
                ? disassembler.decode(s.target(), s.bytes(), s.bytes().length, s.start() + s.bias(), s.count(), biased, a -> Optional.empty())
                : decodeMapped(s.section(), s.bytes(), s.start(), s.bias(), s.count(), biased, disassembler);
    }

    /**
     * {@code count} instructions from {@code start}, an address in a process (a core's) where the file
     * at {@code path} was mapped from {@code base}: the code read from the file, listed at the
     * process's addresses (what a core that stores no code, as most do not, is disassembled from).
     */
    public static Disassembly disassembleLoaded(Path path, long base, long start, int count, Disassembler disassembler) {
        return open(path, code -> {
            long lowest = Long.MAX_VALUE;
            for (SectionHeader sh : code.file.sections()) {
                if ((sh.flags() & SectionHeader.SHF_ALLOC) != 0 && sh.addr() != 0) lowest = Math.min(lowest, sh.addr());
            }
            long bias = base - (lowest == Long.MAX_VALUE ? 0 : lowest & ~0xfffL);
            return code.disassemble(new CodeRange("0x" + Long.toHexString(start - bias), java.util.OptionalInt.of(count), Optional.empty()),
                    disassembler, bias, Optional.empty());
        });
    }

    static <T> T open(Path path, java.util.function.Function<FileCode, T> use) {
        try {
            return ElfSections.read(path, f -> use.apply(new FileCode(path, f)));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TargetException(path + ": no such file");
        } catch (IOException | UncheckedIOException e) {
            throw new TargetException(path + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (FormatException e) {
            throw new TargetException(path + ": cannot be disassembled: " + e.getMessage(), e);
        }
    }

    private Optional<PltStubs.Stub> stub(long address) {
        if (Long.compareUnsigned(address - stubsLow, stubsHigh - stubsLow) >= 0) return Optional.empty();   // outside every stub
        for (PltStubs.Stub s : stubs) if (Long.compareUnsigned(address - s.start(), s.size()) < 0) return Optional.of(s);
        return Optional.empty();
    }

    private Disassembly disassemble(CodeRange range, Disassembler disassembler) {
        return disassemble(range, disassembler, 0, Optional.empty());
    }

    /**
     * {@code range} in file addresses, in {@code in} or else the first code section holding its start
     * (an object's code sections all start at 0: {@code .text}, {@code .text.__x86.get_pc_thunk.bx});
     * the listing at those addresses + {@code bias}.
     */
    private Disassembly disassemble(CodeRange range, Disassembler disassembler, long bias, Optional<SectionHeader> in) {
        Stretch s = plan(range, bias, in, true);
        return s.decoded(path, decode(s, disassembler, symbols));
    }

    /** Reads the bytes of {@code range} (see {@link #disassemble(CodeRange, Disassembler, long, Optional)}); {@code capped}: no more than the count can use. */
    private Stretch plan(CodeRange range, long bias, Optional<SectionHeader> in, boolean capped) {
        long start;
        long end;
        int count;
        if (range.startsAtAddress()) {
            start = Address.parse(range.start()).value();
            end = range.end().map(Address::value).orElse(-1L);
            count = range.count().orElse(range.end().isPresent() ? CodeRange.MAX_COUNT : CodeRange.DEFAULT_COUNT);
        } else {
            CodeSymbols.Named f = function(range.start());
            start = f.start();
            end = range.end().map(Address::value).orElse(range.count().isPresent() ? -1L : functionEnd(range.start(), start));
            count = range.count().orElse(end == -1L ? CodeRange.DEFAULT_COUNT : CodeRange.MAX_COUNT);
        }
        SectionHeader section = in.or(() -> file.sections().stream()
                .filter(s -> (s.flags() & SectionHeader.SHF_EXECINSTR) != 0 && s.hasFileData() && s.type() != SectionHeader.SHT_NOBITS
                        && Long.compareUnsigned(start - s.addr(), s.size()) < 0)
                .findFirst()).orElseThrow(() -> new TargetException(path + ": no code section holds 0x" + Long.toHexString(start)
                        + " (see the section list: readelf -S)"));
        long sectionEnd = section.addr() + section.size();
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (end == -1L || Long.compareUnsigned(end, sectionEnd) > 0) {
            if (end != -1L) diagnostics.add(new Diagnostic(Severity.WARNING, "the listing stops at the end of " + section.name()
                    + " (0x" + Long.toHexString(sectionEnd) + ")"));
            end = sectionEnd;
        }
        // At most 15 bytes per instruction: read no more than the count can use.
        long length = capped ? Math.min(end - start, (long) count * 15) : end - start;
        ByteReader data = file.data(section);
        byte[] bytes = data.bytes(section.name(), start - section.addr(), length);
        return new Stretch(targetAt(start), section.index(), start, bias, bytes, bytes.length, count, false, diagnostics);
    }

    /**
     * {@code bytes} (from {@code start}) piece by piece between the mapping symbols of their section,
     * as objdump reads them: a {@code $d} piece as data, a {@code $t} one as Thumb, {@code $a}/{@code $x}
     * as ARM/AArch64 code; before the section's first mapping symbol, as the function symbol says.
     */
    private List<Instruction> decodeMapped(int section, byte[] bytes, long start, long bias, int count, CodeSymbols named,
                                           Disassembler disassembler) {
        List<Instruction> out = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length && out.size() < count) {
            long at = start + offset;
            Optional<MappingSymbols.Kind> kind = mapping.at(section, at).map(MappingSymbols.Mark::kind);
            long next = mapping.after(section, at).map(MappingSymbols.Mark::address).orElse(start + bytes.length);
            int pieceEnd = (int) Math.min(bytes.length, next - start);
            byte[] piece = java.util.Arrays.copyOfRange(bytes, offset, pieceEnd);
            int left = count - out.size();
            if (kind.isPresent() && kind.get() == MappingSymbols.Kind.DATA) {
                out.addAll(ForeignSpelling.data(piece, piece.length, at + bias, left, file.header().order(), named));
            } else {
                Capstone.Target t = kind.map(k -> k == MappingSymbols.Kind.THUMB ? Capstone.Target.THUMB : target).orElseGet(() -> targetAt(at));
                out.addAll(disassembler.decode(t, piece, piece.length, at + bias, left, named, a -> Optional.empty()));
            }
            offset = pieceEnd;
        }
        return out;
    }

    private CodeSymbols.Named function(String name) {
        List<SymbolTable.Symbol> found = functions.named(name);
        if (!found.isEmpty()) return new CodeSymbols.Named(found.get(0).name(), entry(found.get(0).value()) & codeMask);
        for (PltStubs.Stub s : stubs) if (s.name().equals(name)) return new CodeSymbols.Named(s.name(), s.start());
        throw new TargetException(path + ": no function " + name + " in its symbol table"
                + (functions.full() ? "" : " (the file is stripped: only exported functions have names)"));
    }

    private long functionEnd(String name, long start) {
        for (SymbolTable.Symbol s : functions.named(name)) if ((entry(s.value()) & codeMask) == start && s.size() > 0) return start + s.size();
        for (PltStubs.Stub s : stubs) if (s.name().equals(name)) return s.start() + s.size();
        return -1L;     // a sizeless symbol: the default count
    }
}
