package dev.sextant.app.cli;

import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.CfaProgram;
import dev.sextant.engine.unwind.CfaRule;
import dev.sextant.engine.unwind.CfiRecord;
import dev.sextant.engine.unwind.CfiRow;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.CfiText;
import dev.sextant.engine.unwind.DwarfRegisters;
import dev.sextant.engine.unwind.ElfUnwindTables;
import dev.sextant.engine.unwind.Fde;
import dev.sextant.engine.unwind.RegisterRule;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The listing of CFI sections ({@code .eh_frame}, {@code .debug_frame}) for {@code sextant unwind}:
 * entries with symbols and decoded rows, as text or JSON; large JSON listings are written by worker
 * threads in chunks and copied out in file order.
 */
final class CfiListing {
    private static final int PARALLEL_MIN = 8192, CHUNK = 2048;
    /** Worker threads for large JSON listings: -Dsextant.unwind.threads=N (1 = none), default the CPU count up to 4. */
    private static final int THREADS = Math.max(1, Integer.getInteger("sextant.unwind.threads",
            Math.min(4, Runtime.getRuntime().availableProcessors())));
    private static final byte[] LOC = JsonOut.key("loc"), CFA = JsonOut.key("cfa"), REGS = JsonOut.key("regs"),
            OFFSET = JsonOut.key("offset"), START = JsonOut.key("start"), END = JsonOut.key("end"),
            SYMBOL = JsonOut.key("symbol"), CIE = JsonOut.key("cie"), AUGMENTATION = JsonOut.key("augmentation"),
            ROWS = JsonOut.key("rows");

    final ElfUnwindTables t;
    final UnwindOutput o;
    final int machine;
    final String[] regNames = new String[CfaProgram.MAX_REGISTER + 1];
    final byte[][] regKeys = new byte[CfaProgram.MAX_REGISTER + 1][];

    CfiListing(ElfUnwindTables t, UnwindOutput o) {
        this.t = t; this.o = o; this.machine = t.header().machine();
    }

    /** A printer for a CFI section outside an ELF o.file (MinGW's .debug_frame in a PE image): no symbols. */
    CfiListing(int machine, UnwindOutput o) {
        this.t = null; this.o = o; this.machine = machine;
    }

    String reg(int r) {
        String n = regNames[r];
        if (n == null) regNames[r] = n = DwarfRegisters.name(machine, r);
        return n;
    }

    byte[] regKey(int r) {
        byte[] k = regKeys[r];
        if (k == null) regKeys[r] = k = JsonOut.key(reg(r));
        return k;
    }

    boolean print(Optional<Long> address) throws IOException {
        if (address.isPresent()) return printAt(address.get());
        JsonOut j = o.writer;
        if (o.json) {
            j.beginObject().name("file").value(o.file.toString()).name("format").value("elf")
                    .name("machine").value(t.header().machineName()).name("tables").beginArray();
        } else {
            o.text.append(o.file).append(": ELF ").append(t.header().machineName()).append('\n');
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
        List<CfiRecord> records = s.records();
        if (o.json) {
            j.beginObject().name("section").value(s.kind().sectionName()).name("address").hex(s.bases().sectionAddress())
                    .name("entries").beginArray();
        } else {
            long n = records.stream().filter(r -> r instanceof Fde).count();
            o.text.append('\n').append(s.kind().sectionName()).append(" at ").append(UnwindOutput.hex(s.bases().sectionAddress()))
                    .append(": ").append(n).append(" FDEs\n");
        }
        if (o.json && records.size() >= PARALLEL_MIN && THREADS > 1) {
            entriesInParallel(j, s, records);
        } else {
            for (CfiRecord r : records) {
                entry(j, s, r);
                o.maybeFlush();
            }
        }
        if (o.json) j.endArray().endObject();
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
            j.beginObject().name("file").value(o.file.toString()).name("format").value("elf").name("at").hex(pc)
                    .name("section").value(s.kind().sectionName()).name("entry");
        } else {
            o.text.append(UnwindOutput.hex(pc)).append(" is covered by ").append(s.kind().sectionName()).append(":\n");
        }
        CfiRow row = fde(j, s, f, true) instanceof CfaProgram.Table table ? table.rowAt(pc) : null;
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

    void entry(JsonOut j, CfiSection s, CfiRecord r) {
        if (r instanceof Fde f) fde(j, s, f, true);
        else if (r instanceof CfiRecord.Bad b) {
            o.badEntries.incrementAndGet();
            if (o.json) j.beginObject().name("offset").hex(b.offset()).name("error").value(b.problem()).endObject();
            else o.text.append("  bad entry at ").append(UnwindOutput.hex(b.offset())).append(": ").append(b.problem()).append('\n');
        }
    }

    /**
     * Decodes and writes chunks of entries on worker threads, then copies the chunks out in o.file
     * order. The records are already parsed (so the section's CIE cache is not touched); decoding
     * a CFA program and looking up a symbol only read shared immutable data.
     */
    void entriesInParallel(JsonOut j, CfiSection s, List<CfiRecord> records) throws IOException {
        int threads = THREADS;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "unwind-o.json");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.ArrayDeque<java.util.concurrent.Future<java.io.ByteArrayOutputStream>> inFlight = new java.util.ArrayDeque<>();
            int next = 0;
            boolean first = true;
            while (next < records.size() || !inFlight.isEmpty()) {
                while (next < records.size() && inFlight.size() < threads * 2) {
                    int from = next, to = Math.min(records.size(), next + CHUNK);
                    boolean leadingComma = from > 0;
                    inFlight.add(pool.submit(() -> {
                        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 18);
                        JsonOut cj = new JsonOut(bytes);
                        if (leadingComma) cj.afterSibling();
                        for (int i = from; i < to; i++) {
                            entry(cj, s, records.get(i));
                            cj.maybeFlush();
                        }
                        cj.flush();
                        return bytes;
                    }));
                    next = to;
                }
                java.io.ByteArrayOutputStream chunk = inFlight.poll().get();
                j.flush();
                chunk.writeTo(o.out);
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

    /** Prints one FDE (with its rows) and returns its decoded table, or null when the program is bad. */
    Object fde(JsonOut j, CfiSection s, Fde f, boolean rows) {
        Optional<SymbolTable.Symbol> sym = t == null ? Optional.empty() : t.symbols().containing(f.pcBegin());
        CfaProgram.Table table = null;
        String error = null;
        try {
            table = CfaProgram.decode(s, f);
        } catch (FormatException e) {
            error = e.getMessage();
            o.badEntries.incrementAndGet();
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
            if (table != null && rows) {
                j.name(ROWS).beginArray();
                for (CfiRow r : table.rows()) row(j, r, f);
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

    void row(JsonOut j, CfiRow r, Fde f) {
        j.beginObject().name(LOC).hex(r.location()).name(CFA);
        if (r.cfa() instanceof CfaRule.RegisterOffset ro) j.registerOffset(reg(ro.register()), (int) ro.offset());
        else j.value("exp");
        j.name(REGS);
        if (j.repeat(r.registers())) {
            j.endObject();
            return;
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
