// Package opus is a machine-learning-engineering toolkit for the NYC TLC trip
// records, written as small composable packages plus runnable example
// programs.
//
// The cycle, and the package that owns each step:
//
//   - tlc: the dataset. One canonical Arrow schema per trip kind (yellow,
//     green, fhv, fhvhv); readers that turn any published TLC Parquet or CSV
//     file, from 2009 to today, into canonical record batches with bounded
//     memory, reporting values that cannot be converted exactly as row-level
//     problems; typed row structs; the TLC site downloader; the taxi zone
//     lookup; and a seeded synthetic generator that is the offline default.
//   - quality: Pandera-style schemas and Great-Expectations-style suites over
//     Arrow (GX JSON and result formats), quarantine of failing rows, Data
//     Docs and checkpoints; tlc ships the default TLC suite and schema.
//   - lakehouse: Apache Iceberg tables on a local directory or S3 with a
//     sqlite, PostgreSQL or REST catalog, a checksummed landing zone, and
//     dbt-style SCD2 snapshots on any table (lakehouse/snapshot computes a
//     run, Warehouse.RunSnapshot commits it); lakehouse/medallion builds the
//     TLC bronze, silver (quality gate, quarantine, reconciliation) and gold
//     layers and the dimension snapshots.
//   - ml: a histogram gradient-boosting trainer (leaf-wise and depth-wise,
//     categorical splits, six objectives, early stopping), TreeSHAP,
//     linear baselines, metrics, and model I/O in Opus, XGBoost and
//     LightGBM formats.
//   - features: feature pipelines; tuning, tracking and a registry (planned).
//   - serve, stream: an HTTP prediction service with drift monitoring, and
//     Kafka streaming with event-time windows (planned).
//
// The examples directory holds one program per stage; examples/pipeline runs
// everything built so far with no network and no services:
//
//	go run ./examples/pipeline
//
// Reading a month of trips, whatever its year:
//
//	r, err := tlc.Open(ctx, "yellow_tripdata_2024-01.parquet", tlc.ReadOptions{})
//	if err != nil {
//		return err
//	}
//	defer r.Close()
//	for r.Next() {
//		batch := r.RecordBatch()   // canonical schema: tlc.Schema(tlc.Yellow)
//		problems := r.Problems()   // values that could not be converted exactly
//		_, _ = batch, problems
//	}
//	return r.Err()
package opus
