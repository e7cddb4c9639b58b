package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// writeCSV prints the header and then rows order of rec, columns cols, as
// CSV: nulls empty, timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]', dates
// YYYY-MM-DD, floats in PostgreSQL's shortest form, booleans true/false,
// binary as \x hex, nested values as JSON.
func writeCSV(w io.Writer, rec arrow.RecordBatch, cols, order []int) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(cols))
	for k, c := range cols {
		row[k] = rec.Schema().Field(c).Name
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for _, i := range order {
		for k, c := range cols {
			row[k] = cellText(rec.Column(c), i)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON prints rows order of rec, columns cols, as one JSON array of
// objects, one object per line, keys in column order: nulls null, numbers
// and booleans as JSON numbers and booleans (NaN and infinities as the
// strings "NaN", "Infinity", "-Infinity"), other values as the strings
// writeCSV prints, nested values as JSON.
func writeJSON(w io.Writer, rec arrow.RecordBatch, cols, order []int) error {
	bw := bufio.NewWriter(w)
	keys := make([][]byte, len(cols))
	for k, c := range cols {
		keys[k] = jsonString(rec.Schema().Field(c).Name)
	}
	bw.WriteString("[")
	for n, i := range order {
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n{")
		for k, c := range cols {
			if k > 0 {
				bw.WriteByte(',')
			}
			bw.Write(keys[k])
			bw.WriteByte(':')
			bw.Write(cellJSON(rec.Column(c), i))
		}
		bw.WriteString("}")
	}
	if len(order) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// cellText renders value i of a as writeCSV prints it.
func cellText(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch x := a.(type) {
	case *array.Float64:
		return snapshot.PostgresFloat(x.Value(i), 64)
	case *array.Float32:
		return snapshot.PostgresFloat(float64(x.Value(i)), 32)
	case *array.Boolean:
		return strconv.FormatBool(x.Value(i))
	case *array.String:
		return x.Value(i)
	case *array.LargeString:
		return x.Value(i)
	case *array.Binary:
		return `\x` + hex.EncodeToString(x.Value(i))
	case *array.Date32:
		return dateText(x.Value(i).ToTime())
	case *array.Date64:
		return dateText(x.Value(i).ToTime())
	case *array.Timestamp:
		return timestampText(x.Value(i), x.DataType().(*arrow.TimestampType))
	case array.ListLike, *array.Struct, *array.Map:
		return string(marshal(a.GetOneForMarshal(i)))
	}
	return a.ValueStr(i)
}

// cellJSON renders value i of a as writeJSON prints it.
func cellJSON(a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return []byte("null")
	}
	switch x := a.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64,
		*array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		return []byte(x.ValueStr(i))
	case *array.Float64:
		return floatJSON(x.Value(i), 64)
	case *array.Float32:
		return floatJSON(float64(x.Value(i)), 32)
	case *array.Boolean:
		return strconv.AppendBool(nil, x.Value(i))
	case array.ListLike, *array.Struct, *array.Map:
		return marshal(a.GetOneForMarshal(i))
	}
	return jsonString(cellText(a, i))
}

func floatJSON(f float64, bits int) []byte {
	s := snapshot.PostgresFloat(f, bits)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return jsonString(s)
	}
	return []byte(s)
}

// jsonString returns s as a JSON string, without HTML escaping.
func jsonString(s string) []byte { return marshal(s) }

// marshal encodes v as JSON without HTML escaping nor a trailing newline.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte("null")
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
