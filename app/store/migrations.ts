/**
 * The index schema as ordered migration steps. Step i (0-based) takes the index from
 * `PRAGMA user_version` i to i + 1; a fresh file has version 0 and runs them all. Never edit a
 * step that has shipped: append a new one. An index whose version is above `migrations.length`
 * was written by a newer Eidos and is refused (INDEX_NEWER).
 */
export const migrations: readonly string[] = [
  // 1: the first schema.
  `
  CREATE TABLE folders (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL
  );

  -- One row per photo path. path_key is the exact OS bytes of the absolute path (the identity; a
  -- name that is not valid UTF-8 still round-trips), path is its UTF-8 rendering for display.
  -- AUTOINCREMENT: ids are never reused, so an in-memory matrix can sync by id.
  CREATE TABLE files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    path_key     BLOB NOT NULL UNIQUE,
    path         TEXT NOT NULL,
    folder_id    INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    size         INTEGER NOT NULL,
    mtime_ms     INTEGER NOT NULL,
    content_hash TEXT,
    format       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('indexed', 'skipped')),
    skip_code    TEXT,
    skip_reason  TEXT,
    taken_at     TEXT,
    lat          REAL,
    lon          REAL,
    make         TEXT,
    model        TEXT,
    lens         TEXT,
    width        INTEGER,
    height       INTEGER,
    indexed_at   TEXT NOT NULL,
    generation   INTEGER NOT NULL
  );
  CREATE INDEX files_by_hash ON files(content_hash);
  CREATE INDEX files_by_folder ON files(folder_id);
  CREATE INDEX files_by_taken_at ON files(taken_at);
  CREATE INDEX files_by_generation ON files(generation);

  -- The model an embedding belongs to fixes its width and storage type.
  CREATE TABLE models (
    model_id   TEXT PRIMARY KEY,
    dim        INTEGER NOT NULL CHECK (dim > 0),
    dtype      TEXT NOT NULL CHECK (dtype IN ('f32', 'f16')),
    created_at TEXT NOT NULL
  );

  -- Keyed by content, not path: a moved, renamed or duplicated photo reuses its vector.
  CREATE TABLE embeddings (
    content_hash TEXT NOT NULL,
    model_id     TEXT NOT NULL REFERENCES models(model_id) ON DELETE CASCADE,
    vector       BLOB NOT NULL,
    PRIMARY KEY (content_hash, model_id)
  );

  CREATE TABLE image_prior (
    content_hash TEXT NOT NULL,
    model_id     TEXT NOT NULL REFERENCES models(model_id) ON DELETE CASCADE,
    log_prior    REAL NOT NULL,
    PRIMARY KEY (content_hash, model_id)
  );

  CREATE TABLE prior_state (
    model_id      TEXT PRIMARY KEY REFERENCES models(model_id) ON DELETE CASCADE,
    log_sum_exp   BLOB NOT NULL,
    bank_size     INTEGER NOT NULL,
    library_size  INTEGER NOT NULL,
    computed_at   TEXT NOT NULL
  );

  CREATE TABLE concept_embeddings (
    model_id TEXT NOT NULL,
    concept  TEXT NOT NULL,
    vector   BLOB NOT NULL,
    PRIMARY KEY (model_id, concept)
  );

  -- The change counter: every write transaction that touches files bumps it, stamps the rows it
  -- upserts, and deleted rows leave a tombstone, so a loaded matrix can catch up without reloading.
  CREATE TABLE state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
  );
  INSERT INTO state (id, generation) VALUES (1, 0);

  CREATE TABLE removed_files (
    file_id    INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL
  );
  CREATE TRIGGER files_tombstone AFTER DELETE ON files BEGIN
    INSERT OR REPLACE INTO removed_files (file_id, generation)
    VALUES (old.id, (SELECT generation FROM state WHERE id = 1));
  END;

  -- At most one writing process (see lock.ts).
  CREATE TABLE writer_lock (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    token       TEXT NOT NULL,
    acquired_at TEXT NOT NULL
  );
  `,
  // 2: what the last scan could not read (unreadable folders, link loops), for `eidos status`.
  `
  CREATE TABLE scan_problems (
    path_key     BLOB PRIMARY KEY,
    path         TEXT NOT NULL,
    folder_id    INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    is_directory INTEGER NOT NULL CHECK (is_directory IN (0, 1))
  );
  `,
  // 3: when each folder last finished a complete index run (the library view shows it).
  `
  ALTER TABLE folders ADD COLUMN last_indexed_at TEXT;
  `,
  // 4: which bank and estimator a stored image prior was computed with (image-prior.ts priorBankKey;
  // priors stored before have the empty key, so they are recomputed once), and the library size at its
  // last full recompute (the incremental rule counts growth from there, across runs).
  `
  ALTER TABLE prior_state ADD COLUMN bank_key TEXT NOT NULL DEFAULT '';
  ALTER TABLE prior_state ADD COLUMN full_library_size INTEGER NOT NULL DEFAULT 0;
  `,
  // 5: which pixels an indexed photo's vector was computed from (DecodeSource in app/image/decode.ts:
  // an embedded thumbnail or preview, a shrink-on-load decode, or the full image), for `eidos status`.
  `
  ALTER TABLE files ADD COLUMN decode_source TEXT;
  `,
  // 6: the library map (app/map): per model, the 2-D point of each photo (by content hash, as its
  // vector) with its region, and the layout's state: seed, regions with their concepts, and the counts
  // the re-layout rule reads (app/map/drift.ts).
  `
  CREATE TABLE map_layout (
    model_id    TEXT PRIMARY KEY REFERENCES models(model_id) ON DELETE CASCADE,
    seed        INTEGER NOT NULL,
    laid_out    INTEGER NOT NULL,
    placed      INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    regions     TEXT NOT NULL,
    computed_at TEXT NOT NULL
  );
  CREATE TABLE map_points (
    content_hash TEXT NOT NULL,
    model_id     TEXT NOT NULL REFERENCES map_layout(model_id) ON DELETE CASCADE,
    x            REAL NOT NULL,
    y            REAL NOT NULL,
    region       INTEGER NOT NULL,
    PRIMARY KEY (model_id, content_hash)
  );
  `,
  // 7: the words read in each photo (app/contract/photo-text.ts), by content hash like a vector but for
  // every model alike. `reader` names the reader and its version: a photo read by an older one is read
  // again in the background. `failed` keeps the reason so `eidos status` can say why and nothing retries
  // it in a loop; the photo stays indexed for its image either way.
  `
  CREATE TABLE photo_text (
    content_hash TEXT PRIMARY KEY,
    reader       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('read', 'failed')),
    reason       TEXT,
    full_text    TEXT NOT NULL,
    lines        TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    read_at      TEXT NOT NULL
  );
  `,
  // 8: each content's pixel fingerprint (app/image/fingerprint.ts), for the duplicates view: by content hash
  // and for every model alike, like photo_text. `kind` names the recipe (a fingerprint of an older one is
  // made again); `sharpness` is the photo's detail at a fixed scale (app/image/sharpness.ts), which the view
  // uses to suggest which copy to keep; `failed` keeps the reason a photo could not be read, so nothing
  // retries it in a loop. The indexer writes them for new photos; the contents of a library indexed
  // before are fingerprinted by the next duplicates request (app/service/duplicates.ts).
  `
  CREATE TABLE photo_fingerprints (
    content_hash TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    fingerprint  BLOB,
    sharpness    REAL,
    failed       TEXT,
    computed_at  TEXT NOT NULL
  );
  `,
  // 9: the place each photo with a position was taken in (app/places: the nearest GeoNames place), for the
  // detail, the result cards and place filters. Kept beside the position it was computed from and the
  // gazetteer that named it: a moved position or a newer gazetteer is named again in the background.
  `
  CREATE TABLE photo_places (
    file_id      INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    gazetteer    TEXT NOT NULL,
    city         TEXT,
    region       TEXT,
    admin1       TEXT,
    country_code TEXT,
    country      TEXT,
    km           REAL
  );
  CREATE INDEX photo_places_by_country ON photo_places(country_code, admin1);
  `,
  // 10: videos indexed by their moments (app/video): what the decoder read of each video (by content hash,
  // like a vector), and per model which of its times were kept. A moment's vector is an ordinary row of
  // `embeddings`, keyed by its moment key (app/video/moment-key.ts: the video's hash and the time in ms
  // as 8 hex digits), so the image prior and the map take a moment as they take a photo.
  `
  CREATE TABLE videos (
    content_hash TEXT PRIMARY KEY,
    duration_ms  INTEGER NOT NULL,
    rotation     INTEGER NOT NULL CHECK (rotation IN (0, 90, 180, 270)),
    codec        TEXT NOT NULL,
    decoder      TEXT NOT NULL,
    candidates   INTEGER NOT NULL
  );
  CREATE TABLE video_moments (
    content_hash TEXT NOT NULL,
    model_id     TEXT NOT NULL REFERENCES models(model_id) ON DELETE CASCADE,
    time_ms      INTEGER NOT NULL CHECK (time_ms >= 0),
    PRIMARY KEY (content_hash, model_id, time_ms)
  );
  `,
  // 11: the words in photos as users type them (app/store/text-index.ts): an FTS5 index over photo_text's
  // full_text with the trigram tokenizer, so a search matches by substring ("walm" finds WALMART, "12.50"
  // a total), case-insensitively and without accents (remove_diacritics; SQLite ≥ 3.45). Its rowid is
  // photo_text's rowid (no VACUUM runs on the index, so rowids stay); the triggers keep it in step with
  // every insert, upsert, INSERT OR REPLACE (whose implicit delete fires no trigger, hence BEFORE INSERT),
  // update and delete. A writer must not skip an existing row with INSERT OR IGNORE / ON CONFLICT DO NOTHING
  // (the BEFORE INSERT trigger would already have dropped that row's entry): replace or upsert it instead.
  // It is in the index file, so it is set aside, rebuilt and deleted with the index.
  `
  CREATE VIRTUAL TABLE photo_text_fts USING fts5(full_text, tokenize = 'trigram remove_diacritics 1');
  INSERT INTO photo_text_fts (rowid, full_text) SELECT rowid, full_text FROM photo_text;
  CREATE TRIGGER photo_text_fts_replace BEFORE INSERT ON photo_text BEGIN
    DELETE FROM photo_text_fts WHERE rowid = (SELECT rowid FROM photo_text WHERE content_hash = new.content_hash);
  END;
  CREATE TRIGGER photo_text_fts_insert AFTER INSERT ON photo_text BEGIN
    INSERT INTO photo_text_fts (rowid, full_text) VALUES (new.rowid, new.full_text);
  END;
  CREATE TRIGGER photo_text_fts_update AFTER UPDATE ON photo_text BEGIN
    DELETE FROM photo_text_fts WHERE rowid = old.rowid;
    INSERT INTO photo_text_fts (rowid, full_text) VALUES (new.rowid, new.full_text);
  END;
  CREATE TRIGGER photo_text_fts_delete AFTER DELETE ON photo_text BEGIN
    DELETE FROM photo_text_fts WHERE rowid = old.rowid;
  END;
  `,
];

export const schemaVersion = migrations.length;
