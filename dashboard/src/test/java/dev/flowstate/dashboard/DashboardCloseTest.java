package dev.flowstate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a dashboard that shares an embedded H2 database with the application: a request still in
 * flight is waited for and never interrupted, because an interrupt that lands in H2's file access
 * closes the database for every connection of the process (H2 issue 227).
 */
class DashboardCloseTest {

  @TempDir Path folder;

  @Test
  void close_neverInterruptsARequestInFlight_andTheApplicationsDatabaseStaysOpen()
      throws Exception {
    try (Fixture fixture = Fixture.h2(folder)) {
      UUID halted = fixture.halted("Ada");
      Gate gate = new Gate();
      fixture.start(Dashboard.builder(gate.around(fixture.dataSource)));
      gate.armed = true;
      HttpClient.newHttpClient()
          .sendAsync(
              HttpRequest.newBuilder(URI.create(fixture.url("/api/workflows/" + halted))).build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(gate.entered.await(10, TimeUnit.SECONDS))
          .as("the request reached the database")
          .isTrue();

      fixture.dashboard.close();
      fixture.dashboard = null;
      gate.release.countDown();

      assertThat(gate.interrupted).as("the request's thread was interrupted").isFalse();
      try (Connection c = fixture.dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery("SELECT status FROM fs_workflow WHERE id = '" + halted + "'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("HALTED");
      }
    }
  }

  /** A data source whose next connection, once armed, waits for the test, noting any interrupt. */
  static final class Gate {
    volatile boolean armed;
    volatile boolean interrupted;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    DataSource around(DataSource target) {
      return (DataSource)
          Proxy.newProxyInstance(
              DataSource.class.getClassLoader(),
              new Class<?>[] {DataSource.class},
              (proxy, method, args) -> {
                if (armed && method.getName().equals("getConnection")) {
                  entered.countDown();
                  while (true) {
                    try {
                      release.await();
                      break;
                    } catch (InterruptedException e) {
                      interrupted = true;
                    }
                  }
                }
                try {
                  return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }
}
