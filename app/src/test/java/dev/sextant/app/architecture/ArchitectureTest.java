package dev.sextant.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * DESIGN.md's rules about strata and the one door, over the main classes of every module (tests may
 * reach inside the engine). A rule broken fails the build with the classes and lines that break it.
 */
@AnalyzeClasses(packages = "dev.sextant", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
final class ArchitectureTest {

    /** The engine is a library without a window: no JavaFX, nothing of the application. */
    @ArchTest
    static final ArchRule engineHasNoGui = noClasses().that().resideInAPackage("dev.sextant.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "dev.sextant.app..")
            .because("the engine runs without a window, and later in a process of its own");

    /** JNA (and so native pointers) stays in the *.jna packages, each behind its one translating class. */
    @ArchTest
    static final ArchRule onlyJnaPackagesTouchJna = noClasses().that().resideOutsideOfPackage("..jna..")
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .because("no Pointer leaves a *.jna package");

    /** The one door: the GUI and the command line see only api, session and the pure format parsers. */
    @ArchTest
    static final ArchRule appUsesOnlyTheDoor = noClasses().that().resideInAPackage("dev.sextant.app..")
            .should().dependOnClassesThat(resideInAPackage("dev.sextant.engine..")
                    .and(not(resideInAnyPackage("dev.sextant.engine.api..", "dev.sextant.engine.session..", "dev.sextant.engine.format.."))))
            .because("every engine job is an api.Command answered with api records");

    /** The elfutils strata: raw bindings and their translating classes are elfutils' own; the engine sees the concepts. */
    @ArchTest
    static final ArchRule onlyElfutilsUsesItsBindings = noClasses().that().resideOutsideOfPackage("dev.sextant.engine.elfutils..")
            .should().dependOnClassesThat().resideInAPackage("dev.sextant.engine.elfutils.jna..")
            .because("elfutils.jna is the translation under elfutils' concept classes (ElfSession, CoreSession, LiveSession...)");

    /** No package depends on itself through others. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.sextant.(**)").should().beFreeOfCycles();

    /**
     * In a full reactor build the engine's test classes reach the app's class path as the engine's
     * test-jar ({@code sextant-engine-*-tests.jar}), which {@code DoNotIncludeTests} does not
     * recognise (it knows only {@code test-classes} folders): leave that jar out too.
     */
    public static final class NoTestJars implements ImportOption {
        @Override public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }
}
