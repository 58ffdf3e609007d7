package io.pushgate.standalone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of ARCHITECTURE.md: services talk over HTTP and through the tables they own,
 * never through each other's code; {@code api} stays free of Spring; {@code infra} serves the
 * services and their tests but no service's main code depends on it. This module sees every
 * module's main classes, so the rules are checked here.
 */
class ArchitectureTests {

    private static final String TENANT = "io.pushgate.tenant..";
    private static final String DELIVERY = "io.pushgate.delivery..";
    private static final String PORTAL = "io.pushgate.portal..";
    private static final String[] INFRA = {
        "io.pushgate.standalone..",
        "io.pushgate.testkit..",
        "io.pushgate.embeddedpg..",
        "io.pushgate.emulator..",
        "io.pushgate.loadgen..",
        "io.pushgate.microbench.."
    };

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pushgate");

    @Test
    void tenantServiceUsesNoOtherServicesCode() {
        noClasses()
                .that()
                .resideInAPackage(TENANT)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(DELIVERY, PORTAL)
                .check(MAIN_CLASSES);
    }

    @Test
    void deliveryServiceUsesNoOtherServicesCode() {
        noClasses()
                .that()
                .resideInAPackage(DELIVERY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(TENANT, PORTAL)
                .check(MAIN_CLASSES);
    }

    @Test
    void webPortalUsesNoServicesCode() {
        noClasses()
                .that()
                .resideInAPackage(PORTAL)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(TENANT, DELIVERY)
                .check(MAIN_CLASSES);
    }

    @Test
    void apiHasNoSpringDependency() {
        noClasses()
                .that()
                .resideInAPackage("io.pushgate.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..")
                .check(MAIN_CLASSES);
    }

    @Test
    void noServiceDependsOnInfra() {
        noClasses()
                .that()
                .resideInAnyPackage(TENANT, DELIVERY, PORTAL)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(INFRA)
                .check(MAIN_CLASSES);
    }
}
