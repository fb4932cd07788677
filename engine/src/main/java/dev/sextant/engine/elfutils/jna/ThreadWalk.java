package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** One {@link Dwfl#walkThreads} run: libdwfl's thread and frame callbacks, and the restarts a {@link FrameWalk} asks for. */
final class ThreadWalk {
    private final Dwfl session;
    private final FrameWalk walk;
    private final ThreadState state;
    private final long[] pc = new long[1];
    private final byte[] isAct = new byte[1];
    private Map<Integer, Long> restart;
    private boolean firstOfRestart;
    private OptionalLong lastPc = OptionalLong.empty();

    ThreadWalk(Dwfl session, FrameWalk walk, ThreadState state) {
        this.session = session;
        this.walk = walk;
        this.state = state;
    }

    private LibDw.RawFrameCallback frameCb;     // strong reference while libdwfl may call it
    private Pointer frameFn;                    // its function pointer, made once

    private int onFrame(long frame, long arg) {
        if (walk.cancelled()) return LibDw.DWARF_CB_ABORT;
        if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
        // A walk restarted from a stepped caller begins at a return address, which libdwfl takes for an exact pc.
        boolean act = isAct[0] != 0 && !firstOfRestart;
        firstOfRestart = false;
        lastPc = OptionalLong.of(pc[0]);
        FrameWalk.Next next = walk.frame(pc[0], act, r -> FrameRegisters.read(frame, r));
        if (next instanceof FrameWalk.Next.Restart r && state != null && FrameRegisters.AVAILABLE) {
            restart = r.registers();
            return LibDw.DWARF_CB_ABORT;
        }
        return next instanceof FrameWalk.Next.Continue ? LibDw.DWARF_CB_OK : LibDw.DWARF_CB_ABORT;
    }

    private int onThread(long thread, long arg) {
        if (walk.cancelled()) return LibDw.DWARF_CB_ABORT;
        walk.thread(LibDw.dwfl_thread_tid(thread));
        restart = null;
        lastPc = OptionalLong.empty();
        int rc = LibDw.dwfl_thread_getframes(thread, frameFn, null);
        while (restart != null && !walk.cancelled()) {
            state.restartRegisters = restart;
            restart = null;
            firstOfRestart = true;
            try {
                rc = LibDw.dwfl_thread_getframes(thread, frameFn, null);
            } finally {
                state.restartRegisters = null;
            }
        }
        walk.threadEnd(rc < 0 ? Optional.of(Dwfl.explainStop(LibDw.dwfl_errmsg(LibDw.dwfl_errno()), lastPc)) : Optional.empty());
        return LibDw.DWARF_CB_OK;
    }

    /** One thread by its id ({@code dwfl_getthread_frames}), with the same restarts. */
    void runOne(int tid) {
        useFrameCallback();
        if (walk.cancelled()) return;
        walk.thread(tid);
        restart = null;
        int rc = LibDw.dwfl_getthread_frames(session.dwfl, tid, frameFn, null);
        while (restart != null && !walk.cancelled()) {
            state.restartRegisters = restart;
            restart = null;
            firstOfRestart = true;
            try {
                rc = LibDw.dwfl_getthread_frames(session.dwfl, tid, frameFn, null);
            } finally {
                state.restartRegisters = null;
            }
        }
        walk.threadEnd(rc < 0 ? Optional.ofNullable(LibDw.dwfl_errmsg(LibDw.dwfl_errno())) : Optional.empty());
    }

    private void useFrameCallback() {
        frameCb = this::onFrame;
        frameFn = DirectCallbacks.pointer(frameCb);
    }

    void run() {
        useFrameCallback();
        LibDw.RawThreadCallback threadCb = this::onThread;
        int rc = LibDw.dwfl_getthreads(session.dwfl, DirectCallbacks.pointer(threadCb), null);
        java.lang.ref.Reference.reachabilityFence(threadCb);
        if (rc < 0 && !walk.cancelled()) throw Dwfl.dwflError("dwfl_getthreads");
    }
}
