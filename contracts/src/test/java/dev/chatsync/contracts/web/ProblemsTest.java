package dev.chatsync.contracts.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void escapesJsonStrings() {
    assertThat(Problems.jsonString("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\u000ad\"");
  }

  @Test
  void invalidNamesTheFieldAndTheReason() {
    var problem = Problems.invalid("body", "must not be empty").getBody();
    assertThat(problem.getStatus()).isEqualTo(400);
    assertThat(problem.getType().toString()).endsWith("/invalid-request");
    assertThat(problem.getDetail()).isEqualTo("body must not be empty");
    assertThat(problem.getProperties()).containsEntry("field", "body");
  }
}
