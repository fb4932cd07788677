package dev.sextant.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FloatFormat's digits are C's: floats, doubles and x87 long doubles (chosen ones and thousands of
 * random bit patterns) as glibc's printf prints them with gdb's precisions, in native/floatdigits.c.
 */
class FloatFormatTest {
    @Test @Timeout(120)
    void digitsAreThoseOfPrintf(@TempDir Path dir) throws Exception {
        Path exe = NativePrograms.compile("floatdigits", dir, "-lm");
        String out = NativePrograms.Tools.succeed(dir, exe.toString()).stdout();
        List<String> wrong = new ArrayList<>();
        int[] kinds = new int[3];
        for (String line : out.split("\n")) {
            String[] f = line.split(" ");
            byte[] bytes = HexFormat.of().parseHex(f[1]);
            kinds["fdx".indexOf(f[0])]++;
            String ours = FloatFormat.format(bytes);
            if (!ours.equals(f[2])) wrong.add(line + "  (Sextant: " + ours + ")");
        }
        for (int n : kinds) assertThat(n).as("values of each kind printed (floats, doubles, long doubles)").isGreaterThan(2500);
        assertThat(wrong).as("values whose digits differ from printf's").isEmpty();
    }
}
