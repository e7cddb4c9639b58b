package snapshot

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// ScdID returns dbt's dbt_scd_id for the already rendered arguments: the
// lower-case hex md5 of the arguments joined by "|". Callers render a null
// argument as "" (dbt coalesces nulls to empty text) and timestamps with
// PostgresTimestamp.
func ScdID(args ...string) string {
	var buf []byte
	for i, a := range args {
		if i > 0 {
			buf = append(buf, '|')
		}
		buf = append(buf, a...)
	}
	var out [2 * md5.Size]byte
	return string(scdIDOf(&out, buf))
}

// scdIDOf writes the hex md5 of the joined arguments into out.
func scdIDOf(out *[2 * md5.Size]byte, joined []byte) []byte {
	sum := md5.Sum(joined)
	hex.Encode(out[:], sum[:])
	return out[:]
}

// PostgresTimestamp renders t's wall clock as Postgres renders a timestamp
// without time zone cast to text (DateStyle ISO): "2024-01-01 00:00:00",
// fractional seconds only when non-zero and without trailing zeros
// ("2024-01-01 00:00:00.5"), years zero-padded to four digits and " BC" for
// years before 1. Nanoseconds are kept (Postgres stops at microseconds).
func PostgresTimestamp(t time.Time) string {
	return string(appendWallClock(nil, t))
}

// appendWallClock appends t's wall clock in Postgres ISO text, without the
// BC suffix, which the caller appends after any zone offset.
func appendWallClock(dst []byte, t time.Time) []byte {
	dst = appendDate(dst, t)
	dst = append(dst, ' ')
	dst = append2(dst, t.Hour())
	dst = append(dst, ':')
	dst = append2(dst, t.Minute())
	dst = append(dst, ':')
	dst = append2(dst, t.Second())
	if ns := t.Nanosecond(); ns != 0 {
		var frac [9]byte
		for k := 8; k >= 0; k-- {
			frac[k] = byte('0' + ns%10)
			ns /= 10
		}
		dst = append(dst, '.')
		dst = append(dst, bytes.TrimRight(frac[:], "0")...)
	}
	if t.Year() <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendDate appends t's date as Postgres renders a date (without " BC").
func appendDate(dst []byte, t time.Time) []byte {
	y := t.Year()
	if y <= 0 {
		y = 1 - y
	}
	for p := 1000; p > 1 && y < p; p /= 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendInt(dst, int64(y), 10)
	dst = append(dst, '-')
	dst = append2(dst, int(t.Month()))
	dst = append(dst, '-')
	return append2(dst, t.Day())
}

func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// appendOffset appends a Postgres timestamptz zone offset: "+00", "-05",
// "+05:30", "+00:19:32".
func appendOffset(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	dst = append2(dst, off/3600)
	if m, s := off/60%60, off%60; m != 0 || s != 0 {
		dst = append(append(dst, ':'), byte('0'+m/10), byte('0'+m%10))
		if s != 0 {
			dst = append(append(dst, ':'), byte('0'+s/10), byte('0'+s%10))
		}
	}
	return dst
}

// PostgresFloat renders f as Postgres 12+ renders a float8 (bitSize 64) or
// float4 (bitSize 32) cast to text: the shortest exact digits, in fixed
// notation when the decimal exponent is in [-4, 15) ([-4, 6) for float4),
// otherwise as 1.5e+20; NaN, Infinity and -Infinity spelled out.
func PostgresFloat(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, bitSize)
	exp, _ := strconv.Atoi(s[bytes.IndexByte([]byte(s), 'e')+1:])
	limit := 15
	if bitSize == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, bitSize)
}

// tsToTime converts a raw timestamp of type tt to the time it renders as: the
// naive wall clock (as UTC) for a zoneless type, the instant in loc otherwise.
func tsToTime(raw int64, tt *arrow.TimestampType, loc *time.Location) time.Time {
	per := int64(tt.Unit.Multiplier()) // nanoseconds per unit
	perSec := int64(time.Second) / per // units per second
	sec, rem := raw/perSec, raw%perSec
	if rem < 0 {
		sec, rem = sec-1, rem+perSec
	}
	t := time.Unix(sec, rem*per).UTC()
	if tt.TimeZone != "" {
		t = t.In(loc)
	}
	return t
}

// timeToTS converts t to a raw timestamp of type tt, truncating to the unit:
// a zoneless type stores t's wall clock in t's own location (as Postgres's
// now()::timestamp stores the session-local clock), a zoned type the instant.
func timeToTS(t time.Time, tt *arrow.TimestampType) (int64, error) {
	if tt.TimeZone == "" {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	per := int64(tt.Unit.Multiplier())
	perSec := int64(time.Second) / per
	sec := t.Unix()
	if sec > math.MaxInt64/perSec-1 || sec < math.MinInt64/perSec+1 {
		return 0, fmt.Errorf("time %s is out of range for %s", t, tt)
	}
	return sec*perSec + int64(t.Nanosecond())/per, nil
}

// appendTimestampText renders a raw timestamp like Postgres casting a
// timestamp (zoneless type) or timestamptz (zoned type, session time zone =
// the type's zone) to text.
func appendTimestampText(dst []byte, raw int64, tt *arrow.TimestampType, loc *time.Location) []byte {
	t := tsToTime(raw, tt, loc)
	if tt.TimeZone == "" {
		return appendWallClock(dst, t)
	}
	bc := t.Year() <= 0
	dst = appendWallClock(dst, time.Date(max(t.Year(), 1), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC))
	dst = appendOffset(dst, t)
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// keyTypeOK reports whether a unique-key column of type dt can be hashed and
// rendered for dbt_scd_id.
func keyTypeOK(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.STRING, arrow.LARGE_STRING, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

// appendText appends the text of a's value i as Postgres casts it to varchar;
// a null appends nothing (dbt's coalesce(..., ”)). a's type satisfies keyTypeOK.
func appendText(dst []byte, a arrow.Array, i int, loc *time.Location) []byte {
	if a.IsNull(i) {
		return dst
	}
	switch x := a.(type) {
	case *array.Int8:
		return strconv.AppendInt(dst, int64(x.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(dst, int64(x.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(dst, int64(x.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(dst, x.Value(i), 10)
	case *array.Uint8:
		return strconv.AppendUint(dst, uint64(x.Value(i)), 10)
	case *array.Uint16:
		return strconv.AppendUint(dst, uint64(x.Value(i)), 10)
	case *array.Uint32:
		return strconv.AppendUint(dst, uint64(x.Value(i)), 10)
	case *array.Uint64:
		return strconv.AppendUint(dst, x.Value(i), 10)
	case *array.Float32:
		return append(dst, PostgresFloat(float64(x.Value(i)), 32)...)
	case *array.Float64:
		return append(dst, PostgresFloat(x.Value(i), 64)...)
	case *array.Boolean:
		return strconv.AppendBool(dst, x.Value(i))
	case *array.String:
		return append(dst, x.Value(i)...)
	case *array.LargeString:
		return append(dst, x.Value(i)...)
	case *array.Date32:
		t := x.Value(i).ToTime()
		dst = appendDate(dst, t)
		if t.Year() <= 0 {
			dst = append(dst, " BC"...)
		}
		return dst
	case *array.Timestamp:
		return appendTimestampText(dst, int64(x.Value(i)), x.DataType().(*arrow.TimestampType), loc)
	}
	panic(fmt.Sprintf("snapshot: unsupported key type %s", a.DataType()))
}

// hashValue hashes a's non-null value i, so that equal values (by
// valuesEqual) hash equally. a's type satisfies keyTypeOK.
func (hs *hasher) hashValue(a arrow.Array, i int) uint64 {
	u := func(v uint64) uint64 { return mix64(v ^ hs.salt) }
	switch x := a.(type) {
	case *array.Int8:
		return u(uint64(x.Value(i)))
	case *array.Int16:
		return u(uint64(x.Value(i)))
	case *array.Int32:
		return u(uint64(x.Value(i)))
	case *array.Int64:
		return u(uint64(x.Value(i)))
	case *array.Uint8:
		return u(uint64(x.Value(i)))
	case *array.Uint16:
		return u(uint64(x.Value(i)))
	case *array.Uint32:
		return u(uint64(x.Value(i)))
	case *array.Uint64:
		return u(x.Value(i))
	case *array.Float32:
		return u(floatBits(float64(x.Value(i))))
	case *array.Float64:
		return u(floatBits(x.Value(i)))
	case *array.Boolean:
		if x.Value(i) {
			return u(1)
		}
		return u(0)
	case *array.String:
		return maphash.String(hs.seed, x.Value(i))
	case *array.LargeString:
		return maphash.String(hs.seed, x.Value(i))
	case *array.Date32:
		return u(uint64(x.Value(i)))
	case *array.Timestamp:
		return u(uint64(x.Value(i)))
	}
	panic(fmt.Sprintf("snapshot: unsupported key type %s", a.DataType()))
}

// floatBits canonicalises -0 to 0 and every NaN to one NaN, as Postgres
// compares them equal.
func floatBits(f float64) uint64 {
	switch {
	case f == 0:
		return 0
	case math.IsNaN(f):
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(f)
}

// floatEq is Postgres float equality: NaN equals NaN.
func floatEq(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// valuesEqual is the null-safe comparison of a's value i and b's value j
// (same type): two nulls are equal, a null and a value differ, NaN equals
// NaN.
func valuesEqual(a arrow.Array, i int, b arrow.Array, j int) bool {
	an, bn := a.IsNull(i), b.IsNull(j)
	if an || bn {
		return an && bn
	}
	switch x := a.(type) {
	case *array.Int8:
		return x.Value(i) == b.(*array.Int8).Value(j)
	case *array.Int16:
		return x.Value(i) == b.(*array.Int16).Value(j)
	case *array.Int32:
		return x.Value(i) == b.(*array.Int32).Value(j)
	case *array.Int64:
		return x.Value(i) == b.(*array.Int64).Value(j)
	case *array.Uint8:
		return x.Value(i) == b.(*array.Uint8).Value(j)
	case *array.Uint16:
		return x.Value(i) == b.(*array.Uint16).Value(j)
	case *array.Uint32:
		return x.Value(i) == b.(*array.Uint32).Value(j)
	case *array.Uint64:
		return x.Value(i) == b.(*array.Uint64).Value(j)
	case *array.Float32:
		return floatEq(float64(x.Value(i)), float64(b.(*array.Float32).Value(j)))
	case *array.Float64:
		return floatEq(x.Value(i), b.(*array.Float64).Value(j))
	case *array.Boolean:
		return x.Value(i) == b.(*array.Boolean).Value(j)
	case *array.String:
		return x.Value(i) == b.(*array.String).Value(j)
	case *array.LargeString:
		return x.Value(i) == b.(*array.LargeString).Value(j)
	case *array.Binary:
		return bytes.Equal(x.Value(i), b.(*array.Binary).Value(j))
	case *array.Date32:
		return x.Value(i) == b.(*array.Date32).Value(j)
	case *array.Date64:
		return x.Value(i) == b.(*array.Date64).Value(j)
	case *array.Timestamp:
		return x.Value(i) == b.(*array.Timestamp).Value(j)
	}
	return array.SliceEqual(a, int64(i), int64(i+1), b, int64(j), int64(j+1))
}
