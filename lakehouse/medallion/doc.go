// Package medallion builds Opus's TLC lakehouse layers on a
// lakehouse.Warehouse: bronze (raw rows with ingestion metadata), silver
// (validated, conformed, deduplicated trips plus a quarantine table) and
// gold (marts and the trip-duration training table), and snapshots the TLC
// dimensions (zones, vendors, rate codes, payment types) as SCD2 history.
package medallion
