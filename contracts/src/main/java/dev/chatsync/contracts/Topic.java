package dev.chatsync.contracts;

import java.util.Objects;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kafka topic of the wire contract: its name, the record type it carries (as JSON) and the key
 * that orders it. Producers and consumers take all three from here, so a record cannot be sent
 * with the wrong key (P3: the key is the thing whose order matters) or read as the wrong type.
 */
public final class Topic<T extends WireRecord> {

  /**
   * Unknown fields are ignored: a newer producer may add fields an older consumer does not know
   * (rolling upgrades). A missing field is left null or 0, and the record's own
   * {@link WireRecord#problem} says whether the contract allows that.
   */
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private final String name;
  private final Class<T> type;
  private final Function<T, String> key;

  private Topic(String name, Class<T> type, Function<T, String> key) {
    this.name = name;
    this.type = type;
    this.key = key;
  }

  static <T extends WireRecord> Topic<T> of(String name, Class<T> type, Function<T, String> key) {
    return new Topic<>(name, type, key);
  }

  public String name() {
    return name;
  }

  /** Where records of this topic that can never be handled go, with the reason in headers. */
  public String deadLetterName() {
    return name + ".dlt";
  }

  public Class<T> type() {
    return type;
  }

  public String keyOf(T record) {
    return key.apply(record);
  }

  /** The record's bytes on the wire; refuses one that breaks the contract (it would poison consumers). */
  public byte[] encode(T record) {
    String problem = Objects.requireNonNull(record, "record").problem();
    if (problem != null) {
      throw new IllegalArgumentException("refusing to send a " + type.getSimpleName() + " to " + name + ": " + problem);
    }
    return JSON.writeValueAsBytes(record);
  }

  /** The record the bytes hold, or a {@link PoisonRecordException} saying why there is none. */
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new PoisonRecordException("malformed", "an empty record on " + name);
    }
    T record;
    try {
      record = JSON.readValue(bytes, type);
    } catch (JacksonException notJson) {
      throw new PoisonRecordException("malformed", "cannot be read as " + type.getSimpleName() + ": " + notJson.getOriginalMessage());
    }
    if (record == null) {
      throw new PoisonRecordException("malformed", "a null record on " + name);
    }
    String problem = record.problem();
    if (problem != null) {
      throw new PoisonRecordException("contract", type.getSimpleName() + " breaks the contract: " + problem);
    }
    return record;
  }

  @Override
  public String toString() {
    return name;
  }
}
