package dev.sextant.app.cli;

import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.format.json.JsonOut;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One stop of {@code sextant run} as a line of text or one JSON object. */
record StopLine(String reason, Optional<Integer> breakpoint, Tid tid, Optional<StackFrame> frame, List<Map.Entry<String, String>> prints,
                Optional<String> expr, Optional<String> oldValue, Optional<String> newValue, Optional<String> signal,
                Optional<String> code, Optional<String> error) {

    static StopLine of(StopReason r, Tid tid, Optional<StackFrame> frame, List<Map.Entry<String, String>> prints) {
        Optional<String> none = Optional.empty();
        if (r instanceof StopReason.BreakpointHit h) {
            return new StopLine("breakpoint", Optional.of(h.breakpointId()), tid, frame, prints, none, none, none, none, none, none);
        }
        if (r instanceof StopReason.ConditionFailed c) {
            return new StopLine("breakpoint", Optional.of(c.breakpointId()), tid, frame, prints, none, none, none, none, none, Optional.of(c.error()));
        }
        if (r instanceof StopReason.WatchpointHit w) {
            return new StopLine("watchpoint", Optional.of(w.watchpointId()), tid, frame, prints, Optional.of(w.expression()),
                    Optional.of(w.oldValue()), Optional.of(w.newValue()), none, none, none);
        }
        if (r instanceof StopReason.SignalReceived sr) {
            return new StopLine("signal", Optional.empty(), tid, frame, prints, none, none, none, Optional.of(sr.signal().name()),
                    Optional.of(sr.signal().codeName()), none);
        }
        return new StopLine("stop", Optional.empty(), tid, frame, prints, none, none, none, none, none, none);
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(reason);
        breakpoint.ifPresent(b -> sb.append(' ').append(b));
        expr.ifPresent(e -> sb.append(" (").append(e).append(')'));
        signal.ifPresent(s -> sb.append(' ').append(s).append(code.map(c -> " (" + c + ")").orElse("")));
        sb.append(", thread ").append(tid.value());
        frame.ifPresent(f -> {
            sb.append(", ").append(f.function().orElse(f.pc().toString()));
            f.file().ifPresent(file -> sb.append(" at ").append(Path.of(file).getFileName()).append(f.line().isPresent() ? ":" + f.line().getAsInt() : ""));
        });
        error.ifPresent(e -> sb.append("\n  error: ").append(e));
        if (oldValue.isPresent()) sb.append("\n  Old value = ").append(oldValue.get()).append("\n  New value = ").append(newValue.orElse(""));
        for (Map.Entry<String, String> p : prints) sb.append("\n  ").append(p.getKey()).append(" = ").append(p.getValue());
        return sb.toString();
    }

    String json() {
        JsonOut j = new JsonOut().beginObject().name("reason").value(reason);
        j.name("breakpoint");
        if (breakpoint.isPresent()) j.value(breakpoint.get()); else j.nullValue();
        j.name("tid").value(tid.value());
        j.name("function").value(frame.flatMap(StackFrame::function).orElse(null));
        j.name("file").value(frame.flatMap(StackFrame::file).orElse(null));
        j.name("line");
        if (frame.isPresent() && frame.get().line().isPresent()) j.value(frame.get().line().getAsInt()); else j.nullValue();
        j.name("prints").beginArray();
        for (Map.Entry<String, String> p : prints) j.beginObject().name("expr").value(p.getKey()).name("value").value(p.getValue()).endObject();
        j.endArray();
        j.name("expr").value(expr.orElse(null)).name("old").value(oldValue.orElse(null)).name("new").value(newValue.orElse(null));
        j.name("signal").value(signal.orElse(null)).name("code").value(code.orElse(null));
        error.ifPresent(e -> j.name("error").value(e));
        return j.endObject().text();
    }
}
