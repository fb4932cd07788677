package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.RegisterSet;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine pipe's value encoding: every value is a tag (a varint) and its payload. Tags below
 * {@link WireTypes#FIRST} are JDK values (null, booleans, numbers, strings, arrays, collections,
 * optionals, paths, instants, durations, UUIDs) and the two api classes that are not records
 * ({@link MemoryBlock}, {@link Cancellation}: a token with its state now, cancelled later by a message); the others number
 * the api records (their components in order) and enums (their ordinal) as {@link WireTypes} does.
 * Not Java serialization: only these types cross, and nothing is constructed but them.
 * Within one message a string equal to one written before, and a list that is the very instance
 * written before, cross as its number: 100,000 threads parked in the same few stacks share their
 * frame lists (and every register is named by the same few strings), and arrive shared.
 * A {@link RegisterSet} crosses as its architecture, its registers' names (or "the names of the
 * register set before", as nearly every one is) and their values, rather than as a list of
 * records: a core of 100,000 threads has 2.7 million registers, which as records took seconds to
 * write and to read (the target's first event, before any stack).
 */
final class Wire {
    static final int NULL = 0, FALSE = 1, TRUE = 2, INT = 3, LONG = 4, STRING = 5, BYTES = 6, LONGS = 7, INTS = 8,
            LIST = 9, SET = 10, MAP = 11, OPTIONAL_EMPTY = 12, OPTIONAL = 13, OPTIONAL_INT_EMPTY = 14, OPTIONAL_INT = 15,
            OPTIONAL_LONG_EMPTY = 16, OPTIONAL_LONG = 17, PATH = 18, INSTANT = 19, DURATION = 20, UUID_TAG = 21,
            CANCELLATION = 22, MEMORY_BLOCK = 23, DOUBLE = 24, SHORT = 25, BYTE = 26, CHAR = 27, FLOAT = 28,
            STRING_AGAIN = 29, LIST_AGAIN = 30, REGISTER_SET = 31;
    /** Nesting deeper than this is refused (a hostile or broken frame, never an engine answer). */
    private static final int MAX_DEPTH = 200;
    private static final Map<Class<?>, Maker> MAKERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, MethodHandle[]> ACCESSORS = new ConcurrentHashMap<>();

    private Wire() {}

    /**
     * A {@link ByteArrayOutputStream} without its lock on every byte: a writer is one thread's, and
     * a message of 100,000 threads' registers and stacks is tens of millions of one-byte writes.
     */
    static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) { super(size); }

        private void room(int more) {
            int need = count + more;
            if (need < 0) throw new OutOfMemoryError("a message over 2 GiB");
            if (need > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(need, buf.length > (1 << 30) ? Integer.MAX_VALUE - 8 : buf.length * 2));
        }

        @Override public void write(int b) {
            if (count == buf.length) room(1);
            buf[count++] = (byte) b;
        }

        @Override public void write(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            room(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }

    /** Writes values; collects the cancellation tokens it met, in order. */
    static final class Writer {
        final Bytes out = new Bytes(256);
        final List<Cancellation> tokens = new ArrayList<>();
        private int depth;
        private final Map<String, Integer> strings = new HashMap<>();
        private final Map<Object, Integer> lists = new IdentityHashMap<>();
        /** The register names of the last register set written in this message (its reader keeps the same). */
        private String[] lastNames;

        byte[] bytes() { return out.toByteArray(); }

        void varint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void signed(long v) { varint((v << 1) ^ (v >> 63)); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            out.write(b, 0, b.length);
        }

        void value(Object v) {
            if (++depth > MAX_DEPTH) throw new WireException("values nested deeper than " + MAX_DEPTH);
            try {
                write(v);
            } finally {
                depth--;
            }
        }

        private void write(Object v) {
            if (v == null) varint(NULL);
            else if (v instanceof Boolean b) varint(b ? TRUE : FALSE);
            else if (v instanceof Integer i) { varint(INT); signed(i); }
            else if (v instanceof Long l) { varint(LONG); signed(l); }
            else if (v instanceof String s) stringValue(s);
            else if (v instanceof RegisterSet rs && compact(rs)) registerSet(rs);
            else if (v instanceof Record r) record(r);
            else if (v instanceof Enum<?> e) enumValue(e);
            else if (v instanceof Optional<?> o) {
                if (o.isEmpty()) varint(OPTIONAL_EMPTY);
                else { varint(OPTIONAL); value(o.get()); }
            } else if (v instanceof OptionalInt o) {
                if (o.isEmpty()) varint(OPTIONAL_INT_EMPTY);
                else { varint(OPTIONAL_INT); signed(o.getAsInt()); }
            } else if (v instanceof OptionalLong o) {
                if (o.isEmpty()) varint(OPTIONAL_LONG_EMPTY);
                else { varint(OPTIONAL_LONG); signed(o.getAsLong()); }
            } else if (v instanceof List<?> l) list(l);
            else if (v instanceof Set<?> s) collection(SET, s);
            else if (v instanceof Map<?, ?> m) {
                varint(MAP);
                varint(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) { value(e.getKey()); value(e.getValue()); }
            } else if (v instanceof Path p) { varint(PATH); string(p.toString()); }
            else if (v instanceof Instant t) { varint(INSTANT); signed(t.getEpochSecond()); varint(t.getNano()); }
            else if (v instanceof Duration d) { varint(DURATION); signed(d.getSeconds()); varint(d.getNano()); }
            else if (v instanceof UUID u) { varint(UUID_TAG); signed(u.getMostSignificantBits()); signed(u.getLeastSignificantBits()); }
            else if (v instanceof byte[] b) { varint(BYTES); varint(b.length); out.write(b, 0, b.length); }
            else if (v instanceof long[] a) { varint(LONGS); varint(a.length); for (long x : a) signed(x); }
            else if (v instanceof int[] a) { varint(INTS); varint(a.length); for (int x : a) signed(x); }
            else if (v instanceof Cancellation c) { varint(CANCELLATION); varint(c.isCancelled() ? 1 : 0); tokens.add(c); }
            else if (v instanceof MemoryBlock m) memoryBlock(m);
            else if (v instanceof Double d) { varint(DOUBLE); signed(Double.doubleToRawLongBits(d)); }
            else if (v instanceof Float f) { varint(FLOAT); signed(Float.floatToRawIntBits(f)); }
            else if (v instanceof Short s) { varint(SHORT); signed(s); }
            else if (v instanceof Byte b) { varint(BYTE); signed(b); }
            else if (v instanceof Character c) { varint(CHAR); varint(c); }
            else throw new WireException("a " + v.getClass().getName() + " cannot cross the engine pipe");
        }

        private void stringValue(String s) {
            Integer seen = strings.putIfAbsent(s, strings.size());
            if (seen != null) {
                varint(STRING_AGAIN);
                varint(seen);
            } else {
                varint(STRING);
                string(s);
            }
        }

        /** A list instance met before in this message crosses as its number (lists are numbered as they start). */
        private void list(List<?> l) {
            Integer seen = lists.putIfAbsent(l, lists.size());
            if (seen != null) {
                varint(LIST_AGAIN);
                varint(seen);
            } else {
                collection(LIST, l);
            }
        }

        private void record(Record r) {
            int tag = WireTypes.table().tagOf(r.getClass());
            if (tag < 0) throw new WireException("the record " + r.getClass().getName() + " is not an api type that crosses the engine pipe");
            varint(tag);
            for (MethodHandle a : accessors(r.getClass())) {
                try {
                    value((Object) a.invokeExact((Object) r));
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new WireException("reading " + r.getClass().getSimpleName() + ": " + t);
                }
            }
        }

        /** Whether the compact form can carry {@code rs}: no null (the record form carries those). */
        private static boolean compact(RegisterSet rs) {
            if (rs.arch() == null) return false;
            for (Register r : rs.registers()) if (r == null || r.name() == null) return false;
            return true;
        }

        /** arch, count, 0 (the last set's names) or 1 and the names, then the values. */
        private void registerSet(RegisterSet rs) {
            varint(REGISTER_SET);
            stringValue(rs.arch());
            List<Register> regs = rs.registers();
            int n = regs.size();
            varint(n);
            boolean same = lastNames != null && lastNames.length == n;
            for (int i = 0; same && i < n; i++) same = lastNames[i].equals(regs.get(i).name());
            if (same) {
                varint(0);
            } else {
                varint(1);
                String[] names = new String[n];
                for (int i = 0; i < n; i++) {
                    names[i] = regs.get(i).name();
                    stringValue(names[i]);
                }
                lastNames = names;
            }
            for (Register r : regs) signed(r.value());
        }

        private void enumValue(Enum<?> e) {
            int tag = WireTypes.table().tagOf(e.getDeclaringClass());
            if (tag < 0) throw new WireException("the enum " + e.getDeclaringClass().getName() + " is not an api type that crosses the engine pipe");
            varint(tag);
            varint(e.ordinal());
        }

        private void collection(int tag, Collection<?> c) {
            varint(tag);
            varint(c.size());
            for (Object o : c) value(o);
        }

        private void memoryBlock(MemoryBlock m) {
            varint(MEMORY_BLOCK);
            signed(m.start().value());
            value(m.bytes());
            BitSet readable = new BitSet(m.length());
            for (int i = 0; i < m.length(); i++) if (m.readable(i)) readable.set(i);
            value(readable.toByteArray());
        }
    }

    /** Reads values from one frame; makes a fresh cancellation token for each one it meets. */
    static final class Reader {
        private final byte[] in;
        private int pos;
        private int depth;
        final List<Cancellation> tokens = new ArrayList<>();
        private final List<String> strings = new ArrayList<>();
        private final List<Object> lists = new ArrayList<>();
        private String[] lastNames;

        Reader(byte[] in) { this.in = in; }

        boolean atEnd() { return pos == in.length; }

        int remaining() { return in.length - pos; }

        private int u8() {
            if (pos >= in.length) throw new WireException("frame ends early at byte " + pos);
            return in[pos++] & 0xff;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new WireException("varint longer than 10 bytes at byte " + pos);
        }

        long signed() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        int length() {
            long n = varint();
            if (n < 0 || n > in.length - pos) throw new WireException("length " + n + " runs past the frame's end (" + (in.length - pos) + " bytes left)");
            return (int) n;
        }

        private byte[] raw(int n) {
            byte[] b = new byte[n];
            System.arraycopy(in, pos, b, 0, n);
            pos += n;
            return b;
        }

        String string() { return new String(raw(length()), StandardCharsets.UTF_8); }

        Object value() {
            if (++depth > MAX_DEPTH) throw new WireException("values nested deeper than " + MAX_DEPTH);
            try {
                return read((int) varint());
            } finally {
                depth--;
            }
        }

        private Object read(int tag) {
            switch (tag) {
                case NULL: return null;
                case FALSE: return false;
                case TRUE: return true;
                case INT: return (int) signed();
                case LONG: return signed();
                case STRING: { String v = string(); strings.add(v); return v; }
                case STRING_AGAIN: return again(strings, "string");
                case LIST_AGAIN: return again(lists, "list");
                case BYTES: return raw(length());
                case LONGS: { long[] a = new long[length()]; for (int i = 0; i < a.length; i++) a[i] = signed(); return a; }
                case INTS: { int[] a = new int[length()]; for (int i = 0; i < a.length; i++) a[i] = (int) signed(); return a; }
                case LIST: {
                    int at = lists.size();
                    lists.add(null);        // numbered as it starts, as the writer numbers it
                    int n = length();
                    List<Object> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) l.add(value());
                    // immutable as the engine's own: a record's List.copyOf then keeps the instance (and the sharing)
                    List<Object> done = l.contains(null) ? Collections.unmodifiableList(l) : List.copyOf(l);
                    lists.set(at, done);
                    return done;
                }
                case SET: { int n = length(); Set<Object> s = new LinkedHashSet<>(); for (int i = 0; i < n; i++) s.add(value()); return s; }
                case MAP: { int n = length(); Map<Object, Object> m = new LinkedHashMap<>(); for (int i = 0; i < n; i++) m.put(value(), value()); return m; }
                case OPTIONAL_EMPTY: return Optional.empty();
                case OPTIONAL: return Optional.of(value());
                case OPTIONAL_INT_EMPTY: return OptionalInt.empty();
                case OPTIONAL_INT: return OptionalInt.of((int) signed());
                case OPTIONAL_LONG_EMPTY: return OptionalLong.empty();
                case OPTIONAL_LONG: return OptionalLong.of(signed());
                case PATH: return Path.of(string());
                case INSTANT: return Instant.ofEpochSecond(signed(), varint());
                case DURATION: return Duration.ofSeconds(signed(), varint());
                case UUID_TAG: return new UUID(signed(), signed());
                case CANCELLATION: { Cancellation c = new Cancellation(); if (varint() != 0) c.cancel(); tokens.add(c); return c; }
                case MEMORY_BLOCK: return new MemoryBlock(new Address(signed()), (byte[]) value(), BitSet.valueOf((byte[]) value()));
                case DOUBLE: return Double.longBitsToDouble(signed());
                case FLOAT: return Float.intBitsToFloat((int) signed());
                case SHORT: return (short) signed();
                case BYTE: return (byte) signed();
                case CHAR: return (char) varint();
                case REGISTER_SET: return registerSet();
                default: return typed(tag);
            }
        }

        private RegisterSet registerSet() {
            Object arch = value();
            if (!(arch instanceof String a)) throw new WireException("a register set's architecture is not a string");
            int n = length();
            long names = varint();
            if (names == 1) {
                String[] read = new String[n];
                for (int i = 0; i < n; i++) {
                    if (!(value() instanceof String name)) throw new WireException("a register's name is not a string");
                    read[i] = name;
                }
                lastNames = read;
            } else if (names != 0 || lastNames == null || lastNames.length != n) {
                throw new WireException("a register set names " + n + " registers as the one before, which had "
                        + (lastNames == null ? "none" : lastNames.length));
            }
            Register[] regs = new Register[n];
            for (int i = 0; i < n; i++) regs[i] = new Register(lastNames[i], signed());
            return new RegisterSet(a, List.of(regs));
        }

        private <T> T again(List<T> met, String what) {
            long i = varint();
            if (i < 0 || i >= met.size() || met.get((int) i) == null) throw new WireException("a " + what + " numbered " + i + " that was not met before");
            return met.get((int) i);
        }

        private Object typed(int tag) {
            Class<?> type = WireTypes.table().typeOf(tag);
            if (type.isEnum()) {
                Object[] constants = type.getEnumConstants();
                long ordinal = varint();
                if (ordinal >= constants.length) throw new WireException(type.getSimpleName() + " has no constant " + ordinal);
                return constants[(int) ordinal];
            }
            // (not type.getRecordComponents(): a new array and reflection objects at every record read, 2.4 GB of garbage
            // for the window while a 100,000-thread core opened, and collections that stopped its FX thread for 100-200 ms)
            Maker maker = maker(type);
            Object[] args = new Object[maker.arity()];
            for (int i = 0; i < args.length; i++) args[i] = value();
            try {
                return (Object) maker.constructor().invokeExact(args);
            } catch (RuntimeException e) {
                throw new WireException("cannot make a " + type.getSimpleName() + ": " + e);
            } catch (Throwable t) {
                throw new WireException("cannot make a " + type.getSimpleName() + ": " + t);
            }
        }
    }

    private static MethodHandle[] accessors(Class<?> type) {
        return ACCESSORS.computeIfAbsent(type, t -> {
            RecordComponent[] cs = t.getRecordComponents();
            MethodHandle[] hs = new MethodHandle[cs.length];
            try {
                for (int i = 0; i < cs.length; i++) {
                    cs[i].getAccessor().setAccessible(true);
                    hs[i] = MethodHandles.lookup().unreflect(cs[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
                }
            } catch (IllegalAccessException e) {
                throw new WireException("cannot read " + t.getName() + ": " + e.getMessage());
            }
            return hs;
        });
    }

    /** A record's canonical constructor, taking its components as one {@code Object[]}, and how many there are. */
    private record Maker(MethodHandle constructor, int arity) {}

    private static Maker maker(Class<?> type) {
        return MAKERS.computeIfAbsent(type, t -> {
            RecordComponent[] cs = t.getRecordComponents();
            Class<?>[] params = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) params[i] = cs[i].getType();
            try {
                var c = t.getDeclaredConstructor(params);
                c.setAccessible(true);
                // (Object[])Object, called exactly: invokeWithArguments spun a spreader at every record read
                return new Maker(MethodHandles.lookup().unreflectConstructor(c)
                        .asType(MethodType.genericMethodType(cs.length)).asSpreader(Object[].class, cs.length), cs.length);
            } catch (ReflectiveOperationException e) {
                throw new WireException("cannot make " + t.getName() + ": " + e.getMessage());
            }
        });
    }
}
