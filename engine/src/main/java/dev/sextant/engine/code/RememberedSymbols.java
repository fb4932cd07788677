package dev.sextant.engine.code;

import java.util.Optional;

/**
 * {@link CodeSymbols#remembering}: symbols with the last answer remembered, as a listing asks about
 * neighbouring addresses, and (asking the file's {@link FileCode.Lookup}) the last two ranges known to
 * hold no symbol (two thirds of libc's code lies outside its exported functions; each instruction there
 * was a search of the symbol table). The answers are the lookup's, in any order of questions. One owner thread.
 */
final class RememberedSymbols implements CodeSymbols {
    private final CodeSymbols symbols;
    private Named last;
    /** [gapLo, gapHi) and [gap2Lo, gap2Hi): no symbol there (empty ranges at first). */
    private long gapLo, gapHi, gap2Lo, gap2Hi;

    RememberedSymbols(CodeSymbols symbols) { this.symbols = symbols; }

    @Override public Optional<Named> containing(long address) { return Optional.ofNullable(find(address)); }

    /** {@link #containing}'s answer or null, with no {@code Optional} made. */
    Named find(long address) {
        Named n = last;
        if (n != null && n.contains(address)) return n;
        if (Long.compareUnsigned(address - gapLo, gapHi - gapLo) < 0 || Long.compareUnsigned(address - gap2Lo, gap2Hi - gap2Lo) < 0) return null;
        Named found;
        if (symbols instanceof FileCode.Lookup file) {
            found = file.find(address);
            if (found == null) {
                gap2Lo = gapLo;
                gap2Hi = gapHi;
                gapLo = address;
                gapHi = file.emptyUntil(address);
            }
        } else {
            found = symbols.containing(address).orElse(null);
        }
        if (found != null) last = found;
        return found;
    }

    /** {@code symbols}' answer for {@code address}, or null. */
    static Named find(CodeSymbols symbols, long address) {
        return symbols instanceof RememberedSymbols r ? r.find(address) : symbols.containing(address).orElse(null);
    }
}
