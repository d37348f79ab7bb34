// Email (and web API) latency of a running casebridge: from just before a mail is handed to the SMTP server (or a
// message is POSTed) to the arrival of its case on casebridge.cases.new, read by a JMS consumer over TCP.
//
// Single-file program, run by bench/email-latency.sh with the app's own dependency jars:
//   java -cp "target/runtime/lib/*" bench/EmailLatency.java broker=tcp://127.0.0.1:61616 smtpPort=3025 \
//        httpPort=8080 mode=idle mails=200 posts=200 warmup=20 out=/tmp/samples.tsv
//
// Mails: one at a time to support@casebridge.local through one SMTP connection, each with a unique Message-ID and
// sender, matched on the queue by source.externalId (the Message-ID without angle brackets).
//   emailLoop=closed (IDLE): send, wait for the case, pause pauseMinMs..pauseMaxMs (uniform), send the next: every
//                            mail is alone in the system, so this is latency, not throughput.
//   emailLoop=open (polling): send every pauseMinMs..pauseMaxMs without waiting, so the mails fall at random phases
//                            of the poll cycle (a closed loop would lock onto the cycle and always wait ~ a whole
//                            interval); each poll then reads the few mails that arrived since the last one.
// API: POST /api/v1/messages (closed loop, same pauses), matched by the caseId of the 202 answer.
// Warm-up mails and posts are sent first and not counted. Prints one RESULT line per channel and writes every
// sample to out= (TSV).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

public class EmailLatency {

    static final ObjectMapper JSON = new ObjectMapper();
    /** key ("email:<externalId>" or "api:<caseId>") -> System.nanoTime() of the case's arrival on the queue */
    static final Map<String, CompletableFuture<Long>> ARRIVALS = new ConcurrentHashMap<>();
    static final AtomicLong RECEIVED = new AtomicLong();
    static final AtomicLong UNMATCHED = new AtomicLong();

    static Map<String, String> opts;
    static String runId = Long.toString(System.currentTimeMillis(), 36);

    record Sample(String channel, String mode, int seq, String key, double sendMs, double latencyMs) {
    }

    public static void main(String[] args) throws Exception {
        opts = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("expected key=value: " + arg);
            opts.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String broker = opt("broker", "tcp://127.0.0.1:61616");
        String queue = opt("queue", "casebridge.cases.new");
        int smtpPort = Integer.parseInt(opt("smtpPort", "3025"));
        int httpPort = Integer.parseInt(opt("httpPort", "8080"));
        String apiKey = opt("apiKey", "demo-key-change-me");
        String mode = opt("mode", "idle");
        boolean openLoop = opt("emailLoop", "closed").equals("open");
        int mails = Integer.parseInt(opt("mails", "200"));
        int posts = Integer.parseInt(opt("posts", "200"));
        int warmup = Integer.parseInt(opt("warmup", "20"));
        int pauseMin = Integer.parseInt(opt("pauseMinMs", "50"));
        int pauseMax = Integer.parseInt(opt("pauseMaxMs", "150"));
        long timeoutMs = Long.parseLong(opt("timeoutMs", "30000"));
        Path out = Path.of(opt("out", "email-latency-samples.tsv"));

        // the consumer: every case on the queue, keyed by what the senders know
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker);
        // the embedded broker refuses connections without a login (docs/security.md)
        Connection connection = factory.createConnection(opt("brokerUser", "casebridge"), opt("brokerPassword", ""));
        Session jms = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = jms.createConsumer(jms.createQueue(queue));
        consumer.setMessageListener(message -> {
            long now = System.nanoTime();
            RECEIVED.incrementAndGet();
            try {
                JsonNode c = JSON.readTree(((TextMessage) message).getText());
                String channel = c.path("channel").asText();
                String key = channel.equals("email") ? "email:" + c.path("source").path("externalId").asText()
                        : "api:" + c.path("caseId").asText();
                ARRIVALS.computeIfAbsent(key, k -> new CompletableFuture<>()).complete(now);
            } catch (Exception e) {
                UNMATCHED.incrementAndGet();
                System.err.println("[latency] unreadable message on the queue: " + e);
            }
        });
        connection.start();

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        jakarta.mail.Session mailSession = jakarta.mail.Session.getInstance(props);
        Transport smtp = mailSession.getTransport("smtp");
        smtp.connect();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI api = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/messages");

        // warm-up, not counted: the JIT, the pools and the first-use paths of every step
        say("warm-up: " + warmup + " mails, " + warmup + " posts");
        List<CompletableFuture<Long>> warm = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            String id = messageId("warm" + i);
            warm.add(ARRIVALS.computeIfAbsent("email:" + id, k -> new CompletableFuture<>()));
            smtp = send(mailSession, smtp, mail(mailSession, id, "warm" + i));
            pause(pauseMin, pauseMax);
        }
        for (int i = 0; i < warmup && posts > 0; i++) {
            post(http, api, apiKey, "warm" + i, timeoutMs);
            pause(50, 150);
        }
        long warmDeadline = System.currentTimeMillis() + timeoutMs + (openLoop ? 60_000 : 0);
        int warmLost = 0;
        for (CompletableFuture<Long> f : warm) {
            try {
                f.get(Math.max(1, warmDeadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                warmLost++;
            }
        }
        if (warmLost > 0) say("WARNING: " + warmLost + " warm-up mails did not arrive as cases");

        List<Sample> samples = new ArrayList<>();
        List<Object[]> openPending = new ArrayList<>(); // seq, key, t0, sendMs
        int rounds = Math.max(mails, posts);
        say("measuring: " + mails + " mails (" + (openLoop ? "open" : "closed") + " loop, pause " + pauseMin + "-" + pauseMax
                + " ms), " + posts + " posts (closed loop, pause 50-150 ms), interleaved");
        for (int i = 0; i < rounds; i++) {
            if (i < mails) {
                String id = messageId("m" + i);
                String key = "email:" + id;
                CompletableFuture<Long> arrival = ARRIVALS.computeIfAbsent(key, k -> new CompletableFuture<>());
                MimeMessage mail = mail(mailSession, id, "m" + i); // built before the clock starts
                long t0 = System.nanoTime();
                smtp = send(mailSession, smtp, mail);
                long t1 = System.nanoTime();
                if (openLoop) {
                    openPending.add(new Object[] {i, key, t0, ms(t1 - t0)});
                } else {
                    samples.add(new Sample("email", mode, i, key, ms(t1 - t0), waitFor(arrival, t0, timeoutMs)));
                }
                pause(pauseMin, pauseMax);
            }
            if (i < posts) {
                samples.add(post(http, api, apiKey, "p" + i, timeoutMs).withSeq(i, mode));
                pause(50, 150);
            }
            if ((i + 1) % 50 == 0) say("  " + (i + 1) + "/" + rounds);
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (Object[] p : openPending) {
            CompletableFuture<Long> arrival = ARRIVALS.get((String) p[1]);
            long t0 = (Long) p[2];
            double latency;
            try {
                long at = arrival.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                latency = ms(at - t0);
            } catch (TimeoutException e) {
                latency = Double.NaN;
            }
            samples.add(new Sample("email", mode, (Integer) p[0], (String) p[1], (Double) p[3], latency));
        }
        smtp.close();

        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("channel\tmode\tseq\tkey\tsend_ms\tlatency_ms");
            for (Sample s : samples) {
                w.printf(Locale.ROOT, "%s\t%s\t%d\t%s\t%.3f\t%.3f%n", s.channel, s.mode, s.seq, s.key, s.sendMs, s.latencyMs);
            }
        }
        for (String channel : List.of("email", "api")) {
            List<Sample> of = samples.stream().filter(s -> s.channel.equals(channel)).toList();
            if (of.isEmpty()) continue;
            double[] lat = of.stream().mapToDouble(Sample::latencyMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
            double[] send = of.stream().mapToDouble(Sample::sendMs).sorted().toArray();
            int lost = of.size() - lat.length;
            System.out.printf(Locale.ROOT,
                    "RESULT channel=%s mode=%s loop=%s n=%d lost=%d min_ms=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f mean_ms=%.1f send_p50_ms=%.1f send_p99_ms=%.1f%n",
                    channel, mode, channel.equals("email") && openLoop ? "open" : "closed", of.size(), lost,
                    lat.length > 0 ? lat[0] : Double.NaN, pct(lat, 50), pct(lat, 90), pct(lat, 99),
                    lat.length > 0 ? lat[lat.length - 1] : Double.NaN, Arrays.stream(lat).average().orElse(Double.NaN),
                    pct(send, 50), pct(send, 99));
        }
        System.out.printf("RECEIVED total=%d unreadable=%d%n", RECEIVED.get(), UNMATCHED.get());
        connection.close();
    }

    static String opt(String key, String fallback) {
        return opts.getOrDefault(key, fallback);
    }

    static void say(String s) {
        System.err.println("[latency] " + s);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Nearest-rank percentile of sorted values. */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void pause(int minMs, int maxMs) throws InterruptedException {
        Thread.sleep(minMs + ThreadLocalRandom.current().nextInt(Math.max(1, maxMs - minMs + 1)));
    }

    static double waitFor(CompletableFuture<Long> arrival, long t0, long timeoutMs) throws Exception {
        try {
            return ms(arrival.get(timeoutMs, TimeUnit.MILLISECONDS) - t0);
        } catch (TimeoutException e) {
            say("a case did not arrive within " + timeoutMs + " ms");
            return Double.NaN;
        }
    }

    static String messageId(String tag) {
        return "bench-" + runId + "-" + tag + "-" + UUID.randomUUID() + "@bench.example.org";
    }

    /** A plain customer mail with the given Message-ID (without angle brackets) and its own sender. */
    static MimeMessage mail(jakarta.mail.Session session, String messageId, String tag) throws Exception {
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + messageId + ">");
            }
        };
        message.setFrom(new InternetAddress("tenant-" + tag + "-" + runId + "@example.org", "Bench Tenant " + tag, "UTF-8"));
        message.setRecipients(Message.RecipientType.TO, "support@casebridge.local");
        message.setSubject("Boiler not working, flat " + tag + " (" + runId + ")", "UTF-8");
        message.setSentDate(new Date());
        message.setText("Hello,\n\nthe boiler in my flat stopped working this morning and there is no hot water.\n"
                + "Could someone come and have a look this week? I am at home after 3 pm.\n\nThank you,\nA tenant\n", "UTF-8");
        message.saveChanges();
        return message;
    }

    /** Sends on the open connection, reconnecting once if the server dropped it. */
    static Transport send(jakarta.mail.Session session, Transport smtp, MimeMessage mail) throws MessagingException {
        try {
            smtp.sendMessage(mail, mail.getAllRecipients());
            return smtp;
        } catch (MessagingException e) {
            if (smtp.isConnected()) throw e;
            say("SMTP connection dropped (" + e.getMessage() + "): reconnecting");
            Transport fresh = session.getTransport("smtp");
            fresh.connect();
            fresh.sendMessage(mail, mail.getAllRecipients());
            return fresh;
        }
    }

    record Posted(String key, double sendMs, double latencyMs) {
        Sample withSeq(int seq, String mode) {
            return new Sample("api", mode, seq, key, sendMs, latencyMs);
        }
    }

    static Posted post(HttpClient http, URI api, String apiKey, String tag, long timeoutMs) throws Exception {
        String body = "{\"sender\":{\"name\":\"Bench Tenant " + tag + "\",\"email\":\"tenant-" + tag + "-" + runId
                + "@example.org\"},\"subject\":\"Boiler not working, flat " + tag + "\",\"text\":\"Hello, the boiler in my flat"
                + " stopped working this morning and there is no hot water. Could someone come this week?\"}";
        HttpRequest request = HttpRequest.newBuilder(api).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Api-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        if (response.statusCode() != 202) {
            throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
        }
        String key = "api:" + JSON.readTree(response.body()).path("caseId").asText();
        CompletableFuture<Long> arrival = ARRIVALS.computeIfAbsent(key, k -> new CompletableFuture<>());
        return new Posted(key, ms(t1 - t0), waitFor(arrival, t0, timeoutMs));
    }
}
