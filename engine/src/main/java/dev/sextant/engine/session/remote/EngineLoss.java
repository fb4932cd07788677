package dev.sextant.engine.session.remote;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An engine process that ended under a window: how ({@code exit}), what it was doing (the command
 * in flight), the file target it had open and whether it is being reopened ({@code reopened}
 * completes with the new engine's answer), and what became of a live target.
 */
public record EngineLoss(ChildExit exit, Optional<String> doing, Optional<Path> file, Optional<String> live,
                         boolean restarted, Optional<CompletableFuture<?>> reopened) {

    /** One paragraph for a banner: what ended, how, while doing what, and what happens now. */
    public String describe() {
        StringBuilder sb = new StringBuilder("The engine process (pid ").append(exit.pid()).append(") ").append(exit.describe());
        doing.ifPresent(d -> sb.append(" while it ran ").append(d));
        file.ifPresent(f -> sb.append(" with ").append(f).append(" open"));
        sb.append('.');
        if (!restarted) {
            sb.append(" It could not be restarted: restart Sextant.");
            return sb.toString();
        }
        sb.append(" A new engine was started");
        if (reopened.isPresent()) file.ifPresent(f -> sb.append(" and is reopening ").append(f.getFileName()));
        else file.ifPresent(f -> sb.append("; ").append(f.getFileName()).append(" was not reopened, as it ended the engine again"));
        sb.append('.');
        live.ifPresent(l -> sb.append(' ').append(l));
        return sb.toString();
    }
}
