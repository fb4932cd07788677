package dev.sextant.engine.state;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link Value} into the {@link Variable} record the views and the command line get: gdb's
 * type name and value text, members and the first {@code elements} array elements as children (to
 * any depth; pointers are not followed), a per-variable error instead of a failed read.
 */
public final class VariableTree {
    private VariableTree() {}

    private static final int MAX_DEPTH = 24;

    public static Variable of(String name, VariableKind kind, Value v, EvalContext ctx, int elements) {
        return build(name, kind, v, ctx, elements, 0);
    }

    /** An expression that failed: its error, no value. */
    public static Variable failed(String name, VariableKind kind, String message) {
        return new Variable(name, kind, "", "<error: " + message + ">", false, List.of(), Optional.of(message), Optional.empty(), false);
    }

    private static Variable build(String name, VariableKind kind, Value v, EvalContext ctx, int elements, int depth) {
        String type = TypeNames.name(v.type());
        Optional<Address> address = v.address().isPresent() ? Optional.of(Address.of(v.address().getAsLong())) : Optional.empty();
        if (v.optimizedOut()) {
            return new Variable(name, kind, type, "<optimized out>", true, List.of(), Optional.empty(), address, false);
        }
        String text;
        try {
            StringBuilder b = new StringBuilder();
            ValueFormat.append(b, v, ctx, 0);
            text = b.toString();
        } catch (EvaluationException e) {
            return new Variable(name, kind, type, "<error: " + ValueFormat.gdbMessage(e) + ">", false, List.of(),
                    Optional.of(e.getMessage()), address, false);
        }
        Optional<String> error = text.startsWith("<error: ") && text.endsWith(">")
                ? Optional.of(text.substring(8, text.length() - 1)) : Optional.empty();
        Type t = Type.strip(v.type());
        List<Variable> children = new ArrayList<>();
        boolean expandable = false;
        if (t instanceof Type.Composite c) {
            expandable = !c.members().get().isEmpty();
            if (depth < MAX_DEPTH && error.isEmpty()) {
                for (Type.Member m : c.members().get()) {
                    String member = m.baseClass() ? "<" + TypeNames.name(m.type()) + ">" : m.name().orElse("<anonymous>");
                    children.add(child(member, VariableKind.MEMBER, () -> Values.memberValue(v, m, ctx), m.type(), ctx, elements, depth));
                }
            }
        } else if (t instanceof Type.Array a && !(Type.strip(a.element()) instanceof Type.Base b && b.isChar() && b.size() == 1)) {
            long count = a.count().orElse(0);
            expandable = count > 0;
            if (depth < MAX_DEPTH && error.isEmpty()) {
                for (long i = 0; i < Math.min(count, elements); i++) {
                    long k = i;
                    children.add(child("[" + i + "]", VariableKind.ELEMENT, () -> Values.index(v, k, ctx), a.element(), ctx, elements, depth));
                }
            }
        }
        return new Variable(name, kind, type, text, false, children, error, address, expandable);
    }

    private static Variable child(String name, VariableKind kind, java.util.function.Supplier<Value> value, Type type,
                                  EvalContext ctx, int elements, int depth) {
        try {
            return build(name, kind, value.get(), ctx, elements, depth + 1);
        } catch (EvaluationException e) {
            return new Variable(name, kind, TypeNames.name(type), "<error: " + ValueFormat.gdbMessage(e) + ">", false, List.of(),
                    Optional.of(e.getMessage()), Optional.empty(), false);
        }
    }
}
