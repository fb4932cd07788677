package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.api.SseRegisters;
import dev.sextant.engine.api.SourceText;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.UnwoundRegisters;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the source view and frame selection ask of the engine: the scope, a source file's text,
 * the substitutions, a frame's registers. Answers come back on the FX thread.
 */
public final class SourceActions {
    private final Engine engine;

    public SourceActions(Engine engine) { this.engine = engine; }

    /** The user's thread and frame become the engine's scope (answer ignored: the engine dedups and notifies). */
    public void setScope(Tid tid, int frame) {
        engine.submit(new Command.SetScope(tid, frame));
    }

    public void locate(Address pc, String file, Cancellation cancel, Consumer<SourceText> done, Consumer<Throwable> failed) {
        fx(engine.submit(new Command.LocateSource(pc, file, cancel)), done, failed);
    }

    public void setSubstitutions(List<SourceSubstitution> subs, Consumer<List<SourceSubstitution>> done, Consumer<Throwable> failed) {
        fx(engine.submit(new Command.SetSourceSubstitutions(subs)), done, failed);
    }

    public void substitutions(Consumer<List<SourceSubstitution>> done, Consumer<Throwable> failed) {
        fx(engine.submit(new Command.ListSourceSubstitutions()), done, failed);
    }

    public void frameRegisters(Tid tid, int frame, Consumer<UnwoundRegisters> done, Consumer<Throwable> failed) {
        fx(engine.submit(new Command.ReadFrameRegisters(tid, frame)), done, failed);
    }

    public void sseRegisters(Tid tid, int frame, Consumer<SseRegisters> done, Consumer<Throwable> failed) {
        fx(engine.submit(new Command.ReadSseRegisters(tid, frame)), done, failed);
    }

    private static <T> void fx(CompletableFuture<T> f, Consumer<T> done, Consumer<Throwable> failed) {
        FxThread.whenDone(f, done, failed);
    }
}
