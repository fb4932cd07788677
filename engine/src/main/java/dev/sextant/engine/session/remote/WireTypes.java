package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deterministic table of the record and enum types that cross the pipe: every type reachable
 * from {@link Command} (its records, their components, their answers) and {@link DebugEvent}, sorted
 * by name and numbered from {@link #FIRST}. Both ends build it from the same class path; the
 * fingerprint the server sends first tells a mismatch.
 */
final class WireTypes {
    /** Tags below this are the built-in types of {@link Wire}. */
    static final int FIRST = 64;
    private static final WireTypes TABLE = new WireTypes();

    private final List<Class<?>> types;
    private final Map<Class<?>, Integer> tags = new HashMap<>();

    private WireTypes() {
        Set<Class<?>> found = new LinkedHashSet<>();
        walk(Command.class, found);
        walk(DebugEvent.class, found);
        List<Class<?>> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(Class::getName));
        types = Collections.unmodifiableList(sorted);
        for (int i = 0; i < types.size(); i++) tags.put(types.get(i), FIRST + i);
    }

    static WireTypes table() { return TABLE; }

    /** Every record and enum type that crosses, in tag order. */
    List<Class<?>> types() { return types; }

    /** The tag of a record or enum type, or -1 when it is not in the table. */
    int tagOf(Class<?> type) {
        Integer t = tags.get(type);
        if (t == null && type.isEnum() == false && type.getSuperclass() != null && type.getSuperclass().isEnum()) {
            t = tags.get(type.getSuperclass());   // an enum constant with a body
        }
        return t == null ? -1 : t;
    }

    Class<?> typeOf(int tag) {
        int i = tag - FIRST;
        if (i < 0 || i >= types.size()) throw new WireException("unknown type tag " + tag);
        return types.get(i);
    }

    /** A hash of the names and record shapes in the table, to check both ends agree. */
    long fingerprint() {
        long h = 1125899906842597L;
        for (Class<?> c : types) {
            h = 31 * h + c.getName().hashCode();
            if (c.isRecord()) for (RecordComponent rc : c.getRecordComponents()) h = 31 * h + rc.getGenericType().getTypeName().hashCode();
            if (c.isEnum()) h = 31 * h + c.getEnumConstants().length;
        }
        return h;
    }

    private static void walk(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType p) {
            walk(p.getRawType(), found);
            for (Type a : p.getActualTypeArguments()) walk(a, found);
        } else if (type instanceof GenericArrayType g) {
            walk(g.getGenericComponentType(), found);
        } else if (type instanceof WildcardType w) {
            for (Type u : w.getUpperBounds()) walk(u, found);
        } else if (type instanceof Class<?> c) {
            walkClass(c, found);
        }
    }

    private static void walkClass(Class<?> c, Set<Class<?>> found) {
        if (!c.getName().startsWith("dev.sextant.")) return;     // JDK values are Wire's built-ins
        if (c.isArray()) {
            walkClass(c.getComponentType(), found);
            return;
        }
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) walkClass(sub, found);
        }
        if (!(c.isRecord() || c.isEnum()) || !found.add(c)) return;
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) walk(rc.getGenericType(), found);
            for (Type i : c.getGenericInterfaces()) {
                if (i instanceof ParameterizedType p && p.getRawType() == Command.class) walk(p.getActualTypeArguments()[0], found);
            }
        }
    }
}
