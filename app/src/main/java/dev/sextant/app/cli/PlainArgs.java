package dev.sextant.app.cli;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fast path of the command line: binds plain arguments to a command's picocli-annotated fields
 * (the one argument model) without building picocli's reflective model, which costs about a quarter
 * of a second at start-up (its Java 5 class files cannot be class-data shared), more than reading a
 * small core. Plain means: {@code --name value}, {@code --name=value}, flags, positional values,
 * {@code --} ending the options. Anything else (help, a mistake, a value that looks like an option,
 * an option given twice) is empty: picocli binds and explains it.
 */
final class PlainArgs {
    private PlainArgs() {}

    /** Where an option's value goes: the field, and the object (the command or one of its argument groups) that holds it. */
    private record Slot(Field field, Object owner) {}

    // Fields are read and written through variable handles, not Field.get and Field.set: since JDK 22
    // a Field's first get or set generates a method handle adapter as a class (the start-up archive
    // cannot hold them), 4 of them for `sextant locals`, 12-15 ms of the main thread's start, and a
    // class-file generator for the compiler to compile. A handle called with (Object, Object), as its
    // own erased type is, links to precompiled code.
    private static VarHandle handle(Field f) throws IllegalAccessException {
        return MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup()).unreflectVarHandle(f);
    }

    private static Object get(Field f, Object owner) throws IllegalAccessException {
        return (Object) handle(f).get(owner);
    }

    private static void put(Field f, Object owner, Object value) throws IllegalAccessException {
        VarHandle h = handle(f);
        if (f.getType() == int.class) h.set(owner, (int) (Integer) value);
        else if (f.getType() == boolean.class) h.set(owner, (boolean) (Boolean) value);
        else h.set(owner, value);
    }

    static <C> Optional<C> bind(C command, String[] args) {
        try {
            return bindOrFail(command, args) ? Optional.of(command) : Optional.empty();
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean bindOrFail(Object command, String[] args) throws ReflectiveOperationException, IOException {
        Map<String, Slot> options = new HashMap<>();
        List<Slot> positional = new ArrayList<>();
        collect(command, options, positional);
        List<Field> seen = new ArrayList<>();
        boolean optionsEnded = false;
        int position = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                if (a.isEmpty() || position >= positional.size()) return false;
                Slot p = positional.get(position);
                if (!isList(p.field())) position++;
                set(p, a);
                continue;
            }
            if (a.equals("--")) { optionsEnded = true; continue; }
            String name = a, value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) { name = a.substring(0, eq); value = a.substring(eq + 1); }
            Slot o = options.get(name);
            if (o == null) return false;
            if (!isList(o.field())) {
                if (seen.contains(o.field())) return false;
                seen.add(o.field());
            }
            if (o.field().getType() == boolean.class) {
                if (value != null) return false;
                put(o.field(), o.owner(), true);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-")) return false;
                value = args[++i];
            }
            if (value.isEmpty()) return false;
            set(o, value);
        }
        return true;
    }

    /**
     * The annotated fields of {@code target} and of its argument groups (made now, as picocli would when
     * one is given). The annotations are read from the class files ({@link FieldAnnotations}).
     */
    private static void collect(Object target, Map<String, Slot> options, List<Slot> positional)
            throws ReflectiveOperationException, IOException {
        Map<String, FieldAnnotations.Marks> marks = FieldAnnotations.of(target.getClass());
        for (Field f : target.getClass().getDeclaredFields()) {
            FieldAnnotations.Marks m = marks.get(f.getName());
            if (m == null) continue;
            f.setAccessible(true);
            for (String n : m.optionNames()) options.put(n, new Slot(f, target));
            if (m.parameters()) positional.add(new Slot(f, target));
            if (m.mixin()) {
                Object mixin = get(f, target);
                if (mixin == null) {
                    var ctor = f.getType().getDeclaredConstructor();
                    ctor.setAccessible(true);
                    mixin = ctor.newInstance();
                    put(f, target, mixin);
                }
                collect(mixin, options, positional);
            }
            if (m.argGroup()) {
                var ctor = f.getType().getDeclaredConstructor();
                ctor.setAccessible(true);
                Object group = ctor.newInstance();
                put(f, target, group);
                collect(group, options, positional);
            }
        }
    }

    private static boolean isList(Field f) { return List.class.isAssignableFrom(f.getType()); }

    @SuppressWarnings("unchecked")
    private static void set(Slot s, String value) throws IllegalAccessException {
        Field f = s.field();
        if (isList(f)) {
            Class<?> element = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
            List<Object> list = (List<Object>) get(f, s.owner());
            if (list == null) {
                list = new ArrayList<>();
                put(f, s.owner(), list);
            }
            list.add(convert(element, value));
        } else {
            put(f, s.owner(), convert(f.getType(), value));
        }
    }

    private static Object convert(Class<?> type, String value) {
        if (type == String.class) return value;
        if (type == Path.class) return Path.of(value);
        if (type == Integer.class || type == int.class) {
            if (!value.matches("\\d{1,9}")) throw new NumberFormatException(value);
            return Integer.parseInt(value);
        }
        throw new IllegalArgumentException("no plain conversion to " + type.getSimpleName());
    }
}
