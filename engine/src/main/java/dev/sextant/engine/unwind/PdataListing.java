package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.json.JsonOut;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The listing of a PE image's {@code .pdata} (and MinGW {@code .debug_frame}) for {@code sextant unwind}. */
final class PdataListing {
    final PeImage pe;
    final UnwindOutput o;

    PdataListing(PeImage pe, UnwindOutput o) { this.pe = pe; this.o = o; }

    boolean print(Optional<Long> address) throws IOException {
        Optional<PdataTable> table = PdataTable.read(pe);
        JsonOut j = o.writer;
        if (address.isPresent()) {
            long rva = address.get();
            Optional<RuntimeFunction> f = table.flatMap(t -> t.lookup(rva));
            if (o.json) {
                j.beginObject().name("file").value(o.file.toString()).name("format").value("pe").name("at").hex(rva).name("entry");
                if (f.isEmpty()) j.nullValue(); else function(j, table.get(), f.get());
                j.endObject().newline();
            } else if (f.isEmpty()) {
                o.text.append(UnwindOutput.hex(rva)).append(": no RUNTIME_FUNCTION covers this RVA\n");
            } else {
                o.text.append(UnwindOutput.hex(rva)).append(" is covered by .pdata:\n");
                function(j, table.get(), f.get());
            }
            return f.isPresent();
        }
        if (o.json) {
            j.beginObject().name("file").value(o.file.toString()).name("format").value("pe")
                    .name("imageBase").hex(pe.imageBase()).name("tables").beginArray();
        } else {
            o.text.append(o.file).append(": PE ").append(pe.optionalHeader().isPe32Plus() ? "PE32+" : "PE32")
                    .append(", image base ").append(UnwindOutput.hex(pe.imageBase())).append('\n');
        }
        if (table.isPresent()) {
            if (o.json) j.beginObject().name("section").value(".pdata").name("address").hex(table.get().directoryRva()).name("entries").beginArray();
            else o.text.append("\n.pdata at RVA ").append(UnwindOutput.hex(table.get().directoryRva())).append(": ")
                    .append(table.get().functions().size()).append(" RUNTIME_FUNCTIONs\n");
            for (RuntimeFunction f : table.get().functions()) {
                function(j, table.get(), f);
                o.maybeFlush();
            }
            if (o.json) j.endArray().endObject();
        } else if (!o.json) {
            o.text.append("no exception directory (.pdata)\n");
        }
        Optional<CfiSection> debugFrame = PeDwarf.debugFrame(pe);
        if (debugFrame.isPresent()) new CfiListing(PeDwarf.elfMachine(pe), o).table(j, debugFrame.get());
        if (o.json) j.endArray().endObject().newline();
        return true;
    }

    void function(JsonOut j, PdataTable t, RuntimeFunction f) {
        List<UnwindInfo> chain = null;
        String error = null;
        try {
            chain = t.chain(f);
        } catch (FormatException e) {
            error = e.getMessage();
            o.badEntries.incrementAndGet();
        }
        if (o.json) {
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
            StringBuilder b = o.text;
            b.append("  ").append(UnwindOutput.hex(f.begin())).append("..").append(UnwindOutput.hex(f.end())).append("  unwind info ").append(UnwindOutput.hex(f.unwindInfo())).append('\n');
            if (error != null) b.append("    error: ").append(error).append('\n');
            if (chain != null) {
                for (UnwindInfo ui : chain) {
                    b.append("    v").append(ui.version()).append(' ').append(ui.flagsName()).append(", prolog ")
                            .append(UnwindOutput.hex(ui.prologSize()));
                    if (ui.frameRegister() != 0) b.append(", frame ").append(UnwindCode.registerName(ui.frameRegister()))
                            .append("+").append(UnwindOutput.hex(ui.frameOffset() * 16L));
                    if (ui.handler().isPresent()) b.append(", handler ").append(UnwindOutput.hex(ui.handler().getAsLong()));
                    if (ui.chained().isPresent()) b.append(", chained to ").append(UnwindOutput.hex(ui.chained().get().begin()));
                    b.append('\n');
                    for (UnwindCode c : ui.codes()) {
                        b.append("      pc+").append(UnwindOutput.hex(c.codeOffset())).append(": ")
                                .append(c.describe(ui.frameRegister(), ui.frameOffset() * 16)).append('\n');
                    }
                }
            }
        }
    }
}
