package dev.chatsync.message.send;

import java.time.Duration;

/**
 * How far behind the fanout is: roughly how long the oldest record it has not finished has waited,
 * summed over its stages. {@link Duration#ZERO} when it keeps up, and also when it is not running
 * at all (a stopped fanout is an outage, not an overload: the messages are stored and delivered
 * when it is back, so turning sends away would only add a second outage).
 */
public interface FanoutDelay {

  Duration current();
}
