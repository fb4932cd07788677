package dev.sextant.app.view.variables;

import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.StopReason;
import java.util.List;

/** When the program state views read again: a core opened, a stop, the user picked another frame; and when they go stale or empty. */
public enum RefreshTrigger {
    NONE, REFRESH, RUNNING, CLOSED;

    public static RefreshTrigger of(List<DebugEvent> batch) {
        RefreshTrigger t = NONE;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ProcessExited) t = CLOSED;
            else if (e instanceof DebugEvent.ProcessResumed) t = RUNNING;
            else if (e instanceof DebugEvent.ProcessStopped s && !(s.reason() instanceof StopReason.ProcessExit)) t = REFRESH;
            else if (e instanceof DebugEvent.TargetOpened o && o.format().startsWith("ELF core")) t = REFRESH;
            else if (e instanceof DebugEvent.SymbolStateChanged c && (c.flags() & EngineListener.DEBUG_CSS_SCOPE) != 0) t = REFRESH;
        }
        return t;
    }
}
