package dev.sextant.engine.state;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A C or C++ type as DWARF describes it, enough to read, print and compute with values. Targets of
 * pointers and members of composites are resolved lazily (a list node points to its own type).
 * Immutable once resolved; built on the engine thread.
 */
public sealed interface Type permits Type.Base, Type.Pointer, Type.Reference, Type.Typedef, Type.Qualified,
        Type.Composite, Type.Array, Type.Enumeration, Type.Function, Type.Void {

    /** Size in bytes; 0 when unknown (void, an incomplete struct, a function). */
    long size();

    /** How the bytes of a base type are read. */
    enum Encoding { SIGNED, UNSIGNED, SIGNED_CHAR, UNSIGNED_CHAR, BOOLEAN, FLOAT, CHAR_UTF }

    record Base(String name, long size, Encoding encoding) implements Type {
        public boolean isChar() { return encoding == Encoding.SIGNED_CHAR || encoding == Encoding.UNSIGNED_CHAR; }
        public boolean isSigned() { return encoding == Encoding.SIGNED || encoding == Encoding.SIGNED_CHAR; }
    }

    record Pointer(Lazy target, long size) implements Type {}

    record Reference(Lazy target, boolean rvalue, long size) implements Type {}

    record Typedef(String name, Lazy target) implements Type {
        @Override public long size() { return target.get().size(); }
    }

    record Qualified(boolean isConst, boolean isVolatile, Lazy target) implements Type {
        @Override public long size() { return target.get().size(); }
    }

    /** {@code keyword}: struct, union or class; {@code cplus}: named without the keyword, as C++ does. */
    record Composite(String keyword, Optional<String> name, long size, boolean cplus, LazyMembers members) implements Type {}

    /** One data member; {@code bitSize} set for a bitfield, whose {@code bitOffset} counts from bit 0 of the byte at {@code offset}. */
    record Member(Optional<String> name, Type type, long offset, OptionalLong bitSize, long bitOffset, boolean baseClass) {}

    /** {@code count} empty for {@code int []}. */
    record Array(Type element, OptionalLong count) implements Type {
        @Override public long size() { return count.isPresent() ? element.size() * count.getAsLong() : 0; }
    }

    record Enumeration(Optional<String> name, long size, boolean signed, boolean cplus, List<Enumerator> values) implements Type {}

    record Enumerator(String name, long value) {}

    /** {@code returns} empty for void. */
    record Function(Optional<Type> returns, List<Type> parameters, boolean varargs) implements Type {
        @Override public long size() { return 1; }      // gdb's sizeof a function
    }

    record Void() implements Type {
        @Override public long size() { return 1; }
    }

    /** A type resolved on first use, once. */
    final class Lazy implements Supplier<Type> {
        private Supplier<Type> source;
        private Type value;

        public Lazy(Supplier<Type> source) { this.source = source; }

        public static Lazy of(Type t) {
            Lazy l = new Lazy(null);
            l.value = t;
            return l;
        }

        @Override public Type get() {
            if (value == null) {
                value = source.get();
                source = null;
            }
            return value;
        }
    }

    /** Members resolved on first use, once. */
    final class LazyMembers implements Supplier<List<Member>> {
        private Supplier<List<Member>> source;
        private List<Member> value;

        public LazyMembers(Supplier<List<Member>> source) { this.source = source; }

        @Override public List<Member> get() {
            if (value == null) {
                value = List.copyOf(source.get());
                source = null;
            }
            return value;
        }
    }

    /** The type with typedefs and const/volatile peeled off (what operations look at). */
    static Type strip(Type t) {
        for (int i = 0; i < 64; i++) {
            if (t instanceof Typedef d) t = d.target().get();
            else if (t instanceof Qualified q) t = q.target().get();
            else return t;
        }
        return t;
    }

    static boolean isInteger(Type t) {
        Type s = strip(t);
        return (s instanceof Base b && b.encoding() != Encoding.FLOAT) || s instanceof Enumeration;
    }

    static boolean isFloat(Type t) { return strip(t) instanceof Base b && b.encoding() == Encoding.FLOAT; }

    static boolean isPointer(Type t) { return strip(t) instanceof Pointer; }
}
