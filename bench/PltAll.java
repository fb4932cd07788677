import java.nio.file.*;
/** bench/plt-objdump-all.sh's Sextant side: each file's PLT stubs ("address name" lines) into a directory, one JVM for all. */
public class PltAll {
  public static void main(String[] a) throws Exception {
    for (String f : Files.readAllLines(Path.of(a[0]))) {
      StringBuilder b = new StringBuilder();
      for (var s : dev.sextant.engine.format.elf.PltStubs.ofFile(Path.of(f))) b.append(Long.toHexString(s.start())).append(' ').append(s.name()).append('\n');
      Files.writeString(Path.of(a[1], f.replace('/', '_')), b.toString());
    }
  }
}
