package io.pushgate.delivery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The package structure of delivery-service (STYLE.md items 1, 2 and 16): each feature package is a
 * slice, the slices depend on each other without cycles, and a type is public only where another
 * package of the service uses it (its main code, or a test that checks through it what another
 * feature did).
 */
class PackageStructureTests {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pushgate.delivery");

    /** The main classes with the tests: every user a main type has. */
    private static final JavaClasses WITH_TESTS = new ClassFileImporter().importPackages("io.pushgate.delivery");

    /**
     * The types another package reaches through the signature of what it calls or reads (a method's
     * return type with its type arguments, its parameters, a field's type): {@code Mono<Page>}
     * leaves no reference to {@code Page} in the caller's bytecode, yet the caller needs it public.
     */
    private static final Set<String> REACHED_THROUGH_SIGNATURES = reachedThroughSignatures();

    @Test
    void featurePackagesDependOnEachOtherWithoutCycles() {
        slices().matching("io.pushgate.delivery.(*)..")
                .should()
                .beFreeOfCycles()
                .check(MAIN_CLASSES);
    }

    @Test
    void aTypeIsPublicOnlyWhereAnotherPackageUsesIt() {
        classes()
                .that()
                .arePublic()
                .and()
                .doNotHaveSimpleName("package-info")
                // started by the launchers of other modules (infra/standalone) and the tests
                .and()
                .doNotBelongToAnyOf(DeliveryServiceApplication.class)
                .should(beUsedFromAnotherPackage())
                .check(MAIN_CLASSES);
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage() {
        return new ArchCondition<>("be used from another package of the service") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                // a nested type is public for its package's users like its enclosing one
                JavaClass outermost = type;
                while (outermost.getEnclosingClass().isPresent()) {
                    outermost = outermost.getEnclosingClass().get();
                }
                if (!outermost.getModifiers().contains(JavaModifier.PUBLIC)) {
                    return;
                }
                String home = type.getPackageName();
                boolean used = REACHED_THROUGH_SIGNATURES.contains(type.getName())
                        || WITH_TESTS.get(type.getName()).getDirectDependenciesToSelf().stream()
                                .map(Dependency::getOriginClass)
                                .anyMatch(origin -> !origin.getPackageName().equals(home));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(
                            type,
                            type.getName() + " is public, but no other package uses it: make it package-private"));
                }
            }
        };
    }

    private static Set<String> reachedThroughSignatures() {
        Set<JavaClass> reached = new HashSet<>();
        for (JavaClass origin : WITH_TESTS) {
            for (JavaAccess<?> access : origin.getAccessesFromSelf()) {
                if (access.getTargetOwner().getPackageName().equals(origin.getPackageName())) {
                    continue;
                }
                access.getTarget().resolveMember().ifPresent(member -> {
                    if (member instanceof JavaCodeUnit codeUnit) {
                        reached.addAll(codeUnit.getReturnType().getAllInvolvedRawTypes());
                        codeUnit.getParameterTypes().forEach(type -> reached.addAll(type.getAllInvolvedRawTypes()));
                    } else if (member instanceof JavaField field) {
                        reached.addAll(field.getType().getAllInvolvedRawTypes());
                    }
                });
            }
        }
        return reached.stream().map(JavaClass::getName).collect(Collectors.toSet());
    }
}
