package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.annotations.SerializedName;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hand-written enum table names real fields of the client models (no typo leaves a field unchecked). */
class CoreEnumsTest {

  @Test
  void everyEntryIsAFieldOfItsModel() {
    for (String entry : CoreEnums.fields()) {
      String model = entry.substring(0, entry.indexOf('.'));
      String field = entry.substring(entry.indexOf('.') + 1);
      Class<?> c = CoreSchema.modelClass(model);
      assertThat(Arrays.stream(c.getDeclaredFields())
          .map(f -> f.getAnnotation(SerializedName.class))
          .filter(a -> a != null)
          .map(SerializedName::value))
          .as(entry).contains(field);
    }
  }

  @Test
  void everyCoreKindHasAModel() {
    CoreSchema.KINDS.values().forEach(CoreSchema::modelClass);
  }
}
