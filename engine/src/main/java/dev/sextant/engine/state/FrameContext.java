package dev.sextant.engine.state;

import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import dev.sextant.engine.elfutils.DwarfVariables;
import dev.sextant.engine.elfutils.UnwoundFrame;
import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One frame as expressions and the Variables view see it: its scopes at the pc, its registers as
 * unwound, the module's globals and types, the target's memory. Reads lazily: a condition that names
 * one local reads that local's bytes only. Engine thread only; valid for one stop.
 */
public final class FrameContext implements EvalContext {
    /** The target's memory: exactly {@code length} bytes or {@link EvaluationException#unreadable}. */
    public interface Memory {
        byte[] read(long address, int length);
    }

    private final DwarfVariables scopes;
    private final TypeBuilder types;
    private final Memory memory;
    private final long lookupPc;
    private final Optional<DwarfDie.FrameScopes> frame;
    private final UnwoundFrame registers;
    private Optional<Optional<List<DwarfDie.Op>>> cfa = Optional.empty();

    FrameContext(DwarfVariables scopes, TypeBuilder types, Memory memory, UnwoundFrame registers, int inlineDepth) {
        this.scopes = scopes;
        this.types = types;
        this.memory = memory;
        this.registers = registers;
        // a caller's pc is a return address: its scopes are those of the call instruction
        this.lookupPc = registers.activation() ? registers.pc() : registers.pc() - 1;
        List<DwarfDie.FrameScopes> frames = scopes.frames(lookupPc);
        this.frame = inlineDepth < frames.size() ? Optional.of(frames.get(inlineDepth)) : Optional.empty();
    }

    private final LocationEvaluator.Frame evaluatorFrame = new LocationEvaluator.Frame() {
        @Override public OptionalLong register(int regno) {
            return registers.has(regno) ? OptionalLong.of(registers.registers()[regno]) : OptionalLong.empty();
        }
        @Override public Optional<List<DwarfDie.Op>> frameBase() { return frame.flatMap(DwarfDie.FrameScopes::frameBase); }
        @Override public Optional<List<DwarfDie.Op>> cfa() {
            if (cfa.isEmpty()) cfa = Optional.of(scopes.cfa(lookupPc));
            return cfa.get();
        }
        @Override public long bias() { return frame.map(DwarfDie.FrameScopes::bias).orElse(0L); }
        @Override public byte[] read(long address, int length) { return memory.read(address, length); }
    };

    /** Arguments (in order), then locals from the innermost block out, static locals included. */
    public List<Variable> variables(int elements) {
        if (frame.isEmpty()) return List.of();
        List<Variable> args = new ArrayList<>(), locals = new ArrayList<>();
        for (DwarfDie.Scope s : frame.get().scopes()) {
            for (DwarfDie.Declared d : s.variables()) {
                VariableKind kind = d.parameter() ? VariableKind.ARGUMENT : VariableKind.LOCAL;
                Variable v;
                try {
                    v = VariableTree.of(d.name(), kind, value(d, evaluatorFrame), this, elements);
                } catch (EvaluationException e) {
                    v = VariableTree.failed(d.name(), kind, e.getMessage());
                }
                (d.parameter() ? args : locals).add(v);
            }
        }
        args.addAll(locals);
        return args;
    }

    /** Whether DWARF describes this frame's function (else it has no variables to show). */
    public boolean hasScopes() { return frame.isPresent(); }

    private Value value(DwarfDie.Declared d, LocationEvaluator.Frame where) {
        Type type = types.of(d.type());
        if (d.location() instanceof DwarfDie.Expr e) return new Value(type, LocationEvaluator.place(e.ops(), type.size(), where));
        if (d.location() instanceof DwarfDie.Constant c) {
            if (c.bytes().isPresent()) return new Value(type, new Value.InBytes(c.bytes().get()));
            return Value.ofLong(type, c.value());
        }
        return new Value(type, new Value.OptimizedOut());
    }

    @Override public Optional<Value> variable(String name) {
        if (frame.isPresent()) {
            for (DwarfDie.Scope s : frame.get().scopes()) {
                for (DwarfDie.Declared d : s.variables()) if (d.name().equals(name)) return Optional.of(value(d, evaluatorFrame));
            }
        }
        return scopes.global(lookupPc, name).map(g -> {
            DwarfDie.Declared d = g.scopes().get(0).variables().get(0);
            return value(d, new GlobalFrame(g.bias()));
        });
    }

    /** A global's location needs only the module's bias and memory. */
    private final class GlobalFrame implements LocationEvaluator.Frame {
        private final long bias;

        GlobalFrame(long bias) { this.bias = bias; }

        @Override public OptionalLong register(int regno) { return OptionalLong.empty(); }
        @Override public Optional<List<DwarfDie.Op>> frameBase() { return Optional.empty(); }
        @Override public Optional<List<DwarfDie.Op>> cfa() { return Optional.empty(); }
        @Override public long bias() { return bias; }
        @Override public byte[] read(long address, int length) { return memory.read(address, length); }
    }

    @Override public Optional<Type> namedType(String name) {
        String n = name.strip().replaceAll("\\s+", " ");
        Optional<Type> t = scopes.namedType(lookupPc, n).map(types::of);
        if (t.isPresent()) return t;
        return Optional.ofNullable(BUILTIN.get(n));
    }

    private static final Map<String, Type> BUILTIN = Map.ofEntries(
            Map.entry("char", Values.CHAR), Map.entry("signed char", new Type.Base("signed char", 1, Type.Encoding.SIGNED_CHAR)),
            Map.entry("unsigned char", new Type.Base("unsigned char", 1, Type.Encoding.UNSIGNED_CHAR)),
            Map.entry("short", new Type.Base("short", 2, Type.Encoding.SIGNED)),
            Map.entry("unsigned short", new Type.Base("unsigned short", 2, Type.Encoding.UNSIGNED)),
            Map.entry("int", Values.INT), Map.entry("unsigned int", Values.UNSIGNED_INT), Map.entry("unsigned", Values.UNSIGNED_INT),
            Map.entry("long", Values.LONG), Map.entry("unsigned long", Values.UNSIGNED_LONG),
            Map.entry("long long", new Type.Base("long long", 8, Type.Encoding.SIGNED)),
            Map.entry("unsigned long long", new Type.Base("unsigned long long", 8, Type.Encoding.UNSIGNED)),
            Map.entry("float", new Type.Base("float", 4, Type.Encoding.FLOAT)), Map.entry("double", Values.DOUBLE),
            Map.entry("_Bool", new Type.Base("_Bool", 1, Type.Encoding.BOOLEAN)), Map.entry("bool", new Type.Base("bool", 1, Type.Encoding.BOOLEAN)));

    @Override public byte[] read(long address, int length) { return memory.read(address, length); }

    @Override public Optional<String> symbolAt(long address) { return scopes.symbolAt(address); }
}
