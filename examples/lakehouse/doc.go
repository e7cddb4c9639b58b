// Command lakehouse works on the Opus lakehouse (package lakehouse): it
// ingests TLC trip files into bronze tables, applies dbt-style SCD2
// snapshot runs, and reads tables and their history, against the embedded
// default (a SQLite catalog and a local warehouse under ./opus-data) or any
// catalog and warehouse lakehouse.Open supports:
//
//	go run ./examples/lakehouse snapshot -source customers.csv -table dim.customers -unique-key id -strategy check
//	go run ./examples/lakehouse query -table dim.customers
//	go run ./examples/lakehouse history -table dim.customers \
//	    -catalog postgres://opus@db/opus -warehouse s3://bucket/path -s3-endpoint http://127.0.0.1:9000
//
// # Common flags
//
// Every subcommand takes these, after the subcommand name and before any
// file arguments:
//
//	-catalog URI        empty (default): the embedded SQLite catalog, catalog.db in
//	                    the local warehouse directory (in ./opus-data when the
//	                    warehouse is on S3); sqlite:PATH; postgres://...
//	                    (Iceberg JDBC-compatible SQL catalog); http(s)://... (REST)
//	-warehouse W        a local directory or s3://bucket/prefix
//	                    (default $OPUS_WAREHOUSE, else ./opus-data)
//	-s3-endpoint URL    default $OPUS_S3_ENDPOINT, else $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL
//	-s3-access-key K    default $OPUS_S3_ACCESS_KEY, else $AWS_ACCESS_KEY_ID
//	-s3-secret-key K    default $OPUS_S3_SECRET_KEY, else $AWS_SECRET_ACCESS_KEY
//	-s3-region R        default $OPUS_S3_REGION, else $AWS_REGION, else $AWS_DEFAULT_REGION
//
// S3 settings left empty everywhere fall back to the AWS SDK's own sources
// (shared config files). Table names are "namespace.table" (one dot).
//
// Exit status: 0 on success, 1 on a runtime failure (catalog, storage, data),
// 2 on a usage error (unknown subcommand or flag, bad or missing flag value,
// an input file that does not exist, a -key or -columns column the table
// lacks). Errors go to stderr, naming the file, table or flag.
//
// # ingest
//
//	lakehouse ingest [-namespace NS] [common flags] FILE...
//
// Loads each TLC trip file (Parquet, CSV or CSV.gz, any year's layout) into
// the bronze table of its kind, NS.KIND_trips (NS defaults to bronze), with
// medallion.IngestBronze: canonical columns plus ingestion metadata, one
// commit per file; ingesting a file again replaces its rows. Prints one JSON
// line per file:
//
//	{"table":"bronze.yellow_trips","source_file":"yellow_tripdata_2024-01.parquet","rows":2964624,"problems":0,"snapshot_id":123}
//
// A file that fails stops the run after the lines of the files before it.
//
// # snapshot
//
//	lakehouse snapshot -source FILE.csv|.parquet -table NAME -unique-key K[,K2]
//	    -strategy check|timestamp [-check-cols a,b|all] [-updated-at COL]
//	    [-hard-deletes ignore|invalidate|new_record] [-now 'YYYY-MM-DD HH:MM:SS'] [common flags]
//
// Applies one dbt snapshot run (SCD type 2; see package lakehouse/snapshot
// for the semantics) of the source file to table NAME, in one atomic commit
// (lakehouse's RunSnapshot). The first run creates the namespace if needed
// and the table, with the source columns followed by dbt_scd_id,
// dbt_updated_at, dbt_valid_from, dbt_valid_to (and dbt_is_deleted with
// -hard-deletes new_record, which therefore must be set from the first
// run). -unique-key and -strategy are required; -strategy timestamp requires
// -updated-at and excludes -check-cols; -check-cols defaults to all.
// -hard-deletes defaults to ignore. -now fixes the run timestamp, read as a
// UTC wall clock ('YYYY-MM-DD HH:MM:SS[.ffffff]', or RFC 3339 with a zone),
// for backfills and reproducible runs; it defaults to the current time. A
// run that changes nothing commits nothing. Prints one JSON line:
//
//	{"table":"dim.customers","created":false,"committed":true,"snapshot_id":123,"now":"2024-03-01 00:00:00",
//	 "source_rows":4,"current_rows":3,"new":1,"changed":1,"revived":0,"unchanged":2,"deleted":0,"ignored":0,
//	 "closed":1,"inserted":2}
//
// The counts are snapshot.Stats. The unique key is recorded in the table
// property opus.snapshot.unique-key, for query's sort order.
//
// Sources: a CSV file (.csv or .csv.gz) needs a header line; an empty field
// is null. Once the table exists, CSV columns it has are parsed as the
// table's types. Other columns are inferred from all their values: int64
// when every value is a decimal integer that fits (no leading zeros: "007"
// stays a string), float64 when they are decimal numbers with some fraction
// or exponent, bool for true/false (any case), date32 for YYYY-MM-DD,
// timestamp (microseconds, no zone) for 'YYYY-MM-DD HH:MM:SS[.ffffff]' (or
// with a T; dates alone then mean midnight), else string. A Parquet file is
// read through pqarrow; its timestamps become microseconds without zone
// (Iceberg v2 has no nanoseconds): zoned ones their UTC wall clock,
// nanoseconds truncated. Once the table exists, Parquet columns are cast to
// its types. The source is held in memory.
//
// # query
//
//	lakehouse query -table NAME [-as-of SNAPSHOT|TIME] [-format csv|json]
//	    [-limit N] [-key a,b] [-columns a,b] [common flags]
//
// Prints the table's rows (or, with -as-of, those of a past snapshot: an
// integer is a snapshot id, anything else a time, 'YYYY-MM-DD HH:MM:SS' in
// UTC or RFC 3339, selecting the snapshot current then) sorted by the key
// and valid-from. The key is -key when given; else the unique key snapshot
// recorded in the table; else every non-meta column in table order. Rows
// are sorted by the key columns, then dbt_valid_from (when the table has
// it), then the remaining columns in table order, so that the order is
// total; nulls sort last. The whole table is read into memory to be sorted;
// -limit keeps the first N rows after sorting. -columns picks and orders the
// printed columns.
//
// -format csv (default): a header line, then one line per row: nulls empty,
// timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]' (fraction only when non-zero,
// without trailing zeros, as PostgreSQL prints them; a zoned timestamp gets
// its offset, "+00"), dates YYYY-MM-DD, floats in PostgreSQL's shortest form,
// booleans true/false, lists and structs as JSON. -format json: one JSON
// array of objects, one object per line, keys in column order: nulls null,
// numbers and booleans as JSON numbers and booleans (NaN and infinities as
// strings), everything else as the CSV text.
//
// # history
//
//	lakehouse history -table NAME [-format text|json] [common flags]
//
// Lists the table's snapshots, oldest first: id, parent id, commit time
// (UTC), Iceberg operation, and the summary's added, deleted and total row
// counts (-1, or - in text, when absent), marking the current one. -format
// text (default) aligns columns; -format json prints one JSON array of
// objects (snapshot_id, parent_id, sequence_number, time in RFC 3339,
// operation, added_rows, deleted_rows, total_rows, current), one per line.
// A time printed here can be given to query -as-of.
package main
