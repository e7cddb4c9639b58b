package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Source file formats, by extension.
const (
	formatCSV     = "csv"
	formatParquet = "parquet"
)

// sourceFormat returns the format of a source file from its name: .csv,
// .csv.gz or .parquet (any case).
func sourceFormat(path string) (string, bool) {
	l := strings.ToLower(path)
	switch {
	case strings.HasSuffix(l, ".csv"), strings.HasSuffix(l, ".csv.gz"):
		return formatCSV, true
	case strings.HasSuffix(l, ".parquet"):
		return formatParquet, true
	}
	return "", false
}

// microTS is the timestamp type sources are normalized to: microseconds
// without zone, Iceberg v2's timestamp.
var microTS = &arrow.TimestampType{Unit: arrow.Microsecond}

// readSource reads a snapshot source file into record batches of one
// schema, every field nullable. types gives the target table's column types
// by name (nil when the table does not exist yet): CSV values of those
// columns are parsed as those types and Parquet columns cast to them, so
// that later runs match the table whatever the inference says; the other
// columns are inferred (CSV) or kept (Parquet). Timestamps end up as
// microseconds without zone (see normalizeTimestamp). The caller releases
// the batches.
func readSource(ctx context.Context, path string, types map[string]arrow.DataType) ([]arrow.RecordBatch, error) {
	format, _ := sourceFormat(path)
	if format == formatParquet {
		return readParquet(ctx, path, types)
	}
	b, err := readCSV(ctx, path, types)
	if err != nil {
		return nil, err
	}
	return []arrow.RecordBatch{b}, nil
}

// readCSV reads a CSV file with a header line (optionally gzip-compressed)
// into one batch. An empty field is null, in every column type.
func readCSV(ctx context.Context, path string, types map[string]arrow.DataType) (arrow.RecordBatch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want a header line", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a UTF-8 byte order mark
	}
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" {
			return nil, fmt.Errorf("%s: header column %d has no name", path, i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("%s: header names column %q twice", path, h)
		}
		seen[h] = true
	}
	var (
		rows  [][]string
		lines []int
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err) // csv.ParseError gives the line
		}
		line, _ := cr.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
		if len(rows)%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}

	mem := memory.DefaultAllocator
	fields := make([]arrow.Field, len(header))
	cols := make([]arrow.Array, len(header))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, name := range header {
		value := func(i int) string { return rows[i][j] }
		dt := types[name]
		if dt == nil {
			dt = inferType(len(rows), value)
		}
		col, err := parseColumn(ctx, mem, dt, len(rows), value)
		if err != nil {
			var pe *parseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: line %d, column %q: %q is not a valid %s", path, lines[pe.row], name, pe.value, dt)
			}
			return nil, fmt.Errorf("%s: column %q: %w", path, name, err)
		}
		fields[j] = arrow.Field{Name: name, Type: col.DataType(), Nullable: true}
		cols[j] = col
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(len(rows))), nil
}

// Candidate types of inferType, in order of preference.
const (
	candInt = 1 << iota
	candFloat
	candBool
	candDate
	candTimestamp
	candAll = candInt | candFloat | candBool | candDate | candTimestamp
)

var (
	intRe   = regexp.MustCompile(`^[+-]?[0-9]+$`)
	floatRe = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
	dateRe  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	tsRe    = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,6}))?$`)
)

// inferType returns the type of a CSV column of n values: int64 when every
// non-empty value is a decimal integer that fits, float64 when every value
// is a decimal number (some with a fraction or exponent), bool for
// true/false (any case), date32 for YYYY-MM-DD, timestamp[us] (no zone) for
// YYYY-MM-DD HH:MM:SS[.ffffff] (or with T; dates alone are midnight), and
// string otherwise. Numbers with a leading zero ("007", "01.5") stay
// strings, as codes usually are; so do integers too large for int64. A
// column with no value is string.
func inferType(n int, value func(int) string) arrow.DataType {
	cand := candAll
	nonEmpty, fraction := false, false
	for i := 0; i < n && cand != 0; i++ {
		s := value(i)
		if s == "" {
			continue
		}
		nonEmpty = true
		digits := strings.TrimLeft(s, "+-")
		leadingZero := len(digits) > 1 && digits[0] == '0' && digits[1] != '.' && digits[1] != 'e' && digits[1] != 'E'
		if cand&candInt != 0 {
			if !intRe.MatchString(s) || leadingZero {
				cand &^= candInt
			} else if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				cand &^= candInt | candFloat // too large: an identifier, not a measure
			}
		}
		if cand&candFloat != 0 {
			if !floatRe.MatchString(s) || leadingZero {
				cand &^= candFloat
			} else if !intRe.MatchString(s) {
				fraction = true
			}
		}
		if cand&candBool != 0 && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			cand &^= candBool
		}
		if cand&(candDate|candTimestamp) != 0 {
			isDate := dateRe.MatchString(s) && validDate(s)
			if !isDate {
				cand &^= candDate
				if _, ok := parseTimestampText(s); !ok {
					cand &^= candTimestamp
				}
			}
		}
	}
	switch {
	case !nonEmpty:
		return arrow.BinaryTypes.String
	case cand&candInt != 0:
		return arrow.PrimitiveTypes.Int64
	case cand&candFloat != 0 && fraction:
		return arrow.PrimitiveTypes.Float64
	case cand&candBool != 0:
		return arrow.FixedWidthTypes.Boolean
	case cand&candDate != 0:
		return arrow.FixedWidthTypes.Date32
	case cand&candTimestamp != 0:
		return microTS
	}
	return arrow.BinaryTypes.String
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// parseTimestampText parses YYYY-MM-DD HH:MM:SS[.ffffff] (or with T, or a
// date alone) as a UTC wall clock.
func parseTimestampText(s string) (time.Time, bool) {
	if dateRe.MatchString(s) {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	m := tsRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateTime, m[1]+" "+m[2])
	if err != nil {
		return time.Time{}, false
	}
	if frac := m[3]; frac != "" {
		us, _ := strconv.Atoi(frac + strings.Repeat("0", 6-len(frac)))
		t = t.Add(time.Duration(us) * time.Microsecond)
	}
	return t, true
}

// parseError locates a CSV value that does not parse as its column's type.
type parseError struct {
	row   int
	value string
}

func (e *parseError) Error() string { return fmt.Sprintf("row %d: cannot parse %q", e.row, e.value) }

// parseColumn builds an array of type dt from n text values; an empty value
// is null. Types without a direct parser are built as strings and cast.
func parseColumn(ctx context.Context, mem memory.Allocator, dt arrow.DataType, n int, value func(int) string) (arrow.Array, error) {
	parse, ok := parserFor(dt)
	if !ok {
		strs, err := parseColumn(ctx, mem, arrow.BinaryTypes.String, n, value)
		if err != nil {
			return nil, err
		}
		defer strs.Release()
		out, err := compute.CastArray(compute.WithAllocator(ctx, mem), strs, compute.SafeCastOptions(dt))
		if err != nil {
			return nil, fmt.Errorf("cannot read values as %s: %w", dt, err)
		}
		return out, nil
	}
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		s := value(i)
		if s == "" {
			b.AppendNull()
			continue
		}
		if !parse(b, s) {
			return nil, &parseError{row: i, value: s}
		}
	}
	return b.NewArray(), nil
}

// parserFor returns the function that appends a text value to a builder of
// type dt, reporting false when the text is not a value of dt.
func parserFor(dt arrow.DataType) (func(array.Builder, string) bool, bool) {
	intParser := func(bits int, appendTo func(array.Builder, int64)) func(array.Builder, string) bool {
		return func(b array.Builder, s string) bool {
			v, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				return false
			}
			appendTo(b, v)
			return true
		}
	}
	switch t := dt.(type) {
	case *arrow.Int64Type:
		return intParser(64, func(b array.Builder, v int64) { b.(*array.Int64Builder).Append(v) }), true
	case *arrow.Int32Type:
		return intParser(32, func(b array.Builder, v int64) { b.(*array.Int32Builder).Append(int32(v)) }), true
	case *arrow.Int16Type:
		return intParser(16, func(b array.Builder, v int64) { b.(*array.Int16Builder).Append(int16(v)) }), true
	case *arrow.Int8Type:
		return intParser(8, func(b array.Builder, v int64) { b.(*array.Int8Builder).Append(int8(v)) }), true
	case *arrow.Float64Type:
		return func(b array.Builder, s string) bool {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return false
			}
			b.(*array.Float64Builder).Append(v)
			return true
		}, true
	case *arrow.Float32Type:
		return func(b array.Builder, s string) bool {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				return false
			}
			b.(*array.Float32Builder).Append(float32(v))
			return true
		}, true
	case *arrow.BooleanType:
		return func(b array.Builder, s string) bool {
			v, err := strconv.ParseBool(s)
			if err != nil {
				switch {
				case strings.EqualFold(s, "true"):
					v = true
				case strings.EqualFold(s, "false"):
				default:
					return false
				}
			}
			b.(*array.BooleanBuilder).Append(v)
			return true
		}, true
	case *arrow.Date32Type:
		return func(b array.Builder, s string) bool {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return false
			}
			b.(*array.Date32Builder).Append(arrow.Date32FromTime(t))
			return true
		}, true
	case *arrow.TimestampType:
		return func(b array.Builder, s string) bool {
			tm, ok := parseTimestampText(s)
			if !ok {
				return false
			}
			v, err := arrow.TimestampFromTime(tm, t.Unit)
			if err != nil {
				return false
			}
			b.(*array.TimestampBuilder).Append(v)
			return true
		}, true
	case *arrow.StringType:
		return func(b array.Builder, s string) bool { b.(*array.StringBuilder).Append(s); return true }, true
	case *arrow.LargeStringType:
		return func(b array.Builder, s string) bool { b.(*array.LargeStringBuilder).Append(s); return true }, true
	}
	return nil, false
}

// readParquet reads a Parquet file through pqarrow and conforms its batches
// (see conform).
func readParquet(ctx context.Context, path string, types map[string]arrow.DataType) (out []arrow.RecordBatch, err error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer pf.Close()
	mem := memory.DefaultAllocator
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, mem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rr.Release()
	defer func() {
		if err != nil {
			for _, b := range out {
				b.Release()
			}
			out = nil
		}
	}()
	for rr.Next() {
		b, err := conform(ctx, mem, rr.RecordBatch(), types)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, b)
	}
	if err := rr.Err(); err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 { // no rows: still say which columns the source has
		empty := array.NewRecordBuilder(mem, rr.Schema())
		defer empty.Release()
		rec := empty.NewRecordBatch()
		defer rec.Release()
		b, err := conform(ctx, mem, rec, types)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// conform returns rec with every timestamp normalized (normalizeTimestamp),
// each column whose name is in types cast to that type, every field
// nullable and without metadata.
func conform(ctx context.Context, mem memory.Allocator, rec arrow.RecordBatch, types map[string]arrow.DataType) (arrow.RecordBatch, error) {
	fields := make([]arrow.Field, rec.NumCols())
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range rec.Schema().Fields() {
		col := rec.Column(i)
		col.Retain()
		if _, ok := col.DataType().(*arrow.TimestampType); ok {
			norm := normalizeTimestamp(mem, col)
			col.Release()
			col = norm
		}
		if want := types[f.Name]; want != nil && !arrow.TypeEqual(col.DataType(), want) {
			cast, err := compute.CastArray(compute.WithAllocator(ctx, mem), col, compute.SafeCastOptions(want))
			col.Release()
			if err != nil {
				return nil, fmt.Errorf("column %q is %s, the table has %s: %w", f.Name, f.Type, want, err)
			}
			col = cast
		}
		cols[i] = col
		fields[i] = arrow.Field{Name: f.Name, Type: col.DataType(), Nullable: true}
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}

// normalizeTimestamp converts a timestamp array of any unit and zone to
// microseconds without zone, as Iceberg v2 stores timestamps: a zoned
// value becomes its UTC wall clock; nanoseconds are truncated (rounded
// towards the past) to the microsecond.
func normalizeTimestamp(mem memory.Allocator, col arrow.Array) arrow.Array {
	a := col.(*array.Timestamp)
	tt := a.DataType().(*arrow.TimestampType)
	if tt.Unit == arrow.Microsecond && tt.TimeZone == "" {
		a.Retain()
		return a
	}
	conv := func(v int64) int64 { return v }
	switch tt.Unit {
	case arrow.Second:
		conv = func(v int64) int64 { return v * 1_000_000 }
	case arrow.Millisecond:
		conv = func(v int64) int64 { return v * 1_000 }
	case arrow.Nanosecond:
		conv = func(v int64) int64 {
			q := v / 1_000
			if v%1_000 < 0 {
				q--
			}
			return q
		}
	}
	b := array.NewTimestampBuilder(mem, microTS)
	defer b.Release()
	b.Reserve(a.Len())
	for i := range a.Len() {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		b.Append(arrow.Timestamp(conv(int64(a.Value(i)))))
	}
	return b.NewArray()
}
