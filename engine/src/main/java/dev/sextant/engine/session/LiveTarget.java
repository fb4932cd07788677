package dev.sextant.engine.session;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.linux.LiveSnapshot;
import dev.sextant.engine.linux.Tracer;
import java.util.Optional;

/** A live process under the engine thread's control: its tracer, its libdwfl session. Engine thread only. */
final class LiveTarget {
    private LiveTarget() {}

    /** Attach, every thread's stack, detach (also when reading fails). */
    static DumpReport stackSnapshot(Pid pid, Cancellation cancel) {
        Optional<String> libdw = Dwfl.unavailableReason();
        if (libdw.isPresent()) throw new TargetException("process " + pid + ": " + libdw.get());
        try (Tracer tracer = Tracer.attach(pid)) {
            try (Dwfl dwfl = Dwfl.openLive(pid.value(), LiveSnapshot.unwindSource(tracer))) {
                return LiveSnapshot.read(tracer, dwfl, cancel);
            } catch (NativeCallException e) {
                throw new TargetException("process " + pid + ": libdwfl cannot read it (" + e.getMessage() + ")", e);
            } finally {
                tracer.detach();
            }
        }
    }
}
