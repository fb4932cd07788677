package dev.sextant.engine.dump;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.breakpad.StoreKey;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import dev.sextant.engine.format.breakpad.Postfix;
import dev.sextant.engine.format.breakpad.SymbolRecords.SourceFrame;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.ThreadContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Walks a minidump's stacks as Breakpad's {@code minidump_stackwalk} does, with symbol files from
 * Breakpad stores: each step tries the module's {@code STACK CFI} (x86-64, arm64, arm) or {@code STACK WIN}
 * (x86) rules first, then the frame-pointer chain, then a scan of the stack that accepts only words
 * pointing into code that a symbol file's {@code FUNC} or {@code PUBLIC} covers. A stack ends where
 * the rules say it ends (a return address that is {@code .undef}, as {@code _start}'s is, or 0).
 * Frames are symbolized from the same files, inlined calls as frames of their own. One thread.
 */
final class BreakpadStackWalker {
    private final MemoryRegions memory;
    private final MemoryStackWalker modules;
    private SymbolStores stores;
    private BreakpadLoads loads;
    private final Map<Long, Optional<BreakpadSymbols>> byBase = new HashMap<>();
    private final Map<Long, ModuleRecord> records = new HashMap<>();

    BreakpadStackWalker(MemoryRegions memory, List<ModuleRecord> modules, SymbolStores stores, BreakpadLoads loads) {
        this.memory = memory;
        this.modules = new MemoryStackWalker(memory, modules);
        this.stores = stores;
        this.loads = loads;
        for (ModuleRecord m : modules) records.put(m.base(), m);
    }

    /** From now on, lookups go to {@code stores} and are told to {@code loads} (what was looked up is kept). */
    void use(SymbolStores stores, BreakpadLoads loads) {
        this.stores = stores;
        this.loads = loads;
    }

    /** Whether the module at {@code base} was looked up (found or not). */
    boolean lookedUp(long base) { return byBase.containsKey(base); }

    /** Whether the lookup of the module at {@code base} found its symbols. */
    boolean found(long base) { return byBase.getOrDefault(base, Optional.empty()).isPresent(); }

    /** Forgets what the lookup of {@code m} found, here and in the stores, and looks it up again; answers whether it found symbols. */
    boolean lookUpAgain(ModuleRecord m) {
        byBase.remove(m.base());
        StoreKey.of(m).ifPresent(stores::forget);
        return symbols(m).isPresent();
    }

    /** The symbol file of the module at {@code pc}, loaded on first need (each load told to {@code loads}). */
    private Optional<BreakpadSymbols> symbols(ModuleRecord m) {
        Optional<BreakpadSymbols> known = byBase.get(m.base());
        if (known != null) return known;
        Optional<BreakpadSymbols> s = Optional.empty();
        Optional<StoreKey> key = StoreKey.of(m);
        if (key.isPresent()) {
            s = stores.load(key.get(), loads.started(m.name(), m.base(), key.get()));
            loads.ended(m.base(), s);
        }
        byBase.put(m.base(), s);
        return s;
    }

    ThreadStack walk(Tid tid, ThreadContext ctx) {
        Registers regs = Registers.of(ctx);
        if (regs == null) return modules.walk(tid, ctx);
        List<StackFrame> out = new ArrayList<>();
        Optional<String> stop = Optional.empty();
        FrameSource source = FrameSource.REGISTERS;
        for (int depth = 0; ; depth++) {
            symbolize(out, regs.pc(), depth == 0, source);
            if (depth + 1 >= MemoryStackWalker.MAX_FRAMES) { stop = Optional.of("stopped after " + MemoryStackWalker.MAX_FRAMES + " frames"); break; }
            Step next = step(regs, depth == 0);
            if (next == null) break;
            if (next.end()) { stop = Optional.empty(); break; }
            if (Long.compareUnsigned(next.regs().sp(), regs.sp()) <= 0 && next.source() != FrameSource.CFI
                    || Long.compareUnsigned(next.regs().sp(), regs.sp()) < 0) { stop = Optional.of("the stack pointer did not grow"); break; }
            if (next.regs().pc() == 0) break;
            regs = next.regs();
            source = next.source();
        }
        return new ThreadStack(tid, out, stop);
    }

    private record Step(Registers regs, FrameSource source, boolean end) {}

    private Step step(Registers regs, boolean first) {
        Optional<ModuleRecord> m = modules.moduleAt(regs.pc());
        Optional<BreakpadSymbols> sym = m.flatMap(this::symbols);
        if (sym.isPresent()) {
            long rel = regs.pc() - m.get().base() - (first ? 0 : 1);
            try {
                Step s = regs.arch().equals("x86") ? win(sym.get(), rel, regs) : null;
                if (s == null) s = cfi(sym.get(), rel, regs);
                if (s != null) return s;
            } catch (RuntimeException badRules) {
                // a rule that does not parse: the frame pointer and the scan may still go on
            }
        }
        Step fp = framePointer(regs);
        return fp != null ? fp : scan(regs);
    }

    private Step cfi(BreakpadSymbols sym, long rel, Registers regs) {
        var rules = sym.cfi(rel);
        if (rules.isEmpty()) return null;
        Map<String, String> r = rules.get().rules();
        if (".undef".equals(r.get(".ra"))) return new Step(regs, FrameSource.CFI, true);
        Map<String, Long> vars = regs.variables();
        var cfa = Postfix.evaluate(r.get(".cfa"), vars, memory::readWord, regs.wordSize());
        if (cfa.isEmpty()) return null;
        vars.put(".cfa", cfa.getAsLong());
        var ra = Postfix.evaluate(r.get(".ra"), vars, memory::readWord, regs.wordSize());
        if (ra.isEmpty()) return null;
        Registers caller = regs.callerOf(ra.getAsLong(), cfa.getAsLong());
        for (var e : r.entrySet()) {
            if (e.getKey().startsWith(".")) continue;
            var v = Postfix.evaluate(e.getValue(), vars, memory::readWord, regs.wordSize());
            if (v.isPresent()) caller.set(e.getKey(), v.getAsLong());
        }
        return new Step(caller, FrameSource.CFI, false);
    }

    /** {@code STACK WIN}: the frame-data program, or FPO's fixed rule (return address above locals and saved registers). */
    private Step win(BreakpadSymbols sym, long rel, Registers regs) {
        var w = sym.win(rel);
        if (w.isEmpty()) return null;
        var f = w.get();
        Map<String, Long> vars = regs.variables();
        long raSearch = regs.sp() + f.localSize() + f.savedRegisterSize();
        vars.put(".raSearch", raSearch);
        vars.put(".raSearchStart", raSearch);
        vars.put(".cbSavedRegs", f.savedRegisterSize());
        vars.put(".cbLocals", f.localSize());
        vars.put(".cbParams", f.parameterSize());
        String program = f.program().orElse("$T0 .raSearch = $eip $T0 ^ = $esp $T0 4 + ="
                + (f.allocatesBasePointer() ? " $ebp $T0 4 - .cbSavedRegs - ^ =" : ""));
        if (!Postfix.execute(program, vars, memory::readWord, 4)) return null;
        Long eip = vars.get("$eip"), esp = vars.get("$esp");
        if (eip == null || esp == null) return null;
        Registers caller = regs.callerOf(eip, esp);
        for (String k : List.of("$ebp", "$ebx", "$esi", "$edi")) if (vars.containsKey(k)) caller.set(k, vars.get(k));
        return new Step(caller, FrameSource.CFI, false);
    }

    private Step framePointer(Registers regs) {
        long fp = regs.fp();
        int ws = regs.wordSize();
        if (fp == 0 || (fp & (ws - 1)) != 0 || Long.compareUnsigned(fp, regs.sp()) < 0) return null;
        var saved = memory.readWord(fp, ws);
        var ret = memory.readWord(fp + ws, ws);
        if (saved.isEmpty() || ret.isEmpty() || !covered(ret.getAsLong())) return null;
        Registers caller = regs.callerOf(ret.getAsLong(), fp + 2L * ws);
        caller.setFp(saved.getAsLong());
        return new Step(caller, FrameSource.FRAME_POINTER, false);
    }

    private Step scan(Registers regs) {
        int ws = regs.wordSize();
        long at = regs.sp() & -(long) ws;
        for (int i = 0; i < MemoryStackWalker.SCAN_WORDS; i++, at += ws) {
            var v = memory.readWord(at, ws);
            if (v.isEmpty()) return null;
            if (!covered(v.getAsLong())) continue;
            return new Step(regs.callerOf(v.getAsLong(), at + ws), FrameSource.STACK_SCAN, false);
        }
        return null;
    }

    /** True when {@code pc} is a return address into code that a FUNC or PUBLIC of its module's symbol file covers. */
    private boolean covered(long pc) {
        Optional<ModuleRecord> m = modules.moduleAt(pc - 1);
        if (m.isEmpty()) return false;
        Optional<BreakpadSymbols> sym = symbols(m.get());
        if (sym.isEmpty()) return false;
        long rel = pc - 1 - m.get().base();
        return sym.get().function(rel).isPresent() || sym.get().publicSymbol(rel).isPresent() && sym.get().function(rel).isEmpty()
                && rel < m.get().size();
    }

    private void symbolize(List<StackFrame> out, long pc, boolean first, FrameSource source) {
        Optional<ModuleRecord> m = modules.moduleAt(first ? pc : pc - 1);
        Optional<BreakpadSymbols> sym = m.flatMap(this::symbols);
        Optional<String> module = m.map(ModuleRecord::shortName);
        if (sym.isPresent()) {
            long rel = pc - m.get().base();
            long lookup = first ? rel : rel - 1;
            List<SourceFrame> frames = sym.get().frames(lookup);
            if (!frames.isEmpty()) {
                for (SourceFrame f : frames) {
                    out.add(new StackFrame(out.size(), Address.of(pc), module, Optional.of(f.function()),
                            f.inlined() ? 0 : rel - f.functionAddress(), f.file(), f.line(), f.inlined(),
                            f.inlined() ? FrameSource.INLINE : source));
                }
                return;
            }
            var p = sym.get().publicSymbol(lookup);
            if (p.isPresent()) {
                out.add(new StackFrame(out.size(), Address.of(pc), module, Optional.of(p.get().name()), rel - p.get().address(),
                        Optional.empty(), OptionalInt.empty(), false, source));
                return;
            }
        }
        out.add(new StackFrame(out.size(), Address.of(pc), module, Optional.empty(), m.map(r -> pc - r.base()).orElse(0L),
                Optional.empty(), OptionalInt.empty(), false, source));
    }

    /** The registers a walk tracks, by Breakpad's names ({@code $rip}, {@code $rsp}; {@code pc}, {@code sp}, {@code x29}; {@code r11}, {@code lr}). */
    static final class Registers {
        private final String arch, pcName, spName, fpName;
        private final Map<String, Long> values;
        private final List<String> calleeSaved;

        private Registers(String arch, Map<String, Long> values) {
            this.arch = arch;
            this.values = values;
            switch (arch) {
                case "amd64" -> { pcName = "$rip"; spName = "$rsp"; fpName = "$rbp"; calleeSaved = List.of("$rbx", "$rbp", "$r12", "$r13", "$r14", "$r15"); }
                case "x86" -> { pcName = "$eip"; spName = "$esp"; fpName = "$ebp"; calleeSaved = List.of("$ebx", "$ebp", "$esi", "$edi"); }
                // Breakpad's arm stackwalker takes r11 as the frame pointer (ARM-mode code; Thumb's r7 only CFI follows)
                case "arm" -> { pcName = "pc"; spName = "sp"; fpName = "r11";
                    calleeSaved = List.of("r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"); }
                default -> { pcName = "pc"; spName = "sp"; fpName = "x29";
                    calleeSaved = List.of("x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29"); }
            }
        }

        static Registers of(ThreadContext ctx) {
            String arch = ctx.arch();
            if (!arch.equals("amd64") && !arch.equals("x86") && !arch.equals("arm64") && !arch.equals("arm")) return null;
            boolean arm = arch.startsWith("arm");
            Map<String, Long> v = new HashMap<>();
            for (Register r : ctx.registers()) v.put(arm ? r.name() : "$" + r.name(), r.value());
            Registers regs = new Registers(arch, v);
            v.put(regs.pcName, ctx.pc());
            v.put(regs.spName, ctx.sp());
            return regs;
        }

        String arch() { return arch; }
        int wordSize() { return arch.equals("x86") || arch.equals("arm") ? 4 : 8; }
        long pc() { return values.getOrDefault(pcName, 0L); }
        long sp() { return values.getOrDefault(spName, 0L); }
        long fp() { return values.getOrDefault(fpName, 0L); }
        void setFp(long v) { values.put(fpName, v); }
        void set(String name, long v) { values.put(name, v); }
        Map<String, Long> variables() { return new HashMap<>(values); }

        /**
         * The caller's registers: pc and sp as given, the callee-saved ones unchanged until a rule says
         * otherwise. On arm a return address into Thumb code has its low bit set (lr as {@code bl} and
         * {@code blx} leave it); the pc is the instruction's address without it, as libdwfl and eu-stack give it.
         */
        Registers callerOf(long pc, long sp) {
            Map<String, Long> v = new HashMap<>();
            for (String r : calleeSaved) if (values.containsKey(r)) v.put(r, values.get(r));
            v.put(pcName, arch.equals("arm") ? pc & ~1L : pc);
            v.put(spName, sp);
            return new Registers(arch, v);
        }
    }
}
