package dev.dockstep.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * SQLite's writes, one thread and one connection, committed in groups. Writes that arrive while a
 * commit is on its way to disk wait and go together in the next transaction, so one fsync serves
 * many of them. Each write runs in a savepoint of its own, so one that fails rolls back alone.
 * A caller returns only once its group has committed.
 */
final class GroupCommit implements AutoCloseable {
    private static final int MAX_GROUP = 128;

    private record Pending(Database.Work<?> work, CompletableFuture<Object> done) {
    }

    private final Connection connection;
    private final String description;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;

    GroupCommit(Connection connection, String description) {
        this.connection = connection;
        this.description = description;
        this.writer = new Thread(this::writeLoop, "sqlite-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @SuppressWarnings("unchecked")
    <T> T submit(Database.Work<T> work) {
        if (!open) {
            throw new Database.StoreException("the database " + description + " is closed", null);
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        queue.add(new Pending(work, done));
        try {
            return (T) done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Database.StoreException("interrupted while writing to " + description, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new Database.StoreException("the database " + description + " failed: " + cause.getMessage(), cause);
        }
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Pending> group) {
        List<Object> results = new ArrayList<>();
        try {
            connection.setAutoCommit(false);
            for (Pending pending : group) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    results.add(pending.work().run(connection));
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback(savepoint);
                    results.add(e instanceof SQLException sql
                            ? new Database.StoreException("the database " + description + " failed: " + sql.getMessage(), sql)
                            : e);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the commit's own failure is what callers hear of
            }
            Database.StoreException failure = new Database.StoreException("the database " + description
                    + " could not commit: " + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
            return;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the next group will find out
            }
        }
        for (int i = 0; i < group.size(); i++) {
            Object result = results.get(i);
            if (result instanceof RuntimeException failure) {
                group.get(i).done().completeExceptionally(failure);
            } else {
                group.get(i).done().complete(result);
            }
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            writer.join(10_000);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
