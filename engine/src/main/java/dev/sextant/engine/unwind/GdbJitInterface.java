package dev.sextant.engine.unwind;

import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The GDB JIT interface as a target keeps it in memory (gdb's {@code jit.h}, x86-64 layout):
 * <pre>
 * struct jit_descriptor { uint32_t version; uint32_t action_flag; jit_code_entry *relevant_entry @8; jit_code_entry *first_entry @16; };
 * struct jit_code_entry { jit_code_entry *next_entry @0; *prev_entry @8; const char *symfile_addr @16; uint64_t symfile_size @24; };
 * </pre>
 * Each entry points at an object file the code generator built in memory; its {@code .eh_frame}
 * (absolute addresses, as gdb reads it) and {@code .symtab} describe the generated functions. The
 * list is the target's: it may be cut, looping or pointing anywhere, so the walk is bounded and an
 * object that cannot be read becomes a problem, not a failure.
 */
public final class GdbJitInterface {
    private GdbJitInterface() {}

    /** gdb's symbol names: the descriptor, and the function the target calls after each change. */
    public static final String DESCRIPTOR = "__jit_debug_descriptor", REGISTER_CODE = "__jit_debug_register_code";
    /** Bounds against a corrupt list: entries walked, and the size of one in-memory object. */
    public static final int MAX_ENTRIES = 100_000, MAX_OBJECT_SIZE = 64 << 20;

    /** One {@code jit_code_entry}: where it is and the object it points to. */
    public record Entry(long address, long symfileAddress, long symfileSize) {}

    /** The entries now in the list, first to last; {@code problems} gets what stopped the walk early. */
    public static List<Entry> entries(TargetMemory memory, long descriptor, List<String> problems) {
        List<Entry> out = new ArrayList<>();
        OptionalLong version = memory.readWord(descriptor);
        OptionalLong first = memory.readWord(descriptor + 16);
        if (version.isEmpty() || first.isEmpty()) {
            problems.add(DESCRIPTOR + " at 0x" + Long.toHexString(descriptor) + " is not readable");
            return out;
        }
        if ((int) version.getAsLong() != 1) problems.add(DESCRIPTOR + " has version " + (int) version.getAsLong() + ", not 1");
        Set<Long> seen = new HashSet<>();
        long e = first.getAsLong();
        while (e != 0) {
            if (!seen.add(e)) { problems.add("the JIT entry list loops at 0x" + Long.toHexString(e)); break; }
            if (out.size() >= MAX_ENTRIES) { problems.add("more than " + MAX_ENTRIES + " JIT entries; the rest are not read"); break; }
            byte[] b = memory.read(e, 32);
            if (b.length < 32) { problems.add("JIT entry 0x" + Long.toHexString(e) + " is not readable"); break; }
            ByteReader r = ByteReader.of(b, ByteOrder.LITTLE_ENDIAN);
            out.add(new Entry(e, r.u64("symfile_addr", 16), r.u64("symfile_size", 24)));
            e = r.u64("next_entry", 0);
        }
        return out;
    }

    /** The functions of one entry's object: one per FDE of its {@code .eh_frame}/{@code .debug_frame}, named by its symbols. */
    public static List<FunctionEntry> functions(TargetMemory memory, Entry entry) {
        if (entry.symfileSize() <= 0 || entry.symfileSize() > MAX_OBJECT_SIZE) {
            throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, entry.symfileAddress(), "JIT object",
                    "size " + entry.symfileSize() + " is not between 1 and " + MAX_OBJECT_SIZE);
        }
        byte[] bytes = memory.read(entry.symfileAddress(), (int) entry.symfileSize());
        if (bytes.length < entry.symfileSize()) {
            throw new FormatException(FormatException.Kind.TRUNCATED, entry.symfileAddress() + bytes.length, "JIT object",
                    "only " + bytes.length + " of " + entry.symfileSize() + " bytes are readable");
        }
        return functions(ElfUnwindTables.read(ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN)));
    }

    static List<FunctionEntry> functions(ElfUnwindTables object) {
        SymbolTable symbols = object.symbols();
        List<FunctionEntry> out = new ArrayList<>();
        for (CfiSection s : object.tables()) {
            out.addAll(DynamicTables.entries(s, pc -> symbols.containing(pc).map(x -> x.value() == pc ? x.name()
                    : x.name() + "+0x" + Long.toHexString(pc - x.value()))));
        }
        return out;
    }
}
