package dev.sextant.app.cli;

import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Renders a {@link DumpReport} as text (for people) or as the documented JSON (for scripts). */
public final class StackReport {
    private StackReport() {}

    /**
     * {@code {process, signal, threads: [{tid, name, crashed, frames: [{pc, module, function, offset,
     * file, line, inline}]}], modules: [{path, base, size, buildId, found}]}}, addresses as 0x hex.
     */
    public static String json(DumpReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        JsonOut j = new JsonOut();
        j.beginObject();
        j.name("file").value(r.file().toString());
        j.name("format").value(r.format());
        j.name("process").beginObject()
                .name("pid").value(r.process().pid().value())
                .name("command").value(r.process().command())
                .name("commandLine").value(r.process().commandLine())
                .name("executable").value(r.process().executable().orElse(null))
                .name("arch").value(r.process().arch())
                .endObject();
        j.name("signal");
        if (r.signal().isPresent()) {
            var s = r.signal().get();
            j.beginObject().name("number").value(s.number()).name("name").value(s.name())
                    .name("code").value(s.code()).name("codeName").value(s.codeName())
                    .name("address").value(s.faultAddress().map(Object::toString).orElse(null))
                    .endObject();
        } else {
            j.nullValue();
        }
        RecordedText.json(j, r.metadata());
        threads(j, r, StackReport::frame);
        j.name("modules").beginArray();
        for (Module m : r.modules()) {
            j.beginObject().name("path").value(m.path()).name("base").hex(m.base().value())
                    .name("size").hex(m.size()).name("buildId").value(m.buildId().orElse(null))
                    .name("found").value(m.found()).name("file").value(m.file().orElse(null)).endObject();
        }
        j.endArray();
        diagnostics(j, r);
        j.endObject();
        return sb.append(j.text()).append('\n').toString();
    }

    /** A frame of {@code stack --json}: every field, null where absent. */
    private static void frame(JsonOut j, StackFrame f) {
        j.beginObject().name("pc").hex(f.pc().value())
                .name("module").value(f.module().orElse(null))
                .name("function").value(f.function().orElse(null))
                .name("offset").hex(f.offset())
                .name("file").value(f.file().orElse(null));
        j.name("line");
        if (f.line().isPresent()) j.value(f.line().getAsInt()); else j.nullValue();
        j.name("inline").value(f.inline()).name("source").value(f.source().name().toLowerCase()).endObject();
    }

    /**
     * {@code "threads": [{tid, name, crashed, registers, frames, stopReason}]}, as {@code stack --json} and
     * {@code dump --json} write them; each frame object is written by {@code frame}, the one part that differs.
     * The tid is unsigned: a minidump's is a 32-bit word.
     */
    static void threads(JsonOut j, DumpReport r, BiConsumer<JsonOut, StackFrame> frame) {
        j.name("threads").beginArray();
        for (ThreadInfo t : r.threads()) {
            j.beginObject().name("tid").value(Integer.toUnsignedLong(t.tid().value())).name("name").value(t.name().orElse(null))
                    .name("crashed").value(t.crashed());
            registers(j, t);
            Optional<ThreadStack> st = r.stackOf(t.tid());
            j.name("frames").beginArray();
            for (StackFrame f : st.map(ThreadStack::frames).orElse(List.of())) frame.accept(j, f);
            j.endArray();
            j.name("stopReason").value(st.flatMap(ThreadStack::stopReason).orElse(null));
            j.endObject();
        }
        j.endArray();
    }

    /** {@code "diagnostics": ["ERROR: ...", ...]}. */
    static void diagnostics(JsonOut j, DumpReport r) {
        j.name("diagnostics").beginArray();
        r.diagnostics().forEach(d -> j.value(d.severity() + ": " + d.message()));
        j.endArray();
    }

    /** {@code "registers": [{"name": "x29", "value": "0x..."}]}: the thread's general registers in the architecture's order. */
    static void registers(JsonOut j, ThreadInfo t) {
        j.name("registers").beginArray();
        for (Register r : t.registers().registers()) j.beginObject().name("name").value(r.name()).name("value").hex(r.value()).endObject();
        j.endArray();
    }

    /** {@code "\nThread 123 "name" (crashed):\n"}, as every text report heads a thread. */
    static void threadHeader(StringBuilder sb, ThreadInfo t) {
        sb.append("\nThread ").append(Integer.toUnsignedString(t.tid().value()));
        t.name().ifPresent(n -> sb.append(" \"").append(n).append('"'));
        if (t.crashed()) sb.append(" (crashed)");
        sb.append(":\n");
    }

    /** {@code "  #3   0x00000000004011a6 "}: a frame's number and pc, aligned. */
    static StringBuilder framePrefix(StringBuilder sb, StackFrame f) {
        sb.append("  #").append(f.index());
        for (int pad = Integer.toString(f.index()).length(); pad < 4; pad++) sb.append(' ');
        return hex16(sb, f.pc().value()).append(' ');
    }

    static StringBuilder hex16(StringBuilder sb, long v) {
        String h = Long.toHexString(v);
        sb.append("0x");
        for (int i = h.length(); i < 16; i++) sb.append('0');
        return sb.append(h);
    }

    public static String text(DumpReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        var p = r.process();
        sb.append(r.format().startsWith("live") ? "Process: " : "Core: ").append(r.file()).append(" (").append(r.format()).append(")\n");
        sb.append("Process ").append(p.pid()).append(' ').append(p.command());
        p.executable().ifPresent(e -> sb.append("  ").append(e));
        sb.append('\n');
        if (!p.commandLine().isEmpty()) sb.append("Command line: ").append(p.commandLine()).append('\n');
        r.signal().ifPresent(s -> sb.append("Signal: ").append(s.describe()).append('\n'));
        RecordedText.text(sb, r.metadata());
        for (ThreadInfo t : r.threads()) {
            threadHeader(sb, t);
            Optional<ThreadStack> st = r.stackOf(t.tid());
            for (StackFrame f : st.map(ThreadStack::frames).orElse(List.of())) frameLine(sb, f);
            st.flatMap(ThreadStack::stopReason).ifPresent(s -> sb.append("  (unwinding stopped: ").append(s).append(")\n"));
        }
        modules(sb, r);
        return sb.toString();
    }

    /** One frame as the text report prints it: number, pc, location, module, source line, and how it was found. */
    static void frameLine(StringBuilder sb, StackFrame f) {
        framePrefix(sb, f).append(f.location());
        if (f.inline()) sb.append(" [inlined]");
        f.module().ifPresent(m -> sb.append(" in ").append(m));
        f.sourceLine().ifPresent(s -> sb.append(" at ").append(s));
        // Frames not found by registers, CFI or DWARF inlining say how: they are trusted less.
        switch (f.source()) {
            case DYNAMIC_TABLE -> sb.append(" [dynamic table]");
            case FRAME_POINTER -> sb.append(" [frame pointer]");
            case STACK_SCAN -> sb.append(" [stack scan]");
            default -> { }
        }
        sb.append('\n');
    }

    static void modules(StringBuilder sb, DumpReport r) {
        sb.append("\nModules:\n");
        for (Module m : r.modules()) {
            sb.append("  ");
            hex16(sb, m.base().value()).append(' ');
            String size = Long.toString(m.size());
            sb.append(" ".repeat(Math.max(0, 10 - size.length()))).append(size).append(' ').append(m.buildId().orElse("-"))
                    .append(m.found() ? " found   " : " MISSING ").append(m.path()).append('\n');
        }
    }
}
