package dev.sextant.engine.symbols;

import dev.sextant.engine.api.SearchStep;
import dev.sextant.engine.api.SymbolSource;
import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.SymbolMatch;
import dev.sextant.engine.elfutils.ElfSymbols;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.SymbolOption;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The symbol handler on a real core of a program with two shared libraries, its debug info split
 * off with objcopy/strip as distributions do; cross-checked with nm and eu-addr2line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SymbolHandlerTest {
    @TempDir static Path dir;
    static Path exe, core, debug;
    static final Set<SymbolOption> NOISY = Set.copyOf(EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES,
            SymbolOption.PREFER_LOCAL, SymbolOption.DEBUG));

    @BeforeAll static void build() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc") && Tools.onPath("objcopy") && Tools.onPath("strip"), "needs cc, objcopy, strip");
        Path dup = NativePrograms.source("dup", dir);
        Path main = NativePrograms.source("dupmain", dir);
        cc("-g", "-shared", "-fPIC", "-DDUP_DELTA=1", "-o", "libdupa.so", dup.toString());
        cc("-g", "-shared", "-fPIC", "-DDUP_DELTA=2", "-o", "libdupb.so", dup.toString());
        cc("-g", "-O0", "-o", "dupmain", main.toString(), "-L.", "-Wl,--no-as-needed", "-ldupa", "-ldupb", "-Wl,-rpath,$ORIGIN");
        Path full = dir.resolve("dupmain");
        core = NativePrograms.coreOf(full, dir);
        // The shipped layout: a stripped executable with .gnu_debuglink, its DWARF in dupmain.debug.
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        exe = shipped.resolve("dupmain");
        debug = shipped.resolve("dupmain.debug");
        run("objcopy", "--only-keep-debug", full.toString(), debug.toString());
        run("strip", "--strip-all", "-o", exe.toString(), full.toString());
        run("objcopy", "--add-gnu-debuglink=" + debug, exe.toString());
        for (String lib : List.of("libdupa.so", "libdupb.so")) Files.copy(dir.resolve(lib), shipped.resolve(lib));
    }

    static void cc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc"));
        cmd.addAll(List.of(args));
        NativePrograms.Tools.Result r = Tools.run(dir, 120, cmd);
        if (r.exit() != 0) throw new IllegalStateException("cc: " + r.stderr());
    }

    static void run(String... cmd) throws Exception {
        NativePrograms.Tools.Result r = Tools.run(dir, 120, List.of(cmd));
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + r.stderr());
    }

    record Seen(SymbolEvent event, Object context) {}

    static List<Seen> record(SymbolHandler h, Object ctx) {
        List<Seen> seen = new ArrayList<>();
        h.registerCallback((e, c) -> { seen.add(new Seen(e, c)); return false; }, ctx);
        return seen;
    }

    static ModuleSymbols exeModule(SymbolHandler h) {
        return h.modules().stream().filter(m -> m.shortName().equals("dupmain")).findFirst().orElseThrow();
    }

    static SymbolPath path(String text) {
        return SymbolPath.parse(text, Map.of());
    }

    @Test void debuglinkBesideTheFileLoadsLinesAndContextComesBack() throws Exception {
        Object ctx = new Object();
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), NOISY)) {
            List<Seen> seen = record(h, ctx);
            h.openCore(core, Optional.of(exe));
            assertThat(exeModule(h).status()).isEqualTo(SymbolStatus.DEFERRED);
            assertThat(seen).isEmpty();     // deferred: listing the modules loads nothing
            List<SymbolMatch> crash = h.find("dupmain!crash_here");
            assertThat(crash).hasSize(1);
            assertThat(seen).allSatisfy(s -> assertThat(s.context()).isSameAs(ctx));
            List<SymbolEvent> ev = seen.stream().map(Seen::event).toList();
            assertThat(ev.get(0)).isInstanceOfSatisfying(SymbolEvent.DeferredLoadStart.class,
                    s -> assertThat(s.module()).endsWith("dupmain"));
            assertThat(ev).filteredOn(e -> e instanceof SymbolEvent.DebugInfo).isNotEmpty();
            SymbolEvent.DeferredLoadComplete done = ev.stream().filter(e -> e instanceof SymbolEvent.DeferredLoadComplete)
                    .map(e -> (SymbolEvent.DeferredLoadComplete) e).findFirst().orElseThrow();
            assertThat(done.source()).isEqualTo(SymbolSource.DEBUGLINK);
            assertThat(done.symbolFile()).contains(debug.toString());
            assertThat(done.lineInfo()).isTrue();
            AddressInfo ln = h.lookup(crash.get(0).address());
            assertThat(ln.symbol()).contains("crash_here");
            assertThat(ln.file().orElseThrow()).endsWith("dupmain.c");
            assertThat(ln.line().getAsInt()).isEqualTo(NativePrograms.line("dupmain", "crash") - 1);
        }
    }

    @Test void lineLookupAgreesWithEuAddr2line() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-addr2line"), "eu-addr2line (elfutils) not installed");
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), NOISY)) {
            h.openCore(core, Optional.of(exe));
            List<SymbolMatch> fns = h.find("dupmain!/^(main|crash_here)$/");
            assertThat(fns).hasSize(2);
            for (SymbolMatch f : fns) {
                for (long off = 0; off < f.size(); off += 3) {
                    long a = f.address().value() + off;
                    AddressInfo ln = h.lookup(Address.of(a));
                    NativePrograms.Tools.Result r = Tools.run(dir, 60, List.of("eu-addr2line", "--core=" + core,
                            "-e", exe.toString(), "0x" + Long.toHexString(a)));
                    String want = r.stdout().strip().replaceFirst("^(.*:\\d+):\\d+$", "$1");   // drop the column
                    String got = ln.file().orElse("??") + ":" + (ln.line().isPresent() ? ln.line().getAsInt() : 0);
                    assertThat(got).as("0x%x", a).isEqualTo(want);
                }
            }
        }
    }

    @Test void wrongDebuglinkCrcIsRejectedAndLoadAnythingMakesItPartial() throws Exception {
        Path bad = Files.createDirectories(dir.resolve("badcrc"));
        Path badExe = bad.resolve("dupmain");
        Files.copy(exe, badExe);
        Files.copy(debug, bad.resolve("dupmain.debug"));
        Files.write(bad.resolve("dupmain.debug"), new byte[]{0}, StandardOpenOption.APPEND);   // CRC changes, ELF still valid
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), NOISY)) {
            List<Seen> seen = record(h, null);
            h.openCore(core, Optional.of(badExe));
            ModuleSymbols m = h.loadSymbols(exeModule(h).base());
            assertThat(m.status()).isEqualTo(SymbolStatus.FAILED);
            SymbolEvent.DeferredLoadFailure f = only(seen, SymbolEvent.DeferredLoadFailure.class);
            assertThat(f.tried()).anySatisfy(s -> {
                assertThat(s.outcome()).isEqualTo(SearchStep.Outcome.MISMATCH);
                assertThat(s.detail()).contains("CRC mismatch");
            });
            seen.clear();
            h.setOptions(EnumSet.copyOf(Set.of(SymbolOption.LOAD_LINES, SymbolOption.DEBUG, SymbolOption.LOAD_ANYTHING,
                    SymbolOption.DEFERRED_LOADS)));
            m = h.loadSymbols(m.base());
            assertThat(m.status()).isEqualTo(SymbolStatus.PARTIAL);
            assertThat(only(seen, SymbolEvent.DeferredLoadPartial.class).reason()).contains("CRC mismatch");
        }
    }

    @Test void missingSymbolsFailureListsEveryPlaceTried() throws Exception {
        Path none = Files.createDirectories(dir.resolve("nodebug"));
        Path lone = none.resolve("dupmain");
        Files.copy(exe, lone);
        Path extra = Files.createDirectories(dir.resolve("extra-dir"));
        Path root = Files.createDirectories(dir.resolve("root"));
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink;build-id=" + root + ";" + extra), NOISY)) {
            List<Seen> seen = record(h, null);
            h.openCore(core, Optional.of(lone));
            h.loadSymbols(exeModule(h).base());
            SymbolEvent.DeferredLoadFailure f = only(seen, SymbolEvent.DeferredLoadFailure.class);
            assertThat(f.cancelled()).isFalse();
            assertThat(f.tried().stream().map(SearchStep::place).distinct())
                    .containsExactly(SymbolSource.EMBEDDED, SymbolSource.DEBUGLINK, SymbolSource.BUILD_ID_DIRECTORY, SymbolSource.DIRECTORY);
            assertThat(f.tried()).allSatisfy(s -> assertThat(s.outcome()).isNotEqualTo(SearchStep.Outcome.FOUND));
            assertThat(f.tried()).anySatisfy(s -> assertThat(s.location()).startsWith(root.resolve(".build-id").toString()));
            assertThat(f.reason()).contains("no such file");
        }
    }

    @Test void buildIdDirectoryIsSearchedUnderAnAddedRoot() throws Exception {
        Path none = Files.createDirectories(dir.resolve("viaid"));
        Path lone = none.resolve("dupmain");
        run("strip", "--strip-all", "--remove-section=.gnu_debuglink", "-o", lone.toString(), exe.toString());
        String id = dev.sextant.engine.format.elf.BuildId.ofFile(lone).orElseThrow();
        Path root = dir.resolve("idroot");
        Path target = Files.createDirectories(root.resolve(".build-id").resolve(id.substring(0, 2))).resolve(id.substring(2) + ".debug");
        Files.copy(debug, target);
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink;build-id=" + root), NOISY)) {
            List<Seen> seen = record(h, null);
            h.openCore(core, Optional.of(lone));
            ModuleSymbols m = h.loadSymbols(exeModule(h).base());
            assertThat(m.status()).isEqualTo(SymbolStatus.LOADED);
            assertThat(only(seen, SymbolEvent.DeferredLoadComplete.class).source()).isEqualTo(SymbolSource.BUILD_ID_DIRECTORY);
        }
    }

    @Test void aNameInTwoModulesRaisesDuplicateSymbol() {
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), NOISY)) {
            List<Seen> seen = record(h, null);
            h.openCore(core, Optional.of(exe));
            List<SymbolMatch> m = h.find("dup_fn");
            assertThat(m).extracting(SymbolMatch::module).containsExactlyInAnyOrder("libdupa.so", "libdupb.so");
            SymbolEvent.DuplicateSymbol d = only(seen, SymbolEvent.DuplicateSymbol.class);
            assertThat(d.name()).isEqualTo("dup_fn");
            assertThat(d.matches()).hasSize(2);
            assertThat(d.matches().get(0).address()).isNotEqualTo(d.matches().get(1).address());
        }
    }

    @Test void changingOptionsRaisesSetOptionsAndTheStateHook() {
        try (SymbolHandler h = new SymbolHandler(path("own"), SymbolOption.defaults())) {
            List<Seen> seen = record(h, "ctx");
            List<Object> hook = new ArrayList<>();
            h.addStateListener(new SymbolHandler.StateListener() {
                @Override public void optionsChanged(Set<SymbolOption> o) { hook.add(o); }
                @Override public void pathsChanged(SymbolPath p) { hook.add(p); }
            });
            Set<SymbolOption> next = EnumSet.of(SymbolOption.DEBUG);
            h.setOptions(next);
            assertThat(only(seen, SymbolEvent.SetOptions.class).options()).isEqualTo(next);
            h.setPath(path("own;debuglink"));
            assertThat(hook).containsExactly(Set.copyOf(next), path("own;debuglink"));
        }
    }

    @Test void aCallbackThatThrowsIsReportedAndUnregistered() {
        try (SymbolHandler h = new SymbolHandler(path("own"), SymbolOption.defaults())) {
            int[] calls = {0};
            h.registerCallback((e, c) -> { calls[0]++; throw new IllegalStateException("boom"); }, null);
            List<Seen> seen = record(h, null);
            h.setOptions(EnumSet.of(SymbolOption.DEBUG));
            h.setOptions(EnumSet.of(SymbolOption.LOAD_LINES));
            assertThat(calls[0]).isEqualTo(1);
            assertThat(seen).anySatisfy(s -> assertThat(s.event()).isInstanceOfSatisfying(SymbolEvent.Message.class,
                    m -> assertThat(m.text()).contains("boom").contains("unregistered")));
        }
    }

    @Test void searchAgreesWithNmOnLibc() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("nm"), "nm (binutils) not installed");
        try (SymbolHandler h = new SymbolHandler(path("own"), NOISY)) {
            h.openCore(core, Optional.of(exe));
            ModuleSymbols libc = h.modules().stream().filter(m -> m.shortName().startsWith("libc.so")).findFirst().orElseThrow();
            Path file = Path.of(libc.file().orElseThrow());
            List<SymbolMatch> ours = h.find(libc.shortName() + "!*");
            NativePrograms.Tools.Result nm = Tools.run(dir, 60, List.of("nm", "-D", "--defined-only", "--without-symbol-versions", file.toString()));
            Assumptions.assumeTrue(nm.exit() == 0, "nm failed: " + nm.stderr());
            List<String[]> rows = nm.stdout().lines().map(l -> l.split("\\s+")).filter(a -> a.length == 3).toList();
            assertThat(ours).hasSize(rows.size());
            // libc's first PT_LOAD is at 0, so address = module base + st_value.
            long base = libc.base().value();
            for (String name : List.of("malloc", "free", "memcpy", "printf", "abort", "__libc_start_main")) {
                List<Long> want = rows.stream().filter(a -> a[2].equals(name)).map(a -> Long.parseUnsignedLong(a[0], 16)).toList();
                List<Long> got = ours.stream().filter(s -> s.name().equals(name)).map(s -> s.address().value() - base).toList();
                assertThat(got).as(name).containsExactlyInAnyOrderElementsOf(want);
            }
        }
    }

    /**
     * Random addresses in libc's .text. With libc's own .dynsym only, the start of .text lies before every exported function: only the
     * SHN_ABS version names (GLIBC_2.2.5, … at 0) precede it, and libdwfl names no address by them.
     */
    @ParameterizedTest @ValueSource(strings = {"own;debuglink;build-id", "own"})
    void sortedTableAndInlineIndexAgreeWithLibdwflOnLibc(String symbolPath) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-readelf"), "eu-readelf (elfutils) not installed");
        try (SymbolHandler h = new SymbolHandler(path(symbolPath), NOISY)) {
            h.openCore(core, Optional.of(exe));
            ModuleSymbols libc = h.modules().stream().filter(m -> m.shortName().startsWith("libc.so")).findFirst().orElseThrow();
            String[] text = Tools.run(dir, 60, List.of("eu-readelf", "-S", libc.file().orElseThrow())).stdout().lines()
                    .map(l -> l.trim().split("\\s+")).filter(f -> f.length > 5 && f[1].equals(".text")).findFirst().orElseThrow();
            long textAddr = Long.parseUnsignedLong(text[3], 16), textSize = Long.parseUnsignedLong(text[5], 16);
            java.util.Random r = new java.util.Random(7);
            int withInlines = 0;
            int unnamed = 0;
            for (int i = 0; i < 3200; i++) {
                // the last 200 in the first 8 KiB of .text, where the exported functions have not begun
                long off = i < 3000 ? (long) (r.nextDouble() * textSize) : r.nextInt(Math.min(8192, (int) textSize));
                Address a = Address.of(libc.base().value() + textAddr + off);
                AddressInfo table = h.lookup(a);
                AddressInfo dwfl = h.lookupViaLibdwfl(a);     // dwfl_module_addrinfo, dwarf_getscopes
                assertThat(table.symbol()).as("%s", a).isEqualTo(dwfl.symbol());
                if (dwfl.symbol().isPresent()) assertThat(table.offset()).as("%s", a).isEqualTo(dwfl.offset());
                assertThat(table.file()).as("%s", a).isEqualTo(dwfl.file());
                assertThat(table.line()).as("%s", a).isEqualTo(dwfl.line());
                assertThat(table.inlines()).as("%s", a).isEqualTo(dwfl.inlines());
                if (!dwfl.inlines().isEmpty()) withInlines++;
                if (dwfl.symbol().isEmpty()) unnamed++;
            }
            if (symbolPath.equals("own")) assertThat(unnamed).as("addresses libdwfl names by no symbol").isPositive();
            if (h.module(libc.base()).orElseThrow().lineInfo()) {      // with libc6-dbg's DWARF
                assertThat(withInlines).as("addresses inside inlined calls").isGreaterThan(100);
            }
        }
    }

    /**
     * Every module's code, not only .text: the sizeless .init symbols (_init) must not name the .plt
     * after them, as libdwfl keeps a sizeless symbol to its own section. Both with the executable's
     * and libraries' own tables (the stripped executable has none) and with their debug files.
     */
    @ParameterizedTest @ValueSource(strings = {"own;debuglink;build-id", "own"})
    void everyCodeSectionOfEveryModuleAgreesWithLibdwfl(String symbolPath) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-readelf"), "eu-readelf (elfutils) not installed");
        try (SymbolHandler h = new SymbolHandler(path(symbolPath), NOISY)) {
            h.openCore(core, Optional.of(exe));
            java.util.Random r = new java.util.Random(11);
            int compared = 0, outsideText = 0;
            for (ModuleSymbols m : h.modules()) {
                if (m.file().isEmpty() || !Files.isRegularFile(Path.of(m.file().get()))) continue;
                for (String line : Tools.run(dir, 60, List.of("eu-readelf", "-S", m.file().get())).stdout().lines().toList()) {
                    String[] f = line.trim().replaceFirst("^\\[ +", "[").split("\\s+");
                    // [Nr] Name Type Addr Off Size ES Flags …: code sections only
                    if (f.length < 8 || !f[0].startsWith("[") || !f[7].contains("X")) continue;
                    long addr = Long.parseUnsignedLong(f[3], 16), size = Long.parseUnsignedLong(f[5], 16);
                    if (size == 0) continue;
                    for (int i = 0; i < 60; i++) {
                        Address a = Address.of(m.base().value() + addr + (long) (r.nextDouble() * size));
                        AddressInfo table = h.locate(a);
                        AddressInfo dwfl = h.lookupViaLibdwfl(a);
                        assertThat(table.symbol()).as("%s in %s %s", a, m.shortName(), f[1]).isEqualTo(dwfl.symbol());
                        if (dwfl.symbol().isPresent()) assertThat(table.offset()).as("%s", a).isEqualTo(dwfl.offset());
                        compared++;
                        if (!f[1].equals(".text")) outsideText++;
                    }
                }
            }
            assertThat(compared).isGreaterThan(500);
            assertThat(outsideText).as("addresses in .init, .plt, .fini, …").isGreaterThan(100);
        }
    }

    /** The table is read from the ELF file in bulk; it must be libdwfl's symbol for symbol (.symtab of debug files, .dynsym). */
    @Test void symbolTablesReadFromTheFilesEqualLibdwflsOwn() {
        for (String p : List.of("own", "own;debuglink;build-id")) {
            try (SymbolHandler h = new SymbolHandler(path(p), NOISY)) {
                h.openCore(core, Optional.of(exe));
                int compared = 0;
                for (ModuleSymbols m : h.modules()) {
                    if (m.file().isEmpty()) continue;
                    List<List<dev.sextant.engine.elfutils.ElfSymbols.Symbol>> both = h.symbolsBothWays(m.base());
                    assertThat(both.get(0)).as("%s with %s", m.shortName(), p).isEqualTo(both.get(1));
                    compared += both.get(1).size();
                    if (m.shortName().startsWith("libc.so")) assertThat(h.tableReadFromFile(m.base())).as("libc's table read in bulk").isTrue();
                }
                assertThat(compared).as("symbols compared").isGreaterThan(1000);
            }
        }
    }

    @Test void withoutDeferredLoadsEveryModuleLoadsAtOpenAndUnloadRaisesSymbolsUnloaded() {
        Set<SymbolOption> eager = EnumSet.of(SymbolOption.LOAD_LINES, SymbolOption.PREFER_LOCAL);
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), eager)) {
            List<Seen> seen = record(h, null);
            List<ModuleSymbols> mods = h.openCore(core, Optional.of(exe));
            List<String> started = seen.stream().map(Seen::event).filter(e -> e instanceof SymbolEvent.DeferredLoadStart)
                    .map(e -> ((SymbolEvent.DeferredLoadStart) e).module()).toList();
            assertThat(started).containsExactlyInAnyOrderElementsOf(mods.stream().map(ModuleSymbols::name).toList());
            assertThat(mods).allSatisfy(m -> assertThat(m.status()).isNotIn(SymbolStatus.DEFERRED, SymbolStatus.LOADING));
            seen.clear();
            Address base = exeModule(h).base();
            h.unload(base);
            assertThat(only(seen, SymbolEvent.SymbolsUnloaded.class).base()).isEqualTo(base);
            assertThat(exeModule(h).status()).isEqualTo(SymbolStatus.DEFERRED);
            assertThat(h.find("dupmain!main")).hasSize(1);     // loads again when needed
            assertThat(exeModule(h).status()).isEqualTo(SymbolStatus.LOADED);
        }
    }

    @Test void anotherThreadsCallIsRefusedButCancelIsAllowed() throws Exception {
        try (SymbolHandler h = new SymbolHandler(path("own;debuglink"), SymbolOption.defaults())) {
            h.openCore(core, Optional.of(exe));
            java.util.concurrent.CompletableFuture<Throwable> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                h.cancelLoads();
                try {
                    h.find("main");
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(other.get(30, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("confined to thread");
            assertThat(h.find("dupmain!main")).hasSize(1);
        }
    }

    static <T extends SymbolEvent> T only(List<Seen> seen, Class<T> type) {
        List<T> hits = seen.stream().map(Seen::event).filter(type::isInstance).map(type::cast).toList();
        assertThat(hits).as(type.getSimpleName()).hasSize(1);
        return hits.get(0);
    }
}
