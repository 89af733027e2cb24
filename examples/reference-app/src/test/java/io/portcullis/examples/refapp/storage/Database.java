package io.portcullis.examples.refapp.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A freshly migrated database for repository tests: an in-memory H2, or a new schema in the
 * local PostgreSQL (127.0.0.1:5432, database {@code test}; user {@code postgres} or {@code root},
 * or {@code REFAPP_PG_URL} / {@code REFAPP_PG_USER} / {@code REFAPP_PG_PASSWORD}). Without a
 * reachable PostgreSQL the PostgreSQL runs are skipped by an assumption that says why.
 */
public final class Database implements AutoCloseable {
    public final String name;
    public final DataSource dataSource;
    private final Runnable cleanup;

    private Database(String name, DataSource dataSource, Runnable cleanup) {
        this.name = name;
        this.dataSource = dataSource;
        this.cleanup = cleanup;
    }

    public static Database open(String kind) {
        return "postgresql".equals(kind) ? postgres() : h2();
    }

    static Database h2() {
        String url = "jdbc:h2:mem:repo-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        DataSource ds = new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", "");
        migrate(ds, null);
        return new Database("h2", ds, () -> execute(ds, "shutdown"));
    }

    static Database postgres() {
        PostgresSchema pg = PostgresSchema.create();
        DataSource ds = new SimpleDriverDataSource(new org.postgresql.Driver(), pg.url(), pg.user(), pg.password());
        migrate(ds, pg.schema());
        return new Database("postgresql", ds, pg::drop);
    }

    /** A new, empty schema in the local PostgreSQL: connect with {@link #url()} (its {@code currentSchema}). */
    public record PostgresSchema(String baseUrl, String user, String password, String schema) {
        /** Creates nothing yet: the schema is made by Flyway ({@code createSchemas}); skips (assumption) without PostgreSQL. */
        public static PostgresSchema create() {
            String url = System.getenv().getOrDefault("REFAPP_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
            String password = System.getenv().getOrDefault("REFAPP_PG_PASSWORD", "");
            String env = System.getenv("REFAPP_PG_USER");
            String[] users = env != null ? new String[] {env} : new String[] {"postgres", "root"};
            String user = null;
            StringBuilder why = new StringBuilder();
            for (String u : users) {
                try (Connection c = DriverManager.getConnection(url + "?connectTimeout=3", u, password)) {
                    if (c.isValid(3)) {
                        user = u;
                        break;
                    }
                } catch (SQLException e) {
                    why.append(u).append(": ").append(e.getMessage()).append("; ");
                }
            }
            Assumptions.assumeTrue(user != null, "PostgreSQL not reachable at " + url + " (" + why + ")");
            String schema = "refapp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            return new PostgresSchema(url, user, password, schema);
        }

        public String url() {
            return baseUrl + "?currentSchema=" + schema;
        }

        public void drop() {
            execute(new SimpleDriverDataSource(new org.postgresql.Driver(), baseUrl, user, password),
                    "drop schema if exists " + schema + " cascade");
        }
    }

    private static void migrate(DataSource ds, String schema) {
        var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        if (schema != null) {
            config = config.schemas(schema).createSchemas(true);
        }
        config.load().migrate();
    }

    private static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        cleanup.run();
    }

    @Override
    public String toString() {
        return name;
    }
}
