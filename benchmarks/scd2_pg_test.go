package benchmarks

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// The PostgreSQL side of BenchmarkSCD2: the statements dbt-postgres runs
// for a snapshot whose table exists (dbt-adapters' snapshot materialization:
// snapshot_staging_table, then postgres__snapshot_merge_sql), written out
// for this snapshot's configuration: unique_key='id', strategy='check',
// check_cols='all', hard_deletes='invalidate'. snapshot_get_time, which is
// now()::timestamp without time zone in dbt-postgres, is the fixed
// scd2Now, so that dbt_scd_id values can be compared with Opus's.

// scd2PGVersion names the data loaded into PostgreSQL; a database that
// holds it already is not loaded again.
const scd2PGVersion = "scd2 v1: 1000000 rows, seed 42/2026, first run 2024-01-15"

// Table names in the PostgreSQL database of $OPUS_TEST_POSTGRES_DSN.
const (
	pgFirstSource = "scd2_source_first" // the first run's source rows
	pgSource      = "scd2_source"       // the measured run's source rows (the snapshot's select)
	pgTemplate    = "scd2_template"     // the snapshot table after the first run
	pgSnapshot    = "scd2_snapshot"     // the snapshot table the run updates, copied from the template
	pgStaging     = "scd2_snapshot__dbt_tmp"
	pgMeta        = "scd2_meta"
)

var scd2Columns = []string{"id", "name", "zone", "rate", "updated_at"}

// pgTime renders t as a PostgreSQL timestamp without time zone literal.
func pgTime(t time.Time) string {
	return "'" + t.UTC().Format("2006-01-02 15:04:05") + "'::timestamp without time zone"
}

// scdIDExpr is dbt's snapshot_hash_arguments([unique_key, updated_at]) for
// postgres: md5 of the arguments cast to varchar (a null as the empty
// string), joined by a vertical bar.
func scdIDExpr(key, updatedAt string) string {
	return fmt.Sprintf("md5(coalesce(cast(%s as varchar), '') || '|' || coalesce(cast(%s as varchar), ''))", key, updatedAt)
}

// pgFirstRunSQL is dbt's first run (build_snapshot_table wrapped in create
// table as): every source row with its meta columns.
func pgFirstRunSQL() string {
	now := pgTime(scd2FirstRun)
	return fmt.Sprintf(`CREATE TABLE %s AS
SELECT *,
       %s AS dbt_scd_id,
       %s AS dbt_updated_at,
       %s AS dbt_valid_from,
       coalesce(nullif(%s, %s), NULL) AS dbt_valid_to
FROM (SELECT * FROM %s) AS sbq`, pgTemplate, scdIDExpr("id", now), now, now, now, now, pgFirstSource)
}

// pgRowChanged is the check strategy's row_changed expression over every
// source column: any column differs, nulls compared null-safely.
func pgRowChanged() string {
	var parts []string
	for _, c := range scd2Columns {
		parts = append(parts, fmt.Sprintf(
			`snapshotted_data.%[1]q != source_data.%[1]q OR ((snapshotted_data.%[1]q IS NULL) AND NOT (source_data.%[1]q IS NULL)) OR ((NOT snapshotted_data.%[1]q IS NULL) AND (source_data.%[1]q IS NULL))`, c))
	}
	return "(" + strings.Join(parts, "\n         OR ") + ")"
}

// pgStagingSQL builds the staging table: every source row that is new or
// changed ('insert', with its new scd_id), every current version of a
// changed key ('update', closing at now) and every current version whose
// key left the source ('delete', closing at now).
func pgStagingSQL() string {
	now := pgTime(scd2Now)
	changed := pgRowChanged()
	return fmt.Sprintf(`CREATE TEMPORARY TABLE %[1]s AS (
WITH snapshot_query AS (
    SELECT * FROM %[2]s
),
snapshotted_data AS (
    SELECT *, id AS dbt_unique_key
    FROM %[3]s
    WHERE dbt_valid_to IS NULL
),
insertions_source_data AS (
    SELECT *, id AS dbt_unique_key,
           %[4]s AS dbt_updated_at,
           %[4]s AS dbt_valid_from,
           coalesce(nullif(%[4]s, %[4]s), NULL) AS dbt_valid_to,
           %[5]s AS dbt_scd_id
    FROM snapshot_query
),
updates_source_data AS (
    SELECT *, id AS dbt_unique_key,
           %[4]s AS dbt_updated_at,
           %[4]s AS dbt_valid_from,
           %[4]s AS dbt_valid_to
    FROM snapshot_query
),
deletes_source_data AS (
    SELECT *, id AS dbt_unique_key
    FROM snapshot_query
),
insertions AS (
    SELECT 'insert' AS dbt_change_type, source_data.*
    FROM insertions_source_data AS source_data
    LEFT OUTER JOIN snapshotted_data ON snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
    WHERE snapshotted_data.dbt_unique_key IS NULL
       OR (snapshotted_data.dbt_unique_key IS NOT NULL AND %[6]s)
),
updates AS (
    SELECT 'update' AS dbt_change_type, source_data.*, snapshotted_data.dbt_scd_id
    FROM updates_source_data AS source_data
    JOIN snapshotted_data ON snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
    WHERE %[6]s
),
deletes AS (
    SELECT 'delete' AS dbt_change_type, source_data.*,
           %[4]s AS dbt_valid_from,
           %[4]s AS dbt_updated_at,
           %[4]s AS dbt_valid_to,
           snapshotted_data.dbt_scd_id
    FROM snapshotted_data
    LEFT JOIN deletes_source_data AS source_data ON snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
    WHERE source_data.dbt_unique_key IS NULL
)
SELECT * FROM insertions
UNION ALL
SELECT * FROM updates
UNION ALL
SELECT * FROM deletes
)`, pgStaging, pgSource, pgSnapshot, now, scdIDExpr("id", now), changed)
}

// pgMergeUpdateSQL closes the current versions the staging table lists as
// updated or deleted (postgres__snapshot_merge_sql, first statement).
func pgMergeUpdateSQL() string {
	return fmt.Sprintf(`UPDATE %[1]s
SET dbt_valid_to = DBT_INTERNAL_SOURCE.dbt_valid_to
FROM %[2]s AS DBT_INTERNAL_SOURCE
WHERE DBT_INTERNAL_SOURCE.dbt_scd_id::text = %[1]s.dbt_scd_id::text
  AND DBT_INTERNAL_SOURCE.dbt_change_type::text IN ('update'::text, 'delete'::text)
  AND %[1]s.dbt_valid_to IS NULL`, pgSnapshot, pgStaging)
}

// pgMergeInsertSQL appends the new versions (second statement); the
// columns are the staging table's minus dbt_change_type and dbt_unique_key.
func pgMergeInsertSQL() string {
	cols := append(append([]string{}, scd2Columns...), "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id")
	var ins, sel []string
	for _, c := range cols {
		ins = append(ins, strconv.Quote(c))
		sel = append(sel, "DBT_INTERNAL_SOURCE."+strconv.Quote(c))
	}
	return fmt.Sprintf(`INSERT INTO %s (%s)
SELECT %s
FROM %s AS DBT_INTERNAL_SOURCE
WHERE DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text`,
		pgSnapshot, strings.Join(ins, ", "), strings.Join(sel, ", "), pgStaging)
}

// benchPostgresSCD2 measures the snapshot run in PostgreSQL, in one
// session: the staging table, the update and the insert in one
// transaction, as dbt runs them. Every iteration first recreates the
// snapshot table from the template, freezes and analyzes it and
// checkpoints, untimed, so that each run meets a table at rest.
//
// The server runs with its own settings (PostgreSQL's defaults in
// .ci/services.sh: work_mem 4MB, shared_buffers 128MB, JIT on, two
// parallel workers per gather). $OPUS_BENCH_PG_SETTINGS, such as
// "work_mem=256MB;jit=off", sets session settings first, to see how much
// tuning changes.
func benchPostgresSCD2(b *testing.B, in scd2Input) scd2Outcome {
	dsn := os.Getenv("OPUS_TEST_POSTGRES_DSN")
	if dsn == "" {
		b.Skip("OPUS_TEST_POSTGRES_DSN is unset: start PostgreSQL with `source .ci/services.sh && start_services` in the shell that runs go test")
	}
	ctx := context.Background()
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn), pgdriver.WithTimeout(30*time.Minute)))
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, kv := range strings.Split(os.Getenv("OPUS_BENCH_PG_SETTINGS"), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			continue
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT set_config(%s, %s, false)", quoteLiteral(k), quoteLiteral(v))); err != nil {
			b.Fatalf("OPUS_BENCH_PG_SETTINGS %s: %v", kv, err)
		}
		b.Logf("session setting %s = %s", k, v)
	}
	if err := pgLoad(ctx, conn, in); err != nil {
		b.Fatalf("postgres: loading the dimension: %v", err)
	}
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	backend := strconv.Itoa(pid)
	if _, ok := procStatusMBOf(backend, "VmHWM:"); !ok {
		b.Logf("cannot read /proc/%d/status: the backend's peak RSS is not reported", pid)
	}
	staging, update, insert := pgStagingSQL(), pgMergeUpdateSQL(), pgMergeInsertSQL()
	var o scd2Outcome
	var peak, start, private float64
	for b.Loop() {
		b.StopTimer()
		if err := pgExec(ctx, conn,
			"DROP TABLE IF EXISTS "+pgStaging,
			"DROP TABLE IF EXISTS "+pgSnapshot,
			"CREATE TABLE "+pgSnapshot+" WITH (autovacuum_enabled = off) AS SELECT * FROM "+pgTemplate,
			// With synchronous_commit off, hint bits can be set only once
			// the commit is flushed: checkpoint first, so that VACUUM
			// leaves every tuple frozen and the run dirties no page just
			// by reading it, as in a long-lived snapshot table.
			"CHECKPOINT",
			"VACUUM (FREEZE, ANALYZE) "+pgSnapshot,
			"CHECKPOINT",
		); err != nil {
			b.Fatal(err)
		}
		start = resetPeak(b, backend)
		sampler := sampleRssAnon(backend)
		b.StartTimer()
		o, err = pgRun(ctx, conn, staging, update, insert)
		b.StopTimer()
		private = max(private, sampler())
		if err != nil {
			b.Fatal(err)
		}
		if mb, ok := procStatusMBOf(backend, "VmHWM:"); ok {
			peak = max(peak, mb)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(in.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if peak > 0 {
		// The backend's, not this process's: VmHWM counts the shared
		// buffers it touched; private-peak-MB is its sampled RssAnon.
		b.ReportMetric(peak, "peak-RSS-MB")
		b.ReportMetric(start, "start-RSS-MB")
		b.ReportMetric(private, "private-peak-MB")
	}
	if err := pgOutcome(ctx, conn, &o); err != nil {
		b.Fatal(err)
	}
	o.check(b, "postgres", in.exp)
	return o
}

// pgRun is the timed part: dbt's transaction.
func pgRun(ctx context.Context, conn *sql.Conn, staging, update, insert string) (scd2Outcome, error) {
	var o scd2Outcome
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return o, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, staging); err != nil {
		return o, fmt.Errorf("staging table: %w", err)
	}
	res, err := tx.ExecContext(ctx, update)
	if err != nil {
		return o, fmt.Errorf("update: %w", err)
	}
	if o.closed, err = res.RowsAffected(); err != nil {
		return o, err
	}
	if res, err = tx.ExecContext(ctx, insert); err != nil {
		return o, fmt.Errorf("insert: %w", err)
	}
	if o.inserted, err = res.RowsAffected(); err != nil {
		return o, err
	}
	return o, tx.Commit()
}

// pgOutcome reads back what the run left in the snapshot table.
func pgOutcome(ctx context.Context, conn *sql.Conn, o *scd2Outcome) error {
	q := fmt.Sprintf("SELECT count(*) FILTER (WHERE dbt_valid_to IS NULL), count(*) FROM %s", pgSnapshot)
	if err := conn.QueryRowContext(ctx, q).Scan(&o.current, &o.total); err != nil {
		return err
	}
	at := func(col string) (string, int64, error) {
		rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT dbt_scd_id FROM %s WHERE %s = %s", pgSnapshot, col, pgTime(scd2Now)))
		if err != nil {
			return "", 0, err
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return "", 0, err
			}
			ids = append(ids, id)
		}
		return digest(ids), int64(len(ids)), rows.Err()
	}
	var err error
	if o.closedIDs, o.nClosed, err = at("dbt_valid_to"); err != nil {
		return err
	}
	o.insertedIDs, o.nInserted, err = at("dbt_valid_from")
	return err
}

// pgLoad loads both sources with COPY and builds the template with dbt's
// first-run SQL, unless the database holds them already.
func pgLoad(ctx context.Context, conn *sql.Conn, in scd2Input) error {
	var version string
	err := conn.QueryRowContext(ctx, "SELECT version FROM "+pgMeta).Scan(&version)
	if err == nil && version == scd2PGVersion {
		return nil
	}
	cols := "id bigint, name text, zone integer, rate double precision, updated_at timestamp without time zone"
	if err := pgExec(ctx, conn,
		"DROP TABLE IF EXISTS "+strings.Join([]string{pgMeta, pgSnapshot, pgTemplate, pgSource, pgFirstSource}, ", "),
		"CREATE TABLE "+pgFirstSource+" ("+cols+")",
		"CREATE TABLE "+pgSource+" ("+cols+")",
	); err != nil {
		return err
	}
	first := scd2FirstBatches()
	err = pgCopy(ctx, conn, pgFirstSource, first)
	for _, r := range first {
		r.Release()
	}
	if err != nil {
		return err
	}
	if err := pgCopy(ctx, conn, pgSource, in.source); err != nil {
		return err
	}
	return pgExec(ctx, conn,
		pgFirstRunSQL(),
		"CHECKPOINT",
		"VACUUM (FREEZE, ANALYZE) "+pgSource,
		"VACUUM (FREEZE, ANALYZE) "+pgTemplate,
		"CREATE TABLE "+pgMeta+" AS SELECT "+quoteLiteral(scd2PGVersion)+"::text AS version",
	)
}

// pgCopy copies batches of scd2Schema into table with COPY ... FROM STDIN.
func pgCopy(ctx context.Context, conn *sql.Conn, table string, batches []arrow.RecordBatch) error {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		var line []byte
		for _, rec := range batches {
			ids := rec.Column(0).(*array.Int64)
			names := rec.Column(1).(*array.String)
			zones := rec.Column(2).(*array.Int32)
			rates := rec.Column(3).(*array.Float64)
			upds := rec.Column(4).(*array.Timestamp)
			for i := range int(rec.NumRows()) {
				line = strconv.AppendInt(line[:0], ids.Value(i), 10)
				line = append(line, '\t')
				line = append(line, names.Value(i)...) // no tabs, newlines or backslashes
				line = append(line, '\t')
				line = strconv.AppendInt(line, int64(zones.Value(i)), 10)
				line = append(line, '\t')
				line = strconv.AppendFloat(line, rates.Value(i), 'g', -1, 64)
				line = append(line, '\t')
				line = upds.Value(i).ToTime(arrow.Microsecond).AppendFormat(line, "2006-01-02 15:04:05.999999")
				line = append(line, '\n')
				w.Write(line)
			}
		}
		pw.CloseWithError(w.Flush())
	}()
	_, err := pgdriver.CopyFrom(ctx, bun.Conn{Conn: conn}, pr, "COPY "+table+" FROM STDIN")
	pr.CloseWithError(err)
	return err
}

// pgExec runs statements one after the other.
func pgExec(ctx context.Context, conn *sql.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", strings.SplitN(s, "\n", 2)[0], err)
		}
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sampleRssAnon samples the private resident memory (RssAnon) of process
// pid every 10 ms until the returned function is called, which returns the
// largest sample in MB. A process's peak (VmHWM) also counts the shared
// memory it maps, for a PostgreSQL backend the shared buffers it touched.
func sampleRssAnon(pid string) func() float64 {
	done := make(chan struct{})
	result := make(chan float64)
	go func() {
		var peak float64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if mb, ok := procStatusMBOf(pid, "RssAnon:"); ok {
				peak = max(peak, mb)
			}
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return <-result
	}
}
