package tlc

import (
	"fmt"
	"time"
)

// Month is one calendar month, the unit in which the TLC publishes trip
// files. The zero Month is invalid; use ParseMonth, MonthOf or a literal such
// as Month{2024, time.January}.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses a month written as "YYYY-MM", the form used in TLC file
// names (yellow_tripdata_2024-01.parquet).
func ParseMonth(s string) (Month, error) {
	// time.Parse rejects "2024-1" and "2024-13", so no hand-written checks.
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("tlc: invalid month %q (want YYYY-MM): %w", s, err)
	}
	return MonthOf(t), nil
}

// MonthOf returns the month that contains t, read in t's own location.
func MonthOf(t time.Time) Month { return Month{Year: t.Year(), Month: t.Month()} }

// String formats m as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Valid reports whether m names a real month of a four-digit year.
func (m Month) Valid() bool {
	return m.Year >= 1 && m.Year <= 9999 && m.Month >= time.January && m.Month <= time.December
}

// Start returns midnight on the first day of m in UTC. TLC timestamps are
// naive NYC wall-clock readings kept in UTC-located Times (see the trip
// types), so this compares directly with them.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// AddMonths returns the month n months after m (before it when n < 0).
func (m Month) AddMonths(n int) Month {
	// Count in months since year 0 so that the result is exact for any n,
	// without time.Date's day normalisation.
	i := m.Year*12 + int(m.Month) - 1 + n
	y, mo := i/12, i%12
	if mo < 0 {
		y, mo = y-1, mo+12
	}
	return Month{Year: y, Month: time.Month(mo + 1)}
}

// Compare returns -1, 0 or +1 as m is before, equal to or after o, so that
// Month works with slices.SortFunc.
func (m Month) Compare(o Month) int {
	switch {
	case m.Year < o.Year || m.Year == o.Year && m.Month < o.Month:
		return -1
	case m == o:
		return 0
	}
	return 1
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Compare(o) < 0 }

// MarshalText implements encoding.TextMarshaler ("YYYY-MM"), so a Month works
// in JSON and with flag.TextVar.
func (m Month) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("tlc: cannot marshal invalid month %d-%d", m.Year, int(m.Month))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseMonth.
func (m *Month) UnmarshalText(b []byte) error {
	p, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// MonthRange returns every month from from to to, both included, in order.
// It returns nil when to is before from.
func MonthRange(from, to Month) []Month {
	if to.Before(from) {
		return nil
	}
	n := (to.Year-from.Year)*12 + int(to.Month) - int(from.Month) + 1
	ms := make([]Month, n)
	for i := range ms {
		ms[i] = from.AddMonths(i)
	}
	return ms
}
