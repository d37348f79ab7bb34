import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What H2's commit durability costs: THREADS connections each commit COMMITS small transactions (two inserts, the size
 * of a case and its message row) into a file database, with the URL options given as the first argument.
 * Run with bench/h2-commit-cost.sh.
 */
public class H2CommitCost {
    public static void main(String[] args) throws Exception {
        String options = args.length > 0 ? args[0] : "";
        int threads = Integer.getInteger("threads", 8);
        int commits = Integer.getInteger("commits", 2000);
        Path dir = Files.createTempDirectory("h2-commit-cost");
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" + options;
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("create table a (id varchar(64) primary key, payload varchar(4000))");
            s.execute("create table b (id varchar(64) primary key, a_id varchar(64), payload varchar(4000))");
        }
        String payload = "x".repeat(1500);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                    c.setAutoCommit(false);
                    PreparedStatement a = c.prepareStatement("insert into a values (?, ?)");
                    PreparedStatement b = c.prepareStatement("insert into b values (?, ?, ?)");
                    for (int i = 0; i < commits; i++) {
                        String id = thread + "-" + i;
                        a.setString(1, id); a.setString(2, payload); a.executeUpdate();
                        b.setString(1, id); b.setString(2, id); b.setString(3, payload); b.executeUpdate();
                        c.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) f.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("options=%-16s threads=%d commits=%d  %.0f commits/s  %.3f ms/commit per thread%n",
                options.isEmpty() ? "(default)" : options, threads, threads * commits, threads * commits / seconds,
                seconds * 1000 / commits);
    }
}
