package dev.sextant.engine.dump;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.TargetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where compressed cores are decompressed to, so that libelf and libdwfl read them as plain files:
 * {@code $XDG_CACHE_HOME/sextant/cores} (else {@code ~/.cache/sextant/cores}), one file per
 * compressed core, named by the core's identity (device, inode, size, modification time), so that
 * a second open of the same file is free and a changed file is decompressed again. A file is
 * written beside its final name and renamed into place, so that a reader never sees half of one.
 * The cache is bounded ({@code SEXTANT_CORE_CACHE_MAX}, default 8G): after each new entry the
 * least recently used ones are removed until the rest fit. Thread-safe: distinct files may be
 * decompressed at the same time (two writers of one file each write their own temporary file).
 */
public final class CoreCache {
    /** Told as the stream is read: compressed bytes read so far and the compressed file's size. */
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void update(long done, long total);
    }

    public static final long DEFAULT_MAX_BYTES = 8L << 30;

    private final Path directory;
    private final long maxBytes;

    public CoreCache(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /**
     * The cache of this user: the system property {@code sextant.coreCache} when set (tests), else
     * from the environment as the class comment says.
     */
    public static CoreCache standard() {
        Map<String, String> env = System.getenv();
        String dir = System.getProperty("sextant.coreCache");
        Path d = dir != null ? Path.of(dir) : defaultDirectory(env);
        return new CoreCache(d, maxBytes(env.get("SEXTANT_CORE_CACHE_MAX")));
    }

    static Path defaultDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sextant").resolve("cores");
    }

    /** {@code 8G}, {@code 500M}, {@code 1048576}; the default for nothing or a value that is none of these. */
    static long maxBytes(String value) {
        if (value == null || value.isBlank()) return DEFAULT_MAX_BYTES;
        String v = value.strip().toUpperCase(Locale.ROOT);
        int shift = switch (v.charAt(v.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
            return n > 0 && n <= (Long.MAX_VALUE >> shift) ? n << shift : DEFAULT_MAX_BYTES;
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_BYTES;
        }
    }

    public Path directory() { return directory; }

    /**
     * The file to read for {@code core}: itself when it is not compressed, else its decompressed
     * copy in the cache (decompressed now when absent). Fails with a {@link TargetException} naming
     * the file and, for a damaged stream, the compressed offset where decompression stopped.
     */
    public Path plain(Path core, Progress progress, Cancellation cancel) {
        // Anything but a file (missing, a directory) is the reader's to explain.
        if (!Files.isRegularFile(core)) return core;
        try {
            Optional<CoreCompression> c = CoreCompression.of(core);
            if (c.isEmpty()) return core;
            Path entry = entry(core);
            if (Files.isRegularFile(entry)) {
                touch(entry);
                return entry;
            }
            return decompress(core, c.get(), entry, progress, cancel);
        } catch (NoSuchFileException e) {
            throw new TargetException(core + ": no such file");
        } catch (IOException e) {
            throw new TargetException(core + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Whether {@code core} is compressed and its decompressed copy is already in the cache. */
    public boolean cached(Path core) {
        try {
            return CoreCompression.of(core).isPresent() && Files.isRegularFile(entry(core));
        } catch (IOException e) {
            return false;
        }
    }

    /** The cache file of {@code core}, named by its identity: device, inode, size, modification time (ns). */
    Path entry(Path core) throws IOException {
        Map<String, Object> a = Files.readAttributes(core, "unix:dev,ino,size,lastModifiedTime");
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS);
        String key = Long.toHexString((Long) a.get("dev")) + "-" + Long.toHexString((Long) a.get("ino")) + "-"
                + Long.toHexString((Long) a.get("size")) + "-" + Long.toHexString(mtime);
        return directory.resolve(key + ".core");
    }

    private Path decompress(Path core, CoreCompression c, Path entry, Progress progress, Cancellation cancel) throws IOException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new TargetException("cannot create the core cache " + directory + " (" + e.getMessage()
                    + "); set XDG_CACHE_HOME to a writable directory", e);
        }
        Path tmp = Files.createTempFile(directory, "." + entry.getFileName(), ".part");
        boolean done = false;
        long total = Files.size(core);
        try {
            if (c == CoreCompression.ZSTD) {
                try {
                    ZstdToFile.run(core, tmp, progress, cancel);
                } catch (ZstdToFile.Failure e) {
                    throw damaged(core, c, e.offset, total, e.written, (IOException) e.getCause());
                }
            } else {
                decompressStream(core, c, tmp, total, progress, cancel);
            }
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } catch (IOException e) {
            throw failed(core, e);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
        progress.update(total, total);
        evict(entry);
        return entry;
    }

    /** Decompresses {@code core} into {@code tmp} through {@code c}'s Java stream (zstd has its own path, {@link ZstdToFile}). */
    private static void decompressStream(Path core, CoreCompression c, Path tmp, long total, Progress progress, Cancellation cancel)
            throws IOException {
        try (CountingInput counted = new CountingInput(Files.newInputStream(core), total, progress);
             SparseWriter out = new SparseWriter(tmp)) {
            InputStream in;
            try {
                in = c.decompress(counted);
            } catch (IOException e) {
                throw damaged(core, c, counted.count(), total, 0, e);
            }
            byte[] buf = new byte[1 << 20];
            for (int n = 0; n >= 0; ) {
                cancel.throwIfCancelled();
                try {
                    n = in.read(buf, 0, buf.length);
                } catch (IOException e) {
                    throw damaged(core, c, counted.count(), total, out.written(), e);
                }
                if (n > 0) out.write(buf, n);
            }
            in.close();
            out.close();
        }
    }

    private TargetException failed(Path core, IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("No space left")) {
            return new TargetException(core + ": no space left in the core cache " + directory
                    + " to decompress it; free space there or set XDG_CACHE_HOME elsewhere", e);
        }
        return new TargetException(core + ": cannot decompress it into the core cache " + directory + " (" + e.getMessage() + ")", e);
    }

    private static TargetException damaged(Path core, CoreCompression c, long offset, long total, long written, IOException e) {
        String where = offset < 0 ? "" : " at compressed offset " + offset + " of " + total
                + " (" + written + " bytes decompressed)";
        String what = e instanceof java.io.EOFException || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("truncated")
                || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("prematurely")
                ? "truncated" : "corrupt";
        String detail = e.getMessage() != null ? e.getMessage() : e instanceof java.io.EOFException ? "unexpected end of the file" : e.toString();
        return new TargetException(core + ": " + what + " " + c.label() + " stream" + where + ": " + detail
                + "; the file is damaged (check it with `" + c.label() + " -t`)", e);
    }

    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Another process evicted it meanwhile, or the cache is read-only: its age only orders evictions.
        }
    }

    /** Removes the least recently used entries (never {@code keep}) until the cache fits its bound. */
    void evict(Path keep) {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(directory)) {
            s.filter(p -> p.getFileName().toString().endsWith(".core")).forEach(entries::add);
        } catch (IOException e) {
            return;
        }
        record Sized(Path path, long size, long used) {}
        List<Sized> sized = new ArrayList<>();
        long sum = 0;
        for (Path p : entries) {
            try {
                long size = Files.size(p);
                sized.add(new Sized(p, size, Files.getLastModifiedTime(p).toMillis()));
                sum += size;
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        sized.sort(Comparator.comparingLong(Sized::used));
        for (Sized s : sized) {
            if (sum <= maxBytes) break;
            if (s.path().equals(keep)) continue;
            try {
                Files.deleteIfExists(s.path());
                sum -= s.size();
            } catch (IOException e) {
                // Not ours to remove (another user's cache, a read-only mount): the bound is best effort.
            }
        }
    }
}
