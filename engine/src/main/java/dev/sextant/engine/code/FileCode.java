package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.format.elf.ElfSections;
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
    private final CodeSymbols symbols;

    private FileCode(Path path, ElfSections file) {
        this.path = path;
        this.file = file;
        this.functions = SymbolTable.read(file.header(), file.sections(), file::data);
        this.stubs = PltStubs.read(file);
        this.symbols = CodeSymbols.remembering(address -> stub(address).map(s -> new CodeSymbols.Named(s.name(), s.start(), s.start() + s.size()))
                .or(() -> functions.containing(address).map(f -> new CodeSymbols.Named(f.name(), f.value(), f.value() + Math.max(1, f.size())))));
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
        return open(path, code -> {
            int n = 0;
            long lastStart = -1;
            for (SymbolTable.Symbol s : code.functions.functions()) {
                if (s.size() == 0 || s.value() == lastStart) continue;     // aliases share a body: once
                lastStart = s.value();
                each.accept(code.disassemble(new CodeRange("0x" + Long.toHexString(s.value()), java.util.OptionalInt.empty(),
                        Optional.of(Address.of(s.value() + s.size()))), disassembler));
                n++;
            }
            return n;
        });
    }

    private static <T> T open(Path path, java.util.function.Function<FileCode, T> use) {
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
        for (PltStubs.Stub s : stubs) if (Long.compareUnsigned(address - s.start(), s.size()) < 0) return Optional.of(s);
        return Optional.empty();
    }

    private Disassembly disassemble(CodeRange range, Disassembler disassembler) {
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
        SectionHeader section = file.sections().stream()
                .filter(s -> (s.flags() & SectionHeader.SHF_EXECINSTR) != 0 && s.hasFileData() && s.type() != SectionHeader.SHT_NOBITS
                        && Long.compareUnsigned(start - s.addr(), s.size()) < 0)
                .findFirst().orElseThrow(() -> new TargetException(path + ": no code section holds 0x" + Long.toHexString(start)
                        + " (see the section list: readelf -S)"));
        long sectionEnd = section.addr() + section.size();
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (end == -1L || Long.compareUnsigned(end, sectionEnd) > 0) {
            if (end != -1L) diagnostics.add(new Diagnostic(Severity.WARNING, "the listing stops at the end of " + section.name()
                    + " (0x" + Long.toHexString(sectionEnd) + ")"));
            end = sectionEnd;
        }
        // At most 15 bytes per instruction: read no more than the count can use.
        long length = Math.min(end - start, (long) count * 15);
        ByteReader data = file.data(section);
        byte[] bytes = data.bytes(section.name(), start - section.addr(), length);
        List<Instruction> out = disassembler.decode(bytes, bytes.length, start, count, symbols, a -> Optional.empty());
        return new Disassembly(path.toString(), out, diagnostics);
    }

    private CodeSymbols.Named function(String name) {
        List<SymbolTable.Symbol> found = functions.named(name);
        if (!found.isEmpty()) return new CodeSymbols.Named(found.get(0).name(), found.get(0).value());
        for (PltStubs.Stub s : stubs) if (s.name().equals(name)) return new CodeSymbols.Named(s.name(), s.start());
        throw new TargetException(path + ": no function " + name + " in its symbol table"
                + (functions.full() ? "" : " (the file is stripped: only exported functions have names)"));
    }

    private long functionEnd(String name, long start) {
        for (SymbolTable.Symbol s : functions.named(name)) if (s.value() == start && s.size() > 0) return start + s.size();
        for (PltStubs.Stub s : stubs) if (s.name().equals(name)) return s.start() + s.size();
        return -1L;     // a sizeless symbol: the default count
    }
}
