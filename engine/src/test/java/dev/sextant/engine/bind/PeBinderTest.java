package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.pe.PeImports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PE binding on a mingw-built exe importing from a mingw-built DLL whose one export forwards to a
 * second DLL: addresses against {@code x86_64-w64-mingw32-objdump -p}, the forwarder followed, and a
 * bound copy read back by Sextant and by {@code pefile}.
 */
@Timeout(120)
class PeBinderTest {
    static final String MINGW = "x86_64-w64-mingw32-gcc";
    static final Path WINE = Path.of("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows");

    record Call(BindReason reason, String dll, long va, BindParameter parameter) {}

    static Path build(Path dir) throws Exception {
        assumeTrue(Toolchain.has(MINGW), "needs " + MINGW + " (gcc-mingw-w64-x86-64)");
        Files.writeString(dir.resolve("real.c"), "__declspec(dllexport) int real_func(int x) { return x + 40; }\n");
        Files.writeString(dir.resolve("mylib.c"),
                "__declspec(dllexport) int plain_one(int x) { return x + 1; }\n__declspec(dllexport) int plain_two(int x) { return x * 2; }\n");
        Files.writeString(dir.resolve("mylib.def"), "LIBRARY mylib.dll\nEXPORTS\n  plain_one\n  plain_two\n  fwd_func = real.real_func\n");
        Files.writeString(dir.resolve("app.c"), """
                #include <stdio.h>
                __declspec(dllimport) int plain_one(int);
                __declspec(dllimport) int plain_two(int);
                __declspec(dllimport) int fwd_func(int);
                int main(void) { printf("%d\\n", plain_one(1) + plain_two(2) + fwd_func(3)); return 0; }
                """);
        run(dir, MINGW, "-shared", "-o", "real.dll", "real.c");
        run(dir, MINGW, "-shared", "-o", "mylib.dll", "mylib.c", "mylib.def");
        run(dir, "x86_64-w64-mingw32-dlltool", "-d", "mylib.def", "-l", "libmylib.a");
        run(dir, MINGW, "-o", "app.exe", "app.c", "-L.", "-lmylib");
        return dir.resolve("app.exe");
    }

    static String run(Path dir, String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
        full.addAll(List.of(cmd));
        Toolchain.Run r = Toolchain.run(Map.of(), full);
        if (r.status() != 0) throw new AssertionError(String.join(" ", cmd) + " failed:\n" + r.out());
        return r.out();
    }

    /** ImageBase and export RVAs by name, as objdump prints them. */
    static Map<String, Long> objdumpExports(Path dir, String dll) throws Exception {
        String out = run(dir, "x86_64-w64-mingw32-objdump", "-p", dll);
        Map<String, Long> m = new HashMap<>();
        Matcher base = Pattern.compile("ImageBase\\s+([0-9a-f]+)").matcher(out);
        assertThat(base.find()).isTrue();
        m.put("(base)", Long.parseUnsignedLong(base.group(1), 16));
        Map<Integer, Long> rvaByOrd = new HashMap<>();
        Matcher e = Pattern.compile("\\[\\s*\\d+\\] \\+base\\[\\s*(\\d+)\\] ([0-9a-f]+) Export RVA").matcher(out);
        while (e.find()) rvaByOrd.put(Integer.parseInt(e.group(1)), Long.parseLong(e.group(2), 16));
        Matcher n = Pattern.compile("\\[\\s*(\\d+)\\] (\\w+)\\n").matcher(out.substring(out.indexOf("[Ordinal/Name Pointer] Table")));
        int i = 0;
        // the name table is sorted; its entries map to ordinals through the ordinal table, which mingw makes 1:1 with names
        while (n.find()) {
            i++;
            Long rva = rvaByOrd.get(i);
            if (rva != null) m.put(n.group(2), rva);
        }
        return m;
    }

    static List<Call> bind(Path exe, EnumSet<BindFlag> flags, BindResult[] result) throws IOException {
        List<Call> calls = new ArrayList<>();
        List<Path> extra = Files.isDirectory(WINE) ? List.of(WINE) : List.of();
        result[0] = new Binder().bind(exe, SearchPath.system().withExtraDirs(extra), Optional.empty(), flags, (reason, image, dll, va, p) -> {
            calls.add(new Call(reason, dll, va, p));
            return true;
        });
        return calls;
    }

    @Test void importsResolveAtObjdumpsAddressesAndTheForwarderCrossesDlls(@TempDir Path dir) throws Exception {
        Path exe = build(dir);
        BindResult[] r = new BindResult[1];
        List<Call> calls = bind(exe, EnumSet.noneOf(BindFlag.class), r);
        Map<String, Long> mylib = objdumpExports(dir, "mylib.dll");
        Map<String, Long> real = objdumpExports(dir, "real.dll");
        Map<String, Long> got = new HashMap<>();
        for (Call c : calls) {
            if (c.reason() == BindReason.BindImportProcedure && c.dll().equals("mylib.dll")) {
                got.put(((BindParameter.ProcedureName) c.parameter()).name(), c.va());
            }
        }
        assertThat(got).containsEntry("plain_one", mylib.get("(base)") + mylib.get("plain_one"))
                .containsEntry("plain_two", mylib.get("(base)") + mylib.get("plain_two"))
                .containsEntry("fwd_func", real.get("(base)") + real.get("real_func"));
        assertThat(calls).anySatisfy(c -> {
            assertThat(c.reason()).isEqualTo(BindReason.BindForwarder);
            assertThat(c.parameter()).isEqualTo(new BindParameter.ForwarderName("fwd_func", "real.real_func"));
        });
        // the module first, then its procedures
        int module = indexOf(calls, c -> c.reason() == BindReason.BindImportModule && c.dll().equals("mylib.dll"));
        int firstProc = indexOf(calls, c -> c.reason() == BindReason.BindImportProcedure && c.dll().equals("mylib.dll"));
        assertThat(module).isNotNegative().isLessThan(firstProc);
        BindResult.Module m = r[0].modules().stream().filter(x -> x.name().equals("mylib.dll")).findFirst().orElseThrow();
        assertThat(m.procedures()).extracting(BindResult.Procedure::name).containsExactlyInAnyOrder("plain_one", "plain_two", "fwd_func");
        assertThat(m.procedures()).filteredOn(p -> p.name().equals("fwd_func")).extracting(BindResult.Procedure::status)
                .containsExactly(BindResult.Status.FORWARDED);
        // the DLL names and procedures are the ones objdump lists for the exe
        String imports = run(dir, "x86_64-w64-mingw32-objdump", "-p", "app.exe");
        for (PeImports.Module im : PeImports.read(PeImage.open(exe))) {
            assertThat(imports).contains("DLL Name: " + im.dllName());
            for (PeImports.Procedure p : im.procedures()) assertThat(imports).contains(p.display());
        }
        assertThat(exe.resolveSibling("app.bound.exe")).doesNotExist();
    }

    @Test void boundCopyIsReadBackBySextantAndPefile(@TempDir Path dir) throws Exception {
        Path exe = build(dir);
        BindResult[] r = new BindResult[1];
        List<Call> calls = bind(exe, EnumSet.of(BindFlag.UPDATE_COPY), r);
        Path copy = dir.resolve("app.bound.exe");
        assertThat(calls.get(calls.size() - 1).reason()).isEqualTo(BindReason.BindImageModified);
        assertThat(calls.get(calls.size() - 1).parameter()).isEqualTo(new BindParameter.Written(copy.toString()));

        PeImage bound = PeImage.open(copy);
        long mylibStamp = PeImage.open(dir.resolve("mylib.dll")).fileHeader().timeDateStamp();
        long realStamp = PeImage.open(dir.resolve("real.dll")).fileHeader().timeDateStamp();
        List<PeImports.Bound> table = PeImports.readBound(bound);
        assertThat(table).contains(new PeImports.Bound("mylib.dll", mylibStamp, List.of(new PeImports.Bound("real.dll", realStamp, List.of()))));
        Map<String, Long> resolved = new HashMap<>();
        for (BindResult.Module m : r[0].modules()) for (BindResult.Procedure p : m.procedures()) resolved.put(m.name() + "!" + p.name(), p.address());
        PeImports.Module mylib = PeImports.read(bound).stream().filter(m -> m.dllName().equals("mylib.dll")).findFirst().orElseThrow();
        assertThat(mylib.timeDateStamp()).isEqualTo(0xffffffffL);
        for (PeImports.Procedure p : mylib.procedures()) assertThat(p.iatValue()).as(p.display()).isEqualTo(resolved.get("mylib.dll!" + p.display()));

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        Toolchain.Run py = Toolchain.run(Map.of(), List.of("/usr/bin/python3", "-c", """
                import sys, pefile
                pe = pefile.PE(sys.argv[1])
                for e in pe.DIRECTORY_ENTRY_BOUND_IMPORT:
                    print("bound", e.name.decode(), "%08x" % e.struct.TimeDateStamp, " ".join(r.name.decode() for r in e.entries))
                for d in pe.DIRECTORY_ENTRY_IMPORT:
                    for i in d.imports:
                        print("iat", d.dll.decode(), i.name.decode() if i.name else "#%d" % i.ordinal,
                              "%x" % pe.get_qword_at_rva(i.address - pe.OPTIONAL_HEADER.ImageBase))
                print("checksum", pe.OPTIONAL_HEADER.CheckSum == pe.generate_checksum() or pe.OPTIONAL_HEADER.CheckSum == 0)
                """, copy.toString()));
        assumeTrue(!py.out().contains("No module named 'pefile'"), "needs python3-pefile");
        assertThat(py.status()).as(py.out()).isZero();
        assertThat(py.out()).contains(String.format("bound mylib.dll %08x real.dll", mylibStamp), "checksum True");
        for (PeImports.Procedure p : mylib.procedures()) {
            assertThat(py.out()).contains("iat mylib.dll " + p.display() + " " + Long.toHexString(resolved.get("mylib.dll!" + p.display())));
        }
    }

    @Test void aBoundTableTooBigForTheSlackGrowsTheHeaders(@TempDir Path dir) throws Exception {
        assumeTrue(Toolchain.has(MINGW), "needs " + MINGW + " (gcc-mingw-w64-x86-64)");
        // Twelve DLLs with long names: their bound descriptors and names do not fit after the section table.
        StringBuilder decls = new StringBuilder(), calls = new StringBuilder();
        List<String> libs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String name = "a_library_with_a_rather_long_name_number_" + i;
            Files.writeString(dir.resolve(name + ".c"), "__declspec(dllexport) int f" + i + "(void) { return " + i + "; }\n");
            run(dir, MINGW, "-shared", "-s", "-o", name + ".dll", name + ".c", "-Wl,--out-implib,lib" + i + ".a");
            decls.append("__declspec(dllimport) int f").append(i).append("(void);\n");
            calls.append(" + f").append(i).append("()");
            libs.add("-l" + i);
        }
        Files.writeString(dir.resolve("many.c"), "#include <stdio.h>\n" + decls + "int main(void) { printf(\"%d\\n\", 0" + calls + "); return 0; }\n");
        List<String> cmd = new ArrayList<>(List.of(MINGW, "-s", "-o", "many.exe", "many.c", "-L."));
        cmd.addAll(libs);
        run(dir, cmd.toArray(String[]::new));
        Path exe = dir.resolve("many.exe");
        PeImage before = PeImage.open(exe);

        BindResult[] r = new BindResult[1];
        List<Call> events = bind(exe, EnumSet.of(BindFlag.UPDATE_COPY), r);
        Call grown = events.stream().filter(c -> c.reason() == BindReason.BindExpandFileHeaders).findFirst().orElseThrow();
        long delta = ((BindParameter.ByteCount) grown.parameter()).bytes();
        assertThat(delta % before.optionalHeader().fileAlignment()).isZero();
        assertThat(events.get(events.size() - 1).reason()).isEqualTo(BindReason.BindImageModified);

        PeImage after = PeImage.open(dir.resolve("many.bound.exe"));
        assertThat(after.optionalHeader().sizeOfHeaders()).isEqualTo(before.optionalHeader().sizeOfHeaders() + delta);
        for (int i = 0; i < before.sections().size(); i++) {
            long raw = before.sections().get(i).pointerToRawData();    // 0: no file data (.bss), stays 0
            assertThat(after.sections().get(i).pointerToRawData()).isEqualTo(raw == 0 ? 0 : raw + delta);
            assertThat(after.sections().get(i).virtualAddress()).isEqualTo(before.sections().get(i).virtualAddress());
        }
        assertThat(PeImports.readBound(after)).extracting(PeImports.Bound::moduleName)
                .contains("a_library_with_a_rather_long_name_number_0.dll", "a_library_with_a_rather_long_name_number_11.dll");
        for (PeImports.Module m : PeImports.read(after)) {
            if (!m.dllName().startsWith("a_library")) continue;
            long va = r[0].modules().stream().filter(x -> x.name().equals(m.dllName())).findFirst().orElseThrow().procedures().get(0).address();
            assertThat(m.procedures().get(0).iatValue()).isEqualTo(va);
        }
    }

    /**
     * An image cut anywhere gives a typed error, or a partial result: no module the whole image does
     * not import, and every procedure it resolves at the address the whole image's binding gives it.
     */
    @Test void truncatedImagesGiveTypedErrorsOrPartialResults(@TempDir Path dir) throws Exception {
        Path exe = build(dir);
        byte[] all = Files.readAllBytes(exe);
        Map<String, Long> whole = resolved(bindQuietly(exe));
        assertThat(whole).containsKey("mylib.dll!plain_one");
        Path cut = dir.resolve("cut.exe");
        int errors = 0, partial = 0;
        for (int len = 0; len < all.length; len += Math.max(1, all.length / 97)) {
            Files.write(cut, Arrays.copyOf(all, len));
            BindResult r;
            try {
                r = bindQuietly(cut);
            } catch (FormatException | IOException e) {
                assertThat(e.getMessage()).as("cut at %d", len).isNotBlank();
                errors++;
                continue;
            }
            partial++;
            assertThat(whole.keySet().stream().map(k -> k.substring(0, k.indexOf('!'))))
                    .as("cut at %d", len).containsAll(r.modules().stream().filter(m -> !m.procedures().isEmpty()).map(BindResult.Module::name).toList());
            for (Map.Entry<String, Long> e : resolved(r).entrySet()) {
                assertThat(e.getValue()).as("cut at %d: %s", len, e.getKey()).isEqualTo(whole.get(e.getKey()));
            }
        }
        assertThat(errors).as("cuts inside the headers fail").isPositive();
        assertThat(partial).as("cuts past the import tables bind what they can").isPositive();
    }

    private static BindResult bindQuietly(Path image) throws IOException {
        return new Binder().bind(image, SearchPath.system(), Optional.empty(), EnumSet.noneOf(BindFlag.class), BindStatusRoutine.CONTINUE);
    }

    /** module!procedure → address, for procedures the binding resolved. */
    private static Map<String, Long> resolved(BindResult r) {
        Map<String, Long> out = new HashMap<>();
        for (BindResult.Module m : r.modules()) {
            for (BindResult.Procedure p : m.procedures()) if (!p.status().failed()) out.put(m.name() + "!" + p.name(), p.address());
        }
        return out;
    }

    static int indexOf(List<Call> calls, java.util.function.Predicate<Call> p) {
        for (int i = 0; i < calls.size(); i++) if (p.test(calls.get(i))) return i;
        return -1;
    }
}
