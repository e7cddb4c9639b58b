package lakehouse

import (
	"time"

	"github.com/apache/iceberg-go"
)

// Filter is a row predicate on a table's columns, an iceberg-go boolean
// expression: build one with the helpers below or with iceberg-go directly
// (iceberg.EqualTo(iceberg.Reference("vendor_id"), int32(2)), ...). A nil
// Filter means every row in Scan and no row in ReplaceWhere.
type Filter = iceberg.BooleanExpression

// Eq matches rows whose column equals v (a string, an int32 or int64, a
// float64, a bool, ...: the Go type must fit the column's type).
func Eq[T iceberg.LiteralType](column string, v T) Filter {
	return iceberg.EqualTo(iceberg.Reference(column), v)
}

// In matches rows whose column is one of vs.
func In[T iceberg.LiteralType](column string, vs ...T) Filter {
	return iceberg.IsIn(iceberg.Reference(column), vs...)
}

// IsNull matches rows whose column is null.
func IsNull(column string) Filter { return iceberg.IsNull(iceberg.Reference(column)) }

// And matches rows every filter matches.
func And(filters ...Filter) Filter {
	switch len(filters) {
	case 0:
		return iceberg.AlwaysTrue{}
	case 1:
		return filters[0]
	}
	return iceberg.NewAnd(filters[0], filters[1], filters[2:]...)
}

// Or matches rows any filter matches.
func Or(filters ...Filter) Filter {
	switch len(filters) {
	case 0:
		return iceberg.AlwaysFalse{}
	case 1:
		return filters[0]
	}
	return iceberg.NewOr(filters[0], filters[1], filters[2:]...)
}

// Not matches rows f does not match.
func Not(f Filter) Filter { return iceberg.NewNot(f) }

// TimeRange matches rows whose timestamp column (without time zone) lies
// in [from, to). Times are taken as wall clock: their clock reading in
// their own location is compared with the stored naive value.
func TimeRange(column string, from, to time.Time) Filter {
	ref := iceberg.Reference(column)
	return iceberg.NewAnd(
		iceberg.GreaterThanEqual(ref, naiveMicros(from)),
		iceberg.LessThan(ref, naiveMicros(to)),
	)
}

// MonthRange matches rows whose timestamp column (without time zone) falls
// in the given month; with a month(column) partition spec it selects
// exactly one partition.
func MonthRange(column string, year int, month time.Month) Filter {
	from := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	return TimeRange(column, from, from.AddDate(0, 1, 0))
}

// naiveMicros returns t's wall-clock reading as microseconds since the
// epoch, the representation of an Iceberg timestamp without zone.
func naiveMicros(t time.Time) iceberg.Timestamp {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return iceberg.Timestamp(wall.UnixMicro())
}
