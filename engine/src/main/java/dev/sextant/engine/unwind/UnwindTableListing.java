package dev.sextant.engine.unwind;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.symbols.DebugFiles;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The static unwind tables of an ELF file as a view lists them: one entry per FDE (section, pc
 * range, the symbol at its start, its CIE's augmentation) and, on demand, the decoded rows of one
 * entry as text ({@code readelf --debug-dump=frames-interp} style). Pure; any non-FX thread.
 */
public final class UnwindTableListing {
    /** One FDE, for a table row. {@code index} finds it again for {@link #detail}. Immutable. */
    public record Entry(int index, String section, long start, long end, String symbol, String augmentation, boolean lsda) {}

    private final ElfUnwindTables tables;
    private final int machine;
    private final List<Entry> entries = new ArrayList<>();
    private final List<CfiSection> sectionOf = new ArrayList<>();
    private final List<Fde> fdes = new ArrayList<>();
    private final Path symbolFile;
    private final Optional<String> debugFileProblem;
    private final Path file;

    private UnwindTableListing(ByteReader file, Path path) {
        this.file = path;
        ElfHeader eh = ElfHeader.read(file);
        machine = eh.machine();
        tables = ElfUnwindTables.read(file);
        SymbolTable symbols = SymbolTable.read(file.withOrder(eh.order()), eh, tables.sections());
        // A stripped library names only its exported functions: the installed debug file names them all.
        DebugFiles.Names names = DebugFiles.functionNames(path, symbols);
        symbols = names.table();
        symbolFile = names.from();
        debugFileProblem = names.problem();
        for (CfiSection s : tables.tables()) {
            for (Fde f : s.fdes()) {
                String sym = symbols.containing(f.pcBegin()).map(x -> x.value() == f.pcBegin() ? x.name()
                        : x.name() + "+0x" + Long.toHexString(f.pcBegin() - x.value())).orElse("");
                entries.add(new Entry(entries.size(), s.kind().sectionName(), f.pcBegin(), f.pcEnd(), sym,
                        f.cie().augmentation(), f.lsda().isPresent()));
                sectionOf.add(s);
                fdes.add(f);
            }
        }
    }

    /** Reads an ELF file's tables; throws {@link FormatException} when it is not a readable ELF file. */
    public static UnwindTableListing open(Path file) throws IOException {
        return new UnwindTableListing(ByteReader.map(file, ByteOrder.LITTLE_ENDIAN), file);
    }

    /** The file whose symbol table names the entries: the file itself, or its separate debug file. */
    public Path symbolFile() { return symbolFile; }

    /** The file listed. */
    public Path file() { return file; }

    public List<Entry> entries() { return List.copyOf(entries); }

    public List<String> problems() {
        List<String> all = new ArrayList<>(tables.problems());
        debugFileProblem.ifPresent(all::add);
        return all;
    }

    /** {@link #detail(Entry)} of the entry at {@code index}. */
    public String detail(int index) { return detail(entries.get(index)); }

    /** The entry's CIE and its rows, one line per row: location, CFA rule, then each register's rule. */
    public String detail(Entry e) {
        Fde f = fdes.get(e.index());
        Cie c = f.cie();
        StringBuilder sb = new StringBuilder();
        sb.append(e.section()).append(" FDE at 0x").append(Long.toHexString(f.offset()))
                .append(": pc 0x").append(Long.toHexString(f.pcBegin())).append("..0x").append(Long.toHexString(f.pcEnd()))
                .append('\n').append("CIE at 0x").append(Long.toHexString(c.offset())).append(": version ").append(c.version())
                .append(", augmentation \"").append(c.augmentation()).append("\", code alignment ").append(c.codeAlignment())
                .append(", data alignment ").append(c.dataAlignment()).append(", return address in ")
                .append(CfiText.registerRef(machine, c.returnAddressRegister())).append('\n');
        f.lsda().ifPresent(l -> sb.append("LSDA 0x").append(Long.toHexString(l)).append('\n'));
        try {
            CfaProgram.Table t = CfaProgram.decode(sectionOf.get(e.index()), f);
            sb.append('\n').append(CfiText.rows(machine, t.rows(), t.columns()));
        } catch (FormatException ex) {
            sb.append("\nthe CFA program cannot be decoded: ").append(ex.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
