package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.pe.PeImports;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delay-load imports of a mingw-built exe (its import library made by {@code dlltool
 * --output-delaylib}): by name, by ordinal, one the DLL lacks, and a DLL that is not there. GNU ld
 * writes the descriptor but leaves data directory 13 empty, so the test points it at the
 * descriptor as the Microsoft linker would (size counting a null terminator). The directory is
 * cross-checked against {@code llvm-readobj --coff-imports} and {@code pefile}, the addresses
 * against {@code objdump -p} of the DLL; old VA-based descriptors read as their RVA-based twin;
 * descriptors pointing outside the file give {@code BindRvaToVaFailed}.
 */
@Timeout(120)
class PeDelayLoadTest {
    static final String MINGW = PeBinderTest.MINGW;

    /** Builds mylib.dll (plain_one by name, plain_two by ordinal only) and an exe delay-loading it plus ghost_func, which it lacks. */
    static Path build(Path dir, String exe, String... ldFlags) throws Exception {
        assumeTrue(Toolchain.has(MINGW), "needs " + MINGW + " (gcc-mingw-w64-x86-64)");
        assumeTrue(Toolchain.has("x86_64-w64-mingw32-dlltool"), "needs x86_64-w64-mingw32-dlltool");
        Files.writeString(dir.resolve("mylib.c"),
                "__declspec(dllexport) int plain_one(int x) { return x + 1; }\n__declspec(dllexport) int plain_two(int x) { return x * 2; }\n");
        Files.writeString(dir.resolve("dll.def"), "LIBRARY mylib.dll\nEXPORTS\n  plain_one\n  plain_two @5 NONAME\n");
        Files.writeString(dir.resolve("imp.def"), "LIBRARY mylib.dll\nEXPORTS\n  plain_one\n  plain_two @5 NONAME\n  ghost_func\n");
        Files.writeString(dir.resolve("gone.def"), "LIBRARY gone.dll\nEXPORTS\n  vanished\n");
        Files.writeString(dir.resolve("app.c"), """
                #include <stdio.h>
                int plain_one(int); int plain_two(int); int ghost_func(void); int vanished(void);
                int main(int argc, char **argv) {
                    printf("%d\\n", plain_one(1) + plain_two(2) + (argc > 5 ? ghost_func() + vanished() : 0));
                    return 0;
                }
                """);
        PeBinderTest.run(dir, MINGW, "-shared", "-o", "mylib.dll", "mylib.c", "dll.def");
        PeBinderTest.run(dir, "x86_64-w64-mingw32-dlltool", "--input-def", "imp.def", "--output-delaylib", "libmylib_delay.a",
                "--dllname", "mylib.dll");
        PeBinderTest.run(dir, "x86_64-w64-mingw32-dlltool", "--input-def", "gone.def", "--output-delaylib", "libgone_delay.a",
                "--dllname", "gone.dll");
        List<String> cmd = new ArrayList<>(List.of(MINGW, "-o", exe, "app.c", "-L.", "-lmylib_delay", "-lgone_delay"));
        cmd.addAll(List.of(ldFlags));
        PeBinderTest.run(dir, cmd.toArray(String[]::new));
        return dir.resolve(exe);
    }

    /** The RVA of the delay descriptor dlltool made for {@code lib}, from nm. */
    static long descriptorRva(Path exe, String lib) throws Exception {
        String nm = PeBinderTest.run(exe.getParent(), "x86_64-w64-mingw32-nm", exe.getFileName().toString());
        Matcher m = Pattern.compile("([0-9a-f]+) T __DELAY_IMPORT_DESCRIPTOR_" + lib).matcher(nm);
        assertThat(m.find()).as("descriptor of " + lib + " in nm output").isTrue();
        return Long.parseUnsignedLong(m.group(1), 16) - PeImage.open(exe).imageBase();
    }

    /** Sets data directory {@code index} of a PE32+ image. */
    static void setDirectory(Path exe, int index, long rva, long size) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(exe)).order(ByteOrder.LITTLE_ENDIAN);
        int opt = b.getInt(0x3c) + 24;
        assertThat(b.getShort(opt) & 0xffff).isEqualTo(PeImage.PE32_PLUS);
        b.putInt(opt + 112 + 8 * index, (int) rva).putInt(opt + 112 + 8 * index + 4, (int) size);
        Files.write(exe, b.array());
    }

    /** The exe with its directory pointing at mylib's descriptor (and the next 32 bytes as the terminator slot). */
    static Path withDirectory(Path exe, String lib) throws Exception {
        setDirectory(exe, 13, descriptorRva(exe, lib), 64);
        return exe;
    }

    static BindResult bind(Path exe, List<PeBinderTest.Call> calls) throws Exception {
        return new Binder().bind(exe, SearchPath.system(), Optional.empty(), EnumSet.noneOf(BindFlag.class), (reason, image, dll, va, p) -> {
            calls.add(new PeBinderTest.Call(reason, dll, va, p));
            return true;
        });
    }

    @Test void delayImportsMatchLlvmReadobjAndPefileAndBindAtObjdumpsAddresses(@TempDir Path dir) throws Exception {
        Path exe = withDirectory(build(dir, "app.exe"), "libmylib_delay_a");
        PeImage pe = PeImage.open(exe);
        List<PeImports.DelayModule> delayed = PeImports.readDelay(pe);
        assertThat(delayed).hasSize(1);
        PeImports.DelayModule d = delayed.get(0);
        assertThat(d.dllName()).isEqualTo("mylib.dll");
        assertThat(d.rvaBased()).isTrue();
        assertThat(d.procedures()).extracting(PeImports.Procedure::display).containsExactlyInAnyOrder("plain_one", "#5", "ghost_func");

        // llvm-readobj prints each delay descriptor's fields and symbols
        if (Toolchain.has("llvm-readobj")) {
            String out = PeBinderTest.run(dir, "llvm-readobj", "--coff-imports", "app.exe");
            String block = out.substring(out.indexOf("DelayImport {"));
            assertThat(block).contains("Name: mylib.dll", "Attributes: 0x1",
                    String.format("ModuleHandle: 0x%X", d.moduleHandleRva()),
                    String.format("ImportAddressTable: 0x%X", d.iatRva()),
                    String.format("ImportNameTable: 0x%X", d.intRva()));
            for (PeImports.Procedure p : d.procedures()) {
                assertThat(block).contains(p.byOrdinal() ? "Symbol:  (" + p.hintOrOrdinal() + ")"
                        : "Symbol: " + p.name().orElseThrow() + " (" + p.hintOrOrdinal() + ")");
                assertThat(block).contains(String.format("Address: 0x%X", p.iatValue()));
            }
        }
        // pefile: the same descriptor and each import's IAT slot
        Toolchain.Run py = Toolchain.run(Map.of(), List.of("/usr/bin/python3", "-c", """
                import sys, pefile
                pe = pefile.PE(sys.argv[1])
                for e in pe.DIRECTORY_ENTRY_DELAY_IMPORT:
                    s = e.struct
                    print("dll", e.dll.decode(), s.grAttrs, "%x %x %x %x" % (s.phmod, s.pIAT, s.pINT, s.dwTimeStamp))
                    for i in e.imports:
                        print("imp", i.name.decode() if i.name else "#%d" % i.ordinal, "%x" % (i.address - pe.OPTIONAL_HEADER.ImageBase))
                """, exe.toString()));
        if (Files.isExecutable(Path.of("/usr/bin/python3")) && !py.out().contains("No module named 'pefile'")) {
            assertThat(py.status()).as(py.out()).isZero();
            assertThat(py.out()).contains(String.format("dll mylib.dll 1 %x %x %x %x", d.moduleHandleRva(), d.iatRva(), d.intRva(), d.timeDateStamp()));
            for (PeImports.Procedure p : d.procedures()) assertThat(py.out()).contains(String.format("imp %s %x", p.display(), p.iatRva()));
        }

        List<PeBinderTest.Call> calls = new ArrayList<>();
        BindResult r = bind(exe, calls);
        BindResult.Module m = r.modules().stream().filter(x -> x.name().equals("mylib.dll")).findFirst().orElseThrow();
        assertThat(m.delayLoad()).isTrue();
        assertThat(m.path()).contains(dir.resolve("mylib.dll").toString());
        // objdump -p of the DLL: ImageBase, the export address table ("[i] +base[ordinal] rva") and the name table ("[i] name")
        String objdump = PeBinderTest.run(dir, "x86_64-w64-mingw32-objdump", "-p", "mylib.dll");
        Matcher baseM = Pattern.compile("ImageBase\\s+([0-9a-f]+)").matcher(objdump);
        assertThat(baseM.find()).isTrue();
        long base = Long.parseUnsignedLong(baseM.group(1), 16);
        Map<Integer, Long> byIndex = new java.util.HashMap<>(), byOrdinal = new java.util.HashMap<>();
        Matcher eat = Pattern.compile("\\[\\s*(\\d+)\\] \\+base\\[\\s*(\\d+)\\] ([0-9a-f]+) Export RVA").matcher(objdump);
        while (eat.find()) {
            byIndex.put(Integer.parseInt(eat.group(1)), Long.parseLong(eat.group(3), 16));
            byOrdinal.put(Integer.parseInt(eat.group(2)), Long.parseLong(eat.group(3), 16));
        }
        Matcher named = Pattern.compile("\\[\\s*(\\d+)\\] plain_one\\n").matcher(objdump.substring(objdump.indexOf("[Ordinal/Name Pointer] Table")));
        assertThat(named.find()).isTrue();
        long plainOne = base + byIndex.get(Integer.parseInt(named.group(1)));
        assertThat(m.procedures()).filteredOn(p -> p.name().equals("plain_one")).singleElement()
                .satisfies(p -> assertThat(p.address()).isEqualTo(plainOne));
        assertThat(m.procedures()).filteredOn(p -> p.name().equals("#5")).singleElement()
                .satisfies(p -> assertThat(p.address()).isEqualTo(base + byOrdinal.get(5)));
        assertThat(r.unresolved()).containsExactly(new BindResult.Unresolved("mylib.dll", "ghost_func", Optional.empty()));
        // the module is reported as delay-loaded before its procedures
        int module = PeBinderTest.indexOf(calls, c -> c.reason() == BindReason.BindImportModule && c.dll().equals("mylib.dll"));
        int proc = PeBinderTest.indexOf(calls, c -> c.reason() == BindReason.BindImportProcedure && c.dll().equals("mylib.dll"));
        assertThat(module).isNotNegative().isLessThan(proc);
        assertThat(((BindParameter.ModuleFound) calls.get(module).parameter()).foundBy()).endsWith("delay-load");
        // the ordinary imports are not delay-loaded
        assertThat(r.modules()).filteredOn(x -> x.name().equalsIgnoreCase("KERNEL32.dll")).allSatisfy(x -> assertThat(x.delayLoad()).isFalse());
    }

    @Test void aMissingDelayLoadedDllIsReportedMissing(@TempDir Path dir) throws Exception {
        Path exe = withDirectory(build(dir, "app.exe"), "libgone_delay_a");
        List<PeBinderTest.Call> calls = new ArrayList<>();
        BindResult r = bind(exe, calls);
        assertThat(r.missing()).contains("gone.dll");
        assertThat(r.modules()).filteredOn(x -> x.name().equals("gone.dll")).singleElement()
                .satisfies(x -> assertThat(x.delayLoad()).isTrue()).satisfies(x -> assertThat(x.path()).isEmpty());
        assertThat(calls).anySatisfy(c -> {
            assertThat(c.reason()).isEqualTo(BindReason.BindImportModuleFailed);
            assertThat(c.dll()).isEqualTo("gone.dll");
        });
        assertThat(r.complete()).isFalse();
    }

    @Test void anOldVaBasedDescriptorReadsAsItsRvaBasedTwin(@TempDir Path dir) throws Exception {
        // a low image base, so that virtual addresses fit the descriptor's 32-bit fields
        Path exe = withDirectory(build(dir, "low.exe", "-Wl,--image-base=0x10000000"), "libmylib_delay_a");
        PeImage pe = PeImage.open(exe);
        PeImports.DelayModule rvaBased = PeImports.readDelay(pe).get(0);
        long base = pe.imageBase();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(exe)).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) pe.rvaToFileOffset(descriptorRva(exe, "libmylib_delay_a"), "descriptor");
        b.putInt(at, 0);                                              // attributes: bit 0 (dlattrRva) clear
        for (int field : new int[] {4, 8, 12, 16}) b.putInt(at + field, (int) (b.getInt(at + field) + base));
        int names = (int) pe.rvaToFileOffset(rvaBased.intRva(), "INT");
        for (int k = 0; b.getLong(names + 8 * k) != 0; k++) {
            long e = b.getLong(names + 8 * k);
            if (e > 0) b.putLong(names + 8 * k, e + base);           // by name: a VA of the hint/name entry
        }
        Path old = dir.resolve("old.exe");
        Files.write(old, b.array());
        PeImports.DelayModule vaBased = PeImports.readDelay(PeImage.open(old)).get(0);
        assertThat(vaBased.rvaBased()).isFalse();
        assertThat(vaBased.dllName()).isEqualTo(rvaBased.dllName());
        assertThat(List.of(vaBased.moduleHandleRva(), vaBased.iatRva(), vaBased.intRva()))
                .isEqualTo(List.of(rvaBased.moduleHandleRva(), rvaBased.iatRva(), rvaBased.intRva()));
        assertThat(vaBased.procedures()).isEqualTo(rvaBased.procedures());
        BindResult r = bind(old, new ArrayList<>());
        BindResult twin = bind(exe, new ArrayList<>());
        assertThat(r.modules()).filteredOn(BindResult.Module::delayLoad).extracting(BindResult.Module::name, BindResult.Module::procedures)
                .isEqualTo(twin.modules().stream().filter(BindResult.Module::delayLoad)
                        .map(x -> org.assertj.core.groups.Tuple.tuple(x.name(), x.procedures())).toList());
    }

    @Test void descriptorsOutsideTheFileGiveRvaToVaFailed(@TempDir Path dir) throws Exception {
        Path exe = withDirectory(build(dir, "app.exe"), "libmylib_delay_a");
        PeImage pe = PeImage.open(exe);
        long descriptor = descriptorRva(exe, "libmylib_delay_a");
        byte[] original = Files.readAllBytes(exe);
        // the directory itself outside every section; then each table pointer of the descriptor outside
        List<Path> hostile = new ArrayList<>();
        Path p0 = dir.resolve("h0.exe");
        Files.write(p0, original);
        setDirectory(p0, 13, 0x7ff00000L, 64);
        hostile.add(p0);
        int at = (int) pe.rvaToFileOffset(descriptor, "descriptor");
        for (int field : new int[] {4, 12, 16}) {
            ByteBuffer b = ByteBuffer.wrap(original.clone()).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(at + field, 0x7ff00000);
            Path p = dir.resolve("h" + field + ".exe");
            Files.write(p, b.array());
            hostile.add(p);
        }
        // a huge size: bounded by the bytes of the section, never a long loop
        Path big = dir.resolve("big.exe");
        Files.write(big, original);
        setDirectory(big, 13, descriptor, 0x7fffffe0L);
        hostile.add(big);
        for (Path p : hostile) {
            List<PeBinderTest.Call> calls = new ArrayList<>();
            BindResult r = bind(p, calls);
            assertThat(calls).as(p.toString()).anySatisfy(c -> assertThat(c.reason()).isEqualTo(BindReason.BindRvaToVaFailed));
            assertThat(r.complete()).isFalse();
            assertThat(r.modules().get(0).failure()).isPresent();
            // the ordinary imports are still bound
            assertThat(r.modules()).anySatisfy(x -> assertThat(x.name()).isEqualToIgnoringCase("KERNEL32.dll"));
        }
    }
}
