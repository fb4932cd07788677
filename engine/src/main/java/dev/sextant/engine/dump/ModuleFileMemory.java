package dev.sextant.engine.dump;

import dev.sextant.engine.api.Module;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.TargetMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process's memory as its modules' files hold it: the read-only parts (code) that a core leaves
 * out. An address is read from the module that covers it, through its file's {@code PT_LOAD}
 * segments, at the bias the module was loaded with; anything else reads as nothing.
 */
public final class ModuleFileMemory implements TargetMemory {
    private record Image(ByteReader file, List<ProgramHeader> loads, long bias) {}

    private final List<Module> modules;
    private final Map<String, Image> images = new HashMap<>();

    public ModuleFileMemory(List<Module> modules) { this.modules = List.copyOf(modules); }

    @Override public byte[] read(long address, int length) {
        for (Module m : modules) {
            if (m.file().isEmpty() || Long.compareUnsigned(address - m.base().value(), m.size()) >= 0) continue;
            Image im = image(m);
            if (im == null) return new byte[0];
            long vaddr = address - im.bias();
            for (ProgramHeader p : im.loads()) {
                if (Long.compareUnsigned(vaddr - p.vaddr(), p.filesz()) >= 0) continue;
                long n = Math.min(length, p.filesz() - (vaddr - p.vaddr()));
                try {
                    return im.file().bytes("module code", p.offset() + vaddr - p.vaddr(), n);
                } catch (FormatException e) {
                    return new byte[0];
                }
            }
            return new byte[0];
        }
        return new byte[0];
    }

    private Image image(Module m) {
        String path = m.file().get();
        if (images.containsKey(path)) return images.get(path);
        Image im = null;
        try {
            ByteReader f = ByteReader.map(Path.of(path), ByteOrder.LITTLE_ENDIAN);
            ElfHeader eh = ElfHeader.read(f);
            f = f.withOrder(eh.order());
            List<ProgramHeader> loads = ProgramHeader.readAll(f, eh).stream().filter(p -> p.type() == ProgramHeader.PT_LOAD).toList();
            if (!loads.isEmpty()) {
                long first = loads.get(0).vaddr() & ~0xfffL;   // the module's start is its first segment's page
                im = new Image(f, loads, eh.type() == ElfHeader.ET_EXEC ? 0 : m.base().value() - first);
            }
        } catch (IOException | FormatException e) {
            // unreadable: reads as nothing
        }
        images.put(path, im);
        return im;
    }
}
