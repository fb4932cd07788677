package dev.sextant.app.cli;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.SymbolFileWritten;
import dev.sextant.engine.api.TargetException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code sextant symbols --export-breakpad FILE [-o OUT]}: Breakpad's dump_syms. Writes {@code OUT}
 * (default {@code FILE.sym} in the current directory's name, {@code NAME.sym}), and says on stderr the
 * module id and the store path it belongs under ({@code NAME/ID/NAME.sym}). Exit 0 written, 2 not.
 */
final class BreakpadExportRun {
    private BreakpadExportRun() {}

    static int run(Path file, Path output, PrintWriter err) {
        Path out = output != null ? output : Path.of(file.getFileName() + ".sym");
        try {
            SymbolFileWritten w = OneShot.run(new Command.ExportBreakpad(file, out, new Cancellation()));
            err.println("sextant: wrote " + w.output() + ": MODULE id " + w.moduleId() + ", " + w.functions() + " FUNC, "
                    + w.publics() + " PUBLIC, " + w.lines() + " LINE, " + w.cfiEntries() + " STACK CFI INIT"
                    + (w.fdesSkipped() > 0 ? " (" + w.fdesSkipped() + " FDEs with DWARF-expression rules left out)" : ""));
            err.println("sextant: in a symbol store it goes to " + file.getFileName() + "/" + w.moduleId() + "/" + file.getFileName() + ".sym");
            w.problems().forEach(p -> err.println("sextant: " + p));
            return 0;
        } catch (TargetException e) {
            err.println("sextant: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("sextant: " + file + ": " + e);
            return 2;
        }
    }
}
