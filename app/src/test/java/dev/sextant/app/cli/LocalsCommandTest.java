package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sextant locals} and {@code sextant eval} on a core, in-process: the documented JSON, the
 * thread and frame filters, exit codes and one-line errors. (Values are checked against gdb in the
 * engine's LocalsGdbTest.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalsCommandTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = NativePrograms.crashed("state", dir, "crash"); }

    @Test void jsonHasEveryFrameWithItsVariables() throws Exception {
        StackCommandTest.Run r = StackCommandTest.run("locals", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(0);
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode inner = null;
        int threads = 0;
        for (JsonNode t : root.get("threads")) {
            threads++;
            for (JsonNode f : t.get("frames")) if ("inner".equals(f.get("function").asText())) inner = f;
        }
        assertThat(threads).isEqualTo(3);
        assertThat(inner).isNotNull();
        assertThat(inner.get("pc").asText()).startsWith("0x");
        assertThat(inner.get("file").asText()).endsWith("state.c");
        assertThat(inner.get("line").asInt()).isEqualTo(NativePrograms.line("state", "crash"));
        JsonNode s = variable(inner, "s"), letter = variable(inner, "letter"), p = variable(inner, "p");
        assertThat(s.get("kind").asText()).isEqualTo("argument");
        assertThat(s.get("type").asText()).isEqualTo("struct shape *");
        assertThat(s.get("children")).isEmpty();                      // pointers are not followed
        assertThat(letter.get("kind").asText()).isEqualTo("local");
        assertThat(letter.get("value").asText()).isEqualTo("81 'Q'");
        assertThat(letter.get("optimizedOut").asBoolean()).isFalse();
        assertThat(letter.get("error").isNull()).isTrue();
        assertThat(p.get("type").asText()).isEqualTo("point_t");
        List<String> members = new ArrayList<>();
        p.get("children").forEach(c -> members.add(c.get("name").asText() + "=" + c.get("value").asText() + ":" + c.get("kind").asText()));
        assertThat(members).containsExactly("x=7:member", "y=8:member");
        JsonNode zeros = variable(inner, "zeros");
        assertThat(zeros.get("children")).hasSize(8);                 // --elements defaults to 8
        assertThat(zeros.get("children").get(0).get("kind").asText()).isEqualTo("element");
    }

    @Test void filtersAndElements() throws Exception {
        int tid = new ObjectMapper().readTree(StackCommandTest.run("stack", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--json").out())
                .get("threads").get(0).get("tid").asInt();
        StackCommandTest.Run r = StackCommandTest.run("locals", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--thread",
                Integer.toString(tid), "--frame", "0", "--elements", "3", "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(0);
        JsonNode threads = new ObjectMapper().readTree(r.out()).get("threads");
        assertThat(threads).hasSize(1);
        assertThat(threads.get(0).get("frames")).hasSize(1);
        assertThat(variable(threads.get(0).get("frames").get(0), "zeros").get("children")).hasSize(3);
        StackCommandTest.Run text = StackCommandTest.run("locals", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--thread",
                Integer.toString(tid), "--frame", "1");
        assertThat(text.out()).contains("outer").contains("        level = 3\n");
        StackCommandTest.Run none = StackCommandTest.run("locals", "--core", crash.core().toString(), "--thread", "1");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no thread 1 in this target");
    }

    @Test void evalPrintsOneValueOrItsError() throws Exception {
        StackCommandTest.Run ok = StackCommandTest.run("eval", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "s->next->corners[1].y + origin.y");
        assertThat(ok.exit()).as(ok.err()).isEqualTo(0);
        assertThat(ok.out().strip()).isEqualTo("-2");
        StackCommandTest.Run frame = StackCommandTest.run("eval", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--frame", "1", "why");
        assertThat(frame.out().strip()).isEqualTo("\"crash\\000\\000\"");
        StackCommandTest.Run bad = StackCommandTest.run("eval", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "nope");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("sextant: no symbol `nope` in scope");
        Path empty = Files.createFile(dir.resolve("empty.core"));
        StackCommandTest.Run missing = StackCommandTest.run("eval", "--core", empty.toString(), "1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("empty");
    }

    private static JsonNode variable(JsonNode frame, String name) {
        for (JsonNode v : frame.get("variables")) if (v.get("name").asText().equals(name)) return v;
        throw new AssertionError("no variable " + name + " in " + frame);
    }
}
