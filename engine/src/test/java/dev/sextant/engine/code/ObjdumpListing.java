package dev.sextant.engine.code;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** {@code objdump -d -M intel FILE} parsed: every instruction by address (size from its byte columns, the mnemonic). */
final class ObjdumpListing {
    record Line(long address, int size, String mnemonic, String operands) {}

    private static final Pattern INSN = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(.*)$");
    private static final Pattern MORE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*$");

    final TreeMap<Long, Line> byAddress = new TreeMap<>(Long::compareUnsigned);

    /** Skips the test unless Capstone loads and Debian's cross gcc and objdump (the reference) for {@code triple} are installed. */
    static void assumeCrossTools(String triple) {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        Assumptions.assumeTrue(Tools.onPath(triple + "-gcc"), "no " + triple + "-gcc (Debian package gcc-" + triple + ")");
        Assumptions.assumeTrue(Tools.onPath(triple + "-objdump"), "no " + triple + "-objdump (Debian package binutils-" + triple + ")");
    }

    static ObjdumpListing of(Path file) throws IOException, InterruptedException {
        ObjdumpListing out = new ObjdumpListing();
        for (ObjdumpListing section : sections(file)) out.byAddress.putAll(section.byAddress);
        return out;
    }

    /**
     * objdump's listing section by section ({@code Disassembly of section .text:}), in its order: an
     * object's code sections all start at 0 ({@code .text}, {@code .text.__x86.get_pc_thunk.bx}).
     */
    static List<ObjdumpListing> sections(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("objdump", "-d", "-M", "intel", "-w", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ObjdumpListing> sections = new ArrayList<>();
        ObjdumpListing out = new ObjdumpListing();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String s; (s = r.readLine()) != null; ) {
                if (s.startsWith("Disassembly of section ")) {
                    out = new ObjdumpListing();
                    sections.add(out);
                    continue;
                }
                Matcher m = INSN.matcher(s);
                if (m.matches()) {
                    String text = m.group(3).strip();
                    int sp = firstOperand(text);
                    String mnemonic = sp < 0 ? text : text.substring(0, sp).strip();
                    String operands = sp < 0 ? "" : text.substring(sp).strip();
                    int size = (m.group(2).length() + 1) / 3;
                    out.byAddress.put(Long.parseUnsignedLong(m.group(1), 16), new Line(Long.parseUnsignedLong(m.group(1), 16), size, mnemonic, operands));
                    continue;
                }
                Matcher more = MORE.matcher(s);
                if (more.matches() && !out.byAddress.isEmpty()) {       // a long instruction's further bytes (without -w)
                    Line last = out.byAddress.lastEntry().getValue();
                    out.byAddress.put(last.address(), new Line(last.address(), last.size() + (more.group(2).length() + 1) / 3, last.mnemonic(), last.operands()));
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        return sections;
    }

    /** Where the operands begin: after the mnemonic and its prefixes ("rep stos", "lock cmpxchg", "bnd jmp"). */
    private static int firstOperand(String text) {
        int i = 0;
        while (true) {
            int sp = text.indexOf(' ', i);
            if (sp < 0) return -1;
            String word = text.substring(i, sp);
            if (!PREFIXES.contains(word)) return sp;
            i = sp + 1;
            while (i < text.length() && text.charAt(i) == ' ') i++;
        }
    }

    static final java.util.Set<String> PREFIXES = java.util.Set.of("rep", "repz", "repnz", "repe", "repne", "lock", "bnd", "notrack",
            "data16", "addr32", "cs", "ds", "es", "ss", "fs", "gs", "rex", "rex.W", "rex.B", "rex.R", "rex.X", "rex.WB", "rex.WR", "rex.WX",
            "rex.RB", "rex.XB", "rex.RX", "rex.WRB", "rex.WXB", "rex.WRX", "rex.RXB", "rex.WRXB", "xacquire", "xrelease");

    List<Line> between(long start, long end) {
        return new ArrayList<>(byAddress.subMap(start, true, end, false).values());
    }
}
