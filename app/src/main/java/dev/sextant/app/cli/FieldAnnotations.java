package dev.sextant.app.cli;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Option;

/**
 * The picocli annotations of a class's fields, read from its class file (the fields'
 * {@code RuntimeVisibleAnnotations}) rather than through reflection, for {@link PlainArgs}. Reflection
 * returns each annotation as an instance of a proxy class that it generates at the first read of
 * each annotation type: five of them for {@code sextant locals}, about 45 ms of the main thread at
 * start-up (class generation runs interpreted), which the start-up archive cannot hold. A class file
 * that cannot be read or parsed is an {@link IOException}: the caller leaves the arguments to picocli.
 */
final class FieldAnnotations {
    private FieldAnnotations() {}

    /** One field's picocli marks: the names of its {@code @Option} (empty when it has none), and whether it is a positional, a mixin or a group. */
    record Marks(List<String> optionNames, boolean parameters, boolean mixin, boolean argGroup) {}

    // Spelled out, not taken from the annotation classes: loading any picocli class costs a fast-path
    // run 10-35 ms (picocli's Java 5 class files stay out of the start-up archive and are verified
    // the old way). FieldAnnotationsTest checks them against {@link Option} and the others.
    static final String OPTION = "Lpicocli/CommandLine$Option;", PARAMETERS = "Lpicocli/CommandLine$Parameters;",
            MIXIN = "Lpicocli/CommandLine$Mixin;", ARG_GROUP = "Lpicocli/CommandLine$ArgGroup;";

    /** The marks of {@code type}'s declared fields that carry any, by field name. */
    static Map<String, Marks> of(Class<?> type) throws IOException {
        return parse(classFile(type));
    }

    /**
     * The class file of {@code type}, read from the jar its class was loaded from with {@link ZipFile}
     * where that is a jar: {@code getResourceAsStream} goes through the class path's URL machinery
     * ({@code jar:} URL connections): 5.8-6.6 ms of CPU for the first class against 0.6-0.7 ms (a fresh
     * JVM, C1), on the main thread of a command's start (JNA's logging opens the class path's jars
     * anyway, on a thread of its own). The main thread of {@code sextant locals}: 48 -> 43 ms of CPU.
     * Anything else (classes in a directory, a jar that cannot be read) is read as a resource.
     */
    static byte[] classFile(Class<?> type) throws IOException {
        String entry = type.getName().replace('.', '/') + ".class";
        Path jar = jarOf(type);
        if (jar != null) {
            try {
                ZipFile zip = JARS.computeIfAbsent(jar, FieldAnnotations::open);
                ZipEntry e = zip == null ? null : zip.getEntry(entry);
                if (e != null) {
                    try (InputStream in = zip.getInputStream(e)) {
                        return in.readAllBytes();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // read it as a resource
            }
        }
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) throw new IOException("no class file for " + type.getName());
            return in.readAllBytes();
        }
    }

    /** The jars read so far, open for the next class (a command's classes and mixins share one; the process ends soon). */
    static final Map<Path, ZipFile> JARS = new java.util.concurrent.ConcurrentHashMap<>();

    private static ZipFile open(Path jar) {
        try {
            return new ZipFile(jar.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** The jar {@code type} was loaded from; null when it was not a jar file (a directory of classes, no code source). */
    private static Path jarOf(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) return null;
            Path p = Path.of(cs.getLocation().toURI());
            return p.toString().endsWith(".jar") && Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static Map<String, Marks> parse(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort();                 // minor
        in.readUnsignedShort();                 // major
        String[] utf8 = constantPool(in);
        in.readUnsignedShort();                 // access
        in.readUnsignedShort();                 // this
        in.readUnsignedShort();                 // super
        in.skipNBytes(2L * in.readUnsignedShort());   // interfaces
        Map<String, Marks> marks = new HashMap<>();
        for (int fields = in.readUnsignedShort(); fields > 0; fields--) {
            in.readUnsignedShort();             // access
            String name = utf8(utf8, in.readUnsignedShort());
            in.readUnsignedShort();             // descriptor
            Marks m = null;
            for (int attrs = in.readUnsignedShort(); attrs > 0; attrs--) {
                String attr = utf8(utf8, in.readUnsignedShort());
                int length = in.readInt();
                if (attr.equals("RuntimeVisibleAnnotations")) m = annotations(in, utf8);
                else in.skipNBytes(length & 0xffffffffL);
            }
            if (m != null) marks.put(name, m);
        }
        return marks;
    }

    /** The Utf8 entries of the constant pool by index (null for the other kinds). */
    private static String[] constantPool(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);            // class, string, method type, module, package
                case 15 -> in.skipNBytes(3);                          // method handle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);  // int, float, refs, name-and-type, dynamic
                case 5, 6 -> { in.skipNBytes(8); i++; }               // long and double take two entries
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        return utf8;
    }

    private static String utf8(String[] pool, int index) throws IOException {
        if (index <= 0 || index >= pool.length || pool[index] == null) throw new IOException("constant " + index + " is no name");
        return pool[index];
    }

    private static Marks annotations(DataInputStream in, String[] pool) throws IOException {
        List<String> names = new ArrayList<>();
        boolean parameters = false, mixin = false, argGroup = false;
        for (int n = in.readUnsignedShort(); n > 0; n--) {
            String type = utf8(pool, in.readUnsignedShort());
            parameters |= type.equals(PARAMETERS);
            mixin |= type.equals(MIXIN);
            argGroup |= type.equals(ARG_GROUP);
            for (int pairs = in.readUnsignedShort(); pairs > 0; pairs--) {
                String element = utf8(pool, in.readUnsignedShort());
                List<String> strings = new ArrayList<>();
                value(in, pool, strings);
                if (type.equals(OPTION) && element.equals("names")) names.addAll(strings);
            }
        }
        return new Marks(List.copyOf(names), parameters, mixin, argGroup);
    }

    /** Skips one element value, adding the strings it holds (itself, or an array's) to {@code strings}. */
    private static void value(DataInputStream in, String[] pool, List<String> strings) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 's' -> strings.add(utf8(pool, in.readUnsignedShort()));
            case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 'c' -> in.skipNBytes(2);
            case 'e' -> in.skipNBytes(4);
            case '@' -> {
                in.readUnsignedShort();
                for (int pairs = in.readUnsignedShort(); pairs > 0; pairs--) {
                    in.readUnsignedShort();
                    value(in, pool, new ArrayList<>());
                }
            }
            case '[' -> {
                for (int n = in.readUnsignedShort(); n > 0; n--) value(in, pool, strings);
            }
            default -> throw new IOException("element value tag " + tag);
        }
    }
}
