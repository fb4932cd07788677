package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Saves JNA's start-up one annotation read. While it initializes, JNA lays out its own
 * {@code Structure.FFIType}, whose field order it reads from a {@code @FieldOrder} annotation; the
 * first annotation read of a process generates proxy classes at run time (tens of milliseconds of a
 * short command's start, which the start-up archive cannot hold). JNA keeps the field orders it
 * read in a per-class cache; this puts FFIType's there first, as the annotation gives it (a test
 * checks that against the annotation). With another JNA, where the cache is not found, it does
 * nothing and JNA reads the annotation as usual.
 */
public final class JnaWarmup {
    private JnaWarmup() {}

    /**
     * Loads JNA and libdw on background threads, for a short command that will need them soon: JNA's
     * java.util.logging start on a thread of its own, and the layout of JNA's own structures, whose
     * annotation read this class spares; the registration of libdw's functions follows. The future
     * gives {@link Dwfl#unavailableReason()}'s answer. Not a method of {@link Dwfl}: calling one runs
     * Dwfl's initializer on the caller's thread, and that initializer starts JNA (it unsets libdwfl's
     * debuginfod servers through libc), which made the main thread of {@code sextant locals} do all
     * of JNA's start (about 60 ms) before the background threads could, FFIType's layout included.
     */
    public static Future<Optional<String>> preload() {
        Thread logging = new Thread(() -> java.util.logging.Logger.getLogger(Native.class.getName()), "sextant-preload-logging");
        FutureTask<Optional<String>> bound = new FutureTask<>(() -> {
            seedFieldOrder();
            return Dwfl.unavailableReason();
        });
        Thread jna = new Thread(bound, "sextant-preload");
        for (Thread t : new Thread[] {logging, jna}) {
            t.setDaemon(true);
            t.start();
        }
        return bound;
    }

    /** {@code Structure.FFIType}'s {@code @FieldOrder} in JNA 5. */
    static final List<String> FFI_TYPE_FIELDS = List.of("size", "alignment", "type", "elements");

    /** JNA's {@code Structure.FFIType} (not public), not initialized. */
    static Class<?> ffiType() throws ClassNotFoundException {
        return Class.forName("com.sun.jna.Structure$FFIType", false, Structure.class.getClassLoader());
    }

    /** Seeds JNA's field-order cache with FFIType's order; false when the cache is not where JNA 5 keeps it. */
    @SuppressWarnings("unchecked")
    static boolean seedFieldOrder() {
        try {
            Field f = Structure.class.getDeclaredField("fieldOrder");
            f.setAccessible(true);
            Map<Class<?>, List<String>> cache = (Map<Class<?>, List<String>>) f.get(null);
            synchronized (cache) {
                cache.putIfAbsent(ffiType(), FFI_TYPE_FIELDS);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
