package dev.sextant.app.cli;

import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.format.json.JsonOut;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code stack --group}: threads with the same stack printed once, largest group first, with their count and thread ids. */
final class StackGroups {
    private StackGroups() {}

    static List<StackGroup> of(DumpReport r, boolean byFunction) {
        Set<Tid> crashed = r.threads().stream().filter(ThreadInfo::crashed).map(ThreadInfo::tid).collect(Collectors.toSet());
        return byFunction ? StackGroup.byFunction(r.stacks(), crashed) : StackGroup.byPc(r.stacks(), crashed);
    }

    /** {@code {groups: [{count, tids, crashed, frames: [{pc, module, function, offset, file, line, inline}]}]}}. */
    static String json(DumpReport r, boolean byFunction) {
        JsonOut j = new JsonOut();
        j.beginObject().name("groups").beginArray();
        for (StackGroup g : of(r, byFunction)) {
            j.beginObject().name("count").value(g.count()).name("crashed").value(g.crashed());
            j.name("tids").beginArray();
            for (Tid t : g.tids()) j.value(Integer.toUnsignedLong(t.value()));
            j.endArray().name("frames").beginArray();
            for (StackFrame f : g.frames()) {
                j.beginObject().name("pc").hex(f.pc().value()).name("module").value(f.module().orElse(null))
                        .name("function").value(f.function().orElse(null)).name("offset").hex(f.offset())
                        .name("file").value(f.file().orElse(null)).name("line");
                if (f.line().isPresent()) j.value(f.line().getAsInt()); else j.nullValue();
                j.name("inline").value(f.inline()).endObject();
            }
            j.endArray().endObject();
        }
        j.endArray().endObject();
        return j.text() + '\n';
    }

    static String text(DumpReport r, boolean byFunction) {
        StringBuilder sb = new StringBuilder(16 * 1024);
        List<StackGroup> groups = of(r, byFunction);
        sb.append(r.threads().size()).append(r.threads().size() == 1 ? " thread in " : " threads in ").append(groups.size())
                .append(groups.size() == 1 ? " group" : " groups").append(byFunction ? " (same functions)" : " (same pcs)").append('\n');
        for (StackGroup g : groups) {
            sb.append('\n').append(g.count()).append(g.count() == 1 ? " thread" : " threads").append(g.crashed() ? " (crashed)" : "").append(':');
            for (Tid t : g.tids()) sb.append(' ').append(Integer.toUnsignedString(t.value()));
            sb.append('\n');
            for (StackFrame f : g.frames()) StackReport.frameLine(sb, f);
        }
        return sb.toString();
    }
}
