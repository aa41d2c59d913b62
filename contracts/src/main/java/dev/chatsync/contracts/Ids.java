package dev.chatsync.contracts;

import java.util.regex.Pattern;

/** The shape of user, device and client message ids (docs/api.md, "Identity"). */
public final class Ids {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The reason an id is invalid, for a 400's detail; null when it is valid. */
  public static String problemWith(String id) {
    if (id == null || id.isEmpty()) {
      return "is required";
    }
    return isValid(id) ? null : "must be 1-64 characters of [A-Za-z0-9._-]";
  }

  /** The first invalid id of the name/id pairs given, as "name reason"; null when all are valid. */
  static String problemWithAny(String... namesAndIds) {
    for (int i = 0; i + 1 < namesAndIds.length; i += 2) {
      String problem = problemWith(namesAndIds[i + 1]);
      if (problem != null) {
        return namesAndIds[i] + " " + problem;
      }
    }
    return null;
  }
}
