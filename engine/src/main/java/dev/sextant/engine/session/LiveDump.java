package dev.sextant.engine.session;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpBlob;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SavedDump;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.dump.CallbackReason;
import dev.sextant.engine.dump.CoreDumpSource;
import dev.sextant.engine.dump.DumpWriter;
import dev.sextant.engine.dump.ReasonCallbackRecord;
import dev.sextant.engine.dump.ReasonData;
import dev.sextant.engine.dump.ProcDumpSource;
import dev.sextant.engine.linux.Tracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

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

    /**
     * The {@code SaveDump} command: a core of the process (of {@code live}, the engine's stopped
     * target, when it is that process) or a core re-written, hashed as it is written when asked.
     */
    static SavedDump save(Command.SaveDump s, Optional<Tracer> live) {
        DumpWriter writer = new DumpWriter();
        MessageDigest digest = s.sha256() ? sha256() : null;
        if (digest != null) {
            writer.registerReasonCallback(new ReasonCallbackRecord().initialize(),
                    (reason, record, data) -> digest.update(((ReasonData.DumpIo) data).bytes()), CallbackReason.DUMP_IO, "sextant save-dump");
        }
        for (DumpBlob b : s.data()) {
            writer.registerReasonCallback(new ReasonCallbackRecord().initialize(),
                    (reason, record, data) -> ((ReasonData.SecondaryDumpData) data).supply(b.tag(), b.bytes()),
                    CallbackReason.SECONDARY_DUMP_DATA, b.component());
        }
        DumpWriter.Options options = new DumpWriter.Options(
                s.include().stream().map(r -> new ReasonData.MemoryRange(r.start(), r.end())).toList(), s.includeFileText());
        DumpWriter.Result r;
        try {
            if (s.source() instanceof Command.DumpSource.Process p) {
                r = live.filter(t -> t.pid() == p.pid().value()).isPresent() ? save(live.get(), writer, s.output(), options)
                        : saveProcess(p.pid(), writer, s.output(), options);
            } else {
                try (CoreDumpSource source = CoreDumpSource.open(((Command.DumpSource.Core) s.source()).core())) {
                    r = writer.write(source, s.output(), options);
                }
            }
        } catch (UncheckedIOException e) {
            throw new TargetException(s.output() + ": cannot be written (" + e.getCause().getMessage() + ")", e);
        } catch (IOException e) {
            throw new TargetException(s.output() + ": cannot be written (" + e.getMessage() + ")", e);
        }
        return new SavedDump(r.file(), r.size(), r.threads(), r.loadSegments(), r.memoryBytes(),
                Optional.ofNullable(digest).map(d -> HexFormat.of().formatHex(d.digest())), r.diagnostics());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
