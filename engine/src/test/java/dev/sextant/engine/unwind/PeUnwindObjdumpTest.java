package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cross-checks .pdata/.xdata decoding against {@code x86_64-w64-mingw32-objdump -p}. */
class PeUnwindObjdumpTest {
    private static final String OBJDUMP = "x86_64-w64-mingw32-objdump";
    private static final Pattern FT = Pattern.compile("^ ([0-9a-f]{16}):\\t([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16})$");
    private static final Pattern XD = Pattern.compile("^ ([0-9a-f]{16}) \\(rva: ([0-9a-f]{8})\\): ([0-9a-f]{16}) - ([0-9a-f]{16})$");

    private record Objdump(List<String> functions, Map<Long, List<String>> xdata, Map<Long, Long> funcSize) {}

    private static Objdump objdump(Path file) {
        String out = ToolRunner.run(OBJDUMP, "-p", file.toString());
        List<String> fns = new ArrayList<>();
        Map<Long, List<String>> xdata = new LinkedHashMap<>();
        Map<Long, Long> sizes = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : out.split("\n")) {
            Matcher f = FT.matcher(line);
            if (f.find()) { fns.add(f.group(2) + " " + f.group(3) + " " + f.group(4)); continue; }
            Matcher x = XD.matcher(line);
            if (x.find()) {
                long rva = Long.parseLong(x.group(2), 16);
                cur = new ArrayList<>();
                xdata.put(rva, cur);
                sizes.put(rva, Long.parseUnsignedLong(x.group(4), 16) - Long.parseUnsignedLong(x.group(3), 16));
                continue;
            }
            if (cur == null) continue;
            if (!line.startsWith("\t")) { cur = null; continue; }
            if (line.startsWith("\tUser data:") || line.matches("^\\t  [0-9a-f]{3}:.*")) continue;
            cur.add(line.replace(" [Unexpected!]", ""));
        }
        return new Objdump(fns, xdata, sizes);
    }

    /** Our decoding, in objdump's words. */
    private static List<String> describe(UnwindInfo ui, long funcSize, long imageBase) {
        List<String> out = new ArrayList<>();
        out.add("\tVersion: " + ui.version() + ", Flags: " + ui.flagsName());
        out.add(String.format("\tNbr codes: %d, Prologue size: 0x%02x, Frame offset: 0x%x, Frame reg: %s", ui.codeCount(),
                ui.prologSize(), ui.frameOffset(), ui.frameRegister() == 0 ? "none" : UnwindCode.registerName(ui.frameRegister())));
        int i = 0;
        List<UnwindCode> codes = ui.codes();
        if (ui.version() == 2 && !codes.isEmpty() && codes.get(0).op() == UnwindCode.Op.EPILOG) {
            StringBuilder sb = new StringBuilder(String.format("\tv2 epilog (length: %02x) at pc+:", codes.get(0).codeOffset()));
            if (codes.get(0).info() != 0) sb.append(String.format(" 0x%x", (funcSize - codes.get(0).codeOffset()) & 0xffffffffL));
            for (i = 1; i < codes.size() && codes.get(i).op() == UnwindCode.Op.EPILOG; i++) {
                long off = codes.get(i).value();
                sb.append(off == 0 ? " [pad]" : String.format(" 0x%x", (funcSize - off) & 0xffffffffL));
            }
            out.add(sb.toString());
        }
        for (; i < codes.size(); i++) {
            UnwindCode c = codes.get(i);
            out.add(String.format("\t  pc+0x%02x: ", c.codeOffset()) + c.describe(ui.frameRegister(), ui.frameOffset() * 16));
        }
        if (ui.handler().isPresent()) out.add(String.format("\tHandler: %016x.", ui.handler().getAsLong() + imageBase));
        if (ui.chained().isPresent()) {
            out.add(String.format("\tChain: start: %016x, end: %016x", ui.chained().get().begin(), ui.chained().get().end()));
            out.add(String.format("\t unwind data: %016x.", ui.chained().get().unwindInfo()));
        }
        return out;
    }

    private static int assertSameAsObjdump(Path file) throws IOException {
        Objdump ref = objdump(file);
        PeImage pe = PeImage.open(file);
        PdataTable t = PdataTable.read(pe).orElseThrow();
        long base = pe.imageBase();
        List<String> mine = new ArrayList<>();
        for (RuntimeFunction f : t.functions()) {
            mine.add(String.format("%016x %016x %016x", f.begin() + base, f.end() + base, f.unwindInfo() + base));
        }
        assertThat(mine).as("RUNTIME_FUNCTIONs of %s", file).isEqualTo(ref.functions());
        for (Map.Entry<Long, List<String>> e : ref.xdata().entrySet()) {
            UnwindInfo ui = t.unwindInfoAt(e.getKey());
            assertThat(describe(ui, ref.funcSize().get(e.getKey()), base))
                    .as("UNWIND_INFO at RVA 0x%x of %s", e.getKey(), file).isEqualTo(e.getValue());
        }
        return ref.xdata().size();
    }

    private static List<Path> mingwDlls() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("/usr/lib/gcc/x86_64-w64-mingw32", "/usr/x86_64-w64-mingw32")) {
            if (!Files.isDirectory(Path.of(dir))) continue;
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(p -> p.toString().endsWith(".dll") && Files.isRegularFile(p)).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Test @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void mingwRuntimeDllsMatchObjdump() throws IOException {
        assumeTrue(ToolRunner.onPath(OBJDUMP), "mingw-w64 binutils (binutils-mingw-w64-x86-64) not installed");
        List<Path> dlls = mingwDlls();
        assumeTrue(!dlls.isEmpty(), "no mingw-w64 DLLs installed (gcc-mingw-w64-x86-64)");
        int infos = 0, checked = 0;
        for (Path dll : dlls) {
            String name = dll.getFileName().toString();
            if (!(name.startsWith("libgcc_s_seh") || name.startsWith("libwinpthread") || name.startsWith("libstdc++")
                    || name.startsWith("libssp") || name.startsWith("libatomic") || name.startsWith("libquadmath"))) continue;
            infos += assertSameAsObjdump(dll);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(2);
        assertThat(infos).isGreaterThan(100);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void handWrittenRecordsCoverEveryCodeChainsAndVersion2(@TempDir Path dir) throws Exception {
        assumeTrue(ToolRunner.onPath("x86_64-w64-mingw32-gcc") && ToolRunner.onPath(OBJDUMP), "mingw-w64 gcc not installed");
        Path src = dir.resolve("seh-records.s");
        try (InputStream in = getClass().getResourceAsStream("/unwind/seh-records.s")) {
            Files.write(src, in.readAllBytes());
        }
        Path dll = dir.resolve("seh.dll");
        Tools.Result cc = Tools.reference("x86_64-w64-mingw32-gcc", "-nostdlib", "-shared", "-Wl,--entry=0", "-o", dll.toString(),
                src.toString());
        assertThat(cc.exit()).as(cc.all()).isZero();
        assertThat(assertSameAsObjdump(dll)).isEqualTo(5);

        PdataTable t = PdataTable.read(PeImage.open(dll)).orElseThrow();
        List<UnwindCode.Op> ops = new ArrayList<>();
        for (RuntimeFunction f : t.functions()) {
            try { for (UnwindInfo ui : t.chain(f)) for (UnwindCode c : ui.codes()) ops.add(c.op()); }
            catch (FormatException e) { assertThat(e.getMessage()).contains("exceeded unwind chain length"); }
        }
        assertThat(ops).contains(UnwindCode.Op.values());
        // f1's tail is chained to f1: two links; f3 is chained to itself: refused after 8
        List<UnwindInfo> tail = t.chain(t.functions().get(1));
        assertThat(tail).hasSize(2);
        assertThat(tail.get(1).handler()).isPresent();
        assertThatThrownBy(() -> t.chain(t.functions().get(3))).isInstanceOf(FormatException.class)
                .hasMessageContaining("exceeded unwind chain length");
        assertThat(t.lookup(t.functions().get(2).begin() + 1)).contains(t.functions().get(2));
        assertThat(t.lookup(t.functions().get(2).end())).isEmpty();   // the alignment gap before f3
    }

    private static Path corpusPe(String name) {
        Path p = ToolRunner.corpus().map(c -> c.resolve("pe/symbolic/" + name)).orElse(null);
        assumeTrue(p != null && Files.exists(p), "corpus file pe/symbolic/" + name + " is absent");
        return p;
    }

    @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void corpusImagesHaveTheDocumentedRuntimeFunctionCounts() throws IOException {
        assertThat(PdataTable.read(PeImage.open(corpusPe("hello-dwarf.exe"))).orElseThrow().functions()).hasSize(95);
        PdataTable crash = PdataTable.read(PeImage.open(corpusPe("CrashWithException.exe"))).orElseThrow();
        assertThat(crash.functions()).hasSize(41);
        for (RuntimeFunction f : crash.functions()) assertThat(crash.chain(f)).isNotEmpty();
        assertThat(PdataTable.read(PeImage.open(corpusPe("crash.exe")))).isEmpty();
    }

    @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void mingwDebugFrameInsideAPeMatchesObjdump() throws IOException {
        assumeTrue(ToolRunner.onPath(OBJDUMP), "mingw-w64 binutils (binutils-mingw-w64-x86-64) not installed");
        Path exe = corpusPe("hello-dwarf.exe");
        CfiSection s = PeDwarf.debugFrame(PeImage.open(exe)).orElseThrow();
        Map<String, List<String>> ref = ElfCfiReadelfTest.readelfFdes(ToolRunner.run(OBJDUMP, "--dwarf=frames", exe.toString()));
        assertThat(ref.get(".debug_frame")).hasSize(92);
        assertThat(ElfCfiReadelfTest.ours(s)).isEqualTo(ref.get(".debug_frame"));
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void selfChainedUnwindInfoTerminates() throws IOException {
        PdataTable t = PdataTable.read(PeImage.open(corpusPe("cfi_chained_loop.exe"))).orElseThrow();
        assertThat(t.functions()).hasSize(1);
        assertThatThrownBy(() -> t.chain(t.functions().get(0))).isInstanceOf(FormatException.class)
                .hasMessageContaining("exceeded unwind chain length");
    }
}
