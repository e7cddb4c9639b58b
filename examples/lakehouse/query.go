package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
)

const querySynopsis = "query -table NAME [-as-of SNAPSHOT|TIME] [-format csv|json] [-limit N] [-key a,b] [-columns a,b] [common flags]"

// runQuery implements "lakehouse query": it reads a table (or a past
// snapshot of it), sorts the rows by the key and valid-from, and prints
// them as CSV or JSON (see writeCSV and writeJSON).
//
// The sort key is -key when given; else the unique key snapshot recorded
// in the table (property opus.snapshot.unique-key); else every non-meta
// column in table order. Then come dbt_valid_from (when the table has it)
// and the remaining columns in table order, so that the order is total.
// Nulls sort last. The whole table (or snapshot) is read into memory to be
// sorted; -limit applies after sorting.
func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs, common := newFlagSet("query", querySynopsis, stderr)
	name := fs.String("table", "", "table `namespace.table` (required)")
	asOf := fs.String("as-of", "", "read a past snapshot: a snapshot `id`, or the one current at a time 'YYYY-MM-DD HH:MM:SS' (UTC) or RFC 3339")
	format := fs.String("format", "csv", "output `format`: csv (header and rows) or json (an array of objects)")
	limit := fs.Int64("limit", 0, "print at most `N` rows, after sorting (0: all)")
	keyFlag := fs.String("key", "", "sort key `columns`, comma-separated (default: the snapshot's unique key, else every non-meta column)")
	columnsFlag := fs.String("columns", "", "print only these `columns`, comma-separated, in this order (default: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkTable(*name); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usagef("-format %q: want csv or json", *format)
	}
	if *limit < 0 {
		return usagef("-limit %d: want 0 (all) or more", *limit)
	}
	opts, err := asOfOptions(*asOf)
	if err != nil {
		return err
	}

	w, err := common.open(ctx)
	if err != nil {
		return err
	}
	defer closeWarehouse(w, &err)
	rec, err := readTable(ctx, w, *name, opts)
	if err != nil {
		if *asOf != "" {
			return fmt.Errorf("-as-of %s: %w", *asOf, err)
		}
		return err
	}
	defer rec.Release()
	sc := rec.Schema()

	outCols, err := columnIndices(sc, *name, "-columns", splitList(*columnsFlag))
	if err != nil {
		return err
	}
	if len(outCols) == 0 {
		outCols = make([]int, sc.NumFields())
		for i := range outCols {
			outCols[i] = i
		}
	}
	key, err := columnIndices(sc, *name, "-key", splitList(*keyFlag))
	if err != nil {
		return err
	}
	if len(key) == 0 {
		key = defaultKey(ctx, w, *name, sc)
	}
	order := sortOrder(rec, key)
	if *limit > 0 && int64(len(order)) > *limit {
		order = order[:*limit]
	}
	if *format == "json" {
		return writeJSON(stdout, rec, outCols, order)
	}
	return writeCSV(stdout, rec, outCols, order)
}

// asOfOptions parses -as-of: an integer is a snapshot id, anything else a
// time.
func asOfOptions(s string) (lakehouse.ScanOptions, error) {
	var opts lakehouse.ScanOptions
	if s == "" {
		return opts, nil
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if id == 0 {
			return opts, usagef("-as-of 0: not a snapshot id")
		}
		opts.SnapshotID = id
		return opts, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return opts, usagef("-as-of: want a snapshot id or a time: %v", err)
	}
	opts.AsOf = t
	return opts, nil
}

// readTable scans table name into one record batch.
func readTable(ctx context.Context, w *lakehouse.Warehouse, name string, opts lakehouse.ScanOptions) (arrow.RecordBatch, error) {
	rdr, err := w.Scan(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	for rdr.Next() {
		b := rdr.RecordBatch()
		b.Retain()
		batches = append(batches, b)
	}
	if err := rdr.Err(); err != nil {
		return nil, err
	}
	sc := rdr.Schema()
	mem := memory.DefaultAllocator
	cols := make([]arrow.Array, sc.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	for j := range cols {
		parts := make([]arrow.Array, 0, len(batches))
		for _, b := range batches {
			parts = append(parts, b.Column(j))
		}
		if len(parts) == 0 {
			cols[j] = array.MakeArrayOfNull(mem, sc.Field(j).Type, 0)
			continue
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, fmt.Errorf("table %s: column %s: %w", name, sc.Field(j).Name, err)
		}
		cols[j] = c
	}
	return array.NewRecordBatch(sc, cols, rows), nil
}

// columnIndices returns the indices in sc of the named columns; a missing
// one is a usage error naming flag.
func columnIndices(sc *arrow.Schema, table, flag string, names []string) ([]int, error) {
	var out []int
	for _, n := range names {
		idx := sc.FieldIndices(n)
		if len(idx) == 0 {
			return nil, usagef("%s: table %s has no column %q", flag, table, n)
		}
		out = append(out, idx[0])
	}
	return out, nil
}

// defaultKey returns the sort key when -key is not given: the unique key
// recorded by snapshot, else every non-meta column in table order.
func defaultKey(ctx context.Context, w *lakehouse.Warehouse, name string, sc *arrow.Schema) []int {
	if tbl, err := w.Table(ctx, name); err == nil {
		if names := splitList(tbl.Properties()[uniqueKeyProperty]); len(names) > 0 {
			if idx, err := columnIndices(sc, name, "", names); err == nil {
				return idx
			}
		}
	}
	meta := metaColumns()
	var key []int
	for i, f := range sc.Fields() {
		if !meta[f.Name] {
			key = append(key, i)
		}
	}
	return key
}

// sortOrder returns rec's row numbers sorted by the key columns, then
// dbt_valid_from, then every other column in order.
func sortOrder(rec arrow.RecordBatch, key []int) []int {
	sc := rec.Schema()
	used := map[int]bool{}
	var by []int
	add := func(i int) {
		if !used[i] {
			used[i] = true
			by = append(by, i)
		}
	}
	for _, k := range key {
		add(k)
	}
	if idx := sc.FieldIndices(snapshot.DefaultMetaNames().ValidFrom); len(idx) == 1 {
		add(idx[0])
	}
	for i := range sc.NumFields() {
		add(i)
	}
	cmps := make([]func(i, j int) int, len(by))
	for n, c := range by {
		cmps[n] = compareFunc(rec.Column(c))
	}
	order := make([]int, rec.NumRows())
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		for _, c := range cmps {
			if r := c(i, j); r != 0 {
				return r
			}
		}
		return 0
	})
	return order
}

// compareFunc returns a comparison of two rows of a: by value for numbers,
// strings, booleans (false first), dates and times, by text otherwise;
// nulls last, NaN after every number (as in PostgreSQL).
func compareFunc(a arrow.Array) func(i, j int) int {
	val := valueCompare(a)
	return func(i, j int) int {
		ni, nj := a.IsNull(i), a.IsNull(j)
		switch {
		case ni && nj:
			return 0
		case ni:
			return 1
		case nj:
			return -1
		}
		return val(i, j)
	}
}

func valueCompare(a arrow.Array) func(i, j int) int {
	switch x := a.(type) {
	case *array.Int8:
		return ordered(x.Value)
	case *array.Int16:
		return ordered(x.Value)
	case *array.Int32:
		return ordered(x.Value)
	case *array.Int64:
		return ordered(x.Value)
	case *array.Uint8:
		return ordered(x.Value)
	case *array.Uint16:
		return ordered(x.Value)
	case *array.Uint32:
		return ordered(x.Value)
	case *array.Uint64:
		return ordered(x.Value)
	case *array.Float32:
		return func(i, j int) int { return compareFloat(float64(x.Value(i)), float64(x.Value(j))) }
	case *array.Float64:
		return func(i, j int) int { return compareFloat(x.Value(i), x.Value(j)) }
	case *array.String:
		return ordered(x.Value)
	case *array.LargeString:
		return ordered(x.Value)
	case *array.Binary:
		return func(i, j int) int { return strings.Compare(string(x.Value(i)), string(x.Value(j))) }
	case *array.Boolean:
		return func(i, j int) int { return boolInt(x.Value(i)) - boolInt(x.Value(j)) }
	case *array.Date32:
		return ordered(x.Value)
	case *array.Date64:
		return ordered(x.Value)
	case *array.Timestamp:
		return ordered(x.Value)
	case *array.Time32:
		return ordered(x.Value)
	case *array.Time64:
		return ordered(x.Value)
	case *array.Decimal128:
		return func(i, j int) int { return x.Value(i).Cmp(x.Value(j)) }
	}
	return func(i, j int) int { return strings.Compare(a.ValueStr(i), a.ValueStr(j)) }
}

func ordered[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | string |
	arrow.Date32 | arrow.Date64 | arrow.Timestamp | arrow.Time32 | arrow.Time64](v func(int) T) func(i, j int) int {
	return func(i, j int) int {
		a, b := v(i), v(j)
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
}

// compareFloat orders floats with NaN after every number.
func compareFloat(a, b float64) int {
	an, bn := a != a, b != b
	switch {
	case an || bn:
		return boolInt(an) - boolInt(bn)
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timestampText renders raw value v of timestamp type tt: the wall clock
// 'YYYY-MM-DD HH:MM:SS[.ffffff]' (fraction only when non-zero, without
// trailing zeros, as PostgreSQL prints), followed for a zoned type by the
// offset in that zone ("+00", "+05:30").
func timestampText(v arrow.Timestamp, tt *arrow.TimestampType) string {
	t := v.ToTime(tt.Unit) // UTC
	if tt.TimeZone == "" {
		return snapshot.PostgresTimestamp(t)
	}
	if loc, err := tt.GetZone(); err == nil && loc != nil {
		t = t.In(loc)
	}
	off := strings.TrimSuffix(t.Format("-07:00"), ":00")
	return snapshot.PostgresTimestamp(t) + off
}

// dateText renders a date as YYYY-MM-DD.
func dateText(t time.Time) string { return t.Format(time.DateOnly) }
