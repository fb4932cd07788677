package dev.sextant.app.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Where the command line's document goes when the launcher moved it off the JVM's own stdout: the
 * JVM writes its fatal-error banner to file descriptor 1 whatever its options say, so {@code ./sextant}
 * gives the JVM stderr as fd 1 and the real stdout as fd 3 ({@code -Dsextant.stdout=/proc/self/fd/3}).
 * A native fault then leaves stdout without the banner.
 */
public final class DocumentOutput {
    private DocumentOutput() {}

    /** Points {@code System.out} at the path the launcher named, if it named one and it opens. */
    public static void install() {
        String path = System.getProperty("sextant.stdout");
        if (path == null) return;
        try {
            String encoding = System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name());
            System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(path, true), 8192), true, encoding));
        } catch (IOException e) {
            // stdout stays the JVM's own: the document still arrives, a crash banner could join it
        }
    }
}
