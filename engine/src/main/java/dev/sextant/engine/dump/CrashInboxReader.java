package dev.sextant.engine.dump;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.CrashInbox.Crash;
import dev.sextant.engine.api.CrashInbox.Group;
import dev.sextant.engine.api.CrashInbox.Signature;
import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ThreadStack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The crash inbox: finds the cores in crash directories, reads what was recorded beside each and,
 * when asked, each one's signature (through {@link CrashBatch}, on parallel workers), then groups
 * them. The listing itself reads only directory entries, attributes and eight bytes of each file.
 */
public final class CrashInboxReader {
    private CrashInboxReader() {}

    /** Told on the calling thread while signatures are computed: cores done of all. */
    public interface Progress {
        void update(int done, int total);
    }

    public static CrashInbox read(List<Path> directories, Optional<Instant> since, boolean signatures, Cancellation cancel,
                                  Progress progress) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Path> files = cores(directories, diagnostics);
        List<Crash> crashes = new ArrayList<>();
        for (Path f : files) {
            cancel.throwIfCancelled();
            listed(f).filter(c -> since.map(s -> !c.time().isBefore(s)).orElse(true)).ifPresent(crashes::add);
        }
        crashes.sort(Comparator.comparing(Crash::time).reversed().thenComparing(c -> c.file().toString()));
        if (!signatures) return new CrashInbox(directories, crashes, List.of(), diagnostics);
        List<Crash> signed = CrashBatch.sign(crashes, cancel, progress);
        for (Crash c : signed) {
            c.signature().flatMap(Signature::problem).ifPresent(p -> diagnostics.add(new Diagnostic(Severity.ERROR, p)));
        }
        return new CrashInbox(directories, signed, groups(signed), diagnostics);
    }

    /** The core files directly in each directory: named {@code core} or {@code core.*}, an ELF core or a compressed stream. */
    static List<Path> cores(List<Path> directories, List<Diagnostic> diagnostics) {
        Set<Path> out = new LinkedHashSet<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                diagnostics.add(new Diagnostic(Severity.INFO, dir + ": no such directory"));
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return (n.equals("core") || n.startsWith("core.")) && Files.isRegularFile(p) && isCore(p);
                }).sorted().forEach(p -> out.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                diagnostics.add(new Diagnostic(Severity.WARNING, dir + ": cannot be listed (" + e.getMessage()
                        + "); crashes there are not shown — run as a user who may read it (systemd-coredump's is readable by root and the adm group)"));
            }
        }
        return List.copyOf(out);
    }

    /** An ELF file of type ET_CORE, or a zstd/lz4/xz stream (a compressed core: systemd-coredump writes nothing else there). */
    static boolean isCore(Path file) {
        byte[] head = new byte[18];
        int n;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(head);
            while (b.hasRemaining() && ch.read(b) > 0) { /* short files give fewer bytes */ }
            n = b.position();
        } catch (IOException e) {
            return false;
        }
        if (CoreCompression.of(head, n).isPresent()) return true;
        if (n < 18 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') return false;
        ByteOrder order = head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return ByteBuffer.wrap(head, 16, 2).order(order).getShort() == 4;     // ET_CORE
    }

    /** A crash as listed: the file, its size and time, what was recorded beside it. */
    static Optional<Crash> listed(Path file) {
        long size;
        Instant modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();          // removed since it was listed
        } catch (IOException e) {
            return Optional.empty();
        }
        Optional<CrashMetadata> m = CrashMetadataReader.read(file);
        String program = m.flatMap(CrashMetadata::comm)
                .or(() -> m.flatMap(CrashMetadata::executable).map(CrashInboxReader::base)).orElse(file.getFileName().toString());
        return Optional.of(new Crash(file, size, m.flatMap(CrashMetadata::time).orElse(modified), program,
                m.map(CrashMetadata::pid).orElse(OptionalInt.empty()), m.map(CrashMetadata::uid).orElse(OptionalInt.empty()),
                m.flatMap(CrashMetadata::executable), m.flatMap(CrashMetadata::commandLine), m.flatMap(CrashMetadata::signalName),
                m, Optional.empty()));
    }

    /** {@code crash} completed from its core's notes and stack: what the metadata lacked, and the signature. */
    static Crash completed(Crash crash, DumpReport report) {
        Optional<ThreadStack> stack = report.crashedThread().or(() -> report.threads().stream().findFirst())
                .flatMap(t -> report.stackOf(t.tid()));
        Signature signature = CrashSignatures.of(stack.map(ThreadStack::frames).orElse(List.of()));
        var p = report.process();
        boolean named = crash.metadata().flatMap(CrashMetadata::comm).isPresent() || crash.metadata().flatMap(CrashMetadata::executable).isPresent();
        String program = named || p.command().isEmpty() ? crash.program() : p.command();
        return new Crash(crash.file(), crash.size(), crash.time(), program,
                crash.pid().isPresent() ? crash.pid() : OptionalInt.of(p.pid().value()), crash.uid(),
                crash.executable().or(p::executable), crash.commandLine().or(() -> Optional.of(p.commandLine()).filter(s -> !s.isBlank())),
                crash.signal().or(() -> report.signal().map(s -> s.name())), crash.metadata(), Optional.of(signature));
    }

    static String base(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash + 1 < path.length() ? path.substring(slash + 1) : path;
    }

    /** Crashes grouped by signature hash; groups seen last first, each group's crashes newest first. */
    static List<Group> groups(List<Crash> crashes) {
        Map<String, List<Crash>> byHash = new LinkedHashMap<>();
        for (Crash c : crashes) byHash.computeIfAbsent(c.signature().orElseThrow().hash(), h -> new ArrayList<>()).add(c);
        List<Group> out = new ArrayList<>();
        for (List<Crash> cs : byHash.values()) {
            cs.sort(Comparator.comparing(Crash::time).reversed());
            Crash newest = cs.get(0), oldest = cs.get(cs.size() - 1);
            out.add(new Group(newest.signature().orElseThrow(), cs.size(), oldest.time(), newest.time(), newest.program(),
                    newest.signal(), cs));
        }
        out.sort(Comparator.comparing(Group::last).reversed());
        return out;
    }
}
