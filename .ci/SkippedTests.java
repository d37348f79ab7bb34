import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * CI guard, run by .ci/run after the build: fails when any test was skipped. A test that skips because Chromium,
 * PostgreSQL or the shared corpus is missing is a hole in CI, so on CI nothing may skip; run with
 * {@code java .ci/SkippedTests.java target/surefire-reports [more report folders]}.
 */
public class SkippedTests {

    public static void main(String[] args) throws Exception {
        List<String> skipped = new ArrayList<>();
        int reports = 0;
        int tests = 0;
        for (String folder : args) {
            Path dir = Path.of(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
            }
            for (Path file : files) {
                reports++;
                var factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                NodeList cases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    tests++;
                    Element testcase = (Element) cases.item(i);
                    NodeList skip = testcase.getElementsByTagName("skipped");
                    if (skip.getLength() > 0) {
                        String reason = ((Element) skip.item(0)).getAttribute("message");
                        skipped.add(testcase.getAttribute("classname") + "." + testcase.getAttribute("name")
                                + (reason.isBlank() ? "" : ": " + reason));
                    }
                }
            }
        }
        if (reports == 0) {
            System.err.println("SkippedTests: no test reports found in " + String.join(", ", args) + ": did the tests run?");
            System.exit(1);
        }
        if (!skipped.isEmpty()) {
            System.err.println("SkippedTests: " + skipped.size() + " of " + tests + " tests were skipped; on CI every test must run:");
            skipped.forEach(s -> System.err.println("  " + s));
            System.exit(1);
        }
        System.out.println("SkippedTests: all " + tests + " tests in " + reports + " reports ran, none skipped");
    }
}
