package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryDumpNote;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.dump.ReasonData.MemoryRange;
import dev.sextant.engine.format.elf.ElfHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Saves a target as an ELF core that gdb, eu-stack and Sextant read (the gcore analogue), calling
 * the components' reason callbacks (the seed's {@code KeRegisterBugCheckReasonCallback}):
 * {@code KbCallbackAddPages} routines first (extra ranges), then {@code KbCallbackSecondaryDumpData}
 * routines (one GUID-tagged blob each, stored as a {@link SecondaryDumpNote}), then
 * {@code KbCallbackDumpIo} routines for every block written, in file order.
 *
 * <p>Memory: every mapping is stored whole except program text (executable, read-only,
 * file-backed), which is stored with {@code p_filesz} 0 as the kernel does by default, except the
 * first page of one that maps an ELF header (build-ids), the ranges asked for and, with
 * {@link Options#includeFileText}, all of it. x86-64 targets only for now.
 *
 * <p>Registration is thread-safe; {@link #write} runs the routines on the calling thread.
 */
public final class DumpWriter {
    /** Largest blob a {@code KbCallbackSecondaryDumpData} routine may return. */
    public static final int MAX_SECONDARY_DATA = 1 << 20;
    static final long PAGE = 4096;
    private static final int BLOCK = 1 << 20;
    private static final int PT_LOAD = 1, PT_NOTE = 4, PN_XNUM = 0xffff;

    private record Registration(ReasonCallbackRecord record, ReasonRoutine routine, CallbackReason reason, String component) {}

    private final List<Registration> callbacks = new ArrayList<>();

    /** What to store beyond the default: extra ranges, and read-only file-backed mappings whole. */
    public record Options(List<MemoryRange> include, boolean includeFileText) {
        public static final Options DEFAULT = new Options(List.of(), false);

        public Options { include = List.copyOf(include); }
    }

    /** The written core: its size, threads, {@code PT_LOAD} segments, memory bytes stored, and what went wrong on the way. */
    public record Result(Path file, long size, int threads, int loadSegments, long memoryBytes, List<Diagnostic> diagnostics) {
        public Result { diagnostics = List.copyOf(diagnostics); }
    }

    /**
     * Registers {@code routine} for {@code reason} on behalf of {@code component}. Returns false,
     * registering nothing, when the record is uninitialised or already registered (or an argument is null).
     */
    public boolean registerReasonCallback(ReasonCallbackRecord record, ReasonRoutine routine, CallbackReason reason, String component) {
        if (record == null || routine == null || reason == null || component == null) return false;
        if (!record.claim()) return false;
        synchronized (callbacks) {
            callbacks.add(new Registration(record, routine, reason, component));
        }
        return true;
    }

    /** Removes the callback registered with {@code record}; false when it was not registered here. */
    public boolean deregisterReasonCallback(ReasonCallbackRecord record) {
        synchronized (callbacks) {
            if (!callbacks.removeIf(r -> r.record() == record)) return false;
        }
        return record.release();
    }

    private List<Registration> registered(CallbackReason reason) {
        synchronized (callbacks) {
            return callbacks.stream().filter(r -> r.reason() == reason).toList();
        }
    }

    /** Writes the core of {@code source} to {@code out} (replacing it). */
    public Result write(DumpSource source, Path out, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (source.machine() != ElfHeader.EM_X86_64) {
            throw new TargetException("saving a core of machine " + source.machine() + " is not supported yet, only x86-64");
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<MemoryRange> wanted = new ArrayList<>(options.include());
        wanted.addAll(addPages(diagnostics));
        List<DumpLayout.Blob> blobs = secondaryData(diagnostics);
        List<DumpSource.Mapping> mappings = source.mappings();
        for (MemoryRange r : wanted) {
            boolean inside = mappings.stream().anyMatch(m -> Long.compareUnsigned(r.start(), m.end()) < 0
                    && Long.compareUnsigned(r.end(), m.start()) > 0);
            if (!inside) {
                diagnostics.add(new Diagnostic(Severity.WARNING, String.format(
                        "range 0x%x-0x%x is in no mapping of the target: left out", r.start(), r.end())));
            }
        }
        List<DumpLayout.Segment> segments = DumpLayout.segments(source, mappings, wanted, options.includeFileText());
        byte[] notes = CoreNotes.build(source, mappings, blobs);

        int phnum = 1 + segments.size();
        boolean xnum = phnum >= PN_XNUM;
        long phoff = 64;
        long shoff = phoff + 56L * phnum;
        long notesOff = shoff + (xnum ? 64 : 0);
        long dataOff = align(notesOff + notes.length, PAGE);
        ByteBuffer head = ByteBuffer.allocate(Math.toIntExact(dataOff)).order(ByteOrder.LITTLE_ENDIAN);
        header(head, phnum, xnum, phoff, shoff);
        head.position((int) phoff);
        phdr(head, PT_NOTE, 0, notesOff, 0, notes.length, 0, 4);
        long off = dataOff, memoryBytes = 0;
        for (DumpLayout.Segment s : segments) {
            phdr(head, PT_LOAD, s.flags(), off, s.start(), s.filesz(), s.end() - s.start(), PAGE);
            off += s.filesz();
            memoryBytes += s.filesz();
        }
        if (xnum) {
            head.position((int) shoff);
            head.putInt(0).putInt(0).putLong(0).putLong(0).putLong(0).putLong(1).putInt(0).putInt(phnum).putLong(0).putLong(0);
        }
        head.position((int) notesOff);
        head.put(notes);
        head.position(0).limit(head.capacity());

        try {
            return write(source, out, head, segments, memoryBytes, diagnostics);
        } catch (IOException | RuntimeException e) {
            java.nio.file.Files.deleteIfExists(out);          // no half-written core left looking like a good one
            throw e;
        }
    }

    private Result write(DumpSource source, Path out, ByteBuffer head, List<DumpLayout.Segment> segments, long memoryBytes,
                         List<Diagnostic> diagnostics) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             Emitter emit = new Emitter(ch, registered(CallbackReason.DUMP_IO), diagnostics)) {
            emit.write(head);
            long unreadable = 0;
            ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
            for (DumpLayout.Segment s : segments) {
                for (long pos = s.start(), end = s.start() + s.filesz(); pos != end; ) {
                    long direct = emit.transfer(source, pos, end - pos);
                    if (direct > 0) {
                        pos += direct;
                        continue;
                    }
                    int n = (int) Math.min(BLOCK, end - pos);
                    block.clear().limit(n);
                    unreadable += fill(source, pos, block);
                    block.flip();
                    emit.write(block);
                    pos += n;
                }
            }
            if (unreadable > 0) {
                diagnostics.add(new Diagnostic(Severity.WARNING, unreadable + " bytes of memory could not be read and are stored as zeros"));
            }
            return new Result(out, emit.position(), source.threads().size(), segments.size(), memoryBytes, diagnostics);
        }
    }

    /** Fills {@code block} up to its limit from {@code address}; unreadable pages become zeros. Returns the zeroed byte count. */
    private static long fill(DumpSource source, long address, ByteBuffer block) throws IOException {
        long zeroed = 0;
        int start = block.position();
        while (block.hasRemaining()) {
            long at = address + (block.position() - start);
            int got = source.read(at, block);
            if (got > 0) continue;
            int z = (int) Math.min(block.remaining(), PAGE - Long.remainderUnsigned(at, PAGE));
            for (int i = 0; i < z; i++) block.put((byte) 0);
            zeroed += z;
        }
        return zeroed;
    }

    private List<MemoryRange> addPages(List<Diagnostic> diagnostics) {
        List<MemoryRange> out = new ArrayList<>();
        for (Registration r : registered(CallbackReason.ADD_PAGES)) {
            ReasonData.AddPages data = new ReasonData.AddPages();
            if (call(r, data, diagnostics)) out.addAll(data.ranges());
        }
        return out;
    }

    private List<DumpLayout.Blob> secondaryData(List<Diagnostic> diagnostics) {
        List<DumpLayout.Blob> out = new ArrayList<>();
        for (Registration r : registered(CallbackReason.SECONDARY_DUMP_DATA)) {
            ReasonData.SecondaryDumpData data = new ReasonData.SecondaryDumpData(MAX_SECONDARY_DATA);
            if (!call(r, data, diagnostics) || data.blob().isEmpty()) continue;
            byte[] blob = data.blob().get();
            if (blob.length > MAX_SECONDARY_DATA) {
                diagnostics.add(skipped(r, "returned " + blob.length + " bytes, more than its " + MAX_SECONDARY_DATA));
                continue;
            }
            UUID guid = data.guid().orElseThrow();
            out.add(new DumpLayout.Blob(guid, r.component(), blob));
        }
        return out;
    }

    static boolean call(Registration r, ReasonData data, List<Diagnostic> diagnostics) {
        try {
            r.routine().call(r.reason(), r.record(), data);
            return true;
        } catch (Exception | StackOverflowError e) {
            diagnostics.add(skipped(r, "threw " + e));
            return false;
        }
    }

    static Diagnostic skipped(Registration r, String why) {
        return new Diagnostic(Severity.ERROR, r.reason().seedName() + " routine of " + r.component() + " " + why + ": skipped");
    }

    private static void header(ByteBuffer b, int phnum, boolean xnum, long phoff, long shoff) {
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) ElfHeader.ET_CORE).putShort((short) ElfHeader.EM_X86_64).putInt(1);
        b.putLong(0).putLong(phoff).putLong(xnum ? shoff : 0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) (xnum ? PN_XNUM : phnum));
        b.putShort((short) (xnum ? 64 : 0)).putShort((short) (xnum ? 1 : 0)).putShort((short) 0);
    }

    private static void phdr(ByteBuffer b, int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(vaddr).putLong(0).putLong(filesz).putLong(memsz).putLong(align);
    }

    static long align(long v, long a) { return (v + a - 1) / a * a; }

    /** Writes blocks in order and shows each to the {@code KbCallbackDumpIo} routines; a routine that throws is dropped. */
    private static final class Emitter implements AutoCloseable {
        private final FileChannel ch;
        private final List<Registration> io;
        private final List<Diagnostic> diagnostics;
        private long position;

        Emitter(FileChannel ch, List<Registration> io, List<Diagnostic> diagnostics) {
            this.ch = ch;
            this.io = new ArrayList<>(io);
            this.diagnostics = diagnostics;
        }

        void write(ByteBuffer b) throws IOException {
            if (!io.isEmpty()) {
                ByteBuffer view = b.slice().asReadOnlyBuffer();
                io.removeIf(r -> !call(r, new ReasonData.DumpIo(position, view), diagnostics));
            }
            int n = b.remaining();
            while (b.hasRemaining()) ch.write(b);
            position += n;
        }

        /** Without {@code KbCallbackDumpIo} routines to show the bytes to, lets the source copy them file to file. */
        long transfer(DumpSource source, long address, long length) throws IOException {
            if (!io.isEmpty()) return 0;
            long n = source.transferTo(address, length, ch);
            position += n;
            return n;
        }

        long position() { return position; }

        @Override public void close() {}
    }
}
