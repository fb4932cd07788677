package dev.sextant.engine.dump;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import java.util.List;
import java.util.Optional;

/** What a dump reader reports as it goes, so that views fill in while a big dump is read. Called on the reading thread. */
public interface CoreReadListener {
    default void opened(ProcessInfo process, Optional<SignalInfo> signal, List<ThreadInfo> threads) {}
    default void module(Module module) {}
    default void stack(ThreadStack stack) {}
    default void diagnostic(Diagnostic diagnostic) {}
    default void progress(long done, long total) {}
    /** A compressed core is being decompressed into the core cache: compressed bytes read of all. */
    default void decompressing(long done, long total) {}
    /** A dynamic function table the process had registered (GDB JIT interface), as read from the dump's memory. */
    default void dynamicTable(DynamicTable table) {}

    CoreReadListener NONE = new CoreReadListener() {};
}
