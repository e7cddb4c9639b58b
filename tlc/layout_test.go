package tlc

import (
	"encoding/csv"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

func TestLayoutFor(t *testing.T) {
	tests := []struct {
		kind        Kind
		year, month int
		want        string // "" for an error
	}{
		{Yellow, 2009, 1, "yellow-2009"},
		{Yellow, 2009, 12, "yellow-2009"},
		{Yellow, 2010, 1, "yellow-2010"},
		{Yellow, 2010, 2, "yellow-2010-index"},
		{Yellow, 2010, 3, "yellow-2010-index"},
		{Yellow, 2010, 4, "yellow-2010"},
		{Yellow, 2011, 1, "yellow-2011"},
		{Yellow, 2023, 1, "yellow-2011"},
		{Yellow, 2023, 2, "yellow-2023"},
		{Yellow, 2024, 12, "yellow-2023"},
		{Yellow, 2025, 1, "yellow-2025"},
		{Yellow, 2026, 5, "yellow-2025"},
		{Yellow, 2026, 6, "yellow-2026"},
		{Yellow, 2030, 1, "yellow-2026"},
		{Green, 2014, 1, "green-2014"},
		{Green, 2020, 4, "green-2014"},
		{Green, 2024, 1, "green-2023"},
		{Green, 2025, 3, "green-2025"},
		{FHV, 2015, 1, "fhv-2015"},
		{FHV, 2021, 1, "fhv-2020"},
		{FHVHV, 2019, 2, "fhvhv-2019"},
		{FHVHV, 2025, 1, "fhvhv-2025"},
		{Yellow, 2008, 12, ""},
		{Green, 2013, 7, ""},
		{FHV, 2014, 12, ""},
		{FHVHV, 2019, 1, ""},
		{Yellow, 2020, 13, ""},
		{"taxi", 2020, 1, ""},
	}
	for _, tt := range tests {
		l, err := LayoutFor(tt.kind, tt.year, tt.month)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("LayoutFor(%s, %d, %d) = %s, want an error", tt.kind, tt.year, tt.month, l.Name)
		case tt.want != "" && err != nil:
			t.Errorf("LayoutFor(%s, %d, %d): %v", tt.kind, tt.year, tt.month, err)
		case l.Name != tt.want:
			t.Errorf("LayoutFor(%s, %d, %d) = %s, want %s", tt.kind, tt.year, tt.month, l.Name, tt.want)
		}
	}
}

// TestLayoutsCanonical checks every layout against schema.go: each column
// maps to a canonical column of its kind, except the known extras, and
// every layout carries the trip times.
func TestLayoutsCanonical(t *testing.T) {
	extras := []string{"Start_Lon", "Start_Lat", "End_Lon", "End_Lat", "pickup_longitude",
		"pickup_latitude", "dropoff_longitude", "dropoff_latitude", "__index_level_0__"}
	seen := map[string]bool{}
	for _, l := range Layouts() {
		if seen[l.Name] {
			t.Errorf("layout %s listed twice", l.Name)
		}
		seen[l.Name] = true
		if _, err := LayoutByName(l.Name); err != nil {
			t.Error(err)
		}
		if l.Source == "" {
			t.Errorf("%s: no source note", l.Name)
		}
		names := ColumnNames(l.Kind)
		mapped := map[string]bool{}
		for _, c := range l.Columns {
			if c.Type.ArrowType() == nil {
				t.Errorf("%s.%s: invalid type", l.Name, c.Name)
			}
			switch {
			case c.Canonical == "" && !slices.Contains(extras, c.Name):
				t.Errorf("%s.%s maps to no canonical column", l.Name, c.Name)
			case c.Canonical != "" && !slices.Contains(names, c.Canonical):
				t.Errorf("%s.%s maps to %q, not a %s column", l.Name, c.Name, c.Canonical, l.Kind)
			case c.Canonical != "" && mapped[c.Canonical]:
				t.Errorf("%s: two columns map to %s", l.Name, c.Canonical)
			}
			mapped[c.Canonical] = true
		}
		for _, want := range []string{"pickup_datetime", "dropoff_datetime"} {
			if !mapped[want] {
				t.Errorf("%s has no %s", l.Name, want)
			}
		}
	}
	if _, err := LayoutByName("yellow-1999"); err == nil {
		t.Error("LayoutByName(yellow-1999) succeeded")
	}
}

// TestLayoutsMatchMetadata checks the column names and order of every
// layout against the footers of every TLC file 2009-01 to 2024-05.
func TestLayoutsMatchMetadata(t *testing.T) {
	f, err := os.Open(fixture(t, "tlc_file_metadata_2009-2024.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		year, _ := strconv.Atoi(r[col["file_year"]])
		month, _ := strconv.Atoi(r[col["file_month"]])
		k := Kind(r[col["file_record_type"]])
		l, err := LayoutFor(k, year, month)
		if err != nil {
			t.Errorf("%s: %v", r[col["file_name"]], err)
			continue
		}
		if got, want := strings.Join(l.ColumnNames(), ","), r[col["file_column_names"]]; got != want {
			t.Errorf("%s: layout %s has columns\n%s\nthe file has\n%s", r[col["file_name"]], l.Name, got, want)
		}
	}
}

// TestLayoutsMatchRealParquet checks the physical and logical types of the
// verified layouts against the real files' footers.
func TestLayoutsMatchRealParquet(t *testing.T) {
	tests := []struct{ file, layout string }{
		{"green_tripdata_2020-04.parquet", "green-2014"},
		{"green_tripdata_2022-01.parquet", "green-2014"}, // five of the columns
		{"green_tripdata_2024-01.parquet", "green-2023"},
		{"yellow_tripdata_2025-01_head5.hardwood.parquet", "yellow-2025"},
		{"yellow_tripdata_sample.narendar.parquet", "yellow-2025-pandas"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := fixture(t, tt.file)
			l, err := LayoutByName(tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			r, err := file.OpenParquetFile(path, false)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			sc := r.MetaData().Schema
			for i := range sc.NumColumns() {
				c := sc.Column(i)
				pc, ok := l.Column(c.Name())
				if !ok {
					t.Errorf("%s: column %s is not in layout %s", tt.file, c.Name(), l.Name)
					continue
				}
				if err := matchPhysical(pc, c); err != nil {
					t.Errorf("%s: %v", tt.file, err)
				}
			}
			if sc.NumColumns() == len(l.Columns) {
				for i, name := range l.ColumnNames() {
					if got := sc.Column(i).Name(); got != name {
						t.Errorf("%s: column %d is %s, layout says %s", tt.file, i, got, name)
					}
				}
			}
		})
	}
}

// matchPhysical reports how a Parquet column differs from pc's type.
func matchPhysical(pc PhysicalColumn, c *schema.Column) error {
	lt := c.LogicalType()
	noLogical := lt == nil || !lt.IsValid() || lt.Equals(schema.NoLogicalType{})
	isTS := func(unit schema.TimeUnitType) bool {
		ts, ok := lt.(schema.TimestampLogicalType)
		return ok && ts.TimeUnit() == unit && !ts.IsAdjustedToUTC()
	}
	_, isString := lt.(schema.StringLogicalType)
	var ok bool
	switch pt := c.PhysicalType(); pc.Type {
	case PhysInt32:
		ok = pt == parquet.Types.Int32 && noLogical
	case PhysInt64:
		ok = pt == parquet.Types.Int64 && noLogical
	case PhysDouble:
		ok = pt == parquet.Types.Double && noLogical
	case PhysString, PhysTimestampString:
		ok = pt == parquet.Types.ByteArray && isString
	case PhysTimestampMicros:
		ok = pt == parquet.Types.Int64 && isTS(schema.TimeUnitMicros)
	case PhysTimestampNanos:
		ok = pt == parquet.Types.Int64 && isTS(schema.TimeUnitNanos)
	case PhysNull:
		_, ok = lt.(schema.NullLogicalType)
	}
	if !ok {
		return errors.New("column " + c.Name() + " is " + c.PhysicalType().String() + " " +
			logicalString(lt) + ", layout says " + pc.Type.String())
	}
	return nil
}

func logicalString(lt schema.LogicalType) string {
	if lt == nil {
		return "(no logical type)"
	}
	return lt.String()
}
