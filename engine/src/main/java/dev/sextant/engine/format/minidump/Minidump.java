package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A minidump file: its header and stream directory, read eagerly (a bad header or directory fails
 * with a {@link FormatException}), and its streams, each parsed on first use. A stream that fails to
 * parse yields an empty result and adds a line to {@link #problems()}, so one broken stream leaves the
 * rest of the dump readable. Not thread-safe: one reader thread at a time (it memoizes parsed streams).
 */
public final class Minidump {
    public static final int SIGNATURE = 0x504d444d; // "MDMP" little-endian
    public static final int HEADER_SIZE = 32, DIRECTORY_ENTRY_SIZE = 12;
    /** More streams than any writer produces; a larger count is a corrupt header, not a big dump. */
    public static final int MAX_STREAMS = 4096;

    /** {@code MINIDUMP_HEADER}. */
    public record Header(int version, int streamCount, long directoryRva, long checksum, long timestamp, long flags) {}

    /** One {@code MINIDUMP_DIRECTORY} entry: which stream, where and how long. */
    public record StreamEntry(int index, int type, long rva, long size) {
        public String name() { return StreamType.name(type); }
    }

    private final ByteReader file;          // the whole file, or its first 2 GiB when it is bigger
    private final long fileSize;
    private final Optional<Path> path;      // to map ranges beyond {@code file}
    private final Map<Long, ByteReader> windows = new HashMap<>();
    private final Header header;
    private final List<StreamEntry> directory;
    private final Map<Integer, StreamEntry> byType = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<Integer, Optional<?>> parsed = new HashMap<>();
    private MemoryRegions memory;
    /** Bytes copied out of the file for strings and annotation values so far; see {@link #copy}. */
    private long copied;
    private int problemsDropped;
    public static final int MAX_PROBLEMS = 1000;
    private Optional<ThreadContext> exceptionContext;

    private Minidump(ByteReader file, long fileSize, Optional<Path> path, Header header, List<StreamEntry> directory) {
        this.file = file;
        this.fileSize = fileSize;
        this.path = path;
        this.header = header;
        this.directory = directory;
        for (StreamEntry e : directory) {
            if (e.type() == StreamType.UNUSED) continue;
            if (e.rva() + e.size() > fileSize) {
                problem("stream directory entry " + e.index() + ": " + StreamType.label(e.type()) + " of " + e.size()
                        + " bytes at offset 0x" + Long.toHexString(e.rva()) + " lies outside the file of " + file.size() + " bytes");
            }
            StreamEntry prev = byType.putIfAbsent(e.type(), e);
            if (prev != null) {
                problem("stream directory entry " + e.index() + ": second " + e.name()
                        + " stream (first is entry " + prev.index() + "); ignored");
            }
        }
    }

    /** Reads and checks the header and the stream directory of bytes in memory; fails fast with a typed error. */
    public static Minidump read(ByteReader input) {
        return read(input, input.size(), Optional.empty());
    }

    /**
     * Opens a minidump file of any size: the first 2 GiB are mapped at once (every 32-bit RVA a writer
     * uses for streams normally lies there), and ranges beyond, such as full-memory dumps' Memory64
     * data, are mapped in 1 GiB windows when read.
     */
    public static Minidump open(Path file) throws IOException {
        long size = Files.size(file);
        ByteReader head = ByteReader.mapRange(file, 0, Math.min(size, Integer.MAX_VALUE), ByteOrder.LITTLE_ENDIAN);
        return read(head, size, Optional.of(file));
    }

    private static Minidump read(ByteReader input, long fileSize, Optional<Path> path) {
        ByteReader file = input.withOrder(ByteOrder.LITTLE_ENDIAN);
        if (file.size() < 4) {
            throw new FormatException(FormatException.Kind.TRUNCATED, 0, "minidump header",
                    file.size() == 0 ? "the file is empty" : "only " + file.size() + " bytes, too short for a minidump");
        }
        if (file.s32("minidump signature", 0) != SIGNATURE) {
            throw new FormatException(FormatException.Kind.BAD_MAGIC, 0, "minidump header", "not a minidump (no MDMP signature)");
        }
        String w = "minidump header";
        int version = file.s32(w, 4);
        long count = file.u32(w, 8);
        long dirRva = file.u32(w, 12);
        Header h = new Header(version, (int) Math.min(count, Integer.MAX_VALUE), dirRva, file.u32(w, 16), file.u32(w, 20), file.u64(w, 24));
        if ((version & 0xffff) != 0xa793) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, 4, w,
                    "minidump version 0x" + Integer.toHexString(version & 0xffff) + ", expected 0xa793");
        }
        if (count > MAX_STREAMS || count * DIRECTORY_ENTRY_SIZE > file.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, 8, w,
                    "claims " + count + " streams, more than the file of " + file.size() + " bytes can hold");
        }
        ByteReader dir = file.slice("stream directory", dirRva, count * DIRECTORY_ENTRY_SIZE);
        List<StreamEntry> entries = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long o = (long) i * DIRECTORY_ENTRY_SIZE;
            String we = "stream directory entry " + i;
            entries.add(new StreamEntry(i, dir.s32(we, o), dir.u32(we, o + 8), dir.u32(we, o + 4)));
        }
        return new Minidump(file, fileSize, path, h, List.copyOf(entries));
    }

    public Header header() { return header; }
    public List<StreamEntry> directory() { return directory; }
    public ByteReader file() { return file; }

    /** The file's size; larger than {@code file().size()} for files over 2 GiB. */
    public long fileSize() { return fileSize; }

    private static final long WINDOW = 1L << 30;

    /**
     * {@code length} bytes at file offset {@code rva}, bounds-checked against the whole file. Ranges past
     * the first 2 GiB come from 1 GiB-aligned windows mapped on demand (a range of up to 1 GiB starting in
     * a window ends inside it, since windows are mapped 2 GiB long); bigger ranges are mapped alone.
     */
    public ByteReader range(String what, long rva, long length) {
        if (file.contains(rva, length) || path.isEmpty()) return file.slice(what, rva, length);
        long end;
        try { end = Math.addExact(rva, length); }
        catch (ArithmeticException e) { throw FormatException.outOfBounds(what, rva, length); }
        if (rva < 0 || length < 0 || end > fileSize) {
            throw rva <= fileSize ? FormatException.truncated(what, rva, length, fileSize - rva) : FormatException.outOfBounds(what, rva, length);
        }
        try {
            if (length > WINDOW) return ByteReader.mapRange(path.get(), rva, length, ByteOrder.LITTLE_ENDIAN);
            long w = rva / WINDOW * WINDOW;
            ByteReader win = windows.get(w);
            if (win == null) {
                win = ByteReader.mapRange(path.get(), w, Math.min(fileSize - w, Integer.MAX_VALUE), ByteOrder.LITTLE_ENDIAN);
                windows.put(w, win);
            }
            return win.slice(what, rva - w, length);
        } catch (IOException e) {
            throw new FormatException(FormatException.Kind.TRUNCATED, rva, what, "cannot be mapped: " + e.getMessage());
        }
    }

    /** Problems met so far: streams that failed to parse, oddities worked around. Grows as streams are read. */
    public List<String> problems() { return Collections.unmodifiableList(problems); }

    void problem(String message) {
        if (problems.size() < MAX_PROBLEMS) { problems.add(message); return; }
        if (problemsDropped++ == 0) problems.add("… more problems not shown");
    }

    /**
     * Copies {@code length} bytes at {@code rva} out of the file, within a budget of the file's size plus
     * 1 MiB for all copies together. Writers store each string once; a hostile file could instead point
     * thousands of entries at one large string and make the copies outgrow memory.
     */
    public byte[] copy(String what, long rva, long length) {
        ByteReader r = range(what, rva, length); // throws the bounds error
        long budget = Math.min(fileSize, Integer.MAX_VALUE) + (1 << 20);
        if (length > budget - copied) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, rva, what, "copying " + length
                    + " more bytes would exceed the " + budget + " bytes this file can honestly hold (entries share one string?)");
        }
        copied += length;
        return r.bytes(what, 0, length);
    }

    public Optional<StreamEntry> entry(int type) { return Optional.ofNullable(byType.get(type)); }

    /** The bytes of a stream, checked against the file; empty if absent. Throws if the entry points outside the file. */
    public Optional<ByteReader> streamBytes(int type) {
        StreamEntry e = byType.get(type);
        if (e == null) return Optional.empty();
        return Optional.of(bytesOf(e));
    }

    public ByteReader bytesOf(StreamEntry e) {
        return range(StreamType.label(e.type()) + " (directory entry " + e.index() + ")", e.rva(), e.size());
    }

    /**
     * Parses a stream once with {@code parser}; a {@link FormatException} becomes a problem and an empty result.
     * The parser gets the stream's bytes; it may read referenced data through {@link #file()}.
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> stream(int type, Function<ByteReader, T> parser) {
        Optional<?> cached = parsed.get(type);
        if (cached != null) return (Optional<T>) cached;
        Optional<T> result;
        try {
            result = streamBytes(type).map(parser);
        } catch (FormatException e) {
            problem(StreamType.label(type) + " unreadable: " + e.getMessage());
            result = Optional.empty();
        }
        parsed.put(type, result);
        return result;
    }

    public Optional<SystemInfo> systemInfo() { return stream(StreamType.SYSTEM_INFO, b -> SystemInfo.read(b, this)); }
    public Optional<MiscInfo> miscInfo() { return stream(StreamType.MISC_INFO, MiscInfo::read); }
    public Optional<ExceptionRecord> exception() { return stream(StreamType.EXCEPTION, ExceptionRecord::read); }
    /** The registers saved with the exception (at the fault itself); empty, with a problem line, if unreadable. */
    public Optional<ThreadContext> exceptionContext() {
        Optional<ExceptionRecord> e = exception();
        if (e.isEmpty() || e.get().contextSize() == 0) return Optional.empty();
        if (exceptionContext == null) {
            try {
                exceptionContext = Optional.of(ThreadContext.read(range("exception context", e.get().contextRva(),
                        e.get().contextSize()), systemInfo().map(SystemInfo::processorArchitecture).orElse(SystemInfo.ARCH_UNKNOWN)));
            } catch (FormatException ex) {
                problem("exception context unreadable: " + ex.getMessage());
                exceptionContext = Optional.empty();
            }
        }
        return exceptionContext;
    }
    public Optional<BreakpadInfo> breakpadInfo() { return stream(StreamType.BREAKPAD_INFO, BreakpadInfo::read); }
    public List<ThreadRecord> threads() { return stream(StreamType.THREAD_LIST, b -> ThreadRecord.readList(b, this)).orElse(List.of()); }
    public Map<Integer, String> threadNames() { return stream(StreamType.THREAD_NAMES, b -> ThreadRecord.readNames(b, this)).orElse(Map.of()); }
    public List<ModuleRecord> modules() { return stream(StreamType.MODULE_LIST, b -> ModuleRecord.readList(b, this)).orElse(List.of()); }
    public List<ModuleRecord.Unloaded> unloadedModules() {
        return stream(StreamType.UNLOADED_MODULE_LIST, b -> ModuleRecord.readUnloaded(b, this)).orElse(List.of());
    }
    public List<MemoryRegions.Descriptor> memoryList() { return stream(StreamType.MEMORY_LIST, b -> MemoryRegions.readList(b, this)).orElse(List.of()); }
    public List<MemoryRegions.Descriptor> memory64List() {
        return stream(StreamType.MEMORY64_LIST, b -> MemoryRegions.readList64(b, this)).orElse(List.of());
    }
    public List<MemoryInfo> memoryInfo() { return stream(StreamType.MEMORY_INFO_LIST, MemoryInfo::readList).orElse(List.of()); }
    public List<HandleDescriptor> handles() { return stream(StreamType.HANDLE_DATA, b -> HandleDescriptor.readList(b, this)).orElse(List.of()); }
    public Optional<CrashpadInfo> crashpadInfo() { return stream(StreamType.CRASHPAD_INFO, b -> CrashpadInfo.read(b, this)); }
    public Optional<LinuxStreams.DsoDebug> dsoDebug() {
        boolean is64 = systemInfo().map(SystemInfo::is64).orElse(true);
        return stream(StreamType.LINUX_DSO_DEBUG, b -> LinuxStreams.readDsoDebug(b, this, is64));
    }
    /** A Breakpad Linux text stream ({@code /proc/cpuinfo}, {@code /proc/PID/maps}, …) as text; NULs kept. */
    public Optional<String> linuxText(int type) {
        return stream(type, b -> new String(b.bytes("stream", 0, b.size()), StandardCharsets.UTF_8));
    }
    public Map<Long, Long> linuxAuxv() {
        boolean is64 = systemInfo().map(SystemInfo::is64).orElse(true);
        return stream(StreamType.LINUX_AUXV, b -> LinuxStreams.readAuxv(b, is64)).orElse(Map.of());
    }

    /** All memory the dump holds (memory list, Memory64 list, thread stacks), built once. */
    public MemoryRegions memory() {
        if (memory == null) memory = MemoryRegions.build(this);
        return memory;
    }

    // ---- shared readers for structures referenced by RVA ----

    /** A {@code MINIDUMP_STRING} (u32 byte length, UTF-16LE) at {@code rva}; at most 64 KiB. */
    public String utf16String(String what, long rva) {
        long len = range(what + " length", rva, 4).u32(what + " length", 0);
        if (len > 65536 || (len & 1) != 0) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, rva, what, "string length " + len + " is not a plausible UTF-16 byte count");
        }
        return new String(copy(what, rva + 4, len), StandardCharsets.UTF_16LE);
    }

    /** Crashpad's {@code MinidumpUTF8String} (u32 length, bytes, NUL) at {@code rva}; at most 1 MiB. */
    public String utf8String(String what, long rva) {
        long len = range(what + " length", rva, 4).u32(what + " length", 0);
        if (len > (1 << 20)) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, rva, what, "string length " + len + " is implausible");
        }
        return new String(copy(what, rva + 4, len), StandardCharsets.UTF_8);
    }

    /** Where a list's entries start and how many are read. */
    record ListHead(long start, int count) {}

    /**
     * The head of a list whose 32-bit count is its first field: the count checked against the stream's
     * size ({@link #listStart}) and capped at {@code max} {@code things} (a problem says so when it is).
     */
    ListHead listHead(ByteReader b, String what, long entrySize, int max, String things) {
        long count = b.u32(what + " count", 0);
        long start = listStart(b, what, count, 4, entrySize);
        if (count > max) {
            problem(what + " claims " + count + " " + things + "; only the first " + max + " are read");
            count = max;
        }
        return new ListHead(start, (int) count);
    }

    /**
     * Where the entries of a {@code count}-prefixed list start. Some writers pad the count field to 8 or
     * 16 bytes (Breakpad's old 64-bit writers), so a stream 4 or 8 bytes longer than the count says is
     * read past that padding; any other size mismatch, or a count the stream cannot hold, is an error.
     */
    static long listStart(ByteReader stream, String what, long count, long headerSize, long entrySize) {
        long room = stream.size() - headerSize;
        if (count < 0 || room < 0 || count > room / entrySize) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, stream.base(), what,
                    "claims " + Long.toUnsignedString(count) + " entries of " + entrySize + " bytes, more than its "
                            + stream.size() + " bytes hold");
        }
        long extra = room - count * entrySize;
        if (extra == 0) return headerSize;
        if (extra == 4 || extra == 8) return headerSize + extra;
        return headerSize; // trailing bytes after the list: tolerated, the entries are where the count says
    }
}
