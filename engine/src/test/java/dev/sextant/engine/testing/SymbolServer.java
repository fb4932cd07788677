package dev.sextant.engine.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Breakpad symbol server on 127.0.0.1 for the store tests (engine and window): {@code /store/} serves
 * a directory in Breakpad's layout ({@code NAME/ID/NAME.sym}, 404 for anything else), sent in pieces
 * with a pause between them when throttled, so that a download is seen in flight; {@code /fail/}
 * answers 500, {@code /garbage/} 200 with HTML, {@code /missing/} 404, {@code /hang/} nothing until
 * the server closes (at most 30 s). {@code /store/} itself can be made to fail (500) and mended, a
 * server down and back; its transfers are counted, those sent whole and those the client broke off.
 */
public final class SymbolServer implements AutoCloseable {
    private final HttpServer server;
    private final Path store;
    private final int piece;
    private final Duration pause;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> storeRequests = new CopyOnWriteArrayList<>();
    private volatile boolean storeFails;
    private final AtomicInteger sent = new AtomicInteger(), brokenOff = new AtomicInteger();

    private SymbolServer(Path store, int piece, Duration pause) throws IOException {
        this.store = store.toAbsolutePath().normalize();
        this.piece = piece;
        this.pause = pause;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "symbol-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/store/", this::serveFile);
        server.createContext("/fail/", x -> answer(x, 500, "internal error".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/garbage/", x -> answer(x, 200, "<html>not found, but 200</html>".repeat(50).getBytes(StandardCharsets.UTF_8)));
        server.createContext("/missing/", x -> answer(x, 404, new byte[0]));
        server.createContext("/hang/", x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(x, 404, new byte[0]);
        });
        server.start();
    }

    /** Serves {@code store} at full speed. */
    public static SymbolServer serve(Path store) throws IOException {
        return new SymbolServer(store, 1 << 20, Duration.ZERO);
    }

    /** Serves {@code store} in {@code piece}-byte pieces, {@code pause} apart. */
    public static SymbolServer serveSlowly(Path store, int piece, Duration pause) throws IOException {
        return new SymbolServer(store, piece, pause);
    }

    /** {@code http://127.0.0.1:PORT/ROUTE} ({@code store}, {@code fail}, {@code garbage}, {@code missing}, {@code hang}). */
    public String url(String route) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + route;
    }

    /** While {@code fail}, {@code /store/} answers 500 to every request (the server is down); then as before. */
    public void failStore(boolean fail) { storeFails = fail; }

    /** Files {@code /store/} sent whole. */
    public int transfersSent() { return sent.get(); }

    /** Transfers of {@code /store/} the client broke off before the end (a cancelled download). */
    public int transfersBrokenOff() { return brokenOff.get(); }

    /** Requests {@code /store/} has had. */
    public int storeRequests() { return storeRequests.size(); }

    /** Requests {@code /store/} has had for {@code relative} ({@code NAME/ID/NAME.sym}). */
    public long storeRequests(String relative) { return storeRequests.stream().filter(relative::equals).count(); }

    private void serveFile(HttpExchange x) throws IOException {
        String rel = URLDecoder.decode(x.getRequestURI().getRawPath().substring("/store/".length()), StandardCharsets.UTF_8);
        storeRequests.add(rel);
        if (storeFails) {
            answer(x, 500, "down for maintenance".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Path f = store.resolve(rel).normalize();
        if (!f.startsWith(store) || !Files.isRegularFile(f)) {
            answer(x, 404, new byte[0]);
            return;
        }
        byte[] body = Files.readAllBytes(f);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream o = x.getResponseBody()) {
            for (int at = 0; at < body.length; at += piece) {
                o.write(body, at, Math.min(piece, body.length - at));
                o.flush();
                if (!pause.isZero()) Thread.sleep(pause.toMillis());
            }
            sent.incrementAndGet();
        } catch (IOException | InterruptedException clientWentAway) {
            // a cancelled download closes the connection mid-transfer
            brokenOff.incrementAndGet();
        }
    }

    private static void answer(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    @Override public void close() {
        release.countDown();
        server.stop(0);
    }
}
