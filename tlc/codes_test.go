package tlc

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// codeDiff is what changes in a code table from one edition to the next.
type codeDiff struct {
	added   []Code // codes only in the later edition
	removed []Code // codes only in the earlier edition
	changed []string
}

func diffCodes(before, after []Code) codeDiff {
	var d codeDiff
	old := make(map[int32]string, len(before))
	for _, c := range before {
		old[c.Code] = c.Description
	}
	seen := make(map[int32]bool, len(after))
	for _, c := range after {
		seen[c.Code] = true
		desc, ok := old[c.Code]
		switch {
		case !ok:
			d.added = append(d.added, c)
		case desc != c.Description:
			d.changed = append(d.changed, fmt.Sprintf("%d: %s -> %s", c.Code, desc, c.Description))
		}
	}
	for _, c := range before {
		if !seen[c.Code] {
			d.removed = append(d.removed, c)
		}
	}
	return d
}

// TestCodesEditions pins the documented changes from the older dictionaries
// to the March 2025 edition, table by table.
func TestCodesEditions(t *testing.T) {
	tests := []struct {
		table CodeTable
		want  codeDiff
	}{
		{CodeVendor, codeDiff{
			added:   []Code{{6, "Myle Technologies Inc"}, {7, "Helix"}},
			changed: []string{"2: VeriFone Inc. -> Curb Mobility, LLC"},
		}},
		{CodeRateCode, codeDiff{added: []Code{{99, "Null/unknown"}}}},
		{CodePaymentType, codeDiff{added: []Code{{0, "Flex Fare trip"}}}},
		{CodeTripType, codeDiff{}},
	}
	if got := len(tests); got != len(CodeTables()) {
		t.Fatalf("test covers %d tables, CodeTables has %d", got, len(CodeTables()))
	}
	for _, tt := range tests {
		t.Run(string(tt.table), func(t *testing.T) {
			before, err := Codes(tt.table, Dictionary2015)
			if err != nil {
				t.Fatal(err)
			}
			after, err := Codes(tt.table, Dictionary2025)
			if err != nil {
				t.Fatal(err)
			}
			got := diffCodes(before, after)
			if !slices.Equal(got.added, tt.want.added) || !slices.Equal(got.removed, tt.want.removed) || !slices.Equal(got.changed, tt.want.changed) {
				t.Errorf("%s from %s to %s:\n got %+v\nwant %+v", tt.table, Dictionary2015, Dictionary2025, got, tt.want)
			}
		})
	}
}

func TestCodesValues(t *testing.T) {
	tests := []struct {
		table   CodeTable
		edition DictionaryEdition
		want    []Code
	}{
		{CodeVendor, Dictionary2015, []Code{{1, "Creative Mobile Technologies, LLC"}, {2, "VeriFone Inc."}}},
		{CodeVendor, Dictionary2025, []Code{{1, "Creative Mobile Technologies, LLC"}, {2, "Curb Mobility, LLC"}, {6, "Myle Technologies Inc"}, {7, "Helix"}}},
		{CodeRateCode, Dictionary2015, []Code{{1, "Standard rate"}, {2, "JFK"}, {3, "Newark"}, {4, "Nassau or Westchester"}, {5, "Negotiated fare"}, {6, "Group ride"}}},
		{CodeRateCode, Dictionary2025, []Code{{1, "Standard rate"}, {2, "JFK"}, {3, "Newark"}, {4, "Nassau or Westchester"}, {5, "Negotiated fare"}, {6, "Group ride"}, {99, "Null/unknown"}}},
		{CodePaymentType, Dictionary2015, []Code{{1, "Credit card"}, {2, "Cash"}, {3, "No charge"}, {4, "Dispute"}, {5, "Unknown"}, {6, "Voided trip"}}},
		{CodePaymentType, Dictionary2025, []Code{{0, "Flex Fare trip"}, {1, "Credit card"}, {2, "Cash"}, {3, "No charge"}, {4, "Dispute"}, {5, "Unknown"}, {6, "Voided trip"}}},
		{CodeTripType, Dictionary2015, []Code{{1, "Street-hail"}, {2, "Dispatch"}}},
		{CodeTripType, Dictionary2025, []Code{{1, "Street-hail"}, {2, "Dispatch"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.table)+"/"+string(tt.edition), func(t *testing.T) {
			got, err := Codes(tt.table, tt.edition)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestCodesSortedUnique(t *testing.T) {
	for _, e := range DictionaryEditions() {
		for _, table := range CodeTables() {
			codes, err := Codes(table, e)
			if err != nil {
				t.Fatalf("%s %s: %v", table, e, err)
			}
			if len(codes) == 0 {
				t.Errorf("%s %s: empty", table, e)
			}
			descs := make(map[string]bool)
			for i, c := range codes {
				if i > 0 && c.Code <= codes[i-1].Code {
					t.Errorf("%s %s: code %d after %d: not strictly increasing", table, e, c.Code, codes[i-1].Code)
				}
				if c.Description == "" || strings.TrimSpace(c.Description) != c.Description {
					t.Errorf("%s %s: code %d: description %q", table, e, c.Code, c.Description)
				}
				if descs[c.Description] {
					t.Errorf("%s %s: description %q twice", table, e, c.Description)
				}
				descs[c.Description] = true
			}
		}
	}
}

// TestCodesMatchSchemaDocs keeps the column docs of schema.go, which list
// the current codes, in step with the latest edition.
func TestCodesMatchSchemaDocs(t *testing.T) {
	latest := DictionaryEditions()[len(DictionaryEditions())-1]
	for table, col := range map[CodeTable]Column{
		CodeVendor: cVendorID, CodeRateCode: cRatecode, CodePaymentType: cPaymentType, CodeTripType: cTripType,
	} {
		codes, _ := Codes(table, latest)
		for _, c := range codes {
			if !strings.Contains(col.Doc, fmt.Sprintf("%d ", c.Code)) {
				t.Errorf("%s: doc of %s %q does not mention code %d (%s)", table, col.Name, col.Doc, c.Code, c.Description)
			}
		}
	}
}

func TestCodesErrors(t *testing.T) {
	tests := []struct {
		table   CodeTable
		edition DictionaryEdition
		want    string
	}{
		{"store_and_fwd_flag", Dictionary2025, `unknown code table "store_and_fwd_flag"`},
		{CodeVendor, "2020-03-18", `unknown data dictionary edition "2020-03-18"`},
		{"", "", "unknown data dictionary edition"},
	}
	for _, tt := range tests {
		codes, err := Codes(tt.table, tt.edition)
		if err == nil || !strings.Contains(err.Error(), tt.want) || codes != nil {
			t.Errorf("Codes(%q, %q) = %v, %v; want error containing %q", tt.table, tt.edition, codes, err, tt.want)
		}
	}
}

func TestCodesReturnsCopy(t *testing.T) {
	codes, _ := Codes(CodeVendor, Dictionary2025)
	codes[0].Description = "changed"
	_ = append(codes[:1], Code{99, "appended"})
	again, _ := Codes(CodeVendor, Dictionary2025)
	if again[0].Description != "Creative Mobile Technologies, LLC" || again[1].Code != 2 {
		t.Errorf("Codes shares its table with the caller: %v", again)
	}
}

func TestDictionaryEditions(t *testing.T) {
	want := map[DictionaryEdition]time.Time{
		Dictionary2015: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
		Dictionary2025: time.Date(2025, 3, 18, 0, 0, 0, 0, time.UTC),
	}
	eds := DictionaryEditions()
	if !slices.Equal(slices.Sorted(maps.Keys(want)), slices.Sorted(slices.Values(eds))) {
		t.Fatalf("DictionaryEditions() = %v, want %v", eds, slices.Sorted(maps.Keys(want)))
	}
	var prev time.Time
	for _, e := range eds {
		got, err := e.Published()
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want[e]) {
			t.Errorf("%s.Published() = %v, want %v", e, got, want[e])
		}
		if !got.After(prev) {
			t.Errorf("%s published %v, not after the previous edition (%v)", e, got, prev)
		}
		prev = got
		if e.String() != string(e) {
			t.Errorf("%s.String() = %q", e, e.String())
		}
	}
	for _, bad := range []DictionaryEdition{"", "2020", "2025-03-19", "March 18, 2025"} {
		if got, err := bad.Published(); err == nil {
			t.Errorf("%q.Published() = %v, want an error", bad, got)
		}
	}
}

func TestCodesRecordBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, e := range DictionaryEditions() {
		for _, table := range CodeTables() {
			codes, _ := Codes(table, e)
			rec := CodesRecordBatch(mem, codes)
			if !rec.Schema().Equal(CodesSchema) {
				t.Fatalf("schema %v, want %v", rec.Schema(), CodesSchema)
			}
			if got := rec.Schema().Field(0); got.Name != "code" || got.Type.ID() != CodesSchema.Field(0).Type.ID() {
				t.Errorf("field 0 = %v", got)
			}
			if rec.NumRows() != int64(len(codes)) || rec.NumCols() != 2 {
				t.Errorf("%s %s: %d rows x %d cols, want %d x 2", table, e, rec.NumRows(), rec.NumCols(), len(codes))
			}
			code := rec.Column(0).(*array.Int32)
			desc := rec.Column(1).(*array.String)
			for i, c := range codes {
				if code.IsNull(i) || desc.IsNull(i) || code.Value(i) != c.Code || desc.Value(i) != c.Description {
					t.Errorf("%s %s row %d: %d %q, want %v", table, e, i, code.Value(i), desc.Value(i), c)
				}
			}
			rec.Release()
		}
	}
	empty := CodesRecordBatch(mem, nil)
	if empty.NumRows() != 0 || !empty.Schema().Equal(CodesSchema) {
		t.Errorf("empty batch: %d rows, schema %v", empty.NumRows(), empty.Schema())
	}
	empty.Release()
	def := CodesRecordBatch(nil, []Code{{1, "x"}})
	if def.NumRows() != 1 {
		t.Errorf("nil allocator: %d rows", def.NumRows())
	}
	def.Release()
}
