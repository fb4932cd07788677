package dev.sextant.engine.breakpad;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.SymbolFileWritten;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.elfutils.CoreSession;
import dev.sextant.engine.elfutils.Demangler;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.InlineIndex;
import dev.sextant.engine.elfutils.ReportedModule;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.elfutils.StandardDebugSearch;
import dev.sextant.engine.elfutils.ThreadSource;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.DebugLink;
import dev.sextant.engine.format.elf.ElfSections;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.ElfUnwindTables;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Breakpad's dump_syms for Linux: writes a {@code .sym} file for an ELF file. {@code MODULE} with the
 * Breakpad id of the build-id (its first 16 bytes as a GUID, the first three fields byte-swapped, then
 * age 0), {@code INFO CODE_ID}, {@code FILE} and {@code LINE} from the DWARF line tables (through
 * libdw, which also finds a separate debug file by build-id or {@code .gnu_debuglink}), {@code FUNC} for
 * every sized function symbol, {@code PUBLIC} for the sizeless ones, and {@code STACK CFI} from
 * {@code .eh_frame} and {@code .debug_frame}. Addresses are relative to the lowest {@code PT_LOAD}, as a
 * minidump's module base is. One thread (libdw's rules).
 */
public final class BreakpadExport {
    private BreakpadExport() {}

    /** The text is written out in pieces of about this size (a library's LINE records can run to hundreds of MB). */
    private static final int FLUSH_AT = 1 << 20;
    private static final byte[] FUNC = SymText.bytes("FUNC "), PUBLIC = SymText.bytes("PUBLIC "), MULTIPLE = SymText.bytes("m "),
            NO_PARAMETERS = SymText.bytes(" 0 ");

    /** The Breakpad debug identifier of a GNU build-id: {@code 33 hex digits}, GUID order, age 0. */
    public static String moduleId(byte[] buildId) {
        byte[] g = new byte[16];
        System.arraycopy(buildId, 0, g, 0, Math.min(16, buildId.length));
        swap(g, 0, 3); swap(g, 1, 2); swap(g, 4, 5); swap(g, 6, 7);
        return HexFormat.of().withUpperCase().formatHex(g) + "0";
    }

    private static void swap(byte[] b, int i, int j) { byte t = b[i]; b[i] = b[j]; b[j] = t; }

    public static SymbolFileWritten export(Path elf, Path output, Cancellation cancel) {
        Timing.begin();
        Opened o = open(elf, cancel);
        try {
            return write(elf, output, o, cancel);
        } finally {
            o.cfi().close();
        }
    }

    /** The file's tables and head, its STACK CFI records being made meanwhile ({@link CfiExport.Pending}). */
    private record Opened(ElfUnwindTables tables, Head head, String arch, long base, long span, CfiExport.Pending cfi) {}

    /**
     * Reads the file's headers, its CFI sections and its symbol table in one pass; the STACK CFI
     * records start being made (on other threads) as soon as the CFI sections are read, while the
     * symbols are read and sorted here. A file whose section headers cannot be read has its
     * {@code .eh_frame} found through the program headers, and its CFI is started after.
     */
    private static Opened open(Path elf, Cancellation cancel) {
        CfiExport.Pending[] started = new CfiExport.Pending[1];
        try {
            try {
                return ElfSections.read(elf, f -> {
                    ElfHeader eh = f.header();
                    String arch = arch(elf, eh);
                    Head head = Head.of(f);
                    Timing.mark("headers read");
                    long base = base(head), span = span(head, base);
                    ElfUnwindTables tables = ElfUnwindTables.read(f, (cfi, hdr) -> {
                        Timing.mark("CFI sections read");
                        started[0] = CfiExport.startPlanning(eh.machine(), base, cfi, hdr, cancel);
                        // (its .dynstr is most often the symbols' string table, read next in any case)
                        if (linksCxxLibrary(f)) bindDemangler();
                    });
                    return new Opened(tables, head, arch, base, span, started[0]);
                });
            } catch (FormatException e) {
                if (started[0] != null || !e.what().startsWith("section header")) throw e;
                ElfUnwindTables tables = ElfUnwindTables.open(elf);     // cut off: .eh_frame through the program headers
                String arch = arch(elf, tables.header());
                Head head = Head.read(elf, tables.header());
                long base = base(head);
                return new Opened(tables, head, arch, base, span(head, base),
                        CfiExport.startPlanning(tables.header().machine(), base, tables.tables(), tables.ehFrameHdr(), cancel));
            }
        } catch (FormatException e) {
            if (started[0] != null) started[0].close();
            throw new TargetException(elf + ": " + e.getMessage());
        } catch (IOException e) {
            if (started[0] != null) started[0].close();
            throw new TargetException(elf + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            if (started[0] != null) started[0].close();
            throw e;
        }
    }

    /**
     * Binds libstdc++'s demangler (JNA: its native stub, the library, the registration of the natives,
     * tens of milliseconds of CPU, much of it interpreted) on a thread of its own while the file is read,
     * so that the functions' names find it bound. Only for a file that links a C++ runtime: a C file
     * may have no mangled name, and then never binds it (a C++ file linked otherwise binds it at its
     * first mangled name, as before).
     */
    private static void bindDemangler() {
        Thread t = new Thread(() -> { Demangler.demangleAscii(DEMANGLER_PROBE); Timing.mark("demangler bound"); }, "breakpad-demangler");
        t.setDaemon(true);
        t.start();
    }

    private static final byte[] DEMANGLER_PROBE = SymText.bytes("_Z1fv");

    /** Whether a {@code DT_NEEDED} entry of the file's {@code .dynamic} names libstdc++ or libc++ (false when unreadable). */
    static boolean linksCxxLibrary(ElfSections f) {
        try {
            Optional<SectionHeader> dyn = SectionHeader.find(f.sections(), ".dynamic");
            if (dyn.isEmpty() || dyn.get().link() <= 0 || dyn.get().link() >= f.sections().size()) return false;
            ByteReader d = f.data(dyn.get()), strings = f.data(f.sections().get(dyn.get().link()));
            boolean is64 = f.header().is64();
            int entry = is64 ? 16 : 8;
            for (long at = 0; at + entry <= d.size(); at += entry) {
                long tag = d.word("dynamic tag", at, is64);
                if (tag == 0) break;                                  // DT_NULL
                if (tag != 1) continue;                               // DT_NEEDED
                String name = strings.cString("DT_NEEDED", d.word("dynamic value", at + entry / 2, is64), 256);
                if (name.startsWith("libstdc++.") || name.startsWith("libc++.")) return true;
            }
        } catch (FormatException | java.io.UncheckedIOException e) {
            return false;
        }
        return false;
    }

    private static String arch(Path elf, ElfHeader eh) {
        return switch (eh.machine()) {
            case ElfHeader.EM_X86_64 -> "x86_64";
            case ElfHeader.EM_386 -> "x86";
            case ElfHeader.EM_AARCH64 -> "arm64";
            case PrStatusLayout.EM_ARM -> "arm";
            default -> throw new TargetException(elf + ": " + eh.machineName() + " files are not exported (x86-64, x86, arm64 and arm are)");
        };
    }

    private static long base(Head head) {
        return head.loads().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD).mapToLong(p -> p.vaddr() & -4096L).min().orElse(0);
    }

    private static long span(Head head, long base) {
        return head.loads().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD).mapToLong(p -> p.vaddr() + p.memsz()).max().orElse(base + 1) - base;
    }

    private static SymbolFileWritten write(Path elf, Path output, Opened o, Cancellation cancel) {
        ElfUnwindTables tables = o.tables();
        Head head = o.head();
        Timing.mark("headers, CFI sections and symbols read");
        ElfHeader eh = tables.header();
        String arch = o.arch();
        String hex = BuildId.ofFile(elf).orElseThrow(() -> new TargetException(elf
                + ": has no build-id (.note.gnu.build-id), so no Breakpad module id; link with -Wl,--build-id"));
        byte[] buildId = HexFormat.of().parseHex(hex);
        long base = o.base(), span = o.span();
        List<String> problems = new ArrayList<>(tables.problems());
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        CfiExport.Pending cfi = o.cfi();
        try (OutputStream os = Files.newOutputStream(tmp)) {
            SymText w = new SymText(FLUSH_AT + (1 << 16));
            w.ascii("MODULE Linux ").ascii(arch).ch(' ').ascii(moduleId(buildId)).ch(' ').utf8(elf.getFileName().toString()).ch('\n');
            w.ascii("INFO CODE_ID ").ascii(hex.toUpperCase()).ch('\n');
            LineTable lines = new LineTable();
            InlineTable inlines = new InlineTable();
            // No DWARF in the file nor where libdw would look for it: libdw is not bound (libLLVM's export, say)
            if (head.ownDwarf() || StandardDebugSearch.mayFind(elf, Optional.of(hex), head.debugLink())) {
                readDwarf(elf, base, span, buildId, eh.is64() ? 8 : 4, lines, inlines, problems);
            }
            lines.sort();
            inlines.sort();
            inlines.callFiles().forEach(lines::addFile);
            lines.writeFiles(w);
            inlines.writeOrigins(w);
            Timing.mark("DWARF read, FILE records made");
            int[] counts = writeFunctions(w, os, tables.symbols(), lines, inlines, base, eh.machine() == PrStatusLayout.EM_ARM ? ~1L : ~0L, cancel);
            w.writeTo(os);
            Timing.mark("FUNC and PUBLIC records written");
            int[] cfiCounts = cfi.writeTo(os);
            Timing.mark("STACK CFI records written");
            os.close();
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
            return new SymbolFileWritten(output, moduleId(buildId), counts[0], counts[1], lines.written, cfiCounts[0], cfiCounts[1], List.copyOf(problems));
        } catch (IOException e) {
            throw new TargetException(output + ": cannot be written (" + e.getMessage() + ")", e);
        } finally {
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* the .part file is only ours */ }
        }
    }

    /**
     * What the export needs of the file besides its unwind tables: the program headers (read, not
     * mapped: a process's first mapping costs a short command tens of milliseconds), whether it has
     * DWARF of its own, and its {@code .gnu_debuglink} name. A file whose section headers cannot be
     * read (its {@code .eh_frame} was found through the program headers) is mapped, and left to libdw.
     */
    private record Head(List<ProgramHeader> loads, boolean ownDwarf, Optional<String> debugLink) {
        private static final Set<String> DWARF = Set.of(".debug_info", ".zdebug_info", ".debug_types", ".debug_line", ".zdebug_line");

        static Head of(ElfSections f) {
            boolean own = f.sections().stream().anyMatch(s -> DWARF.contains(s.name()));
            Optional<String> link;
            try {
                link = DebugLink.of(f).map(DebugLink::name);
            } catch (FormatException e) {
                return new Head(f.programHeaders(), true, Optional.empty());   // libdw judges a link it cannot read
            }
            return new Head(f.programHeaders(), own, link);
        }

        static Head read(Path elf, ElfHeader eh) throws IOException {
            try {
                return ElfSections.read(elf, Head::of);
            } catch (FormatException e) {
                ByteReader file = ByteReader.map(elf, ByteOrder.LITTLE_ENDIAN);
                return new Head(ProgramHeader.readAll(file.withOrder(eh.order()), eh), true, Optional.empty());
            }
        }
    }

    /**
     * FUNC (with the lines inside it) for sized function symbols, PUBLIC for sizeless ones; one name per
     * address. {@code codeMask} clears arm's Thumb bit: a Thumb function's symbol is its code's address + 1,
     * and its FUNC, lines and inlined calls start at the code (where its CFI and DWARF put it).
     */
    private static int[] writeFunctions(SymText w, OutputStream os, SymbolTable symbols, LineTable lines, InlineTable inlines, long base,
                                        long codeMask, Cancellation cancel) throws IOException {
        int funcs = 0, publics = 0;
        long lastAddress = 0;
        boolean any = false;
        for (int i = 0; i < symbols.size(); i++) {
            long value = symbols.valueAt(i) & codeMask;
            if (any && value == lastAddress) continue;      // aliases: the first (largest) name of an address
            if ((i & 4095) == 0) cancel.throwIfCancelled();
            any = true;
            lastAddress = value;
            long size = symbols.sizeAt(i);
            boolean multiple = i + 1 < symbols.size() && (symbols.valueAt(i + 1) & codeMask) == value;
            long rel = value - base;
            if (size > 0) {
                w.raw(FUNC);
                if (multiple) w.raw(MULTIPLE);
                w.hex(rel).ch(' ').hex(size).raw(NO_PARAMETERS);
                name(w, symbols, i).ch('\n');
                if (!inlines.isEmpty()) inlines.writeInlines(w, value, value + size, base, lines.fileIds());
                lines.writeLines(w, value, value + size, base);
                funcs++;
            } else {
                w.raw(PUBLIC);
                if (multiple) w.raw(MULTIPLE);
                w.hex(rel).raw(NO_PARAMETERS);
                name(w, symbols, i).ch('\n');
                publics++;
            }
            if (w.size() >= FLUSH_AT) { w.writeTo(os); w.clear(); }
        }
        return new int[]{funcs, publics};
    }

    /** Symbol {@code i}'s name, demangled: from its bytes when they are ASCII (all of them, in practice), else as a String. */
    private static SymText name(SymText w, SymbolTable symbols, int i) {
        byte[] raw = symbols.nameBytesAt(i);
        byte[] ascii = raw == null ? null : Demangler.demangleAscii(raw);
        return ascii != null ? w.raw(ascii) : w.utf8(Demangler.demangle(symbols.symbolAt(i).name()));
    }

    /** Every unit's line rows and inlined calls, through libdw over the file (and its separate debug file); none without libdw or DWARF. */
    private static void readDwarf(Path elf, long base, long span, byte[] buildId, int wordSize, LineTable lines, InlineTable inlines,
                                  List<String> problems) {
        if (ElfSession.unavailableReason().isPresent()) {
            problems.add("no LINE or INLINE records: " + ElfSession.unavailableReason().get());
            return;
        }
        ThreadSource none = new ThreadSource() {
            @Override public int[] threads() { return new int[0]; }
            @Override public long[] dwarfRegisters(int index) { return new long[0]; }
            @Override public long pc(int index) { return 0; }
            @Override public OptionalLong readWord(long address, int size) { return OptionalLong.empty(); }
        };
        String name = elf.toAbsolutePath().toString();
        try (CoreSession d = CoreSession.openModules(List.of(new ReportedModule(name, base, base + span, Optional.of(buildId))),
                n -> List.of(Map.entry("file", elf.toAbsolutePath())), none, 0, wordSize, Optional.empty())) {
            new SourceLookup(d).forEachUnit(base, lines::addUnit);
            new InlineIndex(d).forEachUnit(base, inlines::addUnit);
        } catch (RuntimeException e) {
            problems.add("no LINE or INLINE records: " + e.getMessage());
        }
    }
}
