package dev.sextant.engine.state;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Floating-point values printed with gdb's digits: C's {@code %.Ng} with N = DECIMAL_DIG of the
 * format (9 for float, 17 for double, 21 for x87 long double), {@code inf}, {@code -nan(0x8000000000000)}.
 * The digits come from the value's exact decimal expansion (a binary fraction m × 2^-k is
 * m × 5^k / 10^k) with BigInteger, not BigDecimal: BigDecimal's class initializer computes 5^65536
 * (about 15 ms, once a process, before the first value of a short command).
 */
public final class FloatFormat {
    private FloatFormat() {}

    public static String format(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> formatFloat(Float.intBitsToFloat((int) Values.le(bytes, 0, 4)));
            case 8 -> formatDouble(Double.longBitsToDouble(Values.le(bytes, 0, 8)));
            default -> formatX87(bytes);
        };
    }

    static String formatFloat(float f) {
        if (Float.isNaN(f)) {
            int bits = Float.floatToRawIntBits(f);
            return (bits < 0 ? "-" : "") + "nan(0x" + Integer.toHexString(bits & 0x7fffff) + ")";
        }
        if (Float.isInfinite(f)) return f < 0 ? "-inf" : "inf";
        int bits = Float.floatToRawIntBits(f);
        int exp = (bits >>> 23) & 0xff;
        long mantissa = exp == 0 ? bits & 0x7fffff : (bits & 0x7fffff) | 0x800000;
        return g(BigInteger.valueOf(mantissa), (exp == 0 ? 1 : exp) - 127 - 23, 9, bits < 0);
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            long bits = Double.doubleToRawLongBits(d);
            return (bits < 0 ? "-" : "") + "nan(0x" + Long.toHexString(bits & 0xfffffffffffffL) + ")";
        }
        if (Double.isInfinite(d)) return d < 0 ? "-inf" : "inf";
        long bits = Double.doubleToRawLongBits(d);
        int exp = (int) (bits >>> 52) & 0x7ff;
        long mantissa = exp == 0 ? bits & 0xfffffffffffffL : (bits & 0xfffffffffffffL) | (1L << 52);
        return g(BigInteger.valueOf(mantissa), (exp == 0 ? 1 : exp) - 1023 - 52, 17, bits < 0);
    }

    /** The exact value of an 80-bit x87 extended number (the first 10 of {@code bytes}), for arithmetic. */
    static BigDecimal x87(byte[] bytes) {
        long mantissa = Values.le(bytes, 0, 8);
        int se = (int) Values.le(bytes, 8, 2);
        int exp = se & 0x7fff;
        boolean neg = (se & 0x8000) != 0;
        BigDecimal m = new BigDecimal(new BigInteger(Long.toUnsignedString(mantissa)));
        int e2 = (exp == 0 ? 1 : exp) - 16383 - 63;
        BigDecimal v = e2 >= 0 ? m.multiply(new BigDecimal(BigInteger.TWO.pow(e2)))
                : m.divide(new BigDecimal(BigInteger.TWO.pow(-e2)));
        return neg ? v.negate() : v;
    }

    static String formatX87(byte[] bytes) {
        if (bytes.length < 10) return "<invalid float value>";
        int se = (int) Values.le(bytes, 8, 2);
        long mantissa = Values.le(bytes, 0, 8);
        boolean neg = (se & 0x8000) != 0;
        if ((se & 0x7fff) == 0x7fff) {
            long frac = mantissa & 0x7fffffffffffffffL;
            return frac == 0 ? (neg ? "-inf" : "inf") : (neg ? "-" : "") + "nan(0x" + Long.toHexString(frac) + ")";
        }
        int exp = se & 0x7fff;
        return g(new BigInteger(Long.toUnsignedString(mantissa)), (exp == 0 ? 1 : exp) - 16383 - 63, 21, neg);
    }

    /**
     * C's {@code %.Pg} of {@code mantissa} × 2^{@code exp2} (negated when {@code negative}): the exact
     * decimal digits, rounded to {@code precision} significant ones half to even, as glibc rounds.
     */
    static String g(BigInteger mantissa, int exp2, int precision, boolean negative) {
        String sign = negative ? "-" : "";
        if (mantissa.signum() == 0) return sign + "0";
        // the value is exact × 10^min(exp2, 0): m × 2^-k = m × 5^k / 10^k
        BigInteger exact = exp2 >= 0 ? mantissa.shiftLeft(exp2) : mantissa.multiply(BigInteger.valueOf(5).pow(-exp2));
        String all = exact.toString();
        int exponent = all.length() - 1 + Math.min(exp2, 0);    // of the first digit
        String digits;
        if (all.length() <= precision) {
            digits = all + "0".repeat(precision - all.length());
        } else {
            digits = all.substring(0, precision);
            char next = all.charAt(precision);
            boolean beyond = false;
            for (int i = precision + 1; i < all.length() && !beyond; i++) beyond = all.charAt(i) != '0';
            boolean odd = (digits.charAt(precision - 1) - '0') % 2 == 1;
            if (next > '5' || next == '5' && (beyond || odd)) {
                String up = new BigInteger(digits).add(BigInteger.ONE).toString();
                if (up.length() > precision) {      // 99…9 rounded up: one more digit before the point
                    up = up.substring(0, precision);
                    exponent++;
                }
                digits = up;
            }
        }
        if (exponent < -4 || exponent >= precision) {
            String frac = stripZeros(digits.substring(1));
            String mant = frac.isEmpty() ? digits.substring(0, 1) : digits.charAt(0) + "." + frac;
            String e = Integer.toString(Math.abs(exponent));
            return sign + mant + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        String s;
        if (exponent >= 0) {
            s = digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
        } else {
            s = "0." + "0".repeat(-exponent - 1) + digits;
        }
        s = stripZeros(s);
        if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        return sign + s;
    }

    /** Trailing zeros off a string of digits (a fraction, or a fixed number that has a dot). */
    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') end--;
        return s.substring(0, end);
    }
}
