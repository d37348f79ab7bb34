package org.casebridge.cli;

import ch.qos.logback.classic.LoggerContext;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import org.casebridge.ops.KameletChecker;
import org.casebridge.ops.RouteFileChecker;
import org.casebridge.statutory.StatutoryRegimes;
import org.slf4j.LoggerFactory;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code casebridge validate [--routes DIR] [--config DIR]}: checks flows, route templates and configuration before
 * they are deployed, without starting anything. The flows in {@code DIR/*.yaml} and {@code DIR/examples/*.yaml} (YAML
 * parses, one flow per file with id = file name and a description, a route template's parameters described and a
 * templated route giving them, every {@code {{placeholder}}} defined in
 * {@code config/*.yaml}, the environment, or with a default), the kamelets in {@code DIR/kamelets/} (name, parameters'
 * JSON schema, secrets marked) and every use of a kamelet (parameters required, known, of their type), and the JSLT
 * mappings in {@code config/}, and {@code config/statutory-clocks.yaml} against its schema. Prints one line per problem, {@code file:line: what is wrong}. Exit status: 0 when all
 * is well, 1 when something is wrong, 2 on a usage error.
 */
public final class ValidateCommand {

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Entry point from {@code main}: returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.reset();
        }
        return new ValidateCommand(out, err).execute(args);
    }

    int execute(String[] args) {
        Path routes = Path.of("routes");
        Path config = Path.of("config");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--routes") || arg.equals("--config")) && i + 1 < args.length) {
                if (arg.equals("--routes")) {
                    routes = Path.of(args[++i]);
                } else {
                    config = Path.of(args[++i]);
                }
            } else if (arg.startsWith("--routes=")) {
                routes = Path.of(arg.substring("--routes=".length()));
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring("--config=".length()));
            } else {
                return usage("unexpected argument '" + arg + "'");
            }
        }
        if (!Files.isDirectory(routes)) {
            return usage("routes folder " + routes + " does not exist");
        }
        if (!Files.isDirectory(config)) {
            return usage("config folder " + config + " does not exist");
        }
        List<RouteFileChecker.Finding> findings = new ArrayList<>();
        StandardEnvironment environment = new StandardEnvironment();
        int configFiles = loadConfiguration(environment, config, findings);
        RouteFileChecker routeChecker = new RouteFileChecker(environment);
        findings.addAll(routeChecker.checkFolder(routes));
        List<Path> routeDirs = new ArrayList<>(List.of(routes));
        Path examples = routes.resolve("examples");
        if (Files.isDirectory(examples)) {
            findings.addAll(routeChecker.checkFolder(examples));
            routeDirs.add(examples);
        }
        findings.addAll(new KameletChecker(environment).check(routes.resolve("kamelets"), routeDirs));
        int mappings = checkMappings(config, findings);
        checkStatutoryClocks(config, findings);

        for (RouteFileChecker.Finding finding : findings) {
            out.println(finding.file() + ":" + finding.line() + ": " + finding.message());
        }
        if (!findings.isEmpty()) {
            err.println("casebridge validate: " + findings.size() + " problem" + (findings.size() == 1 ? "" : "s") + " found");
            return 1;
        }
        out.println("casebridge validate: " + routes + " and " + config + " are valid (" + configFiles + " configuration files, "
                + mappings + " mappings)");
        return 0;
    }

    /** Adds every {@code *.yaml} in {@code config} to the environment (beside the process environment and system properties). */
    private static int loadConfiguration(StandardEnvironment environment, Path config, List<RouteFileChecker.Finding> findings) {
        YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
        int count = 0;
        for (Path file : files(config, ".yaml")) {
            try {
                for (PropertySource<?> source : loader.load(file.toString(), new FileSystemResource(file))) {
                    environment.getPropertySources().addLast(source);
                }
                count++;
            } catch (IOException | RuntimeException e) {
                findings.add(new RouteFileChecker.Finding(file, lineOf(e), "YAML does not parse: " + e.getMessage()));
            }
        }
        return count;
    }

    /** Compiles every JSLT mapping under {@code config}. */
    private static int checkMappings(Path config, List<RouteFileChecker.Finding> findings) {
        int count = 0;
        try (Stream<Path> walk = Files.walk(config)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".jslt") && Files.isRegularFile(f)).sorted().toList()) {
                count++;
                try {
                    new Parser(new StringReader(Files.readString(file, StandardCharsets.UTF_8))).compile();
                } catch (JsltException e) {
                    findings.add(new RouteFileChecker.Finding(file, e.getLine() < 0 ? 0 : e.getLine(), "JSLT mapping does not compile: " + e.getMessage()));
                }
            }
        } catch (IOException e) {
            findings.add(new RouteFileChecker.Finding(config, 0, "cannot read: " + e.getMessage()));
        }
        return count;
    }

    /** The statutory clocks file, when the folder has one: its JSON schema, its milestones, its time zone. */
    private static void checkStatutoryClocks(Path config, List<RouteFileChecker.Finding> findings) {
        Path file = config.resolve("statutory-clocks.yaml");
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> problems = new ArrayList<>();
        StatutoryRegimes.check(file, problems);
        for (String problem : problems) {
            findings.add(new RouteFileChecker.Finding(file, 0, problem.startsWith(file + ": ") ? problem.substring(file.toString().length() + 2) : problem));
        }
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int lineOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
                return marked.getProblemMark().getLine() + 1;
            }
        }
        return 0;
    }

    private int usage(String problem) {
        err.println("casebridge validate: " + problem);
        err.println("usage: java -jar casebridge.jar validate [--routes DIR] [--config DIR]");
        return 2;
    }
}
