package dev.sextant.app.view.registers;

import dev.sextant.engine.api.SseRegisters;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/** The Registers view's rows for the SSE state: xmm0–xmm15, mxcsr, fctrl and fstat (gdb's names). */
final class SseRows {
    private SseRows() {}

    static boolean isSse(String name) {
        return name.startsWith("xmm") || name.equals("mxcsr") || name.equals("fctrl") || name.equals("fstat");
    }

    static List<RegisterRow> of(SseRegisters r) {
        List<RegisterRow> out = new ArrayList<>();
        if (r.state().isEmpty()) {
            for (int i = 0; i < 16; i++) out.add(new RegisterRow("xmm" + i, RegistersModel.NOT_SAVED, RegistersModel.NOT_SAVED, false));
            out.add(new RegisterRow("mxcsr", RegistersModel.NOT_SAVED, RegistersModel.NOT_SAVED, false));
            return out;
        }
        SseRegisters.State s = r.state().get();
        for (SseRegisters.Xmm x : s.xmm()) out.add(new RegisterRow(x.name(), x.hex(), lanes(x), false));
        out.add(word("mxcsr", s.mxcsr(), 8));
        out.add(word("fctrl", s.fcw(), 4));
        out.add(word("fstat", s.fsw(), 4));
        return out;
    }

    /** "double {1.5, -2.25} · float {0.5, 1, -3, 42.75}" (gdb's v2_double and v4_float). */
    static String lanes(SseRegisters.Xmm x) {
        float[] f = x.floats();
        String floats = DoubleStream.of(f[0], f[1], f[2], f[3]).mapToObj(v -> number((float) v)).collect(Collectors.joining(", "));
        double[] d = x.doubles();
        return "double {" + number(d[0]) + ", " + number(d[1]) + "} · float {" + floats + "}";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e7 ? Long.toString((long) v) : Float.toString(v);
    }

    private static RegisterRow word(String name, int value, int digits) {
        return new RegisterRow(name, String.format("0x%0" + digits + "x", value), Integer.toUnsignedString(value), false);
    }
}
