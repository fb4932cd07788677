package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.dump.CoreMemoryImage;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.ElfCoreReader;
import dev.sextant.engine.dump.ModuleFileMemory;
import dev.sextant.engine.elfutils.CoreSession;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.state.EvaluationException;
import dev.sextant.engine.state.FrameContext;
import dev.sextant.engine.state.StateSession;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.List;

/**
 * The program state of an opened ELF core: the current scope (the crashed thread's innermost frame
 * until the user picks another), and variables read on first request through the libdwfl session the
 * stacks were read with (a second one where that one could not be kept), kept until the core is
 * closed. Engine thread only.
 */
final class CoreState implements AutoCloseable {
    private final Path core;
    private final CoreOptions options;
    private final DumpReport report;
    private Command.SetScope scope;
    private CoreMemoryImage image;
    private ModuleFileMemory files;
    private StateSession session;
    private SourceLookup lookup;
    private CoreSession read;       // the stacks' session until the state takes it

    /** {@code read}: the session the stacks were read with, which this state owns from now on; else one is opened on the first read. */
    CoreState(Path core, CoreOptions options, DumpReport report, Optional<CoreSession> read) {
        this.core = core;
        this.options = options;
        this.report = report;
        this.read = read.orElse(null);
        Tid first = report.threads().stream().filter(ThreadInfo::crashed).findFirst()
                .or(() -> report.threads().stream().findFirst()).map(ThreadInfo::tid).orElse(new Tid(0));
        this.scope = new Command.SetScope(first, 0);
    }

    Command.SetScope scope() { return scope; }

    /** Whether the scope changed; an unknown thread or frame is refused. */
    boolean setScope(Command.SetScope s) {
        if (report.stacks().stream().noneMatch(st -> st.tid().equals(s.thread()) && s.frame() >= 0 && s.frame() < st.frames().size())) {
            throw new dev.sextant.engine.api.TargetException("no frame " + s.frame() + " in thread " + s.thread() + " of this core");
        }
        if (s.equals(scope)) return false;
        scope = s;
        return true;
    }

    List<Variable> read(Command.ReadVariables r) {
        return session().variables(r.thread().orElse(scope.thread()).value(), r.frame().orElse(scope.frame()), r.elements());
    }

    Variable evaluate(Command.Evaluate e) {
        return session().evaluate(e.thread().orElse(scope.thread()).value(), e.frame().orElse(scope.frame()), e.expression(),
                Command.ReadVariables.DEFAULT_ELEMENTS);
    }

    /** Code of the core's memory, the modules' files filling in what the core left out (its text, usually). */
    Disassembly disassemble(CodeRange range, Disassembler disassembler, Function<String, OptionalLong> names) {
        StateSession s = session();
        if (lookup == null) lookup = new SourceLookup(s.dwfl());
        return LiveCode.disassemble(core.toString(), this::codeBlock, s.dwfl(), lookup, a -> Optional.empty(), range, disassembler, names);
    }

    private MemoryBlock codeBlock(long address, int length) {
        MemoryBlock b = image.read(address, length);
        if (b.readableCount() == length) return b;
        byte[] file = files.read(address, length);
        byte[] out = b.bytes();
        BitSet readable = new BitSet(length);
        for (int i = 0; i < length; i++) {
            if (b.readable(i)) readable.set(i);
            else if (i < file.length) { out[i] = file[i]; readable.set(i); }
        }
        return new MemoryBlock(Address.of(address), out, readable);
    }

    private StateSession session() {
        if (session == null) {
            image = CoreMemoryImage.open(core);
            files = new ModuleFileMemory(report.modules());
            CoreSession dwfl = read != null ? read : ElfCoreReader.openSession(core, options);
            read = null;
            session = StateSession.open(dwfl, true, memory);
        }
        return session;
    }

    /** The core's bytes, else the modules' files (read-only data a core leaves out, as gdb reads it). */
    private final FrameContext.Memory memory = (address, length) -> {
        MemoryBlock b = image.read(address, length);
        if (b.readableCount() == length) return b.bytes();
        byte[] f = files.read(address, length);
        if (f.length == length) return f;
        for (int i = 0; i < length; i++) {
            if (!b.readable(i)) throw EvaluationException.unreadable(address + i);
        }
        return b.bytes();
    };

    @Override public void close() {
        if (session != null) session.close();
        if (read != null) read.close();
        read = null;
        if (image != null) image.close();
        session = null;
        lookup = null;
        image = null;
    }
}
