package dev.flowstate.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * A one-line progress display on stderr while resume or restart runs: objects done of all, rate,
 * time left. It reads what the run stored (the workflow's status view, once a second, on a
 * connection of its own), so it needs nothing from the engine and shows what is durable; a run
 * shorter than a second shows nothing.
 */
final class Progress implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final Database database;
  private final UUID id;
  private final PrintWriter err;
  private final Thread thread;
  private volatile boolean done;
  private boolean shown;

  private Progress(Database database, UUID id, PrintWriter err) {
    this.database = database;
    this.id = id;
    this.err = err;
    this.thread = new Thread(this::poll, "flowstate-progress");
    thread.setDaemon(true);
  }

  /** Starts showing the progress of workflow {@code id}. */
  static Progress start(Database database, UUID id, PrintWriter err) {
    Progress progress = new Progress(database, id, err);
    progress.thread.start();
    return progress;
  }

  private void poll() {
    long start = System.nanoTime();
    long first = -1;
    try (Connection c = database.read();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT objects, objects_completed FROM fs_workflow_status WHERE workflow_id = ?")) {
      s.setObject(1, id);
      while (!done) {
        long total;
        long completed;
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return;
          }
          total = r.getLong(1);
          completed = r.getLong(2);
        } finally {
          c.rollback(); // no transaction open while waiting; the next read sees a new snapshot
        }
        if (first < 0) {
          first = completed;
        } else {
          show(
              line(
                  completed,
                  total,
                  completed - first,
                  Duration.ofNanos(System.nanoTime() - start)));
        }
        synchronized (this) {
          if (!done) {
            wait(INTERVAL.toMillis());
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      // a display only: the run itself reports what matters
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void show(String line) {
    if (!done) {
      err.print("\r" + line + "\u001b[K"); // erase what a longer line left
      err.flush();
      shown = true;
    }
  }

  /**
   * The line: {@code objects 1,200/10,000 (12%) · 850/s · about 10 s left}.
   *
   * @param completed objects completed now
   * @param total objects of the workflow
   * @param sinceStart objects completed since the display started
   * @param elapsed time since the display started
   */
  static String line(long completed, long total, long sinceStart, Duration elapsed) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                "objects %,d/%,d (%d%%)",
                completed, total, total == 0 ? 100 : completed * 100 / total));
    double seconds = elapsed.toNanos() / 1e9;
    if (sinceStart > 0 && seconds > 0) {
      double rate = sinceStart / seconds;
      line.append(String.format(" · %,.0f/s", rate));
      long left = Math.round((total - completed) / rate);
      line.append(" · about ").append(duration(left)).append(" left");
    }
    return line.toString();
  }

  private static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
  }

  /** Stops the display and clears its line, so what the command prints next starts clean. */
  @Override
  public void close() {
    synchronized (this) {
      done = true;
      notifyAll();
      if (shown) {
        err.print("\r\u001b[K");
        err.flush();
      }
    }
    try {
      thread.join(INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
