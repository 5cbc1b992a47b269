package io.hubwatch.launcher.db;

import com.zaxxer.hikari.HikariDataSource;
import io.hubwatch.dbproxy.DbProxyConfig;
import io.hubwatch.dbproxy.advise.HubDemo;
import io.hubwatch.dbproxy.advise.IndexAdvisor;
import io.hubwatch.storage.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@code hubwatch db}: the database tools.
 *
 * <pre>{@code
 * bin/hubwatch db demo --dsn postgres://postgres@127.0.0.1:5432/hubdemo --users 20000 --rounds 2000
 * bin/hubwatch db advise --dsn postgres://postgres@127.0.0.1:5432/hubdemo
 * }</pre>
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Database tools: the hub demo and the index advisor.",
        subcommands = {DbCommand.Advise.class, DbCommand.Demo.class})
public final class DbCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Database database(CommandLine.Model.CommandSpec spec, String dsn) {
        try {
            DbProxyConfig.Server s = DbProxyConfig.Server.parse(dsn);
            return Database.of(s.jdbcUrl(s.database()), s.user(), s.password());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dsn: " + e.getMessage());
        }
    }

    @Command(name = "advise", mixinStandardHelpOptions = true,
            description = "Index advice from pg_stat_statements, each index verified with HypoPG; prints CREATE INDEX CONCURRENTLY.")
    static final class Advise implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--dsn", required = true, paramLabel = "URL", description = "postgres://user[:password]@host:port/database")
        String dsn;

        @Option(names = "--top", defaultValue = "20", description = "How many of the heaviest statements to examine (default ${DEFAULT-VALUE})")
        int top;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            try (Connection c = database(spec, dsn).connect()) {
                IndexAdvisor.Advice advice = IndexAdvisor.advise(c, top);
                PrintWriter out = spec.commandLine().getOut();
                out.print(advice.report());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Create the hub's tables without indexes, load a realistic volume and run the hub's typical queries.")
    static final class Demo implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--dsn", defaultValue = "postgres://postgres@127.0.0.1:5432/hubdemo", paramLabel = "URL",
                description = "Database to fill (created when missing; default ${DEFAULT-VALUE})")
        String dsn;

        @Option(names = "--users", defaultValue = "20000", description = "Users (x2 keys, x5 sessions, x25 usage records, x10 metric points; default ${DEFAULT-VALUE})")
        int users;

        @Option(names = "--rounds", defaultValue = "2000", description = "Rounds of the five hot queries (default ${DEFAULT-VALUE})")
        int rounds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            Database db = database(spec, dsn);
            db.ensureDatabase();
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource pool = db.pool("hubwatch-db-demo", 2)) {
                long start = System.nanoTime();
                HubDemo.load(pool, users);
                out.printf("loaded %d users and their keys, sessions, usage records and metrics in %.1f s%n", users,
                        (System.nanoTime() - start) / 1e9);
                out.flush();
                try (Connection c = pool.getConnection()) {
                    c.createStatement().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                    start = System.nanoTime();
                    long rows = HubDemo.runWorkload(c, rounds, 42);
                    out.printf("ran %d rounds of the hub's queries (%d rows) in %.1f s; now try: bin/hubwatch db advise --dsn %s%n",
                            rounds, rows, (System.nanoTime() - start) / 1e9, dsn);
                }
            }
            return 0;
        }
    }
}
