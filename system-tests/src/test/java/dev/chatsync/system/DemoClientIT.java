package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;

/**
 * The demo client the gateway serves at {@code /}, in two real headless browsers (one per person,
 * each its own device), against all four services on the real Kafka broker and Cassandra node:
 * what each person sees must follow from the other's actions live, without a reload.
 */
@ExtendWith(DemoClientIT.Screenshots.class)
class DemoClientIT {

  /** Delivery goes through Kafka and the fanout; the first message after a cold start is the slowest. */
  private static final Duration DELIVERY = Duration.ofSeconds(60);

  private static LocalSystem system;
  private static final List<Browser> browsers = new ArrayList<>();

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("demo-client");
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    closeTheBrowsers();
    if (system != null) {
      system.close();
    }
  }

  private static void closeTheBrowsers() {
    browsers.forEach(Browser::close);
    browsers.clear();
  }

  @Test
  void twoPeopleChatLiveAndSeeWhatTheOtherRead() throws Exception {
    Browser alicesTab = open("alice", alice);
    Browser bobsTab = open("bob", bob);
    // Survives only as long as the page is not reloaded: everything below must arrive live.
    alicesTab.script("window.notReloaded = true");
    bobsTab.script("window.notReloaded = true");

    alicesTab.type("new-conversation-title", "Demo " + suffix);
    alicesTab.type("new-conversation-members", bob);
    alicesTab.find("new-conversation-button").click();
    String conversationId = alicesTab.await("the new group is listed and open", driver -> driver
        .findElement(By.cssSelector("[data-testid='conversation'][aria-current='true']")).getDomAttribute("data-conversation-id"));
    String item = "[data-testid='conversation'][data-conversation-id='" + conversationId + "']";
    assertThat(alicesTab.textOf(item + " [data-testid='conversation-name']")).isEqualTo("Demo " + suffix);
    assertThat(alicesTab.find("conversation-title").getText()).isEqualTo("Demo " + suffix);

    send(alicesTab, "hello " + bob);
    alicesTab.await("her message is shown with seq 1", driver -> ("hello " + bob).equals(bodyAt(alicesTab, 1)));

    bobsTab.await(DELIVERY, "the group appears with one unread message", driver ->
        "1".equals(bobsTab.textOf(item + " [data-testid='unread-badge']")));
    assertThat(bobsTab.textOf(item + " [data-testid='conversation-name']")).isEqualTo("Demo " + suffix);

    bobsTab.click(item);
    bobsTab.await("the history shows alice's message", driver -> ("hello " + bob).equals(bodyAt(bobsTab, 1)));
    bobsTab.await("opening it clears the badge", driver -> bobsTab.textOf(item + " [data-testid='unread-badge']") == null);

    send(alicesTab, "are you there?");
    bobsTab.await(DELIVERY, "alice's second message arrives live", driver -> "are you there?".equals(bodyAt(bobsTab, 2)));

    send(bobsTab, "hi " + alice);
    bobsTab.await("his reply is shown with seq 3", driver -> ("hi " + alice).equals(bodyAt(bobsTab, 3)));
    alicesTab.await(DELIVERY, "bob's reply arrives live", driver -> ("hi " + alice).equals(bodyAt(alicesTab, 3)));

    assertThat(alicesTab.script("return window.notReloaded")).as("alice's page was never reloaded").isEqualTo(true);
    assertThat(bobsTab.script("return window.notReloaded")).as("bob's page was never reloaded").isEqualTo(true);
    assertThat(alicesTab.find("connection").getText()).isEqualTo("live");
    assertThat(alicesTab.find("error").isDisplayed()).as("no error shown to alice").isFalse();
    assertThat(bobsTab.find("error").isDisplayed()).as("no error shown to bob").isFalse();

    // Bob had the conversation open when her last message came, so he has read it.
    alicesTab.await(DELIVERY, "her last message shows who read it", driver ->
        "read by 1".equals(alicesTab.textOf("[data-testid='message'][data-seq='2'] [data-testid='read-by']")));
  }

  /**
   * Issue 14's browser scenario: alice and bob in a direct conversation. Each sees the other's online
   * dot; bob sees alice typing, then her edit ("edited") and her recall ("message deleted") live,
   * without a reload; when bob's tab closes, alice's dot for him goes grey.
   */
  @Test
  void editsRecallsTypingAndOnlineDotsShowLive() throws Exception {
    Browser alicesTab = open("alice", alice);
    Browser bobsTab = open("bob", bob);
    alicesTab.script("window.notReloaded = true");
    bobsTab.script("window.notReloaded = true");

    alicesTab.type("new-conversation-members", bob);
    alicesTab.find("new-conversation-button").click();
    String conversationId = alicesTab.await("the direct conversation is listed and open", driver -> driver
        .findElement(By.cssSelector("[data-testid='conversation'][aria-current='true']")).getDomAttribute("data-conversation-id"));
    String item = "[data-testid='conversation'][data-conversation-id='" + conversationId + "']";
    alicesTab.await("bob's dot is green: his tab holds a stream", driver ->
        "true".equals(driver.findElement(By.cssSelector(item + " [data-testid='presence']")).getDomAttribute("data-online")));

    // Bob starts the same direct conversation: it is one conversation, so he gets hers, open.
    bobsTab.type("new-conversation-members", alice);
    bobsTab.find("new-conversation-button").click();
    bobsTab.await("the same conversation is open", driver -> conversationId.equals(driver
        .findElement(By.cssSelector("[data-testid='conversation'][aria-current='true']")).getDomAttribute("data-conversation-id")));
    bobsTab.await("alice's dot is green", driver ->
        "true".equals(driver.findElement(By.cssSelector(item + " [data-testid='presence']")).getDomAttribute("data-online")));

    alicesTab.type("send-input", "helo");
    bobsTab.await(DELIVERY, "bob sees alice typing", driver -> (alice + " is typing…").equals(bobsTab.textOf("[data-testid='typing']")));
    bobsTab.screenshot("demo-client-typing");
    alicesTab.find("send-button").click();
    bobsTab.await(DELIVERY, "alice's message is shown, and her typing is over", driver -> "helo".equals(bodyAt(bobsTab, 1))
        && bobsTab.textOf("[data-testid='typing']").isEmpty());

    alicesTab.click("[data-testid='message'][data-seq='1'] [data-testid='edit-button']");
    alicesTab.type("send-input", "hello");
    alicesTab.find("send-button").click();
    bobsTab.await(DELIVERY, "the edit arrives live", driver -> "hello".equals(bodyAt(bobsTab, 1))
        && bobsTab.textOf("[data-testid='message'][data-seq='1'] [data-testid='edited']") != null);
    bobsTab.screenshot("demo-client-edited");

    alicesTab.click("[data-testid='message'][data-seq='1'] [data-testid='recall-button']");
    bobsTab.await(DELIVERY, "the recall arrives live", driver -> "message deleted".equals(bodyAt(bobsTab, 1)));
    alicesTab.await("alice sees it deleted too", driver -> "message deleted".equals(bodyAt(alicesTab, 1)));
    bobsTab.screenshot("demo-client-recalled");

    assertThat(alicesTab.script("return window.notReloaded")).isEqualTo(true);
    assertThat(bobsTab.script("return window.notReloaded")).isEqualTo(true);
    assertThat(alicesTab.find("error").isDisplayed()).as("no error shown to alice").isFalse();
    assertThat(bobsTab.find("error").isDisplayed()).as("no error shown to bob").isFalse();

    browsers.remove(bobsTab);
    bobsTab.close();
    alicesTab.await(DELIVERY, "bob's dot goes grey once his tab is closed", driver ->
        "false".equals(driver.findElement(By.cssSelector(item + " [data-testid='presence']")).getDomAttribute("data-online")));
  }

  private Browser open(String name, String userId) throws Exception {
    Browser browser = Browser.open(name, "http://127.0.0.1:" + system.gatewayPort + "/");
    browsers.add(browser);
    browser.await("the sign-in form", driver -> driver.findElement(Browser.testId("sign-in-user")).isDisplayed());
    browser.type("sign-in-user", userId);
    browser.find("sign-in-button").click();
    browser.await("signed in, the stream is live", driver -> "live".equals(browser.find("connection").getText()));
    assertThat(browser.find("whoami").getText()).startsWith(userId + " · web-");
    return browser;
  }

  private static void send(Browser browser, String text) {
    browser.type("send-input", text);
    browser.find("send-button").click();
  }

  private static String bodyAt(Browser browser, long seq) {
    return browser.textOf("[data-testid='message'][data-seq='" + seq + "'] [data-testid='message-body']");
  }

  /**
   * Each browser's window at the end of the test, passed or failed, and its console when failed.
   * A watcher runs after the test's after-each methods, so it is also what closes the browsers.
   */
  static final class Screenshots implements TestWatcher {

    @Override
    public void testSuccessful(ExtensionContext context) {
      save(context.getRequiredTestMethod().getName() + "-passed", false);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      save(context.getRequiredTestMethod().getName() + "-failed", true);
    }

    private static void save(String label, boolean withConsole) {
      for (Browser browser : browsers) {
        try {
          Path file = browser.screenshot("demo-client-" + label);
          System.out.println("screenshot: " + file);
          if (withConsole) {
            System.out.println("console of " + file.getFileName() + ":\n" + browser.console());
          }
        } catch (Exception unavailable) {
          System.out.println("no screenshot: " + unavailable);
        }
      }
      closeTheBrowsers();
    }
  }
}
