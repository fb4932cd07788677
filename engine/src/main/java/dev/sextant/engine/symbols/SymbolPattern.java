package dev.sextant.engine.symbols;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A symbol search as WinDbg's {@code x}: {@code [module!]name}, each part a glob ({@code *}, {@code ?})
 * or, between slashes, a regular expression ({@code libc*!/^mem(cpy|set)$/}). A part without
 * wildcards matches exactly. Immutable.
 */
record SymbolPattern(Optional<Pattern> module, Pattern name, String namePart, boolean exactName) {

    static SymbolPattern parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("empty symbol pattern");
        int bang = t.startsWith("/") ? -1 : t.indexOf('!');
        Optional<Pattern> mod = Optional.empty();
        String name = t;
        if (bang >= 0) {
            String m = t.substring(0, bang);
            name = t.substring(bang + 1);
            if (!m.isEmpty() && !m.equals("*")) mod = Optional.of(compile(m));
        }
        if (name.isEmpty()) name = "*";
        boolean exact = !isRegex(name) && name.indexOf('*') < 0 && name.indexOf('?') < 0;
        return new SymbolPattern(mod, compile(name), name, exact);
    }

    boolean matchesModule(String shortName) {
        return module.isEmpty() || module.get().matcher(shortName).matches();
    }

    /**
     * The name as the symbol table spells it, or without its version: {@code pthread_create} finds
     * {@code pthread_create@@GLIBC_2.34} and {@code pthread_create@GLIBC_2.2.5}, as {@code nm -D} lists them.
     */
    boolean matchesName(String symbol) {
        if (name.matcher(symbol).matches()) return true;
        int at = symbol.indexOf('@');
        return at > 0 && name.matcher(symbol.substring(0, at)).matches();
    }

    private static boolean isRegex(String s) {
        return s.length() >= 2 && s.startsWith("/") && s.endsWith("/");
    }

    private static Pattern compile(String part) {
        try {
            if (isRegex(part)) return Pattern.compile(".*(?:" + part.substring(1, part.length() - 1) + ").*");
            StringBuilder re = new StringBuilder();
            for (char c : part.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad symbol pattern '" + part + "': " + e.getDescription());
        }
    }
}
