package dev.chatsync.contracts.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Carries a message's trace across Kafka by hand. The consumers take their records a poll at a
 * time and work on them together (a user's entries in one write, a conversation's messages in one
 * page), which no per-record listener instrumentation follows: each stage starts a span per record
 * from the context in its headers, and each record it produces carries the context of the work
 * that caused it. The trace fields travel as record headers ({@code traceparent}), never in the
 * record's value, so a consumer that does not trace reads the record as before.
 */
public final class RecordTracing {

  /** No tracing: spans that record nothing and headers left alone (tests, tools). */
  public static final RecordTracing NONE = new RecordTracing(Tracer.NOOP, Propagator.NOOP);

  private static final String TRACEPARENT = "traceparent";

  private final Tracer tracer;
  private final Propagator propagator;
  private final List<String> fields;

  public RecordTracing(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.fields = List.copyOf(propagator.fields());
  }

  /**
   * The trace fields of a record's headers, to start a span from later on another thread; empty
   * when none. Headers are the producer's to write: a field without a value is no field.
   */
  public Map<String, String> carried(Headers headers) {
    Map<String, String> carried = null;
    for (String field : fields) {
      Header header = headers.lastHeader(field);
      if (header != null && header.value() != null) {
        if (carried == null) {
          carried = new HashMap<>(fields.size());
        }
        carried.put(field, new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return carried == null ? Map.of() : carried;
  }

  /** A span for work done on a record, in the trace the record carries (a new trace if it carries none). */
  public Span start(String name, Headers headers) {
    try {
      return start(name, carried(headers));
    } catch (RuntimeException unreadable) {
      return root(name);
    }
  }

  /**
   * A span in the trace these fields (from {@link #carried}) belong to, a new trace if they are
   * empty or unreadable. Never throws: a trace is worth nothing next to the record it would stall
   * (a listener that threw here would retry its poll forever, P1).
   */
  public Span start(String name, Map<String, String> carried) {
    if (carried.isEmpty()) {
      return root(name);
    }
    try {
      return propagator.extract(carried, Map::get).name(name).kind(Span.Kind.CONSUMER).start();
    } catch (RuntimeException unreadable) {
      return root(name);
    }
  }

  private Span root(String name) {
    return tracer.spanBuilder().setNoParent().name(name).kind(Span.Kind.CONSUMER).start();
  }

  /** Puts the span in scope on this thread (its trace id goes on the log lines written meanwhile). */
  public Tracer.SpanInScope inScope(Span span) {
    return tracer.withSpan(span);
  }

  /** The context of the span in scope on this thread, or null. */
  public TraceContext current() {
    return tracer.currentTraceContext().context();
  }

  /**
   * Writes the context's {@code traceparent} into a record's headers; nothing when the context is
   * null. Only that field: {@code tracestate} and baggage may come from a client and would be
   * copied onto every record a message fans out to.
   */
  public void inject(TraceContext context, Headers headers) {
    if (context != null) {
      propagator.inject(context, headers, (carrier, key, value) -> {
        if (TRACEPARENT.equals(key)) {
          carrier.remove(key);
          carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
      });
    }
  }
}
