package dev.chatsync.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Cassandra requests message-service made, by kind, from its {@code chat.cassandra.requests}
 * counter: read before and after a step, they give the send path's store operations per send.
 */
final class StoreRequests {

  static final String[] KINDS = {"read", "write", "conditional-write", "serial-read"};
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<String> messageActuators;

  /** @param messageActuators every message-service instance's actuator base URL: their counts are summed */
  StoreRequests(List<String> messageActuators) {
    this.messageActuators = List.copyOf(messageActuators);
  }

  /** The counts so far, in the order of {@link #KINDS}; NaN where an instance did not answer. */
  double[] counts() {
    double[] counts = new double[KINDS.length];
    for (int i = 0; i < KINDS.length; i++) {
      for (String messageActuator : messageActuators) {
        counts[i] += count(messageActuator, KINDS[i]);
      }
    }
    return counts;
  }

  private static double count(String messageActuator, String kind) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
              URI.create(messageActuator + "/actuator/metrics/chat.cassandra.requests?tag=kind:" + kind))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble()
          : Double.NaN;
    } catch (Exception unavailable) {
      return Double.NaN;
    }
  }

  /** Each kind's requests per send between two readings. */
  static double[] perSend(double[] before, double[] after, long sends) {
    double[] per = new double[KINDS.length];
    for (int i = 0; i < KINDS.length; i++) {
      per[i] = (after[i] - before[i]) / Math.max(1, sends);
    }
    return per;
  }
}
