package io.kafkalite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.kafkalite.log.ChronicleRuntime;
import org.junit.jupiter.api.Test;

/**
 * {@link ChronicleRuntime#JVM_FLAGS} is the one list of the JVM flags Chronicle needs; the POMs, the standalone
 * jar's manifest and the README carry copies (Maven and a manifest cannot read a Java constant). They must agree.
 */
class JvmFlagsAgreeIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FLAG = Pattern.compile("--add-(?:opens|exports)=[\\w.]+/[\\w.]+=ALL-UNNAMED");
    private static final Set<String> EXPECTED = Set.copyOf(ChronicleRuntime.JVM_FLAGS);

    @Test
    void theParentPomPassesExactlyTheFlagsToTestJvms() throws IOException {
        String pom = read("pom.xml");
        assertThat(flags(property(pom, "chronicle.jvm.flags"))).isEqualTo(EXPECTED);
        assertThat(property(pom, "java23plus.jvm.flags")).isEmpty();
        assertThat(pom).contains("<java23plus.jvm.flags>" + String.join(" ", ChronicleRuntime.JAVA_23_PLUS_FLAGS)
                + "</java23plus.jvm.flags>");
    }

    @Test
    void modulesWithoutTheParentCopyTheSameFlags() throws IOException {
        for (String pom : List.of("compat-tests/junit-5.10/pom.xml", "compat-tests/junit-6/pom.xml",
                "compat-tests/spring-boot-3.5/pom.xml")) {
            assertThat(flags(read(pom))).as(pom).isEqualTo(EXPECTED);
        }
    }

    @Test
    void theStandaloneJarsManifestOpensAndExportsTheSamePackages() throws IOException {
        try (JarFile jar = new JarFile(System.getProperty("kafkalite.jar"))) {
            Attributes main = jar.getManifest().getMainAttributes();
            Set<String> fromManifest = new LinkedHashSet<>();
            Arrays.stream(main.getValue("Add-Opens").split(" "))
                    .forEach(p -> fromManifest.add("--add-opens=" + p + "=ALL-UNNAMED"));
            Arrays.stream(main.getValue("Add-Exports").split(" "))
                    .forEach(p -> fromManifest.add("--add-exports=" + p + "=ALL-UNNAMED"));
            assertThat(fromManifest).isEqualTo(EXPECTED);
        }
    }

    @Test
    void theReadmeShowsTheSameFlagsWhereverItListsThem() throws IOException {
        String readme = read("README.md");
        assertThat(flags(readme)).isEqualTo(EXPECTED);
        // every place that lists flags lists all of them: the Maven argLine and the Gradle jvmArgs
        for (String flag : ChronicleRuntime.JVM_FLAGS) {
            assertThat(count(readme, flag)).as(flag).isEqualTo(count(readme, ChronicleRuntime.JVM_FLAGS.get(0)));
        }
        assertThat(readme).contains(String.join(" ", ChronicleRuntime.JAVA_23_PLUS_FLAGS));
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">|<"
                + Pattern.quote(name) + "/>").matcher(pom);
        assertThat(m.find()).as("property " + name).isTrue();
        return m.group(1) == null ? "" : m.group(1).trim();
    }

    private static Set<String> flags(String text) {
        return FLAG.matcher(text).results().map(java.util.regex.MatchResult::group).collect(Collectors.toSet());
    }

    private static long count(String text, String flag) {
        return Pattern.compile(Pattern.quote(flag)).matcher(text).results().count();
    }
}
