package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Live binding: the dynamic linker's real work in a program as it runs, fed to a bind status
 * routine. The program is started with the environment of {@link #environment()}, which preloads
 * Sextant's {@code LD_AUDIT} library (C source in the engine's resources, compiled with the
 * machine's {@code cc} into the cache directory on first use); that library reports every library
 * search ({@code la_objsearch}), load ({@code la_objopen}) and symbol binding
 * ({@code la_symbind64}, lazily at a PLT slot's first call) over a Unix socket, one record before
 * the linker goes on. They reach the routine as {@code BindImportModule} (va = load bias) and
 * {@code BindImportProcedure} (va = the absolute address the symbol resolved to), and
 * {@code BindImageComplete} when the process ends. Only processes running {@code program} are
 * reported (the launcher's own shell inherits the environment too).
 *
 * <p>The routine is called on the observer's reader threads, one call at a time, in the order of
 * each process's records; returning false stops observing (the audit library then stays silent
 * and the program runs on). {@link #close()} stops it too.
 */
public final class LiveBindObserver implements AutoCloseable {
    /** {@code la_objsearch}'s flags ({@code LA_SER_*}), as the ld.so rule that proposed a candidate. */
    private static final Map<Integer, String> SEARCH_RULES = Map.of(1, "needed name", 2, "LD_LIBRARY_PATH",
            4, "DT_RUNPATH / DT_RPATH", 8, "ld.so.cache", 0x10, "default directory", 0x40, "secure directory");
    private static final int LA_SYMB_DLSYM = 8;

    private final Path program;
    private final BindStatusRoutine routine;
    private final Path dir;
    private final Path socketPath;
    private final Path library;
    private final ServerSocketChannel server;
    private final List<SocketChannel> connections = new ArrayList<>();
    private volatile boolean stopped;

    private LiveBindObserver(Path program, BindStatusRoutine routine, Path library) throws IOException {
        this.program = program;
        this.routine = routine;
        this.library = library;
        this.dir = Files.createTempDirectory("sextant-bind");
        this.socketPath = dir.resolve("audit.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Thread acceptor = new Thread(this::accept, "sextant-live-bind");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts observing for one launch of {@code program}: builds the audit library when needed and
     * opens the socket. Pass {@link #environment()} to the program's launch.
     *
     * @throws IOException when the audit library cannot be built (no C compiler: the message says
     *                     which package to install) or the socket cannot be opened
     */
    public static LiveBindObserver start(Path program, BindStatusRoutine routine) throws IOException {
        return new LiveBindObserver(program, routine, auditLibrary());
    }

    /** {@code LD_AUDIT} and the socket's path, to add to the launched program's environment. */
    public Map<String, String> environment() {
        return Map.of("LD_AUDIT", library.toString(), "SEXTANT_BIND_SOCKET", socketPath.toString());
    }

    @Override public void close() {
        stopped = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket: nothing left to do
        }
        synchronized (connections) {
            for (SocketChannel c : connections) {
                try {
                    c.close();
                } catch (IOException e) {
                    // the reader ends on its own
                }
            }
        }
        try {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    private void accept() {
        while (!stopped) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;     // closed
            }
            synchronized (connections) {
                connections.add(c);
            }
            Thread t = new Thread(() -> read(c), "sextant-live-bind-reader");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One process's records (each audited process connects once). */
    private void read(SocketChannel c) {
        ProcessState ps = null;
        try (InputStream in = Channels.newInputStream(c);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; !stopped && (line = r.readLine()) != null; ) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("V") && f.length >= 3) {
                    if (!sameFile(Path.of(f[2]), program)) return;      // not the program: the launcher's shell
                    ps = new ProcessState(f[2]);
                    continue;
                }
                if (ps == null) return;
                if (!handle(ps, f)) {
                    stopped = true;
                    return;
                }
            }
            if (ps != null && !stopped) complete(ps);
        } catch (IOException e) {
            // the process or the observer went away
        } finally {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** What the records of one process have said so far. */
    private static final class ProcessState {
        final String exe;
        final Map<String, LiveObject> objects = new LinkedHashMap<>();    // by cookie
        final Map<String, String> candidateRule = new HashMap<>();        // candidate path → rule
        final Map<String, String> candidateName = new HashMap<>();        // candidate path → needed name
        String searching = "";

        ProcessState(String exe) { this.exe = exe; }
    }

    private record LiveObject(String name, String path, long base) {}

    private boolean handle(ProcessState ps, String[] f) {
        switch (f[0]) {
            case "S" -> {
                if (f.length < 4) return true;
                int flag = parseInt(f[2]);
                if (flag == 1) ps.searching = f[3];        // LA_SER_ORIG: a new search begins
                ps.candidateRule.put(f[3], SEARCH_RULES.getOrDefault(flag, "la_objsearch flag " + flag));
                ps.candidateName.put(f[3], ps.searching);
                return true;
            }
            case "O" -> {
                if (f.length < 6) return true;
                String path = f[5].isEmpty() ? ps.exe : f[5];
                String name = f[5].isEmpty() ? ps.exe : ps.candidateName.getOrDefault(path, Path.of(path).getFileName().toString());
                String foundBy = f[5].isEmpty() ? "program" : ps.candidateRule.getOrDefault(path, "loaded by ld.so");
                long base = parseHex(f[4]);
                ps.objects.put(f[2], new LiveObject(name, path, base));
                if (f[5].isEmpty()) return true;        // the program itself: the image, not one of its modules
                return report(BindReason.BindImportModule, ps.exe, name, base, new BindParameter.ModuleFound(path, foundBy));
            }
            case "C" -> {
                return true;
            }
            case "B" -> {
                if (f.length < 7) return true;
                if ((parseInt(f[5]) & LA_SYMB_DLSYM) != 0) return true;     // a dlsym() lookup, not an import
                LiveObject from = ps.objects.get(f[2]);
                LiveObject to = ps.objects.get(f[3]);
                return report(BindReason.BindImportProcedure, from == null ? ps.exe : from.path(), to == null ? "" : to.name(),
                        parseHex(f[4]), new BindParameter.ProcedureName(f[6], Optional.empty()));
            }
            default -> {
                return true;
            }
        }
    }

    private void complete(ProcessState ps) {
        List<BindParameter.BoundImport> table = new ArrayList<>();
        for (LiveObject o : ps.objects.values()) {
            if (!o.path().equals(ps.exe)) table.add(new BindParameter.BoundImport(o.name(), Optional.of(o.path()), "", List.of()));
        }
        report(BindReason.BindImageComplete, ps.exe, "", 0, new BindParameter.BoundImports(List.copyOf(table)));
    }

    private synchronized boolean report(BindReason reason, String image, String dll, long va, BindParameter p) {
        if (stopped) return false;
        return routine.status(reason, image, dll, va, p);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseHex(String s) {
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The audit library, built from the bundled source into the cache directory
     * ({@code $XDG_CACHE_HOME/sextant} or {@code ~/.cache/sextant}) the first time, under a name
     * that changes with the source.
     */
    static synchronized Path auditLibrary() throws IOException {
        byte[] source;
        try (InputStream in = LiveBindObserver.class.getResourceAsStream("sextant-audit.c")) {
            if (in == null) throw new IOException("the audit library's source is missing from Sextant's engine jar");
            source = in.readAllBytes();
        }
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = Files.createDirectories(base.resolve("sextant"));
        Path lib = dir.resolve("sextant-audit-" + digest + ".so");
        if (Files.isRegularFile(lib)) return lib;
        Path src = dir.resolve("sextant-audit-" + digest + ".c");
        Files.write(src, source);
        Path tmp = Files.createTempFile(dir, "sextant-audit", ".so");
        Process p;
        try {
            p = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", tmp.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("observing live binding needs a C compiler to build its LD_AUDIT library, and none was found "
                    + "(install one with: sudo apt-get install gcc)");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                Files.deleteIfExists(tmp);
                throw new IOException("the LD_AUDIT library did not compile: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while building the LD_AUDIT library");
        }
        Files.move(tmp, lib, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return lib;
    }
}
