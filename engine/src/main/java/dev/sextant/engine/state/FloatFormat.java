package dev.sextant.engine.state;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floating-point values printed with gdb's digits: C's {@code %.Ng} with N = DECIMAL_DIG of the
 * format (9 for float, 17 for double, 21 for x87 long double), {@code inf}, {@code -nan(0x8000000000000)}.
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
        return g(new BigDecimal(f), 9, Float.floatToRawIntBits(f) < 0);
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            long bits = Double.doubleToRawLongBits(d);
            return (bits < 0 ? "-" : "") + "nan(0x" + Long.toHexString(bits & 0xfffffffffffffL) + ")";
        }
        if (Double.isInfinite(d)) return d < 0 ? "-inf" : "inf";
        return g(new BigDecimal(d), 17, Double.doubleToRawLongBits(d) < 0);
    }

    /** The exact value of an 80-bit x87 extended number (the first 10 of {@code bytes}). */
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
        return g(x87(bytes), 21, neg && mantissa == 0);
    }

    /** C's {@code %.Pg}. */
    static String g(BigDecimal v, int precision, boolean negativeZero) {
        if (v.signum() == 0) return negativeZero ? "-0" : "0";
        BigDecimal r = v.round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1;
        String digits = r.unscaledValue().abs().toString();
        digits = digits.length() < precision ? digits + "0".repeat(precision - digits.length()) : digits.substring(0, precision);
        String sign = r.signum() < 0 ? "-" : "";
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
