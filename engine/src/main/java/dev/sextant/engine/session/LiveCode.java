package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.code.CodeSymbols;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.ResolvedFrame;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.unwind.DynamicTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Disassembly of a live target's memory (module code and generated code alike), read through
 * {@code /proc/PID/mem} with breakpoint bytes shown as the program's own. Names come from libdwfl
 * (functions, PLT stubs) and, for code no module covers, the dynamic function tables (JIT code).
 * Engine thread only.
 */
final class LiveCode {
    private LiveCode() {}

    static Disassembly disassemble(Tracer tracer, ElfSession dwfl, SourceLookup lookup, DynamicTables tables, CodeRange range,
                                   Disassembler disassembler, Function<String, OptionalLong> names) {
        return disassemble("process " + tracer.pid(), tracer::readProgramMemory, dwfl, lookup,
                address -> tables.describe(address, true).flatMap(c -> c.name().map(n -> new CodeSymbols.Named(n, c.start()))),
                range, disassembler, names);
    }

    /**
     * Of any target's memory ({@code source} names it: {@code "process 42"}, a core's path): names
     * from libdwfl, else from {@code generated} (code no module covers).
     */
    static Disassembly disassemble(String source, BiFunction<Long, Integer, MemoryBlock> memory, ElfSession dwfl, SourceLookup lookup,
                                   LongFunction<Optional<CodeSymbols.Named>> generated, CodeRange range,
                                   Disassembler disassembler, Function<String, OptionalLong> names) {
        long start;
        long end;
        List<Long> function = range.startsAtAddress() ? List.of() : lookup.functionAddresses(range.start());
        if (!function.isEmpty()) {
            start = function.get(0);
            long fnEnd = lookup.function(start).filter(f -> f.end() - f.start() > 1).map(SourceLookup.FunctionRange::end).orElse(-1L);
            end = range.end().map(Address::value).orElse(range.count().isPresent() ? -1L : fnEnd);
        } else {
            start = AddressExpression.evaluate(range.start(), names);
            end = range.end().map(Address::value).orElse(-1L);
        }
        int count = range.count().orElse(end == -1L ? CodeRange.DEFAULT_COUNT : CodeRange.MAX_COUNT);
        long length = Math.min((long) count * 15, 1 << 20);
        if (end != -1L) {
            if (Long.compareUnsigned(end, start) <= 0) throw new TargetException("the end " + Address.of(end) + " is not after the start " + Address.of(start));
            length = Math.min(length, end - start);
        }
        MemoryBlock block = memory.apply(start, (int) length);
        int readable = 0;
        while (readable < block.length() && block.readable(readable)) readable++;
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (readable == 0) throw new TargetException(source + ": no readable memory at " + Address.of(start));
        if (readable < block.length()) {
            diagnostics.add(new Diagnostic(Severity.WARNING, "memory is unreadable from " + Address.of(start + readable) + ": the listing stops there"));
        }
        CodeSymbols symbols = address -> named(dwfl, generated, address);
        List<Instruction> out = disassembler.decode(block.bytes(), readable, start, count, symbols, a -> source(dwfl, a));
        return new Disassembly(source, out, diagnostics);
    }

    /** The physical function at {@code address} (libdwfl's symbol or PLT stub), else a dynamic table's entry. */
    static Optional<CodeSymbols.Named> named(ElfSession dwfl, LongFunction<Optional<CodeSymbols.Named>> generated, long address) {
        List<ResolvedFrame> rows = dwfl.symbolize(address, true);
        ResolvedFrame outer = rows.get(rows.size() - 1);
        if (outer.function().isPresent()) return Optional.of(new CodeSymbols.Named(outer.function().get(), address - outer.offset()));
        return generated.apply(address);
    }

    static Optional<String> source(ElfSession dwfl, long address) {
        List<ResolvedFrame> rows = dwfl.symbolize(address, true);
        ResolvedFrame inner = rows.get(0);
        if (inner.file().isEmpty() || inner.line().isEmpty()) return Optional.empty();
        return Optional.of(inner.file().get() + ":" + inner.line().getAsInt());
    }
}
