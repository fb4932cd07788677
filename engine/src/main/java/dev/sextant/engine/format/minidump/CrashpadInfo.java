package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Crashpad's {@code MinidumpCrashpadInfo} (stream 0x43500001): report and client ids, the process's
 * simple annotations, and per module its list annotations, simple annotations and annotation
 * objects. Annotations that fail to decode are skipped with a problem line on the dump.
 */
public record CrashpadInfo(long version, String reportId, String clientId, Map<String, String> simpleAnnotations,
                           List<ModuleInfo> modules) {
    public CrashpadInfo {
        simpleAnnotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(simpleAnnotations));
        modules = List.copyOf(modules);
    }

    /** {@code MinidumpModuleCrashpadInfo}, with the index of its module in the module list. */
    public record ModuleInfo(long moduleIndex, List<String> listAnnotations, Map<String, String> simpleAnnotations,
                             List<Annotation> annotations) {
        public ModuleInfo {
            listAnnotations = List.copyOf(listAnnotations);
            simpleAnnotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(simpleAnnotations));
            annotations = List.copyOf(annotations);
        }
    }

    /** {@code MinidumpAnnotation}: a named value; type 1 is a string, 0x8000 and up are user-defined. */
    public record Annotation(String name, int type, byte[] value) {
        public static final int TYPE_INVALID = 0, TYPE_STRING = 1, TYPE_USER_DEFINED = 0x8000;
    }

    static final long MAX_ENTRIES = 65536;

    static CrashpadInfo read(ByteReader b, Minidump dump) {
        String w = "CrashpadInfo";
        long version = b.u32(w, 0);
        String report = uuid(b, 4), client = uuid(b, 20);
        Map<String, String> simple = dictionary(dump, b.u32(w, 36), b.u32(w, 40), "CrashpadInfo simple annotations");
        List<ModuleInfo> modules = new ArrayList<>();
        ByteReader list = countedList(dump, "Crashpad module list", b.u32(w, 48), b.u32(w, 44), 12);
        for (int i = 0; i < list.u32("Crashpad module list count", 0); i++) {
            long o = 4 + 12L * i;
            long index = list.u32("Crashpad module link", o);
            try {
                ByteReader m = dump.range("Crashpad module info " + i, list.u32("Crashpad module link", o + 8),
                        list.u32("Crashpad module link", o + 4));
                modules.add(moduleInfo(m, index, dump));
            } catch (FormatException e) {
                dump.problem("Crashpad module info " + i + " (module " + index + "): " + e.getMessage());
            }
        }
        return new CrashpadInfo(version, report, client, simple, modules);
    }

    /**
     * A Crashpad list: a 32-bit count, then that many entries of {@code entrySize} bytes, at {@code rva}
     * ({@code size} bytes); an empty list (count 0) when the size is 0. The count is checked against the size.
     */
    private static ByteReader countedList(Minidump dump, String what, long rva, long size, int entrySize) {
        if (size == 0) return ByteReader.of(new byte[4], ByteOrder.LITTLE_ENDIAN);
        ByteReader list = dump.range(what, rva, size);
        Minidump.listStart(list, what, list.u32(what + " count", 0), 4, entrySize);
        return list;
    }

    private static ModuleInfo moduleInfo(ByteReader m, long index, Minidump dump) {
        String w = "Crashpad module info";
        List<String> list = new ArrayList<>();
        ByteReader l = countedList(dump, "Crashpad list annotations", m.u32(w, 8), m.u32(w, 4), 4);
        for (int i = 0; i < l.u32("Crashpad list annotations count", 0); i++) {
            list.add(dump.utf8String("Crashpad list annotation " + i, l.u32("Crashpad list annotations", 4 + 4L * i)));
        }
        Map<String, String> simple = dictionary(dump, m.u32(w, 12), m.u32(w, 16), "Crashpad module simple annotations");
        List<Annotation> objects = new ArrayList<>();
        if (m.contains(20, 8)) {
            ByteReader a = countedList(dump, "Crashpad annotation objects", m.u32(w, 24), m.u32(w, 20), 12);
            for (int i = 0; i < a.u32("Crashpad annotation objects count", 0); i++) {
                long o = 4 + 12L * i;
                String wa = "Crashpad annotation object " + i;
                String name = dump.utf8String(wa + " name", a.u32(wa, o));
                int type = a.u16(wa, o + 4);
                long valueRva = a.u32(wa, o + 8);
                long len = dump.range(wa + " value length", valueRva, 4).u32(wa + " value length", 0);
                objects.add(new Annotation(name, type, dump.copy(wa + " value", valueRva + 4, len)));
            }
        }
        return new ModuleInfo(index, list, simple, objects);
    }

    /** {@code MinidumpSimpleStringDictionary}: count, then (key RVA, value RVA) pairs of UTF-8 strings. */
    private static Map<String, String> dictionary(Minidump dump, long size, long rva, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (size == 0) return out;
        ByteReader d = dump.range(what, rva, size);
        long count = d.u32(what + " count", 0);
        Minidump.listStart(d, what, count, 4, 8);
        for (int i = 0; i < count; i++) {
            long o = 4 + 8L * i;
            out.put(dump.utf8String(what + " key " + i, d.u32(what, o)), dump.utf8String(what + " value " + i, d.u32(what, o + 4)));
        }
        return out;
    }

    /** Crashpad's {@code UUID}: data1 (u32), data2, data3 (u16), then 8 bytes; printed upper-case with dashes. */
    static String uuid(ByteReader b, long o) {
        String w = "UUID";
        StringBuilder sb = new StringBuilder(String.format("%08X-%04X-%04X-", b.u32(w, o), b.u16(w, o + 4), b.u16(w, o + 6)));
        for (int i = 8; i < 16; i++) {
            if (i == 10) sb.append('-');
            sb.append(String.format("%02X", b.u8(w, o + i)));
        }
        return sb.toString();
    }
}
