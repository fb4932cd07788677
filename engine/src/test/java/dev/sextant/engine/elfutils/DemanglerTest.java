package dev.sextant.engine.elfutils;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte form of the demangler (the Breakpad export's) against the String form and c++filt. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemanglerTest {
    private static final Path LIBSTDCXX = Path.of("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");

    @Test void asciiNameDemanglesAsCxxFiltDoes() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("c++filt"), "binutils not installed");
        String mangled = "_ZN4llvm8demangleERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE";
        String expected = Tools.run(Path.of("."), 30, List.of("c++filt", mangled)).stdout().strip();
        assertThat(expected).startsWith("llvm::demangle(std::__cxx11::basic_string<char");
        assertThat(new String(Demangler.demangleAscii(mangled.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII))
                .isEqualTo(expected).isEqualTo(Demangler.demangle(mangled));
    }

    @Test void unmangledAndBadNamesComeBackAsTheyWere() {
        byte[] plain = "main".getBytes(StandardCharsets.US_ASCII), bad = "_Znot_a_name".getBytes(StandardCharsets.US_ASCII);
        assertThat(Demangler.demangleAscii(plain)).isSameAs(plain);
        assertThat(Demangler.demangleAscii(bad)).isSameAs(bad);
        assertThat(Demangler.demangle("_Znot_a_name")).isEqualTo("_Znot_a_name");
        // Not ASCII: the String form decides (it decodes the name as UTF-8 first).
        assertThat(Demangler.demangleAscii("_Z3fäv".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test void everyFunctionOfLibstdcxxDemanglesAsTheStringFormDoes() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(LIBSTDCXX), "no libstdc++ at " + LIBSTDCXX);
        SymbolTable symbols = SymbolTable.open(LIBSTDCXX);
        int mangled = 0;
        for (int i = 0; i < symbols.size(); i++) {
            byte[] bytes = symbols.nameBytesAt(i);
            String name = symbols.symbolAt(i).name();
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(name);
            byte[] d = Demangler.demangleAscii(bytes);
            assertThat(d).as(name).isNotNull();
            assertThat(new String(d, StandardCharsets.UTF_8)).as(name).isEqualTo(Demangler.demangle(name));
            if (name.startsWith("_Z") && !name.equals(Demangler.demangle(name))) mangled++;
        }
        assertThat(mangled).isGreaterThan(1000);
    }
}
