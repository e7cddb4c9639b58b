package medallion_test

import (
	"time"

	"github.com/apache/iceberg-go"
)

func janDate() iceberg.Date { return dateOf(2024, time.January) }
func febDate() iceberg.Date { return dateOf(2024, time.February) }

func dateOf(y int, m time.Month) iceberg.Date {
	return iceberg.Date(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func gtEq(col string, v float64) iceberg.BooleanExpression {
	return iceberg.GreaterThanEqual(iceberg.Reference(col), v)
}

func ltEq(col string, v float64) iceberg.BooleanExpression {
	return iceberg.LessThanEqual(iceberg.Reference(col), v)
}

func gt(col string, v float64) iceberg.BooleanExpression {
	return iceberg.GreaterThan(iceberg.Reference(col), v)
}
