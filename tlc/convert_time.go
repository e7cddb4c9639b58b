package tlc

import (
	"sync"
	"time"
	_ "time/tzdata"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// newYork is the TLC's time zone, loaded once; the tz database is embedded
// (time/tzdata) so that minimal images convert zoned timestamps too.
var newYork = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation("America/New_York") })

// timestampConverter converts any date-time source to canonical naive
// microseconds. Zoned sources (instants) are turned into New York wall-clock
// readings, which is what the TLC columns mean.
func timestampConverter(src arrow.DataType) converter {
	switch t := src.(type) {
	case *arrow.TimestampType:
		var loc *time.Location
		if t.TimeZone != "" {
			l, err := newYork()
			if err != nil {
				return nil // cannot happen with the embedded tz database
			}
			loc = l
		}
		if t.Unit == arrow.Microsecond && loc == nil {
			return func(_ memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
				if arrow.TypeEqual(a.DataType(), Timestamp) {
					a.Retain()
					return a
				}
				// Same values, canonical type: share the buffers.
				data := array.NewData(Timestamp, a.Len(), a.Data().Buffers(), nil, a.NullN(), a.Data().Offset())
				defer data.Release()
				return array.MakeFromData(data)
			}
		}
		return scaledTimestamps(t.Unit, loc)
	case *arrow.Date32Type, *arrow.Date64Type:
		return func(mem memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
			b := array.NewTimestampBuilder(mem, Timestamp)
			defer b.Release()
			b.Reserve(a.Len())
			for i := 0; i < a.Len(); i++ {
				switch {
				case a.IsNull(i):
					b.AppendNull()
				case src.ID() == arrow.DATE32:
					b.Append(arrow.Timestamp(int64(a.(*array.Date32).Value(i)) * 86_400_000_000))
				default:
					b.Append(arrow.Timestamp(int64(a.(*array.Date64).Value(i)) * 1000))
				}
			}
			return b.NewArray()
		}
	}
	if isString(src) {
		return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
			b := array.NewTimestampBuilder(mem, Timestamp)
			defer b.Release()
			b.Reserve(a.Len())
			str, _ := stringValues(a)
			for i := 0; i < a.Len(); i++ {
				if a.IsNull(i) {
					b.AppendNull()
					continue
				}
				us, ok, empty := parseWallClock(str(i))
				switch {
				case empty:
					b.AppendNull()
				case !ok:
					report(i, str(i), "not a date-time")
					b.AppendNull()
				default:
					b.Append(arrow.Timestamp(us))
				}
			}
			return b.NewArray()
		}
	}
	return nil
}

func scaledTimestamps(unit arrow.TimeUnit, loc *time.Location) converter {
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		ts := a.(*array.Timestamp)
		b := array.NewTimestampBuilder(mem, Timestamp)
		defer b.Release()
		b.Reserve(a.Len())
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			v := int64(ts.Value(i))
			var us int64
			switch unit {
			case arrow.Second:
				us = v * 1_000_000
			case arrow.Millisecond:
				us = v * 1000
			case arrow.Microsecond:
				us = v
			case arrow.Nanosecond:
				if v%1000 != 0 {
					report(i, ts.ValueStr(i), "sub-microsecond precision lost in canonical microseconds")
					b.AppendNull()
					continue
				}
				us = v / 1000
			}
			if loc != nil {
				us = WallClockMicros(time.UnixMicro(us).In(loc))
			}
			b.Append(arrow.Timestamp(us))
		}
		return b.NewArray()
	}
}

// parseWallClock reads the date-time spellings found in TLC CSV files:
// "2020-04-01 07:23:54", "2025-01-01 00:18:38.000000000", ISO "T"
// separators (a "Z" suffix marks a UTC instant, converted to New York
// wall-clock time), minutes-only "2020-04-01 07:23", and the old portal's
// "04/01/2020 07:23:54 AM". It returns microseconds since the epoch of the
// wall-clock reading. empty is true for blank text (a null).
func parseWallClock(s string) (us int64, ok, empty bool) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if s == "" {
		return 0, false, true
	}
	if len(s) >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T') {
		y, ok1 := digits(s[0:4])
		mo, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if !(ok1 && ok2 && ok3) {
			return 0, false, false
		}
		us, ok := clock(y, mo, d, s[11:], false)
		return us, ok, false
	}
	if len(s) >= 14 && s[2] == '/' && s[5] == '/' && s[10] == ' ' {
		mo, ok1 := digits(s[0:2])
		d, ok2 := digits(s[3:5])
		y, ok3 := digits(s[6:10])
		if !(ok1 && ok2 && ok3) {
			return 0, false, false
		}
		us, ok := clock(y, mo, d, s[11:], true)
		return us, ok, false
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		mo, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 && validDate(y, mo, d) {
			return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).UnixMicro(), true, false
		}
	}
	return 0, false, false
}

// clock parses "HH:MM[:SS[.fraction]][Z]" (or with " AM"/" PM" when ampm).
func clock(y, mo, d int, s string, ampm bool) (int64, bool) {
	if !validDate(y, mo, d) || len(s) < 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := digits(s[0:2])
	mi, ok2 := digits(s[3:5])
	if !(ok1 && ok2) {
		return 0, false
	}
	s = s[5:]
	sec, nanos := 0, 0
	if len(s) >= 3 && s[0] == ':' {
		var ok bool
		if sec, ok = digits(s[1:3]); !ok {
			return 0, false
		}
		s = s[3:]
		if len(s) > 1 && s[0] == '.' {
			j := 1
			scale := 100_000_000
			for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
				nanos += int(s[j]-'0') * scale
				scale /= 10
			}
			if j > 10 {
				return 0, false
			}
			s = s[j:]
		}
	}
	switch {
	case ampm && (s == " AM" || s == " am" || s == " PM" || s == " pm"):
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if s[1] == 'P' || s[1] == 'p' {
			h += 12
		}
	case s == "":
	case !ampm && s == "Z":
		// An instant in UTC: the TLC columns mean New York wall-clock time.
		ny, err := newYork()
		if err != nil {
			return 0, false
		}
		if h > 23 || mi > 59 || sec > 59 || nanos%1000 != 0 {
			return 0, false
		}
		return WallClockMicros(time.Date(y, time.Month(mo), d, h, mi, sec, nanos, time.UTC).In(ny)), true
	default:
		return 0, false
	}
	if h > 23 || mi > 59 || sec > 59 || nanos%1000 != 0 { // canonical times hold microseconds
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nanos, time.UTC)
	return t.UnixMicro(), true
}

func validDate(y, mo, d int) bool {
	if mo < 1 || mo > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}
