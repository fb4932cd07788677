package dev.sextant.app.view.registers;

import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.TypeOption;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.SseRegisters;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The general registers of the selected thread, as the dump recorded them. */
public final class RegistersModel {
    private final ObservableList<RegisterRow> rows = FXCollections.observableArrayList();
    private final ObservableList<RegisterRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private final Map<Tid, List<RegisterRow>> byThread = new HashMap<>();
    private final Map<Tid, ThreadInfo> unbuilt = new HashMap<>();
    /** A dump's threads not yet in {@link #unbuilt}: the first few look-ups scan it, later ones make the map (100,000 threads: 10 ms). */
    private List<ThreadInfo> unlisted = List.of();
    private int scans;

    /** {@code tid}'s rows, made from its registers on first use; {@code none} for a thread not known. */
    private List<RegisterRow> rowsOf(Tid tid, List<RegisterRow> none) {
        if (!unlisted.isEmpty() && !byThread.containsKey(tid)) {
            if (scans++ < 4) {
                for (ThreadInfo t : unlisted) {
                    if (t.tid().equals(tid)) {
                        byThread.put(tid, inOrder(t.registers().registers().stream().map(RegistersModel::row).toList()));
                        break;
                    }
                }
                return byThread.getOrDefault(tid, none);
            }
            for (ThreadInfo t : unlisted) if (!byThread.containsKey(t.tid())) unbuilt.put(t.tid(), t);
            unlisted = List.of();
        }
        ThreadInfo t = unbuilt.remove(tid);
        if (t != null) byThread.put(tid, inOrder(t.registers().registers().stream().map(RegistersModel::row).toList()));
        return byThread.getOrDefault(tid, none);
    }
    private Tid selected;
    private boolean decimal;

    /** True while the engine's type options ask for decimal values ({@code TypeOption.DECIMAL_VALUES}). */
    public boolean decimal() { return decimal; }

    public ObservableList<RegisterRow> rows() { return readOnly; }

    public void select(Tid tid) {
        FxThread.check();
        selected = tid;
        frame = 0;
        show(rowsOf(tid, List.of()));
    }

    /**
     * Shows a caller frame's registers as the unwinder recovered them; those it could not recover
     * read {@code <not saved>}, as gdb says. A stop or a thread change shows the thread's own again.
     */
    public void showFrame(dev.sextant.engine.api.UnwoundRegisters u) {
        FxThread.check();
        selected = u.tid();
        frame = u.frame();
        List<RegisterRow> out = new java.util.ArrayList<>();
        for (Register r : u.recovered()) out.add(row(r));
        for (String name : u.notRecovered()) out.add(new RegisterRow(name, NOT_SAVED, NOT_SAVED, false));
        show(out);
    }

    /** The frame's registers could not be read: one row says why. */
    public void showFrameError(Tid tid, int index, String why) {
        FxThread.check();
        selected = tid;
        frame = index;
        show(List.of(new RegisterRow("frame " + index, "not unwound", why, false)));
    }

    private SseRegisters sse;

    /**
     * Adds the SSE rows (xmm0–xmm15 as 128-bit hex with their two doubles and four floats, mxcsr, the
     * x87 control and status words) of the shown thread and frame; a caller frame's read {@code <not saved>}.
     */
    public void showSse(SseRegisters r) {
        FxThread.check();
        sse = r;
        show(List.copyOf(rows));
    }

    private void show(List<RegisterRow> general) {
        List<RegisterRow> out = new ArrayList<>(general.stream().filter(r -> !SseRows.isSse(r.name())).toList());
        if (sse != null && sse.tid().equals(selected) && sse.frame() == frame && !out.isEmpty()) out.addAll(SseRows.of(sse));
        // A step changes a few registers (rip, rsp, flags): only their rows are replaced, so that the
        // table redraws those cells and not every row (a stop used to replace all ~46 rows five times).
        if (!sameNames(out)) {
            rows.setAll(out);
            return;
        }
        for (int i = 0; i < out.size(); i++) if (!rows.get(i).equals(out.get(i))) rows.set(i, out.get(i));
    }

    private boolean sameNames(List<RegisterRow> out) {
        if (out.size() != rows.size()) return false;
        for (int i = 0; i < out.size(); i++) if (!rows.get(i).name().equals(out.get(i).name())) return false;
        return true;
    }

    /** The frame whose registers are shown (0: the thread's own). */
    public int frame() { return frame; }

    public static final String NOT_SAVED = "<not saved>";
    private int frame;

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                byThread.clear();
                unbuilt.clear();
                rows.clear();
                // Rows are made when a thread is first shown: a core of 100,000 threads would make millions at once.
                unlisted = o.threads();
                scans = 0;
                // Threads may have chosen its first thread in this very batch, before these registers were known.
                if (selected != null) show(rowsOf(selected, List.of()));
            } else if (e instanceof DebugEvent.ThreadsRefreshed r) {
                // After a step or a stop, a register whose value differs from the last stop is marked changed.
                for (ThreadInfo t : r.threads()) {
                    Map<String, String> before = new HashMap<>();
                    for (RegisterRow old : rowsOf(t.tid(), List.of())) before.put(old.name(), old.hex());
                    byThread.put(t.tid(), inOrder(t.registers().registers().stream().map(x -> {
                        RegisterRow row = row(x);
                        boolean changed = before.containsKey(row.name()) && !before.get(row.name()).equals(row.hex());
                        return new RegisterRow(row.name(), row.hex(), row.decimal(), changed);
                    }).toList()));
                }
                if (selected != null && frame == 0) show(rowsOf(selected, List.of()));
            } else if (e instanceof DebugEvent.TargetClosed) {
                byThread.clear();
                unbuilt.clear();
                unlisted = List.of();
                rows.clear();
            } else if (e instanceof DebugEvent.SymbolStateChanged c && (c.flags() & EngineListener.DEBUG_CSS_TYPE_OPTIONS) != 0
                    && c.flags() == EngineListener.DEBUG_CSS_TYPE_OPTIONS) {
                boolean now = TypeOption.fromMask(c.argument()).contains(TypeOption.DECIMAL_VALUES);
                if (now != decimal) {
                    decimal = now;
                    rows.setAll(List.copyOf(rows));      // the same rows: the cells ask again
                }
            }
        }
    }

    /**
     * x86's registers in the order gdb's {@code info registers} uses (rax first, then r8–r15, rip,
     * eflags); others after, as they came. Other architectures keep the order of their ABI as the
     * engine gives it (s390's and arm's r8–r15 are not x86's).
     */
    private static final List<String> ORDER = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
            "fs_base", "gs_base", "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip");

    static List<RegisterRow> inOrder(List<RegisterRow> rows) {
        if (rows.stream().noneMatch(r -> r.name().equals("rax") || r.name().equals("eax"))) return rows;
        List<RegisterRow> out = new java.util.ArrayList<>(rows);
        out.sort(java.util.Comparator.comparingInt(r -> {
            int i = ORDER.indexOf(r.name());
            return i >= 0 ? i : ORDER.size();
        }));
        return out;
    }

    private static RegisterRow row(Register r) {
        String hex = Long.toHexString(r.value());
        return new RegisterRow(r.name(), "0x" + "0".repeat(Math.max(0, 16 - hex.length())) + hex, Long.toUnsignedString(r.value()), false);
    }
}
