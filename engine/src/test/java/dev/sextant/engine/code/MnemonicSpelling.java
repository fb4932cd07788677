package dev.sextant.engine.code;

import java.util.Set;

/**
 * The known spelling differences between Sextant's mnemonics (Capstone 4, respelled as objdump in
 * {@link ObjdumpSpelling}) and binutils 2.40's, for the objdump agreement test. Each is the same
 * instruction written two ways:
 * <ul>
 *   <li>objdump writes redundant prefixes as words before the mnemonic, Capstone leaves them out:
 *       segment overrides on a nop ({@code cs nop WORD PTR [rax+rax*1+0x0]}), {@code data16},
 *       {@code addr32}, {@code notrack} (CET), unused REX bytes ({@code rex.W}).</li>
 * </ul>
 */
final class MnemonicSpelling {
    private MnemonicSpelling() {}

    static final Set<String> OBJDUMP_ONLY_PREFIXES = Set.of("cs", "ds", "es", "ss", "data16", "addr32", "notrack");

    static boolean same(String ours, String objdump, String objdumpOperands) {
        if (ours.equals(objdump)) return true;
        StringBuilder kept = new StringBuilder();
        for (String w : objdump.split(" ")) {
            if (OBJDUMP_ONLY_PREFIXES.contains(w) || w.startsWith("rex")) continue;
            if (kept.length() > 0) kept.append(' ');
            kept.append(w);
        }
        return ours.equals(kept.toString());
    }
}
