package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Watchpoint;
import dev.sextant.engine.linux.BreakpointSites;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.state.EvalContext;
import dev.sextant.engine.state.EvaluationException;
import dev.sextant.engine.state.Expression;
import dev.sextant.engine.state.Value;
import dev.sextant.engine.state.ValueFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * What breakpoint hits and watchpoint traps mean, decided at the hit with only the hitting thread
 * stopped: a condition (THE evaluator's compiled {@link Expression}, reading the registers and the
 * few bytes it names), a hit count, a log message, a watched value's old and new text. A thread
 * whose hit does not stop runs on at once; the others never stopped. Engine thread only.
 */
final class BreakpointActions implements Tracer.StopFilter {
    /** Where logpoint messages go (the session's events). */
    interface Log {
        void printed(int breakpointId, int tid, String message);
    }

    record Actions(Optional<Expression> condition, OptionalLong stopAfterHits, Optional<LogMessage> log, long trueHits) {
        static final Actions NONE = new Actions(Optional.empty(), OptionalLong.empty(), Optional.empty(), 0);
    }

    /** A message with {@code {expr}} parts, parsed once. */
    record LogMessage(String text, List<Object> parts) {
        static LogMessage parse(String text) {
            List<Object> parts = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                int open = text.indexOf('{', i);
                if (open < 0) { parts.add(text.substring(i)); break; }
                int close = text.indexOf('}', open);
                if (close < 0) throw new TargetException("log message: '{' at column " + (open + 1) + " has no closing '}'");
                if (open > i) parts.add(text.substring(i, open));
                parts.add(Expression.parse(text.substring(open + 1, close)));
                i = close + 1;
            }
            return new LogMessage(text, List.copyOf(parts));
        }

        String render(EvalContext ctx) {
            StringBuilder out = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Expression e) out.append(formatted(e, ctx)); else out.append((String) p);
            }
            return out.toString();
        }
    }

    record Watch(int id, int slot, String expression, Expression compiled, Address address, int length, boolean readWrite,
                 String value, long hits) {
        Watchpoint snapshot() { return new Watchpoint(id, expression, address, length, readWrite, value, hits); }
    }

    private final Map<Integer, Actions> actions = new HashMap<>();
    private final Map<Integer, Watch> watches = new HashMap<>();
    private final java.util.Set<Integer> oneShot = new java.util.HashSet<>();
    private final Tracer tracer;
    private final IntFunction<EvalContext> contexts;
    private final Log log;
    private int nextWatchId = 1;

    BreakpointActions(Tracer tracer, IntFunction<EvalContext> contexts, Log log) {
        this.tracer = tracer;
        this.contexts = contexts;
        this.log = log;
    }

    Actions of(int id) { return actions.getOrDefault(id, Actions.NONE); }

    void configure(int id, Optional<String> condition, OptionalLong stopAfterHits, Optional<String> message) {
        Optional<Expression> c = condition.filter(t -> !t.isBlank()).map(BreakpointActions::parse);
        Optional<LogMessage> m = message.filter(t -> !t.isBlank()).map(LogMessage::parse);
        actions.put(id, new Actions(c, stopAfterHits, m, 0));
    }

    void forget(int id) { actions.remove(id); oneShot.remove(id); }

    void markOneShot(int id) { oneShot.add(id); }

    boolean isOneShot(int id) { return oneShot.contains(id); }

    /** Fails with the evaluator's message when {@code text} is not an expression. */
    static void checkSyntax(String text) { parse(text); }

    private static Expression parse(String text) {
        try {
            return Expression.parse(text);
        } catch (EvaluationException e) {
            throw new TargetException("condition '" + text + "': " + e.getMessage());
        }
    }

    static String formatted(Expression e, EvalContext ctx) {
        try {
            return ValueFormat.format(e.evaluate(ctx), ctx);
        } catch (EvaluationException x) {
            return "<error: " + x.getMessage() + ">";
        }
    }

    @Override public Optional<StopReason> breakpointHit(int tid, BreakpointSites.UserBreakpoint b) {
        Actions a = actions.get(b.id());
        Address pc = Address.of(b.address());
        if (a == null) return Optional.of(new StopReason.BreakpointHit(b.id(), pc, b.hits()));
        EvalContext ctx = null;
        if (a.condition().isPresent()) {
            ctx = contexts.apply(tid);
            try {
                if (!a.condition().get().test(ctx)) return Optional.empty();
            } catch (EvaluationException e) {
                return Optional.of(new StopReason.ConditionFailed(b.id(), pc, "condition '" + a.condition().get().text() + "': " + e.getMessage()));
            }
        }
        long trueHits = a.trueHits() + 1;
        actions.put(b.id(), new Actions(a.condition(), a.stopAfterHits(), a.log(), trueHits));
        if (a.stopAfterHits().isPresent() && trueHits < a.stopAfterHits().getAsLong()) return Optional.empty();
        if (a.log().isPresent()) {
            log.printed(b.id(), tid, a.log().get().render(ctx != null ? ctx : contexts.apply(tid)));
            return Optional.empty();
        }
        return Optional.of(new StopReason.BreakpointHit(b.id(), pc, b.hits()));
    }

    // ---- watchpoints -------------------------------------------------------------------------

    Watch addWatch(String expression, boolean readWrite, int tid) {
        if (watches.size() >= Watchpoint.MAX) {
            throw new TargetException("all " + Watchpoint.MAX + " hardware watchpoints (x86-64 debug registers DR0-DR3) are in use: remove one first");
        }
        Expression e = parse(expression);
        EvalContext ctx = contexts.apply(tid);
        Value v;
        try {
            v = e.evaluate(ctx);
        } catch (EvaluationException x) {
            throw new TargetException("watch " + expression + ": " + x.getMessage());
        }
        OptionalLong at = v.address();
        if (at.isEmpty()) throw new TargetException("watch " + expression + ": not an lvalue in memory (a register or a computed value cannot be watched)");
        int length = (int) v.type().size();
        int slot = tracer.addWatchpoint(at.getAsLong(), length, readWrite);
        Watch w = new Watch(nextWatchId++, slot, expression, e, Address.of(at.getAsLong()), length, readWrite, formatted(e, ctx), 0);
        watches.put(w.id(), w);
        return w;
    }

    Watch removeWatch(int id) {
        Watch w = watches.remove(id);
        if (w == null) throw new TargetException("no watchpoint " + id);
        tracer.removeWatchpoint(w.slot());
        return w;
    }

    Optional<Watch> watch(int id) { return Optional.ofNullable(watches.get(id)); }

    List<Watch> watches() { return List.copyOf(watches.values()); }

    @Override public Optional<StopReason> watchpointHit(int tid, int slot) {
        Watch w = watches.values().stream().filter(x -> x.slot() == slot).findFirst().orElse(null);
        if (w == null) return Optional.empty();
        EvalContext ctx = contexts.apply(tid);
        String now = formatted(w.compiled(), ctx);
        // A write that left the value as it was does not stop (gdb's watch); a read/write watch always does.
        if (!w.readWrite() && now.equals(w.value())) return Optional.empty();
        Watch hit = new Watch(w.id(), w.slot(), w.expression(), w.compiled(), w.address(), w.length(), w.readWrite(), now, w.hits() + 1);
        watches.put(w.id(), hit);
        return Optional.of(new StopReason.WatchpointHit(w.id(), w.expression(), Address.of(tracer.registersPc(tid)), w.value(), now, hit.hits()));
    }
}
