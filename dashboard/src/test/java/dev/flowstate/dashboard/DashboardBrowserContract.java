package dev.flowstate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.db.WorkerPool;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (issue 24): the machine's headless Chromium driven by its
 * ChromeDriver (Debian's chromium and chromium-driver, which .ci/run installs; nothing is
 * downloaded), on each database (one subclass each). Without Chromium the tests are skipped, unless
 * {@code FLOWSTATE_REQUIRE_BROWSER=1} (CI), which makes that a failure. Screenshots of each page go
 * to {@code target/screenshots} (PostgreSQL's without a prefix: the README shows one).
 */
abstract class DashboardBrowserContract {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");

  static ChromeDriver browser;
  static Path profile;
  Fixture fixture;

  @BeforeAll
  static void startBrowser() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "1".equals(System.getenv("FLOWSTATE_REQUIRE_BROWSER"))) {
      throw new IllegalStateException(
          "FLOWSTATE_REQUIRE_BROWSER=1 but "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing: apt-get install chromium chromium-driver");
    }
    Assumptions.assumeTrue(
        present, "no Chromium: apt-get install chromium chromium-driver to run the browser tests");
    profile = Files.createTempDirectory("flowstate-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,1000",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  abstract Fixture fixture();

  @BeforeEach
  void open() {
    fixture = fixture().start();
  }

  /** The page of one test must not poll the dashboard of the next: leave it, forget its console. */
  @AfterEach
  void close() throws Exception {
    browser.get("about:blank");
    consoleErrors();
    fixture.close();
  }

  WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  void load(String path) {
    browser.get(fixture.url(path));
  }

  void shot(String name) throws Exception {
    File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    String prefix =
        fixture.kind == Fixture.Kind.POSTGRESQL
            ? ""
            : fixture.kind.name().toLowerCase(java.util.Locale.ROOT) + "-";
    Files.copy(
        file.toPath(), SHOTS.resolve(prefix + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** What the page's console said at level SEVERE since the last call: errors of any kind. */
  static List<String> consoleErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * The text of the first visible element that matches, read in one step: pages that refresh
   * replace their elements when what they show changes (a pool's heartbeat does every refresh), so
   * an element found first and read later may be gone by then; a stale one is looked up again.
   */
  String text(String css) {
    return waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              WebElement element = d.findElement(By.cssSelector(css));
              return element.isDisplayed() ? element.getText() : null;
            });
  }

  @Test
  void overview_showsCountsByLabel_theChartAndThePools_withoutConsoleErrors() throws Exception {
    fixture.halted("Ada");
    fixture.failed();
    fixture.submitted(new Fixture.Order("Bob", null));
    consoleErrors();

    load("/");

    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#totals a[data-label=Halted] .n"), "1"));
    assertThat(text("#totals a[data-label=Error] .n")).isEqualTo("1");
    assertThat(text("#totals a[data-label=New] .n")).isEqualTo("1");
    assertThat(browser.findElements(By.cssSelector(".chart svg"))).hasSize(1);
    assertThat(browser.findElement(By.tagName("main")).getText())
        .contains("Workflows by definition")
        .contains("orders")
        .contains("imports")
        .doesNotContain("password");
    shot("overview");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void aFilter_narrowsTheList_andTheAddressKeepsIt() throws Exception {
    UUID halted = fixture.halted("Ada");
    fixture.failed();
    for (int i = 0; i < 4; i++) {
      fixture.submitted(new Fixture.Order("o" + i, null));
    }
    load("/workflows");
    waiting()
        .until(
            d -> d.findElements(By.cssSelector("#workflow-table tbody tr[data-id]")).size() == 6);

    new Select(browser.findElement(By.name("status"))).selectByValue("HALTED");
    browser.findElement(By.cssSelector("#filters button[type=submit]")).click();

    waiting()
        .until(
            d -> d.findElements(By.cssSelector("#workflow-table tbody tr[data-id]")).size() == 1);
    assertThat(
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.querySelector('#workflow-table tbody tr[data-id]').dataset.id"))
        .isEqualTo(halted.toString());
    assertThat(browser.getCurrentUrl()).endsWith("/workflows?status=HALTED");
    shot("workflows");

    load("/workflows?text=bad%20date");
    waiting()
        .until(
            d -> d.findElements(By.cssSelector("#workflow-table tbody tr[data-id]")).size() == 1);
    assertThat(text("#workflow-table tbody tr[data-id] .clip")).contains("line 3: bad date");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void aHaltedWorkflowsPage_showsItsHaltMessage_andItsPositionInTheTree() throws Exception {
    UUID id = fixture.halted("Ada");

    load("/workflows/" + id);

    assertThat(text("#halt-message")).isEqualTo("Payment declined for Ada: call the customer");
    assertThat(text("#tree .node.current")).contains("charge card");
    assertThat(
            ((JavascriptExecutor) browser)
                .executeScript("return document.querySelector('#tree .node.current').dataset.path"))
        .isEqualTo("1.0");
    assertThat(text("main h1")).contains(id.toString());
    shot("workflow");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void requestResume_withTheToken_makesARunningPoolCompleteIt_andThePageShowsItWithoutAReload()
      throws Exception {
    UUID id = fixture.halted("Ada");
    fixture.halting.set(false);
    load("/workflows/" + id);
    assertThat(text("#halt-message")).contains("Payment declined");
    ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes';");
    assertThat(browser.findElement(By.id("resume-now")).isEnabled()).as("no token yet").isFalse();

    browser.findElement(By.id("token-button")).click();
    browser.findElement(By.id("token-input")).sendKeys(Fixture.ALICE_TOKEN);
    browser.findElement(By.id("token-save")).click();
    waiting().until(ExpectedConditions.textToBe(By.id("who"), "operator: alice"));
    try (WorkerPool pool =
        fixture.flowstate.workers().threads(1).pollInterval(Duration.ofMillis(100)).start()) {
      waiting().until(ExpectedConditions.elementToBeClickable(By.id("resume-now"))).click();
      assertThat(text("#confirm-text")).contains("recorded in the history as asked by alice");
      browser.findElement(By.id("confirm-ok")).click();

      waiting()
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.cssSelector("main .toolbar .badge"), "Completed"));
    }
    assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument;"))
        .as("the page was not reloaded")
        .isEqualTo("yes");
    assertThat(text("#actions")).contains("RESUME").contains("alice");
    assertThat(browser.findElements(By.id("halt-message"))).isEmpty();
    shot("workflow-completed");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void storedMarkup_rendersAsText_andRunsNothing() throws Exception {
    String script = "<script>window.pwned = 1</script>";
    String image = "\"><img src=x onerror=\"window.pwned = 2\">";
    UUID id = fixture.submitted(new Fixture.Order(script, image));
    fixture.update(
        "UPDATE fs_workflow SET status = 'HALTED', halt_message = '"
            + image.replace("'", "''")
            + "' WHERE id = '"
            + id
            + "'");

    load("/workflows/" + id);
    assertThat(text("#objects pre.data")).contains(script).contains("onerror");
    assertThat(text("#halt-message")).isEqualTo(image);
    load("/workflows?status=HALTED");
    waiting()
        .until(
            d -> d.findElements(By.cssSelector("#workflow-table tbody tr[data-id]")).size() == 1);
    assertThat(text("#workflow-table .clip")).isEqualTo(image);

    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined;"))
        .isEqualTo(true);
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
    shot("markup-as-text");
  }

  @Test
  void workerPools_page_listsAPoolWithItsHeartbeat() throws Exception {
    fixture.submitted(new Fixture.Order("a", null));
    try (WorkerPool pool =
        fixture.flowstate.workers().threads(2).pollInterval(Duration.ofMillis(100)).start()) {
      load("/pools");
      waiting()
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.cssSelector("main table"), "Running"));
      assertThat(text("main table")).contains("pid " + ProcessHandle.current().pid());
      shot("pools");
    }
    assertThat(consoleErrors()).isEmpty();
  }
}
