// What each SQLite schema upgrade added, as SQL that drops it again: tests take a new catalog back to an
// earlier version to check the upgrade from there.

/** Version 6's statistics for search into data, dropped: a file as version 5 wrote it. */
export const WITHOUT_SQLITE_VERSION_6 = `DROP TABLE stream_stats; ${[
  "sum_min",
  "sum_max",
  "mean_min",
  "mean_max",
  "indexed",
]
  .map((column) => `ALTER TABLE field_stats DROP COLUMN ${column}`)
  .join("; ")}`;

/** Version 7's fuzzy search vocabulary, dropped: a file as version 6 wrote it. */
export const WITHOUT_SQLITE_VERSION_7 = "DROP TABLE fuzzy_words; DROP TABLE fuzzy_trigrams";
