package dev.sextant.engine.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Software breakpoints: one {@code int3} byte per address, shared by the user breakpoints, the
 * internal ones (the rendezvous) and step targets that want it. The original byte of every
 * inserted site is kept so that detaching puts back every byte Sextant changed. Engine thread only.
 */
public final class BreakpointSites {
    static final byte INT3 = (byte) 0xcc;

    /** A user breakpoint as the views show it. Immutable snapshot. */
    public record UserBreakpoint(int id, long address, String spec, boolean enabled, long hits) {}

    /** What a trap at a site means. */
    record Hit(List<UserBreakpoint> users, boolean stepTarget, boolean internal) {
        Optional<UserBreakpoint> userBreakpoint() { return users.stream().findFirst(); }
    }

    private static final class Site {
        byte original;
        boolean inserted;
        Optional<StepOverEmulation> emulation;        // null: not decoded yet
        final List<Runnable> internal = new ArrayList<>();
        final List<Integer> stepTids = new ArrayList<>();
    }

    private final Map<Long, Site> sites = new HashMap<>();
    private final Map<Integer, UserBreakpoint> users = new LinkedHashMap<>();
    private int nextId = 1;

    boolean isInserted(long address) {
        Site s = sites.get(address);
        return s != null && s.inserted;
    }

    int addUser(Tracer tr, int tid, long address, String spec) {
        int id = nextId++;
        users.put(id, new UserBreakpoint(id, address, spec, true, 0));
        sync(tr, tid, address);
        return id;
    }

    void setEnabled(Tracer tr, int tid, int id, boolean enabled) {
        UserBreakpoint b = user(id);
        users.put(id, new UserBreakpoint(id, b.address(), b.spec(), enabled, b.hits()));
        sync(tr, tid, b.address());
    }

    void removeUser(Tracer tr, int tid, int id) {
        UserBreakpoint b = user(id);
        users.remove(id);
        sync(tr, tid, b.address());
    }

    private UserBreakpoint user(int id) {
        UserBreakpoint b = users.get(id);
        if (b == null) throw new IllegalArgumentException("no breakpoint " + id);
        return b;
    }

    List<UserBreakpoint> userBreakpoints() { return List.copyOf(users.values()); }

    void addInternal(Tracer tr, int tid, long address, Runnable action) {
        sites.computeIfAbsent(address, a -> new Site()).internal.add(action);
        sync(tr, tid, address);
    }

    void addStepTarget(Tracer tr, int tid, long address) {
        sites.computeIfAbsent(address, a -> new Site()).stepTids.add(tid);
        sync(tr, tid, address);
    }

    void clearStepTargets(Tracer tr, int tid) {
        for (Map.Entry<Long, Site> e : new ArrayList<>(sites.entrySet())) {
            if (e.getValue().stepTids.removeIf(t -> t == tid)) sync(tr, tid, e.getKey());
        }
    }

    /** Counts the hit on an enabled user breakpoint at {@code address}, runs internal actions. */
    Hit hit(Tracer tr, int tid, long address) {
        Site s = sites.get(address);
        boolean step = s != null && s.stepTids.contains(tid);
        if (s != null) for (Runnable r : List.copyOf(s.internal)) r.run();
        List<UserBreakpoint> hitUsers = new ArrayList<>(1);
        for (UserBreakpoint b : users.values()) {
            if (b.address() == address && b.enabled()) {
                UserBreakpoint counted = new UserBreakpoint(b.id(), address, b.spec(), true, b.hits() + 1);
                users.put(b.id(), counted);
                hitUsers.add(counted);
            }
        }
        return new Hit(hitUsers, step, s != null && !s.internal.isEmpty());
    }

    /** Replaces every inserted {@code int3} within {@code bytes} (read at {@code address}) by the program's own byte. */
    void showOriginals(long address, byte[] bytes) {
        for (Map.Entry<Long, Site> e : sites.entrySet()) {
            long off = e.getKey() - address;
            if (e.getValue().inserted && off >= 0 && off < bytes.length) bytes[(int) off] = e.getValue().original;
        }
    }

    /** Whether the site at {@code address} serves user breakpoints only (no internal action, no step target). */
    boolean userOnly(long address) {
        Site s = sites.get(address);
        return s != null && s.internal.isEmpty() && s.stepTids.isEmpty();
    }

    /**
     * The instruction under the inserted site at {@code address} when the debugger can run it itself
     * (decoded from the program's own bytes once per site); {@code read} reads the target's memory.
     */
    Optional<StepOverEmulation> emulation(long address, java.util.function.LongFunction<byte[]> read) {
        Site s = sites.get(address);
        if (s == null || !s.inserted) return Optional.empty();
        if (s.emulation == null) {
            byte[] code = read.apply(address);
            if (code.length == 0) return Optional.empty();
            showOriginals(address, code);
            s.emulation = StepOverEmulation.decode(code);
        }
        return s.emulation;
    }

    /** Puts the original byte back for a moment (stepping over the site); true if it was inserted. */
    boolean lift(Tracer tr, int tid, long address) {
        Site s = sites.get(address);
        if (s == null || !s.inserted) return false;
        tr.writeByte(tid, address, s.original);
        s.inserted = false;
        return true;
    }

    /** Re-inserts a lifted site if anyone still wants it. */
    void restore(Tracer tr, int tid, long address) { sync(tr, tid, address); }

    private void sync(Tracer tr, int tid, long address) {
        Site s = sites.get(address);
        if (s == null) s = new Site();
        boolean wanted = !s.internal.isEmpty() || !s.stepTids.isEmpty()
                || users.values().stream().anyMatch(b -> b.address() == address && b.enabled());
        if (wanted && !s.inserted) {
            s.original = tr.writeByte(tid, address, INT3);
            s.inserted = true;
            sites.put(address, s);
        } else if (!wanted && s.inserted) {
            tr.writeByte(tid, address, s.original);
            s.inserted = false;
        }
        if (!wanted) sites.remove(address);
    }

    /** Detach: every inserted byte goes back. */
    void removeAll(Tracer tr, int tid) {
        for (Map.Entry<Long, Site> e : sites.entrySet()) {
            if (e.getValue().inserted) {
                tr.writeByte(tid, e.getKey(), e.getValue().original);
                e.getValue().inserted = false;
            }
        }
        sites.clear();
        users.clear();
    }

    /** After execve the old image is gone, and with it every inserted byte. */
    void forgetAll() {
        sites.clear();
        users.clear();
    }
}
