package dev.sextant.app.cli;

import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.format.json.JsonOut;
import java.util.List;
import java.util.Optional;

/** {@code sextant locals} output: every chosen frame's variables, as text (gdb's {@code bt full} look) or JSON. */
final class LocalsReport {
    private LocalsReport() {}

    /** One frame's variables as read, or why they could not be. */
    record FrameVariables(StackFrame frame, List<Variable> variables, Optional<String> error) {}

    record ThreadVariables(Tid tid, List<FrameVariables> frames) {}

    static String json(List<ThreadVariables> threads) {
        JsonOut j = new JsonOut();
        j.beginObject().name("threads").beginArray();
        for (ThreadVariables t : threads) {
            j.beginObject().name("tid").value(t.tid().value()).name("frames").beginArray();
            for (FrameVariables f : t.frames()) {
                StackFrame sf = f.frame();
                j.beginObject().name("index").value(sf.index()).name("pc").hex(sf.pc().value())
                        .name("function").value(sf.function().orElse(null)).name("file").value(sf.file().orElse(null));
                j.name("line");
                if (sf.line().isPresent()) j.value(sf.line().getAsInt()); else j.nullValue();
                j.name("inline").value(sf.inline());
                if (f.error().isPresent()) j.name("error").value(f.error().get());
                j.name("variables").beginArray();
                for (Variable v : f.variables()) variable(j, v);
                j.endArray().endObject();
            }
            j.endArray().endObject();
        }
        j.endArray().endObject();
        return j.text() + "\n";
    }

    static void variable(JsonOut j, Variable v) {
        j.beginObject().name("name").value(v.name()).name("kind").value(v.kind().label()).name("type").value(v.type())
                .name("value").value(v.value()).name("optimizedOut").value(v.optimizedOut());
        j.name("address").value(v.address().map(Object::toString).orElse(null));
        j.name("children").beginArray();
        for (Variable c : v.children()) variable(j, c);
        j.endArray();
        j.name("error").value(v.error().orElse(null));
        j.endObject();
    }

    static String text(List<ThreadVariables> threads) {
        StringBuilder sb = new StringBuilder(16 * 1024);
        for (ThreadVariables t : threads) {
            sb.append("Thread ").append(t.tid()).append('\n');
            for (FrameVariables f : t.frames()) {
                StackReport.framePrefix(sb, f.frame()).append(f.frame().location());
                f.frame().sourceLine().ifPresent(s -> sb.append(" at ").append(s));
                if (f.frame().inline()) sb.append(" [inlined]");
                sb.append('\n');
                f.error().ifPresent(e -> sb.append("        (").append(e).append(")\n"));
                if (f.error().isEmpty() && f.variables().isEmpty()) sb.append("        No locals.\n");
                for (Variable v : f.variables()) {
                    sb.append("        ").append(v.name()).append(" = ").append(v.value()).append('\n');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
