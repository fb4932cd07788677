package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.util.Optional;

/** A {@link DebuginfoHook} as libdwfl's {@code find_debuginfo} function: fds, malloc'd names, no exception into C. */
final class DebuginfoCallback {
    private DebuginfoCallback() {}

    static LibDw.FindDebuginfo of(DebuginfoHook hook) {
        return (mod, userdata, modname, base, fileName, debuglink, crc, out) -> {
            Optional<Path> first;
            try {
                first = hook.first(modname == null ? "?" : modname.getString(0), base,
                        Optional.ofNullable(fileName).map(p -> p.getString(0)),
                        Optional.ofNullable(debuglink).map(p -> p.getString(0)), crc, DwflModule.buildId(mod));
            } catch (RuntimeException e) {
                first = Optional.empty();     // never unwind through libdwfl's frames
            }
            if (first.isPresent()) {
                int fd = Posix.open(first.get().toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                if (fd >= 0) {
                    out.setPointer(0, Posix.strdup(first.get().toString()));   // libdwfl frees it
                    return fd;
                }
            }
            if (!hook.thenStandard()) return -1;
            int fd = LibDw.dwfl_standard_find_debuginfo(mod, userdata, modname, base, fileName, debuglink, crc, out);
            if (fd < 0) return fd;
            try {
                Pointer name = out.getPointer(0);
                if (name == null) return fd;
                Path found = Path.of(name.getString(0));
                Optional<Path> use = hook.instead(found);
                if (use.isEmpty() || use.get().equals(found)) return fd;
                int other = Posix.open(use.get().toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                if (other < 0) return fd;
                Posix.close(fd);
                Posix.free(name);
                out.setPointer(0, Posix.strdup(use.get().toString()));
                return other;
            } catch (RuntimeException e) {
                return fd;     // the standard file is fine
            }
        };
    }
}
