package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The picocli marks FieldAnnotations reads from the class files are those reflection gives, for every
 * class the plain commands bind to (their options, positionals, mixins and argument groups); a class
 * file cut short is an IOException (or, cut past the fields, the same marks), never another failure.
 */
class FieldAnnotationsTest {
    static final List<Class<?>> BOUND = List.of(StackCommand.class, LocalsCommand.class, EvalCommand.class,
            StateSource.class, StateSource.Target.class, ErrorOut.class, SymbolsCommand.class, BindCommand.class, UnwindCommand.class,
            DisasmCommand.class, DisasmCommand.Start.class);

    @Test void theAnnotationsAreNamedAsPicocliNamesThem() {
        assertThat(List.of(FieldAnnotations.OPTION, FieldAnnotations.PARAMETERS, FieldAnnotations.MIXIN, FieldAnnotations.ARG_GROUP))
                .containsExactly(Option.class.descriptorString(), Parameters.class.descriptorString(),
                        Mixin.class.descriptorString(), ArgGroup.class.descriptorString());
    }

    /** A class from a jar (picocli's, here: the app's own classes are a directory under test) is read from the jar, byte for byte. */
    @Test void aClassInAJarIsReadFromTheJar() throws IOException {
        for (Class<?> c : List.of(picocli.CommandLine.class, picocli.CommandLine.Option.class, org.junit.jupiter.api.Test.class)) {
            assertThat(c.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith(".jar");
            byte[] resource;
            try (InputStream in = c.getResourceAsStream(c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class")) {
                resource = in.readAllBytes();
            }
            assertThat(FieldAnnotations.classFile(c)).isEqualTo(resource).hasSizeGreaterThan(100);
        }
        assertThat(FieldAnnotations.JARS.keySet()).anyMatch(p -> p.getFileName().toString().startsWith("picocli-"));   // not as a resource
        assertThat(FieldAnnotations.classFile(LocalsCommand.class)).hasSizeGreaterThan(100);   // from target/classes, as a resource
    }

    @Test void marksAreThoseReflectionReads() throws IOException {
        for (Class<?> c : BOUND) {
            Map<String, FieldAnnotations.Marks> reflected = new HashMap<>();
            for (Field f : c.getDeclaredFields()) {
                Option o = f.getAnnotation(Option.class);
                boolean p = f.isAnnotationPresent(Parameters.class), m = f.isAnnotationPresent(Mixin.class), g = f.isAnnotationPresent(ArgGroup.class);
                if (o != null || p || m || g || f.getAnnotations().length > 0) {
                    reflected.put(f.getName(), new FieldAnnotations.Marks(o == null ? List.of() : Arrays.asList(o.names()), p, m, g));
                }
            }
            assertThat(FieldAnnotations.of(c)).as("the marks of %s's fields", c.getName()).isEqualTo(reflected);
        }
        assertThat(FieldAnnotations.of(LocalsCommand.class).get("elements").optionNames()).containsExactly("--elements");
        assertThat(FieldAnnotations.of(StateSource.Target.class).get("core").optionNames()).containsExactly("--core");
    }

    @Test void aClassFileCutShortIsAnIOException() throws IOException {
        byte[] whole;
        try (InputStream in = LocalsCommand.class.getResourceAsStream("LocalsCommand.class")) {
            whole = in.readAllBytes();
        }
        Map<String, FieldAnnotations.Marks> all = FieldAnnotations.parse(whole);
        int failed = 0;
        for (int length = 0; length < whole.length; length += 7) {
            byte[] cut = Arrays.copyOf(whole, length);
            try {
                // past the fields the rest of the file is not read: the marks are whole
                assertThat(FieldAnnotations.parse(cut)).as("cut at %d of %d bytes", length, whole.length).isEqualTo(all);
            } catch (IOException e) {
                failed++;
            }
        }
        assertThat(failed).as("cuts inside the header, constant pool or fields").isGreaterThan(100);
    }
}
