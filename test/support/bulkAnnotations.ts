// Many annotations written in bulk straight into a PostgreSQL catalog's tables (migration 4), rows as
// PostgresAnnotations writes them (document, searchable JSON, one revision, reader and tag search rows), for the
// index test and the annotation benchmark: far faster than one write transaction each. Drawn at random from a
// fixed seed over the catalog's runs: 70% shared with the beamtime, 20% private to their author u_<0..499>, 10%
// shared with one other user; each tagged tag_<0..999>, `good` one time in ten and `rare` one in ten thousand;
// value `rating` 0..4.

/** The SQL that adds `count` annotations to the catalog's runs (one statement list, for one client). */
export function bulkAnnotationsSql(count: number): string {
  return `
SELECT setseed(0.42);
CREATE TEMP TABLE numbered AS SELECT uid, (row_number() OVER (ORDER BY uid)) - 1 AS n FROM runs;
CREATE UNIQUE INDEX ON numbered (n);
CREATE TEMP TABLE bulk AS
  SELECT 'b-' || d.g AS id, r.uid AS run, 1.7e9 + d.g AS created, 'u_' || d.author AS author,
    CASE WHEN d.visibility < 0.7 THEN 'beamtime' WHEN d.visibility < 0.9 THEN 'private' ELSE 'users' END AS visibility,
    CASE WHEN d.visibility >= 0.9 THEN ARRAY['u_' || ((d.author + 1) % 500)] ELSE ARRAY[]::text[] END AS shared_with,
    ARRAY['tag_' || d.topic] || CASE WHEN d.good THEN ARRAY['good'] ELSE ARRAY[]::text[] END
      || CASE WHEN d.rare THEN ARRAY['rare'] ELSE ARRAY[]::text[] END AS tags,
    d.g % 5 AS rating
  FROM (
    SELECT g, floor(random() * (SELECT count(*) FROM numbered))::int AS n, random() AS visibility,
      floor(random() * 1000)::int AS topic, random() < 0.1 AS good, random() < 0.0001 AS rare,
      floor(random() * 500)::int AS author
    FROM generate_series(0, ${count - 1}) g
  ) d JOIN numbered r ON r.n = d.n;
INSERT INTO annotations (id, run, revision, deleted, created, document, searchable, searchable_json)
  SELECT id, run, 1, false, created, doc::json, searchable, searchable::json
  FROM (SELECT b.*, jsonb_build_object('id', id, 'run', run, 'author', author, 'created', created,
      'updated', created, 'revision', 1, 'visibility', visibility, 'shared_with', to_jsonb(shared_with),
      'tags', to_jsonb(tags), 'body', 'note on ' || run, 'values', jsonb_build_object('rating', rating)) AS doc
    FROM bulk b) x, LATERAL (SELECT (doc -> 'values') || (doc - 'values') AS searchable) s;
INSERT INTO annotation_revisions (annotation, revision, at, actor, action, document)
  SELECT a.id, 1, a.created, b.author, 'create', a.document FROM annotations a JOIN bulk b USING (id);
INSERT INTO annotation_readers (annotation, run, reader)
  SELECT id, run, reader FROM bulk, LATERAL unnest(CASE visibility WHEN 'beamtime' THEN ARRAY['*']
    WHEN 'private' THEN ARRAY[author] ELSE ARRAY[author] || shared_with END) reader;
INSERT INTO annotation_tags (annotation, run, tag, reader)
  SELECT b.id, b.run, tag, r.reader FROM bulk b JOIN annotation_readers r ON r.annotation = b.id, unnest(b.tags) tag;
DROP TABLE numbered, bulk;
ANALYZE;
`;
}
