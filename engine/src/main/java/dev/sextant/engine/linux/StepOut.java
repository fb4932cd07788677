package dev.sextant.engine.linux;

/** Run to return: a step target at the caller's return address, reached with the stack pointer above the callee's frame. */
final class StepOut implements Tracer.StepPlan {
    private final long returnAddress;
    private final long calleeSp;

    StepOut(long returnAddress, long calleeSp) {
        this.returnAddress = returnAddress;
        this.calleeSp = calleeSp;
    }

    void start(Tracer tr, int tid) {
        tr.sites().addStepTarget(tr, tid, returnAddress);
        tr.runThread(tid);
    }

    @Override public boolean stepped(Tracer tr, int tid) {
        long sp = tr.registers(tid)[Tracer.RSP];
        if (tr.pc(tid) == returnAddress && Long.compareUnsigned(sp, calleeSp) > 0) return true;
        tr.runThread(tid);          // a deeper recursion of the same function returned first
        return false;
    }
}
