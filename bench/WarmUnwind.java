/**
 * Issue 6's bound: `sextant unwind --json FILE` run again and again in one JVM (output to a null
 * stream), so that the listing's code is compiled by C2 and warm. Prints each run's milliseconds;
 * the last runs are the listing's cost when no JIT warm-up is left. Used by bench/unwind-warm.sh.
 */
public class WarmUnwind {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            int status = dev.sextant.app.Main.run("unwind", "--json", args[1]);
            out.println((System.nanoTime() - t0) / 1_000_000 + " " + status);
        }
    }
}
