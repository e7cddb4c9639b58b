// Package lakehouse is Opus's warehouse core: Apache Iceberg tables (through
// iceberg-go) holding canonical Arrow batches, behind one Warehouse value.
//
// # Catalogs and storage
//
// Open picks the catalog from Config.CatalogURI:
//
//   - "" (the embedded default): an Iceberg SQL catalog in a SQLite file
//     (pure Go, no cgo) next to a local warehouse directory, both under
//     ./opus-data unless Config.Warehouse or $OPUS_WAREHOUSE say otherwise.
//   - "postgres://..." or "postgresql://...": the SQL catalog in PostgreSQL.
//     Its tables are those of Iceberg's Java JDBC catalog, so Trino
//     (iceberg.catalog.type=jdbc) and Spark (type=jdbc) read the same tables.
//   - "http://..." or "https://...": an Iceberg REST catalog.
//   - "sqlite:PATH" or "file:PATH": the SQL catalog in the named SQLite file.
//
// The warehouse (where data and metadata files go) is a local directory or
// s3://bucket/prefix; S3 settings (endpoint, keys, region) come from
// Config.S3. Namespaces must not contain dots (Java engines cannot read the
// encoded form iceberg-go uses for them).
//
// # Writes
//
// Every write is one Iceberg commit, and the commit is its last step: a write
// that fails earlier (a batch of the wrong schema, a cancelled context, an I/O
// error) leaves the table's current snapshot and rows as they were. Append
// adds batches; ReplaceWhere deletes the rows a filter matches and appends new
// ones in the same snapshot. Deletes are copy-on-write only (files holding a
// deleted row are rewritten), never merge-on-read delete files: iceberg-go
// bug apache/iceberg-go#2042 can resurrect rows removed by merge-on-read
// deletes when a later copy-on-write operation touches the same files.
//
// Writers may race on one table, in one process or many. Tables are created
// with commit.retry.num-retries set, so iceberg-go refreshes and replays a
// conflicting commit itself; on top of that a Warehouse redoes the whole
// operation against the refreshed table when a commit still conflicts (for
// example "branch main was created concurrently" on a table's first
// snapshot), with bounded exponential backoff and seeded jitter
// (Config.Retry).
//
// # Reads and maintenance
//
// Scan reads a table (or a past snapshot of it, by id or by time) as Arrow
// record batches, with a row filter and a column projection. Snapshots lists
// a table's history. ExpireSnapshots drops old snapshots (and the files only
// they used); Compact rewrites small files into larger ones in one atomic
// commit that changes no row. RemoveOrphanFiles deletes the files
// under a table's data/ and metadata/ directories that no snapshot or
// metadata file reaches (left by failed or abandoned writes, or by
// ExpireSnapshots with KeepFiles) once they are older than an age guard (72
// hours by default) that protects the files of writes still in progress.
//
// # SCD type 2
//
// RunSnapshot applies one dbt snapshot run (package lakehouse/snapshot has
// the semantics) to any table in one commit. The TLC layers built on this
// package (bronze, silver, gold, dimensions) are in lakehouse/medallion.
package lakehouse
