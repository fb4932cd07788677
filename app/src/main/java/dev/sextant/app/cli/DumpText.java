package dev.sextant.app.cli;

import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.DumpData;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.DumpSummary;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import java.util.List;
import java.util.Optional;

/** Renders a {@link DumpSummary} as text (for people) or as the documented JSON of {@code dump --json}. */
public final class DumpText {
    private DumpText() {}

    /**
     * {@code {format, system: {os, cpu}, crash: {code, name, address, tid, description} or null,
     * threads: [{tid, name, crashed, frames: [{pc, module, moduleOffset, function, source}], stopReason}],
     * modules: [{path, base, size, id}], secondaryData: [{tag, name, component, size}], diagnostics: [..]}};
     * addresses and codes as {@code 0x} hex strings.
     */
    public static String json(DumpSummary o) {
        DumpReport r = o.report();
        StringBuilder sb = new StringBuilder(64 * 1024);
        JsonOut j = new JsonOut();
        j.beginObject();
        j.name("file").value(r.file().toString());
        j.name("format").value(r.format());
        j.name("system").beginObject().name("os").value(o.os()).name("cpu").value(o.cpu()).endObject();
        j.name("crash");
        if (o.crash().isPresent()) {
            CrashReason c = o.crash().get();
            j.beginObject().name("code").hex(c.code()).name("name").value(c.name())
                    .name("address").value(c.address().map(Object::toString).orElse(null));
            j.name("tid");
            if (c.tid().isPresent()) j.value(Integer.toUnsignedLong(c.tid().get().value())); else j.nullValue();
            j.name("description").value(c.description()).endObject();
        } else {
            j.nullValue();
        }
        RecordedText.json(j, r.metadata());
        StackReport.threads(j, r, DumpText::frame);
        j.name("modules").beginArray();
        for (Module m : r.modules()) {
            j.beginObject().name("path").value(m.path()).name("base").hex(m.base().value()).name("size").hex(m.size())
                    .name("id").value(m.buildId().orElse(null)).endObject();
        }
        j.endArray();
        j.name("secondaryData").beginArray();
        for (DumpData d : o.data()) {
            j.beginObject().name("tag").value(d.tag()).name("name").value(d.name()).name("component").value(d.component())
                    .name("size").value(d.size()).endObject();
        }
        j.endArray();
        StackReport.diagnostics(j, r);
        j.endObject();
        return sb.append(j.text()).append('\n').toString();
    }

    /** A frame of {@code dump --json}: only the fields the frame has ({@code moduleOffset} where no function is known). */
    private static void frame(JsonOut j, StackFrame f) {
        j.beginObject().name("pc").hex(f.pc().value()).name("module").value(f.module().orElse(null));
        if (f.function().isPresent()) {
            j.name("function").value(f.function().get()).name("offset").hex(f.offset());
            if (f.file().isPresent()) j.name("file").value(f.file().get());
            if (f.line().isPresent()) j.name("line").value(f.line().getAsInt());
            j.name("inline").value(f.inline());
        } else if (f.module().isPresent()) {
            j.name("moduleOffset").hex(f.offset());
        }
        j.name("source").value(f.source().name().toLowerCase()).endObject();
    }

    public static String text(DumpSummary o, boolean decodeData) {
        DumpReport r = o.report();
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("Dump: ").append(r.file()).append(" (").append(r.format()).append(")\n");
        sb.append("System: ").append(o.os()).append(", ").append(o.cpu()).append('\n');
        var p = r.process();
        sb.append("Process ").append(p.pid()).append(' ').append(p.command());
        p.executable().ifPresent(e -> sb.append("  ").append(e));
        sb.append('\n');
        if (!p.commandLine().isEmpty()) sb.append("Command line: ").append(p.commandLine()).append('\n');
        o.crash().ifPresentOrElse(c -> sb.append("Crash: ").append(c.description())
                        .append(String.format(" [code 0x%x]", c.code()))
                        .append(c.tid().map(t -> " in thread " + Integer.toUnsignedString(t.value())).orElse("")).append('\n'),
                () -> sb.append("Crash: none recorded\n"));
        RecordedText.text(sb, r.metadata());
        for (ThreadInfo t : r.threads()) {
            StackReport.threadHeader(sb, t);
            if (!t.registers().registers().isEmpty()) {
                // Every register, in the architecture's order, eight to a line.
                int n = 0;
                for (Register reg : t.registers().registers()) {
                    sb.append(n++ % 8 == 0 ? (n == 1 ? "    " : "\n    ") : " ").append(reg);
                }
                sb.append('\n');
            }
            Optional<ThreadStack> st = r.stackOf(t.tid());
            for (StackFrame f : st.map(ThreadStack::frames).orElse(List.of())) {
                StackReport.framePrefix(sb, f);
                if (f.function().isPresent()) sb.append(f.location()).append(f.sourceLine().map(l -> " (" + l + ")").orElse(""));
                else sb.append(f.module().map(m -> m + " + 0x" + Long.toHexString(f.offset())).orElse("?"));
                sb.append("  [").append(f.source().name().toLowerCase().replace('_', ' ')).append("]\n");
            }
            st.flatMap(ThreadStack::stopReason).ifPresent(s -> sb.append("  (walk stopped: ").append(s).append(")\n"));
        }
        sb.append("\nModules:\n");
        for (Module m : r.modules()) {
            sb.append(String.format("  0x%016x %10d %s %s%n", m.base().value(), m.size(), m.buildId().orElse("-"), m.path()));
        }
        sb.append("\nSecondary data:\n");
        if (o.data().isEmpty()) sb.append("  (none)\n");
        for (DumpData d : o.data()) {
            sb.append(String.format("  %-28s %-24s %-28s %8d bytes%n", d.tag(), d.name(), d.component(), d.size()));
            if (decodeData) {
                for (String line : d.decoded().split("\n")) sb.append("      ").append(line).append('\n');
            }
        }
        if (!r.diagnostics().isEmpty()) {
            sb.append("\nDiagnostics:\n");
            r.diagnostics().forEach(d -> sb.append("  ").append(d.severity()).append(": ").append(d.message()).append('\n'));
        }
        return sb.toString();
    }
}
