package dev.sextant.app.cli;

import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.unwind.CfaProgram;
import dev.sextant.engine.unwind.CfaRule;
import dev.sextant.engine.unwind.CfiRecord;
import dev.sextant.engine.unwind.CfiRow;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.CfiText;
import dev.sextant.engine.unwind.DwarfRegisters;
import dev.sextant.engine.unwind.ElfUnwindTables;
import dev.sextant.engine.unwind.Fde;
import dev.sextant.engine.unwind.PdataTable;
import dev.sextant.engine.unwind.PeDwarf;
import dev.sextant.engine.unwind.RegisterRule;
import dev.sextant.engine.unwind.RuntimeFunction;
import dev.sextant.engine.unwind.UnwindCode;
import dev.sextant.engine.unwind.UnwindInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sextant unwind FILE [--at ADDR] [--json]}: the static unwind tables of an ELF file
 * ({@code .eh_frame}, {@code .debug_frame}) or a PE x64 image ({@code .pdata}), with decoded rows or
 * unwind codes. Addresses are as in the file (link-time addresses for ELF, RVAs for PE).
 */
@Command(name = "unwind", mixinStandardHelpOptions = true,
        description = "Print the unwind tables (.eh_frame, .debug_frame, .pdata) of an ELF or PE file and exit.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:printed, but some entries could not be decoded (or --at found none)",
                "2:the file could not be read"})
public final class UnwindCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "ELF file (executable, shared library, object) or PE image")
    Path file;

    @Option(names = "--at", paramLabel = "ADDR", description = "show only the entry and row for this address, 0x hex or decimal (ELF: link-time address; PE: RVA)")
    String at;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Spec CommandSpec spec;

    private final java.util.concurrent.atomic.AtomicInteger badEntries = new java.util.concurrent.atomic.AtomicInteger();

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        try {
            ByteReader bytes = ByteReader.map(file, ByteOrder.LITTLE_ENDIAN);
            Optional<Long> address = Optional.empty();
            if (at != null) address = Optional.of(parseAddress(at));
            StringBuilder sb = new StringBuilder(1 << 16);
            Sink sink = new Sink(sb, out);
            boolean found;
            if (PeImage.looksLikePe(bytes)) found = new PeReport(PeImage.read(bytes), sink).print(address);
            else found = new ElfReport(ElfUnwindTables.read(bytes), sink).print(address);
            sink.flush();
            out.flush();
            return badEntries.get() > 0 || !found ? 1 : 0;
        } catch (FormatException | IOException e) {
            err.println("sextant: " + file + ": " + e.getMessage());
            err.flush();
            return 2;
        } catch (NumberFormatException e) {
            err.println("sextant: --at " + at + ": not an address");
            err.flush();
            return 2;
        }
    }

    private static long parseAddress(String s) {
        String t = s.trim().toLowerCase();
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
    }

    /** Output buffer drained to stdout in chunks, so that a large table never sits whole in memory. */
    private static final class Sink {
        final StringBuilder sb;
        final OutputStream out;
        final JsonOut json;
        Sink(StringBuilder sb, OutputStream out) { this.sb = sb; this.out = out; this.json = new JsonOut(out); }
        void maybeFlush() throws IOException {
            if (sb.length() > (1 << 16)) flush();
            json.maybeFlush();
        }
        void flush() throws IOException {
            json.flush();
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            sb.setLength(0);
        }
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }

    private static final int PARALLEL_MIN = 8192, CHUNK = 2048;
    /** Worker threads for large JSON listings: -Dsextant.unwind.threads=N (1 = none), default the CPU count up to 4. */
    private static final int THREADS = Math.max(1, Integer.getInteger("sextant.unwind.threads",
            Math.min(4, Runtime.getRuntime().availableProcessors())));
    private static final byte[] LOC = JsonOut.key("loc"), CFA = JsonOut.key("cfa"), REGS = JsonOut.key("regs"),
            OFFSET = JsonOut.key("offset"), START = JsonOut.key("start"), END = JsonOut.key("end"),
            SYMBOL = JsonOut.key("symbol"), CIE = JsonOut.key("cie"), AUGMENTATION = JsonOut.key("augmentation"),
            ROWS = JsonOut.key("rows");

    private final class ElfReport {
        final ElfUnwindTables t;
        final Sink sink;
        final int machine;
        final String[] regNames = new String[CfaProgram.MAX_REGISTER + 1];
        final byte[][] regKeys = new byte[CfaProgram.MAX_REGISTER + 1][];

        ElfReport(ElfUnwindTables t, Sink sink) {
            this.t = t; this.sink = sink; this.machine = t.header().machine();
        }

        /** A printer for a CFI section outside an ELF file (MinGW's .debug_frame in a PE image): no symbols. */
        ElfReport(int machine, Sink sink) {
            this.t = null; this.sink = sink; this.machine = machine;
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
            JsonOut j = sink.json;
            if (json) {
                j.beginObject().name("file").value(file.toString()).name("format").value("elf")
                        .name("machine").value(t.header().machineName()).name("tables").beginArray();
            } else {
                sink.sb.append(file).append(": ELF ").append(t.header().machineName()).append('\n');
            }
            for (CfiSection s : t.tables()) table(j, s);
            if (json) {
                j.endArray().name("problems").beginArray();
                for (String p : t.problems()) j.value(p);
                j.endArray().endObject();
                j.newline();
            } else {
                for (String p : t.problems()) sink.sb.append("problem: ").append(p).append('\n');
            }
            return true;
        }

        /** One table of the listing: the section and its entries. */
        void table(JsonOut j, CfiSection s) throws IOException {
            List<CfiRecord> records = s.records();
            if (json) {
                j.beginObject().name("section").value(s.kind().sectionName()).name("address").hex(s.bases().sectionAddress())
                        .name("entries").beginArray();
            } else {
                long n = records.stream().filter(r -> r instanceof Fde).count();
                sink.sb.append('\n').append(s.kind().sectionName()).append(" at ").append(hex(s.bases().sectionAddress()))
                        .append(": ").append(n).append(" FDEs\n");
            }
            if (json && records.size() >= PARALLEL_MIN && THREADS > 1) {
                entriesInParallel(j, s, records);
            } else {
                for (CfiRecord r : records) {
                    entry(j, s, r);
                    sink.maybeFlush();
                }
            }
            if (json) j.endArray().endObject();
        }

        boolean printAt(long pc) throws IOException {
            Optional<ElfUnwindTables.Match> m = t.lookup(pc);
            JsonOut j = sink.json;
            if (m.isEmpty()) {
                if (json) j.beginObject().name("file").value(file.toString()).name("format").value("elf").name("at").hex(pc)
                        .name("entry").nullValue().endObject().newline();
                else sink.sb.append(hex(pc)).append(": no FDE covers this address\n");
                return false;
            }
            CfiSection s = m.get().section();
            Fde f = m.get().fde();
            if (json) {
                j.beginObject().name("file").value(file.toString()).name("format").value("elf").name("at").hex(pc)
                        .name("section").value(s.kind().sectionName()).name("entry");
            } else {
                sink.sb.append(hex(pc)).append(" is covered by ").append(s.kind().sectionName()).append(":\n");
            }
            CfiRow row = fde(j, s, f, true) instanceof CfaProgram.Table table ? table.rowAt(pc) : null;
            if (json) {
                j.name("row");
                if (row == null) j.nullValue(); else row(j, row, f);
                j.endObject().newline();
            } else if (row != null) {
                sink.sb.append("  row in effect at ").append(hex(pc)).append(": ");
                rowText(row, f);
            }
            return true;
        }

        void entry(JsonOut j, CfiSection s, CfiRecord r) {
            if (r instanceof Fde f) fde(j, s, f, true);
            else if (r instanceof CfiRecord.Bad b) {
                badEntries.incrementAndGet();
                if (json) j.beginObject().name("offset").hex(b.offset()).name("error").value(b.problem()).endObject();
                else sink.sb.append("  bad entry at ").append(hex(b.offset())).append(": ").append(b.problem()).append('\n');
            }
        }

        /**
         * Decodes and writes chunks of entries on worker threads, then copies the chunks out in file
         * order. The records are already parsed (so the section's CIE cache is not touched); decoding
         * a CFA program and looking up a symbol only read shared immutable data.
         */
        void entriesInParallel(JsonOut j, CfiSection s, List<CfiRecord> records) throws IOException {
            int threads = THREADS;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "unwind-json");
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
                    chunk.writeTo(sink.out);
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
                badEntries.incrementAndGet();
            }
            if (json) {
                j.beginObject().name(OFFSET).hex(f.offset()).name(START).hex(f.pcBegin()).name(END).hex(f.pcEnd())
                        .name(SYMBOL).value(sym.map(SymbolTable.Symbol::name).orElse(null))
                        .name(CIE).hex(f.cie().offset()).name(AUGMENTATION).value(f.cie().augmentation());
                if (f.lsda().isPresent()) j.name("lsda").hex(f.lsda().getAsLong());
                if (f.cie().personality().isPresent()) j.name("personality").hex(f.cie().personality().getAsLong());
                if (f.cie().signalFrame()) j.name("signalFrame").value(true);
                if (error != null) j.name("error").value(error);
                if (table != null && rows) {
                    j.name(ROWS).beginArray();
                    for (CfiRow r : table.rows()) row(j, r, f);
                    j.endArray();
                }
                j.endObject();
            } else {
                StringBuilder b = sink.sb;
                b.append("  ").append(hex(f.pcBegin())).append("..").append(hex(f.pcEnd())).append(' ')
                        .append(sym.map(SymbolTable.Symbol::name).orElse("?")).append("  (FDE ").append(hex(f.offset()))
                        .append(", CIE ").append(hex(f.cie().offset())).append(" \"").append(f.cie().augmentation()).append("\"");
                if (f.lsda().isPresent()) b.append(", LSDA ").append(hex(f.lsda().getAsLong()));
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
            StringBuilder b = sink.sb;
            b.append(hex(r.location())).append(" CFA=").append(CfiText.cfa(machine, r.cfa()));
            for (RegisterRule rule : r.registers()) {
                b.append(' ').append(reg(rule.register())).append('=').append(CfiText.rule(machine, rule));
            }
            b.append('\n');
        }
    }

    private final class PeReport {
        final PeImage pe;
        final Sink sink;

        PeReport(PeImage pe, Sink sink) { this.pe = pe; this.sink = sink; }

        boolean print(Optional<Long> address) throws IOException {
            Optional<PdataTable> table = PdataTable.read(pe);
            JsonOut j = sink.json;
            if (address.isPresent()) {
                long rva = address.get();
                Optional<RuntimeFunction> f = table.flatMap(t -> t.lookup(rva));
                if (json) {
                    j.beginObject().name("file").value(file.toString()).name("format").value("pe").name("at").hex(rva).name("entry");
                    if (f.isEmpty()) j.nullValue(); else function(j, table.get(), f.get());
                    j.endObject().newline();
                } else if (f.isEmpty()) {
                    sink.sb.append(hex(rva)).append(": no RUNTIME_FUNCTION covers this RVA\n");
                } else {
                    sink.sb.append(hex(rva)).append(" is covered by .pdata:\n");
                    function(j, table.get(), f.get());
                }
                return f.isPresent();
            }
            if (json) {
                j.beginObject().name("file").value(file.toString()).name("format").value("pe")
                        .name("imageBase").hex(pe.imageBase()).name("tables").beginArray();
            } else {
                sink.sb.append(file).append(": PE ").append(pe.optionalHeader().isPe32Plus() ? "PE32+" : "PE32")
                        .append(", image base ").append(hex(pe.imageBase())).append('\n');
            }
            if (table.isPresent()) {
                if (json) j.beginObject().name("section").value(".pdata").name("address").hex(table.get().directoryRva()).name("entries").beginArray();
                else sink.sb.append("\n.pdata at RVA ").append(hex(table.get().directoryRva())).append(": ")
                        .append(table.get().functions().size()).append(" RUNTIME_FUNCTIONs\n");
                for (RuntimeFunction f : table.get().functions()) {
                    function(j, table.get(), f);
                    sink.maybeFlush();
                }
                if (json) j.endArray().endObject();
            } else if (!json) {
                sink.sb.append("no exception directory (.pdata)\n");
            }
            Optional<CfiSection> debugFrame = PeDwarf.debugFrame(pe);
            if (debugFrame.isPresent()) new ElfReport(PeDwarf.elfMachine(pe), sink).table(j, debugFrame.get());
            if (json) j.endArray().endObject().newline();
            return true;
        }

        void function(JsonOut j, PdataTable t, RuntimeFunction f) {
            List<UnwindInfo> chain = null;
            String error = null;
            try {
                chain = t.chain(f);
            } catch (FormatException e) {
                error = e.getMessage();
                badEntries.incrementAndGet();
            }
            if (json) {
                j.beginObject().name("start").hex(f.begin()).name("end").hex(f.end()).name("symbol").nullValue()
                        .name("unwindInfo").hex(f.unwindInfo());
                if (error != null) j.name("error").value(error);
                if (chain != null) {
                    j.name("chain").beginArray();
                    for (UnwindInfo ui : chain) {
                        j.beginObject().name("rva").hex(ui.rva()).name("version").value(ui.version())
                                .name("flags").value(ui.flagsName()).name("prologSize").value(ui.prologSize())
                                .name("frameRegister").value(ui.frameRegister() == 0 ? null : UnwindCode.registerName(ui.frameRegister()))
                                .name("frameOffset").value(ui.frameOffset() * 16L);
                        if (ui.handler().isPresent()) j.name("handler").hex(ui.handler().getAsLong())
                                .name("handlerData").hex(ui.handlerData().getAsLong());
                        if (ui.chained().isPresent()) j.name("chainedTo").hex(ui.chained().get().begin());
                        j.name("codes").beginArray();
                        for (UnwindCode c : ui.codes()) {
                            j.beginObject().name("offset").value(c.codeOffset()).name("op").value("UWOP_" + c.op().name())
                                    .name("text").value(c.describe(ui.frameRegister(), ui.frameOffset() * 16)).endObject();
                        }
                        j.endArray().endObject();
                    }
                    j.endArray();
                }
                j.endObject();
            } else {
                StringBuilder b = sink.sb;
                b.append("  ").append(hex(f.begin())).append("..").append(hex(f.end())).append("  unwind info ").append(hex(f.unwindInfo())).append('\n');
                if (error != null) b.append("    error: ").append(error).append('\n');
                if (chain != null) {
                    for (UnwindInfo ui : chain) {
                        b.append("    v").append(ui.version()).append(' ').append(ui.flagsName()).append(", prolog ")
                                .append(hex(ui.prologSize()));
                        if (ui.frameRegister() != 0) b.append(", frame ").append(UnwindCode.registerName(ui.frameRegister()))
                                .append("+").append(hex(ui.frameOffset() * 16L));
                        if (ui.handler().isPresent()) b.append(", handler ").append(hex(ui.handler().getAsLong()));
                        if (ui.chained().isPresent()) b.append(", chained to ").append(hex(ui.chained().get().begin()));
                        b.append('\n');
                        for (UnwindCode c : ui.codes()) {
                            b.append("      pc+").append(hex(c.codeOffset())).append(": ")
                                    .append(c.describe(ui.frameRegister(), ui.frameOffset() * 16)).append('\n');
                        }
                    }
                }
            }
        }
    }
}
