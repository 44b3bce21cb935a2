package dev.flowstate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.migrations.PostgresForTests;
import dev.flowstate.migrations.TcpProxy;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

class PostgresDashboardBrowserTest extends DashboardBrowserContract {
  @Override
  Fixture fixture() {
    return Fixture.postgres();
  }

  /**
   * The database goes away under an open workflow page (behind a proxy that resets every
   * connection): the page keeps what it showed, says why it is not current, and clears that notice
   * by itself once the database is back. One database is enough here: {@link DashboardOutageTest}
   * covers the answers on each.
   */
  @Test
  void databaseGone_thePageSaysSo_keepsWhatItShowed_andRecoversWithoutAReload() throws Exception {
    UUID id = fixture.halted("Ada");
    try (TcpProxy proxy = TcpProxy.before(PostgresForTests.jdbcUrl())) {
      fixture.dashboard.close();
      fixture.start(Dashboard.builder(DashboardOutageTest.dataSource(true, proxy.jdbcUrl())));
      load("/workflows/" + id);
      assertThat(text("#halt-message")).contains("Payment declined");
      ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes';");

      proxy.cut();

      // a refresh in flight at the cut reads "cannot read ...: An I/O error occurred"; the next
      // one cannot connect at all
      waiting()
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.cssSelector("main .notice"), "cannot reach the database: "));
      assertThat(text("#halt-message")).contains("Payment declined");
      shot("database-gone");

      proxy.restore();

      waiting()
          .until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("main .notice")));
      assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument;"))
          .as("the page was not reloaded")
          .isEqualTo("yes");
    }
    consoleErrors(); // the outage's 503 answers are in the console, as they should be
  }
}
