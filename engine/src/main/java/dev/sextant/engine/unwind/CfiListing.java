package dev.sextant.engine.unwind;

import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.json.JsonOut;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The listing of CFI sections ({@code .eh_frame}, {@code .debug_frame}) for {@code sextant unwind}:
 * entries with symbols and decoded rows, as text or JSON; large JSON listings are written by worker
 * threads in chunks and copied out in file order.
 */
final class CfiListing {
    private static final int PARALLEL_MIN = 8192, CHUNK = 1024;
    /** Worker threads for large JSON listings: -Dsextant.unwind.threads=N (1 = none), default the CPU count up to 4. */
    private static final int THREADS = Math.max(1, Integer.getInteger("sextant.unwind.threads",
            Math.min(4, Runtime.getRuntime().availableProcessors())));
    private static final byte[] LOC = JsonOut.key("loc"), CFA = JsonOut.key("cfa"), REGS = JsonOut.key("regs"),
            OFFSET = JsonOut.key("offset"), START = JsonOut.key("start"), END = JsonOut.key("end"),
            SYMBOL = JsonOut.key("symbol"), CIE = JsonOut.key("cie"), AUGMENTATION = JsonOut.key("augmentation"),
            ROWS = JsonOut.key("rows"), LOC_HEAD = "{\"loc\":\"0x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final ElfUnwindTables t;
    final UnwindOutput o;
    final int machine;
    final String[] regNames = new String[CfaProgram.MAX_REGISTER + 1];
    final byte[][] regKeys = new byte[CfaProgram.MAX_REGISTER + 1][];

    /** The file whose symbol table names the entries: the listed file, or its separate debug file. */
    final java.nio.file.Path symbolFile;

    CfiListing(ElfUnwindTables t, UnwindOutput o, java.nio.file.Path symbolFile) {
        this.t = t; this.o = o; this.machine = t.header().machine(); this.symbolFile = symbolFile;
    }

    /** A printer for a CFI section outside an ELF o.file (MinGW's .debug_frame in a PE image): no symbols. */
    CfiListing(int machine, UnwindOutput o) {
        this.t = null; this.o = o; this.machine = machine; this.symbolFile = null;
    }

    String reg(int r) {
        // -1: a row whose CFA no instruction defined (a hostile CIE), written as the text listing writes it
        if (r < 0 || r >= regNames.length) return DwarfRegisters.name(machine, r);
        String n = regNames[r];
        if (n == null) regNames[r] = n = DwarfRegisters.name(machine, r);
        return n;
    }

    byte[] regKey(int r) {
        if (r < 0 || r >= regKeys.length) return JsonOut.key(reg(r));
        byte[] k = regKeys[r];
        if (k == null) regKeys[r] = k = JsonOut.key(reg(r));
        return k;
    }

    boolean print(Optional<Long> address) throws IOException {
        if (address.isPresent()) return printAt(address.get());
        JsonOut j = o.writer;
        if (o.json) {
            j.beginObject().name("file").value(o.file.toString()).name("format").value("elf")
                    .name("machine").value(t.header().machineName()).name("symbolFile").value(symbolFile.toString())
                    .name("tables").beginArray();
        } else {
            o.text.append(o.file).append(": ELF ").append(t.header().machineName());
            if (!symbolFile.equals(o.file)) o.text.append(", symbols from ").append(symbolFile);
            o.text.append('\n');
        }
        for (CfiSection s : t.tables()) table(j, s);
        if (o.json) {
            j.endArray().name("problems").beginArray();
            for (String p : t.problems()) j.value(p);
            j.endArray().endObject();
            j.newline();
        } else {
            for (String p : t.problems()) o.text.append("problem: ").append(p).append('\n');
        }
        return true;
    }

    /** One table of the listing: the section and its entries. */
    void table(JsonOut j, CfiSection s) throws IOException {
        if (o.json) {
            j.beginObject().name("section").value(s.kind().sectionName()).name("address").hex(s.bases().sectionAddress())
                    .name("entries").beginArray();
            CfiSection.Index index = s.index();
            if (index.count() >= PARALLEL_MIN && THREADS > 1) {
                entriesInParallel(j, s, index);
            } else {
                Programs programs = new Programs();
                for (int i = 0; i < index.count(); i++) {
                    entry(j, s, s.recordAt(index.offsets()[i]), programs);
                    o.maybeFlush();
                }
            }
            if (index.last().isPresent()) entry(j, s, index.last().get(), null);
            j.endArray().endObject();
            return;
        }
        List<CfiRecord> records = s.records();
        long n = records.stream().filter(r -> r instanceof Fde).count();
        o.text.append('\n').append(s.kind().sectionName()).append(" at ").append(UnwindOutput.hex(s.bases().sectionAddress()))
                .append(": ").append(n).append(" FDEs\n");
        for (CfiRecord r : records) {
            entry(j, s, r, null);
            o.maybeFlush();
        }
    }

    boolean printAt(long pc) throws IOException {
        Optional<ElfUnwindTables.Match> m = t.lookup(pc);
        JsonOut j = o.writer;
        if (m.isEmpty()) {
            if (o.json) j.beginObject().name("file").value(o.file.toString()).name("format").value("elf").name("at").hex(pc)
                    .name("entry").nullValue().endObject().newline();
            else o.text.append(UnwindOutput.hex(pc)).append(": no FDE covers this address\n");
            return false;
        }
        CfiSection s = m.get().section();
        Fde f = m.get().fde();
        if (o.json) {
            j.beginObject().name("file").value(o.file.toString()).name("format").value("elf")
                    .name("symbolFile").value(symbolFile.toString()).name("at").hex(pc)
                    .name("section").value(s.kind().sectionName()).name("entry");
        } else {
            o.text.append(UnwindOutput.hex(pc)).append(" is covered by ").append(s.kind().sectionName()).append(":\n");
        }
        CfiRow row = fde(j, s, f, true, null) instanceof CfaProgram.Table table ? table.rowAt(pc) : null;
        if (o.json) {
            j.name("row");
            if (row == null) j.nullValue(); else row(j, row, f);
            j.endObject().newline();
        } else if (row != null) {
            o.text.append("  row in effect at ").append(UnwindOutput.hex(pc)).append(": ");
            rowText(row, f);
        }
        return true;
    }

    void entry(JsonOut j, CfiSection s, CfiRecord r, Programs programs) {
        if (r instanceof Fde f) fde(j, s, f, true, programs);
        else if (r instanceof CfiRecord.Bad b) {
            o.badEntries.incrementAndGet();
            if (o.json) j.beginObject().name("offset").hex(b.offset()).name("error").value(b.problem()).endObject();
            else o.text.append("  bad entry at ").append(UnwindOutput.hex(b.offset())).append(": ").append(b.problem()).append('\n');
        }
    }

    /**
     * Decodes and writes chunks of entries on worker threads, then copies the chunks out in file
     * order. Only the entries' offsets are found up front; each worker decodes its entries with its
     * own copy of the section (the CIE cache is per copy); symbols and the section bytes are shared
     * and immutable, {@link Programs} is a concurrent map.
     */
    void entriesInParallel(JsonOut j, CfiSection s, CfiSection.Index index) throws IOException {
        int threads = THREADS;
        ThreadLocal<CfiSection> sections = ThreadLocal.withInitial(s::copy);
        Programs programs = new Programs();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sextant-unwind-json");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.ArrayDeque<java.util.concurrent.Future<JsonOut>> inFlight = new java.util.ArrayDeque<>();
            // chunk buffers go round: a few megabytes each, allocated once instead of grown per chunk
            java.util.concurrent.ConcurrentLinkedQueue<JsonOut> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();
            int next = 0, count = index.count();
            long[] offsets = index.offsets();
            boolean first = true;
            while (next < count || !inFlight.isEmpty()) {
                while (next < count && inFlight.size() < threads * 2) {
                    int from = next, to = Math.min(count, next + CHUNK);
                    boolean leadingComma = from > 0;
                    inFlight.add(pool.submit(() -> {
                        JsonOut cj = spare.poll();
                        if (cj == null) cj = new JsonOut();
                        CfiSection mine = sections.get();
                        if (leadingComma) cj.afterSibling();
                        for (int i = from; i < to; i++) entry(cj, mine, mine.recordAt(offsets[i]), programs);
                        return cj;
                    }));
                    next = to;
                }
                JsonOut chunk = inFlight.poll().get();
                j.flush();
                chunk.writeTo(o.out);
                chunk.reset();
                spare.add(chunk);
                first = false;
            }
            if (!first) j.afterSibling();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The JSON rows of CFA programs already written, by CIE and program bytes: two thirds of the FDEs
     * of a large C++ library repeat another's program (the same prologue and epilogue at other
     * offsets), and their rows are the same shifted by the FDE's start.
     */
    static final class Programs {
        /** Programs longer than this are rarely repeated; not worth the copy and the memory. */
        static final int MAX_CODE = 64, MAX_ENTRIES = 1 << 17;
        /** A program seen once: its rows are kept from its second sighting on, so that the many programs seen once cost no copy. */
        static final Rows ONCE = new Rows(new long[0], new byte[0], new int[0], new int[0]);
        /** Shared by the worker threads (their writes race only to store equal rows). */
        final java.util.concurrent.ConcurrentHashMap<Key, Rows> map = new java.util.concurrent.ConcurrentHashMap<>(1 << 15);

        record Key(long cie, byte[] code) {
            @Override public boolean equals(Object o) {
                return o instanceof Key k && k.cie == cie && java.util.Arrays.equals(k.code, code);
            }
            @Override public int hashCode() { return java.util.Arrays.hashCode(code) * 31 + Long.hashCode(cie); }
        }

        /** Each row's location less the FDE's start, and where in {@code bytes} (the rows as written) its part after the location lies. */
        record Rows(long[] deltas, byte[] bytes, int[] starts, int[] ends) {}
    }

    /** Prints one FDE (with its rows) and returns its decoded table, or null when the program is bad. */
    Object fde(JsonOut j, CfiSection s, Fde f, boolean rows, Programs programs) {
        Optional<SymbolTable.Symbol> sym = t == null ? Optional.empty() : t.symbols().containing(f.pcBegin());
        CfaProgram.Table table = null;
        String error = null;
        Programs.Key key = null;
        Programs.Rows known = null;
        if (programs != null && o.json && rows && f.instructionsLength() <= Programs.MAX_CODE) {
            key = new Programs.Key(f.cie().offset(), s.data().bytes("FDE CFA program", f.instructionsOffset(), f.instructionsLength()));
            known = programs.map.get(key);
            if (known == null) {
                if (programs.map.size() < Programs.MAX_ENTRIES) programs.map.putIfAbsent(key, Programs.ONCE);
                key = null;   // not remembered the first time
            } else if (known == Programs.ONCE) {
                known = null;   // decoded once more, and remembered below
            }
        }
        if (known == null) {
            try {
                table = CfaProgram.decode(s, f);
            } catch (FormatException e) {
                error = e.getMessage();
                o.badEntries.incrementAndGet();
            }
        }
        if (o.json) {
            j.beginObject().name(OFFSET).hex(f.offset()).name(START).hex(f.pcBegin()).name(END).hex(f.pcEnd())
                    .name(SYMBOL).value(sym.map(SymbolTable.Symbol::name).orElse(null))
                    .name(CIE).hex(f.cie().offset()).name(AUGMENTATION).value(f.cie().augmentation());
            if (f.lsda().isPresent()) j.name("lsda").hex(f.lsda().getAsLong());
            if (f.cie().personality().isPresent()) {
                j.name("personality").hex(f.cie().personality().getAsLong());
                if (f.cie().personalityIndirect()) j.name("personalityIndirect").value(true);   // the address of the pointer
            }
            if (f.cie().signalFrame()) j.name("signalFrame").value(true);
            if (error != null) j.name("error").value(error);
            if (known != null) {
                j.name(ROWS).beginArray();
                for (int i = 0; i < known.deltas().length; i++) {
                    j.element(LOC_HEAD, f.pcBegin() + known.deltas()[i], known.bytes(), known.starts()[i], known.ends()[i]);
                }
                j.endArray();
            } else if (table != null && rows) {
                boolean remember = key != null && !table.setsLocation();
                List<CfiRow> list = table.rows();
                long[] deltas = remember ? new long[list.size()] : null;
                int[] starts = remember ? new int[list.size()] : null, ends = remember ? new int[list.size()] : null;
                j.name(ROWS).beginArray();
                int first = j.position();
                for (int i = 0; i < list.size(); i++) {
                    CfiRow r = list.get(i);
                    int tail = row(j, r, f);
                    if (remember) {
                        deltas[i] = r.location() - f.pcBegin();
                        starts[i] = tail - first;
                        ends[i] = j.position() - first;
                    }
                }
                if (remember) programs.map.put(key, new Programs.Rows(deltas, j.copy(first, j.position()), starts, ends));
                j.endArray();
            }
            j.endObject();
        } else {
            StringBuilder b = o.text;
            b.append("  ").append(UnwindOutput.hex(f.pcBegin())).append("..").append(UnwindOutput.hex(f.pcEnd())).append(' ')
                    .append(sym.map(SymbolTable.Symbol::name).orElse("?")).append("  (FDE ").append(UnwindOutput.hex(f.offset()))
                    .append(", CIE ").append(UnwindOutput.hex(f.cie().offset())).append(" \"").append(f.cie().augmentation()).append("\"");
            if (f.lsda().isPresent()) b.append(", LSDA ").append(UnwindOutput.hex(f.lsda().getAsLong()));
            b.append(")\n");
            if (error != null) b.append("    error: ").append(error).append('\n');
            if (table != null && rows) {
                for (CfiRow r : table.rows()) { b.append("    "); rowText(r, f); }
            }
        }
        return table;
    }

    /** Writes one row; returns the output position just after its location's hex digits (see {@link Programs}). */
    int row(JsonOut j, CfiRow r, Fde f) {
        j.beginObject().name(LOC).hex(r.location());
        int afterLocation = j.position() - 1;   // before the closing quote
        j.name(CFA);
        if (r.cfa() instanceof CfaRule.RegisterOffset ro) j.registerOffset(reg(ro.register()), (int) ro.offset());
        else j.value("exp");
        j.name(REGS);
        if (j.repeat(r.registers())) {
            j.endObject();
            return afterLocation;
        }
        int mark = j.mark();
        j.beginObject();
        for (RegisterRule rule : r.registers()) {
            j.name(regKey(rule.register()));
            if (rule instanceof RegisterRule.Offset o) j.prefixedSigned('c', (int) o.offset());
            else if (rule instanceof RegisterRule.ValOffset v) j.prefixedSigned('v', (int) v.offset());
            else j.value(CfiText.rule(machine, rule));
        }
        j.endObject();
        j.memo(r.registers(), mark);
        j.endObject();
        return afterLocation;
    }

    void rowText(CfiRow r, Fde f) {
        StringBuilder b = o.text;
        b.append(UnwindOutput.hex(r.location())).append(" CFA=").append(CfiText.cfa(machine, r.cfa()));
        for (RegisterRule rule : r.registers()) {
            b.append(' ').append(reg(rule.register())).append('=').append(CfiText.rule(machine, rule));
        }
        b.append('\n');
    }
}
