package dev.sextant.engine.session;

import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.dump.DumpWriter;
import dev.sextant.engine.dump.ProcDumpSource;
import dev.sextant.engine.linux.Tracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Saving a core of a live process (the gcore analogue) on the engine thread: of the target the
 * engine holds stopped, or of another process, attached for the moment it takes (every thread
 * seized and stopped, the core written, then detached: the process runs on unchanged).
 */
final class LiveDump {
    private LiveDump() {}

    /** Writes the core of the stopped process {@code tracer} holds. */
    static DumpWriter.Result save(Tracer tracer, DumpWriter writer, Path output, DumpWriter.Options options) {
        if (tracer.running()) throw new TargetException("process " + tracer.pid() + " is running: break first (Ctrl+Break), then save the dump");
        try (ProcDumpSource source = ProcDumpSource.open(tracer)) {
            return writer.write(source, output, options);
        } catch (IOException e) {
            throw new UncheckedIOException(output + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /** Attaches to {@code pid}, writes its core, detaches. */
    static DumpWriter.Result saveProcess(Pid pid, DumpWriter writer, Path output, DumpWriter.Options options) {
        try (Tracer tracer = Tracer.attach(pid)) {
            try {
                return save(tracer, writer, output, options);
            } finally {
                tracer.detach();
            }
        }
    }
}
