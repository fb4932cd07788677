package dev.sextant.engine.session;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.CoreReadListener;
import dev.sextant.engine.dump.ElfCoreReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine's one thread and its command queue. Every native handle of the target is created,
 * used and closed here; other threads only enqueue commands and read futures and events.
 */
public final class EngineThread implements Engine {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final List<DebugListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long stopId;

    public EngineThread() {
        thread = new Thread(this::loop, "sextant-engine");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override public <R> CompletableFuture<R> submit(Command<R> command) {
        CompletableFuture<R> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new IllegalStateException("the engine is closed"));
            return future;
        }
        queue.add(() -> {
            try {
                future.complete(execute(command));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    @SuppressWarnings("unchecked")
    private <R> R execute(Command<R> command) {
        if (command instanceof Command.OpenCore open) return (R) openCore(open);
        if (command instanceof Command.StackProcess stack) return (R) LiveTarget.stackSnapshot(stack.pid(), stack.cancellation());
        if (command instanceof Command.CloseTarget) {
            emit(new DebugEvent.TargetClosed(stopId));
            return (R) Boolean.TRUE;
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private DumpReport openCore(Command.OpenCore open) {
        long id = ++stopId;
        String source = open.core().toString();
        CoreReadListener relay = new CoreReadListener() {
            @Override public void opened(dev.sextant.engine.api.ProcessInfo process,
                                         Optional<dev.sextant.engine.api.SignalInfo> signal, List<ThreadInfo> threads) {
                emit(new DebugEvent.TargetOpened(id, source, "ELF core", process, signal, threads));
            }
            @Override public void module(dev.sextant.engine.api.Module module) { emit(new DebugEvent.ModuleLoaded(id, module)); }
            @Override public void stack(dev.sextant.engine.api.ThreadStack stack) { emit(new DebugEvent.StackWalked(id, stack)); }
            @Override public void diagnostic(Diagnostic d) { emit(new DebugEvent.DiagnosticReported(id, d)); }
            @Override public void progress(long done, long total) {
                emit(new DebugEvent.ProgressReported(id, "Unwinding threads", done, total));
            }
        };
        return ElfCoreReader.read(open.core(), new CoreOptions(open.executable(), open.sysroot()), relay, open.cancellation());
    }

    private void emit(DebugEvent event) {
        for (DebugListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                listeners.remove(l);
                Diagnostic d = new Diagnostic(Severity.ERROR, "a listener failed and was removed: " + e);
                DebugEvent report = new DebugEvent.DiagnosticReported(event.stopId(), d);
                for (DebugListener other : listeners) {
                    try { other.onEvent(report); } catch (RuntimeException ignored) { listeners.remove(other); }
                }
            }
        }
    }

    @Override public void addListener(DebugListener listener) { listeners.add(listener); }

    @Override public void removeListener(DebugListener listener) { listeners.remove(listener); }

    @Override public void close() {
        if (!running) return;
        queue.add(() -> running = false);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
