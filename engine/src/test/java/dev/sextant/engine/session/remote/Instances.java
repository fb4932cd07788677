package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.MemoryBlock;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Generated values of any api type, from the types' own shapes (record components and their
 * generic types, sealed subtypes, enum constants): random numbers across the whole range, strings
 * with non-ASCII text, empty and full optionals and collections. A record whose constructor refuses
 * the values (a bound, a blank string) is tried again with others.
 */
final class Instances {
    private final Random random;

    Instances(long seed) { random = new Random(seed); }

    Object of(Class<?> type) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                return make(type, type, 0);
            } catch (Refused e) {
                last = e;
            }
        }
        throw new AssertionError("no instance of " + type.getName() + " could be made: " + last.getMessage());
    }

    private static final class Refused extends RuntimeException {
        Refused(String m) { super(m); }
    }

    private Object make(Type type, Class<?> owner, int depth) {
        if (type instanceof TypeVariable<?>) return make(Command.CloseTarget.class, owner, depth + 1);
        if (type instanceof WildcardType w) return make(w.getUpperBounds()[0], owner, depth);
        if (type instanceof ParameterizedType p) return generic((Class<?>) p.getRawType(), p.getActualTypeArguments(), owner, depth);
        Class<?> c = (Class<?>) type;
        if (c == boolean.class || c == Boolean.class) return random.nextBoolean();
        if (c == int.class || c == Integer.class) return small() ? random.nextInt(64) : random.nextInt();
        if (c == long.class || c == Long.class) return small() ? (long) random.nextInt(64) : random.nextLong();
        if (c == double.class || c == Double.class) return random.nextDouble();
        if (c == String.class) return text();
        if (c == Path.class) return Path.of("/tmp/" + text().replace('/', '_') + "/core.1");
        if (c == Instant.class) return Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
        if (c == Duration.class) return Duration.ofMillis(random.nextInt(1_000_000));
        if (c == UUID.class) return new UUID(random.nextLong(), random.nextLong());
        if (c == OptionalInt.class) return random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(1 + random.nextInt(100));
        if (c == OptionalLong.class) return random.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(1 + random.nextInt(100));
        if (c == byte[].class) { byte[] b = new byte[random.nextInt(40)]; random.nextBytes(b); return b; }
        if (c == long[].class) return random.longs(random.nextInt(10)).toArray();
        if (c == int[].class) return random.ints(random.nextInt(10)).toArray();
        if (c == Cancellation.class) { Cancellation k = new Cancellation(); if (random.nextBoolean()) k.cancel(); return k; }
        if (c == MemoryBlock.class) return memoryBlock();
        if (c.isEnum()) { Object[] k = c.getEnumConstants(); return k[random.nextInt(k.length)]; }
        if (c.isSealed() && !c.isRecord()) {
            Class<?>[] subs = c.getPermittedSubclasses();
            Class<?> pick = depth > 3 ? subs[0] : subs[random.nextInt(subs.length)];
            return make(pick, owner, depth + 1);
        }
        if (c.isRecord()) return record(c, depth);
        throw new AssertionError("a " + c.getName() + " is reachable from the api (in " + owner.getName() + ") but cannot be generated: can it cross?");
    }

    private boolean small() { return random.nextInt(3) != 0; }

    private String text() {
        String[] parts = {"main", "libc.so.6", "Zähler", "顺序", "process_order", "x", "/usr/lib/debug", "a b", "\u2603"};
        StringBuilder sb = new StringBuilder(parts[random.nextInt(parts.length)]);
        for (int i = random.nextInt(3); i > 0; i--) sb.append(parts[random.nextInt(parts.length)]);
        return sb.toString();
    }

    private MemoryBlock memoryBlock() {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        BitSet readable = new BitSet();
        for (int i = 0; i < b.length; i++) if (random.nextInt(4) != 0) readable.set(i);
        return new MemoryBlock(new Address(random.nextLong()), b, readable);
    }

    private Object generic(Class<?> raw, Type[] args, Class<?> owner, int depth) {
        int n = depth > 4 ? 0 : random.nextInt(4);
        if (raw == Optional.class) return random.nextBoolean() ? Optional.empty() : Optional.of(make(args[0], owner, depth + 1));
        if (raw == List.class) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < n; i++) l.add(make(args[0], owner, depth + 1));
            return l;
        }
        if (raw == Set.class) {
            Set<Object> s = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) s.add(make(args[0], owner, depth + 1));
            return s;
        }
        if (raw == Map.class) {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) m.put(make(args[0], owner, depth + 1), make(args[1], owner, depth + 1));
            return m;
        }
        if (raw == Command.class) return make(Command.class, owner, depth + 1);
        return make(raw, owner, depth);
    }

    private Object record(Class<?> c, int depth) {
        RecordComponent[] cs = c.getRecordComponents();
        Object[] values = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            values[i] = make(cs[i].getGenericType(), c, depth + 1);
            types[i] = cs[i].getType();
        }
        try {
            Constructor<?> k = c.getDeclaredConstructor(types);
            k.setAccessible(true);
            return k.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new Refused(c.getSimpleName() + ": " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
