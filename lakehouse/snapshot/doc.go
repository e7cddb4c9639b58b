// Package snapshot computes one run of a slowly changing dimension (type 2)
// snapshot with dbt's snapshot semantics, on Arrow record batches and
// independent of storage: given the stored snapshot (every version, meta
// columns included), the source query's rows and the run's time, Apply says
// which stored versions to close and which rows to insert. A storage layer
// (the Iceberg writer) commits that delta atomically: it deletes each closed
// row and appends its rewritten copy from Result.Closed plus Result.Inserts,
// or overwrites the table with Merge's output.
//
// # Semantics (dbt snapshots)
//
// The snapshot holds the source columns followed by dbt_scd_id,
// dbt_updated_at, dbt_valid_from and dbt_valid_to (plus dbt_is_deleted with
// hard_deletes=new_record); Config.MetaColumns renames them. A stored version
// is current when its dbt_valid_to is null, or equals Config.ValidToCurrent
// when that is set (dbt_valid_to_current); new current versions get null or
// that value. One run has one now.
//
//   - First run (no stored batches): every source row is inserted.
//   - Timestamp strategy: a key changed when its current version's
//     dbt_valid_from is earlier than the source updated_at. The new version's
//     dbt_updated_at and dbt_valid_from are the source updated_at, and the
//     closed version's dbt_valid_to is that same updated_at.
//   - Check strategy: a key changed when any check column differs, null-safe
//     (null vs null is unchanged, null vs a value is a change). The new
//     version's times and the closed version's dbt_valid_to are now (or the
//     updated_at column when Config.UpdatedAt is set, as dbt does).
//   - Keys absent from the source: ignore leaves them; invalidate closes their
//     current version at now; new_record also closes it at now and inserts a
//     deletion record carrying the last stored values with dbt_valid_from =
//     dbt_updated_at = now and dbt_is_deleted = 'True' (other rows 'False').
//     A key that reappears after its deletion record gets a new version and
//     the deletion record is closed at the new version's dbt_valid_from.
//   - dbt_scd_id is the lower-case hex md5 of the unique key value(s) and the
//     new version's timestamp joined by "|" (dbt's snapshot_hash_arguments:
//     each argument cast to varchar, a null coalesced to the empty string,
//     concatenated with "|" between), rendered as Postgres
//     casts them to text, so that ids match a dbt-postgres snapshot of the
//     same data: integers in decimal, booleans true/false, floats in
//     Postgres 12+ shortest form (PostgresFloat), dates 2024-01-01, and
//     timestamps "2024-01-01 00:00:00" with fractional seconds only when
//     non-zero and without trailing zeros ("2024-01-01 00:00:00.5"); see
//     PostgresTimestamp. A deletion record's id is md5(previous id | now).
//
// # Edge cases
//
//   - Duplicate keys in the source are an error naming the key and row (dbt
//     fails too on most adapters); so are null key values (SQL's = never
//     matches null, so dbt would insert such rows again on every run).
//   - A null updated_at in a source row is an error (dbt would store a version
//     with a null dbt_valid_from that no later run can supersede). A stored
//     current version whose dbt_valid_from is null is, as in dbt, never seen
//     as changed by the timestamp strategy.
//   - Timestamp strategy: a source updated_at equal to or earlier than the
//     stored dbt_valid_from is "unchanged", whatever the other columns hold.
//   - Two current versions of one key in the stored snapshot are an error.
//   - Float values: NaN equals NaN and -0 equals 0, as in Postgres.
//   - now is truncated to the unit of the meta timestamp type, and the
//     truncated value is what dbt_scd_id renders. For a type without time
//     zone the stored value is now's wall clock in now.Location() (Postgres's
//     now()::timestamp in the session time zone); pass now.UTC() for UTC.
//     For a zoned type the instant is stored and rendered in that zone with
//     Postgres's offset suffix ("+00", "-05", "+05:30"). Nanoseconds, which
//     Postgres cannot hold, render with up to nine fractional digits.
//   - The meta timestamp type is the updated_at column's type; for a check
//     snapshot without updated_at it is the stored dbt_valid_from's type, or
//     on the first run microseconds without time zone (Postgres's timestamp).
//   - ValidTo times may precede ValidFrom: invalidate closes at now even when
//     the stored updated_at lies in the future, and a revived key closes its
//     deletion record at its source updated_at, which may be earlier than the
//     deletion time. dbt does the same.
//   - A key that comes back after invalidate is a new key; with the timestamp
//     strategy and an unchanged updated_at its new version repeats the old
//     version's dbt_scd_id. dbt_scd_id is therefore not unique; Close locates
//     rows by position instead.
//   - A deletion record keeps the stored dbt_valid_to of the version it
//     follows (null or ValidToCurrent), as dbt copies it.
//   - Schema: every source column must exist in the snapshot with the same
//     type (add new columns to the table first); snapshot columns missing
//     from the source are null in new versions and kept in deletion records.
//     check_cols "all" compares every source column. A source column named
//     like a meta column is an error. With new_record the snapshot must
//     already have the dbt_is_deleted column. Switching hard_deletes modes on
//     an existing snapshot follows the new mode only: with ignore or
//     invalidate, dbt_is_deleted is an ordinary column, null in new rows.
//   - An empty source deletes every key (invalidate, new_record); with no
//     source batches the source schema is the snapshot's minus the meta
//     columns. No source and no snapshot gives an empty Result.
//   - Row numbers in errors count source rows from 0 across batches.
package snapshot
