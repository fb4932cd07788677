package dev.sextant.engine.dump;

import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.RegisterSet;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Names of the general registers in {@code NT_PRSTATUS.pr_reg}, per architecture (the kernel's order, as {@link PrStatusLayout} gives it). */
final class RegisterLayout {
    private RegisterLayout() {}

    static RegisterSet of(ElfHeader eh, long[] raw) {
        return of(eh, PrStatusLayout.of(eh), raw);
    }

    /** As above with the layout already made (once for all of a core's threads: 100,000 threads made it 100,000 times). */
    static RegisterSet of(ElfHeader eh, Optional<PrStatusLayout> layout, long[] raw) {
        List<PrStatusLayout.Field> fields = layout.map(PrStatusLayout::registers).orElse(List.of());
        List<Register> regs = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length && i < fields.size(); i++) regs.add(new Register(fields.get(i).name(), raw[i]));
        return new RegisterSet(layout.map(PrStatusLayout::arch).orElse(eh.machineName()), regs);
    }
}
