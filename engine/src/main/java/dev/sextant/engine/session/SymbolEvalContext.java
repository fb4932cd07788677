package dev.sextant.engine.session;

import dev.sextant.engine.elfutils.jna.SourceLookup;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.state.EvalContext;
import dev.sextant.engine.state.EvaluationException;
import dev.sextant.engine.state.Type;
import dev.sextant.engine.state.Value;
import java.util.List;
import java.util.Optional;

/**
 * TEMPORARY ADAPTER (issue 18), until the program-state work provides the DWARF frame context
 * (locals, arguments and typed globals): names are the loaded modules' data symbols, typed by
 * their symbol size as signed integers ({@code int} for 4 bytes, {@code long} for 8), read from
 * the live target's memory. Enough for conditions and watches on global scalars; a local variable
 * is "No symbol in current context", as gdb says of an unknown name. Engine thread only.
 */
final class SymbolEvalContext implements EvalContext {
    private final Tracer tracer;
    private final SourceLookup lookup;

    SymbolEvalContext(Tracer tracer, SourceLookup lookup) {
        this.tracer = tracer;
        this.lookup = lookup;
    }

    @Override public Optional<Value> variable(String name) {
        List<Long> at = lookup.symbolAddresses(name, false);
        if (at.isEmpty()) return Optional.empty();
        long address = at.get(0);
        long size = lookup.function(address).filter(f -> f.start() == address).map(f -> f.end() - f.start()).orElse(4L);
        Type t = switch ((int) Math.min(size, 16)) {
            case 1 -> new Type.Base("char", 1, Type.Encoding.SIGNED_CHAR);
            case 2 -> new Type.Base("short", 2, Type.Encoding.SIGNED);
            case 8 -> new Type.Base("long", 8, Type.Encoding.SIGNED);
            default -> new Type.Base("int", 4, Type.Encoding.SIGNED);
        };
        return Optional.of(new Value(t, new Value.InMemory(address)));
    }

    @Override public Optional<Type> namedType(String name) {
        return switch (name) {
            case "char" -> Optional.of(new Type.Base("char", 1, Type.Encoding.SIGNED_CHAR));
            case "short" -> Optional.of(new Type.Base("short", 2, Type.Encoding.SIGNED));
            case "int" -> Optional.of(new Type.Base("int", 4, Type.Encoding.SIGNED));
            case "long" -> Optional.of(new Type.Base("long", 8, Type.Encoding.SIGNED));
            case "unsigned int" -> Optional.of(new Type.Base("unsigned int", 4, Type.Encoding.UNSIGNED));
            case "unsigned long" -> Optional.of(new Type.Base("unsigned long", 8, Type.Encoding.UNSIGNED));
            default -> Optional.empty();
        };
    }

    @Override public byte[] read(long address, int length) {
        byte[] b = tracer.readMemory(address, length);
        if (b.length < length) throw EvaluationException.unreadable(address + b.length);
        return b;
    }

    @Override public Optional<String> symbolAt(long address) {
        return lookup.function(address).map(f -> f.start() == address ? f.name() : f.name() + "+" + (address - f.start()));
    }
}
