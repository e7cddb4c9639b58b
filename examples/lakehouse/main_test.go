package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/internal/arrowio"
	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/tlc"
)

// cli runs the command in-process with the warehouse flags wh inserted
// after the subcommand.
type cli struct {
	t  *testing.T
	wh []string
}

// newCLI returns a cli on a fresh embedded warehouse.
func newCLI(t *testing.T) cli {
	t.Setenv("OPUS_WAREHOUSE", "") // the flags decide, not the environment
	return cli{t: t, wh: []string{"-warehouse", t.TempDir()}}
}

// run runs "lakehouse SUB common-flags ARGS..." and returns its exit status
// and output.
func (c cli) run(sub string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	full := append(append([]string{sub}, c.wh...), args...)
	var out, errOut bytes.Buffer
	code = run(ctx, full, &out, &errOut)
	return code, out.String(), errOut.String()
}

// ok runs the command and fails the test unless it exits with 0.
func (c cli) ok(sub string, args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run(sub, args...)
	if code != exitOK {
		c.t.Fatalf("lakehouse %s %q: exit %d, stderr:\n%s", sub, args, code, errOut)
	}
	return out
}

// snapshot runs one snapshot and decodes its summary.
func (c cli) snapshot(args ...string) snapshotSummary {
	c.t.Helper()
	out := c.ok("snapshot", args...)
	var s snapshotSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		c.t.Fatalf("snapshot summary %q: %v", out, err)
	}
	return s
}

// history returns the table's history as history -format json prints it.
func (c cli) history(table string) []historyEntry {
	c.t.Helper()
	var h []historyEntry
	out := c.ok("history", "-table", table, "-format", "json")
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		c.t.Fatalf("history %q: %v", out, err)
	}
	return h
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The customer dimension's three source versions: v2 changes Bob's tier
// and adds Dee, v3 drops Cy.
const (
	customersV1 = `id,name,tier,balance,joined_at,active
1,Ada,gold,10.5,2024-01-01 08:00:00,true
2,Bob,silver,20,2024-01-02 09:30:00,false
3,Cy,bronze,,2024-01-03 10:00:00.25,true
`
	customersV2 = `id,name,tier,balance,joined_at,active
1,Ada,gold,10.5,2024-01-01 08:00:00,true
2,Bob,gold,20,2024-01-02 09:30:00,false
3,Cy,bronze,,2024-01-03 10:00:00.25,true
4,Dee,silver,7.25,2024-02-15 12:00:00,true
`
	customersV3 = `id,name,tier,balance,joined_at,active
1,Ada,gold,10.5,2024-01-01 08:00:00,true
2,Bob,gold,20,2024-01-02 09:30:00,false
4,Dee,silver,7.25,2024-02-15 12:00:00,true
`
)

// customerFiles writes the three versions and returns their paths.
func customerFiles(t *testing.T) [3]string {
	dir := t.TempDir()
	return [3]string{
		writeFile(t, dir, "customers_v1.csv", customersV1),
		writeFile(t, dir, "customers_v2.csv", customersV2),
		writeFile(t, dir, "customers_v3.csv", customersV3),
	}
}

// Run times of the three runs.
var runTimes = [3]string{"2024-02-01 00:00:00", "2024-03-01 00:00:00", "2024-04-01 12:30:00"}

// Expected query output. dbt_scd_id is md5("id|valid_from"), as dbt-postgres
// computes it (checked with md5sum), e.g. md5("1|2024-02-01 00:00:00").
const (
	invalidateCSV = `id,name,tier,balance,joined_at,active,dbt_scd_id,dbt_updated_at,dbt_valid_from,dbt_valid_to
1,Ada,gold,10.5,2024-01-01 08:00:00,true,2e82cee106c704e5a20fc8fbc5618f48,2024-02-01 00:00:00,2024-02-01 00:00:00,
2,Bob,silver,20,2024-01-02 09:30:00,false,30acef375f593e281672ea14aa7ec237,2024-02-01 00:00:00,2024-02-01 00:00:00,2024-03-01 00:00:00
2,Bob,gold,20,2024-01-02 09:30:00,false,1f96aee791fde0d8444856be50e489a2,2024-03-01 00:00:00,2024-03-01 00:00:00,
3,Cy,bronze,,2024-01-03 10:00:00.25,true,1913da23d3ad71835692dc8bdbc52c55,2024-02-01 00:00:00,2024-02-01 00:00:00,2024-04-01 12:30:00
4,Dee,silver,7.25,2024-02-15 12:00:00,true,e799c58500b5c8e618294299251115a8,2024-03-01 00:00:00,2024-03-01 00:00:00,
`
	invalidateJSON = `[
{"id":1,"name":"Ada","tier":"gold","balance":10.5,"joined_at":"2024-01-01 08:00:00","active":true,"dbt_scd_id":"2e82cee106c704e5a20fc8fbc5618f48","dbt_updated_at":"2024-02-01 00:00:00","dbt_valid_from":"2024-02-01 00:00:00","dbt_valid_to":null},
{"id":2,"name":"Bob","tier":"silver","balance":20,"joined_at":"2024-01-02 09:30:00","active":false,"dbt_scd_id":"30acef375f593e281672ea14aa7ec237","dbt_updated_at":"2024-02-01 00:00:00","dbt_valid_from":"2024-02-01 00:00:00","dbt_valid_to":"2024-03-01 00:00:00"},
{"id":2,"name":"Bob","tier":"gold","balance":20,"joined_at":"2024-01-02 09:30:00","active":false,"dbt_scd_id":"1f96aee791fde0d8444856be50e489a2","dbt_updated_at":"2024-03-01 00:00:00","dbt_valid_from":"2024-03-01 00:00:00","dbt_valid_to":null},
{"id":3,"name":"Cy","tier":"bronze","balance":null,"joined_at":"2024-01-03 10:00:00.25","active":true,"dbt_scd_id":"1913da23d3ad71835692dc8bdbc52c55","dbt_updated_at":"2024-02-01 00:00:00","dbt_valid_from":"2024-02-01 00:00:00","dbt_valid_to":"2024-04-01 12:30:00"},
{"id":4,"name":"Dee","tier":"silver","balance":7.25,"joined_at":"2024-02-15 12:00:00","active":true,"dbt_scd_id":"e799c58500b5c8e618294299251115a8","dbt_updated_at":"2024-03-01 00:00:00","dbt_valid_from":"2024-03-01 00:00:00","dbt_valid_to":null}
]
`
	firstRunCSV = `id,name,tier,balance,joined_at,active,dbt_scd_id,dbt_updated_at,dbt_valid_from,dbt_valid_to
1,Ada,gold,10.5,2024-01-01 08:00:00,true,2e82cee106c704e5a20fc8fbc5618f48,2024-02-01 00:00:00,2024-02-01 00:00:00,
2,Bob,silver,20,2024-01-02 09:30:00,false,30acef375f593e281672ea14aa7ec237,2024-02-01 00:00:00,2024-02-01 00:00:00,
3,Cy,bronze,,2024-01-03 10:00:00.25,true,1913da23d3ad71835692dc8bdbc52c55,2024-02-01 00:00:00,2024-02-01 00:00:00,
`
)

// checkStats compares a run summary's counts with want (snapshot ids
// aside).
func checkStats(t *testing.T, run int, got, want snapshotSummary) {
	t.Helper()
	got.SnapshotID, want.SnapshotID = 0, 0
	if got != want {
		t.Errorf("run %d summary\n got %+v\nwant %+v", run, got, want)
	}
}

// snapshotCustomers applies the three versions to table with hard deletes
// mode, and returns the run summaries.
func snapshotCustomers(t *testing.T, c cli, table, mode string) [3]snapshotSummary {
	t.Helper()
	files := customerFiles(t)
	var runs [3]snapshotSummary
	for i, f := range files {
		runs[i] = c.snapshot("-source", f, "-table", table, "-unique-key", "id", "-strategy", "check",
			"-hard-deletes", mode, "-now", runTimes[i])
	}
	return runs
}

func TestSnapshotCheckInvalidate(t *testing.T) {
	c := newCLI(t)
	const table = "dim.customers"
	runs := snapshotCustomers(t, c, table, "invalidate")
	checkStats(t, 1, runs[0], snapshotSummary{Table: table, Created: true, Committed: true, Now: runTimes[0],
		SourceRows: 3, New: 3, Inserted: 3})
	checkStats(t, 2, runs[1], snapshotSummary{Table: table, Committed: true, Now: runTimes[1],
		SourceRows: 4, CurrentRows: 3, New: 1, Changed: 1, Unchanged: 2, Closed: 1, Inserted: 2})
	checkStats(t, 3, runs[2], snapshotSummary{Table: table, Committed: true, Now: runTimes[2],
		SourceRows: 3, CurrentRows: 4, Unchanged: 3, Deleted: 1, Closed: 1})
	for i, r := range runs {
		if r.SnapshotID == 0 || (i > 0 && r.SnapshotID == runs[i-1].SnapshotID) {
			t.Errorf("run %d: snapshot id %d", i+1, r.SnapshotID)
		}
	}

	// Re-running on an unchanged source commits nothing.
	again := c.snapshot("-source", customerFiles(t)[2], "-table", table, "-unique-key", "id",
		"-strategy", "check", "-hard-deletes", "invalidate", "-now", "2024-05-01 00:00:00")
	if again.Committed || again.SnapshotID != runs[2].SnapshotID || again.Unchanged != 3 {
		t.Errorf("unchanged re-run: %+v", again)
	}

	if got := c.ok("query", "-table", table); got != invalidateCSV {
		t.Errorf("query csv:\n%s\nwant:\n%s", got, invalidateCSV)
	}
	if got := c.ok("query", "-table", table, "-format", "json"); got != invalidateJSON {
		t.Errorf("query json:\n%s\nwant:\n%s", got, invalidateJSON)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(invalidateJSON), &rows); err != nil || len(rows) != 5 {
		t.Errorf("the JSON output does not parse as 5 objects: %v", err)
	}
	first := strconv.FormatInt(runs[0].SnapshotID, 10)
	if got := c.ok("query", "-table", table, "-as-of", first); got != firstRunCSV {
		t.Errorf("query -as-of %s:\n%s\nwant:\n%s", first, got, firstRunCSV)
	}
	if got := c.ok("query", "-table", table, "-as-of", "2999-01-01 00:00:00"); got != invalidateCSV {
		t.Errorf("query -as-of a future time:\n%s", got)
	}
	const keyOrder = "tier,id,dbt_valid_from\nbronze,3,2024-02-01 00:00:00\ngold,1,2024-02-01 00:00:00\n" +
		"gold,2,2024-03-01 00:00:00\nsilver,2,2024-02-01 00:00:00\n"
	if got := c.ok("query", "-table", table, "-key", "tier", "-columns", "tier,id,dbt_valid_from", "-limit", "4"); got != keyOrder {
		t.Errorf("query -key tier -columns -limit 4:\n%s\nwant:\n%s", got, keyOrder)
	}

	h := c.history(table)
	if len(h) != 3 {
		t.Fatalf("history has %d snapshots, want 3: %+v", len(h), h)
	}
	for i, e := range h {
		if e.SnapshotID != runs[i].SnapshotID {
			t.Errorf("history[%d] is snapshot %d, run %d committed %d", i, e.SnapshotID, i+1, runs[i].SnapshotID)
		}
		wantParent := int64(0)
		if i > 0 {
			wantParent = runs[i-1].SnapshotID
		}
		if e.ParentID != wantParent || e.Current != (i == 2) || e.Time.IsZero() {
			t.Errorf("history[%d] = %+v", i, e)
		}
	}
	if h[0].Operation != "append" || h[0].AddedRows != 3 || h[2].TotalRows != 5 {
		t.Errorf("history operations and counts: %+v", h)
	}
	text := c.ok("history", "-table", table)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "SNAPSHOT_ID") || !strings.HasPrefix(lines[1], first+" ") ||
		!strings.HasSuffix(lines[3], "*") {
		t.Errorf("history text:\n%s", text)
	}

	code, _, errOut := c.run("query", "-table", table, "-as-of", "2000-01-01 00:00:00")
	if code != exitFailure || !strings.Contains(errOut, "-as-of") || !strings.Contains(errOut, table) {
		t.Errorf("query -as-of before the first snapshot: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = c.run("query", "-table", "dim.nothing")
	if code != exitFailure || !strings.Contains(errOut, "dim.nothing") {
		t.Errorf("query of a missing table: exit %d, stderr %q", code, errOut)
	}
}

func TestSnapshotNewRecord(t *testing.T) {
	c := newCLI(t)
	const table = "dim.customers_nr"
	runs := snapshotCustomers(t, c, table, "new_record")
	checkStats(t, 3, runs[2], snapshotSummary{Table: table, Committed: true, Now: runTimes[2],
		SourceRows: 3, CurrentRows: 4, Unchanged: 3, Deleted: 1, Closed: 1, Inserted: 1})
	// Cy comes back: the deletion record is closed and a new version opens.
	back := c.snapshot("-source", customerFiles(t)[1], "-table", table, "-unique-key", "id", "-strategy", "check",
		"-check-cols", "tier,balance", "-hard-deletes", "new_record", "-now", "2024-05-01 00:00:00")
	checkStats(t, 4, back, snapshotSummary{Table: table, Committed: true, Now: "2024-05-01 00:00:00",
		SourceRows: 4, CurrentRows: 4, Revived: 1, Unchanged: 3, Closed: 1, Inserted: 1})

	const want = `id,tier,dbt_scd_id,dbt_valid_from,dbt_valid_to,dbt_is_deleted
1,gold,2e82cee106c704e5a20fc8fbc5618f48,2024-02-01 00:00:00,,False
2,silver,30acef375f593e281672ea14aa7ec237,2024-02-01 00:00:00,2024-03-01 00:00:00,False
2,gold,1f96aee791fde0d8444856be50e489a2,2024-03-01 00:00:00,,False
3,bronze,1913da23d3ad71835692dc8bdbc52c55,2024-02-01 00:00:00,2024-04-01 12:30:00,False
3,bronze,e931e8de3c1c7a3f88b041a383819e24,2024-04-01 12:30:00,2024-05-01 00:00:00,True
3,bronze,3733c4b9b6284aa49c0b2952bf678cf7,2024-05-01 00:00:00,,False
4,silver,e799c58500b5c8e618294299251115a8,2024-03-01 00:00:00,,False
`
	if got := c.ok("query", "-table", table, "-columns", "id,tier,dbt_scd_id,dbt_valid_from,dbt_valid_to,dbt_is_deleted"); got != want {
		t.Errorf("query:\n%s\nwant:\n%s", got, want)
	}
	if h := c.history(table); len(h) != 4 {
		t.Errorf("history has %d snapshots, want 4", len(h))
	}
}

func TestSnapshotTimestamp(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	v1 := writeFile(t, dir, "codes1.csv", "code,label,updated_at\nA,alpha,2024-01-01 00:00:00\nB,beta,2024-01-01 00:00:00\n")
	v2 := writeFile(t, dir, "codes2.csv", "code,label,updated_at\nA,alpha,2024-01-01 00:00:00\nB,beta two,2024-01-05T06:07:08.5\n")
	args := []string{"-table", "ref.codes", "-unique-key", "code", "-strategy", "timestamp", "-updated-at", "updated_at"}
	c.snapshot(append(args, "-source", v1, "-now", "2024-02-01 00:00:00")...)
	r := c.snapshot(append(args, "-source", v2, "-now", "2024-02-02T00:00:00Z")...)
	if r.Changed != 1 || r.Unchanged != 1 || r.Now != "2024-02-02 00:00:00" {
		t.Errorf("second run: %+v", r)
	}
	// The timestamp strategy takes the versions' times from updated_at.
	const want = `code,label,updated_at,dbt_scd_id,dbt_updated_at,dbt_valid_from,dbt_valid_to
A,alpha,2024-01-01 00:00:00,d858144bc642272bbc7a3574063f20c5,2024-01-01 00:00:00,2024-01-01 00:00:00,
B,beta,2024-01-01 00:00:00,ffdd02675b37db8128f05c620e92633e,2024-01-01 00:00:00,2024-01-01 00:00:00,2024-01-05 06:07:08.5
B,beta two,2024-01-05 06:07:08.5,6c1c889606fde2b8ec347b5a2876dc67,2024-01-05 06:07:08.5,2024-01-05 06:07:08.5,
`
	if got := c.ok("query", "-table", "ref.codes"); got != want {
		t.Errorf("query:\n%s\nwant:\n%s", got, want)
	}
}

// TestSnapshotParquetSource snapshots a Parquet file with nanosecond,
// zoned timestamps and int32 keys, then a CSV of the same dimension: the
// CSV is read with the table's types.
func TestSnapshotParquetSource(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	mem := memory.DefaultAllocator
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "zone_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "zone", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "seen_at", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{7, 9}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Astoria", "Bayside"}, nil)
	at := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC).UnixNano()
	b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(at), 0}, []bool{true, false})
	rec := b.NewRecordBatch()
	defer rec.Release()
	pq := filepath.Join(dir, "zones.parquet")
	if err := arrowio.WriteParquet(pq, sc, []arrow.RecordBatch{rec}); err != nil {
		t.Fatal(err)
	}
	args := []string{"-table", "ref.zones", "-unique-key", "zone_id", "-strategy", "check"}
	c.snapshot(append(args, "-source", pq, "-now", "2024-02-01 00:00:00")...)
	csvFile := writeFile(t, dir, "zones.csv", "zone_id,zone,seen_at\n7,Astoria,2024-01-02 03:04:05.123456\n009,Bayside Hills,\n")
	r := c.snapshot(append(args, "-source", csvFile, "-now", "2024-03-01 00:00:00")...)
	if r.Changed != 1 || r.Unchanged != 1 {
		t.Errorf("CSV run: %+v", r)
	}
	const want = `zone_id,zone,seen_at,dbt_valid_from,dbt_valid_to
7,Astoria,2024-01-02 03:04:05.123456,2024-02-01 00:00:00,
9,Bayside,,2024-02-01 00:00:00,2024-03-01 00:00:00
9,Bayside Hills,,2024-03-01 00:00:00,
`
	if got := c.ok("query", "-table", "ref.zones", "-columns", "zone_id,zone,seen_at,dbt_valid_from,dbt_valid_to"); got != want {
		t.Errorf("query:\n%s\nwant:\n%s", got, want)
	}

	bad := writeFile(t, dir, "bad.csv", "zone_id,zone,seen_at\n7,Astoria,\nseven,Astoria,\n")
	code, _, errOut := c.run("snapshot", append(args, "-source", bad)...)
	if code != exitFailure || !strings.Contains(errOut, "bad.csv: line 3, column \"zone_id\"") {
		t.Errorf("unparsable value: exit %d, stderr %q", code, errOut)
	}
}

func TestInferType(t *testing.T) {
	tests := []struct {
		values []string
		want   arrow.DataType
	}{
		{[]string{"1", "-2", "", "+3"}, arrow.PrimitiveTypes.Int64},
		{[]string{"1", "2.5", "1e3"}, arrow.PrimitiveTypes.Float64},
		{[]string{"0.5", "0"}, arrow.PrimitiveTypes.Float64},
		{[]string{"007", "12"}, arrow.BinaryTypes.String},
		{[]string{"99999999999999999999"}, arrow.BinaryTypes.String},
		{[]string{"true", "FALSE", ""}, arrow.FixedWidthTypes.Boolean},
		{[]string{"2024-01-31", "2024-02-29"}, arrow.FixedWidthTypes.Date32},
		{[]string{"2024-02-30"}, arrow.BinaryTypes.String},
		{[]string{"2024-01-31", "2024-02-01 10:00:00.123456", "2024-02-01T10:00:00"}, microTS},
		{[]string{"2024-02-01 10:00:00.1234567"}, arrow.BinaryTypes.String},
		{[]string{"1", "x"}, arrow.BinaryTypes.String},
		{[]string{"", ""}, arrow.BinaryTypes.String},
		{[]string{"NaN", "1.5"}, arrow.BinaryTypes.String},
	}
	for _, tc := range tests {
		got := inferType(len(tc.values), func(i int) string { return tc.values[i] })
		if !arrow.TypeEqual(got, tc.want) {
			t.Errorf("inferType(%q) = %s, want %s", tc.values, got, tc.want)
		}
	}
}

func TestIngest(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "yellow_tripdata_2024-01.parquet"), filepath.Join(dir, "green_tripdata_2024-01.csv")}
	for i, k := range []tlc.Kind{tlc.Yellow, tlc.Green} {
		cfg := tlc.GenerateConfig{Kind: k, Year: 2024, Month: 1, Rows: 300, Seed: 3, DefectRate: 0.1}
		if _, err := tlc.GenerateFile(context.Background(), cfg, files[i]); err != nil {
			t.Fatal(err)
		}
	}
	var first []ingestLine
	for pass := range 2 {
		out := c.ok("ingest", files...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("pass %d: %d lines, want one per file:\n%s", pass, len(lines), out)
		}
		for i, l := range lines {
			var got ingestLine
			if err := json.Unmarshal([]byte(l), &got); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			if got.Table != []string{"bronze.yellow_trips", "bronze.green_trips"}[i] ||
				got.SourceFile != filepath.Base(files[i]) || got.Rows != 300 || got.SnapshotID == 0 {
				t.Errorf("pass %d, file %d: %+v", pass, i, got)
			}
			if pass == 0 {
				first = append(first, got)
			} else if got.SnapshotID == first[i].SnapshotID || got.Problems != first[i].Problems {
				t.Errorf("re-ingest of %s: %+v, first %+v", files[i], got, first[i])
			}
		}
	}
	if first[1].Problems == 0 {
		t.Error("the CSV with injected defects reported no problems")
	}
	// Re-ingesting replaced the file's rows instead of adding them.
	out := c.ok("query", "-table", "bronze.yellow_trips", "-columns", "_source_file")
	if n := strings.Count(out, "\n"); n != 301 {
		t.Errorf("bronze.yellow_trips has %d rows after two ingests, want 300", n-1)
	}
	if h := c.history("bronze.yellow_trips"); len(h) != 2 {
		t.Errorf("history has %d snapshots, want 2", len(h))
	}
	code, _, errOut := c.run("ingest", filepath.Join(dir, "missing.parquet"))
	if code != exitUsage || !strings.Contains(errOut, "missing.parquet") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}

	// build: dimensions, then silver and gold of January from both files.
	for pass := range 2 {
		var rep buildReport
		if err := json.Unmarshal([]byte(c.ok("build", "-month", "2024-01", "-dimensions", "-now", "2024-02-01 00:00:00")), &rep); err != nil {
			t.Fatal(err)
		}
		if !rep.Balanced || len(rep.Reconciliation) != 2 || rep.Gold["gold.trip_duration_training"] == 0 {
			t.Fatalf("build pass %d: %+v", pass, rep)
		}
		for _, r := range rep.Reconciliation {
			if r.BronzeRows != 300 || r.QuarantinedRows == 0 || r.SilverRows == 0 {
				t.Errorf("build pass %d: %+v", pass, r)
			}
		}
		if (len(rep.Dimensions) > 0) != (pass == 0) {
			t.Errorf("build pass %d: dimensions committed %v", pass, rep.Dimensions)
		}
	}
	out = c.ok("query", "-table", "gold.daily_revenue", "-columns", "borough", "-format", "csv")
	if !strings.Contains(out, "Manhattan") {
		t.Errorf("daily revenue has no Manhattan borough (zones from dims.taxi_zones):\n%.300s", out)
	}
	if code, _, errOut := c.run("build"); code != exitUsage || !strings.Contains(errOut, "-month") {
		t.Errorf("build without -month: exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	src := customerFiles(t)[0]
	snap := func(args ...string) []string {
		return append([]string{"-source", src, "-table", "dim.c", "-unique-key", "id", "-strategy", "check"}, args...)
	}
	tests := []struct {
		name string
		sub  string
		args []string
		want string
	}{
		{"no source", "snapshot", []string{"-table", "dim.c", "-unique-key", "id", "-strategy", "check"}, "-source is required"},
		{"no table", "snapshot", []string{"-source", src, "-unique-key", "id", "-strategy", "check"}, "-table is required"},
		{"bad table", "snapshot", []string{"-source", src, "-table", "customers", "-unique-key", "id", "-strategy", "check"}, `-table "customers"`},
		{"no unique key", "snapshot", []string{"-source", src, "-table", "dim.c", "-strategy", "check"}, "-unique-key is required"},
		{"no strategy", "snapshot", []string{"-source", src, "-table", "dim.c", "-unique-key", "id"}, "-strategy is required"},
		{"bad strategy", "snapshot", snap("-strategy", "scd"), `-strategy "scd"`},
		{"timestamp without updated-at", "snapshot", snap("-strategy", "timestamp"), "-strategy timestamp requires -updated-at"},
		{"check-cols with timestamp", "snapshot", snap("-strategy", "timestamp", "-updated-at", "joined_at", "-check-cols", "name"), "-check-cols"},
		{"bad hard deletes", "snapshot", snap("-hard-deletes", "purge"), `-hard-deletes "purge"`},
		{"bad now", "snapshot", snap("-now", "yesterday"), "-now"},
		{"missing source", "snapshot", []string{"-source", "/nonexistent/src.csv", "-table", "dim.c", "-unique-key", "id", "-strategy", "check"}, "/nonexistent/src.csv"},
		{"source format", "snapshot", []string{"-source", "src.json", "-table", "dim.c", "-unique-key", "id", "-strategy", "check"}, "-source src.json"},
		{"unknown flag", "snapshot", snap("-frobnicate"), "-frobnicate"},
		{"query without table", "query", nil, "-table is required"},
		{"query format", "query", []string{"-table", "dim.c", "-format", "xml"}, `-format "xml"`},
		{"query as-of", "query", []string{"-table", "dim.c", "-as-of", "last tuesday"}, "-as-of"},
		{"query limit", "query", []string{"-table", "dim.c", "-limit", "-1"}, "-limit"},
		{"history without table", "history", nil, "-table is required"},
		{"history format", "history", []string{"-table", "dim.c", "-format", "yaml"}, `-format "yaml"`},
		{"ingest without files", "ingest", nil, "no files given"},
		{"ingest namespace", "ingest", []string{"-namespace", "a.b", src}, `-namespace "a.b"`},
		{"unknown subcommand", "frobnicate", nil, `unknown subcommand "frobnicate"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := c.run(tc.sub, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}

	// Flags naming unknown columns are usage errors too, found once the
	// table is open.
	c.snapshot(snap("-now", "2024-01-01 00:00:00")...)
	for _, flag := range []string{"-key", "-columns"} {
		code, _, errOut := c.run("query", "-table", "dim.c", flag, "id,nope")
		if code != exitUsage || !strings.Contains(errOut, flag) || !strings.Contains(errOut, `"nope"`) {
			t.Errorf("query %s id,nope: exit %d, stderr %q", flag, code, errOut)
		}
	}
	// A unique key the source lacks is found by the run: a runtime failure.
	code, _, errOut := c.run("snapshot", "-source", src, "-table", "dim.c", "-unique-key", "no_such_column", "-strategy", "check")
	if code != exitFailure || !strings.Contains(errOut, "no_such_column") {
		t.Errorf("unknown unique key column: exit %d, stderr %q", code, errOut)
	}
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errOut); code != exitOK {
		t.Errorf("-h: exit %d", code)
	}
	for _, want := range []string{"lakehouse ingest", "lakehouse snapshot", "lakehouse query", "lakehouse history", "-s3-endpoint", "OPUS_WAREHOUSE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), nil, &out, &errOut); code != exitUsage || out.Len() != 0 {
		t.Errorf("no arguments: exit %d, stdout %q", code, out.String())
	}
	for name := range commands {
		errOut.Reset()
		if code := run(context.Background(), []string{name, "-h"}, &out, &errOut); code != exitOK || !strings.Contains(errOut.String(), "-warehouse") {
			t.Errorf("%s -h: exit %d, usage %q", name, code, errOut.String())
		}
	}
}

// TestPostgresS3 runs the commands against a PostgreSQL catalog and an S3
// warehouse, passed as flags; it skips unless OPUS_TEST_POSTGRES_DSN and
// OPUS_TEST_S3_* are set.
func TestPostgresS3(t *testing.T) {
	dsn := testsvc.FreshPostgresDatabase(t)
	s3 := testsvc.S3(t)
	bucket := testsvc.FreshBucket(t, s3)
	c := cli{t: t, wh: []string{"-catalog", dsn, "-warehouse", "s3://" + bucket + "/warehouse",
		"-s3-endpoint", s3.Endpoint, "-s3-access-key", s3.AccessKey, "-s3-secret-key", s3.SecretKey, "-s3-region", s3.Region}}
	const table = "dim.customers"
	runs := snapshotCustomers(t, c, table, "invalidate")
	if got := c.ok("query", "-table", table); got != invalidateCSV {
		t.Errorf("query csv:\n%s\nwant:\n%s", got, invalidateCSV)
	}
	if got := c.ok("query", "-table", table, "-as-of", strconv.FormatInt(runs[0].SnapshotID, 10)); got != firstRunCSV {
		t.Errorf("query -as-of the first run:\n%s", got)
	}
	if h := c.history(table); len(h) != 3 || h[2].SnapshotID != runs[2].SnapshotID {
		t.Errorf("history: %+v", h)
	}
	f := filepath.Join(t.TempDir(), "yellow_tripdata_2024-01.parquet")
	if _, err := tlc.GenerateFile(context.Background(), tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 200, Seed: 5}, f); err != nil {
		t.Fatal(err)
	}
	var line ingestLine
	if err := json.Unmarshal([]byte(c.ok("ingest", f)), &line); err != nil || line.Rows != 200 || line.Table != "bronze.yellow_trips" {
		t.Errorf("ingest: %+v (%v)", line, err)
	}
}
