package dev.sextant.engine.testing;

import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Every event an engine raised, in order, with a wait for one that matches (no sleeps). */
public final class EventLog implements DebugListener {
    private final List<DebugEvent> events = new ArrayList<>();

    @Override public synchronized void onEvent(DebugEvent e) {
        events.add(e);
        notifyAll();
    }

    public synchronized List<DebugEvent> all() { return List.copyOf(events); }

    /** Waits until an event matching {@code p} has been raised (it may already have been); returns it. */
    public synchronized <E extends DebugEvent> E await(Class<E> type, Predicate<E> p, long millis)
            throws InterruptedException, TimeoutException {
        long deadline = System.currentTimeMillis() + millis;
        int from = 0;
        while (true) {
            for (int i = from; i < events.size(); i++) {
                DebugEvent e = events.get(i);
                if (type.isInstance(e) && p.test(type.cast(e))) return type.cast(e);
            }
            from = events.size();
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) throw new TimeoutException("no " + type.getSimpleName() + " as expected within " + millis + " ms");
            wait(left);
        }
    }

    public synchronized <E extends DebugEvent> List<E> of(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
