package dev.sextant.engine.elfutils.jna;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * What {@link Dwfl#walkThreads} reports to: each thread's start, each frame as libdwfl unwinds it,
 * and how the thread's walk ended. Called on the thread that owns the {@link Dwfl}, from inside
 * libdwfl: implementations must not throw.
 */
public interface FrameWalk {

    /** What the walk does after a frame. */
    sealed interface Next {
        Next CONTINUE = new Continue();
        Next STOP = new Stop();

        /** Go on to the caller as libdwfl finds it. */
        record Continue() implements Next {}
        /** End this thread's walk. */
        record Stop() implements Next {}
        /** Cut the walk and start it again from the caller's registers (DWARF numbering, 16 = pc). */
        record Restart(Map<Integer, Long> registers) implements Next {}
    }

    /** Polled before each thread and frame: true ends the whole walk. */
    boolean cancelled();

    /** A thread's walk begins. */
    void thread(int tid);

    /**
     * One frame: its pc and whether it is exact (not a return address). {@code registers} reads the
     * frame's registers (DWARF numbering) during this call, when {@link Dwfl#canRestartFrames()}.
     */
    Next frame(long pc, boolean activation, IntFunction<OptionalLong> registers);

    /** The thread's walk ended; with libdwfl's message when it ended on an error. */
    void threadEnd(Optional<String> error);
}
