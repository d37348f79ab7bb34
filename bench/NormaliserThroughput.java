// Email normaliser throughput over the shared mail corpus, one thread, beside bare parses of the same bytes in the
// same JVM and run:
//   normaliser  EmailNormalizer.normalise (attachments into a temporary AttachmentStore, fsync off; rejections counted)
//   mime4j      DefaultMessageBuilder.parseMessage + every leaf body read fully (text decoded to a String with its
//               charset, binary bodies' bytes read), nested messages included
//   jakarta     new MimeMessage(session, in) + getContent() recursively (Strings, streams read fully, nested messages)
//
// Single-file program, run by bench/email-normaliser.sh with the app's classes and jars:
//   java -cp "target/runtime/casebridge.jar:target/runtime/lib/*" bench/NormaliserThroughput.java \
//        corpus=../shared/corpus/mail
//
// Method: every .eml/.msg file read once into memory (in place, never copied), then warm-up iterations of each
// parser, then measured iterations interleaved in rotating order (so a busy moment does not favour one parser);
// an iteration is as many whole passes over the corpus as fit in iterationMs. Reports mails/s (wall clock, and per
// CPU second of the measuring thread), mean and spread over the iterations, bytes allocated per mail, the
// normaliser's rejections by reason, and the files that cost the normaliser most. profileMs>0 then records a JFR
// profile of the normaliser alone and prints its hottest methods.
import com.sun.management.ThreadMXBean;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.BinaryBody;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.casebridge.cases.Case;
import org.casebridge.cases.Priority;
import org.casebridge.channel.email.EmailLimits;
import org.casebridge.channel.email.EmailNormalizer;
import org.casebridge.channel.email.EmailRejectedException;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

public class NormaliserThroughput {

    interface Parser {
        /** Parses one mail; returns a number derived from the result (kept, so the work cannot be skipped). */
        long parse(byte[] raw) throws Exception;
    }

    static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    static long sink;
    static Map<String, Integer> rejections = new TreeMap<>();
    static Map<String, Integer> failures = new TreeMap<>();
    static boolean counting;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opts.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path corpus = Path.of(opts.getOrDefault("corpus", "../shared/corpus/mail"));
        long iterationMs = Long.parseLong(opts.getOrDefault("iterationMs", "3000"));
        int warmupIterations = Integer.parseInt(opts.getOrDefault("warmup", "4"));
        int iterations = Integer.parseInt(opts.getOrDefault("iterations", "6"));
        long profileMs = Long.parseLong(opts.getOrDefault("profileMs", "0"));
        Path profileFile = opts.containsKey("profileFile") ? Path.of(opts.get("profileFile")) : null;
        List<String> only = List.of(opts.getOrDefault("parsers", "normaliser,mime4j,jakarta").split(","));

        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".eml") || p.toString().endsWith(".msg")).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalStateException("no .eml/.msg files under " + corpus.toAbsolutePath());
        byte[][] mails = new byte[files.size()][];
        long totalBytes = 0;
        for (int i = 0; i < mails.length; i++) {
            mails[i] = Files.readAllBytes(files.get(i));
            totalBytes += mails[i].length;
        }
        System.out.printf(Locale.ROOT, "CORPUS files=%d bytes=%d path=%s%n", mails.length, totalBytes, corpus.toAbsolutePath().normalize());

        Path store = Files.createTempDirectory("casebridge-normaliser-bench");
        try {
            EmailNormalizer normalizer = new EmailNormalizer(new AttachmentStore(new BlobStore("attachments", store, false)),
                    EmailLimits.defaults(), Priority.P3, Duration.ofHours(24));
            Map<String, Parser> parsers = new LinkedHashMap<>();
            parsers.put("normaliser", raw -> {
                try {
                    Case c = normalizer.normalise(raw, "support", "raw/bench");
                    return c.body().text() == null ? 1 : c.body().text().length() + c.attachments().size();
                } catch (EmailRejectedException e) {
                    if (counting) rejections.merge(e.reason(), 1, Integer::sum);
                    return 7;
                }
            });
            parsers.put("mime4j", mime4j());
            parsers.put("jakarta", jakarta());
            parsers.keySet().retainAll(only);
            List<String> names = new ArrayList<>(parsers.keySet());

            // one counted pass: rejections and failures per parser, identical in every later pass
            counting = true;
            Map<String, Integer> failedBy = new LinkedHashMap<>();
            for (String name : names) {
                int before = failures.values().stream().mapToInt(Integer::intValue).sum();
                onePass(name, parsers.get(name), mails);
                failedBy.put(name, failures.values().stream().mapToInt(Integer::intValue).sum() - before);
            }
            counting = false;

            System.err.printf("[normaliser] warm-up: %d iterations of %d ms per parser%n", warmupIterations, iterationMs);
            for (int w = 0; w < warmupIterations; w++) {
                for (String name : names) iteration(parsers.get(name), mails, iterationMs);
            }
            System.err.printf("[normaliser] measuring: %d iterations of %d ms per parser, rotating order%n", iterations, iterationMs);
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            for (String name : names) results.put(name, new ArrayList<>());
            for (int it = 0; it < iterations; it++) {
                List<String> order = new ArrayList<>(names);
                java.util.Collections.rotate(order, it);
                if (it % 2 == 1) java.util.Collections.reverse(order);
                for (String name : order) {
                    double[] r = iteration(parsers.get(name), mails, iterationMs);
                    results.get(name).add(r);
                    System.out.printf(Locale.ROOT, "ITERATION parser=%s n=%d mails_per_s=%.1f cpu_mails_per_s=%.1f alloc_kb_per_mail=%.1f gc_ms_per_1000=%.1f%n",
                            name, it + 1, r[0], r[1], r[2], r[3]);
                }
            }
            double bareMime4j = mean(results.getOrDefault("mime4j", List.of()), 0);
            for (String name : names) {
                List<double[]> rs = results.get(name);
                System.out.printf(Locale.ROOT,
                        "RESULT parser=%s mails_per_s=%.0f sd=%.0f min=%.0f max=%.0f cpu_mails_per_s=%.0f cpu_sd=%.0f alloc_kb_per_mail=%.0f gc_ms_per_1000=%.1f us_per_mail=%.0f mb_per_s=%.1f failures=%d%n",
                        name, mean(rs, 0), sd(rs, 0), min(rs, 0), max(rs, 0), mean(rs, 1), sd(rs, 1), mean(rs, 2), mean(rs, 3),
                        1e6 / mean(rs, 0), mean(rs, 0) * totalBytes / mails.length / 1e6, failedBy.get(name));
            }
            if (results.containsKey("normaliser") && bareMime4j > 0) {
                double n = mean(results.get("normaliser"), 0);
                System.out.printf(Locale.ROOT, "RATIO normaliser_vs_mime4j=%.2f cpu=%.2f%n", bareMime4j / n,
                        mean(results.get("mime4j"), 1) / mean(results.get("normaliser"), 1));
                if (results.containsKey("jakarta")) {
                    System.out.printf(Locale.ROOT, "RATIO normaliser_vs_jakarta=%.2f cpu=%.2f%n", mean(results.get("jakarta"), 0) / n,
                            mean(results.get("jakarta"), 1) / mean(results.get("normaliser"), 1));
                }
            }
            int rejected = rejections.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("REJECTIONS total=%d of=%d %s%n", rejected, mails.length, rejections);
            System.out.printf("FAILURES %s%n", failures);

            if (parsers.containsKey("normaliser")) {
                costliest(parsers, files, mails, corpus);
            }
            if (profileMs > 0 && parsers.containsKey("normaliser")) {
                profile(parsers.get("normaliser"), mails, profileMs, profileFile);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(store)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println("SINK " + (sink & 1)); // keeps the results alive
    }

    /** One pass over the corpus; a parser's exception is counted (bare parsers) and the pass goes on. */
    static void onePass(String name, Parser parser, byte[][] mails) {
        for (byte[] raw : mails) {
            try {
                sink += parser.parse(raw);
            } catch (Throwable e) {
                if (counting) failures.merge(name + ":" + e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    /** Whole passes until iterationMs is used: {wall mails/s, thread-CPU mails/s, allocated KB per mail, GC ms per 1000 mails}. */
    static double[] iteration(Parser parser, byte[][] mails, long iterationMs) {
        long id = Thread.currentThread().getId();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long alloc0 = THREADS.getThreadAllocatedBytes(id);
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        long deadline = t0 + iterationMs * 1_000_000L;
        long count = 0;
        do {
            onePass(null, parser, mails);
            count += mails.length;
        } while (System.nanoTime() < deadline);
        long t1 = System.nanoTime();
        long cpu1 = THREADS.getCurrentThreadCpuTime();
        long alloc1 = THREADS.getThreadAllocatedBytes(id);
        long gc1 = gcMillis();
        return new double[] {count * 1e9 / (t1 - t0), count * 1e9 / (cpu1 - cpu0), (alloc1 - alloc0) / 1024.0 / count,
                (gc1 - gc0) * 1000.0 / count};
    }

    /** Collection time of every collector so far (pauses, for G1's young and mixed collections). */
    static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    static Parser mime4j() {
        MimeConfig config = MimeConfig.custom().setStrictParsing(false).setMaxHeaderCount(1000).setMaxHeaderLen(64 * 1024)
                .setMaxLineLen(32 * 1024).build();
        return raw -> {
            DefaultMessageBuilder builder = new DefaultMessageBuilder();
            builder.setMimeEntityConfig(config);
            builder.setDecodeMonitor(DecodeMonitor.SILENT);
            Message message = builder.parseMessage(new ByteArrayInputStream(raw));
            try {
                String subject = message.getSubject();
                return (subject == null ? 0 : subject.length()) + readEntity(message);
            } finally {
                message.dispose();
            }
        };
    }

    static long readEntity(Entity entity) throws Exception {
        Body body = entity.getBody();
        if (body instanceof org.apache.james.mime4j.dom.Multipart multipart) {
            long n = 0;
            for (Entity part : multipart.getBodyParts()) n += readEntity(part);
            return n;
        }
        if (body instanceof Message nested) {
            return readEntity(nested);
        }
        if (body instanceof TextBody text) {
            try (Reader reader = text.getReader()) {
                StringBuilder out = new StringBuilder();
                char[] buffer = new char[8192];
                for (int r; (r = reader.read(buffer)) > 0; ) out.append(buffer, 0, r);
                return out.toString().length();
            }
        }
        if (body instanceof BinaryBody binary) {
            try (InputStream in = binary.getInputStream()) {
                return in.readAllBytes().length;
            }
        }
        return 0;
    }

    static Parser jakarta() {
        Properties props = new Properties();
        props.put("mail.mime.address.strict", "false");
        jakarta.mail.Session session = jakarta.mail.Session.getInstance(props);
        return raw -> {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
            String subject = message.getSubject();
            return (subject == null ? 0 : subject.length()) + readPart(message, 0);
        };
    }

    static long readPart(Part part, int depth) throws Exception {
        if (depth > 50) return 0;
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            long n = 0;
            for (int i = 0; i < multipart.getCount(); i++) n += readPart(multipart.getBodyPart(i), depth + 1);
            return n;
        }
        if (content instanceof Part nested) return readPart(nested, depth + 1);
        if (content instanceof String s) return s.length();
        if (content instanceof InputStream in) {
            try (in) {
                return in.readAllBytes().length;
            }
        }
        return 1;
    }

    /** The files that cost the normaliser most: median of 5 timings each, beside mime4j's for the same file. */
    static void costliest(Map<String, Parser> parsers, List<Path> files, byte[][] mails, Path corpus) {
        int reps = 5;
        int n = mails.length;
        double[] normaliser = new double[n];
        double[] bare = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            normaliser[i] = medianMicros(parsers.get("normaliser"), mails[i], reps);
            bare[i] = parsers.containsKey("mime4j") ? medianMicros(parsers.get("mime4j"), mails[i], reps) : Double.NaN;
            total += normaliser[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(normaliser[b], normaliser[a]));
        double bareTotal = Arrays.stream(bare).sum();
        System.out.printf(Locale.ROOT, "COSTLIEST normaliser_total_us_per_pass=%.0f mime4j_total_us_per_pass=%.0f ratio=%.2f%n",
                total, bareTotal, total / bareTotal);
        // by source project, and the typical (median) mail
        Map<String, double[]> bySource = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String source = corpus.relativize(files.get(i)).getName(0).toString();
            double[] acc = bySource.computeIfAbsent(source, k -> new double[3]);
            acc[0] += normaliser[i];
            acc[1] += bare[i];
            acc[2]++;
        }
        bySource.forEach((source, acc) -> System.out.printf(Locale.ROOT,
                "BY_SOURCE source=%s files=%.0f normaliser_us_per_mail=%.0f mime4j_us_per_mail=%.0f ratio=%.2f%n",
                source, acc[2], acc[0] / acc[2], acc[1] / acc[2], acc[0] / acc[1]));
        double[] sortedN = normaliser.clone();
        double[] sortedB = bare.clone();
        Arrays.sort(sortedN);
        Arrays.sort(sortedB);
        System.out.printf(Locale.ROOT, "MEDIAN_MAIL normaliser_us=%.0f mime4j_us=%.0f ratio=%.2f%n", sortedN[n / 2],
                sortedB[n / 2], sortedN[n / 2] / sortedB[n / 2]);
        for (int k = 0; k < Math.min(12, n); k++) {
            int i = order[k];
            System.out.printf(Locale.ROOT, "COSTLY file=%s bytes=%d normaliser_us=%.0f share=%.1f%% mime4j_us=%.0f ratio=%.1f%n",
                    corpus.relativize(files.get(i)), mails[i].length, normaliser[i], 100 * normaliser[i] / total, bare[i],
                    normaliser[i] / bare[i]);
        }
    }

    static double medianMicros(Parser parser, byte[] raw, int reps) {
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            try {
                sink += parser.parse(raw);
            } catch (Throwable ignored) {
                // counted in the first pass
            }
            t[r] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /** JFR profile of the normaliser alone; prints the hottest methods, by own samples and by samples including callees. */
    static void profile(Parser parser, byte[][] mails, long profileMs, Path file) throws Exception {
        Path jfr = file != null ? file : Files.createTempFile("normaliser", ".jfr");
        Configuration settings = Configuration.getConfiguration("profile");
        try (Recording recording = new Recording(settings)) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            iteration(parser, mails, profileMs);
            recording.stop();
            recording.dump(jfr);
        }
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> areas = new HashMap<>();
        int samples = 0;
        String me = Thread.currentThread().getName();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            if (event.getThread("sampledThread") == null || !me.equals(event.getThread("sampledThread").getJavaName())) continue;
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) continue;
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String m = name(frame);
                if (m.startsWith("NormaliserThroughput") || m.startsWith("jdk.internal.reflect.") || m.startsWith("java.lang.reflect.")
                        || m.startsWith("com.sun.tools.javac.launcher.")) continue; // the harness
                if (seen.add(m)) inclusive.merge(m, 1, Integer::sum);
            }
            // the innermost casebridge method on the stack: which step of the normaliser the time belongs to
            String area = "(outside casebridge)";
            for (RecordedFrame frame : frames) {
                String m = name(frame);
                if (m.startsWith("org.casebridge.")) {
                    area = m;
                    break;
                }
            }
            areas.merge(area, 1, Integer::sum);
        }
        System.out.printf("PROFILE samples=%d file=%s%n", samples, jfr);
        print("PROFILE_SELF", self, samples, 15);
        print("PROFILE_INCLUSIVE", inclusive, samples, 30);
        print("PROFILE_STEP", areas, samples, 15);
        if (file == null) Files.deleteIfExists(jfr);
    }

    static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    static void print(String tag, Map<String, Integer> counts, int total, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%s %5.1f%% %s%n", tag, 100.0 * e.getValue() / total, e.getKey()));
    }

    static double mean(List<double[]> rs, int k) {
        return rs.stream().mapToDouble(r -> r[k]).average().orElse(Double.NaN);
    }

    static double sd(List<double[]> rs, int k) {
        double m = mean(rs, k);
        return Math.sqrt(rs.stream().mapToDouble(r -> (r[k] - m) * (r[k] - m)).sum() / Math.max(1, rs.size() - 1));
    }

    static double min(List<double[]> rs, int k) {
        return rs.stream().mapToDouble(r -> r[k]).min().orElse(Double.NaN);
    }

    static double max(List<double[]> rs, int k) {
        return rs.stream().mapToDouble(r -> r[k]).max().orElse(Double.NaN);
    }
}
