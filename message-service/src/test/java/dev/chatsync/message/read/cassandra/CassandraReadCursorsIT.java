package dev.chatsync.message.read.cassandra;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.chatsync.message.FaultInjection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.ErrorResponseException;

/** The read cursors against a real Cassandra node; the settings of InterruptedReadIT (one context). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=6"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class CassandraReadCursorsIT {

  @Autowired CqlSession cql;

  /**
   * Another device moves the position between every read and compare-and-set of this one: after
   * its attempts the read gives up with a 503 the client retries, not a 500.
   */
  @Test
  void aPositionThatKeepsChangingIsA503() {
    String conversationId = UUID.randomUUID().toString();
    String bob = user("bob");
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, read_seq, announced_read_seq) "
        + "VALUES (?, ?, 0, 0, 0)", conversationId, bob);
    CassandraReadCursors cursors = new CassandraReadCursors(racing(cql));

    Throwable failed = catchThrowable(() -> cursors.advance(conversationId, bob, 100, Instant.now().plusSeconds(60)).block());

    assertThat(failed).isInstanceOf(ErrorResponseException.class);
    assertThat(((ErrorResponseException) failed).getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
  }

  /** The session, but every compare-and-set of a read position finds it moved one further first. */
  private static CqlSession racing(CqlSession session) {
    return (CqlSession) Proxy.newProxyInstance(CqlSession.class.getClassLoader(), new Class<?>[] {CqlSession.class},
        (proxy, method, args) -> {
          if (method.getName().equals("executeAsync") && args.length == 1 && args[0] instanceof BoundStatement cas
              && cas.getPreparedStatement().getQuery().contains("IF read_seq = ?")) {
            long expected = cas.getLong(cas.size() - 1);
            SimpleStatement moved = SimpleStatement.newInstance("UPDATE conversation_members SET read_seq = ? "
                + "WHERE conversation_id = ? AND user_id = ?", expected + 1, cas.getString("conversation_id"), cas.getString("user_id"));
            return session.executeAsync(moved).thenCompose(done -> session.executeAsync(cas));
          }
          try {
            return method.invoke(session, args);
          } catch (InvocationTargetException failed) {
            throw failed.getCause();
          }
        });
  }
}
