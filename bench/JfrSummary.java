import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flame summary of a JFR recording of the benchmark, as Markdown: the share of CPU samples spent in each method
 * (self) and under each method (total, the width of its bar in a flame graph), for the frames that say where the
 * intake's time goes. Run by bench/run.sh with PROFILE=1:
 * {@code java bench/JfrSummary.java app.jfr [rows]}.
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> area = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
            area.merge(area(frames), 1, Integer::sum);
        }
        System.out.println("CPU samples: " + samples + " (jdk.ExecutionSample, JFR `profile` settings: one per 10 ms per running thread)");
        System.out.println();
        print("Where the time is spent (the deepest casebridge step under each sample)", area, samples, rows);
        print("Self time (the method on the CPU)", self, samples, rows);
        print("Total time, casebridge methods (the method or what it calls)", filter(total, "org.casebridge."), samples, rows);
    }

    /** The innermost frame of casebridge's own code, or the library at the top of the stack when none is ours. */
    private static String area(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("org.casebridge.")) {
                return name(frame);
            }
        }
        String top = frames.get(frames.size() - 1).getMethod().getType().getName();
        String leaf = frames.get(0).getMethod().getType().getName();
        return "(no casebridge frame) " + packageOf(leaf) + " under " + packageOf(top);
    }

    private static String packageOf(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    private static Map<String, Integer> filter(Map<String, Integer> counts, String prefix) {
        Map<String, Integer> kept = new HashMap<>();
        counts.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.println("| " + title + " | samples | share |");
        System.out.println("|---|---:|---:|");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("| `%s` | %d | %.1f%% |%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, samples)));
        System.out.println();
    }
}
