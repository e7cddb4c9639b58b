// Package medallion builds Opus's TLC lakehouse layers on a
// lakehouse.Warehouse, the work the original pipeline did with three dbt
// projects:
//
//   - Bronze (IngestBronze): a TLC file's canonical rows plus ingestion
//     metadata (_source_file, _ingested_at, _batch_id, _source_row and the
//     reader's _problems) in bronze.<kind>_trips, partitioned by pickup
//     month. Re-ingesting a file replaces its rows in one commit.
//   - Silver (BuildSilver): the bronze rows of some files through a quality
//     gate (the kind's default GX suite and Pandera schema from tlc, values
//     the reader could not convert exactly, pickups outside the month the
//     file name gives), conformed across yellow and green (service_type;
//     a column one kind lacks is null), exact duplicates dropped, and
//     derived columns added (duration, speed, pickup date, hour and day of
//     week, airport flags) in silver.trips; the rejected rows, with every
//     check they failed, in silver.quarantine. Each build reads the row
//     counts back and records bronze = silver + quarantine + duplicates per
//     file in silver.reconciliation; a file that does not balance fails
//     the build (ErrUnbalanced).
//   - Gold (BuildGold): one pickup month of three marts rebuilt from silver
//     by a filtered overwrite of the month's partition: hourly pickups and
//     dropoffs per zone, daily revenue by borough, vendor and payment type,
//     and the trip-duration training table.
//   - Dimensions (SnapshotZones, SnapshotDictionary): the taxi zone lookup
//     and the data dictionary's code tables as dbt-style SCD2 snapshots
//     (lakehouse.Warehouse.RunSnapshot), so the 2023 -> 2024 change of zones
//     264 and 265 and the 2025 dictionary's new vendors are history, not
//     overwrites.
//
// Build runs silver and gold for a month.
//
// # Decisions
//
//   - Atomicity is per table: each table's part of a build is one Iceberg
//     commit, and every step replaces what the same step wrote before
//     (by source file in silver, by month in gold), so a build that fails
//     half-way is completed by running it again, never duplicated.
//     Silver is written first, streamed from the bronze scan (memory holds
//     a few batches, the rejected rows and the duplicate hashes, not the
//     month); quarantine follows. A build interrupted between the two
//     leaves the files unbalanced, which the next build's check reports
//     until a re-run completes it.
//   - Duplicates are rows equal in every conformed column (service type and
//     all canonical values); lineage columns do not count. They are found
//     within one build (the files of one kind and month), by a 128-bit
//     hash; the first copy scanned survives. Copies across months are not
//     looked for: a trip belongs to its file's month.
//   - A row that fails the gate goes to quarantine even when it also
//     duplicates another, so every bronze row is counted exactly once.
//   - Silver rows keep the file, row, batch and ingestion time they came
//     from, so any gold figure can be traced back to raw rows.
//   - Gold rows belong to their trips' pickup month (column month): a trip
//     picked up at 23:50 on the 31st whose dropoff falls in the next month
//     counts its dropoff in the hourly mart's row of that next hour, stored
//     with the pickup month, so rebuilding one month never touches another.
package medallion
