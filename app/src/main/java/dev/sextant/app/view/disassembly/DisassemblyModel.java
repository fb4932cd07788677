package dev.sextant.app.view.disassembly;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.StackFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * What the Disassembly view shows: the code around the current frame's pc (the whole function
 * that holds it, extended up and down on demand), source-line headers before each line's
 * instructions, where the thread's frames are and the breakpoints. Asks the engine for the code
 * ({@code Command.Disassemble}) of the live target's or the core's memory. FX thread.
 */
public final class DisassemblyModel {
    /** Instructions per request when the listing grows down, and bytes looked back when it grows up without a symbol. */
    static final int MORE = 128;
    static final int BACK = 128;
    /** A listing this long is dropped when the next one does not join it. */
    static final int KEEP = 20_000;

    private final Function<CodeRange, CompletableFuture<Disassembly>> disassemble;
    private final BiFunction<String, Integer, Optional<String>> lineText;
    private final TreeMap<Long, Instruction> code = new TreeMap<>(Long::compareUnsigned);
    private final ObservableList<CodeLine> rows = FXCollections.observableArrayList();
    private final Map<Long, Breakpoint> breakpoints = new HashMap<>();
    private final ReadOnlyObjectWrapper<Map<Long, Boolean>> framePcs = new ReadOnlyObjectWrapper<>(Map.of());
    private final ReadOnlyObjectWrapper<Optional<Address>> current = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyObjectWrapper<Optional<Address>> reveal = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyObjectWrapper<Long> version = new ReadOnlyObjectWrapper<>(0L);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("No frame selected");
    private long generation;           // answers of an older target or an older request are dropped
    private boolean growing;
    private boolean active = true;
    private boolean stale;             // hidden while the current frame changed: followed when shown
    private Optional<CurrentFrame.Selection> latest = Optional.empty();

    /**
     * @param disassemble asks the engine for code (its future completes on any thread)
     * @param lineText    a source line's text when the Source view has read that file ({@code file}, 1-based line)
     */
    public DisassemblyModel(Function<CodeRange, CompletableFuture<Disassembly>> disassemble, CurrentFrame frames,
                            BiFunction<String, Integer, Optional<String>> lineText) {
        this.disassemble = disassemble;
        this.lineText = lineText;
        frames.current().addListener((o, a, now) -> {
            latest = now;
            if (active) follow(now);
            else stale = true;
        });
    }

    /**
     * Whether the view is shown (its tab selected). A hidden listing does not follow each stop (an F10
     * asked the engine for code and redrew the hidden list's cells twice per step while the Source tab
     * was in front): it follows the current frame once, when shown again.
     */
    public void setActive(boolean shown) {
        FxThread.check();
        active = shown;
        if (shown && stale) {
            stale = false;
            follow(latest);
        }
    }

    public ObservableList<CodeLine> rows() { return rows; }

    /** The current frame's pc (highlighted), if a frame is selected. */
    public ReadOnlyObjectProperty<Optional<Address>> current() { return current.getReadOnlyProperty(); }

    /** The address the view should scroll to and select (the pc, or a go-to's answer). */
    public ReadOnlyObjectProperty<Optional<Address>> reveal() { return reveal.getReadOnlyProperty(); }

    /** The pcs of the current thread's frames: true for the current frame's. */
    public ReadOnlyObjectProperty<Map<Long, Boolean>> framePcs() { return framePcs.getReadOnlyProperty(); }

    /** Bumps when the rows or their markers change. */
    public ReadOnlyObjectProperty<Long> version() { return version.getReadOnlyProperty(); }

    public ReadOnlyStringProperty message() { return message.getReadOnlyProperty(); }

    public Optional<Breakpoint> breakpointAt(long address) { return Optional.ofNullable(breakpoints.get(address)); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        boolean changed = false;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed) {
                generation++;
                code.clear();
                breakpoints.clear();
                rows.clear();
                current.set(Optional.empty());
                message.set("No frame selected");
                changed = true;
            } else if (e instanceof DebugEvent.BreakpointChanged b) {
                breakpoints.values().removeIf(x -> x.id() == b.breakpoint().id());
                if (!b.removed()) breakpoints.put(b.breakpoint().address().value(), b.breakpoint());
                changed = true;
            } else if (e instanceof DebugEvent.ModuleLoaded || e instanceof DebugEvent.ModuleUnloaded) {
                code.clear();       // code may now be named, or gone: read again at the next frame
            }
        }
        if (changed) version.set(version.get() + 1);
    }

    private void follow(Optional<CurrentFrame.Selection> now) {
        if (now.isEmpty() || now.get().frame().isEmpty()) {
            framePcs.set(Map.of());
            current.set(Optional.empty());
            message.set(now.isEmpty() ? "No frame selected" : "Waiting for the stack of thread " + now.get().tid());
            version.set(version.get() + 1);
            return;
        }
        CurrentFrame.Selection s = now.get();
        Map<Long, Boolean> pcs = new HashMap<>();
        for (StackFrame f : s.frames()) pcs.merge(f.pc().value(), f.index() == s.index(), Boolean::logicalOr);
        framePcs.set(Map.copyOf(pcs));
        Address pc = s.frame().get().pc();
        current.set(Optional.of(pc));
        message.set(s.describe());
        show(pc);
    }

    /** Shows the code at {@code address} (the function that holds it), selected. */
    private void show(Address address) {
        if (code.containsKey(address.value())) {
            version.set(version.get() + 1);
            revealAt(address);
            return;
        }
        long g = ++generation;
        request(CodeRange.at(address, 1), g, one -> {
            Instruction first = one.instructions().get(0);
            Optional<Long> start = functionStart(first);
            if (start.isEmpty()) {
                request(CodeRange.at(address, MORE), g, d -> replace(d, address), err -> failed(address, err));
                return;
            }
            String name = first.location().get().replaceFirst("\\+0x[0-9a-f]+$", "");
            request(CodeRange.function(name), g, d -> {
                if (d.instructions().stream().anyMatch(i -> i.address().equals(address))) replace(d, address);
                else request(new CodeRange(Address.of(start.get()).toString(), OptionalInt.of(MORE * 4), Optional.empty()), g,
                        d2 -> replace(d2, address), err -> failed(address, err));
            }, err -> request(CodeRange.at(address, MORE), g, d -> replace(d, address), e2 -> failed(address, e2)));
        }, err -> failed(address, err));
    }

    /** The start of the function an instruction lies in, from its location ({@code process_order+0x2a}). */
    static Optional<Long> functionStart(Instruction i) {
        if (i.location().isEmpty()) return Optional.empty();
        String l = i.location().get();
        int plus = l.lastIndexOf("+0x");
        if (plus < 0) return Optional.of(i.address().value());
        try {
            return Optional.of(i.address().value() - Long.parseUnsignedLong(l.substring(plus + 3), 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The code at an address expression ({@code 0x401136}, {@code main}, {@code rsp}, {@code main+0x10}): the go-to box. */
    public void goTo(String expression, Consumer<Throwable> failed) {
        long g = ++generation;
        request(new CodeRange(expression, OptionalInt.of(1), Optional.empty()), g, d -> {
            if (d.instructions().isEmpty()) { failed.accept(new IllegalStateException("no code at " + expression)); return; }
            show(d.instructions().get(0).address());
        }, failed);
    }

    /** Whether more code is being read above or below the listing (its rows change when it comes). */
    public boolean growing() { return growing; }

    /** Grows the listing up: the function before (or {@link #BACK} bytes) up to the first instruction. */
    public void loadEarlier() {
        if (code.isEmpty() || growing) return;
        long first = code.firstKey();
        long g = generation;
        growing = true;
        request(CodeRange.at(Address.of(first - 1), 1), g, one -> {
            long start = functionStart(one.instructions().get(0)).filter(s -> first - s > 0 && first - s <= 64 * 1024).orElse(first - BACK);
            request(new CodeRange(Address.of(start).toString(), OptionalInt.empty(), Optional.of(Address.of(first))), g, d -> {
                growing = false;
                merge(d.instructions().stream().filter(i -> Long.compareUnsigned(i.address().value() + i.length(), first) <= 0).toList());
            }, err -> growing = false);
        }, err -> growing = false);
    }

    /** Grows the listing down: {@link #MORE} instructions after the last. */
    public void loadLater() {
        if (code.isEmpty() || growing) return;
        Instruction last = code.lastEntry().getValue();
        long g = generation;
        growing = true;
        request(CodeRange.at(Address.of(last.address().value() + last.length()), MORE), g, d -> {
            growing = false;
            merge(d.instructions());
        }, err -> growing = false);
    }

    private void request(CodeRange r, long g, Consumer<Disassembly> ok, Consumer<Throwable> err) {
        FxThread.whenDone(disassemble.apply(r), d -> {
            if (g != generation) return;
            if (d.instructions().isEmpty()) err.accept(new IllegalStateException("no instructions at " + r.start()));
            else ok.accept(d);
        }, e -> { if (g == generation) err.accept(e); });
    }

    private void failed(Address address, Throwable e) {
        message.set("No code at " + address + ": " + FxThread.cause(e).getMessage());
        version.set(version.get() + 1);
    }

    private void replace(Disassembly d, Address at) {
        long lo = d.instructions().get(0).address().value();
        boolean joins = !code.isEmpty() && code.ceilingKey(lo) != null;
        if (!joins || code.size() > KEEP) code.clear();
        merge(d.instructions());
        revealAt(at);
    }

    /** Fires even when the address is the one revealed last (the user scrolled away since). */
    private void revealAt(Address a) {
        reveal.set(Optional.empty());
        reveal.set(Optional.of(a));
    }

    private void merge(List<Instruction> listing) {
        if (listing.isEmpty()) return;
        long lo = listing.get(0).address().value();
        Instruction last = listing.get(listing.size() - 1);
        long hi = last.address().value() + last.length();
        code.subMap(lo, true, hi, false).clear();            // a listing decoded at other boundaries gives way
        Map.Entry<Long, Instruction> before = code.lowerEntry(lo);
        if (before != null && Long.compareUnsigned(before.getKey() + before.getValue().length(), lo) > 0) code.remove(before.getKey());
        for (Instruction i : listing) code.put(i.address().value(), i);
        rebuild();
    }

    private void rebuild() {
        List<CodeLine> out = new ArrayList<>(code.size() + code.size() / 3);
        Optional<String> source = Optional.empty();
        for (Instruction i : code.values()) {
            if (i.location().isPresent() && !i.location().get().contains("+0x")) out.add(new CodeLine.Symbol(i.location().get()));
            if (i.source().isPresent() && !Objects.equals(i.source(), source)) out.add(header(i.source().get()));
            source = i.source();
            out.add(new CodeLine.Code(i));
        }
        rows.setAll(out);
        version.set(version.get() + 1);
    }

    private CodeLine.Header header(String source) {
        int colon = source.lastIndexOf(':');
        Optional<String> text = Optional.empty();
        if (colon > 0) {
            try {
                text = lineText.apply(source.substring(0, colon), Integer.parseInt(source.substring(colon + 1)));
            } catch (NumberFormatException e) {
                text = Optional.empty();
            }
        }
        return new CodeLine.Header(source, text);
    }

    /** The row of the instruction at {@code address}, if listed. */
    public OptionalInt rowOf(long address) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) instanceof CodeLine.Code c && c.address() == address) return OptionalInt.of(i);
        }
        return OptionalInt.empty();
    }
}
