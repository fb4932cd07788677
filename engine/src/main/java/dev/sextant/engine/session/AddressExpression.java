package dev.sextant.engine.session;

import dev.sextant.engine.api.TargetException;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Memory view's address expressions: a hex number ({@code 0x7ffe1000} or {@code 7ffe1000}), a
 * register or symbol name ({@code rsp}, {@code orders_done}), optionally {@code +} or {@code -} a hex
 * offset ({@code main+0x10}, {@code rsp-8}). Names are looked up by the caller (registers first).
 */
final class AddressExpression {
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z_.$@][\\w.$@]*|(?:0[xX])?[0-9a-fA-F]+)\\s*(?:([+-])\\s*((?:0[xX])?[0-9a-fA-F]+))?\\s*");
    private static final Pattern HEX = Pattern.compile("(?:0[xX])?[0-9a-fA-F]+");

    private AddressExpression() {}

    static long evaluate(String expression, Function<String, OptionalLong> names) {
        Matcher m = FORM.matcher(expression);
        if (!m.matches()) {
            throw new TargetException("'" + expression.strip() + "' is not an address: write 0x7ffe1000, a register (rsp), a symbol, or symbol+0x10");
        }
        String base = m.group(1);
        long value;
        // A name that is also valid hex (an 'add' symbol, the 'ah' register) is a name when it has one.
        OptionalLong named = Character.isDigit(base.charAt(0)) ? OptionalLong.empty() : names.apply(base);
        if (named.isPresent()) {
            value = named.getAsLong();
        } else if (HEX.matcher(base).matches()) {
            value = hex(base, expression);
        } else {
            throw new TargetException("'" + base + "': no register or symbol of that name in the current scope");
        }
        if (m.group(2) != null) {
            long offset = hex(m.group(3), expression);
            value = m.group(2).equals("+") ? value + offset : value - offset;
        }
        return value;
    }

    private static long hex(String text, String expression) {
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new TargetException("'" + expression.strip() + "': " + text + " does not fit in 64 bits", e);
        }
    }
}
