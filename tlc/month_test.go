package tlc

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in      string
		want    Month
		wantErr bool
	}{
		{"2024-01", Month{2024, time.January}, false},
		{"2009-12", Month{2009, time.December}, false},
		{"2024-1", Month{}, true},
		{"2024-13", Month{}, true},
		{"2024/01", Month{}, true},
		{"", Month{}, true},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseMonth(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestMonthAddMonths(t *testing.T) {
	tests := []struct {
		m    Month
		n    int
		want Month
	}{
		{Month{2024, time.January}, 0, Month{2024, time.January}},
		{Month{2024, time.January}, 1, Month{2024, time.February}},
		{Month{2024, time.December}, 1, Month{2025, time.January}},
		{Month{2024, time.January}, -1, Month{2023, time.December}},
		{Month{2024, time.March}, -27, Month{2021, time.December}},
		{Month{2024, time.March}, 24, Month{2026, time.March}},
	}
	for _, tt := range tests {
		if got := tt.m.AddMonths(tt.n); got != tt.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", tt.m, tt.n, got, tt.want)
		}
	}
}

func TestMonthRange(t *testing.T) {
	tests := []struct {
		from, to string
		want     string
	}{
		{"2024-01", "2024-03", "[2024-01 2024-02 2024-03]"},
		{"2023-11", "2024-02", "[2023-11 2023-12 2024-01 2024-02]"},
		{"2024-05", "2024-05", "[2024-05]"},
		{"2024-05", "2024-04", "[]"},
	}
	for _, tt := range tests {
		from, _ := ParseMonth(tt.from)
		to, _ := ParseMonth(tt.to)
		if got := fmt.Sprint(MonthRange(from, to)); got != tt.want {
			t.Errorf("MonthRange(%s, %s) = %s, want %s", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestMonthCompare(t *testing.T) {
	a, b := Month{2023, time.December}, Month{2024, time.January}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 || !a.Before(b) || b.Before(a) {
		t.Errorf("Compare/Before wrong for %v and %v", a, b)
	}
	if got := b.Start(); !got.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Start() = %v", got)
	}
	if (Month{}).Valid() || !b.Valid() {
		t.Error("Valid wrong")
	}
}

func TestMonthJSON(t *testing.T) {
	b, err := json.Marshal(struct{ M Month }{Month{2024, time.July}})
	if err != nil || string(b) != `{"M":"2024-07"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var v struct{ M Month }
	if err := json.Unmarshal(b, &v); err != nil || v.M != (Month{2024, time.July}) {
		t.Fatalf("Unmarshal = %v, %v", v.M, err)
	}
	if _, err := json.Marshal(Month{}); err == nil {
		t.Error("marshalling the zero Month succeeded")
	}
}
