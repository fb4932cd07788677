package dev.sextant.engine.elfutils;

import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The modules of a core without an {@code NT_FILE} note, from the dynamic linker's list in the core's
 * memory, as {@code dwfl_core_file_report} finds them (auxv's {@code AT_PHDR}, the program's
 * {@code PT_DYNAMIC}, {@code DT_DEBUG}, {@code r_debug}, the {@code link_map} chain), but read by
 * Sextant and with every name as data: a name that is not absolute ({@code ./libfoo.so}) is no path
 * (the file is looked for by its name's last part, beside the core and where the caller's rules
 * say), and no file is opened here. A module is reported from its ELF header and program headers
 * in the core's memory (the kernel dumps every ELF mapping's first page by default); one whose
 * header the core does not hold is left out. The vDSO is reported by {@link CoreModules}.
 * <p>
 * Layouts (glibc, both word sizes): {@code r_debug {int r_version; link_map *r_map @word}};
 * {@code link_map {l_addr @0; char *l_name @1w; l_ld @2w; l_next @3w}}.
 */
final class LinkMapModules {
    private LinkMapModules() {}

    /** The core's memory: the bytes at an address that the core holds (fewer, or none, at its end). */
    interface Memory {
        byte[] read(long address, int length) throws IOException;
    }

    private static final long AT_PHNUM = 5;
    private static final int PT_PHDR = 6, DT_NULL = 0, DT_DEBUG = 21;
    private static final int MAX_MODULES = 4096, MAX_DYNAMIC = 1024, MAX_NAME = 4096, HEAD = 64 * 1024;

    static List<CoreModules.Entry> read(CoreFile notes, Memory memory) throws IOException {
        boolean is64 = notes.header().is64();
        ByteOrder order = notes.header().order();
        int word = is64 ? 8 : 4;
        Long phdr = notes.auxv().get(CoreFile.AT_PHDR), phnum = notes.auxv().get(AT_PHNUM);
        if (phdr == null || phnum == null || phnum <= 0 || phnum > 256) return List.of();
        int entSize = is64 ? 56 : 32;
        ByteReader table = ByteReader.of(memory.read(phdr, (int) (phnum * entSize)), order);
        List<ProgramHeader> phs = programHeaders(table, phnum.intValue(), is64);
        Optional<ProgramHeader> self = phs.stream().filter(p -> p.type() == PT_PHDR).findFirst();
        Optional<ProgramHeader> dynamic = phs.stream().filter(p -> p.type() == ProgramHeader.PT_DYNAMIC).findFirst();
        if (self.isEmpty() || dynamic.isEmpty()) return List.of();     // a static program: no list
        long bias = phdr - self.get().vaddr();
        long rDebug = 0;
        ByteReader dyn = ByteReader.of(memory.read(dynamic.get().vaddr() + bias, (int) Math.min(dynamic.get().memsz(), MAX_DYNAMIC * 2L * word)), order);
        for (long o = 0; o + 2L * word <= dyn.size(); o += 2L * word) {
            long tag = dyn.word("dynamic tag", o, is64);
            if (tag == DT_NULL) break;
            if (tag == DT_DEBUG) rDebug = dyn.word("DT_DEBUG", o + word, is64);
        }
        if (rDebug == 0) return List.of();
        List<CoreModules.Entry> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Set<String> names = new HashSet<>();
        Long vdso = notes.auxv().get(CoreFile.AT_SYSINFO_EHDR);
        long lm = word(memory, rDebug + word, order, is64);
        for (int n = 0; lm != 0 && n < MAX_MODULES && seen.add(lm); n++) {
            ByteReader entry = ByteReader.of(memory.read(lm, 4 * word), order);
            if (entry.size() < 4L * word) break;
            long base = entry.word("l_addr", 0, is64), namePtr = entry.word("l_name", word, is64);
            long next = entry.word("l_next", 3L * word, is64);
            String name = namePtr == 0 ? "" : cString(memory.read(namePtr, MAX_NAME));
            boolean program = n == 0 && name.isEmpty();
            long header = program ? loadStart(phs) + bias : base;
            lm = next;
            if (vdso != null && header == vdso) continue;        // linux-vdso.so.1: CoreModules reports it, with its image
            module(memory, order, header, program ? executableName(notes, memory) : name).ifPresent(e -> {
                String shortName = CoreModules.fileName(e.name());
                // two files of one name keep their paths, as with NT_FILE
                String reported = names.add(shortName) ? shortName : e.name();
                out.add(new CoreModules.Entry(reported, e.path(), e.start(), e.end(), e.buildId(), Optional.empty()));
            });
        }
        return out;
    }

    /** A module from its headers in memory at {@code header}: empty when they are not there or not a loadable object. */
    private static Optional<CoreModules.Entry> module(Memory memory, ByteOrder order, long header, String name) throws IOException {
        if (name.isEmpty()) return Optional.empty();
        byte[] head = memory.read(header, HEAD);
        if (head.length < 64 || !CoreModules.isLoadable(head, order)) return Optional.empty();   // the vDSO's entry: no file
        try {
            ByteReader r = ByteReader.of(head, order);
            ElfHeader eh = ElfHeader.read(r);
            List<ProgramHeader> phs = ProgramHeader.readAll(r, eh);
            long start = Long.MAX_VALUE, end = 0;
            for (ProgramHeader p : phs) {
                if (p.type() != ProgramHeader.PT_LOAD) continue;
                start = Math.min(start, p.vaddr() - p.vaddr() % Math.max(1, p.align()));
                end = Math.max(end, p.vaddr() + p.memsz());
            }
            if (start == Long.MAX_VALUE) return Optional.empty();
            long bias = eh.type() == ElfHeader.ET_DYN ? header - start : 0;
            Optional<String> path = name.startsWith("/") ? Optional.of(name) : Optional.empty();
            return Optional.of(new CoreModules.Entry(name, path, start + bias, end + bias, CoreModules.buildId(head, order), Optional.empty()));
        } catch (FormatException e) {
            return Optional.empty();        // program headers beyond what the core holds
        }
    }

    /** The program's name: {@code AT_EXECFN}'s string (as it was run; a relative one is no path). */
    private static String executableName(CoreFile notes, Memory memory) throws IOException {
        Long at = notes.auxv().get(CoreFile.AT_EXECFN);
        String name = at == null || at == 0 ? "" : cString(memory.read(at, MAX_NAME));
        return name.isEmpty() ? "[exe]" : name;
    }

    private static long loadStart(List<ProgramHeader> phs) {
        long start = Long.MAX_VALUE;
        for (ProgramHeader p : phs) {
            if (p.type() == ProgramHeader.PT_LOAD) start = Math.min(start, p.vaddr() - p.vaddr() % Math.max(1, p.align()));
        }
        return start == Long.MAX_VALUE ? 0 : start;
    }

    /** The program's headers as the dynamic linker saw them (auxv's AT_PHDR); a table the core cuts off counts as none. */
    private static List<ProgramHeader> programHeaders(ByteReader table, int count, boolean is64) {
        try {
            return ProgramHeader.readAll(table, new ElfHeader(is64, table.order(), ElfHeader.ET_EXEC, 0, 0, 0, is64 ? 56 : 32, count, 0, 0, 0, 0));
        } catch (FormatException e) {
            return List.of();
        }
    }

    private static long word(Memory memory, long address, ByteOrder order, boolean is64) throws IOException {
        ByteReader r = ByteReader.of(memory.read(address, is64 ? 8 : 4), order);
        return r.size() < (is64 ? 8 : 4) ? 0 : r.word("word", 0, is64);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
