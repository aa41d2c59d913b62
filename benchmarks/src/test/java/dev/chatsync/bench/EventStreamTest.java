package dev.chatsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTest {

  @Test
  void handsOverTheBodiesOfMessageEventsOnly() {
    List<String> bodies = new ArrayList<>();
    EventStream stream = new EventStream((body, at) -> bodies.add(body));
    for (String line : List.of(": open", "", "id:1", "event:message",
        "data:{\"seq\":1,\"kind\":\"message\",\"message\":{\"seq\":7,\"body\":\"m42\",\"senderId\":\"a\"}}", "",
        "id:2", "event:read", "data:{\"seq\":2,\"kind\":\"read\",\"upTo\":7}", "", ":heartbeat", "",
        "id:3", "event:message", "data:{\"message\":{\"body\":\"m43\"}}", "")) {
      stream.onNext(line);
    }

    assertThat(bodies).containsExactly("m42", "m43");
  }

  @Test
  void optionsNameEveryKnob() {
    Bench.Options options = Bench.Options.parse(new String[] {"--group-sizes", "2,10", "--rates", "100,200.5", "--phases", "sync"});

    assertThat(options.groupSizes).containsExactly(2, 10);
    assertThat(options.rates).containsExactly(100, 200.5);
    assertThat(options.phases).containsExactly("sync");
  }
}
