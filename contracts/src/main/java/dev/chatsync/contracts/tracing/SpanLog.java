package dev.chatsync.contracts.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each finished span as a log line ({@code chat.tracing.log-spans=true}): a message's trace
 * read from the services' logs, where no collector runs (one machine, a test). Spans carry ids and
 * names only, never a message body.
 */
final class SpanLog implements SpanExporter {

  private static final Logger log = LoggerFactory.getLogger("dev.chatsync.tracing.spans");

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      long micros = TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos() - span.getStartEpochNanos());
      log.atInfo()
          .addKeyValue("spanTraceId", span.getTraceId())
          .addKeyValue("spanId", span.getSpanId())
          .addKeyValue("spanParentId", span.getParentSpanId())
          .addKeyValue("spanName", span.getName())
          .addKeyValue("spanMicros", micros)
          .log("span {} trace={} id={} parent={} kind={} {}us {}", span.getName(), span.getTraceId(), span.getSpanId(),
              span.getParentSpanId(), span.getKind(), micros, attributes(span));
    }
    return CompletableResultCode.ofSuccess();
  }

  private static String attributes(SpanData span) {
    StringJoiner attributes = new StringJoiner(", ", "{", "}");
    span.getAttributes().forEach((key, value) -> attributes.add(key.getKey() + "=" + value));
    return attributes.toString();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
