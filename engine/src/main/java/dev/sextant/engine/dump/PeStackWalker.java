package dev.sextant.engine.dump;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.ThreadContext;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.unwind.PdataTable;
import dev.sextant.engine.unwind.RuntimeFunction;
import dev.sextant.engine.unwind.UnwindCode;
import dev.sextant.engine.unwind.UnwindInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Walks the stacks of a Windows x64 minidump with the {@code .pdata}/{@code .xdata} unwind info of
 * the module images at hand (the virtual unwind of {@code RtlVirtualUnwind}: undo the prolog's
 * pushes, allocations and frame register, then pop the return address). An image is at hand when
 * a file of the module's name lies beside the dump, at its Windows path under {@code --sysroot},
 * or at the Unix path of Wine's {@code Z:} drive, with the module's timestamp and size. Where the
 * pc is in a module without an image, the frame-pointer and scan walker takes over from there.
 * Frames carry {@link FrameSource#UNWIND_INFO}. One thread.
 */
final class PeStackWalker {
    /** x64 unwind-code register numbers: rax rcx rdx rbx rsp rbp rsi rdi r8..r15. */
    private static final String[] X64 = UnwindCode.REGISTERS;
    private static final int RSP = 4, RBP = 5;

    private final MemoryRegions memory;
    private final List<ModuleRecord> modules;
    private final MemoryStackWalker fallback;
    private final Path dumpDir;
    private final CoreOptions options;
    private final Map<Integer, Optional<PdataTable>> tables = new HashMap<>();

    private PeStackWalker(MemoryRegions memory, List<ModuleRecord> modules, Path dump, CoreOptions options, MemoryStackWalker fallback) {
        this.memory = memory;
        this.modules = modules;
        this.fallback = fallback;
        Path abs = dump.toAbsolutePath().getParent();
        this.dumpDir = abs == null ? Path.of(".") : abs;
        this.options = options;
    }

    /**
     * A walker when at least one module's image with unwind info is at hand; else empty.
     * {@code fallback} (over the same memory and modules) walks on where no image is at hand.
     */
    static Optional<PeStackWalker> open(MemoryRegions memory, List<ModuleRecord> modules, Path dump, CoreOptions options,
                                        MemoryStackWalker fallback) {
        PeStackWalker w = new PeStackWalker(memory, modules, dump, options, fallback);
        for (ModuleRecord m : w.modules) if (w.table(m).isPresent()) return Optional.of(w);
        return Optional.empty();
    }

    /** The walk of one amd64 thread. */
    ThreadStack walk(Tid tid, ThreadContext ctx) {
        long[] regs = new long[16];
        for (Register r : ctx.registers()) {
            for (int i = 0; i < X64.length; i++) if (X64[i].equals(r.name())) regs[i] = r.value();
        }
        long rip = ctx.pc();
        List<StackFrame> frames = new ArrayList<>();
        frames.add(frame(0, rip, FrameSource.REGISTERS));
        Optional<String> stop = Optional.empty();
        while (true) {
            if (frames.size() >= MemoryStackWalker.MAX_FRAMES) { stop = Optional.of("stopped after " + frames.size() + " frames"); break; }
            Optional<ModuleRecord> m = moduleAt(rip);
            Optional<PdataTable> t = m.flatMap(this::table);
            if (t.isEmpty()) {
                // No image here: frame pointers and the stack scan from this frame on.
                List<Register> named = new ArrayList<>();
                for (int i = 0; i < 16; i++) named.add(new Register(X64[i], regs[i]));
                ThreadStack rest = fallback.walk(tid, new ThreadContext("amd64", 0, named, rip, regs[RSP], regs[RBP]));
                for (StackFrame f : rest.frames().subList(1, rest.frames().size())) frames.add(frame(frames.size(), f.pc().value(), f.source()));
                stop = rest.stopReason();
                break;
            }
            long before = regs[RSP];
            OptionalLong caller;
            try {
                caller = unwind(t.get(), rip - m.get().base(), frames.size() == 1, regs);
            } catch (FormatException e) {
                stop = Optional.of("bad unwind info in " + m.get().shortName() + ": " + e.getMessage());
                break;
            }
            if (caller.isEmpty()) { stop = Optional.of("the stack at 0x" + Long.toHexString(regs[RSP]) + " is not in the dump"); break; }
            rip = caller.getAsLong();
            if (rip == 0) break;                                    // the outermost frame
            if (Long.compareUnsigned(regs[RSP], before) <= 0) { stop = Optional.of("the stack pointer did not grow"); break; }
            frames.add(frame(frames.size(), rip, FrameSource.UNWIND_INFO));
        }
        return new ThreadStack(tid, frames, stop);
    }

    /**
     * One virtual unwind at {@code rva} in {@code table}'s image: updates {@code regs} to the
     * caller's and returns the caller's pc, or empty when the stack is not in the dump.
     * {@code exact} is true for frame 0 (its pc is the faulting instruction, not a return address).
     */
    private OptionalLong unwind(PdataTable table, long rva, boolean exact, long[] regs) {
        Optional<RuntimeFunction> f = table.lookup(exact ? rva : rva - 1);
        if (f.isEmpty()) return pop(regs);                          // a leaf: the return address is at rsp
        boolean primary = true;
        for (UnwindInfo ui : table.chain(f.get())) {
            long inProlog = rva - f.get().begin();
            for (UnwindCode c : ui.codes()) {
                if (primary && c.codeOffset() > inProlog) continue; // that prolog instruction has not run yet
                switch (c.op()) {
                    case PUSH_NONVOL -> {
                        OptionalLong v = memory.readWord(regs[RSP], 8);
                        if (v.isEmpty()) return OptionalLong.empty();
                        regs[c.register()] = v.getAsLong();
                        regs[RSP] += 8;
                    }
                    case ALLOC_LARGE, ALLOC_SMALL -> regs[RSP] += c.value();
                    case SET_FPREG -> regs[RSP] = regs[ui.frameRegister()] - 16L * ui.frameOffset();
                    case SAVE_NONVOL, SAVE_NONVOL_FAR -> {
                        OptionalLong v = memory.readWord(regs[RSP] + c.value(), 8);
                        if (v.isEmpty()) return OptionalLong.empty();
                        regs[c.register()] = v.getAsLong();
                    }
                    case PUSH_MACHFRAME -> {
                        long at = regs[RSP] + (c.info() == 1 ? 8 : 0);
                        OptionalLong ip = memory.readWord(at, 8), sp = memory.readWord(at + 24, 8);
                        if (ip.isEmpty() || sp.isEmpty()) return OptionalLong.empty();
                        regs[RSP] = sp.getAsLong();
                        return ip;
                    }
                    default -> { }                                  // XMM saves and epilog markers move no integer register
                }
            }
            primary = false;
        }
        return pop(regs);
    }

    private OptionalLong pop(long[] regs) {
        OptionalLong ret = memory.readWord(regs[RSP], 8);
        if (ret.isPresent()) regs[RSP] += 8;
        return ret;
    }

    private Optional<PdataTable> table(ModuleRecord m) {
        return tables.computeIfAbsent(m.index(), k -> image(m).flatMap(img -> {
            try {
                return PdataTable.read(img);
            } catch (FormatException e) {
                return Optional.empty();
            }
        }));
    }

    /** The module's image at hand, if its timestamp and size are the module's. */
    private Optional<PeImage> image(ModuleRecord m) {
        String name = m.name().replace('\\', '/');
        List<Path> candidates = new ArrayList<>(3);
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (!base.isEmpty()) candidates.add(dumpDir.resolve(base));
        String rest = name.length() > 2 && name.charAt(1) == ':' ? name.substring(2) : name;
        options.sysroot().ifPresent(r -> candidates.add(r.resolve(rest.replaceFirst("^/+", ""))));
        if (name.regionMatches(true, 0, "Z:/", 0, 3)) candidates.add(Path.of(rest));          // Wine's Z: is /
        for (Path p : candidates) {
            if (!Files.isRegularFile(p)) continue;
            try {
                PeImage img = PeImage.open(p);
                boolean same = (m.timestamp() == 0 || img.fileHeader().timeDateStamp() == m.timestamp())
                        && (m.size() == 0 || img.optionalHeader().sizeOfImage() == m.size());
                if (same && img.fileHeader().machine() == PeImage.IMAGE_FILE_MACHINE_AMD64) return Optional.of(img);
            } catch (IOException | FormatException e) {
                // not an image, or not this one: try the next place
            }
        }
        return Optional.empty();
    }

    private Optional<ModuleRecord> moduleAt(long pc) { return fallback.moduleAt(pc); }

    private StackFrame frame(int index, long pc, FrameSource source) { return fallback.frame(index, pc, source); }
}
